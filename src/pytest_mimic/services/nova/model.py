r"""The state of a fake Nova: servers, keypairs, snapshots and quotas per tenant per region.

Plain Python, no HTTP. Time comes only from the clock handed in; a server's status is
computed from its ``Timeline`` whenever it is read, so BUILD turns ACTIVE (and REBOOT turns
back to ACTIVE) without any timer. One lock guards every read and write.

Errors are ``ComputeError`` subclasses: ``ServiceError``\s carrying Nova's own message,
status and fault name, so the HTTP layer calls the model directly and ``RoutedService.handle``
renders whatever it raises.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import re
import secrets
import string
import struct
import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from pytest_mimic.clock import isoformat_z
from pytest_mimic.errors import ServiceError
from pytest_mimic.services.lifecycle import Timeline
from pytest_mimic.services.nova import data
from pytest_mimic.services.nova.data import Flavor, Image
from pytest_mimic.services.nova.settings import (
    BUILD_SECONDS,
    DEFAULT_QUOTAS,
    DELETED_RETENTION,
    DELETED_RETENTION_SECONDS,
    MAX_METADATA_ITEMS,
    QUOTAS,
    STRICT_REFS,
)
from pytest_mimic.services.ordered import (
    OrderedIndex,
    Page,
    UnknownMarker,
    page_of_list,
    paginate,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from pytest_mimic.config import CloudConfig

__all__ = [
    "ACTION_SECONDS",
    "DEFAULT_QUOTAS",
    "DELETED_RETENTION_SECONDS",
    "MAX_DELETED_KEPT",
    "MAX_METADATA_ITEMS",
    "Account",
    "Compute",
    "ComputeError",
    "Conflict",
    "CreationBehaviour",
    "Forbidden",
    "InvalidInput",
    "Keypair",
    "MarkerNotFound",
    "NameMatcher",
    "NotFound",
    "Server",
    "ServerQuery",
    "ServerSpec",
    "page_of",
]


#: Deleted servers kept per tenant and region at most, however recent (bounded memory).
MAX_DELETED_KEPT = 1_000

#: Simulated seconds each timed transition takes (status shown meanwhile -> status after).
ACTION_SECONDS: Mapping[str, float] = {
    "reboot_soft": 5.0,  # REBOOT -> ACTIVE
    "reboot_hard": 10.0,  # HARD_REBOOT -> ACTIVE
    "rebuild": 10.0,  # REBUILD -> ACTIVE
    "resize": 10.0,  # RESIZE -> VERIFY_RESIZE
    "revert_resize": 5.0,  # REVERT_RESIZE -> ACTIVE
}

#: status -> (OS-EXT-STS:vm_state, OS-EXT-STS:task_state, OS-EXT-STS:power_state)
STATES: Mapping[str, tuple[str, str | None, int]] = {
    "BUILD": ("building", "spawning", 0),
    "ACTIVE": ("active", None, 1),
    "ERROR": ("error", None, 0),
    "REBOOT": ("active", "rebooting", 1),
    "HARD_REBOOT": ("active", "rebooting_hard", 1),
    "REBUILD": ("active", "rebuilding", 0),
    "RESIZE": ("active", "resize_migrating", 1),
    "VERIFY_RESIZE": ("resized", None, 1),
    "REVERT_RESIZE": ("resized", "resize_reverting", 1),
    "RESCUE": ("rescued", None, 1),
    "DELETED": ("deleted", None, 0),
}

_T = TypeVar("_T")

_NO_VALID_HOST = "No valid host was found. There are not enough hosts available."
_KEYPAIR_NAME = re.compile(r"[a-zA-Z0-9 _-]+")
_PASSWORD_ALPHABET = string.ascii_letters + string.digits


class ComputeError(ServiceError):
    """A request Nova refuses; ``message`` is what Nova says, ``status`` and ``fault`` how.

    Raised with the message only (``NotFound("Image not found.")``); each subclass fixes
    the status and Nova's fault name.
    """

    default_status: ClassVar[int] = 400
    default_fault: ClassVar[str | None] = "badRequest"


class InvalidInput(ComputeError):
    """The request is malformed or names something invalid (HTTP 400, ``badRequest``)."""


class MarkerNotFound(InvalidInput):
    """A list's ``marker`` names no item (HTTP 400, ``badRequest``, as Nova answers)."""

    def __init__(self, marker: str) -> None:
        super().__init__(f"marker [{marker}] not found")
        self.marker = marker


class Forbidden(ComputeError):
    """A quota or policy forbids it (HTTP 403, ``forbidden``)."""

    default_status: ClassVar[int] = 403
    default_fault: ClassVar[str | None] = "forbidden"


