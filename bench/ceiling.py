"""The ceiling: a WSGI app that does no work, on the very server class the fake runs on.

It answers each request with bytes recorded from the fake beforehand (same status, headers
and body), so the client does exactly the same work on both sides of a comparison and the
difference is what the fake's dispatcher and services cost.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_mimic.server import MimicServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests

_NOT_RECORDED = ("404 Not Found", [("Content-Type", "text/plain")], b"not recorded\n")
#: Framing headers are the server's to write.
_SERVER_HEADERS = frozenset({"content-length", "connection", "date", "server", "keep-alive"})


class DoNothingApp:
    """Replays recorded answers by ``(method, path)``; anything else is a 404."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], tuple[str, list[tuple[str, str]], bytes]] = {}

    def record(self, response: requests.Response) -> requests.Response:
        """Answer later requests like ``response``'s request with ``response``."""
        request = response.request
        path = urlsplit(str(request.url)).path
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in _SERVER_HEADERS
        ]
        status = f"{response.status_code} {response.reason}"
        self.answers[(str(request.method), path)] = (status, headers, response.content)
        return response

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        key = (environ["REQUEST_METHOD"], environ["PATH_INFO"])
        status, headers, body = self.answers.get(key, _NOT_RECORDED)
        start_response(status, headers)
        return [body]


@contextmanager
def serving(app: Any, *, keep_alive: bool = True) -> Iterator[MimicServer]:
    """``app`` on a started ``MimicServer`` (an ephemeral port) until the block ends."""
    server = MimicServer(app, keep_alive=keep_alive)
    server.start()
    try:
        yield server
    finally:
        server.stop()
