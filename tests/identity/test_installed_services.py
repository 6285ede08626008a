"""Identity with every installed service (the plugin's own session cloud, not the stub one)."""

from __future__ import annotations

import os

import pytest
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v2


@pytest.fixture
def full_cloud(mimic_session_cloud):
    with mimic_session_cloud.test() as cloud:
        yield cloud


def test_catalog_of_all_installed_services_has_one_entry_per_type(full_cloud):
    plugin = v2.Password(
        auth_url=os.environ["OS_AUTH_URL"],
        username=os.environ["OS_USERNAME"],
        password=os.environ["OS_PASSWORD"],
        tenant_id=os.environ["OS_TENANT_ID"],
    )
    sess = ks_session.Session(auth=plugin)
    catalog = sess.auth.get_access(sess).service_catalog.catalog
    types = [entry["type"] for entry in catalog]
    assert len(types) == len(set(types))
    assert "compute" in types


def test_environment_login_finds_the_real_compute_endpoint(full_cloud):
    plugin = v2.Password(
        auth_url=os.environ["OS_AUTH_URL"],
        username=os.environ["OS_USERNAME"],
        password=os.environ["OS_PASSWORD"],
        tenant_id=os.environ["OS_TENANT_ID"],
    )
    sess = ks_session.Session(auth=plugin)
    endpoint = sess.get_endpoint(service_type="compute", region_name="DFW", interface="public")
    assert endpoint == full_cloud.url("compute", region="DFW")
