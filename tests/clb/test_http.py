"""The HTTP surface: catalog, fixed lists, listing, client habits (pkgcloud, libcloud, pyrax),
errors and rate limiting, operations for the journal and the fault engine."""

from __future__ import annotations

import requests
from tests.clb.conftest import LoadBalancerHTTP, error, validation

# -- catalog ---------------------------------------------------------------------------


def test_one_catalog_entry_with_an_endpoint_in_every_region(mimic_cloud):
    creds = mimic_cloud.credentials
    body = {
        "auth": {"passwordCredentials": {"username": creds.username, "password": creds.password}}
    }
    access = requests.post(f"{mimic_cloud.auth_url}/tokens", json=body, timeout=10).json()["access"]
    entries = [s for s in access["serviceCatalog"] if s["type"] == "rax:load-balancer"]
    assert [e["name"] for e in entries] == ["cloudLoadBalancers"]
    tenant = access["token"]["tenant"]["id"]
    assert {e["region"]: e["publicURL"] for e in entries[0]["endpoints"]} == {
        region: f"{mimic_cloud.base_url}/clb/{region}/v1.0/{tenant}"
        for region in mimic_cloud.config.regions
    }


def test_catalog_urls_use_the_host_the_client_used(mimic_cloud):
    creds = mimic_cloud.credentials
    port = mimic_cloud.base_url.rsplit(":", 1)[1]
    body = {
        "auth": {"passwordCredentials": {"username": creds.username, "password": creds.password}}
    }
    response = requests.post(f"http://localhost:{port}/identity/v2.0/tokens", json=body, timeout=10)
    [entry] = [
        s for s in response.json()["access"]["serviceCatalog"] if s["type"] == "rax:load-balancer"
    ]
    assert all(
        e["publicURL"].startswith(f"http://localhost:{port}/clb/") for e in entry["endpoints"]
    )


def test_state_is_per_tenant(mimic_cloud, clb):
    mimic_cloud.service("identity").add_user("other", password="pw", tenant_id="777")
    body = {"auth": {"passwordCredentials": {"username": "other", "password": "pw"}}}
    token = requests.post(f"{mimic_cloud.auth_url}/tokens", json=body, timeout=10).json()
    lb_id = clb.create()
    other = requests.get(
        mimic_cloud.url("clb", tenant="777") + f"/loadbalancers/{lb_id}",
        headers={"X-Auth-Token": token["access"]["token"]["id"]},
        timeout=10,
    )
    assert error(other) == (404, "Load balancer not found")


def test_a_token_is_required(clb):
    response = requests.get(f"{clb.url}/loadbalancers", timeout=10)
    assert error(response)[0] == 401


# -- fixed lists -----------------------------------------------------------------------


def test_protocols_and_algorithms_are_the_real_lists(clb):
    protocols = clb.get("/loadbalancers/protocols").json()["protocols"]
    assert {"name": "HTTP", "port": 80} in protocols
    assert {"name": "TCP_CLIENT_FIRST", "port": 0} in protocols
    assert len(protocols) == 20
    algorithms = clb.get("/loadbalancers/algorithms").json()["algorithms"]
    assert [a["name"] for a in algorithms] == [
        "LEAST_CONNECTIONS",
        "RANDOM",
        "ROUND_ROBIN",
        "WEIGHTED_LEAST_CONNECTIONS",
        "WEIGHTED_ROUND_ROBIN",
    ]
    domains = clb.get("/loadbalancers/alloweddomains").json()
    assert domains["allowedDomains"][0]["allowedDomain"]["name"]
    limits = {
        i["name"]: i["value"] for i in clb.get("/loadbalancers/absolutelimits").json()["absolute"]
    }
    assert (limits["NODE_LIMIT"], limits["BATCH_DELETE_LIMIT"]) == (25, 10)


# -- create and list -------------------------------------------------------------------


