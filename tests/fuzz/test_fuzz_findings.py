"""Failures the fuzz tests found, each reduced to one request, now regression tests: a
region or tenant from the path reaches headers percent-encoded; a 400-digit ``seconds`` for
a load balancer's status is a 400. The ``ci`` profile's fixed examples do not meet these;
the ``long`` profile did.
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


def create_server_at(cloud, token, region, tenant=None):
    """``POST /compute/<region>/v2/<tenant>/servers``, both as they go in the URL."""
    tenant = tenant or cloud.credentials.tenant_id
    url = f"{cloud.base_url}/compute/{region}/v2/{tenant}/servers"
    return requests.post(url, json=GOOD_SERVER, headers={"X-Auth-Token": token}, timeout=TIMEOUT)


@pytest.mark.parametrize(
    ("region", "tenant", "expected"),
    [
        ("%C4%80", None, "/compute/%C4%80/"),
        ("ORD", "%E6%97%A5%E6%9C%AC%E8%AA%9E", "/v2/%E6%97%A5%E6%9C%AC%E8%AA%9E/"),
        ("%FF", None, "/compute/"),
    ],
    ids=["region U+0100", "tenant in Japanese", "region of invalid UTF-8"],
)
def test_create_server_at_a_path_past_latin1_is_answered(
    mimic_cloud, token, region, tenant, expected
):
    answer = create_server_at(mimic_cloud, token, region, tenant)
    assert answer.status_code < 500
    location = answer.headers["Location"]
    assert expected in location
    assert location.isascii()


def test_create_server_in_a_region_with_a_newline_is_not_a_500(mimic_cloud, token):
    answer = create_server_at(mimic_cloud, token, "%0D%0AX-Injected:%201")
    mimic_cloud.check()  # raises (and forgets) what the server recorded
    assert answer.status_code < 500
    assert "X-Injected" not in answer.headers


#: A 401-digit integer: past what ``float()`` takes, though ``< math.inf`` says yes.
HUGE_SECONDS = '{"status": "PENDING_UPDATE", "seconds": 1' + "0" * 400 + "}"


def test_load_balancer_status_for_too_many_seconds_is_a_400(mimic_cloud, token):
    path = "/mimic/v1.1/clb/{region}/{tenant}/loadbalancers/{lb}/attributes"
    lbs = mimic_cloud.url("rax:load-balancer") + "/loadbalancers"
    node = {"address": "10.1.1.1", "port": 80, "condition": "ENABLED"}
    balancer = {"name": "x", "protocol": "HTTP", "port": 80, "nodes": [node]}
    balancer["virtualIps"] = [{"type": "PUBLIC"}]
    made = requests.post(
        lbs, json={"loadBalancer": balancer}, headers={"X-Auth-Token": token}, timeout=TIMEOUT
    )
    target = path.format(
        region=mimic_cloud.region,
        tenant=mimic_cloud.credentials.tenant_id,
        lb=made.json()["loadBalancer"]["id"],
    )
    answer = requests.patch(
        mimic_cloud.base_url + target,
        data=HUGE_SECONDS,
        headers={"X-Auth-Token": token, "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    mimic_cloud.check()  # raises (and forgets) what the server recorded
    assert answer.status_code == 400
