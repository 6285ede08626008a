"""Servers are listed newest first, as Nova sorts them: ``created_at`` descending, then its own
id (creation order) descending; paging by marker walks that order once."""

from __future__ import annotations


def ids(compute, path="/servers", **params):
    return [s["id"] for s in compute.get(path, params=params).json()["servers"]]


def walk(compute, **params):
    """Every page of ``/servers/detail`` through the ``next`` links."""
    page = compute.get("/servers/detail", params=params).json()
    seen = [s["id"] for s in page["servers"]]
    while "servers_links" in page:
        page = compute.get(page["servers_links"][0]["href"]).json()
        seen += [s["id"] for s in page["servers"]]
    return seen


def test_novaclient_lists_the_newest_server_first_and_pages_from_a_marker(nova):
    names = [nova.servers.create(f"s{i}", image="img-1", flavor="2").name for i in range(4)]

    listed = nova.servers.list()
    assert [s.name for s in listed] == names[::-1]
    rest = nova.servers.list(marker=listed[1].id, limit=5)
    assert [s.name for s in rest] == ["s1", "s0"]


def test_openstacksdk_pages_newest_first_each_server_once(sdk):
    created = [
        sdk.compute.create_server(name=f"p{i}", image_id="i", flavor_id="2") for i in range(5)
    ]

    listed = list(sdk.compute.servers(limit=2))
    assert [s.id for s in listed] == [s.id for s in reversed(created)]


def test_servers_created_at_one_moment_list_the_last_created_first(compute, time_travel):
    time_travel.freeze()
    compute.create("web", min_count=3, max_count=3)
    single = compute.create("single")
    names = [s["name"] for s in compute.get("/servers").json()["servers"]]
    assert names == ["single", "web-3", "web-2", "web-1"]
    assert ids(compute)[0] == single


def test_a_server_created_after_the_clock_moved_back_lists_by_its_creation_time(
    compute, time_travel
):
    first, second = compute.create("first"), compute.create("second")
    time_travel.shift(-3600)
    earliest = compute.create("earliest")

    assert ids(compute) == [second, first, earliest]
    assert walk(compute, limit=1) == [second, first, earliest]


def test_a_deleted_marker_resumes_among_servers_created_at_one_moment(compute, time_travel):
    time_travel.freeze()
    s0, s1, s2, s3 = (compute.create(f"s{i}") for i in range(4))
    page = compute.get("/servers", params={"limit": 2}).json()
    assert [s["id"] for s in page["servers"]] == [s3, s2]

    compute.delete(f"/servers/{s2}")
    assert ids(compute, page["servers_links"][0]["href"]) == [s1, s0]


def test_changes_since_lists_live_servers_newest_first_then_the_latest_deletions(
    compute, time_travel
):
    time_travel.freeze()
    s0, s1, s2, s3 = (compute.create(f"s{i}") for i in range(4))
    since = compute.server(s0)["created"]
    compute.delete(f"/servers/{s1}")
    time_travel.advance(1)
    compute.delete(f"/servers/{s3}")

    expected = [s2, s0, s3, s1]
    assert ids(compute, "/servers/detail", **{"changes-since": since}) == expected
    assert walk(compute, limit=1, **{"changes-since": since}) == expected
