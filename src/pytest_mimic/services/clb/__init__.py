"""Rackspace Cloud Load Balancers v1.0: a stateful fake with the real status machine.

``CLBService`` is the HTTP layer (``api``) over the state model (``model``); ``schema``
checks request bodies, ``documents`` shapes answers, ``data`` holds the fixed lists and
``presets`` Mimic's metadata presets as fault-engine rules.
"""

from __future__ import annotations

from pytest_mimic.services.clb.api import CLBService

__all__ = ["CLBService"]
