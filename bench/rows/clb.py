"""Cloud Load Balancers: the autoscaler's loop, add a node then remove it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from bench.ceiling import DoNothingApp, serving
from bench.harness import Bench, BenchError, Goal, Line, expect, interleave, per_second, row
from bench.rows._cloud import bench_cloud, token

if TYPE_CHECKING:
    from collections.abc import Callable

_NODE = {"nodes": [{"address": "10.0.0.2", "port": 80, "condition": "ENABLED"}]}


@row("clb-nodes", "CLB add-node + remove-node pairs through requests vs a do-nothing app")
def nodes(bench: Bench) -> list[Line]:
    count = bench.pick(60, 20)
    rounds = bench.pick(20, 6)
    session = requests.Session()
    with bench_cloud() as cloud:
        session.headers["X-Auth-Token"] = token(session, cloud)
        base = cloud.url("rax:load-balancer")
        created = session.post(
            base + "/loadbalancers",
            json={
                "loadBalancer": {
                    "name": "bench",
                    "protocol": "HTTP",
                    "port": 80,
                    "virtualIps": [{"type": "PUBLIC"}],
                    "nodes": [{"address": "10.0.0.1", "port": 80, "condition": "ENABLED"}],
                }
            },
        )
        lb_url = f"{base}/loadbalancers/{expect(created, 202).json()['loadBalancer']['id']}"
        canned = DoNothingApp()
        added = canned.record(expect(session.post(lb_url + "/nodes", json=_NODE), 202))
        node_id = added.json()["nodes"][0]["id"]
        canned.record(expect(session.delete(f"{lb_url}/nodes/{node_id}"), 202))
        path = lb_url.removeprefix(cloud.base_url)

        def pair_rate(root: str) -> Callable[[], float]:
            nodes_url = root + path + "/nodes"
            post, delete = session.post, session.delete

            def pair() -> None:
                answer: Any = post(nodes_url, json=_NODE)
                if answer.status_code != 202:
                    raise BenchError(f"add node answered {answer.status_code}: {answer.text}")
                new_id = answer.json()["nodes"][0]["id"]
                if delete(f"{nodes_url}/{new_id}").status_code != 202:
                    raise BenchError("remove node did not answer 202")

            return lambda: per_second(count, pair)

        with serving(canned) as ceiling:
            got = interleave(
                {"do-nothing": pair_rate(ceiling.url), "clb": pair_rate(cloud.base_url)},
                rounds,
                between=cloud.journal.clear,
            )
    session.close()
    return [
        Line(
            "CLB add node + remove node (requests, keep-alive)",
            "pairs/s",
            got["clb"],
            "do-nothing app on the same server, same answers",
            got["do-nothing"],
            goal=Goal.ratio_at_least(0.8),
        )
    ]
