"""The Image service's settings: how long a server snapshot takes. Declared once; every door
(ini, ``configure``, ``serve --set``, HTTP) reads it through this declaration.
"""

from __future__ import annotations

from pytest_mimic.settings import Setting

__all__ = ["SETTINGS", "SNAPSHOT_SECONDS"]

SNAPSHOT_SECONDS = Setting[float](
    "image_snapshot_seconds",
    "seconds",
    0.0,
    "seconds a server snapshot (Nova's createImage) stays queued, then saving, before active",
)
SETTINGS = (SNAPSHOT_SECONDS,)
