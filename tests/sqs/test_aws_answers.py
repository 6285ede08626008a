"""Issue 15: where the fake answered otherwise than AWS, each checked in both protocols.

Every test here runs once with boto3 (JSON 1.0) and once with signed query-protocol forms
(``wire`` fixture); the facts are AWS's recorded answers (see ``aws_errors.py`` for sources).
"""

from __future__ import annotations

import json

import pytest
import requests

MAX = 1_048_576
ATTRS = {"DataType": "String", "StringValue": "v"}


@pytest.fixture
def url(wire):
    return wire.queue_url("q")


@pytest.fixture
def fifo(wire):
    return wire.queue_url("q.fifo", Attributes={"FifoQueue": "true"})


# -- 1. size limits ----------------------------------------------------------------------


def test_a_message_of_exactly_the_maximum_size_is_accepted(wire, url):
    wire.ok("SendMessage", QueueUrl=url, MessageBody="a" * MAX)
    (message,) = wire.messages(wire.ok("ReceiveMessage", QueueUrl=url))
    assert len(message["Body"]) == MAX


def test_a_message_one_byte_over_is_invalid_parameter_value(wire, url):
    answer = wire("SendMessage", QueueUrl=url, MessageBody="a" * (MAX + 1))
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")
    assert answer.message == (
        "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes."
    )


def test_the_size_counts_message_attributes_not_system_attributes(wire, url):
    body = "a" * (MAX - len("k") - len("String") - len("v"))
    trace = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1"}}
    wire.ok(
        "SendMessage",
        QueueUrl=url,
        MessageBody=body,
        MessageAttributes={"k": ATTRS},
        MessageSystemAttributes=trace,
    )
    answer = wire(
        "SendMessage", QueueUrl=url, MessageBody=body + "a", MessageAttributes={"k": ATTRS}
    )
    assert answer.code == "InvalidParameterValue"


def test_a_batch_over_the_limit_is_refused_with_the_bytes_sent(wire, url):
    entries = [{"Id": "a", "MessageBody": "a" * 600_000}, {"Id": "b", "MessageBody": "b" * 600_000}]
    answer = wire("SendMessageBatch", QueueUrl=url, Entries=entries)
    assert (answer.status, answer.code) == (400, "AWS.SimpleQueueService.BatchRequestTooLong")
    assert answer.message == (
        "Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes."
    )


def test_a_body_beyond_the_request_cap_is_still_sqs_own_error(query):
    """Past what the fake reads (5 MiB), the query form's Action is found at its head."""
    url = query("CreateQueue", QueueName="q").one("QueueUrl")
    answer = query("SendMessage", QueueUrl=url, MessageBody="a" * (6 * MAX))
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")


# -- 2. empty lists in the query protocol, and the members MissingParameter names ---------


@pytest.mark.parametrize(
    ("action", "entry"),
    [
        ("SendMessageBatch", "SendMessageBatchRequestEntry"),
        ("DeleteMessageBatch", "DeleteMessageBatchRequestEntry"),
        ("ChangeMessageVisibilityBatch", "ChangeMessageVisibilityBatchRequestEntry"),
    ],
)
def test_an_empty_batch_is_empty_batch_request(wire, url, action, entry):
    answer = wire(action, QueueUrl=url, Entries=[])
    assert (answer.status, answer.code) == (400, "AWS.SimpleQueueService.EmptyBatchRequest")
    assert answer.message == f"There should be at least one {entry} in the request."


def test_an_empty_list_of_tag_keys_is_refused_as_aws_does(wire, url):
    answer = wire("UntagQueue", QueueUrl=url, TagKeys=[])
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")
    assert answer.message == "Tag keys must be between 1 and 128 characters in length."
    answer = wire("UntagQueue", QueueUrl=url, TagKeys=[""])
    assert answer.message == "Tag keys must be between 1 and 128 characters in length."


