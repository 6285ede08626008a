"""Users' own services under pytest, through the plugin: each file kind from the services
folder, one from a ``conftest.py``, the catalog, ``inject``/``calls``, the next-request
headers and the clock. Each case runs in its own pytest process (pytester).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.own_services.kinds import KINDS, write_folder

EXAMPLE = Path(__file__).parent.parent / "examples" / "services" / "servers.py"


def _project(pytester, test_source: str, conftest: str = "") -> None:
    folder = pytester.path / "fakes"
    folder.mkdir()
    write_folder(folder)
    shutil.copy(EXAMPLE, folder / "servers.py")
    pytester.makeini("[pytest]\nmimic_services_dir = fakes\n")
    if conftest:
        pytester.makeconftest(conftest)
    pytester.makepyfile(test_source)


def test_every_file_kind_answers_through_the_catalog_and_is_journaled(pytester):
    operations = {name: operation for name, (_text, operation) in KINDS.items()}
    _project(
        pytester,
        f"""
        import pytest, requests
        from keystoneauth1 import session
        from keystoneauth1.identity import v2

        KINDS = {operations!r}

        @pytest.mark.parametrize("name", sorted(KINDS))
        def test_kind(mimic_cloud, name):
            creds = mimic_cloud.credentials
            auth = v2.Password(auth_url=mimic_cloud.auth_url, username=creds.username,
                               password=creds.password, tenant_id=creds.tenant_id)
            endpoint = session.Session(auth=auth).get_endpoint(service_type=name)
            answer = requests.get(endpoint + "/invoices/7")
            assert answer.status_code == 200, answer.text
            assert answer.json()["id"] == 7
            mimic_cloud.assert_called(name, KINDS[name], method="GET", times=1)
        """,
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=len(KINDS))


def test_inject_calls_and_the_next_request_headers_on_own_and_builtin_services(pytester):
    _project(
        pytester,
        """
        import pytest, requests
        from pytest_mimic.validation import UnknownName

        def test_inject_and_calls(mimic_cloud):
            url = mimic_cloud.base_url + "/functions/invoices/7"
            mimic_cloud.inject("functions", "get_invoice", status=503, times=1)
            assert requests.get(url).status_code == 503
            assert requests.get(url).status_code == 200
            assert [c.status for c in mimic_cloud.calls("functions", "get_invoice")] == [503, 200]
            with pytest.raises(UnknownName, match="did you mean 'get_invoice'"):
                mimic_cloud.calls("functions", "get_invoices")

        @pytest.mark.parametrize("prefix", ["X-Mimic-Next", "X-Fake-Servicer-Next-Request"])
        def test_next_request_headers(mimic_cloud, prefix):
            own = mimic_cloud.base_url + "/flaskapp/invoices/1"
            headers = {f"{prefix}-Status": "418", f"{prefix}-Body": "teapot"}
            first = requests.get(own, headers=headers)
            assert first.status_code == 200 and first.json()["kind"] == "flask"
            second = requests.get(own)
            assert (second.status_code, second.text) == (418, "teapot")
            assert requests.get(own).status_code == 200

            versions = mimic_cloud.base_url + "/identity/v2.0"
            assert requests.get(versions, headers={f"{prefix}-Status": "503"}).ok
            assert requests.get(versions).status_code == 503
            assert requests.get(versions).ok
        """,
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_time_travel_moves_what_an_own_service_shows(pytester):
    _project(
        pytester,
        """
        import requests

        def test_build(mimic_cloud, time_travel):
            base = mimic_cloud.base_url + "/servers/servers"
            server = requests.post(base, json={"name": "web"}).json()["server"]
            assert server["status"] == "BUILD"
            time_travel.advance(29)
            assert requests.get(f"{base}/{server['id']}").json()["server"]["status"] == "BUILD"
            time_travel.advance(1)
            assert requests.get(f"{base}/{server['id']}").json()["server"]["status"] == "ACTIVE"
        """,
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_service_registered_from_a_conftest(pytester):
    conftest = """
        import pytest
        from flask import Flask
        from pytest_mimic.user_services import app_service

        billing = Flask("billing")

        @billing.get("/balance")
        def balance():
            return {"balance": 42}

        @pytest.fixture(scope="session", autouse=True)
        def _billing(mimic_session_cloud):
            mimic_session_cloud.register(app_service("billing", billing))
        """
    _project(
        pytester,
        """
        import requests

        def test_billing(mimic_cloud):
            assert requests.get(mimic_cloud.url("billing") + "/balance").json() == {"balance": 42}
            mimic_cloud.inject("billing", "balance", status=500)
            assert requests.get(mimic_cloud.url("billing") + "/balance").status_code == 500
            mimic_cloud.assert_called("billing", "balance", times=2)
        """,
        conftest,
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_missing_services_folder_stops_the_run(pytester):
    pytester.makeini("[pytest]\nmimic_services_dir = nowhere\n")
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*mimic_services_dir*nowhere*is not a folder*"])
