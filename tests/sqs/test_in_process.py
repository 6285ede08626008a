"""boto3 on the SQS fake with no socket: every operation, in the JSON and query protocols.

``refused_connections`` refuses any TCP connection to the cloud's server, so a call that went
through the socket would fail; the journal shows the fake answered every operation all the
same.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.support.aws import sqs_client
from tests.support.sqs_query import query_client


@pytest.fixture
def mimic_transport():
    return "in-process"


def every_operation(client):
    """Calls each of SQS's 23 operations once, checking the answers boto3 parsed."""
    url = client.create_queue(
        QueueName="q", Attributes={"VisibilityTimeout": "10"}, tags={"a": "b"}
    )["QueueUrl"]
    dlq = client.create_queue(QueueName="dlq")["QueueUrl"]
    arn = client.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 1})
    client.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": redrive})
    assert client.get_queue_url(QueueName="q")["QueueUrl"] == url
    assert client.list_queues(QueueNamePrefix="q")["QueueUrls"] == [url]
    client.send_message(
        QueueUrl=url,
        MessageBody='quote " and \r',
        MessageAttributes={"b": {"DataType": "Binary", "BinaryValue": b"\x00"}},
    )
    sent = client.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x"}])
    assert [entry["Id"] for entry in sent["Successful"]] == ["a"]
    got = client.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    assert sorted(m["Body"] for m in got) == ['quote " and \r', "x"]
    assert [m["MessageAttributes"] for m in got if "MessageAttributes" in m] == [
        {"b": {"DataType": "Binary", "BinaryValue": b"\x00"}}
    ]
    client.change_message_visibility(
        QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"], VisibilityTimeout=0
    )
    changed = client.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[{"Id": "1", "ReceiptHandle": got[1]["ReceiptHandle"], "VisibilityTimeout": 0}],
    )
    assert [entry["Id"] for entry in changed["Successful"]] == ["1"]
    # Received once already: the next receive moves both to the dead-letter queue.
    assert "Messages" not in client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert client.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [url]
    task = client.start_message_move_task(SourceArn=arn, MaxNumberOfMessagesPerSecond=1)
    assert client.list_message_move_tasks(SourceArn=arn)["Results"][0]["Status"] == "RUNNING"
    client.cancel_message_move_task(TaskHandle=task["TaskHandle"])
    deleted = client.delete_message_batch(
        QueueUrl=dlq, Entries=[{"Id": "1", "ReceiptHandle": "garbage"}]
    )
    assert deleted["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    client.tag_queue(QueueUrl=url, Tags={"x": "y"})
    client.untag_queue(QueueUrl=url, TagKeys=["a"])
    assert client.list_queue_tags(QueueUrl=url)["Tags"] == {"x": "y"}
    client.add_permission(
        QueueUrl=url, Label="l", AWSAccountIds=["111111111111"], Actions=["SendMessage"]
    )
    client.remove_permission(QueueUrl=url, Label="l")
    client.purge_queue(QueueUrl=url)
    handle = client.receive_message(QueueUrl=dlq)["Messages"][0]["ReceiptHandle"]
    client.delete_message(QueueUrl=dlq, ReceiptHandle=handle)
    with pytest.raises(ClientError) as missing:
        client.get_queue_url(QueueName="missing")
    assert missing.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    client.delete_queue(QueueUrl=url)


def test_every_operation_in_the_json_protocol(mimic_cloud, refused_connections):
    client = sqs_client(mimic_cloud.url("sqs"))

    every_operation(client)

    assert refused_connections == []
    journaled = {call.operation for call in mimic_cloud.calls("sqs")}
    assert journaled == set(client.meta.service_model.operation_names)
    assert len(journaled) == 23


def test_every_operation_in_the_query_protocol(mimic_cloud, refused_connections, tmp_path):
    """botocore's query serializer and XML parser, as before 1.34.90, read the same bodies."""
    client = query_client(mimic_cloud.url("sqs"), tmp_path)

    every_operation(client)

    assert refused_connections == []
    journaled = {call.operation for call in mimic_cloud.calls("sqs")}
    assert journaled == set(client.meta.service_model.operation_names)
    assert {call.attributes.get("protocol") for call in mimic_cloud.calls("sqs")} == {"query"}
