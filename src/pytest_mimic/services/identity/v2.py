"""Rackspace Identity v2.0: tokens, validation, revocation, impersonation, tenants.

The request and response shapes are those keystoneauth1, libcloud, pyrax and rackspaceauth
send and read (see the client traces); errors use Rackspace's fault bodies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_mimic.services.base import (
    ServiceError,
    expect_object,
    expect_string,
    json_response,
    parse_json_body,
    peek_json_body,
    route,
)
from pytest_mimic.services.identity import catalog
from pytest_mimic.services.identity.common import (
    IdentityBase,
    expires_v2,
    optional_string,
)
from pytest_mimic.services.identity.model import DEFAULT_ROLES, Token

if TYPE_CHECKING:
    from collections.abc import Mapping

    from werkzeug.wrappers import Request, Response

__all__ = ["IdentityV2"]

PASSWORD_KEY = "passwordCredentials"
APIKEY_KEY = "RAX-KSKEY:apiKeyCredentials"
TOKEN_KEY = "token"
CREDENTIAL_KEYS = (PASSWORD_KEY, APIKEY_KEY, TOKEN_KEY)
CREDENTIAL_TYPES = {PASSWORD_KEY: "password", APIKEY_KEY: "apikey", TOKEN_KEY: "token"}

IMPERSONATION_KEY = "RAX-AUTH:impersonation"
#: Longest impersonation a request may ask for (366 days); longer is a 400.
MAX_IMPERSONATION_SECONDS = 366 * 24 * 3600


class IdentityV2(IdentityBase):
    """The ``/v2.0`` routes."""

    @route("/v2.0/tokens", methods=("POST",), operation="authenticate", auth=False)
    def authenticate(self, request: Request) -> Response:
        """Log in with a password, an API key or a token; answer the token and catalog."""
        auth = _auth_object(parse_json_body(request))
        tenant_id = optional_string(auth, "tenantId", "auth.tenantId")
        tenant_name = optional_string(auth, "tenantName", "auth.tenantName")
        kind = _credential_key(auth)
        credentials = expect_object(auth[kind], f"auth.{kind}")
        if kind == TOKEN_KEY:
            token_id = expect_string(credentials.get("id"), "auth.token.id")
            token = self.model.authenticate_token(
                token_id, tenant_id=tenant_id, tenant_name=tenant_name
            )
        else:
            secret_key = "password" if kind == PASSWORD_KEY else "apiKey"
            username = optional_string(credentials, "username", f"auth.{kind}.username")
            user_id = optional_string(credentials, "userId", f"auth.{kind}.userId")
            if username is None and user_id is None:
                raise ServiceError(
                    400, f"Invalid input for field/attribute auth.{kind}: username is required."
                )
            secret = expect_string(credentials.get(secret_key), f"auth.{kind}.{secret_key}")
            token = self.model.authenticate_secret(
                username=username,
                user_id=user_id,
                password=secret if kind == PASSWORD_KEY else None,
                api_key=secret if kind == APIKEY_KEY else None,
                tenant_id=tenant_id,
                tenant_name=tenant_name,
                reuse=True,
            )
        return json_response(self._access(request, token, with_catalog=True))

    @route("/v2.0/tokens/<token_id>", operation="validate_token", auth=False)
    def validate_token(self, request: Request, token_id: str) -> Response:
        """Validate a token (``?belongsTo=`` a tenant id or name); unknown or dead is 404."""
        self._caller(request, required=False)
        belongs_to = request.args.get("belongsTo") or None
        token = self.model.validate(token_id, belongs_to=belongs_to)
        return json_response(self._access(request, token, with_catalog=False))

    @route("/v2.0/tokens/<token_id>/endpoints", operation="list_endpoints", auth=False)
    def list_endpoints(self, request: Request, token_id: str) -> Response:
        """The token's catalog as one flat list of endpoints."""
        self._caller(request, required=False)
        token = self.model.validate(token_id)
        found = self._endpoints(request, token.tenant_id)
        return json_response({"endpoints": catalog.v2_endpoint_list(found), "endpoints_links": []})

    @route("/v2.0/tokens", methods=("DELETE",), operation="revoke_token", auth=False)
    @route("/v2.0/tokens/<token_id>", methods=("DELETE",), operation="revoke_token", auth=False)
    def revoke_token(self, request: Request, token_id: str | None = None) -> Response:
        """Revoke ``token_id``, or the caller's own token when none is named; 204."""
        caller = self._caller(request, required=token_id is None)
        target = token_id if token_id is not None else caller.id if caller else ""
        self.model.revoke(target)
        return json_response(None, 204)

    @route(
        "/v2.0/RAX-AUTH/impersonation-tokens",
        methods=("POST",),
        operation="impersonate",
        auth=False,
    )
    def impersonate(self, request: Request) -> Response:
        """A token acting as another user, for the caller (the impersonator)."""
        caller = self._caller(request, required=False)
        body = expect_object(parse_json_body(request), "request body")
        if IMPERSONATION_KEY not in body:
            raise ServiceError(400, f"Invalid request body: '{IMPERSONATION_KEY}' is required.")
        spec = expect_object(body[IMPERSONATION_KEY], IMPERSONATION_KEY)
        user = expect_object(spec.get("user"), f"{IMPERSONATION_KEY}.user")
        username = expect_string(user.get("username"), f"{IMPERSONATION_KEY}.user.username")
        expire_in = _expire_in(spec.get("expire-in-seconds"))
        token = self.model.impersonate(username, impersonator=caller, expire_in=expire_in)
        tenant = self.model.tenants[token.tenant_id]
        return json_response(
            {
                "access": {
                    "token": {
                        "id": token.id,
                        "expires": expires_v2(token.expires),
                        "tenant": {"id": tenant.id, "name": tenant.name},
                        "RAX-AUTH:authenticatedBy": list(token.methods),
                    }
                }
            }
        )

    @route("/v2.0/tenants", operation="list_tenants", auth=False)
    def list_tenants(self, request: Request) -> Response:
        """The tenants of the user whose token is in ``X-Auth-Token`` (required)."""
        caller = self._caller(request, required=True)
        assert caller is not None  # required=True never returns None
        user = self.model.users[caller.user_id]
        tenants = [
            {"id": t.id, "name": t.name, "enabled": True} for t in self.model.user_tenants(user)
        ]
        return json_response({"tenants": tenants, "tenants_links": []})

    # -- response bodies -------------------------------------------------------------------

    def _access(self, request: Request, token: Token, *, with_catalog: bool) -> dict[str, Any]:
        user = self.model.users[token.user_id]
        tenant = self.model.tenants[token.tenant_id]
        access: dict[str, Any] = {
            "token": {
                "id": token.id,
                "expires": expires_v2(token.expires),
                "tenant": {"id": tenant.id, "name": tenant.name},
                "RAX-AUTH:authenticatedBy": list(token.methods),
            },
            "user": {
                "id": user.id,
                "name": user.username,
                "roles": [dict(role) for role in DEFAULT_ROLES],
                "RAX-AUTH:defaultRegion": self._region(user),
            },
        }
        if with_catalog:
            access["serviceCatalog"] = catalog.v2_catalog(self._endpoints(request, tenant.id))
        if token.impersonator_id is not None:
            impersonator = self.model.users.get(token.impersonator_id)
            if impersonator is not None:
                access["RAX-AUTH:impersonator"] = {
                    "id": impersonator.id,
                    "name": impersonator.username,
                    "roles": [dict(role) for role in DEFAULT_ROLES],
                }
        return {"access": access}

    # -- fault-rule attributes -------------------------------------------------------------

    def describe_v2(self, operation: str, request: Request) -> dict[str, Any]:
        """``username``, ``tenant_id`` and ``credential_type`` of a v2.0 request, best effort."""
        body = peek_json_body(request)
        if operation == "authenticate":
            return _describe_auth(body)
        if operation == "impersonate":
            spec = _get(body, IMPERSONATION_KEY)
            return _present({"username": _get(_get(spec, "user"), "username")})
        if operation == "validate_token":
            return _present({"tenant_id": request.args.get("belongsTo")})
        return {}


