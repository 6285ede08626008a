"""One catalog behind Nova and Glance: a snapshot made with Nova's ``createImage`` is the
image Glance shows, its status follows the clock, and Nova boots from what Glance holds."""

from __future__ import annotations

import pytest

from pytest_mimic.cloud import MimicCloud
from pytest_mimic.registry import installed_services
from tests.image.conftest import GlanceHTTP
from tests.nova.conftest import ComputeHTTP


@pytest.fixture
def compute(mimic_cloud):
    return ComputeHTTP(mimic_cloud)


def snapshot(compute, name="snap"):
    server_id = compute.create()
    answer = compute.action(server_id, {"createImage": {"name": name, "metadata": {"k": "v"}}})
    assert answer.status_code == 202, answer.text
    return server_id, answer.headers["Location"].rsplit("/", 1)[1]


def test_a_nova_snapshot_is_a_glance_image_of_the_tenant(compute, glance):
    server_id, image_id = snapshot(compute)
    image = glance.get(f"/v2/images/{image_id}").json()
    assert (image["name"], image["owner"], image["visibility"]) == (
        "snap",
        glance.tenant,
        "private",
    )
    assert (image["instance_uuid"], image["image_type"], image["k"]) == (server_id, "snapshot", "v")
    assert image_id in [i["id"] for i in glance.get("/v2/images").json()["images"]]


def test_a_snapshot_is_queued_then_saving_then_active_as_the_clock_moves(
    mimic_cloud, compute, glance, time_travel
):
    mimic_cloud.configure(image_snapshot_seconds=100)
    time_travel.freeze()
    _server, image_id = snapshot(compute)

    def statuses():
        glance_status = glance.get(f"/v2/images/{image_id}").json()["status"]
        nova_status = compute.get(f"/images/{image_id}").json()["image"]["status"]
        return glance_status, nova_status

    assert statuses() == ("queued", "SAVING")
    time_travel.advance(20)
    assert statuses() == ("saving", "SAVING")
    time_travel.advance(80)
    assert statuses() == ("active", "ACTIVE")


def test_nova_will_not_boot_from_an_image_that_is_not_active(mimic_cloud, compute):
    mimic_cloud.configure(image_snapshot_seconds=100)
    _server, image_id = snapshot(compute)
    body = {"server": {"name": "s", "imageRef": image_id, "flavorRef": "2"}}
    answer = compute.post("/servers", json=body)
    assert answer.status_code == 400
    assert answer.json()["badRequest"]["message"] == f"Image {image_id} is not active."


def test_nova_boots_from_an_image_uploaded_to_glance_even_with_strict_refs(
    mimic_cloud, compute, glance
):
    mimic_cloud.configure(strict_compute_refs=True)
    image = glance.create(name="golden")
    assert glance.upload(image["id"]).status_code == 204
    server_id = compute.create(imageRef=image["id"])
    assert compute.server(server_id)["image"]["id"] == image["id"]
    assert "golden" in [i["name"] for i in compute.get("/images").json()["images"]]


def test_deleting_a_snapshot_through_nova_removes_it_from_glance(compute, glance):
    _server, image_id = snapshot(compute)
    assert compute.delete(f"/images/{image_id}").status_code == 204
    assert glance.get(f"/v2/images/{image_id}").status_code == 404


def test_a_protected_image_stays_when_nova_is_asked_to_delete_it(compute, glance):
    image = glance.create(protected=True)
    answer = compute.delete(f"/images/{image['id']}")
    assert answer.status_code == 403
    assert "protected" in answer.json()["forbidden"]["message"]


def test_lenient_ids_and_preset_invalid_ids_keep_working(compute, glance):
    server_id = compute.create(imageRef="an-id-from-a-real-cloud")
    assert compute.server(server_id)["image"]["id"] == "an-id-from-a-real-cloud"
    body = {"server": {"name": "s", "imageRef": "INVALID-IMAGE-ID", "flavorRef": "2"}}
    assert compute.post("/servers", json=body).status_code == 400
    assert glance.get("/v2/images/an-id-from-a-real-cloud").status_code == 404  # Glance holds none


def test_another_tenants_snapshot_is_theirs_alone(mimic_cloud, compute):
    _server, image_id = snapshot(compute)
    other = GlanceHTTP(mimic_cloud, username="someone-else")
    assert other.get(f"/v2/images/{image_id}").status_code == 404


def test_without_an_image_service_nova_lists_none_and_stays_lenient():
    factories = [f for f in installed_services() if getattr(f, "name", "") != "image"]
    with MimicCloud(services=factories) as cloud, cloud.test():
        compute = ComputeHTTP(cloud)
        assert compute.get("/images").json()["images"] == []
        server_id = compute.create(imageRef="anything")
        answer = compute.action(server_id, {"createImage": {"name": "kept-nowhere"}})
        assert answer.status_code == 202
        cloud.configure(strict_compute_refs=True)
        body = {"server": {"name": "s", "imageRef": "anything", "flavorRef": "2"}}
        assert compute.post("/servers", json=body).status_code == 400
