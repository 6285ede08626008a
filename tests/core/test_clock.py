"""The clock: simulated time is wall time plus an offset, or frozen."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from pytest_mimic import clock as clock_module
from pytest_mimic.clock import (
    EARLIEST,
    LAST_DATE,
    LATEST,
    Clock,
    TimeTravel,
    clamp,
    isoformat_z,
)


def test_running_clock_follows_wall_time():
    clock = Clock()

    assert abs(clock.now() - time.time()) < 5
    assert not clock.frozen


def test_advance_moves_time_forward_by_exactly_the_amount():
    clock = Clock()
    clock.freeze()
    before = clock.now()

    after = clock.advance(600)

    assert after - before == 600


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf")])
def test_advance_refuses_negative_and_non_finite_amounts(seconds):
    with pytest.raises(ValueError, match="cannot advance"):
        Clock().advance(seconds)


def test_the_clock_never_leaves_the_range_a_date_can_show():
    clock = Clock()
    clock.freeze()
    before = clock.now()

    with pytest.raises(ValueError, match="9999-12-31"):
        clock.advance(1e300)
    with pytest.raises(ValueError, match="1970-01-01"):
        clock.move_to(-1.0)

    assert clock.now() == before
    assert isoformat_z(clock.now())  # still readable
    clock.move_to(datetime(9999, 12, 30, tzinfo=UTC))
    assert isoformat_z(clock.now()).startswith("9999-12-30T")


def test_a_running_clock_stands_still_at_the_end_of_its_range(monkeypatch):
    """Readings past LATEST would soon become dates no one can show; the clock stops there."""
    wall = [1_000.0]
    monkeypatch.setattr(clock_module, "real_time", lambda: wall[0])
    clock = Clock()
    clock.move_to(LATEST - 10)

    wall[0] += 5
    assert clock.now() == LATEST - 5
    wall[0] += 3 * 86400
    assert clock.now() == LATEST
    with pytest.raises(ValueError, match="9999-12-31"):
        clock.advance(1)
    clock.freeze()
    assert clock.now() == LATEST


def test_clamp_keeps_computed_deadlines_showable_as_dates():
    assert clamp(LATEST + 3600) == LATEST + 3600
    assert clamp(LATEST + 86400) == LAST_DATE
    assert clamp(1e300) == clamp(float("inf")) == LAST_DATE
    assert clamp(-1.0) == EARLIEST
    assert isoformat_z(clamp(LATEST + 366 * 86400), digits=3) == "9999-12-31T23:59:59.000Z"
    with pytest.raises(ValueError, match="NaN"):
        clamp(float("nan"))


def test_move_to_accepts_naive_datetimes_as_utc():
    clock = Clock()

    clock.move_to(datetime(2030, 1, 2, 3, 4, 5))

    assert clock.now_datetime().replace(microsecond=0) == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_unfreeze_resumes_from_the_frozen_instant():
    clock = Clock()
    clock.move_to(datetime(2030, 1, 1, tzinfo=UTC))
    clock.freeze()
    frozen = clock.now()

    clock.unfreeze()

    assert 0 <= clock.now() - frozen < 5


def test_reset_returns_to_real_time():
    clock = Clock()
    clock.advance(10 * 365 * 86400)
    clock.freeze()

    clock.reset()

    assert abs(clock.now() - time.time()) < 5
    assert not clock.frozen


def test_isoformat_z_has_fraction_and_zulu():
    assert isoformat_z(0, digits=3) == "1970-01-01T00:00:00.000Z"
    assert isoformat_z(1.5) == "1970-01-01T00:00:01.500000Z"


def test_time_travel_shows_simulated_time_to_the_process():
    """freezegun makes time.time() and datetime.now() agree with the advanced clock."""
    clock = Clock()
    with TimeTravel(clock) as travel:
        travel.advance(7200)

        assert abs(time.time() - clock.now()) < 5
        assert abs(datetime.now(UTC).timestamp() - clock.now()) < 5
    assert abs(time.time() - clock.now() + 7200) < 5


def test_time_travel_follows_freeze_and_move_to():
    clock = Clock()
    with TimeTravel(clock) as travel:
        travel.freeze()
        travel.move_to(datetime(2031, 5, 5, tzinfo=UTC))

        assert datetime.now(UTC) == datetime(2031, 5, 5, tzinfo=UTC)
        assert time.time() == clock.now()


def test_sleep_advances_the_clock_instead_of_waiting():
    clock = Clock()
    clock.freeze()
    before = clock.now()
    with TimeTravel(clock) as travel:
        travel.advance_on_sleep()
        time.sleep(3600)

        assert clock.now() - before == 3600
    assert time.sleep.__module__ == "time"
