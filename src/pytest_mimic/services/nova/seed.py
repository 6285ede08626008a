"""Nova's section of a state document: servers and keypairs (images are the Image
service's section).

```toml
[[nova.servers]]
name = "web-1"
flavor = "2"                 # any id, as a create takes it
image = "any-image"
status = "ACTIVE"            # ACTIVE (default), BUILD, ERROR or RESCUE
metadata = { role = "web" }
# id, tenant, region, key_name and fault are optional
```

``tenant`` and ``region`` default to the default user's tenant and the default region when
the document is loaded. A server without ``id`` gets one derived from its place in the
list, so the same document gives the same ids every time. ACTIVE, ERROR and RESCUE hold
until an action changes them; BUILD lasts ``server_build_seconds``, as for a new server.
An export writes a server in the middle of an action (REBOOT, a resize...) with the status
the action ends in; base images and flavors are not state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_mimic.errors import ServiceError
from pytest_mimic.seeding import Fields, SeedError, derived_id
from pytest_mimic.services.nova import data
from pytest_mimic.services.nova.model import ServerSpec, check_public_key

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_mimic.services.nova.model import Compute, Server

__all__ = ["SEED_FIELDS", "NovaSeed", "check", "export", "load"]

SEED_FIELDS: Mapping[str, str] = {
    "servers": "servers: name, flavor, image, status, metadata, key_name, fault, id, tenant, "
    "region",
    "keypairs": "keypairs: name, public_key, tenant, region",
}
#: The statuses a document may give a server: those that hold, and BUILD.
STATUSES = ("ACTIVE", "BUILD", "ERROR", "RESCUE")
#: What an export writes for a server in the middle of an action: where the action ends.
_SETTLED = {
    "REBOOT": "ACTIVE",
    "HARD_REBOOT": "ACTIVE",
    "REBUILD": "ACTIVE",
    "RESIZE": "ACTIVE",
    "VERIFY_RESIZE": "ACTIVE",
    "REVERT_RESIZE": "ACTIVE",
}
_SERVER_FIELDS = (
    "name",
    "flavor",
    "image",
    "status",
    "metadata",
    "key_name",
    "fault",
    "id",
    "tenant",
    "region",
)
_KEYPAIR_FIELDS = ("name", "public_key", "tenant", "region")
_MAX_FIELD = 255
_MAX_MIB = 10**9


@dataclass(frozen=True)
class SeededServer:
    where: str
    spec: ServerSpec
    server_id: str
    status: str
    fault: str | None
    tenant: str | None
    region: str | None


@dataclass(frozen=True)
class SeededKeypair:
    where: str
    name: str
    public_key: str
    tenant: str | None
    region: str | None


@dataclass(frozen=True)
class NovaSeed:
    """The servers and keypairs of a document, checked."""

    servers: tuple[SeededServer, ...]
    keypairs: tuple[SeededKeypair, ...]


def _name(fields: Fields, name: str = "name") -> str:
    value = fields.required_text(name)
    if len(value) > _MAX_FIELD or value != value.strip():
        raise fields.error(
            name, f"must be 1 to {_MAX_FIELD} characters without spaces around, not {value!r}"
        )
    return value


def _metadata(fields: Fields) -> dict[str, str]:
    metadata = fields.text_map("metadata")
    for key, value in metadata.items():
        if not 1 <= len(key) <= _MAX_FIELD or len(value) > _MAX_FIELD:
            raise fields.error("metadata", f"keys and values are at most {_MAX_FIELD} characters")
    return metadata


def check(section: Mapping[str, Any]) -> NovaSeed:
    """Read ``nova``: every field checked, duplicate ids and names refused."""
    fields = Fields(section, "nova", SEED_FIELDS)
    keypairs: list[SeededKeypair] = []
    for where, raw in fields.tables("keypairs"):
        keypair = Fields(raw, where, _KEYPAIR_FIELDS)
        public_key = keypair.required_text("public_key")
        try:
            check_public_key(public_key)
        except ServiceError:
            raise keypair.error("public_key", "is not an OpenSSH public key") from None
        item = SeededKeypair(
            where,
            _name(keypair),
            public_key,
            keypair.text("tenant", numbers=True),
            keypair.text("region"),
        )
        if any(
            (k.name, k.tenant, k.region) == (item.name, item.tenant, item.region) for k in keypairs
        ):
            raise keypair.error("name", f"keypair {item.name!r} is listed twice")
        keypairs.append(item)
    servers: list[SeededServer] = []
    for index, (where, raw) in enumerate(fields.tables("servers")):
        server = Fields(raw, where, _SERVER_FIELDS)
        name = _name(server)
        flavor = server.required_text("flavor", numbers=True)
        image_ref = server.required_text("image", numbers=True)
        if data.is_invalid_flavor_ref(flavor):
            raise server.error("flavor", f"{flavor!r} is one of the flavor ids Nova refuses")
        if data.is_invalid_image_ref(image_ref):
            raise server.error("image", f"{image_ref!r} is one of the image ids Nova refuses")
        server_id = server.text("id") or str(derived_id("nova", "server", index, name))
        if any(s.server_id == server_id for s in servers):
            raise server.error("id", f"{server_id!r} is listed twice")
        spec = ServerSpec(
            name=name,
            image_ref=image_ref,
            flavor_ref=flavor,
            metadata=_metadata(server),
            key_name=server.text("key_name"),
        )
        servers.append(
            SeededServer(
                where,
                spec,
                server_id,
                server.choice("status", STATUSES, "ACTIVE"),
                server.text("fault"),
                server.text("tenant", numbers=True),
                server.text("region"),
            )
        )
    return NovaSeed(tuple(servers), tuple(keypairs))


def load(compute: Compute, seed: NovaSeed, tenant: str, region: str) -> None:
    """Add keypairs, then servers (the Image service's section loads first, so a server may
    boot from a seeded image);
    ``tenant`` and ``region`` are the defaults for items that name none.
    """
    for keypair in seed.keypairs:
        where = (keypair.tenant or tenant, keypair.region or region)
        try:
            compute.create_keypair(*where, keypair.name, keypair.public_key)
        except ServiceError as error:
            raise SeedError(f"{keypair.where}: {error.message}") from None
    for server in seed.servers:
        try:
            compute.restore_server(
                server.tenant or tenant,
                server.region or region,
                server.spec,
                server_id=server.server_id,
                status=server.status,
                fault=server.fault,
            )
        except ServiceError as error:
            raise SeedError(f"{server.where}: {error.message}") from None


def export(compute: Compute) -> dict[str, Any]:
    """Every tenant's servers and keypairs, by tenant and region."""
    now = compute.now()
    servers: list[dict[str, Any]] = []
    keypairs: list[dict[str, Any]] = []
    for account in compute.accounts():
        place = {"tenant": account.tenant_id, "region": account.region}
        for keypair in account.keypairs.values():
            keypairs.append({"name": keypair.name, "public_key": keypair.public_key, **place})
        servers += [_server_row(server, now, place) for server in account.servers]
    return {"servers": servers, "keypairs": keypairs}


def _server_row(server: Server, now: float, place: Mapping[str, str]) -> dict[str, Any]:
    status = server.status_at(now)
    row: dict[str, Any] = {
        "name": server.name,
        "id": server.id,
        "flavor": server.flavor.id,
        "image": server.image.id,
        "status": _SETTLED.get(status, status),
    }
    if server.metadata:
        row["metadata"] = dict(server.metadata)
    if server.key_name is not None:
        row["key_name"] = server.key_name
    if server.fault is not None and status == "ERROR":
        row["fault"] = server.fault
    return {**row, **place}
