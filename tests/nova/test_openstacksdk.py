"""The server lifecycle through unmodified openstacksdk (``openstack.connect``)."""

from __future__ import annotations


def test_openstacksdk_create_wait_delete_wait(sdk, mimic_cloud):
    server = sdk.compute.create_server(name="sdk-1", image_id="img-1", flavor_id="2")
    server = sdk.compute.wait_for_server(server, interval=0.01, wait=5)
    assert server.status == "ACTIVE"
    assert sdk.compute.find_server("sdk-1").id == server.id

    sdk.compute.delete_server(server)
    sdk.compute.wait_for_delete(server, interval=0.01, wait=5)
    assert list(sdk.compute.servers()) == []


def test_openstacksdk_version_discovery_is_cached(sdk, mimic_cloud):
    list(sdk.compute.flavors())
    list(sdk.compute.servers())
    list(sdk.compute.servers())
    versions = mimic_cloud.calls(service="nova", operation="version")
    assert len(versions) <= 2
