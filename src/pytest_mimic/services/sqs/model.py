"""The state of a fake SQS: queues per account and region, their messages, move tasks.

Plain Python, no HTTP. Time comes only from the clock handed in, and every timed change
(a delay ending, a visibility timeout running out, retention, the dedup window) is applied
when the next call reads the queue, so nothing runs in the background.

No call scans a queue. Per queue:

- ``messages``: live messages by serial number (receipt handles carry the serial);
- a deque of visible messages in arrival order (standard queues), or per message group a
  deque plus a deque of groups whose head can be delivered (FIFO);
- ``_timers``: a heap of delayed and in-flight messages by the time they become visible;
- ``_expiry``: a heap by enqueue time, for the retention period;
- counters of visible, in-flight and delayed messages, kept on every transition.

Entries in the deque and heaps are ``(key, token, message)`` and only count while the
message still carries that token, so moving or deleting a message is O(1) and stale
entries are dropped when they surface (each entry once: amortised O(log n)).

One lock guards every read and write: handlers run under the cloud's lock already, but a
test may peek at messages from its own thread.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import heapq
import itertools
import json
import math
import re
import secrets
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_mimic.services.sqs.errors import SqsError
from pytest_mimic.services.sqs.md5 import AttributeValue, attributes_md5, body_md5

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

__all__ = [
    "DEFAULT_ACCOUNT",
    "AttributeValue",
    "Message",
    "MessageView",
    "MoveTask",
    "Queue",
    "Received",
    "Scope",
    "SendResult",
    "SendSpec",
    "Sqs",
    "State",
]

#: The account moto uses and moto's users expect; ``options["sqs_account"]`` changes it.
DEFAULT_ACCOUNT = "123456789012"
#: ``SenderId`` of every message (an IAM user id, as SQS reports for a user's key).
SENDER_ID = "AIDAIT2UOQQY3AUEKVGXU"

#: Seconds after a DeleteQueue before the name can be reused, and between PurgeQueues.
COOLDOWN_SECONDS = 60.0
#: FIFO deduplication and receive-attempt window.
DEDUP_SECONDS = 300.0
#: Longest a message may stay invisible after it was received (12 hours).
MAX_VISIBILITY = 43_200
MAX_DELAY = 900
MAX_BATCH = 10
MAX_BATCH_BYTES = 1_048_576
MAX_MESSAGE_ATTRIBUTES = 10
MAX_TAGS = 50
#: Queues a ``ListQueues`` page holds without ``MaxResults``.
LIST_LIMIT = 1000
#: Move tasks remembered per source queue (``ListMessageMoveTasks`` shows at most 10).
TASKS_KEPT = 10

_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
# The characters SQS accepts in message bodies and string attribute values (XML 1.0's).
_INVALID_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,256}")
_DATA_TYPE = re.compile(r"(String|Number|Binary)(\..+)?", re.DOTALL)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d{1,12}")
_DEDUP_ID = re.compile(r"[!-~]{1,128}")
_ARN = re.compile(r"arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)")
_HANDLE_PREFIX = "AQEB"


class State(enum.IntEnum):
    """Where a message is in its life."""

    DELAYED = 0
    VISIBLE = 1
    INFLIGHT = 2
    GONE = 3


@dataclass(frozen=True)
class Scope:
    """One account in one region: queues of different scopes never meet."""

    account: str
    region: str

    def arn(self, name: str) -> str:
        """The ARN of queue ``name`` in this scope."""
        return f"arn:aws:sqs:{self.region}:{self.account}:{name}"


@dataclass(slots=True, eq=False)
class Message:
    """One message. ``token`` changes whenever it moves, invalidating old index entries."""

    serial: int
    message_id: str
    body: str
    attributes: Mapping[str, AttributeValue]
    system_attributes: Mapping[str, AttributeValue]
    sent_at: float
    group_id: str | None = None
    dedup_id: str | None = None
    sequence_number: str | None = None
    source_arn: str | None = None
    receive_count: int = 0
    first_received_at: float | None = None
    received_at: float = 0.0
    state: State = State.VISIBLE
    due: float = 0.0
    token: int = 0
    receipt: str | None = None


@dataclass(frozen=True)
class SendSpec:
    """What a SendMessage (or one batch entry) asks for, already type-checked."""

    body: str | None
    delay: int | None = None
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    system_attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    group_id: str | None = None
    dedup_id: str | None = None


@dataclass(frozen=True)
class SendResult:
    """What SendMessage answers."""

    message_id: str
    md5_body: str
    md5_attributes: str | None
    md5_system_attributes: str | None
    sequence_number: str | None


@dataclass(frozen=True)
class Received:
    """One delivered message and the receipt handle of this delivery."""

    message: Message
    receipt: str


@dataclass(frozen=True)
class MessageView:
    """A read-only look at a message for tests (``SQSService.messages``)."""

    message_id: str
    body: str
    state: str
    receive_count: int
    attributes: Mapping[str, AttributeValue]
    system_attributes: Mapping[str, AttributeValue]
    sent_at: float
    visible_at: float | None
    group_id: str | None
    dedup_id: str | None
    sequence_number: str | None
    source_arn: str | None


@dataclass(eq=False)
class MoveTask:
    """A StartMessageMoveTask: moves a dead-letter queue's messages back, at ``rate`` per
    simulated second (all at once without a rate).
    """

    handle: str
    source: Scope
    source_name: str
    source_arn: str
    destination_arn: str | None
    rate: int | None
    started_at: float
    to_move: int
    moved: int = 0
    status: str = "RUNNING"
    failure: str | None = None


class _Group:
    """The undeleted messages of one FIFO message group, in order."""

    __slots__ = ("inflight", "key", "messages", "ready")

    def __init__(self, key: str) -> None:
        self.key = key
        self.messages: deque[Message] = deque()
        self.inflight = 0
        self.ready = False


_DEFAULTS: dict[str, str] = {
    "VisibilityTimeout": "30",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "DelaySeconds": "0",
    "ReceiveMessageWaitTimeSeconds": "0",
    "SqsManagedSseEnabled": "true",
}
_FIFO_DEFAULTS: dict[str, str] = {
    "FifoQueue": "true",
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoThroughputLimit": "perQueue",
}
_RANGES: dict[str, tuple[int, int]] = {
    "VisibilityTimeout": (0, MAX_VISIBILITY),
    "MaximumMessageSize": (1024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "DelaySeconds": (0, MAX_DELAY),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
_BOOLEANS = frozenset({"SqsManagedSseEnabled", "ContentBasedDeduplication", "FifoQueue"})
_CHOICES: dict[str, frozenset[str]] = {
    "DeduplicationScope": frozenset({"queue", "messageGroup"}),
    "FifoThroughputLimit": frozenset({"perQueue", "perMessageGroupId"}),
}
_FIFO_ONLY = frozenset({"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"})
_SETTABLE = frozenset(
    {
        *_RANGES,
        "Policy",
        "RedrivePolicy",
        "RedriveAllowPolicy",
        "KmsMasterKeyId",
        "SqsManagedSseEnabled",
        *_FIFO_ONLY,
    }
)
_READ_ONLY = frozenset(
    {
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp",
        "LastModifiedTimestamp",
        "QueueArn",
    }
)
#: Every queue attribute name SQS knows (``All`` asks for all of them).
QUEUE_ATTRIBUTES = frozenset({*_SETTABLE, *_READ_ONLY, "FifoQueue"})
#: Message system attributes a receive may ask for.
SYSTEM_ATTRIBUTES = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)
_PERMISSION_ACTIONS = frozenset(
    {
        "*",
        "SendMessage",
        "ReceiveMessage",
        "DeleteMessage",
        "ChangeMessageVisibility",
        "GetQueueAttributes",
        "GetQueueUrl",
        "ListDeadLetterSourceQueues",
        "PurgeQueue",
        "ListQueueTags",
    }
)


def _invalid(name: str, value: object, reason: str) -> SqsError:
    return SqsError(
        "InvalidParameterValue", f"Value {value} for parameter {name} is invalid. Reason: {reason}"
    )


def _bad_attribute(name: str) -> SqsError:
    return SqsError("InvalidAttributeValue", f"Invalid value for the parameter {name}.")


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def parse_arn(arn: str) -> tuple[Scope, str] | None:
    """``(scope, queue name)`` of a queue ARN, or ``None`` if it is not one."""
    match = _ARN.fullmatch(arn) if isinstance(arn, str) else None
    if match is None:
        return None
    return Scope(match[2], match[1]), match[3]


class Queue:
    """One queue: its attributes, tags and messages (see the module docstring)."""

    def __init__(
        self,
        uid: int,
        scope: Scope,
        name: str,
        settings: dict[str, str],
        tags: dict[str, str],
        now: float,
    ) -> None:
        self.uid = uid
        self.scope = scope
        self.name = name
        self.arn = scope.arn(name)
        self.fifo = name.endswith(".fifo")
        self.settings = settings
        self.tags = tags
        self.created_at = now
        self.modified_at = now
        self.last_purge: float | None = None
        self._apply_settings()
        self._clear_messages()
        self._dedup: dict[str | tuple[str, str], tuple[float, str, str | None]] = {}
        self._dedup_expiry: deque[tuple[float, str | tuple[str, str]]] = deque()
        self._attempts: dict[str, tuple[float, list[Received]]] = {}
        self._attempt_expiry: deque[tuple[float, str]] = deque()
        self._sequence = itertools.count(18_000_000_000_000_000_001)

    def _clear_messages(self) -> None:
        self.messages: dict[int, Message] = {}
        self._visible: deque[tuple[int, Message]] = deque()
        self._groups: dict[str, _Group] = {}
        self._ready: deque[_Group] = deque()
        self._timers: list[tuple[float, int, Message]] = []
        self._expiry: list[tuple[float, int, Message]] = []
        self.counts = [0, 0, 0, 0]  # by State

    def _apply_settings(self) -> None:
        get = self.settings.get
        self.visibility_timeout = int(get("VisibilityTimeout", "30"))
        self.max_size = int(get("MaximumMessageSize", "1048576"))
        self.retention = int(get("MessageRetentionPeriod", "345600"))
        self.delay = int(get("DelaySeconds", "0"))
        self.wait_seconds = int(get("ReceiveMessageWaitTimeSeconds", "0"))
        self.content_dedup = get("ContentBasedDeduplication") == "true"
        self.group_dedup = get("DeduplicationScope") == "messageGroup"
        redrive = get("RedrivePolicy")
        self.redrive: tuple[str, int] | None = None
        if redrive:
            policy = json.loads(redrive)
            self.redrive = (policy["deadLetterTargetArn"], int(policy["maxReceiveCount"]))

    # -- counts and time ---------------------------------------------------------------

    @property
    def visible_count(self) -> int:
        """``ApproximateNumberOfMessages`` (as of the last ``settle``)."""
        return self.counts[State.VISIBLE]

    @property
    def inflight_count(self) -> int:
        """``ApproximateNumberOfMessagesNotVisible``."""
        return self.counts[State.INFLIGHT]

    @property
    def delayed_count(self) -> int:
        """``ApproximateNumberOfMessagesDelayed``."""
        return self.counts[State.DELAYED]

    def settle(self, now: float) -> list[Message]:
        """Apply everything due by ``now``: delays and visibility timeouts that ended, expired
        messages and dedup entries. Returns the messages that expired.
        """
        timers = self._timers
        while timers and timers[0][0] <= now:
            _due, token, message = heapq.heappop(timers)
            if message.token == token and message.state in (State.DELAYED, State.INFLIGHT):
                self._make_visible(message)
        expired: list[Message] = []
        horizon = now - self.retention
        heap = self._expiry
        while heap and heap[0][0] <= horizon:
            _at, _serial, message = heapq.heappop(heap)
            if message.state is not State.GONE:
                self._remove(message)
                expired.append(message)
        while self._dedup_expiry and self._dedup_expiry[0][0] <= now:
            at, key = self._dedup_expiry.popleft()
            entry = self._dedup.get(key)
            if entry is not None and entry[0] <= at:
                del self._dedup[key]
        while self._attempt_expiry and self._attempt_expiry[0][0] <= now:
            at, attempt = self._attempt_expiry.popleft()
            found = self._attempts.get(attempt)
            if found is not None and found[0] <= at:
                del self._attempts[attempt]
        return expired

    def next_due(self) -> float | None:
        """When the next delayed or in-flight message may become visible (a hint)."""
        return self._timers[0][0] if self._timers else None

    def _set_state(self, message: Message, state: State) -> None:
        counts = self.counts
        counts[message.state] -= 1
        counts[state] += 1
        message.state = state
        message.token = next(_TOKENS)

    def _make_visible(self, message: Message) -> None:
        was_inflight = message.state is State.INFLIGHT
        self._set_state(message, State.VISIBLE)
        if self.fifo:
            group = self._groups[message.group_id or ""]
            if was_inflight:
                group.inflight -= 1
            self._offer(group)
        else:
            self._visible.append((message.token, message))

    def _schedule(self, message: Message, state: State, due: float) -> None:
        was_inflight = message.state is State.INFLIGHT
        self._set_state(message, state)
        message.due = due
        heapq.heappush(self._timers, (due, message.token, message))
        if self.fifo and was_inflight and state is not State.INFLIGHT:
            group = self._groups[message.group_id or ""]
            group.inflight -= 1
            self._offer(group)

    def _remove(self, message: Message) -> None:
        was_inflight = message.state is State.INFLIGHT
        self._set_state(message, State.GONE)
        self.messages.pop(message.serial, None)
        if self.fifo:
            group = self._groups.get(message.group_id or "")
            if group is not None:
                if was_inflight:
                    group.inflight -= 1
                self._offer(group)

    # -- FIFO groups -------------------------------------------------------------------

    def _offer(self, group: _Group) -> None:
        """Queue ``group`` for delivery if its head can be delivered now."""
        messages = group.messages
        while messages and messages[0].state is State.GONE:
            messages.popleft()
        if not messages:
            if group.inflight == 0:
                self._groups.pop(group.key, None)
                group.ready = False
            return
        if not group.ready and group.inflight == 0 and messages[0].state is State.VISIBLE:
            group.ready = True
            self._ready.append(group)

    def _take_fifo(self, limit: int) -> list[Message]:
        taken: list[Message] = []
        while len(taken) < limit and self._ready:
            group = self._ready.popleft()
            group.ready = False
            if group.inflight or self._groups.get(group.key) is not group:
                continue
            for message in group.messages:
                if len(taken) >= limit or message.state is State.DELAYED:
                    break
                if message.state is State.VISIBLE:
                    taken.append(message)
                elif message.state is State.INFLIGHT:
                    break
        return taken

    def _take_standard(self, limit: int) -> list[Message]:
        taken: list[Message] = []
        visible = self._visible
        while len(taken) < limit and visible:
            token, message = visible.popleft()
            if message.token == token and message.state is State.VISIBLE:
                taken.append(message)
        return taken

    def take(self, limit: int) -> list[Message]:
        """Up to ``limit`` deliverable messages, in delivery order, still VISIBLE.

        The caller must deliver or move each one at once (FIFO groups are only re-offered
        when their messages change state).
        """
        return self._take_fifo(limit) if self.fifo else self._take_standard(limit)

    def deliver(self, message: Message, now: float, visibility: int) -> Received:
        """Make ``message`` in flight for ``visibility`` seconds with a new receipt handle."""
        message.receive_count += 1
        if message.first_received_at is None:
            message.first_received_at = now
        message.received_at = now
        self._schedule(message, State.INFLIGHT, now + visibility)
        if self.fifo:
            self._groups[message.group_id or ""].inflight += 1
        receipt = _encode_handle(self.uid, message.serial, message.receive_count)
        message.receipt = receipt
        return Received(message, receipt)

    # -- adding messages ---------------------------------------------------------------

    def accept(self, message: Message, now: float, delay: int, enqueued_at: float) -> None:
        """Add ``message`` (new or moved here), visible after ``delay`` seconds."""
        self.messages[message.serial] = message
        message.state = State.GONE
        self.counts[State.GONE] += 1
        if self.fifo:
            key = message.group_id or ""
            group = self._groups.get(key)
            if group is None:
                group = self._groups[key] = _Group(key)
            group.messages.append(message)
        heapq.heappush(self._expiry, (enqueued_at, message.serial, message))
        if delay > 0:
            self._schedule(message, State.DELAYED, now + delay)
        else:
            self._make_visible(message)

    def next_sequence_number(self) -> str:
        """The next FIFO ``SequenceNumber`` (20 digits, increasing)."""
        return str(next(self._sequence))

    def deduplicated(self, group: str, dedup_id: str, now: float) -> tuple[str, str | None] | None:
        """``(message id, sequence number)`` of an earlier send with this dedup id within the
        window, or ``None``.
        """
        key = (group, dedup_id) if self.group_dedup else dedup_id
        entry = self._dedup.get(key)
        if entry is None or entry[0] <= now:
            return None
        return entry[1], entry[2]

    def remember_dedup(
        self, group: str, dedup_id: str, now: float, message_id: str, sequence: str | None
    ) -> None:
        """Start the 5-minute window of ``dedup_id`` (it outlives the message's deletion)."""
        key = (group, dedup_id) if self.group_dedup else dedup_id
        expires = now + DEDUP_SECONDS
        self._dedup[key] = (expires, message_id, sequence)
        self._dedup_expiry.append((expires, key))

    def attempt(self, attempt_id: str) -> list[Received] | None:
        """The answer given to an earlier receive with ``attempt_id``, if still valid: every
        message still in flight under the same handle.
        """
        found = self._attempts.get(attempt_id)
        if found is None:
            return None
        received = found[1]
        for item in received:
            message = item.message
            if message.state is not State.INFLIGHT or message.receipt != item.receipt:
                return None
        return received

    def remember_attempt(self, attempt_id: str, now: float, received: list[Received]) -> None:
        """Keep a FIFO receive's answer for a retry with the same attempt id."""
        expires = now + DEDUP_SECONDS
        self._attempts[attempt_id] = (expires, received)
        self._attempt_expiry.append((expires, attempt_id))

    # -- receipt handles ---------------------------------------------------------------

    def by_handle(self, handle: str) -> tuple[Message | None, int]:
        """The live message a receipt handle of this queue names (``None`` if it is gone),
        and the receive the handle came from. Raises ``ReceiptHandleIsInvalid`` for a
        handle this queue never gave.
        """
        decoded = _decode_handle(handle)
        if decoded is None or decoded[0] != self.uid:
            raise SqsError(
                "ReceiptHandleIsInvalid",
                f'The input receipt handle "{handle}" is not a valid receipt handle.',
            )
        message = self.messages.get(decoded[1])
        if message is not None and decoded[2] > message.receive_count:
            raise SqsError(
                "ReceiptHandleIsInvalid",
                f'The input receipt handle "{handle}" is not a valid receipt handle.',
            )
        return message, decoded[2]

    def delete(self, handle: str) -> None:
        """DeleteMessage: a standard queue takes any handle of the message (deleting one that
        is gone already succeeds); a FIFO queue only the handle of the current receive.
        """
        message, _count = self.by_handle(handle)
        if message is None:
            return
        if self.fifo and (message.receipt != handle or message.state is not State.INFLIGHT):
            raise _invalid("ReceiptHandle", handle, "The receipt handle has expired.")
        self._remove(message)

    def change_visibility(self, handle: str, timeout: int, now: float) -> None:
        """ChangeMessageVisibility with the handle of the current, unexpired receive."""
        message, _count = self.by_handle(handle)
        if message is None or message.receipt != handle or message.state is not State.INFLIGHT:
            raise _invalid(
                "ReceiptHandle",
                handle,
                "Message does not exist or is not available for visibility timeout change.",
            )
        if now + timeout - message.received_at > MAX_VISIBILITY:
            raise _invalid(
                "VisibilityTimeout",
                timeout,
                f"Total VisibilityTimeout for the message is beyond the limit "
                f"[{MAX_VISIBILITY} seconds]",
            )
        self._schedule(message, State.INFLIGHT, now + timeout)

    def purge(self) -> list[Any]:
        """Drop every message at once (O(1)); returns the old containers to free later."""
        old = [self.messages, self._visible, self._groups, self._ready, self._timers]
        old += [self._expiry, self._attempts]
        self._attempts = {}
        self._clear_messages()
        return old

    def views(self, now: float) -> list[MessageView]:
        """Every live message, oldest first, as tests see it."""
        views = []
        for message in sorted(self.messages.values(), key=lambda m: m.serial):
            state = message.state
            if state in (State.DELAYED, State.INFLIGHT) and message.due <= now:
                state = State.VISIBLE
            views.append(
                MessageView(
                    message_id=message.message_id,
                    body=message.body,
                    state={
                        State.DELAYED: "delayed",
                        State.VISIBLE: "visible",
                        State.INFLIGHT: "in flight",
                    }.get(state, "gone"),
                    receive_count=message.receive_count,
                    attributes=dict(message.attributes),
                    system_attributes=dict(message.system_attributes),
                    sent_at=message.sent_at,
                    visible_at=message.due if state is not State.VISIBLE else None,
                    group_id=message.group_id,
                    dedup_id=message.dedup_id,
                    sequence_number=message.sequence_number,
                    source_arn=message.source_arn,
                )
            )
        return views


_TOKENS = itertools.count(1)


def _encode_handle(uid: int, serial: int, count: int) -> str:
    raw = f"{uid}:{serial}:{count}:{secrets.token_hex(8)}".encode()
    return _HANDLE_PREFIX + base64.b64encode(raw).decode()


def _decode_handle(handle: str) -> tuple[int, int, int] | None:
    if not handle.startswith(_HANDLE_PREFIX) or len(handle) > 1024:
        return None
    try:
        raw = base64.b64decode(handle[len(_HANDLE_PREFIX) :], validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    parts = raw.split(":")
    if len(parts) != 4 or not all(part.isdigit() and len(part) < 20 for part in parts[:3]):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


# -- validation --------------------------------------------------------------------------


def check_queue_name(name: str, fifo: bool) -> None:
    """Queue names: 1-80 alphanumerics, hyphens and underscores; ``.fifo`` for FIFO."""
    if fifo:
        if not _FIFO_NAME.fullmatch(name):
            raise SqsError(
                "InvalidParameterValue",
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, "
                "or underscores, must end with .fifo suffix and be 1 to 80 in length.",
            )
    elif not _QUEUE_NAME.fullmatch(name):
        raise SqsError(
            "InvalidParameterValue",
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        )


def check_body(body: str, where: str = "message body") -> None:
    """Refuse characters SQS does not store (it keeps bodies as XML 1.0 text)."""
    bad = _INVALID_CHAR.search(body)
    if bad is not None:
        raise SqsError(
            "InvalidMessageContents",
            f"Invalid binary character '#x{ord(bad.group()):X}' was found in the {where}, "
            "the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | "
            "#xE000 to #xFFFD | #x10000 to #x10FFFF",
        )


def check_message_attributes(attributes: Mapping[str, AttributeValue]) -> int:
    """Validate message attributes as SQS does; returns the bytes they count for."""
    if len(attributes) > MAX_MESSAGE_ATTRIBUTES:
        raise SqsError(
            "InvalidParameterValue",
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{MAX_MESSAGE_ATTRIBUTES}].",
        )
    size = 0
    for name, value in attributes.items():
        lowered = name.lower()
        if (
            not _ATTRIBUTE_NAME.fullmatch(name)
            or lowered.startswith(("aws.", "amazon."))
            or name.startswith(".")
            or name.endswith(".")
            or ".." in name
        ):
            raise SqsError(
                "InvalidParameterValue",
                f"Message (user) attribute name '{name}' is invalid. The attribute name can "
                "contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) "
                "characters.",
            )
        check_attribute_value(name, value)
        size += len(name.encode()) + value.size()
    return size


def check_attribute_value(name: str, value: AttributeValue) -> None:
    """One attribute's data type and value."""
    data_type = value.data_type
    if not data_type:
        raise SqsError(
            "InvalidParameterValue",
            f"The message attribute '{name}' must contain non-empty message attribute type.",
        )
    match = _DATA_TYPE.fullmatch(data_type)
    if match is None or len(data_type) > 256:
        raise SqsError(
            "InvalidParameterValue",
            f"The type of message (user) attribute '{name}' is invalid. You must use only "
            "the following supported type prefixes: Binary, Number, String.",
        )
    family = match[1]
    if family == "Binary":
        if not value.binary_value:
            raise SqsError(
                "InvalidParameterValue",
                f"The message attribute '{name}' with type 'Binary' must use field 'Binary'.",
            )
        return
    text = value.string_value
    if not text:
        raise SqsError(
            "InvalidParameterValue",
            f"The message attribute '{name}' must contain non-empty message attribute value "
            f"for message attribute type '{family}'.",
        )
    if family == "Number" and _NUMBER.fullmatch(text) is None:
        raise SqsError(
            "InvalidParameterValue",
            f"Can't cast message value to a number for message attribute '{name}'.",
        )
    check_body(text, f"message attribute '{name}'")


def check_system_attributes(attributes: Mapping[str, AttributeValue]) -> int:
    """Only ``AWSTraceHeader`` (a string) may be sent."""
    size = 0
    for name, value in attributes.items():
        if name != "AWSTraceHeader":
            raise SqsError(
                "InvalidParameterValue", f"Message system attribute name '{name}' is invalid."
            )
        if value.data_type != "String" or not value.string_value:
            raise SqsError(
                "InvalidParameterValue",
                "Message system attribute AWSTraceHeader must be a non-empty String.",
            )
        size += len(name.encode()) + value.size()
    return size


def _integer(name: str, value: str) -> int:
    if not _INTEGER.fullmatch(value.strip()):
        raise _bad_attribute(name)
    return int(value)


def _json_object(name: str, value: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise _invalid(name, value, f"{name} is not a dict or valid json.")
    return parsed


# -- the whole service -------------------------------------------------------------------


class Sqs:
    """Every queue of every scope, the recently deleted names, and move tasks."""

    def __init__(self, now: Callable[[], float], *, cooldowns: Callable[[], bool]) -> None:
        self.lock = threading.RLock()
        self._now = now
        self._cooldowns = cooldowns
        self._scopes: dict[Scope, dict[str, Queue]] = {}
        self._deleted: dict[tuple[Scope, str], float] = {}
        self._uids = itertools.count(1)
        self._serials = itertools.count(1)
        self._tasks: dict[str, list[MoveTask]] = {}
        self._running: list[MoveTask] = []

    def now(self) -> float:
        """Simulated now."""
        return self._now()

    def snapshot(self) -> Any:
        """The whole state, for a reset to hand to the reaper."""
        return (self._scopes, self._deleted, self._tasks, self._running)

    # -- lookups -----------------------------------------------------------------------

    def queues(self, scope: Scope) -> dict[str, Queue]:
        """Queues of ``scope`` by name (created on first use)."""
        found = self._scopes.get(scope)
        if found is None:
            found = self._scopes[scope] = {}
        return found

    def queue(self, scope: Scope, name: str) -> Queue:
        """The queue called ``name``, settled to now, or ``QueueDoesNotExist``."""
        queue = self._scopes.get(scope, {}).get(name)
        if queue is None:
            raise SqsError("QueueDoesNotExist", "The specified queue does not exist.")
        self.settle(queue)
        return queue

    def by_arn(self, arn: str) -> Queue | None:
        """The queue an ARN names, if it exists."""
        parsed = parse_arn(arn)
        if parsed is None:
            return None
        return self._scopes.get(parsed[0], {}).get(parsed[1])

    def settle(self, queue: Queue) -> None:
        """Bring ``queue`` to now: timers, retention, and running move tasks."""
        now = self._now()
        if self._running:
            self._advance_tasks(now)
        queue.settle(now)

    def all_queues(self) -> Iterator[Queue]:
        """Every queue of every scope."""
        for queues in self._scopes.values():
            yield from queues.values()

    # -- queues ------------------------------------------------------------------------

    def create_queue(
        self, scope: Scope, name: str, attributes: Mapping[str, str], tags: Mapping[str, str]
    ) -> Queue:
        """CreateQueue: idempotent when the given attributes match, else QueueNameExists."""
        fifo_flag = attributes.get("FifoQueue")
        fifo = name.endswith(".fifo") or (fifo_flag is not None and fifo_flag.lower() == "true")
        check_queue_name(name, fifo)
        if fifo_flag is not None and fifo_flag.lower() not in ("true", "false"):
            raise _bad_attribute("FifoQueue")
        if name.endswith(".fifo") and (fifo_flag or "").lower() != "true":
            raise SqsError(
                "InvalidParameterValue",
                "Can only include alphanumeric characters, hyphens, or underscores. "
                "1 to 80 in length",
            )
        settings = self.validate_attributes(scope, name, attributes, fifo=fifo, creating=True)
        if not fifo:
            settings.pop("FifoQueue", None)
        check_tags(tags)
        queues = self.queues(scope)
        now = self._now()
        existing = queues.get(name)
        if existing is not None:
            for key, value in settings.items():
                if key == "FifoQueue":
                    continue
                if existing.settings.get(key, _DEFAULTS.get(key, "")) != value:
                    raise SqsError(
                        "QueueNameExists",
                        "A queue already exists with the same name and a different value "
                        f"for attribute {key}",
                    )
            return existing
        deleted = self._deleted.get((scope, name))
        if deleted is not None:
            if self._cooldowns() and now - deleted < COOLDOWN_SECONDS:
                raise SqsError(
                    "QueueDeletedRecently",
                    "You must wait 60 seconds after deleting a queue before you can create "
                    "another with the same name.",
                )
            del self._deleted[(scope, name)]
        full = dict(_DEFAULTS)
        if fifo:
            full.update(_FIFO_DEFAULTS)
        full.update(settings)
        for key in ("Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId"):
            if full.get(key) == "":
                del full[key]
        self._fix_encryption(full, settings)
        _check_throughput(full)
        queue = Queue(next(self._uids), scope, name, full, dict(tags), now)
        queues[name] = queue
        return queue

    def delete_queue(self, queue: Queue) -> Any:
        """DeleteQueue; returns the old queue for the reaper."""
        queues = self._scopes.get(queue.scope, {})
        if queues.get(queue.name) is queue:
            del queues[queue.name]
        self._deleted[(queue.scope, queue.name)] = self._now()
        return queue

    def purge_queue(self, queue: Queue) -> Any:
        """PurgeQueue: at most once a minute per queue."""
        now = self._now()
        if (
            self._cooldowns()
            and queue.last_purge is not None
            and now - queue.last_purge < COOLDOWN_SECONDS
        ):
            raise SqsError(
                "PurgeQueueInProgress",
                f"Only one PurgeQueue operation on {queue.name} is allowed every 60 seconds.",
            )
        queue.last_purge = now
        return queue.purge()

    def list_queues(self, scope: Scope, prefix: str) -> list[Queue]:
        """Queues of ``scope`` whose names start with ``prefix``, by name."""
        queues = self._scopes.get(scope, {})
        return [queues[name] for name in sorted(queues) if name.startswith(prefix)]

    def dead_letter_sources(self, queue: Queue) -> list[Queue]:
        """Queues whose RedrivePolicy names ``queue``, by name."""
        sources = [
            other
            for other in self._scopes.get(queue.scope, {}).values()
            if other.redrive is not None and other.redrive[0] == queue.arn
        ]
        return sorted(sources, key=lambda q: q.name)

    # -- attributes --------------------------------------------------------------------

    def validate_attributes(
        self,
        scope: Scope,
        name: str,
        attributes: Mapping[str, str],
        *,
        fifo: bool,
        creating: bool,
    ) -> dict[str, str]:
        """Check names and values; returns them in canonical form."""
        result: dict[str, str] = {}
        for key, raw in attributes.items():
            value = raw if isinstance(raw, str) else str(raw)
            if key == "FifoQueue" and creating:
                result[key] = value.lower()
                continue
            if key not in _SETTABLE or (key in _FIFO_ONLY and not fifo):
                raise SqsError("InvalidAttributeName", f"Unknown Attribute {key}.")
            if key in _RANGES:
                low, high = _RANGES[key]
                number = _integer(key, value)
                if not low <= number <= high:
                    raise _bad_attribute(key)
                result[key] = str(number)
            elif key in _BOOLEANS:
                if value.lower() not in ("true", "false"):
                    raise _bad_attribute(key)
                result[key] = value.lower()
            elif key in _CHOICES:
                if value not in _CHOICES[key]:
                    raise _bad_attribute(key)
                result[key] = value
            elif key == "Policy":
                result[key] = _compact(_json_object(key, value)) if value else ""
            elif key == "RedrivePolicy":
                result[key] = self._redrive_policy(scope, name, value, fifo) if value else ""
            elif key == "RedriveAllowPolicy":
                result[key] = _redrive_allow_policy(value) if value else ""
            elif key == "KmsMasterKeyId":
                result[key] = value
        return result

    def _redrive_policy(self, scope: Scope, name: str, value: str, fifo: bool) -> str:
        policy = _json_object("RedrivePolicy", value)
        for mandatory in ("deadLetterTargetArn", "maxReceiveCount"):
            if mandatory not in policy:
                raise _invalid(
                    "RedrivePolicy",
                    value,
                    f"Redrive policy does not contain mandatory attribute: {mandatory}.",
                )
        target = policy["deadLetterTargetArn"]
        count = policy["maxReceiveCount"]
        if isinstance(count, str) and _INTEGER.fullmatch(count):
            count = int(count)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
            raise _invalid(
                "RedrivePolicy",
                value,
                "Invalid value for maxReceiveCount: must be an integer from 1 to 1000.",
            )
        parsed = parse_arn(target) if isinstance(target, str) else None
        dlq = self.by_arn(target) if parsed is not None else None
        if dlq is None or parsed is None or parsed[0] != scope:
            raise SqsError("QueueDoesNotExist", f"Could not find DLQ for {target}")
        if dlq.fifo != fifo:
            raise _invalid(
                "RedrivePolicy",
                value,
                "Dead-letter target must be the same type of queue as the source queue.",
            )
        allow = dlq.settings.get("RedriveAllowPolicy")
        if allow:
            rules = json.loads(allow)
            permission = rules.get("redrivePermission")
            source_arn = scope.arn(name)
            if permission == "denyAll" or (
                permission == "byQueue" and source_arn not in rules.get("sourceQueueArns", [])
            ):
                raise _invalid(
                    "RedrivePolicy",
                    value,
                    f"Queue {source_arn} is not allowed to use {target} as its dead-letter "
                    "queue (RedriveAllowPolicy).",
                )
        return _compact({"deadLetterTargetArn": target, "maxReceiveCount": count})

    @staticmethod
    def _fix_encryption(settings: dict[str, str], given: Mapping[str, str]) -> None:
        if given.get("KmsMasterKeyId"):
            settings["SqsManagedSseEnabled"] = "false"
            settings.setdefault("KmsDataKeyReusePeriodSeconds", "300")
        elif given.get("SqsManagedSseEnabled") == "true":
            settings.pop("KmsMasterKeyId", None)
            settings.pop("KmsDataKeyReusePeriodSeconds", None)

    def set_attributes(self, queue: Queue, attributes: Mapping[str, str]) -> None:
        """SetQueueAttributes (FifoQueue cannot change)."""
        if "FifoQueue" in attributes:
            raise SqsError("InvalidAttributeName", "Unknown Attribute FifoQueue.")
        settings = self.validate_attributes(
            queue.scope, queue.name, attributes, fifo=queue.fifo, creating=False
        )
        _check_throughput({**queue.settings, **settings})
        for key, value in settings.items():
            if value == "" and key in ("Policy", "RedrivePolicy", "RedriveAllowPolicy"):
                queue.settings.pop(key, None)
            else:
                queue.settings[key] = value
        self._fix_encryption(queue.settings, settings)
        queue.modified_at = self._now()
        queue._apply_settings()

    def get_attributes(self, queue: Queue, names: Iterable[str]) -> dict[str, str]:
        """GetQueueAttributes: ``All`` or the names asked for that the queue has."""
        wanted = list(names)
        for name in wanted:
            if name != "All" and name not in QUEUE_ATTRIBUTES:
                raise SqsError("InvalidAttributeName", f"Unknown Attribute {name}.")
        every = "All" in wanted
        values = {
            **queue.settings,
            "ApproximateNumberOfMessages": str(queue.visible_count),
            "ApproximateNumberOfMessagesNotVisible": str(queue.inflight_count),
            "ApproximateNumberOfMessagesDelayed": str(queue.delayed_count),
            "CreatedTimestamp": str(int(queue.created_at)),
            "LastModifiedTimestamp": str(int(queue.modified_at)),
            "QueueArn": queue.arn,
        }
        if every:
            return values
        return {name: values[name] for name in wanted if name in values}

    # -- messages ----------------------------------------------------------------------

    def send(self, queue: Queue, spec: SendSpec) -> SendResult:
        """SendMessage (and each SendMessageBatch entry)."""
        body = spec.body
        if body is None or body == "":
            raise SqsError(
                "MissingParameter", "The request must contain the parameter MessageBody."
            )
        check_body(body)
        size = len(body.encode("utf-8"))
        size += check_message_attributes(spec.attributes)
        size += check_system_attributes(spec.system_attributes)
        if size > queue.max_size:
            raise SqsError(
                "InvalidParameterValue",
                "One or more parameters are invalid. Reason: Message must be shorter than "
                f"{queue.max_size} bytes.",
            )
        delay = spec.delay
        if delay is not None and not 0 <= delay <= MAX_DELAY:
            raise _invalid("DelaySeconds", delay, f"DelaySeconds must be >= 0 and <= {MAX_DELAY}")
        now = self._now()
        group = spec.group_id
        dedup = spec.dedup_id
        sequence: str | None = None
        md5_body = body_md5(body)
        md5_attributes = attributes_md5(spec.attributes)
        md5_system = attributes_md5(spec.system_attributes)
        if group is not None:
            _check_fifo_id("MessageGroupId", group)
        if queue.fifo:
            if group is None:
                raise SqsError(
                    "MissingParameter", "The request must contain the parameter MessageGroupId."
                )
            if delay is not None and delay != 0:
                raise _invalid(
                    "DelaySeconds",
                    delay,
                    "The request include parameter that is not valid for this queue type.",
                )
            if dedup is None:
                if not queue.content_dedup:
                    raise SqsError(
                        "InvalidParameterValue",
                        "The queue should either have ContentBasedDeduplication enabled or "
                        "MessageDeduplicationId provided explicitly",
                    )
                dedup = hashlib.sha256(body.encode()).hexdigest()
            else:
                _check_fifo_id("MessageDeduplicationId", dedup)
            earlier = queue.deduplicated(group, dedup, now)
            if earlier is not None:
                return SendResult(earlier[0], md5_body, md5_attributes, md5_system, earlier[1])
            sequence = queue.next_sequence_number()
            delay = queue.delay
        else:
            if dedup is not None:
                raise _invalid(
                    "MessageDeduplicationId",
                    dedup,
                    "The request includes a parameter that is not valid for this queue type.",
                )
            if delay is None:
                delay = queue.delay
        message = Message(
            serial=next(self._serials),
            message_id=str(uuid.uuid4()),
            body=body,
            attributes=spec.attributes,
            system_attributes=spec.system_attributes,
            sent_at=now,
            group_id=group,
            dedup_id=dedup,
            sequence_number=sequence,
        )
        queue.accept(message, now, delay, now)
        if queue.fifo and group is not None and dedup is not None:
            queue.remember_dedup(group, dedup, now, message.message_id, sequence)
        return SendResult(message.message_id, md5_body, md5_attributes, md5_system, sequence)

    def receive(
        self,
        queue: Queue,
        limit: int,
        visibility: int | None,
        attempt_id: str | None = None,
    ) -> list[Received]:
        """One ReceiveMessage attempt (no waiting): delivers up to ``limit`` messages and
        moves those past the RedrivePolicy's ``maxReceiveCount`` to the dead-letter queue.
        """
        now = self._now()
        if attempt_id is not None and queue.fifo:
            earlier = queue.attempt(attempt_id)
            if earlier is not None:
                return earlier
        timeout = queue.visibility_timeout if visibility is None else visibility
        received: list[Received] = []
        dlq = self.by_arn(queue.redrive[0]) if queue.redrive is not None else None
        limit_count = queue.redrive[1] if queue.redrive is not None else 0
        while len(received) < limit:
            candidates = queue.take(limit - len(received))
            if not candidates:
                break
            for message in candidates:
                if dlq is not None and message.receive_count >= limit_count:
                    self._move(queue, message, dlq, now, keep_count=True)
                else:
                    received.append(queue.deliver(message, now, timeout))
        if attempt_id is not None and queue.fifo and received:
            queue.remember_attempt(attempt_id, now, received)
        return received

    def _move(
        self, source: Queue, message: Message, target: Queue, now: float, *, keep_count: bool
    ) -> None:
        """Move a message to another queue (dead-lettering, or a move task back)."""
        source._remove(message)
        target.settle(now)
        moved = Message(
            serial=next(self._serials),
            message_id=message.message_id,
            body=message.body,
            attributes=message.attributes,
            system_attributes=message.system_attributes,
            sent_at=message.sent_at,
            group_id=message.group_id,
            dedup_id=message.dedup_id,
            sequence_number=target.next_sequence_number() if target.fifo else None,
            source_arn=source.arn if keep_count else None,
        )
        if keep_count:
            moved.receive_count = message.receive_count
            moved.first_received_at = message.first_received_at
        # A standard queue keeps the original enqueue time for retention; FIFO restarts it.
        enqueued = now if target.fifo else message.sent_at
        target.accept(moved, now, 0, enqueued)

    # -- move tasks --------------------------------------------------------------------

    def start_move_task(
        self, source_arn: str, destination_arn: str | None, rate: int | None
    ) -> MoveTask:
        """StartMessageMoveTask from a dead-letter queue."""
        parsed = parse_arn(source_arn)
        source = self.by_arn(source_arn)
        if source is None or parsed is None:
            raise SqsError(
                "ResourceNotFoundException",
                "The resource that you specified for the SourceArn parameter doesn't exist.",
            )
        self.settle(source)
        if not any(True for _ in self.dead_letter_sources(source)):
            raise _invalid(
                "SourceArn", source_arn, "Source queue must be configured as a Dead Letter Queue."
            )
        if destination_arn is not None and self.by_arn(destination_arn) is None:
            raise SqsError(
                "ResourceNotFoundException",
                "The resource that you specified for the DestinationArn parameter doesn't exist.",
            )
        if rate is not None and not 1 <= rate <= 500:
            raise _invalid("MaxNumberOfMessagesPerSecond", rate, "Must be between 1 and 500.")
        if any(task.source_arn == source.arn for task in self._running):
            raise _invalid(
                "SourceArn",
                source_arn,
                "There is already a task running. Only one active task is allowed for a "
                "source queue arn at a given time.",
            )
        payload = _compact({"taskId": str(uuid.uuid4()), "sourceArn": source.arn})
        task = MoveTask(
            handle=base64.b64encode(payload.encode()).decode(),
            source=parsed[0],
            source_name=source.name,
            source_arn=source.arn,
            destination_arn=destination_arn,
            rate=rate,
            started_at=self._now(),
            to_move=source.visible_count,
        )
        kept = self._tasks.setdefault(source.arn, [])
        kept.insert(0, task)
        del kept[TASKS_KEPT:]
        self._running.append(task)
        self._advance_tasks(self._now())
        return task

    def _advance_tasks(self, now: float) -> None:
        for task in list(self._running):
            self._advance(task, now)
            if task.status != "RUNNING":
                self._running.remove(task)

    def _advance(self, task: MoveTask, now: float) -> None:
        source = self._scopes.get(task.source, {}).get(task.source_name)
        if source is None:
            task.status, task.failure = "FAILED", "AWS.SimpleQueueService.NonExistentQueue"
            return
        target = task.to_move
        if task.rate is not None:
            target = min(target, math.floor(max(now - task.started_at, 0.0) * task.rate))
        source.settle(now)
        while task.moved < target:
            taken = source.take(1)
            if not taken:
                task.status = "COMPLETED"
                return
            message = taken[0]
            arn = task.destination_arn or message.source_arn
            destination = self.by_arn(arn) if arn else None
            if destination is None:
                # Put it back where it was: the task fails on a message it cannot place.
                source._make_visible(message)
                task.status = "FAILED"
                task.failure = "AWS.SimpleQueueService.NonExistentQueue"
                return
            self._move(source, message, destination, now, keep_count=False)
            task.moved += 1
        if task.moved >= task.to_move:
            task.status = "COMPLETED"

    def cancel_move_task(self, handle: str) -> MoveTask:
        """CancelMessageMoveTask of a running task."""
        if self._running:
            self._advance_tasks(self._now())
        for task in self._running:
            if task.handle == handle:
                task.status = "CANCELLED"
                self._running.remove(task)
                return task
        raise SqsError("ResourceNotFoundException", "Task does not exist.")

    def list_move_tasks(self, source_arn: str, limit: int) -> list[MoveTask]:
        """ListMessageMoveTasks: the most recent first."""
        source = self.by_arn(source_arn)
        if source is None:
            raise SqsError(
                "ResourceNotFoundException",
                "The resource that you specified for the SourceArn parameter doesn't exist.",
            )
        if self._running:
            self._advance_tasks(self._now())
        return self._tasks.get(source.arn, [])[:limit]

    # -- tags and permissions ----------------------------------------------------------

    def tag(self, queue: Queue, tags: Mapping[str, str]) -> None:
        """TagQueue (at most 50 tags in all)."""
        check_tags(tags)
        merged = {**queue.tags, **tags}
        if len(merged) > MAX_TAGS:
            raise SqsError("InvalidParameterValue", f"Too many tags added for queue {queue.name}.")
        queue.tags = merged

    def add_permission(
        self, queue: Queue, label: str, accounts: list[str], actions: list[str]
    ) -> None:
        """AddPermission: a statement in the queue's Policy."""
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", label):
            raise _invalid(
                "Label",
                label,
                "Can only include alphanumeric characters, hyphens, "
                "or underscores. 1 to 80 in length",
            )
        if not accounts:
            raise SqsError(
                "MissingParameter", "The request must contain the parameter AWSAccountIds."
            )
        if not actions:
            raise SqsError("MissingParameter", "The request must contain the parameter Actions.")
        if len(actions) > 7:
            raise SqsError("OverLimit", f"{len(actions)} Actions were found, maximum allowed is 7.")
        for action in actions:
            if action not in _PERMISSION_ACTIONS:
                raise _invalid(
                    "ActionName.1",
                    action,
                    "Please refer to the appropriate WSDL for a list of valid actions.",
                )
        policy = json.loads(queue.settings.get("Policy") or "null") or {
            "Version": "2012-10-17",
            "Id": f"{queue.arn}/SQSDefaultPolicy",
            "Statement": [],
        }
        statements = policy.get("Statement", [])
        if not isinstance(statements, list):
            statements = [statements]
        policy["Statement"] = statements
        if any(isinstance(s, dict) and s.get("Sid") == label for s in statements):
            raise _invalid("Label", label, "Already exists.")
        principals = [f"arn:aws:iam::{account}:root" for account in accounts]
        granted = [f"SQS:{action}" for action in actions]
        statements.append(
            {
                "Sid": label,
                "Effect": "Allow",
                "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
                "Action": granted if len(granted) > 1 else granted[0],
                "Resource": queue.arn,
            }
        )
        queue.settings["Policy"] = _compact(policy)

    def remove_permission(self, queue: Queue, label: str) -> None:
        """RemovePermission by label."""
        policy = json.loads(queue.settings.get("Policy") or "null")
        statements = policy.get("Statement", []) if isinstance(policy, dict) else []
        if not isinstance(statements, list):
            statements = [statements]
        kept = [s for s in statements if not (isinstance(s, dict) and s.get("Sid") == label)]
        if len(kept) == len(statements):
            raise _invalid("Label", label, "can't find label on existing policy.")
        if kept:
            policy["Statement"] = kept
            queue.settings["Policy"] = _compact(policy)
        else:
            queue.settings.pop("Policy", None)


def check_tags(tags: Mapping[str, str]) -> None:
    """Tag keys 1-128 characters, values up to 256, at most 50."""
    if len(tags) > MAX_TAGS:
        raise SqsError("InvalidParameterValue", "Too many tags added for queue.")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
            raise SqsError("InvalidParameterValue", f"Tag key {key!r} is invalid.")
        if len(value) > 256:
            raise SqsError("InvalidParameterValue", f"Tag value for {key!r} is too long.")


def _check_throughput(settings: Mapping[str, str]) -> None:
    """High throughput (``perMessageGroupId``) needs ``DeduplicationScope=messageGroup``."""
    if (
        settings.get("FifoThroughputLimit") == "perMessageGroupId"
        and settings.get("DeduplicationScope") != "messageGroup"
    ):
        raise _bad_attribute("FifoThroughputLimit")


def _check_fifo_id(name: str, value: str) -> None:
    if not _DEDUP_ID.fullmatch(value):
        raise _invalid(
            name,
            value,
            f"{name} can only include alphanumeric and punctuation characters. 1 to 128 in length.",
        )


def _redrive_allow_policy(value: str) -> str:
    policy = _json_object("RedriveAllowPolicy", value)
    permission = policy.get("redrivePermission")
    if permission not in ("allowAll", "denyAll", "byQueue"):
        raise _invalid(
            "RedriveAllowPolicy",
            value,
            "Invalid value for redrivePermission: must be allowAll, denyAll or byQueue.",
        )
    result: dict[str, Any] = {"redrivePermission": permission}
    sources = policy.get("sourceQueueArns")
    if permission == "byQueue":
        if (
            not isinstance(sources, list)
            or not 1 <= len(sources) <= 10
            or not all(isinstance(arn, str) and parse_arn(arn) for arn in sources)
        ):
            raise _invalid(
                "RedriveAllowPolicy",
                value,
                "sourceQueueArns must list 1 to 10 queue ARNs when redrivePermission is byQueue.",
            )
        result["sourceQueueArns"] = sources
    elif sources:
        raise _invalid(
            "RedriveAllowPolicy",
            value,
            "sourceQueueArns is only allowed when redrivePermission is byQueue.",
        )
    return _compact(result)
