"""Mimic's metadata presets, set from unmodified clients, acting through the fault engine."""

from __future__ import annotations

import json

import pytest
from novaclient import exceptions

from pytest_mimic.faults import Behave


def test_server_building_keeps_build_for_600_simulated_seconds(nova, time_travel):
    server = nova.servers.create("b", image="img-1", flavor="2", meta={"server_building": "600"})
    assert nova.servers.get(server.id).status == "BUILD"
    time_travel.advance(599)
    assert nova.servers.get(server.id).status == "BUILD"
    time_travel.advance(1)
    assert nova.servers.get(server.id).status == "ACTIVE"


def test_server_building_accepts_a_json_number(compute, time_travel):
    server_id = compute.create(metadata={"server_building": 30})
    assert compute.server(server_id)["status"] == "BUILD"
    time_travel.advance(30)
    assert compute.server(server_id)["status"] == "ACTIVE"


def test_server_building_shows_in_list_detail_which_libcloud_polls(compute, time_travel):
    compute.create(metadata={"server_building": "10"})
    assert [s["status"] for s in compute.get("/servers/detail").json()["servers"]] == ["BUILD"]
    time_travel.advance(10)
    assert [s["status"] for s in compute.get("/servers/detail").json()["servers"]] == ["ACTIVE"]


def test_server_building_is_journaled_as_a_preset_fault(compute, mimic_cloud):
    compute.create(metadata={"server_building": "5"})
    [call] = mimic_cloud.calls(service="nova", operation="create_server")
    assert "preset server_building" in call.fault


def test_server_building_non_numeric_is_400(compute):
    body = {
        "server": {
            "name": "b",
            "imageRef": "i",
            "flavorRef": "2",
            "metadata": {"server_building": "soon"},
        }
    }
    response = compute.post("/servers", json=body)
    assert response.status_code == 400
    assert "server_building" in response.json()["badRequest"]["message"]


def test_server_error_creates_the_server_in_error(nova):
    server = nova.servers.create("e", image="img-1", flavor="2", meta={"server_error": "1"})
    fetched = nova.servers.get(server.id)
    assert fetched.status == "ERROR"
    assert fetched.fault["code"] == 500


def test_server_error_is_a_failure_for_openstacksdk_wait_for_server(sdk):
    from openstack import exceptions as sdk_exceptions

    server = sdk.compute.create_server(
        name="e", image_id="img-1", flavor_id="2", metadata={"server_error": "yes"}
    )
    with pytest.raises(sdk_exceptions.ResourceFailure):
        sdk.compute.wait_for_server(server, interval=0.01, wait=5)


def test_create_server_failure_answers_its_code_and_message_and_creates_nothing(nova):
    failure = json.dumps({"message": "no capacity", "code": 503})
    with pytest.raises(exceptions.ClientException) as raised:
        nova.servers.create("f", image="img-1", flavor="2", meta={"create_server_failure": failure})
    assert raised.value.code == 503
    assert "no capacity" in raised.value.message
    assert nova.servers.list() == []


def test_create_server_failure_body_is_a_nova_fault(compute, mimic_cloud):
    failure = json.dumps({"message": "boom", "code": 500})
    body = {
        "server": {
            "name": "f",
            "imageRef": "i",
            "flavorRef": "2",
            "metadata": {"create_server_failure": failure},
        }
    }
    response = compute.post("/servers", json=body)
    assert (response.status_code, response.json()) == (
        500,
        {"computeFault": {"message": "boom", "code": 500}},
    )
    assert response.headers["Content-Type"].startswith("application/json")
    [call] = mimic_cloud.calls(service="nova", operation="create_server")
    assert "preset create_server_failure" in call.fault


def test_delete_server_failure_fails_the_next_three_deletes_then_succeeds(nova, mimic_cloud):
    failure = json.dumps({"code": 500, "times": 3})
    server = nova.servers.create(
        "d", image="img-1", flavor="2", meta={"delete_server_failure": failure}
    )
    for _ in range(3):
        with pytest.raises(exceptions.ClientException) as raised:
            nova.servers.delete(server.id)
        assert raised.value.code == 500
    nova.servers.delete(server.id)
    assert nova.servers.list() == []
    faults = [c.fault for c in mimic_cloud.calls(service="nova", operation="delete_server")]
    assert sum("preset delete_server_failure" in (f or "") for f in faults) == 3