def test_create_answers_202_with_the_full_shape_and_defaults(clb):
    response = clb.post("/loadbalancers", json={"loadBalancer": {"name": "a", "protocol": "HTTPS"}})
    assert response.status_code == 202
    lb = response.json()["loadBalancer"]
    assert (lb["port"], lb["algorithm"], lb["timeout"], lb["halfClosed"], lb["httpsRedirect"]) == (
        443,
        "RANDOM",
        30,
        False,
        False,
    )
    assert lb["nodes"] == []
    assert lb["connectionLogging"] == {"enabled": False}
    assert lb["contentCaching"] == {"enabled": False}
    assert {"id", "cluster", "virtualIps", "sourceAddresses", "created", "updated"} <= set(lb)


def test_pkgcloud_bare_create_body_is_accepted(clb):
    body = {"name": "bare", "protocol": "HTTP", "port": 80, "virtualIps": [{"type": "PUBLIC"}]}
    response = clb.post("/loadbalancers", json=body)
    assert response.status_code == 202
    assert response.json()["loadBalancer"]["name"] == "bare"


def test_pyrax_all_null_optional_fields_mean_absent(clb):
    """The create body pyrax 1.10 sends (recorded on the wire), with every optional null."""
    body = {
        "loadBalancer": {
            "name": "acc-pyraxlb",
            "port": 80,
            "protocol": "HTTP",
            "nodes": [
                {
                    "address": "10.0.0.20",
                    "port": 80,
                    "condition": "ENABLED",
                    "type": None,
                    "id": None,
                }
            ],
            "virtualIps": [{"type": "PUBLIC", "ipVersion": "IPV4"}],
            "algorithm": "ROUND_ROBIN",
            "halfClosed": None,
            "accessList": None,
            "connectionLogging": None,
            "connectionThrottle": None,
            "healthMonitor": None,
            "metadata": None,
            "timeout": None,
            "sessionPersistence": None,
            "httpsRedirect": None,
        }
    }
    response = clb.post("/loadbalancers", json=body)
    assert response.status_code == 202, response.text
    lb = response.json()["loadBalancer"]
    assert (lb["timeout"], lb["halfClosed"], lb["algorithm"]) == (30, False, "ROUND_ROBIN")
    assert [v["ipVersion"] for v in lb["virtualIps"]] == ["IPV4"]
    assert "healthMonitor" not in lb
    # pyrax's update wraps the attributes; its node add sends type/id null
    assert (
        clb.put(
            f"/loadbalancers/{lb['id']}", json={"loadBalancer": {"name": "n", "timeout": None}}
        ).status_code
        == 202
    )
    node = {"address": "10.0.0.21", "port": 8080, "condition": "ENABLED", "type": None, "id": None}
    assert clb.add_nodes(lb["id"], node).status_code == 202


def test_create_with_every_optional_part(clb):
    body = {
        "name": "full",
        "protocol": "HTTP",
        "port": 8080,
        "algorithm": "WEIGHTED_ROUND_ROBIN",
        "timeout": 90,
        "halfClosed": True,
        "httpsRedirect": False,
        "connectionLogging": {"enabled": True},
        "contentCaching": {"enabled": True},
        "healthMonitor": {
            "type": "CONNECT",
            "delay": 10,
            "timeout": 5,
            "attemptsBeforeDeactivation": 3,
        },
        "connectionThrottle": {"maxConnections": 50},
        "sessionPersistence": {"persistenceType": "HTTP_COOKIE"},
        "accessList": [{"address": "10.0.0.0/8", "type": "ALLOW"}],
        "metadata": [{"key": "role", "value": "web"}],
    }
    lb = clb.post("/loadbalancers", json={"loadBalancer": body}).json()["loadBalancer"]
    assert lb["connectionLogging"] == {"enabled": True}
    assert lb["contentCaching"] == {"enabled": True}
    assert lb["healthMonitor"]["type"] == "CONNECT"
    assert lb["connectionThrottle"] == {"maxConnections": 50}
    assert lb["sessionPersistence"] == {"persistenceType": "HTTP_COOKIE"}
    assert [i["address"] for i in lb["accessList"]] == ["10.0.0.0/8"]
    assert [(m["key"], m["value"]) for m in lb["metadata"]] == [("role", "web")]


