"""Sub-resources autoscaling and deploy tools touch: stored, validated and returned in the
real shapes (and each change puts the load balancer through PENDING_UPDATE: see
test_lifecycle)."""

from __future__ import annotations

import pytest
from tests.clb.conftest import error, validation

from pytest_mimic.services.clb.api import CLBService

HTTP_MONITOR = {
    "type": "HTTP",
    "delay": 10,
    "timeout": 5,
    "attemptsBeforeDeactivation": 3,
    "path": "/health",
    "statusRegex": "^[234][0-9][0-9]$",
    "bodyRegex": ".*",
}


@pytest.fixture
def lb(clb):
    return f"/loadbalancers/{clb.create()}"


# -- the table they are made from ------------------------------------------------------

#: (path, operation, method) of every sub-resource route, as the real API has them.
TRIOS = [
    (path, f"{verb}_{noun}", method)
    for path, noun, deletable in [
        ("healthmonitor", "health_monitor", True),
        ("connectionthrottle", "connection_throttle", True),
        ("sessionpersistence", "session_persistence", True),
        ("connectionlogging", "connection_logging", False),
        ("contentcaching", "content_caching", False),
        ("errorpage", "error_page", True),
        ("ssltermination", "ssl_termination", True),
    ]
    for verb, method in [("get", "GET"), ("set", "PUT"), ("delete", "DELETE")]
    if deletable or verb != "delete"
]


@pytest.mark.parametrize(("path", "operation", "method"), TRIOS, ids=[t[1] for t in TRIOS])
def test_each_sub_resource_route_is_in_the_route_table(path, operation, method):
    """Generated from one table, they are routes like any other (fuzzing reads the table)."""
    [rule] = [r for r in CLBService._url_map.iter_rules() if r.endpoint == operation]
    assert rule.rule == f"/<region>/v1.0/<tenant>/loadbalancers/<lb_id>/{path}"
    assert method in rule.methods
    handler = getattr(CLBService, operation)
    assert handler.__name__ == operation
    assert handler.__doc__


def test_logging_and_caching_cannot_be_deleted(clb, lb):
    assert clb.delete(f"{lb}/connectionlogging").status_code == 405
    assert clb.delete(f"{lb}/contentcaching").status_code == 405


# -- health monitor --------------------------------------------------------------------


def test_health_monitor_is_empty_then_set_then_deleted(clb, lb):
    assert clb.get(f"{lb}/healthmonitor").json() == {"healthMonitor": {}}
    assert clb.put(f"{lb}/healthmonitor", json={"healthMonitor": HTTP_MONITOR}).status_code == 202
    assert clb.get(f"{lb}/healthmonitor").json() == {"healthMonitor": HTTP_MONITOR}
    assert clb.lb(lb.rsplit("/", 1)[1])["healthMonitor"] == HTTP_MONITOR
    assert clb.delete(f"{lb}/healthmonitor").status_code == 202
    assert clb.get(f"{lb}/healthmonitor").json() == {"healthMonitor": {}}
    assert "healthMonitor" not in clb.lb(lb.rsplit("/", 1)[1])


def test_health_monitor_accepts_the_bare_body_libcloud_sends_and_replaces(clb, lb):
    connect = {"type": "CONNECT", "delay": 20, "timeout": 10, "attemptsBeforeDeactivation": 2}
    clb.put(f"{lb}/healthmonitor", json={"healthMonitor": HTTP_MONITOR})
    assert clb.put(f"{lb}/healthmonitor", json=connect).status_code == 202
    assert clb.get(f"{lb}/healthmonitor").json() == {"healthMonitor": connect}


@pytest.mark.parametrize(
    "monitor",
    [
        {"type": "PING", "delay": 1, "timeout": 1, "attemptsBeforeDeactivation": 1},
        {"type": "CONNECT", "delay": 0, "timeout": 1, "attemptsBeforeDeactivation": 1},
        {"type": "CONNECT", "delay": 1, "timeout": 1, "attemptsBeforeDeactivation": 11},
        {"type": "HTTP", "delay": 1, "timeout": 1, "attemptsBeforeDeactivation": 1},
        {"type": "CONNECT", "delay": "x", "timeout": 1, "attemptsBeforeDeactivation": 1},
    ],
    ids=["type", "delay", "attempts", "http-without-path", "delay-text"],
)
def test_invalid_health_monitors_are_400(clb, lb, monitor):
    assert validation(clb.put(f"{lb}/healthmonitor", json={"healthMonitor": monitor}))
    assert clb.get(f"{lb}/healthmonitor").json() == {"healthMonitor": {}}


