"""Finding installed services: the ``pytest_mimic.services`` entry-point group.

A leaf as far as this package goes: it imports nothing of ours, so the settings schema,
the plugin and the cloud can all ask it without a circle.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Any

__all__ = ["SERVICE_GROUP", "declared_settings", "installed_services"]

#: The entry-point group through which built-in and third-party services register.
SERVICE_GROUP = "pytest_mimic.services"


def installed_services() -> list[Any]:
    """Service factories registered under ``pytest_mimic.services``, sorted by name."""
    return list(_installed())


@cache
def _installed() -> tuple[Any, ...]:
    found = sorted(entry_points(group=SERVICE_GROUP), key=lambda ep: ep.name)
    return tuple(ep.load() for ep in found)


def declared_settings(factories: Any) -> list[Any]:
    """Every ``Setting`` the service factories declare (a class's ``settings`` attribute)."""
    return [setting for factory in factories for setting in getattr(factory, "settings", ())]