class NotFound(ComputeError):
    """No such server, flavor, image, keypair or metadata key (HTTP 404, ``itemNotFound``)."""

    default_status: ClassVar[int] = 404
    default_fault: ClassVar[str | None] = "itemNotFound"


class Conflict(ComputeError):
    """The server's state forbids the action now (HTTP 409, ``conflictingRequest``)."""

    default_status: ClassVar[int] = 409
    default_fault: ClassVar[str | None] = "conflictingRequest"


def page_of(
    items: Sequence[_T], key: Callable[[_T], str], *, marker: str | None, limit: int
) -> list[_T]:
    """Marker/limit over a short, fixed list (flavors, images); ``MarkerNotFound`` if
    ``marker`` names no item.
    """
    try:
        return page_of_list(items, key, marker=marker, limit=limit)
    except UnknownMarker as error:
        raise MarkerNotFound(error.marker) from None


def _password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))


@dataclass(frozen=True)
class ServerSpec:
    """What a create request asks for, already type-checked by the HTTP layer."""

    name: str
    image_ref: str
    flavor_ref: str
    metadata: Mapping[str, str] = field(default_factory=dict)
    key_name: str | None = None
    disk_config: str = "AUTO"
    admin_pass: str | None = None
    count: int = 1


@dataclass(frozen=True)
class CreationBehaviour:
    """How a new server's life goes (from presets or ``Behave`` rules).

    ``build_seconds`` overrides the configured build time; ``error`` makes it ERROR at once;
    ``error_after`` makes it ACTIVE, then ERROR that many seconds later.
    """

    build_seconds: float | None = None
    error: bool = False
    error_after: float | None = None


@dataclass(eq=False)
class Server:
    """One server. ``status_at``/``updated_at`` read the clock-driven timeline."""

    id: str
    name: str
    tenant_id: str
    user_id: str
    region: str
    image: Image
    flavor: Flavor
    metadata: dict[str, str]
    key_name: str | None
    disk_config: str
    created: float
    timeline: Timeline
    admin_pass: str
    host_id: str
    addresses: dict[str, list[dict[str, Any]]]
    access_ipv4: str
    access_ipv6: str
    edited: float
    active_from: float
    fault: str | None = None
    previous_flavor: Flavor | None = None
    #: Bumped after every change the model makes, so a rendering can be cached per version.
    version: int = 0
    #: Position in the tenant's creation order (the live index's key).
    order: float = 0.0

    def status_at(self, now: float) -> str:
        """The status in force at ``now``."""
        return self.timeline.status_at(now)

    def updated_at(self, now: float) -> float:
        """When the server last changed (status or metadata), as of ``now``."""
        return max(self.edited, self.timeline.changed_at(now))

    def progress_at(self, now: float) -> int:
        """Build progress in percent (100 once built)."""
        return self.phase_at(now)[2]

    def phase_at(self, now: float) -> tuple[str, float, int]:
        """``(status, when it began, progress)`` at ``now``, reading the timeline once."""
        status = self.timeline.status_at(now)
        began = self.timeline.changed_at(now)
        if status == "BUILD":
            span = self.active_from - self.created
            progress = 0 if span <= 0 else min(99, int(100 * (now - self.created) / span))
        else:
            progress = 0 if status in ("ERROR", "DELETED") else 100
        return status, began, progress

    def states_at(self, now: float) -> tuple[str, str | None, int]:
        """``(vm_state, task_state, power_state)`` at ``now``."""
        return STATES.get(self.status_at(now), ("active", None, 1))

    def fault_at(self, now: float) -> dict[str, Any] | None:
        """Nova's ``fault`` block while the server is in ERROR."""
        if self.status_at(now) != "ERROR":
            return None
        return {
            "code": 500,
            "created": isoformat_z(self.timeline.changed_at(now), digits=0),
            "message": self.fault or _NO_VALID_HOST,
        }


@dataclass(frozen=True)
class Keypair:
    """An SSH key pair; ``private_key`` only on the answer that generated it."""

    name: str
    public_key: str
    fingerprint: str
    user_id: str
    created: float
    type: str = "ssh"
    private_key: str | None = None


class NameMatcher(Protocol):
    """What filters servers by name: a compiled ``re`` pattern, or anything with ``search``."""

    def search(self, name: str, /) -> object:
        """Truthy when ``name`` matches."""
        ...


