"""SQS's section of a state document: queues with their attributes, tags and messages.

```toml
[[sqs.queues]]
name = "jobs"
attributes = { VisibilityTimeout = 60 }
messages = [
  { body = "resize web-1" },
  { body = "{\\"op\\": \\"drain\\"}", attributes = { kind = "json" } },
]
# region (default us-east-1, the printed AWS_DEFAULT_REGION), account (default: the
# sqs_account setting) and tags are optional
```

Message attributes are text (``String``) or ``{ DataType, StringValue | BinaryValue }``
tables (``BinaryValue`` in base64). Messages are loaded visible, in order; a FIFO queue's
need a ``group_id`` (and a ``dedup_id`` unless it deduplicates by content). A message
without ``id`` gets one derived from its place, so the same document gives the same ids
every time. An export writes every message a queue holds, in flight or delayed included,
and a reload makes them all visible: receive counts and timers are not state.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_mimic.errors import ServiceError
from pytest_mimic.parsing import shown
from pytest_mimic.seeding import Fields, SeedError, derived_id
from pytest_mimic.services.sqs import attributes as queue_attributes
from pytest_mimic.services.sqs.md5 import AttributeValue
from pytest_mimic.services.sqs.queue import Scope, SendSpec

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_mimic.services.sqs.model import Sqs
    from pytest_mimic.services.sqs.queue import MessageView, Queue

__all__ = ["SEED_FIELDS", "SqsSeed", "check", "export", "load"]

SEED_FIELDS: Mapping[str, str] = {
    "queues": "queues: name, attributes, tags, messages, region, account",
}
_QUEUE_FIELDS = ("name", "attributes", "tags", "messages", "region", "account")
_MESSAGE_FIELDS = ("body", "attributes", "group_id", "dedup_id", "id")
_VALUE_FIELDS = ("DataType", "StringValue", "BinaryValue")
#: Attributes that name another queue: set once every queue of the document exists.
_LATER = ("RedrivePolicy", "RedriveAllowPolicy")


@dataclass(frozen=True)
class SeededMessage:
    where: str
    spec: SendSpec


@dataclass(frozen=True)
class SeededQueue:
    where: str
    name: str
    attributes: tuple[tuple[str, str], ...]
    tags: tuple[tuple[str, str], ...]
    messages: tuple[SeededMessage, ...]
    region: str | None
    account: str | None


@dataclass(frozen=True)
class SqsSeed:
    """The queues of a document, checked (attribute values are checked on loading, where
    the queues they name exist)."""

    queues: tuple[SeededQueue, ...]


def _value(where: str, raw: Any) -> AttributeValue:
    if isinstance(raw, str):
        return AttributeValue("String", string_value=raw)
    if not isinstance(raw, dict):
        raise SeedError(
            f"{where} must be text or a table of DataType and StringValue or BinaryValue, "
            f"not {shown(raw)}"
        )
    value = Fields(raw, where, _VALUE_FIELDS)
    data_type = value.required_text("DataType")
    binary = value.text("BinaryValue")
    string = value.text("StringValue", numbers=True)
    if (binary is None) == (string is None):
        raise SeedError(f"{where}: give exactly one of StringValue and BinaryValue")
    if binary is None:
        return AttributeValue(data_type, string_value=string)
    try:
        decoded = base64.b64decode(binary, validate=True)
    except (binascii.Error, ValueError):
        raise value.error("BinaryValue", "is not base64") from None
    return AttributeValue(data_type, binary_value=decoded)


def _message(where: str, raw: Any, queue: str, index: int) -> SeededMessage:
    message = Fields(raw, where, _MESSAGE_FIELDS)
    body = message.raw("body")
    if not isinstance(body, str) or not body:
        raise message.error("body", "is required: non-empty text")
    attributes = message.raw("attributes") or {}
    if not isinstance(attributes, dict):
        raise message.error("attributes", "must be a table of attribute values")
    values = {
        str(name): _value(f"{message.path('attributes')}.{name}", item)
        for name, item in attributes.items()
    }
    spec = SendSpec(
        body=body,
        delay=0,
        attributes=values,
        group_id=message.text("group_id"),
        dedup_id=message.text("dedup_id"),
        message_id=message.text("id") or str(derived_id("sqs", "message", queue, index)),
    )
    return SeededMessage(where, spec)


def check(section: Mapping[str, Any]) -> SqsSeed:
    """Read ``sqs``: every field checked, a queue listed twice refused."""
    fields = Fields(section, "sqs", SEED_FIELDS)
    queues: list[SeededQueue] = []
    for where, raw in fields.tables("queues"):
        queue = Fields(raw, where, _QUEUE_FIELDS)
        name = queue.required_text("name")
        region, account = queue.text("region"), queue.text("account", numbers=True)
        if any((q.name, q.region, q.account) == (name, region, account) for q in queues):
            raise queue.error("name", f"queue {name!r} is listed twice")
        attributes = queue.text_map("attributes", scalars=True)
        if name.endswith(".fifo"):
            attributes.setdefault("FifoQueue", "true")
        messages = [
            _message(message_where, message_raw, name, index)
            for index, (message_where, message_raw) in enumerate(queue.tables("messages"))
        ]
        queues.append(
            SeededQueue(
                where,
                name,
                tuple(attributes.items()),
                tuple(queue.text_map("tags").items()),
                tuple(messages),
                region,
                account,
            )
        )
    return SqsSeed(tuple(queues))


def load(sqs: Sqs, seed: SqsSeed, account: str, region: str) -> None:
    """Create every queue, then the policies that name other queues, then the messages;
    ``account`` and ``region`` are the defaults for queues that name none.
    """
    with sqs.lock:
        made: list[tuple[SeededQueue, Queue]] = []
        for queue in seed.queues:
            scope = Scope(queue.account or account, queue.region or region)
            if sqs.existing(scope, queue.name) is not None:
                raise SeedError(f"{queue.where}.name: queue {queue.name!r} already exists")
        for queue in seed.queues:
            scope = Scope(queue.account or account, queue.region or region)
            now = {key: value for key, value in queue.attributes if key not in _LATER}
            try:
                made.append((queue, sqs.create_queue(scope, queue.name, now, dict(queue.tags))))
            except ServiceError as error:
                raise SeedError(f"{queue.where}: {error.message}") from None
        for queue, created in made:
            later = {key: value for key, value in queue.attributes if key in _LATER}
            if later:
                try:
                    sqs.set_attributes(created, later)
                except ServiceError as error:
                    raise SeedError(f"{queue.where}.attributes: {error.message}") from None
        for queue, created in made:
            for message in queue.messages:
                try:
                    sqs.send(created, message.spec)
                except ServiceError as error:
                    raise SeedError(f"{message.where}: {error.message}") from None


def export(sqs: Sqs, account: str) -> dict[str, Any]:
    """Every queue of every region, by region and name, with its messages oldest first;
    ``account`` is written only for queues of another one.
    """
    with sqs.lock:
        queues = sorted(sqs.all_queues(), key=lambda q: (q.scope.account, q.scope.region, q.name))
        rows: list[dict[str, Any]] = []
        for queue in queues:
            sqs.settle(queue)
            row: dict[str, Any] = {"name": queue.name}
            defaults = queue_attributes.initial_settings({}, fifo=queue.fifo)
            attributes = {k: v for k, v in queue.settings.items() if defaults.get(k) != v}
            if attributes:
                row["attributes"] = attributes
            if queue.tags:
                row["tags"] = dict(queue.tags)
            messages = [_message_row(view) for view in queue.views(sqs.now())]
            if messages:
                row["messages"] = messages
            row["region"] = queue.scope.region
            if queue.scope.account != account:
                row["account"] = queue.scope.account
            rows.append(row)
    return {"queues": rows}


def _message_row(view: MessageView) -> dict[str, Any]:
    row: dict[str, Any] = {"body": view.body, "id": view.message_id}
    if view.attributes:
        row["attributes"] = {name: _value_row(value) for name, value in view.attributes.items()}
    if view.group_id is not None:
        row["group_id"] = view.group_id
    if view.dedup_id is not None:
        row["dedup_id"] = view.dedup_id
    return row


def _value_row(value: AttributeValue) -> str | dict[str, str]:
    if value.data_type == "String" and value.string_value is not None:
        return value.string_value
    if value.binary_value is not None:
        encoded = base64.b64encode(value.binary_value).decode()
        return {"DataType": value.data_type, "BinaryValue": encoded}
    return {"DataType": value.data_type, "StringValue": value.string_value or ""}