def test_list_has_the_short_shape(clb):
    clb.create()
    [lb] = clb.get("/loadbalancers").json()["loadBalancers"]
    assert set(lb) == {
        "name",
        "id",
        "protocol",
        "port",
        "algorithm",
        "status",
        "nodeCount",
        "virtualIps",
        "created",
        "updated",
    }


def test_list_filters_by_status_and_node_address(clb, clb_service):
    a = clb.create("a", nodes=[clb.node(1)])
    b = clb.create("b", nodes=[clb.node(2)])
    clb_service.set_status(b, "ERROR")

    def ids(**params):
        return [lb["id"] for lb in clb.get("/loadbalancers", params=params).json()["loadBalancers"]]

    assert ids() == [a, b]
    assert ids(status="ERROR") == [b]
    assert ids(nodeaddress="10.0.1.1") == [a]
    assert ids(nodeaddress="10.9.9.9") == []


def test_list_filters_by_changes_since(clb, time_travel):
    old = clb.create("old")
    time_travel.advance(3600)
    since = time_travel.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    time_travel.advance(1)
    new = clb.create("new")
    listed = clb.get("/loadbalancers", params={"changes-since": since}).json()["loadBalancers"]
    assert [lb["id"] for lb in listed] == [new]
    clb.put(f"/loadbalancers/{old}", json={"name": "touched"})
    listed = clb.get("/loadbalancers", params={"changes-since": since}).json()["loadBalancers"]
    assert [lb["id"] for lb in listed] == [old, new]


def test_list_pages_with_limit_and_marker(clb):
    ids = [clb.create(f"lb-{n}") for n in range(5)]
    first = clb.get("/loadbalancers", params={"limit": 2}).json()
    assert [lb["id"] for lb in first["loadBalancers"]] == ids[:2]
    [link] = first["links"]
    assert link["rel"] == "next"
    second = clb.get(link["href"]).json()
    assert [lb["id"] for lb in second["loadBalancers"]] == ids[2:4]
    rest = clb.get("/loadbalancers", params={"marker": ids[3]}).json()
    assert [lb["id"] for lb in rest["loadBalancers"]] == ids[4:]
    assert "links" not in rest


def test_unknown_query_parameters_are_ignored(clb):
    lb_id = clb.create()
    params = {"cache-busting": "f9e7a9c5633fe533", "is_public": "None"}
    assert clb.get("/loadbalancers", params=params).status_code == 200
    assert clb.get(f"/loadbalancers/{lb_id}", params=params).status_code == 200
    assert clb.get(f"/loadbalancers/{lb_id}/nodes", params=params).status_code == 200


def test_bulk_delete_of_load_balancers(clb, clb_service):
    a, b, c = clb.create("a"), clb.create("b"), clb.create("c")
    assert error(clb.delete("/loadbalancers")) == (
        400,
        "Must supply one or more id's to process this request.",
    )
    assert error(clb.delete("/loadbalancers", params=[("id", a), ("id", 999)])) == (
        400,
        "Must provide valid load balancers: 999 could not be found.",
    )
    clb_service.set_status(c, "PENDING_UPDATE")
    assert error(clb.delete("/loadbalancers", params=[("id", a), ("id", c)])) == (
        400,
        f"Must provide valid load balancers: {c} are immutable and could not be processed.",
    )
    assert clb.status(a) == "ACTIVE"  # all or none
    assert clb.delete("/loadbalancers", params=[("id", a), ("id", b)]).status_code == 202
    assert (clb.status(a), clb.status(b)) == ("DELETED", "DELETED")
    eleven = [("id", n) for n in range(1, 12)]
    assert validation(clb.delete("/loadbalancers", params=eleven))


# -- errors and faults -----------------------------------------------------------------


def test_every_answer_is_json_even_unknown_routes_and_methods(clb):
    lb_id = clb.create()
    for response in (
        clb.get("/nothing-here"),
        clb.request("PATCH", f"/loadbalancers/{lb_id}"),
        clb.get("/loadbalancers/abc"),
    ):
        assert error(response)[0] in (404, 405)


