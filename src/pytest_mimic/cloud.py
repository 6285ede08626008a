"""``MimicCloud``: one server, its services, clock, fault engine and journal.

The pytest fixtures, the ``serve`` command and unittest users all drive this one class.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, overload

from pytest_mimic import state
from pytest_mimic.clock import Clock
from pytest_mimic.config import MAX_CONNECTIONS, REQUEST_HEAD_SECONDS, CloudConfig, Credentials
from pytest_mimic.control import ControlService, Unrouted
from pytest_mimic.dashboard import DASHBOARD_PATH, DashboardService
from pytest_mimic.dispatch import Dispatcher, ServerError
from pytest_mimic.faults import (
    Action,
    CloseConnection,
    Delay,
    FaultEngine,
    FaultHandle,
    FaultRule,
    Hang,
    Pass,
    ResetConnection,
    Respond,
    check_action,
)
from pytest_mimic.inprocess import InProcessTransport, check_transport
from pytest_mimic.interop import let_responses_pass
from pytest_mimic.journal import Call, Journal, clip
from pytest_mimic.names import suggest
from pytest_mimic.parsing import parse_bool, shown
from pytest_mimic.patching import Patcher
from pytest_mimic.registry import SERVICE_GROUP, installed_services
from pytest_mimic.scenarios import ScenarioRegistry, scenario_registry
from pytest_mimic.server import IDLE_TIMEOUT, MimicServer
from pytest_mimic.services.base import CatalogEntry, Service, ServiceContext, iter_entries
from pytest_mimic.services.external import ExternalServices
from pytest_mimic.state import Document, SeedError, StatePlan
from pytest_mimic.validation import check_rule, check_target

#: ``inject``'s own keywords: an unknown attribute may be one of them misspelt (``time=``).
INJECT_KEYWORDS = (
    "action",
    "status",
    "message",
    "fault",
    "body",
    "headers",
    "delay",
    "reset",
    "close",
    "hang",
    "sequence",
    "times",
    "match",
)

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

ServiceFactory = Callable[[ServiceContext], Service]
_S = TypeVar("_S", bound=Service)

__all__ = ["SERVICE_GROUP", "MimicCloud", "MimicServerError", "installed_services"]


class MimicServerError(AssertionError):
    """A fake service raised while serving a request of this test: a bug to report."""


class MimicCloud:
    """A fake cloud on one local server.

    Use it as a context manager (``with MimicCloud() as cloud:``) to start and stop the
    server, and bracket each test with ``begin_test()`` / ``end_test()`` (or
    ``with cloud.test():``) for fresh state, the client environment, and a check for
    server-side errors. ``services`` defaults to every installed service.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        config: CloudConfig | None = None,
        services: Iterable[ServiceFactory] | None = None,
        keep_alive: bool = True,
        idle_timeout: float = IDLE_TIMEOUT,
        journal_size: int | None = None,
    ) -> None:
        self.clock = Clock()
        self.journal = Journal(maxlen=journal_size)
        self.faults = FaultEngine()
        self._session_config = config or CloudConfig()
        self._config = self._session_config
        self._services: list[Service] = []
        self.context = ServiceContext(
            self.clock, lambda: self._config, lambda: self._services, self.faults
        )
        self._standing: list[tuple[str, dict[str, Any]]] = []
        #: Ids of the rules services keep after every reset (``Service.fault_rules``).
        self._standing_rules: set[str] = set()
        self._seed = StatePlan()
        self.dispatcher = Dispatcher(
            lambda: self._services,
            self.faults,
            self.journal,
            self.clock,
            Unrouted(self.context, self._root_text),
        )
        self._hooks: list[Callable[[], None]] = []
        self.context.wait_for_change = self.dispatcher.wait_for_change
        self.context.notify_change = self.dispatcher.notify_change
        # A clock move can make something a handler waits for due (an SQS message visible).
        self.clock.add_listener(lambda _clock: self.dispatcher.notify_change())
        self.server = MimicServer(
            self.dispatcher,
            host,
            port,
            keep_alive=keep_alive,
            idle_timeout=idle_timeout,
            limits=self._server_limits,
        )
        self._patcher = Patcher()
        self._in_process: InProcessTransport | None = None
        self._environment: tuple[tuple[Any, ...], dict[str, str]] | None = None
        control = ControlService(self.context, self)
        self.register(lambda _context: control)
        self.register(
            lambda context: DashboardService(context, control, lambda: list(self.dispatcher.errors))
        )
        self.register(ExternalServices)
        for factory in installed_services() if services is None else services:
            self.register(factory)

    def __repr__(self) -> str:
        names = ", ".join(s.name for s in self._services)
        return f"<MimicCloud {self.server.url} services=[{names}]>"

    # -- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> MimicCloud:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start serving (idempotent); a taken port raises ``OSError``."""
        self.dispatcher.stopping = False
        self.server.start()

    def stop(self) -> None:
        """Undo any test patches, end injected hangs and stop serving."""
        self._stop_in_process()
        self._patcher.undo()
        self.dispatcher.stopping = True
        self.dispatcher.release_hangs()
        self.server.stop()

    def _server_limits(self) -> tuple[float, int]:
        """What the server reads of the settings, as they are now (any door may change them)."""
        config = self._config
        return config.value(REQUEST_HEAD_SECONDS), config.value(MAX_CONNECTIONS)

    def register(self, factory: ServiceFactory) -> Service:
        """Add a service built by ``factory(context)``; names and prefixes must be unique.

        The settings it declares join the config (at their defaults, for this session).
        """
        service = factory(self.context)
        for other in self._services:
            if other.name == service.name:
                raise ValueError(f"a service named {service.name!r} is already registered")
            if service.prefix and other.prefix.rstrip("/") == service.prefix.rstrip("/"):
                raise ValueError(
                    f"{service.name!r} and {other.name!r} share prefix {service.prefix!r}"
                )
        with self.dispatcher.lock:
            self._session_config = self._session_config.with_settings(service.settings)
            self._config = self._config.with_settings(service.settings)
            self._services = [*self._services, service]
            self.dispatcher.services_changed()
            for rule in service.fault_rules():
                self.faults.add(rule)
                self._standing_rules.add(rule.id)
        return service

    def unregister(self, name: str) -> None:
        """Remove the service called ``name`` (its rules go with it); ``KeyError`` if none."""
        with self.dispatcher.lock:
            service = self.service(name)
            self._services = [s for s in self._services if s is not service]
            self.dispatcher.services_changed()
            for rule in self.faults.rules:
                if rule.service == name:
                    self.faults.remove(rule)

    def add_request_hook(self, hook: Callable[[], None]) -> None:
        """Call ``hook()`` before each request is routed (a folder of services reloads
        changed files there); keep it cheap, it is on every request's path.
        """
        self._hooks.append(hook)
        self.dispatcher.hooks = tuple(self._hooks)

    def reset(self) -> None:
        """Fresh state everywhere: services, fault rules, journal, clock, config, errors.

        Requests still in flight from before the reset are answered 503 and not journaled.
        """
        with self.dispatcher.new_generation():
            self._config = self._session_config
            self.clock.reset()
            self.faults.clear()
            self.journal.clear()
            self._standing_rules = set()
            for service in self._services:
                service.reset()
            for service in self._services:
                for rule in service.fault_rules():
                    self.faults.add(rule)
                    self._standing_rules.add(rule.id)
            for name, parameters in self._standing:
                self.activate(name, **parameters)
            if self._seed:
                state.load(self._seed, self._services)

    # -- state documents ---------------------------------------------------------------

    def check_state(self, document: Document, *, base: Path | None = None) -> StatePlan:
        """``document`` (a mapping, or a ``.toml``/``.json`` path, relative to ``base``)
        checked whole against the services of this cloud; ``SeedError`` names the first
        mistake's field and what is allowed.
        """
        return state.check_document(state.read_document(document, base=base), self._services)

    def seed(self, document: Document | StatePlan) -> None:
        """Add the users, tenants, servers, images, load balancers, queues... of
        ``document`` to the current state, until the next reset (the ``mimic_seed`` marker,
        ``POST /mimic/v1.1/state``). Checked whole before anything loads; what only a
        service can judge (an id already in use, a queue attribute) is refused as its
        section loads.
        """
        plan = document if isinstance(document, StatePlan) else self.check_state(document)
        with self.dispatcher.lock:
            state.load(plan, self._services)
        self.dispatcher.notify_change()

    def keep_seed(self, document: Document | StatePlan | None) -> None:
        """Make ``document`` the state this cloud starts from and every reset returns to
        (``serve --seed``, the ``mimic_seed`` ini option); ``None`` forgets it. Resets now,
        so a document that does not load is refused here, and the previous one kept.
        """
        plan = (
            StatePlan()
            if document is None
            else document
            if isinstance(document, StatePlan)
            else self.check_state(document)
        )
        previous, self._seed = self._seed, plan
        try:
            self.reset()
        except SeedError:
            self._seed = previous
            self.reset()
            raise

    def replace_state(self, document: Document | StatePlan) -> None:
        """Make the state exactly ``document`` (``PUT /mimic/v1.1/state``): every service
        forgets what it holds, then loads its section. Fault rules, journal, clock and
        settings stay; the next reset returns to the kept seed. A document that does not
        load leaves the state as a reset leaves it.
        """
        plan = document if isinstance(document, StatePlan) else self.check_state(document)
        with self.dispatcher.lock:
            for service in self._services:
                service.reset()
            try:
                state.load(plan, self._services)
            except SeedError:
                for service in self._services:
                    service.reset()
                state.load(self._seed, self._services)
                raise
        self.dispatcher.notify_change()

    def export_state(self) -> dict[str, Any]:
        """The current state as a document ``seed``, ``keep_seed`` and ``replace_state``
        take back (``GET /mimic/v1.1/state``): capture a state once, replay it anywhere.
        """
        with self.dispatcher.lock:
            return state.export(self._services)

    def keep_scenario(self, name: str, **parameters: Any) -> None:
        """Activate ``name`` now and again after every reset (``serve --scenario``)."""
        self.activate(name, **parameters)
        self._standing.append((name, dict(parameters)))

    # -- per-test bracket ------------------------------------------------------------

    def begin_test(self, *, transport: str = "socket") -> None:
        """Reset, start if needed, and point the client environment at this cloud.

        ``transport="in-process"`` also serves this test's ``requests`` and botocore calls
        to the cloud without a socket (see ``in_process``).
        """
        check_transport(transport)
        self.start()
        self.reset()
        for name in self._conflicting_environment():
            self._patcher.delenv(name)
        for name, value in self.environment().items():
            self._patcher.setenv(name, value)
        let_responses_pass(self.base_url)
        if transport == "in-process":
            self._start_in_process()

    def end_test(self) -> None:
        """Restore everything ``begin_test`` and ``patch_endpoint`` changed, then ``check()``."""
        self._stop_in_process()
        self._patcher.undo()
        self.dispatcher.release_hangs()
        self.check()

    @contextmanager
    def test(self, *, transport: str = "socket") -> Iterator[MimicCloud]:
        """``begin_test()`` ... ``end_test()`` as a context manager."""
        self.begin_test(transport=transport)
        try:
            yield self
        finally:
            self.end_test()

    @contextmanager
    def in_process(self) -> Iterator[MimicCloud]:
        """Serve ``requests`` and botocore (boto3) calls to this cloud in the calling thread,
        with no socket.

        The same dispatcher, fault engine, journal and clock answer them; other clients
        (other processes, such as the AWS CLI) keep using the server. TCP faults raise what
        each client raises for the real thing (see ``pytest_mimic.inprocess``).
        """
        started = self._start_in_process()
        try:
            yield self
        finally:
            if started:
                self._stop_in_process()

    @property
    def transport(self) -> str:
        """``"in-process"`` while ``requests`` and botocore calls are served without a socket."""
        active = self._in_process is not None and self._in_process.active
        return "in-process" if active else "socket"

    def _start_in_process(self) -> bool:
        self.start()
        if self._in_process is not None and self._in_process.active:
            return False
        self._in_process = InProcessTransport(self.dispatcher, self.base_url)
        self._in_process.start()
        return True

    def _stop_in_process(self) -> None:
        if self._in_process is not None:
            self._in_process.stop()
            self._in_process = None

    def check(self) -> None:
        """Raise ``MimicServerError`` if a service failed on a request since the last reset."""
        errors: list[ServerError] = list(self.dispatcher.errors)
        if errors:
            self.dispatcher.errors.clear()
            details = "\n\n".join(error.render() for error in errors)
            raise MimicServerError(
                f"pytest-mimic: a fake service failed on {len(errors)} request(s); "
                f"this is a bug in the fake, not in your code:\n\n{details}"
            )

    # -- configuration and addresses -------------------------------------------------

    @property
    def config(self) -> CloudConfig:
        """The config in force until the next reset."""
        return self._config

    def configure(self, **changes: Any) -> CloudConfig:
        """Change settings for the current test (``check_tokens=False``, ...)."""
        self._config = self._config.replace(**changes)
        return self._config

    @property
    def credentials(self) -> Credentials:
        """The default user's username, password, API key and tenant id."""
        return self._config.credentials

    @property
    def region(self) -> str:
        """The default region."""
        return self._config.default_region

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the server."""
        return self.server.url

    @property
    def services(self) -> Sequence[Service]:
        """Registered services, in registration order."""
        return tuple(self._services)

    @overload
    def service(self, kind: type[_S]) -> _S: ...
    @overload
    def service(self, kind: str) -> Any: ...
    def service(self, kind: str | type[_S]) -> Any:
        """A registered service: by its class (typed: ``service(NovaService).set_quotas``
        completes in an editor), its name (``"nova"``) or a catalog type (``"compute"``).
        """
        if isinstance(kind, type):
            for service in self._services:
                if isinstance(service, kind):
                    return service
            raise KeyError(f"no service of class {kind.__name__}; registered: {self._names()}")
        for service in self._services:
            if service.name == kind:
                return service
        for service, entry in iter_entries(self._services):
            if kind == entry.type:
                return service
        valid = [s.name for s in self._services]
        raise KeyError(
            f"no service named {kind!r}{suggest(kind, valid)}; registered: {self._names()}"
        )

    def _names(self) -> str:
        return ", ".join(s.name for s in self._services)

    def url(self, name: str, *, region: str | None = None, tenant: str | None = None) -> str:
        """An absolute URL by name: a service's named URL (``"auth"``), or a catalog type or
        name (``"compute"``) for ``region`` and ``tenant`` (default: the default ones).
        """
        for service in self._services:
            named = service.urls()
            if name in named:
                return self.base_url + named[name]
        for service, entry in iter_entries(self._services):
            if name in {entry.type, entry.name, service.name}:
                return entry.url(
                    self.base_url,
                    region=region or self.region,
                    tenant=tenant or self.credentials.tenant_id,
                )
        raise KeyError(f"no URL named {name!r}; known: {', '.join(self._url_names())}")

    def _url_names(self) -> list[str]:
        names = [name for service in self._services for name in service.urls()]
        names += [entry.type for _service, entry in iter_entries(self._services)]
        return list(dict.fromkeys(names))

    @property
    def dashboard_url(self) -> str:
        """The live page of this cloud (``/mimic/dashboard``)."""
        return self.base_url + DASHBOARD_PATH

    @property
    def auth_url(self) -> str:
        """The Identity v2.0 URL (what ``OS_AUTH_URL`` is set to)."""
        return self.url("auth")

    def environment(self) -> dict[str, str]:
        """The variables ``begin_test`` sets so unmodified clients find this cloud."""
        # Computed for every test; the inputs rarely change, so the answer is kept.
        key = (self.base_url, self._config, len(self._services), os.environ.get("NO_PROXY"))
        if self._environment is None or self._environment[0] != key:
            self._environment = (key, self._gather_environment())
        return dict(self._environment[1])

    def _gather_environment(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for service in self._services:
            env.update(service.environment(self.base_url))
        no_proxy = [h for h in os.environ.get("NO_PROXY", "").split(",") if h.strip()]
        for host in (self.server.host, "127.0.0.1", "localhost"):
            if host not in no_proxy:
                no_proxy.append(host)
        env["NO_PROXY"] = env["no_proxy"] = ",".join(no_proxy)
        return env

    def shell_setup(self) -> list[str]:
        """Shell lines, after the exports, for clients no variable reaches (``serve`` prints
        them): each service's ``shell_setup``.
        """
        return [line for s in self._services for line in s.shell_setup(self.base_url)]

    def _conflicting_environment(self) -> list[str]:
        """Variables some service says would send its clients elsewhere."""
        names = [name for s in self._services for name in s.conflicting_environment]
        return list(dict.fromkeys(names))

    def patch_attribute(self, target: object, attribute: str, value: Any) -> None:
        """Set ``target.attribute`` until ``end_test`` restores it."""
        self._patcher.setattr(target, attribute, value)

    def patch_endpoint(
        self,
        target: str | object,
        endpoint: str,
        *,
        attribute: str | None = None,
        region: str | None = None,
    ) -> str:
        """Point a setting of the code under test at ``url(endpoint)`` until ``end_test``.

        ``target`` is ``"package.module:NAME"`` / ``"package.module:NAME[key]"``, or an object
        or mapping with ``attribute`` naming the attribute or key. Returns the URL set.
        """
        url = self.url(endpoint, region=region)
        if isinstance(target, str):
            self._patcher.set_path(target, url)
        elif attribute is None:
            raise TypeError("patch_endpoint(obj, ...) needs attribute='NAME'")
        elif isinstance(target, Mapping):
            self._patcher.setitem(target, attribute, url)  # type: ignore[arg-type]
        else:
            self._patcher.setattr(target, attribute, url)
        return url

    def add_catalog_service(
        self, type: str, name: str, url: str, *, regions: Sequence[str] | None = None
    ) -> CatalogEntry:
        """List a service hosted elsewhere in the catalog until the next reset.

        ``url`` is absolute and may contain ``{region}`` and ``{tenant}``; clients that find
        endpoints through the catalog then go there.
        """
        external: ExternalServices = self.service("external")
        return external.add(type, name, url, regions=regions)

    def record_external(
        self,
        entry: CatalogEntry,
        method: str,
        path: str,
        query: str,
        status: int,
        request_body: bytes,
        response_body: bytes,
    ) -> Call:
        """Journal a call a service hosted elsewhere served (a ``mimic_stub``), as an
        operation of ``external`` named after the catalog entry.
        """
        call = Call(
            time=self.clock.now(),
            service="external",
            operation=entry.name,
            method=method,
            path=path,
            query=query,
            status=status,
            duration=0.0,
            request_body=clip(request_body),
            response_body=clip(response_body),
            attributes={"method": method, "path": path, "type": entry.type},
        )
        with self.dispatcher.lock:
            self.journal.record(call)
        return call

    # -- faults and journal ----------------------------------------------------------

    def inject(
        self,
        service: str | None = None,
        operation: str | None = None,
        *,
        action: Action | None = None,
        status: int | None = None,
        message: str | None = None,
        fault: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        delay: float | None = None,
        reset: bool = False,
        close: bool = False,
        hang: float | None = None,
        sequence: Iterable[Action | None] | None = None,
        times: int | None = None,
        match: Mapping[str, Any] | None = None,
        **attributes: Any,
    ) -> FaultHandle:
        """Make matching requests fail; returns a handle with ``hits`` and ``remove()``.

        Give exactly one of: ``status`` (with optional ``message``/``fault``/``body``/
        ``headers``), ``delay`` seconds of latency, ``reset=True`` (TCP reset), ``close=True``
        (close without answering), ``hang`` seconds, ``action``, or a ``sequence`` of actions
        used in turn (``None`` in a sequence lets that request through). Keyword
        ``attributes`` are patterns over the operation's attributes (regex strings match
        the whole value); ``match={...}`` gives the same for attribute names that clash with
        this method's keywords (``match={"action": "reboot"}``). ``times`` limits how many
        requests are affected.
        """
        if match is not None and not isinstance(match, Mapping):
            raise TypeError(
                f"match must be a mapping of attribute names to patterns, not {shown(match)}"
            )
        criteria = {**(match or {}), **attributes}
        check_target(
            self._services, service, operation, criteria, rules=True, keywords=INJECT_KEYWORDS
        )
        chosen: list[Action] = []
        if action is not None:
            check_action(action, "action")
            chosen.append(action)
        if status is not None:
            chosen.append(Respond(status, message, fault, body, {} if headers is None else headers))
        else:
            answer = {"message": message, "fault": fault, "body": body, "headers": headers}
            stray = next((name for name, value in answer.items() if value is not None), None)
            if stray is not None:
                raise TypeError(f"{stray}= is used only with status=; give status= too")
        if delay is not None:
            chosen.append(Delay(delay))
        if parse_bool(reset, "reset", text=False):
            chosen.append(ResetConnection())
        if parse_bool(close, "close", text=False):
            chosen.append(CloseConnection())
        if hang is not None:
            chosen.append(Hang(hang))
        if len(chosen) + (sequence is not None) != 1:
            raise TypeError(
                "inject() needs exactly one of status=, delay=, reset=, close=, hang=, "
                "action= or sequence="
            )
        steps = None
        if sequence is not None:
            if isinstance(sequence, str | bytes | Mapping) or not isinstance(sequence, Iterable):
                raise TypeError(
                    f"sequence must be a list of actions or None, not {shown(sequence)}"
                )
            steps = [
                check_action(step, f"sequence[{index}]", none=True) or Pass()
                for index, step in enumerate(sequence)
            ]
        rule = FaultRule(
            action=chosen[0] if chosen else None,
            sequence=steps,
            service=service,
            operation=operation,
            attributes=criteria,
            times=times,
        )
        check_rule(self._services, rule)
        return self.faults.add(rule)

    # -- scenarios -------------------------------------------------------------------

    def scenario_registry(self) -> ScenarioRegistry:
        """Every scenario this cloud knows: the transport ones, each service's, the user's."""
        return scenario_registry(type(s) for s in self._services)

    def activate(self, name: str, **parameters: Any) -> list[FaultHandle]:
        """Load scenario ``name`` (settings and fault rules) until the next reset.

        Unknown names and parameters raise at once, naming the valid ones; a scenario for a
        service this cloud does not run raises ``UnknownName`` too.
        """
        setup = self.scenario_registry().get(name).bind(parameters)
        for rule in setup.rules:
            check_rule(self._services, rule)
        if setup.settings:
            self.configure(**setup.settings)
        return [self.faults.add(rule) for rule in setup.rules]

    def clear_scenarios(self) -> int:
        """Remove the rules every activated scenario added; returns how many."""
        removed = 0
        for rule in self.faults.rules:
            if rule.source.startswith("scenario "):
                self.faults.remove(rule)
                removed += 1
        return removed

    def is_standing(self, rule: FaultRule) -> bool:
        """Whether ``rule`` is one a service keeps after every reset (a metadata preset)."""
        return rule.id in self._standing_rules

    def clear_rules(self) -> int:
        """Remove every fault rule except the services' standing ones (metadata presets,
        which come back at each reset anyway); returns how many went.
        """
        removed = 0
        for rule in self.faults.rules:
            if not self.is_standing(rule):
                self.faults.remove(rule)
                removed += 1
        return removed

    def calls(
        self, service: str | None = None, operation: str | None = None, **attributes: Any
    ) -> list[Call]:
        """Journal entries of this test matching ``service``, ``operation`` and attributes.

        A service, operation or attribute name that does not exist raises ``UnknownName``
        (a misspelt name would otherwise match nothing and an assertion pass).
        """
        check_target(self._services, service, operation, attributes)
        return self.journal.calls(service, operation, **attributes)

    def assert_called(
        self,
        service: str | None = None,
        operation: str | None = None,
        *,
        times: int | None = None,
        **attributes: Any,
    ) -> list[Call]:
        """Assert the journal holds matching calls (exactly ``times`` of them if given);
        returns them. The failure lists every call that was made, to show the difference.
        """
        found = self.calls(service, operation, **attributes)
        if (times is None and not found) or (times is not None and len(found) != times):
            wanted = _criteria(service, operation, attributes)
            expected = "at least one call" if times is None else f"{times} call(s)"
            raise AssertionError(
                f"expected {expected} matching {wanted}, found {len(found)}.\n"
                + self._journal_listing()
            )
        return found

    def assert_not_called(
        self, service: str | None = None, operation: str | None = None, **attributes: Any
    ) -> None:
        """Assert no call matches; the failure lists the ones that did."""
        found = self.calls(service, operation, **attributes)
        if found:
            lines = "\n".join(f"  {call.describe()}" for call in found)
            raise AssertionError(
                f"expected no call matching {_criteria(service, operation, attributes)}, "
                f"found {len(found)}:\n{lines}"
            )

    def _journal_listing(self) -> str:
        rendered = self.journal.render(limit=30)
        if not rendered:
            return "No calls were made."
        return "Calls made:\n" + "\n".join(f"  {line}" for line in rendered.splitlines())

    # -- presentation ----------------------------------------------------------------

    def _root_text(self, base: str) -> str:
        lines = ["pytest-mimic fake cloud is running.", ""]
        auth = next((s.urls()["auth"] for s in self._services if "auth" in s.urls()), None)
        if auth:
            lines += [
                "To get started, POST an authentication request to:",
                f"  {base}{auth}/tokens",
                "",
            ]
        lines += [f"Dashboard: {base}{DASHBOARD_PATH}", ""]
        lines.append("Services: " + ", ".join(f"{s.name} ({s.prefix})" for s in self._services))
        return "\n".join(lines) + "\n"


def _criteria(service: str | None, operation: str | None, attributes: Mapping[str, Any]) -> str:
    where = f"{service or '*'}.{operation or '*'}"
    if attributes:
        where += " with " + ", ".join(f"{k}={v!r}" for k, v in attributes.items())
    return where


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
