"""The harness every row uses: the registry, interleaved sampling, goals and result lines.

A row is a function decorated with ``@row(name, title)`` in a module of ``bench.rows``; it
gets a ``Bench`` (how big a run this is) and returns ``Line`` objects. Each line is a figure
(the median of its samples) and, measured in the same run with the two sides interleaved,
a baseline it is divided by. Goals are reported, never asserted.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: ``bench.rows.core`` comes first in the table; every other module follows by name.
FIRST_GROUP = "core"


class BenchError(RuntimeError):
    """A measurement could not be taken: the fake answered wrongly, or a row is unknown."""


# -- goals and lines ------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """A target from the speed issue, checked against a line's figure or its ratio."""

    on: str  # "figure" or "ratio"
    op: str  # ">=", "<=" or "<"
    limit: float
    unit: str = ""

    @classmethod
    def ratio_at_least(cls, limit: float) -> Goal:
        return cls("ratio", ">=", limit)

    @classmethod
    def at_most(cls, limit: float, unit: str) -> Goal:
        return cls("figure", "<=", limit, unit)

    @classmethod
    def below(cls, limit: float, unit: str) -> Goal:
        return cls("figure", "<", limit, unit)

    def describe(self) -> str:
        sign = {">=": "≥", "<=": "≤", "<": "<"}[self.op]
        subject = "ratio " if self.on == "ratio" else ""
        unit = f" {self.unit}" if self.unit else ""
        return f"{subject}{sign} {self.limit:g}{unit}"

    def judge(self, figure: float, ratio: float | None) -> str:
        """``yes``, or ``no`` with by how much the goal is missed."""
        value = ratio if self.on == "ratio" else figure
        if value is None:
            return "-"
        met = {">=": value >= self.limit, "<=": value <= self.limit, "<": value < self.limit}
        if met[self.op]:
            return "yes"
        if self.op == ">=":
            return f"no, {_percent(1 - value / self.limit)} short"
        return f"no, {_percent(value / self.limit - 1)} over"


@dataclass
class Line:
    """One line of the table: ``samples`` per round, ``baseline_samples`` from the same rounds.

    ``figure`` and ``base`` are medians; ``ratio`` is the ratio of the medians; the
    per-round ratios (paired, since the sides alternate) show the spread.
    """

    what: str
    unit: str
    samples: list[float]
    baseline: str | None = None
    baseline_samples: list[float] | None = None
    goal: Goal | None = None

    @property
    def figure(self) -> float:
        return statistics.median(self.samples)

    @property
    def base(self) -> float | None:
        if not self.baseline_samples:
            return None
        return statistics.median(self.baseline_samples)

    @property
    def ratio(self) -> float | None:
        base = self.base
        if base is None or base == 0:
            return None
        return self.figure / base

    @property
    def round_ratios(self) -> list[float]:
        if not self.baseline_samples:
            return []
        return [a / b for a, b in zip(self.samples, self.baseline_samples, strict=False) if b]

    @property
    def met(self) -> str:
        return "-" if self.goal is None else self.goal.judge(self.figure, self.ratio)

    def to_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "unit": self.unit,
            "figure": self.figure,
            "samples": self.samples,
            "baseline": self.baseline,
            "baseline_figure": self.base,
            "baseline_samples": self.baseline_samples,
            "ratio": self.ratio,
            "round_ratios": self.round_ratios,
            "goal": None if self.goal is None else self.goal.describe(),
            "goal_spec": None if self.goal is None else dataclasses.asdict(self.goal),
            "met": self.met,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Line:
        """The line ``to_json`` described (a row measured in a child process)."""
        spec = data.get("goal_spec")
        return cls(
            data["what"],
            data["unit"],
            list(data["samples"]),
            data["baseline"],
            data["baseline_samples"],
            None if spec is None else Goal(**spec),
        )


# -- the registry ---------------------------------------------------------------------

RowFunction = Callable[["Bench"], Iterable[Line]]


@dataclass(frozen=True)
class Row:
    """A named group of lines, measured together; ``--only`` picks rows by name."""

    name: str
    group: str
    title: str
    run: RowFunction


_REGISTERED: dict[str, Row] = {}


