"""Nova over plain HTTP: documents, shapes, errors, actions, paging, filters and quotas."""

from __future__ import annotations

import pytest
import requests

from pytest_mimic.faults import FaultRule, Respond
from pytest_mimic.services.nova.model import ACTION_SECONDS, ServerQuery


def fault(response):
    """``(status, fault name, message)`` of a Nova error answer."""
    assert response.headers["Content-Type"].startswith("application/json")
    [(name, body)] = response.json().items()
    assert body["code"] == response.status_code
    return response.status_code, name, body["message"]


# -- version documents ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["/v2", "/v2/"])
def test_v2_document_needs_no_token_has_id_and_only_2_1(mimic_cloud, suffix):
    url = mimic_cloud.base_url + "/compute/ORD" + suffix
    version = requests.get(url, timeout=10).json()["version"]
    assert version["id"] == "v2.1"
    assert (version["min_version"], version["version"]) == ("2.1", "2.1")
    assert version["links"][0]["href"] == mimic_cloud.base_url + "/compute/ORD/v2/"


def test_root_lists_versions(mimic_cloud):
    versions = requests.get(mimic_cloud.base_url + "/compute/ORD/", timeout=10).json()["versions"]
    assert [v["id"] for v in versions] == ["v2.1"]


def test_later_microversion_is_406_and_answers_carry_2_1(compute):
    response = compute.get("/servers", headers={"X-OpenStack-Nova-API-Version": "2.96"})
    assert fault(response)[:2] == (406, "computeFault")
    ok = compute.get("/servers", headers={"OpenStack-API-Version": "compute 2.1"})
    assert ok.headers["OpenStack-API-Version"] == "compute 2.1"
    assert ok.headers["X-OpenStack-Nova-API-Version"] == "2.1"


def test_bad_token_is_401(compute):
    response = compute.get("/servers", headers={"X-Auth-Token": "nope"})
    assert response.status_code == 401


# -- shapes ----------------------------------------------------------------------------


def test_create_answers_202_with_password_links_and_location(compute):
    body = {"server": {"name": "s", "imageRef": "i", "flavorRef": "2"}}
    response = compute.post("/servers", json=body)
    assert response.status_code == 202
    server = response.json()["server"]
    assert server["adminPass"]
    assert server["OS-DCF:diskConfig"] == "AUTO"
    assert response.headers["Location"] == f"{compute.url}/servers/{server['id']}"
    assert server["links"][0] == {"href": response.headers["Location"], "rel": "self"}


def test_server_detail_has_every_field_libcloud_reads(compute):
    server = compute.server(compute.create(key_name=None))
    needed = {
        "id",
        "name",
        "status",
        "addresses",
        "hostId",
        "tenant_id",
        "links",
        "metadata",
        "created",
        "updated",
        "flavor",
        "image",
        "accessIPv4",
        "accessIPv6",
        "key_name",
        "OS-DCF:diskConfig",
        "OS-EXT-STS:vm_state",
        "progress",
        "user_id",
    }
    assert needed <= set(server)
    assert server["tenant_id"] == compute.tenant


def test_servers_are_separate_per_region_and_tenant(mimic_cloud, compute):
    from tests.nova.conftest import ComputeHTTP

    compute.create("ord")
    dfw = ComputeHTTP(mimic_cloud, region="DFW")
    assert dfw.get("/servers").json() == {"servers": []}


def test_flavors_have_swap_and_ephemeral_and_onmetal_only_in_iad(mimic_cloud, compute):
    from tests.nova.conftest import ComputeHTTP

    flavors = compute.get("/flavors/detail", params={"is_public": "None"}).json()["flavors"]
    assert all("swap" in f and "OS-FLV-EXT-DATA:ephemeral" in f for f in flavors)
    assert not any(f["id"].startswith("onmetal") for f in flavors)
    iad = ComputeHTTP(mimic_cloud, region="IAD").get("/flavors").json()["flavors"]
    assert any(f["id"].startswith("onmetal") for f in iad)


