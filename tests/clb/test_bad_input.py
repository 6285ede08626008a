"""A table of bad inputs: each gets the right 4xx in the real CLB body shape, never a 500.

Flat ``{"message", "code"}`` for malformed requests and unknown ids; the ``validationErrors``
form for content that breaks a rule.
"""

from __future__ import annotations

import pytest
from tests.clb.conftest import NODE

FLAT, VALIDATION = "flat", "validation"

GOOD_LB = {"name": "x", "protocol": "HTTP", "virtualIps": [{"type": "PUBLIC"}], "nodes": [NODE]}


def lb_with(**fields):
    body = {**GOOD_LB, **fields}
    return {"loadBalancer": {k: v for k, v in body.items() if v is not ...}}


# (id, method, path under the LB collection ({lb} = an ACTIVE load balancer), body or raw
#  bytes, expected status, shape, text the message must contain)
CASES = [
    # -- create: malformed bodies
    ("create-malformed-json", "POST", "", b"{bad", 400, FLAT, "Invalid JSON request body"),
    ("create-empty-body", "POST", "", b"", 400, FLAT, "Invalid JSON request body"),
    ("create-nan", "POST", "", b'{"loadBalancer": {"port": NaN}}', 400, FLAT, "Invalid JSON"),
    ("create-not-utf8", "POST", "", b'{"name": "\xff"}', 400, FLAT, "Invalid JSON"),
    ("create-deep", "POST", "", b"[" * 5000 + b"]" * 5000, 400, FLAT, "Invalid JSON"),
    ("create-array", "POST", "", [], 400, VALIDATION, "must be a JSON object"),
    ("create-wrapper-string", "POST", "", {"loadBalancer": "x"}, 400, VALIDATION, "loadBalancer"),
    # -- create: fields
    ("create-no-name", "POST", "", lb_with(name=...), 400, VALIDATION, "name"),
    ("create-null-name", "POST", "", lb_with(name=None), 400, VALIDATION, "name"),
    ("create-name-number", "POST", "", lb_with(name=5), 400, VALIDATION, "name"),
    ("create-name-long", "POST", "", lb_with(name="n" * 129), 400, VALIDATION, "128"),
    ("create-no-protocol", "POST", "", lb_with(protocol=...), 400, VALIDATION, "protocol"),
    ("create-unknown-protocol", "POST", "", lb_with(protocol="GOPHER"), 400, VALIDATION, "GOPHER"),
    ("create-protocol-case", "POST", "", lb_with(protocol="http"), 400, VALIDATION, "Protocol"),
    ("create-tcp-no-port", "POST", "", lb_with(protocol="TCP"), 400, VALIDATION, "port"),
    ("create-port-text", "POST", "", lb_with(port="eighty"), 400, VALIDATION, "Port"),
    ("create-port-zero", "POST", "", lb_with(port=0), 400, VALIDATION, "Port"),
    ("create-port-high", "POST", "", lb_with(port=70000), 400, VALIDATION, "Port"),
    ("create-port-bool", "POST", "", lb_with(port=True), 400, VALIDATION, "Port"),
    ("create-port-huge", "POST", "", lb_with(port=10**40), 400, VALIDATION, "Port"),
    ("create-port-float", "POST", "", lb_with(port=80.5), 400, VALIDATION, "Port"),
    ("create-algorithm", "POST", "", lb_with(algorithm="FASTEST"), 400, VALIDATION, "Algorithm"),
    ("create-timeout-0", "POST", "", lb_with(timeout=0), 400, VALIDATION, "Timeout"),
    ("create-timeout-121", "POST", "", lb_with(timeout=121), 400, VALIDATION, "Timeout"),
    ("create-half-closed", "POST", "", lb_with(halfClosed="maybe"), 400, VALIDATION, "halfClosed"),
    ("create-vips-string", "POST", "", lb_with(virtualIps="PUBLIC"), 400, VALIDATION, "virtualIps"),
    ("create-vips-empty", "POST", "", lb_with(virtualIps=[]), 400, VALIDATION, "virtual ip"),
    (
        "create-vip-type",
        "POST",
        "",
        lb_with(virtualIps=[{"type": "FLOATING"}]),
        400,
        VALIDATION,
        "FLOATING",
    ),
    (
        "create-vip-servicenet-v6",
        "POST",
        "",
        lb_with(virtualIps=[{"type": "SERVICENET", "ipVersion": "IPV6"}]),
        400,
        VALIDATION,
        "IPV4",
    ),
    ("create-vip-id-text", "POST", "", lb_with(virtualIps=[{"id": "abc"}]), 400, VALIDATION, "abc"),
    (
        "create-vip-unknown-id",
        "POST",
        "",
        lb_with(virtualIps=[{"id": 424242}]),
        400,
        VALIDATION,
        "424242",
    ),
    ("create-nodes-string", "POST", "", lb_with(nodes="x"), 400, VALIDATION, "nodes"),
    ("create-node-number", "POST", "", lb_with(nodes=[42]), 400, VALIDATION, "node"),
    (
        "create-node-no-port",
        "POST",
        "",
        lb_with(nodes=[{"address": "10.0.0.1"}]),
        400,
        VALIDATION,
        "port",
    ),
    (
        "create-node-bad-address",
        "POST",
        "",
        lb_with(nodes=[{"address": "not-an-ip", "port": 80}]),
        400,
        VALIDATION,
        "not-an-ip",
    ),
    (
        "create-node-condition",
        "POST",
        "",
        lb_with(nodes=[{**NODE, "condition": "SLEEPING"}]),
        400,
        VALIDATION,
        "SLEEPING",
    ),
    (
        "create-node-status",
        "POST",
        "",
        lb_with(nodes=[{**NODE, "status": "ONLINE"}]),
        400,
        VALIDATION,
        "status",
    ),
    ("create-metadata-string", "POST", "", lb_with(metadata="x"), 400, VALIDATION, "metadata"),
    (
        "create-metadata-empty-key",
        "POST",
        "",
        lb_with(metadata=[{"key": "", "value": "v"}]),
        400,
        VALIDATION,
        "key",
    ),
    (
        "create-metadata-no-value",
        "POST",
        "",
        lb_with(metadata=[{"key": "k"}]),
        400,
        VALIDATION,
        "value",
    ),
    (
        "create-metadata-number",
        "POST",
        "",
        lb_with(metadata=[{"key": "k", "value": 5}]),
        400,
        VALIDATION,
        "value",
    ),
    (
        "create-metadata-duplicate",
        "POST",
        "",
        lb_with(metadata=[{"key": "k", "value": "a"}, {"key": "k", "value": "b"}]),
        400,
        VALIDATION,
        "Duplicate",
    ),
    (
        "create-monitor-string",
        "POST",
        "",
        lb_with(healthMonitor="x"),
        400,
        VALIDATION,
        "JSON object",
    ),
    (
        "create-access-bad",
        "POST",
        "",
        lb_with(accessList=[{"address": "x", "type": "DENY"}]),
        400,
        VALIDATION,
        "address",
    ),
    # -- add nodes
    ("add-malformed", "POST", "/{lb}/nodes", b"{", 400, FLAT, "Invalid JSON request body"),
    ("add-no-nodes", "POST", "/{lb}/nodes", {}, 400, VALIDATION, "nodes"),
    ("add-nodes-null", "POST", "/{lb}/nodes", {"nodes": None}, 400, VALIDATION, "nodes"),
    ("add-nodes-empty", "POST", "/{lb}/nodes", {"nodes": []}, 400, VALIDATION, "at least one"),
    (
        "add-nodes-object",
        "POST",
        "/{lb}/nodes",
        {"nodes": {"address": "10.0.0.9"}},
        400,
        VALIDATION,
        "nodes",
    ),
    (
        "add-port-text",
        "POST",
        "/{lb}/nodes",
        {"nodes": [{"address": "10.0.0.9", "port": "eighty"}]},
        400,
        VALIDATION,
        "port",
    ),
    (
        "add-address-number",
        "POST",
        "/{lb}/nodes",
        {"nodes": [{"address": 10, "port": 80}]},
        400,
        VALIDATION,
        "address",
    ),
    (
        "add-weight-0",
        "POST",
        "/{lb}/nodes",
        {"nodes": [{**NODE, "address": "10.0.0.9", "weight": 0}]},
        400,
        VALIDATION,
        "Range is 1-100",
    ),
    (
        "add-weight-101",
        "POST",
        "/{lb}/nodes",
        {"nodes": [{**NODE, "address": "10.0.0.9", "weight": 101}]},
        400,
        VALIDATION,
        "Range is 1-100",
    ),
    (
        "add-weight-text",
        "POST",
        "/{lb}/nodes",
        {"nodes": [{**NODE, "address": "10.0.0.9", "weight": "heavy"}]},
        400,
        VALIDATION,
        "Range is 1-100",
    ),
    (
        "add-type",
        "POST",
        "/{lb}/nodes",
        {"nodes": [{**NODE, "address": "10.0.0.9", "type": "TERTIARY"}]},
        400,
        VALIDATION,
        "TERTIARY",
    ),
    # -- updates
    ("update-empty", "PUT", "/{lb}", {"loadBalancer": {}}, 400, VALIDATION, "at least one"),
    (
        "update-protocol",
        "PUT",
        "/{lb}",
        {"loadBalancer": {"protocol": "GOPHER"}},
        400,
        VALIDATION,
        "GOPHER",
    ),
    ("update-timeout-text", "PUT", "/{lb}", {"timeout": "soon"}, 400, VALIDATION, "Timeout"),
    ("update-malformed", "PUT", "/{lb}", b"{]", 400, FLAT, "Invalid JSON"),
    (
        "update-node-condition",
        "PUT",
        "/{lb}/nodes/1",
        {"node": {"condition": "ASLEEP"}},
        400,
        VALIDATION,
        "ASLEEP",
    ),
    ("update-node-empty", "PUT", "/{lb}/nodes/1", {"node": {}}, 400, VALIDATION, "condition"),
    (
        "update-node-weight",
        "PUT",
        "/{lb}/nodes/1",
        {"node": {"weight": 101}},
        400,
        VALIDATION,
        "Range is 1-100",
    ),
    (
        "update-node-status",
        "PUT",
        "/{lb}/nodes/1",
        {"node": {"status": "OFFLINE"}},
        400,
        VALIDATION,
        "status",
    ),
    ("update-node-node-string", "PUT", "/{lb}/nodes/1", {"node": "x"}, 400, VALIDATION, "node"),
    ("meta-update-empty", "PUT", "/{lb}/metadata/{meta}", {"meta": {}}, 400, VALIDATION, "value"),
    (
        "throttle-negative",
        "PUT",
        "/{lb}/connectionthrottle",
        {"maxConnections": -1},
        400,
        VALIDATION,
        "maxConnections",
    ),
    (
        "persistence-null",
        "PUT",
        "/{lb}/sessionpersistence",
        {"sessionPersistence": None},
        400,
        VALIDATION,
        "persistenceType",
    ),
    (
        "ssl-port-text",
        "PUT",
        "/{lb}/ssltermination",
        {"certificate": "c", "privatekey": "k", "securePort": "x"},
        400,
        VALIDATION,
        "securePort",
    ),
    (
        "access-empty",
        "POST",
        "/{lb}/accesslist",
        {"accessList": []},
        400,
        VALIDATION,
        "network item",
    ),
    # -- unknown and non-integer ids
    ("lb-text-id", "GET", "/abc", None, 404, FLAT, "Load balancer not found"),
    ("lb-negative-id", "GET", "/-1", None, 404, FLAT, "Load balancer not found"),
    ("lb-huge-id", "GET", "/" + "9" * 40, None, 404, FLAT, "Load balancer not found"),
    ("lb-unknown-id", "GET", "/999999", None, 404, FLAT, "Load balancer not found"),
    ("lb-unknown-delete", "DELETE", "/999999", None, 404, FLAT, "Load balancer not found"),
    (
        "lb-unknown-add",
        "POST",
        "/999999/nodes",
        {"nodes": [NODE]},
        404,
        FLAT,
        "Load balancer not found",
    ),
    ("node-text-id", "GET", "/{lb}/nodes/abc", None, 404, FLAT, "Node with id #'abc' not found"),
    (
        "node-unknown-id",
        "PUT",
        "/{lb}/nodes/999",
        {"node": {"weight": 2}},
        404,
        FLAT,
        "Node with id #999 not found",
    ),
    ("bulk-node-text-id", "DELETE", "/{lb}/nodes?id=abc", None, 400, VALIDATION, "abc"),
    ("bulk-lb-text-id", "DELETE", "?id=abc", None, 400, VALIDATION, "abc"),
    ("meta-text-id", "GET", "/{lb}/metadata/abc", None, 404, FLAT, "Metadata item not found"),
    ("meta-bulk-no-id", "DELETE", "/{lb}/metadata", None, 400, FLAT, "Must supply"),
    ("access-text-id", "DELETE", "/{lb}/accesslist/abc", None, 404, FLAT, "Network item not found"),
    # -- query parameters
    ("list-limit-text", "GET", "?limit=abc", None, 400, FLAT, "limit"),
    ("list-marker-text", "GET", "?marker=abc", None, 400, FLAT, "marker"),
    ("list-changes-since", "GET", "?changes-since=yesterday", None, 400, FLAT, "changes-since"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "shape", "text"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_gets_the_right_4xx(clb, mimic_cloud, method, path, body, status, shape, text):
    lb_id = clb.create("table")
    meta = clb.post(
        f"/loadbalancers/{lb_id}/metadata", json={"metadata": [{"key": "k", "value": "v"}]}
    ).json()["metadata"][0]["id"]
    url = "/loadbalancers" + path.format(lb=lb_id, meta=meta)
    if isinstance(body, bytes):
        response = clb.request(method, url, data=body, headers={"Content-Type": "application/json"})
    else:
        response = clb.request(method, url, json=body)
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json")
    payload = response.json()
    if shape == FLAT:
        assert set(payload) == {"message", "code"}, payload
        assert payload["code"] == status
        message = payload["message"]
    else:
        assert payload["message"] == "Validation Failure"
        assert payload["code"] == 400
        [message] = payload["validationErrors"]["messages"]
    assert text in message, message
    assert len(message) < 400  # client input is echoed cut short
    # nothing changed: the table's load balancer is as it was
    assert clb.status(lb_id) == "ACTIVE"
    assert len(clb.get(f"/loadbalancers/{lb_id}/nodes").json()["nodes"]) == 1
    assert [lb["name"] for lb in clb.get("/loadbalancers").json()["loadBalancers"]] == ["table"]