def row(name: str, title: str) -> Callable[[RowFunction], RowFunction]:
    """Register the decorated function as row ``name`` of its module's group."""

    def register(function: RowFunction) -> RowFunction:
        group = function.__module__.rpartition(".")[2]
        known = _REGISTERED.get(name)
        if known is not None and known.run is not function:
            raise ValueError(f"two benchmark rows are called {name!r}")
        _REGISTERED[name] = Row(name, group, title, function)
        return function

    return register


def load_rows() -> dict[str, Row]:
    """Every row of every module in ``bench.rows``, in table order."""
    import bench.rows

    modules = sorted(
        info.name for info in pkgutil.iter_modules(bench.rows.__path__) if info.name[0] != "_"
    )
    modules.sort(key=lambda name: name != FIRST_GROUP)
    for module in modules:
        importlib.import_module(f"bench.rows.{module}")
    order = {module: position for position, module in enumerate(modules)}
    ranked = sorted(
        enumerate(_REGISTERED.values()), key=lambda item: (order.get(item[1].group, 99), item[0])
    )
    return {found.name: found for _, found in ranked}


def select_rows(rows: Mapping[str, Row], wanted: str | None) -> list[Row]:
    """The rows named in a comma list (a group name picks all of its rows); all if None."""
    if not wanted:
        return list(rows.values())
    groups = {r.group for r in rows.values()}
    picked: list[Row] = []
    unknown: list[str] = []
    for name in (part.strip() for part in wanted.split(",")):
        if not name:
            continue
        if name in rows:
            matches = [rows[name]]
        elif name in groups:
            matches = [r for r in rows.values() if r.group == name]
        else:
            unknown.append(name)
            continue
        picked += [r for r in matches if r not in picked]
    if unknown:
        raise BenchError(
            f"unknown row(s): {', '.join(unknown)}. Valid rows: {', '.join(rows)}; "
            f"or a whole group: {', '.join(sorted(groups))}"
        )
    return [r for r in rows.values() if r in picked]


# -- sampling -------------------------------------------------------------------------


@dataclass
class Bench:
    """How big a run this is, and where rows put remarks that go under the table."""

    quick: bool = False
    notes: list[str] = field(default_factory=list)
    verbose: bool = True

    def pick(self, full: int, quick: int) -> int:
        """``quick`` in a ``--quick`` run, else ``full``."""
        return quick if self.quick else full

    def note(self, text: str) -> None:
        """A remark printed under the table (and saved with ``--json``)."""
        self.notes.append(text)

    def progress(self, text: str) -> None:
        """A line on stderr, so a long run shows where it is; ``--quiet`` drops it."""
        if self.verbose:
            print(f"bench: {text}", file=sys.stderr, flush=True)


def interleave(
    sides: Mapping[str, Callable[[], float]],
    rounds: int,
    *,
    warmup: bool = True,
    between: Callable[[], object] | None = None,
) -> dict[str, list[float]]:
    """One sample of every side per round, the order reversed every other round (A B, B A,
    ...) so a drift in the machine's load weighs on both sides alike.

    ``warmup`` runs every side once, unrecorded, first; ``between`` runs (untimed) before
    every sample.
    """
    names = list(sides)
    samples: dict[str, list[float]] = {name: [] for name in names}
    if warmup:
        for name in names:
            if between is not None:
                between()
            sides[name]()
    for number in range(rounds):
        for name in names if number % 2 == 0 else reversed(names):
            if between is not None:
                between()
            samples[name].append(sides[name]())
    return samples


def per_second(count: int, call: Callable[[], object]) -> float:
    """Calls per second of ``call`` made ``count`` times in a row."""
    started = time.perf_counter()
    for _ in range(count):
        call()
    return count / (time.perf_counter() - started)


def milliseconds(call: Callable[[], object]) -> float:
    """How long one call of ``call`` takes, in ms."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def expect(response: Any, *statuses: int) -> Any:
    """``response`` if its status is one of ``statuses``, else ``BenchError``."""
    if response.status_code not in statuses:
        raise BenchError(
            f"{response.request.method} {response.request.url} answered "
            f"{response.status_code}, expected {statuses}: {response.text[:300]}"
        )
    return response


def _percent(fraction: float) -> str:
    return f"{fraction:.0%}" if fraction >= 0.01 else f"{fraction:.1%}"


def number(value: float) -> str:
    """Three significant digits, thousands separated."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"
