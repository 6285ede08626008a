"""The dashboard: what it costs the cloud when no page is open (nothing), and when one is."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

import requests

from bench.ceiling import DoNothingApp, serving
from bench.harness import Bench, Line, expect, interleave, row
from bench.rows._cloud import bench_cloud, token, unlimited_quotas
from bench.rows.nova import _CREATE, _sets_per_second
from pytest_mimic.dashboard.service import DASHBOARD_PATH

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

#: How often the page polls while visible (``static/dashboard.js``, ``POLL_MS``).
PAGE_POLL_SECONDS = 0.5


@contextmanager
def _page_open(base_url: str) -> Iterator[None]:
    """A page's polling, as the browser does it, in a thread until the block ends."""
    stop = threading.Event()

    def poll() -> None:
        session = requests.Session()
        since, epoch = 0, None
        while not stop.is_set():
            query = {"since": since, **({"epoch": epoch} if epoch is not None else {})}
            journal = session.get(f"{base_url}{DASHBOARD_PATH}/api/state", params=query)
            part = expect(journal, 200).json()["journal"]
            since, epoch = part["next"], part["epoch"]
            stop.wait(PAGE_POLL_SECONDS)
        session.close()

    thread = threading.Thread(target=poll, name="dashboard-page", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _with_page(base_url: str, measure: Callable[[], float]) -> float:
    with _page_open(base_url):
        return measure()


@row("dashboard-closed", "Nova create + get + delete with no dashboard open, and with one")
def closed_page(bench: Bench) -> list[Line]:
    count = bench.pick(30, 15)
    rounds = bench.pick(30, 8)
    session = requests.Session()
    with bench_cloud() as cloud:
        unlimited_quotas(cloud)
        auth = {"X-Auth-Token": token(session, cloud)}
        compute = cloud.url("compute")
        canned = DoNothingApp()
        created = canned.record(
            expect(session.post(compute + "/servers", json=_CREATE, headers=auth), 202)
        )
        server = f"{compute}/servers/{created.json()['server']['id']}"
        canned.record(expect(session.get(server, headers=auth), 200))
        canned.record(expect(session.delete(server, headers=auth), 204))
        path = compute.removeprefix(cloud.base_url)
        nova = partial(_sets_per_second, session, compute, auth, count)
        with serving(canned) as ceiling:
            got = interleave(
                {
                    "do-nothing": partial(
                        _sets_per_second, session, ceiling.url + path, auth, count
                    ),
                    "no page": nova,
                    "page open": partial(_with_page, cloud.base_url, nova),
                },
                rounds,
                between=cloud.journal.clear,
            )
    session.close()
    return [
        Line(
            "Nova create + get + delete, no dashboard open",
            "sets/s",
            got["no page"],
            "do-nothing app on the same server, same answers",
            got["do-nothing"],
        ),
        Line(
            "Nova create + get + delete, a dashboard polling twice a second",
            "sets/s",
            got["page open"],
            "no dashboard open",
            got["no page"],
        ),
    ]
