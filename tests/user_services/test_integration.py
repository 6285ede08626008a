"""Users' services through the doors a user meets: the pytest option, ``serve``, and a
catalog-reading client (keystoneauth1).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import types

import requests
from keystoneauth1 import session
from keystoneauth1.identity import v2

from pytest_mimic.user_services import app_service, route

pytest_plugins = ["pytester"]

LEDGER = """
    from pytest_mimic.user_services import Collection, route

    invoices = Collection("invoices")

    @route("/invoices", methods=["POST"])
    def create_invoice(request):
        return invoices.create(**request.json), 201

    @route("/invoices/<invoice_id>")
    def get_invoice(request, invoice_id):
        return invoices.get(invoice_id)
"""


@route("/invoices/<int:invoice_id>")
def get_invoice(request, invoice_id):
    return {"id": invoice_id, "tenant": request.headers.get("X-Auth-Token") is not None}


def test_keystoneauth_finds_a_users_service_through_the_catalog(mimic_cloud):
    module = types.ModuleType("billing_fake")
    module.get_invoice = get_invoice
    mimic_cloud.register(app_service("billing", module, catalog_type="billing"))
    try:
        creds = mimic_cloud.credentials
        auth = v2.Password(
            auth_url=mimic_cloud.auth_url,
            username=creds.username,
            password=creds.password,
            tenant_id=creds.tenant_id,
        )
        sess = session.Session(auth=auth)
        endpoint = sess.get_endpoint(service_type="billing", region_name=mimic_cloud.region)
        answer = sess.get(
            "/invoices/7",
            endpoint_filter={"service_type": "billing", "region_name": mimic_cloud.region},
        )

        assert endpoint == mimic_cloud.url("billing")
        assert answer.json() == {"id": 7, "tenant": True}
        assert mimic_cloud.calls("billing", "get_invoice", invoice_id=7)
    finally:
        mimic_cloud.unregister("billing")


def test_the_services_dir_option_serves_the_folder_with_fresh_state_per_test(pytester):
    services = pytester.mkdir("fakes")
    (services / "ledger.py").write_text(textwrap.dedent(LEDGER))
    pytester.makepyfile(
        """
        import requests

        def test_first(mimic_cloud):
            url = mimic_cloud.url("ledger") + "/invoices"
            created = requests.post(url, json={"total": 3})
            assert created.status_code == 201
            assert requests.get(url + "/" + created.json()["id"]).json()["total"] == 3
            mimic_cloud.assert_called("ledger", "create_invoice", times=1)

        def test_second(mimic_cloud):
            assert requests.get(mimic_cloud.url("ledger") + "/invoices/x").status_code == 404
            assert mimic_cloud.service("ledger").state() == {"invoices": []}
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--mimic-services-dir=fakes")

    result.assert_outcomes(passed=2)


def test_serve_serves_a_services_dir(tmp_path):
    (tmp_path / "ledger.py").write_text(textwrap.dedent(LEDGER))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", "--services-dir", tmp_path],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("pytest-mimic serving on http://127.0.0.1:"), first
        base = first.split()[-1]

        created = requests.post(base + "/ledger/invoices", json={"total": 3}, timeout=5)

        assert created.status_code == 201
        assert requests.get(base + "/ledger/invoices/nope", timeout=5).status_code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()
