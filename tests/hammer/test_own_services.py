"""The how-to's own service (tests/examples/services/servers.py) under many threads: every
create answers 202, every server can be read and deleted once, and none is lost or doubled.
"""

from __future__ import annotations

import threading

import requests

THREADS = 16
ITERATIONS = 10
JOIN_SECONDS = 120


def test_threads_against_an_own_service_lose_and_double_nothing(mimic_cloud):
    base = mimic_cloud.base_url + "/servers/servers"
    created: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        with requests.Session() as http:
            for step in range(ITERATIONS):
                made = http.post(base, json={"name": f"t{number}-{step}"}, timeout=30)
                if made.status_code != 202:
                    with lock:
                        failures.append(f"create -> {made.status_code} {made.text[:100]}")
                    continue
                server_id = made.json()["server"]["id"]
                got = http.get(f"{base}/{server_id}", timeout=30)
                with lock:
                    created.append(server_id)
                    if got.status_code != 200:
                        failures.append(f"get {server_id} -> {got.status_code}")
                if step % 2:
                    gone = http.delete(f"{base}/{server_id}", timeout=30)
                    if gone.status_code != 204:
                        with lock:
                            failures.append(f"delete {server_id} -> {gone.status_code}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "workers did not finish"

    assert not failures, failures[:10]
    assert len(set(created)) == len(created) == THREADS * ITERATIONS
    listed = requests.get(base, timeout=30).json()["servers"]
    assert len(listed) == THREADS * ITERATIONS // 2
    mimic_cloud.check()
