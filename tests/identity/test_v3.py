"""Keystone v3 tokens over HTTP: X-Subject-Token, project scope, the v3 catalog and errors."""

from __future__ import annotations

import re

import pytest
import requests

from pytest_mimic.clock import LATEST
from tests.identity.conftest import COMPUTE_PATH

EXPIRES_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def password_auth(name, password, scope=None):
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"name": name, "domain": {"id": "default"}, "password": password}},
        }
    }
    if scope is not None:
        auth["scope"] = scope
    return {"auth": auth}


def issue(auth_v3_url, body, **params):
    response = requests.post(f"{auth_v3_url}/auth/tokens", json=body, params=params, timeout=10)
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"], response.json()["token"]


def test_password_login_is_201_with_token_in_header_and_default_project(mimic_cloud, auth_v3_url):
    creds = mimic_cloud.credentials
    token_id, token = issue(auth_v3_url, password_auth(creds.username, creds.password))
    assert token_id
    assert token["methods"] == ["password"]
    assert token["user"]["name"] == creds.username
    assert token["user"]["domain"]["id"] == "default"
    assert token["project"]["id"] == creds.tenant_id
    assert EXPIRES_AT.match(token["expires_at"])


def test_v3_catalog_has_public_and_internal_endpoints_per_region(mimic_cloud, auth_v3_url):
    creds = mimic_cloud.credentials
    _, token = issue(auth_v3_url, password_auth(creds.username, creds.password))
    (compute,) = [s for s in token["catalog"] if s["type"] == "compute"]
    url = mimic_cloud.base_url + COMPUTE_PATH.format(tenant=creds.tenant_id)
    seen = {(e["interface"], e["region"], e["region_id"], e["url"]) for e in compute["endpoints"]}
    assert seen == {
        (interface, region, region, url)
        for interface in ("public", "internal")
        for region in mimic_cloud.config.regions
    }
    assert all(e["id"] for e in compute["endpoints"])


def test_project_scope_by_name_and_domain(identity, auth_v3_url):
    identity.add_tenant("p1", name="project-one")
    identity.add_user("mia", password="pw", tenant_id="p1")
    scope = {"project": {"name": "project-one", "domain": {"id": "default"}}}
    _, token = issue(auth_v3_url, password_auth("mia", "pw", scope))
    assert token["project"]["id"] == "p1"


def test_project_the_user_lacks_is_401_in_keystone_shape(identity, auth_v3_url):
    identity.add_user("ned", password="pw", tenant_id="mine")
    identity.add_tenant("theirs")
    body = password_auth("ned", "pw", {"project": {"id": "theirs"}})
    response = requests.post(f"{auth_v3_url}/auth/tokens", json=body, timeout=10)
    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["code"], error["title"]) == (401, "Unauthorized")


def test_wrong_password_is_401_in_keystone_shape(mimic_cloud, auth_v3_url):
    body = password_auth(mimic_cloud.credentials.username, "wrong")
    response = requests.post(f"{auth_v3_url}/auth/tokens", json=body, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 401


def test_nocatalog_leaves_the_catalog_out(auth_v3_url):
    _, token = issue(auth_v3_url, password_auth("olga", "pw"), nocatalog="1")
    assert "catalog" not in token


def test_token_method_exchanges_a_token(auth_v3_url):
    first_id, first = issue(auth_v3_url, password_auth("pat", "pw"))
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": first_id}}}}
    second_id, second = issue(auth_v3_url, body)
    assert second_id != first_id
    assert second["user"]["id"] == first["user"]["id"]


def test_validate_answers_the_subject_token(auth_v3_url):
    token_id, token = issue(auth_v3_url, password_auth("quinn", "pw"))
    response = requests.get(
        f"{auth_v3_url}/auth/tokens",
        headers={"X-Auth-Token": token_id, "X-Subject-Token": token_id},
    )
    assert response.status_code == 200
    assert response.headers["X-Subject-Token"] == token_id
    assert response.json()["token"]["user"] == token["user"]


def test_validate_unknown_subject_is_404_in_keystone_shape(auth_v3_url):
    token_id, _ = issue(auth_v3_url, password_auth("rob", "pw"))
    response = requests.get(
        f"{auth_v3_url}/auth/tokens", headers={"X-Auth-Token": token_id, "X-Subject-Token": "nope"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["title"] == "Not Found"
    assert response.json()["error"]["message"] == "Could not find token: nope."


def test_delete_revokes_the_subject_token(mimic_cloud, auth_v3_url):
    token_id, _ = issue(auth_v3_url, password_auth("sue", "pw"))
    headers = {"X-Auth-Token": token_id, "X-Subject-Token": token_id}
    assert requests.delete(f"{auth_v3_url}/auth/tokens", headers=headers).status_code == 204
    assert not mimic_cloud.context.token_validator(token_id)


def test_v3_and_v2_share_users(auth_url, auth_v3_url):
    issue(auth_v3_url, password_auth("tom", "pw"))
    body = {"auth": {"passwordCredentials": {"username": "tom", "password": "other"}}}
    assert requests.post(f"{auth_url}/tokens", json=body, timeout=10).status_code == 401


def test_a_user_registered_by_api_key_gets_401_for_any_v3_password(auth_url, auth_v3_url):
    body = {"auth": {"RAX-KSKEY:apiKeyCredentials": {"username": "uma", "apiKey": "key"}}}
    assert requests.post(f"{auth_url}/tokens", json=body, timeout=10).status_code == 200
    response = requests.post(
        f"{auth_v3_url}/auth/tokens", json=password_auth("uma", "anything"), timeout=10
    )
    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["code"], error["title"]) == (401, "Unauthorized")


def test_expires_at_stops_on_the_last_date_at_the_end_of_the_clock(mimic_cloud, auth_v3_url):
    mimic_cloud.clock.freeze()
    mimic_cloud.clock.move_to(LATEST)
    _, token = issue(auth_v3_url, password_auth("vic", "pw"))
    assert token["issued_at"] == "9999-12-31T00:00:00.000000Z"
    assert token["expires_at"] == "9999-12-31T23:59:59.000000Z"


@pytest.mark.parametrize("method", ["totp", "application_credential"])
def test_unsupported_method_is_401_as_in_keystone(auth_v3_url, method):
    body = {"auth": {"identity": {"methods": [method], method: {}}}}
    response = requests.post(f"{auth_v3_url}/auth/tokens", json=body, timeout=10)
    assert response.status_code == 401
    assert "unsupported method" in response.json()["error"]["message"]


def test_injected_fault_on_v3_uses_keystone_error_shape(mimic_cloud, auth_v3_url):
    mimic_cloud.inject("identity", "authenticate_v3", status=503, message="down")
    response = requests.post(f"{auth_v3_url}/auth/tokens", json=password_auth("u", "p"), timeout=10)
    assert response.status_code == 503
    assert response.json() == {
        "error": {"code": 503, "title": "Service Unavailable", "message": "down"}
    }
