"""Mimic's CLB control plane: set a load balancer's or a node's status, over HTTP and from
Python."""

from __future__ import annotations

import pytest
import requests
from tests.clb.conftest import error, immutable


@pytest.fixture
def control(mimic_cloud, clb):
    """The control URL of the tenant ``clb`` uses, in the default region."""
    return f"{mimic_cloud.base_url}/clb/control/{mimic_cloud.region}/v1.0/{clb.tenant}"


def patch_status(control, lb_id, body, singular=True):
    noun = "loadbalancer" if singular else "loadbalancers"
    return requests.patch(f"{control}/{noun}/{lb_id}/attributes", json=body, timeout=10)


@pytest.mark.parametrize("status", ["ERROR", "PENDING_UPDATE", "PENDING_DELETE", "ACTIVE"])
def test_http_control_sets_the_status_and_it_stays(clb, control, time_travel, status):
    lb_id = clb.create()
    response = patch_status(control, lb_id, {"status": status})
    assert (response.status_code, response.content) == (204, b"")
    time_travel.advance(3600)
    assert clb.status(lb_id) == status


def test_control_url_is_named_and_needs_no_token(mimic_cloud, clb, control):
    assert mimic_cloud.url("clb_control") == control
    lb_id = clb.create()
    assert patch_status(control, lb_id, {"status": "ERROR"}, singular=False).status_code == 204
    assert error(clb.add_nodes(lb_id, clb.node(2))) == (422, immutable(lb_id, "ERROR"))


def test_http_control_errors_are_mimics(clb, control):
    lb_id = clb.create()
    assert error(patch_status(control, 999, {"status": "ERROR"})) == (
        404,
        f"Tenant {clb.tenant} doesn't own load balancer 999",
    )
    assert error(patch_status(control, lb_id, {"colour": "red"})) == (
        400,
        "Attempt to alter a bad attribute",
    )
    status, message = error(patch_status(control, lb_id, {"status": "SLEEPY"}))
    assert status == 400
    assert message.startswith("Unsupported status SLEEPY not one of")
    broken = requests.patch(f"{control}/loadbalancer/{lb_id}/attributes", data="{nope", timeout=10)
    assert error(broken) == (400, "Invalid JSON request body")


def test_http_control_with_seconds_reverts_to_active(clb, control, time_travel):
    lb_id = clb.create()
    patch_status(control, lb_id, {"status": "PENDING_UPDATE", "seconds": 30})
    time_travel.advance(29)
    assert clb.status(lb_id) == "PENDING_UPDATE"
    time_travel.advance(1)
    assert clb.status(lb_id) == "ACTIVE"


def test_http_control_sets_a_node_status(clb, control):
    lb_id = clb.create()
    url = f"{control}/loadbalancers/{lb_id}/nodes/1/status"
    response = requests.put(url, json={"status": "OFFLINE"}, timeout=10)
    assert (response.status_code, response.content) == (200, b"")
    assert clb.get(f"/loadbalancers/{lb_id}/nodes/1").json()["node"]["status"] == "OFFLINE"
    assert error(requests.put(url, json={"status": "ASLEEP"}, timeout=10)) == (
        400,
        "status key not found or it must have ONLINE or OFFLINE value",
    )
    missing = requests.put(
        f"{control}/loadbalancers/{lb_id}/nodes/77/status", json={"status": "ONLINE"}, timeout=10
    )
    assert error(missing) == (
        404,
        f"Load balancer {lb_id} on tenant {clb.tenant} does not have node 77",
    )


def test_python_control_methods(clb, clb_service):
    lb_id = clb.create()
    clb_service.set_status(lb_id, "PENDING_UPDATE")
    assert clb.status(lb_id) == "PENDING_UPDATE"
    clb_service.set_status(str(lb_id), "ACTIVE", tenant=clb.tenant, region="ORD")
    assert clb.status(lb_id) == "ACTIVE"
    clb_service.set_node_status(lb_id, 1, "OFFLINE")
    assert clb.get(f"/loadbalancers/{lb_id}/nodes/1").json()["node"]["status"] == "OFFLINE"
    with pytest.raises(ValueError, match="Unsupported status"):
        clb_service.set_status(lb_id, "DELETED")
    with pytest.raises(LookupError):
        clb_service.set_status(lb_id, "ERROR", tenant="someone-else")
    with pytest.raises(LookupError):
        clb_service.set_node_status(lb_id, 42, "ONLINE")
    with pytest.raises(LookupError):
        clb_service.set_status(12345, "ERROR")


def test_python_control_pending_delete_with_seconds_ends_deleted(clb, clb_service, time_travel):
    lb_id = clb.create()
    clb_service.set_status(lb_id, "PENDING_DELETE", seconds=5)
    assert clb.status(lb_id) == "PENDING_DELETE"
    time_travel.advance(5)
    assert clb.status(lb_id) == "DELETED"
