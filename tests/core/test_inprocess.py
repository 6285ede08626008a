"""The socket-free transport: requests calls answered by the same app through responses."""

from __future__ import annotations

import errno
import http.client

import pytest
import requests
import requests.adapters
import responses
import urllib3
from botocore.endpoint import Endpoint

from pytest_mimic.cloud import MimicCloud
from pytest_mimic.inprocess import check_transport
from pytest_mimic.services.sqs import SQSService
from tests.support.aws import sqs_client
from tests.support.widgets import WidgetService

pytest_plugins = ["pytester"]


@pytest.fixture
def private_cloud():
    """A cloud of this test's own, so its server can be stopped."""
    cloud = MimicCloud(services=[WidgetService])
    cloud.start()
    yield cloud
    cloud.stop()


def test_requests_reach_the_cloud_with_its_server_stopped(private_cloud):
    """Proof that no socket is involved: the server is gone and the call still succeeds."""
    with private_cloud.test(transport="in-process"):
        widgets = private_cloud.url("widgets")
        private_cloud.server.stop()

        created = requests.post(widgets, json={"name": "no-socket"})
        fetched = requests.get(f"{widgets}/{created.json()['id']}")

        assert (created.status_code, fetched.json()["name"]) == (201, "no-socket")
        assert [c.operation for c in private_cloud.calls()] == ["create_widget", "get_widget"]
        assert private_cloud.transport == "in-process"
    assert private_cloud.transport == "socket"


def test_the_mode_ends_with_the_test(private_cloud):
    with private_cloud.test(transport="in-process"):
        pass
    private_cloud.server.stop()

    with pytest.raises(requests.ConnectionError):
        requests.get(private_cloud.base_url + "/", timeout=2)


@pytest.mark.parametrize("mimic_transport", ["in-process"])
def test_the_fixture_flag_switches_the_mode(mimic_cloud, widgets):
    assert mimic_cloud.transport == "in-process"
    assert requests.post(widgets, json={}).status_code == 201


