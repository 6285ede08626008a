"""The one source of simulated time, and the bridge that lets code under test see it.

Simulated time is real wall time plus an offset, or a frozen instant. Everything that
decides a lifecycle (build times, token expiry, visibility timeouts) reads ``Clock.now()``
when a request arrives; nothing is scheduled.

freezegun patches ``time.time`` and friends process-wide, server threads included. The
clock therefore keeps references to the real functions in a tuple, where freezegun's
module scan cannot find and replace them, and real waits (injected latency, hangs) use
``real_sleep`` so they keep working while time is frozen or ``time.sleep`` is patched.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

# Kept in a tuple on purpose: freezegun swaps module-level references to the real
# functions when it starts, but not references held inside containers.
_REAL: tuple[Callable[[], float], Callable[[float], None], Callable[[], float]] = (
    time.time,
    time.sleep,
    time.monotonic,
)


def real_time() -> float:
    """Wall-clock seconds since the epoch, never rewritten by freezegun."""
    return _REAL[0]()


def real_sleep(seconds: float) -> None:
    """Sleep for real, even while ``time.sleep`` advances the simulated clock."""
    _REAL[1](seconds)


def real_monotonic() -> float:
    """Monotonic seconds for measuring durations, never rewritten by freezegun."""
    return _REAL[2]()


#: The range simulated time stays in: a wild ``advance`` is refused instead of leaving a
#: clock whose every reading fails to format. It ends a day before ``LAST_DATE`` so that a
#: day-long deadline computed from any reading (a fresh token's expiry) still shows as a date.
EARLIEST = 0.0
LATEST = datetime(9999, 12, 31, tzinfo=UTC).timestamp()

#: The last whole second a timestamp can be shown as a date: deadlines stop there (``clamp``).
#: Not 23:59:59.999999, which a float this large rounds up to the year 10000.
LAST_DATE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()


def clamp(deadline: float) -> float:
    """``deadline``, or ``EARLIEST`` or ``LAST_DATE`` if it falls outside them.

    For instants computed from the clock (``now + lifetime``): near the end of the clock's
    range, or with a huge lifetime, the deadline ends at ``LAST_DATE`` instead of becoming a
    date that cannot be shown. Raises ``ValueError`` for NaN, which is no instant at all.
    """
    if math.isnan(deadline):
        raise ValueError("a deadline cannot be NaN")
    return min(max(deadline, EARLIEST), LAST_DATE)


def to_datetime(timestamp: float) -> datetime:
    """An aware UTC datetime for a clock reading."""
    return datetime.fromtimestamp(timestamp, tz=UTC)


def isoformat_z(timestamp: float, *, digits: int = 6) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (or fewer fraction digits), the form Rackspace APIs use."""
    moment = to_datetime(timestamp)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}"[:digits]
    return text + "Z"


