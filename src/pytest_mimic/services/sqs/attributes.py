"""Queue attributes: their defaults, their checks and canonical form, the redrive policies,
and what ``GetQueueAttributes`` shows.

A queue keeps its attributes as SQS shows them, text by name (``Queue.settings``); the
functions here check what a client asks for and return the text to keep. Each check raises
``SqsError`` with the code and message SQS answers.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from pytest_mimic.services.sqs.checks import MAX_DELAY
from pytest_mimic.services.sqs.errors import SqsError, invalid_attribute, invalid_value
from pytest_mimic.services.sqs.queue import MAX_VISIBILITY, parse_arn

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from pytest_mimic.services.sqs.queue import Queue, Scope

__all__ = [
    "QUEUE_ATTRIBUTES",
    "apply_update",
    "compact_json",
    "conflicting_attribute",
    "initial_settings",
    "json_object",
    "shown_attributes",
    "validate",
]

_DEFAULTS: dict[str, str] = {
    "VisibilityTimeout": "30",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "DelaySeconds": "0",
    "ReceiveMessageWaitTimeSeconds": "0",
    "SqsManagedSseEnabled": "true",
}
_FIFO_DEFAULTS: dict[str, str] = {
    "FifoQueue": "true",
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoThroughputLimit": "perQueue",
}
_RANGES: dict[str, tuple[int, int]] = {
    "VisibilityTimeout": (0, MAX_VISIBILITY),
    "MaximumMessageSize": (1024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "DelaySeconds": (0, MAX_DELAY),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
_BOOLEANS = frozenset({"SqsManagedSseEnabled", "ContentBasedDeduplication", "FifoQueue"})
_CHOICES: dict[str, frozenset[str]] = {
    "DeduplicationScope": frozenset({"queue", "messageGroup"}),
    "FifoThroughputLimit": frozenset({"perQueue", "perMessageGroupId"}),
}
_FIFO_ONLY = frozenset({"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"})
_SETTABLE = frozenset(
    {
        *_RANGES,
        "Policy",
        "RedrivePolicy",
        "RedriveAllowPolicy",
        "KmsMasterKeyId",
        "SqsManagedSseEnabled",
        *_FIFO_ONLY,
    }
)
_READ_ONLY = frozenset(
    {
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp",
        "LastModifiedTimestamp",
        "QueueArn",
    }
)
#: Every queue attribute name SQS knows (``All`` asks for all of them).
QUEUE_ATTRIBUTES = frozenset({*_SETTABLE, *_READ_ONLY, "FifoQueue"})
#: Policies an empty value removes.
_REMOVABLE = ("Policy", "RedrivePolicy", "RedriveAllowPolicy")
# SQS's integer grammar for attribute values: a sign is allowed, and at most 12 digits
# (``parsing.parse_count`` takes neither a ``+`` nor 20 digits, so it would differ here).
_INTEGER = re.compile(r"[+-]?\d{1,12}")


def compact_json(value: Any) -> str:
    """JSON without spaces, as SQS stores and shows policies."""
    return json.dumps(value, separators=(",", ":"))


def json_object(name: str, value: str) -> dict[str, Any]:
    """Attribute ``name``'s text as a JSON object, or ``InvalidParameterValue``."""
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise invalid_value(name, value, f"{name} is not a dict or valid json.")
    return parsed


