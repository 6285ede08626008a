"""The one fault engine: rules that match operations and decide how a request fails.

Every door (``mimic_cloud.inject``, metadata presets in a create request, later markers and
the HTTP control plane) produces the same ``FaultRule`` objects, evaluated in one place
(``FaultEngine.match``) for every request. The first rule that matches, in registration
order, decides; a rule that has used up its ``times`` no longer matches.

The objects check what they are given when they are made, so no door can register what
the server could not carry out: a status or header HTTP cannot send, a wait past
``MAX_REAL_SECONDS``, a pattern that could backtrack without bound (``patterns``).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_mimic.parsing import (
    MAX_COUNT,
    MAX_REAL_SECONDS,
    MAX_SECONDS,
    check_header_value,
    check_headers,
    parse_count,
    parse_seconds,
    parse_status,
    shown,
)
from pytest_mimic.patterns import LONGEST_TEXT, check_pattern

if TYPE_CHECKING:
    from pytest_mimic.operation import Operation

__all__ = [
    "OVERRIDE_HEADERS",
    "Action",
    "Behave",
    "CloseConnection",
    "Delay",
    "FaultEngine",
    "FaultHandle",
    "FaultRule",
    "Hang",
    "OneIn",
    "Pass",
    "ResetConnection",
    "Respond",
    "override_action",
    "override_rule",
]


class Action:
    """What an injected fault does to a request."""

    def describe(self) -> str:
        """A short human description for the journal and failure reports."""
        return type(self).__name__


@dataclass(frozen=True)
class Respond(Action):
    """Answer at once with ``status``, without running the service.

    ``message``/``fault`` build a body in the service's own error format; ``body`` (a JSON-able
    value or ``bytes``/``str``) replaces it verbatim.
    """

    status: int
    message: str | None = None
    fault: str | None = None
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A 1xx leaves the client waiting for a final answer; 0 is no status at all.
        parse_status(self.status, "status", text=False)
        object.__setattr__(self, "headers", check_headers(self.headers, "headers"))
        if self.fault is not None:
            # Services put the fault name in a header (SQS's x-amzn-query-error), too.
            check_header_value(self.fault, "fault")
        if self.message is not None and not isinstance(self.message, str):
            raise TypeError(f"message must be text, not {shown(self.message)}")

    def describe(self) -> str:
        return f"respond {self.status}"


@dataclass(frozen=True)
class Delay(Action):
    """Wait ``seconds`` of real time, then handle the request normally."""

    seconds: float

    def __post_init__(self) -> None:
        _real_seconds(self.seconds, "delay")

    def describe(self) -> str:
        return f"delay {self.seconds:g}s"


@dataclass(frozen=True)
class ResetConnection(Action):
    """Abort the TCP connection with an RST: the client sees ``ConnectionResetError``."""

    def describe(self) -> str:
        return "reset connection"


@dataclass(frozen=True)
class CloseConnection(Action):
    """Close the connection without sending any response."""

    def describe(self) -> str:
        return "close connection"


@dataclass(frozen=True)
class Hang(Action):
    """Hold the connection without answering for up to ``seconds`` (real time), then close it.

    Meant for exercising client timeouts; the hang also ends when the test ends.
    """

    seconds: float = 60.0

    def __post_init__(self) -> None:
        _real_seconds(self.seconds, "hang")

    def describe(self) -> str:
        return f"hang {self.seconds:g}s"


@dataclass(frozen=True)
class Behave(Action):
    """Hand a named behaviour to the service, which changes how it acts (e.g. Nova ``build``).

    The request still reaches the service; only services that know ``name`` react to it.
    """

    name: str
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"a behaviour's name must be text, not {shown(self.name)}")
        if not isinstance(self.parameters, Mapping):
            raise TypeError(f"behaviour {self.name!r}: parameters must be a mapping")
        _bounded_numbers(self.parameters, f"behaviour {self.name!r}")

    def describe(self) -> str:
        return f"behave {self.name}"


@dataclass(frozen=True)
class Pass(Action):
    """Let the request through untouched (a step in a ``sequence``)."""

    def describe(self) -> str:
        return "pass"


def _real_seconds(seconds: Any, where: str) -> float:
    return parse_seconds(seconds, where, text=False, maximum=MAX_REAL_SECONDS)


def _bounded_numbers(value: Any, where: str) -> None:
    """Refuse numbers no parameter means: NaN, infinities, past ``MAX_SECONDS`` either way.

    Services check their behaviours' parameters by declaration (``Service.behavior_parameters``);
    this is the floor for the ones that declare none.
    """
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        parse_seconds(abs(value), where, text=False, maximum=MAX_SECONDS)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _bounded_numbers(item, f"{where}: {key}")
    elif isinstance(value, list | tuple):
        for item in value:
            _bounded_numbers(item, where)


#: What an action may be, for messages: the classes a test builds.
ACTIONS_ALLOWED = (
    "an action (Respond(status), Delay(seconds), Hang(seconds), ResetConnection(), "
    "CloseConnection(), Pass(), Behave(name))"
)


def check_action(action: Any, where: str, *, none: bool = False) -> Action | None:
    """``action`` if it is an ``Action`` (or ``None`` when ``none``), else ``TypeError``
    naming ``where``: a bare ``500`` would otherwise fail the request it meets.
    """
    if isinstance(action, Action) or (none and action is None):
        return action
    allowed = ACTIONS_ALLOWED + (" or None (let the request through)" if none else "")
    hint = f" (for a status, Respond({action}))" if type(action) is int else ""
    raise TypeError(f"{where} must be {allowed}, not {shown(action)}{hint}")


class OneIn:
    """The ``decide`` of a rule that takes ``action`` on the first request of every
    ``count`` and lets the others through (``Pass``): one counter, whatever ``count`` is.
    """

    def __init__(self, action: Action, count: int) -> None:
        self.action = action
        self.count = parse_count(count, "one_in", text=False, minimum=1, maximum=MAX_COUNT)
        self._seen = 0

    def __call__(self, operation: Operation) -> Action:
        # Called under the engine's lock, once per matching request.
        turn = self._seen
        self._seen = (turn + 1) % self.count
        return self.action if turn == 0 else Pass()

    def describe(self) -> str:
        return f"{self.action.describe()} 1 in {self.count}"


AttributePattern = str | re.Pattern[str] | Callable[[Any], bool] | Mapping[str, Any] | Any


def matches(pattern: AttributePattern, value: Any) -> bool:
    """Strings are regular expressions matched against the whole value; see ``FaultRule``."""
    if callable(pattern) and not isinstance(pattern, re.Pattern):
        return bool(pattern(value))
    if isinstance(pattern, re.Pattern):
        return value is not None and pattern.fullmatch(str(value)) is not None
    if isinstance(pattern, str):
        return value is not None and re.fullmatch(pattern, str(value)) is not None
    if isinstance(pattern, Mapping):
        if not isinstance(value, Mapping):
            return False
        return all(matches(sub, value.get(key)) for key, sub in pattern.items())
    return bool(pattern == value)


_RULE_NUMBERS = itertools.count(1)


def _compile(pattern: Any, where: str, *, longest: int | None = None) -> Any:
    """A criterion ready to match: text and compiled patterns checked (``patterns``) and
    compiled, a mapping's patterns likewise; anything else as it is.

    Attribute values have no length bound (a name from a megabyte body), so their patterns
    must cost no more than linear time; operation names are short.
    """
    if isinstance(pattern, str | re.Pattern):
        return check_pattern(pattern, where, anchored=True, longest=longest)
    if isinstance(pattern, Mapping):
        return {key: _compile(sub, f"{where}[{key!r}]") for key, sub in pattern.items()}
    return pattern


@dataclass(eq=False)
class FaultRule:
    """Match criteria plus what to do, how often.

    - ``service``/``operation``: names to match (``None`` = any).
    - ``attributes``: per-attribute patterns. A string is a regular expression that must
      match the whole value (``"web-.*"``); a compiled pattern likewise; a callable is a
      predicate; a mapping matches a mapping attribute key by key (e.g. metadata); anything
      else must be equal.
    - ``action``: what to do; or ``sequence``: actions used in turn, cycling
      (``[Respond(500), Pass(), Respond(500)]``); or ``decide``: a callable computing the
      action from the operation (``None`` = this rule does not apply).
    - ``times``: how many requests the rule affects before it is spent (``None`` = forever).
    """

    action: Action | None = None
    service: str | None = None
    operation: str | None = None
    attributes: Mapping[str, AttributePattern] = field(default_factory=dict)
    sequence: Iterable[Action] | None = None
    decide: Callable[[Operation], Action | None] | None = None
    times: int | None = None
    source: str = "python"
    hits: int = 0
    #: A stable handle for doors that name rules (the control plane's behaviors API); a
    #: counter, not a UUID: presets make several rules at every reset.
    id: str = field(default_factory=lambda: f"rule-{next(_RULE_NUMBERS)}")
    _cycle: Iterator[Action] | None = field(default=None, repr=False)
    _compiled: tuple[Any, dict[str, Any]] = field(default=(None, {}), repr=False)

    def __post_init__(self) -> None:
        # Patterns are compiled once: the engine asks every rule about every request.
        self._compiled = (
            _compile(self.operation, "the operation pattern", longest=LONGEST_TEXT),
            {
                key: _compile(pattern, f"the criterion {key!r}")
                for key, pattern in self.attributes.items()
            },
        )
        given = [self.action is not None, self.sequence is not None, self.decide is not None]
        if sum(given) != 1:
            raise ValueError("a FaultRule needs exactly one of action, sequence or decide")
        if self.action is not None:
            check_action(self.action, "action")
        if self.sequence is not None:
            if isinstance(self.sequence, str | bytes | Mapping) or not isinstance(
                self.sequence, Iterable
            ):
                raise TypeError(f"sequence must be a list of actions, not {shown(self.sequence)}")
            steps = list(self.sequence)
            if not steps:
                raise ValueError("sequence must be a list of at least one action, not []")
            for index, step in enumerate(steps):
                check_action(step, f"sequence[{index}]")
            self.sequence = tuple(steps)
            self._cycle = itertools.cycle(steps)
        if self.decide is not None and not callable(self.decide):
            raise TypeError(f"decide must be a callable, not {shown(self.decide)}")
        if self.times is not None:
            # 0 would register a rule that never fires: a mistake, never a request.
            self.times = parse_count(self.times, "times", text=False, minimum=1)

    @property
    def spent(self) -> bool:
        """Whether the rule has affected as many requests as ``times`` allows."""
        return self.times is not None and self.hits >= self.times

    def applies_to(self, operation: Operation) -> bool:
        """Whether the criteria match ``operation`` (ignoring ``times``)."""
        if self.service is not None and self.service != operation.service:
            return False
        name_pattern, patterns = self._compiled
        if name_pattern is not None and not matches(name_pattern, operation.name):
            return False
        attributes = operation.attributes
        return all(matches(pattern, attributes.get(key)) for key, pattern in patterns.items())

    def take(self, operation: Operation) -> Action | None:
        """The action for ``operation`` if this rule fires, counting the hit."""
        if self.spent or not self.applies_to(operation):
            return None
        if self.decide is not None:
            action = self.decide(operation)
            if action is None:
                return None
        elif self._cycle is not None:
            action = next(self._cycle)
        else:
            action = self.action
        self.hits += 1
        return action

    def describe(self) -> str:
        """``service.operation`` criteria and action, for reports."""
        where = f"{self.service or '*'}.{self.operation or '*'}"
        if self.attributes:
            where += " " + ", ".join(f"{k}={v!r}" for k, v in self.attributes.items())
        if self.action is not None:
            what = self.action.describe()
        elif self.sequence is not None:
            what = "sequence[" + ", ".join(a.describe() for a in self.sequence) + "]"
        else:
            what = getattr(self.decide, "describe", lambda: "computed")()
        count = "" if self.times is None else f" x{self.times}"
        return f"{where} -> {what}{count} ({self.source})"


class FaultHandle:
    """What ``inject`` returns: the rule, how often it fired, and a way to remove it."""

    def __init__(self, engine: FaultEngine, rule: FaultRule) -> None:
        self._engine = engine
        self.rule = rule

    def __repr__(self) -> str:
        return f"<FaultHandle {self.rule.describe()} hits={self.hits}>"

    @property
    def hits(self) -> int:
        """How many requests the rule has affected."""
        return self.rule.hits

    def remove(self) -> None:
        """Stop the rule from affecting later requests (idempotent)."""
        self._engine.remove(self.rule)


@dataclass(frozen=True)
class Decision:
    """The engine's verdict on one request."""

    action: Action
    rule: FaultRule


