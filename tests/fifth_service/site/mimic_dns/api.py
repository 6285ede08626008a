"""The DNS service's HTTP layer: routes, request parsing, answers, its error shape.

Domains live under ``/dns/v1.0/{tenant}/domains``; errors answer as Rackspace Cloud DNS
does, ``{"code": 404, "message": "Not Found", "details": "Domain ID: ... not found"}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from werkzeug.http import HTTP_STATUS_CODES

from mimic_dns import model
from mimic_dns import settings as dns_settings
from mimic_dns.control import DNSControl
from pytest_mimic.clock import isoformat_z
from pytest_mimic.services.base import (
    CatalogEntry,
    ControlRoutes,
    RoutedService,
    Sample,
    ServiceContext,
    behaviors,
    expect_object,
    json_response,
    parse_json_body,
    peek_json_body,
    route,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from werkzeug.wrappers import Request, Response

    from pytest_mimic.scenarios import Scenario
    from pytest_mimic.settings import Setting

__all__ = ["DNSService"]

_DOMAINS = "/v1.0/<tenant>/domains"


class DNSService(RoutedService):
    """A fake of Rackspace Cloud DNS's domains: create, list, read, delete."""

    name: ClassVar[str] = "dns"
    prefix: ClassVar[str] = "/dns"
    settings: ClassVar[Sequence[Setting[Any]]] = dns_settings.SETTINGS
    behaviors: ClassVar[Mapping[str, str]] = {
        "stuck": "the new domain stays PENDING until its status is forced",
    }
    conflicting_environment: ClassVar[Sequence[str]] = dns_settings.CONFLICTING_ENVIRONMENT
    control: ClassVar[type[ControlRoutes] | None] = DNSControl
    described_attributes: ClassVar[frozenset[str]] = frozenset({"domain_name"})

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self.domains = model.Domains(context.now, self._propagation)

    def _propagation(self) -> float:
        return self.context.config.value(dns_settings.PROPAGATION_SECONDS)

    # -- service interface -------------------------------------------------------------

    @classmethod
    def scenarios(cls) -> Sequence[Scenario]:
        from mimic_dns.scenarios import SCENARIOS

        return SCENARIOS

    def catalog_entries(self) -> Sequence[CatalogEntry]:
        return (CatalogEntry("rax:dns", "cloudDNS", "/dns/v1.0/{tenant}"),)

    def environment(self, base_url: str) -> Mapping[str, str]:
        tenant = self.context.config.credentials.tenant_id
        return {dns_settings.URL_VARIABLE: f"{base_url}{self.prefix}/v1.0/{tenant}"}

    def state(self) -> Mapping[str, Any]:
        return {"domains": len(self.domains)}

    def samples(self) -> Sequence[Sample]:
        domain = {"name": "sample.example.com", "emailAddress": "admin@example.com", "ttl": 3600}
        return (
            Sample("POST", "/v1.0/{tenant}/domains", body={"domain": domain}, expect=(201,)),
            Sample("GET", "/v1.0/{tenant}/domains", expect=(200,)),
        )

    def reset(self) -> None:
        self.context.discard(self.domains.reset())

    def describe(
        self, operation: str, request: Request, arguments: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """``domain_name``: the name a create asks for, or the name of the domain named."""
        if operation == "create_domain":
            body = peek_json_body(request)
            domain = body.get("domain") if isinstance(body, dict) else None
            name = domain.get("name") if isinstance(domain, dict) else None
            return {"domain_name": name} if isinstance(name, str) else {}
        domain_id, tenant = arguments.get("domain_id"), arguments.get("tenant")
        if isinstance(domain_id, str) and isinstance(tenant, str):
            try:
                return {"domain_name": self.domains.get(tenant, domain_id).name}
            except model.NotFound:
                return {}
        return {}

    def document(self, domain: model.Domain) -> dict[str, Any]:
        """A domain as the API shows it, with its status now."""
        return {
            "id": domain.id,
            "accountId": domain.tenant,
            "name": domain.name,
            "emailAddress": domain.email,
            "ttl": domain.ttl,
            "status": domain.status(self.context.now()),
            "created": isoformat_z(domain.created),
        }

    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        """``{"code", "message", "details"}``: the status, its name, then what went wrong."""
        body = {
            "code": status,
            "message": HTTP_STATUS_CODES.get(status, "Error"),
            "details": message,
        }
        return json_response(body, status, headers=headers)

    # -- operations --------------------------------------------------------------------

    @route(_DOMAINS, methods=["POST"])
    def create_domain(self, request: Request, tenant: str) -> Response:
        body = expect_object(parse_json_body(request), "body")
        domain = expect_object(body.get("domain"), "domain")
        stuck = any(behave.name == "stuck" for behave in behaviors(request))
        made = self.domains.create(
            tenant, domain.get("name"), domain.get("emailAddress"), domain.get("ttl"), stuck=stuck
        )
        return json_response({"domain": self.document(made)}, 201)

    @route(_DOMAINS)
    def list_domains(self, request: Request, tenant: str) -> Response:
        found = [self.document(domain) for domain in self.domains.list(tenant)]
        return json_response({"domains": found, "totalEntries": len(found)})

    @route(_DOMAINS + "/<domain_id>")
    def get_domain(self, request: Request, tenant: str, domain_id: str) -> Response:
        return json_response({"domain": self.document(self.domains.get(tenant, domain_id))})

    @route(_DOMAINS + "/<domain_id>", methods=["DELETE"])
    def delete_domain(self, request: Request, tenant: str, domain_id: str) -> Response:
        self.domains.delete(tenant, domain_id)
        return json_response(None, 204)