def test_images_have_stable_ids_and_timestamps(compute):
    images = compute.get("/images/detail").json()["images"]
    ubuntu = next(i for i in images if i["name"].startswith("Ubuntu 22.04"))
    assert ubuntu["id"] == "f26b9b79-dca4-5883-bb83-e325acbd2813"
    assert ubuntu["created"]
    assert ubuntu["updated"]


def test_any_image_and_flavor_id_answers_a_plausible_record(compute):
    assert compute.get("/images/my-real-cloud-image").json()["image"]["id"] == "my-real-cloud-image"
    assert compute.get("/flavors/my-flavor").json()["flavor"]["id"] == "my-flavor"


@pytest.mark.parametrize("image_id", ["INVALID-IMAGE-ID", "1111", "image_ends_with_Z"])
def test_preset_invalid_image_is_404_on_get_and_400_on_create(compute, image_id):
    assert fault(compute.get(f"/images/{image_id}"))[:2] == (404, "itemNotFound")
    body = {"server": {"name": "s", "imageRef": image_id, "flavorRef": "2"}}
    assert fault(compute.post("/servers", json=body)) == (
        400,
        "badRequest",
        "Can not find requested image",
    )


@pytest.mark.parametrize("flavor_id", ["INVALID-FLAVOR-ID", "8888", "-4", "1"])
def test_preset_invalid_flavor_is_404_on_get_and_400_on_create(compute, flavor_id):
    assert fault(compute.get(f"/flavors/{flavor_id}"))[:2] == (404, "itemNotFound")
    body = {"server": {"name": "s", "imageRef": "i", "flavorRef": flavor_id}}
    assert fault(compute.post("/servers", json=body)) == (
        400,
        "badRequest",
        "Invalid flavorRef provided.",
    )


def test_strict_refs_reject_unlisted_ids(mimic_cloud, compute):
    mimic_cloud.configure(strict_compute_refs=True)
    body = {"server": {"name": "s", "imageRef": "not-listed", "flavorRef": "2"}}
    assert fault(compute.post("/servers", json=body))[0] == 400
    assert compute.get("/flavors/not-listed").status_code == 404
    image = compute.get("/images").json()["images"][0]["id"]
    compute.create(imageRef=image)


def test_deleted_server_is_404_and_only_seen_with_changes_since(compute):
    server_id = compute.create()
    created = compute.server(server_id)["created"]
    assert compute.delete(f"/servers/{server_id}").status_code == 204
    assert fault(compute.get(f"/servers/{server_id}"))[:2] == (404, "itemNotFound")
    assert compute.get("/servers/detail").json()["servers"] == []
    changed = compute.get("/servers/detail", params={"changes-since": created}).json()["servers"]
    assert [(s["id"], s["status"]) for s in changed] == [(server_id, "DELETED")]


def test_configured_build_time_applies_to_every_new_server(mimic_cloud, compute, time_travel):
    mimic_cloud.configure(server_build_seconds=60)
    server_id = compute.create()
    assert compute.server(server_id)["status"] == "BUILD"
    time_travel.advance(60)
    assert compute.server(server_id)["status"] == "ACTIVE"


# -- bad input table -------------------------------------------------------------------

GOOD = {"name": "s", "imageRef": "i", "flavorRef": "2"}


def test_flavor_ref_may_be_an_integer_as_nova_allows(compute):
    response = compute.post("/servers", json={"server": {**GOOD, "flavorRef": 3}})

    assert response.status_code == 202
    assert (
        compute.get(f"/servers/{response.json()['server']['id']}").json()["server"]["flavor"]["id"]
        == "3"
    )


