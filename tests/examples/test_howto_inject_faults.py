"""How to: prove your retry code survives a flaky delete and a dropped connection.

Self-contained: copy it into your project as it is (with pytest-mimic-cloud installed).
"""

from __future__ import annotations

import pytest
from keystoneauth1 import session
from keystoneauth1.identity import v2
from novaclient import client, exceptions


def nova_client(mimic_cloud):
    """python-novaclient logged in as the fake cloud's default user."""
    creds = mimic_cloud.credentials
    auth = v2.Password(
        auth_url=mimic_cloud.auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    return client.Client("2.1", session=session.Session(auth=auth), region_name="ORD")


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
