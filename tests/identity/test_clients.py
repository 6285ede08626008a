"""Real clients log in unmodified and find the compute endpoint of a region in the catalog."""

from __future__ import annotations

import pytest
import requests
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import generic, v2, v3

from pytest_mimic.clock import LATEST
from tests.identity.conftest import COMPUTE_PATH


def compute_url(mimic_cloud, tenant=None):
    return mimic_cloud.base_url + COMPUTE_PATH.format(
        tenant=tenant or mimic_cloud.credentials.tenant_id
    )


def compute_endpoint(sess, region="DFW"):
    return sess.get_endpoint(service_type="compute", region_name=region, interface="public")


# -- keystoneauth1 ----------------------------------------------------------------------------


def test_keystoneauth_v2_password(mimic_cloud, auth_url):
    creds = mimic_cloud.credentials
    plugin = v2.Password(
        auth_url=auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    sess = ks_session.Session(auth=plugin)
    assert compute_endpoint(sess) == compute_url(mimic_cloud)
    assert sess.get_project_id() == creds.tenant_id


def test_keystoneauth_v2_password_with_tenant_name_of_a_new_user(mimic_cloud, auth_url):
    plugin = v2.Password(auth_url=auth_url, username="ks-new", password="pw", tenant_name="ks-t")
    sess = ks_session.Session(auth=plugin)
    assert compute_endpoint(sess, "IAD") == compute_url(mimic_cloud, "ks-t")


def test_keystoneauth_v2_wrong_password_raises_unauthorized(mimic_cloud, auth_url):
    plugin = v2.Password(
        auth_url=auth_url, username=mimic_cloud.credentials.username, password="no"
    )
    with pytest.raises(ks_exceptions.Unauthorized):
        ks_session.Session(auth=plugin).get_token()


def test_keystoneauth_v2_token(mimic_cloud, auth_url):
    creds = mimic_cloud.credentials
    first = ks_session.Session(
        auth=v2.Password(auth_url=auth_url, username=creds.username, password=creds.password)
    ).get_token()
    sess = ks_session.Session(
        auth=v2.Token(auth_url=auth_url, token=first, tenant_id=creds.tenant_id)
    )
    assert compute_endpoint(sess, "ORD") == compute_url(mimic_cloud)
    assert sess.get_token() != first


def test_keystoneauth_v2_password_and_token_at_the_end_of_the_clock(
    mimic_cloud, auth_url, time_travel
):
    """On the clock's last day, with the client seeing that day too, a day-long token
    would end in the year 10000: it ends on 9999-12-31 instead and both logins work."""
    time_travel.freeze()
    time_travel.move_to(LATEST)
    creds = mimic_cloud.credentials
    sess = ks_session.Session(
        auth=v2.Password(auth_url=auth_url, username=creds.username, password=creds.password)
    )
    first = sess.get_token()
    assert compute_endpoint(sess) == compute_url(mimic_cloud)
    assert sess.auth.auth_ref.expires.isoformat() == "9999-12-31T23:59:59+00:00"
    exchanged = ks_session.Session(
        auth=v2.Token(auth_url=auth_url, token=first, tenant_id=creds.tenant_id)
    )
    assert exchanged.get_token() != first
    servers = compute_url(mimic_cloud) + "/servers"
    assert requests.get(servers, headers={"X-Auth-Token": first}, timeout=10).status_code == 200


def test_keystoneauth_generic_password_discovers_v2_at_the_v2_url(mimic_cloud, auth_url):
    """What openstacksdk ``auth_type: password`` and the CLIs do with ``OS_AUTH_URL``."""
    creds = mimic_cloud.credentials
    plugin = generic.Password(
        auth_url=auth_url,
        username=creds.username,
        password=creds.password,
        project_id=creds.tenant_id,
    )
    sess = ks_session.Session(auth=plugin)
    assert compute_endpoint(sess) == compute_url(mimic_cloud)
    assert [c.operation for c in mimic_cloud.calls("identity")] == ["version", "authenticate"]


def test_keystoneauth_generic_password_prefers_v3_at_the_root(mimic_cloud):
    creds = mimic_cloud.credentials
    plugin = generic.Password(
        auth_url=mimic_cloud.url("identity"),
        username=creds.username,
        password=creds.password,
        project_id=creds.tenant_id,
        user_domain_id="default",
    )
    sess = ks_session.Session(auth=plugin)
    assert compute_endpoint(sess) == compute_url(mimic_cloud)
    assert mimic_cloud.calls("identity", "authenticate_v3")


def test_keystoneauth_v3_password(mimic_cloud, auth_v3_url):
    creds = mimic_cloud.credentials
    plugin = v3.Password(
        auth_url=auth_v3_url,
        username=creds.username,
        password=creds.password,
        user_domain_id="default",
        project_id=creds.tenant_id,
    )
    sess = ks_session.Session(auth=plugin)
    assert compute_endpoint(sess, "IAD") == compute_url(mimic_cloud)
    assert sess.get_endpoint(service_type="compute", region_name="IAD", interface="internal") == (
        compute_url(mimic_cloud)
    )


def test_keystoneauth_reauthenticates_after_time_travel_past_expiry(
    mimic_cloud, auth_url, time_travel
):
    creds = mimic_cloud.credentials
    sess = ks_session.Session(
        auth=v2.Password(auth_url=auth_url, username=creds.username, password=creds.password)
    )
    old = sess.get_token()
    time_travel.advance(25 * 3600)
    servers = compute_url(mimic_cloud) + "/servers"
    assert requests.get(servers, headers={"X-Auth-Token": old}, timeout=10).status_code == 401
    response = sess.get(
        "/servers", endpoint_filter={"service_type": "compute", "region_name": "ORD"}
    )
    assert response.status_code == 200
    assert sess.get_token() != old
    assert len(mimic_cloud.calls("identity", "authenticate")) == 2


def test_keystoneauth_reauthenticates_when_a_service_says_401(mimic_cloud, auth_url):
    """The token is revoked behind the client's back; its next call gets 401 and recovers."""
    creds = mimic_cloud.credentials
    sess = ks_session.Session(
        auth=v2.Password(auth_url=auth_url, username=creds.username, password=creds.password)
    )
    old = sess.get_token()
    revoke = requests.delete(f"{auth_url}/tokens", headers={"X-Auth-Token": old}, timeout=10)
    assert revoke.status_code == 204
    response = sess.get(
        "/servers", endpoint_filter={"service_type": "compute", "region_name": "ORD"}
    )
    assert response.status_code == 200
    statuses = [c.status for c in mimic_cloud.calls("compute-stub", "list_servers")]
    assert statuses == [401, 200]


# -- Rackspace API key: plain requests and libcloud -----------------------------------------


def test_rackspace_api_key_login_with_plain_requests(mimic_cloud, auth_url):
    creds = mimic_cloud.credentials
    body = {
        "auth": {
            "RAX-KSKEY:apiKeyCredentials": {"username": creds.username, "apiKey": creds.api_key}
        }
    }
    access = requests.post(f"{auth_url}/tokens", json=body, timeout=10).json()["access"]
    (compute,) = [s for s in access["serviceCatalog"] if s["type"] == "compute"]
    (dfw,) = [e for e in compute["endpoints"] if e["region"] == "DFW"]
    assert dfw["publicURL"] == compute_url(mimic_cloud)
    servers = requests.get(
        dfw["publicURL"] + "/servers", headers={"X-Auth-Token": access["token"]["id"]}
    )
    assert servers.json() == {"servers": []}


def test_libcloud_rackspace_driver_authenticates_with_api_key(mimic_cloud, identity):
    from libcloud.compute.drivers.rackspace import RackspaceNodeDriver

    identity.add_user("lc-user", api_key="lc-key", tenant_id="4242")
    driver = RackspaceNodeDriver(
        "lc-user",
        "lc-key",
        region="dfw",
        ex_force_auth_url=mimic_cloud.url("identity"),  # libcloud appends /v2.0/tokens itself
        ex_force_auth_version="2.0",
    )
    driver.connection.get_service_catalog()
    assert driver.connection.get_endpoint() == compute_url(mimic_cloud, "4242")
    (call,) = mimic_cloud.calls("identity", "authenticate")
    assert call.attributes["credential_type"] == "apikey"


def test_libcloud_rackspace_driver_wrong_key_is_invalid_creds(mimic_cloud, identity):
    from libcloud.common.types import InvalidCredsError
    from libcloud.compute.drivers.rackspace import RackspaceNodeDriver

    identity.add_user("lc-bad", api_key="right")
    driver = RackspaceNodeDriver(
        "lc-bad",
        "wrong",
        region="ord",
        ex_force_auth_url=mimic_cloud.url("identity"),
        ex_force_auth_version="2.0",
    )
    with pytest.raises(InvalidCredsError):
        driver.connection.get_service_catalog()


# -- zero-config users across clients ---------------------------------------------------------


def libcloud_driver(mimic_cloud, username, api_key):
    from libcloud.compute.drivers.rackspace import RackspaceNodeDriver

    return RackspaceNodeDriver(
        username,
        api_key,
        region="ord",
        ex_force_auth_url=mimic_cloud.url("identity"),
        ex_force_auth_version="2.0",
    )


def test_keystoneauth_password_of_a_user_libcloud_registered_by_api_key_is_unauthorized(
    mimic_cloud, auth_url, auth_v3_url
):
    """A user first seen with an API key does not get the next password it sends."""
    libcloud_driver(mimic_cloud, "lc-first", "lc-key").connection.get_service_catalog()
    for plugin in (
        v2.Password(auth_url=auth_url, username="lc-first", password="anything"),
        v3.Password(
            auth_url=auth_v3_url,
            username="lc-first",
            password="anything",
            user_domain_id="default",
        ),
    ):
        with pytest.raises(ks_exceptions.Unauthorized):
            ks_session.Session(auth=plugin).get_token()


def test_libcloud_api_key_of_a_user_keystoneauth_registered_by_password_is_invalid_creds(
    mimic_cloud, auth_url
):
    from libcloud.common.types import InvalidCredsError

    plugin = v2.Password(auth_url=auth_url, username="ks-first", password="pw")
    ks_session.Session(auth=plugin).get_token()
    with pytest.raises(InvalidCredsError):
        libcloud_driver(mimic_cloud, "ks-first", "anything").connection.get_service_catalog()


def test_default_user_logs_in_by_api_key_with_libcloud_and_by_password_with_keystoneauth(
    mimic_cloud, auth_url
):
    creds = mimic_cloud.credentials
    driver = libcloud_driver(mimic_cloud, creds.username, creds.api_key)
    driver.connection.get_service_catalog()
    assert driver.connection.get_endpoint() == compute_url(mimic_cloud)
    plugin = v2.Password(auth_url=auth_url, username=creds.username, password=creds.password)
    assert ks_session.Session(auth=plugin).get_project_id() == creds.tenant_id
