"""A fifth service, installed as a third-party package would be: every door works for it.

``site/`` holds ``mimic_dns`` and its ``mimic_dns-0.1.dist-info`` (``entry_points.txt``
registers ``dns = mimic_dns.api:DNSService`` under ``pytest_mimic.services``). A process
whose ``PYTHONPATH`` includes ``site/`` finds it through ``importlib.metadata`` exactly as an
installed distribution; this process never does, so the rest of the suite's clouds stay as
they are. Every test here therefore runs pytest, ``pytest-mimic serve`` or the benchmark in
a subprocess with that ``PYTHONPATH``, and nothing in pytest-mimic, the fuzz suite, the
hammer or the benchmark names the service.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

pytest_plugins = ["pytester"]

SITE = Path(__file__).resolve().parent / "site"
ROOT = Path(__file__).resolve().parents[2]
TENANT = "100001"  # the default user's tenant
#: Bound on any subprocess of this module (seconds): a hang fails, it does not stall CI.
TIMEOUT = 240


def _environment() -> dict[str, str]:
    """This process's environment with ``site/`` first on ``PYTHONPATH``, and nothing that
    would change how a nested pytest runs (xdist worker ids, extra options)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name != "PYTEST_ADDOPTS" and not name.startswith("PYTEST_XDIST")
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SITE), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def with_dns(monkeypatch):
    """``PYTHONPATH`` for pytester's subprocesses (they inherit this process's environment)."""
    for name, value in _environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)


def test_this_process_does_not_have_the_dns_service(mimic_session_cloud):
    """The suite's own clouds are unchanged: the package is only found by the subprocesses."""
    assert "dns" not in {service.name for service in mimic_session_cloud.services}


# -- (1) the pytest plugin's doors, through pytester --------------------------------------

_HELPERS = """
import os

import requests


def login(cloud):
    creds = cloud.credentials
    body = {"auth": {"passwordCredentials": {"username": creds.username,
                                             "password": creds.password}}}
    answer = requests.post(cloud.auth_url + "/tokens", json=body, timeout=10)
    return {"X-Auth-Token": answer.json()["access"]["token"]["id"]}


def create(cloud, name="example.com"):
    body = {"domain": {"name": name, "emailAddress": "admin@example.com"}}
    return requests.post(
        cloud.url("rax:dns") + "/domains", json=body, headers=login(cloud), timeout=10
    )


def status(cloud, domain_id):
    url = f"{cloud.url('rax:dns')}/domains/{domain_id}"
    return requests.get(url, headers=login(cloud), timeout=10).json()["domain"]["status"]
"""


def _run(pytester, source, *, ini=""):
    pytester.makepyfile(dns_helpers=_HELPERS, test_dns=source)
    pytester.makeini(f"[pytest]\n{ini}\n")
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=TIMEOUT)


def test_ini_option_sets_how_long_a_new_domain_stays_pending(pytester, with_dns):
    source = """
        from dns_helpers import create, status

        def test_pending_until_the_delay_has_passed(mimic_cloud, time_travel):
            assert mimic_cloud.config.dns_propagation_seconds == 90
            domain = create(mimic_cloud).json()["domain"]
            assert domain["status"] == "PENDING"
            time_travel.advance(89)
            assert status(mimic_cloud, domain["id"]) == "PENDING"
            time_travel.advance(1)
            assert status(mimic_cloud, domain["id"]) == "ACTIVE"
    """
    result = _run(pytester, source, ini="mimic_dns_propagation_seconds = 90")

    result.assert_outcomes(passed=1)


def test_a_bad_ini_value_is_refused_at_start_naming_the_option(pytester, with_dns):
    result = _run(
        pytester, "def test_never_runs(): pass", ini="mimic_dns_propagation_seconds = 90s"
    )

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pytest-mimic: ini option mimic_dns_propagation_seconds*90s*"])


def test_configure_and_the_marker_set_the_delay_that_time_travel_moves_past(pytester, with_dns):
    source = """
        import pytest
        from dns_helpers import create, status

        def test_configure(mimic_cloud, time_travel):
            mimic_cloud.configure(dns_propagation_seconds=600)
            domain = create(mimic_cloud).json()["domain"]
            time_travel.advance(599)
            assert status(mimic_cloud, domain["id"]) == "PENDING"
            time_travel.advance(1)
            assert status(mimic_cloud, domain["id"]) == "ACTIVE"

        @pytest.mark.mimic_config(dns_propagation_seconds=600)
        def test_marker(mimic_cloud, time_travel):
            domain = create(mimic_cloud).json()["domain"]
            time_travel.advance(599)
            assert status(mimic_cloud, domain["id"]) == "PENDING"
            time_travel.advance(1)
            assert status(mimic_cloud, domain["id"]) == "ACTIVE"

        def test_default_is_immediate(mimic_cloud):
            assert create(mimic_cloud).json()["domain"]["status"] == "ACTIVE"
    """
    _run(pytester, source).assert_outcomes(passed=3)


