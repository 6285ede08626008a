"""Marker/limit pagination as OpenStack and Rackspace APIs do it, in time proportional to the page.

``OrderedIndex`` keeps resources in creation order with an id-to-position map, so finding a
marker is one dictionary lookup and a page walks only from the marker onwards. ``parse_limit``
reads ``?limit=`` with the usual 400s, and ``next_link`` builds the ``rel=next`` link that
carries the other query parameters over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar
from urllib.parse import urlencode

from pytest_mimic.services.base import ServiceError, base_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from werkzeug.wrappers import Request

__all__ = [
    "OrderedIndex",
    "Page",
    "UnknownMarker",
    "next_link",
    "page_of_list",
    "paginate",
    "parse_limit",
]

T = TypeVar("T")


class UnknownMarker(LookupError):
    """The marker names no resource in the collection."""

    def __init__(self, marker: str) -> None:
        super().__init__(marker)
        self.marker = marker


class OrderedIndex(Generic[T]):
    """Items in insertion order, addressable by id; append-only (removal is a status)."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._positions: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._positions

    def add(self, item_id: str, item: T) -> None:
        """Append ``item`` under ``item_id`` (which must be new)."""
        if item_id in self._positions:
            raise KeyError(f"duplicate id {item_id!r}")
        self._positions[item_id] = len(self._items)
        self._items.append(item)

    def get(self, item_id: str) -> T | None:
        """The item with ``item_id``, or ``None``."""
        position = self._positions.get(item_id)
        return None if position is None else self._items[position]

    def after(self, marker: str | None) -> Iterator[T]:
        """Items after ``marker`` (all items when ``None``); ``UnknownMarker`` if it is unknown."""
        if marker is None:
            start = 0
        else:
            position = self._positions.get(marker)
            if position is None:
                raise UnknownMarker(marker)
            start = position + 1
        items = self._items
        # Index-based so that concurrent appends neither break nor repeat the walk.
        for index in range(start, len(items)):
            yield items[index]

    def clear(self) -> None:
        """Forget every item."""
        self._items.clear()
        self._positions.clear()


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page; ``more`` says a next link is due (the page is as long as the limit)."""

    items: list[T]
    more: bool


def paginate(items: Iterator[T], *, limit: int, keep: Callable[[T], bool] | None = None) -> Page[T]:
    """Take up to ``limit`` items that satisfy ``keep``, stopping as soon as the page is full."""
    page: list[T] = []
    if limit <= 0:
        return Page(page, more=False)
    for item in items:
        if keep is None or keep(item):
            page.append(item)
            if len(page) >= limit:
                return Page(page, more=True)
    return Page(page, more=False)


def page_of_list(
    items: Sequence[T], key: Callable[[T], str], *, marker: str | None, limit: int
) -> list[T]:
    """Marker/limit over a short, fixed list (flavors, images), where a scan costs nothing.

    ``UnknownMarker`` if ``marker`` names no item, as ``OrderedIndex.after`` does.
    """
    start = 0
    if marker is not None:
        ids = [key(item) for item in items]
        if marker not in ids:
            raise UnknownMarker(marker)
        start = ids.index(marker) + 1
    return list(items[start : start + max(limit, 0)])


def parse_limit(value: str | None, *, default: int, maximum: int) -> int:
    """``?limit=`` as an int capped at ``maximum``; ``default`` when absent; 400 when invalid."""
    if value is None or value == "":
        return min(default, maximum)
    try:
        limit = int(value)
    except ValueError:
        raise ServiceError(400, "limit param must be an integer") from None
    if limit < 0:
        raise ServiceError(400, "limit param must be positive")
    return min(limit, maximum)


def next_link(request: Request, *, path: str, marker: str, limit: int) -> dict[str, str]:
    """``{"href": ..., "rel": "next"}`` for the page after ``marker``, keeping other query args.

    ``path`` is the collection's path on the server (service prefix included).
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("marker", "limit")]
    args += [("limit", str(limit)), ("marker", marker)]
    return {"href": f"{base_url(request)}{path}?{urlencode(args)}", "rel": "next"}
