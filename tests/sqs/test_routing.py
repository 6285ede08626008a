"""Where SQS answers: its prefix, the server's root for plainly-SQS requests, queue-URL
paths; queue URLs follow the caller's host; QueueUrl parameters resolve by their last segment.
"""

from __future__ import annotations

import json

import boto3
import pytest
import requests

from tests.sqs.conftest import QueryClient, make_client


def test_boto3_finds_the_fake_through_the_environment_alone(mimic_cloud):
    client = boto3.client("sqs")
    url = client.create_queue(QueueName="from-env")["QueueUrl"]
    assert url.startswith(mimic_cloud.url("sqs") + "/")
    assert client.list_queues()["QueueUrls"] == [url]


def test_a_queue_url_with_a_foreign_host_resolves_by_its_last_segment(sqs):
    sqs.create_queue(QueueName="jobs")
    foreign = "https://sqs.eu-west-1.amazonaws.com/999999999999/jobs"
    sqs.send_message(QueueUrl=foreign, MessageBody="x")
    assert sqs.receive_message(QueueUrl=foreign)["Messages"][0]["Body"] == "x"


def test_a_bare_queue_name_works_as_queue_url(sqs):
    sqs.create_queue(QueueName="jobs")
    sqs.send_message(QueueUrl="jobs", MessageBody="x")
    attributes = sqs.get_queue_attributes(QueueUrl="jobs", AttributeNames=["QueueArn"])
    assert attributes["Attributes"]["QueueArn"].endswith(":jobs")


@pytest.mark.parametrize(
    "url",
    [
        "https://queue.amazonaws.com/123456789012/unknown",
        "http://whatever-incorrect-queue-address",
        "unknown",
        "http://[::1",
    ],
)
def test_unknown_queue_urls_are_queue_does_not_exist(sqs, url):
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as error:
        sqs.send_message(QueueUrl=url, MessageBody="x")
    assert error.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_queue_urls_follow_the_host_the_client_used(mimic_cloud):
    port = mimic_cloud.base_url.rsplit(":", 1)[1]
    client = make_client(f"http://localhost:{port}/sqs")
    url = client.create_queue(QueueName="hosted")["QueueUrl"]
    assert url == f"http://localhost:{port}/sqs/123456789012/hosted"


def test_the_root_answers_json_requests_that_name_amazon_sqs(mimic_cloud):
    client = make_client(mimic_cloud.base_url)
    url = client.create_queue(QueueName="rooted")["QueueUrl"]
    assert url == f"{mimic_cloud.base_url}/123456789012/rooted"
    client.send_message(QueueUrl=url, MessageBody="x")
    assert [c.operation for c in mimic_cloud.calls("sqs")] == ["CreateQueue", "SendMessage"]


def test_the_root_answers_query_requests_with_version_2012_11_05(mimic_cloud):
    query = QueryClient(mimic_cloud.base_url)
    answer = query("CreateQueue", QueueName="rooted")
    assert answer.status == 200
    assert answer.one("QueueUrl") == f"{mimic_cloud.base_url}/123456789012/rooted"


def test_the_root_leaves_other_requests_alone(mimic_cloud):
    assert requests.post(mimic_cloud.base_url + "/", json={}, timeout=10).status_code == 404
    form = {"Action": "CreateQueue", "Version": "2011-06-15", "QueueName": "x"}
    assert requests.post(mimic_cloud.base_url + "/", data=form, timeout=10).status_code == 404
    assert requests.post(mimic_cloud.base_url + "/not/a/queue", timeout=10).status_code == 404


def test_query_requests_to_the_queue_url_need_no_queue_url_parameter(mimic_cloud, sqs):
    """Java SDK v1 and .NET post to the queue's URL itself."""
    url = sqs.create_queue(QueueName="direct")["QueueUrl"]
    query = QueryClient(mimic_cloud.url("sqs"))
    sent = query("SendMessage", url=url, MessageBody="by path")
    assert sent.status == 200, sent.text
    received = query("ReceiveMessage", url=url)
    assert received.one("Body") == "by path"


def test_root_queue_url_paths_are_claimed(mimic_cloud):
    query = QueryClient(mimic_cloud.base_url)
    url = query("CreateQueue", QueueName="root-path").one("QueueUrl")
    assert query("SendMessage", url=url, MessageBody="x").status == 200
    assert query("ReceiveMessage", url=url).one("Body") == "x"


def test_json_requests_to_the_queue_url_work(mimic_cloud, sqs):
    """The JS SDK v3 sends each request to its queue URL unless told otherwise."""
    url = sqs.create_queue(QueueName="js")["QueueUrl"]
    direct = make_client(url)
    direct.send_message(QueueUrl=url, MessageBody="x")
    assert direct.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "x"


def test_moto_api_reset_drops_sqs_state_at_the_prefix_and_at_the_root(mimic_cloud, sqs):
    for base in (mimic_cloud.url("sqs"), mimic_cloud.base_url):
        sqs.create_queue(QueueName="temporary")
        answer = requests.post(base + "/moto-api/reset", timeout=10)
        assert answer.status_code == 200
        assert answer.json() == {"status": "ok"}
        assert "QueueUrls" not in sqs.list_queues()
    assert [c.operation for c in mimic_cloud.calls("sqs", "MotoApiReset")] == [
        "MotoApiReset",
        "MotoApiReset",
    ]


def test_a_queue_url_in_another_region_scope_is_not_found(mimic_cloud, sqs):
    sqs.create_queue(QueueName="east")
    west = make_client(mimic_cloud.url("sqs"), region="eu-west-1")
    with pytest.raises(west.exceptions.QueueDoesNotExist):
        west.get_queue_url(QueueName="east")


def test_get_without_signature_defaults_to_us_east_1(mimic_cloud, sqs):
    sqs.create_queue(QueueName="unsigned")
    answer = requests.get(
        mimic_cloud.url("sqs"),
        params={"Action": "GetQueueUrl", "Version": "2012-11-05", "QueueName": "unsigned"},
        timeout=10,
    )
    assert answer.status_code == 200
    assert "/123456789012/unsigned</QueueUrl>" in answer.text


def test_json_without_a_target_is_unknown_operation(mimic_cloud):
    answer = requests.post(
        mimic_cloud.url("sqs"),
        data=json.dumps({"QueueName": "x"}),
        headers={"Content-Type": "application/x-amz-json-1.0"},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["__type"].endswith("UnknownOperationException")