def test_inject_fails_a_dns_operation_and_calls_records_it(pytester, with_dns):
    source = """
        import pytest
        from dns_helpers import create
        from pytest_mimic.names import UnknownName

        def test_inject(mimic_cloud):
            handle = mimic_cloud.inject("dns", "create_domain", status=500)
            answer = create(mimic_cloud, "failing.example.com")
            assert answer.status_code == 500
            assert answer.json()["code"] == 500  # the service's own error shape
            [call] = mimic_cloud.calls("dns", "create_domain", domain_name="failing.example.com")
            assert call.status == 500 and call.fault is not None
            assert handle.hits == 1

        def test_a_misspelt_operation_is_refused(mimic_cloud):
            with pytest.raises(UnknownName, match="create_domain"):
                mimic_cloud.inject("dns", "create_domian", status=500)
    """
    _run(pytester, source).assert_outcomes(passed=2)


def test_environment_variable_is_set_during_a_test_and_restored_after(
    pytester, with_dns, monkeypatch
):
    monkeypatch.setenv("MIMIC_DNS_URL", "https://dns.real.example/v1.0/1")
    monkeypatch.setenv("DNS_PROFILE", "production")
    source = """
        import os

        def test_inside(mimic_cloud):
            assert os.environ["MIMIC_DNS_URL"] == mimic_cloud.url("rax:dns")
            assert "DNS_PROFILE" not in os.environ

        def test_after():
            assert os.environ["MIMIC_DNS_URL"] == "https://dns.real.example/v1.0/1"
            assert os.environ["DNS_PROFILE"] == "production"
    """
    _run(pytester, source).assert_outcomes(passed=2)


def test_scenario_marker_makes_every_dns_call_answer_503(pytester, with_dns):
    source = """
        import pytest
        import requests
        from dns_helpers import create, login

        @pytest.mark.mimic_scenario("dns.outage")
        def test_outage(mimic_cloud):
            answer = create(mimic_cloud)
            assert answer.status_code == 503
            assert answer.json()["code"] == 503
            listing = requests.get(
                mimic_cloud.url("rax:dns") + "/domains", headers=login(mimic_cloud), timeout=10
            )
            assert listing.status_code == 503
            assert mimic_cloud.service("dns").state() == {"domains": 0}

        def test_next_test_is_served(mimic_cloud):
            assert create(mimic_cloud).status_code == 201
    """
    _run(pytester, source).assert_outcomes(passed=2)


def test_the_catalog_lists_the_service_for_keystoneauth1(pytester, with_dns):
    source = """
        import os

        from keystoneauth1 import session
        from keystoneauth1.identity import v2

        def test_catalog(mimic_cloud):
            auth = v2.Password(
                auth_url=os.environ["OS_AUTH_URL"],
                username=os.environ["OS_USERNAME"],
                password=os.environ["OS_PASSWORD"],
                tenant_id=os.environ["OS_TENANT_ID"],
            )
            endpoint = session.Session(auth=auth).get_endpoint(service_type="rax:dns")
            assert endpoint == mimic_cloud.url("rax:dns")
            assert endpoint.endswith("/dns/v1.0/" + mimic_cloud.credentials.tenant_id)
    """
    _run(pytester, source).assert_outcomes(passed=1)


# -- (2) pytest-mimic serve and the HTTP control plane -------------------------------------


