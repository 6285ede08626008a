"""ASGI apps (FastAPI, Starlette) and FastAPI routers as WSGI apps, through a2wsgi.

a2wsgi runs the app on an event loop in a thread of its own; one loop serves every ASGI
service in the process, so reloading a file does not leave a thread behind. FastAPI and
a2wsgi are optional: they are imported only when a service needs them.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from typing import TYPE_CHECKING, Any

from pytest_mimic.errors import ServiceError
from pytest_mimic.user_services.errors import ServiceLoadError, error_body
from pytest_mimic.user_services.wsgi import APP_ERROR_KEY

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = ["as_wsgi", "handle_service_errors", "is_asgi_app", "is_fastapi_router", "router_app"]

INSTALL_HINT = "pip install 'pytest-mimic-cloud[fastapi]'"

_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def is_asgi_app(app: Any) -> bool:
    """Whether ``app`` is an ASGI app: an ``async`` callable (FastAPI, Starlette, middleware)."""
    if inspect.iscoroutinefunction(app):
        return True
    return (
        callable(app) and not inspect.isfunction(app) and inspect.iscoroutinefunction(app.__call__)
    )


def is_fastapi_router(value: Any) -> bool:
    """Whether ``value`` is a FastAPI ``APIRouter`` (without importing FastAPI if unused)."""
    if "fastapi" not in type(value).__module__:
        return False
    from fastapi import APIRouter

    return isinstance(value, APIRouter)


def router_app(router: Any) -> Any:
    """A FastAPI app serving ``router``: how a Fake Servicer file runs unchanged."""
    try:
        from fastapi import FastAPI
    except ImportError as error:  # pragma: no cover - FastAPI made the router
        raise ServiceLoadError(f"a FastAPI router needs FastAPI: {INSTALL_HINT}") from error
    app = FastAPI()
    app.include_router(router)
    return app


def as_wsgi(app: Any) -> WSGIApplication:
    """``app`` (ASGI) as a WSGI app, run on the shared event loop."""
    try:
        from a2wsgi import ASGIMiddleware
    except ImportError as error:
        raise ServiceLoadError(
            f"serving the ASGI app {app!r} needs a2wsgi: {INSTALL_HINT}"
        ) from error
    return ASGIMiddleware(_ReportErrors(app), loop=_shared_loop())  # type: ignore[return-value]


class _ReportErrors:
    """Keeps what an ASGI app raised where ``WSGIResponder`` re-raises it.

    Starlette answers an unhandled exception 500 and then raises it, after the answer is
    complete; a2wsgi has stopped listening by then, so without this the error would be lost
    instead of failing the test.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as error:
            environ = scope.get("wsgi_environ")
            if isinstance(environ, dict):
                environ[APP_ERROR_KEY] = error
            raise


def handle_service_errors(app: Any) -> None:
    """Answer a ``ServiceError`` raised in ``app`` (a ``Collection``'s 404) in the JSON error
    shape, unless the app handles it already. Starlette apps only; others are left alone.
    """
    handlers = getattr(app, "exception_handlers", None)
    if not isinstance(handlers, dict) or ServiceError in handlers:
        return
    from starlette.responses import JSONResponse

    async def answer(_request: Any, error: Exception) -> Any:
        assert isinstance(error, ServiceError)
        body = error_body(error.status, error.message)
        return JSONResponse(body, status_code=error.status, headers=error.headers or None)

    try:
        app.add_exception_handler(ServiceError, answer)
    except RuntimeError:  # an app that has started serving refuses new handlers
        return


def _shared_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _loop_lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=loop.run_forever, name="pytest-mimic-asgi", daemon=True
            )
            thread.start()
            _loop = loop
        return _loop
