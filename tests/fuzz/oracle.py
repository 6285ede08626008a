"""What every answer must be, whatever was asked.

The expected error format is not written down per service: it is read from the service
itself. ``ErrorFormat.of`` asks the service's ``error_response`` for two errors of the
answer's status (different messages, one naming a fault) for a copy of the request (a
service may answer in the format the request asked for: Keystone's for ``/v3``, SQS's JSON
or query protocol), and keeps what they share: the content type, the JSON structure, where
the message goes and where the status code goes. A fault name that appears as a key
(OpenStack's ``{"itemNotFound": {...}}``) differs between the two and so may be any key; a
fixed one (Keystone's ``{"error": {...}}``) must be there. A handler may add members (CLB's
``validationErrors``), never leave one out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.test import create_environ
from werkzeug.wrappers import Request

if TYPE_CHECKING:
    from pytest_mimic.cloud import MimicCloud
    from pytest_mimic.services.base import Service
    from tests.fuzz.exchange import Exchange

#: No answer may take longer (seconds): a liveness check, not a performance target.
LIVENESS_SECONDS = 2.0

_MESSAGE_A = "fuzz-oracle-message-a"
_MESSAGE_B = "fuzz-oracle-message-b"
_FAULT = "fuzzOracleFault"


class _Slot:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


MESSAGE = _Slot("any message text")
STATUS = _Slot("the HTTP status")


@dataclass(frozen=True)
class AnyKey:
    """An object with exactly one member, of any name, whose value is ``value``."""

    value: Any


@dataclass(frozen=True)
class OfType:
    """Any value of this JSON type."""

    kind: type


def mimetype(content_type: str | None) -> str:
    return (content_type or "").partition(";")[0].strip().lower()


def is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


@dataclass(frozen=True)
class ErrorFormat:
    """A service's error answers for one status and path: media type and JSON structure
    (``None`` when the service's errors are not JSON: only the media type is checked)."""

    media: str
    template: Any

    @classmethod
    def of(
        cls, service: Service, status: int, exchange: Exchange, path: str, query: str = ""
    ) -> ErrorFormat:
        """The format ``service`` answers errors of ``status`` in to ``exchange``'s request
        (as the service saw it: ``path`` and ``query`` from the journal)."""
        environ = create_environ(
            method=exchange.method,
            base_url=f"http://fuzz.invalid{service.prefix.rstrip('/')}",
            headers=exchange.headers,
            data=exchange.body or b"",
        )
        environ["PATH_INFO"] = path.removeprefix(service.prefix.rstrip("/")) or "/"
        environ["QUERY_STRING"] = query
        request = Request(environ)
        first = service.error_response(status, _MESSAGE_A, request=request)
        second = service.error_response(status, _MESSAGE_B, fault=_FAULT, request=request)
        media = mimetype(first.headers.get("Content-Type"))
        if not is_json(media):
            return cls(media, None)
        template = _unify(json.loads(first.get_data()), json.loads(second.get_data()), status)
        return cls(media, template)

    def problems(self, body: Any, status: int) -> list[str]:
        """How ``body`` (parsed JSON) differs from this format; empty if it does not."""
        if self.template is None:
            return []
        return _check(body, self.template, status, "body")


def _unify(first: Any, second: Any, status: int) -> Any:
    if _is_int(first) and _is_int(second) and first == second == status:
        return STATUS
    if isinstance(first, str) and isinstance(second, str):
        if _MESSAGE_A in first and _MESSAGE_B in second:
            return MESSAGE
        return OfType(str)
    if isinstance(first, dict) and isinstance(second, dict):
        if first.keys() == second.keys():
            return {key: _unify(first[key], second[key], status) for key in first}
        if len(first) == len(second) == 1:
            [(_a, a)], [(_b, b)] = first.items(), second.items()
            return AnyKey(_unify(a, b, status))
        return OfType(dict)
    if type(first) is type(second):
        return OfType(type(first))
    return None  # the service's own two answers disagree: anything goes


def _check(body: Any, template: Any, status: int, where: str) -> list[str]:
    if template is None:
        return []
    if template is MESSAGE:
        return [] if isinstance(body, str) else [f"{where} should be message text, not {body!r}"]
    if template is STATUS:
        if _is_int(body) and body == status:
            return []
        return [f"{where} should be the status {status}, not {body!r}"]
    if isinstance(template, OfType):
        if type(body) is template.kind:
            return []
        return [f"{where} should be a {template.kind.__name__}, not {body!r}"]
    if isinstance(template, AnyKey):
        if not isinstance(body, dict) or len(body) != 1:
            return [f"{where} should be an object with one member, not {body!r}"]
        [(key, value)] = body.items()
        return _check(value, template.value, status, f"{where}[{key!r}]")
    if isinstance(template, dict):
        if not isinstance(body, dict):
            return [f"{where} should be an object, not {body!r}"]
        missing = template.keys() - body.keys()
        if missing:
            return [f"{where} lacks {sorted(missing)} (it has {sorted(body)})"]
        found = []
        for key, value in template.items():
            found += _check(body[key], value, status, f"{where}[{key!r}]")
        return found
    raise AssertionError(f"unknown template {template!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def judge(cloud: MimicCloud, exchange: Exchange) -> list[str]:
    """Everything wrong with ``exchange``'s answer; empty when it is as it must be.

    - no 5xx unless the journal says a fault rule or preset shaped the answer;
    - a 4xx body in the error format of the service that answered: its media type, its
      structure (members it adds are allowed: CLB's ``validationErrors``), the status;
    - any other body with a ``Content-Type``, and JSON that parses when it says JSON;
    - an answer at all, within ``LIVENESS_SECONDS``.

    A dropped connection or a timeout is always wrong. Answers a fault shaped are held to
    the first and last rule only: an injected fault may answer anything a test asks for.
    Who answered comes from the journal, since a path may leave the route's service
    (``..``) or never reach one (the HTTP layer's 414).
    """
    if exchange.failure is not None:
        return [f"no answer: {exchange.failure}"]
    problems = []
    fault = exchange.call.fault if exchange.call is not None else None
    if exchange.status >= 500 and fault is None:
        problems.append(f"status {exchange.status} with no fault injected")
    if exchange.seconds > LIVENESS_SECONDS:
        problems.append(f"answered in {exchange.seconds:.2f} s (bound: {LIVENESS_SECONDS} s)")
    if fault is not None:
        return problems
    call = exchange.call
    if call is None:
        return problems + _judge_unjournaled(cloud, exchange)
    if call.service == "mimic" and call.operation == "unrouted":
        return problems + _judge_unrouted(exchange, call.path)
    service = cloud.service(call.service)
    expected = ErrorFormat.of(service, exchange.status, exchange, call.path, call.query)
    return problems + _judge_body(exchange, expected, f"the {service.name} service's")


def _judge_body(exchange: Exchange, expected: ErrorFormat, whose: str) -> list[str]:
    if not exchange.content:
        return []
    media = mimetype(exchange.response_headers.get("Content-Type"))
    error = 400 <= exchange.status < 500
    if not media or (error and media != expected.media):
        return [f"Content-Type {media!r} is not {whose} {expected.media!r}"]
    if not is_json(media):
        return []
    try:
        body = json.loads(exchange.content)
    except ValueError as error:
        return [f"the body is not JSON: {error}"]
    return expected.problems(body, exchange.status) if error else []


def _judge_unrouted(exchange: Exchange, path: str) -> list[str]:
    """The dispatcher's own answer to a path no service serves (``Dispatcher._unrouted``):
    its text page at ``/`` for ``GET``/``HEAD``, else a 404 in the OpenStack shape."""
    if path == "/" and exchange.method in ("GET", "HEAD"):
        return [] if exchange.status == 200 else [f"GET / answered {exchange.status}"]
    if exchange.status != 404:
        return [f"a path no service serves answered {exchange.status}, not 404"]
    template = AnyKey({"message": MESSAGE, "code": STATUS})
    return _judge_body(exchange, ErrorFormat("application/json", template), "the dispatcher's")


def _judge_unjournaled(cloud: MimicCloud, exchange: Exchange) -> list[str]:
    """No journal record: the route's service only observes (the dashboard, whose requests
    are never journaled) or the request asked for a reset, which clears the journal (either
    way the route's service answered), or the HTTP layer refused it before routing (a
    request line or header too long), which answers in plain text."""
    service = cloud.service(exchange.request.route.service)
    if service.observes and not exchange.reset:
        expected = ErrorFormat.of(service, exchange.status, exchange, service.prefix)
        return _judge_body(exchange, expected, f"the {service.name} service's")
    if exchange.reset:
        expected = ErrorFormat.of(service, exchange.status, exchange, service.prefix)
        return _judge_body(exchange, expected, f"the {service.name} service's")
    if exchange.status in (400, 413, 414, 431):
        return []
    return [f"status {exchange.status} with no journal record and no reset"]
