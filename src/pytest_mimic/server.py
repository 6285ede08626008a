"""The threaded Werkzeug server, able to drop a connection the way a broken network does.

Werkzeug's ``make_server`` calls ``sys.exit`` when the port is taken and polls for shutdown
every 0.5 s; we bind the socket ourselves (a taken port is a plain ``OSError``) and poll
every 50 ms so stopping takes well under a second.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import weakref
from typing import TYPE_CHECKING, Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from pytest_mimic.dispatch import DropConnection

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger("pytest_mimic")

#: How often ``serve_forever`` checks for a shutdown request (seconds).
POLL_INTERVAL = 0.05


class _RequestHandler(WSGIRequestHandler):
    """Turns ``DropConnection`` into a closed or reset socket; quiet unless asked."""

    # Set here so Werkzeug does not set it on its own shared handler class.
    protocol_version = "HTTP/1.1"
    # A client that connects and then stalls must not hold a thread forever.
    timeout = 120
    server: _Server

    def handle_one_request(self) -> None:
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

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The dispatcher logs each call with its operation; Werkzeug's line is redundant."""


class _Server(ThreadedWSGIServer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reset_sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()

    def mark_reset(self, sock: socket.socket) -> None:
        self._reset_sockets.add(sock)

    def shutdown_request(self, request: Any) -> None:
        if request in self._reset_sockets:
            # shutdown(SHUT_WR) would send a FIN first; close() alone sends the RST.
            self._reset_sockets.discard(request)
            self.close_request(request)
            return
        super().shutdown_request(request)


class MimicServer:
    """Serves one WSGI app on a background thread; start and stop as often as needed."""

    def __init__(self, app: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
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
                self.host, self.port, self.app, handler=_RequestHandler, fd=listener.fileno()
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
        """Stop serving and release the port; in-flight handler threads are not awaited."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        thread.join()
        self._server = None
        self._thread = None
