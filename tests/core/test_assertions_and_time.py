"""Journal assertions with readable failures, and time given the way users write it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import requests

from pytest_mimic.validation import UnknownName


def test_assert_called_counts_and_filters(mimic_cloud, widgets):
    requests.post(widgets, json={"name": "web-1"})
    requests.post(widgets, json={"name": "web-2"})
    requests.post(widgets, json={"name": "db-1"})

    found = mimic_cloud.assert_called("widgets", "create_widget", times=2, widget_name="web-.*")

    assert [c.attributes["widget_name"] for c in found] == ["web-1", "web-2"]
    mimic_cloud.assert_called("widgets", "create_widget")
    mimic_cloud.assert_not_called("widgets", "get_widget")


def test_a_failed_assert_called_lists_the_calls_made(mimic_cloud, widgets):
    requests.post(widgets, json={"name": "db-1"})

    with pytest.raises(AssertionError) as caught:
        mimic_cloud.assert_called("widgets", "create_widget", times=2, widget_name="web-.*")

    message = str(caught.value)
    assert "expected 2 call(s) matching widgets.create_widget with widget_name='web-.*'" in message
    assert "found 0" in message
    assert "POST /widgets -> 201 (widgets.create_widget)" in message


def test_a_failed_assert_not_called_lists_the_offending_calls(mimic_cloud, widgets):
    requests.post(widgets, json={"name": "w"})

    with pytest.raises(AssertionError, match=r"found 1:\n  POST /widgets -> 201"):
        mimic_cloud.assert_not_called("widgets", "create_widget")


def test_assertions_refuse_misspelt_names(mimic_cloud):
    with pytest.raises(UnknownName, match="did you mean 'create_server'"):
        mimic_cloud.assert_called("nova", "create_sever")


def test_advance_takes_seconds_or_a_timedelta(time_travel, mimic_cloud):
    time_travel.freeze()
    start = mimic_cloud.clock.now()

    time_travel.advance(60)
    time_travel.advance(timedelta(minutes=9))

    assert mimic_cloud.clock.now() == pytest.approx(start + 600)


def test_shift_goes_both_ways(time_travel, mimic_cloud):
    time_travel.freeze()
    start = mimic_cloud.clock.now()

    time_travel.shift(timedelta(hours=1))
    time_travel.shift(-1800)

    assert mimic_cloud.clock.now() == pytest.approx(start + 1800)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2031, 5, 4, 12, 0, tzinfo=UTC),
        datetime(2031, 5, 4, 12, 0),
        "2031-05-04T12:00:00Z",
        "2031-05-04T14:00:00+02:00",
    ],
)
def test_move_to_takes_datetimes_and_iso_strings(time_travel, moment):
    time_travel.freeze()
    time_travel.move_to(moment)

    assert time_travel.now() == datetime(2031, 5, 4, 12, 0, tzinfo=UTC)
    assert datetime.now(UTC) == datetime(2031, 5, 4, 12, 0, tzinfo=UTC)  # the test sees it


def test_move_to_a_date_is_its_midnight(time_travel):
    time_travel.freeze()
    time_travel.move_to(date(2031, 5, 4))

    assert time_travel.now() == datetime(2031, 5, 4, tzinfo=UTC)


def test_advancing_backwards_says_what_to_use(time_travel):
    with pytest.raises(ValueError, match=r"to go back, use time_travel\.shift\(-5\.0\) or"):
        time_travel.advance(-5)
    with pytest.raises(ValueError, match="is not an ISO 8601"):
        time_travel.move_to("next tuesday")
    with pytest.raises(TypeError, match="give seconds or a timedelta"):
        time_travel.advance("5")