# -- connection throttle ---------------------------------------------------------------


def test_connection_throttle_merges_fields_and_deletes(clb, lb):
    assert clb.get(f"{lb}/connectionthrottle").json() == {"connectionThrottle": {}}
    first = {
        "maxConnections": 100,
        "minConnections": 10,
        "maxConnectionRate": 50,
        "rateInterval": 60,
    }
    clb.put(f"{lb}/connectionthrottle", json={"connectionThrottle": first})
    clb.put(f"{lb}/connectionthrottle", json={"maxConnections": 200})  # libcloud's bare body
    assert clb.get(f"{lb}/connectionthrottle").json() == {
        "connectionThrottle": {**first, "maxConnections": 200}
    }
    assert clb.lb(lb.rsplit("/", 1)[1])["connectionThrottle"]["maxConnections"] == 200
    assert clb.delete(f"{lb}/connectionthrottle").status_code == 202
    assert clb.get(f"{lb}/connectionthrottle").json() == {"connectionThrottle": {}}


def test_connection_throttle_needs_a_field_in_range(clb, lb):
    assert validation(clb.put(f"{lb}/connectionthrottle", json={"connectionThrottle": {}}))
    body = {"connectionThrottle": {"rateInterval": 0}}
    assert validation(clb.put(f"{lb}/connectionthrottle", json=body))


# -- session persistence ---------------------------------------------------------------


def test_session_persistence_set_read_and_delete(clb, lb):
    assert clb.get(f"{lb}/sessionpersistence").json() == {"sessionPersistence": {}}
    body = {"sessionPersistence": {"persistenceType": "SOURCE_IP"}}
    assert clb.put(f"{lb}/sessionpersistence", json=body).status_code == 202
    assert clb.get(f"{lb}/sessionpersistence").json() == body
    assert clb.lb(lb.rsplit("/", 1)[1])["sessionPersistence"] == {"persistenceType": "SOURCE_IP"}
    clb.delete(f"{lb}/sessionpersistence")
    assert clb.get(f"{lb}/sessionpersistence").json() == {"sessionPersistence": {}}
    bad = {"sessionPersistence": {"persistenceType": "COOKIE_MONSTER"}}
    assert validation(clb.put(f"{lb}/sessionpersistence", json=bad))


# -- connection logging and content caching --------------------------------------------


@pytest.mark.parametrize(
    ("path", "key"),
    [("connectionlogging", "connectionLogging"), ("contentcaching", "contentCaching")],
)
def test_logging_and_caching_flags(clb, lb, path, key):
    assert clb.get(f"{lb}/{path}").json() == {key: {"enabled": False}}
    assert clb.put(f"{lb}/{path}", json={key: {"enabled": True}}).status_code == 202
    assert clb.get(f"{lb}/{path}").json() == {key: {"enabled": True}}
    assert clb.lb(lb.rsplit("/", 1)[1])[key] == {"enabled": True}
    clb.put(f"{lb}/{path}", json={key: {"enabled": "false"}})  # pyrax sends text
    assert clb.get(f"{lb}/{path}").json() == {key: {"enabled": False}}
    assert validation(clb.put(f"{lb}/{path}", json={key: {"enabled": "maybe"}}))


# -- error page ------------------------------------------------------------------------


def test_error_page_default_custom_and_back(clb, lb):
    default = clb.get(f"{lb}/errorpage").json()["errorpage"]["content"]
    assert default.startswith("<!DOCTYPE html>")
    assert (
        clb.put(f"{lb}/errorpage", json={"errorpage": {"content": "<html>oops</html>"}}).status_code
        == 202
    )
    assert clb.get(f"{lb}/errorpage").json() == {"errorpage": {"content": "<html>oops</html>"}}
    assert clb.delete(f"{lb}/errorpage").status_code == 202
    assert clb.get(f"{lb}/errorpage").json()["errorpage"]["content"] == default
    assert validation(clb.put(f"{lb}/errorpage", json={"errorpage": {"content": ""}}))


# -- SSL termination -------------------------------------------------------------------


