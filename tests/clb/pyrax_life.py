"""The whole load balancer life through pyrax 1.10's ``cloud_loadbalancers``.

Run by ``test_pyrax.py`` with the interpreter of an environment where pyrax is installed
(pyrax pins python-novaclient 2.27 and cannot share the test environment), against the
running fake. Settings come from the environment; each step prints a line, and any failure
exits non-zero with the traceback.
"""

from __future__ import annotations

import json
import os
import urllib.request

import pyrax
from pyrax import exceptions


def tick(seconds):
    """Advance the fake's clock through its HTTP door (this process is not the test's)."""
    body = json.dumps({"amount": seconds}).encode()
    request = urllib.request.Request(
        os.environ["MIMIC_URL"] + "/mimic/v1.1/tick",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).read()


def wait(lb, status):
    lb = pyrax.utils.wait_until(lb, "status", [status, "ERROR"], interval=0.01, attempts=200)
    assert lb.status == status, lb.status
    return lb


def main():
    pyrax.set_setting("identity_type", "rackspace")
    pyrax.set_setting("auth_endpoint", os.environ["MIMIC_AUTH_URL"].rstrip("/") + "/")
    pyrax.set_credentials(
        os.environ["MIMIC_USERNAME"],
        api_key=os.environ["MIMIC_API_KEY"],
        region=os.environ["MIMIC_REGION"],
    )
    clb = pyrax.cloud_loadbalancers
    assert "HTTP" in clb.protocols, clb.protocols
    assert "ROUND_ROBIN" in clb.algorithms, clb.algorithms
    print("protocols and algorithms")

    node = clb.Node(address="10.0.0.20", port=80, condition="ENABLED")
    vip = clb.VirtualIP(type="PUBLIC")
    lb = clb.create(
        "pyrax-lb",
        port=80,
        protocol="HTTP",
        nodes=[node],
        virtual_ips=[vip],
        algorithm="ROUND_ROBIN",
    )
    lb = wait(lb, "ACTIVE")
    assert [n.address for n in lb.nodes] == ["10.0.0.20"]
    assert [x.id for x in clb.list()] == [lb.id]
    print("created", lb.id)

    lb.add_nodes([clb.Node(address="10.0.0.21", port=8080, condition="ENABLED")])
    lb = wait(clb.get(lb.id), "ACTIVE")
    added = next(n for n in lb.nodes if n.address == "10.0.0.21")
    print("added node", added.id)

    added.condition = "DRAINING"
    added.update()
    lb = wait(clb.get(lb.id), "ACTIVE")
    assert [n.condition for n in lb.nodes if n.id == added.id] == ["DRAINING"]
    print("updated node")

    next(n for n in lb.nodes if n.id == added.id).delete()
    lb = wait(clb.get(lb.id), "ACTIVE")
    assert [n.address for n in lb.nodes] == ["10.0.0.20"]
    print("deleted node")

    lb.update(name="pyrax-renamed", timeout=60)
    lb = wait(clb.get(lb.id), "ACTIVE")
    assert (lb.name, lb.timeout) == ("pyrax-renamed", 60)
    print("renamed")

    lb.add_health_monitor(type="CONNECT", delay=10, timeout=5, attemptsBeforeDeactivation=3)
    lb = wait(clb.get(lb.id), "ACTIVE")
    assert lb.get_health_monitor()["type"] == "CONNECT"
    lb.set_metadata({"role": "web"})
    lb = wait(clb.get(lb.id), "ACTIVE")
    assert lb.get_metadata() == {"role": "web"}
    lb.connection_logging = True
    lb = wait(clb.get(lb.id), "ACTIVE")
    assert clb.get_connection_logging(lb) is True
    lb.session_persistence = "SOURCE_IP"
    lb = wait(clb.get(lb.id), "ACTIVE")
    assert clb.get_session_persistence(lb) == "SOURCE_IP"
    lb.add_access_list([{"address": "192.0.43.10", "type": "DENY"}])
    lb = wait(clb.get(lb.id), "ACTIVE")
    assert [i["address"] for i in lb.get_access_list()] == ["192.0.43.10"]
    assert lb.get_ssl_termination() == {}
    assert lb.get_usage()["loadBalancerUsageRecords"]
    assert "currentConn" in lb.get_stats()
    print("settings")

    lb.delete()
    lb = wait(clb.get(lb.id), "DELETED")
    print("deleted")
    tick(float(os.environ["MIMIC_RETENTION"]))
    try:
        clb.get(lb.id)
    except exceptions.NotFound:
        print("404 after retention")
    else:
        raise AssertionError("still there after the retention time")


if __name__ == "__main__":
    main()
