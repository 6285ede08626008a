"""SQS scenarios as boto3 sees them: the legacy error code user code compares against."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


@pytest.fixture
def sqs(mimic_cloud):
    return boto3.client(
        "sqs",
        endpoint_url=mimic_cloud.url("sqs"),
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.mark.mimic_scenario("sqs.throttled_sends", queue="jobs")
def test_throttled_sends_hit_only_the_named_queue(mimic_cloud, sqs):
    jobs = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    other = sqs.create_queue(QueueName="other")["QueueUrl"]

    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=jobs, MessageBody="x")

    assert caught.value.response["Error"]["Code"] == "RequestThrottled"
    assert sqs.send_message(QueueUrl=other, MessageBody="x")["MessageId"]


@pytest.mark.mimic_scenario("sqs.receive_over_limit")
def test_receives_over_limit(mimic_cloud, sqs):
    queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]

    with pytest.raises(ClientError) as caught:
        sqs.receive_message(QueueUrl=queue)

    assert caught.value.response["Error"]["Code"] == "OverLimit"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.mimic_scenario("sqs.flaky_api", one_in=2)
def test_one_request_in_n_is_an_internal_error(mimic_cloud):
    client = boto3.client(
        "sqs",
        endpoint_url=mimic_cloud.url("sqs"),
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),  # no retries: see every answer
    )
    outcomes = []
    for _ in range(4):
        try:
            client.list_queues()
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(error.response["Error"]["Code"])

    assert outcomes == ["InternalError", "ok", "InternalError", "ok"]


@pytest.mark.mimic_scenario("sqs.receive_always_empty", queue="jobs")
def test_receives_come_back_empty(mimic_cloud, sqs):
    queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="waiting")

    assert "Messages" not in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5)
    assert mimic_cloud.service("sqs").messages("jobs")  # still there, just never handed out


@pytest.mark.mimic_scenario("sqs.visibility_shorter_than_processing", seconds=2)
def test_a_slow_consumer_sees_its_message_handed_to_another(mimic_cloud, sqs, time_travel):
    queue = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "300"})
    url = queue["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="job")
    first = sqs.receive_message(QueueUrl=url)["Messages"][0]

    time_travel.advance(3)  # the first consumer is still working
    second = sqs.receive_message(QueueUrl=url)["Messages"][0]

    assert second["MessageId"] == first["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]


@pytest.mark.mimic_scenario("sqs.messages_land_in_dlq", queue="jobs")
def test_failing_jobs_end_in_the_dead_letter_queue(mimic_cloud, sqs):
    dlq = sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])
    policy = {"deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"], "maxReceiveCount": "3"}
    import json

    url = sqs.create_queue(QueueName="jobs", Attributes={"RedrivePolicy": json.dumps(policy)})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=url, MessageBody="poison")

    for _ in range(3):
        message = sqs.receive_message(QueueUrl=url)["Messages"][0]
        with pytest.raises(ClientError) as caught:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        assert caught.value.response["Error"]["Code"] == "ReceiptHandleIsInvalid"

    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert sqs.receive_message(QueueUrl=dlq)["Messages"][0]["Body"] == "poison"


@pytest.mark.mimic_scenario("sqs.queue_deleted_mid_run", queue="jobs", after=2)
def test_the_queue_disappears_mid_run(mimic_cloud, sqs):
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="one")

    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="two")

    assert caught.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
