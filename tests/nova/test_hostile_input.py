"""Requests a hostile client sent that once crashed or stalled the fake (issue 8's probe).

Each gets a 400 in Nova's ``badRequest`` shape naming what is wrong, never a 500.
"""

from __future__ import annotations

import json

import pytest

from pytest_mimic.services.nova import model
from pytest_mimic.services.nova.name_filter import NameFilter, NameFilterRefused

GOOD = {"name": "x", "imageRef": "img", "flavorRef": "2"}


def bad_request(response):
    """The message of a Nova 400 answer (asserting its shape)."""
    assert response.status_code == 400, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json")
    [(name, body)] = response.json().items()
    assert (name, body["code"]) == ("badRequest", 400)
    return body["message"]


def create(compute, **server):
    return compute.post("/servers", json={"server": {**GOOD, **server}})


# -- counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_count", "²"),  # "²".isdigit() is true, int("²") fails
        ("max_count", "\u0661"),  # Arabic-Indic one: a digit to Python, not to Nova's schema
        ("max_count", "9" * 5000),  # past Python's integer-to-text limit
        ("min_count", ""),
        ("max_count", 10**4000),  # a JSON number of 4,001 digits
        ("max_count", 0),
        ("max_count", 1.5),
    ],
    ids=["superscript", "arabic-indic", "5000-digit-text", "empty", "4001-digits", "zero", "float"],
)
def test_bad_counts_are_400_naming_the_field(compute, field, value):
    message = bad_request(create(compute, **{field: value}))
    assert f"Invalid input for field/attribute {field}." in message
    assert len(message) < 300  # the value is echoed cut short
    assert compute.get("/servers").json()["servers"] == []


def test_counts_as_ascii_digit_text_still_work(compute):
    assert create(compute, min_count="2", max_count="3").status_code == 202
    assert len(compute.get("/servers").json()["servers"]) == 3


# -- presets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        {"code": 500, "times": "²"},
        {"code": 500, "times": "9" * 5000},
        {"code": "²"},
        {"code": 500, "times": -1},
    ],
)
def test_bad_delete_server_failure_preset_is_400(compute, spec):
    message = bad_request(create(compute, metadata={"delete_server_failure": json.dumps(spec)}))
    assert "delete_server_failure" in message
    assert compute.get("/servers").json()["servers"] == []


def test_server_building_too_large_for_a_float_is_400(compute):
    body = '{"server": {"name": "x", "imageRef": "img", "flavorRef": "2", '
    body += '"metadata": {"server_building": 1' + "0" * 400 + "}}}"
    response = compute.post("/servers", data=body, headers={"Content-Type": "application/json"})
    assert "server_building" in bad_request(response)


def test_create_server_failure_nested_too_deeply_is_400(compute):
    response = create(compute, metadata={"create_server_failure": "[" * 50_000})
    assert "create_server_failure" in bad_request(response)


# -- refs ----------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["/", "///", " /"])
def test_an_image_ref_naming_no_id_is_400(compute, ref):
    assert bad_request(create(compute, imageRef=ref)) == "Invalid imageRef provided."
    assert compute.get("/servers").json()["servers"] == []


def test_a_flavor_ref_naming_no_id_is_400(compute):
    assert bad_request(create(compute, flavorRef="/")) == "Invalid flavorRef provided."


# -- the name filter -----------------------------------------------------------------


def test_a_catastrophic_name_filter_is_refused_before_it_runs(compute):
    compute.create("a" * 26 + "!")
    message = bad_request(compute.get("/servers", params={"name": "(a+)+$"}))
    assert "quantifier" in message


@pytest.mark.parametrize("pattern", ["a*a*b", "(a|a)*", "(x)\\1", "(?=a)a", "(" * 5000])
def test_unsafe_or_invalid_name_filters_are_400(compute, pattern):
    assert bad_request(compute.get("/servers/detail", params={"name": pattern}))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("web", ["api-web", "web-22", "web-1"]),
        ("^web-\\d+$", ["web-22", "web-1"]),
        ("^web-.*$", ["web-22", "web-1"]),
        ("-.*2", ["web-22"]),
        ("^(web|api)-[a-z0-9]+$", ["api-web", "web-22", "web-1"]),
        ("(?i)^DB", ["db"]),
    ],
)
def test_everyday_name_filters_still_match_as_regexes(compute, pattern, expected):
    for name in ("web-1", "web-22", "api-web", "db"):
        compute.create(name)
    servers = compute.get("/servers", params={"name": pattern}).json()["servers"]
    assert [s["name"] for s in servers] == expected