@dataclass(frozen=True)
class ServerQuery:
    """Filters and paging of a server list. ``changes_since`` also shows DELETED servers."""

    name: NameMatcher | None = None
    status: str | None = None
    image: str | None = None
    flavor: str | None = None
    changes_since: float | None = None
    marker: str | None = None
    limit: int = 1000


class Account:
    """One tenant's compute state in one region."""

    def __init__(self, tenant_id: str, region: str, quotas: Mapping[str, int]) -> None:
        self.tenant_id = tenant_id
        self.region = region
        self.servers: OrderedIndex[Server] = OrderedIndex()
        #: Deleted servers, oldest deletion first, keyed by when they changed last.
        self.deleted: OrderedIndex[Server] = OrderedIndex()
        self.keypairs: dict[str, Keypair] = {}
        self.snapshots: dict[str, Image] = {}
        self.quotas: dict[str, int] = dict(quotas)
        self.instances_used = 0
        self.cores_used = 0
        self.ram_used = 0
        self._addresses = 0

    def next_addresses(self) -> tuple[dict[str, list[dict[str, Any]]], str, str]:
        """Fresh unique addresses: ``(addresses, public v4, public v6)``."""
        n = self._addresses
        self._addresses += 1
        high, low = divmod(n, 250)
        low += 2
        private = f"10.{176 + (high // 256) % 16}.{high % 256}.{low}"
        public4 = f"104.130.{high % 256}.{low}"
        public6 = f"2001:4800:7819:104:be76:4eff:fe{high % 256:02x}:{low:04x}"
        addresses = {
            "public": [{"addr": public4, "version": 4}, {"addr": public6, "version": 6}],
            "private": [{"addr": private, "version": 4}],
        }
        return addresses, public4, public6

    def charge(self, flavor: Flavor, count: int = 1) -> None:
        """Count ``count`` servers of ``flavor`` against the quotas (negative to release)."""
        self.instances_used += count
        self.cores_used += flavor.vcpus * count
        self.ram_used += flavor.ram * count

    def check_quota(self, flavor: Flavor, count: int, *, instances: bool = True) -> None:
        """``Forbidden`` with Nova's message if ``count`` more servers would exceed a quota."""
        wanted = [("ram", "maxTotalRAMSize", self.ram_used, flavor.ram * count)]
        wanted.insert(0, ("cores", "maxTotalCores", self.cores_used, flavor.vcpus * count))
        if instances:
            wanted.insert(0, ("instances", "maxTotalInstances", self.instances_used, count))
        for resource, key, used, requested in wanted:
            allowed = self.quotas.get(key, -1)
            if allowed >= 0 and used + requested > allowed:
                raise Forbidden(
                    f"Quota exceeded for {resource}: Requested {requested}, but already used "
                    f"{used} of {allowed} {resource}"
                )


