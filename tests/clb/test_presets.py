"""Mimic's load balancer presets, set as metadata, acting through the fault engine."""

from __future__ import annotations

import pytest
import requests
from tests.clb.conftest import error, immutable, validation


def preset(key, value):
    return [{"key": key, "value": value}]


def test_lb_building_keeps_build_for_the_given_seconds(clb, time_travel):
    lb_id = clb.create(metadata=preset("lb_building", "30"))
    assert clb.status(lb_id) == "BUILD"
    time_travel.advance(29)
    assert clb.status(lb_id) == "BUILD"
    time_travel.advance(1)
    assert clb.status(lb_id) == "ACTIVE"


def test_lb_building_accepts_a_json_number_and_shows_in_the_list(clb, time_travel):
    clb.create(metadata=preset("lb_building", 12))
    assert [lb["status"] for lb in clb.get("/loadbalancers").json()["loadBalancers"]] == ["BUILD"]
    time_travel.advance(12)
    assert [lb["status"] for lb in clb.get("/loadbalancers").json()["loadBalancers"]] == ["ACTIVE"]


def test_lb_building_with_an_empty_value_lasts_10_seconds(clb, time_travel):
    lb_id = clb.create(metadata=preset("lb_building", ""))
    time_travel.advance(9)
    assert clb.status(lb_id) == "BUILD"
    time_travel.advance(1)
    assert clb.status(lb_id) == "ACTIVE"


def test_lb_building_is_journaled_as_a_preset_fault(clb, mimic_cloud):
    clb.create(metadata=preset("lb_building", "5"))
    [call] = mimic_cloud.calls("clb", "create_load_balancer")
    assert "preset lb_building" in call.fault
    assert call.attributes["metadata"] == {"lb_building": "5"}


def test_a_preset_that_is_not_a_number_is_400(clb):
    response = clb.post(
        "/loadbalancers",
        json={
            "loadBalancer": {
                "name": "x",
                "protocol": "HTTP",
                "metadata": preset("lb_pending_update", "soon"),
            }
        },
    )
    assert "lb_pending_update" in validation(response)[0]
    assert clb.get("/loadbalancers").json()["loadBalancers"] == []


def test_lb_pending_update_follows_each_node_change(clb, mimic_cloud, time_travel):
    lb_id = clb.create(metadata=preset("lb_pending_update", "20"))
    node_id = clb.add_nodes(lb_id, clb.node(2)).json()["nodes"][0]["id"]
    assert clb.status(lb_id) == "PENDING_UPDATE"
    assert error(clb.add_nodes(lb_id, clb.node(3))) == (422, immutable(lb_id, "PENDING_UPDATE"))
    time_travel.advance(20)
    assert clb.status(lb_id) == "ACTIVE"
    assert clb.delete(f"/loadbalancers/{lb_id}/nodes/{node_id}").status_code == 202
    assert clb.status(lb_id) == "PENDING_UPDATE"
    time_travel.advance(20)
    assert clb.delete(f"/loadbalancers/{lb_id}/nodes", params={"id": 1}).status_code == 202
    assert clb.status(lb_id) == "PENDING_UPDATE"
    changes = [c for c in mimic_cloud.calls("clb") if c.status == 202 and c.method != "GET"]
    assert [c.operation for c in changes] == [
        "create_load_balancer",
        "add_nodes",
        "delete_node",
        "delete_nodes",
    ]
    assert [bool(c.fault and "preset lb_pending_update" in c.fault) for c in changes] == [
        False,
        True,
        True,
        True,
    ]


def test_lb_pending_update_does_not_touch_other_changes(clb):
    lb_id = clb.create(metadata=preset("lb_pending_update", "20"))
    clb.put(f"/loadbalancers/{lb_id}", json={"name": "renamed"})
    assert clb.status(lb_id) == "ACTIVE"  # the configured update time (0 s)


def test_lb_pending_delete_keeps_pending_delete_for_the_given_seconds(clb, time_travel):
    lb_id = clb.create(metadata=preset("lb_pending_delete", "15"))
    clb.add_nodes(lb_id, clb.node(2))
    assert clb.status(lb_id) == "ACTIVE"  # unlike Mimic, a node change does not start a delete
    assert clb.delete(f"/loadbalancers/{lb_id}").status_code == 202
    time_travel.advance(14)
    assert clb.status(lb_id) == "PENDING_DELETE"  # polling does not postpone it
    time_travel.advance(1)
    assert clb.status(lb_id) == "DELETED"


