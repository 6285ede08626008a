r"""The state of a fake Nova: servers, keypairs and quotas per tenant per region.

Plain Python, no HTTP. Time comes only from the clock handed in; a server's status is
computed from its ``Timeline`` whenever it is read, so BUILD turns ACTIVE (and REBOOT turns
back to ACTIVE, a stop SHUTOFF) without any timer. One lock guards every read and write.
Servers are listed newest first, as Nova sorts them (``created_at`` then its own id,
descending).

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
from pytest_mimic.services.nova.data import Flavor
from pytest_mimic.services.nova.images import PlausibleImage, plausible_image
from pytest_mimic.services.nova.settings import (
    ACTION_DURATIONS,
    BUILD_SECONDS,
    DEFAULT_ACTION_SECONDS,
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
    from pytest_mimic.services.nova.images import ImageRecord, ImageSource

__all__ = [
    "ACTION_SECONDS",
    "DEFAULT_QUOTAS",
    "DELETED_RETENTION_SECONDS",
    "MAX_DELETED_KEPT",
    "MAX_METADATA_ITEMS",
    "NO_IMAGE",
    "Account",
    "BlockDevice",
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

#: Simulated seconds each timed transition takes by default (status shown meanwhile -> status
#: after); the ``nova_action_seconds`` setting changes them.
ACTION_SECONDS: Mapping[str, float] = DEFAULT_ACTION_SECONDS

#: Stages of a server's timeline that clients see as another status (Nova shows the
#: vm_state's status while a task runs): stage -> status shown.
SHOWN_AS: Mapping[str, str] = {"POWERING_OFF": "ACTIVE", "POWERING_ON": "SHUTOFF"}

#: Nova's power states (``OS-EXT-STS:power_state``).
RUNNING, SHUTDOWN = 1, 4

#: stage -> (OS-EXT-STS:vm_state, OS-EXT-STS:task_state, OS-EXT-STS:power_state)
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
    "POWERING_OFF": ("active", "powering-off", RUNNING),
    "SHUTOFF": ("stopped", None, SHUTDOWN),
    "POWERING_ON": ("stopped", "powering-on", SHUTDOWN),
}

#: The image of a server booted from a volume or volume snapshot: none (Nova's empty
#: ``image_ref``).
NO_IMAGE = PlausibleImage(id="", name="", min_ram=0, min_disk=0, size=0, properties={})

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


#: Nova's fault name per status, for errors another service raised.
_FAULTS: Mapping[int, str] = {
    400: "badRequest",
    403: "forbidden",
    404: "itemNotFound",
    409: "conflictingRequest",
    413: "overLimit",
}


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
class BlockDevice:
    """One block device mapping of a create request, already checked against Nova's schema.

    ``uuid`` names the image, volume or snapshot (``None`` for a blank device); a
    ``boot_index`` of ``None`` or below 0 means the device is not bootable.
    """

    source_type: str
    destination_type: str | None = None
    uuid: str | None = None
    boot_index: int | None = None
    volume_size: int | None = None
    delete_on_termination: bool = False


@dataclass(frozen=True)
class ServerSpec:
    """What a create request asks for, already type-checked by the HTTP layer.

    An empty ``image_ref`` boots from ``block_devices`` (the one with boot index 0).
    """

    name: str
    image_ref: str
    flavor_ref: str
    metadata: Mapping[str, str] = field(default_factory=dict)
    key_name: str | None = None
    disk_config: str = "AUTO"
    admin_pass: str | None = None
    count: int = 1
    block_devices: tuple[BlockDevice, ...] = ()


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
    """One server. ``status_at``/``updated_at`` read the clock-driven timeline.

    ``image`` is what it was built from (``NO_IMAGE`` when booted from a volume or a volume
    snapshot); ``volume_backed`` servers show no image, as Nova does.
    """

    id: str
    name: str
    tenant_id: str
    user_id: str
    region: str
    image: ImageRecord
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
    #: The tenant's creation count: Nova's own id, which orders servers created at the same
    #: moment (the live index is keyed by ``created``).
    order: float = 0.0
    #: The root disk is a volume (the create request had no image).
    volume_backed: bool = False
    #: Ids of the volumes attached (``os-extended-volumes:volumes_attached``).
    volumes: tuple[str, ...] = ()
    #: When it first ran (``None``: never, e.g. ERROR at build); Nova stops only those that ran.
    launched_at: float | None = None

    def status_at(self, now: float) -> str:
        """The status clients see at ``now``."""
        stage = self.timeline.status_at(now)
        return SHOWN_AS.get(stage, stage)

    def stage_at(self, now: float) -> str:
        """The stage at ``now``: the status, or a finer one behind it (``POWERING_OFF``
        shows as ``ACTIVE``). Actions are allowed or refused by stage.
        """
        return self.timeline.status_at(now)

    def updated_at(self, now: float) -> float:
        """When the server last changed (status or metadata), as of ``now``."""
        return max(self.edited, self.timeline.changed_at(now))

    def progress_at(self, now: float) -> int:
        """Build progress in percent (100 once built)."""
        return self.phase_at(now)[2]

    def phase_at(self, now: float) -> tuple[str, float, int]:
        """``(stage, when it began, progress)`` at ``now``, reading the timeline once."""
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
        return STATES.get(self.stage_at(now), ("active", None, RUNNING))

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
        #: Live servers keyed by creation time (equal times in creation order).
        self.servers: OrderedIndex[Server] = OrderedIndex()
        #: Servers ever created here (each server's ``order``).
        self.created = 0
        #: Deleted servers, oldest deletion first, keyed by when they changed last.
        self.deleted: OrderedIndex[Server] = OrderedIndex()
        self.keypairs: dict[str, Keypair] = {}
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
    """Every tenant's servers in every region, and the flavor catalogue; images come from
    ``images()``, the cloud's image source (``None``: no image service in this cloud)."""

    def __init__(
        self,
        now: Callable[[], float],
        config: Callable[[], CloudConfig],
        images: Callable[[], ImageSource | None] = lambda: None,
    ) -> None:
        self._now = now
        self._config = config
        self._images = images
        self._lock = threading.RLock()
        self._accounts: dict[tuple[str, str], Account] = {}
        self._quota_overrides: dict[tuple[str, str | None], dict[str, int]] = {}

    # -- accounts and quotas -------------------------------------------------------------

    def reset(self) -> object:
        """Forget every server, keypair and quota change (snapshots live in the image source).

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
        """A flavor by id; unknown ids are made up unless strict, a preset invalid id or the
        name of a listed flavor (which real Nova does not find by id either)."""
        known = data.FLAVORS.get(flavor_id)
        if known is not None and (not known.onmetal or known in data.flavors_in(region)):
            return known
        if (
            data.is_invalid_flavor_ref(flavor_id)
            or data.is_flavor_name(region, flavor_id)
            or self._config().value(STRICT_REFS)
        ):
            raise NotFound(f"Flavor {flavor_id} could not be found.")
        return data.plausible_flavor(flavor_id)

    def images(self, tenant_id: str, region: str) -> list[ImageRecord]:
        """Base images of the region, then the tenant's own (snapshots) in creation order."""
        source = self._images()
        return [] if source is None else list(source.images(tenant_id, region))

    def image(self, tenant_id: str, region: str, image_id: str) -> ImageRecord:
        """An image by id; unknown ids are made up unless strict or a preset invalid id."""
        source = self._images()
        found = None if source is None else source.find(tenant_id, region, image_id)
        if found is not None:
            return found
        if data.is_invalid_image_ref(image_id) or self._config().value(STRICT_REFS):
            raise NotFound("Image not found.")
        return plausible_image(image_id)

    def delete_image(self, tenant_id: str, region: str, image_id: str) -> None:
        """Delete one of the tenant's images; base images cannot be deleted (403)."""
        image = self.image(tenant_id, region, image_id)
        source = self._images()
        if source is None or image.owner != tenant_id:
            raise Forbidden("Not allowed to delete a base image.")
        try:
            source.delete(tenant_id, region, image_id)
        except ServiceError as error:  # Glance's refusal (a protected image), told as Nova
            fault = _FAULTS.get(error.status)
            raise ComputeError(error.status, error.message, fault=fault) from None

    # -- servers -------------------------------------------------------------------------

    def create_servers(
        self,
        tenant_id: str,
        region: str,
        spec: ServerSpec,
        behaviour: CreationBehaviour | None = None,
        *,
        user_id: str | None = None,
    ) -> list[Server]:
        """Create ``spec.count`` servers owned by ``user_id``, checking refs, block devices,
        keypair, metadata and quotas first.
        """
        behaviour = behaviour or CreationBehaviour()
        image: ImageRecord = NO_IMAGE
        if spec.image_ref:
            try:
                image = self.image(tenant_id, region, spec.image_ref)
            except NotFound:
                raise InvalidInput("Can not find requested image") from None
            if image.status_at(self._now()) != "active":
                raise InvalidInput(f"Image {image.id} is not active.")
        try:
            flavor = self.flavor(region, spec.flavor_ref)
        except NotFound:
            raise InvalidInput("Invalid flavorRef provided.") from None
        boot_image = self._check_block_devices(tenant_id, region, spec)
        if not spec.image_ref and boot_image is not None:
            image = boot_image
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
            owner = user_id or _anonymous_user(tenant_id)
            servers = []
            for index in range(spec.count):
                name = spec.name if spec.count == 1 else f"{spec.name}-{index + 1}"
                server = self._new_server(account, spec, name, image, flavor, now, build, behaviour)
                server.user_id = owner
                account.created += 1
                server.order = float(account.created)
                account.servers.insert(server.id, server, server.created)
                servers.append(server)
            account.charge(flavor, spec.count)
            return servers

    def _check_block_devices(
        self, tenant_id: str, region: str, spec: ServerSpec
    ) -> ImageRecord | None:
        """Nova's checks of a create's block devices; returns the image the boot device
        (boot index 0) is made from, if it is made from one.
        """
        devices = spec.block_devices
        if not devices:
            return None
        if spec.count > 1 and any(d.source_type == "volume" for d in devices):
            raise InvalidInput("Cannot attach one or more volumes to multiple instances")
        indexes = sorted(d.boot_index for d in devices if d.boot_index is not None)
        indexes = [i for i in indexes if i >= 0]
        if not indexes or indexes != list(range(len(indexes))):
            raise InvalidInput(
                "Block Device Mapping is Invalid: Boot sequence for the instance and "
                "image/block device mapping combination is not valid."
            )
        boot_image = None
        for device in devices:
            if device.source_type == "image" and device.uuid is not None:
                if device.uuid != spec.image_ref:
                    try:
                        found = self.image(tenant_id, region, device.uuid)
                    except NotFound:
                        raise InvalidInput(
                            f"Block Device Mapping is Invalid: failed to get image {device.uuid}."
                        ) from None
                    if device.boot_index == 0:
                        boot_image = found
                if device.destination_type == "volume" and not device.volume_size:
                    raise InvalidInput(
                        "Images with destination_type 'volume' need to have a non-zero size "
                        "specified"
                    )
            elif (
                device.source_type == "blank"
                and device.destination_type == "volume"
                and not device.volume_size
            ):
                raise InvalidInput(
                    "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size"
                )
        return boot_image

    def _new_server(
        self,
        account: Account,
        spec: ServerSpec,
        name: str,
        image: ImageRecord,
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
            user_id=_anonymous_user(account.tenant_id),
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
            volume_backed=not spec.image_ref,
            volumes=tuple(_volume_ids(spec.block_devices)),
            launched_at=None if behaviour.error else active_from,
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

    def find_server(self, tenant_id: str, region: str, server_id: str) -> Server | None:
        """The live (not DELETED) server, or ``None``; never raises."""
        with self._lock:
            account = self._accounts.get((tenant_id, region))
            return None if account is None else account.servers.get(server_id)

    def servers(self, tenant_id: str, region: str) -> list[Server]:
        """The tenant's live (not DELETED) servers in ``region``, oldest first."""
        with self._lock:
            account = self._accounts.get((tenant_id, region))
            return [] if account is None else list(account.servers)

    def every_server(self, limit: int | None = None) -> tuple[int, list[Server]]:
        """``(how many, the first limit)`` live servers of every tenant and region, in
        creation order per tenant (for people looking at the cloud).
        """
        with self._lock:
            accounts = list(self._accounts.values())
            total = sum(len(account.servers) for account in accounts)
            every = (server for account in accounts for server in account.servers)
            return total, list(itertools.islice(every, limit))

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

        Live servers come newest first (``created`` descending, then creation order
        descending, as Nova sorts by ``created_at`` and its own id); when deleted ones are
        asked for too (``changes_since``, or ``status`` DELETED) they follow, latest deletion
        first. A marker naming a server deleted since the last page resumes where it stood.
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
                if query.image is not None and (
                    server.volume_backed or server.image.id != query.image
                ):
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
            self._require(server, "update_metadata", {"ACTIVE", "SHUTOFF"})
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
            self._require(server, "delete_metadata", {"ACTIVE", "SHUTOFF"})
            del server.metadata[key]
            server.edited = self._now()
            _changed(server)

    # -- actions -------------------------------------------------------------------------

    def _require(self, server: Server, action: str, allowed: set[str]) -> str:
        """The server's stage, or Nova's 409 if it is not one of ``allowed``."""
        now = self._now()
        stage = server.stage_at(now)
        if stage not in allowed:
            vm_state, task_state, _power = server.states_at(now)
            where = f"task_state {task_state}" if task_state else f"vm_state {vm_state}"
            raise Conflict(f"Cannot '{action}' instance {server.id} while it is in {where}")
        return stage

    def _require_vm_state(self, server: Server, action: str, allowed: set[str]) -> None:
        """Nova's own state check, in its order: the vm_state must be one of ``allowed``,
        then no task may be running, then the server must have been launched once.
        """
        now = self._now()
        vm_state, task_state, _power = server.states_at(now)
        if vm_state not in allowed:
            where = f"vm_state {vm_state}"
        elif task_state is not None:
            where = f"task_state {task_state}"
        elif server.launched_at is None:
            where = "launched_at None"
        else:
            return
        raise Conflict(f"Cannot '{action}' instance {server.id} while it is in {where}")

    def stop(self, tenant_id: str, region: str, server_id: str) -> None:
        """ACTIVE or ERROR -> powering off (still ACTIVE) -> SHUTOFF."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require_vm_state(server, "stop", {"active", "error"})
            self._transition(server, "POWERING_OFF", "SHUTOFF", self._seconds("stop"))

    def start(self, tenant_id: str, region: str, server_id: str) -> None:
        """SHUTOFF -> powering on (still SHUTOFF) -> ACTIVE."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require_vm_state(server, "start", {"stopped"})
            self._transition(server, "POWERING_ON", "ACTIVE", self._seconds("start"))

    def _seconds(self, action: str) -> float:
        """How long the timed ``action`` takes: the ``nova_action_seconds`` setting, else the
        default."""
        durations: Mapping[str, float] = self._config().value(ACTION_DURATIONS)
        return durations.get(action, ACTION_SECONDS[action])

    def _transition(self, server: Server, during: str, after: str, seconds: float) -> None:
        now = self._now()
        server.timeline.set(now, during)
        server.timeline.set(now + seconds, after)
        if after == "ACTIVE" and server.launched_at is None:
            server.launched_at = now + seconds
        _changed(server)

    def reboot(self, tenant_id: str, region: str, server_id: str, *, hard: bool) -> None:
        """SOFT: ACTIVE only; HARD: also from ERROR or during a soft reboot."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            if hard:
                self._require(server, "reboot", {"ACTIVE", "ERROR", "REBOOT"})
                server.fault = None
                self._transition(server, "HARD_REBOOT", "ACTIVE", self._seconds("reboot_hard"))
            else:
                self._require(server, "reboot", {"ACTIVE"})
                self._transition(server, "REBOOT", "ACTIVE", self._seconds("reboot_soft"))

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
            self._transition(server, "RESIZE", "VERIFY_RESIZE", self._seconds("resize"))

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
            self._transition(server, "REVERT_RESIZE", "ACTIVE", self._seconds("revert_resize"))

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
        """REBUILD -> ACTIVE (SHUTOFF if it was) on a new image, with a new admin password.

        A volume-backed server can only be rebuilt with the image its root volume came from.
        """
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            stage = self._require(server, "rebuild", {"ACTIVE", "ERROR", "SHUTOFF"})
            try:
                image = self.image(tenant_id, region, image_ref)
            except NotFound:
                raise InvalidInput("Cannot find image for rebuild") from None
            if server.volume_backed:
                if image.id != server.image.id:
                    raise InvalidInput(
                        f"Image {image_ref} is unacceptable: Unable to rebuild with a "
                        "different image for a volume-backed server."
                    )
                image = server.image
            if metadata is not None:
                _check_metadata_count(len(metadata), self.account(tenant_id, region))
                server.metadata = dict(metadata)
            if name is not None:
                server.name = name
            server.image = image
            server.fault = None
            server.admin_pass = admin_pass or _password()
            server.edited = self._now()
            after = "SHUTOFF" if stage == "SHUTOFF" else "ACTIVE"
            self._transition(server, "REBUILD", after, self._seconds("rebuild"))
            return server

    def rescue(
        self, tenant_id: str, region: str, server_id: str, admin_pass: str | None = None
    ) -> str:
        """ACTIVE or SHUTOFF -> RESCUE; returns the rescue password."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            self._require(server, "rescue", {"ACTIVE", "SHUTOFF"})
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
    ) -> ImageRecord:
        """Snapshot the server into a new image of the tenant's (``queued``, then ``saving``,
        then ``active``, as the image source times it); a plausible one when this cloud has
        no image source to keep it."""
        with self._lock:
            server = self.server(tenant_id, region, server_id)
            # Nova snapshots a server in vm_state active, stopped, paused or suspended (this
            # fake has no paused or suspended servers), with no task running.
            self._require_vm_state(server, "createImage", {"active", "stopped"})
            account = self.account(tenant_id, region)
            if len(metadata or {}) > account.quotas.get("maxImageMeta", 40):
                raise Forbidden(
                    f"Maximum number of metadata items exceeds {account.quotas['maxImageMeta']}"
                )
            properties = {
                **(metadata or {}),
                "image_type": "snapshot",
                "base_image_ref": server.image.id,
                "os_type": server.image.properties.get("os_type", "linux"),
                "user_id": server.user_id,
            }
            source = self._images()
            if source is None:
                return plausible_image(str(uuid.uuid4()))
            return source.snapshot(
                tenant_id,
                region,
                name=name,
                server_id=server.id,
                properties=properties,
                min_ram=server.flavor.ram,
                min_disk=server.flavor.disk,
            )

    # -- keypairs ------------------------------------------------------------------------

    def keypairs(self, tenant_id: str, region: str) -> list[Keypair]:
        """The tenant's keypairs in the region, in creation order."""
        with self._lock:
            return list(self.account(tenant_id, region).keypairs.values())

    def keypair(
        self, tenant_id: str, region: str, name: str, *, user_id: str | None = None
    ) -> Keypair:
        """One keypair, or ``NotFound`` naming ``user_id`` (the caller) as Nova does."""
        with self._lock:
            found = self.account(tenant_id, region).keypairs.get(name)
        if found is None:
            user = user_id or _anonymous_user(tenant_id)
            raise NotFound(f"Keypair {name} not found for user {user}")
        return found

    def create_keypair(
        self,
        tenant_id: str,
        region: str,
        name: str,
        public_key: str | None,
        *,
        user_id: str | None = None,
    ) -> Keypair:
        """Import ``public_key`` or generate one (the answer then carries a private key);
        ``user_id`` owns it.
        """
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
            owner = user_id or _anonymous_user(tenant_id)
            keypair = Keypair(name, public_key, fingerprint, owner, self._now())
            account.keypairs[name] = keypair
        if private_key is None:
            return keypair
        return Keypair(**{**keypair.__dict__, "private_key": private_key})

    def delete_keypair(
        self, tenant_id: str, region: str, name: str, *, user_id: str | None = None
    ) -> None:
        """Forget a keypair, or ``NotFound``."""
        with self._lock:
            self.keypair(tenant_id, region, name, user_id=user_id)
            del self.account(tenant_id, region).keypairs[name]


