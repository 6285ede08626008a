"""Identity: logins."""

from __future__ import annotations

import requests

from bench.ceiling import DoNothingApp, serving
from bench.harness import Bench, BenchError, Line, expect, interleave, per_second, row
from bench.rows._cloud import bench_cloud, password_body


@row("identity-tokens", "POST /identity/v2.0/tokens (password) vs a do-nothing app")
def tokens(bench: Bench) -> list[Line]:
    count = bench.pick(60, 30)
    rounds = bench.pick(30, 8)
    session = requests.Session()
    with bench_cloud() as cloud:
        body = password_body(cloud)
        path = cloud.auth_url.removeprefix(cloud.base_url) + "/tokens"
        canned = DoNothingApp()
        canned.record(expect(session.post(cloud.base_url + path, json=body), 200))

        def login_rate(base: str) -> float:
            url = base + path
            post = session.post

            def call() -> None:
                if post(url, json=body).status_code != 200:
                    raise BenchError(f"POST {url} did not answer 200")

            return per_second(count, call)

        with serving(canned) as ceiling:
            got = interleave(
                {
                    "do-nothing": lambda: login_rate(ceiling.url),
                    "identity": lambda: login_rate(cloud.base_url),
                },
                rounds,
                between=cloud.journal.clear,
            )
    session.close()
    return [
        Line(
            "POST /tokens (password, with tenant), keep-alive",
            "req/s",
            got["identity"],
            "do-nothing app on the same server, same answer",
            got["do-nothing"],
        )
    ]
