"""The control plane and the standalone server under hostile input (issue 17): one test per
finding, each through the door the probe used (HTTP on ``/mimic``, a raw socket for the
server) and, where Python has the same door, through ``mimic_cloud`` too.

Every answer here must be a 4xx naming what is wrong, never a 500; ``mimic_cloud`` fails
the test at teardown if the server recorded an exception.
"""

from __future__ import annotations

import socket

import pytest
import requests

from pytest_mimic import Behave, MimicCloud
from pytest_mimic.faults import OVERRIDE_SOURCE
from pytest_mimic.operation import Operation

TIMEOUT = 10
HUGE = "1" + "0" * 400  # a 401-digit integer, as JSON text


def control(cloud, method, path, *, body=None, raw=None, headers=None):
    """A request to ``/mimic/v1.1/<path>``; ``raw`` is JSON text sent as it is."""
    if raw is not None:
        headers = {**(headers or {}), "Content-Type": "application/json"}
    return requests.request(
        method,
        f"{cloud.base_url}/mimic/v1.1/{path}",
        json=body,
        data=raw,
        headers=headers,
        timeout=TIMEOUT,
    )


def refused(answer, status=400):
    """The message of an error answer with ``status``."""
    assert answer.status_code == status, answer.text
    [(_fault, detail)] = answer.json().items()
    return detail["message"]


# -- 1. one request wedged the whole server ------------------------------------------------


@pytest.mark.parametrize("name", ["nova.flaky_api", "clb.flaky_api", "sqs.flaky_api"])
def test_a_flaky_api_of_a_401_digit_one_in_is_a_400(mimic_cloud, name):
    message = refused(
        control(mimic_cloud, "POST", f"scenarios/{name}", raw=f'{{"one_in": {HUGE}}}')
    )
    assert "one_in must be a whole number >= 1 and <= 1000000000" in message


def test_a_flaky_api_of_a_billion_activates_at_once(mimic_cloud):
    answer = control(mimic_cloud, "POST", "scenarios/nova.flaky_api", body={"one_in": 10**9})
    assert answer.status_code == 201, answer.text
    [rule] = mimic_cloud.faults.rules[-1:]
    assert "1 in 1000000000" in rule.describe()


# -- 3. the control plane could lock itself out ----------------------------------------------


def test_a_behaviour_on_the_control_plane_is_refused_naming_the_services(mimic_cloud):
    answer = control(
        mimic_cloud, "POST", "behaviors/mimic/*", body={"name": "fail", "parameters": {"code": 503}}
    )
    message = refused(answer)
    assert "'mimic' takes no fault rules" in message
    assert "nova" in message
    assert "mimic," not in message
    assert control(mimic_cloud, "POST", "reset").status_code == 204


def test_the_python_door_refuses_rules_on_the_control_plane_too(mimic_cloud):
    with pytest.raises(ValueError, match="takes no fault rules"):
        mimic_cloud.inject("mimic", "reset", status=503)
    with pytest.raises(ValueError, match="takes no fault rules"):
        mimic_cloud.inject("mimic", action=Behave("build"))


@pytest.mark.parametrize(
    "scenario", ["transport.connection_reset", "transport.hang", "transport.latency"]
)
def test_a_transport_scenario_for_every_service_leaves_the_control_plane_alone(
    mimic_cloud, scenario
):
    """With no body, a transport scenario targets every service: it reset (or held) the
    control plane's own requests, reset included, until the server was restarted."""
    assert control(mimic_cloud, "POST", f"scenarios/{scenario}").status_code == 201
    assert control(mimic_cloud, "GET", "behaviors").status_code == 200
    assert requests.get(mimic_cloud.base_url + "/", timeout=TIMEOUT).status_code == 200
    assert control(mimic_cloud, "POST", "reset").status_code == 204
    assert not [r for r in mimic_cloud.faults.rules if r.source.startswith("scenario")]


def test_a_rule_for_any_service_still_applies_to_the_services(mimic_cloud):
    mimic_cloud.inject(status=503, times=1)
    answer = requests.get(mimic_cloud.url("compute") + "/flavors", timeout=TIMEOUT)
    assert answer.status_code == 503
    assert control(mimic_cloud, "GET", "settings").status_code == 200


