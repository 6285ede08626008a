"""Running a user's WSGI app on the dispatcher's request and collecting its whole answer.

The dispatcher has read the body already (to check its size and journal it), and it hands a
service a Werkzeug ``Response``; so the app gets a copy of the environ with the body in a
fresh stream, and its answer is gathered into one ``Response``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from _typeshed import OptExcInfo
    from _typeshed.wsgi import WSGIApplication
    from werkzeug.wrappers import Request

__all__ = ["APP_ERROR_KEY", "WSGIResponder", "prepare_flask_app"]

#: Where an app that answered before failing leaves its exception, to be raised after all.
APP_ERROR_KEY = "pytest_mimic.app_error"


class WSGIResponder:
    """``respond(request) -> Response`` for a WSGI app; the app runs once per call."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, request: Request) -> Response:
        body = request.get_data(cache=True)
        environ = dict(request.environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)  # the body is whole now, with a length
        started: list[tuple[str, list[tuple[str, str]]]] = []
        chunks: list[bytes] = []

        def start_response(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: OptExcInfo | None = None,  # noqa: ARG001 - nothing sent, nothing to raise
        ) -> Callable[[bytes], object]:
            # Nothing is sent before the app returns, so a second call (an app reporting an
            # error after starting) simply replaces the first, as PEP 3333 allows.
            started[:] = [(status, list(headers))]
            return chunks.append

        result: Iterable[bytes] = self.app(environ, start_response)
        try:
            for chunk in result:
                chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        failure = environ.get(APP_ERROR_KEY)
        if isinstance(failure, BaseException):
            raise failure
        if not started:
            raise RuntimeError(f"the WSGI app {self.app!r} returned without start_response")
        status, headers = started[0]
        return Response(b"".join(chunks), status=status, headers=headers)


def prepare_flask_app(app: Any) -> None:
    """Make a Flask ``app`` behave like the other kinds: a ``ServiceError`` raised in it (a
    ``Collection``'s 404) answers in the JSON error shape, unless the app handles it already;
    and any other exception reaches the dispatcher, which fails the test with its traceback,
    instead of becoming Flask's HTML 500 page (unless ``PROPAGATE_EXCEPTIONS`` is set).
    Other apps are left alone.
    """
    spec = getattr(app, "error_handler_spec", None)
    config = getattr(app, "config", None)
    if not isinstance(spec, dict) or not hasattr(app, "register_error_handler"):
        return
    if isinstance(config, dict) and config.get("PROPAGATE_EXCEPTIONS") is None:
        config["PROPAGATE_EXCEPTIONS"] = True
    from pytest_mimic.errors import ServiceError
    from pytest_mimic.user_services.errors import error_body

    if ServiceError in spec.get(None, {}).get(None, {}):
        return

    def answer(error: ServiceError) -> tuple[Any, int, dict[str, str]]:
        return error_body(error.status, error.message), error.status, error.headers

    try:
        app.register_error_handler(ServiceError, answer)
    except AssertionError:  # an app that has served a request refuses new handlers
        return
