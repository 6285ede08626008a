"""``app_service``: a service from an app or a module registered in Python, for one test."""

from __future__ import annotations

import sys
import textwrap
import types

import pytest
import requests
from fastapi import APIRouter, FastAPI
from flask import Flask

from pytest_mimic.user_services import (
    Collection,
    ServiceLoadError,
    UserService,
    app_service,
    route,
)


def fastapi_app():
    app = FastAPI()

    @app.get("/invoices/{invoice_id}")
    def get_invoice(invoice_id: int):
        return {"id": invoice_id}

    return app


def module_from(source, name="fake_module"):
    module = types.ModuleType(name)
    exec(compile(textwrap.dedent(source), f"<{name}>", "exec"), vars(module))
    return module


def test_an_app_registered_in_a_test_is_served_until_unregistered(cloud):
    service = cloud.register(app_service("billing", fastapi_app()))
    url = cloud.base_url + "/billing/invoices/7"

    assert isinstance(service, UserService)
    assert requests.get(url, timeout=5).json() == {"id": 7}
    assert cloud.calls("billing", "get_invoice", invoice_id="7")

    cloud.unregister("billing")
    assert requests.get(url, timeout=5).status_code == 404


def test_a_router_a_flask_app_and_a_wsgi_callable_register_alike(cloud):
    router = APIRouter()
    router.add_api_route("/ping", lambda: {"from": "router"}, name="ping")
    flask_app = Flask("shop")
    flask_app.add_url_rule("/ping", "ping", lambda: {"from": "flask"})

    def wsgi_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"from": "wsgi"}']

    for name, app in [("r", router), ("f", flask_app), ("w", wsgi_app)]:
        cloud.register(app_service(name, app))

    answers = [requests.get(f"{cloud.base_url}/{n}/ping", timeout=5).json() for n in "rfw"]
    assert answers == [{"from": "router"}, {"from": "flask"}, {"from": "wsgi"}]
    assert [c.operation for c in cloud.calls()] == ["ping", "ping", "GET /ping"]


def test_a_module_brings_its_route_functions_collections_and_reset(cloud):
    module = module_from(
        """
        from pytest_mimic.user_services import Collection, route

        notes = Collection("notes")
        resets = []

        @route("/notes", methods=["POST"])
        def add_note(request):
            return notes.create(**request.json), 201

        def reset():
            resets.append(True)
        """
    )
    cloud.register(app_service("notes", module, catalog_type="memo"))
    requests.post(cloud.base_url + "/notes/notes", json={"text": "a"}, timeout=5)
    resets_before = len(module.resets)

    cloud.reset()

    assert len(module.notes) == 0
    assert len(module.resets) == resets_before + 1
    assert cloud.url("memo") == cloud.base_url + "/notes"


def test_collections_given_to_an_app_are_bound_and_reset(cloud):
    things = Collection("things", lifecycle=[("NEW", 0), ("OLD", 10)])
    app = Flask("things")
    app.add_url_rule("/things/<thing_id>", "get_thing", lambda thing_id: things.get(thing_id))
    cloud.register(app_service("things", app, collections=[things]))
    cloud.clock.freeze()
    item = things.create()

    cloud.clock.advance(10)
    assert requests.get(f"{cloud.base_url}/things/things/{item['id']}", timeout=5).json() == {
        "id": item["id"],
        "status": "OLD",
    }
    cloud.reset()
    assert len(things) == 0


def test_a_module_without_an_app_is_refused_clearly():
    with pytest.raises(ServiceLoadError, match=r"defines no FastAPI `router`"):
        app_service("empty", module_from("VALUE = 1\n"))


@pytest.mark.parametrize("name", ["", "_private", "a/b", "has space", 7])
def test_a_name_that_cannot_be_a_prefix_is_refused(name):
    with pytest.raises(ValueError, match="a service name must be"):
        app_service(name, fastapi_app())


def test_an_asgi_app_without_a2wsgi_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "a2wsgi", None)

    with pytest.raises(ServiceLoadError, match=r"pip install 'pytest-mimic-cloud\[fastapi\]'"):
        app_service("billing", fastapi_app())


def test_two_route_functions_naming_one_operation_are_refused():
    @route("/a", operation="same")
    def first(request):
        return {}

    @route("/b", operation="same")
    def second(request):
        return {}

    module = types.ModuleType("clash")
    module.first, module.second = first, second
    with pytest.raises(ValueError, match="two route functions name the operation 'same'"):
        app_service("clash", module)


def test_a_route_function_returning_something_odd_fails_the_test_with_a_clear_error(cloud):
    module = module_from(
        """
        from pytest_mimic.user_services import route

        @route("/odd")
        def odd(request):
            return 42
        """
    )
    cloud.register(app_service("odd", module))

    assert requests.get(cloud.base_url + "/odd/odd", timeout=5).status_code == 500
    with pytest.raises(AssertionError, match="route function odd returned int 42"):
        cloud.check()


def test_a_route_named_reset_is_a_route_not_the_reset_hook(cloud):
    module = module_from(
        """
        from pytest_mimic.user_services import route

        @route("/reset", methods=["POST"])
        def reset(request):
            return {"reset": True}
        """
    )
    cloud.register(app_service("admin", module))

    cloud.reset()

    assert requests.post(cloud.base_url + "/admin/reset", timeout=5).json() == {"reset": True}
