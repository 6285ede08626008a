"""SQS's known failures, as scenarios of the one fault engine. Each answer is an SQS error in
the protocol the client spoke (the service's ``error_response`` shapes it).
"""

from __future__ import annotations

from pytest_mimic.faults import Behave, FaultRule, OneIn, Pass, Respond
from pytest_mimic.scenarios import Parameter, Scenario, Setup

_SENDS = "SendMessage|SendMessageBatch"


def _throttled(queue: str | None) -> Setup:
    answer = Respond(400, "Rate exceeded", fault="RequestThrottled")
    attributes = {} if queue is None else {"queue": queue}
    return Setup(
        rules=[FaultRule(action=answer, service="sqs", operation=_SENDS, attributes=attributes)]
    )


def _flaky(one_in: int) -> Setup:
    answer = Respond(500, "We encountered an internal error.")
    return Setup(rules=[FaultRule(decide=OneIn(answer, one_in), service="sqs")])


def _over_limit(queue: str | None) -> Setup:
    answer = Respond(403, "Too many messages in flight.", fault="OverLimit")
    attributes = {} if queue is None else {"queue": queue}
    rule = FaultRule(
        action=answer, service="sqs", operation="ReceiveMessage", attributes=attributes
    )
    return Setup(rules=[rule])


def _on(queue: str | None) -> dict[str, str]:
    return {} if queue is None else {"queue": queue}


def _always_empty(queue: str | None) -> Setup:
    rule = FaultRule(
        action=Behave("empty"), service="sqs", operation="ReceiveMessage", attributes=_on(queue)
    )
    return Setup(rules=[rule])


def _short_visibility(queue: str | None, seconds: int) -> Setup:
    behave = Behave("visibility", {"seconds": seconds})
    rule = FaultRule(
        action=behave, service="sqs", operation="ReceiveMessage", attributes=_on(queue)
    )
    return Setup(rules=[rule])


def _to_dead_letters(queue: str | None) -> Setup:
    # The consumer's deletes fail and its messages come straight back, so each one is
    # received until the queue's RedrivePolicy moves it to the dead-letter queue.
    failing = Respond(400, "The receipt handle is not valid.", fault="ReceiptHandleIsInvalid")
    return Setup(
        rules=[
            FaultRule(
                action=failing,
                service="sqs",
                operation="DeleteMessage|DeleteMessageBatch",
                attributes=_on(queue),
            ),
            FaultRule(
                action=Behave("visibility", {"seconds": 0}),
                service="sqs",
                operation="ReceiveMessage",
                attributes=_on(queue),
            ),
        ]
    )


def _deleted_mid_run(queue: str, after: int) -> Setup:
    gone = Respond(
        400, "The specified queue does not exist for this wsdl version.", fault="QueueDoesNotExist"
    )
    on = {"queue": queue}
    return Setup(
        rules=[
            FaultRule(action=Pass(), service="sqs", attributes=on, times=after),
            FaultRule(action=gone, service="sqs", attributes=on),
        ]
    )


_QUEUE = Parameter("queue", str, None, "queue name (default: every queue)")

SCENARIOS = (
    Scenario(
        "sqs.throttled_sends",
        "sends answer RequestThrottled, as when a queue's send rate is exceeded",
        _throttled,
        (_QUEUE,),
    ),
    Scenario(
        "sqs.receive_over_limit",
        "receives answer OverLimit: too many messages in flight on the queue",
        _over_limit,
        (_QUEUE,),
    ),
    Scenario(
        "sqs.receive_always_empty",
        "every receive comes back empty, as for a consumer pointed at the wrong queue",
        _always_empty,
        (_QUEUE,),
    ),
    Scenario(
        "sqs.visibility_shorter_than_processing",
        "received messages become visible again after a few seconds, so another consumer "
        "gets them while the first is still working",
        _short_visibility,
        (
            _QUEUE,
            Parameter("seconds", int, 1, "visibility timeout forced on every receive", 0, 43_200),
        ),
    ),
    Scenario(
        "sqs.messages_land_in_dlq",
        "deletes fail and messages come straight back until the RedrivePolicy moves them "
        "to the dead-letter queue, as when every job crashes",
        _to_dead_letters,
        (_QUEUE,),
    ),
    Scenario(
        "sqs.queue_deleted_mid_run",
        "after a number of calls the queue no longer exists (QueueDoesNotExist)",
        _deleted_mid_run,
        (
            Parameter("queue", str, "jobs", "queue name"),
            Parameter("after", int, 3, "calls on the queue that still work"),
        ),
    ),
    Scenario(
        "sqs.flaky_api",
        "SQS answers InternalError (500) to one request in N",
        _flaky,
        (Parameter("one_in", int, 3, "every Nth request fails", 1),),
    ),
)
