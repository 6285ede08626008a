"""``pytest-mimic serve --services-dir``: every file kind by path and by ``Host``, hot reload,
a broken file, behaviours with a path criterion and the journal, against a real process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from pytest_mimic.clock import real_monotonic
from tests.own_services.kinds import ANSWERS, KINDS, ROUTE_FUNCTIONS, write_folder

#: Liveness bound for a reload to show: the server looks at the folder every 0.2 s.
RELOAD_DEADLINE = 5.0


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("fakes")
    write_folder(path)
    return path


@pytest.fixture(scope="module")
def server(folder):
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", "--services-dir", folder],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("pytest-mimic serving on"), first + proc.stderr.read()
        yield first.split()[-1]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)


@pytest.fixture
def base(server):
    requests.post(server + "/mimic/v1.1/reset").raise_for_status()
    return server


def _until(check, what: str):
    """Ask again (no sleeping) until ``check()`` is truthy; the server reloads within 0.2 s."""
    deadline = real_monotonic() + RELOAD_DEADLINE
    while real_monotonic() < deadline:
        result = check()
        if result:
            return result
    raise AssertionError(f"{what} did not happen within {RELOAD_DEADLINE} s")


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_kind_answers_by_path_and_by_host(base, name):
    by_path = requests.get(f"{base}/{name}/invoices/7")
    by_host = requests.get(f"{base}/invoices/7", headers={"Host": name})
    by_host_and_port = requests.get(f"{base}/invoices/8", headers={"Host": f"{name}:8900"})

    assert (by_path.status_code, by_path.json()) == (200, {"id": 7, "kind": ANSWERS[name]})
    assert by_host.json() == {"id": 7, "kind": ANSWERS[name]}
    assert by_host_and_port.json()["id"] == 8


def test_an_edited_file_answers_differently_on_a_next_request(base, folder):
    target = folder / "functions.py"
    target.write_text(ROUTE_FUNCTIONS.replace('"routes"', '"routes, edited"'), encoding="utf-8")
    os.utime(target, (time.time() + 5, time.time() + 5))
    try:
        _until(
            lambda: requests.get(f"{base}/functions/invoices/7").json()["kind"] == "routes, edited",
            "the edit",
        )
    finally:
        target.write_text(ROUTE_FUNCTIONS, encoding="utf-8")
        os.utime(target, (time.time() + 10, time.time() + 10))
    _until(lambda: requests.get(f"{base}/functions/invoices/7").json()["kind"] == "routes", "undo")


def test_a_broken_file_makes_only_its_service_answer_503(base, folder):
    target = folder / "flaskapp.py"
    good = target.read_text(encoding="utf-8")
    target.write_text(good + "\nthis is not python (\n", encoding="utf-8")
    os.utime(target, (time.time() + 5, time.time() + 5))
    try:
        broken = _until(
            lambda: [
                r for r in [requests.get(f"{base}/flaskapp/invoices/7")] if r.status_code == 503
            ],
            "the 503",
        )
        assert "flaskapp" in broken[0].text
        assert requests.get(f"{base}/fastapp/invoices/7").status_code == 200
    finally:
        target.write_text(good, encoding="utf-8")
        os.utime(target, (time.time() + 10, time.time() + 10))
    _until(lambda: requests.get(f"{base}/flaskapp/invoices/7").status_code == 200, "the repair")


def test_behaviours_with_a_path_criterion_and_the_journal(base):
    rule = requests.post(
        f"{base}/mimic/v1.1/behaviors/functions/*",
        json={"name": "fail", "parameters": {"code": 502}, "criteria": [{"path": "/invoices/9"}]},
    )
    assert rule.status_code == 201, rule.text

    assert requests.get(f"{base}/functions/invoices/9").status_code == 502
    assert requests.get(f"{base}/functions/invoices/7").status_code == 200

    calls = requests.get(f"{base}/mimic/v1.1/journal", params={"service": "functions"}).json()
    assert [(c["operation"], c["path"], c["status"]) for c in calls["calls"]] == [
        ("get_invoice", "/functions/invoices/9", 502),
        ("get_invoice", "/functions/invoices/7", 200),
    ]
