"""Each kind of service file is served, named and answers errors in one JSON shape."""

from __future__ import annotations

import textwrap

import pytest
import requests

from pytest_mimic.cloud import MimicServerError

FASTAPI_ROUTER = """
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/invoices/{invoice_id}")
    def get_invoice(invoice_id: int):
        return {"id": invoice_id}

    @router.post("/invoices")
    def create_invoice(invoice: dict):
        return {"created": invoice}
"""

FASTAPI_APP = """
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/accounts/{account_id}")
    async def get_account(account_id: str):
        return {"account": account_id}
"""

STARLETTE_APP = """
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def show_user(request):
        return JSONResponse({"user": request.path_params["user_id"]})

    app = Starlette(routes=[Route("/users/{user_id:int}", show_user)])
"""

FLASK_APP = """
    from flask import Flask, request

    app = Flask(__name__)

    @app.get("/orders/<int:order_id>")
    def get_order(order_id):
        return {"id": order_id}

    @app.post("/orders")
    def create_order():
        return {"created": request.get_json()}, 201
"""

WSGI_CALLABLE = """
    def app(environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Path", environ["PATH_INFO"])])
        return [b"echo:", body]
"""

ROUTE_FUNCTIONS = """
    from werkzeug.wrappers import Response

    from pytest_mimic.user_services import route

    @route("/invoices/<int:invoice_id>", methods=["GET"])
    def get_invoice(request, invoice_id):
        return {"id": invoice_id}

    @route("/invoices", methods=["POST"])
    def create_invoice(request):
        return {"created": request.json}, 201, {"Location": "/invoices/1"}

    @route("/ping")
    def ping(request):
        return "pong"

    @route("/nothing", methods=["DELETE"])
    def nothing(request):
        return None

    @route("/raw")
    def raw(request):
        return Response(b"<xml/>", status=202, content_type="application/xml")
"""


def test_a_fastapi_router_file_runs_unchanged(write, serve, cloud):
    write("billing", FASTAPI_ROUTER)
    _folder, base = serve()

    got = requests.get(f"{base}/billing/invoices/7", timeout=5)
    created = requests.post(f"{base}/billing/invoices", json={"total": 3}, timeout=5)

    assert (got.status_code, got.json()) == (200, {"id": 7})
    assert (created.status_code, created.json()) == (200, {"created": {"total": 3}})
    assert [(c.operation, c.attributes.get("invoice_id")) for c in cloud.calls("billing")] == [
        ("get_invoice", "7"),
        ("create_invoice", None),
    ]


def test_a_fastapi_app_is_served_through_asgi(write, serve, cloud):
    write("accounts", FASTAPI_APP)
    _folder, base = serve()

    response = requests.get(f"{base}/accounts/accounts/a-1", timeout=5)

    assert response.json() == {"account": "a-1"}
    assert cloud.assert_called("accounts", "get_account", account_id="a-1", method="GET")


def test_a_starlette_app_is_named_by_its_routes(write, serve, cloud):
    write("users", STARLETTE_APP)
    _folder, base = serve()

    assert requests.get(f"{base}/users/users/42", timeout=5).json() == {"user": 42}
    assert cloud.calls("users", "show_user", user_id=42)
    assert cloud.service("users").operation_names() == {"show_user"}


def test_a_flask_app_is_named_by_its_endpoints_and_gets_the_body(write, serve, cloud):
    write("shop", FLASK_APP)
    _folder, base = serve()

    got = requests.get(f"{base}/shop/orders/3", timeout=5)
    created = requests.post(f"{base}/shop/orders", json={"sku": "x"}, timeout=5)

    assert got.json() == {"id": 3}
    assert (created.status_code, created.json()) == (201, {"created": {"sku": "x"}})
    assert [c.operation for c in cloud.calls("shop")] == ["get_order", "create_order"]
    assert cloud.calls("shop", "get_order", order_id=3)


def test_a_plain_wsgi_callable_is_named_method_and_path_template(write, serve, cloud):
    write("echo", WSGI_CALLABLE)
    _folder, base = serve()

    response = requests.post(
        f"{base}/echo/things/12/parts/0b5f3b36-8a4e-4a4e-9bb5-6f2c1d7e3a10?x=1",
        data=b"hello",
        timeout=5,
    )

    assert response.content == b"echo:hello"
    assert response.headers["X-Path"] == "/things/12/parts/0b5f3b36-8a4e-4a4e-9bb5-6f2c1d7e3a10"
    (call,) = cloud.calls("echo")
    assert call.operation == "POST /things/{id}/parts/{id}"
    assert call.attributes["query"] == "x=1"
    assert cloud.service("echo").operation_names() is None


