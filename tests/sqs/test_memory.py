"""What the SQS model keeps in memory: compact records for queued messages, and nothing of a
deleted message's body. Sizes are counted with tracemalloc (deterministic, no timing).
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from pytest_mimic.services.sqs.model import Scope, SendSpec, Sqs
from pytest_mimic.services.sqs.queue import Message

SCOPE = Scope("123456789012", "us-east-1")
BODY_BYTES = 100
#: The issue's bound: queued messages cost at most this many times their bodies.
MAX_RATIO = 4


def _model():
    return Sqs(lambda: 1_000_000.0, cooldowns=lambda: False)


def _traced(work):
    """Bytes still allocated after ``work()`` (and what it returns, kept alive)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = work()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before, kept
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("attributes", [False, True], ids=["plain", "with-attribute"])
def test_queued_messages_cost_at_most_four_times_their_bodies(attributes):
    """10,000 queued 100-byte messages, their bodies included, within 4x the bodies (the
    records were 7.7x: a dataclass of 17 fields, two dicts and a uuid string each).
    """
    from pytest_mimic.services.sqs.md5 import AttributeValue

    sqs = _model()
    queue = sqs.create_queue(SCOPE, "deep", {}, {})
    count = 10_000
    extra = {"kind": AttributeValue("String", "job")} if attributes else {}

    def fill():
        for i in range(count):
            sqs.send(queue, SendSpec(body=f"{i:0{BODY_BYTES}d}", attributes=extra))

    used, _ = _traced(fill)
    assert queue.visible_count == count
    assert used <= MAX_RATIO * count * BODY_BYTES, f"{used / count:.0f} bytes per message"


def test_a_message_record_has_slots_and_no_dict():
    message = Message(1, "x", 0.0)
    assert not hasattr(message, "__dict__")
    assert message.details is None
    assert message.attributes == {}
    assert len(message.message_id) == 36


@pytest.mark.parametrize("fifo", [False, True], ids=["standard", "fifo"])
def test_deleted_messages_free_their_bodies_at_once(fifo):
    """Send, receive and delete 20 bodies of 256 KiB: the queue keeps none of them (it kept
    them all for the retention period, four days by default).
    """
    sqs = _model()
    name = "churn.fifo" if fifo else "churn"
    queue = sqs.create_queue(SCOPE, name, {"FifoQueue": "true"} if fifo else {}, {})
    size = 256 * 1024

    def churn():
        for i in range(20):
            spec = SendSpec(
                body=str(i) * size if i < 10 else chr(65 + i) * size,
                group_id="g" if fifo else None,
                dedup_id=str(i) if fifo else None,
            )
            sqs.send(queue, spec)
            (item,) = sqs.receive(queue, 1, 30)
            queue.delete(item.receipt)

    used, _ = _traced(churn)
    assert (queue.visible_count, queue.inflight_count, queue.delayed_count) == (0, 0, 0)
    assert used < size, f"{used} bytes kept after deleting every message"


def test_dead_lettered_and_expired_messages_free_their_bodies():
    import json

    now = [1_000_000.0]
    sqs = Sqs(lambda: now[0], cooldowns=lambda: False)
    dlq = sqs.create_queue(SCOPE, "dlq", {"MessageRetentionPeriod": "60"}, {})
    policy = json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 1})
    queue = sqs.create_queue(SCOPE, "src", {"RedrivePolicy": policy}, {})
    size = 256 * 1024

    def churn():
        for i in range(10):
            sqs.send(queue, SendSpec(body=chr(65 + i) * size))
        for _ in range(2):  # the second receive moves them (maxReceiveCount 1)
            sqs.settle(queue)
            sqs.receive(queue, 10, 0)
        assert dlq.visible_count == 10
        now[0] += 60
        sqs.settle(dlq)

    used, _ = _traced(churn)
    assert (dlq.visible_count, queue.visible_count, queue.inflight_count) == (0, 0, 0)
    assert used < size, f"{used} bytes kept after the messages expired"


def test_deleted_bodies_are_not_kept_after_boto3_churn(sqs, sqs_service):
    """Through boto3: after send, receive and delete no message record holds a body."""
    url = sqs.create_queue(QueueName="churn")["QueueUrl"]
    marker = "freed-at-once:"
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=marker + str(i) * 64 * 1024)
        (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    gc.collect()
    holding = [o for o in gc.get_objects() if type(o) is Message and o.body.startswith(marker)]
    assert holding == []
    assert sqs_service.messages("churn") == []
