"""The dashboard's page and JSON API over HTTP (``requests``), without a browser."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from pytest_mimic.cloud import MimicServerError


@pytest.fixture
def api(mimic_cloud):
    return mimic_cloud.dashboard_url + "/api"


def _state(api, **query):
    answer = requests.get(f"{api}/state", params=query, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _login(mimic_cloud):
    creds = mimic_cloud.credentials
    body = {
        "auth": {"passwordCredentials": {"username": creds.username, "password": creds.password}}
    }
    return requests.post(f"{mimic_cloud.auth_url}/tokens", json=body, timeout=5)


def test_the_page_and_its_files_are_served_with_a_strict_policy(mimic_cloud):
    """The page runs only its own script: no inline script, nothing from elsewhere."""
    page = requests.get(mimic_cloud.dashboard_url, timeout=5)
    script = requests.get(f"{mimic_cloud.dashboard_url}/dashboard.js", timeout=5)
    style = requests.get(f"{mimic_cloud.dashboard_url}/dashboard.css", timeout=5)

    assert page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert '<script src="/mimic/dashboard/dashboard.js"' in page.text
    assert "http" not in page.text.split("<body>")[0].replace("http-equiv", "")
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "innerHTML" not in script.text
    assert style.headers["Content-Type"].startswith("text/css")


def test_the_root_page_links_the_dashboard(mimic_cloud):
    root = requests.get(mimic_cloud.base_url + "/", timeout=5)
    assert f"Dashboard: {mimic_cloud.dashboard_url}" in root.text


def test_serve_prints_the_dashboard_url_it_serves():
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = [proc.stdout.readline()]
        while not lines[-1].startswith("Dashboard:") and lines[-1]:
            lines.append(proc.stdout.readline())
        url = lines[-1].split()[-1]
        assert url == lines[0].split()[-1] + "/mimic/dashboard"
        assert "pytest-mimic dashboard" in requests.get(url, timeout=5).text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_an_unknown_file_is_a_json_404(mimic_cloud):
    answer = requests.get(f"{mimic_cloud.dashboard_url}/secrets.txt", timeout=5)
    assert answer.status_code == 404
    assert answer.json()["itemNotFound"]["message"] == "The dashboard has no file 'secrets.txt'."


def test_the_pages_requests_are_neither_journaled_nor_faulted(mimic_cloud, api):
    """A rule for every request of every service leaves the page alone, and a test's journal
    is the same whether a page polls or not."""
    _login(mimic_cloud)
    mimic_cloud.inject(status=500)
    before = [call.describe() for call in mimic_cloud.calls()]

    for _ in range(3):
        _state(api)
    assert requests.get(mimic_cloud.dashboard_url, timeout=5).status_code == 200
    assert requests.post(f"{api}/tick", json={"amount": 1}, timeout=5).status_code == 200

    assert [call.describe() for call in mimic_cloud.calls()] == before
    assert mimic_cloud.calls("dashboard") == []


def test_the_journal_comes_in_numbered_parts_and_restarts_after_a_reset(mimic_cloud, api):
    _login(mimic_cloud)
    first = _state(api)["journal"]
    assert [(c["number"], c["operation"]) for c in first["calls"]] == [(0, "authenticate")]

    _login(mimic_cloud)
    later = _state(api, since=first["next"], epoch=first["epoch"])["journal"]
    assert [c["number"] for c in later["calls"]] == [1]
    assert later["calls"][0]["status"] == 200
    assert later["calls"][0]["path"] == "/identity/v2.0/tokens"

    mimic_cloud.reset()
    _login(mimic_cloud)
    fresh = _state(api, since=later["next"], epoch=later["epoch"])["journal"]
    assert fresh["epoch"] != later["epoch"]
    assert [c["number"] for c in fresh["calls"]] == [0]


def test_a_call_is_shown_with_its_bodies(mimic_cloud, api):
    _login(mimic_cloud)
    epoch = _state(api)["journal"]["epoch"]

    call = requests.get(f"{api}/calls/0", params={"epoch": epoch}, timeout=5).json()

    assert '"passwordCredentials"' in call["request_body"]
    assert '"serviceCatalog"' in call["response_body"]
    assert call["attributes"]["username"] == mimic_cloud.credentials.username


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/calls/7", 404, "No call 7"),
        ("/calls/x", 400, "the call number must be a whole number"),
        ("/calls/-1", 400, "the call number must be a whole number"),
        ("/calls/0?epoch=9999", 404, "No call 0"),
        ("/state?since=-3", 400, "since must be a whole number"),
        ("/state?since=1e3", 400, "since must be a whole number"),
        ("/state?epoch=soon", 400, "epoch must be a whole number"),
        ("/state?since=" + "9" * 40, 400, "since must be a whole number"),
    ],
)
def test_bad_reads_are_clear_client_errors(mimic_cloud, api, path, status, words):
    _login(mimic_cloud)
    answer = requests.get(api + path, timeout=5)
    assert answer.status_code == status
    assert words in answer.json()[next(iter(answer.json()))]["message"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "words"),
    [
        ("POST", "/tick", {"amount": "ten"}, 400, "'amount' must be a number"),
        ("POST", "/tick", {"amount": -5}, 400, "non-negative"),
        ("POST", "/tick", [1], 400, "expected an object"),
        ("POST", "/scenarios/nova.create_fail", {}, 404, "did you mean 'nova.create_fails'"),
        (
            "POST",
            "/scenarios/nova.create_fails",
            {"status": "x"},
            400,
            "status must be a whole number",
        ),
        ("POST", "/scenarios/nova.create_fails", {"colour": 1}, 400, "colour"),
        ("DELETE", "/rules/rule-0", None, 404, "No fault rule 'rule-0'"),
        ("PUT", "/tick", None, 405, "not allowed"),
    ],
)
def test_bad_actions_are_clear_client_errors(mimic_cloud, api, method, path, body, status, words):
    answer = requests.request(method, api + path, json=body, timeout=5)
    assert answer.status_code == status
    assert words in next(iter(answer.json().values()))["message"]


def test_another_sites_page_cannot_act(mimic_cloud, api):
    """A browser says where a request comes from; another site's page gets a 403."""
    before = mimic_cloud.clock.now()
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        answer = requests.post(f"{api}/tick", json={"amount": 3600}, headers=headers, timeout=5)
        assert answer.status_code == 403
    assert mimic_cloud.clock.now() - before < 3600
    same = {"Origin": mimic_cloud.base_url, "Sec-Fetch-Site": "same-origin"}
    assert requests.post(f"{api}/tick", json={"amount": 1}, headers=same, timeout=5).ok


