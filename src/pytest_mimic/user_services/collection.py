"""``Collection``: the state of a user's fake in a few lines, with statuses that follow the clock.

Most fakes hold "a dict of things by id" plus, for cloud resources, a status that moves on
with time (``BUILD`` then ``ACTIVE``). A ``Collection`` is that dict with generated ids, the
404 a client expects for an unknown id, a per-test reset, and a status computed when read
from the cloud's clock (``Timeline``), so ``time_travel.advance(30)`` is all it takes and no
timer runs.
"""

from __future__ import annotations

import copy
import math
import threading
from typing import TYPE_CHECKING, Any

from pytest_mimic.clock import real_time
from pytest_mimic.services.base import ServiceError, new_id
from pytest_mimic.services.lifecycle import Timeline
from pytest_mimic.user_services.errors import Conflict, NotFound

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = ["Collection", "Item"]

#: What a collection holds and hands out: a JSON-ready dict with its id (and status).
Item = dict[str, Any]


class Collection:
    """In-memory items by generated id; optionally a status that moves with the clock.

    ``lifecycle=[("BUILD", 0), ("ACTIVE", 30)]`` makes each item ``BUILD`` when created and
    ``ACTIVE`` 30 simulated seconds later; the status is computed when an item is read.
    Items are copied in and out, so a caller changing a returned dict changes nothing here.

    A service built from a module binds its module-level collections to the cloud's clock
    and resets them before every test; unbound, a collection reads real time. Items created
    before the first ``bind`` (at import: seed data) are what every reset goes back to.
    """

    def __init__(
        self,
        name: str,
        *,
        lifecycle: Sequence[tuple[str, float]] | None = None,
        id_field: str = "id",
        status_field: str = "status",
        ids: Callable[[], Any] = new_id,
    ) -> None:
        self.name = name
        self.lifecycle = _checked_lifecycle(name, lifecycle)
        self.id_field = id_field
        self.status_field = status_field
        self._ids = ids
        self._now: Callable[[], float] = real_time
        self._items: dict[Any, tuple[Item, Timeline | None]] = {}
        self._baseline: dict[Any, tuple[Item, Timeline | None]] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Collection {self.name!r} items={len(self)}>"

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def __iter__(self) -> Iterator[Item]:
        return iter(self.list())

    def bind(self, now: Callable[[], float]) -> None:
        """Read simulated time from ``now`` (a cloud's ``clock.now``) from here on; the
        first bind also keeps the items there are now as what ``reset`` goes back to.
        """
        with self._lock:
            self._now = now
            if self._baseline is None:
                self._baseline = copy.deepcopy(self._items)

    def reset(self) -> None:
        """Back to the items there were at the first ``bind`` (none if unbound): a service
        calls this before each test.
        """
        with self._lock:
            self._items = copy.deepcopy(self._baseline or {})

    def create(self, **fields: Any) -> Item:
        """Add an item and return it (with its new id, and its status if there is a lifecycle).

        An ``id`` given in ``fields`` is used instead of a generated one (``Conflict``, a
        409, if taken); a ``status`` given with a lifecycle holds from now on.
        """
        data = copy.deepcopy(fields)
        with self._lock:
            item_id = data.pop(self.id_field, None)
            if item_id is None:
                item_id = self._ids()
            elif item_id in self._items:
                raise Conflict(f"{self.name}: an item with id {item_id!r} exists already.")
            timeline = self._timeline(data.pop(self.status_field, None))
            self._items[item_id] = ({self.id_field: item_id, **data}, timeline)
            return self._render(item_id)

    def get(self, item_id: Any) -> Item:
        """The item with ``item_id``; ``NotFound`` (a 404 ``ServiceError``) if there is none."""
        with self._lock:
            return self._render(item_id)

    def list(self, **where: Any) -> list[Item]:
        """Every item in creation order; ``where`` keeps those whose fields equal the values
        given (``list(status="ACTIVE")``).
        """
        with self._lock:
            items = [self._render(item_id) for item_id in self._items]
        return [i for i in items if all(i.get(k) == v for k, v in where.items())]

    def update(self, item_id: Any, **fields: Any) -> Item:
        """Change some fields of an item and return it; ``NotFound`` if there is none.

        With a lifecycle, a ``status`` given here holds from now on (what is planned after
        is cancelled). The id cannot change (a 400).
        """
        data = copy.deepcopy(fields)
        with self._lock:
            stored, timeline = self._stored(item_id)
            if data.get(self.id_field, item_id) != item_id:
                raise ServiceError(400, f"{self.name}: the {self.id_field} cannot change.")
            data.pop(self.id_field, None)
            if timeline is not None and self.status_field in data:
                timeline.set(self._now(), str(data.pop(self.status_field)))
            stored.update(data)
            return self._render(item_id)

    def delete(self, item_id: Any) -> Item:
        """Remove an item and return it as it was; ``NotFound`` if there is none."""
        with self._lock:
            item = self._render(item_id)
            del self._items[item_id]
            return item

    def _timeline(self, status: Any) -> Timeline | None:
        if self.lifecycle is None:
            return None
        now = self._now()
        if status is not None:
            return Timeline.starting(now, str(status))
        first, *rest = self.lifecycle
        timeline = Timeline.starting(now + first[1], first[0])
        for later, after in rest:
            timeline.set(now + after, later)
        return timeline

    def _stored(self, item_id: Any) -> tuple[Item, Timeline | None]:
        try:
            return self._items[item_id]
        except (KeyError, TypeError):  # TypeError: an unhashable id, never stored either
            raise NotFound(f"{self.name}: no item with id {item_id!r}.") from None

    def _render(self, item_id: Any) -> Item:
        stored, timeline = self._stored(item_id)
        item = copy.deepcopy(stored)
        if timeline is not None:
            item[self.status_field] = timeline.status_at(self._now())
        return item


def _checked_lifecycle(
    name: str, lifecycle: Sequence[tuple[str, float]] | None
) -> tuple[tuple[str, float], ...] | None:
    """The lifecycle as given, or a ``ValueError`` saying what is wrong with it."""
    if lifecycle is None:
        return None
    steps = tuple((str(status), float(after)) for status, after in lifecycle)
    if not steps:
        raise ValueError(f"Collection {name!r}: a lifecycle needs at least one status")
    offsets = [after for _status, after in steps]
    if any(not math.isfinite(a) or a < 0 for a in offsets) or offsets != sorted(offsets):
        raise ValueError(
            f"Collection {name!r}: lifecycle times must be seconds >= 0 in increasing order, "
            f"not {offsets}"
        )
    return steps
