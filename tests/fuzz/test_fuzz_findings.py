"""Failures the fuzz tests found, each reduced to one request: regression tests now that
the services are fixed (a region or tenant from the path reaches headers percent-encoded).
The ``ci`` profile's fixed examples do not meet these; the ``long`` profile did.
"""

from __future__ import annotations

import pytest
import requests

from tests.fuzz.world import TIMEOUT

GOOD_SERVER = {"server": {"name": "x", "imageRef": "img", "flavorRef": "general1-1"}}


@pytest.fixture
def token(mimic_cloud):
    creds = mimic_cloud.credentials
    body = {
        "auth": {"passwordCredentials": {"username": creds.username, "password": creds.password}}
    }
    answer = requests.post(f"{mimic_cloud.auth_url}/tokens", json=body, timeout=TIMEOUT)
    return answer.json()["access"]["token"]["id"]


def create_server_in_region(cloud, token, region):
    """``POST /compute/<region>/v2/<tenant>/servers``, ``region`` as it goes in the URL."""
    url = f"{cloud.base_url}/compute/{region}/v2/{cloud.credentials.tenant_id}/servers"
    return requests.post(url, json=GOOD_SERVER, headers={"X-Auth-Token": token}, timeout=TIMEOUT)


def test_create_server_in_a_region_past_latin1_is_answered(mimic_cloud, token):
    answer = create_server_in_region(mimic_cloud, token, "%C4%80")
    assert answer.status_code < 500
    assert "/compute/%C4%80/" in answer.headers["Location"]


def test_create_server_in_a_region_with_a_newline_is_not_a_500(mimic_cloud, token):
    answer = create_server_in_region(mimic_cloud, token, "%0D%0AX-Injected:%201")
    mimic_cloud.check()  # raises (and forgets) what the server recorded
    assert answer.status_code < 500
    assert "X-Injected" not in answer.headers
