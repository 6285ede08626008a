"""Fixtures for the Nova tests: raw HTTP, novaclient, openstacksdk and libcloud clients.

Every client logs in through the fake Identity with the default credentials that
``mimic_cloud`` puts in the environment, and finds compute through the service catalog.
"""

from __future__ import annotations

import pytest
import requests


class ComputeHTTP:
    """``requests`` against the compute endpoint of one tenant and region, with a token."""

    def __init__(self, cloud, region=None):
        creds = cloud.credentials
        body = {
            "auth": {
                "passwordCredentials": {"username": creds.username, "password": creds.password}
            }
        }
        access = requests.post(f"{cloud.auth_url}/tokens", json=body, timeout=10).json()["access"]
        self.token = access["token"]["id"]
        self.tenant = access["token"]["tenant"]["id"]
        self.url = cloud.url("compute", region=region, tenant=self.tenant)
        self.session = requests.Session()
        self.session.headers["X-Auth-Token"] = self.token

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        url = path if path.startswith("http") else f"{self.url}{path}"
        return self.session.request(method, url, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def create(self, name="srv", **server):
        body = {"server": {"name": name, "imageRef": "img-1", "flavorRef": "2", **server}}
        response = self.post("/servers", json=body)
        assert response.status_code == 202, response.text
        return response.json()["server"]["id"]

    def server(self, server_id):
        response = self.get(f"/servers/{server_id}")
        assert response.status_code == 200, response.text
        return response.json()["server"]

    def action(self, server_id, body):
        return self.post(f"/servers/{server_id}/action", json=body)


@pytest.fixture
def compute(mimic_cloud):
    """Raw HTTP to the default tenant's compute endpoint in the default region."""
    return ComputeHTTP(mimic_cloud)


@pytest.fixture
def nova_service(mimic_cloud):
    """The ``NovaService`` object of the cloud (model access, quotas)."""
    return mimic_cloud.service("nova")


@pytest.fixture
def nova(mimic_cloud):
    """python-novaclient, API 2.1, over a keystoneauth session."""
    from keystoneauth1 import session
    from keystoneauth1.identity import v2
    from novaclient import client

    creds = mimic_cloud.credentials
    auth = v2.Password(
        auth_url=mimic_cloud.auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    return client.Client("2.1", session=session.Session(auth=auth), region_name=mimic_cloud.region)


@pytest.fixture
def libcloud_driver(mimic_cloud):
    """apache-libcloud's Rackspace driver; ``ex_force_auth_url`` without ``/v2.0``."""
    from libcloud.compute.providers import get_driver
    from libcloud.compute.types import Provider

    creds = mimic_cloud.credentials
    driver_class = get_driver(Provider.RACKSPACE)
    return driver_class(
        creds.username,
        creds.api_key,
        region=mimic_cloud.region.lower(),
        ex_force_auth_url=mimic_cloud.auth_url.removesuffix("/v2.0"),
        ex_force_auth_version="2.0",
    )
