"""The server and dispatcher through real HTTP: journal, faults, time, isolation."""

from __future__ import annotations

import errno
import http.client
import threading
import time
from datetime import UTC, datetime

import pytest
import requests

from pytest_mimic import Behave, Delay, FaultRule


def create(widgets, name="w1", build_seconds=0):
    response = requests.post(widgets, json={"name": name, "build_seconds": build_seconds})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def status_of(widgets, widget_id):
    return requests.get(f"{widgets}/{widget_id}").json()["status"]


def test_journal_records_operation_attributes_and_bodies(mimic_cloud, widgets):
    widget_id = create(widgets, name="gear")
    requests.get(f"{widgets}/{widget_id}")

    calls = mimic_cloud.calls(service="widgets")

    assert [c.operation for c in calls] == ["create_widget", "get_widget"]
    assert calls[0].attributes["widget_name"] == "gear"
    assert calls[0].json() == {"name": "gear", "build_seconds": 0}
    assert calls[0].status == 201
    assert calls[1].attributes["widget_id"] == widget_id
    assert calls[1].response_json()["name"] == "gear"
    assert mimic_cloud.calls(operation="create_widget", widget_name="ge.*") == calls[:1]


def test_unknown_paths_get_a_json_404(mimic_cloud):
    response = requests.get(mimic_cloud.base_url + "/no/such/thing")

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert "no/such/thing" in response.json()["itemNotFound"]["message"]


def test_unknown_route_inside_a_service_uses_its_error_format(mimic_cloud, widgets):
    response = requests.delete(f"{widgets}/abc")

    assert response.status_code == 405
    assert response.json()["badMethod"]["code"] == 405


