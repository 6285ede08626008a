"""Nova: create+get+delete, list rendering, the per-test reset, memory."""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from functools import partial
from typing import TYPE_CHECKING, Any

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
from bench.rows._cloud import add_servers, bench_cloud, token, unlimited_quotas

if TYPE_CHECKING:
    from pytest_mimic.cloud import MimicCloud

_CREATE = {"server": {"name": "bench", "flavorRef": "2", "imageRef": "img"}}
#: Goals of the speed issue for ``GET /servers/detail``, by servers in the tenant.
_LIST_GOALS = {100: Goal.at_most(4, "ms"), 1000: Goal.at_most(35, "ms")}


def _sets_per_second(
    session: requests.Session, compute: str, auth: dict[str, str], count: int
) -> float:
    """create + get + delete sets per second through ``requests``, statuses checked."""
    servers = compute + "/servers"
    post, get, delete = session.post, session.get, session.delete

    def one_set() -> None:
        created = post(servers, json=_CREATE, headers=auth)
        if created.status_code != 202:
            raise BenchError(f"POST {servers} answered {created.status_code}: {created.text}")
        server = f"{servers}/{created.json()['server']['id']}"
        if get(server, headers=auth).status_code != 200:
            raise BenchError(f"GET {server} did not answer 200")
        if delete(server, headers=auth).status_code != 204:
            raise BenchError(f"DELETE {server} did not answer 204")

    return per_second(count, one_set)


@row("nova-cgd", "Nova create + get + delete through requests vs a do-nothing app")
def create_get_delete(bench: Bench) -> list[Line]:
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
        with serving(canned) as ceiling:
            got = interleave(
                {
                    "do-nothing": partial(
                        _sets_per_second, session, ceiling.url + path, auth, count
                    ),
                    "nova": partial(_sets_per_second, session, compute, auth, count),
                },
                rounds,
                between=cloud.journal.clear,
            )
    session.close()
    return [
        Line(
            "Nova create + get + delete (requests, keep-alive)",
            "sets/s",
            got["nova"],
            "do-nothing app on the same server, same answers",
            got["do-nothing"],
        )
    ]


@row("nova-novaclient", "Nova create + get + delete through python-novaclient vs requests")
def novaclient_sets(bench: Bench) -> list[Line]:
    try:
        from keystoneauth1 import session as keystone
        from keystoneauth1.identity import v2
        from novaclient import client
    except ImportError as missing:
        raise BenchError(f"nova-novaclient needs the test extras ({missing})") from None
    count = bench.pick(20, 8)
    rounds = bench.pick(16, 5)
    session = requests.Session()
    with bench_cloud() as cloud:
        unlimited_quotas(cloud)
        creds = cloud.credentials
        login = v2.Password(
            auth_url=cloud.auth_url,
            username=creds.username,
            password=creds.password,
            tenant_id=creds.tenant_id,
        )
        nova = client.Client("2.1", session=keystone.Session(auth=login), region_name=cloud.region)
        auth = {"X-Auth-Token": token(session, cloud)}

        def one_set() -> None:
            server = nova.servers.create("bench", image="img", flavor="2")
            nova.servers.get(server.id)
            nova.servers.delete(server.id)

        got = interleave(
            {
                "requests": partial(_sets_per_second, session, cloud.url("compute"), auth, count),
                "novaclient": partial(per_second, count, one_set),
            },
            rounds,
            between=cloud.journal.clear,
        )
    session.close()
    return [
        Line(
            "Nova create + get + delete (python-novaclient 2.1)",
            "sets/s",
            got["novaclient"],
            "the same through plain requests",
            got["requests"],
        )
    ]


def _list_sides(
    session: requests.Session, auth: dict[str, str], url: str
) -> tuple[Any, partial[float], partial[float]]:
    """The listed document, a timed GET of ``url`` and a timed ``json.dumps`` of it."""
    document = expect(session.get(url, headers=auth), 200).json()
    get = partial(session.get, url, headers=auth)
    return (
        document,
        partial(milliseconds, get),
        partial(milliseconds, partial(json.dumps, document)),
    )


@row("nova-list", "GET /servers/detail at 100, 1,000 and 10,000 servers vs json.dumps of it")
def list_detail(bench: Bench) -> list[Line]:
    rounds = bench.pick(30, 8)
    session = requests.Session()
    with bench_cloud() as cloud:
        sizes = dict(zip((100, 1000, 10_000), cloud.config.regions, strict=False))
        if len(sizes) < 3:
            raise BenchError("nova-list needs three regions, one per tenant size")
        for size, region in sizes.items():
            add_servers(cloud, size, region)
        auth = {"X-Auth-Token": token(session, cloud)}
        sides: dict[str, partial[float]] = {}
        listed: dict[int, int] = {}
        for size, region in sizes.items():
            url = cloud.url("compute", region=region) + "/servers/detail"
            document, sides[f"GET {size}"], sides[f"json {size}"] = _list_sides(session, auth, url)
            listed[size] = len(document["servers"])
        small, large = min(sizes), max(sizes)
        for size in (small, large):
            url = cloud.url("compute", region=sizes[size]) + "/servers/detail?limit=100"
            _, sides[f"limit {size}"], _ = _list_sides(session, auth, url)
        got = interleave(sides, rounds, between=cloud.journal.clear)
        cold = _first_listings(cloud, session, rounds)
    session.close()
    lines = []
    for size in sizes:
        shown = f"{listed[size]:,} listed"
        if listed[size] < size:
            shown += ": one page, Nova's default maximum"
        lines.append(
            Line(
                f"GET /servers/detail, {size:,} servers in the tenant ({shown})",
                "ms",
                got[f"GET {size}"],
                "json.dumps of the same document (the floor)",
                got[f"json {size}"],
                _LIST_GOALS.get(size),
            )
        )
    lines.append(
        Line(
            f"GET /servers/detail?limit=100, {large:,} servers in the tenant",
            "ms",
            got[f"limit {large}"],
            f"the same page with {small:,} servers in the tenant",
            got[f"limit {small}"],
        )
    )
    lines.append(
        Line(
            f"GET /servers/detail, {_COLD:,} new servers, first listing (nothing cached)",
            "ms",
            cold["GET"],
            "json.dumps of the same document (the floor)",
            cold["json"],
        )
    )
    return lines


