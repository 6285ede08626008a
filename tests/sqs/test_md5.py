"""The checksums SDKs verify, against the published test vectors and through boto3."""

from __future__ import annotations

import hashlib

from pytest_mimic.services.sqs.md5 import AttributeValue, attributes_md5, body_md5


def test_body_md5_is_the_md5_of_the_utf8_body():
    assert body_md5("hello") == "5d41402abc4b2a76b9719d911017c592"
    assert body_md5("héllo ☃") == hashlib.md5("héllo ☃".encode()).hexdigest()


def test_one_string_attribute_vector():
    assert attributes_md5({"a": AttributeValue("String", "v")}) == (
        "a18cbb58171ebf4ce88d9fb787f9210b"
    )


def test_number_and_binary_attributes_vector_is_independent_of_order():
    attributes = {
        "n": AttributeValue("Number", "1"),
        "b": AttributeValue("Binary", binary_value=b"\x00\x01"),
    }
    assert attributes_md5(attributes) == "6d3e0b67e05bf94ede72102c4dc09565"
    assert attributes_md5(dict(reversed(attributes.items()))) == (
        "6d3e0b67e05bf94ede72102c4dc09565"
    )


def test_no_attributes_means_no_digest():
    assert attributes_md5({}) is None


def test_list_values_use_their_own_transport_bytes():
    strings = attributes_md5({"l": AttributeValue("String", string_list=("a", "b"))})
    binaries = attributes_md5({"l": AttributeValue("String", binary_list=(b"a", b"b"))})
    assert strings != binaries
    assert len({strings, binaries, attributes_md5({"l": AttributeValue("String", "ab")})}) == 3


def test_boto3_gets_the_vectors_on_send_and_receive(sqs):
    url = sqs.create_queue(QueueName="md5")["QueueUrl"]
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="hello",
        MessageAttributes={
            "n": {"DataType": "Number", "StringValue": "1"},
            "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    assert sent["MD5OfMessageBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert sent["MD5OfMessageAttributes"] == "6d3e0b67e05bf94ede72102c4dc09565"

    (message,) = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert message["MD5OfBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert message["MD5OfMessageAttributes"] == "6d3e0b67e05bf94ede72102c4dc09565"


def test_receive_digest_covers_only_the_attributes_returned(sqs):
    url = sqs.create_queue(QueueName="md5-filter")["QueueUrl"]
    sqs.send_message(
        QueueUrl=url,
        MessageBody="hello",
        MessageAttributes={
            "a": {"DataType": "String", "StringValue": "v"},
            "other": {"DataType": "String", "StringValue": "x"},
        },
    )
    (message,) = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["a"])["Messages"]
    assert message["MessageAttributes"] == {"a": {"DataType": "String", "StringValue": "v"}}
    assert message["MD5OfMessageAttributes"] == "a18cbb58171ebf4ce88d9fb787f9210b"


def test_system_attributes_digest_is_returned_on_send(sqs):
    url = sqs.create_queue(QueueName="md5-system")["QueueUrl"]
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="hello",
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "t"}},
    )
    expected = attributes_md5({"AWSTraceHeader": AttributeValue("String", "t")})
    assert sent["MD5OfMessageSystemAttributes"] == expected
