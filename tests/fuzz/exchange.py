"""A fuzzed request as strategies draw it, and what happened when it was sent.

``FuzzRequest`` holds symbols (``Known``) where real values go; ``send`` resolves them in
the example's ``World``, sends the request over a real socket with ``requests``, and returns
an ``Exchange``: what went out, what came back, and the journal's record of it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests

from tests.fuzz.known import Known
from tests.fuzz.world import TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_mimic.journal import Call
    from tests.fuzz.routes import Route
    from tests.fuzz.world import World

#: Stands where ``Body.hole`` goes in the encoded document.
HOLE = "\x00fuzz-hole\x00"
_ENCODED_HOLE = json.dumps(HOLE)


def clipped(value: Any, width: int = 80) -> str:
    """``repr(value)``, cut short for reports."""
    text = repr(value)
    return text if len(text) <= width else f"{text[: width - 20]}...<{len(text)} chars>"


@dataclass(frozen=True)
class Segment:
    """A piece of the path: quoted when sent, unless ``raw`` (static text, or percent
    escapes meant to reach the server as they are)."""

    value: str | Known
    raw: bool = False

    def __repr__(self) -> str:
        if isinstance(self.value, Known):
            return repr(self.value)
        return ("raw " if self.raw else "") + clipped(self.value, 60)


@dataclass(frozen=True, eq=False)
class Body:
    """A request body: a JSON ``document`` (with ``Known`` symbols and perhaps ``HOLE``,
    replaced by the JSON text ``hole``), or ``raw`` bytes. ``label`` is what reports show.

    ``encoding``: ``utf-8`` (ASCII escapes), ``utf-8-raw`` (non-ASCII as it is), ``utf-16``
    or ``latin-1``.
    """

    label: str
    document: Any = None
    raw: bytes | None = None
    hole: str | None = None
    encoding: str = "utf-8"

    def __repr__(self) -> str:
        return f"<body {self.label}>"

    def encode(self, world: World) -> bytes:
        if self.raw is not None:
            return self.raw
        document = world.resolve(self.document)
        text = json.dumps(document, ensure_ascii=self.encoding == "utf-8")
        if self.hole is not None:
            text = text.replace(_ENCODED_HOLE, self.hole, 1)
        if self.encoding == "utf-16":
            return text.encode("utf-16")
        if self.encoding == "latin-1":
            return text.encode("latin-1", "replace")
        return text.encode("utf-8", "surrogatepass")


@dataclass(frozen=True, eq=False)
class FuzzRequest:
    """One drawn request for ``route``. ``None`` as a query value sends the bare name;
    ``chunked`` sends the body with ``Transfer-Encoding: chunked``."""

    route: Route
    method: str
    path: tuple[Segment, ...]
    query: tuple[tuple[str, str | Known | None], ...]
    query_quoted: bool
    headers: tuple[tuple[str, str | Known], ...]
    body: Body | None
    chunked: bool

    def __repr__(self) -> str:
        path = "".join(
            s.value if isinstance(s.value, str) and s.raw else f"{{{s!r}}}" for s in self.path
        )
        text = f"{self.method} {self.route.prefix}{path}"
        if self.query:
            text += " query=" + repr([(k, v) for k, v in self.query])
            text += "" if self.query_quoted else " (unquoted)"
        if self.headers:
            text += " headers=" + repr([(k, v) for k, v in self.headers])
        if self.body is not None:
            text += f" {self.body!r}" + (" chunked" if self.chunked else "")
        return f"FuzzRequest({text})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints falsifying examples with this (IPython's protocol).
        printer.text(repr(self))


@dataclass
class Exchange:
    """What was sent and what came back; ``call`` is the journal's record (``None`` when
    the request never reached the dispatcher, or asked for a reset, which clears the
    journal: ``reset`` says so)."""

    request: FuzzRequest
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    status: int
    response_headers: dict[str, str]
    content: bytes
    seconds: float
    call: Call | None
    reset: bool
    #: Why no answer came (the connection dropped or timed out), else ``None``.
    failure: str | None = None

    def describe(self, world: World) -> str:
        """A reproduction: the request as sent, the values made for it, and the answer."""
        lines = [f"{self.method} {self.url}"]
        lines += [f"{name}: {clipped(value, 120)}" for name, value in self.headers.items()]
        if self.body is not None:
            lines.append(
                f"body ({len(self.body)} bytes"
                f"{', chunked' if self.request.chunked else ''}): {clipped(self.body, 600)}"
            )
        if world.values:
            made = ", ".join(f"{n} #{v} = {clipped(x, 50)}" for (n, v), x in world.values.items())
            lines.append(f"made for this example: {made}")
        if world.failures:
            lines.append("recipes that failed: " + "; ".join(world.failures))
        if self.failure is not None:
            lines.append(f"no answer after {self.seconds:.3f} s: {self.failure}")
        else:
            lines.append(
                f"answer: {self.status} {self.response_headers.get('Content-Type')} "
                f"in {self.seconds:.3f} s: {clipped(self.content, 600)}"
            )
        if self.call is not None:
            lines.append(f"journal: {self.call.describe()}")
        return "\n".join(lines)


def send(world: World, request: FuzzRequest) -> Exchange:
    """Resolve ``request`` in ``world`` and send it on ``world.session``."""
    path = "".join(_segment(world, segment) for segment in request.path)
    url = world.cloud.base_url + request.route.prefix + path
    query = _query(world, request)
    if query:
        url += "?" + query
    headers = {
        name: world.value(value) if isinstance(value, Known) else value
        for name, value in request.headers
    }
    body = request.body.encode(world) if request.body is not None else None
    data: bytes | Iterator[bytes] | None = body
    if body is not None and request.chunked:
        data = iter((body[: len(body) // 2], body[len(body) // 2 :]))
    before = len(world.cloud.journal)
    generation = world.cloud.dispatcher.generation
    session: requests.Session = world.session
    started = time.perf_counter()
    status, response_headers, content, failure = 0, {}, b"", None
    try:
        response = session.request(
            request.method, url, headers=headers, data=data, timeout=TIMEOUT, allow_redirects=False
        )
        status, response_headers, content = (
            response.status_code,
            dict(response.headers),
            response.content,
        )
    except requests.RequestException as error:
        failure = f"{type(error).__name__}: {error}"
    seconds = time.perf_counter() - started
    calls = world.cloud.journal.calls()
    return Exchange(
        request=request,
        method=request.method,
        url=url,
        headers=headers,
        body=body,
        status=status,
        response_headers=response_headers,
        content=content,
        seconds=seconds,
        call=calls[-1] if len(calls) == before + 1 else None,
        reset=world.cloud.dispatcher.generation != generation,
        failure=failure,
    )


def _segment(world: World, segment: Segment) -> str:
    value = world.value(segment.value) if isinstance(segment.value, Known) else segment.value
    return value if segment.raw else quote(value, safe="")


def _query(world: World, request: FuzzRequest) -> str:
    pairs = []
    for name, value in request.query:
        text = world.value(value) if isinstance(value, Known) else value
        if request.query_quoted:
            name = quote(name, safe="")
            text = None if text is None else quote(text, safe="")
        pairs.append(name if text is None else f"{name}={text}")
    return "&".join(pairs)
