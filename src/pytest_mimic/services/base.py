"""The service interface and the HTTP mechanics every service shares.

A service is a state model (plain Python) plus an HTTP layer. The HTTP layer is a
``Service``: it names itself, says where it lives in the service catalog, resolves each
request to an ``Operation`` *before* acting (so the fault engine and the journal can see
what is being asked), handles it, and answers errors in its own wire format.

Most services subclass ``RoutedService``: handler methods carry ``@route(...)`` and the
route's endpoint is the operation name.
"""

from __future__ import annotations

import abc
import json
import re
import uuid
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from pytest_mimic.errors import ServiceError
from pytest_mimic.operation import Operation
from pytest_mimic.panel import ROW_LIMIT, Panel
from pytest_mimic.reaper import Reaper

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import MapAdapter

    from pytest_mimic.clock import Clock
    from pytest_mimic.config import CloudConfig
    from pytest_mimic.faults import Behave, FaultEngine, FaultRule
    from pytest_mimic.scenarios import Parameter, Scenario
    from pytest_mimic.settings import Setting

__all__ = [
    "Caller",
    "CatalogEntry",
    "ControlAnswers",
    "ControlRoutes",
    "Operation",
    "RoutedService",
    "Sample",
    "Service",
    "ServiceContext",
    "ServiceError",
    "TokenOwner",
    "TokenValidator",
    "base_url",
    "behaviors",
    "encoded_json_response",
    "encoded_list",
    "ends_with_newline",
    "expect_object",
    "expect_string",
    "json_response",
    "new_id",
    "parse_json_body",
    "route",
]

#: Request bodies larger than this are refused with 413 before any parsing.
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class CatalogEntry:
    """One service-catalog entry a service contributes.

    ``path`` is appended to the server's base URL (or, if it is an absolute URL, used as
    it is) and may contain ``{region}`` and ``{tenant}``. ``regions`` of ``None`` means every
    configured region.
    """

    type: str
    name: str
    path: str
    regions: tuple[str, ...] | None = None

    def url(self, base: str, *, region: str, tenant: str) -> str:
        """The absolute endpoint URL for one region and tenant."""
        url = self.path.format(region=region, tenant=tenant)
        if url.startswith(("http://", "https://")):
            return url
        return base.rstrip("/") + url


@dataclass(frozen=True)
class Sample:
    """One request a service answers as it should, declared by the service.

    The fuzz suite seeds from samples, the hammer sends them from many threads and checks
    each answer is one of ``expect``, and the benchmark times the first one: a new service
    joins all three by declaring samples, with no edit outside its folder. ``path`` is
    relative to the service's prefix and may contain ``{region}`` and ``{tenant}``;
    ``body`` is JSON (``None``: no body); ``auth`` sends the default user's token.
    """

    method: str
    path: str
    body: Any = None
    expect: tuple[int, ...] = (200,)
    auth: bool = True


class TokenValidator(Protocol):
    """Answers whether a token may call services now; Identity provides one."""

    def __call__(self, token: str | None) -> bool: ...


@dataclass(frozen=True)
class Caller:
    """Whom a token speaks for: its user, and the tenant it is scoped to."""

    user_id: str
    tenant_id: str


class TokenOwner(Protocol):
    """Answers whose token it is (``None`` for a token nobody issued); Identity provides one.

    It answers for expired tokens too: whether a token may be used is ``TokenValidator``'s
    question, asked before any handler runs.
    """

    def __call__(self, token: str | None) -> Caller | None: ...


class ChangeWaiter(Protocol):
    """``wait_for_change(request, seconds, topic=None)``: see ``ServiceContext``."""

    def __call__(self, request: Request, seconds: float, topic: Hashable | None = None) -> None: ...


class ChangeNotifier(Protocol):
    """``notify_change(topic=None)``: see ``ServiceContext``."""

    def __call__(self, topic: Hashable | None = None) -> None: ...


