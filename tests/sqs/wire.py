"""One SQS call through either wire protocol, so a test can check the same AWS answer twice.

``Wire("json", url)`` calls boto3 (botocore's own parameter validation off, so bad input
reaches the fake as a client could send it); ``Wire("query", url)`` flattens the same
parameters as botocore's query serializer did (``Attribute.1.Name``, ``Entries=`` for an
empty list, nothing for an empty map) and sends a signed form. Answers come back as
``Answer``: status, error code and message, and the parsed body.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.sqs.conftest import NS, QueryClient

_LISTS = {
    "AttributeNames": "AttributeName",
    "MessageAttributeNames": "MessageAttributeName",
    "MessageSystemAttributeNames": "MessageSystemAttributeName",
    "TagKeys": "TagKey",
    "AWSAccountIds": "AWSAccountId",
    "Actions": "ActionName",
}
_MAPS = {
    "Attributes": ("Attribute", "Name", "Value"),
    "Tags": ("Tag", "Key", "Value"),
    "tags": ("Tag", "Key", "Value"),
    "MessageAttributes": ("MessageAttribute", "Name", "Value"),
    "MessageSystemAttributes": ("MessageSystemAttribute", "Name", "Value"),
}
_ENTRIES = {
    "SendMessageBatch": "SendMessageBatchRequestEntry",
    "DeleteMessageBatch": "DeleteMessageBatchRequestEntry",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibilityBatchRequestEntry",
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return str(value)


def flatten(action: str, params: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """The query-protocol fields of a JSON-shaped request."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, list):
            if not value:
                out[prefix + key] = ""  # botocore sends an empty list as ``Member=``
                continue
            name = _ENTRIES[action] if key == "Entries" else _LISTS[key]
            for index, item in enumerate(value, 1):
                where = f"{prefix}{name}.{index}"
                if isinstance(item, dict):
                    out.update(flatten(action, item, where + "."))
                else:
                    out[where] = _text(item)
        elif isinstance(value, dict):
            name, key_name, value_name = _MAPS[key]
            for index, (item_key, item) in enumerate(value.items(), 1):
                where = f"{prefix}{name}.{index}"
                out[f"{where}.{key_name}"] = item_key
                if isinstance(item, dict):
                    for field, field_value in item.items():
                        out[f"{where}.{value_name}.{field}"] = _text(field_value)
                else:
                    out[f"{where}.{value_name}"] = _text(item)
        else:
            out[prefix + key] = _text(value)
    return out


@dataclass
class Answer:
    """What came back: the HTTP status, the error's legacy code and message (empty on
    success), and the body (boto3's dict, or the ``QueryAnswer``).
    """

    status: int
    code: str
    message: str
    body: Any


class Wire:
    """Calls in one protocol (``json`` or ``query``) against the fake's SQS URL."""

    def __init__(self, protocol: str, url: str) -> None:
        self.protocol = protocol
        self.url = url
        self.unvalidated = boto3.client(
            "sqs",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
        )
        self.query = QueryClient(url)

    def __call__(self, action: str, **params: Any) -> Answer:
        if self.protocol == "json":
            method = getattr(self.unvalidated, _snake(action))
            try:
                body = method(**params)
            except ClientError as error:
                response = error.response
                return Answer(
                    response["ResponseMetadata"]["HTTPStatusCode"],
                    response["Error"]["Code"],
                    response["Error"]["Message"],
                    response,
                )
            return Answer(200, "", "", body)
        answer = self.query(action, **flatten(action, params))
        if answer.status >= 400:
            return Answer(answer.status, answer.code, answer.one("Message"), answer)
        return Answer(answer.status, "", "", answer)

    def ok(self, action: str, **params: Any) -> Answer:
        """A call that must succeed."""
        answer = self(action, **params)
        assert answer.status == 200, (answer.code, answer.message)
        return answer

    # -- reading answers the same way in both protocols --------------------------------

    def queue_url(self, name: str, **params: Any) -> str:
        """CreateQueue's QueueUrl."""
        answer = self.ok("CreateQueue", QueueName=name, **params)
        if self.protocol == "json":
            return str(answer.body["QueueUrl"])
        return str(answer.body.one("QueueUrl"))

    def messages(self, answer: Answer) -> list[dict[str, Any]]:
        """A ReceiveMessage's messages: body, system attributes, message attribute names."""
        if self.protocol == "json":
            return [
                {
                    "Body": m["Body"],
                    "Attributes": m.get("Attributes", {}),
                    "MessageAttributes": sorted(m.get("MessageAttributes", {})),
                }
                for m in answer.body.get("Messages", [])
            ]
        found = []
        for m in answer.body.elements("Message"):
            found.append(
                {
                    "Body": m.find(NS + "Body").text,
                    "Attributes": {
                        a.find(NS + "Name").text: a.find(NS + "Value").text
                        for a in m.findall(NS + "Attribute")
                    },
                    "MessageAttributes": sorted(
                        a.find(NS + "Name").text for a in m.findall(NS + "MessageAttribute")
                    ),
                }
            )
        return found

    def attributes(self, answer: Answer) -> dict[str, str]:
        """GetQueueAttributes' attributes."""
        if self.protocol == "json":
            return dict(answer.body.get("Attributes", {}))
        return {
            a.find(NS + "Name").text: a.find(NS + "Value").text or ""
            for a in answer.body.elements("Attribute")
        }

    def tags(self, answer: Answer) -> dict[str, str]:
        """ListQueueTags' tags."""
        if self.protocol == "json":
            return dict(answer.body.get("Tags", {}))
        return {
            t.find(NS + "Key").text: t.find(NS + "Value").text or ""
            for t in answer.body.elements("Tag")
        }

    def failed(self, answer: Answer) -> list[tuple[str, str]]:
        """A batch answer's failed entries as ``(Id, Code)``."""
        if self.protocol == "json":
            return [(f["Id"], f["Code"]) for f in answer.body.get("Failed", [])]
        return [
            (f.find(NS + "Id").text, f.find(NS + "Code").text)
            for f in answer.body.elements("BatchResultErrorEntry")
        ]


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
