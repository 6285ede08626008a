"""Nova's settings: how long a build takes, how strict references are, quotas, and how long
deleted servers stay listed. Declared once; every door (ini, ``configure``, ``serve --set``,
HTTP) reads them through these declarations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_mimic.names import unknown
from pytest_mimic.parsing import parse_seconds
from pytest_mimic.settings import Setting

__all__ = [
    "ACTION_DURATIONS",
    "BUILD_SECONDS",
    "DEFAULT_ACTION_SECONDS",
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

#: Simulated seconds each timed transition takes (status shown meanwhile -> status after); the
#: ``nova_action_seconds`` setting changes any of them.
DEFAULT_ACTION_SECONDS: Mapping[str, float] = {
    "reboot_soft": 5.0,  # REBOOT -> ACTIVE
    "reboot_hard": 10.0,  # HARD_REBOOT -> ACTIVE
    "rebuild": 10.0,  # REBUILD -> ACTIVE
    "resize": 10.0,  # RESIZE -> VERIFY_RESIZE
    "revert_resize": 5.0,  # REVERT_RESIZE -> ACTIVE
    "stop": 5.0,  # ACTIVE (task_state powering-off) -> SHUTOFF
    "start": 5.0,  # SHUTOFF (task_state powering-on) -> ACTIVE
}


def _action_seconds(value: Any) -> dict[str, float]:
    """Action durations: known action names, finite non-negative seconds."""
    checked: dict[str, float] = {}
    for name, seconds in dict(value).items():
        if name not in DEFAULT_ACTION_SECONDS:
            raise unknown("timed action", str(name), DEFAULT_ACTION_SECONDS)
        checked[name] = parse_seconds(seconds, f"action {name!r}", text=False)
    return checked


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
ACTION_DURATIONS = Setting[Mapping[str, float]](
    "nova_action_seconds",
    "object",
    {},
    "seconds a reboot, rebuild, resize, revert, stop or start takes, over the defaults "
    '({"reboot_soft": 0, "stop": 0})',
    validate=_action_seconds,
)
SETTINGS = (BUILD_SECONDS, STRICT_REFS, QUOTAS, DELETED_RETENTION, ACTION_DURATIONS)
