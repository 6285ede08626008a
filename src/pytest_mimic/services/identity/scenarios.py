"""Identity's known failures, as scenarios of the one fault engine."""

from __future__ import annotations

from pytest_mimic.faults import FaultRule, Respond
from pytest_mimic.scenarios import Parameter, Scenario, Setup

_LOGINS = "authenticate|authenticate_v3"


def _auth_down() -> Setup:
    message = "Service Unavailable: the identity service is down for maintenance."
    return Setup(rules=[FaultRule(action=Respond(503, message), service="identity")])


def _token_expires(after: float) -> Setup:
    return Setup(settings={"token_lifetime": after})


def _rate_limited(retry_after: int) -> Setup:
    answer = Respond(
        413,
        f"Rate limit exceeded: retry after {retry_after} seconds.",
        fault="overLimit",
        headers={"Retry-After": str(retry_after)},
    )
    return Setup(rules=[FaultRule(action=answer, service="identity", operation=_LOGINS)])


def _wrong_region(region: str) -> Setup:
    return Setup(settings={"regions": (region,)})


SCENARIOS = (
    Scenario(
        "identity.auth_down",
        "Identity answers 503 to everything: an outage of the auth service",
        _auth_down,
    ),
    Scenario(
        "identity.token_expires_mid_run",
        "tokens expire soon after they are issued, as during a long job (move the clock)",
        _token_expires,
        (Parameter("after", float, 60.0, "token lifetime in seconds"),),
    ),
    Scenario(
        "identity.rate_limited",
        "logins get 413 overLimit with Retry-After, as Rackspace's rate limiter answers",
        _rate_limited,
        (Parameter("retry_after", int, 5, "seconds in Retry-After"),),
    ),
    Scenario(
        "identity.wrong_region",
        "the catalog lists only another region, so the client finds no endpoint for its own",
        _wrong_region,
        (Parameter("region", str, "SYD", "the only region listed"),),
    ),
)