def test_injected_413_is_the_front_proxys_rate_limit(clb, mimic_cloud, time_travel):
    from datetime import UTC, datetime

    time_travel.freeze()
    lb_id = clb.create()
    mimic_cloud.inject("clb", "add_nodes", status=413, headers={"Retry-After": "7"}, times=1)
    response = clb.add_nodes(lb_id, clb.node(2))
    assert response.status_code == 413
    assert response.headers["Retry-After"] == "7"
    over = response.json()["overLimit"]
    assert (over["code"], over["message"]) == (413, "OverLimit Retry...")
    retry_at = datetime.strptime(over["retryAfter"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert int(retry_at.timestamp()) == int(time_travel.now().timestamp() + 7)
    assert clb.add_nodes(lb_id, clb.node(2)).status_code == 202


def test_injected_413_without_retry_after_waits_60_seconds(clb, mimic_cloud):
    mimic_cloud.inject("clb", "list_load_balancers", status=413, fault="overLimit", times=1)
    response = clb.get("/loadbalancers")
    assert response.headers["Retry-After"] == "60"
    assert set(response.json()) == {"overLimit"}


def test_other_injected_faults_are_flat(clb, mimic_cloud):
    mimic_cloud.inject("clb", "list_load_balancers", status=503, message="busy", times=1)
    assert error(clb.get("/loadbalancers")) == (503, "busy")


def test_a_rule_can_fail_add_node_on_lb_web_star(clb, mimic_cloud):
    web, api = clb.create("web-1"), clb.create("api-1")
    handle = mimic_cloud.inject("clb", "add_nodes", status=500, message="boom", lb_name="web-.*")
    assert error(clb.add_nodes(web, clb.node(2))) == (500, "boom")
    assert clb.add_nodes(api, clb.node(2)).status_code == 202
    assert handle.hits == 1


def test_operations_carry_tenant_region_ids_name_and_node_address(clb, mimic_cloud):
    lb_id = clb.create("web-1")
    node_id = clb.add_nodes(lb_id, clb.node(2)).json()["nodes"][0]["id"]
    clb.delete(f"/loadbalancers/{lb_id}/nodes/{node_id}")
    [create] = mimic_cloud.calls("clb", "create_load_balancer")
    assert (create.attributes["lb_name"], create.attributes["node_address"]) == (
        "web-1",
        "10.0.0.1",
    )
    [add] = mimic_cloud.calls("clb", "add_nodes", lb_name="web-1", node_address="10.0.1.2")
    assert (add.attributes["tenant"], add.attributes["region"]) == (clb.tenant, "ORD")
    assert add.attributes["lb_id"] == lb_id
    [delete] = mimic_cloud.calls("clb", "delete_node")
    assert (delete.attributes["node_id"], delete.attributes["node_address"]) == (
        node_id,
        "10.0.1.2",
    )


def test_operation_names_cover_the_surface(mimic_cloud):
    names = set(type(mimic_cloud.service("clb"))._handlers)
    assert {
        "create_load_balancer",
        "list_load_balancers",
        "get_load_balancer",
        "update_load_balancer",
        "delete_load_balancer",
        "delete_load_balancers",
        "list_protocols",
        "list_algorithms",
        "list_nodes",
        "add_nodes",
        "get_node",
        "update_node",
        "delete_node",
        "delete_nodes",
        "get_node_feed",
        "get_health_monitor",
        "set_health_monitor",
        "delete_health_monitor",
        "get_access_list",
        "add_access_list",
        "delete_access_list",
        "delete_access_item",
        "list_metadata",
        "add_metadata",
        "list_node_metadata",
        "get_usage",
        "get_stats",
    } <= names


def test_regions_are_separate(mimic_cloud, clb):
    dfw = LoadBalancerHTTP(mimic_cloud, region="DFW")
    clb.create()
    assert dfw.get("/loadbalancers").json() == {"loadBalancers": []}
