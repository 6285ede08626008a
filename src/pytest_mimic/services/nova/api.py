"""Nova's HTTP layer: routes, request parsing and response shaping over ``model.Compute``.

Mounted under ``/compute``; the catalog endpoint is ``/compute/{region}/v2/{tenant}``. The
API is Nova v2.1 with no later microversions: the version documents advertise exactly 2.1,
every answer carries the 2.1 version headers, and a request for any other microversion gets
Nova's 406.

Handlers call the model directly: what it refuses it raises as ``ServiceError`` subclasses
(``model.ComputeError``, ``presets.PresetError``, the name filter's refusals) carrying
Nova's status, fault name and message, and ``RoutedService.handle`` renders them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from pytest_mimic.clock import isoformat_z
from pytest_mimic.panel import ROW_LIMIT, Panel, Rows, countdown
from pytest_mimic.parsing import parse_timestamp, shown
from pytest_mimic.services.base import (
    CatalogEntry,
    Operation,
    RoutedService,
    Sample,
    ServiceContext,
    ServiceError,
    base_url,
    behaviors,
    encoded_json_response,
    expect_object,
    expect_string,
    json_response,
    parse_json_body,
    peek_json_body,
    route,
)
from pytest_mimic.services.nova import documents, model, presets, seed
from pytest_mimic.services.nova.block_devices import block_devices
from pytest_mimic.services.nova.images import image_source
from pytest_mimic.services.nova.name_filter import NameFilter
from pytest_mimic.services.nova.scenarios import BEHAVIOR_PARAMETERS
from pytest_mimic.services.nova.settings import SETTINGS
from pytest_mimic.services.pagination import next_link, parse_limit

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from werkzeug.wrappers import Request, Response

    from pytest_mimic.faults import FaultRule
    from pytest_mimic.scenarios import Parameter, Scenario
    from pytest_mimic.services.nova.data import Flavor
    from pytest_mimic.settings import Setting

__all__ = ["NovaService"]

#: The only microversion served; clients negotiate down to it.
MICROVERSION = "2.1"
#: Nova's cap on one page of a list (``osapi_max_limit``).
MAX_PAGE = 1000
#: Longest server name, metadata key or value Nova accepts.
MAX_FIELD = 255
#: Most servers one create request may ask for. Nova bounds ``max_count`` only by quota; a
#: fake with unlimited quotas must bound it itself.
MAX_COUNT = 10_000

_VERSION_HEADERS = ("OpenStack-API-Version", "X-OpenStack-Nova-API-Version")
_UNVERSIONED = frozenset({"version", "unknown"})


def _invalid(field: str, why: str) -> ServiceError:
    return ServiceError(400, f"Invalid input for field/attribute {field}. {why}")


def _required(container: Mapping[str, Any], key: str) -> Any:
    if key not in container:
        raise _invalid(key, f"'{key}' is a required property")
    return container[key]


def _ref(value: Any, field: str) -> str:
    """An id given as a string (or, as Nova's schema allows for flavors only, an integer), or a
    URL to one."""
    if field == "flavorRef" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = expect_string(value, field)
    ref = text.rstrip("/").rsplit("/", 1)[-1] if "/" in text else text
    if not ref.strip():
        raise ServiceError(400, f"Invalid {field} provided.")
    return ref


def _metadata(value: Any, field: str = "metadata") -> dict[str, str]:
    """Nova's metadata rules: an object of 1-255 character keys and string values <= 255.

    Numbers are accepted for the ``server_building`` preset key (as Mimic's README shows).
    """
    items = expect_object(value, field)
    result: dict[str, str] = {}
    for key, item in items.items():
        if not 1 <= len(key) <= MAX_FIELD:
            raise _invalid(field, f"Metadata key {key!r} must be 1 to {MAX_FIELD} characters long.")
        if (
            key == "server_building"
            and isinstance(item, int | float)
            and not isinstance(item, bool)
        ):
            item = str(item)
        if not isinstance(item, str):
            raise _invalid(field, f"Metadata value for {key!r} is not a string.")
        if len(item) > MAX_FIELD:
            raise _invalid(
                field, f"Metadata value for {key!r} is longer than {MAX_FIELD} characters."
            )
        result[key] = item
    return result


def _name(value: Any, field: str = "name") -> str:
    name = expect_string(value, field)
    if len(name) > MAX_FIELD:
        raise _invalid(field, f"Name is longer than {MAX_FIELD} characters.")
    if name != name.strip():
        raise _invalid(field, "Name has leading or trailing whitespace.")
    return name


def _count(server: Mapping[str, Any], key: str) -> int:
    """``min_count``/``max_count``: an integer or ASCII-digit text (Nova's schema), 1 to
    ``MAX_COUNT``."""
    value = server.get(key, 1)
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()):
            raise _invalid(key, f"Value: {shown(value)} does not match '^[0-9]*$'.")
        # Compare lengths first: int() of thousands of digits is slow or refused outright.
        value = int(value) if len(value) <= len(str(MAX_COUNT)) else MAX_COUNT + 1
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(key, f"Value: {shown(value)} is not of type 'integer', 'string'.")
    if value < 1:
        raise _invalid(key, f"Value: {shown(value)} is less than the minimum of 1.")
    if value > MAX_COUNT:
        raise _invalid(key, f"Value: {shown(value)} is greater than the maximum of {MAX_COUNT}.")
    return value


def _image_ref(server: Mapping[str, Any]) -> str:
    """``imageRef``: an id or URL; empty or absent (``""``) to boot from a block device,
    which ``block_devices`` then requires, as Nova's schema allows."""
    value = server.get("imageRef", "")
    if value == "":
        return ""
    return _ref(value, "imageRef")


def _server_spec(body: Any, max_personality: int) -> model.ServerSpec:
    server = expect_object(_required(expect_object(body, "body"), "server"), "server")
    name = _name(_required(server, "name"))
    image_ref = _image_ref(server)
    flavor_ref = _ref(_required(server, "flavorRef"), "flavorRef")
    devices = block_devices(server, image_ref)
    metadata = _metadata(server["metadata"]) if "metadata" in server else {}
    key_name = server.get("key_name")
    if key_name is not None:
        key_name = expect_string(key_name, "key_name")
    disk_config = server.get("OS-DCF:diskConfig") or "AUTO"
    if disk_config not in ("AUTO", "MANUAL"):
        raise ServiceError(400, "OS-DCF:diskConfig must be either 'MANUAL' or 'AUTO'.")
    admin_pass = server.get("adminPass")
    if admin_pass is not None:
        admin_pass = expect_string(admin_pass, "adminPass", allow_empty=True)
    minimum, maximum = _count(server, "min_count"), _count(server, "max_count")
    if minimum > maximum:
        raise ServiceError(400, "min_count must be <= max_count")
    networks = server.get("networks")
    if networks is not None and not isinstance(networks, list | str):
        raise _invalid("networks", "Expected a list of networks.")
    personality = server.get("personality")
    if personality is not None:
        if not isinstance(personality, list):
            raise _invalid("personality", "Expected a list of files.")
        if len(personality) > max_personality:
            raise ServiceError(403, "Personality file limit exceeded")
    return model.ServerSpec(
        name=name,
        image_ref=image_ref,
        flavor_ref=flavor_ref,
        metadata=metadata,
        key_name=key_name,
        disk_config=disk_config,
        admin_pass=admin_pass,
        count=maximum,
        block_devices=devices,
    )


@dataclass(frozen=True)
class _FalseNegative:
    """A create that answers an error although the servers were made."""

    status: int
    message: str
    fault: str | None


def _creation(request: Request) -> tuple[model.CreationBehaviour, _FalseNegative | None]:
    """The creation behaviour the fault engine attached, and a false-negative failure if any.

    Every parameter is read before anything is created: a bad one is a ``PresetError``.
    """
    build: float | None = None
    error = False
    error_after: float | None = None
    false_negative: _FalseNegative | None = None
    for behave in behaviors(request):
        parameters = dict(behave.parameters)
        if behave.name == "build":
            build = presets.seconds(parameters.get("duration", 0), "build duration")
        elif behave.name == "error":
            error = True
        elif behave.name == "active-then-error":
            error_after = presets.seconds(parameters.get("duration", 0), "duration")
        elif behave.name == "false-negative":
            fault = parameters.get("type")
            false_negative = _FalseNegative(
                presets.http_status(parameters.get("code", 500), "false-negative"),
                str(parameters.get("message", presets.CREATE_FAILURE_MESSAGE)),
                fault if isinstance(fault, str) else None,
            )
    return model.CreationBehaviour(build, error, error_after), false_negative


def _since(value: str) -> float:
    """``changes-since`` as seconds since the epoch; Nova's 400 echoes the value as given."""
    try:
        return parse_timestamp(value, "changes-since")
    except ValueError:
        raise model.InvalidInput(f"Invalid changes-since value: {value}") from None


def _microversion_error(request: Request) -> ServiceError | None:
    """Nova's answer to a microversion header it cannot serve, or ``None``."""
    for header in _VERSION_HEADERS:
        raw = request.headers.get(header)
        if raw is None:
            continue
        value = raw.strip()
        if header == "OpenStack-API-Version":
            service, _, value = value.partition(" ")
            if service.lower() != "compute":
                continue
            value = value.strip()
        if value.lower() == "latest":
            return None
        match = re.fullmatch(r"(\d+)\.(\d+)", value)
        if match is None:
            return ServiceError(
                400,
                f"API Version String {value} is of invalid format. Must be of format "
                "MajorNum.MinorNum.",
            )
        if (int(match[1]), int(match[2])) != (2, 1):
            return ServiceError(
                406,
                f"Version {value} is not supported by the API. Minimum is {MICROVERSION} and "
                f"maximum is {MICROVERSION}.",
                fault="computeFault",
            )
        return None
    return None


class NovaService(RoutedService):
    """Compute (Nova v2.1 / Rackspace Cloud Servers), with Mimic's presets."""

    name: ClassVar[str] = "nova"
    prefix: ClassVar[str] = "/compute"
    settings: ClassVar[Sequence[Setting[Any]]] = SETTINGS
    behaviors: ClassVar[Mapping[str, str]] = {
        "build": "the new server stays in BUILD for parameters.duration seconds",
        "error": "the new server goes to ERROR",
        "active-then-error": "the new server is ACTIVE, then ERROR after parameters.duration",
        "false-negative": "the create answers parameters.code but the server is created",
    }
    behavior_parameters: ClassVar[Mapping[str, Sequence[Parameter]]] = BEHAVIOR_PARAMETERS
    described_attributes: ClassVar[frozenset[str]] = frozenset(
        {"server_name", "metadata", "action"}
    )

    @classmethod
    def scenarios(cls) -> Sequence[Scenario]:
        from pytest_mimic.services.nova.scenarios import SCENARIOS

        return SCENARIOS

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        #: The state model: every tenant's servers, keypairs and quotas; images come from the
        #: cloud's Image service (``images.image_source``). Its methods raise
        #: ``model.ComputeError`` (a ``ServiceError``) for what Nova refuses.
        finder = image_source()
        self.compute: model.Compute = model.Compute(
            context.now, lambda: context.config, lambda: finder(context)
        )
        self._servers = documents.ServerDocuments()
        self._catalog = documents.CatalogDocuments()

    # -- service interface -------------------------------------------------------------

    def samples(self) -> Sequence[Sample]:
        """A create, the two reads every client makes, and a boot from a volume made from an
        image, as ``openstack server create --block-device`` sends it."""
        server = {"server": {"name": "sample", "imageRef": "any", "flavorRef": "2"}}
        from_volume = {
            "server": {
                "name": "sample-volume",
                "imageRef": "",
                "flavorRef": "2",
                "block_device_mapping_v2": [
                    {
                        "boot_index": 0,
                        "uuid": "any",
                        "source_type": "image",
                        "destination_type": "volume",
                        "volume_size": "10",
                    }
                ],
            }
        }
        return (
            Sample("POST", "/{region}/v2/{tenant}/servers", server, expect=(202,)),
            Sample("GET", "/{region}/v2/{tenant}/servers/detail"),
            Sample("GET", "/{region}/v2/{tenant}/flavors/detail"),
            Sample("POST", "/{region}/v2/{tenant}/servers", from_volume, expect=(202,)),
        )

    def catalog_entries(self) -> Sequence[CatalogEntry]:
        return (CatalogEntry("compute", "cloudServersOpenStack", "/compute/{region}/v2/{tenant}"),)

    def urls(self) -> Mapping[str, str]:
        config = self.context.config
        root = f"{self.prefix}/{config.default_region}"
        return {"nova": f"{root}/v2/{config.credentials.tenant_id}", "nova_root": f"{root}/v2"}

    def presets(self) -> Mapping[str, Any]:
        return presets.PRESETS

    def reset(self) -> None:
        old = (self.compute.reset(), self._servers, self._catalog)
        self._servers = documents.ServerDocuments()
        self._catalog = documents.CatalogDocuments()
        self.context.discard(old)

    def fault_rules(self) -> Sequence[FaultRule]:
        return presets.standing_rules()

    def state(self) -> Mapping[str, Any]:
        """Every live server (status, flavor, image, the next status change) and snapshot."""
        return self._summary(None)

    def panel(self, limit: int = ROW_LIMIT) -> Panel:
        return Panel.of(self._summary(limit), limit)

    def _summary(self, limit: int | None) -> dict[str, Any]:
        now = self.compute.now()
        total, servers = self.compute.every_server(limit)
        rows = []
        for server in servers:
            upcoming = server.timeline.next_change(now)
            rows.append(
                {
                    "name": server.name,
                    "status": server.status_at(now),
                    "next": ""
                    if upcoming is None
                    else f"{upcoming[1]} in {countdown(upcoming[0] - now)}",
                    "flavor": server.flavor.name,
                    "image": server.image.name,
                    "id": server.id,
                    "tenant": server.tenant_id,
                    "region": server.region,
                }
            )
        return {"servers": Rows(rows, total)}

    seed_fields: ClassVar[Mapping[str, str]] = seed.SEED_FIELDS

    @classmethod
    def check_seed(cls, section: Mapping[str, Any]) -> seed.NovaSeed:
        return seed.check(section)

    def load_seed(self, checked: seed.NovaSeed) -> None:
        tenant, region = self._tenant_region(None, None)
        seed.load(self.compute, checked, tenant, region)

    def export(self) -> Mapping[str, Any]:
        return seed.export(self.compute)

    # -- for test authors: ``mimic_cloud.service("nova")`` --------------------------------

    def set_quotas(self, tenant_id: str, region: str | None = None, **limits: int) -> None:
        """Change a tenant's absolute limits (``maxTotalInstances=2``...), in one region or
        (``region=None``) all of them, for servers already there and to come.

        The names are those of ``GET /limits`` (``maxTotalInstances``, ``maxTotalCores``,
        ``maxTotalRAMSize``, ``maxServerMeta``, ``maxTotalKeypairs``...); -1 means unlimited.
        An unknown name raises ``TypeError``. Quotas return to the configured ones at reset.
        """
        self.compute.set_quotas(tenant_id, region, **limits)

    def servers(
        self, tenant_id: str | None = None, region: str | None = None
    ) -> list[model.Server]:
        """The live (not DELETED) servers of ``tenant_id`` in ``region``, oldest first.

        Defaults: the configured default user's tenant and the default region. Read a
        server's status with ``server.status_at(service.compute.now())``.
        """
        tenant, where = self._tenant_region(tenant_id, region)
        return self.compute.servers(tenant, where)

    def find_server(
        self, server_id: str, tenant_id: str | None = None, region: str | None = None
    ) -> model.Server | None:
        """The live server ``server_id`` of ``tenant_id`` in ``region``, or ``None`` (unknown
        or deleted). Defaults as for ``servers``.
        """
        tenant, where = self._tenant_region(tenant_id, region)
        return self.compute.find_server(tenant, where, server_id)

    def _tenant_region(self, tenant_id: str | None, region: str | None) -> tuple[str, str]:
        config = self.context.config
        return (
            config.credentials.tenant_id if tenant_id is None else tenant_id,
            config.default_region if region is None else region,
        )

    # -- HTTP ----------------------------------------------------------------------------

    def describe(
        self, operation: str, request: Request, arguments: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        attributes: dict[str, Any] = {}
        body = peek_json_body(request) if request.method in ("POST", "PUT") else None
        if operation == "create_server":
            server = body.get("server") if isinstance(body, dict) else None
            if isinstance(server, dict):
                if isinstance(server.get("name"), str):
                    attributes["server_name"] = server["name"]
                if isinstance(server.get("metadata"), dict):
                    attributes["metadata"] = dict(server["metadata"])
        elif "server_id" in arguments:
            found = self.compute.find_server(
                str(arguments.get("tenant")),
                str(arguments.get("region")),
                str(arguments["server_id"]),
            )
            if found is not None:
                attributes["server_name"] = found.name
                attributes["metadata"] = dict(found.metadata)
        if operation == "server_action" and isinstance(body, dict) and len(body) == 1:
            attributes["action"] = next(iter(body))
        return attributes

    def handle(self, request: Request, operation: Operation) -> Response:
        problem = None if operation.name in _UNVERSIONED else _microversion_error(request)
        if problem is not None and self._token_ok(request):
            return self.error_response(
                problem.status, problem.message, fault=problem.fault, request=request
            )
        response = super().handle(request, operation)
        self._version_headers(response.headers)
        return response

    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        response = super().error_response(
            status, message, fault=fault, headers=headers, request=request
        )
        self._version_headers(response.headers)
        return response

    @staticmethod
    def _version_headers(headers: Any) -> None:
        headers["X-OpenStack-Nova-API-Version"] = MICROVERSION
        headers["OpenStack-API-Version"] = f"compute {MICROVERSION}"
        headers["Vary"] = "OpenStack-API-Version, X-OpenStack-Nova-API-Version"

    def _user_id(self, request: Request) -> str | None:
        """The id of the user whose token sent ``request`` (``None``: no service knows it)."""
        caller = self.context.caller(request)
        return None if caller is None else caller.user_id

    # -- URLs ----------------------------------------------------------------------------

    def _root(self, request: Request, region: str) -> str:
        # Path segments go back into URLs and the Location header percent-encoded: a region
        # or tenant with a newline or a non-Latin-1 character must not break the answer.
        return f"{base_url(request)}{self.prefix}/{quote(region, safe='')}"

    def _links(self, request: Request, region: str, tenant: str, path: str) -> list[dict[str, str]]:
        return documents.links(self._root(request, region), quote(tenant, safe=""), path)

    # -- versions ------------------------------------------------------------------------

    def _version_document(self, request: Request, region: str) -> dict[str, Any]:
        return {
            "id": "v2.1",
            "status": "CURRENT",
            "version": MICROVERSION,
            "min_version": MICROVERSION,
            "updated": "2013-07-23T11:33:21Z",
            "links": [
                {"href": f"{self._root(request, region)}/v2/", "rel": "self"},
                {"href": "https://docs.openstack.org/", "type": "text/html", "rel": "describedby"},
            ],
            "media-types": [
                {
                    "base": "application/json",
                    "type": "application/vnd.openstack.compute+json;version=2.1",
                }
            ],
        }

    @route("/<region>/", operation="version", auth=False)
    @route("/<region>/v2", operation="version", auth=False)
    def version(self, request: Request, region: str) -> Response:
        """The version list at the root, the v2 document at ``/v2``; no token needed."""
        document = self._version_document(request, region)
        if request.path.rstrip("/").endswith("/v2"):
            return json_response({"version": document})
        return json_response({"versions": [document]})

    # -- servers -------------------------------------------------------------------------

    @route("/<region>/v2/<tenant>/servers", methods=("POST",), operation="create_server")
    def create_server(self, request: Request, region: str, tenant: str) -> Response:
        """202 with the new server's id, links and admin password."""
        limits = self.compute.limits(tenant, region)
        spec = _server_spec(parse_json_body(request), limits["maxPersonality"])
        behaviour, false_negative = _creation(request)
        delete_failure = spec.metadata.get("delete_server_failure")
        if delete_failure is not None:  # refuse a bad preset before creating anything
            presets.delete_failure_rule(delete_failure, tenant=tenant, region=region, server_id="x")
        servers = self.compute.create_servers(
            tenant, region, spec, behaviour, user_id=self._user_id(request)
        )
        if delete_failure is not None:
            for server in servers:
                self.context.faults.add(
                    presets.delete_failure_rule(
                        delete_failure, tenant=tenant, region=region, server_id=server.id
                    )
                )
        if false_negative is not None:
            raise ServiceError(
                false_negative.status, false_negative.message, fault=false_negative.fault
            )
        first = servers[0]
        links = self._links(request, region, tenant, f"servers/{first.id}")
        body: dict[str, Any] = {
            "id": first.id,
            "links": links,
            "adminPass": first.admin_pass,
            "OS-DCF:diskConfig": first.disk_config,
            "security_groups": [{"name": "default"}],
        }
        return json_response({"server": body}, 202, headers={"Location": links[0]["href"]})

    def _list(self, request: Request, region: str, tenant: str, *, detail: bool) -> Response:
        args = request.args
        limit = parse_limit(args.get("limit"), default=MAX_PAGE, maximum=MAX_PAGE)
        name = NameFilter(args["name"]) if args.get("name") else None
        since = args.get("changes-since")
        image, flavor = args.get("image"), args.get("flavor")
        query = model.ServerQuery(
            name=name,
            status=args.get("status") or None,
            image=_ref(image, "image") if image else None,
            flavor=_ref(flavor, "flavor") if flavor else None,
            changes_since=_since(since) if since else None,
            marker=args.get("marker") or None,
            limit=limit,
        )
        page = self.compute.list_servers(tenant, region, query)
        root = self._root(request, region)
        if detail:
            now = self.compute.now()
            render = self._servers.detail
            items = [render(server, root, now) for server in page.items]
        else:
            items = [self._servers.brief(server, root) for server in page.items]
        extra: dict[str, Any] = {}
        if page.more:
            path = f"{self.prefix}/{region}/v2/{tenant}/servers" + ("/detail" if detail else "")
            extra["servers_links"] = [
                next_link(request, path=path, marker=page.items[-1].id, limit=limit)
            ]
        return encoded_json_response(documents.encoded_list("servers", items, extra))

    @route("/<region>/v2/<tenant>/servers", operation="list_servers")
    def list_servers(self, request: Request, region: str, tenant: str) -> Response:
        """Brief list: ids, names and links."""
        return self._list(request, region, tenant, detail=False)

    @route("/<region>/v2/<tenant>/servers/detail", operation="list_servers_detail")
    def list_servers_detail(self, request: Request, region: str, tenant: str) -> Response:
        """Detailed list, statuses read from the clock."""
        return self._list(request, region, tenant, detail=True)

    @route("/<region>/v2/<tenant>/servers/<server_id>", operation="get_server")
    def get_server(self, request: Request, region: str, tenant: str, server_id: str) -> Response:
        """One server, or 404 once deleted."""
        server = self.compute.server(tenant, region, server_id)
        encoded = self._servers.detail(server, self._root(request, region), self.compute.now())
        return encoded_json_response(b'{"server": ' + encoded + b"}")

    @route(
        "/<region>/v2/<tenant>/servers/<server_id>", methods=("DELETE",), operation="delete_server"
    )
    def delete_server(self, request: Request, region: str, tenant: str, server_id: str) -> Response:
        """204; the server leaves lists at once."""
        server = self.compute.server(tenant, region, server_id)
        self.compute.delete_server(tenant, region, server_id)
        self._servers.forget(server)
        return json_response(None, 204)

    @route("/<region>/v2/<tenant>/servers/<server_id>/ips", operation="get_server_ips")
    def get_server_ips(
        self, request: Request, region: str, tenant: str, server_id: str
    ) -> Response:
        """``{"addresses": ...}`` as in the server detail."""
        server = self.compute.server(tenant, region, server_id)
        return json_response({"addresses": server.addresses})

    @route(
        "/<region>/v2/<tenant>/servers/<server_id>/ips/<network>",
        operation="get_server_network_ips",
    )
    def get_server_network_ips(
        self, request: Request, region: str, tenant: str, server_id: str, network: str
    ) -> Response:
        """The addresses on one network; 404 for a network the server is not on."""
        server = self.compute.server(tenant, region, server_id)
        if network not in server.addresses:
            raise ServiceError(404, "Instance is not a member of specified network")
        return json_response({network: server.addresses[network]})

    # -- metadata ------------------------------------------------------------------------

    @route("/<region>/v2/<tenant>/servers/<server_id>/metadata", operation="list_server_metadata")
    def list_server_metadata(
        self, request: Request, region: str, tenant: str, server_id: str
    ) -> Response:
        """``{"metadata": {...}}``."""
        items = self.compute.metadata(tenant, region, server_id)
        return json_response({"metadata": items})

    @route(
        "/<region>/v2/<tenant>/servers/<server_id>/metadata",
        methods=("PUT", "POST"),
        operation="update_server_metadata",
    )
    def update_server_metadata(
        self, request: Request, region: str, tenant: str, server_id: str
    ) -> Response:
        """PUT replaces all metadata, POST merges into it; both answer the result."""
        self.compute.server(tenant, region, server_id)
        body = expect_object(parse_json_body(request), "body")
        items = _metadata(_required(body, "metadata"))
        replace = request.method == "PUT"
        result = self.compute.set_metadata(tenant, region, server_id, items, replace=replace)
        return json_response({"metadata": result})

    @route(
        "/<region>/v2/<tenant>/servers/<server_id>/metadata/<key>",
        operation="get_server_metadata_item",
    )
    def get_server_metadata_item(
        self, request: Request, region: str, tenant: str, server_id: str, key: str
    ) -> Response:
        """``{"meta": {key: value}}`` or 404."""
        items = self.compute.metadata(tenant, region, server_id)
        if key not in items:
            raise ServiceError(404, "Metadata item was not found")
        return json_response({"meta": {key: items[key]}})

    @route(
        "/<region>/v2/<tenant>/servers/<server_id>/metadata/<key>",
        methods=("PUT",),
        operation="set_server_metadata_item",
    )
    def set_server_metadata_item(
        self, request: Request, region: str, tenant: str, server_id: str, key: str
    ) -> Response:
        """Set one key from ``{"meta": {key: value}}``."""
        self.compute.server(tenant, region, server_id)
        body = expect_object(parse_json_body(request), "body")
        meta = _metadata(_required(body, "meta"), "meta")
        if len(meta) > 1:
            raise ServiceError(400, "Request body contains too many items")
        if key not in meta:
            raise ServiceError(400, "Request body and URI mismatch")
        self.compute.set_metadata(tenant, region, server_id, meta, replace=False)
        return json_response({"meta": meta})

    @route(
        "/<region>/v2/<tenant>/servers/<server_id>/metadata/<key>",
        methods=("DELETE",),
        operation="delete_server_metadata_item",
    )
    def delete_server_metadata_item(
        self, request: Request, region: str, tenant: str, server_id: str, key: str
    ) -> Response:
        """204, or 404 for an unknown key."""
        self.compute.delete_metadata_item(tenant, region, server_id, key)
        return json_response(None, 204)

    # -- actions -------------------------------------------------------------------------

    @route(
        "/<region>/v2/<tenant>/servers/<server_id>/action",
        methods=("POST",),
        operation="server_action",
    )
    def server_action(self, request: Request, region: str, tenant: str, server_id: str) -> Response:
        """One action per request; the status code is the action's own."""
        server = self.compute.server(tenant, region, server_id)
        body = expect_object(parse_json_body(request), "body")
        if len(body) != 1:
            raise ServiceError(400, "Malformed request body")
        action, argument = next(iter(body.items()))
        handler = self._actions.get(action)
        if handler is None:
            raise ServiceError(400, f"There is no such action: {action}")
        return handler(self, request, server, argument)

    def _reboot(self, request: Request, server: model.Server, argument: Any) -> Response:
        kind = _required(expect_object(argument, "reboot"), "type")
        if not isinstance(kind, str) or kind.upper() not in ("SOFT", "HARD"):
            raise _invalid("type", f"{kind!r} is not one of ['HARD', 'SOFT'].")
        hard = kind.upper() == "HARD"
        self.compute.reboot(server.tenant_id, server.region, server.id, hard=hard)
        return json_response(None, 202)

    def _resize(self, request: Request, server: model.Server, argument: Any) -> Response:
        flavor_ref = _ref(_required(expect_object(argument, "resize"), "flavorRef"), "flavorRef")
        self.compute.resize(server.tenant_id, server.region, server.id, flavor_ref)
        return json_response(None, 202)

    def _confirm_resize(self, request: Request, server: model.Server, argument: Any) -> Response:
        self.compute.confirm_resize(server.tenant_id, server.region, server.id)
        return json_response(None, 204)

    def _revert_resize(self, request: Request, server: model.Server, argument: Any) -> Response:
        self.compute.revert_resize(server.tenant_id, server.region, server.id)
        return json_response(None, 202)

    def _rebuild(self, request: Request, server: model.Server, argument: Any) -> Response:
        options = expect_object(argument, "rebuild")
        image_ref = _ref(_required(options, "imageRef"), "imageRef")
        name = _name(options["name"]) if "name" in options else None
        metadata = _metadata(options["metadata"]) if "metadata" in options else None
        admin_pass = options.get("adminPass")
        if admin_pass is not None:
            admin_pass = expect_string(admin_pass, "adminPass", allow_empty=True)
        rebuilt = self.compute.rebuild(
            server.tenant_id,
            server.region,
            server.id,
            image_ref=image_ref,
            name=name,
            metadata=metadata,
            admin_pass=admin_pass,
        )
        detail = documents.server_detail(
            self._root(request, server.region), rebuilt, self.compute.now()
        )
        detail["adminPass"] = rebuilt.admin_pass
        return json_response({"server": detail}, 202)

    def _rescue(self, request: Request, server: model.Server, argument: Any) -> Response:
        admin_pass = None
        if argument is not None:
            options = expect_object(argument, "rescue")
            if options.get("adminPass") is not None:
                admin_pass = expect_string(options["adminPass"], "adminPass", allow_empty=True)
        password = self.compute.rescue(server.tenant_id, server.region, server.id, admin_pass)
        return json_response({"adminPass": password})

    def _stop(self, request: Request, server: model.Server, argument: Any) -> Response:
        self.compute.stop(server.tenant_id, server.region, server.id)
        return json_response(None, 202)

    def _start(self, request: Request, server: model.Server, argument: Any) -> Response:
        self.compute.start(server.tenant_id, server.region, server.id)
        return json_response(None, 202)

    def _unrescue(self, request: Request, server: model.Server, argument: Any) -> Response:
        self.compute.unrescue(server.tenant_id, server.region, server.id)
        return json_response(None, 202)

    def _change_password(self, request: Request, server: model.Server, argument: Any) -> Response:
        password = expect_string(
            _required(expect_object(argument, "changePassword"), "adminPass"),
            "adminPass",
            allow_empty=True,
        )
        self.compute.change_password(server.tenant_id, server.region, server.id, password)
        return json_response(None, 202)

    def _create_image(self, request: Request, server: model.Server, argument: Any) -> Response:
        options = expect_object(argument, "createImage")
        name = _name(_required(options, "name"))
        metadata = _metadata(options["metadata"]) if "metadata" in options else None
        image = self.compute.create_image(
            server.tenant_id, server.region, server.id, name, metadata
        )
        location = self._links(request, server.region, server.tenant_id, f"images/{image.id}")[0]
        return json_response(None, 202, headers={"Location": location["href"]})

    _actions: ClassVar[dict[str, Callable[[NovaService, Request, model.Server, Any], Response]]] = {
        "reboot": _reboot,
        "resize": _resize,
        "confirmResize": _confirm_resize,
        "revertResize": _revert_resize,
        "rebuild": _rebuild,
        "rescue": _rescue,
        "unrescue": _unrescue,
        "changePassword": _change_password,
        "createImage": _create_image,
        "os-stop": _stop,
        "os-start": _start,
    }

    # -- flavors -------------------------------------------------------------------------

    def _flavor_list(self, request: Request, region: str, tenant: str) -> list[Flavor]:
        flavors = list(self.compute.flavors(region))
        for arg, attribute in (("minRam", "ram"), ("minDisk", "disk")):
            value = request.args.get(arg)
            if value:
                try:
                    minimum = int(value)
                except ValueError:
                    raise ServiceError(400, f"Invalid {arg} filter [{value}]") from None
                flavors = [f for f in flavors if getattr(f, attribute) >= minimum]
        return _simple_page(request, flavors, lambda f: f.id)

    @route("/<region>/v2/<tenant>/flavors", operation="list_flavors")
    def list_flavors(self, request: Request, region: str, tenant: str) -> Response:
        """Brief flavor list."""
        return self._flavors(request, region, tenant, detail=False)

    @route("/<region>/v2/<tenant>/flavors/detail", operation="list_flavors_detail")
    def list_flavors_detail(self, request: Request, region: str, tenant: str) -> Response:
        """Detailed flavor list (with ``swap`` and ephemeral disk)."""
        return self._flavors(request, region, tenant, detail=True)

    def _flavors(self, request: Request, region: str, tenant: str, *, detail: bool) -> Response:
        root = self._root(request, region)
        render = self._catalog.flavor
        items = [
            render(root, tenant, flavor, detail=detail)
            for flavor in self._flavor_list(request, region, tenant)
        ]
        return encoded_json_response(documents.encoded_list("flavors", items))

    @route("/<region>/v2/<tenant>/flavors/<flavor_id>", operation="get_flavor")
    def get_flavor(self, request: Request, region: str, tenant: str, flavor_id: str) -> Response:
        """One flavor; any id answers unless strict, a preset invalid id or a listed flavor's
        name (404, so clients go on to find the flavor by name in the list, as with Nova)."""
        flavor = self.compute.flavor(region, flavor_id)
        root = self._root(request, region)
        return json_response({"flavor": documents.flavor_detail(root, tenant, flavor)})

    # -- images --------------------------------------------------------------------------

    @route("/<region>/v2/<tenant>/images", operation="list_images")
    def list_images(self, request: Request, region: str, tenant: str) -> Response:
        """Brief image list: base images, then this tenant's snapshots."""
        return self._images(request, region, tenant, detail=False)

    @route("/<region>/v2/<tenant>/images/detail", operation="list_images_detail")
    def list_images_detail(self, request: Request, region: str, tenant: str) -> Response:
        """Detailed image list (with ``created``/``updated``)."""
        return self._images(request, region, tenant, detail=True)

    def _images(self, request: Request, region: str, tenant: str, *, detail: bool) -> Response:
        root = self._root(request, region)
        images = _simple_page(request, self.compute.images(tenant, region), lambda i: i.id)
        render = self._catalog.image
        now = self.compute.now()
        items = [render(root, tenant, image, now, detail=detail) for image in images]
        return encoded_json_response(documents.encoded_list("images", items))

    @route("/<region>/v2/<tenant>/images/<image_id>", operation="get_image")
    def get_image(self, request: Request, region: str, tenant: str, image_id: str) -> Response:
        """One image; any id answers unless strict or a preset invalid id."""
        image = self.compute.image(tenant, region, image_id)
        root = self._root(request, region)
        detail = documents.image_detail(root, tenant, image, self.compute.now())
        return json_response({"image": detail})

    @route("/<region>/v2/<tenant>/images/<image_id>", methods=("DELETE",), operation="delete_image")
    def delete_image(self, request: Request, region: str, tenant: str, image_id: str) -> Response:
        """Delete one of the tenant's images (204); base images are 403."""
        self.compute.delete_image(tenant, region, image_id)
        return json_response(None, 204)

    # -- limits and keypairs -----------------------------------------------------------

    @route("/<region>/v2/<tenant>/limits", operation="get_limits")
    def get_limits(self, request: Request, region: str, tenant: str) -> Response:
        """Absolute limits with real usage, and an empty ``rate`` list."""
        return json_response(
            {"limits": {"rate": [], "absolute": self.compute.limits(tenant, region)}}
        )

    @staticmethod
    def _keypair(keypair: model.Keypair) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": keypair.name,
            "public_key": keypair.public_key,
            "fingerprint": keypair.fingerprint,
            "user_id": keypair.user_id,
        }
        if keypair.private_key is not None:
            body["private_key"] = keypair.private_key
        return body

    @route("/<region>/v2/<tenant>/os-keypairs", operation="list_keypairs")
    def list_keypairs(self, request: Request, region: str, tenant: str) -> Response:
        """``{"keypairs": [{"keypair": {...}}]}``."""
        keypairs = self.compute.keypairs(tenant, region)
        return json_response({"keypairs": [{"keypair": self._keypair(k)} for k in keypairs]})

    @route("/<region>/v2/<tenant>/os-keypairs", methods=("POST",), operation="create_keypair")
    def create_keypair(self, request: Request, region: str, tenant: str) -> Response:
        """Import a public key, or generate a pair (the answer then has ``private_key``)."""
        options = expect_object(
            _required(expect_object(parse_json_body(request), "body"), "keypair"), "keypair"
        )
        name = expect_string(_required(options, "name"), "name")
        public_key = options.get("public_key")
        if public_key is not None:
            public_key = expect_string(public_key, "public_key")
        keypair = self.compute.create_keypair(
            tenant, region, name, public_key, user_id=self._user_id(request)
        )
        return json_response({"keypair": self._keypair(keypair)})

    @route("/<region>/v2/<tenant>/os-keypairs/<name>", operation="get_keypair")
    def get_keypair(self, request: Request, region: str, tenant: str, name: str) -> Response:
        """One keypair, or 404."""
        keypair = self.compute.keypair(tenant, region, name, user_id=self._user_id(request))
        body = self._keypair(keypair)
        body.update(
            created_at=isoformat_z(keypair.created),
            deleted=False,
            deleted_at=None,
            updated_at=None,
            type=keypair.type,
        )
        return json_response({"keypair": body})

    @route(
        "/<region>/v2/<tenant>/os-keypairs/<name>", methods=("DELETE",), operation="delete_keypair"
    )
    def delete_keypair(self, request: Request, region: str, tenant: str, name: str) -> Response:
        """202, or 404."""
        self.compute.delete_keypair(tenant, region, name, user_id=self._user_id(request))
        return json_response(None, 202)


def _simple_page(request: Request, items: list[Any], key: Callable[[Any], str]) -> list[Any]:
    """Marker/limit over a short, fixed list (flavors, images)."""
    limit = parse_limit(request.args.get("limit"), default=MAX_PAGE, maximum=MAX_PAGE)
    return model.page_of(items, key, marker=request.args.get("marker") or None, limit=limit)
