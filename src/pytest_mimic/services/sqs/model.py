"""The state of a fake SQS: queues per account and region, their messages, move tasks.

Plain Python, no HTTP. Time comes only from the clock handed in, and every timed change is
applied when the next call reads a queue, so nothing runs in the background. ``Sqs`` is the
whole service; the parts it is made of each live in a module of their own:

- ``queue``: one queue and its messages (``Queue``, ``Message``, receipt handles), the
  structures that keep every message operation O(1) or O(log n);
- ``attributes``: queue attributes, their defaults and checks, the redrive policies;
- ``checks``: checks of client input (names, bodies, message attributes, tags) and limits;
- ``permissions``: AddPermission and RemovePermission on a queue's Policy;
- ``tasks``: message move tasks.

One lock guards every read and write: handlers run under the cloud's lock already, but a
test may peek at messages from its own thread.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING, Any

from pytest_mimic.services.sqs import attributes as _attributes
from pytest_mimic.services.sqs.checks import (
    LIST_LIMIT,
    MAX_BATCH,
    MAX_BATCH_BYTES,
    MAX_TAGS,
    check_fifo_id,
    check_message,
    check_queue_name,
    check_tag_keys,
    check_tags,
)
from pytest_mimic.services.sqs.errors import SqsError, invalid_attribute, invalid_value
from pytest_mimic.services.sqs.md5 import AttributeValue, attributes_md5, body_md5
from pytest_mimic.services.sqs.permissions import add_permission, remove_permission
from pytest_mimic.services.sqs.queue import (
    MAX_VISIBILITY,
    Details,
    Message,
    MessageView,
    Queue,
    Received,
    Scope,
    SendResult,
    SendSpec,
    State,
    next_queue_id,
    next_serial,
    parse_arn,
    topic_of,
)
from pytest_mimic.services.sqs.settings import DEFAULT_ACCOUNT
from pytest_mimic.services.sqs.tasks import MoveTask, MoveTasks

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

__all__ = [
    "DEFAULT_ACCOUNT",
    "LIST_LIMIT",
    "MAX_BATCH",
    "MAX_BATCH_BYTES",
    "MAX_VISIBILITY",
    "SENDER_ID",
    "SYSTEM_ATTRIBUTES",
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
    "parse_arn",
    "topic_of",
]

#: ``SenderId`` of every message (an IAM user id, as SQS reports for a user's key).
SENDER_ID = "AIDAIT2UOQQY3AUEKVGXU"
#: Message system attributes a receive may ask for, in the order SQS lists them.
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
#: Seconds after a DeleteQueue before the name can be reused, and between PurgeQueues.
COOLDOWN_SECONDS = 60.0


class Sqs:
    """Every queue of every scope, the recently deleted names, and move tasks."""

    def __init__(self, now: Callable[[], float], *, cooldowns: Callable[[], bool]) -> None:
        self.lock = threading.RLock()
        self._now = now
        self._cooldowns = cooldowns
        self._scopes: dict[Scope, dict[str, Queue]] = {}
        self._deleted: dict[tuple[Scope, str], float] = {}
        #: StartMessageMoveTask and the tasks it started.
        self.tasks = MoveTasks(self)

    def now(self) -> float:
        """Simulated now."""
        return self._now()

    def snapshot(self) -> Any:
        """The whole state, for a reset to hand to the reaper."""
        return (self._scopes, self._deleted, self.tasks.snapshot())

    # -- lookups -----------------------------------------------------------------------

    def queues(self, scope: Scope) -> dict[str, Queue]:
        """Queues of ``scope`` by name (created on first use)."""
        found = self._scopes.get(scope)
        if found is None:
            found = self._scopes[scope] = {}
        return found

    def queue(self, scope: Scope, name: str) -> Queue:
        """The queue called ``name``, settled to now, or ``QueueDoesNotExist``."""
        queue = self.existing(scope, name)
        if queue is None:
            raise SqsError("QueueDoesNotExist", "The specified queue does not exist.")
        self.settle(queue)
        return queue

    def existing(self, scope: Scope, name: str) -> Queue | None:
        """The queue called ``name`` if there is one (not settled)."""
        return self._scopes.get(scope, {}).get(name)

    def by_arn(self, arn: str) -> Queue | None:
        """The queue an ARN names, if it exists."""
        parsed = parse_arn(arn)
        if parsed is None:
            return None
        return self.existing(*parsed)

    def settle(self, queue: Queue) -> None:
        """Bring ``queue`` to now: timers, retention, and running move tasks."""
        now = self._now()
        if self.tasks.running:
            self.tasks.advance(now)
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
        fifo = name.endswith(".fifo")
        if fifo_flag is not None and not fifo:
            # Whatever its value: a queue whose name lacks .fifo has no such attribute.
            raise SqsError("InvalidAttributeName", "Unknown Attribute FifoQueue.")
        check_queue_name(name, fifo)
        if fifo_flag is not None and fifo_flag.lower() not in ("true", "false"):
            raise invalid_attribute("FifoQueue")
        if name.endswith(".fifo") and (fifo_flag or "").lower() != "true":
            raise SqsError(
                "InvalidParameterValue",
                "Can only include alphanumeric characters, hyphens, or underscores. "
                "1 to 80 in length",
            )
        settings = self._validate(scope, name, attributes, fifo=fifo, creating=True)
        if not fifo:
            settings.pop("FifoQueue", None)
        check_tags(tags, name)
        queues = self.queues(scope)
        now = self._now()
        existing = queues.get(name)
        if existing is not None:
            differs = _attributes.conflicting_attribute(existing.settings, settings)
            if differs is not None:
                raise SqsError(
                    "QueueNameExists",
                    "A queue already exists with the same name and a different value "
                    f"for attribute {differs}",
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
        full = _attributes.initial_settings(settings, fifo=fifo)
        queue = Queue(next_queue_id(), scope, name, full, dict(tags), now)
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

    # -- attributes, tags and permissions ----------------------------------------------

    def _validate(
        self,
        scope: Scope,
        name: str,
        attributes: Mapping[str, str],
        *,
        fifo: bool,
        creating: bool,
    ) -> dict[str, str]:
        return _attributes.validate(
            scope, name, attributes, fifo=fifo, creating=creating, find_queue=self.by_arn
        )

    def set_attributes(self, queue: Queue, attributes: Mapping[str, str]) -> None:
        """SetQueueAttributes. ``FifoQueue`` is unknown on a standard queue; a FIFO queue
        takes ``true`` again (as AWS does) but never another queue type.
        """
        if "FifoQueue" in attributes:
            if not queue.fifo:
                raise SqsError("InvalidAttributeName", "Unknown Attribute FifoQueue.")
            if str(attributes["FifoQueue"]).lower() != "true":
                raise SqsError(
                    "InvalidAttributeValue",
                    "Invalid value for the parameter FifoQueue. Reason: Modifying queue type "
                    "is not supported.",
                )
            attributes = {k: v for k, v in attributes.items() if k != "FifoQueue"}
        settings = self._validate(
            queue.scope, queue.name, attributes, fifo=queue.fifo, creating=False
        )
        _attributes.apply_update(queue.settings, settings)
        queue.modified_at = self._now()
        queue.apply_settings()

    def get_attributes(self, queue: Queue, names: Iterable[str]) -> dict[str, str]:
        """GetQueueAttributes: ``All`` or the names asked for that the queue has."""
        return _attributes.shown_attributes(queue, names)

    def tag(self, queue: Queue, tags: Mapping[str, str]) -> None:
        """TagQueue (at most 50 tags in all; a failed call changes none)."""
        if not tags:
            raise SqsError("MissingParameter", "The request must contain the parameter Tags.")
        check_tags(tags, queue.name)
        merged = {**queue.tags, **tags}
        if len(merged) > MAX_TAGS:
            raise SqsError("InvalidParameterValue", f"Too many tags added for queue {queue.name}.")
        queue.tags = merged

    def untag(self, queue: Queue, keys: list[str]) -> None:
        """UntagQueue (keys it does not have are ignored)."""
        check_tag_keys(keys)
        for key in keys:
            queue.tags.pop(key, None)

    def add_permission(
        self, queue: Queue, label: str, accounts: list[str], actions: list[str]
    ) -> None:
        """AddPermission: a statement in the queue's Policy."""
        add_permission(queue, label, accounts, actions)

    def remove_permission(self, queue: Queue, label: str) -> None:
        """RemovePermission by label."""
        remove_permission(queue, label)

    # -- messages ----------------------------------------------------------------------

    def check_fifo_batch(self, queue: Queue, specs: Iterable[SendSpec]) -> None:
        """A SendMessageBatch to a FIFO queue fails as a whole when an entry lacks its group
        id, or its deduplication id on a queue without content-based deduplication.
        """
        if not queue.fifo:
            return
        for spec in specs:
            if spec.group_id is None:
                raise SqsError(
                    "InvalidParameterValue",
                    "The request must contain the parameter MessageGroupId.",
                )
            if spec.dedup_id is None and not queue.content_dedup:
                raise SqsError(
                    "InvalidParameterValue",
                    "The queue should either have ContentBasedDeduplication enabled or "
                    "MessageDeduplicationId provided explicitly",
                )

    def send(
        self,
        queue: Queue,
        spec: SendSpec,
        *,
        batch: bool = False,
        trace_header: str | None = None,
    ) -> SendResult:
        """SendMessage (and each SendMessageBatch entry, ``batch``). ``trace_header``: the
        request's ``X-Amzn-Trace-Id``, kept as the ``AWSTraceHeader`` system attribute when
        the message does not name one (it is not part of ``MD5OfMessageSystemAttributes``).
        """
        body = check_message(spec, queue.max_size, batch=batch)
        delay = spec.delay
        now = self._now()
        group = spec.group_id
        dedup = spec.dedup_id
        sequence: int | None = None
        md5_body = body_md5(body)
        md5_attributes = attributes_md5(spec.attributes)
        md5_system = attributes_md5(spec.system_attributes)
        if queue.fifo:
            if group is None:
                raise SqsError(
                    "MissingParameter", "The request must contain the parameter MessageGroupId."
                )
            if delay is not None and delay != 0:
                raise invalid_value(
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
                check_fifo_id("MessageDeduplicationId", dedup)
            earlier = queue.deduplicated(group, dedup, now)
            if earlier is not None:
                return SendResult(
                    earlier[0], md5_body, md5_attributes, md5_system, _sequence_text(earlier[1])
                )
            sequence = queue.next_sequence_number()
            delay = queue.delay
        else:
            if dedup is not None:
                raise invalid_value(
                    "MessageDeduplicationId",
                    dedup,
                    "The request includes a parameter that is not valid for this queue type.",
                )
            if delay is None:
                delay = queue.delay
        system_attributes = spec.system_attributes
        if trace_header and "AWSTraceHeader" not in system_attributes:
            system_attributes = {
                **system_attributes,
                "AWSTraceHeader": AttributeValue("String", trace_header),
            }
        serial = next_serial()
        details = Details(
            spec.attributes, system_attributes, group, dedup, sequence, given_id=spec.message_id
        )
        message = Message(serial, body, now, details)
        queue.accept(message, now, delay, now)
        if queue.fifo and group is not None and dedup is not None:
            queue.remember_dedup(group, dedup, now, serial, sequence)
        return SendResult(
            message.message_id, md5_body, md5_attributes, md5_system, _sequence_text(sequence)
        )

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
                    self.move(queue, message, dlq, now, keep_count=True)
                else:
                    received.append(queue.deliver(message, now, timeout))
        if attempt_id is not None and queue.fifo and received:
            queue.remember_attempt(attempt_id, now, received)
        return received

    def move(
        self, source: Queue, message: Message, target: Queue, now: float, *, keep_count: bool
    ) -> None:
        """Move a message to another queue (dead-lettering, or a move task back): a new
        record there with the same message id; the old one is freed.
        """
        target.settle(now)
        details = message.details
        moved = Message(
            next_serial(),
            message.body,
            message.sent_at,
            Details(
                message.attributes,
                message.system_attributes,
                message.group_id,
                message.dedup_id,
                target.next_sequence_number() if target.fifo else None,
                source.arn if keep_count else None,
                details.origin if details is not None and details.origin else message.serial,
            ),
        )
        if keep_count:
            moved.receive_count = message.receive_count
            moved.first_received_at = message.first_received_at
        source.remove(message)
        # A standard queue keeps the original enqueue time for retention; FIFO restarts it.
        enqueued = now if target.fifo else message.sent_at
        target.accept(moved, now, 0, enqueued)

    # -- move tasks --------------------------------------------------------------------

    def start_move_task(
        self, source_arn: str, destination_arn: str | None, rate: int | None
    ) -> MoveTask:
        """StartMessageMoveTask from a dead-letter queue."""
        return self.tasks.start(source_arn, destination_arn, rate)

    def cancel_move_task(self, handle: str) -> MoveTask:
        """CancelMessageMoveTask of a running task."""
        return self.tasks.cancel(handle)

    def list_move_tasks(self, source_arn: str, limit: int) -> list[MoveTask]:
        """ListMessageMoveTasks: the most recent first."""
        return self.tasks.recent(source_arn, limit)


def _sequence_text(sequence: int | None) -> str | None:
    return None if sequence is None else str(sequence)
