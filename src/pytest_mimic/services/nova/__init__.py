"""Compute: a stateful fake of Nova v2.1 as Rackspace Cloud Servers runs it.

``NovaService`` is the HTTP layer (``api``) over the state model (``model``); ``data``
holds the fixed flavor and image catalogue and ``presets`` Mimic's metadata presets as
fault-engine rules.
"""

from __future__ import annotations

from pytest_mimic.services.nova.api import NovaService

__all__ = ["NovaService"]
