"""pytest-mimic next to responses and pytest-httpserver."""

from __future__ import annotations

import pytest
import requests
import responses


@responses.activate
def test_responses_lets_calls_to_the_fake_through(mimic_cloud):
    responses.add(responses.GET, "https://api.example.com/thing", json={"mocked": True})

    assert requests.get("https://api.example.com/thing").json() == {"mocked": True}
    assert requests.get(mimic_cloud.auth_url).status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://unmocked.example.com/")


def test_stub_service_appears_in_the_catalog_and_answers(mimic_cloud, mimic_stub):
    """A keystoneauth session finds the pytest-httpserver stub through the fake catalog."""
    from keystoneauth1 import session
    from keystoneauth1.identity import v2

    stub = mimic_stub("object-store", "cloudFiles", "/v1/{tenant}")
    creds = mimic_cloud.credentials
    stub.expect_request(f"/v1/{creds.tenant_id}/photos").respond_with_json({"count": 3})
    auth = v2.Password(
        auth_url=mimic_cloud.auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    sess = session.Session(auth=auth)

    endpoint = sess.get_endpoint(service_type="object-store", region_name="ORD")
    response = sess.get(endpoint + "/photos")

    assert endpoint == stub.url_for(f"/v1/{creds.tenant_id}")
    assert response.json() == {"count": 3}


def test_stub_requests_join_the_journal(mimic_cloud, mimic_stub):
    """A stub's requests are journaled beside the fake's, as ``external.<catalog name>``."""
    stub = mimic_stub("object-store", "cloudFiles", "/v1")
    stub.expect_request("/v1/photos", method="PUT").respond_with_json({"ok": True}, status=201)

    requests.put(stub.url_for("/v1/photos"), data=b"jpeg")

    (call,) = mimic_cloud.assert_called("external", "cloudFiles", method="PUT", times=1)
    assert (call.path, call.status, call.request_body) == ("/v1/photos", 201, b"jpeg")
    with pytest.raises(ValueError, match="did you mean 'cloudFiles'"):
        mimic_cloud.calls("external", "cloudFile")


def test_catalog_services_are_forgotten_at_reset(mimic_cloud):
    mimic_cloud.add_catalog_service("dns", "cloudDNS", "http://dns.example/{tenant}")
    assert mimic_cloud.url("dns") == f"http://dns.example/{mimic_cloud.credentials.tenant_id}"

    mimic_cloud.reset()

    with pytest.raises(KeyError):
        mimic_cloud.url("dns")


def test_catalog_services_need_absolute_urls(mimic_cloud):
    with pytest.raises(ValueError, match="absolute"):
        mimic_cloud.add_catalog_service("dns", "cloudDNS", "/relative")
