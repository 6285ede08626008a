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
import json
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

__all__ = [
    "CONTENT_TYPE",
    "NAMESPACE",
    "error",
    "error_json",
    "parse",
    "response",
    "response_json",
]

CONTENT_TYPE = "text/xml"
NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"
_ENTITIES = {'"': "&quot;", "\r": "&#xD;"}
_INTEGER = re.compile(r"[+-]?\d{1,19}")
#: Most entries one flattened list or map is read with (far above any SQS limit).
MAX_INDEX = 10_000


def parse(spec: OperationSpec, params: Mapping[str, str]) -> dict[str, Any]:
    """The request's parameters, read from their flattened names into JSON-named values.

    The flattened names are first sorted into a tree by their dotted segments, in one pass,
    so reading a batch of any size looks at each parameter a bounded number of times (a
    scan of every parameter per list or entry made an 8,000-entry form take half a minute).
    """
    root = _Node()
    for key, value in params.items():
        node = root
        for part in key.split("."):
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = _Node()
            node = child
        node.value = value
    return _structure(spec.input, root, "", top=True)


class _Node:
    """The parameters under one dotted prefix: its own value and its children by segment."""

    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.value: str | None = None
        self.children: dict[str, _Node] = {}


def _structure(shape: Structure, node: _Node, prefix: str, *, top: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for member in shape.members:
        names = member.query_names
        if isinstance(member.shape, ListShape) and member.name not in names:
            # botocore's query serializer sends an empty list as ``<Member>=`` (``Entries=``).
            names = (*names, member.name)
        for name in names:
            child = node.children.get(name)
            value = None if child is None else _read(member.shape, child, prefix + name)
            if value is not None:
                result[member.name] = value
                break
        else:
            if member.required:
                # SQS names the API member (``Tags``), not the flattened key (``Tag``).
                where = member.name if top else prefix + member.query_name
                raise SqsError(
                    "MissingParameter", f"The request must contain the parameter {where}."
                )
    return result


def _indices(node: _Node) -> list[tuple[int, _Node]]:
    """The numbered children of a flattened list or map, by number (``1`` and ``01`` are
    one entry: the first seen).
    """
    found: dict[int, _Node] = {}
    for head, child in node.children.items():
        if head.isdigit() and len(head) <= 5:
            number = int(head)
            if 0 < number <= MAX_INDEX:
                found.setdefault(number, child)
    return sorted(found.items(), key=lambda item: item[0])


def _read(shape: Shape, node: _Node, key: str) -> Any:
    if isinstance(shape, Scalar):
        raw = node.value
        return None if raw is None else _scalar(shape.kind, raw, key)
    if isinstance(shape, ListShape):
        items = []
        for index, child in _indices(node):
            item = _read(shape.member, child, f"{key}.{index}")
            if item is not None:
                items.append(item)
        if not items and node.value == "" and not node.children:
            return []  # sent as ``Name=``: present and empty
        return items or None
    if isinstance(shape, MapShape):
        entries: dict[str, Any] = {}
        for index, entry in _indices(node):
            where = f"{key}.{index}"
            name_node = entry.children.get(shape.key_name)
            name = None if name_node is None else name_node.value
            if name is None:
                raise SqsError(
                    "MissingParameter",
                    f"The request must contain the parameter {where}.{shape.key_name}.",
                )
            value_node = entry.children.get(shape.value_name)
            value = None
            if value_node is not None:
                value = _read(shape.value, value_node, f"{where}.{shape.value_name}")
            if value is None:
                raise SqsError(
                    "MissingParameter",
                    f"The request must contain the parameter {where}.{shape.value_name}.",
                )
            entries[name] = value
        if not entries and node.value == "" and not node.children:
            return {}
        return entries or None
    if not node.children:
        return None
    return _structure(shape, node, key + ".")


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


def _json(shape: Shape, value: Any) -> Any:
    if isinstance(shape, Scalar):
        return base64.b64encode(value).decode() if isinstance(value, bytes) else value
    if isinstance(shape, ListShape):
        return [_json(shape.member, item) for item in value]
    if isinstance(shape, MapShape):
        return [
            {shape.key_name: key, shape.value_name: _json(shape.value, item)}
            for key, item in value.items()
        ]
    return {
        _JSON_NAMES.get(member.name, member.name): _json(member.shape, value[member.name])
        for member in shape.members
        if value.get(member.name) is not None
    }


#: Members whose name in a JSON-rendered query answer differs (recorded from SQS).
_JSON_NAMES = {"Messages": "messages"}


def response_json(spec: OperationSpec, result: Mapping[str, Any], request_id: str) -> Response:
    """The answer as JSON, for a query request with ``Accept: application/json``: the XML
    document's shape (``<Action>Response`` holding ``<Action>Result``), maps as name/value
    pairs, as SQS answers such requests.
    """
    document: dict[str, Any] = {}
    if spec.output.members:
        document[f"{spec.name}Result"] = _json(spec.output, result)
    document["ResponseMetadata"] = {"RequestId": request_id}
    return Response(
        json.dumps({f"{spec.name}Response": document}), status=200, content_type=JSON_TYPE
    )


JSON_TYPE = "application/json"


def error_json(
    kind: ErrorKind,
    message: str,
    status: int,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error as JSON, for a query request with ``Accept: application/json``."""
    body = {
        "Error": {"Type": kind.party, "Code": kind.code, "Message": message},
        "RequestId": request_id,
    }
    return Response(
        json.dumps(body), status=status, headers=dict(headers or {}), content_type=JSON_TYPE
    )


def error(
    kind: ErrorKind,
    message: str,
    status: int,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``<ErrorResponse>`` as SQS's query protocol sends it."""
    if kind.code == "UnknownOperationException":
        # A query request naming no action gets a bare element and a 404, recorded from SQS.
        return Response("<UnknownOperationException/>", status=status, content_type=CONTENT_TYPE)
    if kind.shape == "QueueDoesNotExist" and message.endswith("does not exist."):
        message = message[:-1] + " for this wsdl version."
    body = (
        f'<?xml version="1.0"?><ErrorResponse xmlns="{NAMESPACE}"><Error>'
        f"<Type>{kind.party}</Type><Code>{_text(kind.code)}</Code>"
        f"<Message>{_text(message)}</Message><Detail/></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return Response(body, status=status, headers=dict(headers or {}), content_type=CONTENT_TYPE)
