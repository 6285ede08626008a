"""Glance's Image API v2 over raw HTTP: shapes, paging, filters, writes and the status and
error body Glance gives each bad request."""

from __future__ import annotations

import pytest
import requests

from tests.image.conftest import GlanceHTTP, glance_error

UBUNTU = "f26b9b79-dca4-5883-bb83-e325acbd2813"  # Ubuntu 22.04, the same id Nova lists


def names(answer):
    return [image["name"] for image in answer.json()["images"]]


# -- discovery ------------------------------------------------------------------------------


def test_the_catalog_lists_cloud_images_per_region_without_a_tenant(mimic_cloud, glance):
    assert glance.url == f"{mimic_cloud.base_url}/image/{mimic_cloud.region}"


def test_the_root_answers_the_versions_with_300_and_no_token_needed(glance):
    answer = requests.get(glance.url + "/", timeout=10)
    assert answer.status_code == 300
    versions = answer.json()["versions"]
    assert versions[0]["id"] == "v2.7"
    assert versions[0]["status"] == "CURRENT"
    assert {v["links"][0]["href"] for v in versions} == {f"{glance.url}/v2/"}
    assert requests.get(glance.url + "/versions", timeout=10).status_code == 200


def test_a_missing_token_is_keystonemiddlewares_401(glance):
    answer = requests.get(glance.url + "/v2/images", timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == 401
    assert answer.json()["error"]["title"] == "Unauthorized"


# -- reading --------------------------------------------------------------------------------


def test_an_image_has_glances_fields_and_relative_links(glance):
    image = glance.get(f"/v2/images/{UBUNTU}").json()
    assert image["name"] == "Ubuntu 22.04 LTS (Jammy Jellyfish) (PVHVM)"
    assert (image["status"], image["visibility"], image["owner"]) == ("active", "public", None)
    assert (image["disk_format"], image["container_format"]) == ("vhd", "ovf")
    assert image["self"] == f"/v2/images/{UBUNTU}"
    assert image["file"] == f"/v2/images/{UBUNTU}/file"
    assert image["schema"] == "/v2/schemas/image"
    assert image["created_at"] == "2024-01-15T08:00:00Z"
    assert image["os_type"] == "linux"  # extra properties sit at the top level


def test_an_unknown_image_is_404_in_webobs_json(glance):
    assert glance_error(glance.get("/v2/images/no-such")) == (404, "No image found with ID no-such")


def test_the_list_is_newest_first_in_pages_of_25_with_first_and_next_links(glance):
    made = [glance.create(name=f"img-{n}")["id"] for n in range(30)]
    first = glance.get("/v2/images").json()
    assert len(first["images"]) == 25
    assert [i["id"] for i in first["images"]] == made[::-1][:25]
    assert first["first"] == "/v2/images"
    assert first["schema"] == "/v2/schemas/images"
    assert first["next"] == f"/v2/images?marker={made[5]}"


def test_following_next_links_walks_every_image_once(glance):
    for n in range(3):
        glance.create(name=f"walk-{n}")
    seen, url = [], "/v2/images?limit=4&sort=name:asc"
    while url:
        page = glance.get(url).json()  # the links are paths from the unversioned endpoint
        seen += [image["name"] for image in page["images"]]
        url = page.get("next")
    assert len(seen) == len(set(seen)) == 15 + 3
    assert seen == sorted(seen)


def test_a_full_last_page_still_has_a_next_link_to_an_empty_page(glance):
    page = glance.get("/v2/images", params={"limit": 15}).json()
    assert len(page["images"]) == 15  # every base image of ORD
    assert glance.get(page["next"]).json()["images"] == []


def test_first_keeps_the_query_but_not_the_marker(glance):
    page = glance.get("/v2/images", params={"limit": 2, "marker": UBUNTU}).json()
    assert page["first"] == "/v2/images?limit=2"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "x"}, "limit param must be an integer"),
        ({"limit": "-1"}, "limit param must be positive"),
        ({"marker": "nope"}, "No image found with ID nope"),
        (
            {"sort_key": "color"},
            "Invalid sort key: color. It must be one of the following: "
            "name, status, container_format, disk_format, size, id, created_at, updated_at.",
        ),
        ({"sort_dir": "up"}, "Invalid sort direction: up"),
        ({"sort": "name", "sort_key": "id"}, "Old and new sorting syntax cannot be combined"),
        ({"visibility": "everyone"}, "Invalid visibility value: everyone"),
        ({"member_status": "maybe"}, "Invalid status: maybe"),
        (
            {"changes-since": "2024-01-01"},
            'The "changes-since" filter is no longer available on v2.',
        ),
        (
            {"os_hidden": "yes"},
            "Invalid value 'yes' for 'os_hidden' filter. Valid values are 'true' or 'false'.",
        ),
    ],
)
def test_bad_list_parameters_are_glances_400s(glance, params, message):
    assert glance_error(glance.get("/v2/images", params=params)) == (400, message)


