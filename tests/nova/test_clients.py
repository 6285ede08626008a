"""The whole server lifecycle through unmodified python-novaclient and libcloud."""

from __future__ import annotations

import pytest


def test_novaclient_create_get_list_ips_delete(nova):
    server = nova.servers.create("web-1", image="img-1", flavor="2", meta={"role": "web"})
    assert server.adminPass

    fetched = nova.servers.get(server.id)
    assert fetched.status == "ACTIVE"
    assert fetched.metadata == {"role": "web"}
    assert [s.id for s in nova.servers.list()] == [server.id]
    assert set(nova.servers.ips(server.id)) == {"public", "private"}

    nova.servers.delete(server.id)
    assert nova.servers.list() == []
    from novaclient import exceptions

    with pytest.raises(exceptions.NotFound):
        nova.servers.get(server.id)


def test_novaclient_reads_flavors_limits_and_rate(nova):
    flavor = nova.flavors.get("2")
    assert (flavor.ram, flavor.vcpus) == (512, 1)
    nova.servers.create("a", image="img-1", flavor="2")
    limits = nova.limits.get()
    absolute = {item.name: item.value for item in limits.absolute}
    assert absolute["totalInstancesUsed"] == 1
    assert absolute["totalRAMUsed"] == 512
    assert list(limits.rate) == []


def test_novaclient_discovers_only_microversion_2_1(nova):
    from novaclient import api_versions

    version = api_versions.discover_version(nova, api_versions.APIVersion("2.latest"))
    assert version == api_versions.APIVersion("2.1")


def test_libcloud_create_wait_until_running_destroy(libcloud_driver):
    driver = libcloud_driver
    size = next(s for s in driver.list_sizes() if s.id == "2")
    image = driver.list_images()[0]
    node = driver.create_node(name="lc-1", size=size, image=image)
    [(running, ips)] = driver.wait_until_running([node], wait_period=0.01, timeout=5)
    assert running.id == node.id
    assert ips
    assert driver.destroy_node(running)
    assert driver.list_nodes() == []
