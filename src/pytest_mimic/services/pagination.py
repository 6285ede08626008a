"""Marker/limit pagination over HTTP, as OpenStack and Rackspace APIs do it: ``parse_limit``
reads ``?limit=`` with the usual 400s, and ``next_link`` builds the ``rel=next`` link that
carries the other query parameters over. The index they page is ``ordered.OrderedIndex``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from pytest_mimic.errors import ServiceError
from pytest_mimic.services.base import base_url
from pytest_mimic.services.ordered import (
    OrderedIndex,
    Page,
    UnknownMarker,
    page_of_list,
    paginate,
)

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

__all__ = [
    "OrderedIndex",
    "Page",
    "UnknownMarker",
    "next_link",
    "page_of_list",
    "paginate",
    "parse_limit",
]


def parse_limit(value: str | None, *, default: int, maximum: int) -> int:
    """``?limit=`` as an int capped at ``maximum``; ``default`` when absent; 400 when invalid."""
    if value is None or value == "":
        return min(default, maximum)
    try:
        limit = int(value)
    except ValueError:
        raise ServiceError(400, "limit param must be an integer") from None
    if limit < 0:
        raise ServiceError(400, "limit param must be positive")
    return min(limit, maximum)


def next_link(request: Request, *, path: str, marker: str, limit: int) -> dict[str, str]:
    """``{"href": ..., "rel": "next"}`` for the page after ``marker``, keeping other query args.

    ``path`` is the collection's path on the server (service prefix included).
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("marker", "limit")]
    args += [("limit", str(limit)), ("marker", marker)]
    return {"href": f"{base_url(request)}{path}?{urlencode(args)}", "rel": "next"}
