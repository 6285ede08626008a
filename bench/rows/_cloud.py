"""Set-up shared by the rows: a client session, a token, servers made through the model."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bench.harness import expect
from pytest_mimic.cloud import MimicCloud
from pytest_mimic.services.nova.model import ServerSpec

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests


def password_body(cloud: MimicCloud) -> dict[str, Any]:
    """An Identity v2.0 password login for the default user and tenant."""
    creds = cloud.credentials
    return {
        "auth": {
            "passwordCredentials": {"username": creds.username, "password": creds.password},
            "tenantId": creds.tenant_id,
        }
    }


def token(session: requests.Session, cloud: MimicCloud) -> str:
    """A fresh token id for the default user."""
    response = expect(session.post(f"{cloud.auth_url}/tokens", json=password_body(cloud)), 200)
    return str(response.json()["access"]["token"]["id"])


def unlimited_quotas(cloud: MimicCloud) -> None:
    """No Nova quota in the way of the default tenant, in every region (until a reset)."""
    cloud.service("nova").set_quotas(
        cloud.credentials.tenant_id, maxTotalInstances=-1, maxTotalRAMSize=-1, maxTotalCores=-1
    )


def add_servers(cloud: MimicCloud, count: int, region: str | None = None) -> None:
    """``count`` servers in the default tenant, made through the model (no HTTP)."""
    unlimited_quotas(cloud)
    cloud.service("nova").compute.create_servers(
        cloud.credentials.tenant_id,
        region or cloud.region,
        ServerSpec("bench", "img", "2", count=count),
    )


@contextmanager
def bench_cloud() -> Iterator[MimicCloud]:
    """A started cloud inside a test bracket, as the ``mimic_cloud`` fixture gives a test."""
    with MimicCloud() as cloud, cloud.test():
        yield cloud


@contextmanager
def counting_connections() -> Iterator[list[int]]:
    """Counts TCP connections ``requests`` opens in the block (``[count]``)."""
    import urllib3.util.connection as connection

    opened = [0]
    original = connection.create_connection

    def counted(*args: Any, **kwargs: Any) -> Any:
        opened[0] += 1
        return original(*args, **kwargs)

    connection.create_connection = counted
    try:
        yield opened
    finally:
        connection.create_connection = original