# -- 5. unchecked control-plane input answered 500 -----------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "raw", "expected"),
    [
        ("PATCH", "settings", f'{{"server_build_seconds": {HUGE}}}', "server_build_seconds"),
        ("PATCH", "settings", f'{{"clb_deleted_retention_seconds": {HUGE}}}', "retention"),
        ("PATCH", "settings", f'{{"max_connections": {HUGE}}}', "max_connections"),
        ("PATCH", "settings", '{"request_head_seconds": NaN}', "NaN is not a JSON value"),
        ("PATCH", "settings", '{"request_head_seconds": "NaN"}', "request_head_seconds"),
        ("PATCH", "settings", '{"max_connections": 0}', "max_connections"),
        (
            "POST",
            "behaviors/nova/create_server",
            '{"name": "error", "criteria": [{"server_name": "("}]}',
            "not a valid regular expression",
        ),
        ("POST", "scenarios/sqs.throttled_sends", '{"queue": "("}', "'queue'"),
        ("POST", "scenarios/sqs.receive_always_empty", '{"queue": "[z-a]"}', "'queue'"),
        ("POST", "scenarios/transport.latency", '{"operation": "("}', "operation"),
        ("POST", "scenarios/transport.hang", '{"seconds": 1e9}', "seconds"),
        ("POST", "scenarios/nova.slow_build", f'{{"seconds": {HUGE}}}', "seconds"),
        ("POST", "scenarios/clb.slow_updates", '{"seconds": -1}', "seconds"),
        ("POST", "scenarios/nova.delete_fails", f'{{"times": {HUGE}}}', "times"),
        ("POST", "scenarios/clb.rate_limited", f'{{"retry_after": {HUGE}}}', "retry_after"),
        (
            "POST",
            "behaviors/nova/create_server",
            f'{{"name": "build", "parameters": {{"duration": {HUGE}}}}}',
            "duration",
        ),
        (
            "POST",
            "behaviors/clb/add_nodes",
            '{"name": "pending_update", "parameters": {"duration": "soon"}}',
            "duration",
        ),
        (
            "POST",
            "behaviors/sqs/ReceiveMessage",
            f'{{"name": "visibility", "parameters": {{"seconds": {HUGE}}}}}',
            "visibility",
        ),
        ("POST", "behaviors/nova/*", f'{{"name": "fail", "times": {HUGE}}}', "times"),
        ("POST", "behaviors/nova/*", '{"name": "delay", "parameters": {"seconds": 1e9}}', "delay"),
    ],
)
def test_hostile_control_plane_values_are_400s_naming_the_value(
    mimic_cloud, method, path, raw, expected
):
    assert expected in refused(control(mimic_cloud, method, path, raw=raw))


def test_a_transport_scenario_reads_operation_star_as_any(mimic_cloud):
    answer = control(
        mimic_cloud,
        "POST",
        "scenarios/transport.connection_reset",
        body={"service": "nova", "operation": "*", "times": 1},
    )
    assert answer.status_code == 201, answer.text
    with pytest.raises(requests.ConnectionError):
        requests.get(mimic_cloud.url("compute") + "/flavors", timeout=TIMEOUT)


# -- 6. a malformed option poisoned a service -------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"nova_quotas": "abc"},
        {"nova_quotas": {"maxTotalInstances": "abc"}},
        {"nova_quotas": '{"maxTotalInstances": 1e400}'},
        {"nova_deleted_retention_seconds": "abc"},
        {"nova_deleted_retention_seconds": -1},
    ],
)
def test_a_malformed_option_is_refused_at_the_door_and_nova_still_creates(mimic_cloud, options):
    refused(control(mimic_cloud, "PATCH", "settings", body={"options": options}))
    token = requests.post(
        mimic_cloud.auth_url + "/tokens",
        json={
            "auth": {
                "RAX-KSKEY:apiKeyCredentials": {
                    "username": mimic_cloud.credentials.username,
                    "apiKey": mimic_cloud.credentials.api_key,
                }
            }
        },
        timeout=TIMEOUT,
    ).json()["access"]["token"]["id"]
    server = {"server": {"name": "after", "imageRef": "img", "flavorRef": "general1-1"}}
    created = requests.post(
        mimic_cloud.url("compute") + "/servers",
        json=server,
        headers={"X-Auth-Token": token},
        timeout=TIMEOUT,
    )
    assert created.status_code == 202, created.text


# -- 8. values the server cannot send were accepted -------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("behaviors/sqs/*", {"name": "fail", "parameters": {"type": "A\r\nB"}}, "fault type"),
        ("behaviors/nova/*", {"name": "fail", "parameters": {"type": "\u0100"}}, "fault type"),
        ("behaviors/nova/*", {"name": "fail", "parameters": {"message": 5}}, "message"),
        ("behaviors/nova/*", {"name": "fail", "parameters": {"code": 100}}, "code"),
        ("scenarios/nova.create_fails", {"status": 0}, "status"),
        ("scenarios/clb.create_fails", {"status": 101}, "status"),
    ],
)
def test_answers_http_cannot_carry_are_refused_when_registered(mimic_cloud, path, body, expected):
    assert expected in refused(control(mimic_cloud, "POST", path, body=body))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Mimic-Next-Status": "100"}, "from 200 to 599"),
        ({"X-Mimic-Next-Status": "0"}, "from 200 to 599"),
        ({"X-Mimic-Next-Status": "200", "X-Mimic-Next-Headers": '{"X A": "b"}'}, "header name"),
        ({"X-Mimic-Next-Status": "200", "X-Mimic-Next-Headers": '{"X-A": "a\\r\\nb"}'}, "X-A"),
        ({"X-Mimic-Next-Status": "200", "X-Mimic-Next-Headers": '{"X-A": "\\u0100"}'}, "X-A"),
        ({"X-Mimic-Next-Status": "200", "X-Mimic-Next-Headers": '{"": "b"}'}, "header name"),
    ],
)
def test_next_request_answers_http_cannot_carry_are_400s(mimic_cloud, headers, expected):
    assert expected in refused(control(mimic_cloud, "POST", "next/nova", headers=headers))
    # The same headers on a service's own request: refused there too, nothing registered.
    answer = requests.get(mimic_cloud.url("compute") + "/flavors", headers=headers, timeout=10)
    assert answer.status_code == 400
    assert not [r for r in mimic_cloud.faults.rules if r.source == OVERRIDE_SOURCE]


