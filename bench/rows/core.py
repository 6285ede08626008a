"""The spine every service inherits: the dispatcher against a do-nothing app on the same
server, keep-alive on and off, the socket-free path, fault rules, start/stop, fixture cost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import requests

from bench.ceiling import DoNothingApp, serving
from bench.harness import (
    Bench,
    BenchError,
    Goal,
    Line,
    expect,
    interleave,
    milliseconds,
    per_second,
    row,
)
from bench.rows._cloud import bench_cloud, counting_connections, token
from pytest_mimic.cloud import MimicCloud
from pytest_mimic.server import MimicServer

if TYPE_CHECKING:
    from collections.abc import Callable

#: The issue's goal for a trivial operation through the dispatcher, kept-alive.
DISPATCHER_GOAL = Goal.ratio_at_least(0.85)


def _get_rate(session: requests.Session, url: str, headers: dict[str, str], count: int) -> float:
    """GETs per second of ``url``, each checked for a 200."""
    get = session.get

    def call() -> None:
        if get(url, headers=headers).status_code != 200:
            raise BenchError(f"GET {url} did not answer 200")

    return per_second(count, call)


def _in_process(cloud: MimicCloud, measure: Callable[[], float]) -> float:
    """``measure()`` with the cloud's ``requests`` calls served without a socket."""
    with cloud.in_process():
        return measure()


@row("spine", "trivial operations: dispatcher vs do-nothing app; keep-alive; in-process")
def spine(bench: Bench) -> list[Line]:
    count = bench.pick(100, 40)
    rounds = bench.pick(30, 8)
    lines: list[Line] = []
    session = requests.Session()
    with bench_cloud() as cloud:
        auth = {"X-Auth-Token": token(session, cloud)}
        created = session.post(
            cloud.url("compute") + "/servers",
            json={"server": {"name": "bench", "flavorRef": "2", "imageRef": "img"}},
            headers=auth,
        )
        server_url = expect(created, 202).json()["server"]["links"][0]["href"]
        operations = {
            "GET /identity/v2.0 (version document)": (cloud.url("identity") + "/v2.0", {}),
            "GET /compute/…/servers/{id} with a token": (server_url, auth),
        }
        canned = DoNothingApp()
        for url, headers in operations.values():
            canned.record(expect(session.get(url, headers=headers), 200))
        with (
            serving(canned) as ceiling,
            serving(canned, keep_alive=False) as ceiling_closing,
            serving(cloud.dispatcher, keep_alive=False) as closing,
        ):
            servers: dict[str, MimicServer] = {
                "do-nothing, keep-alive": ceiling,
                "dispatcher, keep-alive": cloud.server,
                "dispatcher, closed per response": closing,
                "do-nothing, closed per response": ceiling_closing,
            }
            for what, (url, headers) in operations.items():
                bench.progress(f"  {what}")
                path = url.removeprefix(cloud.base_url)
                sides = {
                    name: partial(_get_rate, session, server.url + path, headers, count)
                    for name, server in servers.items()
                }
                sides["dispatcher, in-process"] = partial(
                    _in_process, cloud, sides["dispatcher, keep-alive"]
                )
                # Keep the pairs that are divided adjacent in the round.
                order = [
                    "do-nothing, keep-alive",
                    "dispatcher, keep-alive",
                    "dispatcher, in-process",
                    "dispatcher, closed per response",
                    "do-nothing, closed per response",
                ]
                got = interleave(
                    {name: sides[name] for name in order}, rounds, between=cloud.journal.clear
                )
                lines += [
                    Line(
                        f"{what}, keep-alive",
                        "req/s",
                        got["dispatcher, keep-alive"],
                        "do-nothing app on the same server, keep-alive",
                        got["do-nothing, keep-alive"],
                        DISPATCHER_GOAL,
                    ),
                    Line(
                        f"{what}, connection closed per response",
                        "req/s",
                        got["dispatcher, closed per response"],
                        "do-nothing app on the same server, closed per response",
                        got["do-nothing, closed per response"],
                    ),
                    Line(
                        f"{what}, in-process (no socket)",
                        "req/s",
                        got["dispatcher, in-process"],
                        "the same through the socket, keep-alive",
                        got["dispatcher, keep-alive"],
                    ),
                    Line(
                        f"{what}: what keep-alive is worth to the dispatcher",
                        "req/s",
                        got["dispatcher, keep-alive"],
                        "the dispatcher, closed per response",
                        got["dispatcher, closed per response"],
                    ),
                ]
            probe = cloud.url("identity") + "/v2.0"
            opened = {}
            for name, server in servers.items():
                with counting_connections() as connects:
                    for _ in range(20):
                        session.get(probe.replace(cloud.base_url, server.url))
                opened[name] = connects[0]
    session.close()
    bench.note(
        "spine: new TCP connections for 20 more requests on the same requests.Session: "
        + "; ".join(f"{name}: {n}" for name, n in opened.items())
        + "."
    )
    return lines


