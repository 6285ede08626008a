"""Creating and deleting load balancers against a running ``pytest-mimic serve``, reading its
resident memory between rounds: the CLB churn of issue 17, for the plateau test and for the
figures in the changelog (``python -m tests.support.churn ROUNDS PER_ROUND``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING

import requests

if TYPE_CHECKING:
    from collections.abc import Iterator

TIMEOUT = 10
_BALANCER = {
    "loadBalancer": {
        "name": "churn",
        "protocol": "HTTP",
        "port": 80,
        "virtualIps": [{"type": "PUBLIC"}],
        "nodes": [{"address": "10.1.1.1", "port": 80, "condition": "ENABLED"}],
    }
}


@contextmanager
def serving() -> Iterator[tuple[str, int]]:
    """``(base URL, pid)`` of a ``pytest-mimic serve`` on a free port, stopped afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("pytest-mimic serving on "), first
        yield first.split()[-1], proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def churn(base: str, pid: int, rounds: int, per_round: int) -> list[float]:
    """RSS before, then after each round of ``per_round`` creates each followed by a delete."""
    with requests.Session() as session:
        login = session.post(
            base + "/identity/v2.0/tokens",
            json={
                "auth": {
                    "passwordCredentials": {"username": "mimic-user", "password": "mimic-password"}
                }
            },
            timeout=TIMEOUT,
        ).json()["access"]
        session.headers["X-Auth-Token"] = login["token"]["id"]
        [endpoint] = [
            entry["endpoints"][0]["publicURL"]
            for entry in login["serviceCatalog"]
            if entry["type"] == "rax:load-balancer"
        ]
        figures = [rss_mb(pid)]
        for _round in range(rounds):
            for _ in range(per_round):
                made = session.post(endpoint + "/loadbalancers", json=_BALANCER, timeout=TIMEOUT)
                assert made.status_code == 202, made.text
                lb_id = made.json()["loadBalancer"]["id"]
                gone = session.delete(f"{endpoint}/loadbalancers/{lb_id}", timeout=TIMEOUT)
                assert gone.status_code == 202, gone.text
            figures.append(rss_mb(pid))
        return figures


if __name__ == "__main__":
    rounds, per_round = int(sys.argv[1]), int(sys.argv[2])
    with serving() as (url, server_pid):
        print(" -> ".join(f"{mb:.1f} MB" for mb in churn(url, server_pid, rounds, per_round)))