def test_filters_by_name_status_in_operator_tag_and_property(glance):
    a = glance.create(name="alpha", tags=["web"])["id"]
    glance.create(name="beta", os_flavor="big")
    assert names(glance.get("/v2/images", params={"name": "alpha"})) == ["alpha"]
    both = glance.get("/v2/images", params={"name": "in:alpha,beta", "sort": "name:asc"})
    assert names(both) == ["alpha", "beta"]
    assert names(
        glance.get(
            "/v2/images", params={"status": "queued", "sort_key": "name", "sort_dir": "desc"}
        )
    ) == ["beta", "alpha"]
    assert names(glance.get("/v2/images", params={"tag": "web"})) == ["alpha"]
    assert names(glance.get("/v2/images", params={"os_flavor": "big"})) == ["beta"]
    assert [
        i["id"] for i in glance.get("/v2/images", params={"id": f"in:{a}"}).json()["images"]
    ] == [a]


def test_visibility_filters_split_public_from_own(glance):
    glance.create(name="mine")
    assert names(glance.get("/v2/images", params={"visibility": "shared"})) == ["mine"]
    public = names(glance.get("/v2/images", params={"visibility": "public"}))
    assert len(public) == 15
    assert "mine" not in public


def test_another_tenants_private_image_is_invisible(mimic_cloud, glance):
    other = GlanceHTTP(mimic_cloud, username="someone-else")
    secret = other.create(name="secret", visibility="private")["id"]
    assert glance.get(f"/v2/images/{secret}").status_code == 404
    assert "secret" not in names(glance.get("/v2/images"))


def test_onmetal_images_are_only_in_iad(mimic_cloud, glance):
    iad = GlanceHTTP(mimic_cloud, region="IAD")
    assert any(n.startswith("OnMetal") for n in names(iad.get("/v2/images?limit=100")))
    assert not any(n.startswith("OnMetal") for n in names(glance.get("/v2/images?limit=100")))


def test_the_schemas_describe_images_and_pages(glance):
    image = glance.get("/v2/schemas/image").json()
    assert image["name"] == "image"
    assert image["additionalProperties"] == {"type": "string"}
    assert "queued" in image["properties"]["status"]["enum"]
    images = glance.get("/v2/schemas/images").json()
    assert images["properties"]["images"]["items"]["name"] == "image"
    assert {link["rel"] for link in images["links"]} == {"first", "next", "describedby"}


# -- writing --------------------------------------------------------------------------------


