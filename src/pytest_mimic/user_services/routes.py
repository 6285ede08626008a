"""Route functions: a fake as plain module functions, with no web framework to install.

``@route("/invoices/<int:invoice_id>")`` on ``def get_invoice(request, invoice_id)`` is all a
service file needs. Paths use Werkzeug's rule syntax; a function returns a dict or list (JSON
200), ``(body, status)``, ``(body, status, headers)``, a string, ``None`` (204) or a Werkzeug
``Response``, and may raise ``ServiceError`` (a ``Collection``'s 404 for instance).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from pytest_mimic.errors import ServiceError
from pytest_mimic.services.base import expect_object, json_response, parse_json_body
from pytest_mimic.user_services.errors import error_response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["RouteFunctions", "json_object", "route", "route_functions", "to_response"]

_F = TypeVar("_F", bound=Callable[..., Any])
_MARK = "_mimic_user_routes"


def route(
    path: str, *, methods: Sequence[str] = ("GET",), operation: str | None = None
) -> Callable[[_F], _F]:
    """Make a module function the handler of ``methods`` on ``path`` (relative to the
    service's prefix, Werkzeug rule syntax). The operation name, which ``inject`` and
    ``calls`` use, is the function's name unless ``operation`` says otherwise.
    """
    verbs = tuple(m.upper() for m in methods)
    if not verbs:
        raise ValueError(f"route {path!r}: methods must name at least one HTTP method")

    def mark(function: _F) -> _F:
        routes = function.__dict__.setdefault(_MARK, [])
        routes.append((path, verbs, operation or function.__name__))
        return function

    return mark


def route_functions(namespace: Mapping[str, Any]) -> list[Callable[..., Any]]:
    """The functions in ``namespace`` (a module's ``vars()``) that carry ``@route``.

    Only plain functions are looked at: asking anything else for an attribute can raise
    (Flask's ``request`` proxy does, outside a request).
    """
    return [v for v in namespace.values() if inspect.isfunction(v) and _MARK in v.__dict__]


class RouteFunctions:
    """A WSGI app (and a routing table) made of ``@route`` functions.

    Unknown paths get a JSON 404 and a known path with the wrong method a JSON 405 with
    ``Allow``, in the same shape as every other user-service error.
    """

    def __init__(self, functions: Iterable[Callable[..., Any]]) -> None:
        rules: list[Rule] = []
        self.handlers: dict[str, Callable[..., Any]] = {}
        for function in functions:
            for path, methods, name in getattr(function, _MARK):
                other = self.handlers.setdefault(name, function)
                if other is not function:
                    raise ValueError(
                        f"two route functions name the operation {name!r}: "
                        f"{other.__name__} and {function.__name__}"
                    )
                rules.append(Rule(path, methods=list(methods), endpoint=name))
        self.url_map = Map(rules, strict_slashes=False, merge_slashes=False)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self.respond(Request(environ))(environ, start_response)

    def respond(self, request: Request) -> Response:
        """Run the function ``request`` routes to and shape what it returns."""
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, arguments = adapter.match(request.path, request.method)
            function = self.handlers[str(endpoint)]
            return to_response(function(request, **arguments), function)
        except ServiceError as error:
            return error_response(error.status, error.message, headers=error.headers)
        except MethodNotAllowed as error:
            allowed = ", ".join(sorted(error.valid_methods or ()))
            return error_response(
                405,
                f"The method {request.method} is not allowed for {request.path}.",
                headers={"Allow": allowed},
            )
        except HTTPException as error:
            if error.code is None or error.code < 400:  # a redirect Werkzeug computed
                return error.get_response(request.environ)
            return error_response(error.code, error.description or "")


def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or a ``ServiceError`` a client can act on (400 for
    an empty, malformed or non-object body, 413 for one over 1 MiB).
    """
    return expect_object(parse_json_body(request), "body")


def to_response(value: Any, function: Callable[..., Any] | None = None) -> Response:
    """The answer a route function's return value stands for (see the module docstring)."""
    if isinstance(value, Response):
        return value
    status: int = 200
    headers: Mapping[str, str] = {}
    body = value
    if isinstance(value, tuple):
        if len(value) not in (2, 3):
            raise TypeError(_bad_return(value, function))
        body, status = value[0], int(value[1])
        headers = value[2] if len(value) == 3 else {}
    if isinstance(body, dict | list):
        return json_response(body, status, headers=headers)
    if body is None:
        return Response(b"", status=204 if status == 200 else status, headers=dict(headers))
    if isinstance(body, str | bytes):
        plain = "text/plain; charset=utf-8" if isinstance(body, str) else None
        response = Response(body, status=status, headers=dict(headers))
        if plain is not None and "Content-Type" not in headers:
            response.content_type = plain
        return response
    raise TypeError(_bad_return(value, function))


def _bad_return(value: Any, function: Callable[..., Any] | None) -> str:
    where = f"route function {function.__name__}" if function is not None else "a route function"
    return (
        f"{where} returned {type(value).__name__} {value!r:.80}; return a dict or list (JSON), "
        "(body, status), (body, status, headers), a string, None or a werkzeug Response"
    )
