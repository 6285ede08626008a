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
)

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from requests import PreparedRequest
    from urllib3 import HTTPHeaderDict

__all__ = ["RequestsRoute"]


class RequestsRoute:
    """Routes ``requests`` calls for ``base_url`` to ``app`` in-process while started."""

    def __init__(self, app: WSGIApplication, base_url: str) -> None:
        self.app = app
        self.base_url = base_url.rstrip("/")
        self._mock: Any = None

    @property
    def active(self) -> bool:
        """Whether ``requests`` calls to the cloud are being served in-process."""
        return self._mock is not None

    def start(self) -> None:
        """Route calls in-process until ``stop`` (idempotent)."""
        if self._mock is not None:
            return
        import requests.adapters
        import responses

        # Whatever handles requests now (the network, or a mock a test started before us)
        # keeps handling everything that is not for the fake cloud.
        current = requests.adapters.HTTPAdapter.send
        mock = responses.RequestsMock(
            assert_all_requests_are_fired=False, real_adapter_send=current
        )
        pattern = re.compile(re.escape(self.base_url) + r"(?:[/?#].*)?\Z", re.DOTALL)
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            mock.add_callback(method, pattern, callback=self._serve, content_type=None)
        mock.add_passthru(re.compile(".*", re.DOTALL))
        mock.start()
        self._mock = mock

    def stop(self) -> None:
        """Give ``requests`` back to what handled it before ``start``."""
        mock, self._mock = self._mock, None
        if mock is not None:
            mock.stop(allow_assert=False)
            mock.reset()

    def _serve(self, request: PreparedRequest) -> tuple[int, HTTPHeaderDict, bytes]:
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