@pytest.mark.parametrize(
    ("action", "params", "member"),
    [
        ("AddPermission", {"Label": "l", "AWSAccountIds": ["111111111111"]}, "Actions"),
        ("AddPermission", {"Label": "l", "Actions": ["SendMessage"]}, "AWSAccountIds"),
        ("AddPermission", {"Label": "l", "AWSAccountIds": [], "Actions": ["*"]}, "AWSAccountIds"),
        ("AddPermission", {"Label": "l", "AWSAccountIds": ["1"], "Actions": []}, "Actions"),
        ("UntagQueue", {}, "TagKeys"),
        ("TagQueue", {}, "Tags"),
    ],
)
def test_missing_parameter_names_the_api_member(wire, url, action, params, member):
    answer = wire(action, QueueUrl=url, **params)
    assert (answer.status, answer.code) == (400, "MissingParameter")
    assert answer.message == f"The request must contain the parameter {member}."


# -- 3. FIFO batch rules fail the whole request ------------------------------------------


def test_a_fifo_batch_entry_without_group_fails_the_request(wire, fifo):
    entries = [
        {"Id": "a", "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
        {"Id": "b", "MessageBody": "y", "MessageDeduplicationId": "2"},
    ]
    answer = wire("SendMessageBatch", QueueUrl=fifo, Entries=entries)
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")
    assert answer.message == "The request must contain the parameter MessageGroupId."
    assert wire.messages(wire.ok("ReceiveMessage", QueueUrl=fifo)) == []


def test_a_fifo_batch_entry_without_dedup_id_fails_the_request(wire, fifo):
    entries = [{"Id": "a", "MessageBody": "x", "MessageGroupId": "g"}]
    answer = wire("SendMessageBatch", QueueUrl=fifo, Entries=entries)
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")
    assert answer.message == (
        "The queue should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly"
    )


# -- 5. attribute name wildcards -----------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Hel.*"], ["Hello", "Help.Me"]),
        ([".*"], ["General", "Hello", "Help.Me"]),
        (["*"], ["General", "Hello", "Help.Me"]),
        (["All"], ["General", "Hello", "Help.Me"]),
        (["Foo", "Hello"], ["Hello"]),
        (["Help"], []),
    ],
)
def test_message_attribute_names_select_as_aws_does(wire, url, names, expected):
    attributes = {"Help.Me": ATTRS, "Hello": ATTRS, "General": ATTRS}
    wire.ok("SendMessage", QueueUrl=url, MessageBody="m", MessageAttributes=attributes)
    received = wire.ok("ReceiveMessage", QueueUrl=url, MessageAttributeNames=names)
    (message,) = wire.messages(received)
    assert message["MessageAttributes"] == expected


# -- 6. AddPermission wording --------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("RemovePermission", "Only the queue owner is allowed to invoke this action."),
        ("Explode", "Please refer to the appropriate WSDL for a list of valid actions."),
    ],
)
def test_an_action_add_permission_cannot_grant_is_quoted_with_sqs_prefix(wire, url, action, reason):
    answer = wire(
        "AddPermission", QueueUrl=url, Label="l", AWSAccountIds=["111111111111"], Actions=[action]
    )
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")
    assert answer.message == (
        f"Value SQS:{action} for parameter ActionName is invalid. Reason: {reason}"
    )


# -- 7. tags ------------------------------------------------------------------------------


def test_tag_queue_with_no_tags_is_missing_parameter(wire, url):
    answer = wire("TagQueue", QueueUrl=url, Tags={})
    assert (answer.status, answer.code) == (400, "MissingParameter")
    assert answer.message == "The request must contain the parameter Tags."


def test_more_than_50_tags_names_the_queue_and_changes_nothing(wire, url):
    wire.ok("TagQueue", QueueUrl=url, Tags={"kept": "1"})
    answer = wire("TagQueue", QueueUrl=url, Tags={f"k{i}": "v" for i in range(51)})
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")
    assert answer.message == "Too many tags added for queue q."
    assert wire.tags(wire.ok("ListQueueTags", QueueUrl=url)) == {"kept": "1"}


