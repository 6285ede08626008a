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
