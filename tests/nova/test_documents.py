"""Cached, pre-encoded documents equal a fresh rendering, byte for byte, whatever changed.

The reference is ``json.dumps`` of the dict forms in ``documents`` (what the HTTP layer
answered before documents were cached), computed at the same frozen instant.
"""

from __future__ import annotations

import json
from functools import partial
from urllib.parse import urlsplit

import pytest

from pytest_mimic.services.nova import data, documents
from pytest_mimic.services.nova.model import ACTION_SECONDS, ServerQuery


def fresh_list(mimic_cloud, compute, nova_service, *, root=None, detail=True):
    """The reference ``/servers[/detail]`` body for the tenant's live servers, now."""
    root = root or compute.url.rsplit("/v2/", 1)[0]
    page = nova_service.compute.list_servers(compute.tenant, mimic_cloud.region, ServerQuery())
    now = mimic_cloud.clock.now()
    if detail:
        items = [documents.server_detail(root, server, now) for server in page.items]
    else:
        items = [documents.server_brief(root, server) for server in page.items]
    return json.dumps({"servers": items}).encode()


def fresh_server(mimic_cloud, compute, nova_service, server_id, *, root=None):
    """The reference ``/servers/{id}`` body, now."""
    root = root or compute.url.rsplit("/v2/", 1)[0]
    server = nova_service.compute.server(compute.tenant, mimic_cloud.region, server_id)
    detail = documents.server_detail(root, server, mimic_cloud.clock.now())
    return json.dumps({"server": detail}).encode()


@pytest.fixture
def servers(compute, time_travel):
    """Three servers (one still building, one in ERROR) with documents already cached."""
    time_travel.freeze()
    ids = [
        compute.create("web-1", metadata={"role": "web"}),
        compute.create("web-2", metadata={"server_building": "30"}),
        compute.create("db-1", metadata={"server_error": "1"}),
    ]
    compute.get("/servers/detail")
    compute.get("/servers")
    for server_id in ids:
        compute.get(f"/servers/{server_id}")
    return ids


def _metadata(compute, ids):
    compute.post(f"/servers/{ids[0]}/metadata", json={"metadata": {"tier": "gold"}})


def _delete_metadata_item(compute, ids):
    assert compute.delete(f"/servers/{ids[0]}/metadata/role").status_code == 204


def _reboot(compute, ids):
    assert compute.action(ids[0], {"reboot": {"type": "SOFT"}}).status_code == 202


def _resize(compute, ids):
    assert compute.action(ids[0], {"resize": {"flavorRef": "3"}}).status_code == 202


def _rebuild_and_rename(compute, ids):
    body = {"rebuild": {"imageRef": "img-2", "name": "renamed", "metadata": {"k": "v"}}}
    assert compute.action(ids[0], body).status_code == 202


def _hard_reboot_out_of_error(compute, ids):
    assert compute.action(ids[2], {"reboot": {"type": "HARD"}}).status_code == 202


def _delete(compute, ids):
    assert compute.delete(f"/servers/{ids[1]}").status_code == 204


def _build_turns_active(compute, ids, time_travel):
    time_travel.advance(15)  # half way: progress moves
    compute.get("/servers/detail")
    time_travel.advance(15)
    return ids[1]


def _reboot_completes(compute, ids, time_travel):
    _reboot(compute, ids)
    compute.get("/servers/detail")
    time_travel.advance(ACTION_SECONDS["reboot_soft"])
    return ids[0]


@pytest.mark.parametrize(
    "change",
    [
        _metadata,
        _delete_metadata_item,
        _reboot,
        _resize,
        _rebuild_and_rename,
        _hard_reboot_out_of_error,
        _delete,
    ],
)
def test_cached_documents_follow_each_change(mimic_cloud, compute, nova_service, servers, change):
    change(compute, servers)
    assert compute.get("/servers/detail").content == fresh_list(mimic_cloud, compute, nova_service)
    assert compute.get("/servers").content == fresh_list(
        mimic_cloud, compute, nova_service, detail=False
    )
    live = [s["id"] for s in compute.get("/servers").json()["servers"]]
    for server_id in live:
        expected = fresh_server(mimic_cloud, compute, nova_service, server_id)
        assert compute.get(f"/servers/{server_id}").content == expected


@pytest.mark.parametrize("change", [_build_turns_active, _reboot_completes])
def test_cached_documents_follow_the_clock(
    mimic_cloud, compute, nova_service, servers, time_travel, change
):
    now_active = change(compute, servers, time_travel)
    body = compute.get("/servers/detail").content
    assert body == fresh_list(mimic_cloud, compute, nova_service)
    statuses = {s["id"]: s["status"] for s in json.loads(body)["servers"]}
    assert statuses[now_active] == "ACTIVE"


