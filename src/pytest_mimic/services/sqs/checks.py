"""Checks of what a client sends, before any state changes: queue names, message bodies,
message and system attributes, FIFO ids, tags, and the limits SQS sets on them.

Each check raises ``SqsError`` with the code and message SQS answers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pytest_mimic.services.sqs.errors import SqsError, invalid_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from pytest_mimic.services.sqs.md5 import AttributeValue
    from pytest_mimic.services.sqs.queue import SendSpec

__all__ = [
    "LIST_LIMIT",
    "MAX_BATCH",
    "MAX_BATCH_BYTES",
    "MAX_DELAY",
    "MAX_MESSAGE_ATTRIBUTES",
    "MAX_TAGS",
    "check_attribute_value",
    "check_body",
    "check_fifo_id",
    "check_message",
    "check_message_attributes",
    "check_queue_name",
    "check_system_attributes",
    "check_tag_keys",
    "check_tags",
    "message_size",
]

MAX_DELAY = 900
MAX_BATCH = 10
MAX_BATCH_BYTES = 1_048_576
MAX_MESSAGE_ATTRIBUTES = 10
MAX_TAGS = 50
#: Queues a ``ListQueues`` page holds without ``MaxResults``.
LIST_LIMIT = 1000

_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
# The characters SQS accepts in message bodies and string attribute values (XML 1.0's).
_INVALID_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Letters and digits of any script (``attr.1øßä`` is legal), underscores, hyphens, periods.
_ATTRIBUTE_NAME = re.compile(r"[\w.\-]{1,256}")
_DATA_TYPE = re.compile(r"(String|Number|Binary)(\..+)?", re.DOTALL)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DEDUP_ID = re.compile(r"[!-~]{1,128}")


def check_queue_name(name: str, fifo: bool) -> None:
    """Queue names: 1-80 alphanumerics, hyphens and underscores; ``.fifo`` for FIFO."""
    if fifo:
        if not _FIFO_NAME.fullmatch(name):
            raise SqsError(
                "InvalidParameterValue",
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, "
                "or underscores, must end with .fifo suffix and be 1 to 80 in length.",
            )
    elif not _QUEUE_NAME.fullmatch(name):
        raise SqsError(
            "InvalidParameterValue",
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        )


def check_body(body: str, where: str = "message body") -> None:
    """Refuse characters SQS does not store (it keeps bodies as XML 1.0 text)."""
    bad = _INVALID_CHAR.search(body)
    if bad is not None:
        raise SqsError(
            "InvalidMessageContents",
            f"Invalid binary character '#x{ord(bad.group()):X}' was found in the {where}, "
            "the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | "
            "#xE000 to #xFFFD | #x10000 to #x10FFFF",
        )


def check_message_attributes(attributes: Mapping[str, AttributeValue]) -> int:
    """Validate message attributes as SQS does; returns the bytes they count for."""
    if len(attributes) > MAX_MESSAGE_ATTRIBUTES:
        raise SqsError(
            "InvalidParameterValue",
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{MAX_MESSAGE_ATTRIBUTES}].",
        )
    size = 0
    for name, value in attributes.items():
        lowered = name.lower()
        if (
            not _ATTRIBUTE_NAME.fullmatch(name)
            or lowered.startswith(("aws.", "amazon."))
            or name.startswith(".")
            or name.endswith(".")
            or ".." in name
        ):
            raise SqsError(
                "InvalidParameterValue",
                f"Message (user) attribute name '{name}' is invalid. The attribute name can "
                "contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) "
                "characters.",
            )
        check_attribute_value(name, value)
        size += len(name.encode()) + value.size()
    return size


def check_attribute_value(name: str, value: AttributeValue) -> None:
    """One attribute's data type and value."""
    data_type = value.data_type
    if not data_type:
        raise SqsError(
            "InvalidParameterValue",
            f"The message attribute '{name}' must contain non-empty message attribute type.",
        )
    match = _DATA_TYPE.fullmatch(data_type)
    if match is None or len(data_type) > 256:
        raise SqsError(
            "InvalidParameterValue",
            f"The type of message (user) attribute '{name}' is invalid. You must use only "
            "the following supported type prefixes: Binary, Number, String.",
        )
    family = match[1]
    if family == "Binary":
        if not value.binary_value:
            raise SqsError(
                "InvalidParameterValue",
                f"The message attribute '{name}' with type 'Binary' must use field 'Binary'.",
            )
        return
    text = value.string_value
    if not text:
        raise SqsError(
            "InvalidParameterValue",
            f"Message (user) attribute '{name}' must contain a non-empty value of type '{family}'.",
        )
    if family == "Number" and _NUMBER.fullmatch(text) is None:
        raise SqsError(
            "InvalidParameterValue",
            f"Can't cast message value to a number for message attribute '{name}'.",
        )
    try:
        check_body(text, f"message attribute '{name}'")
    except SqsError as error:
        # In an attribute value SQS calls the same fault InvalidParameterValue.
        raise SqsError("InvalidParameterValue", error.message) from None