# -- 8. more recorded answers ----------------------------------------------------------------


def test_message_attribute_names_may_have_letters_of_any_script(wire, url):
    wire.ok("SendMessage", QueueUrl=url, MessageBody="m", MessageAttributes={"attr.1øßä": ATTRS})
    (message,) = wire.messages(
        wire.ok("ReceiveMessage", QueueUrl=url, MessageAttributeNames=["All"])
    )
    assert message["MessageAttributes"] == ["attr.1øßä"]


def test_invalid_characters_in_an_attribute_value_are_invalid_parameter_value(wire, url):
    value = {"DataType": "String", "StringValue": "bad \x01"}
    answer = wire("SendMessage", QueueUrl=url, MessageBody="m", MessageAttributes={"a": value})
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")


def test_an_empty_string_attribute_is_worded_as_aws_words_it(wire, url):
    value = {"DataType": "String", "StringValue": ""}
    answer = wire(
        "SendMessage", QueueUrl=url, MessageBody="m", MessageAttributes={"ErrorDetails": value}
    )
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")
    assert answer.message == (
        "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."
    )


def test_removing_the_kms_key_removes_its_reuse_period(wire, url):
    wire.ok(
        "SetQueueAttributes",
        QueueUrl=url,
        Attributes={"KmsMasterKeyId": "testKeyId", "KmsDataKeyReusePeriodSeconds": "6000"},
    )
    shown = wire.attributes(wire.ok("GetQueueAttributes", QueueUrl=url, AttributeNames=["All"]))
    assert shown["KmsDataKeyReusePeriodSeconds"] == "6000"
    wire.ok(
        "SetQueueAttributes",
        QueueUrl=url,
        Attributes={"KmsMasterKeyId": "", "KmsDataKeyReusePeriodSeconds": "300"},
    )
    shown = wire.attributes(wire.ok("GetQueueAttributes", QueueUrl=url, AttributeNames=["All"]))
    assert "KmsMasterKeyId" not in shown
    assert "KmsDataKeyReusePeriodSeconds" not in shown
    assert shown["SqsManagedSseEnabled"] == "false"