class Clock:
    """Simulated time for one cloud: wall time plus an offset, or frozen.

    Readings stay between ``EARLIEST`` and ``LATEST``: moves outside are refused, and a
    running clock that reaches ``LATEST`` stands still there. Thread-safe; readers never
    block each other for long. ``listeners`` are told after every change so an active
    freezegun freeze can follow the clock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._listeners: list[Callable[[Clock], None]] = []

    def __repr__(self) -> str:
        state = "frozen" if self.frozen else "running"
        return f"<Clock {state} at {isoformat_z(self.now())}>"

    @property
    def frozen(self) -> bool:
        """Whether simulated time stands still between explicit moves."""
        return self._frozen_at is not None

    def now(self) -> float:
        """Simulated seconds since the epoch, never past ``LATEST``."""
        with self._lock:
            return self._now_locked()

    def now_datetime(self) -> datetime:
        """Simulated now as an aware UTC datetime."""
        return to_datetime(self.now())

    def advance(self, seconds: float | timedelta) -> float:
        """Move simulated time forward (seconds or a ``timedelta``) and return the new now.

        Raises ``ValueError`` for a negative or non-finite amount, or one that would pass
        ``LATEST`` (9999-12-31); the clock is then left where it was.
        """
        seconds = _seconds(seconds)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(
                f"cannot advance the clock by {seconds!r} s; to go back, use move_to(...)"
            )
        with self._lock:
            target = self._now_locked() + seconds
            _check_range(target)
            if self._frozen_at is not None:
                self._frozen_at = target
            else:
                self._offset += seconds
        self._notify()
        return self.now()

    def move_to(self, moment: Moment) -> float:
        """Jump to ``moment``: a datetime (naive = UTC), a date, an ISO 8601 string or a
        timestamp. Backwards is allowed: states derive from timestamps when read, so a
        server created "in the future" is simply still building.
        """
        target = _timestamp(moment)
        _check_range(target)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = target
            else:
                self._offset = target - real_time()
        self._notify()
        return target

    def freeze(self) -> None:
        """Stop simulated time where it is until ``unfreeze``, ``advance`` or ``move_to``."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = self._now_locked()
        self._notify()

    def unfreeze(self) -> None:
        """Let simulated time run again from where it stands."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - real_time()
                self._frozen_at = None
        self._notify()

    def reset(self) -> None:
        """Back to real wall time, running."""
        with self._lock:
            self._offset = 0.0
            self._frozen_at = None
        self._notify()

    def add_listener(self, listener: Callable[[Clock], None]) -> None:
        """Call ``listener(clock)`` after every change until removed."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[Clock], None]) -> None:
        """Stop telling ``listener`` about changes; unknown listeners are ignored."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _now_locked(self) -> float:
        if self._frozen_at is not None:
            return self._frozen_at
        # A running clock stops at the end of its range rather than run into dates that
        # cannot be shown.
        return min(real_time() + self._offset, LATEST)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener(self)


def _check_range(timestamp: float) -> None:
    if not EARLIEST <= timestamp <= LATEST:
        raise ValueError(
            "the clock only moves between 1970-01-01 and 9999-12-31; "
            f"{timestamp!r} s since the epoch is outside that"
        )


Moment = datetime | date | str | float


def _timestamp(moment: Moment) -> float:
    """A timestamp from a datetime (naive = UTC), a date (its midnight UTC), an ISO 8601
    string (``"2030-01-01T12:00:00Z"``), or a number of seconds since the epoch.
    """
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{moment!r} is not an ISO 8601 date or time") from None
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    if isinstance(moment, date):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC).timestamp()
    if isinstance(moment, bool) or not isinstance(moment, int | float):
        raise TypeError(f"cannot move the clock to {moment!r}: give a datetime, date or string")
    return float(moment)


def _seconds(amount: float | timedelta) -> float:
    if isinstance(amount, timedelta):
        return amount.total_seconds()
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise TypeError(f"give seconds or a timedelta, not {amount!r}")
    return float(amount)


class TimeTravel:
    """Moves a cloud's clock and makes code under test see the same time.

    While started, freezegun shows the simulated time to ``time.time()``,
    ``datetime.now()`` and friends everywhere in the process, so a client that checks
    token expiry or polls with a deadline agrees with the fake servers. With
    ``advance_on_sleep()`` a call to ``time.sleep(n)`` advances the clock by ``n`` instead
    of waiting, so polling loops finish at once.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._freezer: Any = None
        self._factory: Any = None
        self._sleep_patched = False
        self._started = False

    def __enter__(self) -> TimeTravel:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Begin showing simulated time to the whole process."""
        if self._started:
            return
        self._started = True
        self._restart_freezer()
        self.clock.add_listener(self._follow)

    def stop(self) -> None:
        """Undo everything ``start`` and ``advance_on_sleep`` did."""
        if not self._started:
            return
        self._started = False
        self.clock.remove_listener(self._follow)
        self._stop_freezer()
        if self._sleep_patched:
            time.sleep = _REAL[1]  # type: ignore[assignment]
            self._sleep_patched = False

    def advance(self, seconds: float | timedelta) -> float:
        """Move simulated time forward by seconds or a ``timedelta``; the new timestamp.

        A negative amount is refused with a message naming ``shift``, the move that may go
        back (the clock's own message only knows ``move_to``).
        """
        amount = _seconds(seconds)
        if amount < 0:
            raise ValueError(
                f"advance() only goes forward, not by {amount!r} s; to go back, use "
                f"time_travel.shift({amount!r}) or time_travel.move_to(...)"
            )
        return self.clock.advance(seconds)

    def shift(self, seconds: float | timedelta) -> float:
        """time-machine's name for a move by an amount; negative amounts go back."""
        amount = _seconds(seconds)
        if amount >= 0:
            return self.clock.advance(amount)
        return self.clock.move_to(self.clock.now() + amount)

    def move_to(self, moment: Moment) -> float:
        """Jump simulated time to a datetime, date, ISO 8601 string or timestamp."""
        return self.clock.move_to(moment)

    def freeze(self) -> None:
        """Stop simulated time; only explicit moves change it."""
        self.clock.freeze()

    def unfreeze(self) -> None:
        """Let simulated time run again."""
        self.clock.unfreeze()

    def now(self) -> datetime:
        """Simulated now, as an aware UTC datetime."""
        return self.clock.now_datetime()

    def advance_on_sleep(self) -> None:
        """Make ``time.sleep(n)`` advance the clock by ``n`` seconds instead of waiting.

        Only code that looks up ``time.sleep`` at call time is affected; a module that did
        ``from time import sleep`` keeps the real one.
        """
        if not self._sleep_patched:
            clock = self.clock

            def sleep(seconds: float) -> None:
                if seconds > 0:
                    clock.advance(seconds)

            time.sleep = sleep  # type: ignore[assignment]
            self._sleep_patched = True

    def _follow(self, clock: Clock) -> None:
        if self._freezer is None:
            return
        ticking = not clock.frozen
        if ticking != self._ticking:
            self._restart_freezer()
        else:
            self._factory.move_to(clock.now_datetime().replace(tzinfo=None))

    def _restart_freezer(self) -> None:
        import freezegun

        self._stop_freezer()
        self._ticking = not self.clock.frozen
        moment = self.clock.now_datetime().replace(tzinfo=None)
        self._freezer = freezegun.freeze_time(moment, tick=self._ticking)
        self._factory = self._freezer.start()

    def _stop_freezer(self) -> None:
        if self._freezer is not None:
            self._freezer.stop()
            self._freezer = None
            self._factory = None
