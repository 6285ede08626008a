"""The SQS model alone (no HTTP): no operation scans a queue, counters stay exact, receipt
handles name their queue and message, FIFO groups lock and unlock.
"""

from __future__ import annotations

import json

import pytest

from pytest_mimic.errors import ServiceError
from pytest_mimic.services.sqs.errors import SqsError
from pytest_mimic.services.sqs.model import Scope, SendSpec, Sqs
from pytest_mimic.services.sqs.queue import _encode_handle

SCOPE = Scope("123456789012", "us-east-1")


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


class NoScanDict(dict):
    """A dict that fails the test if anyone walks it (a scan of the whole queue)."""

    def __iter__(self):
        raise AssertionError("the queue was scanned")

    def values(self):
        raise AssertionError("the queue was scanned")

    def items(self):
        raise AssertionError("the queue was scanned")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sqs(clock):
    return Sqs(clock, cooldowns=lambda: True)


def _queue(sqs, name="q", **attributes):
    return sqs.create_queue(SCOPE, name, attributes, {})


@pytest.mark.parametrize("fifo", [False, True])
def test_no_message_operation_walks_the_queue(sqs, clock, fifo):
    name = "deep.fifo" if fifo else "deep"
    queue = _queue(sqs, name, **({"FifoQueue": "true"} if fifo else {}))
    queue.delivered = NoScanDict()
    for i in range(2000):
        sqs.send(
            queue,
            SendSpec(
                body=str(i),
                group_id=f"g{i % 7}" if fifo else None,
                dedup_id=str(i) if fifo else None,
            ),
        )
    for _ in range(50):
        clock.now += 1
        sqs.settle(queue)
        received = sqs.receive(queue, 10, 5)
        assert received
        queue.delete(received[0].receipt)
        if len(received) > 1:
            queue.change_visibility(received[1].receipt, 0, clock.now)
        sqs.get_attributes(queue, ["All"])
    assert queue.visible_count + queue.inflight_count == 2000 - 50


def test_counters_follow_every_transition(sqs, clock):
    queue = _queue(sqs)
    sqs.send(queue, SendSpec(body="now"))
    sqs.send(queue, SendSpec(body="later", delay=10))
    (first,) = sqs.receive(queue, 10, 30)
    assert (queue.visible_count, queue.inflight_count, queue.delayed_count) == (0, 1, 1)
    clock.now += 10
    sqs.settle(queue)
    assert (queue.visible_count, queue.inflight_count, queue.delayed_count) == (1, 1, 0)
    queue.delete(first.receipt)
    assert (queue.visible_count, queue.inflight_count, queue.delayed_count) == (1, 0, 0)
    clock.now += 30
    sqs.settle(queue)
    assert (queue.visible_count, queue.inflight_count, queue.delayed_count) == (1, 0, 0)


def test_stale_index_entries_are_dropped_as_they_surface(sqs, clock):
    queue = _queue(sqs)
    for i in range(100):
        sqs.send(queue, SendSpec(body=str(i)))
    while received := sqs.receive(queue, 10, 5):
        for item in received:
            queue.delete(item.receipt)
    clock.now += 5
    sqs.settle(queue)
    assert not queue._timers
    assert not queue._visible
    assert not queue.delivered


def test_a_receipt_handle_names_its_queue(sqs):
    first, second = _queue(sqs, "a"), _queue(sqs, "b")
    sqs.send(first, SendSpec(body="x"))
    (item,) = sqs.receive(first, 1, 5)
    with pytest.raises(SqsError) as error:
        second.delete(item.receipt)
    assert error.value.code == "ReceiptHandleIsInvalid"
    first.delete(item.receipt)
    first.delete(item.receipt)  # gone already: still fine


def test_a_handle_for_a_receive_that_never_happened_is_invalid(sqs):
    queue = _queue(sqs)
    sqs.send(queue, SendSpec(body="x"))
    (item,) = sqs.receive(queue, 1, 5)
    assert queue.by_handle(item.receipt) == (item.message, 1)
    forged = _encode_handle(queue.uid, item.message.serial, 2)
    with pytest.raises(SqsError) as error:
        queue.by_handle(forged)
    assert error.value.code == "ReceiptHandleIsInvalid"


def test_fifo_groups_lock_while_in_flight(sqs, clock):
    queue = _queue(sqs, "g.fifo", FifoQueue="true")
    for i, group in enumerate("aab"):
        sqs.send(queue, SendSpec(body=str(i), group_id=group, dedup_id=str(i)))
    got = sqs.receive(queue, 1, 30)
    assert [r.message.body for r in got] == ["0"]
    assert [r.message.body for r in sqs.receive(queue, 10, 30)] == ["2"]
    assert sqs.receive(queue, 10, 30) == []
    queue.delete(got[0].receipt)
    assert [r.message.body for r in sqs.receive(queue, 10, 30)] == ["1"]


def test_dead_letter_moves_keep_the_message_id(sqs, clock):
    dlq = _queue(sqs, "dlq")
    policy = json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 1})
    queue = _queue(sqs, "src", RedrivePolicy=policy)
    sent = sqs.send(queue, SendSpec(body="x"))
    sqs.receive(queue, 1, 0)
    clock.now += 1
    sqs.settle(queue)
    assert sqs.receive(queue, 1, 0) == []
    (moved,) = sqs.receive(dlq, 1, 30)
    assert moved.message.message_id == sent.message_id
    assert moved.message.source_arn == queue.arn


@pytest.mark.parametrize(
    ("code", "status", "sender"),
    [("QueueDoesNotExist", 400, True), ("OverLimit", 403, True), ("InternalError", 500, False)],
)
def test_sqs_errors_are_service_errors_with_the_status_of_their_kind(code, status, sender):
    """The core sees one error type: an SqsError's status and fault come from its code."""
    error = SqsError(code, "message")
    assert isinstance(error, ServiceError)
    assert (error.status, error.fault, error.message, error.sender) == (
        status,
        code,
        "message",
        sender,
    )


def test_the_first_receive_time_survives_later_receives_and_dead_lettering(sqs, clock):
    """Kept in the record's details only from the second receive on; still exact."""
    dlq = _queue(sqs, "first-dlq")
    policy = json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 2})
    queue = _queue(sqs, "first-src", RedrivePolicy=policy)
    sqs.send(queue, SendSpec(body="x"))
    first_at = clock.now
    (item,) = sqs.receive(queue, 1, 0)
    assert item.message.details is None
    assert item.message.first_received_at == first_at
    for _ in range(2):  # a second receive, then a third that dead-letters it
        clock.now += 10
        sqs.settle(queue)
        sqs.receive(queue, 1, 0)
    clock.now += 10
    sqs.settle(dlq)
    (moved,) = sqs.receive(dlq, 1, 30)
    assert moved.message.first_received_at == first_at
    assert moved.message.receive_count == 3
