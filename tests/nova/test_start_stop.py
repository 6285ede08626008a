"""``os-stop`` and ``os-start``: SHUTOFF and back, timed by the clock, with Nova's 409s."""

from __future__ import annotations

import pytest

from pytest_mimic.faults import Behave
from pytest_mimic.services.nova.model import ACTION_SECONDS
from tests.nova.test_http import fault

STOP, START = {"os-stop": None}, {"os-start": None}


def states(server):
    return (
        server["status"],
        server["OS-EXT-STS:vm_state"],
        server["OS-EXT-STS:task_state"],
        server["OS-EXT-STS:power_state"],
    )


def test_stop_powers_off_then_shows_shutoff_and_start_brings_it_back(compute, time_travel):
    time_travel.freeze()
    server_id = compute.create()

    assert compute.action(server_id, STOP).status_code == 202
    assert states(compute.server(server_id)) == ("ACTIVE", "active", "powering-off", 1)
    time_travel.advance(ACTION_SECONDS["stop"])
    assert states(compute.server(server_id)) == ("SHUTOFF", "stopped", None, 4)

    assert compute.action(server_id, START).status_code == 202
    assert states(compute.server(server_id)) == ("SHUTOFF", "stopped", "powering-on", 4)
    time_travel.advance(ACTION_SECONDS["start"])
    assert states(compute.server(server_id)) == ("ACTIVE", "active", None, 1)


def test_a_stopped_server_is_found_by_the_shutoff_filter(compute, time_travel):
    time_travel.freeze()
    running, stopped = compute.create("running"), compute.create("stopped")
    compute.action(stopped, STOP)
    time_travel.advance(ACTION_SECONDS["stop"])

    def listed(status):
        body = compute.get("/servers/detail", params={"status": status}).json()
        return [s["id"] for s in body["servers"]]

    assert (listed("SHUTOFF"), listed("ACTIVE")) == ([stopped], [running])


WAIT = "wait"


@pytest.mark.parametrize(
    ("setup", "action", "where"),
    [
        ([STOP, WAIT], STOP, "vm_state stopped"),
        ([], START, "vm_state active"),
        ([STOP], STOP, "task_state powering-off"),
        ([STOP], START, "vm_state active"),
        ([STOP, WAIT, START], START, "task_state powering-on"),
        ([STOP, WAIT, START], STOP, "vm_state stopped"),
        ([{"reboot": {"type": "SOFT"}}], STOP, "task_state rebooting"),
        ([{"rescue": None}], STOP, "vm_state rescued"),
    ],
)
def test_a_state_that_forbids_it_is_novas_409(compute, time_travel, setup, action, where):
    time_travel.freeze()
    server_id = compute.create()
    for step in setup:
        if step == WAIT:
            time_travel.advance(ACTION_SECONDS["stop"])
        else:
            assert compute.action(server_id, step).status_code in (200, 202)
    name = next(iter(action)).removeprefix("os-")
    assert fault(compute.action(server_id, action)) == (
        409,
        "conflictingRequest",
        f"Cannot '{name}' instance {server_id} while it is in {where}",
    )


def test_a_building_server_cannot_be_stopped(compute):
    server_id = compute.create(metadata={"server_building": "600"})
    assert fault(compute.action(server_id, STOP))[2].endswith("while it is in vm_state building")


def test_an_errored_server_stops_unless_it_never_ran(compute, mimic_cloud, time_travel):
    """Nova stops a server in ERROR, unless it never ran (its ``launched_at`` is unset)."""
    time_travel.freeze()
    never = compute.create(metadata={"server_error": "1"})
    mimic_cloud.inject("nova", "create_server", action=Behave("active-then-error", {"duration": 1}))
    ran = compute.create()
    time_travel.advance(1)
    assert [compute.server(s)["status"] for s in (never, ran)] == ["ERROR", "ERROR"]

    assert fault(compute.action(never, STOP))[2] == (
        f"Cannot 'stop' instance {never} while it is in launched_at None"
    )
    assert compute.action(ran, STOP).status_code == 202
    time_travel.advance(ACTION_SECONDS["stop"])
    assert compute.server(ran)["status"] == "SHUTOFF"


def test_a_stopped_server_keeps_metadata_edits_and_rebuilds_stopped(compute, time_travel):
    time_travel.freeze()
    server_id = compute.create()
    compute.action(server_id, STOP)
    time_travel.advance(ACTION_SECONDS["stop"])

    assert compute.post(f"/servers/{server_id}/metadata", json={"metadata": {"a": "b"}}).ok
    assert compute.action(server_id, {"rebuild": {"imageRef": "img-2"}}).status_code == 202
    time_travel.advance(ACTION_SECONDS["rebuild"])
    assert compute.server(server_id)["status"] == "SHUTOFF"
    assert fault(compute.action(server_id, {"reboot": {"type": "SOFT"}}))[0] == 409


