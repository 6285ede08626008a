"""Dead-letter queues: RedrivePolicy moves a message on the receive after maxReceiveCount,
RedriveAllowPolicy limits who may use a queue as one, ListDeadLetterSourceQueues, and move
tasks that take messages back (at a rate, on the cloud's clock).
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def _code(error):
    return error.value.response["Error"]["Code"]


def _arn(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]


def _count(sqs, url):
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


@pytest.fixture
def pair(sqs):
    """A source queue whose messages go to ``jobs-dlq`` after 2 receives."""
    dlq = sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 2})
    source = sqs.create_queue(QueueName="jobs", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    return source, dlq


def test_a_message_moves_on_the_receive_after_max_receive_count(time_travel, sqs, pair):
    time_travel.freeze()
    source, dlq = pair
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison")
    for _ in range(2):
        assert len(sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]) == 1
    assert "Messages" not in sqs.receive_message(QueueUrl=source)
    assert _count(sqs, source) == 0

    (dead,) = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"]
    assert dead["MessageId"] == sent["MessageId"]
    assert dead["Body"] == "poison"
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == _arn(sqs, source)


def test_redrive_policy_is_returned_in_canonical_form(sqs, pair):
    source, dlq = pair
    policy = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["RedrivePolicy"])[
        "Attributes"
    ]["RedrivePolicy"]
    assert json.loads(policy) == {"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 2}


@pytest.mark.parametrize(
    ("policy", "code"),
    [
        ("not json", "InvalidParameterValue"),
        (json.dumps({"maxReceiveCount": 1}), "InvalidParameterValue"),
        (
            json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:x"}),
            "InvalidParameterValue",
        ),
        (
            json.dumps(
                {
                    "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:x",
                    "maxReceiveCount": 1,
                }
            ),
            "AWS.SimpleQueueService.NonExistentQueue",
        ),
    ],
)
def test_invalid_redrive_policies(sqs, policy, code):
    url = sqs.create_queue(QueueName="src")["QueueUrl"]
    with pytest.raises(ClientError) as error:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": policy})
    assert _code(error) == code


def test_max_receive_count_must_be_1_to_1000(sqs):
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 1001})
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": policy})
    assert _code(error) == "InvalidParameterValue"


def test_fifo_sources_need_fifo_dead_letter_queues(sqs):
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 1})
    with pytest.raises(ClientError) as error:
        sqs.create_queue(
            QueueName="src.fifo", Attributes={"FifoQueue": "true", "RedrivePolicy": policy}
        )
    assert _code(error) == "InvalidParameterValue"


def test_fifo_dead_lettering_keeps_the_group(time_travel, sqs):
    time_travel.freeze()
    dlq = sqs.create_queue(QueueName="dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 1})
    source = sqs.create_queue(
        QueueName="src.fifo", Attributes={"FifoQueue": "true", "RedrivePolicy": policy}
    )["QueueUrl"]
    for body in ("1", "2"):
        sqs.send_message(
            QueueUrl=source, MessageBody=body, MessageGroupId="g", MessageDeduplicationId=body
        )
    sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert "Messages" not in sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, AttributeNames=["All"])
    assert [m["Body"] for m in dead["Messages"]] == ["1", "2"]
    assert {m["Attributes"]["MessageGroupId"] for m in dead["Messages"]} == {"g"}


def test_redrive_allow_policy_deny_all_refuses_sources(sqs):
    dlq = sqs.create_queue(
        QueueName="private-dlq",
        Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})},
    )["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 1})
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": policy})
    assert _code(error) == "InvalidParameterValue"


def test_redrive_allow_policy_by_queue_lists_who_may(sqs):
    allowed = "arn:aws:sqs:us-east-1:123456789012:allowed"
    dlq = sqs.create_queue(
        QueueName="picky-dlq",
        Attributes={
            "RedriveAllowPolicy": json.dumps(
                {"redrivePermission": "byQueue", "sourceQueueArns": [allowed]}
            )
        },
    )["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 1})
    sqs.create_queue(QueueName="allowed", Attributes={"RedrivePolicy": policy})
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="refused", Attributes={"RedrivePolicy": policy})


@pytest.mark.parametrize(
    "policy",
    [
        {"redrivePermission": "sometimes"},
        {"redrivePermission": "byQueue"},
        {"redrivePermission": "allowAll", "sourceQueueArns": ["arn:aws:sqs:us-east-1:1:x"]},
    ],
)
def test_invalid_redrive_allow_policies(sqs, policy):
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="dlq", Attributes={"RedriveAllowPolicy": json.dumps(policy)})
    assert _code(error) == "InvalidParameterValue"


def test_list_dead_letter_source_queues_pages(sqs):
    dlq = sqs.create_queue(QueueName="shared-dlq")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 3})
    for name in ("c", "a", "b"):
        sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": policy})
    sqs.create_queue(QueueName="unrelated")

    first = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    assert [u.rsplit("/", 1)[1] for u in first["queueUrls"]] == ["a", "b"]
    second = sqs.list_dead_letter_source_queues(
        QueueUrl=dlq, MaxResults=2, NextToken=first["NextToken"]
    )
    assert [u.rsplit("/", 1)[1] for u in second["queueUrls"]] == ["c"]
    assert "NextToken" not in second
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"][0].endswith("/a")


def _dead_letter(time_travel, sqs, pair, count):
    source, dlq = pair
    for i in range(count):
        sqs.send_message(QueueUrl=source, MessageBody=str(i))
    for _ in range(3):
        sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert _count(sqs, dlq) == count


def test_a_move_task_without_a_rate_moves_everything_back_at_once(time_travel, sqs, pair):
    time_travel.freeze()
    source, dlq = pair
    _dead_letter(time_travel, sqs, pair, 3)
    handle = sqs.start_message_move_task(SourceArn=_arn(sqs, dlq))["TaskHandle"]
    assert handle

    assert _count(sqs, dlq) == 0
    messages = sqs.receive_message(
        QueueUrl=source, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    assert sorted(m["Body"] for m in messages) == ["0", "1", "2"]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in messages} == {"1"}

    (task,) = sqs.list_message_move_tasks(SourceArn=_arn(sqs, dlq))["Results"]
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    assert task["ApproximateNumberOfMessagesToMove"] == 3
    assert "TaskHandle" not in task


def test_a_move_task_with_a_rate_moves_as_the_clock_advances_and_can_be_cancelled(
    time_travel, sqs, pair
):
    time_travel.freeze()
    _source, dlq = pair
    other = sqs.create_queue(QueueName="elsewhere")["QueueUrl"]
    _dead_letter(time_travel, sqs, pair, 5)
    handle = sqs.start_message_move_task(
        SourceArn=_arn(sqs, dlq), DestinationArn=_arn(sqs, other), MaxNumberOfMessagesPerSecond=1
    )["TaskHandle"]

    time_travel.advance(2)
    (task,) = sqs.list_message_move_tasks(SourceArn=_arn(sqs, dlq), MaxResults=10)["Results"]
    assert task["Status"] == "RUNNING"
    assert task["TaskHandle"] == handle
    assert task["ApproximateNumberOfMessagesMoved"] == 2
    assert task["DestinationArn"] == _arn(sqs, other)
    assert task["MaxNumberOfMessagesPerSecond"] == 1
    assert _count(sqs, other) == 2

    with pytest.raises(ClientError) as error:
        sqs.start_message_move_task(SourceArn=_arn(sqs, dlq))
    assert _code(error) == "InvalidParameterValue"

    assert sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"] == 2
    time_travel.advance(10)
    assert _count(sqs, other) == 2
    assert _count(sqs, dlq) == 3
    (task,) = sqs.list_message_move_tasks(SourceArn=_arn(sqs, dlq))["Results"]
    assert task["Status"] == "CANCELLED"
    with pytest.raises(sqs.exceptions.ResourceNotFoundException):
        sqs.cancel_message_move_task(TaskHandle=handle)


def test_a_move_task_needs_a_dead_letter_queue_that_exists(sqs, pair):
    source, _dlq = pair
    with pytest.raises(ClientError) as error:
        sqs.start_message_move_task(SourceArn=_arn(sqs, source))
    assert _code(error) == "InvalidParameterValue"
    with pytest.raises(sqs.exceptions.ResourceNotFoundException):
        sqs.start_message_move_task(SourceArn="arn:aws:sqs:us-east-1:123456789012:missing")
    with pytest.raises(sqs.exceptions.ResourceNotFoundException):
        sqs.list_message_move_tasks(SourceArn="arn:aws:sqs:us-east-1:123456789012:missing")
