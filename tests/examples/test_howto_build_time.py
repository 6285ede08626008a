"""How to: test code that waits for a slow server build, without waiting (README example)."""

from __future__ import annotations

from keystoneauth1 import session
from keystoneauth1.identity import v2
from novaclient import client


def nova_client(mimic_cloud):
    creds = mimic_cloud.credentials
    auth = v2.Password(
        auth_url=mimic_cloud.auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    return client.Client("2.1", session=session.Session(auth=auth), region_name="ORD")


def test_server_build_takes_no_time(mimic_cloud, time_travel):
    mimic_cloud.configure(server_build_seconds=600)  # servers stay in BUILD for 10 minutes
    nova = nova_client(mimic_cloud)

    server = nova.servers.create("web-1", image="any-image", flavor="2")
    assert nova.servers.get(server.id).status == "BUILD"

    time_travel.advance(600)  # no real waiting
    assert nova.servers.get(server.id).status == "ACTIVE"
    assert [c.status for c in mimic_cloud.calls("nova", "create_server")] == [202]
