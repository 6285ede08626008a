"""The HTTP control plane under ``/mimic``: every door a Python test has, for clients that are
not Python (another process, another language, ``pytest-mimic serve``), as the original Mimic
had. Each route is documented in ``ROUTES`` and served as an OpenAPI document at
``GET /mimic/openapi.json``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from werkzeug.wrappers import Response

from pytest_mimic.clock import isoformat_z
from pytest_mimic.faults import (
    Action,
    Behave,
    CloseConnection,
    Delay,
    FaultRule,
    Hang,
    Pass,
    ResetConnection,
    Respond,
    override_action,
    override_rule,
)
from pytest_mimic.names import suggest
from pytest_mimic.operation import Operation
from pytest_mimic.parsing import (
    MAX_REAL_SECONDS,
    check_header_value,
    parse_seconds,
    parse_status,
    shown,
)
from pytest_mimic.seeding import SeedError
from pytest_mimic.services.base import (
    ControlAnswers,
    ControlRoutes,
    RoutedService,
    ServiceError,
    base_url,
    expect_object,
    json_response,
    parse_json_body,
    route,
)
from pytest_mimic.validation import UnknownName, check_rule, check_target

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from werkzeug.wrappers import Request

    from pytest_mimic.config import CloudConfig
    from pytest_mimic.faults import FaultEngine, FaultHandle
    from pytest_mimic.journal import Journal
    from pytest_mimic.scenarios import ScenarioRegistry
    from pytest_mimic.services.base import Service, ServiceContext


class CloudControls(Protocol):
    """What the control plane drives: the ``MimicCloud`` it belongs to."""

    faults: FaultEngine
    journal: Journal

    @property
    def config(self) -> CloudConfig: ...
    @property
    def services(self) -> Sequence[Service]: ...
    def configure(self, **changes: Any) -> CloudConfig: ...
    def scenario_registry(self) -> ScenarioRegistry: ...
    def activate(self, name: str, **parameters: Any) -> list[FaultHandle]: ...
    def clear_scenarios(self) -> int: ...
    def clear_rules(self) -> int: ...
    def is_standing(self, rule: FaultRule) -> bool: ...
    def reset(self) -> None: ...
    def export_state(self) -> dict[str, Any]: ...
    def seed(self, document: Mapping[str, Any]) -> None: ...
    def replace_state(self, document: Mapping[str, Any]) -> None: ...


#: Behaviours of every service (the transport ones); services add their own.
_CORE_BEHAVIORS = ("fail", "delay", "reset", "close", "hang", "sequence", "default")

#: (method, path, summary) of every route, for the OpenAPI document and its test.
ROUTES: tuple[tuple[str, str, str], ...] = (
    ("GET", "/openapi.json", "This document."),
    ("POST", "/v1.1/tick", "Advance the clock by {amount} seconds; answers advanced and now."),
    ("POST", "/v1.1/reset", "Fresh state everywhere (services, rules, journal, clock, settings)."),
    ("GET", "/v1.1/settings", "Every setting and its current value."),
    ("PATCH", "/v1.1/settings", "Change settings until the next reset: {name: value, ...}."),
    ("PUT", "/v1.1/settings", "The same as PATCH (only the settings given change)."),
    ("GET", "/v1.1/scenarios", "Every known scenario: name, description, parameters."),
    ("POST", "/v1.1/scenarios/{name}", "Activate a scenario with {parameters}; its rule ids."),
    ("DELETE", "/v1.1/scenarios", "Remove the rules of every activated scenario."),
    ("GET", "/v1.1/behaviors", "Every fault rule: id, criteria, action, hits."),
    (
        "POST",
        "/v1.1/behaviors/{service}/{operation}",
        "Register a behaviour: {name, parameters, criteria, times}; answers its id (201).",
    ),
    ("DELETE", "/v1.1/behaviors/{service}/{operation}/{id}", "Remove a behaviour (204)."),
    (
        "POST",
        "/v1.1/next/{service}",
        "The next request to the service gets the response the X-Mimic-Next-Status, "
        "X-Mimic-Next-Body and X-Mimic-Next-Headers headers describe.",
    ),
    ("POST", "/v1.1/next/{service}/{operation}", "The same, for one operation."),
    ("GET", "/v1.1/journal", "Calls so far (?service=&operation=): method, path, status..."),
    ("GET", "/v1.0/presets", "Every service's magic metadata values."),
    ("GET", "/v1.1/state", "The state as a document PUT, POST and serve --seed take back."),
    ("PUT", "/v1.1/state", "The state becomes exactly this document (until the next reset)."),
    ("POST", "/v1.1/state", "Add this document's users, servers... (until the next reset)."),
)


class ControlService(ControlAnswers):
    """The ``/mimic`` control plane; see ``ROUTES``."""

    name: ClassVar[str] = "mimic"
    prefix: ClassVar[str] = "/mimic"
    next_request_headers: ClassVar[bool] = False
    takes_faults: ClassVar[bool] = False

    def __init__(self, context: ServiceContext, cloud: CloudControls) -> None:
        super().__init__(context)
        self.cloud = cloud
        self._mounted: dict[str, tuple[int, ControlRoutes | None]] = {}

    # -- services' own control routes, under /v1.1/<service>/ ------------------------------

    def _mount(self, request: Request) -> ControlRoutes | None:
        """The control routes of the service the path names (``/v1.1/<service>/...``),
        with the request moved under them (once: resolve and handle both ask).
        """
        environ = request.environ
        if _MOUNT_KEY in environ:
            return environ[_MOUNT_KEY]  # type: ignore[no-any-return]
        mount = self._find_mount(environ.get("PATH_INFO", ""))
        environ[_MOUNT_KEY] = mount
        if mount is not None:
            _remount(request)
        return mount

    def _find_mount(self, path: str) -> ControlRoutes | None:
        if not path.startswith("/v1.1/"):
            return None
        name = path[6:].split("/", 1)[0]
        service = next((s for s in self.cloud.services if s.name == name), None)
        if service is None or service.control is None:
            return None
        known = self._mounted.get(name)
        if known is None or known[0] != id(service):
            known = (id(service), service.control(service))
            self._mounted[name] = known
        return known[1]

    def mounted(self) -> dict[str, ControlRoutes]:
        """Every service's control routes by service name (for fuzzing and documents)."""
        found: dict[str, ControlRoutes] = {}
        for service in self.cloud.services:
            if service.control is not None:
                found[service.name] = service.control(service)
        return found

    def resolve(self, request: Request) -> Operation:
        mount = self._mount(request)
        if mount is None:
            return super().resolve(request)
        return mount.resolve(request)

    def handle(self, request: Request, operation: Operation) -> Response:
        mount = self._mount(request)
        if mount is not None:
            return mount.handle(request, operation)
        if operation.name == "unknown":
            problem = self._unknown_mount(request.environ.get("PATH_INFO", ""))
            if problem is not None:
                return self.render(problem, request)
        return super().handle(request, operation)

    def _unknown_mount(self, path: str) -> ServiceError | None:
        """A 404 naming the services with control routes, for ``/v1.1/<misspelt>/...``."""
        if not path.startswith("/v1.1/") or path.count("/") < 3:
            return None
        name = path[6:].split("/", 1)[0]
        own = {
            rule.rule.split("/")[2] for rule in self._url_map.iter_rules() if "v1.1" in rule.rule
        }
        if name in own:
            return None
        mounted = [s.name for s in self.cloud.services if s.control is not None]
        return ServiceError(
            404,
            f"no control routes for a service named {name!r}{suggest(name, mounted)}; "
            f"services with control routes: {', '.join(mounted) or '(none)'}",
        )

    def operation_names(self) -> frozenset[str]:
        names = set(super().operation_names())
        for mount in self.mounted().values():
            names |= mount.operation_names()
        return frozenset(names)

    def attribute_names(self) -> frozenset[str]:
        names = set(super().attribute_names())
        for mount in self.mounted().values():
            names |= mount.attribute_names()
        return frozenset(names)

    # -- clock, reset, presets -------------------------------------------------------

    @route("/v1.1/tick", methods=["POST"], operation="tick", auth=False)
    def tick(self, request: Request) -> Response:
        """Advance the clock by ``{"amount": seconds}``; answers ``{"advanced", "now"}``."""
        body = expect_object(parse_json_body(request), "body")
        amount: Any = body.get("amount")
        try:
            seconds = parse_seconds(amount, "'amount'", text=False)
        except TypeError:
            raise ServiceError(400, "'amount' must be a number of seconds.") from None
        except ValueError:
            raise ServiceError(
                400, "'amount' must be a finite, non-negative number of seconds."
            ) from None
        try:
            now = self.context.clock.advance(seconds)
        except ValueError as error:
            raise ServiceError(400, f"'amount' is too large: {error}.") from None
        return json_response({"advanced": amount, "now": isoformat_z(now)})

    @route("/v1.1/reset", methods=["POST"], operation="reset", auth=False)
    def reset_cloud(self, request: Request) -> Response:
        """Fresh state everywhere, as between two tests: services, fault rules, journal,
        clock, settings and recorded errors. Answers 204.
        """
        self.cloud.reset()
        return json_response(None, 204)

    @route("/v1.0/presets", operation="list_presets", auth=False)
    def list_presets(self, request: Request) -> Response:
        """Every service's magic values, merged into one document."""
        merged: dict[str, Any] = {}
        for service in self.context.services:
            merged.update(service.presets())
        return json_response(merged)

    @route("/openapi.json", operation="openapi", auth=False)
    def openapi(self, request: Request) -> Response:
        """An OpenAPI 3.0 document of every control route."""
        return json_response(openapi_document())

    # -- settings --------------------------------------------------------------------

    @route("/v1.1/settings", operation="get_settings", auth=False)
    def get_settings(self, request: Request) -> Response:
        """Every setting and its value."""
        return json_response({"settings": self.cloud.config.settings()})

    @route("/v1.1/settings", methods=["PATCH", "PUT"], operation="change_settings", auth=False)
    def change_settings(self, request: Request) -> Response:
        """``{name: value}``: values as JSON or text (``"600"``, ``"false"``), checked like
        ini values; all or nothing.
        """
        body = expect_object(parse_json_body(request), "body")
        current = self.cloud.config
        try:
            changes = {name: current.parse(name, value) for name, value in body.items()}
            current.replace(**changes)  # check everything before changing anything
            config = self.cloud.configure(**changes)
        except (TypeError, ValueError) as error:
            raise ServiceError(400, str(error)) from None
        return json_response({"settings": config.settings()})

    # -- scenarios -------------------------------------------------------------------

    @route("/v1.1/scenarios", operation="list_scenarios", auth=False)
    def list_scenarios(self, request: Request) -> Response:
        """Every scenario with its parameters."""
        return json_response(
            {
                "scenarios": [
                    {
                        "name": scenario.name,
                        "description": scenario.description,
                        "parameters": [
                            {
                                "name": p.name,
                                "type": p.kind.__name__,
                                "default": p.default,
                                "help": p.help,
                            }
                            for p in scenario.parameters
                        ],
                    }
                    for scenario in self.cloud.scenario_registry()
                ]
            }
        )

    @route("/v1.1/scenarios/<name>", methods=["POST"], operation="activate_scenario", auth=False)
    def activate_scenario(self, request: Request, name: str) -> Response:
        """Activate ``name`` with the body's parameters (optional); 201 with its rule ids."""
        body = parse_json_body(request, required=False)
        parameters = {} if body is None else expect_object(body, "body")
        try:
            handles = self.cloud.activate(name, **parameters)
        except UnknownName as error:
            raise ServiceError(404, str(error)) from None
        except (TypeError, ValueError) as error:
            raise ServiceError(400, str(error)) from None
        return json_response(
            {"scenario": name, "rules": [handle.rule.id for handle in handles]}, 201
        )

    @route("/v1.1/scenarios", methods=["DELETE"], operation="clear_scenarios", auth=False)
    def clear_scenarios(self, request: Request) -> Response:
        """Remove every activated scenario's rules (settings stay until the next reset)."""
        return json_response({"removed": self.cloud.clear_scenarios()})

    # -- behaviours (fault rules) ------------------------------------------------------

    @route("/v1.1/behaviors", operation="list_behaviors", auth=False)
    def list_behaviors(self, request: Request) -> Response:
        """Every fault rule, in evaluation order."""
        return json_response(
            {
                "behaviors": [
                    {
                        "id": rule.id,
                        "service": rule.service,
                        "operation": rule.operation,
                        "description": rule.describe(),
                        "hits": rule.hits,
                        "times": rule.times,
                        "source": rule.source,
                    }
                    for rule in self.cloud.faults.rules
                ]
            }
        )

    @route(
        "/v1.1/behaviors/<service>/<operation>",
        methods=["POST"],
        operation="register_behavior",
        auth=False,
    )
    def register_behavior(self, request: Request, service: str, operation: str) -> Response:
        """Mimic's behaviors API: ``{"name", "parameters", "criteria": [{attr: pattern}],
        "times"}`` -> 201 ``{"id"}``. ``operation`` ``*`` means any operation.
        """
        body = expect_object(parse_json_body(request), "body")
        unknown = set(body) - {"name", "parameters", "criteria", "times"}
        if unknown:
            raise ServiceError(
                400, f"Unknown keys {sorted(unknown)}; allowed: name, parameters, criteria, times."
            )
        parameters = body.get("parameters") or {}
        parameters = expect_object(parameters, "parameters")
        criteria: dict[str, Any] = {}
        raw_criteria = body.get("criteria") or []
        if not isinstance(raw_criteria, list):
            raise ServiceError(400, "'criteria' must be a list of {attribute: pattern} objects.")
        for criterion in raw_criteria:
            criteria.update(expect_object(criterion, "criteria[]"))
        times = body.get("times")  # checked by FaultRule, as inject's is
        op = None if operation == "*" else operation
        try:
            check_target(self.cloud.services, service, op, criteria, rules=True)
            steps = _steps(body.get("name"), parameters, self._behaviors(service))
            rule = FaultRule(
                action=steps if isinstance(steps, Action) else None,
                sequence=None if isinstance(steps, Action) else steps,
                service=service,
                operation=op,
                attributes=criteria,
                times=times,
                source="control plane",
            )
            check_rule(self.cloud.services, rule)
        except UnknownName as error:
            raise ServiceError(404, str(error)) from None
        except (TypeError, ValueError) as error:
            raise ServiceError(400, str(error)) from None
        self.cloud.faults.add(rule)
        return json_response({"id": rule.id}, 201)

    @route(
        "/v1.1/behaviors/<service>/<operation>/<rule_id>",
        methods=["DELETE"],
        operation="delete_behavior",
        auth=False,
    )
    def delete_behavior(
        self, request: Request, service: str, operation: str, rule_id: str
    ) -> Response:
        """Remove a rule by id; 404 if it is not registered for that service and operation."""
        rule = self.cloud.faults.find(rule_id)
        op = None if operation == "*" else operation
        if rule is None or rule.service != service or rule.operation != op:
            raise ServiceError(404, f"No behavior {rule_id} for {service}/{operation}.")
        self.cloud.faults.remove(rule)
        return json_response(None, 204)

    @route("/v1.1/next/<service>", methods=["POST"], operation="next_response", auth=False)
    @route(
        "/v1.1/next/<service>/<operation>",
        methods=["POST"],
        operation="next_response",
        auth=False,
    )
    def next_response(self, request: Request, service: str, operation: str = "*") -> Response:
        """The next matching request gets the response the ``X-Mimic-Next-*`` headers give.

        A one-shot rule of the fault engine: the engine hands it to exactly one request,
        under its lock, so concurrent traffic cannot answer it twice.
        """
        try:
            action = override_action(request.headers.get)
        except ValueError as error:
            raise ServiceError(400, str(error)) from None
        if action is None:
            raise ServiceError(400, "X-Mimic-Next-Status must be an HTTP status code.")
        op = None if operation == "*" else operation
        try:
            check_target(self.cloud.services, service, op, rules=True)
        except UnknownName as error:
            raise ServiceError(404, str(error)) from None
        except ValueError as error:
            raise ServiceError(400, str(error)) from None
        rule = override_rule(service, op, action)
        self.cloud.faults.override_next(rule)
        return json_response({"id": rule.id}, 201)

    def _behaviors(self, service: str) -> dict[str, str]:
        """The ``Behave`` names ``service`` understands (every service's for ``*``)."""
        found: dict[str, str] = {}
        for candidate in self.cloud.services:
            if service in {"*", candidate.name}:
                found.update(candidate.behaviors)
        return found

    # -- state documents -------------------------------------------------------------

    @route("/v1.1/state", operation="export_state", auth=False)
    def export_state(self, request: Request) -> Response:
        """Every service's state as one document: save it, then PUT it or ``serve --seed``
        it to come back to this state.
        """
        return json_response(self.cloud.export_state())

    @route("/v1.1/state", methods=["PUT", "POST"], operation="load_state", auth=False)
    def load_state(self, request: Request) -> Response:
        """PUT: the state becomes the body's document; POST: the body's document is added.
        Either until the next reset (which returns to ``serve --seed``'s); answers the state.
        """
        document = expect_object(parse_json_body(request), "body")
        try:
            if request.method == "PUT":
                self.cloud.replace_state(document)
            else:
                self.cloud.seed(document)
        except SeedError as error:
            raise ServiceError(400, str(error)) from None
        return json_response(self.cloud.export_state())

    # -- journal ---------------------------------------------------------------------

    @route("/v1.1/journal", operation="read_journal", auth=False)
    def read_journal(self, request: Request) -> Response:
        """Calls so far, oldest first; ``?service=&operation=`` filter them."""
        service = request.args.get("service") or None
        operation = request.args.get("operation") or None
        try:
            check_target(self.cloud.services, service, operation)
        except UnknownName as error:
            raise ServiceError(400, str(error)) from None
        calls = self.cloud.journal.calls(service, operation)
        return json_response(
            {
                "calls": [
                    {
                        "time": isoformat_z(call.time),
                        "service": call.service,
                        "operation": call.operation,
                        "method": call.method,
                        "path": call.path,
                        "query": call.query,
                        "status": call.status,
                        "fault": call.fault,
                        "attributes": jsonable(call.attributes),
                    }
                    for call in calls
                ]
            }
        )