@pytest.mark.parametrize(
    "pattern",
    ["web", "^web-\\d+$", "web-.*-prod", "^.*a.*b$", ".*web", "[a-z]+-\\d+", "a{3,}", "x?y?z?"],
)
def test_name_filter_accepts_patterns_of_bounded_cost(pattern):
    NameFilter(pattern)


@pytest.mark.parametrize(
    "pattern", ["(a+)+$", "(a|aa)*b", "(ab)+", "a*a*b", ".*a.*b", "(?i)a*a*b", "\\d*\\d*x"]
)
def test_name_filter_refuses_patterns_that_can_backtrack_without_bound(pattern):
    with pytest.raises(NameFilterRefused):
        NameFilter(pattern)


# -- deleted servers -----------------------------------------------------------------


def test_a_page_does_not_walk_over_deleted_servers(compute, nova_service, monkeypatch):
    """``?limit=1`` reads one server, not the 500 deleted before it (count status reads)."""
    nova_service.set_quotas(compute.tenant, maxTotalInstances=-1, maxTotalRAMSize=-1)
    spec = model.ServerSpec("old", "img", "2", count=500)
    region = compute.url.split("/compute/")[1].split("/")[0]
    for server in nova_service.compute.create_servers(compute.tenant, region, spec):
        nova_service.compute.delete_server(compute.tenant, region, server.id)
    live = compute.create("live")
    reads = []
    original = model.Server.status_at

    def counting(self, now):
        reads.append(self.id)
        return original(self, now)

    monkeypatch.setattr(model.Server, "status_at", counting)
    page = compute.get("/servers", params={"limit": 1, "status": "ACTIVE"}).json()
    assert [s["id"] for s in page["servers"]] == [live]
    assert reads == [live]


def test_deleted_servers_leave_changes_since_after_the_retention_time(compute, time_travel):
    server_id = compute.create()
    since = compute.server(server_id)["created"]
    compute.delete(f"/servers/{server_id}")
    time_travel.advance(model.DELETED_RETENTION_SECONDS - 1)
    listed = compute.get("/servers/detail", params={"changes-since": since}).json()["servers"]
    assert [s["id"] for s in listed] == [server_id]
    time_travel.advance(2)
    assert compute.get("/servers/detail", params={"changes-since": since}).json()["servers"] == []


def test_changes_since_pages_walk_live_then_deleted_servers_once(compute):
    ids = [compute.create(f"s{i}") for i in range(5)]
    since = compute.server(ids[0])["created"]
    for server_id in ids[1:3]:
        compute.delete(f"/servers/{server_id}")
    params = {"limit": 2, "changes-since": since}
    page = compute.get("/servers/detail", params=params).json()
    seen = [(s["id"], s["status"]) for s in page["servers"]]
    while "servers_links" in page:
        page = compute.get(page["servers_links"][0]["href"]).json()
        seen += [(s["id"], s["status"]) for s in page["servers"]]
    assert seen == [
        (ids[4], "ACTIVE"),
        (ids[3], "ACTIVE"),
        (ids[0], "ACTIVE"),
        (ids[2], "DELETED"),
        (ids[1], "DELETED"),
    ]


def test_a_marker_deleted_between_pages_resumes_where_it_stood(compute):
    ids = [compute.create(f"s{i}") for i in range(4)]
    page = compute.get("/servers", params={"limit": 2}).json()
    assert [s["id"] for s in page["servers"]] == [ids[3], ids[2]]
    compute.delete(f"/servers/{ids[2]}")
    rest = compute.get(page["servers_links"][0]["href"]).json()["servers"]
    assert [s["id"] for s in rest] == [ids[1], ids[0]]


def test_status_deleted_lists_only_deleted_servers(compute):
    kept, gone = compute.create("kept"), compute.create("gone")
    compute.delete(f"/servers/{gone}")
    listed = compute.get("/servers", params={"status": "DELETED"}).json()["servers"]
    assert [s["id"] for s in listed] == [gone]
    assert [s["id"] for s in compute.get("/servers").json()["servers"]] == [kept]
