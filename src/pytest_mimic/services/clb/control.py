"""Cloud Load Balancers' status controls, the one door a test has to them over HTTP.

The control plane mounts ``CLBControl`` under ``/mimic/v1.1/clb/`` (``Service.control``):

- ``PATCH /mimic/v1.1/clb/<region>/<tenant>/loadbalancers/<lb_id>/attributes`` with
  ``{"status": ACTIVE|ERROR|PENDING_UPDATE|PENDING_DELETE, "seconds"?: N}`` forces a load
  balancer's status (with ``seconds``, for that long), as Mimic's CLB control API did;
- ``PUT /mimic/v1.1/clb/<region>/<tenant>/loadbalancers/<lb_id>/nodes/<node_id>/status`` with
  ``{"status": ONLINE|OFFLINE}`` forces a node's, as a health check would.

Both answer 204, or an error in the control plane's format (``{"badRequest": {"message",
"code"}}``): 400 for a bad body, status or ``seconds``, 404 for an unknown load balancer or
node. No token is needed. ``CLBService.set_status`` and ``set_node_status`` are the same
controls for Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_mimic.errors import ServiceError
from pytest_mimic.parsing import parse_seconds, shown
from pytest_mimic.services.base import (
    ControlRoutes,
    expect_object,
    json_response,
    parse_json_body,
    route,
)
from pytest_mimic.services.clb import errors, schema

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

    from pytest_mimic.services.clb.api import CLBService
    from pytest_mimic.services.clb.model import LoadBalancers

__all__ = ["CLBControl"]

#: One load balancer, relative to ``/mimic/v1.1/clb``.
_ONE = "/<region>/<tenant>/loadbalancers/<lb_id>"
#: The only fields a status change may carry.
_STATUS_FIELDS = frozenset({"status", "seconds"})


class CLBControl(ControlRoutes):
    """The status routes of one ``CLBService``."""

    def __init__(self, service: CLBService) -> None:
        super().__init__(service)
        self._clb = service

    @property
    def balancers(self) -> LoadBalancers:
        """The state model the routes change."""
        return self._clb.balancers

    @route(
        _ONE + "/attributes",
        methods=("PATCH",),
        operation="set_load_balancer_status",
        auth=False,
    )
    def set_load_balancer_status(
        self, request: Request, region: str, tenant: str, lb_id: str
    ) -> Response:
        """``{"status", "seconds"?}`` -> 204; 400 for a bad status or ``seconds``, 404 for an
        unknown load balancer."""
        body = expect_object(parse_json_body(request), "body")
        if set(body) - _STATUS_FIELDS or "status" not in body:
            raise errors.BadRequest("Attempt to alter a bad attribute")
        seconds: float | None = None
        if body.get("seconds") is not None:
            try:
                seconds = parse_seconds(body["seconds"], "'seconds'", text=False)
            except (TypeError, ValueError) as error:
                raise ServiceError(400, str(error)) from None
        status: Any = body["status"]
        number = schema.parse_id(lb_id)
        if number is None:
            raise errors.NotFound(f"Tenant {tenant} doesn't own load balancer {shown(lb_id, 20)}")
        self.balancers.set_status(
            number,
            status if isinstance(status, str) else shown(status),
            tenant_id=tenant,
            region=region,
            seconds=seconds,
        )
        return json_response(None, 204)

    @route(
        _ONE + "/nodes/<node_id>/status",
        methods=("PUT",),
        operation="set_node_status",
        auth=False,
    )
    def set_node_status(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str
    ) -> Response:
        """``{"status": "ONLINE" | "OFFLINE"}`` -> 204; 400 for another status, 404 for an
        unknown load balancer or node."""
        body = expect_object(parse_json_body(request), "body")
        status = body.get("status")
        number, node = schema.parse_id(lb_id), schema.parse_id(node_id)
        if number is None:
            raise errors.NotFound(f"Tenant {tenant} doesn't own load balancer {shown(lb_id, 20)}")
        if node is None:
            raise errors.NotFound(
                f"Load balancer {number} on tenant {tenant} does not have node {shown(node_id, 20)}"
            )
        self.balancers.nodes.set_status(
            number,
            node,
            status if isinstance(status, str) else "",
            tenant_id=tenant,
            region=region,
        )
        return json_response(None, 204)
