"""How to: test that a long-running client re-authenticates when its token expires."""

from __future__ import annotations

from keystoneauth1 import session
from keystoneauth1.identity import v2


def test_session_logs_in_again_after_the_token_expires(mimic_cloud, time_travel):
    creds = mimic_cloud.credentials
    auth = v2.Password(
        auth_url=mimic_cloud.auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    sess = session.Session(auth=auth)
    compute = sess.get_endpoint(service_type="compute", region_name="ORD")
    first_token = sess.get_token()

    time_travel.advance(25 * 3600)  # tokens live 24 h
    response = sess.get(compute + "/servers")

    assert response.status_code == 200
    assert sess.get_token() != first_token
    assert len(mimic_cloud.calls("identity", "authenticate")) == 2
