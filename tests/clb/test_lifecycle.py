"""The real status machine, from the clock: BUILD, ACTIVE, PENDING_UPDATE, PENDING_DELETE,
DELETED (readable, then 404), ERROR; and what each status allows."""

from __future__ import annotations

import pytest
from tests.clb.conftest import error, immutable


def test_default_durations_are_immediate_so_plain_tests_never_wait(clb):
    lb_id = clb.create()
    assert clb.status(lb_id) == "ACTIVE"
    assert clb.add_nodes(lb_id, clb.node(2)).status_code == 202
    assert clb.status(lb_id) == "ACTIVE"
    assert clb.delete(f"/loadbalancers/{lb_id}").status_code == 202
    assert clb.status(lb_id) == "DELETED"


def test_build_lasts_clb_build_seconds(clb, mimic_cloud, time_travel):
    mimic_cloud.configure(clb_build_seconds=60)
    response = clb.post(
        "/loadbalancers",
        json={
            "loadBalancer": {"name": "b", "protocol": "HTTP", "virtualIps": [{"type": "PUBLIC"}]}
        },
    )
    assert response.json()["loadBalancer"]["status"] == "BUILD"
    lb_id = response.json()["loadBalancer"]["id"]
    time_travel.advance(59)
    assert clb.status(lb_id) == "BUILD"
    assert error(clb.add_nodes(lb_id, clb.node(1))) == (422, immutable(lb_id, "BUILD"))
    time_travel.advance(1)
    assert clb.status(lb_id) == "ACTIVE"


def test_pending_update_race_second_add_is_422_until_the_clock_moves(clb, mimic_cloud, time_travel):
    """The autoscaler's race: a change locks the LB in PENDING_UPDATE for 30 s."""
    mimic_cloud.configure(clb_update_seconds=30)
    lb_id = clb.create()
    assert clb.add_nodes(lb_id, clb.node(2)).status_code == 202
    assert clb.status(lb_id) == "PENDING_UPDATE"
    second = clb.add_nodes(lb_id, clb.node(3))
    assert error(second) == (422, immutable(lb_id, "PENDING_UPDATE"))
    time_travel.advance(29)
    assert clb.add_nodes(lb_id, clb.node(3)).status_code == 422
    time_travel.advance(1)
    assert clb.status(lb_id) == "ACTIVE"
    assert clb.add_nodes(lb_id, clb.node(3)).status_code == 202
    addresses = [n["address"] for n in clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]]
    assert addresses == ["10.0.0.1", "10.0.1.2", "10.0.1.3"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "", {"loadBalancer": {"name": "x"}}),
        ("POST", "/nodes", {"nodes": [{"address": "10.9.9.9", "port": 80}]}),
        ("PUT", "/nodes/1", {"node": {"weight": 3}}),
        ("DELETE", "/nodes/1", None),
        (
            "PUT",
            "/healthmonitor",
            {
                "healthMonitor": {
                    "type": "CONNECT",
                    "delay": 5,
                    "timeout": 5,
                    "attemptsBeforeDeactivation": 2,
                }
            },
        ),
        ("PUT", "/connectionlogging", {"connectionLogging": {"enabled": True}}),
        ("POST", "/metadata", {"metadata": [{"key": "a", "value": "b"}]}),
        ("POST", "/accesslist", {"accessList": [{"address": "10.0.0.0/8", "type": "DENY"}]}),
        ("DELETE", "", None),
    ],
    ids=[
        "update",
        "add-node",
        "update-node",
        "delete-node",
        "health-monitor",
        "logging",
        "metadata",
        "access-list",
        "delete",
    ],
)
def test_every_mutation_is_422_immutable_during_pending_update(
    clb, mimic_cloud, method, path, body
):
    mimic_cloud.configure(clb_update_seconds=30)
    lb_id = clb.create()
    clb.put(f"/loadbalancers/{lb_id}", json={"loadBalancer": {"timeout": 40}})
    response = clb.request(method, f"/loadbalancers/{lb_id}{path}", json=body)
    assert error(response) == (422, immutable(lb_id, "PENDING_UPDATE"))


