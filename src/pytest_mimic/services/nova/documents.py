"""Server, flavor and image documents, as dicts and as JSON bytes encoded once and reused.

Lists are what clients poll, and re-encoding a thousand server documents from dicts costs
more than the rest of the request. Most of a server's document changes only when the model
changes the server (name, metadata, addresses, links...); the rest (status, ``updated``,
``progress``, the ``OS-EXT-STS`` states and ``fault``) follows the clock. ``ServerDocuments``
encodes the first part once per server version and URL root, with holes for the second,
and fills the holes when the document is read, so statuses still come from the clock.

The bytes are exactly what ``json.dumps`` gives for the dict form (``server_detail``...),
key order included; the tests hold the two side by side.
"""

from __future__ import annotations

import json
import threading
import uuid
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Final

from pytest_mimic.clock import isoformat_z
from pytest_mimic.services.base import encoded_list
from pytest_mimic.services.nova import data

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from pytest_mimic.services.nova.data import Flavor
    from pytest_mimic.services.nova.images import ImageRecord
    from pytest_mimic.services.nova.model import Server

__all__ = [
    "CLOCK_FIELDS",
    "CatalogDocuments",
    "ObjectTemplate",
    "ServerDocuments",
    "brief",
    "encoded_list",
    "flavor_detail",
    "image_detail",
    "links",
    "server_brief",
    "server_detail",
]

#: The server fields the clock drives, in the order the document carries them.
CLOCK_FIELDS: Final = (
    "status",
    "updated",
    "progress",
    "OS-EXT-STS:vm_state",
    "OS-EXT-STS:task_state",
    "OS-EXT-STS:power_state",
)


class _Hole:
    """The placeholder for a value an ``ObjectTemplate`` leaves open."""

    def __repr__(self) -> str:
        return "HOLE"


HOLE: Final = _Hole()
_MARKER: Final = f"\x00{uuid.uuid4().hex}\x00"
_MARKER_JSON: Final = json.dumps(_MARKER)


class ObjectTemplate:
    """A JSON object encoded once, with holes (``HOLE`` values) filled at each rendering.

    ``render`` gives byte for byte what ``json.dumps`` gives for the same dict with the holes
    filled (default separators, same key order), plus optional trailing members.
    """

    __slots__ = ("_segments", "_tail")

    def __init__(self, fields: Mapping[str, Any]) -> None:
        if not fields:
            raise ValueError("a template needs at least one member")
        # One json.dumps of the whole object, the holes as a marker no client value holds
        # (a random token between NULs), split on the marker: a first listing of a thousand
        # new servers encodes each once instead of member by member.
        expected = sum(value is HOLE for value in fields.values())
        text = json.dumps({k: _MARKER if v is HOLE else v for k, v in fields.items()})
        pieces = text.split(_MARKER_JSON)
        if len(pieces) != expected + 1:  # the marker in a value: encode member by member
            pieces = self._member_by_member(fields)
        else:
            pieces[-1] = pieces[-1][:-1]  # render closes the object itself
        self._segments = tuple(piece.encode() for piece in pieces[:-1])
        self._tail = pieces[-1].encode()

    @staticmethod
    def _member_by_member(fields: Mapping[str, Any]) -> list[str]:
        pieces: list[str] = []
        current = "{"
        for index, (key, value) in enumerate(fields.items()):
            current += ("" if index == 0 else ", ") + json.dumps(key) + ": "
            if value is HOLE:
                pieces.append(current)
                current = ""
            else:
                current += json.dumps(value)
        pieces.append(current)
        return pieces

    @property
    def holes(self) -> int:
        """How many values ``render`` expects."""
        return len(self._segments)

    def render(self, values: Sequence[Any], trailing: Mapping[str, Any] | None = None) -> bytes:
        """The object with ``values`` in the holes (in order) and ``trailing`` members last."""
        if len(values) != len(self._segments):
            raise ValueError(f"expected {len(self._segments)} values, got {len(values)}")
        parts: list[bytes] = []
        for segment, value in zip(self._segments, values, strict=True):
            parts.append(segment)
            parts.append(_value(value))
        parts.append(self._tail)
        for key, value in (trailing or {}).items():
            parts.append(f", {json.dumps(key)}: {json.dumps(value)}".encode())
        parts.append(b"}")
        return b"".join(parts)


