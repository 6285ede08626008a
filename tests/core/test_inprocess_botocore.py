"""The socket-free transport for botocore: boto3 answered by the same app, without TCP."""

from __future__ import annotations

import errno
import http.client

import pytest
import urllib3
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.endpoint import Endpoint
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError
from botocore.response import StreamingBody

from pytest_mimic.cloud import MimicCloud
from pytest_mimic.inprocess.botocore_route import BotocoreRoute
from pytest_mimic.services.sqs import SQSService
from tests.support.aws import sqs_client


@pytest.fixture
def private_cloud():
    """A cloud of this test's own, so its server can be stopped."""
    cloud = MimicCloud(services=[SQSService])
    cloud.start()
    yield cloud
    cloud.stop()


@pytest.fixture
def mimic_transport():
    return "in-process"


@pytest.fixture
def queue(mimic_cloud):
    """A queue's URL on the session cloud."""
    return sqs_client(mimic_cloud.url("sqs")).create_queue(QueueName="faults")["QueueUrl"]


def test_the_guard_refuses_the_socket(mimic_cloud, refused_connections):
    """The guard the other tests use: without it they would prove nothing."""
    with pytest.raises(urllib3.exceptions.NewConnectionError):
        urllib3.PoolManager().request("GET", mimic_cloud.base_url + "/", retries=False)

    assert len(refused_connections) == 1


def test_a_client_made_before_the_transport_works_with_the_server_stopped(private_cloud):
    """No socket at all: the listener is gone, and a client created earlier still works."""
    client = sqs_client(private_cloud.url("sqs"))
    with private_cloud.test(transport="in-process"):
        private_cloud.server.stop()

        url = client.create_queue(QueueName="no-socket")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="hello")
        got = client.receive_message(QueueUrl=url)["Messages"]

        assert [m["Body"] for m in got] == ["hello"]
        assert [c.operation for c in private_cloud.calls()] == [
            "CreateQueue",
            "SendMessage",
            "ReceiveMessage",
        ]


def test_a_stopped_cloud_refuses_connections_like_a_stopped_server(private_cloud):
    """After the bracket, botocore's Endpoint is botocore's own again and the socket is used."""
    original = Endpoint._send
    client = sqs_client(private_cloud.url("sqs"))
    with private_cloud.test(transport="in-process"):
        assert Endpoint._send is not original
    assert Endpoint._send is original
    private_cloud.stop()

    with pytest.raises(EndpointConnectionError):
        client.list_queues()


def test_other_urls_still_reach_the_network(mimic_cloud, httpserver, refused_connections):
    """Only the cloud's base URL is served in-process; another endpoint gets a real request."""
    httpserver.expect_request("/", method="POST").respond_with_json(
        {"QueueUrls": ["http://elsewhere/q"]}, content_type="application/x-amz-json-1.0"
    )

    elsewhere = sqs_client(httpserver.url_for("/")).list_queues()
    here = sqs_client(mimic_cloud.url("sqs")).list_queues()

    assert (elsewhere["QueueUrls"], here.get("QueueUrls")) == (["http://elsewhere/q"], None)
    assert len(httpserver.log) == 1
    assert [c.operation for c in mimic_cloud.calls()] == ["ListQueues"]


def test_a_tests_own_before_send_handler_comes_first(mimic_cloud, refused_connections):
    """botocore's before-send event runs before the route, as it runs before the socket."""
    client = sqs_client(mimic_cloud.url("sqs"))
    client.meta.events.register(
        "before-send.sqs.ListQueues",
        lambda request, **kwargs: AWSResponse(request.url, 200, {}, _Raw(b'{"QueueUrls": []}')),
    )

    assert client.list_queues()["QueueUrls"] == []
    assert client.create_queue(QueueName="routed")["QueueUrl"].endswith("/routed")
    assert [c.operation for c in mimic_cloud.calls()] == ["CreateQueue"]


def test_injected_reset_raises_what_botocore_raises(mimic_cloud, queue, refused_connections):
    mimic_cloud.inject("sqs", "SendMessage", reset=True, times=1)

    with pytest.raises(ConnectionClosedError) as caught:
        sqs_client(mimic_cloud.url("sqs")).send_message(QueueUrl=queue, MessageBody="x")

    reason = caught.value.kwargs["error"].args[1]
    assert isinstance(reason, ConnectionResetError)
    assert reason.errno == errno.ECONNRESET
    assert mimic_cloud.calls(operation="SendMessage")[0].fault is not None