def check_system_attributes(attributes: Mapping[str, AttributeValue]) -> None:
    """Only ``AWSTraceHeader`` (a string) may be sent; it does not count towards the
    message size (as SQS documents).
    """
    for name, value in attributes.items():
        if name != "AWSTraceHeader":
            raise SqsError(
                "InvalidParameterValue", f"Message system attribute name '{name}' is invalid."
            )
        if value.data_type != "String" or not value.string_value:
            raise SqsError(
                "InvalidParameterValue",
                "Message system attribute AWSTraceHeader must be a non-empty String.",
            )


def message_size(spec: SendSpec) -> int:
    """The bytes a message counts for: its body and its message attributes (names, data
    types, values); system attributes do not count.
    """
    size = len((spec.body or "").encode("utf-8", "replace"))
    for name, value in spec.attributes.items():
        size += len(name.encode("utf-8", "replace")) + value.size()
    return size


def check_message(spec: SendSpec, max_size: int, *, batch: bool = False) -> str:
    """A SendMessage's body, attributes, total size, delay and group id, in the order SQS
    checks them; returns the body. ``batch``: one entry of a SendMessageBatch, whose
    failures SQS words differently.
    """
    body = spec.body
    if body is None or body == "":
        if batch:
            raise SqsError("EmptyValue", "The request must contain the parameter MessageBody.")
        raise SqsError("MissingParameter", "The request must contain the parameter MessageBody.")
    check_body(body)
    size = len(body.encode("utf-8")) + check_message_attributes(spec.attributes)
    check_system_attributes(spec.system_attributes)
    if size > max_size:
        verb = "cannot be validated" if batch else "are invalid"
        raise SqsError(
            "InvalidParameterValue",
            f"One or more parameters {verb}. Reason: Message must be shorter than "
            f"{max_size} bytes.",
        )
    delay = spec.delay
    if delay is not None and not 0 <= delay <= MAX_DELAY:
        raise invalid_value("DelaySeconds", delay, f"DelaySeconds must be >= 0 and <= {MAX_DELAY}")
    if spec.group_id is not None:
        check_fifo_id("MessageGroupId", spec.group_id)
    return body


def check_fifo_id(name: str, value: str) -> None:
    """A ``MessageGroupId`` or ``MessageDeduplicationId``: 1-128 printable ASCII characters."""
    if not _DEDUP_ID.fullmatch(value):
        raise invalid_value(
            name,
            value,
            f"{name} can only include alphanumeric and punctuation characters. 1 to 128 in length.",
        )


def check_tag_keys(keys: Iterable[str]) -> None:
    """Tag keys are 1-128 characters (an empty list of keys is refused the same way)."""
    keys = list(keys)
    if not keys or not all(1 <= len(key) <= 128 for key in keys):
        raise SqsError(
            "InvalidParameterValue", "Tag keys must be between 1 and 128 characters in length."
        )


def check_tags(tags: Mapping[str, str], queue: str) -> None:
    """Tag keys 1-128 characters, values up to 256, at most 50 on queue ``queue``."""
    if len(tags) > MAX_TAGS:
        raise SqsError("InvalidParameterValue", f"Too many tags added for queue {queue}.")
    if tags:
        check_tag_keys(tags)
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            raise SqsError("InvalidParameterValue", f"Tag key {key!r} is invalid.")
        if len(value) > 256:
            raise SqsError("InvalidParameterValue", f"Tag value for {key!r} is too long.")
