"""The socket-free path: ``requests``-based clients reach the fake without TCP.

While active, ``responses`` hands every ``requests`` call whose URL starts with the cloud's
base URL to the very same WSGI app the server runs (dispatcher, fault engine, journal and
clock included), in the calling thread. Every other URL goes wherever it went before: the
network, or a ``responses`` mock the test started earlier.

Clients that do not use ``requests`` (boto3 and the AWS CLI, other processes) are untouched
and keep using the socket, so the server keeps running. So do calls made inside a
``responses`` mock the test itself starts: that mock passes them to the network.

TCP-level faults have no socket to act on. They raise what ``requests`` raises for the
real thing: a reset is ``requests.ConnectionError`` wrapping ``ConnectionResetError``; a
close without answer wraps ``RemoteDisconnected``; a hang lasts as long as the client's
read timeout allows and then raises ``requests.ReadTimeout`` (or, with no timeout or a
longer one, ends like a close when the hang does). Injected latency longer than the
client's read timeout waits out the timeout, lets the request complete (as a server would)
and raises ``requests.ReadTimeout``.
"""

from __future__ import annotations

import io
import re
import sys
from http.client import RemoteDisconnected
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from pytest_mimic.transport import CLIENT_TIMEOUT_KEY, TIMED_OUT_KEY, DropConnection

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from requests import PreparedRequest
    from urllib3 import HTTPHeaderDict

__all__ = ["TRANSPORTS", "InProcessTransport", "check_transport"]

#: The ways a test's ``requests`` calls can reach the fake cloud.
TRANSPORTS = ("socket", "in-process")


def check_transport(value: str) -> str:
    """``value`` if it names a transport, else a ``ValueError`` that lists the valid ones."""
    if value not in TRANSPORTS:
        choices = ", ".join(repr(t) for t in TRANSPORTS)
        raise ValueError(f"unknown pytest-mimic transport {value!r}; choose one of {choices}")
    return value


class InProcessTransport:
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

    def __enter__(self) -> InProcessTransport:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self, request: PreparedRequest) -> tuple[int, HTTPHeaderDict, bytes]:
        import requests

        environ = _environ(request)
        timeout = _read_timeout(getattr(request, "req_kwargs", {}).get("timeout"))
        if timeout is not None:
            environ[CLIENT_TIMEOUT_KEY] = timeout
        captured: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if exc_info is not None and captured:
                raise exc_info[1].with_traceback(exc_info[2])
            captured[:] = [status, headers]
            return _unsupported_write

        try:
            chunks = self.app(environ, start_response)
        except DropConnection as drop:
            error = _connection_error(drop, environ.get(TIMED_OUT_KEY, False), timeout, request)
            # As in requests, the urllib3 error is the cause (tests walk the chain).
            raise error from (error.args[0] if isinstance(error.args[0], Exception) else None)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        if environ.get(TIMED_OUT_KEY):
            raise requests.ReadTimeout(
                f"pytest-mimic (in-process): read timed out after {timeout:g} s (injected latency)",
                request=request,
            )
        status, headers = captured
        from urllib3 import HTTPHeaderDict  # imported late: only in-process tests need it

        # A multi-valued mapping: a dict would lose repeated headers.
        answer = HTTPHeaderDict()
        for name, value in headers:
            answer.add(name, value)
        return int(status.split(None, 1)[0]), answer, body


def _connection_error(
    drop: DropConnection, timed_out: bool, timeout: float | None, request: Any
) -> Exception:
    """What ``requests`` raises when the network does what ``drop`` describes."""
    import requests
    from urllib3.exceptions import ProtocolError

    if drop.hung and timed_out and timeout is not None:
        return requests.ReadTimeout(
            f"pytest-mimic (in-process): read timed out after {timeout:g} s (injected hang)",
            request=request,
        )
    reason: OSError = (
        ConnectionResetError(104, "Connection reset by peer")
        if drop.reset
        else RemoteDisconnected("Remote end closed connection without response")
    )
    return requests.ConnectionError(ProtocolError("Connection aborted.", reason), request=request)


def _unsupported_write(data: bytes) -> None:
    raise NotImplementedError("the in-process transport does not support WSGI write()")


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


def _environ(request: PreparedRequest) -> dict[str, Any]:
    """The WSGI environ a server would build for ``request``."""
    url = urlsplit(str(request.url))
    body: Any = request.body  # responses has already read a file-like body into bytes
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
    host = url.hostname or "localhost"
    port = url.port or (443 if url.scheme == "https" else 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": str(request.method).upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(url.path or "/").encode("utf-8").decode("latin-1"),
        "QUERY_STRING": url.query,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": 0,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme or "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": url.netloc,
        "CONTENT_LENGTH": str(len(data)),
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key in {"CONTENT_LENGTH", "HOST"}:
            continue
        if key != "CONTENT_TYPE":
            key = "HTTP_" + key
        environ[key] = value
    return environ