def _value(value: Any) -> bytes:
    """``json.dumps(value).encode()``, with the C string encoder called directly for the
    strings, numbers and nulls that fill most holes (a thousand servers, six holes each).
    """
    if isinstance(value, str):
        return _encode_string(value).encode()
    if value is None:
        return b"null"
    if type(value) is int:
        return str(value).encode()
    return json.dumps(value).encode()


_encode_string: Final = json.encoder.encode_basestring_ascii


# -- the dict forms (the reference every cached encoding must equal) -------------------


def links(root: str, tenant: str, path: str) -> list[dict[str, str]]:
    """Nova's ``self`` and ``bookmark`` links; ``root`` is ``{base}/compute/{region}``."""
    return [
        {"href": f"{root}/v2/{tenant}/{path}", "rel": "self"},
        {"href": f"{root}/{tenant}/{path}", "rel": "bookmark"},
    ]


def _stamp(moment: float) -> str:
    return isoformat_z(moment, digits=0)


def _clock_values(server: Server, now: float) -> tuple[Any, ...]:
    """The values of ``CLOCK_FIELDS`` at ``now``."""
    vm_state, task_state, power_state = server.states_at(now)
    return (
        server.status_at(now),
        _stamp(server.updated_at(now)),
        server.progress_at(now),
        vm_state,
        task_state,
        power_state,
    )


def _detail_fields(root: str, server: Server, clock: Sequence[Any]) -> dict[str, Any]:
    """The detail document with ``clock`` as the values of ``CLOCK_FIELDS``."""
    status, updated, progress, vm_state, task_state, power_state = clock
    tenant = server.tenant_id
    return {
        "id": server.id,
        "name": server.name,
        "status": status,
        "tenant_id": tenant,
        "user_id": server.user_id,
        "metadata": dict(server.metadata),
        "hostId": server.host_id,
        "image": _image_reference(root, server),
        "flavor": {
            "id": server.flavor.id,
            "links": [{"href": f"{root}/{tenant}/flavors/{server.flavor.id}", "rel": "bookmark"}],
        },
        "created": _stamp(server.created),
        "updated": updated,
        "addresses": {label: list(ips) for label, ips in server.addresses.items()},
        "accessIPv4": server.access_ipv4,
        "accessIPv6": server.access_ipv6,
        "links": links(root, tenant, f"servers/{server.id}"),
        "key_name": server.key_name,
        "progress": progress,
        "config_drive": "",
        "OS-DCF:diskConfig": server.disk_config,
        "OS-EXT-AZ:availability_zone": "nova",
        "OS-EXT-STS:vm_state": vm_state,
        "OS-EXT-STS:task_state": task_state,
        "OS-EXT-STS:power_state": power_state,
        "os-extended-volumes:volumes_attached": [{"id": volume} for volume in server.volumes],
        "security_groups": [{"name": "default"}],
    }


def _image_reference(root: str, server: Server) -> dict[str, Any] | str:
    """The server's image as Nova shows it: ``""`` for a volume-backed server."""
    if server.volume_backed:
        return ""
    image_id = server.image.id
    tenant = server.tenant_id
    return {
        "id": image_id,
        "links": [{"href": f"{root}/{tenant}/images/{image_id}", "rel": "bookmark"}],
    }


def server_detail(root: str, server: Server, now: float) -> dict[str, Any]:
    """The full server document at ``now`` (``fault`` only while in ERROR)."""
    detail = _detail_fields(root, server, _clock_values(server, now))
    fault = server.fault_at(now)
    if fault is not None:
        detail["fault"] = fault
    return detail


def server_brief(root: str, server: Server) -> dict[str, Any]:
    """The brief list entry: id, name and links."""
    return {
        "id": server.id,
        "name": server.name,
        "links": links(root, server.tenant_id, f"servers/{server.id}"),
    }


