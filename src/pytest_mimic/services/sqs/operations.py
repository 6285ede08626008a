"""The one table of SQS operations: their input and output shapes, in both wire spellings.

Each member has its JSON name (the current botocore model's) and its query-protocol name
(the flattened element name older clients send and read: ``Attribute.1.Name``,
``SendMessageBatchRequestEntry.2.Id``, ``<QueueUrl>`` repeated). ``protocol_json`` and
``protocol_query`` walk these shapes to type-check requests and write responses, so an
operation is declared once, not parsed by hand twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

__all__ = [
    "OPERATIONS",
    "ListShape",
    "MapShape",
    "Member",
    "OperationSpec",
    "Scalar",
    "Shape",
    "Structure",
]


@dataclass(frozen=True)
class Scalar:
    """``string``, ``integer``, ``long``, ``boolean`` or ``blob`` (base64 on the wire)."""

    kind: str


@dataclass(frozen=True)
class ListShape:
    """A list; on the query wire always flattened (``Name.1``, ``Name.2``...)."""

    member: Shape


@dataclass(frozen=True)
class MapShape:
    """A map; on the query wire ``Name.N.<key_name>`` and ``Name.N.<value_name>``."""

    value: Shape
    key_name: str = "Name"
    value_name: str = "Value"


@dataclass(frozen=True)
class Member:
    """A named member: JSON ``name``; ``query`` names (the first is written, all are read)."""

    name: str
    shape: Shape
    query: tuple[str, ...] = ()
    required: bool = False

    @property
    def query_name(self) -> str:
        """The element or parameter name on the query wire."""
        return self.query[0] if self.query else self.name

    @property
    def query_names(self) -> tuple[str, ...]:
        """Every name accepted on the query wire."""
        return self.query or (self.name,)


@dataclass(frozen=True)
class Structure:
    """An ordered set of members."""

    members: tuple[Member, ...]


Shape = Union[Scalar, ListShape, MapShape, Structure]  # noqa: UP007 - used at runtime


@dataclass(frozen=True)
class OperationSpec:
    """One operation. ``queue``: it names a queue with ``QueueUrl`` (or the request path)."""

    name: str
    input: Structure
    output: Structure
    queue: bool = True


STRING = Scalar("string")
INTEGER = Scalar("integer")
LONG = Scalar("long")
BOOLEAN = Scalar("boolean")
BLOB = Scalar("blob")


def _m(name: str, shape: Shape = STRING, *query: str, required: bool = False) -> Member:
    return Member(name, shape, tuple(query), required)


def _s(*members: Member) -> Structure:
    return Structure(tuple(members))


QUEUE_URL = _m("QueueUrl")
ATTRIBUTE_VALUE = _s(
    _m("StringValue"),
    _m("BinaryValue", BLOB),
    _m("StringListValues", ListShape(STRING), "StringListValue"),
    _m("BinaryListValues", ListShape(BLOB), "BinaryListValue"),
    _m("DataType"),
)
MESSAGE_ATTRIBUTES = MapShape(ATTRIBUTE_VALUE)
STRING_MAP = MapShape(STRING)
TAG_MAP = MapShape(STRING, key_name="Key", value_name="Value")
NAMES = ListShape(STRING)
BATCH_ERROR = _s(_m("Id"), _m("SenderFault", BOOLEAN), _m("Code"), _m("Message"))
ID_ONLY = _s(_m("Id"))
MESSAGE = _s(
    _m("MessageId"),
    _m("ReceiptHandle"),
    _m("MD5OfBody"),
    _m("Body"),
    _m("Attributes", STRING_MAP, "Attribute"),
    _m("MD5OfMessageAttributes"),
    _m("MessageAttributes", MESSAGE_ATTRIBUTES, "MessageAttribute"),
)
SEND_RESULT = (
    _m("MD5OfMessageBody"),
    _m("MD5OfMessageAttributes"),
    _m("MD5OfMessageSystemAttributes"),
    _m("MessageId"),
    _m("SequenceNumber"),
)
SEND_FIELDS = (
    _m("DelaySeconds", INTEGER),
    _m("MessageAttributes", MESSAGE_ATTRIBUTES, "MessageAttribute"),
    _m("MessageSystemAttributes", MESSAGE_ATTRIBUTES, "MessageSystemAttribute"),
    _m("MessageDeduplicationId"),
    _m("MessageGroupId"),
)
MOVE_TASK = _s(
    _m("TaskHandle"),
    _m("Status"),
    _m("SourceArn"),
    _m("DestinationArn"),
    _m("MaxNumberOfMessagesPerSecond", INTEGER),
    _m("ApproximateNumberOfMessagesMoved", LONG),
    _m("ApproximateNumberOfMessagesToMove", LONG),
    _m("FailureReason"),
    _m("StartedTimestamp", LONG),
)


def _batch(entry: str, *fields: Member) -> Member:
    return _m("Entries", ListShape(_s(_m("Id", required=True), *fields)), entry, required=True)


def _results(entry: str, *fields: Member) -> Structure:
    return _s(
        _m("Successful", ListShape(_s(_m("Id"), *fields)), entry),
        _m("Failed", ListShape(BATCH_ERROR), "BatchResultErrorEntry"),
    )


_EMPTY = _s()

_SPECS = (
    OperationSpec(
        "AddPermission",
        _s(
            QUEUE_URL,
            _m("Label", required=True),
            _m("AWSAccountIds", NAMES, "AWSAccountId", required=True),
            _m("Actions", NAMES, "ActionName", required=True),
        ),
        _EMPTY,
    ),
    OperationSpec(
        "CancelMessageMoveTask",
        _s(_m("TaskHandle", required=True)),
        _s(_m("ApproximateNumberOfMessagesMoved", LONG)),
        queue=False,
    ),
    OperationSpec(
        "ChangeMessageVisibility",
        _s(
            QUEUE_URL,
            _m("ReceiptHandle", required=True),
            _m("VisibilityTimeout", INTEGER, required=True),
        ),
        _EMPTY,
    ),
    OperationSpec(
        "ChangeMessageVisibilityBatch",
        _s(
            QUEUE_URL,
            _batch(
                "ChangeMessageVisibilityBatchRequestEntry",
                _m("ReceiptHandle", required=True),
                _m("VisibilityTimeout", INTEGER),
            ),
        ),
        _results("ChangeMessageVisibilityBatchResultEntry"),
    ),
    OperationSpec(
        "CreateQueue",
        _s(
            _m("QueueName", required=True),
            _m("Attributes", STRING_MAP, "Attribute"),
            _m("tags", TAG_MAP, "Tag"),
        ),
        _s(_m("QueueUrl")),
        queue=False,
    ),
    OperationSpec("DeleteMessage", _s(QUEUE_URL, _m("ReceiptHandle", required=True)), _EMPTY),
    OperationSpec(
        "DeleteMessageBatch",
        _s(
            QUEUE_URL,
            _batch("DeleteMessageBatchRequestEntry", _m("ReceiptHandle", required=True)),
        ),
        _results("DeleteMessageBatchResultEntry"),
    ),
    OperationSpec("DeleteQueue", _s(QUEUE_URL), _EMPTY),
    OperationSpec(
        "GetQueueAttributes",
        _s(QUEUE_URL, _m("AttributeNames", NAMES, "AttributeName")),
        _s(_m("Attributes", STRING_MAP, "Attribute")),
    ),
    OperationSpec(
        "GetQueueUrl",
        _s(_m("QueueName", required=True), _m("QueueOwnerAWSAccountId")),
        _s(_m("QueueUrl")),
        queue=False,
    ),
    OperationSpec(
        "ListDeadLetterSourceQueues",
        _s(QUEUE_URL, _m("NextToken"), _m("MaxResults", INTEGER)),
        _s(_m("queueUrls", NAMES, "QueueUrl"), _m("NextToken")),
    ),
    OperationSpec(
        "ListMessageMoveTasks",
        _s(_m("SourceArn", required=True), _m("MaxResults", INTEGER)),
        _s(_m("Results", ListShape(MOVE_TASK), "ListMessageMoveTasksResultEntry")),
        queue=False,
    ),
    OperationSpec("ListQueueTags", _s(QUEUE_URL), _s(_m("Tags", TAG_MAP, "Tag"))),
    OperationSpec(
        "ListQueues",
        _s(_m("QueueNamePrefix"), _m("NextToken"), _m("MaxResults", INTEGER)),
        _s(_m("QueueUrls", NAMES, "QueueUrl"), _m("NextToken")),
        queue=False,
    ),
    OperationSpec("PurgeQueue", _s(QUEUE_URL), _EMPTY),
    OperationSpec(
        "ReceiveMessage",
        _s(
            QUEUE_URL,
            _m("AttributeNames", NAMES, "AttributeName"),
            _m(
                "MessageSystemAttributeNames",
                NAMES,
                "MessageSystemAttributeName",
                "MessageSystemAttributeNames",
            ),
            _m("MessageAttributeNames", NAMES, "MessageAttributeName"),
            _m("MaxNumberOfMessages", INTEGER),
            _m("VisibilityTimeout", INTEGER),
            _m("WaitTimeSeconds", INTEGER),
            _m("ReceiveRequestAttemptId"),
        ),
        _s(_m("Messages", ListShape(MESSAGE), "Message")),
    ),
    OperationSpec("RemovePermission", _s(QUEUE_URL, _m("Label", required=True)), _EMPTY),
    OperationSpec(
        "SendMessage",
        _s(QUEUE_URL, _m("MessageBody", required=True), *SEND_FIELDS),
        _s(*SEND_RESULT),
    ),
    OperationSpec(
        "SendMessageBatch",
        _s(
            QUEUE_URL,
            _batch("SendMessageBatchRequestEntry", _m("MessageBody", required=True), *SEND_FIELDS),
        ),
        _results("SendMessageBatchResultEntry", *SEND_RESULT),
    ),
    OperationSpec(
        "SetQueueAttributes",
        _s(QUEUE_URL, _m("Attributes", STRING_MAP, "Attribute", required=True)),
        _EMPTY,
    ),
    OperationSpec(
        "StartMessageMoveTask",
        _s(
            _m("SourceArn", required=True),
            _m("DestinationArn"),
            _m("MaxNumberOfMessagesPerSecond", INTEGER),
        ),
        _s(_m("TaskHandle")),
        queue=False,
    ),
    OperationSpec("TagQueue", _s(QUEUE_URL, _m("Tags", TAG_MAP, "Tag", required=True)), _EMPTY),
    OperationSpec(
        "UntagQueue", _s(QUEUE_URL, _m("TagKeys", NAMES, "TagKey", required=True)), _EMPTY
    ),
)

#: Every operation of the 2012-11-05 API, by its action name.
OPERATIONS: dict[str, OperationSpec] = {spec.name: spec for spec in _SPECS}
