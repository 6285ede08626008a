"""What a test gets besides the API: peeking at messages, the journal under AWS action
names with the queue as an attribute, and faults per queue answered in the client's protocol.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from pytest_mimic.validation import UnknownName
from tests.sqs.conftest import make_client


@pytest.fixture
def queue(sqs):
    return sqs.create_queue(QueueName="jobs")["QueueUrl"]


def test_messages_peeks_without_receiving(time_travel, mimic_cloud, sqs, sqs_service, queue):
    time_travel.freeze()
    sqs.send_message(
        QueueUrl=queue,
        MessageBody="first",
        MessageAttributes={"a": {"DataType": "String", "StringValue": "v"}},
    )
    sqs.send_message(QueueUrl=queue, MessageBody="later", DelaySeconds=60)
    sqs.send_message(QueueUrl=queue, MessageBody="taken")
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)

    views = sqs_service.messages("jobs")
    assert [(v.body, v.state, v.receive_count) for v in views] == [
        ("first", "in flight", 1),
        ("later", "delayed", 0),
        ("taken", "in flight", 1),
    ]
    assert views[0].attributes["a"].string_value == "v"
    assert views[1].visible_at == pytest.approx(mimic_cloud.clock.now() + 60)

    assert sqs_service.messages(queue) == views
    counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "2"


def test_messages_of_an_unknown_queue_is_a_key_error(sqs_service):
    with pytest.raises(KeyError, match="no SQS queue named 'nope'"):
        sqs_service.messages("nope")


def test_messages_asks_for_a_region_when_the_name_is_ambiguous(mimic_cloud, sqs, sqs_service):
    sqs.create_queue(QueueName="twice")
    make_client(mimic_cloud.url("sqs"), region="eu-west-1").create_queue(QueueName="twice")
    with pytest.raises(KeyError, match="several regions"):
        sqs_service.messages("twice")
    assert sqs_service.messages("twice", region="eu-west-1") == []
    assert sqs_service.queue_names(region="eu-west-1") == ["twice"]


def test_the_journal_names_calls_after_aws_actions_with_the_queue(mimic_cloud, sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    sqs.receive_message(QueueUrl=queue)
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    sqs.send_message(QueueUrl=other, MessageBody="y")

    assert [c.operation for c in mimic_cloud.calls("sqs", queue="jobs")] == [
        "CreateQueue",
        "SendMessage",
        "ReceiveMessage",
    ]
    (call,) = mimic_cloud.calls("sqs", "SendMessage", queue="other")
    assert call.attributes == {"queue": "other", "region": "us-east-1", "protocol": "json"}


def test_a_throttling_fault_on_one_queue_in_json(mimic_cloud, sqs, queue):
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    mimic_cloud.inject("sqs", "SendMessage", status=400, fault="RequestThrottled", queue="jobs")

    with pytest.raises(ClientError) as error:
        sqs.send_message(QueueUrl=queue, MessageBody="x")
    assert error.value.response["Error"]["Code"] == "RequestThrottled"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    sqs.send_message(QueueUrl=other, MessageBody="fine")


def test_the_same_fault_answers_a_query_client_in_xml(mimic_cloud, query, queue):
    mimic_cloud.inject("sqs", "SendMessage", status=400, fault="RequestThrottled", queue="jobs")
    answer = query("SendMessage", QueueUrl=queue, MessageBody="x")
    assert answer.status == 400
    assert answer.code == "RequestThrottled"
    assert answer.one("Type") == "Sender"


def test_over_limit_fault_is_its_own_exception_class(mimic_cloud, sqs, queue):
    mimic_cloud.inject("sqs", "ReceiveMessage", status=403, fault="OverLimit", queue="jobs")
    with pytest.raises(sqs.exceptions.OverLimit) as error:
        sqs.receive_message(QueueUrl=queue)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_boto3_retries_through_a_throttle_once(mimic_cloud, queue):
    retrying = make_client(mimic_cloud.url("sqs"), attempts=3)
    rule = mimic_cloud.inject("sqs", "SendMessage", status=400, fault="RequestThrottled", times=1)
    retrying.send_message(QueueUrl=queue, MessageBody="x")
    assert rule.hits == 1
    assert [c.status for c in mimic_cloud.calls("sqs", "SendMessage")] == [400, 200]


def test_a_server_error_fault_is_a_receiver_fault(mimic_cloud, sqs, queue):
    mimic_cloud.inject("sqs", "DeleteQueue", status=500)
    with pytest.raises(ClientError) as error:
        sqs.delete_queue(QueueUrl=queue)
    assert error.value.response["Error"]["Code"] == "InternalError"
    assert error.value.response["Error"]["Type"] == "Receiver"


def test_misspelt_operations_are_refused_when_injecting(mimic_cloud):
    with pytest.raises(UnknownName, match="SendMessage"):
        mimic_cloud.inject("sqs", "SendMesage", status=400)
    with pytest.raises(UnknownName):
        mimic_cloud.inject("sqs", "SendMessage", status=400, quue="jobs")
