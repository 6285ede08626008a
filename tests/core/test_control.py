"""The /mimic control plane over HTTP: settings, scenarios, behaviours, next-request
overrides, journal, OpenAPI; and ``serve --set/--config/--scenario`` in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
import requests
from openapi_spec_validator import validate

from pytest_mimic.control import ROUTES, ControlService


@pytest.fixture
def control(mimic_cloud):
    return mimic_cloud.base_url + "/mimic/v1.1"


def login(cloud):
    creds = cloud.credentials
    body = {
        "auth": {"passwordCredentials": {"username": creds.username, "password": creds.password}}
    }
    return requests.post(cloud.auth_url + "/tokens", json=body, timeout=10)


def create_server(cloud, name="s"):
    token = login(cloud).json()["access"]["token"]["id"]
    body = {"server": {"name": name, "imageRef": "i", "flavorRef": "2"}}
    return requests.post(
        cloud.url("compute") + "/servers",
        json=body,
        headers={"X-Auth-Token": token},
        timeout=10,
    )


def test_settings_are_read_and_changed_until_the_next_reset(mimic_cloud, control):
    before = requests.get(control + "/settings").json()["settings"]
    changed = requests.patch(
        control + "/settings", json={"server_build_seconds": "600", "check_tokens": False}
    )

    assert before["server_build_seconds"] == 0
    assert changed.status_code == 200
    assert changed.json()["settings"]["server_build_seconds"] == 600
    assert mimic_cloud.config.check_tokens is False
    requests.post(control + "/reset")
    assert mimic_cloud.config.server_build_seconds == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"server_build_second": 5}, "did you mean 'server_build_seconds'"),
        ({"server_build_seconds": "ten"}, "must be a number of seconds, not 'ten'"),
        ({"check_tokens": "maybe"}, "is not true or false"),
        ({"server_build_seconds": 5, "token_lifetime": -1}, "finite number of seconds >= 0"),
    ],
)
def test_bad_settings_are_400_and_change_nothing(mimic_cloud, control, body, message):
    answer = requests.patch(control + "/settings", json=body)

    assert answer.status_code == 400
    assert message in answer.json()["badRequest"]["message"]
    assert mimic_cloud.config.server_build_seconds == 0


def test_a_scenario_by_name_then_cleared(mimic_cloud, control):
    listed = requests.get(control + "/scenarios").json()["scenarios"]
    activated = requests.post(control + "/scenarios/nova.create_fails", json={"status": 503})

    assert "nova.create_fails" in [s["name"] for s in listed]
    assert activated.status_code == 201
    assert create_server(mimic_cloud).status_code == 503
    assert requests.delete(control + "/scenarios").json() == {"removed": 1}
    assert create_server(mimic_cloud).status_code == 202


def test_unknown_scenarios_and_parameters_are_refused(mimic_cloud, control):
    unknown = requests.post(control + "/scenarios/nova.create_fail")
    bad = requests.post(control + "/scenarios/nova.create_fails", json={"stat": 1})

    assert unknown.status_code == 404
    assert "did you mean 'nova.create_fails'" in unknown.text
    assert bad.status_code == 400
    assert "did you mean 'status'" in bad.text


def test_behaviors_register_fire_cycle_and_delete(mimic_cloud, control):
    sequence = {
        "name": "sequence",
        "parameters": {
            "behaviors": [
                {"name": "fail", "parameters": {"code": 500, "message": "nope"}},
                {"name": "default"},
            ]
        },
        "criteria": [{"server_name": "willfail.*"}],
    }
    registered = requests.post(control + "/behaviors/nova/create_server", json=sequence)
    rule_id = registered.json()["id"]

    first = create_server(mimic_cloud, "willfail1")
    second = create_server(mimic_cloud, "willfail2")
    other = create_server(mimic_cloud, "fine")
    listed = requests.get(control + "/behaviors").json()["behaviors"]
    deleted = requests.delete(f"{control}/behaviors/nova/create_server/{rule_id}")
    again = requests.delete(f"{control}/behaviors/nova/create_server/{rule_id}")

    assert registered.status_code == 201
    assert first.status_code == 500
    assert first.json() == {"computeFault": {"message": "nope", "code": 500}}
    assert (second.status_code, other.status_code) == (202, 202)
    assert any(b["id"] == rule_id and b["hits"] == 2 for b in listed)
    assert (deleted.status_code, again.status_code) == (204, 404)
    assert create_server(mimic_cloud, "willfail3").status_code == 202


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/behaviors/novaa/create_server", {"name": "fail"}, 404),
        ("/behaviors/nova/create_sever", {"name": "fail"}, 404),
        ("/behaviors/nova/create_server", {"name": "explode"}, 400),
        ("/behaviors/nova/create_server", {"name": "fail", "criteria": [{"sever": "x"}]}, 404),
        ("/behaviors/nova/create_server", {"name": "fail", "times": -1}, 400),
        ("/behaviors/nova/create_server", {"name": "fail", "extra": 1}, 400),
        ("/behaviors/nova/create_server", {"name": "fail", "parameters": {"code": 200}}, 400),
    ],
)
def test_bad_behaviors_are_refused(mimic_cloud, control, path, body, status):
    answer = requests.post(control + path, json=body)

    assert answer.status_code == status, answer.text
    assert all(rule.source != "control plane" for rule in mimic_cloud.faults.rules)


def test_the_next_request_override_is_used_exactly_once(mimic_cloud, control):
    token = login(mimic_cloud).json()["access"]["token"]["id"]
    flavors = mimic_cloud.url("compute") + "/flavors"
    override = requests.post(
        control + "/next/nova/list_flavors",
        headers={
            "X-Mimic-Next-Status": "418",
            "X-Mimic-Next-Body": '{"teapot": true}',
            "X-Mimic-Next-Headers": json.dumps({"Content-Type": "application/json"}),
        },
    )
    answers: list[int] = []
    lock = threading.Lock()

    def fetch():
        status = requests.get(flavors, headers={"X-Auth-Token": token}, timeout=10).status_code
        with lock:
            answers.append(status)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert override.status_code == 201
    assert sorted(answers) == [200] * 7 + [418]


def test_a_next_request_override_needs_a_status(mimic_cloud, control):
    def status_of(path, status=None):
        headers = {} if status is None else {"X-Mimic-Next-Status": status}
        return requests.post(control + path, headers=headers).status_code

    assert status_of("/next/nova") == 400
    assert status_of("/next/nova", "99") == 400
    assert status_of("/next/novaa", "500") == 404


def test_the_journal_is_readable_and_filtered(mimic_cloud, control):
    create_server(mimic_cloud, "journaled")

    calls = requests.get(control + "/journal", params={"service": "nova"}).json()["calls"]

    assert [c["operation"] for c in calls] == ["create_server"]
    assert calls[0]["attributes"]["server_name"] == "journaled"
    assert requests.get(control + "/journal", params={"service": "nope"}).status_code == 400


def test_the_openapi_document_validates_and_lists_every_route(mimic_cloud):
    document = requests.get(mimic_cloud.base_url + "/mimic/openapi.json").json()

    validate(document)
    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    served = set()
    for rule in ControlService._url_map.iter_rules():
        path = "/mimic" + rule.rule.replace("<", "{").replace(">", "}")
        path = path.replace("{rule_id}", "{id}").replace("{name}", "{name}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((method, path))
    assert served <= documented, served - documented
    assert len(ROUTES) == len(documented)


def _serve(*args, env=None):
    return subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )


def _stop(proc):
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()


def test_serve_takes_settings_a_config_file_and_a_scenario(tmp_path):
    config = tmp_path / "mimic.toml"
    config.write_text(
        'scenarios = ["identity.rate_limited:retry_after=7"]\n'
        "[settings]\nserver_build_seconds = 30\ncheck_tokens = true\n"
    )
    proc = _serve(
        "--config",
        str(config),
        "--set",
        "check_tokens=false",
        "--scenario",
        "nova.create_fails:status=503",
    )
    try:
        base = proc.stdout.readline().split()[-1]
        settings = requests.get(base + "/mimic/v1.1/settings", timeout=10).json()["settings"]
        login = requests.post(
            base + "/identity/v2.0/tokens",
            json={"auth": {"passwordCredentials": {"username": "u", "password": "p"}}},
            timeout=10,
        )
        requests.post(base + "/mimic/v1.1/reset", timeout=10)
        after_reset = requests.post(
            base + "/identity/v2.0/tokens",
            json={"auth": {"passwordCredentials": {"username": "u", "password": "p"}}},
            timeout=10,
        )
        behaviors = requests.get(base + "/mimic/v1.1/behaviors", timeout=10).json()["behaviors"]
    finally:
        _stop(proc)

    assert settings["server_build_seconds"] == 30
    assert settings["check_tokens"] is False
    assert (login.status_code, login.headers["Retry-After"]) == (413, "7")
    assert after_reset.status_code == 413  # kept across resets
    assert {b["source"] for b in behaviors} >= {
        "scenario identity.rate_limited",
        "scenario nova.create_fails",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "server_build_second=5"], "did you mean 'server_build_seconds'"),
        (["--set", "check_tokens=perhaps"], "check_tokens: 'perhaps' is not true or false"),
        (["--set", "nonsense"], "expected NAME=VALUE"),
        (["--scenario", "nova.create_fail"], "did you mean 'nova.create_fails'"),
        (["--scenario", "nova.slow_build:second=3"], "did you mean 'seconds'"),
        (["--config", "/nonexistent.toml"], "--config /nonexistent.toml"),
    ],
)
def test_serve_refuses_bad_settings_and_scenarios_at_once(args, message):
    result = subprocess.run(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert message in result.stderr


def test_serve_prints_its_version():
    result = subprocess.run(
        [sys.executable, "-m", "pytest_mimic", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0
    assert result.stdout.startswith("pytest-mimic ")


def test_load_balancer_and_node_statuses_are_set_under_mimic(mimic_cloud, control):
    token = login(mimic_cloud).json()["access"]["token"]["id"]
    tenant = mimic_cloud.credentials.tenant_id
    region = mimic_cloud.region
    lbs = mimic_cloud.url("rax:load-balancer") + "/loadbalancers"
    body = {
        "loadBalancer": {
            "name": "web",
            "protocol": "HTTP",
            "port": 80,
            "virtualIps": [{"type": "PUBLIC"}],
            "nodes": [{"address": "10.0.0.1", "port": 80, "condition": "ENABLED"}],
        }
    }
    headers = {"X-Auth-Token": token}
    lb = requests.post(lbs, json=body, headers=headers).json()["loadBalancer"]
    node_id = lb["nodes"][0]["id"]
    where = f"{control}/clb/{region}/{tenant}/loadbalancers/{lb['id']}"

    errored = requests.patch(where + "/attributes", json={"status": "ERROR"})
    offline = requests.put(f"{where}/nodes/{node_id}/status", json={"status": "OFFLINE"})
    bad = requests.patch(where + "/attributes", json={"status": "SLEEPY"})
    missing = requests.patch(
        f"{control}/clb/{region}/{tenant}/loadbalancers/999999/attributes",
        json={"status": "ERROR"},
    )
    fetched = requests.get(f"{lbs}/{lb['id']}", headers=headers).json()["loadBalancer"]

    assert (errored.status_code, offline.status_code) == (204, 204)
    assert (bad.status_code, missing.status_code) == (400, 404)
    assert fetched["status"] == "ERROR"
    assert fetched["nodes"][0]["status"] == "OFFLINE"


def test_the_control_plane_of_a_standalone_server_end_to_end():
    """Against ``pytest-mimic serve`` in its own process, as another language would use it."""
    proc = _serve()
    try:
        base = proc.stdout.readline().split()[-1]
        mimic = base + "/mimic/v1.1"
        http = requests.Session()
        body = {
            "auth": {
                "passwordCredentials": {"username": "mimic-user", "password": "mimic-password"}
            }
        }
        access = http.post(base + "/identity/v2.0/tokens", json=body, timeout=10).json()
        token = access["access"]["token"]["id"]
        compute = next(
            e["endpoints"][0]["publicURL"]
            for e in access["access"]["serviceCatalog"]
            if e["type"] == "compute"
        )
        http.headers["X-Auth-Token"] = token

        def create(name):
            server = {"server": {"name": name, "imageRef": "i", "flavorRef": "2"}}
            return http.post(compute + "/servers", json=server, timeout=10)

        # settings and tick
        assert http.patch(mimic + "/settings", json={"server_build_seconds": 60}).ok
        built = create("slow").json()["server"]["id"]
        assert http.get(f"{compute}/servers/{built}").json()["server"]["status"] == "BUILD"
        assert http.post(mimic + "/tick", json={"amount": 60}).ok
        assert http.get(f"{compute}/servers/{built}").json()["server"]["status"] == "ACTIVE"
        # behaviours: register, fire in sequence, delete
        rule = http.post(
            mimic + "/behaviors/nova/create_server",
            json={
                "name": "sequence",
                "parameters": {
                    "behaviors": [
                        {"name": "fail", "parameters": {"code": 503}},
                        {"name": "default"},
                    ]
                },
            },
        ).json()["id"]
        assert [create("a").status_code, create("b").status_code] == [503, 202]
        assert http.delete(f"{mimic}/behaviors/nova/create_server/{rule}").status_code == 204
        # a scenario by name, then cleared
        assert http.post(mimic + "/scenarios/nova.quota_exceeded").status_code == 201
        assert create("c").status_code == 403
        assert http.delete(mimic + "/scenarios").ok
        # the next request override
        http.post(
            mimic + "/next/nova/create_server",
            headers={"X-Mimic-Next-Status": "429", "X-Mimic-Next-Body": "slow down"},
        )
        assert (create("d").status_code, create("e").status_code) == (429, 202)
        # the journal, then a reset
        journal = http.get(mimic + "/journal", params={"service": "nova"}).json()["calls"]
        assert [c["status"] for c in journal if c["operation"] == "create_server"] == [
            202,
            503,
            202,
            403,
            429,
            202,
        ]
        assert http.post(mimic + "/reset").status_code == 204
        assert http.get(mimic + "/journal").json()["calls"] == []
        assert http.get(mimic + "/settings").json()["settings"]["server_build_seconds"] == 0
    finally:
        _stop(proc)


def test_a_misspelt_service_under_the_control_plane_names_the_valid_ones(mimic_cloud, control):
    answer = requests.patch(
        control + "/clbb/ORD/100001/loadbalancers/1/attributes", json={"status": "ERROR"}
    )

    assert answer.status_code == 404
    assert "did you mean 'clb'" in answer.json()["itemNotFound"]["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/settings"),
        ("GET", "/scenarios"),
        ("GET", "/journal"),
        ("POST", "/tick"),  # a 400: no body
        ("GET", "/no-such-route"),
        ("PUT", "/clb/ORD/100001/loadbalancers/1/nodes/1/status"),  # the service's routes
    ],
)
def test_control_plane_json_ends_with_a_newline_for_the_prompt_after_curl(
    mimic_cloud, control, method, path
):
    answer = requests.request(method, control + path, timeout=10)

    assert answer.headers["Content-Type"] == "application/json"
    assert answer.text.endswith("}\n")
    assert int(answer.headers["Content-Length"]) == len(answer.content)
