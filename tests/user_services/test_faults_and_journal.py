"""Users' services meet the fault engine and the journal like the built-in ones."""

from __future__ import annotations

import pytest
import requests

from pytest_mimic.names import UnknownName

BILLING = """
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/invoices/{invoice_id}")
    def get_invoice(invoice_id: int):
        return {"id": invoice_id}

    @router.get("/invoices")
    def list_invoices():
        return []
"""

SHOP = """
    from flask import Flask

    app = Flask(__name__)

    @app.get("/orders/<int:order_id>")
    def get_order(order_id):
        return {"id": order_id}
"""

ECHO = """
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
"""


@pytest.fixture
def base(write, serve):
    write("billing", BILLING)
    write("shop", SHOP)
    write("echo", ECHO)
    _folder, url = serve()
    return url


def test_an_injected_fault_on_an_endpoint_answers_in_the_json_error_shape(cloud, base):
    cloud.inject("billing", "get_invoice", status=503)

    failed = requests.get(f"{base}/billing/invoices/7", timeout=5)
    listed = requests.get(f"{base}/billing/invoices", timeout=5)

    assert failed.status_code == 503
    assert failed.json() == {"error": {"message": "Injected fault: HTTP 503.", "code": 503}}
    assert listed.status_code == 200
    (call,) = cloud.calls("billing", "get_invoice")
    assert call.fault is not None


def test_a_fault_can_match_a_path_parameter(cloud, base):
    cloud.inject("shop", "get_order", status=500, message="disk full", order_id=13)

    unlucky = requests.get(f"{base}/shop/orders/13", timeout=5)
    fine = requests.get(f"{base}/shop/orders/12", timeout=5)

    assert unlucky.status_code == 500
    assert unlucky.json()["error"]["message"] == "disk full"
    assert fine.status_code == 200


def test_a_fault_on_an_app_without_routes_uses_the_method_and_path_template(cloud, base):
    cloud.inject("echo", "GET /items/{id}", status=429)

    assert requests.get(f"{base}/echo/items/7", timeout=5).status_code == 429
    assert requests.get(f"{base}/echo/items", timeout=5).status_code == 200
    assert [c.operation for c in cloud.calls("echo")] == ["GET /items/{id}", "GET /items"]


def test_a_misspelt_operation_is_refused_with_a_suggestion(cloud, base):
    with pytest.raises(
        UnknownName, match=r"no operation 'get_invoise' \(did you mean 'get_invoice'"
    ):
        cloud.inject("billing", "get_invoise", status=503)
    with pytest.raises(UnknownName, match=r"did you mean 'get_order'"):
        cloud.calls("shop", "get_ordr")


def test_a_misspelt_attribute_is_refused_with_a_suggestion(cloud, base):
    with pytest.raises(
        UnknownName, match=r"no request attribute 'order' \(did you mean 'order_id'"
    ):
        cloud.inject("shop", "get_order", status=503, order=1)