@pytest.mark.parametrize(
    ("body", "status", "name"),
    [
        (b"{not json", 400, "badRequest"),
        (b"", 400, "badRequest"),
        ([], 400, "badRequest"),
        ({}, 400, "badRequest"),
        ({"server": None}, 400, "badRequest"),
        ({"server": {"imageRef": "i", "flavorRef": "2"}}, 400, "badRequest"),
        ({"server": {"name": "s", "flavorRef": "2"}}, 400, "badRequest"),
        ({"server": {"name": "s", "imageRef": "i"}}, 400, "badRequest"),
        ({"server": {**GOOD, "name": 5}}, 400, "badRequest"),
        ({"server": {**GOOD, "name": ""}}, 400, "badRequest"),
        ({"server": {**GOOD, "name": "x" * 256}}, 400, "badRequest"),
        ({"server": {**GOOD, "imageRef": ["i"]}}, 400, "badRequest"),
        ({"server": {**GOOD, "imageRef": 5}}, 400, "badRequest"),  # only flavorRef may be a number
        ({"server": {**GOOD, "flavorRef": True}}, 400, "badRequest"),
        ({"server": {**GOOD, "metadata": None}}, 400, "badRequest"),
        ({"server": {**GOOD, "metadata": ["a"]}}, 400, "badRequest"),
        ({"server": {**GOOD, "metadata": {"a": 1}}}, 400, "badRequest"),
        ({"server": {**GOOD, "metadata": {"": "v"}}}, 400, "badRequest"),
        ({"server": {**GOOD, "metadata": {str(i): "v" for i in range(41)}}}, 403, "forbidden"),
        ({"server": {**GOOD, "OS-DCF:diskConfig": "SOMETIMES"}}, 400, "badRequest"),
        ({"server": {**GOOD, "key_name": "missing"}}, 400, "badRequest"),
        ({"server": {**GOOD, "min_count": 0}}, 400, "badRequest"),
        ({"server": {**GOOD, "min_count": 3, "max_count": 2}}, 400, "badRequest"),
        ({"server": {**GOOD, "networks": 5}}, 400, "badRequest"),
        ({"server": {**GOOD, "personality": [{}] * 6}}, 403, "forbidden"),
    ],
)
def test_bad_create_requests(compute, body, status, name):
    kwargs = {"data": body} if isinstance(body, bytes) else {"json": body}
    response = compute.post("/servers", headers={"Content-Type": "application/json"}, **kwargs)
    assert fault(response)[:2] == (status, name)
    assert compute.get("/servers").json() == {"servers": []}


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PUT", "/metadata", {"metadata": None}, 400),
        ("PUT", "/metadata", {"meta": {}}, 400),
        ("PUT", "/metadata", {"metadata": {"a": 1}}, 400),
        ("PUT", "/metadata", {"metadata": {str(i): "v" for i in range(41)}}, 403),
        ("POST", "/metadata", {"metadata": {str(i): "v" for i in range(40)}}, 403),
        ("PUT", "/metadata/a", {"meta": {"b": "1"}}, 400),
        ("PUT", "/metadata/a", {"meta": {"a": "1", "b": "2"}}, 400),
        ("PUT", "/metadata/a", {"meta": None}, 400),
        ("GET", "/metadata/nope", None, 404),
        ("DELETE", "/metadata/nope", None, 404),
    ],
)
def test_bad_metadata_requests(compute, method, path, body, status):
    server_id = compute.create(metadata={"keep": "me"})
    response = compute.request(method, f"/servers/{server_id}{path}", json=body)
    assert fault(response)[0] == status
    assert compute.get(f"/servers/{server_id}/metadata").json() == {"metadata": {"keep": "me"}}


def test_metadata_of_a_missing_server_is_404(compute):
    assert fault(compute.get("/servers/nope/metadata"))[0] == 404


