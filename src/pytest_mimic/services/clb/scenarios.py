"""Cloud Load Balancers' known failures, as scenarios of the one fault engine (the ``Behave``
names are those the service understands: ``build``, ``pending_update``, ``pending_delete``,
``error``).

The autoscaling race comes first: a load balancer locked in PENDING_UPDATE after each change,
so a second change in quick succession gets 422 until the clock moves.
"""

from __future__ import annotations

from pytest_mimic.faults import Behave, FaultRule, OneIn, Respond
from pytest_mimic.scenarios import Parameter, Scenario, Setup
from pytest_mimic.services.clb.presets import NODE_CHANGES

__all__ = ["BEHAVIOR_PARAMETERS", "SCENARIOS"]

_DURATION = Parameter("duration", float, 10.0, "seconds in the status")

#: The parameters of the ``Behave`` names CLB understands (``CLBService.behaviors``).
BEHAVIOR_PARAMETERS = {
    "build": (_DURATION,),
    "pending_update": (_DURATION,),
    "pending_delete": (
        _DURATION,
        Parameter("by_id", dict, None, "seconds per load balancer id, for a bulk delete"),
    ),
    "error": (),
}

#: "Forever" for a test: ten years of simulated time.
_FOREVER = 10 * 365 * 24 * 3600.0
_NODE_CHANGES = "|".join(NODE_CHANGES)


def _slow_updates(seconds: float) -> Setup:
    return Setup(settings={"clb_update_seconds": seconds})


def _slow_build(seconds: float) -> Setup:
    return Setup(settings={"clb_build_seconds": seconds})


def _stuck_in_build() -> Setup:
    build = Behave("build", {"duration": _FOREVER})
    return Setup(rules=[FaultRule(action=build, service="clb", operation="create_load_balancer")])


def _errors_on_node_change() -> Setup:
    return Setup(rules=[FaultRule(action=Behave("error"), service="clb", operation=_NODE_CHANGES)])


def _rate_limited(retry_after: int, times: int | None) -> Setup:
    action = Respond(413, fault="overLimit", headers={"Retry-After": str(retry_after)})
    return Setup(rules=[FaultRule(action=action, service="clb", times=times)])


def _create_fails(status: int, times: int | None) -> Setup:
    rule = FaultRule(
        action=Respond(status), service="clb", operation="create_load_balancer", times=times
    )
    return Setup(rules=[rule])


def _flaky(one_in: int) -> Setup:
    return Setup(rules=[FaultRule(decide=OneIn(Respond(503), one_in), service="clb")])


SCENARIOS = (
    Scenario(
        "clb.slow_updates",
        "every change leaves the load balancer in PENDING_UPDATE for a while; another change "
        "meanwhile gets 422 immutable (the autoscaling race; move time with time_travel)",
        _slow_updates,
        (Parameter("seconds", float, 30.0, "seconds in PENDING_UPDATE after each change"),),
    ),
    Scenario(
        "clb.slow_build",
        "new load balancers stay in BUILD for a while (simulated time: use time_travel)",
        _slow_build,
        (Parameter("seconds", float, 300.0, "seconds in BUILD"),),
    ),
    Scenario(
        "clb.stuck_in_build",
        "new load balancers never leave BUILD",
        _stuck_in_build,
    ),
    Scenario(
        "clb.error_on_node_change",
        "adding or removing a node leaves the load balancer in ERROR, where only a delete works",
        _errors_on_node_change,
    ),
    Scenario(
        "clb.rate_limited",
        "the API front answers 413 overLimit with Retry-After, as under Rackspace's rate limits",
        _rate_limited,
        (
            Parameter("retry_after", int, 5, "seconds in Retry-After"),
            Parameter("times", int, None, "how many requests are limited (default: all)"),
        ),
    ),
    Scenario(
        "clb.create_fails",
        "creating a load balancer answers an error (500 by default); nothing is created",
        _create_fails,
        (
            Parameter("status", int, 500, "HTTP status", 400, 599),
            Parameter("times", int, None, "how many creates fail (default: all)"),
        ),
    ),
    Scenario(
        "clb.flaky_api",
        "the load balancer API answers 503 to one request in N",
        _flaky,
        (Parameter("one_in", int, 3, "every Nth request fails", 1),),
    ),
)
