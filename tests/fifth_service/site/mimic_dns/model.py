"""Domains per tenant: plain Python, no HTTP.

A domain's status is derived from the clock when it is read: PENDING from its creation until
the propagation delay has passed, then ACTIVE (``Timeline``); a forced status replaces what
was planned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_mimic.errors import ServiceError
from pytest_mimic.services.base import new_id
from pytest_mimic.services.lifecycle import Timeline

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "STATUSES",
    "BadRequest",
    "DNSError",
    "Domain",
    "Domains",
    "NotFound",
]

#: Every status a domain can be in (and the control plane may force).
STATUSES = ("PENDING", "ACTIVE", "ERROR")
#: The least TTL the service accepts, and the one a domain gets when none is given.
MIN_TTL = 300
_MAX_TTL = 2**31 - 1
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class DNSError(ServiceError):
    """A request the DNS service refuses."""


class BadRequest(DNSError):
    default_status = 400
    default_fault = "badRequest"


class NotFound(DNSError):
    default_status = 404
    default_fault = "itemNotFound"


@dataclass
class Domain:
    """One domain of one tenant."""

    id: str
    tenant: str
    name: str
    email: str
    ttl: int
    created: float
    timeline: Timeline = field(default_factory=Timeline)

    def status(self, now: float) -> str:
        return self.timeline.status_at(now)


class Domains:
    """Every tenant's domains. ``now`` is the cloud's clock; ``propagation`` reads the
    current setting (so a change applies to domains created after it).
    """

    def __init__(self, now: Callable[[], float], propagation: Callable[[], float]) -> None:
        self._now = now
        self._propagation = propagation
        self._domains: dict[str, Domain] = {}

    def reset(self) -> dict[str, Domain]:
        """Forget every domain; returns the old ones (to be freed elsewhere)."""
        old, self._domains = self._domains, {}
        return old

    def __len__(self) -> int:
        return len(self._domains)

    def create(
        self, tenant: str, name: object, email: object, ttl: object = None, *, stuck: bool = False
    ) -> Domain:
        """A new domain, PENDING until propagated (for ever if ``stuck``)."""
        now = self._now()
        domain = Domain(
            new_id(),
            tenant,
            _domain_name(name),
            _email(email),
            _ttl(ttl),
            now,
        )
        domain.timeline.set(now, "PENDING")
        if not stuck:
            domain.timeline.set(now + self._propagation(), "ACTIVE")
        self._domains[domain.id] = domain
        return domain

    def list(self, tenant: str) -> list[Domain]:
        """The tenant's domains, oldest first."""
        return [d for d in self._domains.values() if d.tenant == tenant]

    def get(self, tenant: str, domain_id: str) -> Domain:
        domain = self._domains.get(domain_id)
        if domain is None or domain.tenant != tenant:
            raise NotFound(f"Domain ID: {domain_id} not found")
        return domain

    def delete(self, tenant: str, domain_id: str) -> None:
        del self._domains[self.get(tenant, domain_id).id]

    def set_status(self, tenant: str, domain_id: str, status: object) -> Domain:
        """Force ``status`` from now on, cancelling any planned change."""
        if status not in STATUSES:
            raise BadRequest(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        domain = self.get(tenant, domain_id)
        domain.timeline.set(self._now(), str(status))
        return domain


def _domain_name(value: object) -> str:
    if not isinstance(value, str):
        raise BadRequest("domain.name must be a string")
    name = value.strip().lower().rstrip(".")
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(x) for x in labels):
        raise BadRequest(f"domain.name {value!r} is not a valid domain name")
    return name


def _email(value: object) -> str:
    if not isinstance(value, str) or value.count("@") != 1 or len(value) > 254:
        raise BadRequest("domain.emailAddress must be an email address")
    local, _, host = value.partition("@")
    if not local.strip() or not host.strip():
        raise BadRequest("domain.emailAddress must be an email address")
    return value


def _ttl(value: object) -> int:
    if value is None:
        return MIN_TTL
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_TTL <= value <= _MAX_TTL:
        raise BadRequest(f"domain.ttl must be a whole number from {MIN_TTL} to {_MAX_TTL}")
    return value
