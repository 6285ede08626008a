"""Core benchmark: server start/stop time and round trips per second through `requests`.

Run by hand (``python bench/core_bench.py``) or in CI as a report; it asserts nothing.
"""

from __future__ import annotations

import statistics
import time

import requests

from pytest_mimic import MimicCloud


def start_stop(rounds: int = 20) -> tuple[float, float]:
    starts, stops = [], []
    for _ in range(rounds):
        cloud = MimicCloud()
        began = time.perf_counter()
        cloud.start()
        started = time.perf_counter()
        cloud.stop()
        stopped = time.perf_counter()
        starts.append(started - began)
        stops.append(stopped - started)
    return statistics.median(starts), statistics.median(stops)


def round_trips(seconds: float = 3.0) -> tuple[float, float]:
    """Sequential GETs of a version document, and the same with a latency-free fault rule."""
    with MimicCloud() as cloud, cloud.test():
        url = cloud.url("identity")
        session = requests.Session()
        plain = _rate(lambda: session.get(url), seconds)
        cloud.inject("identity", "never-matches", status=500)
        with_rule = _rate(lambda: session.get(url), seconds)
    return plain, with_rule


def _rate(call: object, seconds: float) -> float:
    count = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        call()  # type: ignore[operator]
        count += 1
    return count / seconds


def main() -> None:
    start, stop = start_stop()
    plain, with_rule = round_trips()
    print(f"server start (median of 20): {start * 1000:.1f} ms")
    print(f"server stop  (median of 20): {stop * 1000:.1f} ms")
    print(f"GET round trips/s: {plain:.0f} (with one non-matching fault rule: {with_rule:.0f})")


if __name__ == "__main__":
    main()
