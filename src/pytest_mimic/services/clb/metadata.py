"""The metadata of load balancers and of their nodes: ``{"id", "key", "value"}`` items.

Plain Python, no HTTP. ``Metadata`` is a part of ``model.LoadBalancers``: it shares its lock,
lookups, id counters and status rules (a change needs an ACTIVE load balancer and is
followed by PENDING_UPDATE). Every method acts on the load balancer's own metadata, or on
its node ``node_id``'s when one is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_mimic.services.clb import data
from pytest_mimic.services.clb.errors import NotFound, OverLimit, ValidationFailed
from pytest_mimic.services.clb.nodes import Nodes

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from pytest_mimic.services.clb.model import LoadBalancer, LoadBalancers, Ref, Transition

__all__ = ["Metadata", "MetadataItem", "check_keys"]


@dataclass(eq=False)
class MetadataItem:
    """One ``{"id", "key", "value"}`` of a load balancer's or node's metadata."""

    id: int
    key: str
    value: str


def check_keys(existing: Iterable[str], keys: Iterable[str]) -> None:
    """400 when a key is already there, or repeats another key of the request."""
    seen = set(existing)
    for key in keys:
        if key in seen:
            raise ValidationFailed(f"Duplicate metadata key: {key}")
        seen.add(key)


class Metadata:
    """Every load balancer's and node's metadata (``LoadBalancers.metadata``)."""

    def __init__(self, balancers: LoadBalancers) -> None:
        self._balancers = balancers

    def new(self, key: str, value: str) -> MetadataItem:
        """An item with a fresh id, not yet on anything."""
        return MetadataItem(next(self._balancers._item_ids), key, value)

    @staticmethod
    def _of(lb: LoadBalancer, node_id: int | None) -> dict[int, MetadataItem]:
        return lb.metadata if node_id is None else Nodes.find_in(lb, node_id).metadata

    def items(self, ref: Ref, node_id: int | None = None) -> list[MetadataItem]:
        """The metadata items, oldest first."""
        balancers = self._balancers
        with balancers._lock:
            lb = balancers._readable(ref, balancers.now())
            return list(self._of(lb, node_id).values())

    def item(self, ref: Ref, item_id: int, node_id: int | None = None) -> MetadataItem:
        """One metadata item, or ``NotFound``."""
        balancers = self._balancers
        with balancers._lock:
            lb = balancers._readable(ref, balancers.now())
            item = self._of(lb, node_id).get(item_id)
            if item is None:
                raise NotFound("Metadata item not found")
            return item

    def add(
        self,
        ref: Ref,
        items: Sequence[tuple[str, str]],
        transition: Transition,
        node_id: int | None = None,
    ) -> list[MetadataItem]:
        """Add items: a key already there is a 400, past 25 items a 413."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            container = self._of(lb, node_id)
            check_keys((item.key for item in container.values()), (key for key, _ in items))
            if len(container) + len(items) > data.MAX_METADATA:
                owner = "load balancer" if node_id is None else "node"
                raise OverLimit(f"Metadata must not exceed {data.MAX_METADATA} per {owner}.")
            added = [self.new(key, value) for key, value in items]
            for item in added:
                container[item.id] = item
            balancers._changed(lb, now, transition)
            return added

    def update(
        self,
        ref: Ref,
        item_id: int,
        value: str,
        transition: Transition,
        node_id: int | None = None,
    ) -> None:
        """Change one item's value."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            item = self._of(lb, node_id).get(item_id)
            if item is None:
                raise NotFound("Metadata item not found")
            item.value = value
            balancers._changed(lb, now, transition)

    def delete_many(
        self,
        ref: Ref,
        item_ids: Iterable[int],
        transition: Transition,
        node_id: int | None = None,
    ) -> None:
        """Remove the named items: all or none."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            container = self._of(lb, node_id)
            wanted = sorted(set(item_ids))
            strangers = [i for i in wanted if i not in container]
            if strangers:
                listed = ",".join(str(i) for i in strangers)
                raise ValidationFailed(f"Metadata ids {listed} are not a part of your metadata")
            for item_id in wanted:
                del container[item_id]
            balancers._changed(lb, now, transition)

    def delete(
        self, ref: Ref, item_id: int, transition: Transition, node_id: int | None = None
    ) -> None:
        """Remove one item, or ``NotFound``."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            if self._of(lb, node_id).pop(item_id, None) is None:
                raise NotFound("Metadata item not found")
            balancers._changed(lb, now, transition)
