"""Nova's settings: how long a build takes, how strict references are, quotas, and how long
deleted servers stay listed. Declared once; every door (ini, ``configure``, ``serve --set``,
HTTP) reads them through these declarations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_mimic.names import unknown
from pytest_mimic.settings import Setting

__all__ = [
    "BUILD_SECONDS",
    "DEFAULT_QUOTAS",
    "DELETED_RETENTION",
    "MAX_METADATA_ITEMS",
    "QUOTAS",
    "SETTINGS",
    "STRICT_REFS",
]

#: Metadata items a server may carry (Nova's ``maxServerMeta``).
MAX_METADATA_ITEMS = 40

#: How long a deleted server stays visible to ``changes-since`` (simulated seconds); the
#: ``nova_deleted_retention_seconds`` setting changes it. Real Nova keeps them until an
#: operator archives the database; a fake that runs for days must forget them.
DELETED_RETENTION_SECONDS = 3600.0

#: Absolute limits of a fresh tenant in every region (``-1`` = unlimited).
DEFAULT_QUOTAS: Mapping[str, int] = {
    "maxTotalInstances": 100,
    "maxTotalCores": -1,
    "maxTotalRAMSize": 131072,
    "maxServerMeta": MAX_METADATA_ITEMS,
    "maxImageMeta": 40,
    "maxPersonality": 5,
    "maxPersonalitySize": 1000,
    "maxTotalKeypairs": 100,
    "maxSecurityGroups": -1,
    "maxSecurityGroupRules": -1,
    "maxTotalFloatingIps": -1,
    "maxServerGroups": 10,
    "maxServerGroupMembers": 10,
}


def _quotas(value: Any) -> dict[str, int]:
    """Quota overrides: known limit names, whole numbers >= -1 (``-1`` = unlimited)."""
    checked: dict[str, int] = {}
    for name, limit in dict(value).items():
        if name not in DEFAULT_QUOTAS:
            raise unknown("quota", str(name), DEFAULT_QUOTAS)
        if isinstance(limit, bool) or not isinstance(limit, int) or not -1 <= limit <= 10**9:
            raise ValueError(f"quota {name!r} must be a whole number from -1 to 1e9, not {limit!r}")
        checked[name] = limit
    return checked


BUILD_SECONDS = Setting[float](
    "server_build_seconds", "seconds", 0.0, "seconds a new Nova server stays in BUILD"
)
STRICT_REFS = Setting[bool](
    "strict_compute_refs",
    "bool",
    False,
    "validate imageRef/flavorRef against the listed images and flavors, as real Nova does",
)
QUOTAS = Setting[Mapping[str, int]](
    "nova_quotas",
    "object",
    {},
    'absolute limits every tenant starts with, over the defaults ({"maxTotalInstances": 2})',
    validate=_quotas,
)
DELETED_RETENTION = Setting[float](
    "nova_deleted_retention_seconds",
    "seconds",
    DELETED_RETENTION_SECONDS,
    "seconds a deleted server stays listed by changes-since",
)
SETTINGS = (BUILD_SECONDS, STRICT_REFS, QUOTAS, DELETED_RETENTION)