def test_openstacksdk_stop_server_and_start_server(sdk, time_travel):
    time_travel.advance_on_sleep()
    server = sdk.compute.create_server(name="sdk-power", image_id="img-1", flavor_id="2")
    server = sdk.compute.wait_for_server(server, interval=1, wait=60)

    sdk.compute.stop_server(server)
    server = sdk.compute.wait_for_server(server, status="SHUTOFF", interval=1, wait=60)
    assert (server.vm_state, server.power_state) == ("stopped", 4)

    sdk.compute.start_server(server)
    server = sdk.compute.wait_for_server(server, status="ACTIVE", interval=1, wait=60)
    assert (server.vm_state, server.power_state) == ("active", 1)


def test_novaclient_stop_then_start_too_early_is_a_conflict(nova, time_travel):
    from novaclient import exceptions

    time_travel.freeze()
    server = nova.servers.create("nova-power", image="img-1", flavor="2")
    nova.servers.stop(server)
    with pytest.raises(exceptions.Conflict, match="while it is in vm_state active"):
        nova.servers.start(server)
    time_travel.advance(ACTION_SECONDS["stop"])
    nova.servers.start(server)
    time_travel.advance(ACTION_SECONDS["start"])
    assert nova.servers.get(server.id).status == "ACTIVE"


def test_a_stopped_server_can_be_snapshotted_as_in_nova(compute, time_travel):
    """Nova's ``createImage`` takes a server in vm_state active, stopped, paused or suspended
    with no task running: a SHUTOFF server is snapshotted (and stays SHUTOFF)."""
    time_travel.freeze()
    server_id = compute.create()
    compute.action(server_id, STOP)
    time_travel.advance(ACTION_SECONDS["stop"])

    answer = compute.action(server_id, {"createImage": {"name": "stopped-snap"}})
    assert answer.status_code == 202, answer.text
    image = compute.get(answer.headers["Location"]).json()["image"]
    assert (image["name"], image["server"]["id"]) == ("stopped-snap", server_id)
    assert compute.server(server_id)["status"] == "SHUTOFF"


@pytest.mark.parametrize(
    ("setup", "where"),
    [
        ([STOP], "task_state powering-off"),
        ([STOP, WAIT, START], "task_state powering-on"),
        ([{"reboot": {"type": "SOFT"}}], "task_state rebooting"),
        ([{"rescue": None}], "vm_state rescued"),
        ([{"resize": {"flavorRef": "3"}}], "task_state resize_migrating"),
    ],
)
def test_a_snapshot_while_a_task_runs_or_rescued_is_novas_409(compute, time_travel, setup, where):
    time_travel.freeze()
    server_id = compute.create()
    for step in setup:
        if step == WAIT:
            time_travel.advance(ACTION_SECONDS["stop"])
        else:
            assert compute.action(server_id, step).status_code in (200, 202)
    assert fault(compute.action(server_id, {"createImage": {"name": "snap"}})) == (
        409,
        "conflictingRequest",
        f"Cannot 'createImage' instance {server_id} while it is in {where}",
    )


def test_nova_action_seconds_sets_how_long_each_timed_action_takes(
    compute, mimic_cloud, time_travel
):
    mimic_cloud.configure(nova_action_seconds={"stop": 0, "reboot_soft": 2})
    time_travel.freeze()
    server_id = compute.create()
    compute.action(server_id, STOP)
    assert states(compute.server(server_id)) == ("SHUTOFF", "stopped", None, 4)
    compute.action(server_id, START)
    time_travel.advance(ACTION_SECONDS["start"] - 1)  # unchanged: still powering on
    assert states(compute.server(server_id))[:2] == ("SHUTOFF", "stopped")
    time_travel.advance(1)
    compute.action(server_id, {"reboot": {"type": "SOFT"}})
    time_travel.advance(1)
    assert compute.server(server_id)["status"] == "REBOOT"
    time_travel.advance(1)
    assert compute.server(server_id)["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ({"stopp": 0}, ValueError, "stopp"),
        ({"stop": -1}, ValueError, "action 'stop'"),
        ({"stop": "soon"}, TypeError, "action 'stop'"),
        ([1], TypeError, "object"),
    ],
)
def test_nova_action_seconds_refuses_unknown_actions_and_bad_durations(
    mimic_cloud, value, error, message
):
    with pytest.raises(error, match=message):
        mimic_cloud.configure(nova_action_seconds=value)