class Served:
    """A ``pytest-mimic serve`` subprocess: its URL and the lines it printed."""

    def __init__(self) -> None:
        command = [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0"]
        command += ["--set", "dns_propagation_seconds=30"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_environment()
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        assert first.startswith("pytest-mimic serving on http://"), (
            first + self.process.stderr.read()
        )
        self.url = first.split()[-1]
        self.lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.http = requests.Session()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")  # end of output

    def exported(self, name: str) -> str:
        """The value ``serve`` printed for ``export NAME=...``."""
        while True:
            line = self.lines.get(timeout=10)
            if not line:
                raise AssertionError(f"serve printed no {name}")
            if line.strip().startswith(f"export {name}="):
                return line.strip().partition("=")[2]

    def login(self) -> dict[str, str]:
        credentials = {"username": "mimic-user", "password": "mimic-password"}
        body = {"auth": {"passwordCredentials": credentials}}
        answer = self.http.post(self.url + "/identity/v2.0/tokens", json=body, timeout=10)
        return {"X-Auth-Token": answer.json()["access"]["token"]["id"]}

    def domains(self) -> str:
        return f"{self.url}/dns/v1.0/{TENANT}/domains"

    def create(self) -> requests.Response:
        body = {"domain": {"name": "served.example.com", "emailAddress": "admin@example.com"}}
        return self.http.post(self.domains(), json=body, headers=self.login(), timeout=10)

    def status(self, domain_id: str) -> str:
        answer = self.http.get(f"{self.domains()}/{domain_id}", headers=self.login(), timeout=10)
        return str(answer.json()["domain"]["status"])

    def control(self, method: str, path: str, **kwargs: object) -> requests.Response:
        return self.http.request(method, f"{self.url}/mimic/v1.1{path}", timeout=10, **kwargs)

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._reader.join(timeout=10)
            assert self.process.stdout is not None
            assert self.process.stderr is not None
            self.process.stdout.close()
            self.process.stderr.close()


@pytest.fixture(scope="module")
def serve_process():
    served = Served()
    yield served
    served.stop()


@pytest.fixture
def served(serve_process):
    """The served cloud, reset: its settings back to the ``--set`` ones."""
    assert serve_process.control("POST", "/reset").status_code == 204
    return serve_process


def test_serve_prints_the_dns_url(served):
    assert served.exported("MIMIC_DNS_URL") == f"{served.url}/dns/v1.0/{TENANT}"


def test_serve_set_applies_and_the_settings_api_changes_it(served):
    settings = served.control("GET", "/settings").json()["settings"]
    assert settings["dns_propagation_seconds"] == 30

    changed = served.control("PATCH", "/settings", json={"dns_propagation_seconds": 5})
    assert changed.status_code == 200
    assert changed.json()["settings"]["dns_propagation_seconds"] == 5
    domain = served.create().json()["domain"]
    assert domain["status"] == "PENDING"
    served.control("POST", "/tick", json={"amount": 5})
    assert served.status(domain["id"]) == "ACTIVE"


def test_the_settings_api_refuses_a_bad_value_and_changes_nothing(served):
    refused = served.control("PATCH", "/settings", json={"dns_propagation_seconds": "soon"})

    assert refused.status_code == 400
    assert "dns_propagation_seconds" in refused.text
    settings = served.control("GET", "/settings").json()["settings"]
    assert settings["dns_propagation_seconds"] == 30


def test_the_behaviors_api_accepts_stuck_for_dns_only(served):
    served.control("PATCH", "/settings", json={"dns_propagation_seconds": 0})
    added = served.control("POST", "/behaviors/dns/create_domain", json={"name": "stuck"})
    assert added.status_code == 201

    domain = served.create().json()["domain"]
    served.control("POST", "/tick", json={"amount": 3600})
    assert served.status(domain["id"]) == "PENDING"
    refused = served.control("POST", "/behaviors/nova/create_server", json={"name": "stuck"})
    assert refused.status_code == 400


def test_the_control_route_forces_a_domain_status(served):
    domain = served.create().json()["domain"]
    path = f"/dns/{TENANT}/domains/{domain['id']}/status"

    forced = served.control("PUT", path, json={"status": "ERROR"})

    assert forced.status_code == 200
    assert forced.json()["domain"]["status"] == "ERROR"
    assert served.status(domain["id"]) == "ERROR"
    missing = served.control("PUT", f"/dns/{TENANT}/domains/nope/status", json={"status": "ERROR"})
    assert missing.status_code == 404


def test_the_scenario_api_takes_dns_down(served):
    assert served.control("POST", "/scenarios/dns.outage").status_code == 201

    answer = served.create()

    assert answer.status_code == 503
    assert answer.json() == {
        "code": 503,
        "message": "Service Unavailable",
        "details": "DNS is temporarily unavailable.",
    }


# -- (3) the fuzz suite, the hammer and the benchmark pick it up ---------------------------


def _in_root(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_fuzz_suite_and_hammer_test_the_dns_routes_and_samples():
    done = _in_root(
        "-m",
        "pytest",
        "tests/fuzz/test_fuzz_routes.py",
        "tests/hammer/test_samples.py",
        "-k",
        "dns",
        "-p",
        "no:cacheprovider",
        "-v",
    )

    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    for expected in (
        "test_every_service_is_fuzzed[dns] PASSED",
        "test_route_answers_hostile_requests[dns:POST:/v1.0/<tenant>/domains] PASSED",
        "test_route_answers_hostile_requests[dns:GET:/v1.0/<tenant>/domains] PASSED",
        "test_route_answers_hostile_requests[dns:GET:/v1.0/<tenant>/domains/<domain_id>] PASSED",
        "test_route_answers_hostile_requests[dns:DELETE:/v1.0/<tenant>/domains/<domain_id>] PASSED",
        "test_route_answers_hostile_requests[dns:unmatched] PASSED",
        # the control route the control plane mounts for it
        "test_route_answers_hostile_requests[mimic:PUT:/v1.1/dns/<tenant>/domains/<domain_id>"
        "/status] PASSED",
        # its create route makes real domains (seeded from its samples)
        "test_every_recipe_makes_its_value[dns:/v1.0/<tenant>/domains/<domain_id>] PASSED",
        "test_samples_from_many_threads_answer_as_expected[dns] PASSED",
    ):
        assert expected in output, f"{expected!r} not in:\n{output[-3000:]}"


def test_the_benchmark_lists_and_measures_dns():
    listed = _in_root("-m", "bench", "--list")
    assert listed.returncode == 0, listed.stderr
    [services] = [line for line in listed.stdout.splitlines() if line.startswith("services ")]
    assert "dns" in services

    measured = _in_root("-m", "bench", "--only", "services", "--quick", "--quiet")

    assert measured.returncode == 0, measured.stdout + measured.stderr
    assert "| dns: POST /v1.0/{tenant}/domains" in measured.stdout, measured.stdout
