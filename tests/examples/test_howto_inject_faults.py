"""How to: prove your retry code survives a flaky delete and a dropped connection."""

from __future__ import annotations

import pytest
from novaclient import exceptions

from tests.examples.test_howto_build_time import nova_client


def delete_with_retries(nova, server_id, attempts=5):
    """The code under test: retries a failing delete a few times."""
    for attempt in range(1, attempts + 1):
        try:
            nova.servers.delete(server_id)
            return attempt
        except exceptions.ClientException:
            continue
    raise RuntimeError("gave up")


def test_delete_fails_three_times_then_succeeds(mimic_cloud):
    nova = nova_client(mimic_cloud)
    server = nova.servers.create("db-1", image="any-image", flavor="2")
    mimic_cloud.inject("nova", "delete_server", status=500, times=3)

    assert delete_with_retries(nova, server.id) == 4
    assert [c.status for c in mimic_cloud.calls("nova", "delete_server")] == [500, 500, 500, 204]


def test_only_matching_servers_fail(mimic_cloud):
    nova = nova_client(mimic_cloud)
    mimic_cloud.inject("nova", "create_server", status=503, server_name="web-.*")

    nova.servers.create("db-1", image="any-image", flavor="2")
    with pytest.raises(exceptions.ClientException) as failure:
        nova.servers.create("web-1", image="any-image", flavor="2")

    assert failure.value.code == 503