class ServiceContext:
    """What a service may use from its cloud: the clock, the config, the other services."""

    def __init__(
        self,
        clock: Clock,
        config: Callable[[], CloudConfig],
        services: Callable[[], Sequence[Service]],
        faults: FaultEngine | None = None,
    ) -> None:
        from pytest_mimic.faults import FaultEngine

        self.clock = clock
        self._config = config
        self._services = services
        self.faults = faults if faults is not None else FaultEngine()
        self.token_validator: TokenValidator | None = None
        #: Whose a token is, so a service can record who created what.
        self.token_owner: TokenOwner | None = None
        #: Inside a handler: release the cloud lock until ``topic`` changes (anything, when
        #: None) or ``seconds`` pass (real time); raises the dispatcher's ``StaleRequest``
        #: after a reset or stop, which wake every waiter, as a clock move does.
        #: ``MimicCloud`` wires the dispatcher's; alone, a service just sleeps.
        self.wait_for_change: ChangeWaiter = _sleep_instead
        #: Wake handlers in ``wait_for_change`` for ``topic`` (every one when None): call
        #: after a change they may wait for, naming what changed (an SQS queue), so a send
        #: does not wake the polls of every other queue.
        self.notify_change: ChangeNotifier = _nothing
        self._reaper = Reaper()

    def discard(self, state: Any) -> None:
        """Hand old state to be freed in the background: a reset swaps in fresh containers
        and gives the old ones here instead of clearing them in place.
        """
        self._reaper.discard(state)

    @property
    def config(self) -> CloudConfig:
        """The config in force for the current test."""
        return self._config()

    @property
    def services(self) -> Sequence[Service]:
        """Every registered service, in registration order."""
        return self._services()

    def now(self) -> float:
        """Simulated now (shorthand for ``clock.now()``)."""
        return self.clock.now()

    def caller(self, request: Request) -> Caller | None:
        """Who sent ``request``, from its ``X-Auth-Token``; ``None`` when no service issued
        that token (no token, a made-up one, or no identity service in the cloud).
        """
        owner = self.token_owner
        return None if owner is None else owner(request.headers.get("X-Auth-Token"))


def _sleep_instead(request: Request, seconds: float, topic: Hashable | None = None) -> None:
    """Alone (no dispatcher), a wait is a plain sleep: nothing could wake it early."""
    from pytest_mimic.clock import real_sleep

    del request, topic  # the names ``ChangeWaiter`` callers may pass by keyword
    real_sleep(seconds)


def _nothing(topic: Hashable | None = None) -> None:
    del topic


