"""Long polls wait outside the cloud lock and return as soon as a message can be had: a
send from another thread, a clock move that ends a delay, a reset. No test sleeps: each
waits until the dispatcher reports the poll waiting.
"""

from __future__ import annotations

import threading

from pytest_mimic.clock import real_monotonic
from tests.sqs.conftest import make_client

#: WaitTimeSeconds of polls that must be ended early (the test fails if one runs out).
LONG = 20
#: Idle polls, each on a queue of its own, in the wake-up tests.
IDLE = 20


def _poll(url, queue, **kwargs):
    """Start ``receive_message`` in a thread with its own client; returns (thread, result)."""
    client = make_client(url)
    result = {}

    def run():
        started = real_monotonic()
        try:
            result["answer"] = client.receive_message(QueueUrl=queue, **kwargs)
        except Exception as error:  # kept for the test to see, not raised in the thread
            result["error"] = error
        result["seconds"] = real_monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_send_from_another_thread_ends_the_poll_early(mimic_cloud, sqs):
    queue = sqs.create_queue(QueueName="waiting")["QueueUrl"]
    thread, result = _poll(mimic_cloud.url("sqs"), queue, WaitTimeSeconds=LONG)
    assert mimic_cloud.dispatcher.wait_for_waiters(1)

    sqs.send_message(QueueUrl=queue, MessageBody="wake up")
    thread.join(timeout=LONG + 10)

    assert [m["Body"] for m in result["answer"]["Messages"]] == ["wake up"]
    assert result["seconds"] < LONG / 2


def test_other_requests_are_served_while_a_poll_waits(mimic_cloud, sqs):
    queue = sqs.create_queue(QueueName="busy")["QueueUrl"]
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    thread, result = _poll(mimic_cloud.url("sqs"), queue, WaitTimeSeconds=LONG)
    assert mimic_cloud.dispatcher.wait_for_waiters(1)

    for i in range(5):
        sqs.send_message(QueueUrl=other, MessageBody=str(i))
    counts = sqs.get_queue_attributes(
        QueueUrl=other, AttributeNames=["ApproximateNumberOfMessages"]
    )
    sqs.send_message(QueueUrl=queue, MessageBody="done")
    thread.join(timeout=LONG + 10)

    assert counts["Attributes"] == {"ApproximateNumberOfMessages": "5"}
    assert result["answer"]["Messages"][0]["Body"] == "done"


def test_a_clock_move_that_ends_a_delay_ends_the_poll(time_travel, mimic_cloud, sqs):
    time_travel.freeze()
    queue = sqs.create_queue(QueueName="later")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="in an hour", DelaySeconds=900)
    thread, result = _poll(mimic_cloud.url("sqs"), queue, WaitTimeSeconds=LONG)
    assert mimic_cloud.dispatcher.wait_for_waiters(1)

    time_travel.advance(900)
    thread.join(timeout=LONG + 10)

    assert result["answer"]["Messages"][0]["Body"] == "in an hour"
    assert result["seconds"] < LONG / 2


def test_a_clock_move_that_ends_a_visibility_timeout_ends_the_poll(time_travel, mimic_cloud, sqs):
    time_travel.freeze()
    queue = sqs.create_queue(QueueName="retry")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="again")
    sqs.receive_message(QueueUrl=queue, VisibilityTimeout=600)
    thread, result = _poll(mimic_cloud.url("sqs"), queue, WaitTimeSeconds=LONG)
    assert mimic_cloud.dispatcher.wait_for_waiters(1)

    time_travel.advance(600)
    thread.join(timeout=LONG + 10)

    (message,) = result["answer"]["Messages"]
    assert message["Body"] == "again"


def test_the_queue_receive_wait_time_is_the_default_wait(mimic_cloud, sqs):
    queue = sqs.create_queue(
        QueueName="patient", Attributes={"ReceiveMessageWaitTimeSeconds": str(LONG)}
    )["QueueUrl"]
    thread, result = _poll(mimic_cloud.url("sqs"), queue)
    assert mimic_cloud.dispatcher.wait_for_waiters(1)

    sqs.send_message(QueueUrl=queue, MessageBody="default wait")
    thread.join(timeout=LONG + 10)

    assert result["answer"]["Messages"][0]["Body"] == "default wait"


def test_an_explicit_zero_wait_does_not_wait(mimic_cloud, sqs):
    queue = sqs.create_queue(
        QueueName="impatient", Attributes={"ReceiveMessageWaitTimeSeconds": str(LONG)}
    )["QueueUrl"]
    started = real_monotonic()
    answer = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0)
    assert "Messages" not in answer
    assert real_monotonic() - started < LONG / 2


def test_a_short_poll_with_nothing_returns_empty_after_its_wait(sqs):
    queue = sqs.create_queue(QueueName="quiet")["QueueUrl"]
    started = real_monotonic()
    answer = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)
    assert "Messages" not in answer
    assert 0.9 <= real_monotonic() - started < 5


