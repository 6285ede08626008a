"""The query protocol: form-encoded ``Action=...&Version=2012-11-05``, XML answers.

Older boto3 and AWS CLI pins, Java SDK v1 and older JS/Go/PHP/.NET SDKs speak it, to the
base URL or to a queue's URL. Parameters are flattened (``Attribute.1.Name``,
``MessageAttribute.1.Value.StringValue``); lists in answers are flattened too (``<QueueUrl>``
repeated). SQS escapes ``"`` as ``&quot;`` and carriage returns as ``&#xD;`` in XML text,
and clients that compare bodies byte for byte depend on it.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from werkzeug.wrappers import Response

from pytest_mimic.services.sqs.errors import SqsError
from pytest_mimic.services.sqs.operations import ListShape, MapShape, Scalar, Structure

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_mimic.services.sqs.errors import ErrorKind
    from pytest_mimic.services.sqs.operations import OperationSpec, Shape

__all__ = ["CONTENT_TYPE", "NAMESPACE", "error", "parse", "response"]

CONTENT_TYPE = "text/xml"
NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"
_ENTITIES = {'"': "&quot;", "\r": "&#xD;"}
_INTEGER = re.compile(r"[+-]?\d{1,19}")
#: Most entries one flattened list or map is read with (far above any SQS limit).
MAX_INDEX = 10_000


def parse(spec: OperationSpec, params: Mapping[str, str]) -> dict[str, Any]:
    """The request's parameters, read from their flattened names into JSON-named values."""
    return _structure(spec.input, params, "")


def _structure(shape: Structure, params: Mapping[str, str], prefix: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for member in shape.members:
        for name in member.query_names:
            value = _read(member.shape, params, prefix + name)
            if value is not None:
                result[member.name] = value
                break
        else:
            if member.required:
                raise SqsError(
                    "MissingParameter",
                    f"The request must contain the parameter {prefix}{member.query_name}.",
                )
    return result


def _indices(params: Mapping[str, str], prefix: str) -> list[int]:
    found: set[int] = set()
    start = len(prefix)
    for key in params:
        if key.startswith(prefix):
            head = key[start:].partition(".")[0]
            if head.isdigit() and len(head) <= 5:
                number = int(head)
                if 0 < number <= MAX_INDEX:
                    found.add(number)
    return sorted(found)


def _read(shape: Shape, params: Mapping[str, str], key: str) -> Any:
    if isinstance(shape, Scalar):
        raw = params.get(key)
        return None if raw is None else _scalar(shape.kind, raw, key)
    if isinstance(shape, ListShape):
        items = []
        for index in _indices(params, key + "."):
            item = _read(shape.member, params, f"{key}.{index}")
            if item is not None:
                items.append(item)
        return items or None
    if isinstance(shape, MapShape):
        entries: dict[str, Any] = {}
        for index in _indices(params, key + "."):
            name = params.get(f"{key}.{index}.{shape.key_name}")
            if name is None:
                raise SqsError(
                    "MissingParameter",
                    f"The request must contain the parameter {key}.{index}.{shape.key_name}.",
                )
            value = _read(shape.value, params, f"{key}.{index}.{shape.value_name}")
            if value is None:
                raise SqsError(
                    "MissingParameter",
                    f"The request must contain the parameter {key}.{index}.{shape.value_name}.",
                )
            entries[name] = value
        return entries or None
    if not any(k.startswith(key + ".") for k in params):
        return None
    return _structure(shape, params, key + ".")


def _scalar(kind: str, raw: str, key: str) -> Any:
    if kind == "string":
        return raw
    if kind in ("integer", "long"):
        if not _INTEGER.fullmatch(raw.strip()):
            raise _wrong(key, raw, "an integer")
        return int(raw)
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise _wrong(key, raw, "a boolean")
        return raw.lower() == "true"
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise _wrong(key, raw, "base64-encoded binary") from None


def _wrong(key: str, raw: str, expected: str) -> SqsError:
    shown = raw if len(raw) <= 100 else raw[:97] + "..."
    return SqsError(
        "InvalidParameterValue",
        f"Value {shown} for parameter {key} is invalid. Reason: must be {expected}.",
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    # XML 1.0 cannot carry most control characters, not even as references; an error that
    # echoes a client's value (a VisibilityTimeout of "\x08") shows U+FFFD in their place.
    return escape(_NOT_XML.sub("\ufffd", str(value)), _ENTITIES)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _write(shape: Shape, value: Any, name: str, out: list[str]) -> None:
    if value is None:
        return
    if isinstance(shape, Scalar):
        out.append(f"<{name}>{_text(value)}</{name}>")
    elif isinstance(shape, ListShape):
        for item in value:
            _write(shape.member, item, name, out)
    elif isinstance(shape, MapShape):
        for key, item in value.items():
            out.append(f"<{name}><{shape.key_name}>{_text(key)}</{shape.key_name}>")
            _write(shape.value, item, shape.value_name, out)
            out.append(f"</{name}>")
    else:
        out.append(f"<{name}>")
        _members(shape, value, out)
        out.append(f"</{name}>")


def _members(shape: Structure, value: Mapping[str, Any], out: list[str]) -> None:
    for member in shape.members:
        _write(member.shape, value.get(member.name), member.query_name, out)


def response(spec: OperationSpec, result: Mapping[str, Any], request_id: str) -> Response:
    """``<ActionResponse>`` with ``<ActionResult>`` (when the action returns anything)."""
    out = [f'<?xml version="1.0"?><{spec.name}Response xmlns="{NAMESPACE}">']
    if spec.output.members:
        out.append(f"<{spec.name}Result>")
        _members(spec.output, result, out)
        out.append(f"</{spec.name}Result>")
    out.append(
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{spec.name}Response>"
    )
    return Response("".join(out), status=200, content_type=CONTENT_TYPE)


def error(
    kind: ErrorKind,
    message: str,
    status: int,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``<ErrorResponse>`` as SQS's query protocol sends it."""
    if kind.shape == "QueueDoesNotExist" and message.endswith("does not exist."):
        message = message[:-1] + " for this wsdl version."
    body = (
        f'<?xml version="1.0"?><ErrorResponse xmlns="{NAMESPACE}"><Error>'
        f"<Type>{kind.party}</Type><Code>{_text(kind.code)}</Code>"
        f"<Message>{_text(message)}</Message><Detail/></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return Response(body, status=status, headers=dict(headers or {}), content_type=CONTENT_TYPE)
