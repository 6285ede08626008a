"""Cloud Load Balancers' settings: how long each pending status lasts, and how long a
deleted load balancer can still be read.
"""

from __future__ import annotations

from pytest_mimic.settings import Setting

__all__ = ["BUILD_SECONDS", "DELETED_RETENTION", "DELETE_SECONDS", "SETTINGS", "UPDATE_SECONDS"]

BUILD_SECONDS = Setting[float](
    "clb_build_seconds", "seconds", 0.0, "seconds a new load balancer stays in BUILD"
)
UPDATE_SECONDS = Setting[float](
    "clb_update_seconds",
    "seconds",
    0.0,
    "seconds a load balancer stays in PENDING_UPDATE after a change",
)
DELETE_SECONDS = Setting[float](
    "clb_delete_seconds", "seconds", 0.0, "seconds a load balancer stays in PENDING_DELETE"
)
DELETED_RETENTION = Setting[float](
    "clb_deleted_retention_seconds",
    "seconds",
    90 * 60.0,
    "seconds a DELETED load balancer can still be read (the newest 1,000 per tenant and "
    "region at most)",
)
SETTINGS = (BUILD_SECONDS, UPDATE_SECONDS, DELETE_SECONDS, DELETED_RETENTION)