@pytest.mark.parametrize("mimic_transport", ["in-process"])
def test_injected_reset_raises_what_requests_raises(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", reset=True, times=1)

    with pytest.raises(requests.ConnectionError) as caught:
        requests.post(widgets, json={})

    reason = caught.value.args[0].args[1]
    assert isinstance(reason, ConnectionResetError)
    assert reason.errno == errno.ECONNRESET
    assert mimic_cloud.calls(operation="create_widget")[0].fault is not None


@pytest.mark.parametrize("mimic_transport", ["in-process"])
def test_injected_close_raises_remote_disconnected(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", close=True, times=1)

    with pytest.raises(requests.ConnectionError) as caught:
        requests.post(widgets, json={})

    assert isinstance(caught.value.args[0].args[1], http.client.RemoteDisconnected)


@pytest.mark.parametrize("mimic_transport", ["in-process"])
def test_injected_hang_raises_the_clients_read_timeout(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", hang=60, times=1)

    with pytest.raises(requests.ReadTimeout):
        requests.post(widgets, json={}, timeout=(5, 0.05))


@pytest.mark.parametrize("mimic_transport", ["in-process"])
def test_a_hang_shorter_than_the_timeout_ends_as_a_close(mimic_cloud, widgets):
    mimic_cloud.inject("widgets", "create_widget", hang=0.05, times=1)

    with pytest.raises(requests.ConnectionError) as caught:
        requests.post(widgets, json={}, timeout=5)

    assert not isinstance(caught.value, requests.ReadTimeout)


@pytest.mark.parametrize("mimic_transport", ["in-process"])
def test_latency_past_the_timeout_times_out_but_the_request_completes(mimic_cloud, widgets):
    """As with a real server: the client gives up, the fake still does the work."""
    mimic_cloud.inject("widgets", "create_widget", delay=30, times=1)

    with pytest.raises(requests.ReadTimeout):
        requests.post(widgets, json={"name": "late"}, timeout=0.05)

    assert mimic_cloud.calls(operation="create_widget")[0].status == 201


@pytest.mark.parametrize("mimic_transport", ["in-process"])
def test_other_http_clients_keep_the_socket(mimic_cloud, widgets):
    """Neither requests nor a botocore client (here urllib3 itself): it still reaches the server."""
    answer = urllib3.PoolManager().request("POST", widgets, body=b'{"name": "raw"}')

    assert answer.status == 201
    assert mimic_cloud.calls(operation="create_widget", widget_name="raw")


@pytest.mark.parametrize("mimic_transport", ["in-process"])
def test_other_urls_still_reach_mocks_the_test_starts(mimic_cloud, widgets):
    """Inside the test's own responses mock, the fake is still reachable (over the socket)."""
    with responses.mock as mock:
        mock.get("https://api.example.com/thing", json={"mocked": True})

        assert requests.get("https://api.example.com/thing").json() == {"mocked": True}
        assert requests.post(widgets, json={}).status_code == 201


def test_mocks_started_before_the_test_keep_their_urls(private_cloud):
    with responses.RequestsMock() as mock:
        mock.get("https://api.example.com/outer", json={"outer": True})
        with private_cloud.test(transport="in-process"):
            assert requests.get("https://api.example.com/outer").json() == {"outer": True}
            assert requests.get(private_cloud.url("widgets") + "/missing").status_code == 404


def test_two_clouds_stop_in_any_order_and_every_client_is_restored():
    """Each cloud answers its own URL without a socket, whichever stops first; then requests
    and botocore are what they were before.
    """
    send, endpoint_send = requests.adapters.HTTPAdapter.send, Endpoint._send
    first = MimicCloud(services=[WidgetService, SQSService])
    second = MimicCloud(services=[WidgetService, SQSService])
    with first, second:
        first.begin_test(transport="in-process")
        second.begin_test(transport="in-process")
        first.server.stop()
        second.server.stop()
        requests.post(first.url("widgets"), json={})
        sqs_client(second.url("sqs")).create_queue(QueueName="two")

        first.end_test()
        assert requests.post(second.url("widgets"), json={}).status_code == 201
        assert sqs_client(second.url("sqs")).list_queues()["QueueUrls"][0].endswith("/two")
        second.end_test()

        assert [c.operation for c in first.journal.calls()] == ["create_widget"]
        assert [c.operation for c in second.journal.calls()] == [
            "CreateQueue",
            "create_widget",
            "ListQueues",
        ]
    assert (requests.adapters.HTTPAdapter.send, Endpoint._send) == (send, endpoint_send)


def test_repeated_headers_and_query_strings_arrive_intact(private_cloud):
    with private_cloud.test(transport="in-process"):
        response = requests.get(private_cloud.base_url + "/no/such?a=1&b=%C3%A9")

        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/json"
        assert private_cloud.calls()[0].query == "a=1&b=%C3%A9"


def test_an_unknown_transport_names_the_valid_ones(private_cloud):
    with pytest.raises(ValueError, match="'socket', 'in-process'"):
        check_transport("inprocess")
    with pytest.raises(ValueError, match="unknown pytest-mimic transport"):
        private_cloud.begin_test(transport="udp")


def test_the_ini_option_switches_every_test(pytester):
    pytester.makeini("[pytest]\nmimic_transport = in-process\n")
    pytester.makepyfile(
        """
        import requests

        def test_in_process(mimic_cloud):
            assert mimic_cloud.transport == "in-process"
            assert requests.get(mimic_cloud.auth_url).status_code == 200
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_command_line_option_wins_over_the_ini(pytester):
    pytester.makeini("[pytest]\nmimic_transport = in-process\n")
    pytester.makepyfile(
        """
        def test_socket(mimic_cloud):
            assert mimic_cloud.transport == "socket"
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider", "--mimic-transport", "socket")
    result.assert_outcomes(passed=1)


def test_a_misspelt_ini_transport_stops_the_run_naming_the_choices(pytester):
    pytester.makeini("[pytest]\nmimic_transport = inprocess\n")
    pytester.makepyfile("def test_never(mimic_cloud):\n    pass\n")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*mimic_transport*'inprocess'*'socket', 'in-process'*"])
