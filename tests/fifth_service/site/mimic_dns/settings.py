"""The DNS service's settings and the client variables it owns."""

from __future__ import annotations

from pytest_mimic.settings import Setting

__all__ = ["CONFLICTING_ENVIRONMENT", "PROPAGATION_SECONDS", "SETTINGS", "URL_VARIABLE"]

PROPAGATION_SECONDS = Setting[float](
    "dns_propagation_seconds",
    "seconds",
    0.0,
    "seconds a new domain stays PENDING before it is ACTIVE",
)
SETTINGS = (PROPAGATION_SECONDS,)

#: Set for each test (and printed by ``serve``): the default tenant's DNS endpoint.
URL_VARIABLE = "MIMIC_DNS_URL"
#: A profile that would send a DNS client to a real account; unset for each test.
CONFLICTING_ENVIRONMENT = ("DNS_PROFILE",)