def test_policies_keep_their_version_and_add_permission_writes_2008_10_17(wire, url):
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}
    wire.ok("SetQueueAttributes", QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    shown = wire.attributes(wire.ok("GetQueueAttributes", QueueUrl=url, AttributeNames=["Policy"]))
    assert json.loads(shown["Policy"])["Version"] == "2012-10-17"

    other = wire.queue_url("other")
    wire.ok(
        "AddPermission", QueueUrl=other, Label="l", AWSAccountIds=["111111111111"], Actions=["*"]
    )
    shown = wire.attributes(
        wire.ok("GetQueueAttributes", QueueUrl=other, AttributeNames=["Policy"])
    )
    assert json.loads(shown["Policy"])["Version"] == "2008-10-17"


def test_the_x_ray_header_is_kept_as_aws_trace_header(wire, url, query):
    trace = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"
    if wire.protocol == "json":

        def add_header(request, **_kwargs):
            request.headers["X-Amzn-Trace-Id"] = trace

        wire.unvalidated.meta.events.register("before-send.sqs.SendMessage", add_header)
        wire.ok("SendMessage", QueueUrl=url, MessageBody="m")
        wire.unvalidated.meta.events.unregister("before-send.sqs.SendMessage", add_header)
    else:
        sent = query(
            "SendMessage", QueueUrl=url, MessageBody="m", headers={"X-Amzn-Trace-Id": trace}
        )
        assert sent.status == 200
        assert sent.all("MD5OfMessageSystemAttributes") == []
    received = wire.ok("ReceiveMessage", QueueUrl=url, AttributeNames=["AWSTraceHeader"])
    (message,) = wire.messages(received)
    assert message["Attributes"] == {"AWSTraceHeader": trace}


@pytest.mark.parametrize("seconds", [21, -1])
def test_wait_time_seconds_out_of_range_is_worded_as_aws_words_it(wire, url, seconds):
    answer = wire("ReceiveMessage", QueueUrl=url, WaitTimeSeconds=seconds)
    assert (answer.status, answer.code) == (400, "InvalidParameterValue")
    assert answer.message == (
        f"Value {seconds} for parameter WaitTimeSeconds is invalid. "
        "Reason: Must be >= 0 and <= 20, if provided."
    )


def test_a_json_batch_answer_leaves_out_an_empty_failed_list(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sent = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x"}])
    assert "Failed" not in sent
    assert [entry["Id"] for entry in sent["Successful"]] == ["a"]


def test_a_query_request_asking_for_json_gets_json(query):
    query("CreateQueue", QueueName="q")
    answer = query.raw(
        {"Action": "ListQueues", "Version": "2012-11-05"}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200
    document = answer.json()
    result = document["ListQueuesResponse"]["ListQueuesResult"]
    assert result["QueueUrls"] == [f"{query.url}/123456789012/q"]
    assert document["ListQueuesResponse"]["ResponseMetadata"]["RequestId"]

    error = query.raw(
        {"Action": "GetQueueUrl", "Version": "2012-11-05", "QueueName": "missing"},
        headers={"Accept": "application/json"},
    )
    assert error.status_code == 400
    assert error.json()["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


@pytest.mark.parametrize("action", ["CreateQueue", "ListQueues"])
def test_queue_wide_actions_sent_to_a_queue_url_are_invalid_action(query, action):
    url = query("CreateQueue", QueueName="q").one("QueueUrl")
    answer = query(action, url=url, QueueName="other")
    assert (answer.status, answer.code) == (400, "InvalidAction")
    assert answer.one("Message") == f"The action {action} is not valid for this endpoint."


def test_a_get_of_a_queue_url_without_action_is_an_unknown_operation(query):
    url = query("CreateQueue", QueueName="q").one("QueueUrl")
    answer = requests.get(url, headers={"Accept": "application/json"}, timeout=10)
    assert answer.status_code == 404
    assert answer.text == "<UnknownOperationException/>"


# -- 9. smaller ones ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["true", "false"])
def test_fifo_queue_on_a_name_without_fifo_suffix_is_an_unknown_attribute(wire, value):
    answer = wire("CreateQueue", QueueName="plain", Attributes={"FifoQueue": value})
    assert (answer.status, answer.code) == (400, "InvalidAttributeName")
    assert answer.message == "Unknown Attribute FifoQueue."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ContentBasedDeduplication", "Unknown Attribute ContentBasedDeduplication."),
        (
            "DeduplicationScope",
            "You can specify the DeduplicationScope only when FifoQueue is set to true.",
        ),
        (
            "FifoThroughputLimit",
            "You can specify the FifoThroughputLimit only when FifoQueue is set to true.",
        ),
        ("VisibilityTimeout ", "Unknown Attribute VisibilityTimeout ."),
    ],
)
def test_fifo_attributes_on_a_standard_queue_are_invalid_names(wire, name, message):
    value = {"ContentBasedDeduplication": "false", "DeduplicationScope": "queue"}.get(
        name, "perQueue" if name == "FifoThroughputLimit" else "5"
    )
    answer = wire("CreateQueue", QueueName="plain", Attributes={name: value})
    assert (answer.status, answer.code) == (400, "InvalidAttributeName")
    assert answer.message == message


def test_an_empty_body_in_a_batch_entry_is_empty_value(wire, url):
    entries = [{"Id": "a", "MessageBody": "x"}, {"Id": "b", "MessageBody": ""}]
    answer = wire.ok("SendMessageBatch", QueueUrl=url, Entries=entries)
    assert wire.failed(answer) == [("b", "EmptyValue")]
