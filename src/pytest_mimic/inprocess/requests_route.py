"""The socket-free route for ``requests``: keystoneauth1, novaclient, openstacksdk, libcloud.

While started, ``responses`` hands every ``requests`` call whose URL is on the cloud's base
URL to the exchange; every other URL goes wherever it went before (the network, or a
``responses`` mock the test started earlier). Calls made inside a ``responses`` mock the test
starts itself are passed by that mock to the network, so they use the socket.

TCP-level faults raise what ``requests`` raises for the real thing: a reset is
``requests.ConnectionError`` wrapping ``ConnectionResetError``, a close wraps
``RemoteDisconnected``, and a read timeout is ``requests.ReadTimeout``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pytest_mimic.inprocess.exchange import (
    ConnectionAborted,
    ReadTimedOut,
    exchange,
    request_body,
    serves,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from requests import PreparedRequest
    from urllib3 import HTTPHeaderDict

__all__ = ["RequestsRoute"]

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
#: The started routes; replaced whole so request threads never see it change.
_routes: tuple[RequestsRoute, ...] = ()
#: The one ``responses`` mock for every started route (``None`` while none is): mocks of one
#: route each would undo each other when clouds stop in another order than they started.
_mock: Any = None


class RequestsRoute:
    """Routes ``requests`` calls for ``base_url`` to ``app`` in-process while started."""

    def __init__(self, app: WSGIApplication, base_url: str) -> None:
        self.app = app
        self.base_url = base_url.rstrip("/")

    @property
    def active(self) -> bool:
        """Whether ``requests`` calls to the cloud are being served in-process."""
        return self in _routes

    def start(self) -> None:
        """Route calls in-process until ``stop`` (idempotent)."""
        global _routes
        if self.active:
            return
        if not _routes:
            _start_mock()
        _routes = (self, *_routes)

    def stop(self) -> None:
        """Give ``requests`` back to what handled it before ``start``."""
        global _routes
        if not self.active:
            return
        _routes = tuple(route for route in _routes if route is not self)
        if not _routes:
            _stop_mock()

    def serve(self, request: PreparedRequest) -> tuple[int, HTTPHeaderDict, bytes]:
        """The answer to ``request`` as ``responses`` wants it, or the ``requests`` error."""
        import requests

        timeout = _read_timeout(getattr(request, "req_kwargs", {}).get("timeout"))
        try:
            answer = exchange(
                self.app,
                str(request.method),
                str(request.url),
                request.headers.items(),
                request_body(request.body),  # responses has already read a file body
                timeout,
            )
        except ReadTimedOut as fault:
            raise requests.ReadTimeout(str(fault), request=request) from None
        except ConnectionAborted as fault:
            # As in requests, the urllib3 error is the cause (tests walk the chain).
            error = fault.protocol_error()
            raise requests.ConnectionError(error, request=request) from error
        from urllib3 import HTTPHeaderDict  # imported late: only in-process tests need it

        # A multi-valued mapping: a dict would lose repeated headers.
        headers = HTTPHeaderDict()
        for name, value in answer.headers:
            headers.add(name, value)
        return answer.status, headers, answer.body


def _route(url: str) -> RequestsRoute | None:
    """The started route that serves ``url``, if any."""
    for route in _routes:
        if serves(route.base_url, url):
            return route
    return None


def _for_a_cloud(request: PreparedRequest) -> tuple[bool, str]:
    """A ``responses`` matcher: only URLs of a started cloud are answered in-process."""
    return _route(str(request.url)) is not None, "not a pytest-mimic cloud's URL"


def _serve(request: PreparedRequest) -> tuple[int, HTTPHeaderDict, bytes]:
    route = _route(str(request.url))
    if route is None:  # the cloud stopped routing since the match
        import requests

        raise requests.ConnectionError("pytest-mimic: the cloud stopped", request=request)
    return route.serve(request)


def _start_mock() -> None:
    global _mock
    import requests.adapters
    import responses

    # Whatever handles requests now (the network, or a mock a test started before us)
    # keeps handling everything that is not for a fake cloud.
    current = requests.adapters.HTTPAdapter.send
    mock = responses.RequestsMock(assert_all_requests_are_fired=False, real_adapter_send=current)
    anything = re.compile(".*", re.DOTALL)
    for method in _METHODS:
        mock.add_callback(
            method, anything, callback=_serve, content_type=None, match=[_for_a_cloud]
        )
    mock.add_passthru(anything)
    mock.start()
    _mock = mock


def _stop_mock() -> None:
    global _mock
    mock, _mock = _mock, None
    if mock is not None:
        mock.stop(allow_assert=False)
        mock.reset()


def _read_timeout(timeout: Any) -> float | None:
    """The read part of a ``requests`` timeout (a number, a pair, or urllib3's ``Timeout``)."""
    if timeout is None:
        return None
    if isinstance(timeout, tuple):
        timeout = timeout[1] if len(timeout) > 1 else timeout[0]
    read = getattr(timeout, "read_timeout", timeout)
    if isinstance(read, int | float) and not isinstance(read, bool):
        return float(read)
    return None
