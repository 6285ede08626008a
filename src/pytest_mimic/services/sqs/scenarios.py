"""SQS's known failures, as scenarios of the one fault engine. Each answer is an SQS error in
the protocol the client spoke (the service's ``error_response`` shapes it).
"""

from __future__ import annotations

from pytest_mimic.faults import FaultRule, Pass, Respond
from pytest_mimic.scenarios import Parameter, Scenario, Setup

_SENDS = "SendMessage|SendMessageBatch"


def _throttled(queue: str | None) -> Setup:
    answer = Respond(400, "Rate exceeded", fault="RequestThrottled")
    attributes = {} if queue is None else {"queue": queue}
    return Setup(
        rules=[FaultRule(action=answer, service="sqs", operation=_SENDS, attributes=attributes)]
    )


def _flaky(one_in: int) -> Setup:
    if one_in < 1:
        raise ValueError("scenario 'sqs.flaky_api': one_in must be at least 1")
    steps = [Respond(500, "We encountered an internal error."), *[Pass()] * (one_in - 1)]
    return Setup(rules=[FaultRule(sequence=steps, service="sqs")])


def _over_limit(queue: str | None) -> Setup:
    answer = Respond(403, "Too many messages in flight.", fault="OverLimit")
    attributes = {} if queue is None else {"queue": queue}
    rule = FaultRule(
        action=answer, service="sqs", operation="ReceiveMessage", attributes=attributes
    )
    return Setup(rules=[rule])


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
        "sqs.flaky_api",
        "SQS answers InternalError (500) to one request in N",
        _flaky,
        (Parameter("one_in", int, 3, "every Nth request fails"),),
    ),
)
