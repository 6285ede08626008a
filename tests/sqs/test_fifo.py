"""FIFO queues: names, group ids, ordering and locking per group, deduplication over a
5-minute window that outlives deletes, sequence numbers, receive attempt ids.
"""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError


def _code(error):
    return error.value.response["Error"]["Code"]


@pytest.fixture
def fifo(sqs):
    return sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]


def _send(sqs, url, body, group="g", dedup=None):
    return sqs.send_message(
        QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=dedup or body
    )


def _receive(sqs, url, n=10, **kwargs):
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=n, **kwargs).get("Messages", [])


def test_fifo_attributes(sqs, fifo):
    attributes = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    assert attributes["DeduplicationScope"] == "queue"
    assert attributes["FifoThroughputLimit"] == "perQueue"


def test_fifo_names_need_the_suffix_and_the_attribute(sqs):
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="plain", Attributes={"FifoQueue": "true"})
    assert _code(error) == "InvalidAttributeName"
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="suffix.fifo")
    assert _code(error) == "InvalidParameterValue"


def test_high_throughput_attributes_are_accepted(sqs):
    url = sqs.create_queue(
        QueueName="fast.fifo",
        Attributes={
            "FifoQueue": "true",
            "DeduplicationScope": "messageGroup",
            "FifoThroughputLimit": "perMessageGroupId",
        },
    )["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoThroughputLimit"] == "perMessageGroupId"
    with pytest.raises(ClientError) as error:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "queue"})
    assert _code(error) == "InvalidAttributeValue"


def test_message_group_id_is_required(sqs, fifo):
    with pytest.raises(ClientError) as error:
        sqs.send_message(QueueUrl=fifo, MessageBody="x", MessageDeduplicationId="d")
    assert _code(error) == "MissingParameter"


def test_a_dedup_id_or_content_based_dedup_is_required(sqs, fifo):
    with pytest.raises(ClientError) as error:
        sqs.send_message(QueueUrl=fifo, MessageBody="x", MessageGroupId="g")
    assert _code(error) == "InvalidParameterValue"


def test_per_message_delay_is_refused_on_fifo(sqs, fifo):
    with pytest.raises(ClientError) as error:
        sqs.send_message(
            QueueUrl=fifo,
            MessageBody="x",
            MessageGroupId="g",
            MessageDeduplicationId="d",
            DelaySeconds=5,
        )
    assert _code(error) == "InvalidParameterValue"


def test_dedup_id_is_refused_on_standard_queues(sqs):
    url = sqs.create_queue(QueueName="std")["QueueUrl"]
    with pytest.raises(ClientError) as error:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert _code(error) == "InvalidParameterValue"


def test_messages_of_a_group_come_in_order_with_increasing_sequence_numbers(sqs, fifo):
    sent = [_send(sqs, fifo, str(i)) for i in range(5)]
    numbers = [int(s["SequenceNumber"]) for s in sent]
    assert numbers == sorted(numbers)
    assert all(len(s["SequenceNumber"]) == 20 for s in sent)

    messages = _receive(sqs, fifo, AttributeNames=["All"])
    assert [m["Body"] for m in messages] == ["0", "1", "2", "3", "4"]
    assert [m["Attributes"]["SequenceNumber"] for m in messages] == [
        s["SequenceNumber"] for s in sent
    ]
    assert messages[0]["Attributes"]["MessageGroupId"] == "g"
    assert messages[0]["Attributes"]["MessageDeduplicationId"] == "0"


def test_a_group_with_a_message_in_flight_is_locked(time_travel, sqs, fifo):
    time_travel.freeze()
    for body in ("a1", "a2"):
        _send(sqs, fifo, body, group="a")
    _send(sqs, fifo, "b1", group="b")

    first = _receive(sqs, fifo, n=1, VisibilityTimeout=30)
    assert [m["Body"] for m in first] == ["a1"]
    assert [m["Body"] for m in _receive(sqs, fifo)] == ["b1"]
    assert _receive(sqs, fifo) == []

    sqs.delete_message(QueueUrl=fifo, ReceiptHandle=first[0]["ReceiptHandle"])
    assert [m["Body"] for m in _receive(sqs, fifo)] == ["a2"]


