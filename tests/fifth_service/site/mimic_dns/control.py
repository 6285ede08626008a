"""The DNS service's own control route, mounted by the control plane under
``/mimic/v1.1/dns/``: force a domain's status, as a test of a poller needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pytest_mimic.services.base import (
    ControlRoutes,
    expect_object,
    json_response,
    parse_json_body,
    route,
)

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

    from mimic_dns.api import DNSService

__all__ = ["DNSControl"]


class DNSControl(ControlRoutes):
    """``PUT /mimic/v1.1/dns/<tenant>/domains/<domain_id>/status`` with ``{"status": ...}``."""

    @route("/<tenant>/domains/<domain_id>/status", methods=["PUT"], auth=False)
    def set_dns_domain_status(self, request: Request, tenant: str, domain_id: str) -> Response:
        """Force the domain's status (``PENDING``, ``ACTIVE`` or ``ERROR``) from now on;
        answers the domain as the API now shows it.
        """
        body = expect_object(parse_json_body(request), "body")
        dns = cast("DNSService", self.service)
        domain = dns.domains.set_status(tenant, domain_id, body.get("status"))
        return json_response({"domain": dns.document(domain)})
