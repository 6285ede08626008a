"""Identity's settings and the client environment it declares."""

from __future__ import annotations

from pytest_mimic.settings import Setting

__all__ = ["CONFLICTING_ENVIRONMENT", "SETTINGS", "TOKEN_LIFETIME"]

TOKEN_LIFETIME = Setting[float](
    "token_lifetime", "seconds", 24 * 3600.0, "seconds a fresh Identity token lives"
)
SETTINGS = (TOKEN_LIFETIME,)

#: Variables in a user's environment that would send OpenStack clients elsewhere.
CONFLICTING_ENVIRONMENT = (
    "OS_CLOUD",
    "OS_AUTH_TYPE",
    "OS_TOKEN",
    "OS_PROJECT_NAME",
    "OS_TENANT_NAME",
    "OS_USER_DOMAIN_NAME",
    "OS_USER_DOMAIN_ID",
    "OS_PROJECT_DOMAIN_NAME",
    "OS_PROJECT_DOMAIN_ID",
    "OS_IDENTITY_API_VERSION",
)
