"""The requests Cloud Load Balancers refuses, as ``ServiceError`` subclasses.

The model and ``schema`` raise these with the real service's messages; each fixes its status
and fault name, so ``RoutedService.handle`` catches them with every other ``ServiceError`` and
``CLBService.error_response`` renders them in one place: flat ``{"message", "code"}``, or the
``validationErrors`` body for the fault of that name. Plain Python, no HTTP.
"""

from __future__ import annotations

from typing import ClassVar

from pytest_mimic.errors import ServiceError

__all__ = [
    "DELETED_IMMUTABLE",
    "VALIDATION_FAULT",
    "BadRequest",
    "CLBError",
    "Gone",
    "Immutable",
    "NotFound",
    "OverLimit",
    "Unprocessable",
    "ValidationFailed",
]

#: What a change to a DELETED load balancer is refused with.
DELETED_IMMUTABLE = "The load balancer is deleted and considered immutable."
#: The fault answered with a ``validationErrors`` body (one message per line of the text).
VALIDATION_FAULT = "validationErrors"


class CLBError(ServiceError):
    """A request the real service refuses; ``message`` is what it says."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class BadRequest(CLBError):
    """A malformed request (400, flat body)."""

    default_status: ClassVar[int] = 400
    default_fault: ClassVar[str | None] = "badRequest"


class ValidationFailed(CLBError):
    """A request whose content breaks a rule (400, ``validationErrors`` body).

    ``messages`` are the body's list; the error's text is them one per line (a line break
    inside one becomes a space), which is how ``error_response`` gets them back.
    """

    default_status: ClassVar[int] = 400
    default_fault: ClassVar[str | None] = VALIDATION_FAULT

    def __init__(self, *messages: str) -> None:
        self.messages = [" ".join(message.splitlines()) for message in messages]
        super().__init__("\n".join(self.messages))


class NotFound(CLBError):
    """No such load balancer, node, metadata item or network item (404)."""

    default_status: ClassVar[int] = 404
    default_fault: ClassVar[str | None] = "itemNotFound"


class Gone(CLBError):
    """The load balancer is DELETED: its parts cannot be read any more (410)."""

    default_status: ClassVar[int] = 410
    default_fault: ClassVar[str | None] = "itemDeleted"


class OverLimit(CLBError):
    """An account limit (nodes, metadata, access list) would be passed (413, flat body).

    Its fault is not ``overLimit``: that name is the front proxy's rate limiting, answered
    in another shape with ``Retry-After``.
    """

    default_status: ClassVar[int] = 413
    default_fault: ClassVar[str | None] = "absoluteLimit"


class Immutable(CLBError):
    """The load balancer's status forbids changes now (422 ``immutableEntity``)."""

    default_status: ClassVar[int] = 422
    default_fault: ClassVar[str | None] = "immutableEntity"


class Unprocessable(CLBError):
    """A well-formed request the service cannot carry out (422), e.g. duplicate nodes."""

    default_status: ClassVar[int] = 422
    default_fault: ClassVar[str | None] = "unprocessableEntity"
