"""Many threads against one tenant, then the invariants a real cloud would keep.

Each service adds its workers to ``WORKERS`` (name -> function run by every thread) and its
invariant check to ``INVARIANTS``; the hammer runs them all at once, so services also
contend with each other for the cloud's lock. Work is bounded by iterations, not by time,
so a slow machine runs longer rather than testing less.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests

from pytest_mimic.dashboard.service import CALLS_PER_POLL

if TYPE_CHECKING:
    from collections.abc import Callable

THREADS = 16
ITERATIONS = 12
#: Liveness bound for joining the workers: a deadlock fails the test instead of hanging it.
JOIN_SECONDS = 120


@dataclass
class Tally:
    """What the workers saw, merged across threads under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    created: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    metadata: dict[str, dict[str, str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    #: Cloud Load Balancers: load balancer id -> the node addresses it should hold.
    balancers: dict[int, set[str]] = field(default_factory=dict)
    #: SQS: bodies sent, and bodies received then deleted.
    sent: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)

    def saw(self, response: requests.Response, *expected: int) -> requests.Response:
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code not in expected:
                self.failures.append(
                    f"{response.request.method} {response.url} -> {response.status_code} "
                    f"{response.text[:200]}"
                )
        return response


class Tenant:
    """One tenant's endpoints, a token and an SQS queue, shared by all threads."""

    def __init__(self, cloud):
        creds = cloud.credentials
        body = {
            "auth": {
                "passwordCredentials": {"username": creds.username, "password": creds.password}
            }
        }
        access = requests.post(f"{cloud.auth_url}/tokens", json=body, timeout=10).json()["access"]
        self.auth_url = cloud.auth_url
        self.token = access["token"]["id"]
        tenant_id = access["token"]["tenant"]["id"]
        self.compute = cloud.url("compute", tenant=tenant_id)
        self.clb = cloud.url("rax:load-balancer", tenant=tenant_id)
        self.credentials = body
        self.sqs = _sqs_client(cloud)
        self.queue = self.sqs.create_queue(QueueName="hammer")["QueueUrl"]
        self.dashboard = cloud.dashboard_url
        self.control = cloud.base_url + "/mimic/v1.1"


def _sqs_client(cloud):
    import boto3

    return boto3.client(
        "sqs",
        endpoint_url=cloud.url("sqs"),
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def nova_worker(tenant: Tenant, tally: Tally, index: int) -> None:
    """Create, read, tag, list and delete servers; keep every other one alive."""
    http = requests.Session()
    http.headers["X-Auth-Token"] = tenant.token
    servers = tenant.compute + "/servers"
    for step in range(ITERATIONS):
        body = {"server": {"name": f"h{index}-{step}", "imageRef": "img", "flavorRef": "2"}}
        created = tally.saw(http.post(servers, json=body, timeout=30), 202)
        if created.status_code != 202:
            continue
        server_id = created.json()["server"]["id"]
        with tally.lock:
            tally.created.append(server_id)
        tally.saw(http.get(f"{servers}/{server_id}", timeout=30), 200)
        meta = {"worker": str(index), "step": str(step)}
        tally.saw(
            http.put(f"{servers}/{server_id}/metadata", json={"metadata": meta}, timeout=30), 200
        )
        tally.saw(http.get(f"{servers}/detail", params={"limit": 5}, timeout=30), 200)
        if step % 2:
            tally.saw(http.delete(f"{servers}/{server_id}", timeout=30), 204)
            with tally.lock:
                tally.deleted.append(server_id)
        else:
            with tally.lock:
                tally.metadata[server_id] = meta


def identity_worker(tenant: Tenant, tally: Tally, index: int) -> None:
    """Logins interleaved with everything else: each must succeed and name the tenant."""
    http = requests.Session()
    for _ in range(ITERATIONS // 3):
        answer = tally.saw(
            http.post(f"{tenant.auth_url}/tokens", json=tenant.credentials, timeout=30), 200
        )
        if answer.status_code == 200 and not answer.json()["access"]["token"]["id"]:
            with tally.lock:
                tally.failures.append("login answered without a token id")


def nova_invariants(tenant: Tenant, tally: Tally) -> None:
    http = requests.Session()
    http.headers["X-Auth-Token"] = tenant.token
    listed: list[str] = []
    url: str | None = tenant.compute + "/servers/detail?limit=50"
    details: dict[str, Any] = {}
    while url:
        page = http.get(url, timeout=30).json()
        for server in page["servers"]:
            listed.append(server["id"])
            details[server["id"]] = server
        links = page.get("servers_links") or []
        url = links[0]["href"] if links else None

    live = set(tally.created) - set(tally.deleted)
    assert len(tally.created) == len(set(tally.created)), "a server id was handed out twice"
    assert len(listed) == len(set(listed)), "a server was listed twice"
    assert set(listed) == live, "the list differs from the servers that should be alive"
    for server_id in live:
        assert details[server_id]["metadata"] == tally.metadata[server_id]
    limits = http.get(tenant.compute + "/limits", timeout=30).json()["limits"]["absolute"]
    assert limits["totalInstancesUsed"] == len(live)
    for server_id in tally.deleted:
        assert http.get(f"{tenant.compute}/servers/{server_id}", timeout=30).status_code == 404


def clb_worker(tenant: Tenant, tally: Tally, index: int) -> None:
    """A load balancer per thread in the shared tenant: add nodes, remove one, read them."""
    http = requests.Session()
    http.headers["X-Auth-Token"] = tenant.token
    body = {
        "loadBalancer": {
            "name": f"hammer-{index}",
            "protocol": "HTTP",
            "port": 80,
            "virtualIps": [{"type": "PUBLIC"}],
            "nodes": [{"address": f"10.{index}.0.1", "port": 80, "condition": "ENABLED"}],
        }
    }
    created = tally.saw(http.post(tenant.clb + "/loadbalancers", json=body, timeout=30), 202)
    if created.status_code != 202:
        return
    lb_id = created.json()["loadBalancer"]["id"]
    nodes_url = f"{tenant.clb}/loadbalancers/{lb_id}/nodes"
    expected = {f"10.{index}.0.1"}
    for step in range(ITERATIONS // 3):
        address = f"10.{index}.1.{step}"
        added = tally.saw(
            http.post(
                nodes_url,
                json={"nodes": [{"address": address, "port": 80, "condition": "ENABLED"}]},
                timeout=30,
            ),
            202,
        )
        if added.status_code != 202:
            continue
        expected.add(address)
        if step % 2:
            node_id = added.json()["nodes"][0]["id"]
            if tally.saw(http.delete(f"{nodes_url}/{node_id}", timeout=30), 202).ok:
                expected.discard(address)
        tally.saw(http.get(nodes_url, timeout=30), 200)
    with tally.lock:
        tally.balancers[lb_id] = expected


def clb_invariants(tenant: Tenant, tally: Tally) -> None:
    http = requests.Session()
    http.headers["X-Auth-Token"] = tenant.token
    listed = http.get(tenant.clb + "/loadbalancers", timeout=30).json()["loadBalancers"]
    ids = [lb["id"] for lb in listed]
    assert len(ids) == len(set(ids)), "a load balancer was listed twice"
    assert set(ids) == set(tally.balancers)
    for lb in listed:
        nodes = http.get(f"{tenant.clb}/loadbalancers/{lb['id']}/nodes", timeout=30).json()
        addresses = [node["address"] for node in nodes["nodes"]]
        assert sorted(addresses) == sorted(tally.balancers[lb["id"]])
        assert lb["nodeCount"] == len(addresses)


def sqs_worker(tenant: Tenant, tally: Tally, index: int) -> None:
    """Send, receive and delete on one shared queue."""
    client = tenant.sqs
    for step in range(ITERATIONS):
        text = f"{index}-{step}"
        client.send_message(QueueUrl=tenant.queue, MessageBody=text)
        with tally.lock:
            tally.sent.append(text)
        got = client.receive_message(QueueUrl=tenant.queue, MaxNumberOfMessages=2)
        for message in got.get("Messages", []):
            client.delete_message(QueueUrl=tenant.queue, ReceiptHandle=message["ReceiptHandle"])
            with tally.lock:
                tally.received.append(message["Body"])


def sqs_invariants(tenant: Tenant, tally: Tally) -> None:
    client = tenant.sqs
    while True:  # drain what is left; every message must come out exactly once overall
        got = client.receive_message(QueueUrl=tenant.queue, MaxNumberOfMessages=10)
        messages = got.get("Messages", [])
        if not messages:
            break
        for message in messages:
            client.delete_message(QueueUrl=tenant.queue, ReceiptHandle=message["ReceiptHandle"])
            tally.received.append(message["Body"])
    assert len(tally.received) == len(set(tally.received)), "a message was delivered twice"
    assert sorted(tally.received) == sorted(tally.sent), "a message was lost"
    attributes = client.get_queue_attributes(QueueUrl=tenant.queue, AttributeNames=["All"])
    counts = attributes["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "0"


def dashboard_worker(tenant: Tenant, tally: Tally, index: int) -> None:
    """A dashboard open during the traffic: every poll answers, with the journal's calls
    numbered without a gap or a repeat, and a call's bodies readable by its number."""
    http = requests.Session()
    since, epoch = 0, None
    for _ in range(ITERATIONS):
        query = {"since": since, **({"epoch": epoch} if epoch is not None else {})}
        answer = tally.saw(http.get(f"{tenant.dashboard}/api/state", params=query, timeout=30), 200)
        if not answer.ok:
            continue
        journal = answer.json()["journal"]
        numbers = [call["number"] for call in journal["calls"]]
        expected_first = since if journal["epoch"] == epoch else 0
        caught_up = not numbers or numbers[0] == expected_first or len(numbers) == CALLS_PER_POLL
        if numbers != list(range(journal["next"] - len(numbers), journal["next"])) or not caught_up:
            with tally.lock:
                tally.failures.append(f"dashboard poll from {since}: calls numbered {numbers}")
        if numbers:
            detail = f"{tenant.dashboard}/api/calls/{numbers[-1]}"
            tally.saw(http.get(detail, params={"epoch": journal["epoch"]}, timeout=30), 200)
        since, epoch = journal["next"], journal["epoch"]


def dashboard_invariants(tenant: Tenant, tally: Tally) -> None:
    journal = requests.get(f"{tenant.control}/journal", timeout=30).json()["calls"]
    assert not [call for call in journal if call["service"] == "dashboard"]


WORKERS: dict[str, Callable[[Tenant, Tally, int], None]] = {
    "nova": nova_worker,
    "identity": identity_worker,
    "clb": clb_worker,
    "sqs": sqs_worker,
    "dashboard": dashboard_worker,
}
INVARIANTS: dict[str, Callable[[Tenant, Tally], None]] = {
    "nova": nova_invariants,
    "clb": clb_invariants,
    "sqs": sqs_invariants,
    "dashboard": dashboard_invariants,
}


def _unlimited(cloud) -> None:
    cloud.service("nova").set_quotas(
        cloud.credentials.tenant_id, maxTotalInstances=-1, maxTotalRAMSize=-1, maxTotalCores=-1
    )


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    _join(threads)


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    stuck = [t.name for t in threads if t.is_alive()]
    assert not stuck, f"workers still running after {JOIN_SECONDS} s (deadlock?): {stuck}"


def test_threads_against_one_tenant_keep_every_invariant(mimic_cloud):
    _unlimited(mimic_cloud)
    tenant = Tenant(mimic_cloud)
    tally = Tally()
    errors: list[BaseException] = []

    def guarded(work: Callable[[Tenant, Tally, int], None], index: int) -> None:
        try:
            work(tenant, tally, index)
        except BaseException as error:  # reported in the test thread
            errors.append(error)

    threads = [
        threading.Thread(target=guarded, args=(work, index), name=f"{name}-{index}")
        for index in range(THREADS)
        for name, work in WORKERS.items()
        if name in {"nova", "clb", "sqs"} or index % 4 == 0
    ]
    _run(threads)

    assert not errors, errors
    assert not tally.failures, tally.failures[:5]
    assert not [s for s in tally.statuses if s >= 500], tally.statuses
    for check in INVARIANTS.values():
        check(tenant, tally)


def test_a_reset_during_traffic_leaves_nothing_stale(mimic_session_cloud):
    """Requests in flight at a reset get the documented 503; the next test starts clean."""
    cloud = mimic_session_cloud
    cloud.begin_test()
    _unlimited(cloud)
    tenant = Tenant(cloud)
    started = threading.Barrier(9)
    statuses: Counter[int] = Counter()
    bodies: list[str] = []
    lock = threading.Lock()

    def traffic() -> None:
        http = requests.Session()
        http.headers["X-Auth-Token"] = tenant.token
        started.wait(10)
        for step in range(ITERATIONS * 2):
            body = {"server": {"name": f"late-{step}", "imageRef": "img", "flavorRef": "2"}}
            answer = http.post(tenant.compute + "/servers", json=body, timeout=30)
            with lock:
                statuses[answer.status_code] += 1
                if answer.status_code >= 500:
                    bodies.append(answer.text)
                if statuses.total() >= 24:
                    flowing.set()

    flowing = threading.Event()
    threads = [threading.Thread(target=traffic, name=f"traffic-{i}") for i in range(8)]
    for thread in threads:
        thread.start()
    try:
        started.wait(10)
        assert flowing.wait(60), "no traffic before the reset"
        cloud.end_test()
        cloud.begin_test()  # the reset between two tests, with requests in flight
        _join(threads)

        # Before the reset: 202; in flight across it: 503; after it the old token is
        # unknown: 401. Nothing else, and never another 5xx.
        assert set(statuses) <= {202, 401, 503}, (statuses, bodies[:3])
        assert all("reset while this request was in flight" in body for body in bodies)
        # The new test sees none of the old servers, and its journal holds no create
        # that succeeded before it began.
        fresh = Tenant(cloud)
        listing = requests.get(
            fresh.compute + "/servers", headers={"X-Auth-Token": fresh.token}, timeout=30
        )
        assert listing.json()["servers"] == []
        assert {c.status for c in cloud.calls("nova", "create_server")} <= {401}
    finally:
        cloud.end_test()
