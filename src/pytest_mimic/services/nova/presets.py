"""Mimic's metadata presets, as rules of the one fault engine.

A create request whose ``metadata`` carries one of these keys changes how the create goes:

- ``create_server_failure``: JSON text ``{"message": ..., "code": N}`` (optionally ``"type"``,
  the fault name; ``"string"`` answers the message as plain text): the create fails with it.
- ``server_building``: seconds (a number or numeric text): BUILD that long, then ACTIVE.
- ``server_error``: any value: the server is created in ERROR.
- ``delete_server_failure``: JSON text ``{"code": N, "times": T}``: the next T deletes of the
  new server answer N; the create handler registers that rule once it knows the server id.

The first three are standing rules (``standing_rules``) registered after every reset, in
precedence order; they produce ``Respond`` or ``Behave`` actions like any injected fault, so
they show in the journal as faults with source ``preset <key>``. A value that cannot be
understood is a ``PresetError``: a 400 with Nova's fault body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_mimic.errors import ServiceError
from pytest_mimic.faults import Action, Behave, FaultRule, Respond
from pytest_mimic.parsing import parse_seconds, shown

if TYPE_CHECKING:
    from pytest_mimic.services.base import Operation

__all__ = [
    "CREATE_FAILURE_MESSAGE",
    "PRESETS",
    "PresetError",
    "delete_failure_rule",
    "http_status",
    "seconds",
    "standing_rules",
]

#: Nova's generic 500 message, used when a preset names no message.
CREATE_FAILURE_MESSAGE = (
    "The server has either erred or is incapable of performing the requested operation."
)

#: What ``GET /mimic/v1.0/presets`` lists for compute (keys and ids as the original Mimic).
PRESETS: Mapping[str, Any] = {
    "servers": {
        "create_server_failure": '{"message": "<text>", "code": <HTTP status>}: the create fails',
        "delete_server_failure": '{"code": <HTTP status>, "times": <N>}: the next N deletes fail',
        "invalid_image_ref": ["INVALID-IMAGE-ID", "1111", "image_ends_with_Z"],
        "invalid_flavor_ref": ["INVALID-FLAVOR-ID", "8888", "-4", "1"],
        "server_error": "any value: the server is created in ERROR",
        "server_building": "<seconds>: the server stays in BUILD that long, then turns ACTIVE",
    }
}


class PresetError(ServiceError):
    """A preset (or ``Behave`` parameter) value that cannot be understood (HTTP 400,
    ``badRequest``)."""

    default_fault = "badRequest"


def seconds(value: Any, where: str) -> float:
    """Seconds from a number or numeric text, finite and >= 0; ``PresetError`` otherwise."""
    try:
        return parse_seconds(value, where)
    except ValueError as error:
        raise PresetError(str(error)) from None


def _preset_object(value: Any, key: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." thousands deep
        raise PresetError(f"Invalid {key} value: not a JSON object.") from None
    if not isinstance(parsed, dict):
        raise PresetError(f"Invalid {key} value: not a JSON object.")
    return parsed


def _count(value: Any) -> int | None:
    """A non-negative integer from an int or ASCII-digit text, else ``None``."""
    if isinstance(value, str):
        text = value.strip()
        # isdigit() alone accepts "²", which int() refuses; 18 digits keep int() cheap.
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            return None
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def http_status(value: Any, key: str) -> int:
    """An error status (400-599) from an int or digit text; ``PresetError`` otherwise."""
    code = _count(value)
    if code is None:
        raise PresetError(f"Invalid {key} code {shown(value)}: expected an HTTP status.")
    if not 400 <= code <= 599:
        raise PresetError(f"Invalid {key} code {shown(value)}: expected a 4xx or 5xx status.")
    return code


def _metadata(operation: Operation) -> Mapping[str, Any]:
    metadata = operation.attributes.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def _create_failure(operation: Operation) -> Action | None:
    metadata = _metadata(operation)
    if "create_server_failure" not in metadata:
        return None
    try:
        spec = _preset_object(metadata["create_server_failure"], "create_server_failure")
        code = http_status(spec.get("code", 500), "create_server_failure")
    except PresetError as error:
        return Respond(error.status, error.message, fault=error.fault)
    message = str(spec.get("message", CREATE_FAILURE_MESSAGE))
    fault = spec.get("type")
    if fault == "string":
        return Respond(code, body=message, headers={"Content-Type": "text/plain"})
    return Respond(code, message, fault=fault if isinstance(fault, str) and fault else None)


def _server_building(operation: Operation) -> Action | None:
    metadata = _metadata(operation)
    if "server_building" not in metadata:
        return None
    try:
        duration = seconds(metadata["server_building"], "server_building")
    except PresetError as error:
        return Respond(error.status, error.message, fault=error.fault)
    return Behave("build", {"duration": duration})


def _server_error(operation: Operation) -> Action | None:
    return Behave("error") if "server_error" in _metadata(operation) else None


def standing_rules() -> list[FaultRule]:
    """The create-time presets, in Mimic's precedence order."""
    return [
        FaultRule(
            service="nova",
            operation="create_server",
            decide=decide,
            source=f"preset {key}",
        )
        for key, decide in (
            ("create_server_failure", _create_failure),
            ("server_building", _server_building),
            ("server_error", _server_error),
        )
    ]


def delete_failure_rule(value: Any, *, tenant: str, region: str, server_id: str) -> FaultRule:
    """The rule a ``delete_server_failure`` preset asks for, bound to one server.

    ``PresetError`` if the value is not ``{"code": N, "times": T}`` (both optional:
    500 and 1).
    """
    spec = _preset_object(value, "delete_server_failure")
    code = http_status(spec.get("code", 500), "delete_server_failure")
    times = _count(spec.get("times", 1))
    if times is None:
        given = shown(spec.get("times"))
        raise PresetError(f"Invalid delete_server_failure times {given}: expected a count.")
    return FaultRule(
        service="nova",
        operation="delete_server",
        attributes={
            "tenant": re.compile(re.escape(tenant)),
            "region": re.compile(re.escape(region)),
            "server_id": re.compile(re.escape(server_id)),
        },
        action=Respond(code, CREATE_FAILURE_MESSAGE),
        times=times,
        source="preset delete_server_failure",
    )
