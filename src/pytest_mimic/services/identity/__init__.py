"""The Identity service: Rackspace Identity v2.0 and Keystone v3, with the service catalog.

Every real client is configured with one auth URL and finds everything else through the
catalog this service builds, so it decides whether any client works at all.
"""

from __future__ import annotations

from pytest_mimic.services.identity.model import IdentityModel, Tenant, Token, User
from pytest_mimic.services.identity.service import IdentityService

__all__ = ["IdentityModel", "IdentityService", "Tenant", "Token", "User"]
