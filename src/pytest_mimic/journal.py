"""The journal: every request the fake served, as an operation a test can assert on."""

from __future__ import annotations

import threading
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

    def describe(self) -> str:
        """``METHOD /path -> status (service.operation)``, one line."""
        target = self.path + (f"?{self.query}" if self.query else "")
        text = f"{self.method} {target} -> {self.status} ({self.service}.{self.operation})"
        if self.fault:
            text += f" [fault: {self.fault}]"
        return text


class Journal:
    """Calls in arrival order, thread-safe; cleared with the rest of the cloud."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []

    def __len__(self) -> int:
        with self._lock:
            return len(self._calls)

    def record(self, call: Call) -> None:
        """Append ``call``."""
        with self._lock:
            self._calls.append(call)

    def clear(self) -> None:
        """Forget every call."""
        with self._lock:
            self._calls.clear()

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
            calls = self._calls[-limit:]
            skipped = len(self._calls) - len(calls)
        lines = [call.describe() for call in calls]
        if skipped:
            lines.insert(0, f"... {skipped} earlier calls")
        return "\n".join(lines)


def clip(body: bytes) -> bytes:
    """``body`` cut to ``BODY_LIMIT`` bytes."""
    return body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT] + b"...[truncated]"
