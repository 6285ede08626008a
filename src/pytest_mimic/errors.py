"""The one error type every service raises, from its model or its HTTP layer.

A model raises a subclass that fixes ``status`` (and often ``fault``); the service's HTTP
layer catches ``ServiceError`` in one place and renders it in the real service's wire
format (``Service.error_response``). Nothing here knows HTTP beyond the status number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ServiceError"]


class ServiceError(Exception):
    """A client error a service answers in its own format.

    ``ServiceError(404, "No such server")`` works anywhere; a model's own subclasses set
    ``default_status`` (and ``default_fault``) so they are raised with a message only.
    ``fault`` is the error's name in the service's vocabulary (``itemNotFound``,
    ``AWS.SimpleQueueService.NonExistentQueue``); ``headers`` go onto the answer.
    """

    default_status: ClassVar[int] = 400
    default_fault: ClassVar[str | None] = None

    def __init__(
        self,
        status: int | str | None = None,
        message: str | None = None,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if isinstance(status, str) and message is None:  # ``NotFound("No such server")``
            status, message = None, status
        text = message if message is not None else ""
        super().__init__(text)
        self.status: int = int(status) if status is not None else self.default_status
        self.message = text
        self.fault = fault if fault is not None else self.default_fault
        self.headers = dict(headers or {})
