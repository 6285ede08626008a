"""Messages through boto3: send, receive, delete, visibility, delays, retention, attributes,
receipt handles, size and content rules, batches. Every timed rule runs on the cloud's clock.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def _code(error):
    return error.value.response["Error"]["Code"]


@pytest.fixture
def queue(sqs):
    return sqs.create_queue(QueueName="jobs")["QueueUrl"]


def _counts(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
        int(attributes["ApproximateNumberOfMessagesDelayed"]),
    )


def _bodies(sqs, url, **kwargs):
    kwargs.setdefault("MaxNumberOfMessages", 10)
    return [m["Body"] for m in sqs.receive_message(QueueUrl=url, **kwargs).get("Messages", [])]


def test_send_receive_delete(sqs, queue):
    sent = sqs.send_message(QueueUrl=queue, MessageBody="hello")
    (message,) = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == "hello"
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    assert _counts(sqs, queue) == (0, 0, 0)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_messages_come_in_the_order_sent(sqs, queue):
    for i in range(15):
        sqs.send_message(QueueUrl=queue, MessageBody=str(i))
    assert _bodies(sqs, queue) == [str(i) for i in range(10)]
    assert _bodies(sqs, queue) == [str(i) for i in range(10, 15)]


def test_a_received_message_is_invisible_until_its_timeout_passes(time_travel, sqs, queue):
    time_travel.freeze()
    sqs.send_message(QueueUrl=queue, MessageBody="once")
    assert _bodies(sqs, queue, VisibilityTimeout=30) == ["once"]
    assert _counts(sqs, queue) == (0, 1, 0)
    assert _bodies(sqs, queue) == []

    time_travel.advance(29)
    assert _bodies(sqs, queue) == []
    time_travel.advance(1)
    assert _counts(sqs, queue) == (1, 0, 0)
    assert _bodies(sqs, queue) == ["once"]


def test_the_queue_visibility_timeout_is_the_default(time_travel, sqs):
    time_travel.freeze()
    url = sqs.create_queue(QueueName="short", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert _bodies(sqs, url) == ["x"]
    time_travel.advance(5)
    assert _bodies(sqs, url) == ["x"]


def test_change_message_visibility_extends_and_ends_invisibility(time_travel, sqs, queue):
    time_travel.freeze()
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    (message,) = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=10)["Messages"]
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=100
    )
    time_travel.advance(50)
    assert _bodies(sqs, queue) == []
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    assert _bodies(sqs, queue) == ["x"]


def test_visibility_may_not_pass_12_hours_from_the_receive(time_travel, sqs, queue):
    time_travel.freeze()
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    (message,) = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=43200)["Messages"]
    time_travel.advance(100)
    with pytest.raises(ClientError) as error:
        sqs.change_message_visibility(
            QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=43200
        )
    assert _code(error) == "InvalidParameterValue"
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=43100
    )


def test_change_visibility_after_the_timeout_ran_out_is_accepted(time_travel, sqs, queue):
    """AWS answers 200 for the handle of a message whose visibility timeout has run out
    (recorded in LocalStack's AWS-validated snapshots); the message stays visible.
    """
    time_travel.freeze()
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    (message,) = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=10)["Messages"]
    time_travel.advance(10)
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=10
    )
    assert _counts(sqs, queue) == (1, 0, 0)
    assert _bodies(sqs, queue) == ["x"]


def test_change_visibility_of_a_deleted_message_is_refused(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    (message,) = sqs.receive_message(QueueUrl=queue)["Messages"]
    handle = message["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=42)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=handle)
    with pytest.raises(ClientError) as error:
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=42)
    assert _code(error) == "InvalidParameterValue"
    assert error.value.response["Error"]["Message"] == (
        f"Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not "
        "exist or is not available for visibility timeout change."
    )


def test_per_message_and_per_queue_delays(time_travel, sqs):
    time_travel.freeze()
    url = sqs.create_queue(QueueName="delayed", Attributes={"DelaySeconds": "20"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="queue-delay")
    sqs.send_message(QueueUrl=url, MessageBody="own-delay", DelaySeconds=5)
    sqs.send_message(QueueUrl=url, MessageBody="no-delay", DelaySeconds=0)
    assert _counts(sqs, url) == (1, 0, 2)
    assert _bodies(sqs, url) == ["no-delay"]
    time_travel.advance(5)
    assert _bodies(sqs, url) == ["own-delay"]
    time_travel.advance(15)
    assert _bodies(sqs, url) == ["queue-delay"]


def test_messages_expire_after_the_retention_period(time_travel, sqs):
    time_travel.freeze()
    url = sqs.create_queue(QueueName="brief", Attributes={"MessageRetentionPeriod": "60"})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    time_travel.advance(30)
    sqs.send_message(QueueUrl=url, MessageBody="new")
    time_travel.advance(30)
    assert _counts(sqs, url) == (1, 0, 0)
    assert _bodies(sqs, url) == ["new"]


def test_system_attributes_on_receive(time_travel, sqs, queue):
    time_travel.freeze()
    sent_at = int(time_travel.now().timestamp() * 1000)
    sqs.send_message(
        QueueUrl=queue,
        MessageBody="x",
        MessageSystemAttributes={
            "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}
        },
    )
    time_travel.advance(2)
    (first,) = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"], VisibilityTimeout=0)[
        "Messages"
    ]
    time_travel.advance(3)
    (second,) = sqs.receive_message(
        QueueUrl=queue, MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"]
    )["Messages"]

    assert first["Attributes"] == {
        "SenderId": "AIDAIT2UOQQY3AUEKVGXU",
        "SentTimestamp": str(sent_at),
        "ApproximateReceiveCount": "1",
        "ApproximateFirstReceiveTimestamp": str(sent_at + 2000),
        "AWSTraceHeader": "Root=1-abc",
    }
    assert second["Attributes"] == {"SentTimestamp": str(sent_at), "ApproximateReceiveCount": "2"}
    assert first["ReceiptHandle"] != second["ReceiptHandle"]


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (["All"], {"color", "size", "meta.a", "meta.b"}),
        ([".*"], {"color", "size", "meta.a", "meta.b"}),
        (["color"], {"color"}),
        (["meta.*"], {"meta.a", "meta.b"}),
        (["color", "meta.*", "absent"], {"color", "meta.a", "meta.b"}),
        ([], set()),
    ],
)
def test_message_attribute_filters(sqs, queue, wanted, expected):
    sqs.send_message(
        QueueUrl=queue,
        MessageBody="x",
        MessageAttributes={
            name: {"DataType": "String", "StringValue": "v"}
            for name in ("color", "size", "meta.a", "meta.b")
        },
    )
    (message,) = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=wanted)["Messages"]
    assert set(message.get("MessageAttributes", {})) == expected
    assert ("MD5OfMessageAttributes" in message) == bool(expected)


def test_message_attribute_types_round_trip(sqs, queue):
    attributes = {
        "s": {"DataType": "String", "StringValue": "text"},
        "n": {"DataType": "Number", "StringValue": "-1.5e3"},
        "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
        "c": {"DataType": "String.custom", "StringValue": "typed"},
    }
    sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=attributes)
    (message,) = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"])["Messages"]
    assert message["MessageAttributes"] == attributes


@pytest.mark.parametrize(
    "attributes",
    [
        {"bad name": {"DataType": "String", "StringValue": "v"}},
        {"AWS.reserved": {"DataType": "String", "StringValue": "v"}},
        {"a..b": {"DataType": "String", "StringValue": "v"}},
        {"a": {"DataType": "Date", "StringValue": "v"}},
        {"a": {"DataType": "String", "StringValue": ""}},
        {"a": {"DataType": "Number", "StringValue": "twelve"}},
        {"a": {"DataType": "Binary", "StringValue": "not binary"}},
        {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)},
    ],
)
def test_invalid_message_attributes_are_refused(sqs, queue, attributes):
    with pytest.raises(ClientError) as error:
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=attributes)
    assert _code(error) == "InvalidParameterValue"


@pytest.mark.parametrize("body", ["\x00", "a\x08b", "\ufffe", "\x1f"])
def test_characters_sqs_cannot_store_are_invalid_message_contents(sqs, queue, body):
    with pytest.raises(ClientError) as error:
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert _code(error) == "InvalidMessageContents"


def test_allowed_characters_round_trip(sqs, queue):
    body = 'tab\there\nnew\r\nline "quoted" <xml> & ☃ \U0001f600 \ue000'
    sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert _bodies(sqs, queue) == [body]


def test_an_empty_body_is_a_missing_parameter(sqs, queue):
    with pytest.raises(ClientError) as error:
        sqs.send_message(QueueUrl=queue, MessageBody="")
    assert _code(error) == "MissingParameter"


def test_bodies_over_the_maximum_message_size_are_refused(sqs):
    url = sqs.create_queue(QueueName="small", Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    with pytest.raises(ClientError) as error:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
    assert _code(error) == "InvalidParameterValue"
    with pytest.raises(ClientError):
        sqs.send_message(
            QueueUrl=url,
            MessageBody="x" * 1000,
            MessageAttributes={"a": {"DataType": "String", "StringValue": "y" * 20}},
        )


def test_delay_over_15_minutes_is_refused(sqs, queue):
    with pytest.raises(ClientError) as error:
        sqs.send_message(QueueUrl=queue, MessageBody="x", DelaySeconds=901)
    assert _code(error) == "InvalidParameterValue"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"MaxNumberOfMessages": 11},
        {"MaxNumberOfMessages": 0},
        {"WaitTimeSeconds": 21},
        {"VisibilityTimeout": 43201},
    ],
)
def test_receive_parameters_out_of_range(sqs, queue, kwargs):
    with pytest.raises(ClientError) as error:
        sqs.receive_message(QueueUrl=queue, **kwargs)
    assert _code(error) == "InvalidParameterValue"


def test_an_old_receipt_handle_still_deletes_the_message(time_travel, sqs, queue):
    """Standard queues accept any receipt handle of the message (and deleting twice is fine)."""
    time_travel.freeze()
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    (first,) = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=1)["Messages"]
    time_travel.advance(1)
    (second,) = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=1)["Messages"]
    assert first["ReceiptHandle"] != second["ReceiptHandle"]

    sqs.delete_message(QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"])
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=second["ReceiptHandle"])
    time_travel.advance(10)
    assert _counts(sqs, queue) == (0, 0, 0)


def test_an_earlier_handle_changes_the_visibility_of_a_message_received_again(
    time_travel, sqs, queue
):
    """Standard queues: any handle of a message that still exists applies the timeout."""
    time_travel.freeze()
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    (first,) = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=1)["Messages"]
    time_travel.advance(1)
    assert _bodies(sqs, queue, VisibilityTimeout=30) == ["x"]

    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0
    )
    assert _bodies(sqs, queue, VisibilityTimeout=30) == ["x"]
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=100
    )
    time_travel.advance(50)
    assert _bodies(sqs, queue) == []
    time_travel.advance(50)
    assert _bodies(sqs, queue) == ["x"]


def test_an_earlier_handle_changes_visibility_in_a_batch(time_travel, sqs, queue):
    time_travel.freeze()
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    (first,) = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=1)["Messages"]
    time_travel.advance(1)
    (second,) = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30)["Messages"]
    answer = sqs.change_message_visibility_batch(
        QueueUrl=queue,
        Entries=[{"Id": "old", "ReceiptHandle": first["ReceiptHandle"], "VisibilityTimeout": 0}],
    )
    assert [entry["Id"] for entry in answer["Successful"]] == ["old"]
    assert answer.get("Failed", []) == []
    assert _bodies(sqs, queue) == ["x"]

    sqs.delete_message(QueueUrl=queue, ReceiptHandle=second["ReceiptHandle"])
    answer = sqs.change_message_visibility_batch(
        QueueUrl=queue,
        Entries=[{"Id": "gone", "ReceiptHandle": first["ReceiptHandle"], "VisibilityTimeout": 0}],
    )
    assert [(f["Id"], f["Code"]) for f in answer["Failed"]] == [("gone", "InvalidParameterValue")]


@pytest.mark.parametrize("handle", ["garbage", "AQEBnot-base64!", "AQEB" + "QUJD"])
def test_a_malformed_receipt_handle_is_receipt_handle_is_invalid(sqs, queue, handle):
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as error:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=handle)
    assert _code(error) == "ReceiptHandleIsInvalid"


def test_a_handle_from_another_queue_is_invalid(sqs, queue):
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    sqs.send_message(QueueUrl=other, MessageBody="x")
    (message,) = sqs.receive_message(QueueUrl=other)["Messages"]
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


def test_send_message_batch(sqs, queue):
    answer = sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[
            {"Id": "one", "MessageBody": "1"},
            {"Id": "two", "MessageBody": "2", "DelaySeconds": 1000},
            {"Id": "three", "MessageBody": "\x00"},
            {
                "Id": "four",
                "MessageBody": "hello",
                "MessageAttributes": {"a": {"DataType": "String", "StringValue": "v"}},
            },
        ],
    )
    assert [s["Id"] for s in answer["Successful"]] == ["one", "four"]
    assert answer["Successful"][1]["MD5OfMessageBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert answer["Successful"][1]["MD5OfMessageAttributes"] == "a18cbb58171ebf4ce88d9fb787f9210b"
    failed = {f["Id"]: f for f in answer["Failed"]}
    assert failed["two"]["Code"] == "InvalidParameterValue"
    assert failed["two"]["SenderFault"] is True
    assert failed["three"]["Code"] == "InvalidMessageContents"
    assert _bodies(sqs, queue) == ["1", "hello"]


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([], "AWS.SimpleQueueService.EmptyBatchRequest"),
        (
            [{"Id": str(i), "MessageBody": "x"} for i in range(11)],
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        ),
        (
            [{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}],
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        ),
        ([{"Id": "not valid!", "MessageBody": "x"}], "AWS.SimpleQueueService.InvalidBatchEntryId"),
        ([{"Id": "x" * 81, "MessageBody": "x"}], "AWS.SimpleQueueService.InvalidBatchEntryId"),
        (
            [{"Id": str(i), "MessageBody": "x" * 200_000} for i in range(6)],
            "AWS.SimpleQueueService.BatchRequestTooLong",
        ),
    ],
)
def test_batch_request_errors(sqs, queue, entries, code):
    with pytest.raises(ClientError) as error:
        sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert _code(error) == code
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_delete_message_batch(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=str(i))
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=3)["Messages"]
    entries = [{"Id": f"m{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
    entries.append({"Id": "bad", "ReceiptHandle": "garbage"})
    answer = sqs.delete_message_batch(QueueUrl=queue, Entries=entries)
    assert [s["Id"] for s in answer["Successful"]] == ["m0", "m1", "m2"]
    assert answer["Failed"][0]["Id"] == "bad"
    assert answer["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    assert _counts(sqs, queue) == (0, 0, 0)
    with pytest.raises(ClientError) as error:
        sqs.delete_message_batch(QueueUrl=queue, Entries=[])
    assert _code(error) == "AWS.SimpleQueueService.EmptyBatchRequest"


def test_change_message_visibility_batch(time_travel, sqs, queue):
    time_travel.freeze()
    for i in range(2):
        sqs.send_message(QueueUrl=queue, MessageBody=str(i))
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=2)["Messages"]
    answer = sqs.change_message_visibility_batch(
        QueueUrl=queue,
        Entries=[
            {"Id": "now", "ReceiptHandle": messages[0]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "later", "ReceiptHandle": messages[1]["ReceiptHandle"], "VisibilityTimeout": 99},
            {"Id": "bad", "ReceiptHandle": "garbage", "VisibilityTimeout": 1},
            {"Id": "range", "ReceiptHandle": messages[1]["ReceiptHandle"], "VisibilityTimeout": -1},
        ],
    )
    assert [s["Id"] for s in answer["Successful"]] == ["now", "later"]
    assert {f["Id"]: f["Code"] for f in answer["Failed"]} == {
        "bad": "ReceiptHandleIsInvalid",
        "range": "InvalidParameterValue",
    }
    assert _bodies(sqs, queue) == ["0"]


def test_counters_track_every_state(time_travel, sqs, queue):
    time_travel.freeze()
    sqs.send_message(QueueUrl=queue, MessageBody="visible")
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=10)
    sqs.send_message(QueueUrl=queue, MessageBody="taken")
    sqs.receive_message(QueueUrl=queue)
    assert _counts(sqs, queue) == (1, 1, 1)
    time_travel.advance(30)
    assert _counts(sqs, queue) == (3, 0, 0)
