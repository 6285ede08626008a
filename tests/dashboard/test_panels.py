"""Each service's panel, contributed through the service contract, with state made by real
clients; and the panel shape itself."""

from __future__ import annotations

from typing import Any, ClassVar

import boto3
import pytest
import requests

from pytest_mimic.cloud import MimicCloud
from pytest_mimic.panel import ROW_LIMIT, Panel, Rows, countdown
from pytest_mimic.services.base import RoutedService
from pytest_mimic.services.lifecycle import Timeline


def _panels(cloud):
    state = requests.get(f"{cloud.dashboard_url}/api/state", timeout=5).json()
    return {panel["service"]: panel for panel in state["panels"]}


def _section(panel, title):
    (section,) = [s for s in panel["sections"] if s["title"] == title]
    return [dict(zip(section["columns"], row, strict=True)) for row in section["rows"]]


def _token(cloud):
    creds = cloud.credentials
    secret = {"username": creds.username, "password": creds.password}
    answer = requests.post(
        f"{cloud.auth_url}/tokens", json={"auth": {"passwordCredentials": secret}}, timeout=5
    )
    return {"X-Auth-Token": answer.json()["access"]["token"]["id"]}


def test_identity_shows_users_their_tenants_and_valid_tokens(mimic_cloud):
    mimic_cloud.service("identity").add_user("alice", password="pw", tenant_id="777")
    _token(mimic_cloud)

    panel = _panels(mimic_cloud)["identity"]

    users = {user["username"]: user for user in _section(panel, "users")}
    assert users["alice"]["tenants"] == "777"
    assert users["alice"]["api key"] is False
    assert {"id": "777", "name": "777"} in _section(panel, "tenants")
    assert dict(panel["facts"])["valid tokens"] == 1


def test_nova_shows_status_flavor_image_and_time_to_the_next_status(mimic_cloud, time_travel):
    body = {
        "server": {
            "name": "web-1",
            "imageRef": "any-image",
            "flavorRef": "2",
            "metadata": {"server_building": "300"},
        }
    }
    url = mimic_cloud.url("compute") + "/servers"
    assert requests.post(url, json=body, headers=_token(mimic_cloud), timeout=5).ok
    time_travel.freeze()

    (server,) = _section(_panels(mimic_cloud)["nova"], "servers")
    assert (server["name"], server["status"], server["next"]) == ("web-1", "BUILD", "ACTIVE in 5m")
    assert server["flavor"] == "512MB Standard Instance"
    assert server["image"] == "Image any-image"

    time_travel.advance(301)
    (server,) = _section(_panels(mimic_cloud)["nova"], "servers")
    assert (server["status"], server["next"]) == ("ACTIVE", "")


def test_the_image_service_shows_a_snapshot_saving_then_active(mimic_cloud, time_travel):
    mimic_cloud.configure(image_snapshot_seconds=120)
    headers = _token(mimic_cloud)
    servers = mimic_cloud.url("compute") + "/servers"
    body = {"server": {"name": "web-1", "imageRef": "any-image", "flavorRef": "2"}}
    server = requests.post(servers, json=body, headers=headers, timeout=5).json()["server"]
    time_travel.freeze()
    time_travel.advance(600)
    action = {"createImage": {"name": "web-1-snap"}}
    answer = requests.post(
        f"{servers}/{server['id']}/action", json=action, headers=headers, timeout=5
    )
    assert answer.status_code == 202, answer.text
    assert "images" not in {s["title"] for s in _panels(mimic_cloud)["nova"]["sections"]}

    (image,) = _section(_panels(mimic_cloud)["image"], "images")
    assert (image["name"], image["server"]) == ("web-1-snap", server["id"])
    assert image["status"] in ("queued", "saving")
    time_travel.advance(121)
    (image,) = _section(_panels(mimic_cloud)["image"], "images")
    assert image["status"] == "active"


