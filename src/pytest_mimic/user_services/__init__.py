"""Your own services in the fake cloud: a file's app becomes a service named after the file.

A FastAPI ``router``, an ASGI ``app`` (FastAPI, Starlette), a WSGI ``app`` (Flask, Werkzeug,
any WSGI callable) or plain functions marked ``@route`` are served at ``/<name>/`` and at
``Host: <name>``, listed in the Identity catalog, journaled, and open to ``inject``,
``calls`` and the clock like the built-in services. ``Collection`` holds their state.

Plain Python, no pytest needed::

    with MimicCloud() as cloud:
        attach_folder(cloud, "fakes/")          # fakes/billing.py -> /billing/
        cloud.register(app_service("ledger", ledger_app))
"""

from __future__ import annotations

from pytest_mimic.user_services.collection import Collection, Item
from pytest_mimic.user_services.discovery import app_service
from pytest_mimic.user_services.errors import Conflict, NotFound, ServiceLoadError
from pytest_mimic.user_services.folder import ServicesFolder, attach_folder
from pytest_mimic.user_services.routes import RouteFunctions, json_object, route
from pytest_mimic.user_services.service import UnavailableService, UserService

__all__ = [
    "Collection",
    "Conflict",
    "Item",
    "NotFound",
    "RouteFunctions",
    "ServiceLoadError",
    "ServicesFolder",
    "UnavailableService",
    "UserService",
    "app_service",
    "attach_folder",
    "json_object",
    "route",
]
