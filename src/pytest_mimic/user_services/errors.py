"""The errors users' services raise, and the one JSON shape every kind answers them in.

A user's service may be a FastAPI app, a Flask app or route functions; whichever it is, an
error it raises through this package (``Collection.get`` of a missing id) and a fault the
dispatcher injects look the same to the client: ``{"error": {"message": ..., "code": N}}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_mimic.errors import ServiceError
from pytest_mimic.services.base import json_response

if TYPE_CHECKING:
    from collections.abc import Mapping

    from werkzeug.wrappers import Response

__all__ = ["Conflict", "NotFound", "ServiceLoadError", "error_body", "error_response"]


class NotFound(ServiceError):
    """No item with that id (``Collection.get``, ``update``, ``delete``): a 404."""

    default_status = 404
    default_fault = "itemNotFound"


class Conflict(ServiceError):
    """An item with that id exists already (``Collection.create(id=...)``): a 409."""

    default_status = 409
    default_fault = "conflictingRequest"


class ServiceLoadError(Exception):
    """A service file that cannot become a service (import failed, no app in it).

    The folder turns it into a service answering 503 with this message, so a typo in one
    file breaks that service only.
    """


def error_body(status: int, message: str) -> dict[str, Any]:
    """``{"error": {"message": ..., "code": N}}``: the shape of every user-service error."""
    return {"error": {"message": message, "code": status}}


def error_response(
    status: int, message: str, *, headers: Mapping[str, str] | None = None
) -> Response:
    """An error answer in the users' services' JSON shape."""
    return json_response(error_body(status, message), status, headers=headers)
