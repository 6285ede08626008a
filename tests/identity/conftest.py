"""Identity tests run against a cloud of Identity plus a tiny compute stub.

The stub stands in for the real services so these tests prove Identity alone: it puts a
``compute`` and a ``rax:load-balancer`` entry in the catalog and answers one token-checked
route, enough to see a client pick an endpoint and a dead token get 401.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pytest
from werkzeug.test import Client

from pytest_mimic.clock import Clock
from pytest_mimic.cloud import MimicCloud
from pytest_mimic.config import CloudConfig
from pytest_mimic.services.base import (
    CatalogEntry,
    RoutedService,
    ServiceContext,
    json_response,
    route,
)
from pytest_mimic.services.identity import IdentityService

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

COMPUTE_PATH = "/compute-stub/v2/{tenant}"
LB_PATH = "/compute-stub/lb/{region}/v1.0/{tenant}"


class ComputeStub(RoutedService):
    """A service with a Nova-like catalog entry and one route that needs a valid token."""

    name: ClassVar[str] = "compute-stub"
    prefix: ClassVar[str] = "/compute-stub"

    def catalog_entries(self) -> tuple[CatalogEntry, ...]:
        return (
            CatalogEntry("compute", "cloudServersOpenStack", COMPUTE_PATH),
            CatalogEntry("rax:load-balancer", "cloudLoadBalancers", LB_PATH, regions=("ORD",)),
        )

    @route("/v2/<tenant>/servers", operation="list_servers")
    def list_servers(self, request: Request, tenant: str) -> Response:
        return json_response({"servers": []})


@pytest.fixture(scope="session")
def identity_session_cloud(mimic_config: CloudConfig):
    """A session cloud of Identity and the stub only, on its own port."""
    cloud = MimicCloud(config=mimic_config, services=[IdentityService, ComputeStub])
    cloud.start()
    yield cloud
    cloud.stop()


@pytest.fixture
def mimic_cloud(identity_session_cloud, mimic_transport):
    """Overrides the plugin's fixture in this directory with the Identity-only cloud.

    Same bracket as the plugin's (reset, client environment, server-error check, transport),
    so ``time_travel`` and everything else behave as they do for users.
    """
    with identity_session_cloud.test(transport=mimic_transport) as cloud:
        yield cloud


@pytest.fixture
def identity(mimic_cloud) -> IdentityService:
    return mimic_cloud.service("identity")


@pytest.fixture
def auth_url(mimic_cloud) -> str:
    """The v2.0 auth URL, ``http://host:port/identity/v2.0``."""
    return mimic_cloud.url("auth")


@pytest.fixture
def auth_v3_url(mimic_cloud) -> str:
    return mimic_cloud.url("auth_v3")


class Standalone:
    """Identity alone behind werkzeug's test client, with its own clock and config."""

    def __init__(self, config: CloudConfig | None = None) -> None:
        self.clock = Clock()
        self.clock.freeze()
        self.config = config or CloudConfig()
        self.services: list[object] = []
        self.context = ServiceContext(self.clock, lambda: self.config, lambda: self.services)
        self.service = IdentityService(self.context)
        self.services.append(self.service)
        self.client = Client(self.service.wsgi_app)

    def request(self, method: str, path: str, **kwargs):
        return self.client.open(path, method=method, base_url="http://fake:8900/identity", **kwargs)

    def login(self, username: str = "alice", password: str = "pw", **auth) -> dict:
        body = {"auth": {"passwordCredentials": {"username": username, "password": password}}}
        body["auth"].update(auth)
        response = self.request("POST", "/v2.0/tokens", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json["access"]


@pytest.fixture
def standalone() -> Standalone:
    return Standalone()
