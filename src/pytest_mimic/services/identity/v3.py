"""Keystone v3 tokens: the password and token methods, project scope, the v3 catalog.

Modern OpenStack clouds speak only v3. Users and tenants are the same as in v2.0 (a tenant
is a project), all in one domain, ``default``. Tokens travel in ``X-Subject-Token``.
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
    expires_v3,
    optional_string,
)
from pytest_mimic.services.identity.model import (
    APIKEY,
    DEFAULT_ROLES,
    IMPERSONATION,
    PASSWORD,
    Token,
    TokenNotFound,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from werkzeug.wrappers import Request, Response

__all__ = ["IdentityV3"]

DOMAIN = {"id": "default", "name": "Default"}
_METHOD_NAMES = {PASSWORD: "password", APIKEY: "password", IMPERSONATION: "token"}
_SUPPORTED_METHODS = ("password", "token")


class IdentityV3(IdentityBase):
    """The ``/v3`` routes."""

    @route("/v3/auth/tokens", methods=("POST",), operation="authenticate_v3", auth=False)
    def authenticate_v3(self, request: Request) -> Response:
        """Issue a token (201) in ``X-Subject-Token``, scoped to a project."""
        auth = expect_object(parse_json_body(request), "request body")
        if "auth" not in auth:
            raise ServiceError(400, "Invalid request body: 'auth' is required.")
        auth = expect_object(auth["auth"], "auth")
        identity = expect_object(auth.get("identity"), "auth.identity")
        method = _method(identity)
        project_id, project_name = _project_scope(auth.get("scope"))
        if method == "token":
            credentials = expect_object(identity.get("token"), "auth.identity.token")
            token_id = expect_string(credentials.get("id"), "auth.identity.token.id")
            token = self.model.authenticate_token(
                token_id, tenant_id=project_id, tenant_name=project_name
            )
        else:
            password = expect_object(identity.get("password"), "auth.identity.password")
            user = expect_object(password.get("user"), "auth.identity.password.user")
            name = optional_string(user, "name", "auth.identity.password.user.name")
            user_id = optional_string(user, "id", "auth.identity.password.user.id")
            if name is None and user_id is None:
                raise ServiceError(
                    400,
                    "Invalid input for field/attribute auth.identity.password.user: "
                    "a name or an id is required.",
                )
            _domain_of_named(user, "user", "auth.identity.password.user")
            secret = expect_string(user.get("password"), "auth.identity.password.user.password")
            token = self.model.authenticate_secret(
                username=name,
                user_id=user_id,
                password=secret,
                tenant_id=project_id,
                tenant_name=project_name,
            )
        with_catalog = "nocatalog" not in request.args
        return json_response(
            self._token_body(request, token, with_catalog=with_catalog),
            201,
            headers={"X-Subject-Token": token.id},
        )

    @route("/v3/auth/tokens", operation="validate_token_v3", auth=False)
    def validate_token_v3(self, request: Request) -> Response:
        """Validate the token in ``X-Subject-Token`` for the caller in ``X-Auth-Token``."""
        self._caller(request, required=False)
        token = self._subject(request)
        with_catalog = "nocatalog" not in request.args
        return json_response(
            self._token_body(request, token, with_catalog=with_catalog),
            headers={"X-Subject-Token": token.id},
        )

    @route("/v3/auth/tokens", methods=("DELETE",), operation="revoke_token_v3", auth=False)
    def revoke_token_v3(self, request: Request) -> Response:
        """Revoke the token in ``X-Subject-Token``; 204."""
        self._caller(request, required=False)
        token = self._subject(request)
        self.model.revoke(token.id)
        return json_response(None, 204)

    def _subject(self, request: Request) -> Token:
        subject = request.headers.get("X-Subject-Token")
        if not subject:
            raise ServiceError(400, "The X-Subject-Token header is required.")
        token = self.model.valid_token(subject)
        if token is None:
            # Keystone's wording, not Rackspace's (``model.validate``).
            raise TokenNotFound(f"Could not find token: {subject}.")
        return token

    def _token_body(self, request: Request, token: Token, *, with_catalog: bool) -> dict[str, Any]:
        user = self.model.users[token.user_id]
        project = self.model.tenants[token.tenant_id]
        methods = list(dict.fromkeys(_METHOD_NAMES.get(m, m.lower()) for m in token.methods))
        body: dict[str, Any] = {
            "methods": methods,
            "user": {
                "id": user.id,
                "name": user.username,
                "domain": dict(DOMAIN),
                "password_expires_at": None,
            },
            "project": {"id": project.id, "name": project.name, "domain": dict(DOMAIN)},
            "is_domain": False,
            "roles": [{"id": role["id"], "name": role["name"]} for role in DEFAULT_ROLES],
            "audit_ids": [token.id[:22]],
            "issued_at": expires_v3(token.issued),
            "expires_at": expires_v3(token.expires),
        }
        if with_catalog:
            body["catalog"] = catalog.v3_catalog(self._endpoints(request, project.id))
        return {"token": body}

    def describe_v3(self, operation: str, request: Request) -> dict[str, Any]:
        """``username``, ``tenant_id`` and ``credential_type`` of a v3 login, best effort."""
        if operation != "authenticate_v3":
            return {}
        auth = _get(peek_json_body(request), "auth")
        identity = _get(auth, "identity")
        methods = _get(identity, "methods")
        method = methods[0] if isinstance(methods, list) and methods else None
        user = _get(_get(identity, "password"), "user")
        project = _get(_get(auth, "scope"), "project")
        attributes = {
            "credential_type": method,
            "username": _get(user, "name"),
            "tenant_id": _get(project, "id") or _get(project, "name"),
        }
        return {key: value for key, value in attributes.items() if isinstance(value, str)}


def _method(identity: Mapping[str, Any]) -> str:
    methods = identity.get("methods")
    if not isinstance(methods, list) or not methods:
        raise ServiceError(
            400,
            "Invalid input for field/attribute auth.identity.methods: expected a non-empty "
            "array of strings.",
        )
    if not all(isinstance(m, str) for m in methods):
        raise ServiceError(
            400, "Invalid input for field/attribute auth.identity.methods: expected strings."
        )
    for method in methods:
        if method not in _SUPPORTED_METHODS:
            # Keystone answers an unknown method with 401, not 400.
            raise ServiceError(
                401, f"Attempted to authenticate with an unsupported method: {method}."
            )
    return "token" if "token" in methods else "password"


def _project_scope(scope: Any) -> tuple[str | None, str | None]:
    """``(project_id, project_name)``; no scope (or ``"unscoped"``) means the default project."""
    if scope is None or scope == "unscoped":
        return None, None
    scope = expect_object(scope, "auth.scope")
    if "project" not in scope:
        kinds = ", ".join(sorted(scope)) or "nothing"
        raise ServiceError(
            400,
            f"Invalid input for field/attribute auth.scope: only project scope is "
            f"supported (got {kinds}).",
        )
    project = expect_object(scope["project"], "auth.scope.project")
    project_id = optional_string(project, "id", "auth.scope.project.id")
    project_name = optional_string(project, "name", "auth.scope.project.name")
    if project_id is None and project_name is None:
        raise ServiceError(
            400,
            "Invalid input for field/attribute auth.scope.project: a name or an id is required.",
        )
    _domain_of_named(project, "project", "auth.scope.project")
    return project_id, project_name


def _domain_of_named(entity: Mapping[str, Any], target: str, where: str) -> None:
    """Keystone refuses a user or project named without its domain (names are per domain),
    so code that forgets ``*_domain_id`` fails here as it would on a real cloud."""
    domain = entity.get("domain")
    if domain is not None:
        expect_object(domain, f"{where}.domain")
    elif entity.get("id") is None:
        raise ServiceError(
            400,
            f"Expecting to find domain in {target}. The server could not comply with the "
            "request since it is either malformed or otherwise incorrect.",
        )


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None
