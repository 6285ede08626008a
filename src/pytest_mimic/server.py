"""The threaded Werkzeug server: HTTP/1.1 keep-alive, and able to drop a connection the way a
broken network does.

Werkzeug's development server answers every request with ``Connection: close`` (its handler
cannot drain an unread body before the next request line), so each request pays for a new
TCP connection. Our handler writes the response itself: it always knows the body's length
(our app's bodies are in memory), bounds the request body so the app can never read into the
next request, and drains or closes what the app left unread. The rest of Werkzeug (the WSGI
environ, the threaded socketserver) is used as it is.

Werkzeug's ``make_server`` calls ``sys.exit`` when the port is taken and polls for shutdown
every 0.5 s; we bind the socket ourselves (a taken port is a plain ``OSError``) and poll
every 10 ms. A stop also shuts every open connection, so idle keep-alive connections do not
outlive the server.

Two limits keep a long-running server (``serve``) from being held by its clients, each read
from the cloud's settings when it applies, so any door can change them:

- a deadline for a whole request head (``request_head_seconds``, at most the idle timeout):
  the socket timeout restarts with every byte, so a client trickling one header byte every
  few seconds would hold its thread forever; the serving loop answers it 408 and closes;
- a cap on open connections (``max_connections``): one more is answered 503 with
  ``Retry-After`` at once, by the serving loop, with no thread, and closed once the client
  has read it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import socket
import struct
import threading
import weakref
from email.utils import formatdate
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import ClientDisconnected
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from pytest_mimic.clock import real_monotonic, real_time
from pytest_mimic.transport import DropConnection

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

log = logging.getLogger("pytest_mimic")

#: How often ``serve_forever`` checks for a shutdown request (seconds): a stop waits up to
#: this long, once per session; an idle server wakes this often, which costs nothing visible.
POLL_INTERVAL = 0.01
#: Seconds an idle kept-alive connection (or a stalled client) may hold a thread.
IDLE_TIMEOUT = 60.0
#: An unread request body up to this size is read and discarded to keep the connection;
#: a larger one costs the connection instead.
DRAIN_LIMIT = 256 * 1024
#: Open connections the server serves at once unless the cloud's settings say otherwise.
MAX_CONNECTIONS = 512
#: Seconds a refused connection is kept for its client to read the 503 before it closes.
_REFUSED_LINGER = 2.0
#: Refused connections kept lingering at most; past this the oldest closes at once.
_MAX_LINGERING = 1024
_REFUSAL_BODY = (
    b"503 Service Unavailable: the fake cloud has as many open connections as it serves "
    b"(the max_connections setting); retry shortly.\n"
)
_REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: "
    + str(len(_REFUSAL_BODY)).encode()
    + b"\r\n\r\n"
    + _REFUSAL_BODY
)
#: Bodies up to this size go out in the same write as the headers (one TCP segment).
_COALESCE_LIMIT = 64 * 1024
_NO_BODY_STATUSES = frozenset({204, 304})


class _UnsupportedCoding(Exception):
    def __init__(self, coding: str) -> None:
        super().__init__(coding)
        self.coding = coding


class _BodyReader:
    """``wsgi.input`` that ends where the request body ends.

    The WSGI app reads through it (Werkzeug honours ``wsgi.input_terminated``); it never
    reads into the next request on the connection, raises ``ClientDisconnected`` (a 400)
    when the client hangs up early, and tells the handler how much is left unread.
    """

    __slots__ = ("_rfile", "remaining")

    def __init__(self, rfile: Any, length: int) -> None:
        self._rfile = rfile
        self.remaining = length

    def read(self, size: int | None = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data = self._rfile.read(wanted)
        self.remaining -= len(data)
        if len(data) < wanted:
            self.remaining = 0
            raise ClientDisconnected()
        return data  # type: ignore[no-any-return]

    def readline(self, size: int | None = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data = self._rfile.readline(wanted)
        self.remaining -= len(data)
        if not data:
            self.remaining = 0
            raise ClientDisconnected()
        return data  # type: ignore[no-any-return]

    def __iter__(self) -> Any:
        return iter(self.readline, b"")


class _RequestHandler(WSGIRequestHandler):
    """Serves any number of requests per connection; turns ``DropConnection`` into a closed
    or reset socket; quiet unless asked.
    """

    # Set here so Werkzeug does not set it on its own shared handler class.
    protocol_version = "HTTP/1.1"
    # Headers and body may be two writes: without TCP_NODELAY a kept-alive connection
    # stalls 40 ms on Nagle's algorithm meeting the client's delayed ACK.
    disable_nagle_algorithm = True
    server: _Server

    #: Set by the serving loop when this request's head took past its deadline.
    head_expired = False

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_timeout)
        self.server.track(self.connection)

    def finish(self) -> None:
        self.server.untrack(self.connection)
        super().finish()

    def handle_one_request(self) -> None:
        try:
            # The next request's first byte (up to the idle timeout): its head's deadline
            # starts there, so an idle kept-alive connection waits as long as it did.
            reader: Any = self.rfile  # a BufferedReader: it can peek
            if not reader.peek(1):
                self.close_connection = True
                return
        except (OSError, ValueError):
            self.close_connection = True
            return
        self.head_expired = False
        self.server.head_started(self)
        try:
            super().handle_one_request()
        except DropConnection as drop:
            self.close_connection = True
            if drop.reset:
                # Linger with a zero timeout makes close() send RST instead of FIN.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.server.mark_reset(self.connection)
        finally:
            self.server.head_done(self)
        if self.head_expired:
            self.close_connection = True

    def make_environ(self) -> WSGIEnvironment:
        coding = self.headers.get("Transfer-Encoding")
        if coding is not None and coding.strip().lower() != "chunked":
            # gzip, or "gzip, chunked": a body we cannot frame; reading it as plain would
            # misread the connection's next request.
            raise _UnsupportedCoding(coding)
        environ = super().make_environ()
        if "wsgi.input_terminated" not in environ:  # Werkzeug dechunks chunked bodies itself
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            environ["wsgi.input"] = _BodyReader(self.rfile, max(length, 0))
            environ["wsgi.input_terminated"] = True
        return environ

    def run_wsgi(self) -> None:
        """One request: run the app, send one correctly framed response, keep or close."""
        self.server.head_done(self)
        if self.head_expired:
            # The head ended because its deadline shut the reading side: it may be cut short.
            self.send_error(408)
            return
        if not self.server.keep_alive or not self.server.serving:
            self.close_connection = True
        try:
            self.environ = environ = self.make_environ()
        except _UnsupportedCoding as unsupported:
            self.send_error(501, f"Transfer-Encoding {unsupported.coding!r} is not supported")
            return
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        started: list[Any] = []
        written: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if exc_info is not None and written:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return written.append

        try:
            iterable = self.server.app(environ, start_response)
            try:
                body = b"".join([*written, *iterable])
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()
        except DropConnection:
            raise
        except (ConnectionError, TimeoutError):
            self.close_connection = True
            return
        except Exception:
            # The dispatcher answers its own errors; this is a last resort that keeps the
            # connection's framing right.
            log.exception("pytest-mimic: unhandled error serving %s", self.path)
            started[:] = ["500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain")]]
            body = b"internal error in the fake cloud server\n"
            self.close_connection = True
        self._finish_body(environ)
        self._send(started[0], started[1], body, environ["REQUEST_METHOD"])

    def _finish_body(self, environ: WSGIEnvironment) -> None:
        """Read what the app left of the request body, or give up the connection."""
        reader = environ["wsgi.input"]
        if not isinstance(reader, _BodyReader):
            # A chunked body: whether the app read all of it is unknowable cheaply.
            self.close_connection = True
            return
        if reader.remaining > DRAIN_LIMIT:
            self.close_connection = True
        elif reader.remaining:
            try:
                while reader.remaining and reader.read(min(reader.remaining, 65536)):
                    pass
            except (ClientDisconnected, OSError):
                self.close_connection = True

    def _send(
        self, status: str, headers: Iterable[tuple[str, str]], body: bytes, method: str
    ) -> None:
        code = int(status.split(None, 1)[0])
        lines = [f"{self.protocol_version} {status}\r\n"]
        declared: int | None = None
        for name, value in headers:
            lowered = name.lower()
            if lowered == "content-length":
                declared = int(value)
                continue
            if lowered in {"connection", "transfer-encoding", "keep-alive"}:
                continue  # framing is ours to decide
            lines.append(f"{name}: {value}\r\n")
        if method == "HEAD":
            length = declared if declared is not None else len(body)
            body = b""
        elif code in _NO_BODY_STATUSES or code < 200:
            length, body = 0, b""
        else:
            length = len(body)
            if declared is not None and declared != length:
                log.warning(
                    "pytest-mimic: %s declared %d body bytes, sent %d", status, declared, length
                )
        if code not in _NO_BODY_STATUSES and code >= 200:
            lines.append(f"Content-Length: {length}\r\n")
        lines.append(f"Server: {self.server_version}\r\nDate: {_http_date()}\r\n")
        if self.close_connection:
            lines.append("Connection: close\r\n")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive\r\n")
        lines.append("\r\n")
        head = "".join(lines).encode("latin-1")
        try:
            if len(body) <= _COALESCE_LIMIT:
                self.wfile.write(head + body)
            else:
                self.wfile.write(head)
                self.wfile.write(body)
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed request lines and headers get a plain-text answer and a closed socket;
        a head past its deadline gets 408, whatever its cut-short text looked like."""
        self.close_connection = True
        if self.head_expired:
            code = 408
            message = (
                f"the request head took longer than {self.server.head_seconds():g} s "
                "(the request_head_seconds setting)"
            )
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        text = f"{code} {phrase}: {message or phrase}\n".encode("latin-1", "replace")
        if not hasattr(self, "request_version") or self.request_version is None:
            self.request_version = "HTTP/1.1"
        self._send(f"{code} {phrase}", [("Content-Type", "text/plain; charset=utf-8")], text, "")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The dispatcher logs each call with its operation; Werkzeug's line is redundant."""

    def log_error(self, format: str, *args: Any) -> None:
        """Timeouts and malformed requests go to our logger, never straight to stderr."""
        if log.isEnabledFor(logging.DEBUG):
            log.debug("pytest-mimic server: " + format, *args)

    def log_message(self, format: str, *args: Any) -> None:
        self.log_error(format, *args)


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The ``Date`` header, formatted once per second (real time, not the fake clock)."""
    global _date_cache
    second = int(real_time())
    cached = _date_cache
    if cached[0] != second:
        cached = (second, formatdate(second, usegmt=True))
        _date_cache = cached
    return cached[1]


def _default_limits() -> tuple[float, int]:
    return IDLE_TIMEOUT, MAX_CONNECTIONS


class _Server(ThreadedWSGIServer):
    def __init__(
        self,
        *args: Any,
        keep_alive: bool,
        idle_timeout: float,
        limits: Callable[[], tuple[float, int]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keep_alive = keep_alive
        self.idle_timeout = idle_timeout
        self.limits = limits
        self.serving = True
        self._reset_sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        #: Connections given a thread and not yet shut (the cap counts these).
        self._connections = 0
        #: Handlers reading a request head, with their deadlines (real monotonic time).
        self._heads: dict[_RequestHandler, float] = {}
        self._next_deadline = math.inf
        #: Refused connections waiting for their client to read the 503, with a close-by time.
        self._lingering: list[tuple[float, socket.socket]] = []

    # -- the connection cap ------------------------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection on a thread of its own, unless ``max_connections`` are open:
        then answer 503 now, from this (the serving) thread."""
        with self._open_lock:
            full = self._connections >= self.limits()[1]
            if not full:
                self._connections += 1
        if full:
            self._refuse(request)
            return
        super().process_request(request, client_address)

    def _refuse(self, sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.setblocking(False)
            sock.send(_REFUSAL)  # a fresh socket's send buffer takes it whole
            sock.shutdown(socket.SHUT_WR)
        # Closing now, with the request unread, would send an RST that can destroy the
        # answer before the client reads it: the serving loop closes it later.
        self._lingering.append((real_monotonic() + _REFUSED_LINGER, sock))
        if len(self._lingering) > _MAX_LINGERING:
            self._close_refused(self._lingering.pop(0)[1])

    def _linger(self, now: float) -> None:
        """Read what refused clients sent; close those that closed or had their time."""
        kept: list[tuple[float, socket.socket]] = []
        for close_by, sock in self._lingering:
            try:
                while sock.recv(65536):
                    pass
            except (BlockingIOError, InterruptedError):
                if close_by > now:
                    kept.append((close_by, sock))
                    continue
            except OSError:
                pass
            self._close_refused(sock)
        self._lingering = kept

    def _close_refused(self, sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.close()

    # -- the request-head deadline ---------------------------------------------------------

    def head_seconds(self) -> float:
        """The deadline of a whole request head: the setting, at most the idle timeout."""
        return min(self.limits()[0], self.idle_timeout)

    def head_started(self, handler: _RequestHandler) -> None:
        deadline = real_monotonic() + self.head_seconds()
        with self._open_lock:
            self._heads[handler] = deadline
            self._next_deadline = min(self._next_deadline, deadline)

    def head_done(self, handler: _RequestHandler) -> None:
        if handler in self._heads:
            with self._open_lock:
                self._heads.pop(handler, None)

    def _expire_heads(self, now: float) -> None:
        with self._open_lock:
            expired = [handler for handler, deadline in self._heads.items() if deadline <= now]
            for handler in expired:
                del self._heads[handler]
            self._next_deadline = min(self._heads.values(), default=math.inf)
        for handler in expired:
            handler.head_expired = True
            # The handler's blocked read returns at once (end of input); it answers 408.
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RD)

    def service_actions(self) -> None:
        """Run by ``serve_forever`` between requests and at least every ``POLL_INTERVAL``."""
        super().service_actions()
        now = real_monotonic()
        if now >= self._next_deadline:
            self._expire_heads(now)
        if self._lingering:
            self._linger(now)

    def track(self, sock: socket.socket) -> None:
        with self._open_lock:
            self._open.add(sock)

    def untrack(self, sock: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(sock)

    def close_open_connections(self) -> None:
        """Wake every handler thread blocked on a kept-alive connection, so it ends now."""
        self.serving = False
        with self._open_lock:
            connections = list(self._open)
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        lingering, self._lingering = self._lingering, []
        for _close_by, sock in lingering:
            self._close_refused(sock)

    def mark_reset(self, sock: socket.socket) -> None:
        self._reset_sockets.add(sock)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._connections -= 1
        if request in self._reset_sockets:
            # shutdown(SHUT_WR) would send a FIN first; close() alone sends the RST.
            self._reset_sockets.discard(request)
            self.close_request(request)
            return
        super().shutdown_request(request)


class MimicServer:
    """Serves one WSGI app on a background thread; start and stop as often as needed.

    ``keep_alive=False`` closes the connection after every response (the benchmark's
    baseline, and a way to rule keep-alive out when debugging a client). ``limits()``
    gives ``(request_head_seconds, max_connections)`` whenever the server applies them
    (``MimicCloud`` reads its settings); by default the idle timeout and ``MAX_CONNECTIONS``.
    """

    def __init__(
        self,
        app: WSGIApplication,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        keep_alive: bool = True,
        idle_timeout: float = IDLE_TIMEOUT,
        limits: Callable[[], tuple[float, int]] = _default_limits,
    ) -> None:
        if idle_timeout <= 0:
            raise ValueError(
                f"idle_timeout must be a positive number of seconds, not {idle_timeout!r}"
            )
        self.app = app
        self.host = host
        self.port = port
        self.keep_alive = keep_alive
        self.idle_timeout = idle_timeout
        self.limits = limits
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<MimicServer {self.url} {state}>"

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._server is not None

    @property
    def url(self) -> str:
        """``http://host:port`` (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Bind and start serving; a taken port raises ``OSError`` (never ``SystemExit``)."""
        if self._server is not None:
            return
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.create_server((self.host, self.port), family=family, backlog=128)
        try:
            server = _Server(
                self.host,
                self.port,
                self.app,
                handler=_RequestHandler,
                fd=listener.fileno(),
                keep_alive=self.keep_alive,
                idle_timeout=self.idle_timeout,
                limits=self.limits,
            )
        finally:
            listener.close()  # Werkzeug duplicated the descriptor
        self.port = server.port
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"pytest-mimic server :{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close every open connection and release the port.

        In-flight handler threads are not awaited; idle keep-alive connections are shut,
        so a client's next request on one sees a closed connection, not a stopped fake.
        """
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        thread.join()
        server.close_open_connections()
        self._server = None
        self._thread = None