def _auth_object(body: Any) -> dict[str, Any]:
    body = expect_object(body, "request body")
    if "auth" not in body:
        raise ServiceError(400, "Invalid request body: 'auth' is required.")
    return expect_object(body["auth"], "auth")


def _credential_key(auth: Mapping[str, Any]) -> str:
    present = [key for key in CREDENTIAL_KEYS if key in auth]
    if not present:
        others = sorted(k for k in auth if k not in ("tenantId", "tenantName"))
        got = f" (got: {', '.join(others)})" if others else ""
        raise ServiceError(
            400,
            "Invalid request body: no supported credentials; expected one of "
            f"{', '.join(CREDENTIAL_KEYS)}{got}.",
        )
    if len(present) > 1:
        raise ServiceError(
            400, f"Invalid request body: give one kind of credentials, not {', '.join(present)}."
        )
    return present[0]


def _expire_in(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ServiceError(
            400, "Invalid input for field/attribute expire-in-seconds: expected a number."
        )
    if not 0 < value <= MAX_IMPERSONATION_SECONDS:
        raise ServiceError(
            400,
            "Invalid input for field/attribute expire-in-seconds: must be between 1 and "
            f"{MAX_IMPERSONATION_SECONDS}.",
        )
    return float(value)


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _present(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in attributes.items() if isinstance(value, str)}


def _describe_auth(body: Any) -> dict[str, Any]:
    auth = _get(body, "auth")
    if not isinstance(auth, dict):
        return {}
    kinds = [key for key in CREDENTIAL_KEYS if key in auth]
    credentials = _get(auth, kinds[0]) if len(kinds) == 1 else None
    attributes = {
        "credential_type": CREDENTIAL_TYPES[kinds[0]] if len(kinds) == 1 else None,
        "username": _get(credentials, "username"),
        "tenant_id": _get(auth, "tenantId") or _get(auth, "tenantName"),
    }
    return _present(attributes)
