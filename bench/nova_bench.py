"""Nova benchmark (run by hand, not a test): ``python bench/nova_bench.py``.

Prints
- create+get+delete round trips per second through python-novaclient (API 2.1, keystoneauth
  session) against a fresh ``MimicCloud``;
- ``GET /servers/detail`` latency with 100 and with 10,000 servers in the tenant, for the
  default page (Nova caps it at 1000) and for ``limit=100``, so the cost per page can be
  compared across tenant sizes.

Servers for the list measurements are created through the model, not HTTP, to keep the set-up
short; every list is a real HTTP request through the shared server.
"""

from __future__ import annotations

import argparse
import statistics
import time

import requests
from keystoneauth1 import session
from keystoneauth1.identity import v2
from novaclient import client

from pytest_mimic.cloud import MimicCloud
from pytest_mimic.services.nova.model import ServerSpec


def novaclient_round_trips(cloud: MimicCloud, seconds: float) -> tuple[int, float]:
    creds = cloud.credentials
    auth = v2.Password(
        auth_url=cloud.auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    nova = client.Client("2.1", session=session.Session(auth=auth), region_name=cloud.region)
    nova.flavors.list()  # authenticate outside the measurement
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        server = nova.servers.create("bench", image="img", flavor="2")
        nova.servers.get(server.id)
        nova.servers.delete(server.id)
        done += 1
    return done, time.perf_counter() - start


def list_latency(cloud: MimicCloud, servers: int, params: dict[str, str], repeat: int) -> float:
    """Median milliseconds of ``GET /servers/detail`` with ``servers`` in the tenant."""
    cloud.reset()
    creds = cloud.credentials
    nova = cloud.service("nova")
    nova.set_quotas(creds.tenant_id, maxTotalInstances=-1, maxTotalRAMSize=-1)
    nova.compute.create_servers(
        creds.tenant_id, cloud.region, ServerSpec("bench", "img", "2", count=servers)
    )
    body = {
        "auth": {"passwordCredentials": {"username": creds.username, "password": creds.password}}
    }
    token = requests.post(f"{cloud.auth_url}/tokens", json=body, timeout=30).json()["access"]
    http = requests.Session()
    http.headers["X-Auth-Token"] = token["token"]["id"]
    url = cloud.url("compute") + "/servers/detail"
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = http.get(url, params=params, timeout=60)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="round-trip run length")
    parser.add_argument("--repeat", type=int, default=20, help="list requests per figure")
    options = parser.parse_args()
    with MimicCloud() as cloud, cloud.test():
        done, elapsed = novaclient_round_trips(cloud, options.seconds)
        rate = done / elapsed
        print(f"novaclient create+get+delete: {rate:.0f} round trips/s ({done} in {elapsed:.1f} s)")
        for params in ({}, {"limit": "100"}):
            label = "default page (<=1000)" if not params else "limit=100"
            for servers in (100, 10_000):
                ms = list_latency(cloud, servers, params, options.repeat)
                print(f"GET /servers/detail, {label}, {servers:>6} servers: {ms:7.1f} ms median")


if __name__ == "__main__":
    main()