class Service(abc.ABC):
    """A fake cloud service mounted under ``prefix`` on the shared server: the contract.

    Subclasses must set ``name`` and ``prefix`` and implement ``resolve``, ``handle`` and
    ``error_response``; everything else is declared here with a default, and the core
    derives every door from the declarations (it names no service itself):

    - ``settings``: ``Setting`` declarations; from them come the ini options, ``configure``,
      ``mimic_config``, ``serve --set``/``--config`` and ``PATCH /mimic/v1.1/settings``;
    - ``environment()`` and ``conflicting_environment``: the client variables ``mimic_cloud``
      sets (and unsets) for a test and ``serve`` prints; ``shell_setup()``: shell lines
      ``serve`` prints for clients that no variable reaches;
    - ``behaviors``: the names of the ``Behave`` actions its handlers understand, which the
      control plane's behaviors API accepts for it, and ``behavior_parameters``: the
      parameters each takes (``Parameter``), checked at every door before a rule is registered;
    - ``control``: a ``RoutedService`` class of its own control routes, mounted under
      ``/mimic/v1.1/<name>/``;
    - ``scenarios()``, ``presets()``, ``fault_rules()``, ``catalog_entries()``, ``urls()``,
      ``hosts`` (``Host`` names it answers at its root), ``claims()``;
    - ``state()`` and ``panel()``: what it holds, for people (the dashboard shows each
      service's panel; by default the panel is ``state()`` drawn as tables);
    - ``seed_fields``, ``check_seed()``, ``load_seed()``, ``export()``: its section of a
      state document, from which a cloud starts and to which a reset returns;
    - ``error_response``: the one place its errors (``ServiceError`` and the subclasses
      its model raises) become answers.

    A package registers a factory ``(context) -> Service`` (usually the class) under the
    entry-point group ``pytest_mimic.services``.
    """

    name: ClassVar[str]
    prefix: ClassVar[str]
    #: The settings this service reads (``context.config.value(SETTING)``).
    settings: ClassVar[Sequence[Setting[Any]]] = ()
    #: ``Behave`` action names its handlers act on, with what each does.
    behaviors: ClassVar[Mapping[str, str]] = {}
    #: The parameters each of ``behaviors`` takes (types and bounds); a behaviour not
    #: listed here gets only the floor every behaviour gets (finite, bounded numbers).
    behavior_parameters: ClassVar[Mapping[str, Sequence[Parameter]]] = {}
    #: Whether fault rules and scenarios may apply to its requests: the control plane's
    #: own routes (a reset above all) must answer whatever rules are registered.
    takes_faults: ClassVar[bool] = True
    #: Client variables that would send clients elsewhere; unset for each test.
    conflicting_environment: ClassVar[Sequence[str]] = ()
    #: Its control routes, mounted under ``/mimic/v1.1/<name>/`` (built with the service).
    control: ClassVar[type[ControlRoutes] | None] = None
    #: ``Host`` header names (without port) whose requests it serves at its root.
    hosts: ClassVar[Sequence[str]] = ()
    #: Request bodies larger than this are refused with 413 before any parsing.
    max_body_bytes: ClassVar[int] = MAX_BODY_BYTES
    #: Whether ``X-Mimic-Next-*`` headers on its requests set the next answer (the control
    #: plane reads them as the parameters of its own ``next`` door instead).
    next_request_headers: ClassVar[bool] = True
    #: Whether it only shows the cloud to people (the dashboard): its requests skip the
    #: fault engine and the journal, so looking changes nothing a test can see.
    observes: ClassVar[bool] = False
    #: The fields of its section of a state document (``serve --seed``, ``mimic_cloud.seed``,
    #: ``GET /mimic/v1.1/state``) and what each holds; none: it has no section.
    seed_fields: ClassVar[Mapping[str, str]] = {}

    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    def environment(self, base_url: str) -> Mapping[str, str]:
        """The variables that point this service's clients at ``base_url`` (none by default)."""
        return {}

    def shell_setup(self, base_url: str) -> Sequence[str]:
        """Shell lines ``serve`` prints after the exports, for clients the variables do not
        reach; each runs as it is in sh, bash and zsh (none by default).
        """
        return ()

    def state(self) -> Mapping[str, Any]:
        """A JSON-ready summary of what the service holds (for people looking at it)."""
        return {}

    def panel(self, limit: int = ROW_LIMIT) -> Panel:
        """What the dashboard shows of this service (read under the cloud lock, on every
        poll of an open page): ``state()`` drawn as tables by default. Override it to keep a
        large state cheap to show (``limit`` rows per table are drawn).
        """
        return Panel.of(self.state(), limit)

    @classmethod
    def check_seed(cls, section: Mapping[str, Any]) -> Any:
        """Read this service's section of a state document, whose keys the core has checked
        against ``seed_fields``; refuse a mistake with ``SeedError`` naming the field
        (``nova.servers[0].flavor``). Returns what ``load_seed`` takes, kept and loaded
        after every reset. A classmethod: markers are checked before any cloud exists.
        """
        return section

    def load_seed(self, seed: Any) -> None:  # noqa: B027 - deliberately optional
        """Add what ``check_seed`` returned to the current state (fresh after a reset); a
        conflict with what is there (an id in use) is a ``SeedError``, before any change.
        """

    def export(self) -> Mapping[str, Any]:
        """What the service holds, as a section ``check_seed`` takes back (see
        ``seed_fields``): a state captured once can be loaded again.
        """
        return {}

    def samples(self) -> Sequence[Sample]:
        """Requests it answers as it should (see ``Sample``); none by default."""
        return ()

    def catalog_entries(self) -> Sequence[CatalogEntry]:
        """Entries for the Identity service catalog (none by default)."""
        return ()

    def urls(self) -> Mapping[str, str]:
        """Named paths a test may ask for with ``mimic_cloud.url(name)``."""
        return {}

    def presets(self) -> Mapping[str, Any]:
        """Magic values this service understands, listed by ``GET /mimic/v1.0/presets``."""
        return {}

    def reset(self) -> None:  # noqa: B027 - deliberately optional
        """Forget all state; called before every test."""

    @classmethod
    def scenarios(cls) -> Sequence[Scenario]:
        """The named failure modes this service offers (see ``pytest_mimic.scenarios``).

        A classmethod: the ``mimic_scenario`` marker is checked at collection time, before
        any cloud exists.
        """
        return ()

    def operation_names(self) -> frozenset[str] | None:
        """Every operation this service names, so misspelt ones can be refused (``None``:
        not declared, anything is accepted).
        """
        return None

    def attribute_names(self) -> frozenset[str] | None:
        """Every attribute its operations carry (``None``: not declared)."""
        return None

    def claims(self, request: Request) -> bool:
        """Whether this service serves ``request``, which no service's prefix matched.

        Asked in registration order; the first ``True`` wins and the service then sees the
        request at its full path (``SCRIPT_NAME`` empty). Must not consume the body unless it
        caches it (``request.get_data(cache=True)``) and must not raise.
        """
        return False

    def fault_rules(self) -> Sequence[FaultRule]:
        """Standing rules (e.g. metadata presets), registered after every reset.

        They come before a test's own rules, so presets win over injected faults.
        """
        return ()

    @abc.abstractmethod
    def resolve(self, request: Request) -> Operation:
        """Name what ``request`` asks for without changing any state."""

    @abc.abstractmethod
    def handle(self, request: Request, operation: Operation) -> Response:
        """Act on ``request`` and answer it."""

    @abc.abstractmethod
    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        """An error answer in the real service's wire format.

        ``request`` is the request being answered when there is one (a service whose error
        shape depends on the API version reads it); injected faults pass it too.
        """

    def render(self, error: ServiceError, request: Request | None = None) -> Response:
        """``error`` (from the model or the HTTP layer) as this service answers it: the one
        way a raised error becomes a response.
        """
        return self.error_response(
            error.status,
            error.message,
            fault=error.fault,
            headers=error.headers,
            request=request,
        )

    def wsgi_app(self, environ: WSGIEnvironment, start_response: Any) -> Any:
        """The service alone as a WSGI app (no faults, no journal); handy in unit tests."""
        request = Request(environ)
        response = self.handle(request, self.resolve(request))
        return response(environ, start_response)


