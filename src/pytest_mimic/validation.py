"""Refusing names that match nothing: a misspelt service, operation or attribute in a fault
rule or a journal query would otherwise be accepted and silently never match.

The messages list what is valid and suggest the closest name, so a typo costs one run.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from pytest_mimic.services.base import Service

from pytest_mimic.names import UnknownName, listing, suggest

__all__ = ["UnknownName", "check_target", "suggest"]


def check_target(
    services: Sequence[Service],
    service: str | None,
    operation: str | None,
    attributes: Iterable[str] = (),
) -> None:
    """Raise ``UnknownName`` unless ``service``, ``operation`` and every attribute name exist.

    ``operation`` may be a regular expression; it must then match at least one operation.
    Services that do not declare their operations (``operation_names()`` is ``None``) accept
    any operation and attribute.
    """
    chosen: Sequence[Service] = services
    if service is not None:
        chosen = [s for s in services if s.name == service]
        if not chosen:
            names = [s.name for s in services]
            raise UnknownName(
                f"no service named {service!r}{suggest(service, names)}; "
                f"known services: {listing(names)}"
            )
    declared = [s.operation_names() for s in chosen]
    if any(names is None for names in declared):
        return
    operations = set().union(*[names for names in declared if names is not None])
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
    for attribute in attributes:
        if attribute not in known:
            raise UnknownName(
                f"no request attribute {attribute!r}{suggest(attribute, known)}; "
                f"attributes of {service or 'these services'}: {listing(known)}"
            )