@pytest.mark.parametrize(
    "arguments",
    [
        {"status": 100},
        {"status": 0},
        {"status": 200, "headers": {"X A": "b"}},
        {"status": 200, "headers": {"X-A": "a\nb"}},
        {"status": 200, "headers": {"X-A": "\u0100"}},
        {"status": 500, "fault": "A\r\nB"},
        {"delay": 1e9},
        {"hang": float("nan")},
    ],
)
def test_inject_refuses_what_the_server_could_not_carry_out(mimic_cloud, arguments):
    with pytest.raises((TypeError, ValueError)):
        mimic_cloud.inject("nova", **arguments)
    assert not [r for r in mimic_cloud.faults.rules if r.source == "python"]


# -- 9. backtracking patterns came back through fault criteria ------------------------------


def test_a_backtracking_criterion_is_refused_at_every_door(mimic_cloud):
    answer = control(
        mimic_cloud,
        "POST",
        "behaviors/nova/create_server",
        body={"name": "error", "criteria": [{"server_name": "(a+)+$"}]},
    )
    assert "quantifier" in refused(answer)
    with pytest.raises(ValueError, match="quantifier"):
        mimic_cloud.inject("nova", "create_server", status=500, server_name="(a+)+$")
    with pytest.raises(ValueError, match="too costly"):
        mimic_cloud.inject("nova", "create_server", status=500, server_name=".*a.*b")
    with pytest.raises(ValueError, match="quantifier"):
        mimic_cloud.inject("nova", "create_server", status=500, metadata={"k": "(x+x+)+y"})
    with pytest.raises(ValueError, match="quantifier"):
        mimic_cloud.inject("nova", "(create_server)+", status=500)


def test_an_everyday_criterion_still_matches(mimic_cloud):
    handle = mimic_cloud.inject("nova", "create_server", status=500, server_name="web-.*-prod")
    assert handle.rule.applies_to(_create("web-1-prod"))
    assert not handle.rule.applies_to(_create("web-1-test"))
    assert not handle.rule.applies_to(_create("a" * 1_000_000))


def _create(name):
    return Operation("nova", "create_server", {"server_name": name})


# -- 10. trickling clients were held forever; no cap on connections ---------------------------


@pytest.fixture
def bare_cloud():
    """A cloud of its own (its open connections are the test's alone), long idle timeout."""
    with MimicCloud(services=[], idle_timeout=60) as cloud:
        yield cloud


def _read_all(sock):
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_a_request_head_past_its_deadline_is_answered_408_and_closed(bare_cloud):
    """The idle timeout (60 s) restarts with every byte; the head's deadline does not."""
    bare_cloud.configure(request_head_seconds=0.2)
    with socket.create_connection(("127.0.0.1", bare_cloud.server.port), timeout=10) as sock:
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: abc":
            sock.send(bytes([byte]))
        answer = _read_all(sock)  # ends: the server closed the connection
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"request_head_seconds" in answer


def test_a_request_head_cut_in_its_request_line_is_408_too(bare_cloud):
    bare_cloud.configure(request_head_seconds=0.2)
    with socket.create_connection(("127.0.0.1", bare_cloud.server.port), timeout=10) as sock:
        sock.send(b"GET /mimic/v1.1/sett")
        assert _read_all(sock).startswith(b"HTTP/1.1 408 ")


def test_a_complete_head_within_its_deadline_is_served(bare_cloud):
    bare_cloud.configure(request_head_seconds=5)
    with socket.create_connection(("127.0.0.1", bare_cloud.server.port), timeout=10) as sock:
        sock.send(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _read_all(sock).startswith(b"HTTP/1.1 200 ")


def test_connections_past_the_cap_are_answered_503_with_retry_after(bare_cloud):
    bare_cloud.configure(max_connections=2)
    address = ("127.0.0.1", bare_cloud.server.port)
    held = [socket.create_connection(address, timeout=10) for _ in range(2)]
    try:
        for sock in held:  # each answered, so each has its thread and counts
            sock.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        answer = requests.get(bare_cloud.base_url + "/", timeout=TIMEOUT)
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "1"
        assert "max_connections" in answer.text
    finally:
        for sock in held:
            sock.close()


def test_the_connection_cap_is_a_setting_of_every_door(bare_cloud):
    answer = control(bare_cloud, "PATCH", "settings", body={"max_connections": "3"})
    assert answer.json()["settings"]["max_connections"] == 3
    assert bare_cloud.server.limits() == (60.0, 3)
    assert "max_connections" in refused(
        control(bare_cloud, "PATCH", "settings", body={"max_connections": -1})
    )
    with pytest.raises(ValueError, match="request_head_seconds"):
        bare_cloud.configure(request_head_seconds=float("inf"))