def test_create_answers_201_a_queued_image_owned_by_the_token_tenant(glance):
    answer = glance.post("/v2/images", json={"name": "new", "min_ram": 512, "color": "red"})
    assert answer.status_code == 201
    image = answer.json()
    assert answer.headers["Location"] == f"/v2/images/{image['id']}"
    assert (image["status"], image["visibility"], image["owner"]) == (
        "queued",
        "shared",
        glance.tenant,
    )
    assert (image["size"], image["checksum"], image["color"]) == (None, None, "red")


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"name": 5},
            400,
            "Provided object does not match schema 'image': 5 is not of type 'null', 'string'",
        ),
        (
            {"min_ram": "big"},
            400,
            "Provided object does not match schema 'image': 'big' is not of type 'integer'",
        ),
        (
            {"color": 1},
            400,
            "Provided object does not match schema 'image': 1 is not of type 'string'",
        ),
        (
            {"visibility": "world"},
            400,
            "Provided object does not match schema 'image': 'world' "
            "is not one of ['community', 'public', 'private', 'shared']",
        ),
        (
            {"min_disk": -1},
            400,
            "Invalid value '-1' for parameter 'min_disk': Cannot be a negative value",
        ),
        ({"self": "x"}, 403, "Attribute 'self' is read-only."),
        ({"status": "active"}, 403, "Attribute 'status' is read-only."),
        ({"deleted": "x"}, 403, "Attribute 'deleted' is reserved."),
        ({"os_glance_x": "x"}, 403, "Attribute 'os_glance_x' is reserved."),
        (
            {"visibility": "public"},
            403,
            "You are not authorized to complete publicize_image action.",
        ),
        ({"owner": "someone"}, 403, "You are not permitted to create images owned by 'someone'."),
        ([], 400, "Provided object does not match schema 'image': [] is not of type 'object'"),
    ],
)
def test_bad_creates_get_glances_status_and_message(glance, body, status, message):
    assert glance_error(glance.post("/v2/images", json=body)) == (status, message)


def test_a_malformed_or_missing_body_is_400(glance):
    bad = glance.post("/v2/images", data=b"{", headers={"Content-Type": "application/json"})
    assert glance_error(bad) == (400, "Malformed JSON in request body.")
    assert glance_error(glance.post("/v2/images")) == (400, "Body expected in request.")


def test_an_id_given_twice_is_409(glance):
    image_id = "0a1b2c3d-0000-4000-8000-000000000001"
    glance.create(id=image_id)
    assert glance_error(glance.post("/v2/images", json={"id": image_id})) == (
        409,
        f"Image ID {image_id} already exists!",
    )


def test_upload_makes_the_image_active_and_download_gives_the_bytes_back(glance):
    image = glance.create()
    assert glance.get(f"/v2/images/{image['id']}/file").status_code == 204  # no data yet
    assert glance.upload(image["id"], b"hello").status_code == 204
    shown = glance.get(f"/v2/images/{image['id']}").json()
    assert (shown["status"], shown["size"]) == ("active", 5)
    assert shown["checksum"] == "5d41402abc4b2a76b9719d911017c592"
    assert shown["os_hash_algo"] == "sha512"
    download = glance.get(f"/v2/images/{image['id']}/file")
    assert (download.content, download.headers["Content-MD5"]) == (b"hello", shown["checksum"])
    assert glance_error(glance.upload(image["id"])) == (
        409,
        "Image status transition from active to saving is not allowed",
    )


def test_upload_needs_octet_stream_and_both_formats(glance):
    image = glance.post("/v2/images", json={"name": "bare"}).json()
    wrong = glance.put(
        f"/v2/images/{image['id']}/file", data=b"x", headers={"Content-Type": "text/plain"}
    )
    assert glance_error(wrong) == (415, "Invalid content type text/plain")
    assert glance_error(glance.upload(image["id"])) == (
        400,
        "Properties disk_format, container_format must be set prior to saving data.",
    )