def test_every_sub_resource_change_goes_through_pending_update(clb, mimic_cloud, time_travel):
    mimic_cloud.configure(clb_update_seconds=10)
    lb_id = clb.create()
    changes = [
        (
            "PUT",
            "/healthmonitor",
            {"type": "CONNECT", "delay": 5, "timeout": 5, "attemptsBeforeDeactivation": 2},
        ),
        ("PUT", "/connectionthrottle", {"connectionThrottle": {"maxConnections": 10}}),
        ("PUT", "/sessionpersistence", {"sessionPersistence": {"persistenceType": "SOURCE_IP"}}),
        ("PUT", "/connectionlogging", {"connectionLogging": {"enabled": True}}),
        ("PUT", "/contentcaching", {"contentCaching": {"enabled": True}}),
        ("PUT", "/errorpage", {"errorpage": {"content": "<html/>"}}),
        ("POST", "/accesslist", {"accessList": [{"address": "10.0.0.0/8", "type": "DENY"}]}),
        ("POST", "/metadata", {"metadata": [{"key": "a", "value": "b"}]}),
        ("DELETE", "/healthmonitor", None),
    ]
    for method, path, body in changes:
        response = clb.request(method, f"/loadbalancers/{lb_id}{path}", json=body)
        assert response.status_code in (200, 202), (path, response.text)
        assert clb.status(lb_id) == "PENDING_UPDATE", path
        time_travel.advance(10)
        assert clb.status(lb_id) == "ACTIVE", path


def test_delete_goes_pending_delete_then_deleted_then_404(clb, mimic_cloud, time_travel):
    mimic_cloud.configure(clb_delete_seconds=20, clb_deleted_retention_seconds=600)
    lb_id = clb.create()
    assert clb.delete(f"/loadbalancers/{lb_id}").status_code == 202
    assert clb.status(lb_id) == "PENDING_DELETE"
    assert error(clb.delete(f"/loadbalancers/{lb_id}")) == (422, immutable(lb_id, "PENDING_DELETE"))
    assert error(clb.add_nodes(lb_id, clb.node(2))) == (422, immutable(lb_id, "PENDING_DELETE"))
    assert clb.get(f"/loadbalancers/{lb_id}/nodes").status_code == 200
    time_travel.advance(20)
    assert clb.status(lb_id) == "DELETED"
    time_travel.advance(599)
    assert clb.status(lb_id) == "DELETED"
    time_travel.advance(1)
    assert error(clb.get(f"/loadbalancers/{lb_id}")) == (404, "Load balancer not found")


def test_deleted_load_balancers_stay_readable_for_90_minutes_by_default(clb, time_travel):
    lb_id = clb.create()
    clb.delete(f"/loadbalancers/{lb_id}")
    time_travel.advance(90 * 60 - 1)
    assert clb.status(lb_id) == "DELETED"
    time_travel.advance(1)
    assert clb.get(f"/loadbalancers/{lb_id}").status_code == 404


def test_deleted_parts_are_410_and_mutations_422_deleted(clb):
    lb_id = clb.create()
    clb.delete(f"/loadbalancers/{lb_id}")
    gone = (410, "The loadbalancer is marked as deleted.")
    for path in (
        "/nodes",
        "/nodes/1",
        "/healthmonitor",
        "/accesslist",
        "/metadata",
        "/virtualips",
        "/usage",
        "/stats",
        "/errorpage",
        "/connectionlogging",
    ):
        assert error(clb.get(f"/loadbalancers/{lb_id}{path}")) == gone, path
    deleted = (422, "The load balancer is deleted and considered immutable.")
    assert error(clb.add_nodes(lb_id, clb.node(2))) == deleted
    assert error(clb.delete(f"/loadbalancers/{lb_id}")) == deleted
    assert error(clb.delete(f"/loadbalancers/{lb_id}/nodes", params={"id": 1})) == deleted
    assert error(clb.put(f"/loadbalancers/{lb_id}", json={"name": "x"})) == deleted


