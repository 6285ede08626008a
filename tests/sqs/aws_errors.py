"""The SQS errors checked against AWS's own answers: what was compared, and where it comes from.

Each case is one request (JSON-shaped parameters; ``{queue}`` and ``{fifo}`` stand for a
standard queue ``q`` and a FIFO queue ``q.fifo``), optionally after some calls, and the
answer AWS gave: HTTP status, legacy error code (botocore's ``Error.Code``, the query
protocol's ``<Code>``) and message. ``test_aws_errors.py`` sends each through both
protocols.

Sources, by tag:

- ``ls``: LocalStack's AWS-validated snapshots (``tests/aws/services/sqs/test_sqs.snapshot.json``
  and ``test_sqs.py``, recorded against AWS in both protocols);
- ``moto-aws``: moto's tests marked ``aws_verified`` (run against AWS);
- ``moto``: moto's tests that were not run against AWS, kept where the issue (15) or the
  API reference agrees;
- ``ref``: the SQS API reference.

Checked and found already right before issue 15: the unknown-queue errors, batch id
rules, TooManyEntries, MaxNumberOfMessages, FIFO DelaySeconds, FIFO id formats,
QueueAlreadyExists, PurgeQueueInProgress, Label already exists, OverLimit. Fixed with it:
the rest (message-size wording, WaitTimeSeconds wording, empty query lists, FIFO batch
rules, FIFO attributes on standard queues, tag and permission wording, empty attribute
values).

Not in the table because they need a clock or an earlier receive the table cannot express
(tested elsewhere): an expired FIFO receipt handle ("The receipt handle has expired.",
``ls``), a ChangeMessageVisibility beyond 12 hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_PREFIX = "AWS.SimpleQueueService."
_NO_QUEUE = "The specified queue does not exist."
_BATCH_ID = (
    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
    "It can be at most 80 letters long."
)
_FIFO_ID = "can only include alphanumeric and punctuation characters. 1 to 128 in length."
_DEDUP = (
    "The queue should either have ContentBasedDeduplication enabled or "
    "MessageDeduplicationId provided explicitly"
)
_PERMISSION = {"Label": "p", "AWSAccountIds": ["111111111111"], "Actions": ["SendMessage"]}


@dataclass(frozen=True)
class Case:
    """One request and AWS's answer to it."""

    id: str
    action: str
    params: dict[str, Any]
    status: int
    code: str
    message: str
    source: str
    before: tuple[tuple[str, dict[str, Any]], ...] = field(default=())
    #: The query protocol's wording where it differs.
    query_message: str | None = None


