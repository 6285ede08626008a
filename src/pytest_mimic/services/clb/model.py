"""The state of a fake Cloud Load Balancers service: load balancers, their virtual IPs and
settings, per tenant per region; their nodes (``nodes``), access lists (``access_list``) and
metadata (``metadata``) are parts of ``LoadBalancers`` in modules of their own.

Plain Python, no HTTP. A load balancer's status comes from its ``Timeline`` when it is read,
so BUILD turns ACTIVE, PENDING_UPDATE turns back to ACTIVE and PENDING_DELETE turns DELETED
without any timer; a DELETED load balancer disappears (404) once its retention has passed.
Every change checks the status first, as the real service does: anything but ACTIVE is
immutable. One lock guards every read and write, the parts' too.

Errors are the ``errors`` module's ``CLBError`` subclasses (``ServiceError``s with their
status and fault), carrying the real service's messages.
"""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pytest_mimic.services.clb import data, settings
from pytest_mimic.services.clb.access_list import AccessItem, AccessLists, AccessSpec
from pytest_mimic.services.clb.errors import (
    DELETED_IMMUTABLE,
    BadRequest,
    CLBError,
    Gone,
    Immutable,
    NotFound,
    OverLimit,
    Unprocessable,
    ValidationFailed,
)
from pytest_mimic.services.clb.metadata import Metadata, MetadataItem, check_keys
from pytest_mimic.services.clb.nodes import (
    MAX_FEED_ENTRIES,
    FeedEntry,
    Node,
    Nodes,
    NodeSpec,
    address_key,
    canonical_address,
    check_duplicates,
)
from pytest_mimic.services.lifecycle import Timeline
from pytest_mimic.services.ordered import OrderedIndex, Page, paginate

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from pytest_mimic.config import CloudConfig

__all__ = [
    "MAX_DELETED_KEPT",
    "MAX_FEED_ENTRIES",
    "AccessItem",
    "AccessSpec",
    "BadRequest",
    "CLBError",
    "FeedEntry",
    "Gone",
    "Immutable",
    "LoadBalancer",
    "LoadBalancerQuery",
    "LoadBalancerSpec",
    "LoadBalancers",
    "MetadataItem",
    "Node",
    "NodeSpec",
    "NotFound",
    "OverLimit",
    "Ref",
    "Transition",
    "Unprocessable",
    "ValidationFailed",
    "VipSpec",
    "VirtualIp",
    "address_key",
    "canonical_address",
]

_NOT_FOUND = "Load balancer not found"
_GONE = "The loadbalancer is marked as deleted."

#: Load balancers being deleted or DELETED kept per tenant and region at most, however
#: recent: a fake that runs for days must not keep every one for its retention (as Nova).
MAX_DELETED_KEPT = 1_000


# -- what requests ask for (built by the HTTP layer) -----------------------------------


@dataclass(frozen=True)
class Ref:
    """Which load balancer a request names: tenant, region and id."""

    tenant_id: str
    region: str
    lb_id: int


@dataclass(frozen=True)
class VipSpec:
    """A virtual IP to create (``type``, optional ``ip_version``) or to share (``shared_id``)."""

    type: str = "PUBLIC"
    ip_version: str | None = None
    shared_id: int | None = None


