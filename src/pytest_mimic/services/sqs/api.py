"""Amazon SQS on the shared server: both wire protocols over ``model.Sqs``.

Mounted under ``/sqs`` (``mimic_cloud.url("sqs")``, which ``AWS_ENDPOINT_URL_SQS`` points
at). Requests that reach the server's root and are plainly SQS (an ``X-Amz-Target:
AmazonSQS.*`` header, a form with ``Action`` and ``Version=2012-11-05``, a queue-URL path
``/<12-digit account>/<name>``, or ``POST /moto-api/reset``) are claimed too, so a tool set
up with one endpoint for every AWS service works unchanged.

Each request is parsed once (``_Call``, kept on the request) against the operation table;
``resolve`` names the operation after the AWS action with the queue name as an attribute,
and ``error_response`` answers in the protocol the client spoke, injected faults included.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from pytest_mimic.clock import real_monotonic
from pytest_mimic.errors import ServiceError
from pytest_mimic.panel import ROW_LIMIT, Panel, Rows
from pytest_mimic.parsing import parse_seconds
from pytest_mimic.services.base import (
    Operation,
    Service,
    ServiceContext,
    base_url,
    behaviors,
)
from pytest_mimic.services.sqs import protocol_json, protocol_query, seed
from pytest_mimic.services.sqs import settings as sqs_settings
from pytest_mimic.services.sqs.checks import message_size
from pytest_mimic.services.sqs.errors import SqsError, kind_of
from pytest_mimic.services.sqs.md5 import AttributeValue, attributes_md5, body_md5
from pytest_mimic.services.sqs.model import (
    LIST_LIMIT,
    MAX_BATCH,
    MAX_BATCH_BYTES,
    MAX_VISIBILITY,
    SENDER_ID,
    SYSTEM_ATTRIBUTES,
    MessageView,
    MoveTask,
    Queue,
    Received,
    Scope,
    SendSpec,
    Sqs,
    parse_arn,
    topic_of,
)
from pytest_mimic.services.sqs.operations import OPERATIONS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from werkzeug.wrappers import Request, Response

    from pytest_mimic.scenarios import Scenario
    from pytest_mimic.services.sqs.operations import OperationSpec
    from pytest_mimic.settings import Setting

__all__ = ["SQSService"]

DEFAULT_REGION = "us-east-1"
#: Messages a queue's panel shows from its head (oldest first), and their bodies' length.
HEAD_MESSAGES = 5
HEAD_BODY_CHARS = 200
#: The journal and fault-rule name of ``POST /moto-api/reset``.
RESET_OPERATION = "MotoApiReset"
_RESET_PATH = "/moto-api/reset"
_CALL_KEY = "pytest_mimic.sqs.call"
_QUEUE_PATH = re.compile(r"/(\d{12})/([^/]+)/?")
_CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/([A-Za-z0-9-]{1,40})/")
#: The X-Ray header SQS keeps as a sent message's ``AWSTraceHeader`` system attribute.
_TRACE_HEADER = "X-Amzn-Trace-Id"
_REGION = re.compile(r"[A-Za-z0-9-]{1,40}")
_BATCH_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FORM = "application/x-www-form-urlencoded"
_FORM_KEY = "pytest_mimic.sqs.form"
_ATTRIBUTE_FILTERS = frozenset({"All", ".*", "*"})
#: Actions a query request may not send to a queue's URL.
_NOT_AT_QUEUE_URL = frozenset({"CreateQueue", "ListQueues"})
#: The largest SQS request body read. The largest legal request carries 1,048,576 bytes of
#: messages (one message, or a batch's total): percent-encoding in the query protocol makes
#: each byte up to 3, and a binary attribute's base64 (4/3) then percent-encoded up to 4;
#: JSON escapes make each byte up to 3. The names, ids and the rest of the envelope add
#: some tens of kilobytes. 5 MiB holds that with room to spare, so every size error up to
#: there is the model's, with SQS's own code and byte count.
MAX_REQUEST_BYTES = 5 * 1024 * 1024
_PEEK_BYTES = 512


@dataclass
class _Call:
    """One request, parsed once: protocol, action, typed parameters or the error."""

    protocol: str
    action: str
    spec: OperationSpec | None
    params: dict[str, Any]
    error: SqsError | None
    region: str
    path_queue: str | None
    request_id: str
    #: A query request that asked for JSON (``Accept: application/json``).
    json_answer: bool = False


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _last_segment(url: str) -> str:
    """The queue name in a QueueUrl with any host, or a bare queue name."""
    if "/" not in url:
        return url
    try:
        path = urlsplit(url).path if "://" in url else url
    except ValueError:
        return ""
    return path.rstrip("/").rpartition("/")[2]


def _region(request: Request) -> str:
    credential = request.headers.get("Authorization", "")
    found = _CREDENTIAL.search(credential)
    if found is None:
        scope = request.args.get("X-Amz-Credential", "")
        parts = scope.split("/")
        if len(parts) >= 3 and _REGION.fullmatch(parts[2]):
            return parts[2]
        return DEFAULT_REGION
    return found[1]


def _form(request: Request) -> dict[str, str]:
    """Query-string and (form) body parameters, parsed once per request; undecodable text
    is a client error.
    """
    cached: dict[str, str] | SqsError | None = request.environ.get(_FORM_KEY)
    if cached is None:
        try:
            cached = _read_form(request)
        except SqsError as error:
            cached = error
        request.environ[_FORM_KEY] = cached
    if isinstance(cached, SqsError):
        raise cached
    return cached


def _read_form(request: Request) -> dict[str, str]:
    pairs: list[tuple[str, str]] = []
    try:
        query = request.query_string.decode("latin-1")
        if query:
            pairs += parse_qsl(query, keep_blank_values=True, errors="strict")
        content_type = request.mimetype
        if request.method == "POST" and content_type in (_FORM, ""):
            body = request.get_data(cache=True).decode("utf-8")
            if body:
                pairs += parse_qsl(body, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise SqsError("MalformedQueryString", "The request is not valid form data.") from None
    return dict(pairs)


def _peek_action(request: Request) -> str:
    """The action of a request whose body is too large to read: from the target header,
    the query string, or the head of a form body (botocore and the SDKs put ``Action``
    first).
    """
    action = request.headers.get("X-Amz-Target", "").partition(".")[2]
    action = action or request.args.get("Action", "")
    if action or request.mimetype != _FORM or request.content_length is None:
        return action
    stream = request.environ.get("wsgi.input")
    try:
        head = stream.read(_PEEK_BYTES) if stream is not None else b""
        pairs = parse_qsl(head.decode("latin-1"), keep_blank_values=True)
    except (OSError, ValueError):
        return ""
    # The last pair may be cut short by the peek; only whole ones count.
    complete = pairs if len(head) < _PEEK_BYTES else pairs[:-1]
    return str(dict(complete).get("Action", ""))


def _integer(
    params: Mapping[str, Any], name: str, low: int, high: int, *, between: bool = True
) -> int | None:
    value = params.get(name)
    if value is not None and not low <= value <= high:
        reason = (
            f"Must be between {low} and {high}, if provided."
            if between
            else f"Must be >= {low} and <= {high}, if provided."
        )
        raise SqsError(
            "InvalidParameterValue",
            f"Value {value} for parameter {name} is invalid. Reason: {reason}",
        )
    return value


def _values(raw: Mapping[str, Any] | None) -> dict[str, AttributeValue]:
    if not raw:
        return {}
    return {
        name: AttributeValue(
            data_type=value.get("DataType") or "",
            string_value=value.get("StringValue"),
            binary_value=value.get("BinaryValue"),
            string_list=tuple(value.get("StringListValues") or ()),
            binary_list=tuple(value.get("BinaryListValues") or ()),
        )
        for name, value in raw.items()
    }


def _value_json(value: AttributeValue) -> dict[str, Any]:
    result: dict[str, Any] = {"DataType": value.data_type}
    if value.string_value is not None:
        result["StringValue"] = value.string_value
    if value.binary_value is not None:
        result["BinaryValue"] = value.binary_value
    if value.string_list:
        result["StringListValues"] = list(value.string_list)
    if value.binary_list:
        result["BinaryListValues"] = list(value.binary_list)
    return result


def _check_batch(entries: list[dict[str, Any]], entry_name: str) -> None:
    if not entries:
        raise SqsError(
            "EmptyBatchRequest", f"There should be at least one {entry_name} in the request."
        )
    if len(entries) > MAX_BATCH:
        raise SqsError(
            "TooManyEntriesInBatchRequest",
            f"Maximum number of entries per request are {MAX_BATCH}. You have sent {len(entries)}.",
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry["Id"]
        if not _BATCH_ID.fullmatch(entry_id):
            raise SqsError(
                "InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long.",
            )
        if entry_id in seen:
            raise SqsError("BatchEntryIdsNotDistinct", f"Id {entry_id} repeated.")
        seen.add(entry_id)


def _batch_result(successful: list[Any], failed: list[Any]) -> dict[str, Any]:
    """A batch answer; SQS leaves an empty ``Failed`` list out."""
    result: dict[str, Any] = {"Successful": successful}
    if failed:
        result["Failed"] = failed
    return result


def _wants_json(request: Request) -> bool:
    """Whether a query request asked for a JSON answer, which SQS then gives."""
    return "application/json" in request.headers.get("Accept", "")


def _failure(entry_id: str, error: SqsError) -> dict[str, Any]:
    """A failed batch entry: errors of one entry are data in the answer, not an answer."""
    code = error.kind.code
    return {"Id": entry_id, "SenderFault": error.sender, "Code": code, "Message": error.message}


def _page(names: list[str], params: Mapping[str, Any]) -> tuple[list[str], str | None]:
    """One page of sorted ``names`` after ``NextToken``, ``MaxResults`` long."""
    limit = _integer(params, "MaxResults", 1, LIST_LIMIT)
    token = params.get("NextToken")
    start = 0
    if token:
        try:
            after = json.loads(base64.b64decode(token, validate=True))["after"]
            if not isinstance(after, str):
                raise TypeError(after)
        except (binascii.Error, ValueError, KeyError, TypeError):
            raise SqsError("InvalidParameterValue", "Invalid NextToken value.") from None
        start = bisect.bisect_right(names, after)
    end = start + (limit or LIST_LIMIT)
    page = names[start:end]
    more = limit is not None and end < len(names)
    next_token = (
        base64.b64encode(json.dumps({"after": page[-1]}).encode()).decode() if more else None
    )
    return page, next_token


def _filter_attributes(
    attributes: Mapping[str, AttributeValue], wanted: list[str]
) -> dict[str, AttributeValue]:
    if not wanted or not attributes:
        return {}
    if _ATTRIBUTE_FILTERS.intersection(wanted):
        return dict(attributes)
    exact = set(wanted)
    # ``Hel.*`` selects ``Hello`` and ``Help.Me``: the prefix is what precedes ``.*``.
    prefixes = tuple(name[:-2] for name in wanted if name.endswith(".*"))
    return {
        name: value
        for name, value in attributes.items()
        if name in exact or (prefixes and name.startswith(prefixes))
    }


class SQSService(Service):
    """Amazon SQS (API 2012-11-05): JSON 1.0 and query protocols, FIFO, DLQs, long polls.

    Settings (``settings.py``): ``sqs_account`` (default ``123456789012``) and
    ``sqs_cooldowns`` (default ``True``: the 60-second waits after DeleteQueue and between
    PurgeQueues, timed by the cloud's clock).
    """

    name: ClassVar[str] = "sqs"
    prefix: ClassVar[str] = "/sqs"
    max_body_bytes: ClassVar[int] = MAX_REQUEST_BYTES
    settings: ClassVar[Sequence[Setting[Any]]] = sqs_settings.SETTINGS
    conflicting_environment: ClassVar[Sequence[str]] = sqs_settings.CONFLICTING_ENVIRONMENT
    behaviors: ClassVar[Mapping[str, str]] = {
        "empty": "a ReceiveMessage finds no message, whatever the queue holds",
        "visibility": "received messages stay invisible parameters.seconds, not the queue's",
    }

    @classmethod
    def scenarios(cls) -> Sequence[Scenario]:
        from pytest_mimic.services.sqs.scenarios import SCENARIOS

        return SCENARIOS

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self.sqs = self._fresh()
        self._handlers: dict[str, Callable[[Request, _Call], dict[str, Any]]] = {
            name: getattr(self, f"_{_snake(name)}") for name in OPERATIONS
        }

    def _fresh(self) -> Sqs:
        return Sqs(self.context.now, cooldowns=self._cooldowns)

    def _cooldowns(self) -> bool:
        return self.context.config.value(sqs_settings.COOLDOWNS)

    @property
    def account(self) -> str:
        """The account id queues belong to (the ``sqs_account`` setting)."""
        return self.context.config.value(sqs_settings.ACCOUNT)

    # -- service interface -------------------------------------------------------------

    def urls(self) -> Mapping[str, str]:
        return {"sqs": self.prefix}

    def environment(self, base_url: str) -> Mapping[str, str]:
        """What boto3 and the AWS CLI read: this endpoint, test keys and a region.

        The region matters: boto3 refuses to build a client without one (``NoRegionError``),
        and a client built at import time, before any fixture ran, sees none of these.
        """
        return {
            "AWS_ENDPOINT_URL_SQS": base_url + self.prefix,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": DEFAULT_REGION,
        }

    def shell_setup(self, base_url: str) -> Sequence[str]:
        """The AWS CLI v1 (the ``awscli`` package) ignores ``AWS_ENDPOINT_URL_SQS`` and
        ``AWS_ENDPOINT_URL``: for every standard region its ``overridesslcommonname``
        customization sends SQS to ``queue.amazonaws.com`` unless ``--endpoint-url`` is given.
        A shell function gives it the flag; unlike an alias it works in scripts too.
        """
        return (
            "# the AWS CLI v1 ignores AWS_ENDPOINT_URL_SQS; this passes it --endpoint-url:",
            f'aws() {{ command aws --endpoint-url {base_url}{self.prefix} "$@"; }}',
        )

    seed_fields: ClassVar[Mapping[str, str]] = seed.SEED_FIELDS

    @classmethod
    def check_seed(cls, section: Mapping[str, Any]) -> seed.SqsSeed:
        return seed.check(section)

    def load_seed(self, checked: seed.SqsSeed) -> None:
        seed.load(self.sqs, checked, self.account, DEFAULT_REGION)
        self.context.notify_change()

    def export(self) -> Mapping[str, Any]:
        return seed.export(self.sqs, self.account)

    def reset(self) -> None:
        old, self.sqs = self.sqs, self._fresh()
        self.context.discard(old.snapshot())

    def state(self) -> Mapping[str, Any]:
        """Every queue with its depth, in-flight and delayed counts and its head messages."""
        return self._summary(None)

    def panel(self, limit: int = ROW_LIMIT) -> Panel:
        return Panel.of(self._summary(limit), limit)

    def _summary(self, limit: int | None) -> dict[str, Any]:
        sqs = self.sqs
        rows = []
        with sqs.lock:
            queues = sorted(sqs.all_queues(), key=lambda q: (q.scope.region, q.name))
            for queue in queues[:limit]:
                sqs.settle(queue)
                rows.append(
                    {
                        "name": queue.name,
                        "messages": queue.visible_count,
                        "in flight": queue.inflight_count,
                        "delayed": queue.delayed_count,
                        "head": [
                            {"body": _clip(m.body), "receives": m.receive_count, "id": m.message_id}
                            for m in queue.head(HEAD_MESSAGES)
                        ],
                        "region": queue.scope.region,
                        "account": queue.scope.account,
                    }
                )
        return {"queues": Rows(rows, len(queues))}

    def operation_names(self) -> frozenset[str]:
        return frozenset(OPERATIONS) | {RESET_OPERATION, "unknown"}

    def attribute_names(self) -> frozenset[str]:
        return frozenset({"queue", "region", "protocol"})

    def claims(self, request: Request) -> bool:
        path = request.path
        if path == _RESET_PATH:
            return request.method == "POST"
        if request.headers.get("X-Amz-Target", "").startswith("AmazonSQS."):
            return True
        if _QUEUE_PATH.fullmatch(path):
            return True
        if path != "/":
            return False
        if request.args.get("Version") == "2012-11-05" and "Action" in request.args:
            return True
        length = request.content_length
        if request.mimetype != _FORM or length is None or length > self.max_body_bytes:
            return False
        try:
            form = _form(request)
        except SqsError:
            return False
        return "Action" in form and form.get("Version") == "2012-11-05"

    def resolve(self, request: Request) -> Operation:
        call = self._call(request)
        attributes: dict[str, Any] = {"region": call.region, "protocol": call.protocol}
        queue = self._queue_name(call)
        if queue is not None:
            attributes["queue"] = queue
        return Operation(self.name, call.action, attributes)

    def handle(self, request: Request, operation: Operation) -> Response:
        """Run the operation; any ``ServiceError`` (``SqsError`` included) a handler or the
        model raises is answered by ``error_response``, the one place errors are written.
        """
        call = self._call(request)
        try:
            if call.error is not None:
                raise call.error
            if call.action == RESET_OPERATION:
                self.reset()
                self.context.notify_change()
                return protocol_json.response({"status": "ok"}, call.request_id)
            result = self._handlers[call.action](request, call)
        except ServiceError as error:
            return self.render(error, request)
        if call.protocol == "json":
            return protocol_json.response(result, call.request_id)
        assert call.spec is not None
        if call.json_answer:
            return protocol_query.response_json(call.spec, result, call.request_id)
        return protocol_query.response(call.spec, result, call.request_id)

    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        """An SQS error in the protocol of ``request`` (JSON when unknown).

        ``fault`` is an SQS error name in either spelling (``SqsError.code``, or an injected
        fault's); without one, the kind that fits ``status`` is answered.
        """
        call: _Call | None = None
        protocol = "json"
        if request is not None:
            call = request.environ.get(_CALL_KEY)
            protocol = call.protocol if call is not None else self._guess_protocol(request)
            if status == 413 and fault is None:
                # Bodies over MAX_REQUEST_BYTES are refused before SQS reads them; answer as
                # SQS answers a message or batch that is too long (without the byte count,
                # which would need the whole body).
                action = _peek_action(request)
                if action == "SendMessageBatch":
                    status, fault = 400, "BatchRequestTooLong"
                    message = f"Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes."
                elif action == "SendMessage":
                    status, fault = 400, "InvalidParameterValue"
                    message = (
                        "One or more parameters are invalid. Reason: Message must be shorter "
                        f"than {MAX_BATCH_BYTES} bytes."
                    )
        kind = kind_of(fault, status)
        request_id = call.request_id if call is not None else str(uuid.uuid4())
        writer = protocol_json.error if protocol == "json" else protocol_query.error
        if (
            protocol == "query"
            and request is not None
            and _wants_json(request)
            and kind.code != "UnknownOperationException"
        ):
            writer = protocol_query.error_json
        return writer(kind, message, status, request_id, headers)

    # -- test conveniences -------------------------------------------------------------

    def messages(
        self, queue: str, *, region: str | None = None, account: str | None = None
    ) -> list[MessageView]:
        """The messages of queue ``queue`` (a name or URL), oldest first, without receiving
        them. ``region`` may be left out when only one region has a queue of that name.
        """
        name = _last_segment(queue)
        sqs = self.sqs
        with sqs.lock:
            found = self._find(sqs, name, region, account)
            sqs.settle(found)
            return found.views(sqs.now())

    def queue_names(self, *, region: str | None = None) -> list[str]:
        """Names of the existing queues (in ``region``, or every region), sorted."""
        sqs = self.sqs
        with sqs.lock:
            return sorted(
                q.name for q in sqs.all_queues() if region is None or q.scope.region == region
            )

    def _find(self, sqs: Sqs, name: str, region: str | None, account: str | None) -> Queue:
        owner = account or self.account
        matches = [
            q
            for q in sqs.all_queues()
            if q.name == name
            and q.scope.account == owner
            and (region is None or q.scope.region == region)
        ]
        if not matches:
            raise KeyError(f"no SQS queue named {name!r}; queues: {self.queue_names()}")
        if len(matches) > 1:
            regions = sorted(q.scope.region for q in matches)
            raise KeyError(f"queue {name!r} exists in several regions {regions}; pass region=")
        return matches[0]

    # -- parsing -----------------------------------------------------------------------

    def _call(self, request: Request) -> _Call:
        call: _Call | None = request.environ.get(_CALL_KEY)
        if call is None:
            call = self._parse(request)
            request.environ[_CALL_KEY] = call
        return call

    @staticmethod
    def _guess_protocol(request: Request) -> str:
        if "X-Amz-Target" in request.headers or "json" in request.mimetype:
            return "json"
        return "query"

    def _parse(self, request: Request) -> _Call:
        region = _region(request)
        path = request.path
        match = _QUEUE_PATH.fullmatch(path)
        path_queue = match[2] if match else None
        call = _Call("json", "unknown", None, {}, None, region, path_queue, str(uuid.uuid4()))
        if path == _RESET_PATH and request.method == "POST":
            call.action = RESET_OPERATION
            return call
        target = request.headers.get("X-Amz-Target")
        try:
            if target is not None:
                service, _, action = target.partition(".")
                spec = OPERATIONS.get(action) if service == "AmazonSQS" else None
                if spec is None:
                    raise SqsError("UnknownOperation", f"Unknown operation {target}.")
                call.action, call.spec = action, spec
                call.params = protocol_json.parse(spec, request.get_data(cache=True))
                return call
            call.protocol = self._guess_protocol(request)
            if call.protocol == "json":
                raise SqsError("UnknownOperation", "The request names no X-Amz-Target.")
            call.json_answer = _wants_json(request)
            form = _form(request)
            name = form.get("Action")
            if not name:
                raise SqsError("UnknownOperationException", "The request names no Action.")
            spec = OPERATIONS.get(name)
            if spec is None or (path_queue is not None and name in _NOT_AT_QUEUE_URL):
                raise SqsError(
                    "InvalidAction", f"The action {name} is not valid for this endpoint."
                )
            call.action, call.spec = name, spec
            call.params = protocol_query.parse(spec, form)
        except SqsError as error:
            call.error = error
        return call

    @staticmethod
    def _queue_name(call: _Call) -> str | None:
        params = call.params
        if call.action in ("CreateQueue", "GetQueueUrl"):
            name = params.get("QueueName")
            return name if isinstance(name, str) else None
        if call.action in ("StartMessageMoveTask", "ListMessageMoveTasks"):
            parsed = parse_arn(params.get("SourceArn", ""))
            return parsed[1] if parsed is not None else None
        url = params.get("QueueUrl")
        if isinstance(url, str) and url:
            return _last_segment(url)
        return call.path_queue

    # -- helpers for handlers ------------------------------------------------------------

    def _scope(self, call: _Call) -> Scope:
        return Scope(self.account, call.region)

    def _queue(self, call: _Call) -> Queue:
        url = call.params.get("QueueUrl")
        if url:
            name = _last_segment(url)
        elif call.path_queue is not None:
            name = call.path_queue
        else:
            raise SqsError("MissingParameter", "The request must contain the parameter QueueUrl.")
        return self.sqs.queue(self._scope(call), name)

    @staticmethod
    def _url(request: Request, queue: Queue) -> str:
        return f"{base_url(request)}{request.script_root}/{queue.scope.account}/{queue.name}"

    # -- queues --------------------------------------------------------------------------

    def _create_queue(self, request: Request, call: _Call) -> dict[str, Any]:
        params = call.params
        with self.sqs.lock:
            queue = self.sqs.create_queue(
                self._scope(call),
                params["QueueName"],
                params.get("Attributes") or {},
                params.get("tags") or {},
            )
        return {"QueueUrl": self._url(request, queue)}

    def _get_queue_url(self, request: Request, call: _Call) -> dict[str, Any]:
        owner = call.params.get("QueueOwnerAWSAccountId")
        if owner is not None and owner != self.account:
            raise SqsError("QueueDoesNotExist", "The specified queue does not exist.")
        with self.sqs.lock:
            queue = self.sqs.queue(self._scope(call), call.params["QueueName"])
        return {"QueueUrl": self._url(request, queue)}

    def _list_queues(self, request: Request, call: _Call) -> dict[str, Any]:
        prefix = call.params.get("QueueNamePrefix") or ""
        with self.sqs.lock:
            queues = {q.name: q for q in self.sqs.list_queues(self._scope(call), prefix)}
        names, token = _page(list(queues), call.params)
        result: dict[str, Any] = {}
        if names:
            result["QueueUrls"] = [self._url(request, queues[name]) for name in names]
        if token:
            result["NextToken"] = token
        return result

    def _delete_queue(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            old = self.sqs.delete_queue(self._queue(call))
        self.context.discard(old)
        self.context.notify_change(old.topic)
        return {}

    def _get_queue_attributes(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            queue = self._queue(call)
            values = self.sqs.get_attributes(queue, call.params.get("AttributeNames") or ())
        return {"Attributes": values} if values else {}

    def _set_queue_attributes(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            queue = self._queue(call)
            self.sqs.set_attributes(queue, call.params["Attributes"])
        self.context.notify_change(queue.topic)
        return {}

    def _purge_queue(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            old = self.sqs.purge_queue(self._queue(call))
        self.context.discard(old)
        return {}

    def _list_dead_letter_source_queues(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            sources = {q.name: q for q in self.sqs.dead_letter_sources(self._queue(call))}
        names, token = _page(list(sources), call.params)
        result: dict[str, Any] = {"queueUrls": [self._url(request, sources[n]) for n in names]}
        if token:
            result["NextToken"] = token
        return result

    # -- tags and permissions ------------------------------------------------------------

    def _tag_queue(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            self.sqs.tag(self._queue(call), call.params["Tags"])
        return {}

    def _untag_queue(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            self.sqs.untag(self._queue(call), call.params["TagKeys"])
        return {}

    def _list_queue_tags(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            tags = dict(self._queue(call).tags)
        return {"Tags": tags} if tags else {}

    def _add_permission(self, request: Request, call: _Call) -> dict[str, Any]:
        params = call.params
        with self.sqs.lock:
            self.sqs.add_permission(
                self._queue(call), params["Label"], params["AWSAccountIds"], params["Actions"]
            )
        return {}

    def _remove_permission(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            self.sqs.remove_permission(self._queue(call), call.params["Label"])
        return {}

    # -- messages ------------------------------------------------------------------------

    @staticmethod
    def _send_spec(params: Mapping[str, Any]) -> SendSpec:
        return SendSpec(
            body=params.get("MessageBody"),
            delay=params.get("DelaySeconds"),
            attributes=_values(params.get("MessageAttributes")),
            system_attributes=_values(params.get("MessageSystemAttributes")),
            group_id=params.get("MessageGroupId"),
            dedup_id=params.get("MessageDeduplicationId"),
        )

    def _send_message(self, request: Request, call: _Call) -> dict[str, Any]:
        spec = self._send_spec(call.params)
        trace = request.headers.get(_TRACE_HEADER)
        with self.sqs.lock:
            queue = self._queue(call)
            sent = self.sqs.send(queue, spec, trace_header=trace)
        self.context.notify_change(queue.topic)
        return {
            "MD5OfMessageBody": sent.md5_body,
            "MD5OfMessageAttributes": sent.md5_attributes,
            "MD5OfMessageSystemAttributes": sent.md5_system_attributes,
            "MessageId": sent.message_id,
            "SequenceNumber": sent.sequence_number,
        }

    def _send_message_batch(self, request: Request, call: _Call) -> dict[str, Any]:
        entries = call.params["Entries"]
        _check_batch(entries, "SendMessageBatchRequestEntry")
        specs = [self._send_spec(entry) for entry in entries]
        total = sum(message_size(spec) for spec in specs)
        if total > MAX_BATCH_BYTES:
            raise SqsError(
                "BatchRequestTooLong",
                f"Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes. "
                f"You have sent {total} bytes.",
            )
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        trace = request.headers.get(_TRACE_HEADER)
        with self.sqs.lock:
            queue = self._queue(call)
            self.sqs.check_fifo_batch(queue, specs)
            for entry, spec in zip(entries, specs, strict=True):
                try:
                    sent = self.sqs.send(queue, spec, batch=True, trace_header=trace)
                except SqsError as error:
                    failed.append(_failure(entry["Id"], error))
                    continue
                successful.append(
                    {
                        "Id": entry["Id"],
                        "MessageId": sent.message_id,
                        "MD5OfMessageBody": sent.md5_body,
                        "MD5OfMessageAttributes": sent.md5_attributes,
                        "MD5OfMessageSystemAttributes": sent.md5_system_attributes,
                        "SequenceNumber": sent.sequence_number,
                    }
                )
        if successful:
            self.context.notify_change(queue.topic)
        return _batch_result(successful, failed)

    def _receive_message(self, request: Request, call: _Call) -> dict[str, Any]:
        params = call.params
        limit = _integer(params, "MaxNumberOfMessages", 1, MAX_BATCH) or 1
        visibility = _integer(params, "VisibilityTimeout", 0, MAX_VISIBILITY)
        wait = _integer(params, "WaitTimeSeconds", 0, 20, between=False)
        # Scenarios change a receive through the fault engine's Behave actions.
        for behave in behaviors(request):
            if behave.name == "empty":
                return {}
            if behave.name == "visibility":
                seconds = behave.parameters.get("seconds", 0)
                visibility = int(parse_seconds(seconds, "behavior 'visibility': seconds"))
        attempt = params.get("ReceiveRequestAttemptId")
        system_names = {
            *(params.get("AttributeNames") or ()),
            *(params.get("MessageSystemAttributeNames") or ()),
        }
        attribute_names = list(params.get("MessageAttributeNames") or ())
        deadline: float | None = None
        clock = self.context.clock
        while True:
            sqs = self.sqs
            with sqs.lock:
                queue = self._queue(call)
                if wait is None:
                    wait = queue.wait_seconds
                received = sqs.receive(queue, limit, visibility, attempt)
                next_due = queue.next_due()
                now = sqs.now()
                if received:
                    messages = [
                        self._message(item, system_names, attribute_names) for item in received
                    ]
            if queue.redrive is not None:
                # Messages may have moved to the dead-letter queue.
                self.context.notify_change(topic_of(queue.redrive[0]))
            if received:
                return {"Messages": messages}
            if wait <= 0:
                return {}
            if deadline is None:
                deadline = real_monotonic() + wait
            left = deadline - real_monotonic()
            if left <= 0:
                return {}
            if next_due is not None and not clock.frozen:
                # A running clock makes the next delayed or in-flight message visible by
                # itself: look again then (nothing would notify).
                left = min(left, max(next_due - now, 0.0) + 0.001)
            self.context.wait_for_change(request, left, queue.topic)

    @staticmethod
    def _message(item: Received, system: set[str], wanted: list[str]) -> dict[str, Any]:
        message = item.message
        result: dict[str, Any] = {
            "MessageId": message.message_id,
            "ReceiptHandle": item.receipt,
            "MD5OfBody": body_md5(message.body),
            "Body": message.body,
        }
        if system:
            every = "All" in system
            values: dict[str, str | None] = {
                "SenderId": SENDER_ID,
                "SentTimestamp": str(int(message.sent_at * 1000)),
                "ApproximateReceiveCount": str(message.receive_count),
                "ApproximateFirstReceiveTimestamp": str(
                    int((message.first_received_at or message.sent_at) * 1000)
                ),
                "SequenceNumber": message.sequence_number,
                "MessageDeduplicationId": message.dedup_id,
                "MessageGroupId": message.group_id,
                "AWSTraceHeader": (
                    message.system_attributes["AWSTraceHeader"].string_value
                    if "AWSTraceHeader" in message.system_attributes
                    else None
                ),
                "DeadLetterQueueSourceArn": message.source_arn,
            }
            chosen = {
                name: value
                for name in SYSTEM_ATTRIBUTES
                if (every or name in system) and (value := values[name]) is not None
            }
            if chosen:
                result["Attributes"] = chosen
        attributes = _filter_attributes(message.attributes, wanted)
        if attributes:
            result["MD5OfMessageAttributes"] = attributes_md5(attributes)
            result["MessageAttributes"] = {n: _value_json(v) for n, v in attributes.items()}
        return result

    def _delete_message(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            queue = self._queue(call)
            queue.delete(call.params["ReceiptHandle"])
        if queue.fifo:
            self.context.notify_change(queue.topic)  # the group may be unlocked
        return {}

    def _delete_message_batch(self, request: Request, call: _Call) -> dict[str, Any]:
        entries = call.params["Entries"]
        _check_batch(entries, "DeleteMessageBatchRequestEntry")
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        with self.sqs.lock:
            queue = self._queue(call)
            for entry in entries:
                try:
                    queue.delete(entry["ReceiptHandle"])
                except SqsError as error:
                    failed.append(_failure(entry["Id"], error))
                else:
                    successful.append({"Id": entry["Id"]})
        if queue.fifo:
            self.context.notify_change(queue.topic)
        return _batch_result(successful, failed)

    def _change_message_visibility(self, request: Request, call: _Call) -> dict[str, Any]:
        timeout = _integer(call.params, "VisibilityTimeout", 0, MAX_VISIBILITY)
        assert timeout is not None
        with self.sqs.lock:
            queue = self._queue(call)
            queue.change_visibility(call.params["ReceiptHandle"], timeout, self.sqs.now())
        self.context.notify_change(queue.topic)
        return {}

    def _change_message_visibility_batch(self, request: Request, call: _Call) -> dict[str, Any]:
        entries = call.params["Entries"]
        _check_batch(entries, "ChangeMessageVisibilityBatchRequestEntry")
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        with self.sqs.lock:
            queue = self._queue(call)
            now = self.sqs.now()
            for entry in entries:
                try:
                    timeout = _integer(entry, "VisibilityTimeout", 0, MAX_VISIBILITY)
                    if timeout is None:
                        raise SqsError(
                            "MissingParameter",
                            "The request must contain the parameter VisibilityTimeout.",
                        )
                    queue.change_visibility(entry["ReceiptHandle"], timeout, now)
                except SqsError as error:
                    failed.append(_failure(entry["Id"], error))
                else:
                    successful.append({"Id": entry["Id"]})
        self.context.notify_change(queue.topic)
        return _batch_result(successful, failed)

    # -- message move tasks --------------------------------------------------------------

    def _start_message_move_task(self, request: Request, call: _Call) -> dict[str, Any]:
        params = call.params
        with self.sqs.lock:
            task = self.sqs.start_move_task(
                params["SourceArn"],
                params.get("DestinationArn"),
                params.get("MaxNumberOfMessagesPerSecond"),
            )
        self.context.notify_change()  # a task may move messages to any queue
        return {"TaskHandle": task.handle}

    def _cancel_message_move_task(self, request: Request, call: _Call) -> dict[str, Any]:
        with self.sqs.lock:
            task = self.sqs.cancel_move_task(call.params["TaskHandle"])
        return {"ApproximateNumberOfMessagesMoved": task.moved}

    def _list_message_move_tasks(self, request: Request, call: _Call) -> dict[str, Any]:
        limit = _integer(call.params, "MaxResults", 1, 10) or 1
        with self.sqs.lock:
            tasks = self.sqs.list_move_tasks(call.params["SourceArn"], limit)
            results = [_task_json(task) for task in tasks]
        self.context.notify_change()
        return {"Results": results}


def _task_json(task: MoveTask) -> dict[str, Any]:
    result: dict[str, Any] = {
        "Status": task.status,
        "SourceArn": task.source_arn,
        "ApproximateNumberOfMessagesMoved": task.moved,
        "ApproximateNumberOfMessagesToMove": task.to_move,
        "StartedTimestamp": int(task.started_at * 1000),
    }
    if task.status == "RUNNING":
        result["TaskHandle"] = task.handle
    if task.destination_arn is not None:
        result["DestinationArn"] = task.destination_arn
    if task.rate is not None:
        result["MaxNumberOfMessagesPerSecond"] = task.rate
    if task.failure is not None:
        result["FailureReason"] = task.failure
    return result


def _clip(body: str) -> str:
    """A message body cut to ``HEAD_BODY_CHARS`` for a panel."""
    return body if len(body) <= HEAD_BODY_CHARS else body[:HEAD_BODY_CHARS] + "..."