def test_botocore_retries_after_a_reset_as_it_would_over_a_socket(
    mimic_cloud, queue, time_travel, refused_connections
):
    """The error takes botocore's own path: its retry handler sends the request again."""
    time_travel.advance_on_sleep()  # botocore's back-off between attempts
    mimic_cloud.inject("sqs", "SendMessage", reset=True, times=1)

    sent = sqs_client(mimic_cloud.url("sqs"), attempts=2).send_message(
        QueueUrl=queue, MessageBody="x"
    )

    assert sent["ResponseMetadata"]["RetryAttempts"] == 1
    assert [c.status for c in mimic_cloud.calls(operation="SendMessage")] == [0, 200]


def test_injected_close_raises_connection_closed_with_remote_disconnected(
    mimic_cloud, queue, refused_connections
):
    mimic_cloud.inject("sqs", "SendMessage", close=True, times=1)

    with pytest.raises(ConnectionClosedError) as caught:
        sqs_client(mimic_cloud.url("sqs")).send_message(QueueUrl=queue, MessageBody="x")

    assert isinstance(caught.value.kwargs["error"].args[1], http.client.RemoteDisconnected)


def test_injected_hang_raises_read_timeout_after_the_configured_read_timeout(
    mimic_cloud, queue, refused_connections
):
    """The hang lasts as long as Config(read_timeout=...) allows, not its 60 seconds."""
    mimic_cloud.inject("sqs", "SendMessage", hang=60, times=1)
    client = sqs_client(mimic_cloud.url("sqs"), read_timeout=0.05)

    with pytest.raises(ReadTimeoutError, match="Read timeout on endpoint URL"):
        client.send_message(QueueUrl=queue, MessageBody="x")


def test_a_hang_shorter_than_the_read_timeout_ends_as_a_close(
    mimic_cloud, queue, refused_connections
):
    mimic_cloud.inject("sqs", "SendMessage", hang=0.05, times=1)
    client = sqs_client(mimic_cloud.url("sqs"), read_timeout=30)

    with pytest.raises(ConnectionClosedError):
        client.send_message(QueueUrl=queue, MessageBody="x")


def test_latency_past_the_read_timeout_times_out_but_the_message_is_sent(
    mimic_cloud, queue, refused_connections
):
    """As with a real server: the client gives up, the fake still does the work."""
    mimic_cloud.inject("sqs", "SendMessage", delay=30, times=1)
    client = sqs_client(mimic_cloud.url("sqs"), read_timeout=0.05)

    with pytest.raises(ReadTimeoutError):
        client.send_message(QueueUrl=queue, MessageBody="late")

    assert mimic_cloud.calls(operation="SendMessage")[0].status == 200
    got = sqs_client(mimic_cloud.url("sqs")).receive_message(QueueUrl=queue)
    assert got["Messages"][0]["Body"] == "late"


def test_a_long_poll_past_the_read_timeout_raises_read_timeout(
    mimic_cloud, queue, refused_connections
):
    """The real client gives up on a poll longer than its read timeout; so does this one."""
    client = sqs_client(mimic_cloud.url("sqs"), read_timeout=0.5)

    with pytest.raises(ReadTimeoutError):
        client.receive_message(QueueUrl=queue, WaitTimeSeconds=1)

    assert mimic_cloud.calls(operation="ReceiveMessage")[0].status == 200


class _Raw:
    """The least a raw body needs for botocore: ``stream()``."""

    def __init__(self, data):
        self.data = data

    def stream(self, **kwargs):
        yield self.data


def test_a_streamed_answer_reads_as_from_a_socket(private_cloud):
    """Operations with streaming output get urllib3's own response to read in chunks."""
    request = AWSRequest(method="GET", url=private_cloud.base_url + "/").prepare()
    request.stream_output = True
    route = BotocoreRoute(private_cloud.dispatcher, private_cloud.base_url)

    response = route.answer(None, request)
    body = StreamingBody(response.raw, int(response.headers["Content-Length"]))

    assert b"".join(body.iter_chunks(chunk_size=7)).startswith(b"pytest-mimic fake cloud")
    assert [c.operation for c in private_cloud.calls()] == ["unrouted"]
