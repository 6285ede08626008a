"""The query protocol, as older SDKs speak it: signed form requests, XML answers, for every
operation, and errors as ``<ErrorResponse>`` with the legacy codes.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.sqs.conftest import NS


@pytest.fixture
def queue(query):
    answer = query("CreateQueue", QueueName="jobs")
    assert answer.status == 200, answer.text
    return answer.one("QueueUrl")


def _arn(query, url):
    answer = query("GetQueueAttributes", QueueUrl=url, **{"AttributeName.1": "QueueArn"})
    return answer.one("Value")


def test_create_queue_with_attributes_and_tags(mimic_cloud, query):
    answer = query(
        "CreateQueue",
        QueueName="made",
        **{
            "Attribute.1.Name": "VisibilityTimeout",
            "Attribute.1.Value": "7",
            "Tag.1.Key": "team",
            "Tag.1.Value": "a",
        },
    )
    assert answer.status == 200
    assert answer.root.tag == NS + "CreateQueueResponse"
    url = answer.one("QueueUrl")
    assert url == f"{mimic_cloud.url('sqs')}/123456789012/made"
    assert answer.one("RequestId")

    attributes = query("GetQueueAttributes", QueueUrl=url, **{"AttributeName.1": "All"})
    pairs = {
        a.find(NS + "Name").text: a.find(NS + "Value").text
        for a in attributes.elements("Attribute")
    }
    assert pairs["VisibilityTimeout"] == "7"
    tags = query("ListQueueTags", QueueUrl=url)
    assert [(t.find(NS + "Key").text, t.find(NS + "Value").text) for t in tags.elements("Tag")] == [
        ("team", "a")
    ]


def test_get_queue_url_and_list_queues(query, queue):
    assert query("GetQueueUrl", QueueName="jobs").one("QueueUrl") == queue
    query("CreateQueue", QueueName="jobs2")
    listed = query("ListQueues", QueueNamePrefix="jobs", MaxResults="1")
    assert listed.all("QueueUrl") == [queue]
    token = listed.one("NextToken")
    rest = query("ListQueues", QueueNamePrefix="jobs", MaxResults="1", NextToken=token)
    assert rest.all("QueueUrl") == [queue + "2"]
    assert rest.all("NextToken") == []


def test_send_and_receive_with_attributes_and_md5s(query, queue):
    sent = query(
        "SendMessage",
        QueueUrl=queue,
        MessageBody="hello",
        **{
            "MessageAttribute.1.Name": "n",
            "MessageAttribute.1.Value.DataType": "Number",
            "MessageAttribute.1.Value.StringValue": "1",
            "MessageAttribute.2.Name": "b",
            "MessageAttribute.2.Value.DataType": "Binary",
            "MessageAttribute.2.Value.BinaryValue": base64.b64encode(b"\x00\x01").decode(),
        },
    )
    assert sent.status == 200, sent.text
    assert sent.one("MD5OfMessageBody") == "5d41402abc4b2a76b9719d911017c592"
    assert sent.one("MD5OfMessageAttributes") == "6d3e0b67e05bf94ede72102c4dc09565"

    received = query(
        "ReceiveMessage",
        QueueUrl=queue,
        **{"AttributeName.1": "All", "MessageAttributeName.1": "All", "MaxNumberOfMessages": "5"},
    )
    (message,) = received.elements("Message")
    assert message.find(NS + "Body").text == "hello"
    assert message.find(NS + "MessageId").text == sent.one("MessageId")
    assert message.find(NS + "MD5OfBody").text == "5d41402abc4b2a76b9719d911017c592"
    assert message.find(NS + "MD5OfMessageAttributes").text == "6d3e0b67e05bf94ede72102c4dc09565"
    system = {
        a.find(NS + "Name").text: a.find(NS + "Value").text
        for a in message.findall(NS + "Attribute")
    }
    assert system["ApproximateReceiveCount"] == "1"
    values = {}
    for attribute in message.findall(NS + "MessageAttribute"):
        value = {child.tag.removeprefix(NS): child.text for child in attribute.find(NS + "Value")}
        values[attribute.find(NS + "Name").text] = value
    assert values == {
        "n": {"DataType": "Number", "StringValue": "1"},
        "b": {"DataType": "Binary", "BinaryValue": "AAE="},
    }

    handle = message.find(NS + "ReceiptHandle").text
    assert query("DeleteMessage", QueueUrl=queue, ReceiptHandle=handle).status == 200


def test_xml_escapes_quotes_and_carriage_returns_as_sqs_does(query, queue):
    body = 'a "quoted" <tag> & \r\n line'
    query("SendMessage", QueueUrl=queue, MessageBody=body)
    received = query("ReceiveMessage", QueueUrl=queue)
    assert "&quot;quoted&quot; &lt;tag&gt; &amp; &#xD;" in received.text
    assert received.one("Body") == body


def test_system_attribute_on_send(query, queue):
    sent = query(
        "SendMessage",
        QueueUrl=queue,
        MessageBody="x",
        **{
            "MessageSystemAttribute.1.Name": "AWSTraceHeader",
            "MessageSystemAttribute.1.Value.DataType": "String",
            "MessageSystemAttribute.1.Value.StringValue": "Root=1",
        },
    )
    assert sent.one("MD5OfMessageSystemAttributes")
    received = query("ReceiveMessage", QueueUrl=queue, **{"MessageSystemAttributeName.1": "All"})
    assert "Root=1" in received.all("Value")


def test_batches(query, queue):
    sent = query(
        "SendMessageBatch",
        QueueUrl=queue,
        **{
            "SendMessageBatchRequestEntry.1.Id": "a",
            "SendMessageBatchRequestEntry.1.MessageBody": "1",
            "SendMessageBatchRequestEntry.2.Id": "b",
            "SendMessageBatchRequestEntry.2.MessageBody": "2",
            "SendMessageBatchRequestEntry.2.DelaySeconds": "5000",
        },
    )
    assert [e.find(NS + "Id").text for e in sent.elements("SendMessageBatchResultEntry")] == ["a"]
    (failed,) = sent.elements("BatchResultErrorEntry")
    assert failed.find(NS + "Code").text == "InvalidParameterValue"
    assert failed.find(NS + "SenderFault").text == "true"

    handle = query("ReceiveMessage", QueueUrl=queue).one("ReceiptHandle")
    changed = query(
        "ChangeMessageVisibilityBatch",
        QueueUrl=queue,
        **{
            "ChangeMessageVisibilityBatchRequestEntry.1.Id": "c",
            "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle": handle,
            "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout": "60",
        },
    )
    assert changed.all("Id") == ["c"]
    deleted = query(
        "DeleteMessageBatch",
        QueueUrl=queue,
        **{
            "DeleteMessageBatchRequestEntry.1.Id": "d",
            "DeleteMessageBatchRequestEntry.1.ReceiptHandle": handle,
            "DeleteMessageBatchRequestEntry.2.Id": "e",
            "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "garbage",
        },
    )
    assert [e.find(NS + "Id").text for e in deleted.elements("DeleteMessageBatchResultEntry")] == [
        "d"
    ]
    assert deleted.one("Code") == "ReceiptHandleIsInvalid"


def test_change_visibility_purge_set_attributes_and_delete(query, queue):
    query("SendMessage", QueueUrl=queue, MessageBody="x")
    handle = query("ReceiveMessage", QueueUrl=queue).one("ReceiptHandle")
    changed = query(
        "ChangeMessageVisibility", QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout="0"
    )
    assert changed.status == 200
    assert changed.root.tag == NS + "ChangeMessageVisibilityResponse"
    assert query("PurgeQueue", QueueUrl=queue).status == 200
    assert (
        query(
            "SetQueueAttributes",
            QueueUrl=queue,
            **{"Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "3"},
        ).status
        == 200
    )
    assert query("GetQueueAttributes", QueueUrl=queue, **{"AttributeName.1": "DelaySeconds"}).all(
        "Value"
    ) == ["3"]
    assert query("DeleteQueue", QueueUrl=queue).status == 200
    assert query("GetQueueUrl", QueueName="jobs").status == 400


def test_an_earlier_receipt_handle_changes_visibility(time_travel, query, queue):
    """Standard queues take any handle of a message that still exists; a deleted one is
    refused with AWS's words.
    """
    time_travel.freeze()
    query("SendMessage", QueueUrl=queue, MessageBody="x")
    first = query("ReceiveMessage", QueueUrl=queue, VisibilityTimeout="1").one("ReceiptHandle")
    time_travel.advance(1)
    second = query("ReceiveMessage", QueueUrl=queue, VisibilityTimeout="30").one("ReceiptHandle")

    changed = query(
        "ChangeMessageVisibility", QueueUrl=queue, ReceiptHandle=first, VisibilityTimeout="0"
    )
    assert changed.status == 200, changed.text
    batch = query(
        "ChangeMessageVisibilityBatch",
        QueueUrl=queue,
        **{
            "ChangeMessageVisibilityBatchRequestEntry.1.Id": "old",
            "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle": second,
            "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout": "0",
        },
    )
    assert batch.all("Id") == ["old"]
    assert batch.elements("BatchResultErrorEntry") == []
    third = query("ReceiveMessage", QueueUrl=queue, VisibilityTimeout="30").one("ReceiptHandle")

    assert query("DeleteMessage", QueueUrl=queue, ReceiptHandle=third).status == 200
    refused = query(
        "ChangeMessageVisibility", QueueUrl=queue, ReceiptHandle=first, VisibilityTimeout="0"
    )
    assert (refused.status, refused.code) == (400, "InvalidParameterValue")
    assert refused.one("Message") == (
        f"Value {first} for parameter ReceiptHandle is invalid. Reason: Message does not "
        "exist or is not available for visibility timeout change."
    )


def test_fifo_group_heads_purge_and_fifo_queue_attribute(query):
    """FIFO in the query protocol: a head made visible again is delivered after the groups
    waiting already; PurgeQueue forgets dedup ids; ``FifoQueue=true`` may be set again.
    """
    url = query(
        "CreateQueue",
        QueueName="q.fifo",
        **{"Attribute.1.Name": "FifoQueue", "Attribute.1.Value": "true"},
    ).one("QueueUrl")
    for body in ("g1-m1", "g1-m2", "g2-m1"):
        query(
            "SendMessage",
            QueueUrl=url,
            MessageBody=body,
            MessageGroupId=body[:2],
            MessageDeduplicationId=body,
        )
    first = query("ReceiveMessage", QueueUrl=url, MaxNumberOfMessages="2")
    assert first.all("Body") == ["g1-m1", "g1-m2"]
    handle = first.all("ReceiptHandle")[0]
    query("ChangeMessageVisibility", QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout="0")
    again = query("ReceiveMessage", QueueUrl=url, MaxNumberOfMessages="3")
    assert again.all("Body") == ["g2-m1", "g1-m1"]

    assert query("PurgeQueue", QueueUrl=url).status == 200
    resent = query(
        "SendMessage",
        QueueUrl=url,
        MessageBody="new",
        MessageGroupId="g1",
        MessageDeduplicationId="g1-m1",
    )
    assert resent.status == 200
    assert query("ReceiveMessage", QueueUrl=url).all("Body") == ["new"]

    kept = query(
        "SetQueueAttributes",
        QueueUrl=url,
        **{"Attribute.1.Name": "FifoQueue", "Attribute.1.Value": "true"},
    )
    assert kept.status == 200, kept.text


def test_tags_and_permissions(query, queue):
    assert query("TagQueue", QueueUrl=queue, **{"Tag.1.Key": "k", "Tag.1.Value": "v"}).status == 200
    assert query("UntagQueue", QueueUrl=queue, **{"TagKey.1": "k"}).status == 200
    assert query("ListQueueTags", QueueUrl=queue).elements("Tag") == []
    added = query(
        "AddPermission",
        QueueUrl=queue,
        Label="p",
        **{"AWSAccountId.1": "111111111111", "ActionName.1": "SendMessage"},
    )
    assert added.status == 200, added.text
    policy = json.loads(
        query("GetQueueAttributes", QueueUrl=queue, **{"AttributeName.1": "Policy"}).one("Value")
    )
    assert policy["Statement"][0]["Sid"] == "p"
    assert query("RemovePermission", QueueUrl=queue, Label="p").status == 200


def test_dead_letter_sources_and_move_tasks(query, queue):
    dlq = query("CreateQueue", QueueName="dlq").one("QueueUrl")
    dlq_arn = _arn(query, dlq)
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})
    query(
        "SetQueueAttributes",
        QueueUrl=queue,
        **{"Attribute.1.Name": "RedrivePolicy", "Attribute.1.Value": policy},
    )
    assert query("ListDeadLetterSourceQueues", QueueUrl=dlq).all("QueueUrl") == [queue]

    query("SendMessage", QueueUrl=queue, MessageBody="x")
    query("ReceiveMessage", QueueUrl=queue, VisibilityTimeout="0")
    assert query("ReceiveMessage", QueueUrl=queue).elements("Message") == []

    started = query("StartMessageMoveTask", SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond="1")
    handle = started.one("TaskHandle")
    tasks = query("ListMessageMoveTasks", SourceArn=dlq_arn, MaxResults="10")
    (entry,) = tasks.elements("ListMessageMoveTasksResultEntry")
    assert entry.find(NS + "Status").text == "RUNNING"
    assert entry.find(NS + "ApproximateNumberOfMessagesToMove").text == "1"
    cancelled = query("CancelMessageMoveTask", TaskHandle=handle)
    assert cancelled.one("ApproximateNumberOfMessagesMoved") == "0"


def test_errors_are_error_responses_with_legacy_codes(query):
    answer = query("GetQueueUrl", QueueName="missing")
    assert answer.status == 400
    assert answer.root.tag == NS + "ErrorResponse"
    assert answer.code == "AWS.SimpleQueueService.NonExistentQueue"
    assert answer.one("Type") == "Sender"
    assert answer.one("Message") == "The specified queue does not exist for this wsdl version."
    assert answer.one("RequestId")


@pytest.mark.parametrize(
    ("action", "params", "code"),
    [
        ("Explode", {}, "InvalidAction"),
        ("CreateQueue", {}, "MissingParameter"),
        (
            "ReceiveMessage",
            {"QueueUrl": "jobs", "MaxNumberOfMessages": "many"},
            "InvalidParameterValue",
        ),
        (
            "ReceiveMessage",
            {"QueueUrl": "jobs", "MaxNumberOfMessages": "11"},
            "InvalidParameterValue",
        ),
        ("SendMessage", {"QueueUrl": "jobs"}, "MissingParameter"),
        (
            "SendMessage",
            {"QueueUrl": "jobs", "MessageBody": "x", "DelaySeconds": "1.5"},
            "InvalidParameterValue",
        ),
        (
            "SendMessage",
            {
                "QueueUrl": "jobs",
                "MessageBody": "x",
                "MessageAttribute.1.Name": "b",
                "MessageAttribute.1.Value.DataType": "Binary",
                "MessageAttribute.1.Value.BinaryValue": "***",
            },
            "InvalidParameterValue",
        ),
        (
            "SendMessage",
            {"QueueUrl": "jobs", "MessageBody": "x", "MessageAttribute.1.Value.DataType": "String"},
            "MissingParameter",
        ),
        ("SendMessageBatch", {"QueueUrl": "jobs"}, "MissingParameter"),
        ("DeleteMessage", {"QueueUrl": "jobs", "ReceiptHandle": "x"}, "ReceiptHandleIsInvalid"),
        (
            "SetQueueAttributes",
            {"QueueUrl": "jobs", "Attribute.1.Name": "Nope", "Attribute.1.Value": "1"},
            "InvalidAttributeName",
        ),
        ("DeleteQueue", {}, "MissingParameter"),
    ],
)
def test_bad_query_input_gets_the_real_code(query, queue, action, params, code):
    answer = query(action, **params)
    assert answer.status == 400, answer.text
    assert answer.code == code


def test_a_request_without_action_is_an_unknown_operation(mimic_cloud):
    """SQS answers a bare ``<UnknownOperationException/>`` and a 404, even to JSON Accept."""
    import requests

    for accept in ("*/*", "application/json"):
        answer = requests.post(
            mimic_cloud.url("sqs"), data={"QueueName": "x"}, headers={"Accept": accept}, timeout=10
        )
        assert answer.status_code == 404
        assert answer.text == "<UnknownOperationException/>"


def test_malformed_form_encoding_is_a_client_error(mimic_cloud):
    import requests

    answer = requests.post(
        mimic_cloud.url("sqs"),
        data=b"Action=CreateQueue&QueueName=%ff%fe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert answer.status_code == 400
    assert "<Code>MalformedQueryString</Code>" in answer.text


def test_get_requests_with_a_query_string_work(query, queue):
    answer = query("GetQueueUrl", method="GET", QueueName="jobs")
    assert answer.status == 200
    assert answer.one("QueueUrl") == queue
