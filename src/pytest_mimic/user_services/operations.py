"""Naming what a request asks of a user's app, without running the app.

The fault engine and the journal need the operation before the app acts. An app with a route
table names it: the endpoint of the route that matches (a FastAPI or Starlette route's name,
which is its function's name unless given; a Flask view's endpoint; a ``@route`` function's
name). An app without one gets ``"METHOD /path"`` with ids folded to ``{id}``
(``"GET /invoices/{id}"``), so calls to one resource still group under one name.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

from werkzeug.exceptions import HTTPException

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from werkzeug.routing import Map
    from werkzeug.wrappers import Request

__all__ = [
    "UNKNOWN",
    "Matcher",
    "PathTemplates",
    "StarletteRoutes",
    "WerkzeugRoutes",
    "path_template",
]

#: The operation of a request no route matches (the app answers it 404 or 405 itself).
UNKNOWN = "unknown"

#: Attributes every user-service operation carries.
BASIC_ATTRIBUTES = frozenset({"method", "path", "query"})


class Matcher(Protocol):
    """Names a request's operation and path parameters, from the app's route table."""

    def match(self, request: Request) -> tuple[str, dict[str, Any]]:
        """``(operation, path parameters)``; ``(UNKNOWN, {})`` when no route matches.

        Must not raise on any request (the app answers bad ones itself).
        """
        ...

    def names(self) -> frozenset[str] | None:
        """Every operation name (``None``: no route table, anything goes)."""
        ...

    def parameters(self) -> frozenset[str]:
        """Every path parameter name in the route table."""
        ...


class WerkzeugRoutes:
    """A Werkzeug ``Map``: a Flask app's ``url_map``, or ``@route`` functions'."""

    def __init__(self, url_map: Map) -> None:
        self.url_map = url_map

    def match(self, request: Request) -> tuple[str, dict[str, Any]]:
        try:
            adapter = self.url_map.bind_to_environ(request.environ)
            endpoint, arguments = adapter.match(request.path, request.method)
        except HTTPException:  # no route, wrong method, a slash redirect
            return UNKNOWN, {}
        return str(endpoint), dict(arguments)

    def names(self) -> frozenset[str]:
        return frozenset(str(rule.endpoint) for rule in self.url_map.iter_rules())

    def parameters(self) -> frozenset[str]:
        return frozenset(name for rule in self.url_map.iter_rules() for name in rule.arguments)


class StarletteRoutes:
    """A Starlette or FastAPI app's ``routes``, read live (routes added later count too)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def match(self, request: Request) -> tuple[str, dict[str, Any]]:
        scope: dict[str, Any] = {
            "type": "http",
            "method": request.method,
            "path": request.path,
            "root_path": "",
            "path_params": {},
            "headers": [],
            "query_string": b"",
        }
        try:
            return _match_routes(self.app.routes, scope)
        except Exception:  # a converter refusing a value: the app will answer 404 or 422
            return UNKNOWN, {}

    def names(self) -> frozenset[str]:
        return frozenset(name for name, _route in _walk(self.app.routes) if name)

    def parameters(self) -> frozenset[str]:
        return frozenset(
            parameter
            for _name, route in _walk(self.app.routes)
            for parameter in getattr(route, "param_convertors", None) or {}
        )


def _match_routes(routes: Sequence[Any], scope: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Starlette's own order: the first full match wins; a mount's routes are searched in it."""
    from starlette.routing import Match

    for route in routes:
        found, child = route.matches(scope)
        if found is not Match.FULL:
            continue
        inner = _inner_routes(route)
        if inner:  # a mounted or included router: the route inside names it (or nothing does)
            return _match_routes(inner, {**scope, **child})
        name = getattr(route, "name", None)
        return (str(name) if name else UNKNOWN), dict(child.get("path_params", {}))
    return UNKNOWN, {}


def _inner_routes(route: Any) -> list[Any] | None:
    """The routes inside ``route``: a ``Mount``'s, or those of a router FastAPI includes
    lazily (FastAPI 0.16x keeps an included router whole instead of copying its routes).
    """
    routes = getattr(route, "routes", None)
    if isinstance(routes, list) and routes:
        return routes
    candidates = getattr(route, "effective_candidates", None)
    if callable(candidates):
        return list(candidates())
    return None


def _walk(routes: Iterable[Any]) -> Iterator[tuple[str | None, Any]]:
    for route in routes:
        inner = _inner_routes(route)
        if inner:
            yield from _walk(inner)
        else:
            yield getattr(route, "name", None), route


class PathTemplates:
    """An app without a route table: ``"METHOD /path"`` with ids folded to ``{id}``."""

    def match(self, request: Request) -> tuple[str, dict[str, Any]]:
        return f"{request.method} {path_template(request.path)}", {}

    def names(self) -> None:
        return None

    def parameters(self) -> frozenset[str]:
        return frozenset()


_ID = re.compile(
    r"[0-9]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{32}"
)


def path_template(path: str) -> str:
    """``path`` with numeric and UUID-looking segments replaced by ``{id}``."""
    segments = path.split("/")
    return "/".join("{id}" if _ID.fullmatch(s) else s for s in segments) or "/"