def flavor_detail(root: str, tenant: str, flavor: Flavor) -> dict[str, Any]:
    """A flavor with its sizes, Rackspace's extra specs and links."""
    return {
        "id": flavor.id,
        "name": flavor.name,
        "ram": flavor.ram,
        "vcpus": flavor.vcpus,
        "disk": flavor.disk,
        "swap": flavor.swap or "",
        "OS-FLV-EXT-DATA:ephemeral": flavor.ephemeral,
        "rxtx_factor": flavor.rxtx_factor,
        "os-flavor-access:is_public": True,
        "OS-FLV-DISABLED:disabled": False,
        "OS-FLV-WITH-EXT-SPECS:extra_specs": {
            "class": flavor.flavor_class,
            "policy_class": "onmetal_flavor" if flavor.onmetal else "standard_flavor",
        },
        "links": links(root, tenant, f"flavors/{flavor.id}"),
    }


#: Glance status -> (Nova's image status, progress), as Nova's image view maps them.
_IMAGE_STATES: Mapping[str, tuple[str, int]] = {
    "active": ("ACTIVE", 100),
    "queued": ("SAVING", 25),
    "saving": ("SAVING", 50),
    "deleted": ("DELETED", 0),
    "pending_delete": ("DELETED", 0),
    "killed": ("ERROR", 0),
}


def image_detail(root: str, tenant: str, image: ImageRecord, now: float) -> dict[str, Any]:
    """An image as Nova's proxy shows it at ``now`` (Glance's status mapped to Nova's, its
    properties as metadata) with links and, for a snapshot, the server it came from."""
    image_links = links(root, tenant, f"images/{image.id}")
    image_links.append(
        {
            "href": f"{root}/{tenant}/images/{image.id}",
            "type": "application/vnd.openstack.image",
            "rel": "alternate",
        }
    )
    glance_status = image.status_at(now)
    status, progress = _IMAGE_STATES.get(glance_status, ("UNKNOWN", 0))
    body: dict[str, Any] = {
        "id": image.id,
        "name": image.name,
        "status": status,
        "created": _stamp(image.created),
        "updated": _stamp(image.updated_at(now)),
        "minDisk": image.min_disk,
        "minRam": image.min_ram,
        "progress": progress,
        "metadata": dict(image.properties),
        "OS-EXT-IMG-SIZE:size": image.size if glance_status == "active" else None,
        "links": image_links,
    }
    server_id = image.properties.get("instance_uuid")
    if server_id is not None:
        body["server"] = {"id": server_id, "links": links(root, tenant, f"servers/{server_id}")}
    return body


def brief(root: str, tenant: str, collection: str, item: Flavor | ImageRecord) -> dict[str, Any]:
    """The brief list entry of a flavor or an image: id, name and links."""
    return {
        "id": item.id,
        "name": item.name,
        "links": links(root, tenant, f"{collection}/{item.id}"),
    }


# -- the encoded forms ---------------------------------------------------------------------


_CLOCK_HOLES: Final = (HOLE,) * len(CLOCK_FIELDS)


class _Encoded:
    """What is cached for one server at one version and URL root."""

    __slots__ = ("brief", "clock", "detail", "root", "template", "version")

    def __init__(self, version: int, root: str) -> None:
        self.version = version
        self.root = root
        self.template: ObjectTemplate | None = None
        self.clock: tuple[Any, ...] | None = None
        self.detail = b""
        self.brief: bytes | None = None