def _steps(
    name: Any, parameters: Mapping[str, Any], behaviors: Mapping[str, str]
) -> Action | list[Action]:
    """The action(s) a named behaviour stands for."""
    if name == "sequence":
        inner = parameters.get("behaviors")
        if not isinstance(inner, list) or not inner:
            raise ValueError("a 'sequence' needs parameters.behaviors, a non-empty list")
        steps: list[Action] = []
        for step in inner:
            if not isinstance(step, dict):
                raise ValueError("each step of a sequence is {name, parameters}")
            action = _steps(
                step.get("name"), expect_object(step.get("parameters") or {}, "step"), behaviors
            )
            if not isinstance(action, Action):
                raise ValueError("a sequence cannot contain a sequence")
            steps.append(action)
        return steps
    if name == "fail":
        # Checked here under the names this door uses (``code``, ``type``), by the same
        # parsers ``Respond`` uses for ``status`` and ``fault``.
        code = parse_status(parameters.get("code", 500), "'fail' code", text=False, minimum=400)
        message = parameters.get("message")
        fault = parameters.get("type")
        for key, value in (("message", message), ("type", fault)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"'fail' {key} must be text, not {shown(value)}")
        if fault is not None:
            check_header_value(fault, "'fail' type (a fault type)")
        return Respond(code, message, fault)
    if name in {"delay", "hang"}:
        seconds = parameters.get("seconds", 60.0 if name == "hang" else 1.0)
        seconds = parse_seconds(seconds, f"'{name}' seconds", maximum=MAX_REAL_SECONDS)
        return Delay(seconds) if name == "delay" else Hang(seconds)
    if name == "reset":
        return ResetConnection()
    if name == "close":
        return CloseConnection()
    if name == "default":
        return Pass()
    if isinstance(name, str) and name in behaviors:
        return Behave(name, dict(parameters))
    valid = [*_CORE_BEHAVIORS, *behaviors]
    raise ValueError(
        f"unknown behavior {shown(name)}{suggest(str(name), valid)}; behaviors: {', '.join(valid)}"
    )


