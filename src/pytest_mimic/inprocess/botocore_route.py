"""The socket-free route for botocore clients: boto3, and any library built on botocore.

Why ``botocore.endpoint.Endpoint._send`` rather than a ``before-send`` handler (moto's way):
a handler in ``BUILTIN_HANDLERS`` reaches only sessions created afterwards, and one added to a
session misses the clients it already made (each copies the emitter). ``_send`` is the one
call every client's request makes, right after ``before-send`` and just above the socket:
clients of any age are covered, a test's own ``before-send`` handlers still come first, and
retries, events and parsers see what a socket gives them. aiobotocore overrides the method
(so it stays put in botocore, and aiobotocore keeps the socket).

TCP-level faults raise what ``URLLib3Session`` raises for the real thing:
``ConnectionClosedError`` for a reset or a close, ``ReadTimeoutError`` past the client's read
timeout. A stopped cloud is no longer routed: the refused socket gives
``EndpointConnectionError``, as with a stopped server.
"""

from __future__ import annotations

import functools
import importlib.util
import io
from typing import TYPE_CHECKING, Any

from pytest_mimic.inprocess.exchange import (
    ConnectionAborted,
    ReadTimedOut,
    exchange,
    request_body,
    serves,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from _typeshed.wsgi import WSGIApplication

__all__ = ["BotocoreRoute"]

#: The started routes, newest first; replaced whole so request threads never see it change.
_routes: tuple[BotocoreRoute, ...] = ()
#: The ``Endpoint._send`` we put in place, and what it replaced (``None``: not installed).
_installed: tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]] | None = None


class BotocoreRoute:
    """Routes botocore clients' requests for ``base_url`` to ``app`` in-process while started.

    A no-op where botocore is not installed.
    """

    def __init__(self, app: WSGIApplication, base_url: str) -> None:
        self.app = app
        self.base_url = base_url.rstrip("/")

    @property
    def active(self) -> bool:
        """Whether botocore requests to the cloud are being served in-process."""
        return self in _routes

    def start(self) -> None:
        """Route requests in-process until ``stop`` (idempotent)."""
        global _routes
        if self.active or not _botocore_installed():
            return
        _install()
        _routes = (self, *_routes)

    def stop(self) -> None:
        """Let botocore requests for the cloud reach the network again."""
        global _routes
        if not self.active:
            return
        _routes = tuple(route for route in _routes if route is not self)
        if not _routes:
            _uninstall()

    def answer(self, endpoint: Any, request: Any) -> Any:
        """The ``AWSResponse`` for ``request``, as ``URLLib3Session.send`` would return it."""
        from botocore.awsrequest import AWSResponse
        from botocore.exceptions import ConnectionClosedError, ReadTimeoutError
        from urllib3 import HTTPHeaderDict, HTTPResponse
        from urllib3.exceptions import ReadTimeoutError as URLLib3ReadTimeoutError

        url = request.url
        try:
            answer = exchange(
                self.app,
                request.method,
                url,
                request.headers.items(),
                request_body(request.body),
                _read_timeout(endpoint, request),
            )
        except ReadTimedOut as fault:
            error: Exception = URLLib3ReadTimeoutError(None, url, str(fault))  # type: ignore[arg-type]
            error.args = (str(fault),)  # urllib3 would prefix the pool, and there is none
            raise ReadTimeoutError(endpoint_url=url, error=error) from error
        except ConnectionAborted as fault:
            error = fault.protocol_error()
            raise ConnectionClosedError(error=error, request=request, endpoint_url=url) from error
        headers = HTTPHeaderDict()
        for name, value in answer.headers:
            headers.add(name, value)
        if not request.stream_output:
            # URLLib3Session reads such an answer whole at once; botocore only needs the bytes.
            response = AWSResponse(url, answer.status, headers, _ReadAnswer(answer.body))
            response.content  # noqa: B018
            return response
        # Streamed to the caller: the very type a socket gives botocore's StreamingBody.
        raw = HTTPResponse(
            body=io.BytesIO(answer.body),
            headers=headers,
            status=answer.status,
            reason=answer.reason,
            preload_content=False,
            decode_content=False,
            request_method=request.method,
            request_url=url,
        )
        return AWSResponse(url, answer.status, headers, raw)


class _ReadAnswer:
    """The raw side of an answer read in full: ``stream()`` yields its bytes once."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, amt: int | None = None, decode_content: bool | None = None) -> Iterator[bytes]:
        data, self._data = self._data, b""
        if data:
            yield data


@functools.cache
def _botocore_installed() -> bool:
    """Whether botocore can be imported (looked up once: every test starts a route)."""
    return importlib.util.find_spec("botocore") is not None


def _read_timeout(endpoint: Any, request: Any) -> float | None:
    """The read timeout a socket would apply: the request's override, else the one the
    client's config gave its HTTP session (``Config(read_timeout=...)``).
    """
    context = getattr(request, "context", None) or {}
    timeout = context.get("read_timeout")
    if timeout is None:
        pool = getattr(getattr(endpoint, "http_session", None), "_timeout", None)
        timeout = getattr(pool, "read_timeout", pool)
    if timeout is None:
        timeout = getattr(context.get("client_config"), "read_timeout", None)
    if isinstance(timeout, int | float) and not isinstance(timeout, bool):
        return float(timeout)
    return None


def _install() -> None:
    """Put ``_send`` in ``Endpoint._send`` (once, however many clouds route)."""
    global _installed
    from botocore.endpoint import Endpoint

    if _installed is not None and Endpoint._send is _installed[0]:
        return
    previous = Endpoint._send

    def _send(endpoint: Any, request: Any) -> Any:
        url = request.url
        for route in _routes:
            if serves(route.base_url, url):
                return route.answer(endpoint, request)
        return previous(endpoint, request)

    Endpoint._send = _send
    _installed = (_send, previous)


def _uninstall() -> None:
    """Give ``Endpoint._send`` back, unless someone patched it on top of ours since: then
    ours stays in their chain, passing every request through.
    """
    global _installed
    from botocore.endpoint import Endpoint

    if _installed is None:
        return
    ours, previous = _installed
    if Endpoint._send is ours:
        Endpoint._send = previous
    _installed = None
