"""One queue and its messages: the structures that keep every message operation O(1) or
O(log n).

Plain Python, no HTTP. Time is handed in (``now``), and every timed change (a delay ending,
a visibility timeout running out, retention, the dedup window) is applied by ``settle``
when the queue is next read, so nothing runs in the background.

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
"""

from __future__ import annotations

import base64
import binascii
import enum
import heapq
import itertools
import json
import re
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_mimic.services.sqs.errors import SqsError, invalid_value

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_mimic.services.sqs.md5 import AttributeValue

__all__ = [
    "DEDUP_SECONDS",
    "MAX_VISIBILITY",
    "Message",
    "MessageView",
    "Queue",
    "Received",
    "Scope",
    "SendResult",
    "SendSpec",
    "State",
    "parse_arn",
]

#: FIFO deduplication and receive-attempt window.
DEDUP_SECONDS = 300.0
#: Longest a message may stay invisible after it was received (12 hours).
MAX_VISIBILITY = 43_200

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
    #: The id the message gets (a state document keeps its ids); a fresh one by default.
    message_id: str | None = None


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


class _Group:
    """The undeleted messages of one FIFO message group, in order."""

    __slots__ = ("inflight", "key", "messages", "ready")

    def __init__(self, key: str) -> None:
        self.key = key
        self.messages: deque[Message] = deque()
        self.inflight = 0
        self.ready = False


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
        self.apply_settings()
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

    def apply_settings(self) -> None:
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
                self.make_visible(message)
        expired: list[Message] = []
        horizon = now - self.retention
        heap = self._expiry
        while heap and heap[0][0] <= horizon:
            _at, _serial, message = heapq.heappop(heap)
            if message.state is not State.GONE:
                self.remove(message)
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

    def make_visible(self, message: Message) -> None:
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

    def remove(self, message: Message) -> None:
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
            self.make_visible(message)

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
            raise invalid_value("ReceiptHandle", handle, "The receipt handle has expired.")
        self.remove(message)

    def change_visibility(self, handle: str, timeout: int, now: float) -> None:
        """ChangeMessageVisibility with the handle of the current, unexpired receive."""
        message, _count = self.by_handle(handle)
        if message is None or message.receipt != handle or message.state is not State.INFLIGHT:
            raise invalid_value(
                "ReceiptHandle",
                handle,
                "Message does not exist or is not available for visibility timeout change.",
            )
        if now + timeout - message.received_at > MAX_VISIBILITY:
            raise invalid_value(
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