class Compute:
    """Every tenant's servers in every region, plus the shared flavor and image catalogue."""

    def __init__(self, now: Callable[[], float], config: Callable[[], CloudConfig]) -> None:
        self._now = now
        self._config = config
        self._lock = threading.RLock()
        self._accounts: dict[tuple[str, str], Account] = {}
        self._quota_overrides: dict[tuple[str, str | None], dict[str, int]] = {}

    # -- accounts and quotas -------------------------------------------------------------

    def reset(self) -> object:
        """Forget every server, keypair, snapshot and quota change.

        Returns the old state without freeing it, so the caller can have it freed off the
        critical path (freeing a thousand servers costs more than the rest of a reset).
        """
        with self._lock:
            old = (self._accounts, self._quota_overrides)
            self._accounts, self._quota_overrides = {}, {}
        return old

    def account(self, tenant_id: str, region: str) -> Account:
        """The tenant's state in ``region``, created on first use."""
        with self._lock:
            key = (tenant_id, region)
            account = self._accounts.get(key)
            if account is None:
                quotas = dict(DEFAULT_QUOTAS)
                limits: Mapping[str, int] = self._config().value(QUOTAS)
                quotas.update(limits)
                quotas.update(self._quota_overrides.get((tenant_id, None), {}))
                quotas.update(self._quota_overrides.get((tenant_id, region), {}))
                account = self._accounts[key] = Account(tenant_id, region, quotas)
            return account

    def set_quotas(self, tenant_id: str, region: str | None = None, **limits: int) -> None:
        """Change a tenant's absolute limits (``maxTotalInstances=2``...), one or all regions."""
        unknown = set(limits) - set(DEFAULT_QUOTAS)
        if unknown:
            raise TypeError(f"unknown quota(s): {', '.join(sorted(unknown))}")
        with self._lock:
            self._quota_overrides.setdefault((tenant_id, region), {}).update(limits)
            for (tenant, reg), account in self._accounts.items():
                if tenant == tenant_id and region in (None, reg):
                    account.quotas.update(limits)

    def limits(self, tenant_id: str, region: str) -> dict[str, int]:
        """Absolute limits with the tenant's real usage in the region."""
        with self._lock:
            account = self.account(tenant_id, region)
            absolute = dict(account.quotas)
            absolute.update(
                totalInstancesUsed=account.instances_used,
                totalCoresUsed=account.cores_used,
                totalRAMUsed=account.ram_used,
                totalFloatingIpsUsed=0,
                totalSecurityGroupsUsed=0,
                totalServerGroupsUsed=0,
            )
            return absolute

    # -- flavors and images ------------------------------------------------------------

    def flavors(self, region: str) -> tuple[Flavor, ...]:
        """The flavors listed in ``region``."""
        return data.flavors_in(region)

    def flavor(self, region: str, flavor_id: str) -> Flavor:
        """A flavor by id; unknown ids are made up unless strict or a preset invalid id."""
        known = data.FLAVORS.get(flavor_id)
        if known is not None and (not known.onmetal or known in data.flavors_in(region)):
            return known
        if data.is_invalid_flavor_ref(flavor_id) or self._config().value(STRICT_REFS):
            raise NotFound(f"Flavor {flavor_id} could not be found.")
        return data.plausible_flavor(flavor_id)

    def images(self, tenant_id: str, region: str) -> list[Image]:
        """Base images of the region, then the tenant's snapshots in creation order."""
        with self._lock:
            snapshots = list(self.account(tenant_id, region).snapshots.values())
        return [*data.images_in(region), *snapshots]

    def image(self, tenant_id: str, region: str, image_id: str) -> Image:
        """An image by id; unknown ids are made up unless strict or a preset invalid id."""
        known = data.IMAGES.get(image_id)
        if known is not None and (not known.onmetal or known in data.images_in(region)):
            return known
        with self._lock:
            snapshot = self.account(tenant_id, region).snapshots.get(image_id)
        if snapshot is not None:
            return snapshot
        if data.is_invalid_image_ref(image_id) or self._config().value(STRICT_REFS):
            raise NotFound("Image not found.")
        return data.plausible_image(image_id)

    def delete_image(self, tenant_id: str, region: str, image_id: str) -> None:
        """Delete a snapshot; base images cannot be deleted (403)."""
        with self._lock:
            account = self.account(tenant_id, region)
            if account.snapshots.pop(image_id, None) is not None:
                return
        self.image(tenant_id, region, image_id)
        raise Forbidden("Not allowed to delete a base image.")

    # -- servers -------------------------------------------------------------------------

    def create_servers(
        self,
        tenant_id: str,
        region: str,
        spec: ServerSpec,
        behaviour: CreationBehaviour | None = None,
    ) -> list[Server]:
        """Create ``spec.count`` servers, checking refs, keypair, metadata and quotas first."""
        behaviour = behaviour or CreationBehaviour()
        try:
            image = self.image(tenant_id, region, spec.image_ref)
        except NotFound:
            raise InvalidInput("Can not find requested image") from None
        try:
            flavor = self.flavor(region, spec.flavor_ref)
        except NotFound:
            raise InvalidInput("Invalid flavorRef provided.") from None
        with self._lock:
            account = self.account(tenant_id, region)
            _check_metadata_count(len(spec.metadata), account)
            if spec.key_name is not None and spec.key_name not in account.keypairs:
                raise InvalidInput("Invalid key_name provided.")
            account.check_quota(flavor, spec.count)
            now = self._now()
            build = behaviour.build_seconds
            if build is None:
                build = self._config().value(BUILD_SECONDS)
            servers = []
            for index in range(spec.count):
                name = spec.name if spec.count == 1 else f"{spec.name}-{index + 1}"
                server = self._new_server(account, spec, name, image, flavor, now, build, behaviour)
                server.order = account.servers.add(server.id, server)
                servers.append(server)
            account.charge(flavor, spec.count)
            return servers

    def _new_server(
        self,
        account: Account,
        spec: ServerSpec,
        name: str,
        image: Image,
        flavor: Flavor,
        now: float,
        build: float,
        behaviour: CreationBehaviour,
        server_id: str | None = None,
    ) -> Server:
        server_id = server_id or str(uuid.uuid4())
        timeline = Timeline.starting(now, "BUILD")
        active_from = now + max(build, 0.0)
        if behaviour.error:
            timeline.set(now, "ERROR")
            active_from = now
        else:
            timeline.set(active_from, "ACTIVE")
            if behaviour.error_after is not None:
                timeline.set(active_from + max(behaviour.error_after, 0.0), "ERROR")
        addresses, public4, public6 = account.next_addresses()
        host = hashlib.sha224(f"{account.tenant_id}:{account.region}:{server_id}".encode())
        return Server(
            id=server_id,
            name=name,
            tenant_id=account.tenant_id,
            user_id=f"user-{account.tenant_id}",
            region=account.region,
            image=image,
            flavor=flavor,
            metadata=dict(spec.metadata),
            key_name=spec.key_name,
            disk_config=spec.disk_config,
            created=now,
            timeline=timeline,
            admin_pass=spec.admin_pass or _password(),
            host_id=host.hexdigest(),
            addresses=addresses,
            access_ipv4=public4,
            access_ipv6=public6,
            edited=now,
            active_from=active_from,
        )

    # -- state documents ---------------------------------------------------------------

    def accounts(self) -> list[Account]:
        """Every tenant's state in every region, by tenant then region (for an export)."""
        with self._lock:
            return [self._accounts[key] for key in sorted(self._accounts)]

    def restore_server(
        self,
        tenant_id: str,
        region: str,
        spec: ServerSpec,
        *,
        server_id: str,
        status: str,
        fault: str | None = None,
    ) -> Server:
        """A server as a state document describes it: ``status`` (ACTIVE, ERROR, RESCUE)
        from now on, or BUILD for the configured build time. Its usage counts, but no quota
        or keypair is checked: the document is the state. ``NotFound`` for an image or flavor
        Nova would not know; ``Conflict`` for an id in use.
        """
        image = self.image(tenant_id, region, spec.image_ref)
        flavor = self.flavor(region, spec.flavor_ref)
        with self._lock:
            for account in self._accounts.values():
                if server_id in account.servers or account.deleted.get(server_id) is not None:
                    raise Conflict(f"Server {server_id} already exists.")
            account = self.account(tenant_id, region)
            now = self._now()
            build = self._config().value(BUILD_SECONDS) if status == "BUILD" else 0.0
            behaviour = CreationBehaviour(build_seconds=build, error=status == "ERROR")
            server = self._new_server(
                account, spec, spec.name, image, flavor, now, build, behaviour, server_id
            )
            if status == "RESCUE":
                server.timeline.set(now, "RESCUE")
            server.fault = fault
            server.order = account.servers.add(server.id, server)
            account.charge(flavor)
            return server

    def restore_image(self, tenant_id: str, region: str, image: Image) -> Image:
        """A tenant's image (a snapshot) as a state document describes it; ``Conflict`` for
        an id in use.
        """
        with self._lock:
            account = self.account(tenant_id, region)
            if image.id in data.IMAGES or image.id in account.snapshots:
                raise Conflict(f"Image {image.id} already exists.")
            stamp = isoformat_z(self._now(), digits=0)
            restored = Image(
                id=image.id,
                name=image.name,
                min_ram=image.min_ram,
                min_disk=image.min_disk,
                created=stamp,
                updated=stamp,
                metadata={**image.metadata, "image_type": "snapshot"},
                server_id=image.server_id,
            )
            account.snapshots[image.id] = restored
            return restored

    def find_server(self, tenant_id: str, region: str, server_id: str) -> Server | None:
        """The live (not DELETED) server, or ``None``; never raises."""
        with self._lock:
            account = self._accounts.get((tenant_id, region))
            return None if account is None else account.servers.get(server_id)

    def servers(self, tenant_id: str, region: str) -> list[Server]:
        """The tenant's live (not DELETED) servers in ``region``, in creation order."""
        with self._lock:
            account = self._accounts.get((tenant_id, region))
            return [] if account is None else list(account.servers)

    def server(self, tenant_id: str, region: str, server_id: str) -> Server:
        """The live server, or ``NotFound`` with Nova's message."""
        server = self.find_server(tenant_id, region, server_id)
        if server is None:
            raise NotFound(f"Instance {server_id} could not be found.")
        return server

    def delete_server(self, tenant_id: str, region: str, server_id: str) -> None:
        """Mark the server DELETED now; it leaves lists and quotas at once.

        It moves to the tenant's index of deleted servers, where ``changes-since`` finds it
        until ``DELETED_RETENTION_SECONDS`` have passed (or ``MAX_DELETED_KEPT`` newer
        deletions pushed it out): live pages never walk over it.
        """
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            account = self.account(tenant_id, region)
            now = self._now()
            server.timeline.set(now, "DELETED")
            _changed(server)
            account.charge(server.flavor, -1)
            account.servers.remove(server.id)
            # Keys must not decrease: after the clock was moved back, the newest key stands.
            last = account.deleted.last_key()
            key = server.updated_at(now) if last is None else max(last, server.updated_at(now))
            account.deleted.add(server.id, server, key)
            _expire(account.deleted, now, self._retention())

    def _retention(self) -> float:
        return self._config().value(DELETED_RETENTION)

    def list_servers(self, tenant_id: str, region: str, query: ServerQuery) -> Page[Server]:
        """A page of servers; ``MarkerNotFound`` for an unknown marker.

        Live servers come in creation order; when deleted ones are asked for too
        (``changes_since``, or ``status`` DELETED) they follow, oldest deletion first. A
        marker naming a server deleted since the last page resumes where it stood.
        """
        with self._lock:
            now = self._now()
            account = self.account(tenant_id, region)
            _expire(account.deleted, now, self._retention())
            wanted = None if query.status is None else query.status.upper()
            include_deleted = query.changes_since is not None or wanted == "DELETED"

            def keep(server: Server) -> bool:
                status = server.status_at(now)
                if wanted is not None and status != wanted:
                    return False
                if query.changes_since is not None and server.updated_at(now) < query.changes_since:
                    return False
                if query.name is not None and not query.name.search(server.name):
                    return False
                if query.image is not None and server.image.id != query.image:
                    return False
                return query.flavor is None or server.flavor.id == query.flavor

            items = _walk(account, query.marker, include_deleted, wanted, query.changes_since)
            filtered = include_deleted or any(
                value is not None for value in (wanted, query.name, query.image, query.flavor)
            )
            return paginate(items, limit=query.limit, keep=keep if filtered else None)

    def now(self) -> float:
        """Simulated now, as the model sees it."""
        return self._now()

    # -- metadata ------------------------------------------------------------------------

    def metadata(self, tenant_id: str, region: str, server_id: str) -> dict[str, str]:
        """A copy of the server's metadata."""
        with self._lock:
            return dict(self.server(tenant_id, region, server_id).metadata)

    def set_metadata(
        self,
        tenant_id: str,
        region: str,
        server_id: str,
        items: Mapping[str, str],
        *,
        replace: bool,
    ) -> dict[str, str]:
        """Replace (``replace=True``) or merge metadata; returns the resulting metadata."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "update_metadata", {"ACTIVE"})
            merged = dict(items) if replace else {**server.metadata, **items}
            _check_metadata_count(len(merged), self.account(tenant_id, region))
            server.metadata = merged
            server.edited = self._now()
            _changed(server)
            return dict(merged)

    def delete_metadata_item(self, tenant_id: str, region: str, server_id: str, key: str) -> None:
        """Remove one key; ``NotFound`` if absent."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            if key not in server.metadata:
                raise NotFound("Metadata item was not found")
            self._require(server, "delete_metadata", {"ACTIVE"})
            del server.metadata[key]
            server.edited = self._now()
            _changed(server)

    # -- actions -------------------------------------------------------------------------

    def _require(self, server: Server, action: str, allowed: set[str]) -> str:
        now = self._now()
        status = server.status_at(now)
        if status not in allowed:
            vm_state, task_state, _power = server.states_at(now)
            where = f"task_state {task_state}" if task_state else f"vm_state {vm_state}"
            raise Conflict(f"Cannot '{action}' instance {server.id} while it is in {where}")
        return status

    def _transition(self, server: Server, during: str, after: str, seconds: float) -> None:
        now = self._now()
        server.timeline.set(now, during)
        server.timeline.set(now + seconds, after)
        _changed(server)

    def reboot(self, tenant_id: str, region: str, server_id: str, *, hard: bool) -> None:
        """SOFT: ACTIVE only; HARD: also from ERROR or during a soft reboot."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            if hard:
                self._require(server, "reboot", {"ACTIVE", "ERROR", "REBOOT"})
                server.fault = None
                self._transition(server, "HARD_REBOOT", "ACTIVE", ACTION_SECONDS["reboot_hard"])
            else:
                self._require(server, "reboot", {"ACTIVE"})
                self._transition(server, "REBOOT", "ACTIVE", ACTION_SECONDS["reboot_soft"])

    def resize(self, tenant_id: str, region: str, server_id: str, flavor_ref: str) -> None:
        """RESIZE, then VERIFY_RESIZE; the new flavor counts against quotas at once."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "resize", {"ACTIVE"})
            try:
                flavor = self.flavor(region, flavor_ref)
            except NotFound:
                raise InvalidInput("Unable to locate requested flavor.") from None
            if flavor.id == server.flavor.id:
                raise InvalidInput("When resizing, instances must change flavor!")
            account = self.account(tenant_id, region)
            grow = Flavor(
                "delta",
                "delta",
                max(flavor.ram - server.flavor.ram, 0),
                max(flavor.vcpus - server.flavor.vcpus, 0),
                0,
            )
            account.check_quota(grow, 1, instances=False)
            account.charge(server.flavor, -1)
            account.charge(flavor, 1)
            server.previous_flavor, server.flavor = server.flavor, flavor
            self._transition(server, "RESIZE", "VERIFY_RESIZE", ACTION_SECONDS["resize"])

    def confirm_resize(self, tenant_id: str, region: str, server_id: str) -> None:
        """VERIFY_RESIZE -> ACTIVE, keeping the new flavor."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "confirmResize", {"VERIFY_RESIZE"})
            server.previous_flavor = None
            server.timeline.set(self._now(), "ACTIVE")
            _changed(server)

    def revert_resize(self, tenant_id: str, region: str, server_id: str) -> None:
        """VERIFY_RESIZE -> REVERT_RESIZE -> ACTIVE with the old flavor back."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "revertResize", {"VERIFY_RESIZE"})
            old = server.previous_flavor or server.flavor
            account = self.account(tenant_id, region)
            account.charge(server.flavor, -1)
            account.charge(old, 1)
            server.flavor, server.previous_flavor = old, None
            self._transition(server, "REVERT_RESIZE", "ACTIVE", ACTION_SECONDS["revert_resize"])

    def rebuild(
        self,
        tenant_id: str,
        region: str,
        server_id: str,
        *,
        image_ref: str,
        name: str | None = None,
        metadata: Mapping[str, str] | None = None,
        admin_pass: str | None = None,
    ) -> Server:
        """REBUILD -> ACTIVE on a new image, with a new admin password."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "rebuild", {"ACTIVE", "ERROR"})
            try:
                image = self.image(tenant_id, region, image_ref)
            except NotFound:
                raise InvalidInput("Cannot find image for rebuild") from None
            if metadata is not None:
                _check_metadata_count(len(metadata), self.account(tenant_id, region))
                server.metadata = dict(metadata)
            if name is not None:
                server.name = name
            server.image = image
            server.fault = None
            server.admin_pass = admin_pass or _password()
            server.edited = self._now()
            self._transition(server, "REBUILD", "ACTIVE", ACTION_SECONDS["rebuild"])
            return server

    def rescue(
        self, tenant_id: str, region: str, server_id: str, admin_pass: str | None = None
    ) -> str:
        """ACTIVE -> RESCUE; returns the rescue password."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "rescue", {"ACTIVE"})
            server.timeline.set(self._now(), "RESCUE")
            _changed(server)
            return admin_pass or _password()

    def unrescue(self, tenant_id: str, region: str, server_id: str) -> None:
        """RESCUE -> ACTIVE."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "unrescue", {"RESCUE"})
            server.timeline.set(self._now(), "ACTIVE")
            _changed(server)

    def change_password(self, tenant_id: str, region: str, server_id: str, password: str) -> None:
        """Set a new admin password (ACTIVE only); no status change."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "changePassword", {"ACTIVE"})
            server.admin_pass = password
            _changed(server)

    def create_image(
        self,
        tenant_id: str,
        region: str,
        server_id: str,
        name: str,
        metadata: Mapping[str, str] | None = None,
    ) -> Image:
        """Snapshot the server into a new tenant image (listed with the base images)."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "createImage", {"ACTIVE", "VERIFY_RESIZE", "RESCUE"})
            account = self.account(tenant_id, region)
            if len(metadata or {}) > account.quotas.get("maxImageMeta", 40):
                raise Forbidden(
                    f"Maximum number of metadata items exceeds {account.quotas['maxImageMeta']}"
                )
            stamp = isoformat_z(self._now(), digits=0)
            info = {
                **(metadata or {}),
                "image_type": "snapshot",
                "instance_uuid": server.id,
                "base_image_ref": server.image.id,
                "os_type": server.image.metadata.get("os_type", "linux"),
            }
            image = Image(
                id=str(uuid.uuid4()),
                name=name,
                min_ram=server.flavor.ram,
                min_disk=server.flavor.disk,
                created=stamp,
                updated=stamp,
                metadata=info,
                server_id=server.id,
            )
            account.snapshots[image.id] = image
            return image

    # -- keypairs ------------------------------------------------------------------------

    def keypairs(self, tenant_id: str, region: str) -> list[Keypair]:
        """The tenant's keypairs in the region, in creation order."""
        with self._lock:
            return list(self.account(tenant_id, region).keypairs.values())

    def keypair(self, tenant_id: str, region: str, name: str) -> Keypair:
        """One keypair, or ``NotFound``."""
        with self._lock:
            found = self.account(tenant_id, region).keypairs.get(name)
        if found is None:
            raise NotFound(f"Keypair {name} not found for user user-{tenant_id}")
        return found

    def create_keypair(
        self, tenant_id: str, region: str, name: str, public_key: str | None
    ) -> Keypair:
        """Import ``public_key`` or generate one (the answer then carries a private key)."""
        if not 1 <= len(name) <= 255 or not _KEYPAIR_NAME.fullmatch(name):
            raise InvalidInput("Keypair data is invalid: Keypair name contains unsafe characters")
        private_key = None
        if public_key is None:
            public_key, private_key = _generate_keypair(name)
        fingerprint = check_public_key(public_key)
        with self._lock:
            account = self.account(tenant_id, region)
            if name in account.keypairs:
                raise Conflict(f"Key pair '{name}' already exists.")
            allowed = account.quotas.get("maxTotalKeypairs", -1)
            if 0 <= allowed <= len(account.keypairs):
                raise Forbidden("Quota exceeded, too many key pairs.")
            keypair = Keypair(name, public_key, fingerprint, f"user-{tenant_id}", self._now())
            account.keypairs[name] = keypair
        if private_key is None:
            return keypair
        return Keypair(**{**keypair.__dict__, "private_key": private_key})

    def delete_keypair(self, tenant_id: str, region: str, name: str) -> None:
        """Forget a keypair, or ``NotFound``."""
        with self._lock:
            self.keypair(tenant_id, region, name)
            del self.account(tenant_id, region).keypairs[name]


