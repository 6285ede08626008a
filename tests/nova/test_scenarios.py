"""Each built-in Identity, Nova and transport scenario as the real clients see it: the
exception class, status or state they meet in production.
"""

from __future__ import annotations

import pytest
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v2
from novaclient import exceptions as nova_exceptions


def keystone_session(cloud, **kwargs):
    creds = cloud.credentials
    auth = v2.Password(
        auth_url=cloud.auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    return ks_session.Session(auth=auth, **kwargs)


# -- Identity -------------------------------------------------------------------------------


@pytest.mark.mimic_scenario("identity.auth_down")
def test_auth_down_is_service_unavailable_to_keystoneauth(mimic_cloud):
    with pytest.raises(ks_exceptions.ServiceUnavailable):
        keystone_session(mimic_cloud).get_token()


@pytest.mark.mimic_scenario("identity.rate_limited", retry_after=12)
def test_rate_limited_logins_carry_retry_after_to_keystoneauth(mimic_cloud):
    with pytest.raises(ks_exceptions.RequestEntityTooLarge) as caught:
        keystone_session(mimic_cloud).get_token()

    assert caught.value.response.headers["Retry-After"] == "12"


@pytest.mark.mimic_scenario("identity.token_expires_mid_run", after=3600)
def test_a_token_expiring_mid_run_makes_the_client_log_in_again(mimic_cloud, time_travel, nova):
    # keystoneauth renews tokens with less than two minutes left, so the lifetime is longer.
    nova.flavors.list()
    time_travel.advance(3601)
    nova.flavors.list()  # keystoneauth sees the expiry and re-authenticates

    assert len(mimic_cloud.calls("identity", "authenticate")) == 2


@pytest.mark.mimic_scenario("identity.wrong_region", region="SYD")
def test_a_catalog_without_the_clients_region_has_no_endpoint(mimic_cloud):
    sess = keystone_session(mimic_cloud)

    with pytest.raises(ks_exceptions.EndpointNotFound):
        sess.get_endpoint(service_type="compute", region_name=mimic_cloud.region)
    assert sess.get_endpoint(service_type="compute", region_name="SYD")


# -- Nova -----------------------------------------------------------------------------------


@pytest.mark.mimic_scenario("nova.create_fails")
def test_create_fails_is_a_client_exception_and_nothing_is_created(mimic_cloud, nova):
    with pytest.raises(nova_exceptions.ClientException) as caught:
        nova.servers.create("web", image="img", flavor="2")

    assert caught.value.code == 500
    assert nova.servers.list() == []


@pytest.mark.mimic_scenario("nova.server_goes_to_error")
def test_servers_go_to_error(mimic_cloud, nova):
    server = nova.servers.create("web", image="img", flavor="2")

    assert nova.servers.get(server.id).status == "ERROR"


@pytest.mark.mimic_scenario("nova.server_stuck_in_build")
def test_servers_stay_in_build_however_long_one_waits(mimic_cloud, nova, time_travel):
    server = nova.servers.create("web", image="img", flavor="2")
    time_travel.advance(30 * 24 * 3600)

    assert nova.servers.get(server.id).status == "BUILD"


@pytest.mark.mimic_scenario("nova.slow_build", seconds=900)
def test_slow_build_ends_when_the_clock_says(mimic_cloud, nova, time_travel):
    server = nova.servers.create("web", image="img", flavor="2")
    time_travel.advance(899)
    assert nova.servers.get(server.id).status == "BUILD"

    time_travel.advance(1)
    assert nova.servers.get(server.id).status == "ACTIVE"


@pytest.mark.mimic_scenario("nova.delete_fails", times=2)
def test_delete_fails_twice_then_works(mimic_cloud, nova):
    server = nova.servers.create("web", image="img", flavor="2")

    for _ in range(2):
        with pytest.raises(nova_exceptions.ClientException):
            nova.servers.delete(server.id)
    nova.servers.delete(server.id)

    with pytest.raises(nova_exceptions.NotFound):
        nova.servers.get(server.id)


@pytest.mark.mimic_scenario("nova.quota_exceeded")
def test_quota_exceeded_is_forbidden_with_novas_message(mimic_cloud, nova):
    with pytest.raises(nova_exceptions.Forbidden, match="Quota exceeded for instances"):
        nova.servers.create("web", image="img", flavor="2")


@pytest.mark.mimic_scenario("nova.active_then_error", seconds=120)
def test_active_then_error(mimic_cloud, nova, time_travel):
    server = nova.servers.create("web", image="img", flavor="2")
    assert nova.servers.get(server.id).status == "ACTIVE"

    time_travel.advance(120)
    assert nova.servers.get(server.id).status == "ERROR"


@pytest.mark.mimic_scenario("nova.flaky_api", one_in=2)
def test_one_request_in_n_is_503(mimic_cloud, nova):
    outcomes = []
    for _ in range(4):
        try:
            nova.flavors.list()
            outcomes.append("ok")
        except nova_exceptions.ClientException as error:
            outcomes.append(error.code)

    assert outcomes == [503, "ok", 503, "ok"]


@pytest.mark.mimic_scenario("nova.flaky_api", one_in=10**9)
def test_one_request_in_a_billion_costs_one_counter(mimic_cloud, nova):
    """Issue 17: the scenario built a list of ``one_in`` steps under the cloud's lock, so a
    large value wedged the server; the rule is now a counter whatever the value."""
    with pytest.raises(nova_exceptions.ClientException) as first:
        nova.flavors.list()
    assert first.value.code == 503
    assert nova.flavors.list()
    assert nova.flavors.list()


# -- transport ------------------------------------------------------------------------------


@pytest.mark.mimic_scenario("transport.connection_reset", service="nova", times=1)
def test_a_reset_is_a_connect_failure_for_keystoneauth(mimic_cloud, nova):
    with pytest.raises(ks_exceptions.ConnectFailure):
        nova.flavors.list()
    assert nova.flavors.list()


@pytest.mark.mimic_scenario("transport.hang", service="nova", operation="list_flavors.*")
def test_a_hang_is_the_clients_timeout(mimic_cloud):
    from novaclient import client

    sess = keystone_session(mimic_cloud, timeout=0.3)
    nova = client.Client("2.1", session=sess, region_name=mimic_cloud.region)

    with pytest.raises(ks_exceptions.ConnectTimeout):
        nova.flavors.list()


@pytest.mark.mimic_scenario("transport.latency", service="nova", ms=50)
def test_latency_slows_without_failing(mimic_cloud, nova):
    assert nova.flavors.list()  # novaclient lists /flavors/detail
    assert mimic_cloud.calls("nova", "list_flavors_detail")[0].duration >= 0.05
