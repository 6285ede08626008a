"""``IdentityService``: both API versions and the version documents clients discover.

keystoneauth's generic plugins (openstacksdk ``auth_type: password``, the ``openstack`` CLI,
novaclient without a session) first ``GET`` the auth URL and follow the ``self`` link of the
version they pick, so every version document carries an absolute link built from the host
and port the client used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_mimic.services.base import json_response, route
from pytest_mimic.services.identity.v2 import IdentityV2
from pytest_mimic.services.identity.v3 import IdentityV3

if TYPE_CHECKING:
    from collections.abc import Mapping

    from werkzeug.wrappers import Request, Response

__all__ = ["IdentityService"]


class IdentityService(IdentityV2, IdentityV3):
    """Rackspace Identity v2.0 and Keystone v3 under ``/identity``.

    A test declares users with ``add_user`` and tenants with ``add_tenant``; anyone else
    is registered on first login (see ``model``). Other services learn whether a token is
    valid through ``context.token_validator`` and whose it is through ``context.caller``,
    which this service answers.
    """

    @route("/", operation="version", auth=False)
    @route("/v2.0", operation="version", auth=False)
    @route("/v2.0/", operation="version", auth=False)
    @route("/v3", operation="version", auth=False)
    @route("/v3/", operation="version", auth=False)
    def version(self, request: Request) -> Response:
        """One version document at ``/v2.0`` or ``/v3``; both (300) at the root."""
        api = _api(request)
        if api == "v2.0":
            return json_response({"version": self._v2_document(request)})
        if api == "v3":
            return json_response({"version": self._v3_document(request)})
        # Keystone answers its root with 300 Multiple Choices; keystoneauth expects that.
        documents = [self._v3_document(request), self._v2_document(request)]
        return json_response({"versions": {"values": documents}}, 300)

    def state(self) -> Mapping[str, Any]:
        """Users (with their tenants), tenants, and how many tokens are valid now."""
        model = self.model
        now = self.context.now()
        return {
            "users": [
                {
                    "username": user.username,
                    "id": user.id,
                    "tenants": list(user.tenant_ids),
                    "password": user.password is not None,
                    "api key": user.api_key is not None,
                }
                for user in model.users.values()
            ],
            "tenants": [{"id": t.id, "name": t.name} for t in model.tenants.values()],
            "valid tokens": sum(token.valid_at(now) for token in model.tokens.values()),
        }

    def describe(
        self, operation: str, request: Request, arguments: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Attributes fault rules match on: ``username``, ``tenant_id``, ``credential_type``
        for logins, ``api`` for version documents; never raises on bad input."""
        if operation == "version":
            return {"api": _api(request) or "root"}
        if operation.endswith("_v3"):
            return self.describe_v3(operation, request)
        return self.describe_v2(operation, request)

    def _v2_document(self, request: Request) -> dict[str, Any]:
        return {
            "id": "v2.0",
            "status": "stable",
            "updated": "2014-04-17T00:00:00Z",
            "links": [
                {"rel": "self", "href": self._self_url(request, "/v2.0/")},
                {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
            ],
            "media-types": [
                {
                    "base": "application/json",
                    "type": "application/vnd.openstack.identity-v2.0+json",
                }
            ],
        }

    def _v3_document(self, request: Request) -> dict[str, Any]:
        return {
            "id": "v3.14",
            "status": "stable",
            "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": self._self_url(request, "/v3/")}],
            "media-types": [
                {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
            ],
        }


def _api(request: Request) -> str | None:
    path = request.path.rstrip("/")
    if path == "/v2.0":
        return "v2.0"
    if path == "/v3":
        return "v3"
    return None
