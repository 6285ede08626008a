"""``--mimic-dashboard`` and ``--mimic-report`` (and their ini options), through pytester."""

from __future__ import annotations

import html
import io
import re
import sys

import pytest

# See tests/core/test_plugin.py: requests must be loaded before pytester's in-process runs.
import requests

pytest_plugins = ["pytester"]

FAILING = """
import requests

def test_creates_then_fails(mimic_cloud):
    body = {"server": {"name": "<b>web</b>", "imageRef": "img", "flavorRef": "2"}}
    url = mimic_cloud.url("compute") + "/servers"
    requests.post(url, json=body, timeout=5)
    assert False, "the <autoscaler> gave up"

def test_passes(mimic_cloud):
    requests.get(mimic_cloud.auth_url, timeout=5)
"""


def _report_files(folder):
    return sorted(folder.glob("*.html"))


class Terminal(io.StringIO):
    """A standard input that is a terminal: someone pressing Enter, after a look at the
    dashboard (``url``, which the inner test sets) to see it is still served."""

    url = ""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[int] = []

    def isatty(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:
        self.seen.append(requests.get(self.url, timeout=5).status_code)
        return "\n"


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch):
    """The inner runs share this process: a developer's terminal must not make them wait,
    and under xdist they must not take themselves for a worker (which prints nothing)."""
    monkeypatch.setattr(sys, "__stdin__", io.StringIO())
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)


def test_dashboard_option_prints_a_url_that_serves_the_page(pytester):
    """The URL printed at the start is the running session server's dashboard."""
    pytester.makepyfile(
        """
        import requests

        def test_page(mimic_cloud):
            page = requests.get(mimic_cloud.dashboard_url, timeout=5)
            assert page.status_code == 200
            assert "pytest-mimic dashboard" in page.text
            print("URL", mimic_cloud.dashboard_url)
        """
    )

    result = pytester.runpytest("--mimic-dashboard", "-s", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
    printed = re.search(r"pytest-mimic dashboard: (http://\S+)", result.stdout.str())
    assert printed is not None
    assert f"URL {printed.group(1)}" in result.stdout.str()


def test_in_a_terminal_the_dashboard_stays_served_until_enter(pytester, monkeypatch):
    """After the last test the server still answers until the user presses Enter."""
    terminal = Terminal()
    monkeypatch.setattr(sys, "__stdin__", terminal)
    pytester.makepyfile(
        """
        import sys

        def test_remember_the_url(mimic_cloud):
            sys.__stdin__.url = mimic_cloud.dashboard_url
        """
    )

    result = pytester.runpytest("--mimic-dashboard", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
    assert terminal.seen == [200]
    result.stdout.fnmatch_lines(["*the dashboard stays open at http://*; press Enter to stop."])


def test_dashboard_with_a_fixed_port_is_named_in_the_header(pytester):
    """With a fixed port the header says where the dashboard will be before any test runs."""
    pytester.makepyfile("def test_nothing():\n    pass\n")

    result = pytester.runpytest("--mimic-dashboard", "--mimic-port", "0", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["pytest-mimic dashboard: printed when the fake cloud starts"])

    pytester.makeini("[pytest]\nmimic_dashboard = true\nmimic_port = 38917\n")
    header = pytester.runpytest("--co", "-p", "no:cacheprovider")
    header.stdout.fnmatch_lines(["pytest-mimic dashboard: http://127.0.0.1:38917/mimic/dashboard"])


def test_without_the_option_nothing_is_started_or_printed(pytester):
    """The default run mentions no dashboard and starts no cloud for a test that needs none."""
    pytester.makepyfile("def test_nothing():\n    pass\n")

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
    assert "dashboard" not in result.stdout.str()


def test_a_bad_dashboard_ini_value_stops_the_run(pytester):
    pytester.makeini("[pytest]\nmimic_dashboard = sometimes\n")
    pytester.makepyfile("def test_never():\n    pass\n")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*mimic_dashboard*'sometimes' is not true or false*"])


def test_report_writes_one_page_per_failing_test_named_in_the_failure(pytester, tmp_path):
    """Only the failing test gets a page; the failure's section names its file."""
    folder = tmp_path / "reports"
    pytester.makepyfile(FAILING)

    result = pytester.runpytest(f"--mimic-report={folder}", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    (page,) = _report_files(folder)
    assert f"HTML report of these calls: {page.as_uri()}" in result.stdout.str()
    assert "test_creates_then_fails" in page.name


def test_the_report_escapes_what_came_from_requests_and_the_test(pytester, tmp_path):
    """Markup in a request body and in the failure message is shown as text."""
    folder = tmp_path / "reports"
    pytester.makepyfile(FAILING)

    pytester.runpytest(f"--mimic-report={folder}", "-p", "no:cacheprovider")

    text = _report_files(folder)[0].read_text(encoding="utf-8")
    assert "<b>web</b>" not in text
    assert html.escape('"name": "<b>web</b>"') in text
    assert "the &lt;autoscaler&gt; gave up" in text
    assert "<script" not in text
    assert "nova.create_server" in text


def test_the_report_folder_comes_from_the_ini_relative_to_it(pytester):
    pytester.makeini("[pytest]\nmimic_report = out/calls\n")
    pytester.makepyfile(FAILING)

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1, failed=1)

    assert len(_report_files(pytester.path / "out" / "calls")) == 1


def test_a_report_path_that_is_a_file_stops_the_run(pytester):
    pytester.makefile(".txt", taken="x")
    pytester.makepyfile("def test_never():\n    pass\n")

    result = pytester.runpytest("--mimic-report=taken.txt", "-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mimic-report*is a file, not a folder*"])