def test_ssl_termination_is_stored_without_showing_the_key(clb, lb):
    assert error(clb.get(f"{lb}/ssltermination"))[0] == 404  # pyrax expects 404 when unset
    config = {"certificate": "CERT", "privatekey": "KEY", "securePort": 443}
    assert validation(clb.put(f"{lb}/ssltermination", json={"sslTermination": {"securePort": 443}}))
    assert clb.put(f"{lb}/ssltermination", json={"sslTermination": config}).status_code == 202
    shown = clb.get(f"{lb}/ssltermination").json()["sslTermination"]
    assert shown == {
        "certificate": "CERT",
        "securePort": 443,
        "enabled": True,
        "secureTrafficOnly": False,
    }
    update = {"sslTermination": {"enabled": False, "secureTrafficOnly": True, "securePort": 8443}}
    assert clb.put(f"{lb}/ssltermination", json=update).status_code == 202
    shown = clb.get(f"{lb}/ssltermination").json()["sslTermination"]
    assert (shown["enabled"], shown["secureTrafficOnly"], shown["securePort"]) == (
        False,
        True,
        8443,
    )
    assert clb.delete(f"{lb}/ssltermination").status_code == 202
    assert clb.get(f"{lb}/ssltermination").status_code == 404


# -- access list -----------------------------------------------------------------------


def test_access_list_add_list_delete_item_and_all(clb, lb):
    assert clb.get(f"{lb}/accesslist").json() == {"accessList": []}
    items = [
        {"address": "206.160.163.21", "type": "DENY"},
        {"address": "10.0.0.0/8", "type": "ALLOW"},
    ]
    assert clb.post(f"{lb}/accesslist", json={"accessList": items}).status_code == 202
    listed = clb.get(f"{lb}/accesslist").json()["accessList"]
    assert [(i["address"], i["type"]) for i in listed] == [(i["address"], i["type"]) for i in items]
    assert all(isinstance(i["id"], int) for i in listed)
    assert clb.lb(lb.rsplit("/", 1)[1])["accessList"] == listed
    assert clb.delete(f"{lb}/accesslist/{listed[0]['id']}").status_code == 202
    assert clb.get(f"{lb}/accesslist").json()["accessList"] == listed[1:]
    assert error(clb.delete(f"{lb}/accesslist/{listed[0]['id']}")) == (
        404,
        "Network item not found",
    )
    assert clb.delete(f"{lb}/accesslist").status_code == 202
    assert clb.get(f"{lb}/accesslist").json() == {"accessList": []}


def test_access_list_bulk_delete_by_ids(clb, lb):
    items = [{"address": f"10.0.0.{n}", "type": "DENY"} for n in range(1, 4)]
    clb.post(f"{lb}/accesslist", json={"accessList": items})
    ids = [i["id"] for i in clb.get(f"{lb}/accesslist").json()["accessList"]]
    assert (
        clb.delete(f"{lb}/accesslist", params=[("id", ids[0]), ("id", ids[2])]).status_code == 202
    )
    assert [i["id"] for i in clb.get(f"{lb}/accesslist").json()["accessList"]] == [ids[1]]
    assert validation(clb.delete(f"{lb}/accesslist", params={"id": 999}))


def test_access_list_refuses_bad_items_and_duplicates(clb, lb):
    assert validation(
        clb.post(f"{lb}/accesslist", json={"accessList": [{"address": "nope", "type": "DENY"}]})
    )
    assert validation(
        clb.post(
            f"{lb}/accesslist", json={"accessList": [{"address": "10.0.0.1", "type": "MAYBE"}]}
        )
    )
    item = {"address": "10.0.0.1", "type": "DENY"}
    clb.post(f"{lb}/accesslist", json={"accessList": [item]})
    assert validation(clb.post(f"{lb}/accesslist", json={"accessList": [item]}))


# -- metadata of load balancers and nodes ----------------------------------------------


@pytest.fixture(params=["lb", "node"])
def metadata_url(request, clb, lb):
    if request.param == "lb":
        return f"{lb}/metadata"
    return f"{lb}/nodes/1/metadata"


def test_metadata_list_add_get_update_delete(clb, metadata_url):
    assert clb.get(metadata_url).json() == {"metadata": []}
    response = clb.post(
        metadata_url,
        json={"metadata": [{"key": "role", "value": "web"}, {"key": "team", "value": "a"}]},
    )
    assert response.status_code == 200
    added = response.json()["metadata"]
    assert [(m["key"], m["value"]) for m in added] == [("role", "web"), ("team", "a")]
    role = added[0]["id"]
    assert clb.get(f"{metadata_url}/{role}").json() == {"meta": added[0]}
    assert clb.put(f"{metadata_url}/{role}", json={"meta": {"value": "api"}}).status_code == 200
    assert clb.get(f"{metadata_url}/{role}").json()["meta"]["value"] == "api"
    assert clb.delete(f"{metadata_url}/{role}").status_code == 200
    assert error(clb.get(f"{metadata_url}/{role}")) == (404, "Metadata item not found")
    assert clb.delete(metadata_url, params={"id": added[1]["id"]}).status_code == 200
    assert clb.get(metadata_url).json() == {"metadata": []}


