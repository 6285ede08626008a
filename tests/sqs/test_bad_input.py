"""Whatever a client sends, the answer is SQS's own client error in the protocol it spoke,
never a 500.
"""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_mimic.services.sqs.operations import OPERATIONS

JSON_TYPE = "application/x-amz-json-1.0"


def _post(mimic_cloud, target, body, content_type=JSON_TYPE):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(
        mimic_cloud.url("sqs"),
        data=data,
        headers={"X-Amz-Target": target, "Content-Type": content_type},
        timeout=10,
    )


@pytest.fixture
def queue(sqs):
    return sqs.create_queue(QueueName="jobs")["QueueUrl"]


@pytest.mark.parametrize(
    ("target", "body", "type_suffix", "code"),
    [
        ("AmazonSQS.ListQueues", b"{", "SerializationException", "SerializationException"),
        ("AmazonSQS.ListQueues", b"[]", "SerializationException", "SerializationException"),
        ("AmazonSQS.ListQueues", b"\xff\xfe", "SerializationException", "SerializationException"),
        (
            "AmazonSQS.ListQueues",
            b'{"MaxResults": NaN}',
            "SerializationException",
            "SerializationException",
        ),
        (
            "AmazonSQS.ListQueues",
            b"[" * 100_000,
            "SerializationException",
            "SerializationException",
        ),
        ("AmazonSQS.Explode", {}, "UnknownOperationException", "InvalidAction"),
        ("DynamoDB_20120810.ListTables", {}, "UnknownOperationException", "InvalidAction"),
        ("AmazonSQS.CreateQueue", {}, "MissingRequiredParameterException", "MissingParameter"),
        (
            "AmazonSQS.CreateQueue",
            {"QueueName": None},
            "MissingRequiredParameterException",
            "MissingParameter",
        ),
        (
            "AmazonSQS.CreateQueue",
            {"QueueName": 5},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.CreateQueue",
            {"QueueName": "q", "Attributes": {"DelaySeconds": 5}},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.CreateQueue",
            {"QueueName": "q", "Attributes": []},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.ReceiveMessage",
            {"QueueUrl": "jobs", "MaxNumberOfMessages": "5"},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.ReceiveMessage",
            {"QueueUrl": "jobs", "MaxNumberOfMessages": True},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.ReceiveMessage",
            {"QueueUrl": "jobs", "MaxNumberOfMessages": 10**40},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.ReceiveMessage",
            {"QueueUrl": "jobs", "WaitTimeSeconds": -1},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.SendMessage",
            {"QueueUrl": "jobs", "MessageBody": 7},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.SendMessage",
            {"QueueUrl": "jobs", "MessageBody": "\ud800"},
            "InvalidMessageContents",
            "InvalidMessageContents",
        ),
        (
            "AmazonSQS.SendMessage",
            {"QueueUrl": "jobs", "MessageBody": "x", "MessageAttributes": ["a"]},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.SendMessage",
            {
                "QueueUrl": "jobs",
                "MessageBody": "x",
                "MessageAttributes": {"a": {"StringValue": "v"}},
            },
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.SendMessage",
            {
                "QueueUrl": "jobs",
                "MessageBody": "x",
                "MessageAttributes": {"a": {"DataType": "Binary", "BinaryValue": "***"}},
            },
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.SendMessage",
            {
                "QueueUrl": "jobs",
                "MessageBody": "x",
                "MessageSystemAttributes": {"Other": {"DataType": "String", "StringValue": "v"}},
            },
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.SendMessage",
            {"QueueUrl": "jobs", "MessageBody": "x", "MessageGroupId": "bad id \u00e9"},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.SendMessage",
            {"MessageBody": "x"},
            "MissingRequiredParameterException",
            "MissingParameter",
        ),
        (
            "AmazonSQS.SendMessageBatch",
            {"QueueUrl": "jobs", "Entries": {}},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.SendMessageBatch",
            {"QueueUrl": "jobs", "Entries": ["x"]},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.SendMessageBatch",
            {"QueueUrl": "jobs", "Entries": [{"MessageBody": "x"}]},
            "MissingRequiredParameterException",
            "MissingParameter",
        ),
        (
            "AmazonSQS.DeleteMessage",
            {"QueueUrl": "jobs", "ReceiptHandle": "x" * 5000},
            "ReceiptHandleIsInvalid",
            "ReceiptHandleIsInvalid",
        ),
        (
            "AmazonSQS.ChangeMessageVisibility",
            {"QueueUrl": "jobs", "ReceiptHandle": "x", "VisibilityTimeout": 43201},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.StartMessageMoveTask",
            {"SourceArn": "not an arn"},
            "ResourceNotFoundException",
            "ResourceNotFoundException",
        ),
        (
            "AmazonSQS.CancelMessageMoveTask",
            {"TaskHandle": "nope"},
            "ResourceNotFoundException",
            "ResourceNotFoundException",
        ),
        (
            "AmazonSQS.ListMessageMoveTasks",
            {"SourceArn": "arn:aws:sqs:us-east-1:123456789012:jobs", "MaxResults": 11},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.UntagQueue",
            {"QueueUrl": "jobs", "TagKeys": [1]},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
        (
            "AmazonSQS.TagQueue",
            {"QueueUrl": "jobs", "Tags": {"": "v"}},
            "InvalidParameterValueException",
            "InvalidParameterValue",
        ),
    ],
)
def test_bad_json_input_gets_the_real_error(mimic_cloud, queue, target, body, type_suffix, code):
    answer = _post(mimic_cloud, target, body)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.headers["Content-Type"] == JSON_TYPE
    assert answer.json()["__type"].endswith("#" + type_suffix)
    assert answer.headers["x-amzn-query-error"] == f"{code};Sender"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=300,
    derandomize=True,  # the same examples every run: CI stays deterministic
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    action=st.sampled_from(sorted(OPERATIONS)),
    members=st.dictionaries(
        st.sampled_from(
            [
                *sorted({m.name for spec in OPERATIONS.values() for m in spec.input.members}),
                "QueueUrl",
            ]
        ),
        _json | st.just("jobs"),
        max_size=5,
    ),
)
def test_any_json_members_never_give_a_server_error(mimic_cloud, queue, action, members):
    if action == "ReceiveMessage":
        members["WaitTimeSeconds"] = 0
    answer = _post(mimic_cloud, f"AmazonSQS.{action}", members)
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        assert "x-amzn-query-error" in answer.headers


