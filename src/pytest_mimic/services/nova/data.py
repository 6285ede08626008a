"""The fixed flavor and image catalogue every fake Nova region starts with.

Ids never change between runs (flavors use Rackspace's names as ids; images use a uuid5 of
their name), so a test may hard-code them. Lookups are dictionaries, never scans.

By default (``strict_compute_refs`` off) any other id is accepted too and answered with a
plausible record, because tests written against a real cloud carry that cloud's ids. The
preset "invalid" ids below always behave like ids real Nova does not know.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "FLAVORS",
    "IMAGES",
    "INVALID_FLAVOR_REFS",
    "INVALID_IMAGE_REFS",
    "Flavor",
    "Image",
    "flavors_in",
    "images_in",
    "is_invalid_flavor_ref",
    "is_invalid_image_ref",
    "plausible_flavor",
    "plausible_image",
]

#: Image ids that behave as unknown to Nova even in the default, accept-anything mode.
INVALID_IMAGE_REFS: tuple[str, ...] = ("INVALID-IMAGE-ID", "1111", "image_ends_with_Z")
#: Flavor ids that behave as unknown to Nova even in the default, accept-anything mode.
INVALID_FLAVOR_REFS: tuple[str, ...] = ("INVALID-FLAVOR-ID", "8888", "-4", "1")

#: Where the image ids come from; changing it would change every image id.
_IMAGE_NAMESPACE = uuid.UUID("5f0c6a53-2f8e-4d59-9a3b-5b7e3c1d6a10")
#: When the base images were "published"; fixed so responses are reproducible.
_IMAGE_TIMESTAMP = "2024-01-15T08:00:00Z"
#: OnMetal hardware exists only in this region, as on the Rackspace cloud.
_ONMETAL_REGION = "IAD"


def is_invalid_image_ref(image_id: str) -> bool:
    """Whether ``image_id`` is one of the preset bad image ids (or ends with ``Z``)."""
    return image_id in INVALID_IMAGE_REFS or image_id.endswith("Z")


def is_invalid_flavor_ref(flavor_id: str) -> bool:
    """Whether ``flavor_id`` is one of the preset bad flavor ids."""
    return flavor_id in INVALID_FLAVOR_REFS


@dataclass(frozen=True)
class Flavor:
    """A server size. ``ram`` in MiB, ``disk``/``ephemeral`` in GiB, ``swap`` in MiB (0 = none)."""

    id: str
    name: str
    ram: int
    vcpus: int
    disk: int
    ephemeral: int = 0
    swap: int = 0
    rxtx_factor: float = 1.0
    flavor_class: str = "standard1"
    onmetal: bool = False


@dataclass(frozen=True)
class Image:
    """A bootable image; ``server_id`` is set for snapshots made with ``createImage``."""

    id: str
    name: str
    min_ram: int = 512
    min_disk: int = 20
    created: str = _IMAGE_TIMESTAMP
    updated: str = _IMAGE_TIMESTAMP
    status: str = "ACTIVE"
    size: int = 2_147_483_648
    metadata: Mapping[str, str] = field(default_factory=dict)
    server_id: str | None = None
    onmetal: bool = False


def _standard(fid: str, name: str, ram: int, vcpus: int, disk: int, rxtx: float) -> Flavor:
    return Flavor(fid, name, ram, vcpus, disk, swap=ram, rxtx_factor=rxtx)


_FLAVOR_LIST: tuple[Flavor, ...] = (
    _standard("2", "512MB Standard Instance", 512, 1, 20, 80.0),
    _standard("3", "1GB Standard Instance", 1024, 1, 40, 120.0),
    _standard("4", "2GB Standard Instance", 2048, 2, 80, 240.0),
    _standard("5", "4GB Standard Instance", 4096, 2, 160, 400.0),
    _standard("6", "8GB Standard Instance", 8192, 4, 320, 600.0),
    _standard("7", "15GB Standard Instance", 15360, 6, 620, 800.0),
    _standard("8", "30GB Standard Instance", 30720, 8, 1200, 1200.0),
    Flavor("general1-1", "1 GB General Purpose v1", 1024, 1, 20, flavor_class="general1"),
    Flavor("general1-2", "2 GB General Purpose v1", 2048, 2, 40, flavor_class="general1"),
    Flavor("general1-4", "4 GB General Purpose v1", 4096, 4, 80, flavor_class="general1"),
    Flavor("general1-8", "8 GB General Purpose v1", 8192, 8, 160, flavor_class="general1"),
    Flavor("compute1-4", "3.75 GB Compute v1", 3840, 2, 0, flavor_class="compute1"),
    Flavor("compute1-8", "7.5 GB Compute v1", 7680, 4, 0, flavor_class="compute1"),
    Flavor("compute1-15", "15 GB Compute v1", 15360, 8, 0, flavor_class="compute1"),
    Flavor("compute1-30", "30 GB Compute v1", 30720, 16, 0, flavor_class="compute1"),
    Flavor("compute1-60", "60 GB Compute v1", 61440, 32, 0, flavor_class="compute1"),
    Flavor("io1-15", "15 GB I/O v1", 15360, 4, 40, ephemeral=150, flavor_class="io1"),
    Flavor("io1-30", "30 GB I/O v1", 30720, 8, 40, ephemeral=300, flavor_class="io1"),
    Flavor("io1-60", "60 GB I/O v1", 61440, 16, 40, ephemeral=600, flavor_class="io1"),
    Flavor("io1-90", "90 GB I/O v1", 92160, 24, 40, ephemeral=900, flavor_class="io1"),
    Flavor("io1-120", "120 GB I/O v1", 122880, 32, 40, ephemeral=1200, flavor_class="io1"),
    Flavor("memory1-15", "15 GB Memory v1", 15360, 2, 0, flavor_class="memory1"),
    Flavor("memory1-30", "30 GB Memory v1", 30720, 4, 0, flavor_class="memory1"),
    Flavor("memory1-60", "60 GB Memory v1", 61440, 8, 0, flavor_class="memory1"),
    Flavor("memory1-120", "120 GB Memory v1", 122880, 16, 0, flavor_class="memory1"),
    Flavor("memory1-240", "240 GB Memory v1", 245760, 32, 0, flavor_class="memory1"),
    Flavor("performance1-1", "1 GB Performance", 1024, 1, 20, flavor_class="performance1"),
    Flavor("performance1-2", "2 GB Performance", 2048, 2, 40, 20, flavor_class="performance1"),
    Flavor("performance1-4", "4 GB Performance", 4096, 4, 40, 40, flavor_class="performance1"),
    Flavor("performance1-8", "8 GB Performance", 8192, 8, 40, 80, flavor_class="performance1"),
    Flavor("performance2-15", "15 GB Performance", 15360, 4, 40, 150, flavor_class="performance2"),
    Flavor("performance2-30", "30 GB Performance", 30720, 8, 40, 300, flavor_class="performance2"),
    Flavor("performance2-60", "60 GB Performance", 61440, 16, 40, 600, flavor_class="performance2"),
    Flavor("performance2-90", "90 GB Performance", 92160, 24, 40, 900, flavor_class="performance2"),
    Flavor(
        "performance2-120", "120 GB Performance", 122880, 32, 40, 1200, flavor_class="performance2"
    ),
    Flavor(
        "onmetal-compute1",
        "OnMetal Compute v1",
        32768,
        20,
        32,
        flavor_class="onmetal",
        onmetal=True,
    ),
    Flavor(
        "onmetal-io1", "OnMetal IO v1", 131072, 40, 32, 3200, flavor_class="onmetal", onmetal=True
    ),
    Flavor(
        "onmetal-memory1", "OnMetal Memory v1", 524288, 24, 32, flavor_class="onmetal", onmetal=True
    ),
)

#: Every known flavor by id.
FLAVORS: Mapping[str, Flavor] = {flavor.id: flavor for flavor in _FLAVOR_LIST}


def _image(
    name: str,
    distro: str,
    *,
    os_type: str = "linux",
    min_ram: int = 512,
    min_disk: int = 20,
    onmetal: bool = False,
) -> Image:
    metadata = {
        "image_type": "base",
        "os_type": os_type,
        "org.openstack__1__os_distro": distro,
        "vm_mode": "metal" if onmetal else "hvm",
        "flavor_classes": "onmetal" if onmetal else "*,!onmetal",
        "auto_disk_config": "disabled"
        if onmetal
        else ("False" if os_type == "windows" else "True"),
    }
    return Image(
        id=str(uuid.uuid5(_IMAGE_NAMESPACE, name)),
        name=name,
        min_ram=min_ram,
        min_disk=min_disk,
        metadata=metadata,
        onmetal=onmetal,
    )


_IMAGE_LIST: tuple[Image, ...] = (
    _image("Ubuntu 24.04 LTS (Noble Numbat) (PVHVM)", "org.ubuntu"),
    _image("Ubuntu 22.04 LTS (Jammy Jellyfish) (PVHVM)", "org.ubuntu"),
    _image("Ubuntu 20.04 LTS (Focal Fossa) (PVHVM)", "org.ubuntu"),
    _image("Debian 12 (Bookworm) (PVHVM)", "org.debian"),
    _image("Debian 11 (Bullseye) (PVHVM)", "org.debian"),
    _image("CentOS Stream 9 (PVHVM)", "org.centos"),
    _image("AlmaLinux 9 (PVHVM)", "org.almalinux"),
    _image("Rocky Linux 9 (PVHVM)", "org.rockylinux"),
    _image("Red Hat Enterprise Linux 9 (PVHVM)", "com.redhat"),
    _image("Fedora 40 (PVHVM)", "org.fedoraproject"),
    _image("FreeBSD 14 (PVHVM)", "org.freebsd"),
    _image("Arch 2024.1 (PVHVM)", "org.archlinux"),
    _image("openSUSE Leap 15.5 (PVHVM)", "org.opensuse"),
    _image(
        "Windows Server 2022 Standard",
        "com.microsoft.server",
        os_type="windows",
        min_ram=2048,
        min_disk=40,
    ),
    _image(
        "Windows Server 2019 Standard",
        "com.microsoft.server",
        os_type="windows",
        min_ram=2048,
        min_disk=40,
    ),
    _image("OnMetal - Ubuntu 22.04 LTS (Jammy Jellyfish)", "org.ubuntu", min_disk=32, onmetal=True),
    _image("OnMetal - Debian 12 (Bookworm)", "org.debian", min_disk=32, onmetal=True),
    _image("OnMetal - CentOS Stream 9", "org.centos", min_disk=32, onmetal=True),
)

#: Every base image by id.
IMAGES: Mapping[str, Image] = {image.id: image for image in _IMAGE_LIST}


def flavors_in(region: str) -> tuple[Flavor, ...]:
    """The flavors a region lists (OnMetal sizes only in IAD)."""
    return tuple(f for f in _FLAVOR_LIST if not f.onmetal or region == _ONMETAL_REGION)


def images_in(region: str) -> tuple[Image, ...]:
    """The base images a region lists (OnMetal images only in IAD)."""
    return tuple(i for i in _IMAGE_LIST if not i.onmetal or region == _ONMETAL_REGION)


def plausible_flavor(flavor_id: str) -> Flavor:
    """A made-up but well-formed flavor for an id this catalogue does not know."""
    return Flavor(flavor_id, f"Flavor {flavor_id}", 512, 1, 20)


def plausible_image(image_id: str) -> Image:
    """A made-up but well-formed image for an id this catalogue does not know."""
    metadata: dict[str, Any] = {"image_type": "base", "os_type": "linux"}
    return Image(id=image_id, name=f"Image {image_id}", metadata=metadata)
