"""SQS errors, named once and answered in either wire protocol.

The model raises ``SqsError(code, message)`` with the short error name SQS documents
(``QueueDoesNotExist``, ``InvalidParameterValue``); ``KINDS`` says how each is spelt on the
wire. The JSON protocol puts the modelled shape name in ``__type`` and the legacy query code
in the ``x-amzn-query-error`` header, which is what botocore turns into
``e.response["Error"]["Code"]``; the query protocol puts the legacy code in ``<Code>``.

``SqsError`` is a ``pytest_mimic.errors.ServiceError``: its ``status`` comes from its kind
and its ``fault`` is its code, so the service's one ``error_response`` renders it exactly as
it renders an injected fault of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_mimic.errors import ServiceError

__all__ = ["KINDS", "ErrorKind", "SqsError", "invalid_attribute", "invalid_value", "kind_of"]


@dataclass(frozen=True)
class ErrorKind:
    """How one error is spelt: JSON shape, legacy code, HTTP status, who is at fault."""

    shape: str
    code: str
    status: int = 400
    sender: bool = True

    @property
    def json_type(self) -> str:
        """The ``__type`` of a JSON error body."""
        return self.shape if "#" in self.shape else f"com.amazonaws.sqs#{self.shape}"

    @property
    def party(self) -> str:
        """Who is at fault, ``Sender`` or ``Receiver``, as in the header and ``<Type>``."""
        return "Sender" if self.sender else "Receiver"


def _same(*names: str) -> dict[str, ErrorKind]:
    return {name: ErrorKind(name, name) for name in names}


_PREFIX = "AWS.SimpleQueueService."

#: Every error the fake raises or a test may inject, by the name used in this package.
KINDS: dict[str, ErrorKind] = {
    "QueueDoesNotExist": ErrorKind("QueueDoesNotExist", _PREFIX + "NonExistentQueue"),
    "QueueNameExists": ErrorKind("QueueNameExists", "QueueAlreadyExists"),
    "QueueDeletedRecently": ErrorKind("QueueDeletedRecently", _PREFIX + "QueueDeletedRecently"),
    "PurgeQueueInProgress": ErrorKind(
        "PurgeQueueInProgress", _PREFIX + "PurgeQueueInProgress", 403
    ),
    "OverLimit": ErrorKind("OverLimit", "OverLimit", 403),
    "TooManyEntriesInBatchRequest": ErrorKind(
        "TooManyEntriesInBatchRequest", _PREFIX + "TooManyEntriesInBatchRequest"
    ),
    "EmptyBatchRequest": ErrorKind("EmptyBatchRequest", _PREFIX + "EmptyBatchRequest"),
    "BatchEntryIdsNotDistinct": ErrorKind(
        "BatchEntryIdsNotDistinct", _PREFIX + "BatchEntryIdsNotDistinct"
    ),
    "BatchRequestTooLong": ErrorKind("BatchRequestTooLong", _PREFIX + "BatchRequestTooLong"),
    "InvalidBatchEntryId": ErrorKind("InvalidBatchEntryId", _PREFIX + "InvalidBatchEntryId"),
    "MessageNotInflight": ErrorKind("MessageNotInflight", _PREFIX + "MessageNotInflight"),
    "UnsupportedOperation": ErrorKind("UnsupportedOperation", _PREFIX + "UnsupportedOperation"),
    "ResourceNotFoundException": ErrorKind(
        "ResourceNotFoundException", "ResourceNotFoundException", 404
    ),
    **_same(
        "ReceiptHandleIsInvalid",
        "InvalidAttributeName",
        "InvalidAttributeValue",
        "InvalidMessageContents",
        "InvalidIdFormat",
        "InvalidAddress",
        "InvalidSecurity",
        "RequestThrottled",
        "KmsAccessDenied",
        "KmsDisabled",
        "KmsInvalidKeyUsage",
        "KmsInvalidState",
        "KmsNotFound",
        "KmsOptInRequired",
        "KmsThrottled",
    ),
    # Common errors of the query era that the JSON model does not name.
    "InvalidParameterValue": ErrorKind("InvalidParameterValueException", "InvalidParameterValue"),
    "MissingParameter": ErrorKind("MissingRequiredParameterException", "MissingParameter"),
    "InvalidParameterCombination": ErrorKind(
        "InvalidParameterCombinationException", "InvalidParameterCombination"
    ),
    "AccessDenied": ErrorKind("AccessDeniedException", "AccessDenied", 403),
    "InvalidAction": ErrorKind("InvalidAction", "InvalidAction"),
    "MissingAction": ErrorKind("MissingAction", "MissingAction"),
    # A query request without an Action: SQS answers a bare element and a 404.
    "UnknownOperationException": ErrorKind(
        "com.amazon.coral.service#UnknownOperationException", "UnknownOperationException", 404
    ),
    "EmptyValue": ErrorKind("EmptyValue", "EmptyValue"),
    "UnknownOperation": ErrorKind(
        "com.amazon.coral.service#UnknownOperationException", "InvalidAction"
    ),
    "MalformedInput": ErrorKind(
        "com.amazon.coral.service#SerializationException", "SerializationException"
    ),
    "MalformedQueryString": ErrorKind("MalformedQueryString", "MalformedQueryString"),
    "RequestEntityTooLarge": ErrorKind("RequestEntityTooLarge", "RequestEntityTooLarge", 413),
    "InternalError": ErrorKind("InternalError", "InternalError", 500, sender=False),
    "ServiceUnavailable": ErrorKind("ServiceUnavailable", "ServiceUnavailable", 503, sender=False),
}

#: Legacy codes and JSON shape names lead to the same kind (an injected ``fault=`` may use
#: either spelling).
_ALIASES: dict[str, ErrorKind] = {
    **{kind.code: kind for kind in KINDS.values()},
    **{kind.shape: kind for kind in KINDS.values()},
    **KINDS,
}

#: The error answered for a status when nothing more specific is known.
_BY_STATUS: dict[int, str] = {
    400: "InvalidParameterValue",
    403: "AccessDenied",
    404: "ResourceNotFoundException",
    413: "RequestEntityTooLarge",
    429: "RequestThrottled",
    500: "InternalError",
    503: "ServiceUnavailable",
}


def kind_of(name: str | None, status: int | None = None) -> ErrorKind:
    """The kind called ``name`` (any spelling), else one fitting ``status``.

    An unknown name is used as it is for both shape and code, so a test can inject any
    error code a client might meet.
    """
    if name:
        found = _ALIASES.get(name)
        if found is not None:
            return found
        return ErrorKind(name, name, status or 400, sender=(status or 400) < 500)
    if status is not None and status in _BY_STATUS:
        return _BY_STATUS_KINDS[status]
    if status is not None and status >= 500:
        return ErrorKind("InternalError", "InternalError", status, sender=False)
    return ErrorKind("InvalidParameterValueException", "InvalidParameterValue", status or 400)


_BY_STATUS_KINDS = {status: KINDS[name] for status, name in _BY_STATUS.items()}


class SqsError(ServiceError):
    """An SQS error with its documented name (a key of ``KINDS``, or any code a client may
    meet) and message; ``status`` follows from the name.
    """

    def __init__(self, code: str, message: str) -> None:
        kind = kind_of(code)
        super().__init__(kind.status, message, fault=code)
        self.code = code
        self.kind = kind

    @property
    def sender(self) -> bool:
        """Whether the client is at fault (``SenderFault`` of a failed batch entry)."""
        return self.kind.sender


def invalid_value(name: str, value: object, reason: str) -> SqsError:
    """``InvalidParameterValue`` in SQS's words for parameter ``name`` set to ``value``."""
    return SqsError(
        "InvalidParameterValue", f"Value {value} for parameter {name} is invalid. Reason: {reason}"
    )


def invalid_attribute(name: str) -> SqsError:
    """``InvalidAttributeValue`` for queue attribute ``name``."""
    return SqsError("InvalidAttributeValue", f"Invalid value for the parameter {name}.")
