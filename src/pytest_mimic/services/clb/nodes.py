"""The back-end nodes of load balancers: adding, changing and removing them, their Atom feed,
and the status a health monitor (or the control plane) gives them.

Plain Python, no HTTP. ``Nodes`` is a part of ``model.LoadBalancers``: it shares its lock,
lookups, id counters and status rules (a change needs an ACTIVE load balancer and is
followed by PENDING_UPDATE).
"""

from __future__ import annotations

import socket
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_mimic.services.clb import data
from pytest_mimic.services.clb.errors import (
    DELETED_IMMUTABLE,
    BadRequest,
    Immutable,
    NotFound,
    OverLimit,
    Unprocessable,
    ValidationFailed,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from pytest_mimic.services.clb.metadata import MetadataItem
    from pytest_mimic.services.clb.model import LoadBalancer, LoadBalancers, Ref, Transition

__all__ = [
    "MAX_FEED_ENTRIES",
    "FeedEntry",
    "Node",
    "NodeSpec",
    "Nodes",
    "address_key",
    "canonical_address",
    "check_duplicates",
]

#: Entries kept in one node's Atom feed (the oldest go first): memory stays bounded however
#: often a node changes.
MAX_FEED_ENTRIES = 100


def canonical_address(text: str) -> str | None:
    """The canonical text of an IPv4 or IPv6 address (``0::1`` -> ``::1``), or ``None`` if
    ``text`` is not one. The C parser, not ``ipaddress``: it runs on every node change."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            return socket.inet_ntop(family, socket.inet_pton(family, text))
        except (OSError, ValueError):  # ValueError: NUL or non-ASCII characters
            continue
    return None


def address_key(address: str) -> str:
    """What two node addresses are compared by: the canonical address, or the text."""
    return canonical_address(address) or address


@dataclass(frozen=True)
class NodeSpec:
    """A node to add, already validated."""

    address: str
    port: int
    condition: str = "ENABLED"
    type: str = "PRIMARY"
    weight: int = 1
    #: Address and port: two nodes with the same key are duplicates.
    key: tuple[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (address_key(self.address), self.port))


@dataclass(frozen=True)
class FeedEntry:
    """One event of a node's Atom feed."""

    at: float
    summary: str


@dataclass(eq=False)
class Node:
    """One back-end node of a load balancer."""

    id: int
    address: str
    port: int
    condition: str
    type: str
    weight: int
    status: str
    #: Address and port, canonical (see ``NodeSpec.key``).
    key: tuple[str, int]
    metadata: dict[int, MetadataItem] = field(default_factory=dict)
    feed: deque[FeedEntry] = field(default_factory=lambda: deque(maxlen=MAX_FEED_ENTRIES))


def check_duplicates(existing: Mapping[tuple[str, int], int], specs: Iterable[NodeSpec]) -> None:
    """422 when a node repeats an existing address and port, or another node of the request."""
    seen: set[tuple[str, int]] = set()
    for spec in specs:
        key = spec.key
        if key in existing or key in seen:
            raise Unprocessable(
                "Duplicate nodes detected. One or more nodes already configured on load balancer."
            )
        seen.add(key)


class Nodes:
    """Every load balancer's nodes (``LoadBalancers.nodes``)."""

    def __init__(self, balancers: LoadBalancers) -> None:
        self._balancers = balancers

    def new(
        self,
        lb: LoadBalancer,
        spec: NodeSpec,
        now: float,
        *,
        feed: bool,
        node_id: int | None = None,
    ) -> Node:
        """A node added to ``lb`` as it is (the caller checks status, limits, duplicates and a
        given ``node_id``); OFFLINE until a health check passes when ``lb`` has a health
        monitor."""
        status = "OFFLINE" if "healthMonitor" in lb.settings else "ONLINE"
        node = Node(
            next(self._balancers._node_ids) if node_id is None else node_id,
            spec.address,
            spec.port,
            spec.condition,
            spec.type,
            spec.weight,
            status,
            spec.key,
        )
        lb.nodes[node.id] = node
        lb.node_keys[node.key] = node.id
        if feed:
            node.feed.append(
                FeedEntry(
                    now,
                    f"Node successfully created with address: '{node.address}', port: "
                    f"'{node.port}', condition: '{node.condition}', weight: '{node.weight}'",
                )
            )
        return node

    @staticmethod
    def find_in(lb: LoadBalancer, node_id: int) -> Node:
        """``lb``'s node, or ``NotFound`` with the real message."""
        node = lb.nodes.get(node_id)
        if node is None:
            raise NotFound(f"Node with id #{node_id} not found for loadbalancer #{lb.id}")
        return node

    def all_of(self, ref: Ref) -> list[Node]:
        """The load balancer's nodes (``Gone`` once DELETED)."""
        balancers = self._balancers
        with balancers._lock:
            return list(balancers._readable(ref, balancers.now()).nodes.values())

    def get(self, ref: Ref, node_id: int) -> Node:
        """One node, or ``NotFound`` with the real message."""
        balancers = self._balancers
        with balancers._lock:
            return self.find_in(balancers._readable(ref, balancers.now()), node_id)

    def add(self, ref: Ref, specs: Sequence[NodeSpec], transition: Transition) -> list[Node]:
        """Add nodes: 422 for a duplicate address and port, 413 past 25 nodes."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            check_duplicates(lb.node_keys, specs)
            if len(lb.nodes) + len(specs) > data.MAX_NODES:
                raise OverLimit(f"Nodes must not exceed {data.MAX_NODES} per load balancer.")
            added = [self.new(lb, spec, now, feed=True) for spec in specs]
            balancers._changed(lb, now, transition)
            return added

    def update(
        self, ref: Ref, node_id: int, changes: Mapping[str, Any], transition: Transition
    ) -> Node:
        """Change a node's ``condition``, ``type`` or ``weight``."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            node = self.find_in(lb, node_id)
            for name, value in changes.items():
                setattr(node, name, value)
            node.feed.append(
                FeedEntry(
                    now,
                    f"Node successfully updated with address: '{node.address}', port: "
                    f"'{node.port}', weight: '{node.weight}', condition: '{node.condition}'",
                )
            )
            balancers._changed(lb, now, transition)
            return node

    def delete(self, ref: Ref, node_id: int, transition: Transition) -> None:
        """Remove one node."""
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._mutable(ref, now)
            _remove(lb, self.find_in(lb, node_id))
            balancers._changed(lb, now, transition)

    def delete_many(self, ref: Ref, node_ids: Iterable[int], transition: Transition) -> None:
        """Remove up to 10 nodes at once: all or none."""
        wanted = sorted(set(node_ids))
        balancers = self._balancers
        with balancers._lock:
            now = balancers.now()
            lb = balancers._live(ref, now)
            status = lb.status_at(now)
            if status == "DELETED":
                raise Immutable(DELETED_IMMUTABLE)
            if status != "ACTIVE":
                raise Unprocessable("LoadBalancer is not ACTIVE")
            strangers = [node_id for node_id in wanted if node_id not in lb.nodes]
            if strangers:
                listed = ",".join(str(i) for i in strangers)
                raise ValidationFailed(f"Node ids {listed} are not a part of your loadbalancer")
            if len(wanted) > data.BATCH_DELETE_LIMIT:
                raise ValidationFailed(
                    f"Request to delete {len(wanted)} nodes exceeds the account limit "
                    f"BATCH_DELETE_LIMIT of {data.BATCH_DELETE_LIMIT} please attempt to delete "
                    f"fewer then {data.BATCH_DELETE_LIMIT} nodes"
                )
            for node_id in wanted:
                _remove(lb, lb.nodes[node_id])
            balancers._changed(lb, now, transition)

    def feed(self, ref: Ref, node_id: int) -> list[FeedEntry]:
        """The node's feed, newest event first."""
        balancers = self._balancers
        with balancers._lock:
            node = self.find_in(balancers._readable(ref, balancers.now()), node_id)
            return list(reversed(node.feed))

    def set_status(
        self,
        lb_id: int,
        node_id: int,
        status: str,
        *,
        tenant_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """Force a node's ``status`` (``ONLINE`` or ``OFFLINE``), as a health monitor would.

        Ids are unique in the cloud, so ``tenant_id`` and ``region`` only double-check.
        """
        if status not in data.NODE_STATUSES:
            raise BadRequest("status key not found or it must have ONLINE or OFFLINE value")
        balancers = self._balancers
        with balancers._lock:
            lb = balancers._controlled(lb_id, tenant_id, region)
            node = lb.nodes.get(node_id)
            if node is None:
                raise NotFound(
                    f"Load balancer {lb_id} on tenant {lb.tenant_id} does not have node {node_id}"
                )
            node.status = status


def _remove(lb: LoadBalancer, node: Node) -> None:
    del lb.nodes[node.id]
    lb.node_keys.pop(node.key, None)
