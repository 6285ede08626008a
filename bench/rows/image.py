"""Image: the list every client (openstacksdk, the openstack command) starts with."""

from __future__ import annotations

import requests

from bench.ceiling import DoNothingApp, serving
from bench.harness import Bench, BenchError, Line, expect, interleave, per_second, row
from bench.rows._cloud import bench_cloud, token


@row("image-list", "GET /image/{region}/v2/images (a page of 15 base images) vs a do-nothing app")
def image_list(bench: Bench) -> list[Line]:
    count = bench.pick(60, 20)
    rounds = bench.pick(20, 6)
    session = requests.Session()
    with bench_cloud() as cloud:
        headers = {"X-Auth-Token": token(session, cloud)}
        path = cloud.url("image").removeprefix(cloud.base_url) + "/v2/images"
        canned = DoNothingApp()
        canned.record(expect(session.get(cloud.base_url + path, headers=headers), 200))

        def list_rate(base: str) -> float:
            url = base + path
            get = session.get

            def call() -> None:
                if get(url, headers=headers).status_code != 200:
                    raise BenchError(f"GET {url} did not answer 200")

            return per_second(count, call)

        with serving(canned) as ceiling:
            got = interleave(
                {
                    "do-nothing": lambda: list_rate(ceiling.url),
                    "image": lambda: list_rate(cloud.base_url),
                },
                rounds,
                between=cloud.journal.clear,
            )
    session.close()
    return [
        Line(
            "GET /v2/images (15 listed), keep-alive",
            "req/s",
            got["image"],
            "do-nothing app on the same server, same answer",
            got["do-nothing"],
        )
    ]