def validate(
    scope: Scope,
    name: str,
    attributes: Mapping[str, str],
    *,
    fifo: bool,
    creating: bool,
    find_queue: Callable[[str], Queue | None],
) -> dict[str, str]:
    """Check the attributes asked for queue ``name``; returns them in canonical form.

    ``find_queue`` looks a queue up by ARN (a RedrivePolicy's dead-letter queue must exist).
    """
    result: dict[str, str] = {}
    for key, raw in attributes.items():
        value = raw if isinstance(raw, str) else str(raw)
        if key == "FifoQueue" and creating:
            result[key] = value.lower()
            continue
        if key in _FIFO_ONLY and key != "ContentBasedDeduplication" and not fifo:
            raise SqsError(
                "InvalidAttributeName",
                f"You can specify the {key} only when FifoQueue is set to true.",
            )
        if key not in _SETTABLE or (key in _FIFO_ONLY and not fifo):
            raise SqsError("InvalidAttributeName", f"Unknown Attribute {key}.")
        if key in _RANGES:
            low, high = _RANGES[key]
            number = _integer(key, value)
            if not low <= number <= high:
                raise invalid_attribute(key)
            result[key] = str(number)
        elif key in _BOOLEANS:
            # SQS takes "true" and "false" only (not the yes/on/1 of ``parsing.parse_bool``).
            if value.lower() not in ("true", "false"):
                raise invalid_attribute(key)
            result[key] = value.lower()
        elif key in _CHOICES:
            if value not in _CHOICES[key]:
                raise invalid_attribute(key)
            result[key] = value
        elif key == "Policy":
            result[key] = compact_json(json_object(key, value)) if value else ""
        elif key == "RedrivePolicy":
            result[key] = _redrive_policy(scope, name, value, fifo, find_queue) if value else ""
        elif key == "RedriveAllowPolicy":
            result[key] = _redrive_allow_policy(value) if value else ""
        elif key == "KmsMasterKeyId":
            result[key] = value
    return result


def initial_settings(given: Mapping[str, str], *, fifo: bool) -> dict[str, str]:
    """A new queue's attributes: the defaults, overridden by the checked ``given`` ones."""
    full = dict(_DEFAULTS)
    if fifo:
        full.update(_FIFO_DEFAULTS)
    full.update(given)
    for key in (*_REMOVABLE, "KmsMasterKeyId"):
        if full.get(key) == "":
            del full[key]
    _fix_encryption(full, given)
    _check_throughput(full)
    return full


def conflicting_attribute(current: Mapping[str, str], given: Mapping[str, str]) -> str | None:
    """The first attribute in ``given`` an existing queue has otherwise (CreateQueue is
    idempotent only when none differs), or ``None``.
    """
    for key, value in given.items():
        if key == "FifoQueue":
            continue
        if current.get(key, _DEFAULTS.get(key, "")) != value:
            return key
    return None


def apply_update(settings: dict[str, str], given: Mapping[str, str]) -> None:
    """SetQueueAttributes: merge the checked ``given`` attributes into ``settings``."""
    _check_throughput({**settings, **given})
    for key, value in given.items():
        if value == "" and key in (*_REMOVABLE, "KmsMasterKeyId"):
            settings.pop(key, None)
        else:
            settings[key] = value
    _fix_encryption(settings, given)


def shown_attributes(queue: Queue, names: Iterable[str]) -> dict[str, str]:
    """GetQueueAttributes: ``All`` or the names asked for that the queue has."""
    wanted = list(names)
    for name in wanted:
        if name != "All" and name not in QUEUE_ATTRIBUTES:
            raise SqsError("InvalidAttributeName", f"Unknown Attribute {name}.")
    values = {
        **queue.settings,
        "ApproximateNumberOfMessages": str(queue.visible_count),
        "ApproximateNumberOfMessagesNotVisible": str(queue.inflight_count),
        "ApproximateNumberOfMessagesDelayed": str(queue.delayed_count),
        "CreatedTimestamp": str(int(queue.created_at)),
        "LastModifiedTimestamp": str(int(queue.modified_at)),
        "QueueArn": queue.arn,
    }
    if "All" in wanted:
        return values
    return {name: values[name] for name in wanted if name in values}


def _integer(name: str, value: str) -> int:
    if not _INTEGER.fullmatch(value.strip()):
        raise invalid_attribute(name)
    return int(value)