class ServerDocuments:
    """Encoded server documents, cached per server version and URL root.

    An entry lives as long as its ``Server`` object (weakly keyed): it goes when the model
    forgets the server (a reset, a deleted server's expiry), and ``forget``/``clear`` drop
    entries at once. One URL root per server is kept; another root re-encodes.
    """

    def __init__(self) -> None:
        self._entries: weakref.WeakKeyDictionary[Server, _Encoded] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def _entry(self, server: Server, root: str) -> _Encoded:
        entry = self._entries.get(server)
        if entry is None or entry.version != server.version or entry.root != root:
            # The version is read before any field: a change racing with the encoding
            # bumps it afterwards, so the next read encodes again rather than trust this.
            entry = _Encoded(server.version, root)
            with self._lock:
                self._entries[server] = entry
        return entry

    def detail(self, server: Server, root: str, now: float) -> bytes:
        """``json.dumps(server_detail(root, server, now)).encode()``, mostly from cache."""
        entry = self._entry(server, root)
        # Everything the clock-driven fields derive from (besides the server's version).
        clock = server.phase_at(now)
        if entry.clock != clock:
            template = entry.template
            if template is None:
                template = entry.template = ObjectTemplate(
                    _detail_fields(root, server, _CLOCK_HOLES)
                )
            fault = server.fault_at(now)
            entry.detail = template.render(
                _clock_values(server, now), None if fault is None else {"fault": fault}
            )
            entry.clock = clock
        return entry.detail

    def brief(self, server: Server, root: str) -> bytes:
        """``json.dumps(server_brief(root, server)).encode()``, mostly from cache."""
        entry = self._entry(server, root)
        if entry.brief is None:
            entry.brief = json.dumps(server_brief(root, server)).encode()
        return entry.brief

    def forget(self, server: Server) -> None:
        """Drop what is cached for ``server`` (it was deleted)."""
        with self._lock:
            self._entries.pop(server, None)

    def clear(self) -> None:
        """Drop everything (a reset)."""
        with self._lock:
            self._entries.clear()


class CatalogDocuments:
    """Encoded flavor and base-image documents, per URL root and tenant.

    The catalogue never changes, so each document is encoded once per root and tenant;
    the most recently used ``roots`` pairs are kept. Snapshots, which come and go with the
    tenant, are encoded afresh each time.
    """

    def __init__(self, roots: int = 64) -> None:
        self._roots = roots
        self._cache: OrderedDict[tuple[str, str, str], dict[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def flavor(self, root: str, tenant: str, flavor: Flavor, *, detail: bool) -> bytes:
        """The encoded flavor, brief or detailed."""
        if data.FLAVORS.get(flavor.id) is not flavor:
            return _encode(_flavor_document(root, tenant, flavor, detail))
        kind = "flavor-detail" if detail else "flavor"
        return self._get(
            root, tenant, kind, flavor.id, lambda: _flavor_document(root, tenant, flavor, detail)
        )

    def image(
        self, root: str, tenant: str, image: ImageRecord, now: float, *, detail: bool
    ) -> bytes:
        """The encoded image, brief or detailed; only the provider's base images (no owner),
        which never change, are cached."""
        if image.owner is not None:
            return _encode(_image_document(root, tenant, image, now, detail))
        kind = "image-detail" if detail else "image"
        return self._get(
            root, tenant, kind, image.id, lambda: _image_document(root, tenant, image, now, detail)
        )

    def _get(
        self, root: str, tenant: str, kind: str, item_id: str, build: Callable[[], Any]
    ) -> bytes:
        key = (root, tenant, kind)
        with self._lock:
            documents = self._cache.get(key)
            if documents is None:
                documents = self._cache[key] = {}
                while len(self._cache) > self._roots:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(key)
            encoded = documents.get(item_id)
        if encoded is None:
            encoded = documents[item_id] = _encode(build())
        return encoded

    def clear(self) -> None:
        """Drop everything (a reset)."""
        with self._lock:
            self._cache.clear()


def _flavor_document(root: str, tenant: str, flavor: Flavor, detail: bool) -> dict[str, Any]:
    return flavor_detail(root, tenant, flavor) if detail else brief(root, tenant, "flavors", flavor)


def _image_document(
    root: str, tenant: str, image: ImageRecord, now: float, detail: bool
) -> dict[str, Any]:
    if detail:
        return image_detail(root, tenant, image, now)
    return brief(root, tenant, "images", image)


def _encode(document: Any) -> bytes:
    return json.dumps(document).encode()