def test_metadata_set_merge_replace_and_delete(compute):
    server_id = compute.create(metadata={"a": "1"})
    base = f"/servers/{server_id}/metadata"
    assert compute.put(f"{base}/b", json={"meta": {"b": "2"}}).json() == {"meta": {"b": "2"}}
    assert compute.post(base, json={"metadata": {"c": "3"}}).json()["metadata"] == {
        "a": "1",
        "b": "2",
        "c": "3",
    }
    assert compute.delete(f"{base}/a").status_code == 204
    assert compute.put(base, json={"metadata": {"z": "9"}}).json() == {"metadata": {"z": "9"}}
    assert compute.server(server_id)["metadata"] == {"z": "9"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"reboot": {"type": "HARD"}, "rescue": None}, 400),
        ({"explode": None}, 400),
        ({"reboot": {}}, 400),
        ({"reboot": {"type": "GENTLE"}}, 400),
        ({"reboot": None}, 400),
        ({"resize": {}}, 400),
        ({"resize": {"flavorRef": "2"}}, 400),
        ({"resize": {"flavorRef": "8888"}}, 400),
        ({"rebuild": {}}, 400),
        ({"rebuild": {"imageRef": "INVALID-IMAGE-ID"}}, 400),
        ({"changePassword": {}}, 400),
        ({"changePassword": {"adminPass": 5}}, 400),
        ({"createImage": {}}, 400),
        ({"confirmResize": None}, 409),
        ({"revertResize": None}, 409),
        ({"unrescue": None}, 409),
    ],
)
def test_bad_action_requests(compute, body, status):
    server_id = compute.create()
    response = compute.action(server_id, body)
    assert fault(response)[0] == status
    assert compute.server(server_id)["status"] == "ACTIVE"


def test_conflict_message_names_the_state(compute):
    server_id = compute.create()
    assert fault(compute.action(server_id, {"confirmResize": None})) == (
        409,
        "conflictingRequest",
        f"Cannot 'confirmResize' instance {server_id} while it is in vm_state active",
    )


def test_action_on_missing_server_is_404(compute):
    assert fault(compute.action("nope", {"reboot": {"type": "SOFT"}}))[0] == 404


# -- actions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "key"),
    [("SOFT", "REBOOT", "reboot_soft"), ("HARD", "HARD_REBOOT", "reboot_hard")],
)
def test_reboot_is_202_then_timed_back_to_active(compute, time_travel, kind, status, key):
    server_id = compute.create()
    assert compute.action(server_id, {"reboot": {"type": kind}}).status_code == 202
    assert compute.server(server_id)["status"] == status
    time_travel.advance(ACTION_SECONDS[key])
    assert compute.server(server_id)["status"] == "ACTIVE"


def test_soft_reboot_while_building_is_409(compute, mimic_cloud, time_travel):
    mimic_cloud.configure(server_build_seconds=30)
    server_id = compute.create()
    assert fault(compute.action(server_id, {"reboot": {"type": "SOFT"}}))[0] == 409


def test_resize_then_confirm_keeps_the_new_flavor(compute, time_travel):
    server_id = compute.create()
    assert compute.action(server_id, {"resize": {"flavorRef": "3"}}).status_code == 202
    assert compute.server(server_id)["status"] == "RESIZE"
    time_travel.advance(ACTION_SECONDS["resize"])
    assert compute.server(server_id)["status"] == "VERIFY_RESIZE"
    assert compute.action(server_id, {"confirmResize": None}).status_code == 204
    server = compute.server(server_id)
    assert (server["status"], server["flavor"]["id"]) == ("ACTIVE", "3")
    assert compute.get("/limits").json()["limits"]["absolute"]["totalRAMUsed"] == 1024


def test_resize_then_revert_restores_the_old_flavor(compute, time_travel):
    server_id = compute.create()
    compute.action(server_id, {"resize": {"flavorRef": "3"}})
    time_travel.advance(ACTION_SECONDS["resize"])
    assert compute.action(server_id, {"revertResize": None}).status_code == 202
    assert compute.server(server_id)["status"] == "REVERT_RESIZE"
    time_travel.advance(ACTION_SECONDS["revert_resize"])
    server = compute.server(server_id)
    assert (server["status"], server["flavor"]["id"]) == ("ACTIVE", "2")