class FaultEngine:
    """Ordered fault rules, evaluated for every request under one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        # The rules that can apply to each service, in order; rebuilt after a change. Every
        # request asks, and most rules name a service (every preset does).
        self._by_service: dict[str, list[FaultRule]] = {}

    def add(self, rule: FaultRule, *, first: bool = False) -> FaultHandle:
        """Register ``rule`` after all existing ones (before them with ``first``)."""
        with self._lock:
            if first:
                self._rules.insert(0, rule)
            else:
                self._rules.append(rule)
            self._by_service.clear()
        return FaultHandle(self, rule)

    def override_next(self, rule: FaultRule) -> FaultHandle:
        """Make ``rule`` (a one-shot answer) the next one its operation gets, replacing a
        pending override of the same service and operation: one override per operation.
        """
        with self._lock:
            self._rules = [
                r
                for r in self._rules
                if not (
                    r.source == OVERRIDE_SOURCE
                    and r.service == rule.service
                    and r.operation == rule.operation
                )
            ]
            self._rules.insert(0, rule)
            self._by_service.clear()
        return FaultHandle(self, rule)

    def remove(self, rule: FaultRule) -> None:
        """Unregister ``rule``; unknown rules are ignored."""
        with self._lock:
            if rule in self._rules:
                self._rules.remove(rule)
                self._by_service.clear()

    def clear(self) -> None:
        """Forget every rule."""
        with self._lock:
            self._rules.clear()
            self._by_service.clear()

    def find(self, rule_id: str) -> FaultRule | None:
        """The registered rule with ``id`` ``rule_id``, if any."""
        with self._lock:
            return next((rule for rule in self._rules if rule.id == rule_id), None)

    @property
    def rules(self) -> list[FaultRule]:
        """A snapshot of the rules in evaluation order."""
        with self._lock:
            return list(self._rules)

    def match(self, operation: Operation) -> Decision | None:
        """The first rule that fires for ``operation``, with its action; counts the hit."""
        service = operation.service
        with self._lock:
            candidates = self._by_service.get(service)
            if candidates is None:
                candidates = [r for r in self._rules if r.service in (None, service)]
                self._by_service[service] = candidates
            for rule in candidates:
                action = rule.take(operation)
                if action is not None:
                    return Decision(action, rule)
        return None


#: ``source`` of the rules the next-request headers make.
OVERRIDE_SOURCE = "next-request header"

#: The next-request headers (``X-Mimic-Next-*``) and Fake Servicer's names for the same.
OVERRIDE_HEADERS: dict[str, tuple[str, str]] = {
    "status": ("X-Mimic-Next-Status", "X-Fake-Servicer-Next-Request-Status"),
    "body": ("X-Mimic-Next-Body", "X-Fake-Servicer-Next-Request-Body"),
    "headers": ("X-Mimic-Next-Headers", "X-Fake-Servicer-Next-Request-Headers"),
}


def override_action(header: Callable[[str], str | None]) -> Respond | None:
    """The answer the next-request headers describe (``header(name)`` reads one), or
    ``None`` if the status header is absent. ``ValueError`` names what is wrong.
    """

    def read(key: str) -> str | None:
        for name in OVERRIDE_HEADERS[key]:
            value = header(name)
            if value is not None:
                return value
        return None

    status_text = read("status")
    if status_text is None:
        return None
    status = parse_status(status_text, "X-Mimic-Next-Status")
    headers: dict[str, str] = {}
    raw_headers = read("headers")
    if raw_headers:
        try:
            parsed = json.loads(raw_headers)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
        ):
            raise ValueError("X-Mimic-Next-Headers must be a JSON object of strings")
        headers = parsed
    body = read("body")
    if body is not None:
        kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        media = kind.split(";")[0].strip().lower()
        if media == "application/json" or media.endswith("+json"):
            try:
                json.loads(body)
            except ValueError:
                raise ValueError(
                    f"X-Mimic-Next-Body must be JSON, as X-Mimic-Next-Headers give "
                    f"Content-Type {kind!r}, not {shown(body)}"
                ) from None
        return Respond(status, None, None, body, headers)
    return Respond(status, headers=headers)


def override_rule(service: str, operation: str | None, action: Respond) -> FaultRule:
    """A one-shot rule answering ``operation`` (exactly that name; ``None``: any) with
    ``action``; register it with ``FaultEngine.override_next``.
    """
    return FaultRule(
        action=action,
        service=service,
        operation=None if operation is None else re.escape(operation),
        times=1,
        source=OVERRIDE_SOURCE,
    )