def _walk(
    account: Account,
    marker: str | None,
    include_deleted: bool,
    wanted: str | None,
    since: float | None,
) -> Iterator[Server]:
    """The servers a list visits after ``marker``: live ones, then (if asked) deleted ones."""
    live: Iterator[Server]
    if marker is None or marker in account.servers:
        live = iter(()) if wanted == "DELETED" else account.servers.after(marker)
        marker = None
    else:
        gone = account.deleted.get(marker)
        if gone is None:
            raise MarkerNotFound(marker)
        live = iter(())
        if not include_deleted:
            return account.servers.after_key(gone.order)
    if not include_deleted:
        return live
    return itertools.chain(live, account.deleted.after(marker, min_key=since))


def _expire(deleted: OrderedIndex[Server], now: float, retention: float) -> None:
    """Forget deleted servers past ``retention`` seconds, and the oldest beyond the cap."""
    while True:
        oldest = deleted.first()
        if oldest is None:
            return
        if len(deleted) <= MAX_DELETED_KEPT and oldest[2] + retention > now:
            return
        deleted.remove(oldest[0])


def _changed(server: Server) -> None:
    """Record that ``server`` changed; called after the change, under the model lock."""
    server.version += 1


def _check_metadata_count(count: int, account: Account) -> None:
    allowed = account.quotas.get("maxServerMeta", MAX_METADATA_ITEMS)
    if 0 <= allowed < count:
        raise Forbidden(f"Maximum number of metadata items exceeds {allowed}")


def check_public_key(public_key: str) -> str:
    """The fingerprint of an OpenSSH public key, or Nova's ``InvalidInput`` for a bad one."""
    parts = public_key.split()
    try:
        blob = base64.b64decode(parts[1], validate=True)
        (length,) = struct.unpack(">I", blob[:4])
        if blob[4 : 4 + length].decode("ascii") != parts[0]:
            raise ValueError(public_key)
    except (IndexError, ValueError, binascii.Error, struct.error, UnicodeDecodeError):
        raise InvalidInput("Keypair data is invalid: failed to generate fingerprint") from None
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _generate_keypair(name: str) -> tuple[str, str]:
    """A well-formed ``ssh-ed25519`` public key and a placeholder private key.

    Nothing ever connects to a fake server, so the key material is random bytes in the
    right framing rather than a real curve point: cheap, and clients parse it fine.
    """
    kind = b"ssh-ed25519"
    blob = struct.pack(">I", len(kind)) + kind + struct.pack(">I", 32) + secrets.token_bytes(32)
    public = f"ssh-ed25519 {base64.b64encode(blob).decode()} {name}"
    body = base64.encodebytes(secrets.token_bytes(180)).decode().strip()
    private = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY-----\n"
    return public, private