@dataclass(frozen=True)
class LoadBalancerSpec:
    """What a create request asks for, already validated by the HTTP layer."""

    name: str
    protocol: str
    port: int
    algorithm: str = "RANDOM"
    timeout: int = 30
    half_closed: bool = False
    https_redirect: bool = False
    virtual_ips: tuple[VipSpec, ...] = (VipSpec(),)
    nodes: tuple[NodeSpec, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    access_list: tuple[AccessSpec, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    """How a change ends: PENDING_UPDATE for ``seconds`` (``None``: the configured time), then
    ACTIVE; or ERROR at once when ``error`` (Mimic's ``lb_error_state``)."""

    seconds: float | None = None
    error: bool = False


@dataclass(frozen=True)
class LoadBalancerQuery:
    """Filters and paging of a load balancer list.

    DELETED load balancers are listed only when ``status`` asks for them.
    """

    status: str | None = None
    node_address: str | None = None
    changes_since: float | None = None
    marker: int | None = None
    limit: int = 100


# -- state -----------------------------------------------------------------------------


@dataclass(eq=False)
class VirtualIp:
    """A virtual IP; several load balancers of one tenant may share it (by id)."""

    id: int
    address: str
    type: str
    ip_version: str
    users: set[int] = field(default_factory=set)


@dataclass(eq=False)
class LoadBalancer:
    """One load balancer. ``status_at``/``updated_at`` read the clock-driven timeline."""

    id: int
    tenant_id: str
    region: str
    name: str
    protocol: str
    port: int
    algorithm: str
    timeout: int
    half_closed: bool
    https_redirect: bool
    virtual_ips: list[VirtualIp]
    created: float
    edited: float
    timeline: Timeline
    nodes: dict[int, Node] = field(default_factory=dict)
    #: Node id by ``Node.key``: duplicate checks cost one lookup, not a scan.
    node_keys: dict[tuple[str, int], int] = field(default_factory=dict)
    metadata: dict[int, MetadataItem] = field(default_factory=dict)
    access_list: dict[int, AccessItem] = field(default_factory=dict)
    #: Stored settings by their JSON name (``healthMonitor``, ``connectionThrottle``,
    #: ``sessionPersistence``, ``connectionLogging``, ``contentCaching``, ``errorpage``,
    #: ``sslTermination``); absent means "not configured".
    settings: dict[str, Any] = field(default_factory=dict)
    #: When the load balancer stops existing (404): DELETED plus the retention time.
    gone_at: float | None = None

    def status_at(self, now: float) -> str:
        """The status in force at ``now``."""
        return self.timeline.status_at(now)

    def updated_at(self, now: float) -> float:
        """When the load balancer last changed (a change or a status), as of ``now``."""
        return max(self.edited, self.timeline.changed_at(now))

    def metadata_dict(self) -> dict[str, str]:
        """Metadata as ``{key: value}`` (what presets and fault rules look at)."""
        return {item.key: item.value for item in self.metadata.values()}


class Account:
    """One tenant's load balancers and virtual IPs in one region."""

    def __init__(self, tenant_id: str, region: str) -> None:
        self.tenant_id = tenant_id
        self.region = region
        #: Keyed by the id, so a page after a marker starts by bisection.
        self.load_balancers: OrderedIndex[LoadBalancer] = OrderedIndex()
        self.virtual_ips: dict[int, VirtualIp] = {}
        #: Ids of load balancers being deleted or DELETED, oldest delete first.
        self.deleting: dict[int, None] = {}


class LoadBalancers:
    """Every tenant's load balancers in every region.

    Ids (load balancers, nodes, virtual IPs, metadata and network items) come from counters
    of the whole cloud: unique in every region and never reused until the next reset.

    ``nodes``, ``access_lists`` and ``metadata`` act on those parts of the load balancers;
    they use this class's lock, lookups (``_live``, ``_readable``, ``_mutable``,
    ``_controlled``), ``_changed`` and id counters, which are private to the package.
    """

    def __init__(self, now: Callable[[], float], config: Callable[[], CloudConfig]) -> None:
        self._now = now
        self._config = config
        self._lock = threading.RLock()
        self._accounts: dict[tuple[str, str], Account] = {}
        self._by_id: dict[int, LoadBalancer] = {}
        self._gone: list[tuple[float, int]] = []
        self._reset_counters()
        #: Nodes of every load balancer: add, change, remove, feed, status.
        self.nodes = Nodes(self)
        #: Access lists of every load balancer.
        self.access_lists = AccessLists(self)
        #: Metadata of every load balancer and node.
        self.metadata = Metadata(self)

    def _reset_counters(self) -> None:
        self._lb_ids = itertools.count(1)
        self._node_ids = itertools.count(1)
        self._vip_ids = itertools.count(1)
        self._item_ids = itertools.count(1)
        self._addresses = itertools.count(0)

    def now(self) -> float:
        """Simulated now."""
        return self._now()

    def reset(self) -> object:
        """Forget every load balancer and restart the id counters.

        Returns the old state without freeing it, so the caller can have it freed off the
        critical path.
        """
        with self._lock:
            old = (self._accounts, self._by_id, self._gone)
            self._accounts, self._by_id, self._gone = {}, {}, []
            self._reset_counters()
            return old

    # -- lookups -------------------------------------------------------------------------

    def _account(self, tenant_id: str, region: str) -> Account:
        key = (tenant_id, region)
        account = self._accounts.get(key)
        if account is None:
            account = self._accounts[key] = Account(tenant_id, region)
        return account

    def _sweep(self, now: float) -> None:
        """Forget load balancers whose retention has passed (cheap when there are none)."""
        gone = self._gone
        while gone and gone[0][0] <= now:
            _at, lb_id = heapq.heappop(gone)
            lb = self._by_id.get(lb_id)
            if lb is not None and lb.gone_at is not None and lb.gone_at <= now:
                self._forget(lb)

    def _forget(self, lb: LoadBalancer) -> None:
        del self._by_id[lb.id]
        account = self._accounts.get((lb.tenant_id, lb.region))
        if account is not None:
            account.load_balancers.remove(str(lb.id))
            account.deleting.pop(lb.id, None)
            self._release_vips(account, lb)

    def _live(self, ref: Ref, now: float) -> LoadBalancer:
        """The load balancer (DELETED ones included until they are gone), or ``NotFound``."""
        self._sweep(now)
        lb = self._by_id.get(ref.lb_id)
        if lb is None or lb.tenant_id != ref.tenant_id or lb.region != ref.region:
            raise NotFound(_NOT_FOUND)
        return lb

    def _readable(self, ref: Ref, now: float) -> LoadBalancer:
        """The load balancer whose parts may be read: not DELETED (410)."""
        lb = self._live(ref, now)
        if lb.status_at(now) == "DELETED":
            raise Gone(_GONE)
        return lb

    def _mutable(self, ref: Ref, now: float) -> LoadBalancer:
        """The load balancer if it is ACTIVE; ``Immutable`` with the real message otherwise."""
        lb = self._live(ref, now)
        status = lb.status_at(now)
        if status == "ACTIVE":
            return lb
        if status == "DELETED":
            raise Immutable(DELETED_IMMUTABLE)
        raise Immutable(
            f"Load Balancer '{lb.id}' has a status of '{status}' and is considered immutable."
        )

    def _changed(self, lb: LoadBalancer, now: float, transition: Transition) -> None:
        """After a change: PENDING_UPDATE, then ACTIVE (or ERROR at once)."""
        lb.edited = now
        if transition.error:
            lb.timeline = Timeline.starting(now, "ERROR")
            return
        seconds = transition.seconds
        if seconds is None:
            seconds = self._config().value(settings.UPDATE_SECONDS)
        # A fresh timeline per change: the old one is all in the past, and a load balancer
        # changed a million times must not keep a million entries.
        lb.timeline = Timeline.starting(now, "PENDING_UPDATE")
        lb.timeline.set(now + max(seconds, 0.0), "ACTIVE")

    def find(self, ref: Ref) -> LoadBalancer | None:
        """The load balancer (DELETED ones included), or ``None``; never raises."""
        with self._lock:
            try:
                return self._live(ref, self._now())
            except NotFound:
                return None

    def load_balancer(self, ref: Ref) -> LoadBalancer:
        """The load balancer, DELETED ones included until they are gone; else ``NotFound``."""
        with self._lock:
            return self._live(ref, self._now())

    def readable(self, ref: Ref) -> LoadBalancer:
        """The load balancer whose nodes and settings may be read (``Gone`` once DELETED)."""
        with self._lock:
            return self._readable(ref, self._now())

    def mutable(self, ref: Ref) -> LoadBalancer:
        """The load balancer if it may change now (ACTIVE); ``Immutable`` otherwise.

        Lets the HTTP layer refuse a change before it reads the request body, in the order
        the original Mimic checked.
        """
        with self._lock:
            return self._mutable(ref, self._now())

    def facts(self, ref: Ref, node_id: int | None = None) -> dict[str, Any] | None:
        """What fault rules and the journal match on: ``lb_name``, ``metadata`` and, for a
        node of the load balancer, ``node_address``; ``None`` for an unknown load balancer."""
        with self._lock:
            lb = self.find(ref)
            if lb is None:
                return None
            facts: dict[str, Any] = {"lb_name": lb.name, "metadata": lb.metadata_dict()}
            node = lb.nodes.get(node_id) if node_id is not None else None
            if node is not None:
                facts["node_address"] = node.address
            return facts

    def every_load_balancer(self, limit: int | None = None) -> tuple[int, list[LoadBalancer]]:
        """``(how many, the first limit)`` load balancers of the cloud in id order, DELETED
        ones included until they are gone (for people looking at the cloud).
        """
        with self._lock:
            self._sweep(self._now())
            ids = sorted(self._by_id)
            return len(ids), [self._by_id[i] for i in ids[:limit]]

    def metadata_by_id(
        self, tenant_id: str, region: str, ids: Iterable[int]
    ) -> dict[int, dict[str, str]]:
        """The metadata of each named load balancer of the tenant (unknown ids left out)."""
        with self._lock:
            result: dict[int, dict[str, str]] = {}
            for lb_id in ids:
                lb = self.find(Ref(tenant_id, region, lb_id))
                if lb is not None:
                    result[lb_id] = lb.metadata_dict()
            return result

    def list_load_balancers(
        self, tenant_id: str, region: str, query: LoadBalancerQuery
    ) -> Page[LoadBalancer]:
        """A page of the tenant's load balancers in id order, filtered by ``query``."""
        with self._lock:
            now = self._now()
            self._sweep(now)
            account = self._accounts.get((tenant_id, region))
            if account is None:
                return Page([], more=False)
            index = account.load_balancers
            items = (
                index.after_key(float(query.marker)) if query.marker is not None else iter(index)
            )
            wanted = query.status
            address = address_key(query.node_address) if query.node_address else None
            since = query.changes_since

            def keep(lb: LoadBalancer) -> bool:
                status = lb.status_at(now)
                if (wanted is None and status == "DELETED") or wanted not in (None, status):
                    return False
                if since is not None and lb.updated_at(now) < since:
                    return False
                return address is None or any(key[0] == address for key in lb.node_keys)

            return paginate(items, limit=query.limit, keep=keep)

    # -- load balancers ------------------------------------------------------------------

    def create(
        self,
        tenant_id: str,
        region: str,
        spec: LoadBalancerSpec,
        build_seconds: float | None = None,
        *,
        lb_id: int | None = None,
    ) -> LoadBalancer:
        """A new load balancer in BUILD (for ``build_seconds`` or the configured time); its
        id is the next one unless ``lb_id`` (checked by the caller) is given."""
        if len(spec.nodes) > data.MAX_NODES:
            raise OverLimit(f"Nodes must not exceed {data.MAX_NODES} per load balancer.")
        check_duplicates({}, spec.nodes)
        if len(spec.metadata) > data.MAX_METADATA:
            raise OverLimit(f"Metadata must not exceed {data.MAX_METADATA} per load balancer.")
        check_keys((), [key for key, _value in spec.metadata])
        if len(spec.access_list) > data.MAX_ACCESS_ITEMS:
            raise OverLimit(f"Access list must not exceed {data.MAX_ACCESS_ITEMS} items.")
        with self._lock:
            now = self._now()
            self._sweep(now)
            account = self._account(tenant_id, region)
            if lb_id is None:
                lb_id = next(self._lb_ids)
            vips = self._virtual_ips(account, lb_id, spec)
            if build_seconds is None:
                build_seconds = self._config().value(settings.BUILD_SECONDS)
            timeline = Timeline.starting(now, "BUILD")
            timeline.set(now + max(build_seconds, 0.0), "ACTIVE")
            lb = LoadBalancer(
                id=lb_id,
                tenant_id=tenant_id,
                region=region,
                name=spec.name,
                protocol=spec.protocol,
                port=spec.port,
                algorithm=spec.algorithm,
                timeout=spec.timeout,
                half_closed=spec.half_closed,
                https_redirect=spec.https_redirect,
                virtual_ips=vips,
                created=now,
                edited=now,
                timeline=timeline,
                settings=dict(spec.settings),
            )
            for vip in vips:
                vip.users.add(lb_id)
            for node_spec in spec.nodes:
                self.nodes.new(lb, node_spec, now, feed=False)
            for key, value in spec.metadata:
                item = self.metadata.new(key, value)
                lb.metadata[item.id] = item
            for access in spec.access_list:
                entry = self.access_lists.new(access)
                lb.access_list[entry.id] = entry
            account.load_balancers.add(str(lb_id), lb, key=float(lb_id))
            self._by_id[lb_id] = lb
            return lb

    # -- state documents ---------------------------------------------------------------

    def all(self) -> list[LoadBalancer]:
        """Every load balancer that is not being deleted, by id (for an export)."""
        with self._lock:
            now = self._now()
            self._sweep(now)
            return [
                self._by_id[lb_id]
                for lb_id in sorted(self._by_id)
                if self._by_id[lb_id].status_at(now) not in ("PENDING_DELETE", "DELETED")
            ]

    def count_past(self, lb_ids: Iterable[int], node_ids: Iterable[int]) -> None:
        """Never hand out these ids: a state document gives them (call before ``restore``)."""
        with self._lock:
            self._lb_ids = _past(self._lb_ids, max(lb_ids, default=0))
            self._node_ids = _past(self._node_ids, max(node_ids, default=0))

    def new_ids(self, lb_id: int | None, nodes: int) -> tuple[int, list[int]]:
        """``lb_id``, or a fresh load balancer id when ``None``, and ``nodes`` fresh node ids:
        the ids a ``restore`` takes.
        """
        with self._lock:
            if lb_id is None:
                lb_id = next(self._lb_ids)
            return lb_id, [next(self._node_ids) for _ in range(nodes)]

    def restore(
        self,
        tenant_id: str,
        region: str,
        spec: LoadBalancerSpec,
        *,
        lb_id: int,
        status: str,
        node_ids: Sequence[int],
        node_statuses: Sequence[str],
    ) -> LoadBalancer:
        """A load balancer as a state document describes it: ``status`` (ACTIVE or ERROR)
        from now on, or BUILD for the configured build time; its ids as given (see
        ``count_past`` and ``new_ids``), a tenant's load balancers restored in id order.
        ``Unprocessable`` for an id in use, before any change.
        """
        with self._lock:
            now = self._now()
            self._sweep(now)
            if lb_id in self._by_id:
                raise Unprocessable(f"Load balancer {lb_id} already exists.")
            used = {node_id for lb in self._by_id.values() for node_id in lb.nodes}
            taken = sorted(used.intersection(node_ids))
            if taken:
                raise Unprocessable(f"Node {taken[0]} already exists.")
            build = self._config().value(settings.BUILD_SECONDS) if status == "BUILD" else 0.0
            lb = self.create(tenant_id, region, replace(spec, nodes=()), build, lb_id=lb_id)
            if status == "ERROR":
                lb.timeline = Timeline.starting(now, "ERROR")
            for node_spec, node_id, node_status in zip(
                spec.nodes, node_ids, node_statuses, strict=True
            ):
                self.nodes.new(lb, node_spec, now, feed=False, node_id=node_id).status = node_status
            return lb

    def _virtual_ips(self, account: Account, lb_id: int, spec: LoadBalancerSpec) -> list[VirtualIp]:
        vips: list[VirtualIp] = []
        for vip_spec in spec.virtual_ips:
            if vip_spec.shared_id is not None:
                shared = account.virtual_ips.get(vip_spec.shared_id)
                if shared is None:
                    raise ValidationFailed(f"Virtual ip {vip_spec.shared_id} was not found.")
                for user in shared.users:
                    other = self._by_id.get(user)
                    if other is not None and other.port == spec.port:
                        raise ValidationFailed(
                            f"Virtual ip {shared.id} is already used by load balancer "
                            f"{other.id} on port {spec.port}; a load balancer sharing it needs "
                            "another port."
                        )
                vips.append(shared)
                continue
            versions = (
                (vip_spec.ip_version,)
                if vip_spec.ip_version is not None
                else ("IPV4", "IPV6")
                if vip_spec.type == "PUBLIC"
                else ("IPV4",)
            )
            for version in versions:
                vip = VirtualIp(
                    next(self._vip_ids),
                    self._vip_address(vip_spec.type, version),
                    vip_spec.type,
                    version,
                )
                account.virtual_ips[vip.id] = vip
                vips.append(vip)
        return vips

    def _vip_address(self, vip_type: str, version: str) -> str:
        n = next(self._addresses)
        high, low = divmod(n, 250)
        if version == "IPV6":
            return str(ipaddress.IPv6Address("2001:4801:7901::") + (n + 1))
        if vip_type == "SERVICENET":
            return f"10.190.{high % 256}.{low + 2}"
        return f"162.242.{high % 256}.{low + 2}"

    def _release_vips(self, account: Account, lb: LoadBalancer) -> None:
        for vip in lb.virtual_ips:
            vip.users.discard(lb.id)
            if not vip.users:
                account.virtual_ips.pop(vip.id, None)

    def virtual_ips(self, ref: Ref) -> list[VirtualIp]:
        """The load balancer's virtual IPs (``Gone`` once DELETED)."""
        with self._lock:
            return list(self._readable(ref, self._now()).virtual_ips)

    def update(self, ref: Ref, changes: Mapping[str, Any], transition: Transition) -> None:
        """Change attributes (``name``, ``algorithm``, ``protocol``, ``port``, ``timeout``,
        ``half_closed``, ``https_redirect``); the load balancer goes through PENDING_UPDATE."""
        with self._lock:
            now = self._now()
            lb = self._mutable(ref, now)
            for name, value in changes.items():
                setattr(lb, name, value)
            self._changed(lb, now, transition)

    def delete(self, ref: Ref, seconds: float | None = None) -> None:
        """PENDING_DELETE for ``seconds`` (or the configured time), then DELETED; ERROR load
        balancers may be deleted too."""
        with self._lock:
            now = self._now()
            lb = self._live(ref, now)
            status = lb.status_at(now)
            if status not in ("ACTIVE", "ERROR"):
                self._mutable(ref, now)  # raises the right Immutable
            self._start_delete(lb, now, seconds)

    def delete_many(
        self, tenant_id: str, region: str, ids: Sequence[int], seconds: Mapping[int, float]
    ) -> None:
        """Delete several load balancers at once: all or none.

        ``seconds`` gives PENDING_DELETE durations per id (others use the configured time).
        """
        with self._lock:
            now = self._now()
            self._sweep(now)
            found: list[LoadBalancer] = []
            missing: list[int] = []
            immutable: list[int] = []
            for lb_id in ids:
                lb = self._by_id.get(lb_id)
                if lb is None or lb.tenant_id != tenant_id or lb.region != region:
                    missing.append(lb_id)
                elif lb.status_at(now) not in ("ACTIVE", "ERROR"):
                    immutable.append(lb_id)
                else:
                    found.append(lb)
            if missing:
                listed = ",".join(str(i) for i in sorted(missing))
                raise BadRequest(f"Must provide valid load balancers: {listed} could not be found.")
            if immutable:
                listed = ",".join(str(i) for i in sorted(immutable))
                raise BadRequest(
                    f"Must provide valid load balancers: {listed} are immutable and could not "
                    "be processed."
                )
            for lb in found:
                self._start_delete(lb, now, seconds.get(lb.id))

    def _start_delete(self, lb: LoadBalancer, now: float, seconds: float | None) -> None:
        config = self._config()
        if seconds is None:
            seconds = config.value(settings.DELETE_SECONDS)
        deleted_at = now + max(seconds, 0.0)
        lb.edited = now
        lb.timeline = Timeline.starting(now, "PENDING_DELETE")
        lb.timeline.set(deleted_at, "DELETED")
        lb.gone_at = deleted_at + config.value(settings.DELETED_RETENTION)
        heapq.heappush(self._gone, (lb.gone_at, lb.id))
        account = self._account(lb.tenant_id, lb.region)
        account.deleting[lb.id] = None
        while len(account.deleting) > MAX_DELETED_KEPT:
            oldest = self._by_id.get(next(iter(account.deleting)))
            if oldest is None:
                account.deleting.pop(next(iter(account.deleting)))
            else:
                self._forget(oldest)
        if len(self._gone) > 2 * len(self._by_id) + MAX_DELETED_KEPT:
            # Entries of load balancers the cap forgot: drop them, or the heap keeps growing.
            self._gone = [entry for entry in self._gone if entry[1] in self._by_id]
            heapq.heapify(self._gone)

    # -- settings ------------------------------------------------------------------------

    def setting(self, ref: Ref, name: str) -> Any:
        """A stored setting (``None`` when not configured)."""
        with self._lock:
            return self._readable(ref, self._now()).settings.get(name)

    def change_setting(
        self,
        ref: Ref,
        name: str,
        change: Callable[[Any], Any],
        transition: Transition,
    ) -> None:
        """Store ``change(current)`` (``None`` removes it); PENDING_UPDATE follows.

        ``change`` runs under the lock and may raise a ``CLBError`` to refuse the request.
        """
        with self._lock:
            now = self._now()
            lb = self._mutable(ref, now)
            value = change(lb.settings.get(name))
            if value is None:
                lb.settings.pop(name, None)
            else:
                lb.settings[name] = value
            self._changed(lb, now, transition)

    # -- control plane -------------------------------------------------------------------

    def _controlled(self, lb_id: int, tenant_id: str | None, region: str | None) -> LoadBalancer:
        self._sweep(self._now())
        lb = self._by_id.get(lb_id)
        if lb is None and tenant_id is None:
            raise NotFound(f"Load balancer {lb_id} not found")
        if lb is None or tenant_id not in (None, lb.tenant_id):
            raise NotFound(f"Tenant {tenant_id} doesn't own load balancer {lb_id}")
        if region not in (None, lb.region):
            raise NotFound(f"Load balancer {lb_id} is not in region {region}")
        return lb

    def set_status(
        self,
        lb_id: int,
        status: str,
        *,
        tenant_id: str | None = None,
        region: str | None = None,
        seconds: float | None = None,
    ) -> None:
        """Force a status (``ACTIVE``, ``ERROR``, ``PENDING_UPDATE``, ``PENDING_DELETE``).

        It stays until changed again, as in the original Mimic; with ``seconds`` it lasts that
        long and the load balancer then turns ACTIVE (DELETED after ``PENDING_DELETE``).
        """
        if status not in data.SETTABLE_STATUSES:
            raise BadRequest(
                f"Unsupported status {status} not one of {', '.join(data.SETTABLE_STATUSES)}"
            )
        with self._lock:
            now = self._now()
            lb = self._controlled(lb_id, tenant_id, region)
            lb.gone_at = None
            if status == "PENDING_DELETE" and seconds is not None:
                self._start_delete(lb, now, seconds)
                return
            lb.timeline = Timeline.starting(now, status)
            if seconds is not None and status != "ACTIVE":
                lb.timeline.set(now + max(seconds, 0.0), "ACTIVE")


def _past(counter: itertools.count[int], used: int) -> itertools.count[int]:
    """``counter`` going on after ``used`` (ids a document gave are never handed out again)."""
    return itertools.count(max(next(counter), used + 1))