def test_a_returned_message_is_delivered_again_before_later_ones(time_travel, sqs, fifo):
    time_travel.freeze()
    for body in ("1", "2", "3"):
        _send(sqs, fifo, body)
    assert [m["Body"] for m in _receive(sqs, fifo, n=2, VisibilityTimeout=10)] == ["1", "2"]
    time_travel.advance(10)
    assert [m["Body"] for m in _receive(sqs, fifo)] == ["1", "2", "3"]


def _bodies(messages):
    return [m["Body"] for m in messages]


def _send_groups(sqs, url, *bodies):
    """Send ``g1-m1``-style bodies: the group is the part before the dash."""
    for body in bodies:
        sqs.send_message(
            QueueUrl=url,
            MessageBody=body,
            MessageGroupId=body.split("-")[0],
            MessageDeduplicationId=body,
        )


def test_a_message_made_visible_again_is_delivered_while_a_later_one_is_in_flight(
    time_travel, sqs, fifo
):
    """The group's head decides: once it is visible again the group delivers it, after
    the groups that were waiting already, and stops at the message still in flight.
    """
    time_travel.freeze()
    _send_groups(sqs, fifo, "g1-m1", "g1-m2", "g2-m1")
    first, second = _receive(sqs, fifo, n=2, VisibilityTimeout=30)
    assert [first["Body"], second["Body"]] == ["g1-m1", "g1-m2"]

    sqs.change_message_visibility(
        QueueUrl=fifo, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0
    )
    assert _bodies(_receive(sqs, fifo, n=3)) == ["g2-m1", "g1-m1"]


def test_a_shortened_visibility_returns_the_head_in_group_order(time_travel, sqs, fifo):
    time_travel.freeze()
    _send_groups(sqs, fifo, "g1-m1", "g1-m2", "g2-m1")
    first, _second = _receive(sqs, fifo, n=2, VisibilityTimeout=30)
    sqs.change_message_visibility(
        QueueUrl=fifo, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=1
    )
    time_travel.advance(2)
    assert _bodies(_receive(sqs, fifo, n=3)) == ["g2-m1", "g1-m1"]


@pytest.mark.parametrize(("extended", "expected"), [(0, []), (1, ["m1"]), (2, ["m1", "m2"])])
def test_an_extended_message_hides_itself_and_the_rest_of_its_group(
    time_travel, sqs, fifo, extended, expected
):
    time_travel.freeze()
    for body in ("m1", "m2", "m3"):
        _send(sqs, fifo, body, group="1")
    received = _receive(sqs, fifo, VisibilityTimeout=1)
    assert _bodies(received) == ["m1", "m2", "m3"]
    sqs.change_message_visibility(
        QueueUrl=fifo, ReceiptHandle=received[extended]["ReceiptHandle"], VisibilityTimeout=4
    )
    time_travel.advance(2)
    assert _bodies(_receive(sqs, fifo)) == expected


def test_groups_come_back_in_the_order_their_heads_became_visible(time_travel, sqs, fifo):
    time_travel.freeze()
    _send_groups(sqs, fifo, "g1-m1", "g1-m2", "g1-m3", "g1-m4", "g2-m1", "g3-m1")
    assert _bodies(_receive(sqs, fifo, n=2, VisibilityTimeout=1)) == ["g1-m1", "g1-m2"]
    time_travel.advance(0.5)
    assert _bodies(_receive(sqs, fifo, n=1, VisibilityTimeout=1)) == ["g2-m1"]
    time_travel.advance(2)
    assert _bodies(_receive(sqs, fifo, VisibilityTimeout=0)) == [
        "g3-m1",
        "g1-m1",
        "g1-m2",
        "g1-m3",
        "g1-m4",
        "g2-m1",
    ]


def test_a_zero_visibility_receive_puts_groups_back_behind_the_waiting_ones(sqs, fifo):
    _send_groups(sqs, fifo, "g1-m1", "g2-m1", "g2-m2", "g3-m1", "g1-m2")
    assert _bodies(_receive(sqs, fifo, n=3, VisibilityTimeout=0)) == ["g1-m1", "g1-m2", "g2-m1"]
    assert _bodies(_receive(sqs, fifo, VisibilityTimeout=0)) == [
        "g3-m1",
        "g1-m1",
        "g1-m2",
        "g2-m1",
        "g2-m2",
    ]


