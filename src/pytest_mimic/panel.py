"""What a service shows on the dashboard: its state as titled tables, in one JSON shape.

A leaf module (it imports nothing of ours), so the service contract, the dashboard and any
service can use it without a circle. The page renders every panel the same way and knows no
service: a service decides what its tables hold, the page only draws them.

The shape, as JSON::

    {"facts": [[label, value], ...],
     "sections": [{"title": ..., "columns": [...], "rows": [[cell, ...], ...], "total": N}]}

A cell is a JSON scalar or a nested table (``{"columns", "rows", "total"}``): a load
balancer's nodes, a queue's head messages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ROW_LIMIT", "Panel", "Rows", "Section", "countdown"]

#: Rows a table shows at most (and ``total`` says how many there are): a panel is for
#: people, and a poll must stay cheap however much a test created.
ROW_LIMIT = 200

Cell = str | int | float | bool | None


class Rows(list[Any]):
    """The first items of a longer list, knowing how many there are in all: a service whose
    state is large lists only what a panel shows, and the panel still says how many.
    """

    def __init__(self, items: Iterable[Any] = (), total: int | None = None) -> None:
        super().__init__(items)
        self.total = len(self) if total is None else total


@dataclass(frozen=True)
class Section:
    """One table of a panel: ``columns`` name the cells of each row; ``total`` counts every
    row there is, of which ``rows`` holds the first ``ROW_LIMIT`` at most.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: int

    def json(self) -> dict[str, Any]:
        """The section as the page reads it."""
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(row) for row in self.rows],
            "total": self.total,
        }


@dataclass(frozen=True)
class Panel:
    """A service's panel: loose ``facts`` (label, value) and tables (``sections``)."""

    sections: tuple[Section, ...] = ()
    facts: tuple[tuple[str, Cell], ...] = field(default=())

    @property
    def empty(self) -> bool:
        """Whether there is nothing to show (the service declares no state)."""
        return not self.sections and not self.facts

    def json(self) -> dict[str, Any]:
        """The panel as the page reads it."""
        return {
            "facts": [[label, value] for label, value in self.facts],
            "sections": [section.json() for section in self.sections],
        }

    @classmethod
    def of(cls, state: Mapping[str, Any], limit: int = ROW_LIMIT) -> Panel:
        """The panel of a ``Service.state()`` mapping: each list becomes a table (a list of
        objects one row per object, columns from their keys in order), each object a
        two-column table, anything else a fact. Values that are not JSON become text.
        """
        sections: list[Section] = []
        facts: list[tuple[str, Cell]] = []
        for key, value in state.items():
            title = str(key)
            if isinstance(value, Sequence) and not isinstance(value, str | bytes):
                columns, rows = _table(value, limit)
                sections.append(Section(title, columns, rows, getattr(value, "total", len(value))))
            elif isinstance(value, Mapping):
                rows = tuple((str(k), _cell(v, limit)) for k, v in list(value.items())[:limit])
                sections.append(Section(title, ("name", "value"), rows, len(value)))
            else:
                facts.append((title, _scalar(value)))
        return cls(tuple(sections), tuple(facts))


def _table(items: Sequence[Any], limit: int) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
    shown = list(items[:limit])
    if not all(isinstance(item, Mapping) for item in shown):
        return ("value",), tuple((_cell(item, limit),) for item in shown)
    columns: dict[str, None] = {}
    for item in shown:
        columns.update(dict.fromkeys(str(k) for k in item))
    rows = tuple(tuple(_cell(_get(item, column), limit) for column in columns) for item in shown)
    return tuple(columns), rows


def _get(item: Mapping[Any, Any], column: str) -> Any:
    if column in item:
        return item[column]
    return next((v for k, v in item.items() if str(k) == column), None)


def _cell(value: Any, limit: int) -> Any:
    """A JSON scalar, or a nested table for a list or an object."""
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        if all(not isinstance(v, Mapping | Sequence) or isinstance(v, str) for v in value):
            return ", ".join(str(_scalar(v)) for v in value)
        columns, rows = _table(value, limit)
        total = getattr(value, "total", len(value))
        return {"columns": list(columns), "rows": [list(r) for r in rows], "total": total}
    if isinstance(value, Mapping):
        pairs = [[str(k), _cell(v, limit)] for k, v in list(value.items())[:limit]]
        return {"columns": ["name", "value"], "rows": pairs, "total": len(value)}
    return _scalar(value)


def _scalar(value: Any) -> Cell:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def countdown(seconds: float) -> str:
    """``"9m 30s"``: how long until something happens, as people say it (the two largest
    units, and whole seconds rounded up: a change due in 0.2 s is "1s" away).
    """
    whole = max(0, math.ceil(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s" if secs else f"{minutes}m"
    return f"{secs}s"
