"""The Image service through unmodified openstacksdk and keystoneauth1: discovery, listing,
finding by name, uploading, and waiting for a server snapshot without really sleeping."""

from __future__ import annotations

import io

import pytest
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v2


def _session(cloud):
    creds = cloud.credentials
    auth = v2.Password(
        auth_url=cloud.auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    return ks_session.Session(auth=auth)


def test_keystoneauth_finds_the_image_endpoint_in_the_catalog(mimic_cloud):
    session = _session(mimic_cloud)
    endpoint = session.get_endpoint(service_type="image", region_name="DFW")
    assert endpoint == f"{mimic_cloud.base_url}/image/DFW"
    answer = session.get("/v2/images", endpoint_filter={"service_type": "image"})
    assert len(answer.json()["images"]) == 15


def test_openstacksdk_lists_and_finds_images_by_name(sdk):
    images = list(sdk.image.images())
    assert len(images) == 15
    found = sdk.image.find_image("Debian 12 (Bookworm) (PVHVM)")
    assert found.id in {image.id for image in images}
    assert found.disk_format == "vhd"


def test_openstacksdk_follows_next_links_through_small_pages(sdk):
    names = [image.name for image in sdk.image.images(limit=4, sort="name:asc")]
    assert len(names) == 15
    assert names == sorted(names)


def test_openstacksdk_boots_a_server_from_an_image_found_by_name(sdk):
    image = sdk.image.find_image("Ubuntu 24.04 LTS (Noble Numbat) (PVHVM)")
    server = sdk.compute.create_server(name="web", image_id=image.id, flavor_id="2")
    server = sdk.compute.wait_for_server(server, interval=0, wait=5)
    assert server.image.id == image.id


def test_openstacksdk_uploads_downloads_updates_and_deletes(sdk):
    image = sdk.image.create_image(
        name="golden", data=io.BytesIO(b"disk"), disk_format="qcow2", container_format="bare"
    )
    shown = sdk.image.get_image(image.id)
    assert (shown.status, shown.size, shown.owner_id) == ("active", 4, sdk.current_project_id)
    assert sdk.image.download_image(image.id).content == b"disk"
    sdk.image.update_image(image.id, name="golden-2", stage="prod")
    sdk.image.add_tag(image.id, "blessed")
    shown = sdk.image.get_image(image.id)
    assert (shown.name, shown.properties["stage"], shown.tags) == ("golden-2", "prod", ["blessed"])
    sdk.image.delete_image(image.id)
    assert sdk.image.find_image(image.id) is None


def test_create_image_snapshot_waits_for_active_on_the_simulated_clock(
    mimic_cloud, sdk, time_travel
):
    mimic_cloud.configure(image_snapshot_seconds=300)
    server = sdk.compute.create_server(name="db", image_id="any-image", flavor_id="2")
    time_travel.advance_on_sleep()  # the wait loop's time.sleep moves the clock instead
    start = mimic_cloud.clock.now()
    image = sdk.create_image_snapshot("db-backup", server.id, wait=True)
    assert image.status == "active"
    assert mimic_cloud.clock.now() - start >= 300  # it did wait, in simulated time
    assert len(mimic_cloud.calls("image", "get_image")) > 1  # polled while it was saving


@pytest.mark.mimic_scenario("image.slow_snapshot", seconds=120)
def test_slow_snapshot_keeps_the_image_saving_until_the_time_has_passed(
    mimic_cloud, sdk, time_travel
):
    time_travel.freeze()
    server = sdk.compute.create_server(name="db", image_id="any-image", flavor_id="2")
    image_id = sdk.compute.create_server_image(server.id, "slow").id
    time_travel.advance(119)
    assert sdk.image.get_image(image_id).status == "saving"
    time_travel.advance(1)
    assert sdk.image.get_image(image_id).status == "active"


@pytest.mark.mimic_scenario("image.not_found")
def test_not_found_makes_every_lookup_miss(sdk):
    from openstack import exceptions

    assert list(sdk.image.images()) == []
    with pytest.raises(exceptions.NotFoundException):
        sdk.image.get_image("f26b9b79-dca4-5883-bb83-e325acbd2813")
    assert sdk.image.find_image("Debian 12 (Bookworm) (PVHVM)") is None


@pytest.mark.mimic_scenario("image.down")
def test_image_down_is_503_to_the_client_while_compute_still_answers(mimic_cloud, sdk):
    from keystoneauth1 import exceptions as ks_exceptions
    from openstack import exceptions

    session = _session(mimic_cloud)
    with pytest.raises(ks_exceptions.ServiceUnavailable):
        session.get("/v2/images", endpoint_filter={"service_type": "image"})
    # openstacksdk meets the outage at version discovery already
    with pytest.raises(exceptions.SDKException):
        list(sdk.image.images())
    assert list(sdk.compute.flavors())
