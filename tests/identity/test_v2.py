"""Identity v2.0 over HTTP, through the fake cloud's server and plain ``requests``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import requests

from pytest_mimic.clock import LATEST
from tests.identity.conftest import COMPUTE_PATH

EXPIRES = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def password_body(username, password, **auth):
    return {"auth": {"passwordCredentials": {"username": username, "password": password}, **auth}}


def apikey_body(username, api_key, **auth):
    return {
        "auth": {"RAX-KSKEY:apiKeyCredentials": {"username": username, "apiKey": api_key}, **auth}
    }


def refused(auth_url, body):
    """Post a login that must get Rackspace's 401; return its message."""
    response = requests.post(f"{auth_url}/tokens", json=body, timeout=10)
    assert response.status_code == 401, response.text
    assert response.headers["Content-Type"] == "application/json"
    (fault,) = response.json().items()
    assert fault[0] == "unauthorized"
    assert fault[1]["code"] == 401
    return fault[1]["message"]


def login(auth_url, body):
    response = requests.post(f"{auth_url}/tokens", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["access"]


@pytest.fixture
def default_access(mimic_cloud, auth_url):
    creds = mimic_cloud.credentials
    return login(auth_url, password_body(creds.username, creds.password))


def test_default_user_logs_in_scoped_to_its_tenant_without_naming_one(mimic_cloud, default_access):
    creds = mimic_cloud.credentials
    token = default_access["token"]
    assert token["tenant"] == {"id": creds.tenant_id, "name": creds.tenant_id}
    assert token["RAX-AUTH:authenticatedBy"] == ["PASSWORD"]
    assert default_access["user"]["name"] == creds.username
    assert default_access["user"]["RAX-AUTH:defaultRegion"] == mimic_cloud.region
    assert default_access["user"]["roles"]


def test_expires_has_milliseconds_and_z_and_follows_clock_and_lifetime(
    mimic_cloud, auth_url, time_travel
):
    time_travel.freeze()
    mimic_cloud.configure(token_lifetime=600)
    access = login(auth_url, password_body("alice", "pw"))
    expires = access["token"]["expires"]
    assert EXPIRES.match(expires)
    parsed = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert parsed.timestamp() == pytest.approx(mimic_cloud.clock.now() + 600, abs=0.001)


def test_api_key_login_says_it_was_by_api_key(mimic_cloud, auth_url):
    creds = mimic_cloud.credentials
    access = login(auth_url, apikey_body(creds.username, creds.api_key))
    assert access["token"]["RAX-AUTH:authenticatedBy"] == ["APIKEY"]


def test_wrong_password_is_401_unauthorized(mimic_cloud, auth_url):
    body = password_body(mimic_cloud.credentials.username, "wrong")
    response = requests.post(f"{auth_url}/tokens", json=body, timeout=10)
    assert response.status_code == 401
    assert response.json()["unauthorized"]["code"] == 401
    assert response.headers["Content-Type"] == "application/json"


def test_declared_user_logs_in_only_with_its_secret_and_into_its_tenant(identity, auth_url):
    identity.add_user("carol", api_key="k1", tenant_id="777")
    refused(auth_url, apikey_body("carol", "k2"))
    refused(auth_url, password_body("carol", "k1"))
    assert login(auth_url, apikey_body("carol", "k1"))["token"]["tenant"]["id"] == "777"


def test_unknown_user_is_registered_with_the_tenant_it_names(auth_url):
    access = login(auth_url, password_body("dave", "pw", tenantName="dave-tenant"))
    assert access["token"]["tenant"] == {"id": "dave-tenant", "name": "dave-tenant"}
    again = requests.post(f"{auth_url}/tokens", json=password_body("dave", "other"), timeout=10)
    assert again.status_code == 401


def test_a_user_registered_by_api_key_gets_401_for_any_password(auth_url):
    """Whatever ran before: pyrax's retry of a refused key as a password must not get in."""
    login(auth_url, apikey_body("zed", "key1"))
    assert refused(auth_url, apikey_body("zed", "key2")) == "Username or api key is invalid"
    assert refused(auth_url, password_body("zed", "key2", tenantId="zed")) == (
        "Username or password is invalid"
    )
    refused(auth_url, password_body("zed", "anything"))
    login(auth_url, apikey_body("zed", "key1"))


def test_a_user_registered_by_password_gets_401_for_any_api_key(auth_url):
    login(auth_url, password_body("yan", "pw"))
    refused(auth_url, apikey_body("yan", "anything"))
    refused(auth_url, apikey_body("yan", "pw"))
    login(auth_url, password_body("yan", "pw"))


def test_the_default_user_logs_in_with_its_password_and_its_api_key_in_any_order(
    mimic_cloud, auth_url
):
    creds = mimic_cloud.credentials
    login(auth_url, apikey_body(creds.username, creds.api_key))
    login(auth_url, password_body(creds.username, creds.password))
    login(auth_url, apikey_body(creds.username, creds.api_key))
    refused(auth_url, apikey_body(creds.username, "wrong"))
    refused(auth_url, password_body(creds.username, "wrong"))


def test_token_credentials_give_a_new_token_for_the_same_tenant(default_access, auth_url):
    first = default_access["token"]
    body = {"auth": {"token": {"id": first["id"]}, "tenantId": first["tenant"]["id"]}}
    access = login(auth_url, body)
    assert access["token"]["id"] != first["id"]
    assert access["token"]["tenant"] == first["tenant"]


def test_unknown_token_credentials_are_401(auth_url):
    body = {"auth": {"token": {"id": "no-such-token"}}}
    response = requests.post(f"{auth_url}/tokens", json=body, timeout=10)
    assert response.status_code == 401
    assert "unauthorized" in response.json()


def test_catalog_has_one_entry_per_type(default_access):
    types = [entry["type"] for entry in default_access["serviceCatalog"]]
    assert len(types) == len(set(types))
    assert {"compute", "rax:load-balancer", "identity"} <= set(types)


def test_compute_endpoints_cover_configured_regions_with_tenant_in_url(mimic_cloud, default_access):
    tenant = mimic_cloud.credentials.tenant_id
    (compute,) = [e for e in default_access["serviceCatalog"] if e["type"] == "compute"]
    assert compute["name"] == "cloudServersOpenStack"
    expected = [
        {
            "region": region,
            "tenantId": tenant,
            "publicURL": mimic_cloud.base_url + COMPUTE_PATH.format(tenant=tenant),
            "internalURL": mimic_cloud.base_url + COMPUTE_PATH.format(tenant=tenant),
        }
        for region in mimic_cloud.config.regions
    ]
    assert compute["endpoints"] == expected


def test_an_entry_with_its_own_regions_lists_only_those(default_access):
    (lb,) = [e for e in default_access["serviceCatalog"] if e["type"] == "rax:load-balancer"]
    assert [endpoint["region"] for endpoint in lb["endpoints"]] == ["ORD"]
    assert "/lb/ORD/v1.0/" in lb["endpoints"][0]["publicURL"]


def test_catalog_follows_configured_regions(mimic_cloud, auth_url):
    mimic_cloud.configure(regions=("LON", "SYD"))
    access = login(auth_url, password_body("erin", "pw"))
    (compute,) = [e for e in access["serviceCatalog"] if e["type"] == "compute"]
    assert [endpoint["region"] for endpoint in compute["endpoints"]] == ["LON", "SYD"]


def test_catalog_urls_use_the_host_the_client_used(mimic_cloud):
    host_url = mimic_cloud.base_url.replace("127.0.0.1", "localhost")
    access = login(f"{host_url}/identity/v2.0", password_body("frank", "pw"))
    urls = [e["publicURL"] for s in access["serviceCatalog"] for e in s["endpoints"]]
    assert all(url.startswith(host_url + "/") for url in urls)


# -- validate, endpoints, revoke ------------------------------------------------------------


def auth_headers(access):
    return {"X-Auth-Token": access["token"]["id"]}


def test_validate_returns_the_token_without_catalog(default_access, auth_url):
    token_id = default_access["token"]["id"]
    response = requests.get(f"{auth_url}/tokens/{token_id}", headers=auth_headers(default_access))
    assert response.status_code == 200
    access = response.json()["access"]
    assert access["token"] == default_access["token"]
    assert access["user"] == default_access["user"]
    assert "serviceCatalog" not in access


def test_validate_with_belongs_to_the_tokens_tenant(mimic_cloud, default_access, auth_url):
    token_id = default_access["token"]["id"]
    tenant = mimic_cloud.credentials.tenant_id
    ok = requests.get(
        f"{auth_url}/tokens/{token_id}",
        params={"belongsTo": tenant},
        headers=auth_headers(default_access),
    )
    assert ok.status_code == 200


def test_validate_with_belongs_to_another_tenant_is_404(default_access, auth_url):
    token_id = default_access["token"]["id"]
    response = requests.get(
        f"{auth_url}/tokens/{token_id}",
        params={"belongsTo": "someone-else"},
        headers=auth_headers(default_access),
    )
    assert response.status_code == 404
    assert response.json()["itemNotFound"]["code"] == 404


def test_validate_unknown_token_is_404_item_not_found(default_access, auth_url):
    response = requests.get(f"{auth_url}/tokens/nope", headers=auth_headers(default_access))
    assert response.status_code == 404
    assert "itemNotFound" in response.json()


def test_validate_without_a_caller_token_is_401(default_access, auth_url):
    response = requests.get(f"{auth_url}/tokens/{default_access['token']['id']}")
    assert response.status_code == 401
    assert "unauthorized" in response.json()


def test_endpoints_lists_the_tokens_catalog_flat(mimic_cloud, default_access, auth_url):
    token_id = default_access["token"]["id"]
    response = requests.get(
        f"{auth_url}/tokens/{token_id}/endpoints", headers=auth_headers(default_access)
    )
    assert response.status_code == 200
    endpoints = response.json()["endpoints"]
    compute = [e for e in endpoints if e["type"] == "compute"]
    assert [e["region"] for e in compute] == list(mimic_cloud.config.regions)
    assert all(e["id"] and e["name"] == "cloudServersOpenStack" for e in compute)


def test_revoked_token_is_gone_for_identity_and_for_services(mimic_cloud, default_access, auth_url):
    token_id = default_access["token"]["id"]
    other = login(auth_url, password_body("gina", "pw"))
    revoked = requests.delete(f"{auth_url}/tokens/{token_id}", headers=auth_headers(other))
    assert revoked.status_code == 204
    check = requests.get(f"{auth_url}/tokens/{token_id}", headers=auth_headers(other))
    assert check.status_code == 404
    servers = mimic_cloud.url("compute") + "/servers"
    assert requests.get(servers, headers={"X-Auth-Token": token_id}).status_code == 401


def test_delete_tokens_revokes_the_callers_own_token(default_access, auth_url):
    response = requests.delete(f"{auth_url}/tokens", headers=auth_headers(default_access))
    assert response.status_code == 204
    again = requests.delete(f"{auth_url}/tokens", headers=auth_headers(default_access))
    assert again.status_code == 401


# -- tenants and impersonation ---------------------------------------------------------------


def test_tenants_lists_the_callers_tenants(identity, auth_url):
    identity.add_user("hank", password="pw", tenant_id="1")
    identity.add_user("hank", tenant_id="2")
    access = login(auth_url, password_body("hank", "pw"))
    response = requests.get(f"{auth_url}/tenants", headers=auth_headers(access))
    assert response.status_code == 200
    assert response.json()["tenants"] == [
        {"id": "1", "name": "1", "enabled": True},
        {"id": "2", "name": "2", "enabled": True},
    ]


@pytest.mark.parametrize("headers", [{}, {"X-Auth-Token": "bogus"}], ids=["missing", "unknown"])
def test_tenants_without_a_valid_token_is_401(auth_url, headers):
    response = requests.get(f"{auth_url}/tenants", headers=headers)
    assert response.status_code == 401
    assert response.json()["unauthorized"]["message"]


def test_impersonation_token_acts_as_the_user_and_names_the_impersonator(
    mimic_cloud, default_access, auth_url
):
    body = {"RAX-AUTH:impersonation": {"user": {"username": "ivy"}, "expire-in-seconds": 300}}
    response = requests.post(
        f"{auth_url}/RAX-AUTH/impersonation-tokens", json=body, headers=auth_headers(default_access)
    )
    assert response.status_code == 200
    token = response.json()["access"]["token"]
    assert EXPIRES.match(token["expires"])
    validated = requests.get(
        f"{auth_url}/tokens/{token['id']}", headers=auth_headers(default_access)
    )
    access = validated.json()["access"]
    assert access["user"]["name"] == "ivy"
    assert access["RAX-AUTH:impersonator"]["name"] == mimic_cloud.credentials.username
    servers = mimic_cloud.url("compute", tenant=token["tenant"]["id"]) + "/servers"
    assert requests.get(servers, headers={"X-Auth-Token": token["id"]}).status_code == 200


def test_impersonation_without_a_valid_token_is_401(auth_url):
    body = {"RAX-AUTH:impersonation": {"user": {"username": "ivy"}}}
    response = requests.post(f"{auth_url}/RAX-AUTH/impersonation-tokens", json=body)
    assert response.status_code == 401


# -- tokens for other services ---------------------------------------------------------------


def test_services_accept_a_fresh_token(mimic_cloud, default_access):
    servers = mimic_cloud.url("compute") + "/servers"
    assert requests.get(servers, headers=auth_headers(default_access)).status_code == 200


def test_services_refuse_a_missing_token(mimic_cloud):
    assert requests.get(mimic_cloud.url("compute") + "/servers").status_code == 401


def test_token_expires_after_its_lifetime_for_identity_and_services(
    mimic_cloud, default_access, auth_url, time_travel
):
    time_travel.advance(25 * 3600)
    token_id = default_access["token"]["id"]
    servers = mimic_cloud.url("compute") + "/servers"
    assert requests.get(servers, headers={"X-Auth-Token": token_id}).status_code == 401
    fresh = login(auth_url, password_body("jack", "pw"))
    check = requests.get(f"{auth_url}/tokens/{token_id}", headers=auth_headers(fresh))
    assert check.status_code == 404


# -- the end of the clock's range ------------------------------------------------------------


def tick_to_the_end_of_the_clock(mimic_cloud):
    """Freeze on a whole second, then ``POST /mimic/v1.1/tick`` exactly to ``LATEST``."""
    mimic_cloud.clock.freeze()
    mimic_cloud.clock.move_to(datetime(2030, 1, 1, tzinfo=UTC))
    amount = LATEST - mimic_cloud.clock.now()
    response = requests.post(
        f"{mimic_cloud.base_url}/mimic/v1.1/tick", json={"amount": amount}, timeout=10
    )
    assert response.status_code == 200, response.text
    assert response.json()["now"] == "9999-12-31T00:00:00.000000Z"


def test_logins_after_a_tick_to_the_end_of_the_clock_expire_on_the_last_date(mimic_cloud, auth_url):
    """A day-long token from 9999-12-31 would end in the year 10000; it ends a second
    before instead, and the server keeps answering."""
    tick_to_the_end_of_the_clock(mimic_cloud)
    access = login(auth_url, password_body("zoe", "pw"))
    assert access["token"]["expires"] == "9999-12-31T23:59:59.000Z"
    validated = requests.get(
        f"{auth_url}/tokens/{access['token']['id']}", headers=auth_headers(access), timeout=10
    )
    assert validated.json()["access"]["token"]["expires"] == "9999-12-31T23:59:59.000Z"
    servers = mimic_cloud.url("compute") + "/servers"
    assert requests.get(servers, headers=auth_headers(access), timeout=10).status_code == 200
    a_year = 365 * 86400
    body = {"RAX-AUTH:impersonation": {"user": {"username": "ivy"}, "expire-in-seconds": a_year}}
    impersonation = requests.post(
        f"{auth_url}/RAX-AUTH/impersonation-tokens", json=body, headers=auth_headers(access)
    )
    assert impersonation.status_code == 200, impersonation.text
    assert impersonation.json()["access"]["token"]["expires"] == "9999-12-31T23:59:59.000Z"


def test_a_tick_past_the_end_of_the_clock_is_400_and_logins_keep_working(mimic_cloud, auth_url):
    tick_to_the_end_of_the_clock(mimic_cloud)
    response = requests.post(
        f"{mimic_cloud.base_url}/mimic/v1.1/tick", json={"amount": 1}, timeout=10
    )
    assert response.status_code == 400
    assert "9999-12-31" in response.json()["badRequest"]["message"]
    assert mimic_cloud.clock.now() == LATEST
    login(auth_url, password_body("zoe", "pw"))


@pytest.mark.parametrize("move", ["clock.advance", "time_travel.move_to"])
def test_logins_after_a_python_move_to_the_end_of_the_clock_still_work(
    mimic_cloud, auth_url, time_travel, move
):
    mimic_cloud.clock.freeze()
    if move == "clock.advance":
        mimic_cloud.clock.move_to(datetime(2030, 1, 1, tzinfo=UTC))
        mimic_cloud.clock.advance(LATEST - mimic_cloud.clock.now())
    else:
        time_travel.move_to(LATEST)
    assert mimic_cloud.clock.now() == LATEST
    access = login(auth_url, password_body("zoe", "pw"))
    assert access["token"]["expires"] == "9999-12-31T23:59:59.000Z"


def test_a_lifetime_past_the_year_9999_ends_on_the_last_date(mimic_cloud, auth_url):
    mimic_cloud.configure(token_lifetime=1e12)
    access = login(auth_url, password_body("zoe", "pw"))
    assert access["token"]["expires"] == "9999-12-31T23:59:59.000Z"


def test_check_tokens_off_lets_expired_tokens_through(mimic_cloud, default_access, time_travel):
    mimic_cloud.configure(check_tokens=False)
    time_travel.advance(25 * 3600)
    servers = mimic_cloud.url("compute") + "/servers"
    assert requests.get(servers, headers=auth_headers(default_access)).status_code == 200


# -- reset and fault rules -------------------------------------------------------------------


def test_reset_forgets_registered_users_but_keeps_the_default_user(mimic_cloud, auth_url):
    login(auth_url, password_body("kim", "first"))
    mimic_cloud.reset()
    login(auth_url, password_body("kim", "second"))
    creds = mimic_cloud.credentials
    assert login(auth_url, apikey_body(creds.username, creds.api_key))["token"]["tenant"]["id"] == (
        creds.tenant_id
    )


def test_fault_rules_can_match_the_username_of_a_login(mimic_cloud, auth_url):
    mimic_cloud.inject("identity", "authenticate", status=403, message="nope", username="bad.*")
    refused = requests.post(f"{auth_url}/tokens", json=password_body("baduser", "pw"), timeout=10)
    assert refused.status_code == 403
    assert refused.json() == {"forbidden": {"message": "nope", "code": 403}}
    login(auth_url, password_body("gooduser", "pw"))


def test_journal_names_the_credential_type(mimic_cloud, auth_url):
    login(auth_url, apikey_body("lee", "key", tenantId="9"))
    (call,) = mimic_cloud.calls("identity", "authenticate")
    assert call.attributes == {"credential_type": "apikey", "username": "lee", "tenant_id": "9"}


def test_pyrax_password_flow_api_key_first_then_password_with_tenant_id_username(
    mimic_cloud, auth_url
):
    """pyrax sends the password as an API key, and only after exactly 401 retries with
    passwordCredentials and ``tenantId`` set to the username."""
    creds = mimic_cloud.credentials
    first = requests.post(
        f"{auth_url}/tokens", json=apikey_body(creds.username, creds.password), timeout=10
    )
    assert first.status_code == 401
    retry = password_body(creds.username, creds.password, tenantId=creds.username)
    assert login(auth_url, retry)["token"]["tenant"]["id"] == creds.tenant_id