@row("fault-rules", "the cost of fault rules that do not match")
def fault_rules(bench: Bench) -> list[Line]:
    count = bench.pick(60, 30)
    rounds = bench.pick(40, 8)
    rules = 10
    session = requests.Session()
    with bench_cloud() as cloud:
        url = cloud.url("identity") + "/v2.0"

        def plain() -> float:
            return _get_rate(session, url, {}, count)

        def with_rules() -> float:
            handles = [
                cloud.inject("identity", "version", status=500, api="never-matches")
                for _ in range(rules)
            ]
            try:
                return plain()
            finally:
                for handle in handles:
                    handle.remove()

        got = interleave(
            {"none": plain, "rules": with_rules},
            rounds,
            between=cloud.journal.clear,
        )
    session.close()
    return [
        Line(
            f"GET /identity/v2.0 with {rules} fault rules that do not match",
            "req/s",
            got["rules"],
            "no fault rules",
            got["none"],
        )
    ]


@row("start-stop", "starting and stopping a cloud vs the bare server")
def start_stop(bench: Bench) -> list[Line]:
    rounds = bench.pick(15, 4)

    def make(kind: str) -> MimicCloud | MimicServer:
        return MimicCloud() if kind == "cloud" else MimicServer(DoNothingApp())

    def start(kind: str) -> float:
        target = make(kind)
        took = milliseconds(target.start)
        target.stop()
        return took

    def stop(kind: str) -> float:
        target = make(kind)
        target.start()
        return milliseconds(target.stop)

    got = interleave(
        {
            "cloud start": partial(start, "cloud"),
            "server start": partial(start, "server"),
            "cloud stop": partial(stop, "cloud"),
            "server stop": partial(stop, "server"),
        },
        rounds,
    )
    return [
        Line(
            "MimicCloud start",
            "ms",
            got["cloud start"],
            "bare MimicServer start",
            got["server start"],
        ),
        Line(
            "MimicCloud stop", "ms", got["cloud stop"], "bare MimicServer stop", got["server stop"]
        ),
    ]


_TEST_COUNT = 500

_CONFTEST = '''\
"""Writes how long the test loop took to $BENCH_LOOP_SECONDS: startup is left out."""
import os
import time

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        with open(os.environ["BENCH_LOOP_SECONDS"], "w") as out:
            out.write(repr(time.perf_counter() - started))
'''


def _test_file(fixture: str) -> str:
    """``_TEST_COUNT`` empty tests, each asking for ``fixture`` (or for nothing)."""
    return "".join(f"def test_{i}({fixture}):\n    pass\n\n\n" for i in range(_TEST_COUNT))


@row("fixture-cost", f"a pytest run of {_TEST_COUNT} tests with and without mimic_cloud")
def fixture_cost(bench: Bench) -> list[Line]:
    rounds = bench.pick(10, 3)
    with tempfile.TemporaryDirectory(prefix="mimic-bench-") as scratch:
        folder = Path(scratch)
        (folder / "pytest.ini").write_text("[pytest]\n")
        (folder / "conftest.py").write_text(_CONFTEST)
        (folder / "test_with.py").write_text(_test_file("mimic_cloud"))
        (folder / "test_without.py").write_text(_test_file(""))
        loop_file = folder / "loop-seconds"
        env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
        env["BENCH_LOOP_SECONDS"] = str(loop_file)
        wall: dict[str, list[float]] = {"without": [], "with": [], "in-process": []}

        def run(name: str, *arguments: str) -> float:
            command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *arguments]
            started = time.perf_counter()
            done = subprocess.run(
                command, cwd=folder, env=env, capture_output=True, text=True, check=False
            )
            wall[name].append(time.perf_counter() - started)
            if done.returncode != 0 or f"{_TEST_COUNT} passed" not in done.stdout:
                tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
                raise BenchError(f"{' '.join(command)} failed; its output ends:\n{tail}")
            return float(loop_file.read_text())

        bench.progress(f"fixture-cost: {rounds + 1} x 3 pytest runs in subprocesses")
        got = interleave(
            {
                "without": lambda: run("without", "test_without.py"),
                "with": lambda: run("with", "test_with.py"),
                "in-process": lambda: run(
                    "in-process", "test_with.py", "--mimic-transport", "in-process"
                ),
            },
            rounds,
        )
    bench.note(
        "fixture-cost: the runs with mimic_cloud also start and stop the session's cloud "
        f"once (see start-stop), spread over the {_TEST_COUNT} tests."
    )
    # The warm-up run of each side is not a sample.
    wall = {name: runs[1:] for name, runs in wall.items()}

    def per_test(samples: list[float], bare: list[float]) -> list[float]:
        return [(a - b) * 1000 / _TEST_COUNT for a, b in zip(samples, bare, strict=True)]

    bare = [seconds * 1000 / _TEST_COUNT for seconds in got["without"]]
    bare_wall = [seconds * 1000 / _TEST_COUNT for seconds in wall["without"]]
    return [
        Line(
            "extra per test using mimic_cloud (pytest's test loop)",
            "ms",
            per_test(got["with"], got["without"]),
            "a test without it",
            bare,
            Goal.below(1, "ms"),
        ),
        Line(
            "the same, mimic_transport = in-process",
            "ms",
            per_test(got["in-process"], got["without"]),
            "a test without it",
            bare,
            Goal.below(1, "ms"),
        ),
        Line(
            "extra per test using mimic_cloud (whole pytest process, noisier)",
            "ms",
            per_test(wall["with"], wall["without"]),
            "a test without it (whole process / 500)",
            bare_wall,
        ),
    ]
