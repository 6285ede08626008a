r"""The state of a fake Glance: every region's images, the public base images and each
tenant's own (uploaded, or snapshots of Nova servers).

Plain Python, no HTTP. An image's status comes from its ``Timeline`` when it is read, so a
snapshot turns from ``queued`` to ``saving`` to ``active`` as the clock moves, with no
timer. Nova reads the same catalog (its image list, its ``imageRef`` checks and its
``createImage``), so both APIs show one set of images.

Errors are ``ImageError`` subclasses: ``ServiceError``\s carrying Glance's message and
status, so the HTTP layer calls the model directly and renders whatever it raises.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

from pytest_mimic.errors import ServiceError
from pytest_mimic.services.image.settings import SNAPSHOT_SECONDS
from pytest_mimic.services.lifecycle import Timeline

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from pytest_mimic.config import CloudConfig

__all__ = [
    "BASE_PROPERTIES",
    "MAX_TAGS",
    "SNAPSHOT_SIZE",
    "SORT_KEYS",
    "VISIBILITIES",
    "Change",
    "Image",
    "ImageCatalog",
    "ImageConflict",
    "ImageError",
    "ImageForbidden",
    "ImageNotFound",
    "ImageQuery",
    "ImageTooLarge",
    "Page",
]

#: The visibilities an image may have (Image API 2.5 and later).
VISIBILITIES = ("community", "public", "private", "shared")
#: Attributes a list may be sorted by, in Glance's order (its error message lists them so).
SORT_KEYS: tuple[str, ...] = ("name", "status", "container_format", "disk_format", "size")
SORT_KEYS = (*SORT_KEYS, "id", "created_at", "updated_at")
#: The image attributes Glance manages itself; anything else is an extra property (a string).
BASE_PROPERTIES = frozenset(
    {
        "checksum",
        "created_at",
        "container_format",
        "disk_format",
        "id",
        "min_disk",
        "min_ram",
        "name",
        "size",
        "virtual_size",
        "status",
        "tags",
        "owner",
        "updated_at",
        "visibility",
        "protected",
        "os_hidden",
        "os_hash_algo",
        "os_hash_value",
    }
)
#: Tags one image may carry (Glance's ``image_tag_quota``).
MAX_TAGS = 128
#: What a finished server snapshot weighs (bytes); no test depends on the figure.
SNAPSHOT_SIZE = 1_073_741_824
#: The share of a snapshot's time it spends ``queued`` before ``saving`` (Nova snapshots the
#: disk first, then uploads it).
_QUEUED_SHARE = 0.2


class ImageError(ServiceError):
    """A request Glance refuses; raised with the message only (HTTP 400 by default)."""

    default_status: ClassVar[int] = 400


class ImageNotFound(ImageError):
    """No such image, or not one the tenant may see (HTTP 404)."""

    default_status: ClassVar[int] = 404


class ImageForbidden(ImageError):
    """The tenant may not do this to the image (HTTP 403)."""

    default_status: ClassVar[int] = 403


class ImageConflict(ImageError):
    """The image's state forbids it now (HTTP 409)."""

    default_status: ClassVar[int] = 409


class ImageTooLarge(ImageError):
    """A quota would be exceeded (HTTP 413)."""

    default_status: ClassVar[int] = 413


@dataclass(eq=False)
class Image:
    """One image. ``owner`` is ``None`` for the provider's public base images, which never
    change; ``status_at``/``updated_at`` read the clock-driven timeline.

    ``size``, ``checksum`` and ``hash_value`` describe the data once the image is active;
    ``data`` holds uploaded bytes (snapshots and base images have none to hand out).
    """

    id: str
    name: str | None
    owner: str | None
    visibility: str
    created: float
    edited: float
    timeline: Timeline
    container_format: str | None = None
    disk_format: str | None = None
    min_ram: int = 0
    min_disk: int = 0
    protected: bool = False
    hidden: bool = False
    tags: list[str] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    size: int | None = None
    checksum: str | None = None
    hash_value: str | None = None
    data: bytes | None = None
    #: Only in the region where the provider's special hardware lives (OnMetal).
    onmetal: bool = False
    #: Bumped after every change, so a rendering can be cached per version.
    version: int = 0

    def status_at(self, now: float) -> str:
        """The Glance status in force at ``now``."""
        return self.timeline.status_at(now)

    def updated_at(self, now: float) -> float:
        """When the image last changed (status, attributes or tags), as of ``now``."""
        return max(self.edited, self.timeline.changed_at(now))

    def stored_at(self, now: float) -> bool:
        """Whether its data is in place (``size`` and checksums are shown only then)."""
        return self.timeline.status_at(now) == "active"


