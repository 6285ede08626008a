"""The socket-free transport: clients in the test's process reach the fake without TCP.

While active, calls whose URL is on the cloud's base URL are handed to the very same WSGI app
the server runs (dispatcher, fault engine, journal and clock included), in the calling
thread, by two routes: ``requests`` calls through ``responses`` (``requests_route``), and
botocore clients (boto3 and libraries built on it) at the point where botocore would open
the socket (``botocore_route``). Both share one exchange (``exchange``): the same environ,
and the same meaning for every TCP-level fault, raised as each client's own exception.

Every other URL goes where it went before; clients in other processes (the AWS CLI, a
``serve`` user) keep using the socket, so the server keeps running.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_mimic.inprocess.botocore_route import BotocoreRoute
from pytest_mimic.inprocess.requests_route import RequestsRoute

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = ["TRANSPORTS", "InProcessTransport", "check_transport"]

#: The ways a test's clients can reach the fake cloud.
TRANSPORTS = ("socket", "in-process")


def check_transport(value: str) -> str:
    """``value`` if it names a transport, else a ``ValueError`` that lists the valid ones."""
    if value not in TRANSPORTS:
        choices = ", ".join(repr(t) for t in TRANSPORTS)
        raise ValueError(f"unknown pytest-mimic transport {value!r}; choose one of {choices}")
    return value


class InProcessTransport:
    """Routes ``requests`` and botocore calls for ``base_url`` to ``app`` while started."""

    def __init__(self, app: WSGIApplication, base_url: str) -> None:
        self.app = app
        self.base_url = base_url.rstrip("/")
        self._routes = (RequestsRoute(app, base_url), BotocoreRoute(app, base_url))
        self._started = False

    @property
    def active(self) -> bool:
        """Whether calls to the cloud are being served in-process."""
        return self._started

    def start(self) -> None:
        """Route calls in-process until ``stop`` (idempotent)."""
        if self._started:
            return
        started = []
        try:
            for route in self._routes:
                route.start()
                started.append(route)
        except BaseException:
            for route in reversed(started):
                route.stop()
            raise
        self._started = True

    def stop(self) -> None:
        """Give every client back to what carried its calls before ``start``."""
        if not self._started:
            return
        self._started = False
        for route in reversed(self._routes):
            route.stop()

    def __enter__(self) -> InProcessTransport:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
