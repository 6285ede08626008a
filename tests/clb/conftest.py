"""Fixtures for the Cloud Load Balancers tests: raw HTTP with a token, and libcloud.

Every client logs in through the fake Identity with the default credentials and finds the
load balancer endpoint (``rax:load-balancer`` / ``cloudLoadBalancers``) in the catalog.
"""

from __future__ import annotations

import pytest
import requests

NODE = {"address": "10.0.0.1", "port": 80, "condition": "ENABLED"}


class LoadBalancerHTTP:
    """``requests`` against one tenant's CLB endpoint in one region, with a token."""

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
        self.region = region or cloud.region
        (entry,) = [s for s in access["serviceCatalog"] if s["type"] == "rax:load-balancer"]
        (endpoint,) = [e for e in entry["endpoints"] if e["region"] == self.region]
        self.url = endpoint["publicURL"]
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

    def create(self, name="web-1", nodes=(NODE,), **fields):
        """A new load balancer's id (asserting the 202)."""
        body = {
            "loadBalancer": {
                "name": name,
                "protocol": "HTTP",
                "port": 80,
                "virtualIps": [{"type": "PUBLIC"}],
                "nodes": list(nodes),
                **fields,
            }
        }
        response = self.post("/loadbalancers", json=body)
        assert response.status_code == 202, response.text
        return response.json()["loadBalancer"]["id"]

    def lb(self, lb_id):
        response = self.get(f"/loadbalancers/{lb_id}")
        assert response.status_code == 200, response.text
        return response.json()["loadBalancer"]

    def status(self, lb_id):
        return self.lb(lb_id)["status"]

    def add_nodes(self, lb_id, *nodes):
        return self.post(f"/loadbalancers/{lb_id}/nodes", json={"nodes": list(nodes)})

    def node(self, number, port=80, **fields):
        return {"address": f"10.0.1.{number}", "port": port, "condition": "ENABLED", **fields}


def error(response):
    """``(status, message)`` of a flat CLB error, asserting the shape and content type."""
    assert response.headers["Content-Type"].startswith("application/json"), response.text
    body = response.json()
    assert set(body) == {"message", "code"}, body
    assert body["code"] == response.status_code
    return response.status_code, body["message"]


def validation(response):
    """The messages of a 400 ``validationErrors`` answer, asserting the shape."""
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"] == "Validation Failure"
    assert body["code"] == 400
    assert body["details"] == "The object is not valid"
    return body["validationErrors"]["messages"]


def immutable(lb_id, status):
    """The real ``immutableEntity`` message."""
    return f"Load Balancer '{lb_id}' has a status of '{status}' and is considered immutable."


@pytest.fixture
def clb(mimic_cloud):
    """Raw HTTP to the default tenant's load balancer endpoint in the default region."""
    return LoadBalancerHTTP(mimic_cloud)


@pytest.fixture
def clb_service(mimic_cloud):
    """The ``CLBService`` object of the cloud (model access, control plane)."""
    return mimic_cloud.service("clb")


@pytest.fixture
def libcloud_lb(mimic_cloud):
    """apache-libcloud's Rackspace load balancer driver, logged in with the API key."""
    from libcloud.loadbalancer.providers import get_driver
    from libcloud.loadbalancer.types import Provider

    creds = mimic_cloud.credentials
    driver_class = get_driver(Provider.RACKSPACE)
    return driver_class(
        creds.username,
        creds.api_key,
        region=mimic_cloud.region.lower(),
        ex_force_auth_url=mimic_cloud.auth_url.removesuffix("/v2.0"),
        ex_force_auth_version="2.0",
    )