def test_a_group_emptied_by_deletes_comes_back_when_its_next_message_is_visible(sqs, fifo):
    _send_groups(sqs, fifo, "g1-m1", "g2-m1", "g1-m2", "g2-m2", "g1-m3", "g1-m4", "g3-m1")
    received = _receive(sqs, fifo, n=2)
    assert _bodies(received) == ["g1-m1", "g1-m2"]
    for message in received:
        sqs.delete_message(QueueUrl=fifo, ReceiptHandle=message["ReceiptHandle"])
    assert _bodies(_receive(sqs, fifo)) == ["g2-m1", "g2-m2", "g1-m3", "g1-m4", "g3-m1"]


def test_purge_queue_clears_the_deduplication_cache(sqs, fifo):
    first = _send(sqs, fifo, "message-1", dedup="same")
    sqs.purge_queue(QueueUrl=fifo)
    second = _send(sqs, fifo, "message-2", dedup="same")
    assert second["MessageId"] != first["MessageId"]
    assert _bodies(_receive(sqs, fifo)) == ["message-2"]


def test_a_dedup_scope_changed_after_creation_keeps_the_creation_scope(sqs):
    """AWS keeps deduplicating as the queue was created (recorded in LocalStack's
    AWS-validated snapshots), though GetQueueAttributes shows the new scope at once.
    """
    url = sqs.create_queue(QueueName="switched.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    _send(sqs, url, "Test1", group="group1", dedup="same")
    (message,) = _receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    _send(sqs, url, "Test2", group="group2", dedup="same")
    assert _receive(sqs, url) == []

    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "DeduplicationScope": "messageGroup",
            "FifoThroughputLimit": "perMessageGroupId",
        },
    )
    shown = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (shown["DeduplicationScope"], shown["FifoThroughputLimit"]) == (
        "messageGroup",
        "perMessageGroupId",
    )
    _send(sqs, url, "Test3", group="group3", dedup="same")
    assert _receive(sqs, url) == []
    _send(sqs, url, "Test4", group="group4", dedup="other")
    (message,) = _receive(sqs, url)
    assert message["Body"] == "Test4"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    _send(sqs, url, "Test5", group="group5", dedup="other")
    assert _receive(sqs, url) == []


def test_a_queue_created_per_group_keeps_deduplicating_per_group(sqs):
    url = sqs.create_queue(
        QueueName="per-group.fifo",
        Attributes={
            "FifoQueue": "true",
            "DeduplicationScope": "messageGroup",
            "FifoThroughputLimit": "perMessageGroupId",
        },
    )["QueueUrl"]
    _send(sqs, url, "Test1", group="group1", dedup="same")
    (message,) = _receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    _send(sqs, url, "Test2", group="group2", dedup="same")
    (message,) = _receive(sqs, url)
    assert message["Body"] == "Test2"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"}
    )
    _send(sqs, url, "Test3", group="group3", dedup="same")
    assert _bodies(_receive(sqs, url)) == ["Test3"]


def test_fifo_queue_true_may_be_set_again_but_not_false(sqs, fifo):
    sqs.set_queue_attributes(QueueUrl=fifo, Attributes={"FifoQueue": "true"})
    with pytest.raises(ClientError) as error:
        sqs.set_queue_attributes(QueueUrl=fifo, Attributes={"FifoQueue": "false"})
    assert _code(error) == "InvalidAttributeValue"
    assert error.value.response["Error"]["Message"] == (
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."
    )


