"""Cloud Load Balancers' HTTP layer: routes, request parsing and response shaping over
``model.LoadBalancers``.

Mounted under ``/clb``; the catalog endpoint (type ``rax:load-balancer``, name
``cloudLoadBalancers``) is ``/clb/{region}/v1.0/{tenant}`` in every configured region. Mimic's
status controls for tests are ``control.CLBControl``, under the control plane.

Errors are ``ServiceError``s (the model's ``errors.CLBError`` family among them), which
``RoutedService.handle`` catches and ``error_response`` renders in the real service's
shapes: flat ``{"message", "code"}``, the ``validationErrors`` form for invalid content, and
the front proxy's ``overLimit`` body (with ``Retry-After``) for an injected 413. Checks run in
the original Mimic's order: the load balancer (404, 410), its status (422), then the request
body (400), then limits and duplicates (413, 422).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, ClassVar

from werkzeug.wrappers import Response

from pytest_mimic.clock import clamp, isoformat_z
from pytest_mimic.panel import ROW_LIMIT, Panel, Rows, countdown
from pytest_mimic.parsing import parse_timestamp, shown
from pytest_mimic.services.base import (
    CatalogEntry,
    RoutedService,
    ServiceContext,
    ServiceError,
    behaviors,
    encoded_json_response,
    json_response,
    parse_json_body,
    route,
)
from pytest_mimic.services.clb import (
    data,
    documents,
    errors,
    model,
    presets,
    schema,
    seed,
    subresources,
)
from pytest_mimic.services.clb import settings as clb_settings
from pytest_mimic.services.clb.control import CLBControl
from pytest_mimic.services.clb.scenarios import BEHAVIOR_PARAMETERS
from pytest_mimic.services.pagination import next_link, parse_limit

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from werkzeug.wrappers import Request

    from pytest_mimic.faults import FaultRule
    from pytest_mimic.scenarios import Parameter, Scenario
    from pytest_mimic.settings import Setting

__all__ = ["CLBService"]

#: Most load balancers one list page shows.
MAX_PAGE = 1000
#: Seconds an injected 413 tells the client to wait when the rule names no ``Retry-After``.
RETRY_AFTER_SECONDS = 60
#: A longer wait named by a rule is replaced by the default (it could not be shown as a date).
MAX_RETRY_AFTER_SECONDS = 366 * 24 * 3600

_INVALID_JSON = "Invalid JSON request body"
_NO_IDS = "Must supply one or more id's to process this request."
_BODY_KEY = "pytest_mimic.clb.body"
_ATOM_TYPE = "application/atom+xml"

#: URL of the load balancer collection, relative to the service prefix.
LBS = "/<region>/v1.0/<tenant>/loadbalancers"
ONE = LBS + "/<lb_id>"
NODE = ONE + "/nodes/<node_id>"


def _encoded(body: Any) -> bytes:
    return json.dumps(body).encode()


_PROTOCOLS = _encoded(
    {"protocols": [{"name": name, "port": port} for name, port in data.PROTOCOLS.items()]}
)
_ALGORITHMS = _encoded({"algorithms": [{"name": name} for name in data.ALGORITHMS]})
_ALLOWED_DOMAINS = _encoded({"allowedDomains": [{"allowedDomain": {"name": "rackspace.com"}}]})
_LIMITS = _encoded(
    {
        "absolute": [
            {"name": "BATCH_DELETE_LIMIT", "value": data.BATCH_DELETE_LIMIT},
            {"name": "ACCESS_LIST_LIMIT", "value": data.MAX_ACCESS_ITEMS},
            {"name": "NODE_LIMIT", "value": data.MAX_NODES},
            {"name": "NODE_META_LIMIT", "value": data.MAX_METADATA},
            {"name": "LOADBALANCER_META_LIMIT", "value": data.MAX_METADATA},
        ]
    }
)


def _accepted() -> Response:
    return json_response(None, 202)


def _ok() -> Response:
    return json_response(None, 200)


def _is_feed(request: Request) -> bool:
    return request.path.endswith(".atom")


def _feed_error(status: int, message: str) -> Response:
    return Response(documents.feed_error(status, message), status, mimetype=_ATOM_TYPE)


def _id(raw: str) -> int:
    """A load balancer id from the URL; anything but a positive integer names nothing."""
    lb_id = schema.parse_id(raw)
    if lb_id is None:
        raise errors.NotFound("Load balancer not found")
    return lb_id


def _since(value: str) -> float:
    try:
        return parse_timestamp(value, "changes-since")
    except ValueError as error:
        raise errors.BadRequest(str(error)) from None


def _seconds(parameters: Mapping[str, Any], key: str = "duration") -> float:
    try:
        return presets.preset_seconds(parameters.get(key), key)
    except ValueError as error:
        raise errors.BadRequest(str(error)) from None


def _transition(request: Request) -> model.Transition:
    """How the change ends, from the ``Behave`` actions the fault engine attached."""
    seconds: float | None = None
    error = False
    for behave in behaviors(request):
        if behave.name == "error":
            error = True
        elif behave.name == "pending_update":
            seconds = _seconds(behave.parameters)
    return model.Transition(seconds, error)


class _SubResourceRoutes:
    """The handlers ``subresources.handlers`` makes from its table, set just below."""


for _operation, _handler in subresources.handlers(ONE).items():
    setattr(_SubResourceRoutes, _operation, _handler)


class CLBService(_SubResourceRoutes, RoutedService):
    """Rackspace Cloud Load Balancers v1.0, with Mimic's presets and status controls."""

    name: ClassVar[str] = "clb"
    prefix: ClassVar[str] = "/clb"
    settings: ClassVar[Sequence[Setting[Any]]] = clb_settings.SETTINGS
    behaviors: ClassVar[Mapping[str, str]] = {
        "build": "a new load balancer stays in BUILD for parameters.duration seconds (default 10)",
        "pending_update": "a change is followed by PENDING_UPDATE for parameters.duration "
        "seconds (default 10)",
        "pending_delete": "a delete is followed by PENDING_DELETE for parameters.duration "
        "seconds (default 10); a bulk delete takes parameters.by_id, seconds per id",
        "error": "a change leaves the load balancer in ERROR, where only a delete is allowed",
    }
    behavior_parameters: ClassVar[Mapping[str, Sequence[Parameter]]] = BEHAVIOR_PARAMETERS
    control: ClassVar[type[CLBControl]] = CLBControl
    described_attributes: ClassVar[frozenset[str]] = frozenset(
        {"lb_name", "metadata", "node_address", "node_addresses", "metadata_by_id"}
    )

    @classmethod
    def scenarios(cls) -> Sequence[Scenario]:
        from pytest_mimic.services.clb.scenarios import SCENARIOS

        return SCENARIOS

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self.balancers = model.LoadBalancers(context.now, lambda: context.config)

    # -- service interface -------------------------------------------------------------

    def catalog_entries(self) -> Sequence[CatalogEntry]:
        return (
            CatalogEntry("rax:load-balancer", "cloudLoadBalancers", "/clb/{region}/v1.0/{tenant}"),
        )

    def presets(self) -> Mapping[str, Any]:
        return presets.PRESETS

    def reset(self) -> None:
        old = self.balancers.reset()
        # Freed in the background where the core offers it (a reset stays cheap however
        # many load balancers a test made); dropped here otherwise.
        discard = getattr(self.context, "discard", None)
        if discard is not None:
            discard(old)

    def fault_rules(self) -> Sequence[FaultRule]:
        return presets.standing_rules()

    def state(self) -> Mapping[str, Any]:
        """Every load balancer with its status, next status change and nodes."""
        return self._summary(None)

    def panel(self, limit: int = ROW_LIMIT) -> Panel:
        return Panel.of(self._summary(limit), limit)

    def _summary(self, limit: int | None) -> dict[str, Any]:
        now = self.balancers.now()
        total, balancers = self.balancers.every_load_balancer(limit)
        rows = []
        for lb in balancers:
            upcoming = lb.timeline.next_change(now)
            nodes = list(lb.nodes.values())
            rows.append(
                {
                    "name": lb.name,
                    "status": lb.status_at(now),
                    "next": ""
                    if upcoming is None
                    else f"{upcoming[1]} in {countdown(upcoming[0] - now)}",
                    "protocol": f"{lb.protocol}:{lb.port}",
                    "nodes": Rows(
                        (
                            {
                                "address": node.address,
                                "port": node.port,
                                "condition": node.condition,
                                "status": node.status,
                                "id": node.id,
                            }
                            for node in nodes[:limit]
                        ),
                        len(nodes),
                    ),
                    "id": lb.id,
                    "tenant": lb.tenant_id,
                    "region": lb.region,
                }
            )
        return {"load balancers": Rows(rows, total)}

    seed_fields: ClassVar[Mapping[str, str]] = seed.SEED_FIELDS

    @classmethod
    def check_seed(cls, section: Mapping[str, Any]) -> seed.CLBSeed:
        return seed.check(section)

    def load_seed(self, checked: seed.CLBSeed) -> None:
        config = self.context.config
        seed.load(self.balancers, checked, config.credentials.tenant_id, config.default_region)

    def export(self) -> Mapping[str, Any]:
        return seed.export(self.balancers)

    def set_status(
        self,
        lb_id: int | str,
        status: str,
        *,
        tenant: str | None = None,
        region: str | None = None,
        seconds: float | None = None,
    ) -> None:
        """Force a load balancer's status: ``ACTIVE``, ``ERROR``, ``PENDING_UPDATE`` or
        ``PENDING_DELETE``. It stays until changed again; with ``seconds`` it lasts that long,
        then the load balancer turns ACTIVE (DELETED after ``PENDING_DELETE``).

        Ids are unique in the cloud, so ``tenant`` and ``region`` only double-check; an id may
        be given as text (libcloud keeps ids as strings). ``ValueError`` for another status,
        ``LookupError`` for an unknown load balancer.
        """
        try:
            self.balancers.set_status(
                _python_id(lb_id), status, tenant_id=tenant, region=region, seconds=seconds
            )
        except errors.BadRequest as error:
            raise ValueError(error.message) from None
        except errors.NotFound as error:
            raise LookupError(error.message) from None

    def set_node_status(
        self,
        lb_id: int | str,
        node_id: int | str,
        status: str,
        *,
        tenant: str | None = None,
        region: str | None = None,
    ) -> None:
        """Force a node's ``status`` (``ONLINE`` or ``OFFLINE``), as a health check would.

        ``ValueError`` for another status, ``LookupError`` for an unknown load balancer or node.
        """
        try:
            self.balancers.nodes.set_status(
                _python_id(lb_id), _python_id(node_id), status, tenant_id=tenant, region=region
            )
        except errors.BadRequest as error:
            raise ValueError(error.message) from None
        except errors.NotFound as error:
            raise LookupError(error.message) from None

    # -- operations --------------------------------------------------------------------

    def describe(
        self, operation: str, request: Request, arguments: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """``lb_id`` and ``node_id`` as integers, the load balancer's ``lb_name`` and
        ``metadata`` (what presets and "fail add node on LB web-*" rules match), and the
        ``node_address`` a request names."""
        attributes: dict[str, Any] = {}
        tenant, region = str(arguments.get("tenant")), str(arguments.get("region"))
        lb_id = schema.parse_id(arguments.get("lb_id"))
        node_id = schema.parse_id(arguments.get("node_id"))
        if node_id is not None:
            attributes["node_id"] = node_id
        if lb_id is not None:
            attributes["lb_id"] = lb_id
            facts = self.balancers.facts(model.Ref(tenant, region, lb_id), node_id)
            if facts is not None:
                attributes.update(facts)
        if operation == "create_load_balancer":
            body = self._peek(request)
            lb = body.get("loadBalancer", body) if isinstance(body, dict) else None
            if isinstance(lb, dict):
                if isinstance(lb.get("name"), str):
                    attributes["lb_name"] = lb["name"]
                attributes["metadata"] = _metadata_of(lb.get("metadata"))
                _node_addresses(lb.get("nodes"), attributes)
        elif operation == "add_nodes":
            body = self._peek(request)
            if isinstance(body, dict):
                _node_addresses(body.get("nodes"), attributes)
        elif operation == "delete_load_balancers":
            ids = [schema.parse_id(raw) for raw in request.args.getlist("id")]
            attributes["metadata_by_id"] = self.balancers.metadata_by_id(
                tenant, region, [i for i in ids if i is not None]
            )
        return attributes

    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        """Flat ``{"message", "code"}``; the ``validationErrors`` body for that fault (one
        message per line of ``message``); a 413 without a fault, or ``overLimit`` (rate
        limiting), in the front proxy's shape with ``Retry-After``; XML for the node feed
        (``.atom``), whose errors the original Mimic answered in the feed's own format."""
        if request is not None and _is_feed(request):
            response = _feed_error(status, message)
            for name, value in (headers or {}).items():
                response.headers[name] = value
            return response
        if status == 413 and fault in (None, "overLimit"):
            return self._over_limit(message, headers or {})
        if fault == errors.VALIDATION_FAULT:
            body = {
                "validationErrors": {"messages": message.splitlines()},
                "message": "Validation Failure",
                "code": status,
                "details": "The object is not valid",
            }
            return json_response(body, status, headers=headers)
        return json_response({"message": message, "code": status}, status, headers=headers)

    def _over_limit(self, message: str, headers: Mapping[str, str]) -> Response:
        retry = {k.lower(): v for k, v in headers.items()}.get("retry-after", "")
        try:
            seconds = float(retry)
        except ValueError:
            seconds = RETRY_AFTER_SECONDS
        if not 0 <= seconds <= MAX_RETRY_AFTER_SECONDS:  # NaN fails too
            seconds = RETRY_AFTER_SECONDS
        if message.startswith("Injected fault"):
            message = "OverLimit Retry..."
        body = {
            "overLimit": {
                "code": 413,
                "message": message,
                "details": "Error Details...",
                "retryAfter": isoformat_z(clamp(self.context.now() + seconds), digits=0),
            }
        }
        merged = {**headers, "Retry-After": str(math.ceil(seconds))}
        return json_response(body, 413, headers=merged)

    # -- request helpers ---------------------------------------------------------------

    def _body(self, request: Request) -> Any:
        """The JSON body (parsed once per request); 400 ``Invalid JSON request body``."""
        environ = request.environ
        if _BODY_KEY in environ:
            return environ[_BODY_KEY]
        try:
            body = parse_json_body(request)
        except ServiceError as error:
            if error.status == 400:
                raise errors.BadRequest(_INVALID_JSON) from None
            raise
        environ[_BODY_KEY] = body
        return body

    def _peek(self, request: Request) -> Any:
        try:
            return self._body(request)
        except ServiceError:
            return None

    @staticmethod
    def _ref(region: str, tenant: str, lb_id: str) -> model.Ref:
        return model.Ref(tenant, region, _id(lb_id))

    def _node_id(self, ref: model.Ref, raw: str) -> int:
        node_id = schema.parse_id(raw)
        if node_id is None:
            self.balancers.readable(ref)  # the load balancer's own 404/410 come first
            raise errors.NotFound(
                f"Node with id #{shown(raw, 20)} not found for loadbalancer #{ref.lb_id}"
            )
        return node_id

    def _item_id(self, raw: str, what: str) -> int:
        item_id = schema.parse_id(raw)
        if item_id is None:
            raise errors.NotFound(f"{what} not found")
        return item_id

    @staticmethod
    def _ids(request: Request, what: str) -> list[int]:
        raw = request.args.getlist("id")
        if not raw:
            raise errors.BadRequest(_NO_IDS)
        return schema.parse_ids(raw, what)

    # -- protocols, algorithms, limits -------------------------------------------------

    @route(LBS + "/protocols", operation="list_protocols")
    def list_protocols(self, request: Request, region: str, tenant: str) -> Response:
        """The real protocol list with default ports."""
        return encoded_json_response(_PROTOCOLS)

    @route(LBS + "/algorithms", operation="list_algorithms")
    def list_algorithms(self, request: Request, region: str, tenant: str) -> Response:
        """The five algorithms."""
        return encoded_json_response(_ALGORITHMS)

    @route(LBS + "/alloweddomains", operation="list_allowed_domains")
    def list_allowed_domains(self, request: Request, region: str, tenant: str) -> Response:
        """Domains node addresses may name (pyrax's ``allowed_domains``)."""
        return encoded_json_response(_ALLOWED_DOMAINS)

    @route(LBS + "/absolutelimits", operation="list_limits")
    def list_limits(self, request: Request, region: str, tenant: str) -> Response:
        """The account limits the fake enforces (it sets none on the load balancer count)."""
        return encoded_json_response(_LIMITS)

    # -- load balancers ----------------------------------------------------------------

    @route(LBS, operation="list_load_balancers")
    def list_load_balancers(self, request: Request, region: str, tenant: str) -> Response:
        """The short shape with ``nodeCount``; ``status``, ``nodeaddress`` and
        ``changes-since`` filters; ``limit``/``marker`` paging. DELETED load balancers show
        only with ``?status=DELETED``."""
        args = request.args
        limit = parse_limit(args.get("limit"), default=MAX_PAGE, maximum=MAX_PAGE)
        marker_text = args.get("marker") or None
        marker = schema.parse_id(marker_text) if marker_text else None
        if marker_text and marker is None:
            raise errors.BadRequest(f"Invalid marker {shown(marker_text, 20)}: not an id.")
        since = args.get("changes-since")
        query = model.LoadBalancerQuery(
            status=args.get("status") or None,
            node_address=args.get("nodeaddress") or None,
            changes_since=_since(since) if since else None,
            marker=marker,
            limit=limit,
        )
        page = self.balancers.list_load_balancers(tenant, region, query)
        now = self.balancers.now()
        body: dict[str, Any] = {
            "loadBalancers": [documents.load_balancer_brief(lb, now) for lb in page.items]
        }
        if page.more:
            path = f"{self.prefix}/{region}/v1.0/{tenant}/loadbalancers"
            body["links"] = [
                next_link(request, path=path, marker=str(page.items[-1].id), limit=limit)
            ]
        return json_response(body)

    @route(LBS, methods=("POST",), operation="create_load_balancer")
    def create_load_balancer(self, request: Request, region: str, tenant: str) -> Response:
        """202 with the full shape, in BUILD (ACTIVE at once with the default build time)."""
        spec = schema.load_balancer_spec(self._body(request))
        for key, value in spec.metadata:
            if key in schema.PRESET_KEYS and key != "lb_error_state":
                try:
                    presets.preset_seconds(value, key)
                except ValueError as error:
                    raise errors.ValidationFailed(str(error)) from None
        build: float | None = None
        for behave in behaviors(request):
            if behave.name == "build":
                build = _seconds(behave.parameters)
        lb = self.balancers.create(tenant, region, spec, build)
        detail = documents.load_balancer_detail(lb, self.balancers.now())
        return json_response({"loadBalancer": detail}, 202)

    @route(LBS, methods=("DELETE",), operation="delete_load_balancers")
    def delete_load_balancers(self, request: Request, region: str, tenant: str) -> Response:
        """Bulk delete ``?id=1&id=2`` (up to 10): all or none, 202."""
        ids = self._ids(request, "Load balancer")
        unique = sorted(set(ids))
        if len(unique) > data.BATCH_DELETE_LIMIT:
            raise errors.ValidationFailed(
                f"Request to delete {len(unique)} load balancers exceeds the account limit "
                f"BATCH_DELETE_LIMIT of {data.BATCH_DELETE_LIMIT}"
            )
        durations: dict[int, float] = {}
        for behave in behaviors(request):
            if behave.name == "pending_delete":
                by_id = behave.parameters.get("by_id")
                if isinstance(by_id, dict):
                    # Keys may be text: a behaviour registered over HTTP came as JSON.
                    for key, value in by_id.items():
                        number = schema.parse_id(key)
                        if number is not None:
                            durations[number] = _seconds({"duration": value})
        self.balancers.delete_many(tenant, region, unique, durations)
        return _accepted()

    @route(ONE, operation="get_load_balancer")
    def get_load_balancer(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """The full shape; a DELETED load balancer shows until its retention ends, then 404."""
        lb = self.balancers.load_balancer(self._ref(region, tenant, lb_id))
        detail = documents.load_balancer_detail(lb, self.balancers.now())
        return json_response({"loadBalancer": detail})

    @route(ONE, methods=("PUT",), operation="update_load_balancer")
    def update_load_balancer(
        self, request: Request, region: str, tenant: str, lb_id: str
    ) -> Response:
        """Change name, algorithm, protocol, port, timeout, halfClosed or httpsRedirect: 202,
        then PENDING_UPDATE."""
        ref = self._ref(region, tenant, lb_id)
        self.balancers.mutable(ref)
        changes = schema.load_balancer_changes(self._body(request))
        self.balancers.update(ref, changes, _transition(request))
        return _accepted()

    @route(ONE, methods=("DELETE",), operation="delete_load_balancer")
    def delete_load_balancer(
        self, request: Request, region: str, tenant: str, lb_id: str
    ) -> Response:
        """202; PENDING_DELETE, then DELETED (readable for the retention time), then 404."""
        seconds: float | None = None
        for behave in behaviors(request):
            if behave.name == "pending_delete":
                seconds = _seconds(behave.parameters)
        self.balancers.delete(self._ref(region, tenant, lb_id), seconds)
        return _accepted()

    # -- nodes -------------------------------------------------------------------------

    @route(ONE + "/nodes", operation="list_nodes")
    def list_nodes(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """``{"nodes": [...]}``; 410 once the load balancer is DELETED."""
        nodes = self.balancers.nodes.all_of(self._ref(region, tenant, lb_id))
        return json_response({"nodes": [documents.node(node) for node in nodes]})

    @route(ONE + "/nodes", methods=("POST",), operation="add_nodes")
    def add_nodes(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """202 ``{"nodes": [...]}`` with the new nodes and their ids."""
        ref = self._ref(region, tenant, lb_id)
        self.balancers.mutable(ref)
        specs = schema.node_specs(self._body(request))
        added = self.balancers.nodes.add(ref, specs, _transition(request))
        return json_response({"nodes": [documents.node(node) for node in added]}, 202)

    @route(ONE + "/nodes", methods=("DELETE",), operation="delete_nodes")
    def delete_nodes(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """Bulk delete ``?id=..`` (up to 10 ids that are all on the load balancer): 202."""
        ids = self._ids(request, "Node")
        ref = self._ref(region, tenant, lb_id)
        self.balancers.nodes.delete_many(ref, ids, _transition(request))
        return _accepted()

    @route(NODE, operation="get_node")
    def get_node(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str
    ) -> Response:
        """``{"node": {...}}``."""
        ref = self._ref(region, tenant, lb_id)
        node = self.balancers.nodes.get(ref, self._node_id(ref, node_id))
        return json_response({"node": documents.node(node)})

    @route(NODE, methods=("PUT",), operation="update_node")
    def update_node(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str
    ) -> Response:
        """Change condition, type or weight (``{"node": {...}}`` or bare): 202."""
        ref = self._ref(region, tenant, lb_id)
        number = self._node_id(ref, node_id)
        self.balancers.mutable(ref)
        changes = schema.node_changes(self._body(request))
        self.balancers.nodes.update(ref, number, changes, _transition(request))
        return _accepted()

    @route(NODE, methods=("DELETE",), operation="delete_node")
    def delete_node(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str
    ) -> Response:
        """202 with an empty body."""
        ref = self._ref(region, tenant, lb_id)
        self.balancers.nodes.delete(ref, self._node_id(ref, node_id), _transition(request))
        return _accepted()

    @route(NODE + ".atom", operation="get_node_feed")
    def get_node_feed(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str
    ) -> Response:
        """The node's Atom feed (created and updated events, newest first); errors in XML."""
        ref = self._ref(region, tenant, lb_id)
        entries = self.balancers.nodes.feed(ref, self._node_id(ref, node_id))
        return Response(documents.feed_document(entries), mimetype=_ATOM_TYPE)

    # -- virtual IPs, usage, stats -----------------------------------------------------

    @route(ONE + "/virtualips", operation="list_virtual_ips")
    def list_virtual_ips(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """``{"virtualIps": [...], "links": []}``."""
        vips = self.balancers.virtual_ips(self._ref(region, tenant, lb_id))
        return json_response(
            {"virtualIps": [documents.virtual_ip(vip) for vip in vips], "links": []}
        )

    @route(ONE + "/usage", operation="get_usage")
    def get_usage(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """One plausible usage record since creation."""
        lb = self.balancers.readable(self._ref(region, tenant, lb_id))
        return json_response(documents.usage(lb, self.balancers.now()))

    @route(ONE + "/usage/current", operation="get_current_usage")
    def get_current_usage(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """One plausible usage record for the current hour."""
        lb = self.balancers.readable(self._ref(region, tenant, lb_id))
        return json_response(documents.current_usage(lb, self.balancers.now()))

    @route(LBS + "/usage", operation="get_account_usage")
    def get_account_usage(self, request: Request, region: str, tenant: str) -> Response:
        """Usage of every load balancer of the tenant in the region."""
        page = self.balancers.list_load_balancers(
            tenant, region, model.LoadBalancerQuery(limit=MAX_PAGE)
        )
        return json_response(documents.account_usage(tenant, page.items, self.balancers.now()))

    @route(ONE + "/stats", operation="get_stats")
    def get_stats(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """Plausible connection counters."""
        lb = self.balancers.readable(self._ref(region, tenant, lb_id))
        return json_response(documents.stats(lb, self.balancers.now()))

    # -- settings: health monitor, throttle, persistence, logging, caching, error page, SSL
    # (their handlers come from ``subresources.SUB_RESOURCES``)

    def _show_setting(
        self, region: str, tenant: str, lb_id: str, sub: subresources.SubResource
    ) -> Response:
        """``{key: ...}``: the stored setting as ``sub`` shows it."""
        stored = self.balancers.setting(self._ref(region, tenant, lb_id), sub.key)
        return json_response({sub.key: sub.show(stored)})

    def _change_setting(
        self,
        request: Request,
        region: str,
        tenant: str,
        lb_id: str,
        sub: subresources.SubResource,
        *,
        remove: bool,
    ) -> Response:
        """Store what the body says (``remove``: forget the setting); 202."""
        ref = self._ref(region, tenant, lb_id)
        if remove:
            self.balancers.change_setting(ref, sub.key, lambda _current: None, _transition(request))
            return _accepted()
        self.balancers.mutable(ref)
        body = self._body(request)
        self.balancers.change_setting(
            ref, sub.key, lambda current: sub.parse(body, current), _transition(request)
        )
        return _accepted()

    # -- access list -------------------------------------------------------------------

    @route(ONE + "/accesslist", operation="get_access_list")
    def get_access_list(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """``{"accessList": [{"address", "id", "type"}]}``."""
        items = self.balancers.access_lists.items(self._ref(region, tenant, lb_id))
        return json_response({"accessList": [documents.access_item(item) for item in items]})

    @route(ONE + "/accesslist", methods=("POST",), operation="add_access_list")
    def add_access_list(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """``{"accessList": [...]}`` (or libcloud's ``{"networkItem": {...}}``): 202."""
        ref = self._ref(region, tenant, lb_id)
        self.balancers.mutable(ref)
        specs = schema.access_items(self._body(request))
        self.balancers.access_lists.add(ref, specs, _transition(request))
        return _accepted()

    @route(ONE + "/accesslist", methods=("DELETE",), operation="delete_access_list")
    def delete_access_list(
        self, request: Request, region: str, tenant: str, lb_id: str
    ) -> Response:
        """The whole list, or the items named by ``?id=``: 202."""
        ref = self._ref(region, tenant, lb_id)
        raw = request.args.getlist("id")
        ids = schema.parse_ids(raw, "Network item") if raw else None
        self.balancers.access_lists.delete_many(ref, ids, _transition(request))
        return _accepted()

    @route(ONE + "/accesslist/<item_id>", methods=("DELETE",), operation="delete_access_item")
    def delete_access_item(
        self, request: Request, region: str, tenant: str, lb_id: str, item_id: str
    ) -> Response:
        """One network item: 202."""
        ref = self._ref(region, tenant, lb_id)
        number = self._item_id(item_id, "Network item")
        self.balancers.access_lists.delete(ref, number, _transition(request))
        return _accepted()

    # -- metadata of load balancers and nodes ------------------------------------------

    def _list_metadata(self, ref: model.Ref, node_id: int | None) -> Response:
        items = self.balancers.metadata.items(ref, node_id)
        return json_response({"metadata": [documents.metadata_item(item) for item in items]})

    def _add_metadata(self, request: Request, ref: model.Ref, node_id: int | None) -> Response:
        self.balancers.mutable(ref)
        items = schema.metadata_items(self._body(request))
        added = self.balancers.metadata.add(ref, items, _transition(request), node_id)
        return json_response({"metadata": [documents.metadata_item(item) for item in added]})

    def _delete_metadata(self, request: Request, ref: model.Ref, node_id: int | None) -> Response:
        ids = self._ids(request, "Metadata")
        self.balancers.metadata.delete_many(ref, ids, _transition(request), node_id)
        return _ok()

    def _get_metadata_item(self, ref: model.Ref, raw: str, node_id: int | None) -> Response:
        item = self.balancers.metadata.item(ref, self._item_id(raw, "Metadata item"), node_id)
        return json_response({"meta": documents.metadata_item(item)})

    def _update_metadata_item(
        self, request: Request, ref: model.Ref, raw: str, node_id: int | None
    ) -> Response:
        self.balancers.mutable(ref)
        item = self.balancers.metadata.item(ref, self._item_id(raw, "Metadata item"), node_id)
        value = schema.metadata_value(self._body(request), item.key)
        self.balancers.metadata.update(ref, item.id, value, _transition(request), node_id)
        return _ok()

    def _delete_metadata_item(
        self, request: Request, ref: model.Ref, raw: str, node_id: int | None
    ) -> Response:
        item_id = self._item_id(raw, "Metadata item")
        self.balancers.metadata.delete(ref, item_id, _transition(request), node_id)
        return _ok()

    @route(ONE + "/metadata", operation="list_metadata")
    def list_metadata(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """``{"metadata": [{"id", "key", "value"}]}``."""
        return self._list_metadata(self._ref(region, tenant, lb_id), None)

    @route(ONE + "/metadata", methods=("POST",), operation="add_metadata")
    def add_metadata(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """``{"metadata": [{"key", "value"}]}``: 200 with the new items (25 at most)."""
        return self._add_metadata(request, self._ref(region, tenant, lb_id), None)

    @route(ONE + "/metadata", methods=("DELETE",), operation="delete_metadata")
    def delete_metadata(self, request: Request, region: str, tenant: str, lb_id: str) -> Response:
        """The items named by ``?id=``: 200."""
        return self._delete_metadata(request, self._ref(region, tenant, lb_id), None)

    @route(ONE + "/metadata/<meta_id>", operation="get_metadata_item")
    def get_metadata_item(
        self, request: Request, region: str, tenant: str, lb_id: str, meta_id: str
    ) -> Response:
        """``{"meta": {"id", "key", "value"}}``."""
        return self._get_metadata_item(self._ref(region, tenant, lb_id), meta_id, None)

    @route(ONE + "/metadata/<meta_id>", methods=("PUT",), operation="update_metadata_item")
    def update_metadata_item(
        self, request: Request, region: str, tenant: str, lb_id: str, meta_id: str
    ) -> Response:
        """``{"meta": {"value": ...}}``: 200."""
        return self._update_metadata_item(request, self._ref(region, tenant, lb_id), meta_id, None)

    @route(ONE + "/metadata/<meta_id>", methods=("DELETE",), operation="delete_metadata_item")
    def delete_metadata_item(
        self, request: Request, region: str, tenant: str, lb_id: str, meta_id: str
    ) -> Response:
        """200."""
        return self._delete_metadata_item(request, self._ref(region, tenant, lb_id), meta_id, None)

    @route(NODE + "/metadata", operation="list_node_metadata")
    def list_node_metadata(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str
    ) -> Response:
        """A node's metadata."""
        ref = self._ref(region, tenant, lb_id)
        return self._list_metadata(ref, self._node_id(ref, node_id))

    @route(NODE + "/metadata", methods=("POST",), operation="add_node_metadata")
    def add_node_metadata(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str
    ) -> Response:
        """As for a load balancer, 25 items per node."""
        ref = self._ref(region, tenant, lb_id)
        return self._add_metadata(request, ref, self._node_id(ref, node_id))

    @route(NODE + "/metadata", methods=("DELETE",), operation="delete_node_metadata")
    def delete_node_metadata(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str
    ) -> Response:
        """The items named by ``?id=``: 200."""
        ref = self._ref(region, tenant, lb_id)
        return self._delete_metadata(request, ref, self._node_id(ref, node_id))

    @route(NODE + "/metadata/<meta_id>", operation="get_node_metadata_item")
    def get_node_metadata_item(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str, meta_id: str
    ) -> Response:
        """``{"meta": {...}}``."""
        ref = self._ref(region, tenant, lb_id)
        return self._get_metadata_item(ref, meta_id, self._node_id(ref, node_id))

    @route(NODE + "/metadata/<meta_id>", methods=("PUT",), operation="update_node_metadata_item")
    def update_node_metadata_item(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str, meta_id: str
    ) -> Response:
        """``{"meta": {"value": ...}}``: 200."""
        ref = self._ref(region, tenant, lb_id)
        return self._update_metadata_item(request, ref, meta_id, self._node_id(ref, node_id))

    @route(NODE + "/metadata/<meta_id>", methods=("DELETE",), operation="delete_node_metadata_item")
    def delete_node_metadata_item(
        self, request: Request, region: str, tenant: str, lb_id: str, node_id: str, meta_id: str
    ) -> Response:
        """200."""
        ref = self._ref(region, tenant, lb_id)
        return self._delete_metadata_item(request, ref, meta_id, self._node_id(ref, node_id))


def _python_id(value: int | str) -> int:
    """An id handed to a Python method, as an int (``LookupError`` if it cannot be one)."""
    number = schema.parse_id(value)
    if number is None:
        raise LookupError(f"{value!r} is not a load balancer or node id")
    return number


def _metadata_of(value: Any) -> dict[str, Any]:
    """``[{"key", "value"}]`` from a create body as a dict, skipping malformed items."""
    result: dict[str, Any] = {}
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                result[item["key"]] = item.get("value")
    return result


def _node_addresses(value: Any, attributes: dict[str, Any]) -> None:
    if not isinstance(value, list):
        return
    addresses = tuple(
        node["address"]
        for node in value
        if isinstance(node, dict) and isinstance(node.get("address"), str)
    )
    if addresses:
        attributes["node_address"] = addresses[0]
        attributes["node_addresses"] = addresses
