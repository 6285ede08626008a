"""Image: a stateful fake of Glance's Image API v2 as Rackspace Cloud Images runs it.

``ImageService`` is the HTTP layer (``api``) over the state model (``model``); ``data``
holds the public base images and ``documents`` what the API answers. Nova lists, boots
from and snapshots into the same catalog.
"""

from __future__ import annotations

from pytest_mimic.services.image.api import ImageService

__all__ = ["ImageService"]
