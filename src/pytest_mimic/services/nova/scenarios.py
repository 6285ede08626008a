"""Nova's known failures, as scenarios of the one fault engine (see ``presets`` for the
``Behave`` names the service understands).
"""

from __future__ import annotations

from pytest_mimic.faults import Behave, FaultRule, OneIn, Respond
from pytest_mimic.scenarios import Parameter, Scenario, Setup

#: The parameters of the ``Behave`` names Nova understands (``NovaService.behaviors``).
BEHAVIOR_PARAMETERS = {
    "build": (Parameter("duration", float, 0.0, "seconds in BUILD"),),
    "error": (),
    "active-then-error": (Parameter("duration", float, 0.0, "seconds until ERROR"),),
    "false-negative": (
        Parameter("code", int, 500, "HTTP status of the answer", 400, 599),
        Parameter("message", str, None, "the error message"),
        Parameter("type", str, None, "the fault name, or 'string' for a text body"),
    ),
}

#: "Forever" for a test: ten years of simulated time.
_FOREVER = 10 * 365 * 24 * 3600.0
_QUOTA_MESSAGE = "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"


def _create(action: Behave | Respond, times: int | None = None) -> FaultRule:
    return FaultRule(action=action, service="nova", operation="create_server", times=times)


def _create_fails(status: int, times: int | None) -> Setup:
    return Setup(rules=[_create(Respond(status), times)])


def _goes_to_error() -> Setup:
    return Setup(rules=[_create(Behave("error"))])


def _stuck_in_build() -> Setup:
    return Setup(rules=[_create(Behave("build", {"duration": _FOREVER}))])


def _slow_build(seconds: float) -> Setup:
    return Setup(settings={"server_build_seconds": seconds})


def _delete_fails(times: int, status: int) -> Setup:
    rule = FaultRule(action=Respond(status), service="nova", operation="delete_server", times=times)
    return Setup(rules=[rule])


def _quota_exceeded() -> Setup:
    return Setup(rules=[_create(Respond(403, _QUOTA_MESSAGE, fault="forbidden"))])


def _active_then_error(seconds: float) -> Setup:
    return Setup(rules=[_create(Behave("active-then-error", {"duration": seconds}))])


def _flaky(one_in: int) -> Setup:
    return Setup(rules=[FaultRule(decide=OneIn(Respond(503), one_in), service="nova")])


SCENARIOS = (
    Scenario(
        "nova.create_fails",
        "server create answers an error (500 computeFault by default); nothing is created",
        _create_fails,
        (
            Parameter("status", int, 500, "HTTP status", 400, 599),
            Parameter("times", int, None, "how many creates fail (default: all)"),
        ),
    ),
    Scenario(
        "nova.server_goes_to_error",
        "new servers are created in ERROR, as when the hypervisor cannot place them",
        _goes_to_error,
    ),
    Scenario(
        "nova.server_stuck_in_build",
        "new servers never leave BUILD, as when a build hangs on the host",
        _stuck_in_build,
    ),
    Scenario(
        "nova.slow_build",
        "new servers stay in BUILD for a while (simulated time: use time_travel)",
        _slow_build,
        (Parameter("seconds", float, 600.0, "seconds in BUILD"),),
    ),
    Scenario(
        "nova.delete_fails",
        "deleting a server fails a few times before it works, as under a busy cell",
        _delete_fails,
        (
            Parameter("times", int, 3, "how many deletes fail"),
            Parameter("status", int, 500, "HTTP status of each failure", 400, 599),
        ),
    ),
    Scenario(
        "nova.quota_exceeded",
        "server create answers 403 'Quota exceeded for instances'",
        _quota_exceeded,
    ),
    Scenario(
        "nova.active_then_error",
        "new servers become ACTIVE, then go to ERROR later (a host failure)",
        _active_then_error,
        (Parameter("seconds", float, 60.0, "seconds until ERROR"),),
    ),
    Scenario(
        "nova.flaky_api",
        "the compute API answers 503 to one request in N",
        _flaky,
        (Parameter("one_in", int, 3, "every Nth request fails", 1),),
    ),
)
