"""How to: a stateful fake of your own service, next to the built-in ones (README example).

``services/servers.py`` holds the fake. This project's ini says
``mimic_services_dir = "tests/examples/services"``, so every test's ``mimic_cloud`` serves it
at ``/servers/``, lists it in the catalog, and empties it before each test.
"""

from __future__ import annotations

import requests


def test_servers_build_then_become_active_without_waiting(mimic_cloud, time_travel):
    base = mimic_cloud.url("servers") + "/servers"
    created = requests.post(base, json={"name": "web-1"}, timeout=5)
    server = created.json()["server"]
    assert (created.status_code, server["status"]) == (202, "BUILD")

    time_travel.advance(30)  # no real waiting
    assert requests.get(f"{base}/{server['id']}", timeout=5).json() == {
        "server": {"id": server["id"], "name": "web-1", "status": "ACTIVE"}
    }
    active = requests.get(base, params={"status": "ACTIVE"}, timeout=5)
    assert [s["name"] for s in active.json()["servers"]] == ["web-1"]

    assert requests.delete(f"{base}/{server['id']}", timeout=5).status_code == 204
    gone = requests.get(f"{base}/{server['id']}", timeout=5)
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, 404)
    assert [c.operation for c in mimic_cloud.calls("servers")] == [
        "create_server",
        "get_server",
        "list_servers",
        "delete_server",
        "get_server",
    ]


def test_your_service_fails_on_demand(mimic_cloud):
    base = mimic_cloud.url("servers") + "/servers"
    mimic_cloud.inject("servers", "create_server", status=503, times=1)

    first = requests.post(base, json={"name": "web-1"}, timeout=5)
    second = requests.post(base, json={"name": "web-1"}, timeout=5)

    assert first.status_code == 503
    assert first.json() == {"error": {"message": "Injected fault: HTTP 503.", "code": 503}}
    assert second.status_code == 202


def test_a_body_that_is_not_a_json_object_is_a_400(mimic_cloud):
    answer = requests.post(mimic_cloud.url("servers") + "/servers", json=["web-1"], timeout=5)

    assert answer.status_code == 400
    assert "expected an object" in answer.json()["error"]["message"]


def test_each_test_starts_with_no_servers(mimic_cloud):
    listed = requests.get(mimic_cloud.url("servers") + "/servers", timeout=5)

    assert listed.json() == {"servers": []}