@example(action="ReceiveMessage", fields={"VisibilityTimeout": "\x08"})  # once a bad XML
@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    action=st.sampled_from(sorted(OPERATIONS)),
    fields=st.dictionaries(
        st.sampled_from(
            [
                "QueueUrl",
                "QueueName",
                "MessageBody",
                "MaxNumberOfMessages",
                "Attribute.1.Name",
                "Attribute.1.Value",
                "MessageAttribute.1.Name",
                "MessageAttribute.1.Value.DataType",
                "MessageAttribute.1.Value.StringValue",
                "MessageAttribute.1.Value.BinaryValue",
                "SendMessageBatchRequestEntry.1.Id",
                "SendMessageBatchRequestEntry.1.MessageBody",
                "DeleteMessageBatchRequestEntry.1.Id",
                "ReceiptHandle",
                "VisibilityTimeout",
                "Tag.1.Key",
                "TagKey.1",
                "SourceArn",
                "TaskHandle",
                "Label",
                "AWSAccountId.1",
                "ActionName.1",
            ]
        ),
        st.text(max_size=20) | st.just("jobs"),
        max_size=6,
    ),
)
def test_any_query_fields_never_give_a_server_error(query, queue, action, fields):
    answer = query(action, **fields)
    assert answer.status < 500, answer.text
    if answer.status >= 400:
        assert answer.root.tag.endswith("ErrorResponse")
