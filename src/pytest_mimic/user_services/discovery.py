"""From what a user wrote (a module, an app, a router) to the parts of a service.

A module offers, in this order of preference, a FastAPI ``router``, an ``app`` (ASGI or
WSGI) or ``@route`` functions; it may also declare ``catalog_type``, ``catalog_name``,
``scenarios``, ``behaviors`` and a ``reset()`` function, and its module-level
``Collection`` objects are bound to the cloud's clock and emptied before every test.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from werkzeug.routing import Map

from pytest_mimic.user_services.asgi import (
    as_wsgi,
    handle_service_errors,
    is_asgi_app,
    is_fastapi_router,
    router_app,
)
from pytest_mimic.user_services.collection import Collection
from pytest_mimic.user_services.errors import ServiceLoadError
from pytest_mimic.user_services.operations import PathTemplates, StarletteRoutes, WerkzeugRoutes
from pytest_mimic.user_services.routes import RouteFunctions, route_functions
from pytest_mimic.user_services.service import ServiceParts
from pytest_mimic.user_services.wsgi import WSGIResponder, prepare_flask_app

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from werkzeug.wrappers import Request, Response

    from pytest_mimic.user_services.operations import Matcher
    from pytest_mimic.user_services.service import ServiceFactory

__all__ = ["SERVICE_NAME", "app_service", "check_name", "parts_from_app", "parts_from_module"]

SERVICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def check_name(name: str) -> str:
    """``name`` if it can be a path prefix and a host name; a ``ValueError`` otherwise."""
    if not isinstance(name, str) or not SERVICE_NAME.fullmatch(name):
        raise ValueError(
            f"a service name must be letters, digits, '_', '.' or '-' (not starting with "
            f"'_', '.' or '-'), not {name!r}"
        )
    return name


def app_service(
    name: str,
    app_or_module: Any,
    *,
    catalog_type: str | None = None,
    catalog_name: str | None = None,
    collections: Iterable[Collection] = (),
) -> ServiceFactory:
    """A factory for ``MimicCloud.register``: ``app_or_module`` served as the service ``name``.

    ``app_or_module`` is a module (found as a services-folder file would be), a FastAPI
    ``APIRouter``, an ASGI app or a WSGI app. ``collections`` are bound and reset with the
    service (a module's own are found without being listed).
    """
    check_name(name)
    if isinstance(app_or_module, ModuleType):
        parts = parts_from_module(name, app_or_module, catalog_type=catalog_type)
    else:
        parts = parts_from_app(name, app_or_module, catalog_type=catalog_type)
    extra = tuple(c for c in collections if c not in parts.collections)
    if catalog_name is not None or extra:
        parts = dataclasses.replace(
            parts,
            catalog_name=catalog_name or parts.catalog_name,
            collections=(*parts.collections, *extra),
        )
    return parts.factory()


def parts_from_module(
    name: str, module: ModuleType, *, catalog_type: str | None = None
) -> ServiceParts:
    """The service a module defines (see the module docstring); ``ServiceLoadError`` if none."""
    namespace = vars(module)
    where = getattr(module, "__file__", None) or module.__name__
    router = namespace.get("router")
    app = namespace.get("app")
    if router is not None and is_fastapi_router(router):
        target: Any = router
    elif app is not None:
        target = app
    else:
        functions = route_functions(namespace)
        if not functions:
            raise ServiceLoadError(
                f"{where} defines no FastAPI `router`, no `app` (ASGI or WSGI) and no "
                "@route functions (from pytest_mimic.user_services import route)"
            )
        target = RouteFunctions(functions)
    reset = namespace.get("reset")
    if reset in route_functions(namespace):  # a route named reset is not the reset hook
        reset = None
    declared = _declarations(module)
    return parts_from_app(
        name,
        target,
        catalog_type=catalog_type or declared["catalog_type"],
        catalog_name=declared["catalog_name"],
        collections=[v for v in namespace.values() if isinstance(v, Collection)],
        on_reset=reset if _own_function(reset, module) else None,
        scenarios=declared["scenarios"],
        behaviors=declared["behaviors"],
        origin=str(where),
    )


def parts_from_app(
    name: str,
    app: Any,
    *,
    catalog_type: str | None = None,
    catalog_name: str | None = None,
    collections: Sequence[Collection] = (),
    on_reset: Callable[[], object] | None = None,
    scenarios: Sequence[Any] = (),
    behaviors: Mapping[str, str] | None = None,
    origin: str = "",
) -> ServiceParts:
    """The parts of a service serving ``app``: a FastAPI router, an ASGI or a WSGI app, or
    ``RouteFunctions``.
    """
    matcher: Matcher
    respond: Callable[[Request], Response]
    if is_fastapi_router(app):
        app = router_app(app)
    if isinstance(app, RouteFunctions):
        matcher, respond = WerkzeugRoutes(app.url_map), app.respond
    elif is_asgi_app(app):
        handle_service_errors(app)
        has_routes = isinstance(getattr(app, "routes", None), list)
        matcher = StarletteRoutes(app) if has_routes else PathTemplates()
        respond = WSGIResponder(as_wsgi(app))
    elif callable(app):
        prepare_flask_app(app)
        url_map = getattr(app, "url_map", None)
        matcher = WerkzeugRoutes(url_map) if isinstance(url_map, Map) else PathTemplates()
        respond = WSGIResponder(app)
    else:
        raise ServiceLoadError(
            f"{origin or name}: `app` is {type(app).__name__}, not an ASGI or WSGI app"
        )
    return ServiceParts(
        name=name,
        respond=respond,
        matcher=matcher,
        catalog_type=catalog_type or name,
        catalog_name=catalog_name or name,
        collections=tuple(collections),
        on_reset=on_reset,
        scenarios=tuple(scenarios),
        behaviors=dict(behaviors or {}),
        origin=origin or repr(app),
    )


def _declarations(module: ModuleType) -> dict[str, Any]:
    """The optional module-level declarations, checked so a wrong type names its file."""
    where = getattr(module, "__file__", None) or module.__name__
    found: dict[str, Any] = {}
    for key, kind in (("catalog_type", str), ("catalog_name", str)):
        value = getattr(module, key, None)
        if value is not None and not isinstance(value, kind):
            raise ServiceLoadError(f"{where}: `{key}` must be a string, not {value!r}")
        found[key] = value
    scenarios = getattr(module, "scenarios", ())
    behaviors = getattr(module, "behaviors", {})
    # A route function may carry either name; only data declares something.
    scenarios = () if callable(scenarios) else scenarios
    behaviors = {} if callable(behaviors) else behaviors
    if not isinstance(scenarios, Sequence) or isinstance(scenarios, str):
        raise ServiceLoadError(f"{where}: `scenarios` must be a list of Scenario objects")
    if not isinstance(behaviors, Mapping):
        raise ServiceLoadError(f"{where}: `behaviors` must map behaviour names to their help")
    found["scenarios"], found["behaviors"] = tuple(scenarios), dict(behaviors)
    return found


def _own_function(value: Any, module: ModuleType) -> bool:
    """Whether ``value`` is a plain function defined in ``module`` (not imported into it)."""
    return callable(value) and getattr(value, "__module__", None) == module.__name__