def test_a_running_clock_wakes_the_poll_when_a_delay_ends_by_itself(mimic_cloud, sqs):
    """Nothing notifies when real time ends a delay; the poll must look again by itself."""
    queue = sqs.create_queue(QueueName="soon")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="in a second", DelaySeconds=1)
    started = real_monotonic()
    answer = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=LONG)
    assert answer["Messages"][0]["Body"] == "in a second"
    assert real_monotonic() - started < LONG / 2


def test_a_reset_ends_the_poll_with_a_503(mimic_session_cloud, mimic_cloud, sqs):
    cloud = mimic_session_cloud
    queue = sqs.create_queue(QueueName="reset")["QueueUrl"]
    client = make_client(cloud.url("sqs"))
    result = {}

    def run():
        try:
            client.receive_message(QueueUrl=queue, WaitTimeSeconds=LONG)
        except client.exceptions.ClientError as error:
            result["error"] = error.response

    thread = threading.Thread(target=run)
    thread.start()
    assert cloud.dispatcher.wait_for_waiters(1)

    cloud.reset()
    thread.join(timeout=LONG + 10)

    assert result["error"]["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert result["error"]["Error"]["Code"] == "ServiceUnavailable"


def test_a_moto_reset_ends_the_poll(mimic_cloud, sqs):
    import requests

    queue = sqs.create_queue(QueueName="moto-reset")["QueueUrl"]
    client = make_client(mimic_cloud.url("sqs"))
    result = {}

    def run():
        try:
            client.receive_message(QueueUrl=queue, WaitTimeSeconds=LONG)
        except client.exceptions.QueueDoesNotExist as error:
            result["code"] = error.response["Error"]["Code"]

    thread = threading.Thread(target=run)
    thread.start()
    assert mimic_cloud.dispatcher.wait_for_waiters(1)

    assert requests.post(mimic_cloud.url("sqs") + "/moto-api/reset", timeout=10).ok
    thread.join(timeout=LONG + 10)

    assert result["code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_a_server_stop_ends_the_poll():
    from pytest_mimic.cloud import MimicCloud
    from pytest_mimic.services.sqs import SQSService

    cloud = MimicCloud(services=[SQSService])
    cloud.start()
    cloud.reset()
    client = make_client(cloud.url("sqs"))
    queue = client.create_queue(QueueName="stopping")["QueueUrl"]
    result = {}

    def run():
        try:
            client.receive_message(QueueUrl=queue, WaitTimeSeconds=LONG)
            result["answer"] = "returned"
        except Exception as error:  # a 503 or a closed connection are both fine
            result["answer"] = type(error).__name__

    thread = threading.Thread(target=run)
    thread.start()
    assert cloud.dispatcher.wait_for_waiters(1)

    started = real_monotonic()
    cloud.stop()
    thread.join(timeout=LONG + 10)

    assert not thread.is_alive()
    assert result["answer"] != "returned"
    assert real_monotonic() - started < LONG


def _idle_polls(mimic_cloud, sqs):
    """``IDLE`` polls waiting, each on a queue of its own; returns the queues and polls."""
    endpoint = mimic_cloud.url("sqs")
    queues = [sqs.create_queue(QueueName=f"idle-{i}")["QueueUrl"] for i in range(IDLE)]
    polls = [_poll(endpoint, url, WaitTimeSeconds=LONG) for url in queues]
    assert mimic_cloud.dispatcher.wait_for_waiters(IDLE)
    return queues, polls


def _end(sqs, queues, polls):
    """End every poll with a message of its own and check each got it."""
    for url in queues:
        sqs.send_message(QueueUrl=url, MessageBody="bye")
    for thread, _result in polls:
        thread.join(timeout=LONG + 10)
    assert all(result["answer"].get("Messages") for _thread, result in polls)


def test_a_send_wakes_only_the_polls_of_its_queue(mimic_cloud, sqs):
    """Sends, batches and visibility changes on another queue wake none of the idle polls
    (each used to wake them all); a send to one of their queues wakes that poll alone.
    Counted where the dispatcher wakes handlers, not timed.
    """
    dispatcher = mimic_cloud.dispatcher
    busy = sqs.create_queue(QueueName="busy")["QueueUrl"]
    queues, polls = _idle_polls(mimic_cloud, sqs)
    before = dispatcher.woken

    for i in range(10):
        sqs.send_message(QueueUrl=busy, MessageBody=str(i))
    sqs.send_message_batch(
        QueueUrl=busy, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(10)]
    )
    (message,) = sqs.receive_message(QueueUrl=busy)["Messages"]
    sqs.change_message_visibility(
        QueueUrl=busy, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    assert dispatcher.woken == before

    sqs.send_message(QueueUrl=queues[0], MessageBody="only this one")
    assert dispatcher.woken == before + 1
    _end(sqs, queues[1:], polls[1:])
    polls[0][0].join(timeout=LONG + 10)
    assert polls[0][1]["answer"]["Messages"][0]["Body"] == "only this one"


def test_a_clock_move_still_wakes_every_poll(time_travel, mimic_cloud, sqs):
    dispatcher = mimic_cloud.dispatcher
    queues, polls = _idle_polls(mimic_cloud, sqs)
    before = dispatcher.woken
    time_travel.advance(1)
    assert dispatcher.woken == before + IDLE
    _end(sqs, queues, polls)
