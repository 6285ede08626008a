"""``Collection``: items by generated id, a 404 for unknown ones, a status read from the clock."""

from __future__ import annotations

import types

import pytest
import requests

from pytest_mimic.clock import Clock
from pytest_mimic.errors import ServiceError
from pytest_mimic.user_services import Collection, Conflict, NotFound, app_service, route


@pytest.fixture
def clock():
    clock = Clock()
    clock.freeze()
    return clock


def test_create_get_list_update_delete():
    things = Collection("things")

    first = things.create(name="a", tags=["x"])
    second = things.create(name="b")
    things.update(first["id"], name="A")

    assert things.get(first["id"]) == {"id": first["id"], "name": "A", "tags": ["x"]}
    assert [t["name"] for t in things.list()] == ["A", "b"]
    assert things.list(name="b") == [second]
    assert things.delete(second["id"]) == second
    assert second["id"] not in things
    assert len(things) == 1


def test_an_unknown_id_raises_a_404_service_error_naming_the_collection():
    things = Collection("things")

    with pytest.raises(NotFound) as caught:
        things.get("nope")

    assert isinstance(caught.value, ServiceError)
    assert caught.value.status == 404
    assert caught.value.message == "things: no item with id 'nope'."
    with pytest.raises(NotFound):
        things.delete("nope")
    with pytest.raises(NotFound):
        things.update("nope", name="x")


def test_a_given_id_is_used_and_a_taken_one_is_a_409():
    things = Collection("things")
    things.create(id="fixed", name="a")

    with pytest.raises(Conflict) as caught:
        things.create(id="fixed", name="b")

    assert caught.value.status == 409
    assert things.get("fixed")["name"] == "a"
    with pytest.raises(ServiceError, match="cannot change"):
        things.update("fixed", id="other")


def test_items_are_copied_in_and_out():
    things = Collection("things")
    tags = ["x"]
    item = things.create(tags=tags)

    tags.append("y")
    item["tags"].append("z")

    assert things.get(item["id"])["tags"] == ["x"]


def test_reset_forgets_every_item():
    things = Collection("things")
    things.create(name="a")

    things.reset()

    assert things.list() == []


def test_the_status_follows_the_clock_it_is_bound_to(clock):
    servers = Collection("servers", lifecycle=[("BUILD", 0), ("ACTIVE", 30)])
    servers.bind(clock.now)
    server = servers.create(name="web")

    assert server["status"] == "BUILD"
    clock.advance(29)
    assert servers.get(server["id"])["status"] == "BUILD"
    clock.advance(1)
    assert servers.get(server["id"])["status"] == "ACTIVE"


def test_a_status_given_holds_from_then_on(clock):
    servers = Collection("servers", lifecycle=[("BUILD", 0), ("ACTIVE", 30)])
    servers.bind(clock.now)
    broken = servers.create(name="broken", status="ERROR")
    stopped = servers.create(name="web")

    servers.update(stopped["id"], status="SHUTOFF")
    clock.advance(60)

    assert servers.get(broken["id"])["status"] == "ERROR"
    assert servers.get(stopped["id"])["status"] == "SHUTOFF"


@pytest.mark.parametrize(
    "lifecycle", [[], [("BUILD", 0), ("ACTIVE", -1)], [("A", 10), ("B", 5)], [("A", float("nan"))]]
)
def test_a_lifecycle_that_makes_no_sense_is_refused(lifecycle):
    with pytest.raises(ValueError, match="Collection 'servers'"):
        Collection("servers", lifecycle=lifecycle)


SERVERS = """
    from pytest_mimic.user_services import Collection, route

    servers = Collection("servers", lifecycle=[("BUILD", 0), ("ACTIVE", 30)])

    @route("/servers", methods=["POST"])
    def create_server(request):
        return servers.create(**request.json), 202

    @route("/servers/<server_id>")
    def get_server(request, server_id):
        return servers.get(server_id)
"""

FASTAPI_SERVERS = """
    from fastapi import FastAPI

    from pytest_mimic.user_services import Collection

    servers = Collection("servers")
    app = FastAPI()

    @app.get("/servers/{server_id}")
    def get_server(server_id: str):
        return servers.get(server_id)
"""

FLASK_SERVERS = """
    from flask import Flask

    from pytest_mimic.user_services import Collection

    servers = Collection("servers")
    app = Flask(__name__)

    @app.get("/servers/<server_id>")
    def get_server(server_id):
        return servers.get(server_id)
"""


def test_a_services_collection_reads_the_clouds_clock_and_resets_with_it(write, serve, cloud):
    write("compute", SERVERS)
    _folder, base = serve()
    created = requests.post(f"{base}/compute/servers", json={"name": "web"}, timeout=5).json()
    url = f"{base}/compute/servers/{created['id']}"

    assert requests.get(url, timeout=5).json()["status"] == "BUILD"
    cloud.clock.advance(30)
    assert requests.get(url, timeout=5).json()["status"] == "ACTIVE"
    assert cloud.service("compute").state() == {"servers": [requests.get(url, timeout=5).json()]}

    cloud.reset()
    missing = requests.get(url, timeout=5)
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == f"servers: no item with id {created['id']!r}."


@pytest.mark.parametrize("source", [FASTAPI_SERVERS, FLASK_SERVERS], ids=["fastapi", "flask"])
def test_a_missing_item_is_a_json_404_in_framework_apps_too(write, serve, source):
    write("compute", source)
    _folder, base = serve()

    missing = requests.get(f"{base}/compute/servers/nope", timeout=5)

    assert missing.status_code == 404
    assert missing.json() == {"error": {"message": "servers: no item with id 'nope'.", "code": 404}}


def test_items_created_before_binding_are_the_seed_a_reset_goes_back_to(clock):
    regions = Collection("regions")
    regions.create(id="ORD", name="Chicago")
    regions.bind(clock.now)
    regions.create(id="IAD", name="Virginia")
    regions.update("ORD", name="changed")

    regions.reset()

    assert regions.list() == [{"id": "ORD", "name": "Chicago"}]


def test_a_module_registered_again_starts_from_its_seed(cloud):
    module = types.ModuleType("seeded")
    module.things = Collection("things")
    module.things.create(id="seed")

    @route("/things")
    def list_things(request):
        return module.things.list()

    module.list_things = list_things
    cloud.register(app_service("things", module))
    module.things.create(id="left-over")
    cloud.unregister("things")

    cloud.register(app_service("things", module))

    assert requests.get(cloud.base_url + "/things/things", timeout=5).json() == [{"id": "seed"}]