def test_route_functions_answer_what_they_return(write, serve, cloud):
    write("ledger", ROUTE_FUNCTIONS)
    _folder, base = serve()

    got = requests.get(f"{base}/ledger/invoices/7", timeout=5)
    created = requests.post(f"{base}/ledger/invoices", json={"total": 3}, timeout=5)
    ping = requests.get(f"{base}/ledger/ping", timeout=5)
    nothing = requests.delete(f"{base}/ledger/nothing", timeout=5)
    raw = requests.get(f"{base}/ledger/raw", timeout=5)

    assert (got.status_code, got.json()) == (200, {"id": 7})
    assert (created.status_code, created.json()) == (201, {"created": {"total": 3}})
    assert created.headers["Location"] == "/invoices/1"
    assert (ping.text, ping.headers["Content-Type"]) == ("pong", "text/plain; charset=utf-8")
    assert (nothing.status_code, nothing.content) == (204, b"")
    assert (raw.status_code, raw.content) == (202, b"<xml/>")
    assert [c.operation for c in cloud.calls("ledger")] == [
        "get_invoice",
        "create_invoice",
        "ping",
        "nothing",
        "raw",
    ]


def test_route_functions_answer_unknown_paths_404_and_wrong_methods_405(write, serve, cloud):
    write("ledger", ROUTE_FUNCTIONS)
    _folder, base = serve()

    missing = requests.get(f"{base}/ledger/receipts", timeout=5)
    wrong = requests.put(f"{base}/ledger/invoices/7", timeout=5)

    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == 404
    assert wrong.status_code == 405
    assert wrong.json() == {
        "error": {"message": "The method PUT is not allowed for /invoices/7.", "code": 405}
    }
    assert wrong.headers["Allow"] == "GET, HEAD"
    assert [c.operation for c in cloud.calls("ledger")] == ["unknown", "unknown"]


def test_a_service_answers_at_its_host_name_too(write, serve):
    write("ledger", ROUTE_FUNCTIONS)
    _folder, base = serve()

    response = requests.get(f"{base}/invoices/7", headers={"Host": "ledger"}, timeout=5)

    assert response.json() == {"id": 7}


def test_a_service_is_in_the_catalog_under_its_declared_type(write, serve, cloud):
    declared = "catalog_type = 'accounting'\ncatalog_name = 'Ledger'\n"
    write("ledger", textwrap.dedent(ROUTE_FUNCTIONS) + declared)
    write("shop", FLASK_APP)
    serve()

    (ledger,) = cloud.service("ledger").catalog_entries()
    (shop,) = cloud.service("shop").catalog_entries()

    assert (ledger.type, ledger.name, ledger.path) == ("accounting", "Ledger", "/ledger")
    assert (shop.type, shop.name, shop.path) == ("shop", "shop", "/shop")
    assert cloud.url("accounting") == cloud.base_url + "/ledger"
    assert cloud.service("accounting") is cloud.service("ledger")


def test_operations_and_attributes_come_from_the_route_table(write, serve, cloud):
    write("billing", FASTAPI_ROUTER)
    write("shop", FLASK_APP)
    write("ledger", ROUTE_FUNCTIONS)
    serve()

    assert {"get_invoice", "create_invoice"} <= cloud.service("billing").operation_names()
    assert cloud.service("shop").operation_names() >= {"get_order", "create_order"}
    assert cloud.service("ledger").operation_names() == {
        "get_invoice",
        "create_invoice",
        "ping",
        "nothing",
        "raw",
    }
    assert cloud.service("ledger").attribute_names() == {"method", "path", "query", "invoice_id"}
    assert cloud.service("billing").attribute_names() == {"method", "path", "query", "invoice_id"}


FAILING_FLASK = """
    from flask import Flask

    app = Flask(__name__)

    @app.get("/boom")
    def boom():
        raise KeyError("flask-bug")
"""

FAILING_FASTAPI = """
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/boom")
    def boom():
        raise KeyError("fastapi-bug")
"""


@pytest.mark.parametrize(
    ("source", "bug"), [(FAILING_FLASK, "flask-bug"), (FAILING_FASTAPI, "fastapi-bug")]
)
def test_an_exception_in_the_users_app_fails_the_test_with_its_traceback(
    write, serve, cloud, source, bug
):
    write("buggy", source)
    _folder, base = serve()

    response = requests.get(f"{base}/buggy/boom", timeout=5)

    assert response.status_code == 500
    assert response.json()["error"]["code"] == 500
    with pytest.raises(MimicServerError, match=bug):
        cloud.check()


def test_a_file_may_declare_scenarios_that_the_cloud_activates(write, serve, cloud):
    write(
        "ledger",
        textwrap.dedent(ROUTE_FUNCTIONS)
        + textwrap.dedent(
            """
            from pytest_mimic.faults import FaultRule, Respond
            from pytest_mimic.scenarios import Scenario, Setup

            def _ledger_down():
                return Setup(rules=[FaultRule(action=Respond(503), service="ledger")])

            scenarios = [Scenario("ledger_down", "the ledger is down", _ledger_down)]
            """
        ),
    )
    _folder, base = serve()

    cloud.activate("ledger_down")

    assert requests.get(f"{base}/ledger/ping", timeout=5).status_code == 503


def test_route_functions_and_flask_apps_expose_their_werkzeug_route_table(write, serve, cloud):
    write("ledger", ROUTE_FUNCTIONS)
    write("shop", FLASK_APP)
    write("billing", FASTAPI_ROUTER)
    serve()

    rules = {rule.rule for rule in cloud.service("ledger").url_map.iter_rules()}
    assert "/invoices/<int:invoice_id>" in rules
    assert cloud.service("shop").url_map is not None
    assert cloud.service("billing").url_map is None
