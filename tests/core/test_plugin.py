"""The pytest plugin as a user meets it, through pytester."""

from __future__ import annotations

import socket

import pytest

# pytester's in-process runs unload the modules first imported inside them; a test file that
# imports requests there must find it already loaded, or the next run's requests mixes its
# classes with the old one's ("You can only merge into CookieJar").
import requests  # noqa: F401

pytest_plugins = ["pytester"]


def test_fixture_works_in_a_plain_test_file(pytester):
    pytester.makepyfile(
        """
        import requests

        def test_auth_url_answers(mimic_cloud):
            response = requests.get(mimic_cloud.auth_url)
            assert response.status_code == 200
            assert mimic_cloud.calls(service="identity")
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_environment_is_set_during_the_test_and_restored_after(pytester, monkeypatch):
    monkeypatch.setenv("OS_AUTH_URL", "https://real.example/v2.0")
    monkeypatch.setenv("OS_CLOUD", "production")
    monkeypatch.delenv("AWS_ENDPOINT_URL_SQS", raising=False)
    pytester.makepyfile(
        """
        import os

        def test_inside(mimic_cloud):
            assert os.environ["OS_AUTH_URL"] == mimic_cloud.auth_url
            assert os.environ["OS_AUTH_URL"].endswith("/v2.0")
            assert os.environ["OS_USERNAME"] == mimic_cloud.credentials.username
            assert os.environ["OS_TENANT_ID"] == os.environ["OS_PROJECT_ID"]
            assert os.environ["AWS_ENDPOINT_URL_SQS"].startswith(mimic_cloud.base_url)
            assert "127.0.0.1" in os.environ["NO_PROXY"]
            assert "OS_CLOUD" not in os.environ

        def test_after():
            assert os.environ["OS_AUTH_URL"] == "https://real.example/v2.0"
            assert os.environ["OS_CLOUD"] == "production"
            assert "AWS_ENDPOINT_URL_SQS" not in os.environ
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_state_journal_faults_and_clock_do_not_leak_between_tests(pytester):
    pytester.makepyfile(
        """
        import requests

        def test_first(mimic_cloud):
            mimic_cloud.inject("identity", status=500)
            mimic_cloud.clock.advance(10**6)
            mimic_cloud.configure(check_tokens=False)
            assert requests.get(mimic_cloud.auth_url).status_code == 500

        def test_second(mimic_cloud):
            assert mimic_cloud.calls() == []
            assert mimic_cloud.faults.rules == [
                r for r in mimic_cloud.faults.rules if r.source != "python"
            ]
            assert abs(mimic_cloud.clock.now() - __import__("time").time()) < 60
            assert mimic_cloud.config.check_tokens
            assert requests.get(mimic_cloud.auth_url).status_code == 200
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_service_exception_fails_the_test_at_teardown_with_the_request(pytester):
    pytester.makeconftest(
        """
        import pytest
        from tests.support.widgets import WidgetService

        @pytest.fixture
        def widgets(mimic_session_cloud, mimic_cloud):
            if "widgets" not in {s.name for s in mimic_session_cloud.services}:
                mimic_session_cloud.register(WidgetService)
            return mimic_cloud.url("widgets")
        """
    )
    pytester.makepyfile(
        """
        import requests

        def test_boom(widgets):
            response = requests.post(widgets + "/boom", json={"why": "because"})
            assert response.status_code == 500
            assert response.headers["Content-Type"] == "application/json"
        """
    )
    pytester.syspathinsert(str(_project_root()))

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*MimicServerError*",
            "*POST /widgets/boom*",
            '*request body: {"why": "because"}*',
            "*RuntimeError: the widget factory exploded*",
        ]
    )


def test_failed_test_report_shows_the_journal(pytester):
    pytester.makepyfile(
        """
        import requests

        def test_fails(mimic_cloud):
            requests.get(mimic_cloud.auth_url)
            assert False
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.stdout.fnmatch_lines(["*pytest-mimic calls*", "GET /identity/v2.0 -> 200 (identity.*"])


def test_a_taken_port_is_a_clear_usage_error(pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # this suite may run under xdist
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pytester.makepyfile("def test_x(mimic_cloud):\n    pass\n")

        result = pytester.runpytest("-p", "no:cacheprovider", f"--mimic-port={port}")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines([f"*cannot listen on 127.0.0.1:{port}*"])
    assert "SystemExit" not in result.stdout.str()
    assert result.stdout.str().count("cannot listen") == 1


def test_a_fixed_port_under_xdist_is_offset_by_the_worker_number(pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    pytester.makepyfile(
        """
        def test_port(mimic_listen_address):
            assert mimic_listen_address[1] == 20003
        """
    )

    pytester.runpytest("-p", "no:cacheprovider", "--mimic-port=20000").assert_outcomes(passed=1)


@pytest.mark.parametrize("port", ["70000", "-1", "eighty"])
def test_a_port_out_of_range_or_not_a_number_stops_the_run(pytester, port):
    pytester.makepyfile("def test_x(mimic_cloud):\n    pass\n")

    result = pytester.runpytest("-p", "no:cacheprovider", f"--mimic-port={port}")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pytest-mimic: the port must be*"])


def test_patch_endpoint_from_ini_and_from_the_test(pytester):
    pytester.makepyfile(
        settingsmod="""
        AUTH_URL = "https://real.example/v2.0"
        CONFIG = {"compute": "https://real.example/compute"}
        """
    )
    pytester.makeini(
        """
        [pytest]
        mimic_endpoints =
            settingsmod:AUTH_URL = auth
        """
    )
    pytester.makepyfile(
        """
        import settingsmod

        def test_patched(mimic_cloud):
            assert settingsmod.AUTH_URL == mimic_cloud.auth_url
            url = mimic_cloud.patch_endpoint(settingsmod.CONFIG, "compute", attribute="compute")
            assert settingsmod.CONFIG["compute"] == url
            assert "/v2/" in url

        def test_restored():
            assert settingsmod.AUTH_URL == "https://real.example/v2.0"
            assert settingsmod.CONFIG["compute"] == "https://real.example/compute"
        """
    )
    pytester.syspathinsert()

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_each_xdist_worker_gets_its_own_server(pytester, tmp_path):
    pytest.importorskip("xdist")
    pytester.makepyfile(
        f"""
        import os, pytest

        @pytest.mark.parametrize("n", range(4))
        def test_record(mimic_cloud, n):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            out = {str(tmp_path)!r}
            with open(os.path.join(out, f"{{worker}}-{{n}}"), "w") as f:
                f.write(mimic_cloud.base_url)
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")

    result.assert_outcomes(passed=4)
    by_worker = {}
    for path in tmp_path.iterdir():
        by_worker.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert len(by_worker) == 2
    urls = [next(iter(u)) for u in by_worker.values()]
    assert all(len(u) == 1 for u in by_worker.values()), "one server per worker session"
    assert urls[0] != urls[1]


def _project_root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_keep_alive_can_be_switched_off_in_the_ini(pytester):
    pytester.makeini("[pytest]\nmimic_keep_alive = false\nmimic_idle_timeout = 5\n")
    pytester.makepyfile(
        """
        import requests

        def test_closed(mimic_cloud):
            with requests.Session() as http:
                assert http.get(mimic_cloud.auth_url).headers["Connection"] == "close"
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


@pytest.mark.parametrize("value", ["soon", "0", "-3", "nan"])
def test_a_bad_idle_timeout_in_the_ini_stops_the_run(pytester, value):
    pytester.makeini(f"[pytest]\nmimic_idle_timeout = {value}\n")
    pytester.makepyfile("def test_never(mimic_cloud):\n    pass\n")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*mimic_idle_timeout must be a positive number*{value!r}*"])


def test_load_balancer_durations_come_from_the_ini(pytester):
    pytester.makeini(
        "[pytest]\nmimic_clb_build_seconds = 30\nmimic_clb_deleted_retention_seconds = 60\n"
    )
    pytester.makepyfile(
        """
        def test_durations(mimic_cloud):
            assert mimic_cloud.config.clb_build_seconds == 30
            assert mimic_cloud.config.clb_update_seconds == 0
            assert mimic_cloud.config.clb_deleted_retention_seconds == 60
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_bad_load_balancer_duration_in_the_ini_stops_the_run(pytester):
    pytester.makeini("[pytest]\nmimic_clb_update_seconds = soon\n")
    pytester.makepyfile("def test_never(mimic_cloud):\n    pass\n")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*mimic_clb_update_seconds: *number of seconds, not *soon*"])


def test_the_server_limits_come_from_the_ini_file(pytester):
    """``request_head_seconds`` and ``max_connections`` are settings like any other: the
    session's server applies the ini values (and a mistake stops the run, naming them)."""
    pytester.makeini(
        """
        [pytest]
        mimic_request_head_seconds = 2.5
        mimic_max_connections = 7
        """
    )
    pytester.makepyfile(
        """
        def test_limits(mimic_cloud):
            assert mimic_cloud.server.limits() == (2.5, 7)
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    pytester.makeini("[pytest]\nmimic_max_connections = none\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(["*mimic_max_connections*whole number*"])