def jsonable(value: Any) -> Any:
    """``value`` if JSON can carry it, else its text (an attribute may be any object)."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def openapi_document() -> dict[str, Any]:
    """OpenAPI 3.0 for ``ROUTES``, with the path parameters each route takes."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path, summary in ROUTES:
        operation: dict[str, Any] = {
            "summary": summary,
            "responses": {"default": {"description": "JSON, or an error {code: {message}}"}},
        }
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if names:
            operation["parameters"] = [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                for n in names
            ]
        if method in {"POST", "PATCH", "PUT"}:
            operation["requestBody"] = {
                "required": False,
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        paths.setdefault("/mimic" + path, {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "pytest-mimic control plane",
            "version": "1.1",
            "description": "Clock, reset, settings, scenarios, behaviours (fault rules), "
            "next-request overrides and the journal of a pytest-mimic fake cloud.",
        },
        "paths": paths,
    }


_MOUNT_KEY = "pytest_mimic.control_mount"


def _remount(request: Request) -> None:
    """Move ``/v1.1/<service>`` from the request's path to its root path, as the service's
    control routes are written relative to it.
    """
    environ = request.environ
    path = environ.get("PATH_INFO", "")
    cut = len("/v1.1/") + len(path[6:].split("/", 1)[0])
    environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + path[:cut]
    environ["PATH_INFO"] = path[cut:] or "/"
    request.root_path = environ["SCRIPT_NAME"].rstrip("/")
    request.path = "/" + environ["PATH_INFO"].lstrip("/")


class Unrouted(RoutedService):
    """What answers a request no service serves: the root page at ``/``, a 404 elsewhere,
    in the control plane's format (the dispatcher writes no body of its own).
    """

    name: ClassVar[str] = "mimic"
    prefix: ClassVar[str] = ""
    takes_faults: ClassVar[bool] = False

    def __init__(self, context: ServiceContext, root_text: Callable[[str], str]) -> None:
        super().__init__(context)
        self._root_text = root_text

    def resolve(self, request: Request) -> Operation:
        return Operation(self.name, "unrouted")

    def handle(self, request: Request, operation: Operation) -> Response:
        path = request.environ.get("PATH_INFO", "") or "/"
        if path == "/" and request.method in {"GET", "HEAD"}:
            return Response(self._root_text(base_url(request)), mimetype="text/plain")
        return self.error_response(404, f"No fake service serves {path}.", fault="itemNotFound")
