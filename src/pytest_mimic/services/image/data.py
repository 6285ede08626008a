"""The public base images every region of the fake cloud offers, as Rackspace publishes them.

Ids never change between runs (a uuid5 of the name), so a test may hard-code them; Nova's
image list shows the same images with the same ids. OnMetal images exist only in IAD, as
on the Rackspace cloud.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from pytest_mimic.services.image.model import Image
from pytest_mimic.services.lifecycle import Timeline

__all__ = ["BASE_IMAGES", "ONMETAL_REGION", "base_images_in"]

#: Where the image ids come from; changing it would change every image id.
_NAMESPACE = uuid.UUID("5f0c6a53-2f8e-4d59-9a3b-5b7e3c1d6a10")
#: When the base images were "published"; fixed so responses are reproducible.
_PUBLISHED = datetime(2024, 1, 15, 8, 0, tzinfo=UTC).timestamp()
#: OnMetal hardware exists only in this region, as on the Rackspace cloud.
ONMETAL_REGION = "IAD"
#: What Rackspace's base images weigh (bytes); the same for all, which no test depends on.
_SIZE = 2_147_483_648


def _base(
    name: str,
    distro: str,
    *,
    os_type: str = "linux",
    min_ram: int = 512,
    min_disk: int = 20,
    onmetal: bool = False,
) -> Image:
    properties = {
        "image_type": "base",
        "os_type": os_type,
        "org.openstack__1__os_distro": distro,
        "vm_mode": "metal" if onmetal else "hvm",
        "flavor_classes": "onmetal" if onmetal else "*,!onmetal",
        "auto_disk_config": "disabled"
        if onmetal
        else ("False" if os_type == "windows" else "True"),
    }
    image_id = str(uuid.uuid5(_NAMESPACE, name))
    return Image(
        id=image_id,
        name=name,
        owner=None,
        visibility="public",
        created=_PUBLISHED,
        edited=_PUBLISHED,
        timeline=Timeline.starting(_PUBLISHED, "active"),
        container_format="ovf",
        disk_format="vhd",
        min_ram=min_ram,
        min_disk=min_disk,
        properties=properties,
        size=_SIZE,
        checksum=hashlib.md5(image_id.encode(), usedforsecurity=False).hexdigest(),
        hash_value=hashlib.sha512(image_id.encode()).hexdigest(),
        onmetal=onmetal,
    )


#: Every base image, in the order Nova lists them.
BASE_IMAGES: tuple[Image, ...] = (
    _base("Ubuntu 24.04 LTS (Noble Numbat) (PVHVM)", "org.ubuntu"),
    _base("Ubuntu 22.04 LTS (Jammy Jellyfish) (PVHVM)", "org.ubuntu"),
    _base("Ubuntu 20.04 LTS (Focal Fossa) (PVHVM)", "org.ubuntu"),
    _base("Debian 12 (Bookworm) (PVHVM)", "org.debian"),
    _base("Debian 11 (Bullseye) (PVHVM)", "org.debian"),
    _base("CentOS Stream 9 (PVHVM)", "org.centos"),
    _base("AlmaLinux 9 (PVHVM)", "org.almalinux"),
    _base("Rocky Linux 9 (PVHVM)", "org.rockylinux"),
    _base("Red Hat Enterprise Linux 9 (PVHVM)", "com.redhat"),
    _base("Fedora 40 (PVHVM)", "org.fedoraproject"),
    _base("FreeBSD 14 (PVHVM)", "org.freebsd"),
    _base("Arch 2024.1 (PVHVM)", "org.archlinux"),
    _base("openSUSE Leap 15.5 (PVHVM)", "org.opensuse"),
    _base(
        "Windows Server 2022 Standard",
        "com.microsoft.server",
        os_type="windows",
        min_ram=2048,
        min_disk=40,
    ),
    _base(
        "Windows Server 2019 Standard",
        "com.microsoft.server",
        os_type="windows",
        min_ram=2048,
        min_disk=40,
    ),
    _base("OnMetal - Ubuntu 22.04 LTS (Jammy Jellyfish)", "org.ubuntu", min_disk=32, onmetal=True),
    _base("OnMetal - Debian 12 (Bookworm)", "org.debian", min_disk=32, onmetal=True),
    _base("OnMetal - CentOS Stream 9", "org.centos", min_disk=32, onmetal=True),
)


def base_images_in(region: str) -> tuple[Image, ...]:
    """The base images a region offers (OnMetal images only in IAD)."""
    return tuple(i for i in BASE_IMAGES if not i.onmetal or region == ONMETAL_REGION)
