"""A query-protocol botocore (< 1.34.90) against the fake, when one is at hand.

Set ``MIMIC_QUERY_BOTOCORE_PYTHON`` to an interpreter that has such a boto3 (for instance a
throwaway venv with ``boto3==1.34.89``); the script exercises every operation with it,
including botocore's own MD5 checks of sent and received messages.
"""

from __future__ import annotations

import os
import subprocess
import textwrap

import pytest

PYTHON = os.environ.get("MIMIC_QUERY_BOTOCORE_PYTHON")

pytestmark = pytest.mark.skipif(
    not PYTHON, reason="set MIMIC_QUERY_BOTOCORE_PYTHON to a python with boto3 < 1.34.90"
)

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import boto3
    from botocore.exceptions import ClientError

    c = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    assert c.meta.service_model.metadata["protocol"] == "query"
    url = c.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "10"},
                         tags={"a": "b"})["QueueUrl"]
    dlq = c.create_queue(QueueName="dlq")["QueueUrl"]
    arn = c.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])
    arn = arn["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 1})
    c.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": policy})
    assert c.get_queue_url(QueueName="q")["QueueUrl"] == url
    assert c.list_queues(QueueNamePrefix="q", MaxResults=1)["QueueUrls"] == [url]
    c.send_message(QueueUrl=url, MessageBody='quote " and \\r',
                   MessageAttributes={"b": {"DataType": "Binary", "BinaryValue": b"\\x00"}})
    batch = c.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x"}])
    assert len(batch["Successful"]) == 1
    got = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                            MessageAttributeNames=["All"])["Messages"]
    assert got[0]["Body"] == 'quote " and \\r'
    c.change_message_visibility(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"],
                                VisibilityTimeout=0)
    c.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "1", "ReceiptHandle": got[1]["ReceiptHandle"], "VisibilityTimeout": 0}])
    assert "Messages" not in c.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert c.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [url]
    task = c.start_message_move_task(SourceArn=arn, MaxNumberOfMessagesPerSecond=1)
    assert c.list_message_move_tasks(SourceArn=arn)["Results"][0]["Status"] == "RUNNING"
    c.cancel_message_move_task(TaskHandle=task["TaskHandle"])
    deleted = c.delete_message_batch(QueueUrl=dlq, Entries=[
        {"Id": "1", "ReceiptHandle": "garbage"}])
    assert deleted["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    c.tag_queue(QueueUrl=url, Tags={"x": "y"})
    c.untag_queue(QueueUrl=url, TagKeys=["a"])
    assert c.list_queue_tags(QueueUrl=url)["Tags"] == {"x": "y"}
    c.add_permission(QueueUrl=url, Label="l", AWSAccountIds=["111111111111"],
                     Actions=["SendMessage"])
    c.remove_permission(QueueUrl=url, Label="l")
    c.purge_queue(QueueUrl=url)
    handle = None
    c.send_message(QueueUrl=dlq, MessageBody="m")
    handle = c.receive_message(QueueUrl=dlq)["Messages"][0]["ReceiptHandle"]
    c.delete_message(QueueUrl=dlq, ReceiptHandle=handle)
    try:
        c.get_queue_url(QueueName="missing")
    except c.exceptions.QueueDoesNotExist as error:
        assert error.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    else:
        raise AssertionError("no error")
    c.delete_queue(QueueUrl=url)
    print("ok")
    """
)


def test_every_operation_through_a_query_protocol_botocore(mimic_cloud):
    done = subprocess.run(
        [PYTHON, "-c", SCRIPT, mimic_cloud.url("sqs")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


ISSUE_15 = textwrap.dedent(
    """
    import sys
    import boto3
    from botocore.exceptions import ClientError

    c = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    url = c.create_queue(QueueName="q")["QueueUrl"]
    fifo = c.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]

    def error(call, **params):
        try:
            call(**params)
        except ClientError as e:
            return e.response["Error"]["Code"], e.response["Error"]["Message"]
        raise AssertionError("no error")

    big = "a" * 1048576
    c.send_message(QueueUrl=url, MessageBody=big)  # 1: exactly the maximum
    assert error(c.send_message, QueueUrl=url, MessageBody=big + "a")[0] == "InvalidParameterValue"
    for op in (c.send_message_batch, c.delete_message_batch, c.change_message_visibility_batch):
        code = error(op, QueueUrl=url, Entries=[])[0]  # 2: sent as Entries=
        assert code == "AWS.SimpleQueueService.EmptyBatchRequest", code
    assert error(c.tag_queue, QueueUrl=url, Tags={}) == (
        "MissingParameter", "The request must contain the parameter Tags.")
    assert error(c.untag_queue, QueueUrl=url, TagKeys=[])[0] == "InvalidParameterValue"
    assert error(c.add_permission, QueueUrl=url, Label="l", AWSAccountIds=["1"],
                 Actions=[]) == ("MissingParameter",
                                 "The request must contain the parameter Actions.")
    assert error(c.send_message_batch, QueueUrl=fifo, Entries=[  # 3: whole request
        {"Id": "a", "MessageBody": "x", "MessageDeduplicationId": "1"}])[0] == (
        "InvalidParameterValue")
    c.send_message(QueueUrl=url, MessageBody="m", MessageAttributes={
        "Hello": {"DataType": "String", "StringValue": "1"},
        "Help.Me": {"DataType": "String", "StringValue": "2"}})
    c.purge_queue(QueueUrl=url)
    c.delete_queue(QueueUrl=url)
    url = c.create_queue(QueueName="r")["QueueUrl"]
    c.send_message(QueueUrl=url, MessageBody="m", MessageAttributes={
        "Hello": {"DataType": "String", "StringValue": "1"},
        "Help.Me": {"DataType": "String", "StringValue": "2"}})
    got = c.receive_message(QueueUrl=url, MessageAttributeNames=["Hel.*"])["Messages"][0]
    assert sorted(got["MessageAttributes"]) == ["Hello", "Help.Me"]  # 5
    assert error(c.add_permission, QueueUrl=url, Label="l", AWSAccountIds=["111111111111"],
                 Actions=["RemovePermission"])[1].startswith(  # 6
        "Value SQS:RemovePermission for parameter ActionName is invalid.")
    assert error(c.tag_queue, QueueUrl=url, Tags={f"k{i}": "v" for i in range(51)})[1] == (
        "Too many tags added for queue r.")  # 7
    assert error(c.create_queue, QueueName="plain", Attributes={"FifoQueue": "false"}) == (
        "InvalidAttributeName", "Unknown Attribute FifoQueue.")  # 9
    print("ok")
    """
)


def test_issue_15_answers_through_a_query_protocol_botocore(mimic_cloud):
    """botocore's own query serializer (empty lists as ``Entries=``) meets AWS's answers."""
    done = subprocess.run(
        [PYTHON, "-c", ISSUE_15, mimic_cloud.url("sqs")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
