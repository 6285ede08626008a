"""The seven settings a load balancer keeps at URLs of their own, declared once each.

Health monitor, connection throttle, session persistence, connection logging, content
caching, error page and SSL termination all work alike: ``GET`` shows the stored setting,
``PUT`` replaces it (after the load balancer's status check, before reading the body) and
``DELETE``, where the real service has one, removes it; a ``PUT`` or ``DELETE`` answers 202
and is followed by PENDING_UPDATE. So each is one ``SubResource`` row of ``SUB_RESOURCES``
(its path, operation names, stored setting, body parser and document shape), and
``handlers`` turns the table into ``@route`` handlers of ``CLBService``, which lists them in
its route table like any other operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_mimic.services.base import route
from pytest_mimic.services.clb import data, documents, schema
from pytest_mimic.services.clb.errors import NotFound

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from werkzeug.wrappers import Request, Response

    from pytest_mimic.services.clb.api import CLBService

    _Handler = Callable[[CLBService, Request, str, str, str], Response]

__all__ = ["SUB_RESOURCES", "SubResource", "handlers"]


@dataclass(frozen=True)
class SubResource:
    """One setting at ``<load balancer>/<path>``.

    ``key`` names both its document (``{key: {...}}``) and the setting the model stores
    (``LoadBalancers.setting`` and ``change_setting``). ``parse(body, current)`` checks a
    ``PUT`` body into the value to store; ``show(stored)`` (``None``: not set) is the
    document's content. Operations are ``get_<noun>``, ``set_<noun>`` and, when
    ``deletable``, ``delete_<noun>``; ``docs`` describe them in that order.
    """

    path: str
    key: str
    noun: str
    parse: Callable[[Any, Any], Any]
    show: Callable[[Any], dict[str, Any]]
    docs: tuple[str, str, str]
    deletable: bool = True

    def operations(self) -> Iterator[tuple[str, str, str]]:
        """``(method, operation name, doc)`` of each of its routes."""
        yield "GET", f"get_{self.noun}", self.docs[0]
        yield "PUT", f"set_{self.noun}", self.docs[1]
        if self.deletable:
            yield "DELETE", f"delete_{self.noun}", self.docs[2]


def _object(stored: Any) -> dict[str, Any]:
    return dict(stored or {})


def _enabled(stored: Any) -> dict[str, Any]:
    return {"enabled": bool(stored)}


def _error_page(stored: Any) -> dict[str, Any]:
    return {"content": stored or data.DEFAULT_ERROR_PAGE}


def _ssl_termination(stored: Any) -> dict[str, Any]:
    if stored is None:
        raise NotFound("No SSL termination configuration found.")
    return documents.ssl_termination(stored)


SUB_RESOURCES: tuple[SubResource, ...] = (
    SubResource(
        "healthmonitor",
        "healthMonitor",
        "health_monitor",
        schema.health_monitor,
        _object,
        (
            '``{"healthMonitor": {...}}`` (``{}`` when none).',
            "CONNECT, HTTP or HTTPS monitor; nodes added while it is set start OFFLINE.",
            "202.",
        ),
    ),
    SubResource(
        "connectionthrottle",
        "connectionThrottle",
        "connection_throttle",
        schema.connection_throttle,
        _object,
        (
            '``{"connectionThrottle": {...}}`` (``{}`` when none).',
            "The fields given replace the current ones.",
            "202.",
        ),
    ),
    SubResource(
        "sessionpersistence",
        "sessionPersistence",
        "session_persistence",
        schema.session_persistence,
        _object,
        (
            '``{"sessionPersistence": {"persistenceType": ...}}`` (``{}`` when none).',
            "``HTTP_COOKIE`` or ``SOURCE_IP``.",
            "202.",
        ),
    ),
    SubResource(
        "connectionlogging",
        "connectionLogging",
        "connection_logging",
        schema.enabled_flag("connectionLogging"),
        _enabled,
        (
            '``{"connectionLogging": {"enabled": bool}}``.',
            '``{"connectionLogging": {"enabled": true}}`` (``"true"`` text too, as pyrax sends).',
            "",
        ),
        deletable=False,
    ),
    SubResource(
        "contentcaching",
        "contentCaching",
        "content_caching",
        schema.enabled_flag("contentCaching"),
        _enabled,
        (
            '``{"contentCaching": {"enabled": bool}}``.',
            '``{"contentCaching": {"enabled": true}}``.',
            "",
        ),
        deletable=False,
    ),
    SubResource(
        "errorpage",
        "errorpage",
        "error_page",
        schema.error_page,
        _error_page,
        (
            '``{"errorpage": {"content": ...}}``: the custom page, or the default one.',
            '``{"errorpage": {"content": "<html>..."}}``.',
            "Back to the default page: 202.",
        ),
    ),
    SubResource(
        "ssltermination",
        "sslTermination",
        "ssl_termination",
        schema.ssl_termination,
        _ssl_termination,
        (
            "The configuration without the private key; 404 when none (as pyrax expects).",
            "Stored, not enforced.",
            "202.",
        ),
    ),
)


def handlers(load_balancer: str) -> dict[str, _Handler]:
    """Every sub-resource's handlers by operation name, routed under ``load_balancer`` (the
    rule of one load balancer's URL), for ``CLBService`` to carry as methods.
    """
    made: dict[str, _Handler] = {}
    for sub in SUB_RESOURCES:
        for method, operation, doc in sub.operations():
            handler = _handler(sub, method)
            handler.__name__ = handler.__qualname__ = operation
            handler.__doc__ = doc
            made[operation] = route(
                f"{load_balancer}/{sub.path}", methods=(method,), operation=operation
            )(handler)
    return made


def _handler(sub: SubResource, method: str) -> _Handler:
    if method == "GET":

        def show(
            service: CLBService,
            request: Request,  # noqa: ARG001 - every handler is called with it
            region: str,
            tenant: str,
            lb_id: str,
        ) -> Response:
            return service._show_setting(region, tenant, lb_id, sub)

        return show

    remove = method == "DELETE"

    def change(
        service: CLBService, request: Request, region: str, tenant: str, lb_id: str
    ) -> Response:
        return service._change_setting(request, region, tenant, lb_id, sub, remove=remove)

    return change