def test_load_balancers_show_their_nodes_condition_and_status(mimic_cloud):
    url = mimic_cloud.url("rax:load-balancer") + "/loadbalancers"
    nodes = [
        {"address": "10.0.0.1", "port": 80, "condition": "ENABLED"},
        {"address": "10.0.0.2", "port": 8080, "condition": "DISABLED"},
    ]
    body = {
        "loadBalancer": {
            "name": "front",
            "protocol": "HTTP",
            "port": 80,
            "virtualIps": [{"type": "PUBLIC"}],
            "nodes": nodes,
        }
    }
    assert requests.post(url, json=body, headers=_token(mimic_cloud), timeout=5).status_code == 202

    (lb,) = _section(_panels(mimic_cloud)["clb"], "load balancers")

    assert lb["name"] == "front"
    assert lb["protocol"] == "HTTP:80"
    shown = [dict(zip(lb["nodes"]["columns"], r, strict=True)) for r in lb["nodes"]["rows"]]
    assert [(n["address"], n["port"], n["condition"]) for n in shown] == [
        ("10.0.0.1", 80, "ENABLED"),
        ("10.0.0.2", 8080, "DISABLED"),
    ]
    assert all(n["status"] in {"ONLINE", "OFFLINE"} for n in shown)


def test_queues_show_depth_in_flight_delayed_and_the_head(mimic_cloud):
    sqs = boto3.client("sqs", endpoint_url=mimic_cloud.url("sqs"))
    queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    for body in ("first", "second"):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    sqs.send_message(QueueUrl=queue, MessageBody="later", DelaySeconds=60)
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)

    (shown,) = _section(_panels(mimic_cloud)["sqs"], "queues")

    assert (shown["name"], shown["messages"], shown["in flight"], shown["delayed"]) == (
        "jobs",
        1,
        1,
        1,
    )
    head = [dict(zip(shown["head"]["columns"], r, strict=True)) for r in shown["head"]["rows"]]
    assert [(m["body"], m["receives"]) for m in head] == [("first", 1), ("second", 0), ("later", 0)]


def test_an_own_service_shows_what_its_collections_hold(mimic_cloud):
    url = mimic_cloud.url("servers") + "/servers"
    requests.post(url, json={"name": "<i>mine</i>"}, timeout=5)

    (item,) = _section(_panels(mimic_cloud)["servers"], "servers")

    assert (item["name"], item["status"]) == ("<i>mine</i>", "BUILD")


def test_services_with_nothing_to_show_have_no_panel(mimic_cloud):
    assert not {"mimic", "dashboard", "external"} & set(_panels(mimic_cloud))


class _Broken(RoutedService):
    name: ClassVar[str] = "broken"
    prefix: ClassVar[str] = "/broken"

    def state(self) -> dict[str, Any]:
        raise RuntimeError("no state today")


def test_a_panel_that_fails_shows_why_and_the_others_still_show():
    """A looker must not fail a test: the failure is shown, not recorded as a server error."""
    with MimicCloud(services=[_Broken]) as cloud, cloud.test():
        answer = requests.get(f"{cloud.dashboard_url}/api/state", timeout=5)
        assert answer.status_code == 200
        (panel,) = answer.json()["panels"]
        assert panel["service"] == "broken"
        assert "RuntimeError: no state today" in dict(panel["facts"])["panel failed"]


def test_a_long_list_is_cut_and_says_how_long_it_is():
    panel = Panel.of({"items": [{"n": n} for n in range(ROW_LIMIT + 50)], "count": 3})

    (section,) = panel.sections
    assert (len(section.rows), section.total) == (ROW_LIMIT, ROW_LIMIT + 50)
    assert panel.facts == (("count", 3),)


def test_rows_tell_their_total_and_nested_lists_become_tables():
    panel = Panel.of({"lbs": Rows([{"name": "a", "nodes": Rows([{"ip": "x"}], 9)}], 40)})

    (section,) = panel.json()["sections"]
    assert section["total"] == 40
    assert section["rows"] == [["a", {"columns": ["ip"], "rows": [["x"]], "total": 9}]]


def test_values_json_cannot_carry_become_text():
    panel = Panel.of({"odd": [{"when": object, "big": float("inf"), "tags": ["a", "b"]}]})

    ((_, big, tags),) = panel.json()["sections"][0]["rows"]
    assert (big, tags) == ("inf", "a, b")
    assert panel.json()["sections"][0]["rows"][0][0] == "<class 'object'>"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (0.2, "1s"),
        (59, "59s"),
        (300, "5m"),
        (330, "5m 30s"),
        (3600, "1h 0m"),
        (90061, "1d 1h"),
    ],
)
def test_countdown_reads_like_a_person_would_say_it(seconds, text):
    assert countdown(seconds) == text


def test_a_timeline_names_its_next_change():
    timeline = Timeline.starting(10.0, "BUILD")
    timeline.set(40.0, "ACTIVE")

    assert timeline.next_change(10.0) == (40.0, "ACTIVE")
    assert timeline.next_change(40.0) is None
