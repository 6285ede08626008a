"""Settings shared by the cloud and its services.

One plain object so that the pytest options, the ``serve`` flags and a test's own
``mimic_cloud.configure(...)`` all end in the same place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Credentials:
    """The user every fresh cloud knows, so the default environment logs in as it is."""

    username: str = "mimic-user"
    password: str = "mimic-password"
    api_key: str = "mimic-api-key"
    tenant_id: str = "100001"


@dataclass(frozen=True)
class CloudConfig:
    """What a test may tune; each reset of the cloud returns to the session's config.

    ``check_tokens``: services answer 401 to a missing, unknown, expired or revoked token.
    ``token_lifetime``: seconds a fresh Identity token lives.
    ``server_build_seconds``: how long a new Nova server stays in BUILD.
    ``strict_compute_refs``: validate ``imageRef``/``flavorRef`` as real Nova does, instead of
    accepting any id as the original Mimic did.
    ``clb_build_seconds``, ``clb_update_seconds``, ``clb_delete_seconds``: how long a Cloud
    Load Balancer stays in BUILD, PENDING_UPDATE after a change, and PENDING_DELETE (0: the
    next read sees the end state). ``clb_deleted_retention_seconds``: how long a DELETED load
    balancer can still be read before it is a 404.
    ``options``: free-form settings for third-party services.
    """

    regions: tuple[str, ...] = ("ORD", "DFW", "IAD")
    default_region: str = "ORD"
    credentials: Credentials = field(default_factory=Credentials)
    check_tokens: bool = True
    token_lifetime: float = 24 * 3600.0
    server_build_seconds: float = 0.0
    strict_compute_refs: bool = False
    clb_build_seconds: float = 0.0
    clb_update_seconds: float = 0.0
    clb_delete_seconds: float = 0.0
    clb_deleted_retention_seconds: float = 90 * 60.0
    options: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> CloudConfig:
        """Return a copy with ``changes``; unknown names raise ``TypeError`` at once."""
        return dataclasses.replace(self, **changes)