def _walk(
    account: Account,
    marker: str | None,
    include_deleted: bool,
    wanted: str | None,
    since: float | None,
) -> Iterator[Server]:
    """The servers a list visits after ``marker``: live ones newest first, then (if asked)
    deleted ones, latest deletion first.
    """
    live: Iterator[Server]
    if marker is None or marker in account.servers:
        live = iter(()) if wanted == "DELETED" else account.servers.before(marker)
        marker = None
    else:
        gone = account.deleted.get(marker)
        if gone is None:
            raise MarkerNotFound(marker)
        live = iter(())
        if not include_deleted:
            # Resume where it stood: after the servers created at the same moment but later.
            place = (gone.created, gone.order)
            older = account.servers.before_key(gone.created, inclusive=True)
            return itertools.dropwhile(lambda s: (s.created, s.order) >= place, older)
    if not include_deleted:
        return live
    return itertools.chain(live, account.deleted.before(marker, min_key=since))


def _expire(deleted: OrderedIndex[Server], now: float, retention: float) -> None:
    """Forget deleted servers past ``retention`` seconds, and the oldest beyond the cap."""
    while True:
        oldest = deleted.first()
        if oldest is None:
            return
        if len(deleted) <= MAX_DELETED_KEPT and oldest[2] + retention > now:
            return
        deleted.remove(oldest[0])


def _anonymous_user(tenant_id: str) -> str:
    """The owner of what a request without a known token creates (no Identity to ask)."""
    return f"user-{tenant_id}"


def _volume_ids(devices: Sequence[BlockDevice]) -> Iterator[str]:
    """The volumes a server's block devices attach: an existing volume keeps its id; an
    image, snapshot or blank device copied to a volume makes a new one.
    """
    for device in devices:
        if device.source_type == "volume" and device.uuid is not None:
            yield device.uuid
        elif device.destination_type == "volume":
            yield str(uuid.uuid4())


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
