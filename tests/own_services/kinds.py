"""One file of each kind a services folder takes, as text the tests write into a folder."""

from __future__ import annotations

FASTAPI_ROUTER = """
from fastapi import APIRouter

router = APIRouter()


@router.get("/invoices/{invoice_id}")
def get_invoice(invoice_id: int):
    return {"id": invoice_id, "kind": "fastapi-router"}
"""

FASTAPI_APP = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/invoices/{invoice_id}")
def get_invoice(invoice_id: int):
    return {"id": invoice_id, "kind": "fastapi-app"}
"""

FLASK_APP = """
from flask import Flask

app = Flask(__name__)


@app.get("/invoices/<int:invoice_id>")
def get_invoice(invoice_id):
    return {"id": invoice_id, "kind": "flask"}
"""

PLAIN_WSGI = """
import json


def app(environ, start_response):
    invoice_id = int(environ["PATH_INFO"].rsplit("/", 1)[-1])
    body = json.dumps({"id": invoice_id, "kind": "wsgi"}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
"""

ROUTE_FUNCTIONS = """
from pytest_mimic.user_services import route


@route("/invoices/<int:invoice_id>")
def get_invoice(request, invoice_id):
    return {"id": invoice_id, "kind": "routes"}
"""

#: service name -> (file text, operation name of GET /invoices/7)
KINDS = {
    "router": (FASTAPI_ROUTER, "get_invoice"),
    "fastapp": (FASTAPI_APP, "get_invoice"),
    "flaskapp": (FLASK_APP, "get_invoice"),
    "plainwsgi": (PLAIN_WSGI, "GET /invoices/{id}"),
    "functions": (ROUTE_FUNCTIONS, "get_invoice"),
}
#: What each kind answers in "kind".
ANSWERS = {
    "router": "fastapi-router",
    "fastapp": "fastapi-app",
    "flaskapp": "flask",
    "plainwsgi": "wsgi",
    "functions": "routes",
}


def write_folder(folder) -> None:
    """Every kind into ``folder``, one file each."""
    for name, (text, _operation) in KINDS.items():
        (folder / f"{name}.py").write_text(text, encoding="utf-8")
