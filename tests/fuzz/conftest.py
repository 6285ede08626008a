"""Fuzz-test plumbing: the Hypothesis profiles, and the run's tally in the terminal summary.

The summary shows whenever this conftest is loaded in the process that prints it: always
without xdist, and under xdist when ``tests/fuzz`` is on the command line (the workers'
tallies are added up). ``PYTEST_MIMIC_FUZZ_TALLY=/tmp/fuzz.json`` also writes the tally as
JSON there, and each xdist worker writes its own to ``<path>.<worker id>`` (all there is
when the controller has not loaded this file: ``pytest -n 2`` from the root).
"""

from __future__ import annotations

import os

import pytest

from tests.fuzz import profiles  # noqa: F401 - registers the profiles early enough
from tests.fuzz.tally import TALLY

TALLY_ENV = "PYTEST_MIMIC_FUZZ_TALLY"
_WORKER_KEY = "pytest_mimic_fuzz_tally"


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is None or not TALLY.sent:
        return
    workeroutput[_WORKER_KEY] = TALLY.as_dict()
    path = os.environ.get(TALLY_ENV)
    if path:
        TALLY.write(f"{path}.{workeroutput.get('workerid', 'worker')}")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    tally = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    if tally:
        TALLY.merge(tally)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY.sent:
        return
    terminalreporter.section("pytest-mimic fuzz")
    for line in TALLY.lines():
        terminalreporter.write_line(line)
    path = os.environ.get(TALLY_ENV)
    if path:
        TALLY.write(path)
        terminalreporter.write_line(f"tally written to {path}")
