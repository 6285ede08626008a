"""Rackspace Cloud Load Balancers v1.0: a stateful fake with the real status machine.

``CLBService`` (``api``) is the HTTP layer over the state model: ``model`` (load balancers,
virtual IPs, settings) with its parts ``nodes``, ``access_list`` and ``metadata``, raising
``errors``. ``subresources`` declares the seven settings with URLs of their own, ``control``
the status routes mounted under the control plane, ``schema`` checks request bodies,
``documents`` shapes answers, ``data`` holds the fixed lists and ``presets`` Mimic's
metadata presets as fault-engine rules.
"""

from __future__ import annotations

from pytest_mimic.services.clb.api import CLBService

__all__ = ["CLBService"]
