"""One queue and its messages: the structures that keep every message operation O(1) or
O(log n), and message records small enough for 100,000 queued messages.

Plain Python, no HTTP. Time is handed in (``now``), and every timed change (a delay ending,
a visibility timeout running out, retention, the dedup window) is applied by ``settle``
when the queue is next read, so nothing runs in the background.

No call scans a queue. Per queue:

- ``delivered``: live messages received at least once, by serial number (receipt handles
  carry the serial; a message never received cannot be named by a handle);
- a deque of visible messages in arrival order (standard queues: one entry per visible
  message), or per message group a deque plus a heap of groups whose head can be delivered,
  ordered by when that head became visible (FIFO);
- ``_timers``: a heap of delayed and in-flight messages by the time they become visible;
- ``_arrivals`` (and ``_late`` for the rare message enqueued out of time order): every
  message by enqueue time, for the retention period;
- counters of visible, in-flight and delayed messages, kept on every transition.

Index entries may outlive their message's state (a heap entry for a visibility timeout
that was changed since, a deleted message): they only count while the message still
matches them, are dropped as they surface, and an index with more stale entries than live
ones is rebuilt (amortised O(1) per change). A deleted message gives up its body and
attributes at once, so stale entries hold only a small shell.
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
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pytest_mimic.services.sqs.errors import SqsError, invalid_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

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
    "message_id",
    "parse_arn",
    "topic_of",
]

#: FIFO deduplication and receive-attempt window.
DEDUP_SECONDS = 300.0
#: Longest a message may stay invisible after it was received (12 hours).
MAX_VISIBILITY = 43_200

_ARN = re.compile(r"arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)")
_HANDLE_PREFIX = "AQEB"
_NO_ATTRIBUTES: Mapping[str, AttributeValue] = MappingProxyType({})
#: Serial numbers of messages and queue ids: process-wide, so neither a message id nor a
#: receipt handle from before a reset names anything after it.
_SERIALS = itertools.count(1)
_QUEUE_IDS = itertools.count(1)
#: Tie-breakers for heap entries with equal times: the order things happened in.
_EVENTS = itertools.count()
# A per-process bijection from serial numbers to random-looking version-4 UUIDs: message
# ids cost no memory per message and never repeat within the process.
_ID_BITS = 122
_ID_MASK = (1 << _ID_BITS) - 1
_ID_MULTIPLIER = secrets.randbits(_ID_BITS) | 1
_ID_KEY = secrets.randbits(_ID_BITS)
#: Index entries tolerated beyond the live ones before an index is rebuilt.
_SLACK = 64


def next_serial() -> int:
    """A new message serial number (unique in the process)."""
    return next(_SERIALS)


def next_queue_id() -> int:
    """A new queue id (unique in the process, so handles of a deleted queue stay invalid)."""
    return next(_QUEUE_IDS)


def message_id(serial: int) -> str:
    """The ``MessageId`` of the message with ``serial``: a version-4 UUID, computed."""
    scrambled = ((serial * _ID_MULTIPLIER) & _ID_MASK) ^ _ID_KEY
    value = (
        (scrambled >> 74) << 80
        | 0x4 << 76
        | ((scrambled >> 62) & 0xFFF) << 64
        | 0b10 << 62
        | (scrambled & ((1 << 62) - 1))
    )
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


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


class Details:
    """What only some messages carry: attributes, FIFO ids, where a moved message was.

    Kept apart so a plain standard-queue message pays one empty slot for all of it.
    """

    __slots__ = (
        "attributes",
        "dedup_id",
        "first_received_at",
        "given_id",
        "group_id",
        "origin",
        "sequence",
        "source_arn",
        "system_attributes",
    )

    def __init__(
        self,
        attributes: Mapping[str, AttributeValue] | None = None,
        system_attributes: Mapping[str, AttributeValue] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
        sequence: int | None = None,
        source_arn: str | None = None,
        origin: int | None = None,
        given_id: str | None = None,
    ) -> None:
        self.attributes = attributes or None
        self.system_attributes = system_attributes or None
        self.group_id = group_id
        self.dedup_id = dedup_id
        self.sequence = sequence
        self.source_arn = source_arn
        #: The serial the message id comes from, when the message was moved here.
        self.origin = origin
        #: A message id chosen by a state document (seeded messages keep theirs).
        self.given_id = given_id
        self.first_received_at: float | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, name) is not None for name in self.__slots__)


class Message:
    """One message, in as few bytes as Python allows: eight slots, no dict, the id computed
    from the serial, and the rarely present parts in ``details`` (``None`` when absent).

    ``due`` is when a delayed or in-flight message becomes visible, and for a visible one
    when it became visible (FIFO groups are offered in that order).
    """

    __slots__ = (
        "body",
        "details",
        "due",
        "receive_count",
        "received_at",
        "sent_at",
        "serial",
        "state",
    )

    def __init__(
        self, serial: int, body: str, sent_at: float, details: Details | None = None
    ) -> None:
        self.serial = serial
        self.body = body
        self.sent_at = sent_at
        self.details = details if details else None
        self.state = State.GONE
        self.due = sent_at
        self.receive_count = 0
        self.received_at = sent_at

    def __repr__(self) -> str:
        return f"<Message {self.serial} {self.state.name.lower()}>"

    @property
    def message_id(self) -> str:
        details = self.details
        if details is not None and details.given_id is not None:
            return details.given_id
        origin = details.origin if details is not None else None
        return message_id(self.serial if origin is None else origin)

    @property
    def first_received_at(self) -> float | None:
        """When it was first received: ``received_at`` until a second receive keeps the
        first one in ``details`` (most messages are received once and pay nothing).
        """
        details = self.details
        if details is not None and details.first_received_at is not None:
            return details.first_received_at
        return self.received_at if self.receive_count else None

    @first_received_at.setter
    def first_received_at(self, when: float | None) -> None:
        if self.details is None:
            self.details = Details()
        self.details.first_received_at = when

    @property
    def attributes(self) -> Mapping[str, AttributeValue]:
        details = self.details
        return (details.attributes if details is not None else None) or _NO_ATTRIBUTES

    @property
    def system_attributes(self) -> Mapping[str, AttributeValue]:
        details = self.details
        return (details.system_attributes if details is not None else None) or _NO_ATTRIBUTES

    @property
    def group_id(self) -> str | None:
        return self.details.group_id if self.details is not None else None

    @property
    def dedup_id(self) -> str | None:
        return self.details.dedup_id if self.details is not None else None

    @property
    def sequence_number(self) -> str | None:
        details = self.details
        if details is None or details.sequence is None:
            return None
        return str(details.sequence)

    @property
    def source_arn(self) -> str | None:
        return self.details.source_arn if self.details is not None else None

    def release(self) -> None:
        """Give up the body and attributes (the message is gone; index entries may still
        point at this shell until they surface).
        """
        self.body = ""
        self.details = None


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
    #: Which receive of the message this was (the handle's own count).
    count: int


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
    """The undeleted messages of one FIFO message group, in order.

    ``ready`` is the event number of the group's valid entry in the queue's ready heap
    (``None`` when it has none) and ``head`` the message that entry was made for.
    """

    __slots__ = ("head", "key", "messages", "ready")

    def __init__(self, key: str) -> None:
        self.key = key
        self.messages: deque[Message] = deque()
        self.ready: int | None = None
        self.head: Message | None = None


def topic_of(arn: str) -> tuple[str, str]:
    """What long polls on the queue ``arn`` wait for (``ServiceContext.wait_for_change``):
    a change to one queue wakes only the polls of that queue.
    """
    return ("sqs", arn)


def parse_arn(arn: str) -> tuple[Scope, str] | None:
    """``(scope, queue name)`` of a queue ARN, or ``None`` if it is not one."""
    match = _ARN.fullmatch(arn) if isinstance(arn, str) else None
    if match is None:
        return None
    return Scope(match[2], match[1]), match[3]


_NOT_AVAILABLE = "Message does not exist or is not available for visibility timeout change."


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
        #: The topic its long polls wait for, and changes to it wake.
        self.topic = topic_of(self.arn)
        self.fifo = name.endswith(".fifo")
        self.settings = settings
        self.tags = tags
        self.created_at = now
        self.modified_at = now
        self.last_purge: float | None = None
        self.apply_settings()
        # AWS keeps deduplicating in the scope the queue was created with, whatever
        # SetQueueAttributes says later (LocalStack's AWS-validated snapshots record it).
        self.group_dedup = settings.get("DeduplicationScope") == "messageGroup"
        self._clear_messages()
        self._sequence = itertools.count(18_000_000_000_000_000_001)

    def _clear_messages(self) -> None:
        self.delivered: dict[int, Message] = {}
        self._visible: deque[Message] = deque()
        self._groups: dict[str, _Group] = {}
        self._ready: list[tuple[float, int, _Group]] = []
        self._timers: list[tuple[float, int, Message]] = []
        self._arrivals: deque[Message] = deque()
        self._late: list[tuple[float, int, Message]] = []
        self._dedup: dict[str | tuple[str, str], tuple[float, int, int | None]] = {}
        self._dedup_expiry: deque[tuple[float, str | tuple[str, str]]] = deque()
        self._attempts: dict[str, tuple[float, list[Received]]] = {}
        self._attempt_expiry: deque[tuple[float, str]] = deque()
        self.counts = [0, 0, 0, 0]  # by State
        self._removed = 0

    def apply_settings(self) -> None:
        get = self.settings.get
        self.visibility_timeout = int(get("VisibilityTimeout", "30"))
        self.max_size = int(get("MaximumMessageSize", "1048576"))
        self.retention = int(get("MessageRetentionPeriod", "345600"))
        self.delay = int(get("DelaySeconds", "0"))
        self.wait_seconds = int(get("ReceiveMessageWaitTimeSeconds", "0"))
        self.content_dedup = get("ContentBasedDeduplication") == "true"
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

    @property
    def live_count(self) -> int:
        """Messages in the queue, whatever their state."""
        counts = self.counts
        return counts[State.DELAYED] + counts[State.VISIBLE] + counts[State.INFLIGHT]

    def settle(self, now: float) -> list[Message]:
        """Apply everything due by ``now``: delays and visibility timeouts that ended, expired
        messages and dedup entries. Returns the messages that expired.
        """
        # Removing a message may rebuild an index: read each one afresh on every turn.
        while self._timers and self._timers[0][0] <= now:
            due, _event, message = heapq.heappop(self._timers)
            if message.due == due and message.state in (State.DELAYED, State.INFLIGHT):
                self.make_visible(message)
        expired: list[Message] = []
        horizon = now - self.retention
        while self._arrivals:
            message = self._arrivals[0]
            if message.state is not State.GONE and message.sent_at > horizon:
                break
            self._arrivals.popleft()
            if message.state is not State.GONE:
                self.remove(message)
                expired.append(message)
        while self._late and self._late[0][0] <= horizon:
            _at, _event, message = heapq.heappop(self._late)
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

    def make_visible(self, message: Message) -> None:
        """Make ``message`` deliverable (its ``due`` says since when)."""
        self._set_state(message, State.VISIBLE)
        if self.fifo:
            self._offer(self._groups[message.group_id or ""])
        else:
            self._visible.append(message)

    def _schedule(self, message: Message, state: State, due: float) -> None:
        self._set_state(message, state)
        message.due = due
        timers = self._timers
        heapq.heappush(timers, (due, next(_EVENTS), message))
        if len(timers) > _SLACK and len(timers) > 2 * (
            self.counts[State.DELAYED] + self.counts[State.INFLIGHT]
        ):
            self._compact_timers()

    def remove(self, message: Message) -> None:
        """Take ``message`` out of the queue and free its body at once."""
        self._set_state(message, State.GONE)
        self.delivered.pop(message.serial, None)
        group = self._groups.get(message.group_id or "") if self.fifo else None
        message.release()
        if group is not None:
            self._offer(group)
        self._removed += 1
        if not self._removed % _SLACK:
            self._compact()

    # -- keeping the indexes small -----------------------------------------------------

    def _compact(self) -> None:
        """Rebuild the indexes that hold more stale entries than live ones (plus slack);
        checked every ``_SLACK`` removals, so each index holds at most twice its live
        entries plus twice the slack.
        """
        live = self.live_count
        if len(self._arrivals) + len(self._late) > 2 * live + _SLACK:
            self._arrivals = deque(m for m in self._arrivals if m.state is not State.GONE)
            self._late = [entry for entry in self._late if entry[2].state is not State.GONE]
            heapq.heapify(self._late)
        if len(self._visible) > 2 * self.counts[State.VISIBLE] + _SLACK:
            self._visible = deque(m for m in self._visible if m.state is State.VISIBLE)
        timers = len(self._timers)
        if timers > _SLACK and timers > 2 * (
            self.counts[State.DELAYED] + self.counts[State.INFLIGHT]
        ):
            self._compact_timers()

    def _compact_timers(self) -> None:
        self._timers = [
            entry
            for entry in self._timers
            if entry[2].due == entry[0] and entry[2].state in (State.DELAYED, State.INFLIGHT)
        ]
        heapq.heapify(self._timers)

    # -- FIFO groups -------------------------------------------------------------------

    def _offer(self, group: _Group) -> None:
        """Put ``group`` in the ready heap if its head can be delivered now, ordered by when
        that head became visible (the order AWS delivers groups in).
        """
        messages = group.messages
        while messages and messages[0].state is State.GONE:
            messages.popleft()
        if not messages:
            self._groups.pop(group.key, None)
            group.ready = group.head = None
            return
        head = messages[0]
        if head.state is not State.VISIBLE or (group.ready is not None and group.head is head):
            return
        event = next(_EVENTS)
        group.ready, group.head = event, head
        heapq.heappush(self._ready, (head.due, event, group))

    def _take_fifo(self, limit: int) -> list[Message]:
        taken: list[Message] = []
        ready = self._ready
        while len(taken) < limit and ready:
            _since, event, group = heapq.heappop(ready)
            if group.ready != event:
                continue
            group.ready = group.head = None
            if self._groups.get(group.key) is not group:
                continue
            for message in group.messages:
                if len(taken) >= limit:
                    break
                state = message.state
                if state is State.VISIBLE:
                    taken.append(message)
                elif state is not State.GONE:
                    break
        return taken

    def _take_standard(self, limit: int) -> list[Message]:
        taken: list[Message] = []
        visible = self._visible
        while len(taken) < limit and visible:
            message = visible.popleft()
            if message.state is State.VISIBLE:
                taken.append(message)
        return taken

    def take(self, limit: int) -> list[Message]:
        """Up to ``limit`` deliverable messages, in delivery order, still VISIBLE.

        The caller must deliver, move or ``make_visible`` each one at once (they are out of
        the delivery indexes until then).
        """
        return self._take_fifo(limit) if self.fifo else self._take_standard(limit)

    def deliver(self, message: Message, now: float, visibility: int) -> Received:
        """Make ``message`` in flight for ``visibility`` seconds with a new receipt handle."""
        if message.receive_count == 1:
            # Pin the first receive's time before ``received_at`` moves on.
            message.first_received_at = message.first_received_at
        message.receive_count += 1
        message.received_at = now
        self._schedule(message, State.INFLIGHT, now + visibility)
        self.delivered[message.serial] = message
        count = message.receive_count
        return Received(message, _encode_handle(self.uid, message.serial, count), count)

    # -- adding messages ---------------------------------------------------------------

    def accept(self, message: Message, now: float, delay: int, enqueued_at: float) -> None:
        """Add ``message`` (new or moved here), visible after ``delay`` seconds; retention
        counts from ``enqueued_at``.
        """
        message.state = State.GONE
        self.counts[State.GONE] += 1
        if self.fifo:
            key = message.group_id or ""
            group = self._groups.get(key)
            if group is None:
                group = self._groups[key] = _Group(key)
            group.messages.append(message)
        arrivals = self._arrivals
        if enqueued_at == message.sent_at and (not arrivals or arrivals[-1].sent_at <= enqueued_at):
            arrivals.append(message)
        else:
            heapq.heappush(self._late, (enqueued_at, next(_EVENTS), message))
        if delay > 0:
            self._schedule(message, State.DELAYED, now + delay)
        else:
            message.due = now
            self.make_visible(message)

    def next_sequence_number(self) -> int:
        """The next FIFO ``SequenceNumber`` (20 digits, increasing)."""
        return next(self._sequence)

    def deduplicated(self, group: str, dedup_id: str, now: float) -> tuple[str, int | None] | None:
        """``(message id, sequence number)`` of an earlier send with this dedup id within the
        window, or ``None``.
        """
        key = (group, dedup_id) if self.group_dedup else dedup_id
        entry = self._dedup.get(key)
        if entry is None or entry[0] <= now:
            return None
        return message_id(entry[1]), entry[2]

    def remember_dedup(
        self, group: str, dedup_id: str, now: float, serial: int, sequence: int | None
    ) -> None:
        """Start the 5-minute window of ``dedup_id`` (it outlives the message's deletion,
        not a PurgeQueue).
        """
        key = (group, dedup_id) if self.group_dedup else dedup_id
        expires = now + DEDUP_SECONDS
        self._dedup[key] = (expires, serial, sequence)
        self._dedup_expiry.append((expires, key))

    def attempt(self, attempt_id: str) -> list[Received] | None:
        """The answer given to an earlier receive with ``attempt_id``, if still valid: every
        message still in flight from the same receive.
        """
        found = self._attempts.get(attempt_id)
        if found is None:
            return None
        received = found[1]
        for item in received:
            message = item.message
            if message.state is not State.INFLIGHT or message.receive_count != item.count:
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
            raise _invalid_handle(handle)
        message = self.delivered.get(decoded[1])
        if message is not None and decoded[2] > message.receive_count:
            raise _invalid_handle(handle)
        return message, decoded[2]

    def delete(self, handle: str) -> None:
        """DeleteMessage: a standard queue takes any handle of the message (deleting one that
        is gone already succeeds); a FIFO queue only the handle of the current receive.
        """
        message, count = self.by_handle(handle)
        if message is None:
            return
        if self.fifo and (count != message.receive_count or message.state is not State.INFLIGHT):
            raise invalid_value("ReceiptHandle", handle, "The receipt handle has expired.")
        self.remove(message)

    def change_visibility(self, handle: str, timeout: int, now: float) -> None:
        """ChangeMessageVisibility. A standard queue takes any handle of a message that still
        exists (an earlier receive's too, as AWS does): the timeout applies to a message in
        flight, and a message already visible again stays so (AWS answers 200 there). A
        FIFO queue only takes the handle of the current, unexpired receive.
        """
        message, count = self.by_handle(handle)
        if message is None or (
            self.fifo and (count != message.receive_count or message.state is not State.INFLIGHT)
        ):
            raise invalid_value("ReceiptHandle", handle, _NOT_AVAILABLE)
        if message.state is not State.INFLIGHT:
            return
        if now + timeout - message.received_at > MAX_VISIBILITY:
            raise invalid_value(
                "VisibilityTimeout",
                timeout,
                f"Total VisibilityTimeout for the message is beyond the limit "
                f"[{MAX_VISIBILITY} seconds]",
            )
        self._schedule(message, State.INFLIGHT, now + timeout)

    def purge(self) -> list[Any]:
        """Drop every message, and the deduplication window, at once (O(1)); returns the old
        containers to free later.
        """
        old = [self.delivered, self._visible, self._groups, self._ready, self._timers]
        old += [self._arrivals, self._late, self._dedup, self._attempts]
        self._clear_messages()
        return old

    def _live(self) -> Iterable[Message]:
        for message in self._arrivals:
            if message.state is not State.GONE:
                yield message
        for _at, _event, message in self._late:
            if message.state is not State.GONE:
                yield message

    def head(self, limit: int) -> list[Message]:
        """Up to ``limit`` live messages, in arrival order (a peek for people, not a receive)."""
        return list(itertools.islice(self._live(), limit))

    def views(self, now: float) -> list[MessageView]:
        """Every live message, oldest first, as tests see it."""
        views = []
        for message in sorted(self._live(), key=lambda m: m.serial):
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


def _invalid_handle(handle: str) -> SqsError:
    return SqsError(
        "ReceiptHandleIsInvalid",
        f'The input receipt handle "{handle}" is not a valid receipt handle.',
    )


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
