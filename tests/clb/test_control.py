"""CLB's status controls: set a load balancer's or a node's status, over HTTP (the one door,
under the control plane at ``/mimic/v1.1/clb/...``) and from Python."""

from __future__ import annotations

import pytest
import requests
from tests.clb.conftest import error, immutable

from pytest_mimic.services.clb.api import CLBService
from pytest_mimic.services.clb.control import CLBControl


@pytest.fixture
def control(mimic_cloud, clb):
    """The control URL of the tenant ``clb`` uses, in the default region."""
    return f"{mimic_cloud.base_url}/mimic/v1.1/clb/{mimic_cloud.region}/{clb.tenant}"


def patch_status(control, lb_id, body):
    return requests.patch(f"{control}/loadbalancers/{lb_id}/attributes", json=body, timeout=10)


def control_error(response):
    """``(status, message)`` of a control-plane error, asserting its shape."""
    assert response.headers["Content-Type"].startswith("application/json"), response.text
    [(fault, detail)] = response.json().items()
    assert detail["code"] == response.status_code
    assert fault == {400: "badRequest", 404: "itemNotFound"}[response.status_code]
    return response.status_code, detail["message"]


@pytest.mark.parametrize("status", ["ERROR", "PENDING_UPDATE", "PENDING_DELETE", "ACTIVE"])
def test_http_control_sets_the_status_and_it_stays(clb, control, time_travel, status):
    lb_id = clb.create()
    response = patch_status(control, lb_id, {"status": status})
    assert (response.status_code, response.content) == (204, b"")
    time_travel.advance(3600)
    assert clb.status(lb_id) == status


def test_http_control_needs_no_token_and_the_service_declares_it(clb, control):
    assert CLBService.control is CLBControl
    lb_id = clb.create()
    assert patch_status(control, lb_id, {"status": "ERROR"}).status_code == 204
    assert error(clb.add_nodes(lb_id, clb.node(2))) == (422, immutable(lb_id, "ERROR"))


def test_the_second_control_door_is_gone(mimic_cloud, clb):
    lb_id = clb.create()
    old = f"{mimic_cloud.base_url}/clb/control/{mimic_cloud.region}/v1.0/{clb.tenant}"
    response = requests.patch(
        f"{old}/loadbalancers/{lb_id}/attributes", json={"status": "ERROR"}, timeout=10
    )
    assert response.status_code == 404
    assert clb.status(lb_id) == "ACTIVE"
    with pytest.raises(KeyError):
        mimic_cloud.url("clb_control")


def test_http_control_errors_are_the_control_planes(clb, control):
    lb_id = clb.create()
    assert control_error(patch_status(control, 999, {"status": "ERROR"})) == (
        404,
        f"Tenant {clb.tenant} doesn't own load balancer 999",
    )
    assert control_error(patch_status(control, lb_id, {"colour": "red"})) == (
        400,
        "Attempt to alter a bad attribute",
    )
    status, message = control_error(patch_status(control, lb_id, {"status": "SLEEPY"}))
    assert status == 400
    assert message.startswith("Unsupported status SLEEPY not one of")
    broken = requests.patch(f"{control}/loadbalancers/{lb_id}/attributes", data="{nope", timeout=10)
    status, message = control_error(broken)
    assert status == 400
    assert message.startswith("Malformed request body")


@pytest.mark.parametrize("seconds", ["-1", '"5"', "true", "1e309", "1" + "0" * 400])
def test_http_control_refuses_seconds_that_are_not_a_finite_number_at_least_0(
    clb, control, seconds
):
    lb_id = clb.create()
    response = requests.patch(
        f"{control}/loadbalancers/{lb_id}/attributes",
        data=f'{{"status": "ERROR", "seconds": {seconds}}}',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    status, message = control_error(response)
    assert status == 400
    assert "'seconds'" in message
    assert clb.status(lb_id) == "ACTIVE"


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
    assert (response.status_code, response.content) == (204, b"")
    assert clb.get(f"/loadbalancers/{lb_id}/nodes/1").json()["node"]["status"] == "OFFLINE"
    assert control_error(requests.put(url, json={"status": "ASLEEP"}, timeout=10)) == (
        400,
        "status key not found or it must have ONLINE or OFFLINE value",
    )
    missing = requests.put(
        f"{control}/loadbalancers/{lb_id}/nodes/77/status", json={"status": "ONLINE"}, timeout=10
    )
    assert control_error(missing) == (
        404,
        f"Load balancer {lb_id} on tenant {clb.tenant} does not have node 77",
    )


def test_http_control_calls_are_journaled_as_the_control_planes(mimic_cloud, clb, control):
    lb_id = clb.create()
    patch_status(control, lb_id, {"status": "ERROR"})
    requests.put(
        f"{control}/loadbalancers/{lb_id}/nodes/1/status", json={"status": "OFFLINE"}, timeout=10
    )
    assert len(mimic_cloud.calls("mimic", "set_load_balancer_status")) == 1
    assert len(mimic_cloud.calls("mimic", "set_node_status")) == 1


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
