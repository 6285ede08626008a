"""What the v2.0 and v3 halves of Identity share: the model, caller checks, catalogs, errors.

v2.0 answers errors in Rackspace's ``{"unauthorized": {"code", "message"}}`` shape, v3 in
Keystone's ``{"error": {"code", "title", "message"}}``; ``error_response`` picks by the
path of the request it answers (injected faults included).
"""

from __future__ import annotations

import http
from typing import TYPE_CHECKING, Any, ClassVar

from pytest_mimic.clock import isoformat_z
from pytest_mimic.services.base import (
    Caller,
    CatalogEntry,
    RoutedService,
    Sample,
    ServiceContext,
    ServiceError,
    base_url,
    expect_string,
    json_response,
)
from pytest_mimic.services.identity import catalog, seed
from pytest_mimic.services.identity.model import IdentityModel, Tenant, Token, User
from pytest_mimic.services.identity.settings import (
    CONFLICTING_ENVIRONMENT,
    SETTINGS,
    TOKEN_LIFETIME,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from werkzeug.wrappers import Request, Response

    from pytest_mimic.scenarios import Scenario
    from pytest_mimic.settings import Setting

__all__ = ["IdentityBase"]


#: The 401 for a missing or dead ``X-Auth-Token`` on Identity's own authenticated routes.
NO_VALID_TOKEN = "No valid token provided. Please use the 'X-Auth-Token' header with a valid token."


class IdentityBase(RoutedService):
    """The state and helpers both API versions use; routes live in the subclasses."""

    name: ClassVar[str] = "identity"
    settings: ClassVar[Sequence[Setting[Any]]] = SETTINGS
    conflicting_environment: ClassVar[Sequence[str]] = CONFLICTING_ENVIRONMENT
    described_attributes: ClassVar[frozenset[str]] = frozenset(
        {"username", "tenant_id", "credential_type", "api", "token"}
    )

    @classmethod
    def scenarios(cls) -> Sequence[Scenario]:
        from pytest_mimic.services.identity.scenarios import SCENARIOS

        return SCENARIOS

    prefix: ClassVar[str] = "/identity"

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        #: The users, tenants and tokens (replaced at each reset). Its methods raise
        #: ``AuthenticationFailed`` (401) and ``TokenNotFound`` (404), both ``ServiceError``.
        self.model: IdentityModel = self._fresh_model()
        context.token_validator = self._token_is_valid
        context.token_owner = self._token_owner

    # -- Service interface ---------------------------------------------------------------

    seed_fields: ClassVar[Mapping[str, str]] = seed.SEED_FIELDS

    def reset(self) -> None:
        """Forget every user, tenant and token except the configured default user."""
        self.model = self._fresh_model()

    @classmethod
    def check_seed(cls, section: Mapping[str, Any]) -> seed.IdentitySeed:
        return seed.check(section)

    def load_seed(self, checked: seed.IdentitySeed) -> None:
        seed.load(self.model, checked)

    def export(self) -> Mapping[str, Any]:
        return seed.export(self.model, self._fresh_model())

    def samples(self) -> Sequence[Sample]:
        """The version document and a password login, as every client starts."""
        creds = self.context.config.credentials
        login = {
            "auth": {
                "passwordCredentials": {"username": creds.username, "password": creds.password}
            }
        }
        return (
            Sample("GET", "/v2.0", auth=False),
            Sample("POST", "/v2.0/tokens", login, auth=False),
        )

    def environment(self, base_url: str) -> Mapping[str, str]:
        """What OpenStack clients (keystoneauth1, the ``openstack`` and ``nova`` commands)
        read: the v2.0 auth URL, the default user and the default region.
        """
        config = self.context.config
        creds = config.credentials
        return {
            "OS_AUTH_URL": f"{base_url}{self.prefix}/v2.0",
            "OS_USERNAME": creds.username,
            "OS_PASSWORD": creds.password,
            "OS_TENANT_ID": creds.tenant_id,
            "OS_PROJECT_ID": creds.tenant_id,
            "OS_REGION_NAME": config.default_region,
        }

    def urls(self) -> Mapping[str, str]:
        return {
            "auth": f"{self.prefix}/v2.0",
            "auth_v3": f"{self.prefix}/v3",
            "identity": self.prefix,
        }

    def catalog_entries(self) -> Sequence[CatalogEntry]:
        # Unversioned, as modern Keystone lists itself: clients discover v2.0 or v3 there.
        return (CatalogEntry("identity", "keystone", self.prefix),)

    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        """Rackspace fault shape for v2.0 and the root, Keystone's for v3."""
        if request is not None and _is_v3(request):
            return json_response(
                {"error": {"code": status, "title": _title(status), "message": message}},
                status,
                headers=headers,
            )
        return super().error_response(status, message, fault=fault, headers=headers)

    # -- declaring users (the test-facing API) ------------------------------------------

    def add_user(
        self,
        username: str,
        *,
        password: str | None = None,
        api_key: str | None = None,
        tenant_id: str | None = None,
        default_region: str | None = None,
    ) -> User:
        """Declare a user up front (or add a secret or tenant to a known one).

        From then on only the given secrets log ``username`` in: a user declared with a
        password only gets 401 for any API key, and the other way round. A user declared
        with no secret at all takes the first one a login presents.
        """
        return self.model.add_user(
            username,
            password=password,
            api_key=api_key,
            tenant_id=tenant_id,
            default_region=default_region,
        )

    def add_tenant(self, tenant_id: str, *, name: str | None = None) -> Tenant:
        """Declare a tenant (a v3 project); ``name`` defaults to the id."""
        return self.model.add_tenant(tenant_id, name=name)

    def find_user(self, username: str) -> User | None:
        """The user called ``username`` (declared or registered by a login), if known."""
        return self.model.find_user(username)

    def token_is_valid(self, token: str | None) -> bool:
        """Whether ``token`` is known, unexpired by the clock and not revoked."""
        return self.model.is_valid(token)

    # -- helpers for the route handlers --------------------------------------------------

    def _fresh_model(self) -> IdentityModel:
        model = IdentityModel(self.context.clock, lambda: self.context.config.value(TOKEN_LIFETIME))
        creds = self.context.config.credentials
        model.add_user(
            creds.username,
            password=creds.password,
            api_key=creds.api_key,
            tenant_id=creds.tenant_id,
            user_id=seed.default_user_id(creds.username),  # the same in every fresh model
        )
        return model

    def _token_is_valid(self, token: str | None) -> bool:
        # Looks the model up at call time: a reset replaces the model, not the validator.
        return self.model.is_valid(token)

    def _token_owner(self, token: str | None) -> Caller | None:
        # Any token this service issued, live or not: check_tokens decides about use.
        known = self.model.tokens.get(token) if token else None
        return None if known is None else Caller(known.user_id, known.tenant_id)

    def _caller(self, request: Request, *, required: bool) -> Token | None:
        """The token in ``X-Auth-Token``, or a 401 when it must be valid and is not.

        With ``check_tokens`` off a dead or missing token passes (as the original Mimic),
        unless the route needs to know who is calling (``required``).
        """
        header = request.headers.get("X-Auth-Token")
        token = self.model.valid_token(header)
        if token is not None:
            return token
        if not self.context.config.check_tokens:
            known = self.model.tokens.get(header) if header else None
            if known is not None or not required:
                return known
        raise ServiceError(401, NO_VALID_TOKEN, fault="unauthorized")

    def _endpoints(self, request: Request, tenant_id: str) -> list[catalog.Endpoint]:
        return catalog.endpoints(
            self.context.services,
            base_url(request),
            tenant_id=tenant_id,
            regions=self.context.config.regions,
        )

    def _region(self, user: User) -> str:
        return user.default_region or self.context.config.default_region

    def _self_url(self, request: Request, path: str) -> str:
        return f"{base_url(request)}{self.prefix}{path}"


def expires_v2(timestamp: float) -> str:
    """``YYYY-MM-DDTHH:MM:SS.fffZ``: pyrax's parser needs the fraction, libcloud the zone."""
    return isoformat_z(timestamp, digits=3)


def expires_v3(timestamp: float) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ``, as Keystone writes ``expires_at``."""
    return isoformat_z(timestamp, digits=6)


def optional_string(container: Mapping[str, Any], key: str, where: str) -> str | None:
    """``container[key]`` if present and a non-empty string; absent or ``null`` is ``None``."""
    value = container.get(key)
    return None if value is None else expect_string(value, where)


def _is_v3(request: Request) -> bool:
    path = request.path
    return path == "/v3" or path.startswith("/v3/")


def _title(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"
