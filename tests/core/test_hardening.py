"""The core's crash paths and bounds (issue: reliability), each reproduced as a probe found it."""

from __future__ import annotations

import logging
import socket

import pytest
import requests

from pytest_mimic import FaultRule
from pytest_mimic.cloud import MimicCloud, MimicServerError
from pytest_mimic.journal import Call, Journal
from pytest_mimic.services.base import MAX_BODY_BYTES
from tests.support.widgets import WidgetService


@pytest.fixture
def private_cloud():
    """A cloud of this test's own, whose recorded errors the test inspects itself."""
    cloud = MimicCloud(services=[WidgetService])
    cloud.start()
    cloud.reset()
    yield cloud
    cloud.stop()


def _exchange(base_url: str, raw: bytes) -> bytes:
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data:
                head, _, rest = data.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                if len(rest) >= length:
                    break
        return data


def test_an_exception_inside_the_fault_engine_is_a_json_500_and_fails_the_test(private_cloud):
    """A rule whose own code raises (as a bad preset once did) is caught by the dispatcher."""

    def explode(operation):
        raise OverflowError("int too large to convert to float")

    private_cloud.faults.add(FaultRule(decide=explode, service="widgets"))

    response = requests.post(private_cloud.url("widgets"), json={"name": "w"})

    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    assert "computeFault" in response.json()
    with pytest.raises(MimicServerError, match="OverflowError"):
        private_cloud.check()


def test_an_oversized_body_is_refused_on_its_length_before_it_is_sent(private_cloud):
    """The 413 comes back although the client has sent none of the 15 MB it announced."""
    announced = 15 * 1024 * 1024
    answer = _exchange(
        private_cloud.base_url,
        b"POST /widgets/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % announced,
    )

    assert answer.startswith(b"HTTP/1.1 413")
    assert b"Connection: close" in answer
    assert str(MAX_BODY_BYTES).encode() in answer
    assert private_cloud.calls()[0].status == 413


def test_a_chunked_body_is_cut_off_at_the_limit(private_cloud):
    chunk = b"x" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20))  # 1.25 MiB
    answer = _exchange(
        private_cloud.base_url,
        b"POST /widgets/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunks
        + b"0\r\n\r\n",
    )

    assert answer.startswith(b"HTTP/1.1 413")
    assert b'"overLimit"' in answer


def test_a_body_at_the_limit_is_accepted(private_cloud):
    padding = " " * (MAX_BODY_BYTES - len('{"name": "edge"}'))
    response = requests.post(
        private_cloud.url("widgets"),
        data='{"name": "edge"}' + padding,
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 201


@pytest.mark.parametrize("coding", [b"gzip, chunked", b"gzip", b"identity"])
def test_transfer_codings_other_than_chunked_get_501(private_cloud, coding):
    answer = _exchange(
        private_cloud.base_url,
        b"POST /widgets/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: %s\r\n\r\n0\r\n\r\n" % coding,
    )

    assert answer.startswith(b"HTTP/1.1 501")
    assert b"Connection: close" in answer
    assert private_cloud.calls() == []


def test_a_path_cannot_forge_a_log_line(private_cloud, caplog):
    caplog.set_level(logging.INFO, logger="pytest_mimic")

    requests.get(private_cloud.base_url + "/widgets/x%0A2026-01-01 FORGED -> 200")

    lines = [r.getMessage() for r in caplog.records if "widgets" in r.getMessage()]
    assert lines
    assert all("\n" not in line for line in lines)
    assert "x\\n2026-01-01 FORGED" in lines[0]


def test_token_ids_in_paths_are_redacted_in_logs_but_kept_in_the_journal(caplog):
    call = Call(
        time=0.0,
        service="identity",
        operation="validate_token",
        method="GET",
        path="/identity/v2.0/tokens/secret-token-id",
        query="belongsTo=123",
        status=200,
        duration=0.0,
        request_body=b"",
        response_body=b"",
        attributes={"token_id": "secret-token-id"},
    )

    assert "secret-token-id" not in call.describe(redact=True)
    assert "/tokens/***?belongsTo=123" in call.describe(redact=True)
    assert "secret-token-id" in call.describe()


def test_service_tracebacks_are_logged(private_cloud, caplog):
    requests.post(private_cloud.url("widgets") + "/boom")

    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("Traceback" in m and "the widget factory exploded" in m for m in messages)
    private_cloud.dispatcher.errors.clear()


def test_a_bounded_journal_keeps_the_latest_calls_and_counts_the_rest():
    journal = Journal(maxlen=3)
    for index in range(5):
        journal.record(Call(0.0, "s", f"op{index}", "GET", "/", "", 200, 0.0, b"", b"", {}, None))

    assert [c.operation for c in journal.calls()] == ["op2", "op3", "op4"]
    assert journal.render().startswith("... 2 earlier calls")
    journal.clear()
    assert (len(journal), journal.dropped) == (0, 0)


def test_a_journal_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least one call"):
        Journal(maxlen=0)


def test_recorded_server_errors_are_bounded(private_cloud):
    for _ in range(150):
        requests.post(private_cloud.url("widgets") + "/boom")

    assert len(private_cloud.dispatcher.errors) == 100
    private_cloud.dispatcher.errors.clear()


def test_the_reset_door_empties_state_journal_and_clock(private_cloud):
    widgets = private_cloud.url("widgets")
    widget_id = requests.post(widgets, json={"name": "w"}).json()["id"]
    requests.post(private_cloud.base_url + "/mimic/v1.1/tick", json={"amount": 3600})
    before = private_cloud.clock.now()

    answer = requests.post(private_cloud.base_url + "/mimic/v1.1/reset")

    assert answer.status_code == 204
    assert answer.content == b""
    assert requests.get(f"{widgets}/{widget_id}").status_code == 404
    assert private_cloud.clock.now() < before - 3000
    assert [c.operation for c in private_cloud.calls()] == ["get_widget"]


def test_a_header_http_cannot_carry_is_a_reported_500_not_a_silent_drop(private_cloud):
    """A service bug that puts a non-Latin-1 character in a header still gets an answer."""
    from pytest_mimic.services.base import json_response

    widgets = private_cloud.service("widgets")
    original = widgets.get

    def bad_header(request, widget_id):
        return json_response({}, headers={"X-Name": "caf\u0100"})

    widgets.get = bad_header
    try:
        answer = requests.get(private_cloud.url("widgets") + "/x")
    finally:
        widgets.get = original

    assert answer.status_code == 500
    with pytest.raises(MimicServerError, match="header values HTTP cannot carry"):
        private_cloud.check()