def test_delete_server_failure_only_affects_its_own_server(compute):
    doomed = compute.create(
        "d", metadata={"delete_server_failure": json.dumps({"code": 409, "times": 1})}
    )
    other = compute.create("o")
    assert compute.delete(f"/servers/{other}").status_code == 204
    assert compute.delete(f"/servers/{doomed}").status_code == 409


def test_preset_keys_stay_in_the_servers_metadata(compute):
    server_id = compute.create(metadata={"server_building": "1"})
    assert compute.server(server_id)["metadata"] == {"server_building": "1"}


def test_injected_build_behaviour_matches_server_names(compute, mimic_cloud, time_travel):
    mimic_cloud.inject(
        "nova", "create_server", action=Behave("build", {"duration": 60}), server_name="web-.*"
    )
    web, db = compute.create("web-1"), compute.create("db-1")
    assert compute.server(web)["status"] == "BUILD"
    assert compute.server(db)["status"] == "ACTIVE"


def test_active_then_error_behaviour(compute, mimic_cloud, time_travel):
    mimic_cloud.inject(
        "nova", "create_server", action=Behave("active-then-error", {"duration": 20})
    )
    server_id = compute.create()
    assert compute.server(server_id)["status"] == "ACTIVE"
    time_travel.advance(20)
    assert compute.server(server_id)["status"] == "ERROR"


def test_false_negative_behaviour_fails_but_creates_the_server(compute, mimic_cloud):
    mimic_cloud.inject("nova", "create_server", action=Behave("false-negative", {"code": 500}))
    body = {"server": {"name": "fn", "imageRef": "i", "flavorRef": "2"}}
    assert compute.post("/servers", json=body).status_code == 500
    assert [s["name"] for s in compute.get("/servers").json()["servers"]] == ["fn"]


def test_false_negative_answers_a_nova_fault_with_its_message(compute, mimic_cloud):
    behave = Behave("false-negative", {"code": 503, "message": "busy", "type": "overLimit"})
    mimic_cloud.inject("nova", "create_server", action=behave)
    body = {"server": {"name": "fn", "imageRef": "i", "flavorRef": "2"}}
    response = compute.post("/servers", json=body)
    assert response.status_code == 503
    assert response.json() == {"overLimit": {"message": "busy", "code": 503}}
    assert response.headers["X-OpenStack-Nova-API-Version"] == "2.1"


def test_false_negative_with_a_bad_code_is_refused_when_injected(compute, mimic_cloud):
    """The code is checked against the behaviour's declaration at ``inject``, before any
    request meets it (a create would otherwise answer 400 only then)."""
    with pytest.raises(ValueError, match="behaviour 'false-negative': code"):
        mimic_cloud.inject("nova", "create_server", action=Behave("false-negative", {"code": 99}))
    body = {"server": {"name": "fn", "imageRef": "i", "flavorRef": "2"}}
    assert compute.post("/servers", json=body).status_code == 202


def test_a_bad_build_duration_behaviour_is_refused_when_injected(mimic_cloud):
    with pytest.raises(TypeError, match="duration must be a number of seconds, not 'soon'"):
        mimic_cloud.inject("nova", "create_server", action=Behave("build", {"duration": "soon"}))


def test_presets_are_listed_by_the_control_plane(mimic_cloud):
    import requests

    presets = requests.get(f"{mimic_cloud.base_url}/mimic/v1.0/presets", timeout=10).json()
    servers = presets["servers"]
    assert servers["invalid_image_ref"] == ["INVALID-IMAGE-ID", "1111", "image_ends_with_Z"]
    assert servers["invalid_flavor_ref"] == ["INVALID-FLAVOR-ID", "8888", "-4", "1"]
    assert {
        "server_building",
        "server_error",
        "create_server_failure",
        "delete_server_failure",
    } <= set(servers)


def test_create_server_failure_of_type_string_answers_plain_text(compute):
    failure = json.dumps({"message": "plain words", "code": 502, "type": "string"})
    body = {
        "server": {
            "name": "f",
            "imageRef": "i",
            "flavorRef": "2",
            "metadata": {"create_server_failure": failure},
        }
    }
    response = compute.post("/servers", json=body)
    assert (response.status_code, response.text) == (502, "plain words")


def test_create_server_failure_with_bad_json_is_400(compute):
    body = {
        "server": {
            "name": "f",
            "imageRef": "i",
            "flavorRef": "2",
            "metadata": {"create_server_failure": "{oops"},
        }
    }
    response = compute.post("/servers", json=body)
    assert response.status_code == 400
    assert "create_server_failure" in response.json()["badRequest"]["message"]