def test_metadata_limit_is_25_and_keys_are_unique(clb, metadata_url):
    items = [{"key": f"k{n}", "value": "v"} for n in range(25)]
    assert clb.post(metadata_url, json={"metadata": items}).status_code == 200
    status, message = error(
        clb.post(metadata_url, json={"metadata": [{"key": "one-more", "value": "v"}]})
    )
    assert status == 413
    assert message.startswith("Metadata must not exceed 25 per ")
    clb.delete(metadata_url, params={"id": clb.get(metadata_url).json()["metadata"][0]["id"]})
    assert validation(clb.post(metadata_url, json={"metadata": [{"key": "k1", "value": "again"}]}))


def test_load_balancer_metadata_shows_in_the_detail(clb):
    lb_id = clb.create(metadata=[{"key": "role", "value": "web"}])
    [item] = clb.lb(lb_id)["metadata"]
    assert (item["key"], item["value"]) == ("role", "web")
    assert clb.get(f"/loadbalancers/{lb_id}/metadata").json() == {"metadata": [item]}


# -- virtual IPs, usage and stats ------------------------------------------------------


def test_public_virtual_ip_gets_ipv4_and_ipv6_and_servicenet_ipv4(clb):
    public = clb.lb(clb.create("a"))["virtualIps"]
    assert [(v["type"], v["ipVersion"]) for v in public] == [("PUBLIC", "IPV4"), ("PUBLIC", "IPV6")]
    servicenet = clb.lb(clb.create("b", virtualIps=[{"type": "SERVICENET"}]))["virtualIps"]
    assert [(v["type"], v["ipVersion"]) for v in servicenet] == [("SERVICENET", "IPV4")]
    assert servicenet[0]["address"].startswith("10.")
    v6 = clb.lb(clb.create("c", virtualIps=[{"type": "PUBLIC", "ipVersion": "IPV6"}]))["virtualIps"]
    assert [v["ipVersion"] for v in v6] == ["IPV6"]
    addresses = [v["address"] for v in public + servicenet + v6]
    assert len(set(addresses)) == len(addresses)


def test_a_virtual_ip_is_shared_by_id_on_another_port(clb):
    first = clb.lb(clb.create("a"))
    vip = first["virtualIps"][0]
    second = clb.create("b", port=8080, virtualIps=[{"id": vip["id"]}])
    assert clb.lb(second)["virtualIps"] == [vip]
    assert clb.get(f"/loadbalancers/{second}/virtualips").json() == {
        "virtualIps": [vip],
        "links": [],
    }
    clash = {
        "loadBalancer": {
            "name": "c",
            "protocol": "HTTP",
            "port": 80,
            "virtualIps": [{"id": vip["id"]}],
        }
    }
    assert validation(clb.post("/loadbalancers", json=clash))
    unknown = {"loadBalancer": {"name": "d", "protocol": "HTTP", "virtualIps": [{"id": 9999}]}}
    assert validation(clb.post("/loadbalancers", json=unknown))


def test_source_addresses_and_cluster_are_present(clb):
    lb = clb.lb(clb.create())
    assert set(lb["sourceAddresses"]) == {"ipv4Public", "ipv4Servicenet", "ipv6Public"}
    assert lb["cluster"]["name"].endswith(".lbaas.rackspace.net")


def test_usage_and_stats_are_plausible_and_grow_with_time(clb, time_travel):
    lb_id = clb.create()
    records = clb.get(f"/loadbalancers/{lb_id}/usage").json()["loadBalancerUsageRecords"]
    assert records[0]["numVips"] == 2
    time_travel.advance(4 * 3600)
    later = clb.get(f"/loadbalancers/{lb_id}/usage").json()["loadBalancerUsageRecords"][0]
    assert later["incomingTransfer"] > records[0]["incomingTransfer"]
    assert later["endTime"].endswith("Z")
    current = clb.get(f"/loadbalancers/{lb_id}/usage/current").json()
    assert current["loadBalancerUsageRecords"]
    account = clb.get("/loadbalancers/usage").json()
    assert [u["loadBalancerId"] for u in account["loadBalancerUsages"]] == [lb_id]
    stats = clb.get(f"/loadbalancers/{lb_id}/stats").json()
    assert {"connectTimeOut", "currentConn", "maxConn", "currentConnSsl"} <= set(stats)
    assert all(isinstance(v, int) and v >= 0 for v in stats.values())