@dataclass(frozen=True)
class Change:
    """One JSON-patch operation, already checked by the HTTP layer: ``op`` is ``add``,
    ``replace`` or ``remove``; ``path`` names one attribute or property."""

    op: str
    path: str
    value: Any = None


@dataclass(frozen=True)
class ImageQuery:
    """What an image list asks for. ``filters`` maps an attribute or property to the values
    it may have (several for the ``in:`` operator); ``ranges`` holds comparisons
    (``("size", "gte", 10)``, ``("created_at", "lt", 1.7e9)``)."""

    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ranges: tuple[tuple[str, str, float], ...] = ()
    tags: tuple[str, ...] = ()
    visibility: str | None = None
    hidden: bool = False
    protected: bool | None = None
    sort: tuple[tuple[str, str], ...] = (("created_at", "desc"),)
    marker: str | None = None
    limit: int = 25


@dataclass(frozen=True)
class Page:
    """One page of a list; ``next_marker`` is set when the page is full (Glance then offers
    a ``next`` link, even when nothing follows)."""

    items: list[Image]
    next_marker: str | None


_COMPARE: Mapping[str, Callable[[float, float], bool]] = {
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


class ImageCatalog:
    """Every region's images: the base images (``base(region)``) and the tenants' own.

    One lock guards every read and write. ``config`` is read at call time, so a test's
    ``configure(image_snapshot_seconds=...)`` takes effect at once.
    """

    def __init__(
        self,
        now: Callable[[], float],
        config: Callable[[], CloudConfig],
        base: Callable[[str], Sequence[Image]],
    ) -> None:
        self._now = now
        self._config = config
        self._base = base
        self._lock = threading.RLock()
        #: region -> image id -> image (tenants' own images, in creation order).
        self._regions: dict[str, dict[str, Image]] = {}

    def now(self) -> float:
        """Simulated now, as the model sees it."""
        return self._now()

    def reset(self) -> object:
        """Forget every tenant's image; returns the old state for freeing off the hot path."""
        with self._lock:
            old, self._regions = self._regions, {}
        return old

    # -- reading ---------------------------------------------------------------------------

    def _own(self, region: str) -> dict[str, Image]:
        found = self._regions.get(region)
        if found is None:
            found = self._regions[region] = {}
        return found

    def _base_image(self, region: str, image_id: str) -> Image | None:
        for image in self._base(region):
            if image.id == image_id:
                return image
        return None

    def find(self, tenant: str, region: str, image_id: str) -> Image | None:
        """The image ``image_id`` if ``tenant`` may see it in ``region``, else ``None``."""
        with self._lock:
            image = self._own(region).get(image_id)
            if image is not None:
                return image if _readable(image, tenant) else None
        return self._base_image(region, image_id)

    def get(self, tenant: str, region: str, image_id: str) -> Image:
        """The image, or ``ImageNotFound`` with Glance's message."""
        image = self.find(tenant, region, image_id)
        if image is None:
            raise ImageNotFound(f"No image found with ID {image_id}")
        return image

    def images(self, tenant: str, region: str) -> list[Image]:
        """What Nova lists: the region's base images, then the tenant's own in creation order
        (any status: Nova shows a snapshot in progress as ``SAVING``)."""
        with self._lock:
            own = [image for image in self._own(region).values() if image.owner == tenant]
        return [*self._base(region), *own]

    def list(self, tenant: str, region: str, query: ImageQuery) -> Page:
        """A page of what ``tenant`` may list, filtered and sorted as ``query`` says.

        An unknown ``marker`` is ``ImageError`` (400), as Glance answers.
        """
        now = self._now()
        marker: Image | None = None
        with self._lock:
            candidates = [*self._base(region), *self._own(region).values()]
            listed = [i for i in candidates if _listed(i, tenant, query) and _keep(i, query, now)]
            if query.marker is not None:
                marker = self.find(tenant, region, query.marker)
                if marker is None:
                    raise ImageError(f"No image found with ID {query.marker}")
        keys = [*query.sort]
        for tiebreak in ("created_at", "id"):
            if tiebreak not in (key for key, _direction in keys):
                keys.append((tiebreak, keys[0][1]))
        for key, direction in reversed(keys):
            listed.sort(key=_sorter(key, now), reverse=direction == "desc")
        if marker is not None:
            position = next((n for n, i in enumerate(listed) if i is marker), None)
            if position is None:  # filtered out: resume where it would stand
                listed = [i for i in listed if _after(i, marker, keys, now)]
            else:
                listed = listed[position + 1 :]
        items = listed[: query.limit]
        full = bool(items) and len(items) == query.limit
        return Page(items, items[-1].id if full else None)

    # -- writing ---------------------------------------------------------------------------

    def create(
        self,
        tenant: str,
        region: str,
        *,
        image_id: str | None = None,
        name: str | None = None,
        visibility: str = "shared",
        container_format: str | None = None,
        disk_format: str | None = None,
        min_ram: int = 0,
        min_disk: int = 0,
        protected: bool = False,
        hidden: bool = False,
        tags: Iterable[str] = (),
        properties: Mapping[str, str] | None = None,
    ) -> Image:
        """A new ``queued`` image owned by ``tenant`` (Glance's ``POST /v2/images``)."""
        if visibility == "public":
            raise ImageForbidden("You are not authorized to complete publicize_image action.")
        _check_minimum("min_ram", min_ram)
        _check_minimum("min_disk", min_disk)
        tag_list = _unique(tags)
        if len(tag_list) > MAX_TAGS:
            raise ImageTooLarge(
                "The limit has been exceeded on the number of allowed image tags. "
                f"Attempted: {len(tag_list)}, Maximum: {MAX_TAGS}"
            )
        with self._lock:
            new_id = image_id or str(uuid.uuid4())
            own = self._own(region)
            if new_id in own or self._base_image(region, new_id) is not None:
                raise ImageConflict(f"Image ID {new_id} already exists!")
            now = self._now()
            image = Image(
                id=new_id,
                name=name,
                owner=tenant,
                visibility=visibility,
                created=now,
                edited=now,
                timeline=Timeline.starting(now, "queued"),
                container_format=container_format,
                disk_format=disk_format,
                min_ram=min_ram,
                min_disk=min_disk,
                protected=protected,
                hidden=hidden,
                tags=tag_list,
                properties=dict(properties or {}),
            )
            own[new_id] = image
            return image

    def restore(
        self,
        tenant: str,
        region: str,
        *,
        image_id: str,
        name: str,
        status: str,
        visibility: str,
        properties: Mapping[str, str],
        min_ram: int,
        min_disk: int,
        tags: Iterable[str],
    ) -> Image:
        """An image as a state document describes it: ``queued``, or ``active`` at once
        (seeded images hold no data to hand out)."""
        with self._lock:
            image = self.create(
                tenant,
                region,
                image_id=image_id,
                name=name,
                visibility=visibility,
                min_ram=min_ram,
                min_disk=min_disk,
                tags=tags,
                properties=properties,
            )
            if status == "active":
                image.timeline.set(image.created, "active")
            return image

    def snapshot(
        self,
        tenant: str,
        region: str,
        *,
        name: str,
        server_id: str,
        properties: Mapping[str, str],
        min_ram: int,
        min_disk: int,
    ) -> Image:
        """A server snapshot (Nova's ``createImage``): ``queued``, then ``saving``, then
        ``active`` once ``image_snapshot_seconds`` have passed."""
        seconds = max(float(self._config().value(SNAPSHOT_SECONDS)), 0.0)
        with self._lock:
            now = self._now()
            timeline = Timeline.starting(now, "queued")
            timeline.set(now + seconds * _QUEUED_SHARE, "saving")
            timeline.set(now + seconds, "active")
            image_id = str(uuid.uuid4())
            image = Image(
                id=image_id,
                name=name,
                owner=tenant,
                visibility="private",
                created=now,
                edited=now,
                timeline=timeline,
                container_format="ovf",
                disk_format="vhd",
                min_ram=max(min_ram, 0),
                min_disk=max(min_disk, 0),
                properties={**properties, "instance_uuid": server_id},
                size=SNAPSHOT_SIZE,
                checksum=hashlib.md5(image_id.encode(), usedforsecurity=False).hexdigest(),
                hash_value=hashlib.sha512(image_id.encode()).hexdigest(),
            )
            self._own(region)[image_id] = image
            return image

    def _owned(self, tenant: str, region: str, image_id: str, missing: str) -> Image:
        image = self.find(tenant, region, image_id)
        if image is None:
            raise ImageNotFound(missing)
        if image.owner is None or image.owner != tenant:
            raise ImageForbidden("You do not own this image")
        return image

    def update(self, tenant: str, region: str, image_id: str, changes: Sequence[Change]) -> Image:
        """Apply JSON-patch ``changes`` all or nothing; the image as it is afterwards."""
        with self._lock:
            image = self._owned(tenant, region, image_id, f"No image found with ID {image_id}")
            now = self._now()
            draft = replace(image, tags=list(image.tags), properties=dict(image.properties))
            status = image.status_at(now)
            for change in changes:
                _apply(draft, change, status)
            if changes:
                for name in ("name", "visibility", "container_format", "disk_format", "min_ram"):
                    setattr(image, name, getattr(draft, name))
                image.min_disk, image.protected = draft.min_disk, draft.protected
                image.hidden, image.tags = draft.hidden, draft.tags
                image.properties = draft.properties
                image.edited = now
                image.version += 1
            return image

    def delete(self, tenant: str, region: str, image_id: str) -> None:
        """Forget the image (204 in Glance); protected ones and others' are 403."""
        with self._lock:
            missing = f"Failed to find image {image_id} to delete"
            image = self._owned(tenant, region, image_id, missing)
            if image.protected:
                raise ImageForbidden(f"Image {image_id} is protected and cannot be deleted.")
            del self._own(region)[image_id]

    def add_tag(self, tenant: str, region: str, image_id: str, tag: str) -> None:
        """Tag the image (a tag it has already is fine)."""
        with self._lock:
            image = self._tagged(tenant, region, image_id, "update")
            if tag in image.tags:
                return
            if len(image.tags) >= MAX_TAGS:
                raise ImageTooLarge(
                    f"Image tag limit exceeded for image {image_id}: The limit has been "
                    "exceeded on the number of allowed image tags. "
                    f"Attempted: {len(image.tags) + 1}, Maximum: {MAX_TAGS}:"
                )
            image.tags.append(tag)
            image.edited = self._now()
            image.version += 1

    def remove_tag(self, tenant: str, region: str, image_id: str, tag: str) -> None:
        """Untag the image; a tag it does not have is 404."""
        with self._lock:
            image = self._tagged(tenant, region, image_id, "delete")
            if tag not in image.tags:
                raise ImageNotFound("The resource could not be found.")
            image.tags.remove(tag)
            image.edited = self._now()
            image.version += 1

    def _tagged(self, tenant: str, region: str, image_id: str, verb: str) -> Image:
        image = self.find(tenant, region, image_id)
        if image is None:
            raise ImageNotFound(f"Image {image_id} not found.")
        if image.owner is None or image.owner != tenant:
            raise ImageForbidden(f"Not allowed to {verb} tags for image {image_id}.")
        return image

    def upload(self, tenant: str, region: str, image_id: str, data: bytes) -> None:
        """Store ``data`` in a ``queued`` image, which becomes ``active`` with its size and
        checksums (Glance passes through ``saving`` while it writes)."""
        with self._lock:
            image = self.find(tenant, region, image_id)
            if image is None:
                raise ImageNotFound(f"No image found with ID {image_id}")
            if image.owner is None or image.owner != tenant:
                raise ImageForbidden(f"Not allowed to upload image data for image {image_id}")
            now = self._now()
            status = image.status_at(now)
            if status != "queued":
                raise ImageConflict(
                    f"Image status transition from {status} to saving is not allowed"
                )
            missing = [k for k in ("disk_format", "container_format") if not getattr(image, k)]
            if missing:
                word = "Property" if len(missing) == 1 else "Properties"
                raise ImageError(f"{word} {', '.join(missing)} must be set prior to saving data.")
            image.data = bytes(data)
            image.size = len(data)
            image.checksum = hashlib.md5(data, usedforsecurity=False).hexdigest()
            image.hash_value = hashlib.sha512(data).hexdigest()
            image.timeline.set(now, "active")
            image.edited = now
            image.version += 1

    def download(self, tenant: str, region: str, image_id: str) -> bytes | None:
        """The image's bytes, or ``None`` when it holds none (Glance answers 204)."""
        with self._lock:
            return self.get(tenant, region, image_id).data

    def every_own_image(self) -> Sequence[tuple[str, Image]]:
        """``(region, image)`` for every tenant's image, oldest first per region (for people
        looking at the cloud)."""
        with self._lock:
            return [
                (region, image) for region, own in self._regions.items() for image in own.values()
            ]

    def summary(self) -> dict[str, int]:
        """How many tenants' images each region holds (for the state export)."""
        with self._lock:
            return {region: len(own) for region, own in self._regions.items() if own}


def _readable(image: Image, tenant: str) -> bool:
    """Whether ``tenant`` may read ``image`` by id (no image members in this fake)."""
    return image.owner == tenant or image.visibility in ("public", "community")


def _listed(image: Image, tenant: str, query: ImageQuery) -> bool:
    """Glance's visibility rules for a list: by default public and own images; community
    images only when asked for (``community`` or ``all``)."""
    wanted = query.visibility
    own = image.owner == tenant
    if wanted in (None, "all"):
        visible = own or image.visibility == "public"
        if wanted == "all":
            visible = visible or image.visibility == "community"
    elif wanted == "community":
        visible = image.visibility == "community"
    else:
        visible = image.visibility == wanted and (own or wanted == "public")
    return visible and image.hidden == query.hidden


def _attribute(image: Image, name: str, now: float) -> Any:
    if name == "status":
        return image.status_at(now)
    if name == "size":
        return image.size if image.stored_at(now) else None
    if name == "created_at":
        return image.created
    if name == "updated_at":
        return image.updated_at(now)
    if name == "owner":
        return image.owner
    if name in ("id", "name", "container_format", "disk_format", "min_ram", "min_disk"):
        return getattr(image, name)
    if name == "visibility":
        return image.visibility
    return image.properties.get(name)


def _keep(image: Image, query: ImageQuery, now: float) -> bool:
    if query.protected is not None and image.protected != query.protected:
        return False
    if any(tag not in image.tags for tag in query.tags):
        return False
    for name, allowed in query.filters.items():
        value = _attribute(image, name, now)
        if value is None or str(value) not in allowed:
            return False
    for name, op, bound in query.ranges:
        value = _attribute(image, name, now)
        if value is None or not _COMPARE[op](float(value), bound):
            return False
    return True


def _sorter(key: str, now: float) -> Callable[[Image], tuple[bool, Any]]:
    return lambda image: _sort_value(image, key, now)


def _sort_value(image: Image, key: str, now: float) -> tuple[bool, Any]:
    value = _attribute(image, key, now)
    return (value is not None, value if value is not None else 0)


def _after(image: Image, marker: Image, keys: Sequence[tuple[str, str]], now: float) -> bool:
    """Whether ``image`` sorts after ``marker`` under ``keys``."""
    for key, direction in keys:
        mine, theirs = _sort_value(image, key, now), _sort_value(marker, key, now)
        if mine != theirs:
            return (mine > theirs) == (direction == "asc")
    return False


def _check_minimum(name: str, value: int) -> None:
    if value and value < 0:
        raise ImageError(
            f"Invalid value '{value}' for parameter '{name}': Cannot be a negative value"
        )


def _unique(tags: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(tags))


#: Attributes a JSON patch may set, as Image fields.
_WRITABLE = {
    "name": "name",
    "visibility": "visibility",
    "container_format": "container_format",
    "disk_format": "disk_format",
    "min_ram": "min_ram",
    "min_disk": "min_disk",
    "protected": "protected",
    "os_hidden": "hidden",
    "tags": "tags",
}


def _apply(draft: Image, change: Change, status: str) -> None:
    """One change on ``draft`` (an unsaved copy), with Glance's refusals."""
    path = change.path
    if change.op == "remove":
        if path in BASE_PROPERTIES:
            raise ImageForbidden(f"Property {path} may not be removed.")
        if path not in draft.properties:
            raise ImageConflict(f"Property {path} does not exist.")
        del draft.properties[path]
        return
    if path == "owner":
        raise ImageForbidden("Owner can't be updated by non admin.")
    field_name = _WRITABLE.get(path)
    if field_name is None:
        if change.op == "replace" and path not in draft.properties:
            raise ImageConflict(f"Property {path} does not exist.")
        draft.properties[path] = change.value
        return
    value = change.value
    if path == "visibility" and value == "public":
        raise ImageForbidden("You are not authorized to complete publicize_image action.")
    if path in ("container_format", "disk_format") and status not in ("queued", "importing"):
        raise ImageForbidden(f"Attribute {path} can be only replaced for a queued image.")
    if path in ("min_ram", "min_disk"):
        _check_minimum(path, value)
    if path == "tags":
        value = _unique(value)
        if len(value) > MAX_TAGS:
            raise ImageTooLarge(
                "The limit has been exceeded on the number of allowed image tags. "
                f"Attempted: {len(value)}, Maximum: {MAX_TAGS}"
            )
    setattr(draft, field_name, value)