_F = TypeVar("_F", bound=Callable[..., Any])


def route(
    path: str,
    *,
    methods: Sequence[str] = ("GET",),
    operation: str | None = None,
    auth: bool = True,
) -> Callable[[_F], _F]:
    """Mark a ``RoutedService`` method as the handler of ``methods`` on ``path``.

    ``path`` uses Werkzeug rule syntax relative to the service prefix. The operation name
    defaults to the method name. ``auth=False`` exempts the route from token checks (version
    documents, the token endpoint itself).
    """

    def mark(handler: _F) -> _F:
        routes = handler.__dict__.setdefault("_mimic_routes", [])
        routes.append(
            (path, tuple(m.upper() for m in methods), operation or handler.__name__, auth)
        )
        return handler

    return mark


@dataclass(frozen=True)
class _Match:
    handler: str
    arguments: dict[str, Any]
    auth: bool
    error: HTTPException | None = None


_MATCH_KEY = "pytest_mimic.match"
_ROUTE_CACHE_SIZE = 4096


class RoutedService(Service):
    """A service whose operations are methods marked with ``@route``.

    Handlers are called as ``handler(request, **url_arguments)`` and return a ``Response``
    (or raise ``ServiceError``). ``describe`` adds attributes beyond the URL arguments.
    """

    #: Fault name per status, used when a ServiceError names none.
    fault_names: ClassVar[Mapping[int, str]] = {
        400: "badRequest",
        401: "unauthorized",
        403: "forbidden",
        404: "itemNotFound",
        405: "badMethod",
        409: "conflictingRequest",
        413: "overLimit",
        415: "badMediaType",
        500: "computeFault",
        503: "serviceUnavailable",
    }

    _url_map: ClassVar[Map]
    _paths: ClassVar[MapAdapter]
    _recent_routes: ClassVar[dict[tuple[str, str], tuple[str, _Match]]]
    _handlers: ClassVar[dict[str, tuple[str, bool]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        rules: list[Rule] = []
        handlers: dict[str, tuple[str, bool]] = {}
        for klass in reversed(cls.__mro__):
            for attribute, value in vars(klass).items():
                for path, methods, op_name, auth in getattr(value, "_mimic_routes", ()):
                    handlers[op_name] = (attribute, auth)
                    rules.append(Rule(path, methods=list(methods), endpoint=op_name))
        cls._url_map = Map(rules, strict_slashes=False, merge_slashes=False)
        # Binding to each request's environ parses its host for host-matching rules, which
        # services do not use; one adapter, bound once, matches paths for every request.
        cls._paths = cls._url_map.bind("localhost")
        cls._handlers = handlers
        # Clients poll the same URLs (a server's status, a queue); matching is the costliest
        # step of routing, so recent answers are kept. Cleared when full: memory stays bounded.
        cls._recent_routes = {}

    def _match(self, request: Request) -> tuple[str, _Match]:
        cached = request.environ.get(_MATCH_KEY)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        key = (request.method, request.path)
        result = self._recent_routes.get(key)
        if result is None:
            try:
                endpoint, arguments = self._paths.match(key[1], key[0])
            except HTTPException as error:
                result = ("unknown", _Match("", {}, False, error))
            else:
                attribute, auth = self._handlers[str(endpoint)]
                result = (str(endpoint), _Match(attribute, dict(arguments), auth))
            if len(self._recent_routes) >= _ROUTE_CACHE_SIZE:
                self._recent_routes.clear()
            self._recent_routes[key] = result
        request.environ[_MATCH_KEY] = result
        return result

    #: Attributes ``describe`` adds beyond the URL arguments (for name checks).
    described_attributes: ClassVar[frozenset[str]] = frozenset()

    def operation_names(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def attribute_names(self) -> frozenset[str]:
        arguments = {name for rule in self._url_map.iter_rules() for name in rule.arguments}
        return frozenset(arguments) | self.described_attributes

    def resolve(self, request: Request) -> Operation:
        name, match = self._match(request)
        attributes: dict[str, Any] = dict(match.arguments)
        if match.error is None:
            attributes.update(self.describe(name, request, match.arguments))
        return Operation(self.name, name, attributes)

    def describe(
        self, operation: str, request: Request, arguments: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Extra attributes for ``operation`` (e.g. a server name from the body).

        Must not raise on bad input: the handler reports that.
        """
        return {}

    def handle(self, request: Request, operation: Operation) -> Response:
        _name, match = self._match(request)
        try:
            if match.error is not None:
                raise _route_error(request, match.error)
            if match.auth and not self._token_ok(request):
                raise ServiceError(401, self.unauthorized_message, fault="unauthorized")
            handler = getattr(self, match.handler)
            return handler(request, **match.arguments)  # type: ignore[no-any-return]
        except ServiceError as error:
            return self.render(error, request)

    #: Message of the 401 answered to a missing or bad token.
    unauthorized_message: ClassVar[str] = "This server could not verify that you are authorized."

    def _token_ok(self, request: Request) -> bool:
        validator = self.context.token_validator
        if validator is None or not self.context.config.check_tokens:
            return True
        return validator(request.headers.get("X-Auth-Token"))

    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        """``{"<fault>": {"message": ..., "code": N}}``, the Rackspace/OpenStack fault shape."""
        name = (
            fault
            or self.fault_names.get(status)
            or ("computeFault" if status >= 500 else "badRequest")
        )
        return json_response({name: {"message": message, "code": status}}, status, headers=headers)


class ControlAnswers(RoutedService):
    """Answers in the control plane's format: JSON ending with a newline (people read them
    after ``curl -s``), routes that need no token (the control plane is the test's own).
    The control plane and the services' control routes mounted on it share this."""

    def _token_ok(self, request: Request) -> bool:
        return True

    def handle(self, request: Request, operation: Operation) -> Response:
        return ends_with_newline(super().handle(request, operation))

    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        return ends_with_newline(
            super().error_response(status, message, fault=fault, headers=headers, request=request)
        )


class ControlRoutes(ControlAnswers):
    """A service's own control routes (``Service.control``), which the control plane mounts
    under ``/mimic/v1.1/<service>/``: paths here are relative to that.

    They answer in the control plane's format with its status codes (one door, one set of
    codes), need no token, and are journaled as operations of the ``mimic`` service.
    """

    name: ClassVar[str] = "mimic"
    prefix: ClassVar[str] = ""

    def __init__(self, service: Service) -> None:
        super().__init__(service.context)
        #: The service these routes control.
        self.service = service


def ends_with_newline(response: Response) -> Response:
    """A JSON answer of the control plane, ending with a newline: people read it after
    ``curl -s`` at a prompt, which should start on a line of its own. Other bodies as they are.
    """
    if response.mimetype == "application/json" and not response.is_streamed:
        data = response.get_data()
        if data and not data.endswith(b"\n"):
            response.set_data(data + b"\n")
    return response


def _route_error(request: Request, error: HTTPException) -> ServiceError:
    if isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(error.valid_methods or ()))
        return ServiceError(
            405,
            f"The method {request.method} is not allowed for {request.path}.",
            headers={"Allow": allowed} if allowed else None,
        )
    if isinstance(error, NotFound):
        return ServiceError(404, "The resource could not be found.")
    return ServiceError(error.code or 400, error.description or "Bad request.")


def json_response(
    body: Any,
    status: int = 200,
    *,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON answer; ``body=None`` sends an empty body (with the JSON content type)."""
    data = b"" if body is None else json.dumps(body).encode()
    return Response(
        data, status=status, headers=dict(headers or {}), content_type="application/json"
    )


def encoded_json_response(body: bytes, status: int = 200) -> Response:
    """A JSON answer from bytes already encoded (cached documents); ``json_response``
    encodes a Python value.
    """
    return Response(body, status=status, content_type="application/json")


def encoded_list(
    member: str, items: Sequence[bytes], extra: Mapping[str, Any] | None = None
) -> bytes:
    """``json.dumps({member: [...items], **extra}).encode()`` from already encoded items."""
    parts = [b"{", json.dumps(member).encode(), b": [", b", ".join(items), b"]"]
    for key, value in (extra or {}).items():
        parts.append(f", {json.dumps(key)}: {json.dumps(value)}".encode())
    parts.append(b"}")
    return b"".join(parts)


def base_url(request: Request) -> str:
    """Scheme, host and port as the client addressed us, without a trailing slash.

    Every URL a service returns starts with this, so clients that follow links stay on
    whatever host and port reached the fake. Computed once per request: Werkzeug's
    ``host_url`` re-parses the host (IDNA, percent-decoding) on every use.
    """
    environ = request.environ
    cached: str | None = environ.get(_BASE_URL_KEY)
    if cached is None:
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        if host and _PLAIN_HOST.fullmatch(host):
            default_port = ":443" if scheme == "https" else ":80"
            if host.endswith(default_port):
                host = host[: -len(default_port)]
            cached = f"{scheme}://{host}"
        else:  # no Host header, or an unusual one: let Werkzeug apply its rules
            cached = request.host_url.rstrip("/")
        environ[_BASE_URL_KEY] = cached
    return cached


_BASE_URL_KEY = "pytest_mimic.base_url"
_PLAIN_HOST = re.compile(r"[A-Za-z0-9.\-]+(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?")


def parse_json_body(request: Request, *, required: bool = True) -> Any:
    """The request body as JSON, or a ``ServiceError`` 400/413 a client can act on.

    Refuses bodies over ``MAX_BODY_BYTES``, non-UTF-8 bytes and malformed JSON. With
    ``required=False`` an empty body gives ``None``.
    """
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise ServiceError(413, f"Request body is larger than {MAX_BODY_BYTES} bytes.")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY_BYTES:
        raise ServiceError(413, f"Request body is larger than {MAX_BODY_BYTES} bytes.")
    if not raw.strip():
        if required:
            raise ServiceError(400, "The request body is empty; a JSON document is required.")
        return None
    # ``describe`` and the handler both read the body; it is parsed once per request.
    cached = request.environ.get(_PARSED_KEY)
    if cached is None:
        cached = request.environ[_PARSED_KEY] = _parse(raw)
    if isinstance(cached, ServiceError):
        raise cached
    return cached[0]


_PARSED_KEY = "pytest_mimic.parsed_body"


def _parse(raw: bytes) -> tuple[Any] | ServiceError:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return ServiceError(400, "The request body is not valid UTF-8.")
    try:
        return (json.loads(text, parse_constant=_refuse_constant),)
    except ValueError as error:
        return ServiceError(400, f"Malformed request body: {error}.")
    except RecursionError:
        # json.loads gives up on [[[[... thousands deep with RecursionError, not ValueError.
        return ServiceError(400, "Malformed request body: JSON nested too deeply.")


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity; JSON (RFC 8259) and the real services do not.
    raise ValueError(f"{name} is not a JSON value")


def peek_json_body(request: Request) -> Any:
    """Best-effort JSON body for ``describe``: ``None`` instead of any client error."""
    try:
        return parse_json_body(request, required=False)
    except ServiceError:
        return None


def expect_object(value: Any, where: str) -> dict[str, Any]:
    """``value`` if it is a JSON object, else a 400 naming ``where``."""
    if not isinstance(value, dict):
        raise ServiceError(
            400,
            f"Invalid input for field/attribute {where}: expected an object, got {_kind(value)}.",
        )
    return value


def expect_string(value: Any, where: str, *, allow_empty: bool = False) -> str:
    """``value`` if it is a JSON string (non-empty unless allowed), else a 400 naming ``where``."""
    if not isinstance(value, str):
        raise ServiceError(
            400,
            f"Invalid input for field/attribute {where}: expected a string, got {_kind(value)}.",
        )
    if not allow_empty and not value.strip():
        raise ServiceError(400, f"Invalid input for field/attribute {where}: must not be empty.")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


BEHAVIORS_KEY = "pytest_mimic.behaviors"


def behaviors(request: Request) -> list[Behave]:
    """The ``Behave`` actions the fault engine attached to this request (usually none)."""
    return list(request.environ.get(BEHAVIORS_KEY, ()))


def new_id() -> str:
    """A fresh random identifier (UUID4 text)."""
    return str(uuid.uuid4())


def iter_entries(services: Sequence[Service]) -> Iterator[tuple[Service, CatalogEntry]]:
    """Every catalog entry of every service, in registration order."""
    for service in services:
        for entry in service.catalog_entries():
            yield service, entry