def test_tick_moves_the_clock_and_the_state_shows_it(mimic_cloud, api):
    mimic_cloud.clock.freeze()
    before = _state(api)["clock"]
    assert before["frozen"] is True

    assert requests.post(f"{api}/tick", json={"amount": 600}, timeout=5).status_code == 200

    after = _state(api)["clock"]
    assert after["ahead"] - before["ahead"] == pytest.approx(600, abs=1)


def test_reset_from_the_page_empties_the_cloud(mimic_cloud, api):
    mimic_cloud.service("identity").add_user("alice", password="pw")

    assert requests.post(f"{api}/reset", timeout=5).status_code == 204

    assert mimic_cloud.service("identity").find_user("alice") is None


def test_rules_show_hits_and_clearing_keeps_the_presets(mimic_cloud, api):
    handle = mimic_cloud.inject("identity", "authenticate", status=503)
    _login(mimic_cloud)
    rules = {rule["id"]: rule for rule in _state(api)["rules"]}
    assert rules[handle.rule.id]["hits"] == 1
    assert rules[handle.rule.id]["standing"] is False
    presets = [r for r in rules.values() if r["standing"]]
    assert presets

    answer = requests.delete(f"{api}/rules", timeout=5)

    assert answer.json() == {"removed": 1}
    assert [r["id"] for r in _state(api)["rules"]] == [r["id"] for r in presets]


def test_one_rule_is_removed_by_id(mimic_cloud, api):
    handle = mimic_cloud.inject("identity", "authenticate", status=503)

    assert requests.delete(f"{api}/rules/{handle.rule.id}", timeout=5).status_code == 204

    assert _login(mimic_cloud).status_code == 200


def test_a_scenario_is_activated_and_cleared_by_name(mimic_cloud, api):
    names = [s["name"] for s in requests.get(f"{api}/scenarios", timeout=5).json()["scenarios"]]
    assert "nova.create_fails" in names

    answer = requests.post(f"{api}/scenarios/identity.auth_down", json={}, timeout=5)
    assert answer.status_code == 201
    assert _login(mimic_cloud).status_code >= 500

    assert requests.delete(f"{api}/scenarios", timeout=5).json() == {"removed": 1}
    assert _login(mimic_cloud).status_code == 200


def test_server_errors_are_shown_with_their_traceback(mimic_cloud, widgets, api):
    requests.post(f"{widgets}/boom", data=b"<payload>", timeout=5)

    (error,) = _state(api)["errors"]

    assert error["request"].startswith("POST ")
    assert error["body"] == "<payload>"
    assert "RuntimeError: the widget factory exploded" in error["traceback"]
    with pytest.raises(MimicServerError):
        mimic_cloud.check()
