"""The journal: every request the fake served, as an operation a test can assert on."""

from __future__ import annotations

import itertools
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_mimic.faults import matches

if TYPE_CHECKING:
    from collections.abc import Mapping

#: Bodies are kept up to this many bytes each, so a long session cannot grow without bound.
BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Call:
    """One request and its answer.

    ``time`` is simulated (clock) time; ``duration`` is real seconds spent serving it.
    ``fault`` describes the injected fault that shaped the answer, if any.
    """

    time: float
    service: str
    operation: str
    method: str
    path: str
    query: str
    status: int
    duration: float
    request_body: bytes
    response_body: bytes
    attributes: Mapping[str, Any] = field(default_factory=dict)
    fault: str | None = None

    def json(self) -> Any:
        """The request body parsed as JSON (``None`` if empty)."""
        import json

        return json.loads(self.request_body) if self.request_body.strip() else None

    def response_json(self) -> Any:
        """The response body parsed as JSON (``None`` if empty)."""
        import json

        return json.loads(self.response_body) if self.response_body.strip() else None

    def describe(self, *, redact: bool = False) -> str:
        """``METHOD /path -> status (service.operation)``, one line.

        Control characters are escaped, so a path cannot forge a second line. ``redact``
        hides token ids that appear in the path (for logs that outlive the test).
        """
        target = self.path + (f"?{self.query}" if self.query else "")
        if redact:
            for key, value in self.attributes.items():
                if key in _SECRET_ATTRIBUTES and isinstance(value, str) and value:
                    target = target.replace(value, "***")
        target = printable(target)
        text = f"{self.method} {target} -> {self.status} ({self.service}.{self.operation})"
        if self.fault:
            text += f" [fault: {self.fault}]"
        return text


class Journal:
    """Calls in arrival order, thread-safe; cleared with the rest of the cloud.

    ``maxlen`` keeps only the latest calls (a ring buffer): the standalone server, which no
    test resets, uses it so its memory stays bounded. ``None`` keeps every call.

    Calls are numbered from 0 in arrival order since the last ``clear`` (which starts a new
    ``epoch``), so a reader that polls (the dashboard) asks only for what is new.
    """

    def __init__(self, maxlen: int | None = None) -> None:
        if maxlen is not None and maxlen < 1:
            raise ValueError(f"a journal must keep at least one call, not {maxlen!r}")
        self._lock = threading.Lock()
        self._calls: deque[Call] = deque(maxlen=maxlen)
        self.dropped = 0
        #: Calls recorded since the last ``clear`` (the number the next one gets).
        self.recorded = 0
        #: How many times the journal was cleared: numbers restart at each epoch.
        self.epoch = 0

    @property
    def maxlen(self) -> int | None:
        """How many calls are kept (``None``: all)."""
        return self._calls.maxlen

    def __len__(self) -> int:
        with self._lock:
            return len(self._calls)

    def record(self, call: Call) -> None:
        """Append ``call`` (dropping the oldest when full)."""
        with self._lock:
            if len(self._calls) == self._calls.maxlen:
                self.dropped += 1
            self._calls.append(call)
            self.recorded += 1

    def clear(self) -> None:
        """Forget every call."""
        with self._lock:
            self._calls.clear()
            self.dropped = 0
            self.recorded = 0
            self.epoch += 1

    def since(self, number: int, limit: int) -> tuple[int, int, list[tuple[int, Call]]]:
        """``(epoch, next number, [(number, call), ...])``: the calls numbered ``number`` and
        later that are still kept, the latest ``limit`` of them at most.
        """
        with self._lock:
            first = self.recorded - len(self._calls)
            start = max(number, first, self.recorded - limit, 0)
            kept = itertools.islice(self._calls, start - first, None)
            return self.epoch, self.recorded, list(enumerate(kept, start))

    def numbered(self, number: int) -> Call | None:
        """The call numbered ``number`` in this epoch, if it is still kept."""
        with self._lock:
            first = self.recorded - len(self._calls)
            if not first <= number < self.recorded:
                return None
            return self._calls[number - first]

    def calls(
        self,
        service: str | None = None,
        operation: str | None = None,
        **attributes: Any,
    ) -> list[Call]:
        """Calls matching ``service``, ``operation`` and attribute patterns.

        Patterns work as in fault rules: a string is a regular expression over the whole
        value, a callable is a predicate, anything else must be equal.
        """
        with self._lock:
            snapshot = list(self._calls)
        return [
            call
            for call in snapshot
            if (service is None or call.service == service)
            and (operation is None or call.operation == operation)
            and all(matches(p, call.attributes.get(k)) for k, p in attributes.items())
        ]

    def render(self, limit: int = 50) -> str:
        """The last ``limit`` calls, one per line, for failure reports."""
        with self._lock:
            calls = list(self._calls)[-limit:]
            skipped = len(self._calls) - len(calls) + self.dropped
        lines = [call.describe() for call in calls]
        if skipped:
            lines.insert(0, f"... {skipped} earlier calls")
        return "\n".join(lines)


#: Attributes whose values are credentials: logs show ``***`` where they appear in a path.
_SECRET_ATTRIBUTES = frozenset({"token_id", "token", "subject_token"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\n``, ``\\x1b``...)."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def clip(body: bytes) -> bytes:
    """``body`` cut to ``BODY_LIMIT`` bytes."""
    return body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT] + b"...[truncated]"