#: Servers listed for the first time in the cold-listing line.
_COLD = 1000


def _first_listings(
    cloud: MimicCloud, session: requests.Session, rounds: int
) -> dict[str, list[float]]:
    """The first ``GET /servers/detail`` after ``_COLD`` servers are created, when no
    document is cached yet; each sample starts from a reset cloud (untimed)."""
    url = cloud.url("compute") + "/servers/detail"
    listed: list[Any] = []

    def first() -> float:
        cloud.reset()
        auth = {"X-Auth-Token": token(session, cloud)}
        add_servers(cloud, _COLD)
        started = time.perf_counter()
        response = session.get(url, headers=auth)
        took = (time.perf_counter() - started) * 1000
        listed[:] = [expect(response, 200).json()]
        return took

    def floor() -> float:
        return milliseconds(partial(json.dumps, listed[0]))

    return interleave({"GET": first, "json": floor}, rounds)


@row("nova-flavors-images", "GET /flavors/detail and /images/detail vs json.dumps of them")
def flavors_images(bench: Bench) -> list[Line]:
    rounds = bench.pick(30, 8)
    session = requests.Session()
    with bench_cloud() as cloud:
        auth = {"X-Auth-Token": token(session, cloud)}
        sides: dict[str, partial[float]] = {}
        counts: dict[str, int] = {}
        for kind in ("flavors", "images"):
            url = f"{cloud.url('compute')}/{kind}/detail"
            document, sides[f"GET {kind}"], sides[f"json {kind}"] = _list_sides(session, auth, url)
            counts[kind] = len(document[kind])
        got = interleave(sides, rounds, between=cloud.journal.clear)
    session.close()
    return [
        Line(
            f"GET /{kind}/detail ({counts[kind]} listed)",
            "ms",
            got[f"GET {kind}"],
            "json.dumps of the same document (the floor)",
            got[f"json {kind}"],
        )
        for kind in counts
    ]


@row("nova-reset", "the per-test reset with 1,000 servers in state")
def reset_cost(bench: Bench) -> list[Line]:
    rounds = bench.pick(30, 8)
    servers = 1000
    with bench_cloud() as cloud:

        def empty() -> float:
            cloud.reset()
            return milliseconds(cloud.reset)

        def full() -> float:
            add_servers(cloud, servers)
            return milliseconds(cloud.reset)

        def bracket() -> float:
            add_servers(cloud, servers)
            started = time.perf_counter()
            cloud.end_test()
            cloud.begin_test()
            return (time.perf_counter() - started) * 1000

        got = interleave({"empty": empty, "full": full, "bracket": bracket}, rounds)
    return [
        Line(
            f"cloud.reset() with {servers:,} servers",
            "ms",
            got["full"],
            "cloud.reset() of an empty cloud",
            got["empty"],
            Goal.below(1, "ms"),
        ),
        Line(
            f"end_test() + begin_test() (the fixture's work) with {servers:,} servers",
            "ms",
            got["bracket"],
            f"cloud.reset() with {servers:,} servers",
            got["full"],
        ),
    ]


def _detail_pages(session: requests.Session, cloud: MimicCloud, auth: dict[str, str]) -> int:
    """Lists every server page by page; returns the bytes of all the pages."""
    url = cloud.url("compute") + "/servers/detail"
    size, marker = 0, None
    while True:
        params = {"limit": "1000"} | ({"marker": marker} if marker else {})
        page = expect(session.get(url, params=params, headers=auth), 200)
        servers = page.json()["servers"]
        size += len(page.content)
        if not servers:
            return size
        marker = servers[-1]["id"]


@row("nova-memory", "memory of 10,000 servers (tracemalloc) vs their JSON")
def memory(bench: Bench) -> list[Line]:
    rounds = bench.pick(3, 1)
    servers = 10_000
    session = requests.Session()
    created: list[float] = []
    listed: list[float] = []
    json_mb: list[float] = []
    with bench_cloud() as cloud:
        for _ in range(rounds):
            cloud.reset()
            auth = {"X-Auth-Token": token(session, cloud)}
            gc.collect()
            tracemalloc.start()
            try:
                before = tracemalloc.get_traced_memory()[0]
                add_servers(cloud, servers)
                created.append((tracemalloc.get_traced_memory()[0] - before) / 1e6)
                size = _detail_pages(session, cloud, auth)
                cloud.journal.clear()
                gc.collect()
                listed.append((tracemalloc.get_traced_memory()[0] - before) / 1e6)
            finally:
                tracemalloc.stop()
            json_mb.append(size / 1e6)
    session.close()
    bench.note(
        f"nova-memory: {min(created) * 1e6 / servers:,.0f} bytes per server just created "
        f"(tracemalloc, server threads included)."
    )
    return [
        Line(
            f"memory of {servers:,} servers, just created",
            "MB",
            created,
            "their GET /servers/detail JSON, all pages",
            json_mb,
        ),
        Line(
            f"memory of {servers:,} servers, after listing them all once",
            "MB",
            listed,
            "their GET /servers/detail JSON, all pages",
            json_mb,
        ),
    ]