def _fix_encryption(settings: dict[str, str], given: Mapping[str, str]) -> None:
    """A KMS key turns SQS-managed encryption off; turning that on drops the key."""
    if given.get("KmsMasterKeyId"):
        settings["SqsManagedSseEnabled"] = "false"
        settings.setdefault("KmsDataKeyReusePeriodSeconds", "300")
    elif given.get("SqsManagedSseEnabled") == "true":
        settings.pop("KmsMasterKeyId", None)
    if not settings.get("KmsMasterKeyId"):
        # The reuse period belongs to a KMS key: without one SQS shows neither.
        settings.pop("KmsDataKeyReusePeriodSeconds", None)


def _check_throughput(settings: Mapping[str, str]) -> None:
    """High throughput (``perMessageGroupId``) needs ``DeduplicationScope=messageGroup``."""
    if (
        settings.get("FifoThroughputLimit") == "perMessageGroupId"
        and settings.get("DeduplicationScope") != "messageGroup"
    ):
        raise invalid_attribute("FifoThroughputLimit")


def _redrive_policy(
    scope: Scope,
    name: str,
    value: str,
    fifo: bool,
    find_queue: Callable[[str], Queue | None],
) -> str:
    policy = json_object("RedrivePolicy", value)
    for mandatory in ("deadLetterTargetArn", "maxReceiveCount"):
        if mandatory not in policy:
            raise invalid_value(
                "RedrivePolicy",
                value,
                f"Redrive policy does not contain mandatory attribute: {mandatory}.",
            )
    target = policy["deadLetterTargetArn"]
    count = policy["maxReceiveCount"]
    if isinstance(count, str) and _INTEGER.fullmatch(count):
        count = int(count)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
        raise invalid_value(
            "RedrivePolicy",
            value,
            "Invalid value for maxReceiveCount: must be an integer from 1 to 1000.",
        )
    parsed = parse_arn(target) if isinstance(target, str) else None
    dlq = find_queue(target) if parsed is not None else None
    if dlq is None or parsed is None or parsed[0] != scope:
        raise SqsError("QueueDoesNotExist", f"Could not find DLQ for {target}")
    if dlq.fifo != fifo:
        raise invalid_value(
            "RedrivePolicy",
            value,
            "Dead-letter target must be the same type of queue as the source queue.",
        )
    allow = dlq.settings.get("RedriveAllowPolicy")
    if allow:
        rules = json.loads(allow)
        permission = rules.get("redrivePermission")
        source_arn = scope.arn(name)
        if permission == "denyAll" or (
            permission == "byQueue" and source_arn not in rules.get("sourceQueueArns", [])
        ):
            raise invalid_value(
                "RedrivePolicy",
                value,
                f"Queue {source_arn} is not allowed to use {target} as its dead-letter "
                "queue (RedriveAllowPolicy).",
            )
    return compact_json({"deadLetterTargetArn": target, "maxReceiveCount": count})


def _redrive_allow_policy(value: str) -> str:
    policy = json_object("RedriveAllowPolicy", value)
    permission = policy.get("redrivePermission")
    if permission not in ("allowAll", "denyAll", "byQueue"):
        raise invalid_value(
            "RedriveAllowPolicy",
            value,
            "Invalid value for redrivePermission: must be allowAll, denyAll or byQueue.",
        )
    result: dict[str, Any] = {"redrivePermission": permission}
    sources = policy.get("sourceQueueArns")
    if permission == "byQueue":
        if (
            not isinstance(sources, list)
            or not 1 <= len(sources) <= 10
            or not all(isinstance(arn, str) and parse_arn(arn) for arn in sources)
        ):
            raise invalid_value(
                "RedriveAllowPolicy",
                value,
                "sourceQueueArns must list 1 to 10 queue ARNs when redrivePermission is byQueue.",
            )
        result["sourceQueueArns"] = sources
    elif sources:
        raise invalid_value(
            "RedriveAllowPolicy",
            value,
            "sourceQueueArns is only allowed when redrivePermission is byQueue.",
        )
    return compact_json(result)
