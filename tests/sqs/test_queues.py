"""Queues through boto3: create, look up, list, delete, attributes, purge, tags, permissions."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

NONEXISTENT = "AWS.SimpleQueueService.NonExistentQueue"


def _code(error):
    return error.value.response["Error"]["Code"]


def test_create_queue_answers_a_url_on_the_host_and_mount_the_client_used(mimic_cloud, sqs):
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    assert url == f"{mimic_cloud.base_url}/sqs/123456789012/jobs"
    assert sqs.get_queue_url(QueueName="jobs")["QueueUrl"] == url


def test_create_queue_is_idempotent_with_equal_attributes(sqs):
    first = sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "10"})
    again = sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "10"})
    assert first["QueueUrl"] == again["QueueUrl"]
    assert sqs.create_queue(QueueName="same")["QueueUrl"] == first["QueueUrl"]


def test_create_queue_with_different_attributes_is_queue_already_exists(sqs):
    sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "10"})
    with pytest.raises(sqs.exceptions.QueueNameExists) as error:
        sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "11"})
    assert _code(error) == "QueueAlreadyExists"


@pytest.mark.parametrize("name", ["", "has space", "x" * 81, "dots.not.allowed", "ü"])
def test_invalid_queue_names_are_refused(sqs, name):
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName=name)
    assert _code(error) == "InvalidParameterValue"


def test_get_queue_url_of_a_missing_queue_is_the_legacy_nonexistent_code(sqs):
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as error:
        sqs.get_queue_url(QueueName="missing")
    assert _code(error) == NONEXISTENT
    assert error.value.response["Error"]["QueryErrorCode"] == "QueueDoesNotExist"
    assert error.value.response["Error"]["Message"] == "The specified queue does not exist."


def test_get_queue_url_for_another_account_does_not_find_the_queue(sqs):
    sqs.create_queue(QueueName="mine")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="mine", QueueOwnerAWSAccountId="999999999999")


def test_list_queues_filters_by_prefix(sqs):
    for name in ("alpha", "alpine", "beta"):
        sqs.create_queue(QueueName=name)
    urls = sqs.list_queues(QueueNamePrefix="al")["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in urls] == ["alpha", "alpine"]
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="zzz")


def test_list_queues_pages_with_max_results_and_next_token(sqs):
    names = [f"q{i:02d}" for i in range(7)]
    for name in names:
        sqs.create_queue(QueueName=name)
    seen = []
    kwargs = {"MaxResults": 3}
    while True:
        page = sqs.list_queues(**kwargs)
        seen += [u.rsplit("/", 1)[1] for u in page["QueueUrls"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == names

    paginator = sqs.get_paginator("list_queues")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert len(pages) == 4


def test_list_queues_refuses_bad_page_parameters(sqs):
    with pytest.raises(ClientError) as error:
        sqs.list_queues(MaxResults=1001)
    assert _code(error) == "InvalidParameterValue"
    with pytest.raises(ClientError) as error:
        sqs.list_queues(MaxResults=5, NextToken="not-a-token")
    assert _code(error) == "InvalidParameterValue"


def test_queues_are_per_region(mimic_cloud, sqs):
    from tests.sqs.conftest import make_client

    west = make_client(mimic_cloud.url("sqs"), region="us-west-2")
    west.create_queue(QueueName="regional")
    assert "QueueUrls" not in sqs.list_queues()
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="regional")
    arn = west.get_queue_attributes(
        QueueUrl=west.get_queue_url(QueueName="regional")["QueueUrl"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    assert arn == "arn:aws:sqs:us-west-2:123456789012:regional"


def test_the_account_comes_from_the_sqs_account_option(mimic_cloud, sqs):
    mimic_cloud.configure(options={"sqs_account": "000000000000"})
    url = sqs.create_queue(QueueName="other")["QueueUrl"]
    assert url.endswith("/000000000000/other")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    assert arn == {"QueueArn": "arn:aws:sqs:us-east-1:000000000000:other"}


def test_delete_queue_then_it_is_gone(sqs):
    url = sqs.create_queue(QueueName="doomed")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="doomed")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=url, MessageBody="late")


def test_recreating_a_deleted_queue_waits_60_simulated_seconds(time_travel, sqs):
    time_travel.freeze()
    url = sqs.create_queue(QueueName="again")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDeletedRecently) as error:
        sqs.create_queue(QueueName="again")
    assert _code(error) == "AWS.SimpleQueueService.QueueDeletedRecently"

    time_travel.advance(60)
    assert sqs.create_queue(QueueName="again")["QueueUrl"] == url


def test_the_cooldowns_can_be_switched_off(mimic_cloud, sqs):
    mimic_cloud.configure(options={"sqs_cooldowns": False})
    url = sqs.create_queue(QueueName="again")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    sqs.create_queue(QueueName="again")
    sqs.purge_queue(QueueUrl=url)
    sqs.purge_queue(QueueUrl=url)


def test_default_attributes(sqs):
    url = sqs.create_queue(QueueName="defaults")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes | {"CreatedTimestamp": "", "LastModifiedTimestamp": ""} == {
        "VisibilityTimeout": "30",
        "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600",
        "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
        "CreatedTimestamp": "",
        "LastModifiedTimestamp": "",
        "QueueArn": "arn:aws:sqs:us-east-1:123456789012:defaults",
    }
    assert attributes["CreatedTimestamp"].isdigit()


def test_get_queue_attributes_answers_only_what_was_asked(sqs):
    url = sqs.create_queue(QueueName="some")["QueueUrl"]
    answer = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds", "QueueArn"])
    assert set(answer["Attributes"]) == {"DelaySeconds", "QueueArn"}
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url)


def test_unknown_attribute_names_are_invalid_attribute_name(sqs):
    url = sqs.create_queue(QueueName="names")["QueueUrl"]
    with pytest.raises(ClientError) as error:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Bogus"])
    assert _code(error) == "InvalidAttributeName"
    with pytest.raises(ClientError) as error:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Bogus": "1"})
    assert _code(error) == "InvalidAttributeName"
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="names2", Attributes={"QueueArn": "x"})
    assert _code(error) == "InvalidAttributeName"
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="std", Attributes={"ContentBasedDeduplication": "true"})
    assert _code(error) == "InvalidAttributeName"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VisibilityTimeout", "43201"),
        ("VisibilityTimeout", "-1"),
        ("VisibilityTimeout", "ten"),
        ("DelaySeconds", "901"),
        ("MaximumMessageSize", "1023"),
        ("MaximumMessageSize", "1048577"),
        ("MessageRetentionPeriod", "59"),
        ("MessageRetentionPeriod", "1209601"),
        ("ReceiveMessageWaitTimeSeconds", "21"),
        ("KmsDataKeyReusePeriodSeconds", "59"),
        ("SqsManagedSseEnabled", "maybe"),
    ],
)
def test_out_of_range_attribute_values_are_invalid_attribute_value(sqs, name, value):
    url = sqs.create_queue(QueueName="ranges")["QueueUrl"]
    with pytest.raises(ClientError) as error:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={name: value})
    assert _code(error) == "InvalidAttributeValue"
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="ranges2", Attributes={name: value})
    assert _code(error) == "InvalidAttributeValue"


def test_set_queue_attributes_changes_them(sqs):
    url = sqs.create_queue(QueueName="settable")["QueueUrl"]
    policy = {"Version": "2012-10-17", "Statement": []}
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"VisibilityTimeout": "5", "DelaySeconds": "2", "Policy": json.dumps(policy)},
    )
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "5"
    assert attributes["DelaySeconds"] == "2"
    assert json.loads(attributes["Policy"]) == policy

    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    assert (
        "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    )


def test_a_policy_must_be_json(sqs):
    url = sqs.create_queue(QueueName="policy")["QueueUrl"]
    with pytest.raises(ClientError) as error:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": "{not json"})
    assert _code(error) == "InvalidParameterValue"


def test_kms_key_switches_off_sqs_managed_encryption(sqs):
    url = sqs.create_queue(QueueName="kms", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})[
        "QueueUrl"
    ]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["KmsMasterKeyId"] == "alias/aws/sqs"
    assert attributes["KmsDataKeyReusePeriodSeconds"] == "300"
    assert attributes["SqsManagedSseEnabled"] == "false"


def test_purge_queue_drops_every_message_and_waits_60_seconds_before_the_next(time_travel, sqs):
    time_travel.freeze()
    url = sqs.create_queue(QueueName="purged")["QueueUrl"]
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    sqs.receive_message(QueueUrl=url)
    sqs.purge_queue(QueueUrl=url)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "0"

    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as error:
        sqs.purge_queue(QueueUrl=url)
    assert _code(error) == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    time_travel.advance(60)
    sqs.purge_queue(QueueUrl=url)


def test_tags_on_create_tag_untag_and_list(sqs):
    url = sqs.create_queue(QueueName="tagged", tags={"team": "a", "env": "test"})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"team": "b", "cost": "1"})
    sqs.untag_queue(QueueUrl=url, TagKeys=["env", "absent"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "b", "cost": "1"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "cost"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)


def test_more_than_50_tags_are_refused(sqs):
    url = sqs.create_queue(QueueName="many-tags")["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={f"k{i}": "v" for i in range(50)})
    with pytest.raises(ClientError) as error:
        sqs.tag_queue(QueueUrl=url, Tags={"one-more": "v"})
    assert _code(error) == "InvalidParameterValue"


def test_add_and_remove_permission_edit_the_policy(sqs):
    url = sqs.create_queue(QueueName="shared")["QueueUrl"]
    sqs.add_permission(
        QueueUrl=url,
        Label="reader",
        AWSAccountIds=["111111111111"],
        Actions=["ReceiveMessage", "DeleteMessage"],
    )
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    (statement,) = policy["Statement"]
    assert statement["Sid"] == "reader"
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    assert statement["Action"] == ["SQS:ReceiveMessage", "SQS:DeleteMessage"]
    assert statement["Resource"] == "arn:aws:sqs:us-east-1:123456789012:shared"

    with pytest.raises(ClientError) as error:
        sqs.add_permission(
            QueueUrl=url, Label="reader", AWSAccountIds=["1"], Actions=["SendMessage"]
        )
    assert _code(error) == "InvalidParameterValue"

    sqs.remove_permission(QueueUrl=url, Label="reader")
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
    with pytest.raises(ClientError) as error:
        sqs.remove_permission(QueueUrl=url, Label="reader")
    assert _code(error) == "InvalidParameterValue"


def test_add_permission_limits_actions(sqs):
    url = sqs.create_queue(QueueName="limits")["QueueUrl"]
    with pytest.raises(sqs.exceptions.OverLimit) as error:
        sqs.add_permission(
            QueueUrl=url,
            Label="many",
            AWSAccountIds=["111111111111"],
            Actions=["SendMessage"] * 8,
        )
    assert _code(error) == "OverLimit"
    with pytest.raises(ClientError) as error:
        sqs.add_permission(
            QueueUrl=url, Label="bad", AWSAccountIds=["111111111111"], Actions=["Explode"]
        )
    assert _code(error) == "InvalidParameterValue"


@pytest.mark.parametrize("statement", [5, {"Sid": "x"}, "text"])
def test_permissions_on_an_odd_hand_written_policy_never_fail_the_server(sqs, statement):
    url = sqs.create_queue(QueueName="odd")["QueueUrl"]
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": json.dumps({"Statement": statement})}
    )
    sqs.add_permission(QueueUrl=url, Label="p", AWSAccountIds=["111111111111"], Actions=["*"])
    sqs.remove_permission(QueueUrl=url, Label="p")
    with pytest.raises(ClientError):
        sqs.remove_permission(QueueUrl=url, Label="p")


def test_fifo_queue_false_on_a_standard_queue_is_refused(sqs):
    """SQS knows no FifoQueue attribute on a queue whose name lacks .fifo, whatever its value."""
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="plain", Attributes={"FifoQueue": "false"})
    assert error.value.response["Error"]["Code"] == "InvalidAttributeName"
    assert error.value.response["Error"]["Message"] == "Unknown Attribute FifoQueue."
