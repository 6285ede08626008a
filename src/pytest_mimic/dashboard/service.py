"""The dashboard: a page at ``/mimic/dashboard`` that shows the cloud to a person, live.

The page (``static/``: plain HTML, CSS and JavaScript, no build step, nothing fetched from
elsewhere) polls ``api/state`` while it is open: the clock, each service's panel (from the
service contract: ``Service.panel``), the fault rules with their hits, the server errors and
the journal calls it has not seen yet. With no page open nothing runs: there is no timer and
no thread, and the dispatcher only checks one flag.

Its requests are neither journaled nor matched by fault rules (``Service.observes``): a test
asserting on the journal sees the same calls whether someone watches or not. Its buttons act
through the control plane's own handlers, so every value is checked by the one validator the
control plane uses.
"""

from __future__ import annotations

import importlib.resources
import logging
import traceback
from typing import TYPE_CHECKING, Any, ClassVar

from werkzeug.wrappers import Response

from pytest_mimic.clock import isoformat_z, real_time
from pytest_mimic.control import jsonable
from pytest_mimic.panel import Panel
from pytest_mimic.services.base import (
    RoutedService,
    ServiceError,
    base_url,
    json_response,
    route,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from werkzeug.wrappers import Request

    from pytest_mimic.control import ControlService
    from pytest_mimic.dispatch import ServerError
    from pytest_mimic.journal import Call
    from pytest_mimic.services.base import ServiceContext

__all__ = ["DASHBOARD_PATH", "DashboardService"]

log = logging.getLogger("pytest_mimic")

#: Where the page lives on the server.
DASHBOARD_PATH = "/mimic/dashboard"
#: Journal calls one poll carries at most (the newest): a page opened late catches up fast.
CALLS_PER_POLL = 500
#: Characters of a server error's request body the page shows.
ERROR_BODY_CHARS = 2000

#: The page's files and their media types; nothing else is served from the package.
_ASSETS = {
    "dashboard.js": "text/javascript",
    "dashboard.css": "text/css",
}
#: The page runs only its own script and style, and talks only to this server: data that
#: reached the DOM as markup by mistake still could not run.
_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": _POLICY,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


def _static(name: str) -> bytes:
    return importlib.resources.files("pytest_mimic.dashboard").joinpath("static", name).read_bytes()


class DashboardService(RoutedService):
    """``GET /mimic/dashboard`` and the small JSON API its page uses (under ``api/``)."""

    name: ClassVar[str] = "dashboard"
    prefix: ClassVar[str] = DASHBOARD_PATH
    observes: ClassVar[bool] = True
    next_request_headers: ClassVar[bool] = False

    def __init__(
        self,
        context: ServiceContext,
        control: ControlService,
        errors: Callable[[], Sequence[ServerError]],
    ) -> None:
        super().__init__(context)
        #: The control plane whose handlers the page's buttons use.
        self.plane = control
        self.cloud = control.cloud
        self._errors = errors
        self._files: dict[str, bytes] = {}

    def _token_ok(self, request: Request) -> bool:
        return True

    def _file(self, name: str) -> bytes:
        data = self._files.get(name)
        if data is None:
            data = self._files[name] = _static(name)
        return data

    # -- the page --------------------------------------------------------------------

    @route("/", operation="page", auth=False)
    def page(self, request: Request) -> Response:
        """The page itself."""
        return Response(self._file("index.html"), mimetype="text/html", headers=_HEADERS)

    @route("/<asset>", operation="asset", auth=False)
    def asset(self, request: Request, asset: str) -> Response:
        """The page's script and style sheet."""
        mimetype = _ASSETS.get(asset)
        if mimetype is None:
            raise ServiceError(404, f"The dashboard has no file {asset!r}.")
        return Response(self._file(asset), mimetype=mimetype, headers=_HEADERS)

    # -- reading ---------------------------------------------------------------------

    @route("/api/state", operation="read_state", auth=False)
    def read_state(self, request: Request) -> Response:
        """Everything the page shows, and the journal calls numbered ``since`` and later
        (from 0 when ``epoch`` is not the journal's: it was cleared since the last poll).
        """
        since = _whole(request.args.get("since", "0"), "since")
        epoch = request.args.get("epoch")
        journal = self.cloud.journal
        if epoch is None or _whole(epoch, "epoch") != journal.epoch:
            since = 0
        epoch_now, following, calls = journal.since(since, CALLS_PER_POLL)
        clock = self.context.clock
        now = clock.now()
        return json_response(
            {
                "url": base_url(request),
                "clock": {
                    "now": isoformat_z(now, digits=0),
                    "frozen": clock.frozen,
                    "ahead": round(now - real_time(), 3),
                },
                "panels": self._panels(),
                "rules": [
                    {
                        "id": rule.id,
                        "service": rule.service or "*",
                        "operation": rule.operation or "*",
                        "description": rule.describe(),
                        "source": rule.source,
                        "hits": rule.hits,
                        "times": rule.times,
                        "standing": self.cloud.is_standing(rule),
                    }
                    for rule in self.cloud.faults.rules
                ],
                "errors": [
                    {
                        "request": error.request,
                        "body": error.body[:ERROR_BODY_CHARS].decode("utf-8", "replace"),
                        "traceback": error.traceback,
                    }
                    for error in self._errors()
                ],
                "journal": {
                    "epoch": epoch_now,
                    "next": following,
                    "dropped": journal.dropped,
                    "calls": [_row(number, call) for number, call in calls],
                },
            }
        )

    def _panels(self) -> list[dict[str, Any]]:
        """Each service's panel; one that fails shows why instead of breaking the page."""
        panels = []
        for service in self.cloud.services:
            try:
                panel = service.panel()
            except Exception:
                log.exception("pytest-mimic: the panel of %r failed", service.name)
                reason = traceback.format_exc(limit=-3)
                panel = Panel(facts=(("panel failed", reason),))
            if not panel.empty:
                panels.append({"service": service.name, **panel.json()})
        return panels

    @route("/api/calls/<number>", operation="read_call", auth=False)
    def read_call(self, request: Request, number: str) -> Response:
        """One journal call with its request and response bodies, by its number."""
        wanted = _whole(number, "the call number")
        epoch = request.args.get("epoch")
        journal = self.cloud.journal
        call = journal.numbered(wanted)
        if call is None or (epoch is not None and _whole(epoch, "epoch") != journal.epoch):
            raise ServiceError(404, f"No call {wanted} in the journal (it was reset or dropped).")
        return json_response(
            {
                **_row(wanted, call),
                "attributes": jsonable(dict(call.attributes)),
                "request_body": call.request_body.decode("utf-8", "replace"),
                "response_body": call.response_body.decode("utf-8", "replace"),
            }
        )

    @route("/api/scenarios", operation="list_scenarios", auth=False)
    def list_scenarios(self, request: Request) -> Response:
        """Every scenario the form offers, from the scenario registry."""
        return self.plane.list_scenarios(request)

    # -- acting (through the control plane's handlers) --------------------------------

    @route("/api/tick", methods=["POST"], operation="tick", auth=False)
    def tick(self, request: Request) -> Response:
        """``{"amount": seconds}``: move the clock on."""
        _same_origin(request)
        return self.plane.tick(request)

    @route("/api/reset", methods=["POST"], operation="reset", auth=False)
    def reset_cloud(self, request: Request) -> Response:
        """A fresh cloud, as between two tests."""
        _same_origin(request)
        return self.plane.reset_cloud(request)

    @route("/api/scenarios/<name>", methods=["POST"], operation="activate_scenario", auth=False)
    def activate_scenario(self, request: Request, name: str) -> Response:
        """Activate scenario ``name`` with the body's parameters."""
        _same_origin(request)
        return self.plane.activate_scenario(request, name)

    @route("/api/scenarios", methods=["DELETE"], operation="clear_scenarios", auth=False)
    def clear_scenarios(self, request: Request) -> Response:
        """Remove every activated scenario's rules."""
        _same_origin(request)
        return self.plane.clear_scenarios(request)

    @route("/api/rules", methods=["DELETE"], operation="clear_rules", auth=False)
    def clear_rules(self, request: Request) -> Response:
        """Remove every fault rule but the services' standing ones (metadata presets)."""
        _same_origin(request)
        return json_response({"removed": self.cloud.clear_rules()})

    @route("/api/rules/<rule_id>", methods=["DELETE"], operation="remove_rule", auth=False)
    def remove_rule(self, request: Request, rule_id: str) -> Response:
        """Remove one fault rule by id."""
        _same_origin(request)
        rule = self.cloud.faults.find(rule_id)
        if rule is None:
            raise ServiceError(404, f"No fault rule {rule_id!r}.")
        self.cloud.faults.remove(rule)
        return json_response(None, 204)


def _row(number: int, call: Call) -> dict[str, Any]:
    """A journal call as one row of the page's table."""
    return {
        "number": number,
        "time": isoformat_z(call.time, digits=3),
        "service": call.service,
        "operation": call.operation,
        "method": call.method,
        "path": call.path,
        "query": call.query,
        "status": call.status,
        "fault": call.fault,
        "duration": round(call.duration * 1000, 3),
    }


def _whole(text: str, what: str) -> int:
    """``text`` as a whole number >= 0, or a 400 saying what it should be."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ServiceError(400, f"{what} must be a whole number >= 0, not {text[:40]!r}.")
    return int(text)


def _same_origin(request: Request) -> None:
    """Refuse a change another web site's page asks a browser to make (a 403).

    Browsers say where a request comes from (``Sec-Fetch-Site``, ``Origin``); a page of
    another site may not reset a fake cloud on this machine. Clients that are not browsers
    send neither header and are served, as the control plane serves them.
    """
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if (site is not None and site not in {"same-origin", "none"}) or (
        origin is not None and origin != base_url(request)
    ):
        raise ServiceError(403, "The dashboard acts only for its own page.")
