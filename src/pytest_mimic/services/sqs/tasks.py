"""Message move tasks: StartMessageMoveTask, CancelMessageMoveTask, ListMessageMoveTasks.

A task moves a dead-letter queue's messages back to where they came from (or to a chosen
queue), at a rate per simulated second. Like every timed change, its progress is computed
when the state is next read (``advance``), never by a thread.
"""

from __future__ import annotations

import base64
import math
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_mimic.services.sqs.attributes import compact_json
from pytest_mimic.services.sqs.errors import SqsError, invalid_value
from pytest_mimic.services.sqs.queue import parse_arn

if TYPE_CHECKING:
    from pytest_mimic.services.sqs.model import Sqs
    from pytest_mimic.services.sqs.queue import Scope

__all__ = ["TASKS_KEPT", "MoveTask", "MoveTasks"]

#: Move tasks remembered per source queue (``ListMessageMoveTasks`` shows at most 10).
TASKS_KEPT = 10
#: ``FailureReason`` of a task whose source or destination queue is gone.
_GONE = "AWS.SimpleQueueService.NonExistentQueue"


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


class MoveTasks:
    """The move tasks of one ``Sqs``: the recent ones per source queue, and those running."""

    def __init__(self, sqs: Sqs) -> None:
        self._sqs = sqs
        self._recent: dict[str, list[MoveTask]] = {}
        #: Tasks still moving messages (``Sqs.settle`` advances them first).
        self.running: list[MoveTask] = []

    def snapshot(self) -> tuple[dict[str, list[MoveTask]], list[MoveTask]]:
        """Every task, for a reset to hand to the reaper."""
        return self._recent, self.running

    def start(self, source_arn: str, destination_arn: str | None, rate: int | None) -> MoveTask:
        """StartMessageMoveTask from a dead-letter queue."""
        sqs = self._sqs
        parsed = parse_arn(source_arn)
        source = sqs.by_arn(source_arn)
        if source is None or parsed is None:
            raise SqsError(
                "ResourceNotFoundException",
                "The resource that you specified for the SourceArn parameter doesn't exist.",
            )
        sqs.settle(source)
        if not sqs.dead_letter_sources(source):
            raise invalid_value(
                "SourceArn", source_arn, "Source queue must be configured as a Dead Letter Queue."
            )
        if destination_arn is not None and sqs.by_arn(destination_arn) is None:
            raise SqsError(
                "ResourceNotFoundException",
                "The resource that you specified for the DestinationArn parameter doesn't exist.",
            )
        if rate is not None and not 1 <= rate <= 500:
            raise invalid_value("MaxNumberOfMessagesPerSecond", rate, "Must be between 1 and 500.")
        if any(task.source_arn == source.arn for task in self.running):
            raise invalid_value(
                "SourceArn",
                source_arn,
                "There is already a task running. Only one active task is allowed for a "
                "source queue arn at a given time.",
            )
        payload = compact_json({"taskId": str(uuid.uuid4()), "sourceArn": source.arn})
        task = MoveTask(
            handle=base64.b64encode(payload.encode()).decode(),
            source=parsed[0],
            source_name=source.name,
            source_arn=source.arn,
            destination_arn=destination_arn,
            rate=rate,
            started_at=sqs.now(),
            to_move=source.visible_count,
        )
        kept = self._recent.setdefault(source.arn, [])
        kept.insert(0, task)
        del kept[TASKS_KEPT:]
        self.running.append(task)
        self.advance(sqs.now())
        return task

    def advance(self, now: float) -> None:
        """Move what every running task has moved by ``now``."""
        for task in list(self.running):
            self._advance(task, now)
            if task.status != "RUNNING":
                self.running.remove(task)

    def _advance(self, task: MoveTask, now: float) -> None:
        sqs = self._sqs
        source = sqs.existing(task.source, task.source_name)
        if source is None:
            task.status, task.failure = "FAILED", _GONE
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
            destination = sqs.by_arn(arn) if arn else None
            if destination is None:
                # Put it back where it was: the task fails on a message it cannot place.
                source.make_visible(message)
                task.status, task.failure = "FAILED", _GONE
                return
            sqs.move(source, message, destination, now, keep_count=False)
            task.moved += 1
        if task.moved >= task.to_move:
            task.status = "COMPLETED"

    def cancel(self, handle: str) -> MoveTask:
        """CancelMessageMoveTask of a running task."""
        if self.running:
            self.advance(self._sqs.now())
        for task in self.running:
            if task.handle == handle:
                task.status = "CANCELLED"
                self.running.remove(task)
                return task
        raise SqsError("ResourceNotFoundException", "Task does not exist.")

    def recent(self, source_arn: str, limit: int) -> list[MoveTask]:
        """ListMessageMoveTasks: the most recent first."""
        source = self._sqs.by_arn(source_arn)
        if source is None:
            raise SqsError(
                "ResourceNotFoundException",
                "The resource that you specified for the SourceArn parameter doesn't exist.",
            )
        if self.running:
            self.advance(self._sqs.now())
        return self._recent.get(source.arn, [])[:limit]
