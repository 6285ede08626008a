"""AddPermission and RemovePermission: statements in a queue's ``Policy`` attribute, by label.

Nothing checks the policy when messages are sent or received; it is kept and shown as SQS
keeps and shows it.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from pytest_mimic.services.sqs.attributes import compact_json
from pytest_mimic.services.sqs.errors import SqsError, invalid_value
from pytest_mimic.services.sqs.operations import OPERATIONS

if TYPE_CHECKING:
    from pytest_mimic.services.sqs.queue import Queue

__all__ = ["add_permission", "remove_permission"]

#: Most actions one AddPermission may grant.
MAX_ACTIONS = 7
_LABEL = re.compile(r"[A-Za-z0-9_-]{1,80}")
_ACTIONS = frozenset(
    {
        "*",
        "SendMessage",
        "ReceiveMessage",
        "DeleteMessage",
        "ChangeMessageVisibility",
        "GetQueueAttributes",
        "GetQueueUrl",
        "ListDeadLetterSourceQueues",
        "PurgeQueue",
        "ListQueueTags",
    }
)


def add_permission(queue: Queue, label: str, accounts: list[str], actions: list[str]) -> None:
    """AddPermission: a statement labelled ``label`` in the queue's Policy."""
    if not _LABEL.fullmatch(label):
        raise invalid_value(
            "Label",
            label,
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        )
    if not accounts:
        raise SqsError("MissingParameter", "The request must contain the parameter AWSAccountIds.")
    if not actions:
        raise SqsError("MissingParameter", "The request must contain the parameter Actions.")
    if len(actions) > MAX_ACTIONS:
        raise SqsError(
            "OverLimit", f"{len(actions)} Actions were found, maximum allowed is {MAX_ACTIONS}."
        )
    for action in actions:
        if action not in _ACTIONS:
            # SQS quotes the action as a policy names it, with the ``SQS:`` prefix.
            reason = (
                "Only the queue owner is allowed to invoke this action."
                if action in OPERATIONS
                else "Please refer to the appropriate WSDL for a list of valid actions."
            )
            raise invalid_value("ActionName", f"SQS:{action}", reason)
    # The policy document AddPermission writes has the 2008-10-17 policy language version,
    # as recorded from SQS (a Policy a client sets keeps its own).
    policy = json.loads(queue.settings.get("Policy") or "null") or {
        "Version": "2008-10-17",
        "Id": f"{queue.arn}/SQSDefaultPolicy",
        "Statement": [],
    }
    statements = policy.get("Statement", [])
    if not isinstance(statements, list):
        statements = [statements]
    policy["Statement"] = statements
    if any(isinstance(s, dict) and s.get("Sid") == label for s in statements):
        raise invalid_value("Label", label, "Already exists.")
    principals = [f"arn:aws:iam::{account}:root" for account in accounts]
    granted = [f"SQS:{action}" for action in actions]
    statements.append(
        {
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
            "Action": granted if len(granted) > 1 else granted[0],
            "Resource": queue.arn,
        }
    )
    queue.settings["Policy"] = compact_json(policy)


def remove_permission(queue: Queue, label: str) -> None:
    """RemovePermission: drop the statement labelled ``label`` (the Policy with its last)."""
    policy = json.loads(queue.settings.get("Policy") or "null")
    statements = policy.get("Statement", []) if isinstance(policy, dict) else []
    if not isinstance(statements, list):
        statements = [statements]
    kept = [s for s in statements if not (isinstance(s, dict) and s.get("Sid") == label)]
    if len(kept) == len(statements):
        raise invalid_value("Label", label, "can't find label.")
    if kept:
        policy["Statement"] = kept
        queue.settings["Policy"] = compact_json(policy)
    else:
        queue.settings.pop("Policy", None)
