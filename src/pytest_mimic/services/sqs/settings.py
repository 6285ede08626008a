"""Amazon SQS's settings and the client environment it declares."""

from __future__ import annotations

from pytest_mimic.settings import Setting

__all__ = ["ACCOUNT", "CONFLICTING_ENVIRONMENT", "COOLDOWNS", "DEFAULT_ACCOUNT", "SETTINGS"]

#: The account moto uses and moto's users expect.
DEFAULT_ACCOUNT = "123456789012"

ACCOUNT = Setting[str](
    "sqs_account",
    "text",
    DEFAULT_ACCOUNT,
    "the 12-digit AWS account id queues belong to",
    pattern=r"[0-9]{12}",
)
COOLDOWNS = Setting[bool](
    "sqs_cooldowns",
    "bool",
    True,
    "the 60-second waits after DeleteQueue and between PurgeQueues, timed by the clock",
)
SETTINGS = (ACCOUNT, COOLDOWNS)

#: Variables in a user's environment that would send AWS clients elsewhere.
CONFLICTING_ENVIRONMENT = ("AWS_PROFILE", "AWS_SESSION_TOKEN")