def test_cached_documents_follow_the_host_the_client_used(
    mimic_cloud, compute, nova_service, servers
):
    port = urlsplit(compute.url).port
    root = f"http://localhost:{port}/compute/{mimic_cloud.region}"
    headers = {"Host": f"localhost:{port}"}
    body = compute.get("/servers/detail", headers=headers).content
    assert body == fresh_list(mimic_cloud, compute, nova_service, root=root)
    assert f"http://localhost:{port}/".encode() in body
    # ...and back: the first root is not served from the second one's cache, nor stale.
    assert compute.get("/servers/detail").content == fresh_list(mimic_cloud, compute, nova_service)


def test_error_servers_carry_their_fault_in_the_cached_document(compute, servers):
    [errored] = [s for s in compute.get("/servers/detail").json()["servers"] if s["name"] == "db-1"]
    assert errored["status"] == "ERROR"
    assert errored["fault"]["code"] == 500


def test_cached_documents_do_not_outlive_deleted_servers_or_a_reset(
    mimic_cloud, compute, nova_service, servers
):
    cache = nova_service._servers  # the HTTP layer's cache; its size is what is checked
    assert len(cache) == 3
    compute.delete(f"/servers/{servers[0]}")
    assert len(cache) == 2
    mimic_cloud.reset()
    assert len(nova_service._servers) == 0  # a fresh cache at once
    mimic_cloud.context._reaper.drain()
    assert len(cache) == 0  # and the old one's entries die with their servers


def test_paged_lists_keep_the_next_link(mimic_cloud, compute, nova_service, servers):
    body = compute.get("/servers/detail", params={"limit": 2}).json()
    assert [s["id"] for s in body["servers"]] == [servers[2], servers[1]]  # newest first
    assert body["servers_links"][0]["rel"] == "next"


@pytest.mark.parametrize("collection", ["flavors", "flavors/detail", "images", "images/detail"])
def test_catalog_lists_equal_a_fresh_rendering(mimic_cloud, compute, collection):
    compute.get(f"/{collection}")  # warm the cache
    port = urlsplit(compute.url).port
    for host in (None, f"localhost:{port}"):
        headers = {"Host": host} if host else {}
        root = compute.url.rsplit("/v2/", 1)[0]
        if host:
            root = f"http://{host}/compute/{mimic_cloud.region}"
        detail = collection.endswith("/detail")
        kind = collection.split("/")[0]
        if kind == "flavors":
            items = data.flavors_in(mimic_cloud.region)
            render = documents.flavor_detail if detail else None
        else:
            items = mimic_cloud.service("image").images(compute.tenant)
            now = mimic_cloud.clock.now()
            render = partial(documents.image_detail, now=now) if detail else None
        expected = [
            render(root, compute.tenant, item)
            if render
            else documents.brief(root, compute.tenant, kind, item)
            for item in items
        ]
        response = compute.get(f"/{collection}", headers=headers)
        assert response.content == json.dumps({kind: expected}).encode()


def test_image_lists_show_snapshots_as_they_come_and_go(compute):
    server_id = compute.create()
    before = len(compute.get("/images/detail").json()["images"])
    compute.action(server_id, {"createImage": {"name": "snap"}})
    images = compute.get("/images/detail").json()["images"]
    assert len(images) == before + 1
    assert images[-1]["name"] == "snap"
    assert images[-1]["server"]["id"] == server_id
    assert compute.delete(f"/images/{images[-1]['id']}").status_code == 204
    assert len(compute.get("/images/detail").json()["images"]) == before


def test_an_object_template_renders_what_json_dumps_does():
    template = documents.ObjectTemplate(
        {"a": 1, "b": documents.HOLE, "c": {"d": [1, "é"]}, "e": documents.HOLE}
    )
    rendered = template.render(["x\n", None], {"z": {"q": 2}})
    assert (
        rendered
        == json.dumps({"a": 1, "b": "x\n", "c": {"d": [1, "é"]}, "e": None, "z": {"q": 2}}).encode()
    )
    with pytest.raises(ValueError, match="expected 2 values"):
        template.render(["only one"])


def test_an_encoded_list_is_what_json_dumps_gives():
    items = [{"id": "a"}, {"id": "b", "x": [1, None]}]
    encoded = [json.dumps(item).encode() for item in items]
    links = [{"href": "http://h/next", "rel": "next"}]
    assert (
        documents.encoded_list("servers", encoded, {"servers_links": links})
        == json.dumps({"servers": items, "servers_links": links}).encode()
    )
    assert documents.encoded_list("servers", []) == json.dumps({"servers": []}).encode()