def test_patch_replaces_adds_and_removes(glance):
    image = glance.create(color="red")
    changes = [
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "add", "path": "/size_hint", "value": "big"},
        {"op": "remove", "path": "/color"},
        {"op": "replace", "path": "/tags", "value": ["a", "b", "a"]},
    ]
    answer = glance.patch(f"/v2/images/{image['id']}", changes)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["name"], body["size_hint"], body["tags"]) == ("renamed", "big", ["a", "b"])
    assert "color" not in body
    assert glance.get(f"/v2/images/{image['id']}").json()["name"] == "renamed"


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"op": "replace"}, 400, "Request body must be a JSON array of operation objects."),
        (
            [{"op": "move", "path": "/name"}],
            400,
            "Invalid operation: `move`. It must be one of the following: add, remove, replace.",
        ),
        (
            [{"op": "replace", "path": "name", "value": "x"}],
            400,
            'Pointer `name` does not start with "/".',
        ),
        (
            [{"op": "replace", "path": "/name"}],
            400,
            'Operation "replace" requires a member named "value".',
        ),
        (
            [{"op": "replace", "path": "/a/b", "value": "x"}],
            400,
            "Invalid JSON pointer for this resource: '/a/b'",
        ),
        (
            [{"op": "replace", "path": "/status", "value": "active"}],
            403,
            "Attribute 'status' is read-only.",
        ),
        ([{"op": "remove", "path": "/name"}], 403, "Property name may not be removed."),
        ([{"op": "remove", "path": "/nothing"}], 409, "Property nothing does not exist."),
        (
            [{"op": "replace", "path": "/nothing", "value": "x"}],
            409,
            "Property nothing does not exist.",
        ),
        (
            [{"op": "replace", "path": "/visibility", "value": "public"}],
            403,
            "You are not authorized to complete publicize_image action.",
        ),
    ],
)
def test_bad_patches_get_glances_status_and_message(glance, changes, status, message):
    image = glance.create()
    assert glance_error(glance.patch(f"/v2/images/{image['id']}", changes)) == (status, message)


def test_a_failed_patch_changes_nothing(glance):
    image = glance.create(name="before")
    changes = [
        {"op": "replace", "path": "/name", "value": "after"},
        {"op": "remove", "path": "/nothing"},
    ]
    assert glance.patch(f"/v2/images/{image['id']}", changes).status_code == 409
    assert glance.get(f"/v2/images/{image['id']}").json()["name"] == "before"


def test_patch_needs_the_json_patch_media_type(glance):
    image = glance.create()
    answer = glance.patch(f"/v2/images/{image['id']}", [], content_type="application/json")
    status, message = glance_error(answer)
    assert status == 415
    assert message.startswith("Image PATCH expects Content-Type one of: ")
    assert "application/openstack-images-v2.1-json-patch" in answer.headers["Accept-Patch"]


def test_base_images_belong_to_the_provider(glance):
    change = [{"op": "replace", "path": "/name", "value": "mine now"}]
    assert glance_error(glance.patch(f"/v2/images/{UBUNTU}", change)) == (
        403,
        "You do not own this image",
    )
    assert glance_error(glance.delete(f"/v2/images/{UBUNTU}")) == (403, "You do not own this image")
    assert glance_error(glance.put(f"/v2/images/{UBUNTU}/tags/x")) == (
        403,
        f"Not allowed to update tags for image {UBUNTU}.",
    )


def test_delete_is_204_then_404(glance):
    image = glance.create()
    assert glance.delete(f"/v2/images/{image['id']}").status_code == 204
    assert glance.get(f"/v2/images/{image['id']}").status_code == 404
    assert glance_error(glance.delete(f"/v2/images/{image['id']}")) == (
        404,
        f"Failed to find image {image['id']} to delete",
    )


def test_a_protected_image_cannot_be_deleted(glance):
    image = glance.create(protected=True)
    assert glance_error(glance.delete(f"/v2/images/{image['id']}")) == (
        403,
        f"Image {image['id']} is protected and cannot be deleted.",
    )


def test_tags_are_added_once_and_removed(glance):
    image = glance.create()
    assert glance.put(f"/v2/images/{image['id']}/tags/web").status_code == 204
    assert glance.put(f"/v2/images/{image['id']}/tags/web").status_code == 204
    assert glance.get(f"/v2/images/{image['id']}").json()["tags"] == ["web"]
    assert glance.delete(f"/v2/images/{image['id']}/tags/web").status_code == 204
    assert glance.delete(f"/v2/images/{image['id']}/tags/web").status_code == 404


def test_an_unknown_path_is_404_and_a_wrong_method_405_in_glances_shape(glance):
    assert glance_error(glance.get("/v2/nothing-here"))[0] == 404
    answer = glance.request("POST", f"/v2/images/{UBUNTU}")
    assert glance_error(answer)[0] == 405
    assert "GET" in answer.headers["Allow"]