def test_rebuild_answers_the_server_with_a_new_password_and_image(compute, time_travel):
    server_id = compute.create()
    response = compute.action(server_id, {"rebuild": {"imageRef": "other", "name": "renamed"}})
    assert response.status_code == 202
    server = response.json()["server"]
    assert (server["status"], server["image"]["id"], server["name"]) == (
        "REBUILD",
        "other",
        "renamed",
    )
    assert server["adminPass"]
    time_travel.advance(ACTION_SECONDS["rebuild"])
    assert compute.server(server_id)["status"] == "ACTIVE"


def test_rescue_answers_a_password_and_unrescue_returns_to_active(compute):
    server_id = compute.create()
    response = compute.action(server_id, {"rescue": None})
    assert response.status_code == 200
    assert response.json()["adminPass"]
    assert compute.server(server_id)["status"] == "RESCUE"
    assert fault(compute.action(server_id, {"rescue": None}))[0] == 409
    assert compute.action(server_id, {"unrescue": None}).status_code == 202
    assert compute.server(server_id)["status"] == "ACTIVE"


def test_change_password_is_202(compute):
    server_id = compute.create()
    assert compute.action(server_id, {"changePassword": {"adminPass": "s3cret"}}).status_code == 202


def test_create_image_adds_a_snapshot_at_the_location(compute):
    server_id = compute.create()
    response = compute.action(server_id, {"createImage": {"name": "snap"}})
    assert response.status_code == 202
    image = compute.get(response.headers["Location"]).json()["image"]
    assert (image["name"], image["server"]["id"]) == ("snap", server_id)
    assert "snap" in [i["name"] for i in compute.get("/images").json()["images"]]


def test_rules_can_match_the_action_and_server_name(compute, mimic_cloud):
    server_id = compute.create("web-1")
    # ``inject(action=...)`` names the fault's action, so match the attribute with a rule.
    handle = mimic_cloud.faults.add(
        FaultRule(
            service="nova",
            operation="server_action",
            attributes={"action": "reboot", "server_name": "web-.*"},
            action=Respond(503),
        )
    )
    assert compute.action(server_id, {"reboot": {"type": "SOFT"}}).status_code == 503
    assert compute.action(server_id, {"changePassword": {"adminPass": "x"}}).status_code == 202
    assert handle.hits == 1


# -- paging, filters, quotas, keypairs --------------------------------------------------


def test_limit_and_marker_walk_every_server_once(compute):
    ids = [compute.create(f"s{i}") for i in range(5)]
    page = compute.get("/servers", params={"limit": 2}).json()
    seen = [s["id"] for s in page["servers"]]
    while "servers_links" in page:
        page = compute.get(page["servers_links"][0]["href"]).json()
        seen += [s["id"] for s in page["servers"]]
    assert seen == ids[::-1]  # newest first, as Nova lists them


def test_next_link_keeps_other_filters(compute):
    compute.create("web-1")
    compute.create("web-2")
    page = compute.get("/servers/detail", params={"limit": 1, "name": "web"}).json()
    href = page["servers_links"][0]["href"]
    assert href.startswith(f"{compute.url}/servers/detail?")
    assert "name=web" in href
    assert "limit=1" in href


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"marker": "nope"}, "marker [nope] not found"),
        ({"limit": "x"}, "limit param must be an integer"),
        ({"limit": "-1"}, "limit param must be positive"),
        ({"changes-since": "yesterday"}, "Invalid changes-since value: yesterday"),
    ],
)
def test_bad_list_parameters_are_400(compute, params, message):
    assert fault(compute.get("/servers/detail", params=params)) == (400, "badRequest", message)


def test_filters_name_regex_status_image_flavor(compute, time_travel):
    compute.create("web-1", imageRef="img-a", flavorRef="2")
    compute.create("web-2", imageRef="img-b", flavorRef="3")
    compute.create("db-1", imageRef="img-a", flavorRef="3", metadata={"server_building": "9"})

    def names(**params):
        return [s["name"] for s in compute.get("/servers/detail", params=params).json()["servers"]]

    assert names(name="^web-[12]$") == ["web-2", "web-1"]
    assert names(status="BUILD") == ["db-1"]
    assert names(image="img-a") == ["db-1", "web-1"]
    assert names(flavor="3") == ["db-1", "web-2"]


