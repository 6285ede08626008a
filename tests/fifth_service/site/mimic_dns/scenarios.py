"""The DNS service's known failures, as scenarios of the one fault engine."""

from __future__ import annotations

from pytest_mimic.faults import FaultRule, Respond
from pytest_mimic.scenarios import Parameter, Scenario, Setup

__all__ = ["SCENARIOS"]


def _outage(times: int | None) -> Setup:
    outage = Respond(503, "DNS is temporarily unavailable.")
    return Setup(rules=[FaultRule(action=outage, service="dns", times=times)])


SCENARIOS = (
    Scenario(
        "dns.outage",
        "every DNS call answers 503, as during a provider outage",
        _outage,
        (Parameter("times", int, None, "how many calls (default: all)"),),
    ),
)
