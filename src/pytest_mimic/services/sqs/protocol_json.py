"""AWS JSON 1.0, what every current SDK speaks: ``X-Amz-Target: AmazonSQS.<Action>``.

Requests are type-checked against the operation's shape (unknown members are ignored, as
AWS does); responses are the handler's result with binary values in base64. Errors carry
both the JSON ``__type`` and the ``x-amzn-query-error`` header with the legacy code.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from pytest_mimic.services.sqs.errors import SqsError
from pytest_mimic.services.sqs.operations import ListShape, MapShape, Scalar, Structure

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_mimic.services.sqs.errors import ErrorKind
    from pytest_mimic.services.sqs.operations import OperationSpec, Shape

__all__ = ["CONTENT_TYPE", "error", "parse", "response"]

CONTENT_TYPE = "application/x-amz-json-1.0"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse(spec: OperationSpec, body: bytes) -> dict[str, Any]:
    """The request's parameters, type-checked against ``spec.input``."""
    if not body.strip():
        document: Any = {}
    else:
        try:
            document = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise SqsError("MalformedInput", "The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise SqsError("MalformedInput", "The request body must be a JSON object.")
    return _structure(spec.input, document, "")


def _describe(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 100 else text[:97] + "..."


def _wrong(path: str, value: Any, expected: str) -> SqsError:
    return SqsError(
        "InvalidParameterValue",
        f"Value {_describe(value)} for parameter {path} is invalid. Reason: must be {expected}.",
    )


def _structure(shape: Structure, value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(path or "body", value, "an object")
    result: dict[str, Any] = {}
    for member in shape.members:
        item = value.get(member.name)
        where = f"{path}.{member.name}" if path else member.name
        if item is None:
            if member.required:
                raise SqsError(
                    "MissingParameter", f"The request must contain the parameter {where}."
                )
            continue
        result[member.name] = _check(member.shape, item, where)
    return result


def _check(shape: Shape, value: Any, path: str) -> Any:
    if isinstance(shape, Scalar):
        kind = shape.kind
        if kind == "string":
            if not isinstance(value, str):
                raise _wrong(path, value, "a string")
            return value
        if kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise _wrong(path, value, "an integer")
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                raise _wrong(path, value, "a boolean")
            return value
        if not isinstance(value, str):
            raise _wrong(path, value, "base64-encoded binary")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _wrong(path, value, "base64-encoded binary") from None
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise _wrong(path, value, "a list")
        return [_check(shape.member, item, f"{path}.{i}") for i, item in enumerate(value, 1)]
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise _wrong(path, value, "a map")
        return {key: _check(shape.value, item, f"{path}.{key}") for key, item in value.items()}
    return _structure(shape, value, path)


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    return value


def response(result: Mapping[str, Any], request_id: str) -> Response:
    """A 200 with the result (``{}`` when the operation returns nothing)."""
    return Response(
        json.dumps(_encode(result)),
        status=200,
        headers={"x-amzn-RequestId": request_id},
        content_type=CONTENT_TYPE,
    )


def error(
    kind: ErrorKind,
    message: str,
    status: int,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error as SQS's JSON protocol sends it (with the query-compatible header)."""
    return Response(
        json.dumps({"__type": kind.json_type, "message": message}),
        status=status,
        headers={
            **dict(headers or {}),
            "x-amzn-RequestId": request_id,
            "x-amzn-query-error": f"{kind.code};{kind.party}",
        },
        content_type=CONTENT_TYPE,
    )
