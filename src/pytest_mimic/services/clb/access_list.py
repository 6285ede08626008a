"""Load balancers' access lists: the network items (addresses or CIDRs) allowed or denied.

Plain Python, no HTTP. ``AccessLists`` is a part of ``model.LoadBalancers``: it shares its
lock, lookups, id counters and status rules (a change needs an ACTIVE load balancer and is
followed by PENDING_UPDATE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_mimic.services.clb import data
from pytest_mimic.services.clb.errors import NotFound, OverLimit, ValidationFailed
from pytest_mimic.services.clb.nodes import address_key

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from pytest_mimic.services.clb.model import LoadBalancers, Ref, Transition

__all__ = ["AccessItem", "AccessLists", "AccessSpec"]


@dataclass(frozen=True)
class AccessSpec:
    """One network item of an access list, to add."""

    address: str
    type: str


@dataclass(eq=False)
class AccessItem:
    """One network item of an access list."""

    id: int
    address: str
    type: str


class AccessLists:
    """Every load balancer's access list (``LoadBalancers.access_lists``)."""

    def __init__(self, balancers: LoadBalancers) -> None:
        self._balancers = balancers

    def new(self, spec: AccessSpec) -> AccessItem:
        """An item with a fresh id, not yet on any list."""
        return AccessItem(next(self._balancers._item_ids), spec.address, spec.type)

    def items(self, ref: Ref) -> list[AccessItem]:
        """The network items, oldest first (``Gone`` once DELETED)."""
        balancers = self._balancers
        with balancers._lock:
            return list(balancers._readable(ref, balancers.now()).access_list.values())

    def add(
        self, ref: Ref, specs: Sequence[AccessSpec], transition: Transition
    ) -> list[AccessItem]:
        """Add network items; an address already listed is a 400, past 100 items a 413."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            seen = {address_key(item.address) for item in lb.access_list.values()}
            for spec in specs:
                key = address_key(spec.address)
                if key in seen:
                    raise ValidationFailed(f"Duplicate network item address: {spec.address}")
                seen.add(key)
            if len(lb.access_list) + len(specs) > data.MAX_ACCESS_ITEMS:
                raise OverLimit(f"Access list must not exceed {data.MAX_ACCESS_ITEMS} items.")
            added = [self.new(spec) for spec in specs]
            for item in added:
                lb.access_list[item.id] = item
            balancers._changed(lb, now, transition)
            return added

    def delete_many(self, ref: Ref, item_ids: Iterable[int] | None, transition: Transition) -> None:
        """Remove the named network items (all or none), or the whole list when ``None``."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            if item_ids is None:
                lb.access_list.clear()
            else:
                wanted = sorted(set(item_ids))
                strangers = [i for i in wanted if i not in lb.access_list]
                if strangers:
                    listed = ",".join(str(i) for i in strangers)
                    raise ValidationFailed(
                        f"Network item ids {listed} are not a part of your access list"
                    )
                for item_id in wanted:
                    del lb.access_list[item_id]
            balancers._changed(lb, now, transition)

    def delete(self, ref: Ref, item_id: int, transition: Transition) -> None:
        """Remove one network item, or ``NotFound``."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            if lb.access_list.pop(item_id, None) is None:
                raise NotFound("Network item not found")
            balancers._changed(lb, now, transition)
