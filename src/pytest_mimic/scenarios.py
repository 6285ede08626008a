"""The repository of known failures: named, documented bundles of fault rules and settings.

A scenario is data: what it changes in the cloud's settings and which ``FaultRule`` objects it
adds to the one fault engine. The ``mimic_scenario`` marker, ``MimicCloud.activate``, the
control plane and ``serve --scenario`` all load the same objects; there is no second fault
mechanism.

Services contribute their own scenarios through ``Service.scenarios()`` (a classmethod, so the
list is known before any cloud exists and a marker can be checked at collection time); the
transport scenarios, which apply to any service, live here. Users add theirs with
``register_scenario`` (in a ``conftest.py``) or the ``pytest_mimic_scenarios`` hook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_mimic.faults import Delay, FaultRule, Hang, ResetConnection
from pytest_mimic.names import UnknownName, suggest
from pytest_mimic.parsing import (
    MAX_COUNT,
    MAX_REAL_SECONDS,
    MAX_SECONDS,
    parse_bool,
    parse_count,
    parse_seconds,
    shown,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

__all__ = [
    "Parameter",
    "Scenario",
    "ScenarioRegistry",
    "Setup",
    "register_scenario",
    "scenario_registry",
    "user_scenarios",
]


@dataclass(frozen=True)
class Parameter:
    """One parameter a scenario or a behaviour takes: its type (``float``, ``int``, ``str``,
    ``bool`` or ``dict``), default, what it means, and for numbers their bounds.

    Numbers are read by ``pytest_mimic.parsing``: finite, from ``minimum`` to ``maximum``
    (by default ``MAX_SECONDS`` for a ``float``, ``MAX_COUNT`` for an ``int``), so no value
    can make a scenario's cost grow with it or overflow the clock.
    """

    name: str
    kind: type
    default: Any
    help: str = ""
    minimum: float = 0
    maximum: float | None = None

    def coerce(self, value: Any, owner: str) -> Any:
        """``value`` checked against ``kind`` and bounds; a clear ``TypeError`` or
        ``ValueError`` otherwise, naming ``owner`` (``"scenario 'nova.slow_build'"``)."""
        if value is None and self.default is None:
            return None
        where = f"{owner}: {self.name}"
        # The parsers every door uses, so a scenario parameter reads as a setting does.
        if self.kind is float:
            top = MAX_SECONDS if self.maximum is None else self.maximum
            return parse_seconds(value, where, text=False, minimum=self.minimum, maximum=top)
        if self.kind is int:
            most = MAX_COUNT if self.maximum is None else int(self.maximum)
            return parse_count(value, where, text=False, minimum=int(self.minimum), maximum=most)
        if self.kind is bool:
            return parse_bool(value, where, text=False)
        if isinstance(value, self.kind) and not (self.kind is not bool and isinstance(value, bool)):
            return value
        raise TypeError(
            f"{where} must be {self.kind.__name__}, not {type(value).__name__} {shown(value)}"
        )


@dataclass
class Setup:
    """What activating a scenario does: settings to change and rules to add."""

    settings: dict[str, Any] = field(default_factory=dict)
    rules: list[FaultRule] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    """A named failure mode.

    ``description`` is one line on the real-world failure it models. ``build`` turns checked
    parameters into a ``Setup``.
    """

    name: str
    description: str
    build: Callable[..., Setup]
    parameters: tuple[Parameter, ...] = ()

    def bind(self, arguments: Mapping[str, Any]) -> Setup:
        """The setup for ``arguments``; unknown or ill-typed parameters raise at once."""
        known = {p.name: p for p in self.parameters}
        for name in arguments:
            if name not in known:
                valid = ", ".join(known) or "none"
                raise TypeError(
                    f"scenario {self.name!r} has no parameter {name!r}{suggest(name, known)}; "
                    f"its parameters: {valid}"
                )
        values = {
            name: parameter.coerce(
                arguments.get(name, parameter.default), f"scenario {self.name!r}"
            )
            for name, parameter in known.items()
        }
        setup = self.build(**values)
        for rule in setup.rules:
            rule.source = f"scenario {self.name}"
        return setup

    def signature(self) -> str:
        """``name(param=default, ...)`` for listings."""
        params = ", ".join(f"{p.name}={p.default!r}" for p in self.parameters)
        return f"{self.name}({params})" if params else self.name


class ScenarioRegistry:
    """Scenarios by name, in the order they were added."""

    def __init__(self, scenarios: Iterable[Scenario] = ()) -> None:
        self._scenarios: dict[str, Scenario] = {}
        for scenario in scenarios:
            self.add(scenario)

    def __iter__(self) -> Any:
        return iter(self._scenarios.values())

    def __len__(self) -> int:
        return len(self._scenarios)

    def __contains__(self, name: object) -> bool:
        return name in self._scenarios

    def add(self, scenario: Scenario) -> Scenario:
        """Register ``scenario``; a name already taken raises."""
        if scenario.name in self._scenarios:
            raise ValueError(f"a scenario named {scenario.name!r} is already registered")
        self._scenarios[scenario.name] = scenario
        return scenario

    def get(self, name: str) -> Scenario:
        """The scenario called ``name``, or ``UnknownName`` listing the known ones."""
        try:
            return self._scenarios[name]
        except KeyError:
            raise UnknownName(
                f"no scenario named {name!r}{suggest(name, self._scenarios)}; known scenarios: "
                + ", ".join(self._scenarios)
            ) from None

    def names(self) -> list[str]:
        """Every scenario name, in registration order."""
        return list(self._scenarios)

    def describe(self) -> str:
        """One line per scenario: signature and description (for ``--mimic-scenarios``)."""
        width = max((len(s.signature()) for s in self), default=0)
        return "\n".join(f"{s.signature():<{width}}  {s.description}" for s in self)


_USER: list[Scenario] = []


def register_scenario(
    name: str,
    description: str,
    *,
    parameters: Iterable[Parameter] = (),
) -> Callable[[Callable[..., Setup]], Callable[..., Setup]]:
    """Decorator for a user scenario (in a ``conftest.py``): the function takes the
    parameters and returns a ``Setup``.

    ``@register_scenario("myapp.slow_auth", "Identity takes 2 s", parameters=[...])``
    """

    def add(build: Callable[..., Setup]) -> Callable[..., Setup]:
        scenario = Scenario(name, description, build, tuple(parameters))
        origin = (build.__module__, build.__qualname__)
        for index, existing in enumerate(_USER):
            if existing.name == name:
                if (existing.build.__module__, existing.build.__qualname__) != origin:
                    raise ValueError(f"a scenario named {name!r} is already registered")
                _USER[index] = scenario  # the same conftest imported again
                return build
        _USER.append(scenario)
        return build

    return add


def user_scenarios() -> list[Scenario]:
    """Scenarios registered with ``register_scenario`` so far."""
    return list(_USER)


# -- transport scenarios: any service, any operation ---------------------------------------


def _target(service: str | None, operation: str | None) -> dict[str, Any]:
    """``*`` means any, as in the behaviours API."""
    return {
        "service": None if service in (None, "", "*") else service,
        "operation": None if operation in (None, "", "*") else operation,
    }


_WHERE = (
    Parameter("service", str, None, "service name (default or *: any)"),
    Parameter("operation", str, None, "operation name or pattern (default or *: any)"),
)


def _reset(service: str | None, operation: str | None, times: int | None) -> Setup:
    rule = FaultRule(action=ResetConnection(), times=times, **_target(service, operation))
    return Setup(rules=[rule])


def _hang(service: str | None, operation: str | None, seconds: float) -> Setup:
    return Setup(rules=[FaultRule(action=Hang(seconds), **_target(service, operation))])


def _latency(service: str | None, operation: str | None, ms: float) -> Setup:
    return Setup(rules=[FaultRule(action=Delay(ms / 1000), **_target(service, operation))])


TRANSPORT_SCENARIOS = (
    Scenario(
        "transport.connection_reset",
        "the connection is reset (RST) under the request, as a dying load balancer does",
        _reset,
        (*_WHERE, Parameter("times", int, None, "how many requests (default: all)")),
    ),
    Scenario(
        "transport.hang",
        "the request is held without an answer until the client's timeout fires",
        _hang,
        (
            *_WHERE,
            Parameter(
                "seconds", float, 60.0, "how long to hold it (real time)", 0, MAX_REAL_SECONDS
            ),
        ),
    ),
    Scenario(
        "transport.latency",
        "every matching answer is late by a fixed delay, as across a slow link",
        _latency,
        (
            *_WHERE,
            Parameter(
                "ms", float, 200.0, "delay in milliseconds (real time)", 0, MAX_REAL_SECONDS * 1000
            ),
        ),
    ),
)


def scenario_registry(service_types: Iterable[Any]) -> ScenarioRegistry:
    """The transport scenarios, then each service type's (``Service.scenarios()``), then the
    user's: what a cloud of those services offers.
    """
    registry = ScenarioRegistry(TRANSPORT_SCENARIOS)
    for service_type in service_types:
        for scenario in getattr(service_type, "scenarios", lambda: ())():
            if scenario.name not in registry:
                registry.add(scenario)
    for scenario in user_scenarios():
        registry.add(scenario)
    return registry
