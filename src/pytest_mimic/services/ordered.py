"""Resources in creation order, paged by marker and limit in time proportional to the page.

``OrderedIndex`` keeps resources in creation order with an id-to-position map, so finding a
marker is one dictionary lookup and a page walks only from the marker onwards, forwards
(oldest first) or backwards (newest first). Plain Python: models page with it; the HTTP side
(``?limit=``, ``next`` links) is ``pagination``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar, cast

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence


__all__ = [
    "OrderedIndex",
    "Page",
    "UnknownMarker",
    "page_of_list",
    "paginate",
]

T = TypeVar("T")


class UnknownMarker(LookupError):
    """The marker names no resource in the collection."""

    def __init__(self, marker: str) -> None:
        super().__init__(marker)
        self.marker = marker


class OrderedIndex(Generic[T]):
    """Items in key order, addressable by id; equal keys keep insertion order.

    Removal leaves a hole that a later compaction fills, so ``remove`` is O(1) amortised and
    a walk skips at most about as many holes as there are live items: the cost of a page
    does not grow with how many items ever passed through. The keys (the insertion count
    by default; a caller may pass its own, e.g. a creation or deletion time) let a walk
    start at a key by bisection, and let a caller resume after an item that is no longer
    here. ``add`` appends (its key must not decrease); ``insert`` also takes earlier keys.
    Mutate and walk under one lock; a walk in progress keeps the lists it started with.
    """

    #: Holes tolerated before a compaction is considered (and then only past half the slots).
    _SLACK = 64

    def __init__(self) -> None:
        self._ids: list[str | None] = []
        self._items: list[T | None] = []
        self._keys: list[float] = []
        self._positions: dict[str, int] = {}
        self._head = 0
        self._added = 0

    def __len__(self) -> int:
        return len(self._positions)

    def __iter__(self) -> Iterator[T]:
        return self._walk(self._head)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._positions

    def add(self, item_id: str, item: T, key: float | None = None) -> float:
        """Append ``item`` under ``item_id`` (which must be new); returns its key.

        ``key`` defaults to the number of items added before; it must not be lower than the
        last key added (``ValueError`` otherwise), so that keys stay sorted.
        """
        if item_id in self._positions:
            raise KeyError(f"duplicate id {item_id!r}")
        if key is None:
            key = float(self._added)
        if self._keys and key < self._keys[-1]:
            raise ValueError(f"key {key!r} is lower than the last key {self._keys[-1]!r}")
        self._added += 1
        self._positions[item_id] = len(self._ids)
        self._ids.append(item_id)
        self._items.append(item)
        self._keys.append(key)
        return key

    def insert(self, item_id: str, item: T, key: float) -> float:
        """Place ``item`` after every item whose key is not greater than ``key``; returns it.

        Equal keys keep insertion order. Appending (``key`` not lower than the last key) costs
        what ``add`` costs; an earlier key (a creation time after the clock was moved back)
        copies the slots once, so a walk in progress keeps the lists it started with.
        """
        if not self._keys or key >= self._keys[-1]:
            return self.add(item_id, item, key)
        if item_id in self._positions:
            raise KeyError(f"duplicate id {item_id!r}")
        at = bisect.bisect_right(self._keys, key, lo=self._head)
        self._ids = [*self._ids[:at], item_id, *self._ids[at:]]
        self._items = [*self._items[:at], item, *self._items[at:]]
        self._keys = [*self._keys[:at], key, *self._keys[at:]]
        for position in range(at, len(self._ids)):
            moved = self._ids[position]
            if moved is not None:
                self._positions[moved] = position
        self._added += 1
        return key

    def get(self, item_id: str) -> T | None:
        """The item with ``item_id``, or ``None``."""
        position = self._positions.get(item_id)
        return None if position is None else self._items[position]

    def key(self, item_id: str) -> float | None:
        """The key ``item_id`` was added with, or ``None`` if it is not here."""
        position = self._positions.get(item_id)
        return None if position is None else self._keys[position]

    def last_key(self) -> float | None:
        """The key of the newest slot (live or removed), or ``None`` when empty."""
        return self._keys[-1] if self._keys else None

    def first(self) -> tuple[str, T, float] | None:
        """``(id, item, key)`` of the oldest item, or ``None`` when empty."""
        for index in range(self._head, len(self._ids)):
            item_id = self._ids[index]
            if item_id is not None:
                return item_id, cast("T", self._items[index]), self._keys[index]
        return None

    def remove(self, item_id: str) -> T | None:
        """Take ``item_id`` out and return its item (``None`` if it is not here)."""
        position = self._positions.pop(item_id, None)
        if position is None:
            return None
        item = self._items[position]
        self._ids[position] = None
        self._items[position] = None
        if position == self._head:
            ids = self._ids
            while self._head < len(ids) and ids[self._head] is None:
                self._head += 1
        holes = len(self._ids) - len(self._positions)
        if holes > self._SLACK and 2 * holes > len(self._ids):
            self._compact()
        return item

    def _compact(self) -> None:
        # New lists rather than in-place edits: a walk already running keeps the old ones.
        live = [i for i, item_id in enumerate(self._ids) if item_id is not None]
        ids = [self._ids[i] for i in live]
        self._positions = {cast("str", item_id): i for i, item_id in enumerate(ids)}
        self._ids = ids
        self._items = [self._items[i] for i in live]
        self._keys = [self._keys[i] for i in live]
        self._head = 0

    def after(self, marker: str | None, *, min_key: float | None = None) -> Iterator[T]:
        """Items after ``marker`` (all items when ``None``); ``UnknownMarker`` if it is unknown.

        With ``min_key``, items with a lower key are skipped by bisection, not visited.
        """
        start = self._head
        if marker is not None:
            position = self._positions.get(marker)
            if position is None:
                raise UnknownMarker(marker)
            start = position + 1
        if min_key is not None:
            start = max(start, bisect.bisect_left(self._keys, min_key, lo=self._head))
        return self._walk(start)

    def after_key(self, key: float) -> Iterator[T]:
        """Items whose key is greater than ``key`` (to resume after an item since removed)."""
        return self._walk(max(self._head, bisect.bisect_right(self._keys, key, lo=self._head)))

    def before(self, marker: str | None, *, min_key: float | None = None) -> Iterator[T]:
        """Items before ``marker``, newest first (all items when ``None``); ``UnknownMarker``
        if it is unknown. With ``min_key``, the walk stops before the first lower key.
        """
        start = len(self._ids) - 1
        if marker is not None:
            position = self._positions.get(marker)
            if position is None:
                raise UnknownMarker(marker)
            start = position - 1
        stop = self._head
        if min_key is not None:
            stop = max(stop, bisect.bisect_left(self._keys, min_key, lo=self._head))
        return _live_slots_backwards(self._ids, self._items, start, stop)

    def before_key(self, key: float, *, inclusive: bool = False) -> Iterator[T]:
        """Items whose key is lower than ``key`` (or equal, if ``inclusive``), newest first:
        to resume a backward walk before an item since removed.
        """
        if inclusive:
            start = bisect.bisect_right(self._keys, key, lo=self._head) - 1
        else:
            start = bisect.bisect_left(self._keys, key, lo=self._head) - 1
        return _live_slots_backwards(self._ids, self._items, start, self._head)

    def _walk(self, start: int) -> Iterator[T]:
        return _live_slots(self._ids, self._items, start)

    def clear(self) -> None:
        """Forget every item."""
        self._ids, self._items, self._keys = [], [], []
        self._positions = {}
        self._head = 0
        self._added = 0


def _live_slots(ids: list[str | None], items: list[T | None], start: int) -> Iterator[T]:
    # Index-based so that concurrent appends neither break nor repeat the walk; the lists
    # are bound when the walk is created, so a compaction meanwhile does not shift it.
    for index in range(start, len(ids)):
        if ids[index] is not None:
            yield cast("T", items[index])


def _live_slots_backwards(
    ids: list[str | None], items: list[T | None], start: int, stop: int
) -> Iterator[T]:
    # From ``start`` down to ``stop`` (both included), bound to the lists as ``_live_slots``.
    for index in range(start, stop - 1, -1):
        if ids[index] is not None:
            yield cast("T", items[index])


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