def test_deleted_load_balancers_are_listed_only_when_asked_for(clb):
    kept, deleted = clb.create("kept"), clb.create("gone")
    clb.delete(f"/loadbalancers/{deleted}")
    listed = clb.get("/loadbalancers").json()["loadBalancers"]
    assert [lb["id"] for lb in listed] == [kept]
    only_deleted = clb.get("/loadbalancers", params={"status": "DELETED"}).json()
    assert [(lb["id"], lb["status"]) for lb in only_deleted["loadBalancers"]] == [
        (deleted, "DELETED")
    ]


def test_error_allows_only_delete(clb, clb_service):
    lb_id = clb.create()
    clb_service.set_status(lb_id, "ERROR")
    assert clb.status(lb_id) == "ERROR"
    assert error(clb.add_nodes(lb_id, clb.node(2))) == (422, immutable(lb_id, "ERROR"))
    assert error(clb.put(f"/loadbalancers/{lb_id}", json={"name": "x"})) == (
        422,
        immutable(lb_id, "ERROR"),
    )
    assert clb.get(f"/loadbalancers/{lb_id}/nodes").status_code == 200
    assert clb.delete(f"/loadbalancers/{lb_id}").status_code == 202
    assert clb.status(lb_id) == "DELETED"


def test_rename_is_202_then_pending_update_then_active(clb, mimic_cloud, time_travel):
    mimic_cloud.configure(clb_update_seconds=3)
    lb_id = clb.create()
    before = clb.lb(lb_id)["updated"]["time"]
    time_travel.advance(5)
    response = clb.put(
        f"/loadbalancers/{lb_id}",
        json={
            "loadBalancer": {
                "name": "renamed",
                "algorithm": "LEAST_CONNECTIONS",
                "port": 8080,
                "timeout": 60,
                "halfClosed": True,
                "httpsRedirect": False,
                "protocol": "TCP",
            }
        },
    )
    assert (response.status_code, response.content) == (202, b"")
    lb = clb.lb(lb_id)
    assert lb["status"] == "PENDING_UPDATE"
    assert (
        lb["name"],
        lb["algorithm"],
        lb["port"],
        lb["timeout"],
        lb["halfClosed"],
        lb["protocol"],
    ) == ("renamed", "LEAST_CONNECTIONS", 8080, 60, True, "TCP")
    assert lb["updated"]["time"] > before
    time_travel.advance(3)
    assert clb.status(lb_id) == "ACTIVE"


def test_timestamps_have_no_fraction_and_come_from_the_clock(clb, time_travel):
    time_travel.freeze()
    time_travel.advance(3600.5)
    expected = time_travel.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    lb_id = clb.create()
    assert clb.lb(lb_id)["created"] == {"time": expected}
    time_travel.advance(60)
    clb.put(f"/loadbalancers/{lb_id}", json={"name": "later"})
    later = time_travel.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    lb = clb.lb(lb_id)
    assert (lb["created"]["time"], lb["updated"]["time"]) == (expected, later)


def test_ids_are_integers_unique_per_region_and_never_reused(mimic_cloud, clb):
    from tests.clb.conftest import LoadBalancerHTTP

    dfw = LoadBalancerHTTP(mimic_cloud, region="DFW")
    first = clb.create("a")
    clb.delete(f"/loadbalancers/{first}")
    second, third = clb.create("b"), dfw.create("c")
    assert all(isinstance(i, int) for i in (first, second, third))
    assert len({first, second, third}) == 3
    assert second > first
    assert dfw.get(f"/loadbalancers/{second}").status_code == 404  # state is per region
