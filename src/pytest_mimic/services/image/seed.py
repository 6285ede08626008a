"""The Image service's section of a state document: the tenants' own images.

```toml
[[image.images]]
name = "golden-web"
status = "active"            # active (default) or queued (no data uploaded yet)
properties = { os_type = "linux" }
# id, tenant, region, visibility (private, shared, community), min_ram, min_disk,
# tags and server (the instance a snapshot came from) are optional
```

The provider's base images are not state. ``tenant`` and ``region`` default to the default
user's tenant and the default region; an image without ``id`` gets one derived from its
place in the list. A snapshot still ``saving`` is exported as the ``active`` image it is
about to become. The Image section loads before Nova's, so seeded servers may boot from
seeded images.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_mimic.errors import ServiceError
from pytest_mimic.seeding import Fields, SeedError, derived_id

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_mimic.services.image.model import ImageCatalog

__all__ = ["SEED_FIELDS", "ImageSeed", "check", "export", "load"]

SEED_FIELDS: Mapping[str, str] = {
    "images": "tenant images: name, id, status, visibility, properties, min_ram, min_disk, "
    "tags, server, tenant, region",
}
STATUSES = ("active", "queued")
VISIBILITIES = ("private", "shared", "community")
_FIELDS = (
    "name",
    "id",
    "status",
    "visibility",
    "properties",
    "min_ram",
    "min_disk",
    "tags",
    "server",
    "tenant",
    "region",
)
_SERVER_PROPERTY = "instance_uuid"
_MAX_FIELD = 255
_MAX_MIB = 10**9


@dataclass(frozen=True)
class SeededImage:
    where: str
    image_id: str
    name: str
    status: str
    visibility: str
    properties: Mapping[str, str]
    min_ram: int
    min_disk: int
    tags: tuple[str, ...]
    tenant: str | None
    region: str | None


@dataclass(frozen=True)
class ImageSeed:
    """The images of a document, checked."""

    images: tuple[SeededImage, ...]


def check(section: Mapping[str, Any]) -> ImageSeed:
    """Read ``image``: every field checked, an id listed twice refused."""
    fields = Fields(section, "image", SEED_FIELDS)
    images: list[SeededImage] = []
    for index, (where, raw) in enumerate(fields.tables("images")):
        image = Fields(raw, where, _FIELDS)
        name = image.required_text("name")
        if len(name) > _MAX_FIELD:
            raise image.error("name", f"must be at most {_MAX_FIELD} characters")
        image_id = image.text("id") or str(derived_id("image", "image", index, name))
        if any(seeded.image_id == image_id for seeded in images):
            raise image.error("id", f"{image_id!r} is listed twice")
        properties = image.text_map("properties", scalars=True)
        server = image.text("server")
        if server is not None:
            properties = {**properties, _SERVER_PROPERTY: server}
        images.append(
            SeededImage(
                where,
                image_id,
                name,
                image.choice("status", STATUSES, "active"),
                image.choice("visibility", VISIBILITIES, "private"),
                properties,
                image.integer("min_ram", 0, minimum=0, maximum=_MAX_MIB),
                image.integer("min_disk", 0, minimum=0, maximum=_MAX_MIB),
                tuple(image.text_list("tags")),
                image.text("tenant", numbers=True),
                image.text("region"),
            )
        )
    return ImageSeed(tuple(images))


def load(catalog: ImageCatalog, seed: ImageSeed, tenant: str, region: str) -> None:
    """Add the images; ``tenant`` and ``region`` are the defaults for items that name none."""
    for image in seed.images:
        try:
            catalog.restore(
                image.tenant or tenant,
                image.region or region,
                image_id=image.image_id,
                name=image.name,
                status=image.status,
                visibility=image.visibility,
                properties=image.properties,
                min_ram=image.min_ram,
                min_disk=image.min_disk,
                tags=image.tags,
            )
        except ServiceError as error:
            raise SeedError(f"{image.where}: {error.message}") from None


def export(catalog: ImageCatalog) -> dict[str, Any]:
    """Every tenant's image, in creation order per region."""
    now = catalog.now()
    rows: list[dict[str, Any]] = []
    for region, image in catalog.every_own_image():
        status = image.status_at(now)
        row: dict[str, Any] = {
            "name": image.name or "",
            "id": image.id,
            "status": "queued" if status == "queued" else "active",
            "visibility": image.visibility,
        }
        properties = {k: v for k, v in image.properties.items() if k != _SERVER_PROPERTY}
        if properties:
            row["properties"] = properties
        if _SERVER_PROPERTY in image.properties:
            row["server"] = image.properties[_SERVER_PROPERTY]
        if image.min_ram:
            row["min_ram"] = image.min_ram
        if image.min_disk:
            row["min_disk"] = image.min_disk
        if image.tags:
            row["tags"] = list(image.tags)
        rows.append({**row, "tenant": image.owner or "", "region": region})
    return {"images": rows}