def test_a_duplicate_within_five_minutes_returns_the_original_id_even_after_delete(
    time_travel, sqs, fifo
):
    time_travel.freeze()
    original = _send(sqs, fifo, "pay", dedup="order-1")
    (message,) = _receive(sqs, fifo)
    sqs.delete_message(QueueUrl=fifo, ReceiptHandle=message["ReceiptHandle"])

    time_travel.advance(299)
    again = _send(sqs, fifo, "pay", dedup="order-1")
    assert again["MessageId"] == original["MessageId"]
    assert again["SequenceNumber"] == original["SequenceNumber"]
    assert _receive(sqs, fifo) == []

    time_travel.advance(1)
    later = _send(sqs, fifo, "pay", dedup="order-1")
    assert later["MessageId"] != original["MessageId"]
    assert [m["Body"] for m in _receive(sqs, fifo)] == ["pay"]


def test_content_based_deduplication_uses_the_body_hash(sqs):
    url = sqs.create_queue(
        QueueName="cbd.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    first = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    second = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    other = sqs.send_message(QueueUrl=url, MessageBody="other", MessageGroupId="g")
    assert first["MessageId"] == second["MessageId"]
    assert other["MessageId"] != first["MessageId"]
    messages = _receive(sqs, url, AttributeNames=["MessageDeduplicationId"])
    assert [m["Body"] for m in messages] == ["same", "other"]
    assert messages[0]["Attributes"]["MessageDeduplicationId"] == (
        hashlib.sha256(b"same").hexdigest()
    )


def test_dedup_scope_message_group_deduplicates_per_group(sqs):
    url = sqs.create_queue(
        QueueName="scoped.fifo",
        Attributes={"FifoQueue": "true", "DeduplicationScope": "messageGroup"},
    )["QueueUrl"]
    first = _send(sqs, url, "x", group="a", dedup="d")
    other_group = _send(sqs, url, "x", group="b", dedup="d")
    same_group = _send(sqs, url, "x", group="a", dedup="d")
    assert other_group["MessageId"] != first["MessageId"]
    assert same_group["MessageId"] == first["MessageId"]


def test_a_receive_retried_with_the_same_attempt_id_gets_the_same_messages(sqs, fifo):
    for body in ("1", "2"):
        _send(sqs, fifo, body)
    first = _receive(sqs, fifo, ReceiveRequestAttemptId="attempt-1")
    retry = _receive(sqs, fifo, ReceiveRequestAttemptId="attempt-1")
    assert [m["ReceiptHandle"] for m in retry] == [m["ReceiptHandle"] for m in first]
    assert _receive(sqs, fifo, ReceiveRequestAttemptId="attempt-2") == []


def test_an_expired_receipt_handle_cannot_delete_on_fifo(time_travel, sqs, fifo):
    time_travel.freeze()
    _send(sqs, fifo, "x")
    (message,) = _receive(sqs, fifo, VisibilityTimeout=5)
    time_travel.advance(5)
    with pytest.raises(ClientError) as error:
        sqs.delete_message(QueueUrl=fifo, ReceiptHandle=message["ReceiptHandle"])
    assert _code(error) == "InvalidParameterValue"


def test_the_queue_delay_holds_back_the_group(time_travel, sqs):
    time_travel.freeze()
    url = sqs.create_queue(
        QueueName="slow.fifo", Attributes={"FifoQueue": "true", "DelaySeconds": "10"}
    )["QueueUrl"]
    _send(sqs, url, "x")
    assert _receive(sqs, url) == []
    time_travel.advance(10)
    assert [m["Body"] for m in _receive(sqs, url)] == ["x"]


def test_fifo_batch_send_keeps_order(sqs, fifo):
    answer = sqs.send_message_batch(
        QueueUrl=fifo,
        Entries=[
            {
                "Id": str(i),
                "MessageBody": str(i),
                "MessageGroupId": "g",
                "MessageDeduplicationId": str(i),
            }
            for i in range(10)
        ],
    )
    assert len(answer["Successful"]) == 10
    assert all("SequenceNumber" in s for s in answer["Successful"])
    assert [m["Body"] for m in _receive(sqs, fifo)] == [str(i) for i in range(10)]


def test_message_group_id_on_a_standard_queue_is_kept(sqs):
    """Standard queues take a MessageGroupId (fair queues) and return it."""
    url = sqs.create_queue(QueueName="fair")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="tenant-1")
    (message,) = _receive(sqs, url, AttributeNames=["MessageGroupId"])
    assert message["Attributes"] == {"MessageGroupId": "tenant-1"}
