"""The fixture's ``OS_*`` variables log a client in as they are."""

from __future__ import annotations

import os

import pytest

from tests.identity.conftest import COMPUTE_PATH


def test_os_auth_url_is_the_v2_url(mimic_cloud):
    assert os.environ["OS_AUTH_URL"] == mimic_cloud.url("auth")
    assert os.environ["OS_AUTH_URL"].endswith("/identity/v2.0")


# openstacksdk warns about its own statsd/influxdb options even when none are set.
@pytest.mark.filterwarnings("ignore::openstack.warnings.RemovedInSDK60Warning")
def test_openstacksdk_logs_in_from_the_environment_alone(mimic_cloud):
    import openstack

    conn = openstack.connect(load_yaml_config=False)
    try:
        endpoint = conn.session.get_endpoint(
            service_type="compute", interface="public", region_name=os.environ["OS_REGION_NAME"]
        )
        tenant = mimic_cloud.credentials.tenant_id
        assert endpoint == mimic_cloud.base_url + COMPUTE_PATH.format(tenant=tenant)
        assert conn.current_project_id == tenant
    finally:
        conn.close()
