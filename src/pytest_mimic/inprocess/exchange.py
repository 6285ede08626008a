"""One HTTP exchange with the cloud's WSGI app in the calling thread, whatever the client.

The routes for ``requests`` and for botocore both come through here, so they build the
environ a server would build, reach the same dispatcher, fault engine, journal and clock, and
agree on what a TCP-level fault means; each then raises its own client's exception for it.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from http.client import RemoteDisconnected
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from pytest_mimic.clock import real_monotonic
from pytest_mimic.transport import CLIENT_TIMEOUT_KEY, TIMED_OUT_KEY, DropConnection

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import WSGIApplication
    from urllib3.exceptions import ProtocolError

__all__ = [
    "Answer",
    "ConnectionAborted",
    "ConnectionFault",
    "ReadTimedOut",
    "exchange",
    "request_body",
    "serves",
]


@dataclass(frozen=True)
class Answer:
    """What the app answered: status code, reason phrase, headers in order, the whole body."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes


class ConnectionFault(Exception):
    """A TCP-level fault in place of an answer; each route raises its client's error for it."""


class ConnectionAborted(ConnectionFault):
    """The connection ended without an answer: an RST (``reset``) or a plain close."""

    def __init__(self, *, reset: bool) -> None:
        super().__init__("reset" if reset else "close")
        self.reset = reset

    def protocol_error(self) -> ProtocolError:
        """The urllib3 error a real socket gives (``requests`` and botocore both wrap it)."""
        from urllib3.exceptions import ProtocolError

        reason: OSError = (
            ConnectionResetError(104, "Connection reset by peer")
            if self.reset
            else RemoteDisconnected("Remote end closed connection without response")
        )
        return ProtocolError("Connection aborted.", reason)


class ReadTimedOut(ConnectionFault):
    """The client's read timeout ran out before the answer (an injected hang or latency)."""

    def __init__(self, timeout: float, cause: str) -> None:
        super().__init__(f"pytest-mimic (in-process): read timed out after {timeout:g} s ({cause})")
        self.timeout = timeout


def serves(base_url: str, url: str) -> bool:
    """Whether ``url`` is on ``base_url`` (``http://h:1`` serves ``http://h:1/x``, not
    ``http://h:10``).
    """
    if not url.startswith(base_url):
        return False
    return len(url) == len(base_url) or url[len(base_url)] in "/?#"


def request_body(body: Any) -> bytes:
    """A request body as bytes, from what clients hand their transport (None, text, bytes, a
    file, an iterable of chunks).
    """
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    read = getattr(body, "read", None)
    if read is not None:
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


def exchange(
    app: WSGIApplication,
    method: str,
    url: str,
    headers: Iterable[tuple[str, str | bytes]],
    body: bytes,
    read_timeout: float | None,
) -> Answer:
    """Serve one request with ``app``; raise ``ConnectionFault`` where a socket would fail.

    ``read_timeout`` is how long the client waits for an answer: injected hangs and latency
    last no longer than that, then raise ``ReadTimedOut`` (after latency, the request has
    still been served, as a server would). A hang shorter than it ends like a close. Any
    other answer that took longer (a long poll past the timeout) is served in full, then
    raises ``ReadTimedOut`` too: the client would have given up on it.
    """
    started = real_monotonic()
    environ = _environ(method, url, headers, body)
    if read_timeout is not None:
        environ[CLIENT_TIMEOUT_KEY] = read_timeout
    captured: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and captured:
            raise exc_info[1].with_traceback(exc_info[2])
        captured[:] = [status, headers]
        return _unsupported_write

    try:
        chunks = app(environ, start_response)
    except DropConnection as drop:
        if drop.hung and read_timeout is not None and environ.get(TIMED_OUT_KEY):
            raise ReadTimedOut(read_timeout, "injected hang") from None
        raise ConnectionAborted(reset=drop.reset) from None
    try:
        data = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    if read_timeout is not None:
        if environ.get(TIMED_OUT_KEY):
            raise ReadTimedOut(read_timeout, "injected latency")
        if real_monotonic() - started > read_timeout:
            raise ReadTimedOut(read_timeout, "the answer took longer")
    status, answer_headers = captured
    code, _, reason = status.partition(" ")
    return Answer(int(code), reason, answer_headers, data)


def _unsupported_write(data: bytes) -> None:
    raise NotImplementedError("the in-process transport does not support WSGI write()")


def _environ(
    method: str, url: str, headers: Iterable[tuple[str, str | bytes]], body: bytes
) -> dict[str, Any]:
    """The WSGI environ a server would build for this request."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(parts.path or "/").encode("utf-8").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": 0,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": parts.netloc,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key in {"CONTENT_LENGTH", "HOST"}:
            continue
        if key != "CONTENT_TYPE":
            key = "HTTP_" + key
        # What a server reads off the wire: bytes become text as latin-1 (PEP 3333).
        environ[key] = value.decode("latin-1") if isinstance(value, bytes) else value
    return environ