CASES: tuple[Case, ...] = (
    # -- queues ------------------------------------------------------------------------
    Case(
        "get-queue-url-unknown",
        "GetQueueUrl",
        {"QueueName": "missing"},
        400,
        _PREFIX + "NonExistentQueue",
        _NO_QUEUE,
        "ls test_non_existent_queue; moto-aws test_get_queue_url_error_not_exists",
        query_message="The specified queue does not exist for this wsdl version.",
    ),
    Case(
        "delete-queue-unknown",
        "DeleteQueue",
        {"QueueUrl": "{queue}-missing"},
        400,
        _PREFIX + "NonExistentQueue",
        _NO_QUEUE,
        "moto-aws test_delete_queue_error_not_exists",
        query_message="The specified queue does not exist for this wsdl version.",
    ),
    Case(
        "tag-unknown-queue",
        "TagQueue",
        {"QueueUrl": "{queue}-missing", "Tags": {"t": "v"}},
        400,
        _PREFIX + "NonExistentQueue",
        _NO_QUEUE,
        "moto-aws test_tag_unknown_queue",
        query_message="The specified queue does not exist for this wsdl version.",
    ),
    Case(
        "create-queue-different-attribute",
        "CreateQueue",
        {"QueueName": "q", "Attributes": {"DelaySeconds": "5"}},
        400,
        "QueueAlreadyExists",
        "A queue already exists with the same name and a different value for attribute "
        "DelaySeconds",
        "ls test_create_queue_with_different_attributes_raises_exception",
    ),
    Case(
        "create-standard-fifo-queue-false",
        "CreateQueue",
        {"QueueName": "plain", "Attributes": {"FifoQueue": "false"}},
        400,
        "InvalidAttributeName",
        "Unknown Attribute FifoQueue.",
        "ls test_create_standard_queue_with_fifo_attribute_raises_error",
    ),
    Case(
        "create-standard-content-based-deduplication",
        "CreateQueue",
        {"QueueName": "plain", "Attributes": {"ContentBasedDeduplication": "false"}},
        400,
        "InvalidAttributeName",
        "Unknown Attribute ContentBasedDeduplication.",
        "ls test_create_standard_queue_with_fifo_attribute_raises_error",
    ),
    Case(
        "create-standard-deduplication-scope",
        "CreateQueue",
        {"QueueName": "plain", "Attributes": {"DeduplicationScope": "queue"}},
        400,
        "InvalidAttributeName",
        "You can specify the DeduplicationScope only when FifoQueue is set to true.",
        "ls test_create_standard_queue_with_fifo_attribute_raises_error",
    ),
    Case(
        "create-standard-throughput-limit",
        "CreateQueue",
        {"QueueName": "plain", "Attributes": {"FifoThroughputLimit": "perQueue"}},
        400,
        "InvalidAttributeName",
        "You can specify the FifoThroughputLimit only when FifoQueue is set to true.",
        "ls test_create_standard_queue_with_fifo_attribute_raises_error",
    ),
    Case(
        "set-standard-fifo-queue",
        "SetQueueAttributes",
        {"QueueUrl": "{queue}", "Attributes": {"FifoQueue": "true"}},
        400,
        "InvalidAttributeName",
        "Unknown Attribute FifoQueue.",
        "ls test_set_unsupported_attribute_standard",
    ),
    Case(
        "purge-twice",
        "PurgeQueue",
        {"QueueUrl": "{queue}"},
        403,
        _PREFIX + "PurgeQueueInProgress",
        "Only one PurgeQueue operation on q is allowed every 60 seconds.",
        "ls test_successive_purge_calls_fail",
        before=(("PurgeQueue", {"QueueUrl": "{queue}"}),),
    ),
    # -- sending -----------------------------------------------------------------------
    Case(
        "send-empty-body",
        "SendMessage",
        {"QueueUrl": "{queue}", "MessageBody": ""},
        400,
        "MissingParameter",
        "The request must contain the parameter MessageBody.",
        "ls test_send_empty_message",
    ),
    Case(
        "send-oversized",
        "SendMessage",
        {"QueueUrl": "{queue}", "MessageBody": "a" * 1_048_577},
        400,
        "InvalidParameterValue",
        "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.",
        "ls test_send_oversized_message; issue 15 point 1",
    ),
    Case(
        "send-over-queue-maximum",
        "SendMessage",
        {"QueueUrl": "{queue}", "MessageBody": "a" * 1025},
        400,
        "InvalidParameterValue",
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
        "ls test_send_message_with_updated_maximum_message_size",
        before=(
            (
                "SetQueueAttributes",
                {"QueueUrl": "{queue}", "Attributes": {"MaximumMessageSize": "1024"}},
            ),
        ),
    ),
    Case(
        "send-empty-string-attribute",
        "SendMessage",
        {
            "QueueUrl": "{queue}",
            "MessageBody": "test",
            "MessageAttributes": {"ErrorDetails": {"StringValue": "", "DataType": "String"}},
        },
        400,
        "InvalidParameterValue",
        "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
        "ls test_send_message_with_empty_string_attribute",
    ),
    Case(
        "send-group-id-with-space",
        "SendMessage",
        {"QueueUrl": "{queue}", "MessageBody": "x", "MessageGroupId": "group 123"},
        400,
        "InvalidParameterValue",
        f"Value group 123 for parameter MessageGroupId is invalid. Reason: MessageGroupId "
        f"{_FIFO_ID}",
        "ls test_send_message_to_standard_queue_with_invalid_message_group_id[spaces]",
    ),
    Case(
        "send-empty-group-id",
        "SendMessage",
        {"QueueUrl": "{queue}", "MessageBody": "x", "MessageGroupId": ""},
        400,
        "InvalidParameterValue",
        f"Value  for parameter MessageGroupId is invalid. Reason: MessageGroupId {_FIFO_ID}",
        "ls test_send_message_to_standard_queue_with_invalid_message_group_id[empty]",
    ),
    Case(
        "send-fifo-dedup-id-with-space",
        "SendMessage",
        {
            "QueueUrl": "{fifo}",
            "MessageBody": "x",
            "MessageGroupId": "g",
            "MessageDeduplicationId": "group 123",
        },
        400,
        "InvalidParameterValue",
        f"Value group 123 for parameter MessageDeduplicationId is invalid. Reason: "
        f"MessageDeduplicationId {_FIFO_ID}",
        "ls test_message_deduplication_id_invalid[spaces]",
    ),
    Case(
        "send-fifo-without-group",
        "SendMessage",
        {"QueueUrl": "{fifo}", "MessageBody": "x", "MessageDeduplicationId": "1"},
        400,
        "MissingParameter",
        "The request must contain the parameter MessageGroupId.",
        "ls test_posting_to_fifo_requires_deduplicationid_group_id",
    ),
    Case(
        "send-fifo-without-dedup",
        "SendMessage",
        {"QueueUrl": "{fifo}", "MessageBody": "x", "MessageGroupId": "g"},
        400,
        "InvalidParameterValue",
        _DEDUP,
        "ls test_posting_to_fifo_requires_deduplicationid_group_id",
    ),
    Case(
        "send-fifo-with-delay",
        "SendMessage",
        {
            "QueueUrl": "{fifo}",
            "MessageBody": "x",
            "MessageGroupId": "g",
            "MessageDeduplicationId": "1",
            "DelaySeconds": 2,
        },
        400,
        "InvalidParameterValue",
        "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter "
        "that is not valid for this queue type.",
        "ls test_fifo_queue_send_message_with_delay_seconds_fails",
    ),
    # -- batches -----------------------------------------------------------------------
    Case(
        "send-batch-empty",
        "SendMessageBatch",
        {"QueueUrl": "{queue}", "Entries": []},
        400,
        _PREFIX + "EmptyBatchRequest",
        "There should be at least one SendMessageBatchRequestEntry in the request.",
        "moto-aws test_send_message_batch_errors; issue 15 point 2",
    ),
    Case(
        "delete-batch-empty",
        "DeleteMessageBatch",
        {"QueueUrl": "{queue}", "Entries": []},
        400,
        _PREFIX + "EmptyBatchRequest",
        "There should be at least one DeleteMessageBatchRequestEntry in the request.",
        "moto-aws test_delete_message_batch_with_zero_entries",
    ),
    Case(
        "change-visibility-batch-empty",
        "ChangeMessageVisibilityBatch",
        {"QueueUrl": "{queue}", "Entries": []},
        400,
        _PREFIX + "EmptyBatchRequest",
        "There should be at least one ChangeMessageVisibilityBatchRequestEntry in the request.",
        "issue 15 point 2 (the same rule as the other two batches)",
    ),
    Case(
        "send-batch-empty-id",
        "SendMessageBatch",
        {"QueueUrl": "{queue}", "Entries": [{"Id": "", "MessageBody": "b"}]},
        400,
        _PREFIX + "InvalidBatchEntryId",
        _BATCH_ID,
        "moto-aws test_send_message_batch_errors",
    ),
    Case(
        "send-batch-punctuation-id",
        "SendMessageBatch",
        {"QueueUrl": "{queue}", "Entries": [{"Id": ".!@#$%^&*()+=", "MessageBody": "b"}]},
        400,
        _PREFIX + "InvalidBatchEntryId",
        _BATCH_ID,
        "moto-aws test_send_message_batch_errors; ls test_invalid_batch_id",
    ),
    Case(
        "send-batch-long-id",
        "SendMessageBatch",
        {"QueueUrl": "{queue}", "Entries": [{"Id": "i" * 81, "MessageBody": "b"}]},
        400,
        _PREFIX + "InvalidBatchEntryId",
        _BATCH_ID,
        "moto-aws test_send_message_batch_errors",
    ),
    Case(
        "send-batch-too-long",
        "SendMessageBatch",
        {"QueueUrl": "{queue}", "Entries": [{"Id": "id_1", "MessageBody": "b" * 1_048_577}]},
        400,
        _PREFIX + "BatchRequestTooLong",
        "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.",
        "moto-aws test_send_message_batch_errors; "
        "ls test_send_message_batch_with_oversized_contents",
    ),
    Case(
        "send-batch-repeated-id",
        "SendMessageBatch",
        {
            "QueueUrl": "{queue}",
            "Entries": [
                {"Id": "id_1", "MessageBody": "body_1"},
                {"Id": "id_2", "MessageBody": "body_2"},
                {"Id": "id_2", "MessageBody": "body_2"},
                {"Id": "id_1", "MessageBody": "body_1"},
            ],
        },
        400,
        _PREFIX + "BatchEntryIdsNotDistinct",
        "Id id_2 repeated.",
        "moto-aws test_send_message_batch_errors",
    ),
    Case(
        "send-batch-eleven",
        "SendMessageBatch",
        {
            "QueueUrl": "{queue}",
            "Entries": [{"Id": f"id_{i}", "MessageBody": f"body_{i}"} for i in range(11)],
        },
        400,
        _PREFIX + "TooManyEntriesInBatchRequest",
        "Maximum number of entries per request are 10. You have sent 11.",
        "moto-aws test_send_message_batch_errors; ls test_too_many_entries_in_batch_request",
    ),
    Case(
        "send-batch-fifo-without-group",
        "SendMessageBatch",
        {
            "QueueUrl": "{fifo}",
            "Entries": [{"Id": "a", "MessageBody": "x", "MessageDeduplicationId": "1"}],
        },
        400,
        "InvalidParameterValue",
        "The request must contain the parameter MessageGroupId.",
        "ls test_send_batch_missing_message_group_id_for_fifo_queue; issue 15 point 3",
    ),
    Case(
        "send-batch-fifo-without-dedup",
        "SendMessageBatch",
        {"QueueUrl": "{fifo}", "Entries": [{"Id": "a", "MessageBody": "x", "MessageGroupId": "g"}]},
        400,
        "InvalidParameterValue",
        _DEDUP,
        "ls test_send_batch_missing_deduplication_id_for_fifo_queue; issue 15 point 3",
    ),
    # -- receiving -----------------------------------------------------------------------
    Case(
        "receive-eleven",
        "ReceiveMessage",
        {"QueueUrl": "{queue}", "MaxNumberOfMessages": 11},
        400,
        "InvalidParameterValue",
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and "
        "10, if provided.",
        "ls test_send_receive_max_number_of_messages",
    ),
    Case(
        "receive-wait-21",
        "ReceiveMessage",
        {"QueueUrl": "{queue}", "WaitTimeSeconds": 21},
        400,
        "InvalidParameterValue",
        "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if "
        "provided.",
        "ls test_send_receive_wait_time_seconds",
    ),
    Case(
        "receive-wait-negative",
        "ReceiveMessage",
        {"QueueUrl": "{queue}", "WaitTimeSeconds": -1},
        400,
        "InvalidParameterValue",
        "Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if "
        "provided.",
        "ls test_send_receive_wait_time_seconds",
    ),
    # -- tags and permissions -------------------------------------------------------------
    Case(
        "tag-nothing",
        "TagQueue",
        {"QueueUrl": "{queue}", "Tags": {}},
        400,
        "MissingParameter",
        "The request must contain the parameter Tags.",
        "moto test_tag_queue_errors; issue 15 points 2 and 7",
    ),
    Case(
        "tag-51",
        "TagQueue",
        {"QueueUrl": "{queue}", "Tags": {f"k{i}": "v" for i in range(51)}},
        400,
        "InvalidParameterValue",
        "Too many tags added for queue q.",
        "moto test_tag_queue_errors; issue 15 point 7",
    ),
    Case(
        "untag-nothing",
        "UntagQueue",
        {"QueueUrl": "{queue}", "TagKeys": []},
        400,
        "InvalidParameterValue",
        "Tag keys must be between 1 and 128 characters in length.",
        "moto test_untag_queue_errors; issue 15 point 2",
    ),
    Case(
        "add-permission-label-exists",
        "AddPermission",
        {"QueueUrl": "{queue}", **_PERMISSION},
        400,
        "InvalidParameterValue",
        "Value p for parameter Label is invalid. Reason: Already exists.",
        "ls test_sqs_permission_lifecycle",
        before=(("AddPermission", {"QueueUrl": "{queue}", **_PERMISSION}),),
    ),
    Case(
        "add-permission-owner-action",
        "AddPermission",
        {"QueueUrl": "{queue}", **_PERMISSION, "Actions": ["RemovePermission"]},
        400,
        "InvalidParameterValue",
        "Value SQS:RemovePermission for parameter ActionName is invalid. Reason: Only the "
        "queue owner is allowed to invoke this action.",
        "moto test_add_permission_errors; issue 15 point 6",
    ),
    Case(
        "add-permission-no-actions",
        "AddPermission",
        {"QueueUrl": "{queue}", **_PERMISSION, "Actions": []},
        400,
        "MissingParameter",
        "The request must contain the parameter Actions.",
        "moto test_add_permission_errors; issue 15 point 2",
    ),
    Case(
        "add-permission-eight-actions",
        "AddPermission",
        {
            "QueueUrl": "{queue}",
            **_PERMISSION,
            "Actions": [
                "ChangeMessageVisibility",
                "DeleteMessage",
                "GetQueueAttributes",
                "GetQueueUrl",
                "ListDeadLetterSourceQueues",
                "PurgeQueue",
                "ReceiveMessage",
                "SendMessage",
            ],
        },
        403,
        "OverLimit",
        "8 Actions were found, maximum allowed is 7.",
        "moto test_add_permission_errors; ref AddPermission (at most 7 actions)",
    ),
    Case(
        "remove-permission-unknown-label",
        "RemovePermission",
        {"QueueUrl": "{queue}", "Label": "crossaccountpermission2"},
        400,
        "InvalidParameterValue",
        "Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label.",
        "ls test_sqs_permission_lifecycle",
    ),
)