def test_instance_quota_is_403_and_limits_count_real_usage(compute, nova_service):
    nova_service.set_quotas(compute.tenant, maxTotalInstances=2)
    compute.create("a")
    compute.create("b")
    body = {"server": {"name": "c", "imageRef": "i", "flavorRef": "2"}}
    status, name, message = fault(compute.post("/servers", json=body))
    assert (status, name) == (403, "forbidden")
    assert message.startswith("Quota exceeded for instances")
    absolute = compute.get("/limits").json()["limits"]["absolute"]
    assert (absolute["maxTotalInstances"], absolute["totalInstancesUsed"]) == (2, 2)


def test_ram_quota_is_403(compute, nova_service):
    nova_service.set_quotas(compute.tenant, maxTotalRAMSize=1000)
    body = {"server": {"name": "big", "imageRef": "i", "flavorRef": "3"}}
    assert fault(compute.post("/servers", json=body))[2].startswith("Quota exceeded for ram")


def test_keypairs_create_import_get_delete(compute):
    created = compute.post("/os-keypairs", json={"keypair": {"name": "gen"}}).json()["keypair"]
    assert created["private_key"]
    assert created["public_key"].startswith("ssh-ed25519 ")
    imported = compute.post(
        "/os-keypairs", json={"keypair": {"name": "imp", "public_key": created["public_key"]}}
    ).json()["keypair"]
    assert imported["fingerprint"] == created["fingerprint"]
    assert "private_key" not in imported
    assert fault(compute.post("/os-keypairs", json={"keypair": {"name": "gen"}}))[0] == 409
    assert (
        fault(compute.post("/os-keypairs", json={"keypair": {"name": "x", "public_key": "junk"}}))[
            0
        ]
        == 400
    )
    assert [k["keypair"]["name"] for k in compute.get("/os-keypairs").json()["keypairs"]] == [
        "gen",
        "imp",
    ]
    assert compute.get("/os-keypairs/gen").json()["keypair"]["name"] == "gen"
    server = compute.server(compute.create(key_name="gen"))
    assert server["key_name"] == "gen"
    assert compute.delete("/os-keypairs/gen").status_code == 202
    assert fault(compute.get("/os-keypairs/gen"))[0] == 404


def test_reset_forgets_everything(mimic_cloud, compute, nova_service):
    compute.create()
    mimic_cloud.reset()
    assert nova_service.compute.list_servers(compute.tenant, "ORD", ServerQuery()).items == []


def test_the_service_finds_the_default_tenants_servers_for_a_test(compute, nova_service):
    """``servers()`` and ``find_server()`` default to the default tenant and region."""
    server_id = compute.create("web")
    assert [server.id for server in nova_service.servers()] == [server_id]
    found = nova_service.find_server(server_id)
    assert found is not None
    assert found.name == "web"
    assert compute.delete(f"/servers/{server_id}").status_code == 204
    assert nova_service.find_server(server_id) is None
    assert nova_service.servers() == []


def test_a_flavor_name_is_not_a_flavor_id_so_clients_find_the_flavor_by_name(compute):
    """openstacksdk and novaclient ask ``GET /flavors/{name}`` first and search the list on
    Nova's 404: a made-up flavor there would boot the server with a flavor named ``Flavor ...``."""
    assert fault(compute.get("/flavors/512MB Standard Instance")) == (
        404,
        "itemNotFound",
        "Flavor 512MB Standard Instance could not be found.",
    )
    body = {"server": {"name": "s", "imageRef": "i", "flavorRef": "512MB Standard Instance"}}
    assert fault(compute.post("/servers", json=body))[:2] == (400, "badRequest")