def test_injected_status_uses_the_service_error_format(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", status=503, message="try later")

    response = requests.post(widgets, json={"name": "w"})

    assert response.status_code == 503
    assert response.json() == {"serviceUnavailable": {"message": "try later", "code": 503}}
    assert mimic_cloud.calls(operation="create_widget")[0].fault.startswith("widgets.create_widget")


def test_injected_body_and_headers_are_sent_verbatim(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", status=429, body={"custom": True}, headers={"Retry-After": "7"})

    response = requests.post(widgets, json={"name": "w"})

    assert (response.status_code, response.json()) == (429, {"custom": True})
    assert response.headers["Retry-After"] == "7"


def test_injected_faults_match_on_attributes(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", status=500, widget_name="web-.*")

    assert requests.post(widgets, json={"name": "db-1"}).status_code == 201
    assert requests.post(widgets, json={"name": "web-1"}).status_code == 500


def test_times_then_success(mimic_cloud, widgets):
    handle = mimic_cloud.inject("widgets", "create_widget", status=500, times=2)

    codes = [requests.post(widgets, json={}).status_code for _ in range(3)]

    assert codes == [500, 500, 201]
    assert handle.hits == 2


def test_sequence_cycles_fail_succeed(mimic_cloud, widgets):
    from pytest_mimic import Respond

    mimic_cloud.inject("widgets", "create_widget", sequence=[Respond(500), None])

    codes = [requests.post(widgets, json={}).status_code for _ in range(4)]

    assert codes == [500, 201, 500, 201]


def test_removed_fault_no_longer_applies(mimic_cloud, widgets):
    handle = mimic_cloud.inject("widgets", status=500)
    handle.remove()

    assert requests.post(widgets, json={}).status_code == 201


def test_latency_delays_the_real_answer(mimic_cloud, widgets):
    """A client timeout shorter than the injected latency fires; the request still succeeds."""
    mimic_cloud.inject("widgets", "create_widget", delay=0.5, times=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(widgets, json={}, timeout=0.1)

    mimic_cloud.inject("widgets", "get_widget", delay=0.2, times=1)
    assert requests.get(f"{widgets}/missing", timeout=5).status_code == 404


def test_latency_uses_real_time_while_the_clock_is_frozen(time_travel, mimic_cloud, widgets):
    """freezegun freezes time.time(); the injected delay still ends (and still delays)."""
    time_travel.freeze()
    mimic_cloud.inject("widgets", "create_widget", delay=0.5, times=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(widgets, json={}, timeout=0.1)

    mimic_cloud.inject("widgets", "create_widget", delay=0.1, times=1)
    assert requests.post(widgets, json={}, timeout=5).status_code == 201


def test_reset_is_a_real_connection_reset(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", reset=True, times=1)

    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        requests.post(widgets, json={})

    assert _caused_by(
        caught.value, lambda e: isinstance(e, ConnectionResetError) and e.errno == errno.ECONNRESET
    )
    assert requests.post(widgets, json={}).status_code == 201, "recovers on the next call"
    assert mimic_cloud.calls(operation="create_widget")[0].status == 0


def test_close_without_response(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", close=True, times=1)

    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        requests.post(widgets, json={})

    assert _caused_by(caught.value, lambda e: isinstance(e, http.client.RemoteDisconnected))


def test_hang_until_client_times_out(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", hang=30, times=1)

    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(widgets, json={}, timeout=0.2)


def test_behave_actions_reach_the_service(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", action=Behave("error"), times=1)

    assert status_of(widgets, create(widgets)) == "ERROR"
    assert status_of(widgets, create(widgets)) == "READY"


def test_time_travel_advance_changes_time_derived_state_at_once(time_travel, widgets):
    widget_id = create(widgets, build_seconds=600)
    assert status_of(widgets, widget_id) == "BUILD"

    time_travel.advance(600)

    assert status_of(widgets, widget_id) == "READY"


def test_code_under_test_sees_travelled_time(time_travel, mimic_cloud):
    time_travel.advance(30 * 86400)

    assert abs(datetime.now(UTC).timestamp() - mimic_cloud.clock.now()) < 5
    assert time.time() - mimic_cloud.clock.now() < 5


def test_sleep_advance_mode_finishes_polling_at_once(time_travel, widgets):
    """A client polling with time.sleep reaches READY without waiting 10 real minutes."""
    time_travel.freeze()
    time_travel.advance_on_sleep()
    widget_id = create(widgets, build_seconds=600)
    started = time_travel.clock.now()

    polls = 0
    while status_of(widgets, widget_id) != "READY":
        polls += 1
        time.sleep(30)

    assert polls == 20
    assert time_travel.clock.now() - started == 600


def test_tick_endpoint_advances_the_clock(mimic_cloud, widgets):
    widget_id = create(widgets, build_seconds=120)

    response = requests.post(f"{mimic_cloud.base_url}/mimic/v1.1/tick", json={"amount": 120})

    assert response.status_code == 200
    assert response.json()["advanced"] == 120
    assert response.json()["now"].endswith("Z")
    assert status_of(widgets, widget_id) == "READY"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"amount": "5"}',
        b'{"amount": -1}',
        b"[]",
        b'{"amount": NaN}',
        b'{"amount": Infinity}',
        b'{"amount": 1e400}',
        b'{"amount": 1e300}',
        b'{"amount": 1' + b"0" * 400 + b"}",
    ],
    ids=["empty", "broken", "string", "negative", "list", "nan", "inf", "1e400", "1e300", "huge"],
)
def test_tick_rejects_bad_bodies_with_400_and_leaves_the_clock(time_travel, mimic_cloud, body):
    time_travel.freeze()
    before = mimic_cloud.clock.now()

    response = requests.post(f"{mimic_cloud.base_url}/mimic/v1.1/tick", data=body)

    assert response.status_code == 400
    assert response.json()["badRequest"]["code"] == 400
    assert mimic_cloud.clock.now() == before


def test_root_says_how_to_start(mimic_cloud):
    response = requests.get(mimic_cloud.base_url + "/")

    assert response.status_code == 200
    assert "/identity/v2.0/tokens" in response.text


def test_urls_in_answers_follow_the_host_header(mimic_cloud):
    """The server answers under whatever host name the client used."""
    url = mimic_cloud.base_url.replace("127.0.0.1", "localhost")

    assert f"{url}/identity" in requests.get(url + "/identity/v2.0").text


def test_a_late_request_cannot_leak_into_the_next_test(mimic_cloud, widgets):
    """A request in flight across a reset gets 503, changes nothing and is not journaled."""
    arrived = threading.Event()

    def slow_down(operation):
        arrived.set()
        return Delay(0.3)

    mimic_cloud.faults.add(FaultRule(decide=slow_down, service="widgets", times=1))
    answers = []
    late = threading.Thread(target=lambda: answers.append(requests.post(widgets, json={})))
    late.start()
    assert arrived.wait(5)

    mimic_cloud.reset()
    late.join()

    assert answers[0].status_code == 503
    assert mimic_cloud.service("widgets").widgets == {}
    assert mimic_cloud.calls(service="widgets") == []


def _caused_by(error, predicate):
    """Whether ``predicate`` holds for the error or anything in its cause/args chain."""
    seen = error
    while seen is not None:
        if predicate(seen) or any(predicate(a) for a in getattr(seen, "args", ())):
            return True
        seen = (
            seen.__cause__
            or seen.__context__
            or next((a for a in getattr(seen, "args", ()) if isinstance(a, BaseException)), None)
        )
    return False


def test_match_gives_attribute_patterns_whose_names_clash_with_keywords(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", status=500, match={"widget_name": "web-.*"})

    assert requests.post(widgets, json={"name": "db-1"}).status_code == 201
    assert requests.post(widgets, json={"name": "web-1"}).status_code == 500
