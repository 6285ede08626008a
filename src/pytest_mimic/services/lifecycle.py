"""Resource status that changes at known clock times, computed when read.

No timers: a ``Timeline`` stores *when* each status begins, and ``status_at(now)`` picks
the latest one that has begun. Scheduling "BUILD now, ACTIVE in 600 s" is two steps.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass
class Timeline:
    """The statuses of one resource over simulated time."""

    _times: list[float] = field(default_factory=list)
    _statuses: list[str] = field(default_factory=list)

    @classmethod
    def starting(cls, at: float, status: str) -> Timeline:
        """A timeline that is ``status`` from ``at`` on."""
        timeline = cls()
        timeline.set(at, status)
        return timeline

    def set(self, at: float, status: str) -> None:
        """``status`` from ``at`` on, cancelling anything planned after ``at``."""
        cut = bisect.bisect_left(self._times, at)
        del self._times[cut:], self._statuses[cut:]
        self._times.append(at)
        self._statuses.append(status)

    def status_at(self, now: float) -> str:
        """The status in force at ``now`` (the first status if ``now`` is earlier)."""
        if not self._times:
            raise LookupError("empty timeline")
        index = bisect.bisect_right(self._times, now) - 1
        return self._statuses[max(index, 0)]

    def changed_at(self, now: float) -> float:
        """When the status in force at ``now`` began."""
        index = bisect.bisect_right(self._times, now) - 1
        return self._times[max(index, 0)]

    def next_change(self, now: float) -> tuple[float, str] | None:
        """``(when, status)`` of the first planned change after ``now``; ``None`` if none is
        planned (a dashboard shows how long a server has left in BUILD).
        """
        index = bisect.bisect_right(self._times, now)
        if index >= len(self._times):
            return None
        return self._times[index], self._statuses[index]

    def pending(self, now: float) -> bool:
        """Whether a planned change has not happened yet."""
        return bool(self._times) and self._times[-1] > now
