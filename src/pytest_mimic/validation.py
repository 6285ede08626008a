"""Refusing names that match nothing, and rules that could not be carried out: a misspelt
service, operation or attribute in a fault rule or a journal query would otherwise be
accepted and silently never match; a rule on the control plane would lock it out; a
behaviour's parameter out of its declared bounds would fail every request it meets.

The messages list what is valid and suggest the closest name, so a typo costs one run.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pytest_mimic.faults import Behave

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from pytest_mimic.faults import Action, FaultRule
    from pytest_mimic.scenarios import Parameter
    from pytest_mimic.services.base import Service

from pytest_mimic.names import UnknownName, listing, suggest

__all__ = ["UnknownName", "check_rule", "check_target", "suggest"]


def check_rule(services: Sequence[Service], rule: FaultRule) -> None:
    """Raise unless ``rule`` can be registered: its target exists and takes fault rules
    (``check_target``), and every ``Behave`` it carries has parameters its service declares,
    in their bounds (``TypeError`` or ``ValueError`` naming the valid ones).
    """
    check_target(services, rule.service, rule.operation, rule.attributes, rules=True)
    steps: list[Action] = [rule.action] if rule.action is not None else list(rule.sequence or ())
    for step in steps:
        if isinstance(step, Behave):
            _check_behave(services, rule.service, step)


def _check_behave(services: Sequence[Service], service: str | None, behave: Behave) -> None:
    declaring = [
        s
        for s in services
        if service in (None, s.name)
        and behave.name in s.behaviors
        and behave.name in s.behavior_parameters
    ]
    if not declaring:
        return  # undeclared: only the floor ``Behave`` itself applies
    declared: dict[str, Parameter] = {}
    for candidate in declaring:
        for parameter in candidate.behavior_parameters[behave.name]:
            declared.setdefault(parameter.name, parameter)
    owner = f"behaviour {behave.name!r}"
    for name, value in behave.parameters.items():
        if name not in declared:
            raise TypeError(
                f"{owner} has no parameter {name!r}{suggest(name, declared)}; "
                f"its parameters: {listing(declared)}"
            )
        declared[name].coerce(value, owner)


def _taking_faults(services: Sequence[Service]) -> list[str]:
    return [s.name for s in services if s.takes_faults]


def check_target(
    services: Sequence[Service],
    service: str | None,
    operation: str | None,
    attributes: Iterable[str] = (),
    *,
    rules: bool = False,
    keywords: Iterable[str] = (),
) -> None:
    """Raise ``UnknownName`` unless ``service``, ``operation`` and every attribute name exist.

    ``operation`` may be a regular expression; it must then match at least one operation.
    Services that do not declare their operations (``operation_names()`` is ``None``) accept
    any operation and attribute. With ``rules`` (the target of a fault rule), a service that
    takes no fault rules (the control plane) is a ``ValueError`` naming those that do.
    ``keywords`` are the caller's own parameters, which an attribute name sits beside
    (``inject(..., time=1)``): an unknown name may be a misspelt one of them, and the
    suggestion looks there too.
    """
    chosen: Sequence[Service] = [s for s in services if s.takes_faults] if rules else services
    if service is not None:
        chosen = [s for s in services if s.name == service]
        if not chosen:
            names = [s.name for s in services if s.takes_faults or not rules]
            raise UnknownName(
                f"no service named {service!r}{suggest(service, names)}; "
                f"known services: {listing(names)}"
            )
        if rules and not chosen[0].takes_faults:
            raise ValueError(
                f"the service {service!r} takes no fault rules or scenarios: its routes (a "
                "reset above all) always answer; services that do: "
                f"{listing(_taking_faults(services))}"
            )
    declared = [s.operation_names() for s in chosen]
    if any(names is None for names in declared):
        return
    operations: set[Any] = set().union(*[names for names in declared if names is not None])
    if operation is not None and operation not in operations:
        try:
            pattern = re.compile(operation)
        except re.error:
            pattern = None
        if pattern is None or not any(pattern.fullmatch(name) for name in operations):
            where = f"service {service!r}" if service is not None else "any service"
            raise UnknownName(
                f"{where} has no operation {operation!r}{suggest(operation, operations)}; "
                f"its operations: {listing(operations)}"
            )
    known: set[str] = set()
    for candidate in chosen:
        attribute_names = candidate.attribute_names()
        if attribute_names is None:
            return
        known |= attribute_names
    own = list(keywords)
    for attribute in attributes:
        if attribute not in known:
            also = f"; keywords: {listing(own)}" if own else ""
            raise UnknownName(
                f"no request attribute {attribute!r}{suggest(attribute, [*known, *own])}; "
                f"attributes of {service or 'these services'}: {listing(known)}{also}"
            )