def test_lb_pending_delete_applies_to_bulk_deletes(clb, time_travel):
    slow = clb.create("slow", metadata=preset("lb_pending_delete", "15"))
    fast = clb.create("fast")
    response = clb.delete("/loadbalancers", params=[("id", slow), ("id", fast)])
    assert response.status_code == 202
    assert (clb.status(slow), clb.status(fast)) == ("PENDING_DELETE", "DELETED")
    time_travel.advance(15)
    assert clb.status(slow) == "DELETED"


def test_lb_error_state_errors_after_the_first_node_change(clb, mimic_cloud):
    lb_id = clb.create(metadata=preset("lb_error_state", "yes"))
    assert clb.status(lb_id) == "ACTIVE"
    assert clb.add_nodes(lb_id, clb.node(2)).status_code == 202
    assert clb.status(lb_id) == "ERROR"
    assert error(clb.add_nodes(lb_id, clb.node(3))) == (422, immutable(lb_id, "ERROR"))
    assert clb.delete(f"/loadbalancers/{lb_id}").status_code == 202
    [add] = [c for c in mimic_cloud.calls("clb", "add_nodes") if c.status == 202]
    assert "preset lb_error_state" in add.fault


def test_lb_error_state_wins_over_lb_pending_update(clb):
    metadata = preset("lb_pending_update", "30") + preset("lb_error_state", "1")
    lb_id = clb.create(metadata=metadata)
    clb.add_nodes(lb_id, clb.node(2))
    assert clb.status(lb_id) == "ERROR"


def test_presets_added_later_as_metadata_also_act(clb):
    lb_id = clb.create()
    clb.post(f"/loadbalancers/{lb_id}/metadata", json={"metadata": preset("lb_error_state", "1")})
    clb.add_nodes(lb_id, clb.node(2))
    assert clb.status(lb_id) == "ERROR"


@pytest.mark.parametrize(
    "key", ["lb_building", "lb_pending_update", "lb_pending_delete", "lb_error_state"]
)
def test_presets_are_listed_at_the_presets_endpoint(mimic_cloud, key):
    presets = requests.get(f"{mimic_cloud.base_url}/mimic/v1.0/presets", timeout=10).json()
    assert key in presets["loadbalancers"]
    assert "servers" in presets  # Nova's are still there


@pytest.mark.parametrize(
    ("operation", "name", "status"),
    [
        ("add_nodes", "pending_update", "PENDING_UPDATE"),
        ("add_nodes", "error", "ERROR"),
        ("delete_load_balancer", "pending_delete", "PENDING_DELETE"),
    ],
)
def test_the_behaviors_api_takes_clbs_behaviours(clb, mimic_cloud, operation, name, status):
    """The names ``CLBService.behaviors`` declares are accepted over HTTP and act."""
    lb_id = clb.create()
    registered = requests.post(
        f"{mimic_cloud.base_url}/mimic/v1.1/behaviors/clb/{operation}",
        json={"name": name, "parameters": {} if name == "error" else {"duration": 30}, "times": 1},
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    if operation == "add_nodes":
        assert clb.add_nodes(lb_id, clb.node(2)).status_code == 202
    else:
        assert clb.delete(f"/loadbalancers/{lb_id}").status_code == 202
    assert clb.status(lb_id) == status


def test_a_bulk_pending_delete_behaviour_takes_ids_as_json_text(clb, mimic_cloud, time_travel):
    first, second = clb.create("a"), clb.create("b")
    registered = requests.post(
        f"{mimic_cloud.base_url}/mimic/v1.1/behaviors/clb/delete_load_balancers",
        json={"name": "pending_delete", "parameters": {"by_id": {str(first): 30}}},
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    assert clb.delete(f"/loadbalancers?id={first}&id={second}").status_code == 202
    time_travel.advance(1)
    assert (clb.status(first), clb.status(second)) == ("PENDING_DELETE", "DELETED")
