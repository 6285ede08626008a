"""Nodes: add, list, get, update, delete, bulk delete, limits, duplicates, statuses, feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.clb.conftest import error, validation

ATOM = "{http://www.w3.org/2005/Atom}"


def test_add_answers_202_with_the_new_nodes_and_their_ids(clb):
    lb_id = clb.create()
    response = clb.add_nodes(lb_id, clb.node(2, weight=5), clb.node(3, type="SECONDARY"))
    assert response.status_code == 202
    nodes = response.json()["nodes"]
    assert [(n["address"], n["weight"], n["type"], n["status"]) for n in nodes] == [
        ("10.0.1.2", 5, "PRIMARY", "ONLINE"),
        ("10.0.1.3", 1, "SECONDARY", "ONLINE"),
    ]
    assert all(isinstance(n["id"], int) for n in nodes)
    listed = clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]
    assert [n["id"] for n in listed][1:] == [n["id"] for n in nodes]
    assert clb.lb(lb_id)["nodes"] == listed
    assert clb.get("/loadbalancers").json()["loadBalancers"][0]["nodeCount"] == 3


def test_get_one_node_and_unknown_node_message(clb):
    lb_id = clb.create()
    node = clb.add_nodes(lb_id, clb.node(2)).json()["nodes"][0]
    assert clb.get(f"/loadbalancers/{lb_id}/nodes/{node['id']}").json() == {"node": node}
    assert error(clb.get(f"/loadbalancers/{lb_id}/nodes/999")) == (
        404,
        f"Node with id #999 not found for loadbalancer #{lb_id}",
    )
    assert error(clb.delete(f"/loadbalancers/{lb_id}/nodes/999"))[0] == 404


def test_update_node_condition_weight_and_type(clb):
    lb_id = clb.create()
    node_id = clb.add_nodes(lb_id, clb.node(2)).json()["nodes"][0]["id"]
    body = {"node": {"condition": "DRAINING", "weight": 100, "type": "SECONDARY"}}
    response = clb.put(f"/loadbalancers/{lb_id}/nodes/{node_id}", json=body)
    assert (response.status_code, response.content) == (202, b"")
    node = clb.get(f"/loadbalancers/{lb_id}/nodes/{node_id}").json()["node"]
    assert (node["condition"], node["weight"], node["type"]) == ("DRAINING", 100, "SECONDARY")


def test_update_node_may_not_change_address_port_or_id(clb):
    lb_id = clb.create()
    body = {"node": {"address": "10.1.1.1", "port": 81, "id": 5, "condition": "ENABLED"}}
    assert validation(clb.put(f"/loadbalancers/{lb_id}/nodes/1", json=body)) == [
        "Node ip field cannot be modified.",
        "Port field cannot be modified.",
        "Node id field cannot be modified.",
    ]


def test_weight_out_of_range_is_the_real_message(clb):
    lb_id = clb.create()
    for weight in (0, 101):
        response = clb.put(f"/loadbalancers/{lb_id}/nodes/1", json={"node": {"weight": weight}})
        assert validation(response) == [
            "Node weight is invalid. Range is 1-100. Please specify a valid weight."
        ]


def test_delete_one_node_is_202_with_an_empty_body(clb):
    lb_id = clb.create()
    node_id = clb.add_nodes(lb_id, clb.node(2)).json()["nodes"][0]["id"]
    response = clb.delete(f"/loadbalancers/{lb_id}/nodes/{node_id}")
    assert (response.status_code, response.content) == (202, b"")
    assert len(clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]) == 1


def test_node_limit_is_25_per_load_balancer(clb):
    lb_id = clb.create(nodes=[clb.node(n) for n in range(1, 25)])
    assert clb.add_nodes(lb_id, clb.node(25)).status_code == 202
    assert error(clb.add_nodes(lb_id, clb.node(26))) == (
        413,
        "Nodes must not exceed 25 per load balancer.",
    )
    too_many = [clb.node(n) for n in range(1, 27)]
    response = clb.post(
        "/loadbalancers",
        json={"loadBalancer": {"name": "x", "protocol": "HTTP", "nodes": too_many}},
    )
    assert error(response)[0] == 413


def test_duplicate_node_is_422_whether_existing_or_repeated_in_the_request(clb):
    lb_id = clb.create(nodes=[clb.node(1)])
    duplicate = (
        422,
        "Duplicate nodes detected. One or more nodes already configured on load balancer.",
    )
    assert error(clb.add_nodes(lb_id, clb.node(1))) == duplicate
    assert error(clb.add_nodes(lb_id, clb.node(7), clb.node(7))) == duplicate
    # the same address on another port is another node; IPv6 spellings are compared as addresses
    assert clb.add_nodes(lb_id, clb.node(1, port=8080)).status_code == 202
    assert clb.add_nodes(lb_id, {"address": "2001:db8::1", "port": 80}).status_code == 202
    assert error(clb.add_nodes(lb_id, {"address": "2001:db8:0::1", "port": 80})) == duplicate
    assert len(clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]) == 3


def test_bulk_delete_removes_named_nodes(clb):
    lb_id = clb.create(nodes=[clb.node(n) for n in range(1, 6)])
    ids = [n["id"] for n in clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]]
    response = clb.delete(f"/loadbalancers/{lb_id}/nodes", params=[("id", i) for i in ids[:3]])
    assert (response.status_code, response.content) == (202, b"")
    left = [n["id"] for n in clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]]
    assert left == ids[3:]


def test_bulk_delete_limit_is_10(clb):
    lb_id = clb.create(nodes=[clb.node(n) for n in range(1, 12)])
    ids = [n["id"] for n in clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]]
    response = clb.delete(f"/loadbalancers/{lb_id}/nodes", params=[("id", i) for i in ids])
    assert validation(response) == [
        "Request to delete 11 nodes exceeds the account limit BATCH_DELETE_LIMIT of 10 "
        "please attempt to delete fewer then 10 nodes"
    ]
    assert len(clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]) == 11
    ten = [("id", i) for i in ids[:10]]
    assert clb.delete(f"/loadbalancers/{lb_id}/nodes", params=ten).status_code == 202


def test_bulk_delete_of_strangers_is_400_naming_them(clb):
    lb_id = clb.create()
    response = clb.delete(f"/loadbalancers/{lb_id}/nodes", params=[("id", 7), ("id", 4)])
    assert validation(response) == ["Node ids 4,7 are not a part of your loadbalancer"]


def test_bulk_delete_needs_ids_and_an_active_load_balancer(clb, clb_service):
    lb_id = clb.create()
    assert error(clb.delete(f"/loadbalancers/{lb_id}/nodes")) == (
        400,
        "Must supply one or more id's to process this request.",
    )
    clb_service.set_status(lb_id, "PENDING_UPDATE")
    response = clb.delete(f"/loadbalancers/{lb_id}/nodes", params={"id": 1})
    assert error(response) == (422, "LoadBalancer is not ACTIVE")


def test_client_may_not_send_a_node_status(clb):
    lb_id = clb.create()
    response = clb.add_nodes(lb_id, clb.node(2, status="OFFLINE"))
    assert validation(response)
    assert len(clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]) == 1


def test_nodes_start_offline_while_a_health_monitor_is_set(clb):
    monitor = {"type": "CONNECT", "delay": 10, "timeout": 5, "attemptsBeforeDeactivation": 3}
    lb_id = clb.create(healthMonitor=monitor)
    node = clb.add_nodes(lb_id, clb.node(2)).json()["nodes"][0]
    assert node["status"] == "OFFLINE"
    clb.delete(f"/loadbalancers/{lb_id}/healthmonitor")
    assert clb.add_nodes(lb_id, clb.node(3)).json()["nodes"][0]["status"] == "ONLINE"


def test_pyrax_style_nulls_in_nodes_mean_absent(clb):
    lb_id = clb.create()
    node = {"address": "10.0.0.21", "port": 8080, "condition": "ENABLED", "type": None, "id": None}
    response = clb.add_nodes(lb_id, node)
    assert response.status_code == 202
    assert response.json()["nodes"][0]["type"] == "PRIMARY"


def test_node_feed_records_creation_and_updates_newest_first(clb, time_travel):
    lb_id = clb.create()
    node_id = clb.add_nodes(lb_id, clb.node(2, weight=5)).json()["nodes"][0]["id"]
    time_travel.advance(60)
    clb.put(f"/loadbalancers/{lb_id}/nodes/{node_id}", json={"node": {"condition": "DISABLED"}})
    response = clb.get(f"/loadbalancers/{lb_id}/nodes/{node_id}.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.text)
    summaries = [e.findtext(f"{ATOM}summary") for e in feed.iter(f"{ATOM}entry")]
    assert summaries == [
        "Node successfully updated with address: '10.0.1.2', port: '80', weight: '5', "
        "condition: 'DISABLED'",
        "Node successfully created with address: '10.0.1.2', port: '80', "
        "condition: 'ENABLED', weight: '5'",
    ]
    (first, second) = [e.findtext(f"{ATOM}updated") for e in feed.iter(f"{ATOM}entry")]
    assert first > second


def test_nodes_created_with_the_load_balancer_have_an_empty_feed(clb):
    lb_id = clb.create()
    response = clb.get(f"/loadbalancers/{lb_id}/nodes/1.atom")
    assert list(ET.fromstring(response.text)) == []


def test_node_feed_errors_are_xml(clb):
    response = clb.get("/loadbalancers/99/nodes/1.atom")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    assert "<itemNotFound" in response.text
    assert "Load balancer not found" in response.text
    lb_id = clb.create()
    clb.delete(f"/loadbalancers/{lb_id}")
    gone = clb.get(f"/loadbalancers/{lb_id}/nodes/1.atom")
    assert gone.status_code == 410
    assert 'code="410">The loadbalancer is marked as deleted.</message>' in gone.text


def test_node_feed_answers_every_error_in_xml(clb, mimic_cloud):
    import requests

    lb_id = clb.create()
    unauthorized = requests.get(f"{clb.url}/loadbalancers/{lb_id}/nodes/1.atom", timeout=10)
    assert unauthorized.status_code == 401
    assert unauthorized.headers["Content-Type"].startswith("application/atom+xml")
    mimic_cloud.inject("clb", "get_node_feed", status=503, message="busy", times=1)
    injected = clb.get(f"/loadbalancers/{lb_id}/nodes/1.atom")
    assert (injected.status_code, injected.headers["Content-Type"][:20]) == (
        503,
        "application/atom+xml",
    )
    assert ">busy</message>" in injected.text
