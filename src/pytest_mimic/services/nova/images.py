"""Where Nova's images come from: the cloud's Image service, found as real Nova finds
Glance, by the catalog type ``image``.

Nova keeps no image catalogue of its own. It lists, checks ``imageRef``\\ s against and
snapshots into whatever the service registered for catalog type ``image`` exposes as
``catalog`` (anything shaped like ``ImageSource``), so a snapshot made by ``createImage`` is
the very image Glance shows. With no such service in the cloud, Nova behaves as a Nova
whose Glance holds nothing: it lists no images, and (unless refs are strict) takes any
image id, answering a plausible record for it, as the original Mimic did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pytest_mimic.services.base import iter_entries

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from pytest_mimic.services.base import Service, ServiceContext

__all__ = ["CATALOG_TYPE", "ImageRecord", "ImageSource", "PlausibleImage", "image_source"]

#: The catalog type Nova looks its images up by, as ``nova.conf``'s ``[glance]`` does.
CATALOG_TYPE = "image"


class ImageRecord(Protocol):
    """What Nova reads of an image. ``owner`` is ``None`` for the provider's base images,
    which never change (Nova caches their documents)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def created(self) -> float: ...
    @property
    def min_ram(self) -> int: ...
    @property
    def min_disk(self) -> int: ...
    @property
    def size(self) -> int | None: ...
    @property
    def properties(self) -> Mapping[str, str]: ...

    def status_at(self, now: float) -> str:
        """The Glance status (``queued``, ``saving``, ``active``...) at ``now``."""
        ...

    def updated_at(self, now: float) -> float:
        """When the image last changed, as of ``now``."""
        ...


@runtime_checkable
class ImageSource(Protocol):
    """The image catalog Nova reads: the Image service's model, shared with Glance's API.

    Its methods raise ``ServiceError``\\ s in Glance's terms; Nova answers them in its own.
    """

    def images(self, tenant: str, region: str) -> Sequence[ImageRecord]:
        """Base images of the region, then the tenant's own, in creation order."""
        ...

    def find(self, tenant: str, region: str, image_id: str) -> ImageRecord | None:
        """The image if the tenant may see it in the region."""
        ...

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
    ) -> ImageRecord:
        """A new snapshot of a server, owned by the tenant."""
        ...

    def delete(self, tenant: str, region: str, image_id: str) -> None:
        """Delete an image the tenant owns."""
        ...


@dataclass(frozen=True)
class PlausibleImage:
    """A made-up but well-formed image for an id no image service knows (lenient refs)."""

    id: str
    name: str | None
    owner: str | None = None
    created: float = 1_705_305_600.0  # 2024-01-15T08:00:00Z, as the base images
    min_ram: int = 512
    min_disk: int = 20
    size: int | None = 2_147_483_648
    properties: Mapping[str, str] = field(
        default_factory=lambda: {"image_type": "base", "os_type": "linux"}
    )

    def status_at(self, now: float) -> str:
        """Always ``active``."""
        return "active"

    def updated_at(self, now: float) -> float:
        """Never changes."""
        return self.created


def plausible_image(image_id: str) -> PlausibleImage:
    """The record Nova answers for an image id it cannot look up."""
    return PlausibleImage(id=image_id, name=f"Image {image_id}")


class _Finder:
    """Remembers the source found for one list of services (the cloud replaces the list
    when a service is registered or removed, so a changed cloud is looked at again)."""

    def __init__(self) -> None:
        self._services: Sequence[Service] | None = None
        self._source: ImageSource | None = None

    def __call__(self, context: ServiceContext) -> ImageSource | None:
        services = context.services
        if services is not self._services:
            self._source = _find(services)
            self._services = services
        return self._source


def _find(services: Sequence[Service]) -> ImageSource | None:
    for service, entry in iter_entries(services):
        if entry.type == CATALOG_TYPE:
            candidate = getattr(service, "catalog", None)
            return candidate if isinstance(candidate, ImageSource) else None
    return None


def image_source() -> _Finder:
    """A finder of the cloud's image source, ``finder(context) -> ImageSource | None``."""
    return _Finder()
