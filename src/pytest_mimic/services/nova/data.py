"""The fixed flavor catalogue every fake Nova region starts with, and the preset bad ids.

Flavor ids never change between runs (Rackspace's names), so a test may hard-code them.
Lookups are dictionaries, never scans. Images are not here: they live in the Image service
(``images``), which Nova reads.

By default (``strict_compute_refs`` off) any other id is accepted too and answered with a
plausible record, because tests written against a real cloud carry that cloud's ids. The
preset "invalid" ids below always behave like ids real Nova does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "FLAVORS",
    "INVALID_FLAVOR_REFS",
    "INVALID_IMAGE_REFS",
    "Flavor",
    "flavors_in",
    "is_invalid_flavor_ref",
    "is_invalid_image_ref",
    "plausible_flavor",
]

#: Image ids that behave as unknown to Nova even in the default, accept-anything mode.
INVALID_IMAGE_REFS: tuple[str, ...] = ("INVALID-IMAGE-ID", "1111", "image_ends_with_Z")
#: Flavor ids that behave as unknown to Nova even in the default, accept-anything mode.
INVALID_FLAVOR_REFS: tuple[str, ...] = ("INVALID-FLAVOR-ID", "8888", "-4", "1")

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


def flavors_in(region: str) -> tuple[Flavor, ...]:
    """The flavors a region lists (OnMetal sizes only in IAD)."""
    return tuple(f for f in _FLAVOR_LIST if not f.onmetal or region == _ONMETAL_REGION)


def is_flavor_name(region: str, flavor_ref: str) -> bool:
    """Whether ``flavor_ref`` is the name (not the id) of a flavor the region lists: clients
    that look a flavor up by name ask for it as an id first and search the list on Nova's 404.
    """
    return any(f.name == flavor_ref for f in flavors_in(region))


def plausible_flavor(flavor_id: str) -> Flavor:
    """A made-up but well-formed flavor for an id this catalogue does not know."""
    return Flavor(flavor_id, f"Flavor {flavor_id}", 512, 1, 20)
