"""The root WSGI app: one path through which every request passes.

1. find the service by path prefix, 2. let it name the operation, 3. ask the fault engine,
4. run the service's handler under the cloud lock, 5. record the call in the journal.

Requests are tagged with the cloud's *generation* when they arrive. A reset (between
tests) bumps it under the same lock handlers run under, so a late request from the
previous test can neither change the fresh state nor appear in the next test's journal.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from pytest_mimic.clock import real_monotonic, real_sleep
from pytest_mimic.faults import (
    Behave,
    CloseConnection,
    Delay,
    FaultEngine,
    Hang,
    ResetConnection,
    Respond,
    override_action,
    override_rule,
)
from pytest_mimic.journal import Call, Journal, clip, printable
from pytest_mimic.services.base import (
    BEHAVIORS_KEY,
    MAX_BODY_BYTES,
    Operation,
    Service,
)
from pytest_mimic.transport import CLIENT_TIMEOUT_KEY, TIMED_OUT_KEY, DropConnection

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterator, Sequence

    from _typeshed.wsgi import WSGIEnvironment

    from pytest_mimic.clock import Clock
    from pytest_mimic.faults import Decision

log = logging.getLogger("pytest_mimic")

_BODYLESS = frozenset({204, 304})
#: Server errors kept between resets (the oldest go first): a standalone server that is
#: never reset must not grow without bound.
MAX_ERRORS = 100


#: The environ keys of the next-request status headers (ours, and Fake Servicer's).
_OVERRIDE_ENVIRON = ("HTTP_X_MIMIC_NEXT_STATUS", "HTTP_X_FAKE_SERVICER_NEXT_REQUEST_STATUS")

#: The cloud generation a request arrived in (see ``Dispatcher.wait_for_change``).
GENERATION_KEY = "pytest_mimic.generation"


class StaleRequest(Exception):
    """Raised in a handler whose request outlived a reset or a stop while it waited.

    The dispatcher answers it with the documented 503, as for any request from before a reset.
    """


@dataclass(frozen=True)
class ServerError:
    """An exception raised inside a service, kept to fail the test that caused it."""

    request: str
    body: bytes
    traceback: str

    def render(self) -> str:
        """The request, its body (shortened) and the traceback."""
        body = self.body[:2000].decode("utf-8", "replace")
        text = f"{self.request}\n"
        if body:
            text += f"request body: {body}\n"
        return text + self.traceback


class _Topic:
    """The handlers waiting for changes of one topic, and the condition that wakes them."""

    __slots__ = ("condition", "waiting")

    def __init__(self, lock: threading.RLock) -> None:
        self.condition = threading.Condition(lock)
        self.waiting = 0


class Dispatcher:
    """Routes requests to services; evaluates faults; journals; collects server errors."""

    def __init__(
        self,
        services: Callable[[], Sequence[Service]],
        faults: FaultEngine,
        journal: Journal,
        clock: Clock,
        fallback: Service,
    ) -> None:
        self._services = services
        self._faults = faults
        self._journal = journal
        self._clock = clock
        #: Answers what no service serves (in its own format: the dispatcher writes no body).
        self.fallback = fallback
        #: Called before each request is routed (``MimicCloud.add_request_hook``).
        self.hooks: tuple[Callable[[], None], ...] = ()
        self._hosts: dict[str, Service] = {}
        self.lock = threading.RLock()
        self.generation = 0
        self.errors: deque[ServerError] = deque(maxlen=MAX_ERRORS)
        self._release = threading.Event()
        self._routed: list[tuple[str, Service]] = []
        self._routed_count = -1
        #: Signalled on every change a waiting handler may care about (a send, a clock move,
        #: a reset, a stop); waiting on it releases the lock, so other clients are served.
        #: Handlers that wait for one topic (an SQS queue) wait on a condition of its own.
        self.changed = threading.Condition(self.lock)
        self._topics: dict[Hashable, _Topic] = {}
        self.stopping = False
        #: Handlers inside ``wait_for_change`` right now (tests wait for a poll to start).
        self.waiting = 0
        #: Waiting handlers woken so far, counted as each change is signalled (tests check
        #: that a change wakes only the handlers waiting for it).
        self.woken = 0
        self._waiting_any = 0
        self._waiters = threading.Condition(self.lock)

    @contextmanager
    def new_generation(self) -> Iterator[None]:
        """Hold the lock while the cloud resets; requests from before it become stale."""
        with self.lock:
            self.generation += 1
            self._release.set()
            self._release = threading.Event()
            self.errors = deque(maxlen=MAX_ERRORS)
            self._wake(None)
            yield

    def release_hangs(self) -> None:
        """End every injected hang and wake every waiting handler now (test end, stop)."""
        self._release.set()
        self.notify_change()

    def notify_change(self, topic: Hashable | None = None) -> None:
        """Wake handlers waiting in ``wait_for_change`` to look again: those waiting for
        ``topic`` (and those waiting for any change), or every one when ``topic`` is None
        (a clock move, a reset, a stop).
        """
        with self.lock:
            self._wake(topic)

    def _wake(self, topic: Hashable | None) -> None:
        self.woken += self._waiting_any
        self.changed.notify_all()
        if topic is None:
            for each in self._topics.values():
                self.woken += each.waiting
                each.condition.notify_all()
            return
        found = self._topics.get(topic)
        if found is not None:
            self.woken += found.waiting
            found.condition.notify_all()

    def wait_for_change(
        self, request: Request, seconds: float, topic: Hashable | None = None
    ) -> None:
        """Inside a handler: release the cloud lock for up to ``seconds`` (real time) or
        until a change of ``topic`` (any change when None), then take it back.

        Raises ``StaleRequest`` if the cloud was reset, or the server is stopping, meanwhile:
        the handler must not touch the next test's state. Spurious wake-ups happen; callers
        loop on their own condition and deadline.
        """
        generation = request.environ.get(GENERATION_KEY)
        if generation == self.generation and seconds > 0 and not self.stopping:
            waits: _Topic | None = None
            if topic is None:
                self._waiting_any += 1
            else:
                waits = self._topics.get(topic)
                if waits is None:
                    waits = self._topics[topic] = _Topic(self.lock)
                waits.waiting += 1
            self.waiting += 1
            self._waiters.notify_all()
            try:
                (self.changed if waits is None else waits.condition).wait(seconds)
            finally:
                self.waiting -= 1
                if waits is None:
                    self._waiting_any -= 1
                else:
                    waits.waiting -= 1
                    if not waits.waiting and self._topics.get(topic) is waits:
                        del self._topics[topic]
        if generation != self.generation or self.stopping:
            raise StaleRequest()

    def wait_for_waiters(self, count: int = 1, timeout: float = 10.0) -> bool:
        """Block until at least ``count`` handlers wait in ``wait_for_change`` (for tests
        that must act while a long poll is known to be waiting). False on timeout.
        """
        with self._waiters:
            return self._waiters.wait_for(lambda: self.waiting >= count, timeout)

    def find(self, path: str) -> Service | None:
        """The service whose prefix is the longest match for ``path``."""
        for prefix, service in self._prefixes():
            if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
                return service
        return None

    def _claimant(self, request: Request) -> Service | None:
        """The first service, in registration order, that claims a request no prefix matched
        (a tool with one endpoint for everything sends SQS calls to ``/``).
        """
        for service in self._services():
            try:
                if service.claims(request):
                    return service
            except Exception:
                log.exception("pytest-mimic: %s.claims failed", service.name)
        return None

    def services_changed(self) -> None:
        """Rebuild the routing tables on the next request (a service came or went)."""
        self._routed_count = -1

    def _prefixes(self) -> list[tuple[str, Service]]:
        """``(prefix, service)``, longest prefix first; rebuilt when services change."""
        if self._routed_count < 0:
            services = self._services()
            table = [(s.prefix.rstrip("/"), s) for s in services if s.prefix.rstrip("/")]
            table.sort(key=lambda item: len(item[0]), reverse=True)
            self._hosts = {host.lower(): s for s in services for host in s.hosts}
            self._routed = table
            self._routed_count = len(services)
        return self._routed

    def _by_host(self, environ: WSGIEnvironment) -> Service | None:
        """The service a ``Host`` alias names (``http://billing/invoices/7``), if any."""
        if not self._hosts:
            return None
        host = environ.get("HTTP_HOST", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return self._hosts.get(name.lower())

    def __call__(self, environ: WSGIEnvironment, start_response: Any) -> Any:
        response = self.dispatch(environ)
        # Werkzeug's Response.__call__ re-validates every header on the way out; ours are
        # built by Werkzeug already, so they go out as they are, with an exact length.
        body = response.get_data()
        code = response.status_code
        headers = response.headers.to_wsgi_list()
        if not _sendable(headers):
            # A service put text into a header that HTTP cannot carry (a non-Latin-1 character
            # from the path): a bug in the fake, answered 500 and reported, never a silent drop.
            try:
                raise ValueError(f"header values HTTP cannot carry: {headers!r}")
            except ValueError:
                request = Request(environ)
                response = self._crash(
                    self.find(environ.get("SCRIPT_NAME", "") or "/"), request, request.path, b""
                )
            body, code = response.get_data(), response.status_code
            headers = [
                (k, v) for k, v in response.headers.to_wsgi_list() if k.lower() != "location"
            ]
        if code in _BODYLESS or code < 200:
            body = b""
        elif "Content-Length" not in response.headers:
            headers.append(("Content-Length", str(len(body))))
        start_response(response.status, headers)
        if environ.get("REQUEST_METHOD") == "HEAD":
            return []
        return [body]

    def dispatch(self, environ: WSGIEnvironment) -> Response:
        """Serve one request (may raise ``DropConnection``).

        Whatever fails on the way (routing, a fault rule's own code, a handler, the journal)
        is caught here: the client gets a 500 in the service's format, and the failure is
        kept to fail the test, never an HTML page from the server underneath.
        """
        started = real_monotonic()
        generation = self.generation
        try:
            return self._dispatch(environ, started, generation)
        except Exception:
            request = Request(environ)
            path = environ.get("PATH_INFO", "") or "/"
            service = self.find(environ.get("SCRIPT_NAME", "") + path) or self.find(path)
            return self._crash(service, request, request.path, _body(request))

    def _dispatch(self, environ: WSGIEnvironment, started: float, generation: int) -> Response:
        environ[GENERATION_KEY] = generation
        for hook in self.hooks:
            hook()
        path = environ.get("PATH_INFO", "") or "/"
        service = self.find(path)
        if service is None and self._hosts:
            service = self._by_host(environ)
            if service is not None:
                request = Request(environ)  # served at the root, as the service's own paths
        elif service is not None:
            prefix = service.prefix.rstrip("/")
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
            environ["PATH_INFO"] = path[len(prefix) :]
            request = Request(environ)
        if service is None:
            unrouted = Request(environ)
            # A claim may read the body (an SQS form at the root): up to the largest cap.
            unrouted.max_content_length = max(
                (s.max_body_bytes for s in self._services()), default=MAX_BODY_BYTES
            )
            service = self._claimant(unrouted) or self.fallback
            request = unrouted  # served at the root, as the service's own paths
        # One limit per service, checked on Content-Length before anything is read.
        # A chunked body has no length to check: read one byte past the limit to see it.
        limit = service.max_body_bytes
        request.max_content_length = limit + (request.content_length is None)
        try:
            body = request.get_data(cache=True)
            if len(body) > limit:
                raise RequestEntityTooLarge()
        except RequestEntityTooLarge:
            response = service.error_response(
                413, f"Request body is larger than {limit} bytes.", request=request
            )
            return self._finish(
                Operation(service.name, "unknown"), request, path, response, started, generation
            )
        except HTTPException as error:
            response = service.error_response(
                error.code or 400, error.description or "Bad request", request=request
            )
            return self._finish(
                Operation(service.name, "unknown"), request, path, response, started, generation
            )
        try:
            operation = service.resolve(request)
        except Exception:
            operation = Operation(service.name, "unknown")
            response = self._crash(service, request, path, body)
            return self._finish(operation, request, path, response, started, generation)
        if service.observes:
            return self._observe(service, request, operation, path, body)
        override: Respond | None = None
        if (
            (_OVERRIDE_ENVIRON[0] in environ or _OVERRIDE_ENVIRON[1] in environ)
            and service.next_request_headers
            and service.takes_faults
        ):
            try:
                override = override_action(request.headers.get)
            except ValueError as error:
                problem = service.error_response(400, str(error), request=request)
                return self._finish(operation, request, path, problem, started, generation)

        with self.lock:
            if generation != self.generation:
                return self._stale(service, request)
            try:
                # The control plane takes no rules: a rule for "any service" (a transport
                # scenario with no target) must not lock a client out of reset.
                decision = self._faults.match(operation) if service.takes_faults else None
            except Exception:
                response = self._crash(service, request, path, body)
                return self._finish(operation, request, path, response, started, generation)
            if override is not None:
                # After this request's own match: it is answered normally, the next one not.
                self._faults.override_next(override_rule(service.name, operation.name, override))
        injected = self._apply(decision, service, request, operation, path, started, generation)
        if injected is not None:
            response = injected
        else:
            with self.lock:
                if generation != self.generation:
                    return self._stale(service, request)
                try:
                    response = service.handle(request, operation)
                    response.get_data()  # render lazy bodies inside the lock
                except StaleRequest:
                    return self._stale(service, request)
                except Exception:
                    response = self._crash(service, request, path, body)
        return self._finish(operation, request, path, response, started, generation, decision)

    def _observe(
        self, service: Service, request: Request, operation: Operation, path: str, body: bytes
    ) -> Response:
        """Serve a request to a service that only shows the cloud (``Service.observes``):
        under the lock, so it reads a consistent state, but with no fault rule and no
        journal record, so an open dashboard changes nothing a test asserts on.
        """
        with self.lock:
            try:
                response = service.handle(request, operation)
                response.get_data()
            except Exception:
                response = self._crash(service, request, path, body)
        return response

    def _apply(
        self,
        decision: Decision | None,
        service: Service,
        request: Request,
        operation: Operation,
        path: str,
        started: float,
        generation: int,
    ) -> Response | None:
        """Carry out an injected fault; ``None`` means "now run the service"."""
        if decision is None:
            return None
        action = decision.action
        if isinstance(action, Respond):
            return _injected_response(service, action, request)
        timeout: float | None = request.environ.get(CLIENT_TIMEOUT_KEY)
        if isinstance(action, Delay):
            if timeout is not None and timeout < action.seconds:
                request.environ[TIMED_OUT_KEY] = True
                real_sleep(timeout)
            else:
                real_sleep(action.seconds)
        elif isinstance(action, Behave):
            request.environ.setdefault(BEHAVIORS_KEY, []).append(action)
        elif isinstance(action, ResetConnection | CloseConnection | Hang):
            hung = isinstance(action, Hang)
            if isinstance(action, Hang):
                seconds = action.seconds
                if timeout is not None and timeout < seconds:
                    request.environ[TIMED_OUT_KEY] = True
                    seconds = timeout
                self._release.wait(seconds)
            self._finish(operation, request, path, None, started, generation, decision)
            raise DropConnection(reset=isinstance(action, ResetConnection), hung=hung)
        return None

    def _crash(self, service: Service | None, request: Request, path: str, body: bytes) -> Response:
        query = request.query_string.decode("latin-1")
        target = path + (f"?{query}" if query else "")
        error = ServerError(f"{request.method} {target}", body, traceback.format_exc())
        name = service.name if service is not None else "mimic"
        with self.lock:
            self.errors.append(error)
        log.error(
            "pytest-mimic service %r failed on %s %s\n%s",
            name,
            request.method,
            printable(target),
            error.traceback,
        )
        message = f"The fake {name} service failed; the test will report why."
        if service is not None:
            try:
                return service.error_response(500, message, request=request)
            except Exception:
                log.exception("pytest-mimic: %s.error_response failed", name)
        return self.fallback.error_response(500, message, request=request)

    def _stale(self, service: Service, request: Request) -> Response:
        return service.error_response(
            503, "The fake cloud was reset while this request was in flight.", request=request
        )

    def _finish(
        self,
        operation: Operation,
        request: Request,
        path: str,
        response: Response | None,
        started: float,
        generation: int,
        decision: Decision | None = None,
    ) -> Response:
        call = Call(
            time=self._clock.now(),
            service=operation.service,
            operation=operation.name,
            method=request.method,
            path=path,
            query=request.query_string.decode("latin-1"),
            status=response.status_code if response is not None else 0,
            duration=real_monotonic() - started,
            request_body=clip(_body(request)),
            response_body=clip(response.get_data()) if response is not None else b"",
            attributes=dict(operation.attributes),
            fault=decision.rule.describe() if decision is not None else None,
        )
        with self.lock:
            if generation == self.generation:
                self._journal.record(call)
        if log.isEnabledFor(logging.INFO):
            log.info("%s", call.describe(redact=True))
        if response is None:
            return Response(status=204)
        return response


def _sendable(headers: list[tuple[str, str]]) -> bool:
    for name, value in headers:
        try:
            (name + value).encode("latin-1")
        except UnicodeEncodeError:
            return False
    return True


def _body(request: Request) -> bytes:
    try:
        return request.get_data(cache=True)
    except HTTPException:
        return b""


def _injected_response(service: Service, action: Respond, request: Request) -> Response:
    if action.body is None:
        return service.error_response(
            action.status,
            action.message or f"Injected fault: HTTP {action.status}.",
            fault=action.fault,
            headers=action.headers,
            request=request,
        )
    if isinstance(action.body, bytes | str):
        return Response(action.body, status=action.status, headers=dict(action.headers))
    return Response(
        json.dumps(action.body),
        status=action.status,
        headers=dict(action.headers),
        content_type="application/json",
    )
