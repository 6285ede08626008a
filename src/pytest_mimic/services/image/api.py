"""The Image service's HTTP layer: Glance's Image API v2 as Rackspace Cloud Images runs it.

Mounted under ``/image``; the catalog endpoint is ``/image/{region}`` (type ``image``, name
``cloudImages``), unversioned and without a tenant, as Glance's are: clients add ``/v2``
themselves, and the tenant comes from the token. The root answers the version list that
keystoneauth1 and openstacksdk discover.

Requests are checked here as Glance's request deserializer checks them (JSON schema, JSON
patch, query parameters), each refusal with Glance's status and message; the model
(``model.ImageCatalog``) then refuses what depends on state. Errors are webob's JSON bodies,
``{"message": ..., "code": "404 Not Found", "title": "Not Found"}``, as Glance answers a
client that accepts JSON; a 401 is keystonemiddleware's ``{"error": {...}}``.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlencode

from werkzeug.wrappers import Response

from pytest_mimic.panel import ROW_LIMIT, Panel, Rows
from pytest_mimic.parsing import parse_timestamp
from pytest_mimic.services.base import (
    CatalogEntry,
    RoutedService,
    Sample,
    ServiceContext,
    ServiceError,
    base_url,
    behaviors,
    encoded_json_response,
    encoded_list,
    json_response,
    parse_json_body,
    peek_json_body,
    route,
)
from pytest_mimic.services.image import data, documents, model, seed
from pytest_mimic.services.image.settings import SETTINGS
from pytest_mimic.services.pagination import parse_limit

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from werkzeug.wrappers import Request

    from pytest_mimic.scenarios import Scenario
    from pytest_mimic.settings import Setting

__all__ = ["ImageService"]

#: Glance's ``limit_param_default`` and ``api_limit_max``.
DEFAULT_PAGE = 25
MAX_PAGE = 1000
#: The JSON-patch media types of ``PATCH /v2/images/{id}`` (the first is deprecated).
PATCH_TYPES = (
    "application/openstack-images-v2.0-json-patch",
    "application/openstack-images-v2.1-json-patch",
)
#: Attributes a request may never set, and those only Glance sets.
_DISALLOWED = ("direct_url", "self", "file", "schema", "stores")
_READ_ONLY = (
    "created_at",
    "updated_at",
    "status",
    "checksum",
    "size",
    "virtual_size",
    "direct_url",
    "self",
    "file",
    "schema",
    "id",
    "os_hash_algo",
    "os_hash_value",
)
_RESERVED = ("location", "deleted", "deleted_at")
_RESERVED_PREFIX = "os_glance"
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
#: Parameters of a list that are not filters on an image attribute or property.
_NOT_FILTERS = ("limit", "marker", "member_status", "tag", "sort", "sort_key", "sort_dir")
_IN_FILTERS = ("id", "name", "status", "container_format", "disk_format")
_MEMBER_STATUSES = ("pending", "accepted", "rejected", "all")


def _schema_error(reason: str) -> model.ImageError:
    return model.ImageError(f"Provided object does not match schema 'image': {reason}")


def _not_of_type(value: Any, *kinds: str) -> model.ImageError:
    return _schema_error(f"{value!r} is not of type {', '.join(repr(k) for k in kinds)}")


def _check_value(name: str, value: Any) -> Any:
    """``value`` checked as Glance's image schema checks ``name``; integral numbers become
    ``int``. Extra properties must be strings."""
    if name in ("name", "owner"):
        if value is not None and not isinstance(value, str):
            raise _not_of_type(value, "null", "string")
        if value is not None and len(value) > 255:
            raise _schema_error(f"{value!r} is too long")
        return value
    if name in ("min_ram", "min_disk"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _not_of_type(value, "integer")
        return value
    if name in ("protected", "os_hidden"):
        if not isinstance(value, bool):
            raise _not_of_type(value, "boolean")
        return value
    if name == "visibility":
        if not isinstance(value, str):
            raise _not_of_type(value, "string")
        if value not in model.VISIBILITIES:
            raise _schema_error(f"{value!r} is not one of {list(model.VISIBILITIES)!r}")
        return value
    if name in ("container_format", "disk_format"):
        allowed = (
            documents.CONTAINER_FORMATS if name == "container_format" else documents.DISK_FORMATS
        )
        if value is not None and not isinstance(value, str):
            raise _not_of_type(value, "null", "string")
        if value is not None and value not in allowed:
            raise _schema_error(f"{value!r} is not one of {[None, *allowed]!r}")
        return value
    if name == "tags":
        if not isinstance(value, list):
            raise _not_of_type(value, "array")
        for tag in value:
            _check_tag(tag)
        return value
    if name == "id":
        if not isinstance(value, str):
            raise _not_of_type(value, "string")
        if not _UUID.fullmatch(value):
            raise _schema_error(f"{value!r} does not match '^([0-9a-fA-F]){{8}}-...$'")
        return value
    if not isinstance(value, str):
        raise _not_of_type(value, "string")
    return value


def _check_tag(tag: Any) -> str:
    if not isinstance(tag, str):
        raise _not_of_type(tag, "string")
    if len(tag) > 255:
        raise _schema_error(f"{tag!r} is too long")
    return tag


def _check_property_name(key: str) -> None:
    if len(key) > 255:
        raise model.ImageError("Custom property should not be greater than 255 characters.")
    if key in _RESERVED or key.startswith(_RESERVED_PREFIX):
        raise model.ImageForbidden(f"Attribute '{key}' is reserved.")


def _body(request: Request) -> Any:
    """The JSON body, or Glance's 400 for a missing or malformed one."""
    try:
        body = parse_json_body(request, required=False)
    except ServiceError as error:
        if error.status != 400:
            raise
        raise model.ImageError("Malformed JSON in request body.") from None
    if body is None:
        raise model.ImageError("Body expected in request.")
    return body


def _create_arguments(body: Any, tenant: str) -> dict[str, Any]:
    """The ``ImageCatalog.create`` arguments of a ``POST /v2/images`` body, checked as
    Glance checks them."""
    if not isinstance(body, dict):
        raise _not_of_type(body, "object")
    for key in _DISALLOWED:
        if key in body:
            raise model.ImageForbidden(f"Attribute '{key}' is read-only.")
    fields = {key: _check_value(key, value) for key, value in body.items() if key != "locations"}
    if "locations" in body:
        raise model.ImageError("new_image() got unexpected keywords dict_keys(['locations'])")
    for key in fields:
        if key not in model.BASE_PROPERTIES:
            _check_property_name(key)
    for key in _READ_ONLY:
        if key in fields and key != "id":
            raise model.ImageForbidden(f"Attribute '{key}' is read-only.")
    owner = fields.pop("owner", tenant)
    if owner != tenant:
        raise model.ImageForbidden(f"You are not permitted to create images owned by '{owner}'.")
    arguments: dict[str, Any] = {
        "image_id": fields.pop("id", None),
        "name": fields.pop("name", None),
        "visibility": fields.pop("visibility", "shared"),
        "container_format": fields.pop("container_format", None),
        "disk_format": fields.pop("disk_format", None),
        "min_ram": fields.pop("min_ram", 0),
        "min_disk": fields.pop("min_disk", 0),
        "protected": fields.pop("protected", False),
        "hidden": fields.pop("os_hidden", False),
        "tags": fields.pop("tags", []),
    }
    arguments["properties"] = fields
    return arguments


def _pointer(pointer: Any) -> str:
    """The attribute a JSON pointer names (one level deep), with Glance's refusals."""
    if not isinstance(pointer, str):
        raise _not_of_type(pointer, "string")
    if not pointer.startswith("/"):
        raise model.ImageError(f'Pointer `{pointer}` does not start with "/".')
    if re.search(r"/\s*?/", pointer[1:]):
        raise model.ImageError(f'Pointer `{pointer}` contains adjacent "/".')
    if len(pointer) > 1 and pointer.endswith("/"):
        raise model.ImageError(f'Pointer `{pointer}` end with "/".')
    if pointer[1:].strip() == "/":
        raise model.ImageError(f"Pointer `{pointer}` does not contains valid token.")
    if re.search("~[^01]", pointer) or pointer.endswith("~"):
        raise model.ImageError(
            f'Pointer `{pointer}` contains "~" not part of a recognized escape sequence.'
        )
    parts = [
        part.replace("~1", "/").replace("~0", "~").strip()
        for part in pointer.lstrip("/").split("/")
    ]
    if len(parts) != 1:
        raise model.ImageError(f"Invalid JSON pointer for this resource: '/{'/'.join(parts)}'")
    return parts[0]


def _changes(request: Request) -> list[model.Change]:
    """The operations of a JSON-patch body, checked as Glance's deserializer does."""
    media = (request.mimetype or "").lower()
    if media not in PATCH_TYPES:
        allowed = ", ".join(PATCH_TYPES)
        raise ServiceError(
            415,
            f"Image PATCH expects Content-Type one of: {allowed}",
            headers={"Accept-Patch": allowed},
        )
    draft4 = media == PATCH_TYPES[0]
    body = _body(request)
    if not isinstance(body, list):
        raise model.ImageError("Request body must be a JSON array of operation objects.")
    changes = []
    for raw in body:
        if not isinstance(raw, dict):
            raise model.ImageError("Operations must be JSON objects.")
        op, path = _operation_d4(raw) if draft4 else _operation_d10(raw)
        name = _pointer(path)
        value = None
        if op != "remove":
            if "value" not in raw:
                raise model.ImageError(f'Operation "{op}" requires a member named "value".')
            value = raw["value"]
        if name in _READ_ONLY:
            raise model.ImageForbidden(f"Attribute '{name}' is read-only.")
        if name in _RESERVED or name.startswith(_RESERVED_PREFIX):
            raise model.ImageForbidden(f"Attribute '{name}' is reserved.")
        if op != "remove":
            value = _check_value(name, value)
        changes.append(model.Change(op, name, value))
    return changes


def _operation_d10(raw: Mapping[str, Any]) -> tuple[str, Any]:
    op = raw.get("op")
    available = "add, remove, replace"
    if op is None:
        raise model.ImageError(
            f"Unable to find `op` in JSON Schema change. It must be one of the following: "
            f"{available}."
        )
    if op not in ("add", "remove", "replace"):
        raise model.ImageError(
            f"Invalid operation: `{op}`. It must be one of the following: {available}."
        )
    if "path" not in raw:
        raise model.ImageError("Unable to find 'path' in JSON Schema change")
    return str(op), raw["path"]


def _operation_d4(raw: Mapping[str, Any]) -> tuple[str, Any]:
    found = [key for key in ("add", "remove", "replace") if key in raw]
    if len(found) > 1:
        raise model.ImageError(
            'Operation objects must contain only one member named "add", "remove", or "replace".'
        )
    if not found:
        raise model.ImageError(
            'Operation objects must contain exactly one member named "add", "remove", or "replace".'
        )
    return found[0], raw[found[0]]


def _in_values(text: str) -> tuple[str, ...]:
    """The values of an ``in:`` filter: comma-separated, a value with commas in quotes."""
    values: list[str] = []
    for match in re.finditer(r'"([^"]*)"|([^,]+)', text):
        values.append(match.group(1) if match.group(1) is not None else match.group(2))
    return tuple(values)


def _sorting(args: Any) -> tuple[tuple[str, str], ...]:
    """``sort=key:dir,...`` or ``sort_key``/``sort_dir`` pairs, as Glance reads them."""
    keys: list[str] = []
    directions: list[str] = []
    if "sort" in args:
        if "sort_key" in args or "sort_dir" in args:
            raise model.ImageError("Old and new sorting syntax cannot be combined")
        for part in args["sort"].strip().split(","):
            key, _sep, direction = part.partition(":")
            keys.append(_sort_key(key.strip()))
            directions.append(_sort_dir(direction.strip() or "desc"))
    else:
        keys = [_sort_key(key.strip()) for key in args.getlist("sort_key")]
        directions = [_sort_dir(direction.strip()) for direction in args.getlist("sort_dir")]
        if len(directions) > 1 and len(directions) != len(keys):
            raise model.ImageError("Number of sort dirs does not match the number of sort keys")
    keys = keys or ["created_at"]
    directions = directions or ["desc"]
    if len(directions) == 1:
        directions = directions * len(keys)
    return tuple(zip(keys, directions, strict=True))


def _sort_key(key: str) -> str:
    if key not in model.SORT_KEYS:
        raise model.ImageError(
            f"Invalid sort key: {key}. It must be one of the following: "
            f"{', '.join(model.SORT_KEYS)}."
        )
    return key


def _sort_dir(direction: str) -> str:
    if direction not in ("asc", "desc"):
        raise model.ImageError(f"Invalid sort direction: {direction}")
    return direction


def _boolean_filter(args: Any, name: str, default: str | None) -> bool | None:
    raw = args.get(name, default)
    if raw is None:
        return None
    # Glance lower-cases os_hidden before checking it, but not protected.
    shown = str(raw).lower() if name == "os_hidden" else str(raw)
    if shown not in ("true", "false"):
        raise model.ImageError(
            f"Invalid value '{shown}' for '{name}' filter. Valid values are 'true' or 'false'."
        )
    return shown == "true"


def _query(request: Request) -> model.ImageQuery:
    """The list query of ``GET /v2/images``; Glance's 400 for anything it refuses."""
    args = request.args
    member_status = args.get("member_status", "accepted")
    if member_status not in _MEMBER_STATUSES:
        raise model.ImageError(f"Invalid status: {member_status}")
    visibility = args.get("visibility") or None
    if visibility is not None and visibility not in (*model.VISIBILITIES, "all"):
        raise model.ImageError(f"Invalid visibility value: {visibility}")
    if args.get("changes-since"):
        raise model.ImageError('The "changes-since" filter is no longer available on v2.')
    limit = parse_limit(args.get("limit"), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    hidden = _boolean_filter(args, "os_hidden", "false")
    protected = _boolean_filter(args, "protected", None)
    filters: dict[str, tuple[str, ...]] = {}
    ranges: list[tuple[str, str, float]] = []
    for name in args:
        if name in _NOT_FILTERS or name in ("visibility", "os_hidden", "protected"):
            continue
        value = args[name]
        if name in ("size_min", "size_max"):
            ranges.append(("size", "gte" if name == "size_min" else "lte", _number(value)))
        elif name in ("created_at", "updated_at"):
            ranges.append((name, *_time_filter(value)))
        elif value.startswith("in:") and name in _IN_FILTERS:
            filters[name] = _in_values(value[3:])
        else:
            filters[name] = (value,)
    return model.ImageQuery(
        filters=filters,
        ranges=tuple(ranges),
        tags=tuple(tag.strip() for tag in args.getlist("tag")),
        visibility=visibility,
        hidden=bool(hidden),
        protected=protected,
        sort=_sorting(args),
        marker=args.get("marker"),
        limit=limit,
    )


def _number(text: str) -> float:
    try:
        return float(int(text))
    except ValueError:
        raise model.ImageError("Unable to filter using the specified range.") from None


def _time_filter(text: str) -> tuple[str, float]:
    op, _sep, moment = text.partition(":")
    if op not in ("eq", "neq", "gt", "gte", "lt", "lte") or not moment:
        raise model.ImageError("Unable to filter using the specified operator.")
    try:
        return op, parse_timestamp(moment, "time")
    except ValueError:
        raise model.ImageError("Unable to filter using the specified range.") from None


def _webob(message: str) -> str:
    """The text webob puts in a JSON error body: the explanation, then its HTML breaks
    (Glance's clients show the text as it comes, breaks and all)."""
    return f"{message}<br /><br />\n\n\n"


class ImageService(RoutedService):
    """Image (Glance v2 / Rackspace Cloud Images), one catalog behind it and Nova."""

    name: ClassVar[str] = "image"
    prefix: ClassVar[str] = "/image"
    settings: ClassVar[Sequence[Setting[Any]]] = SETTINGS
    behaviors: ClassVar[Mapping[str, str]] = {
        "not-found": "image lookups answer 404 and lists come back empty",
    }
    described_attributes: ClassVar[frozenset[str]] = frozenset({"image_name"})
    #: Image data travels in request bodies; JSON bodies keep the shared 1 MiB cap.
    max_body_bytes: ClassVar[int] = 32 * 1024 * 1024
    unauthorized_message: ClassVar[str] = "The request you have made requires authentication."

    @classmethod
    def scenarios(cls) -> Sequence[Scenario]:
        from pytest_mimic.services.image.scenarios import SCENARIOS

        return SCENARIOS

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        #: The model: every region's images. Nova reads it too (its ``createImage``, image
        #: list and ``imageRef`` checks), through this attribute.
        self.catalog = model.ImageCatalog(context.now, lambda: context.config, data.base_images_in)
        #: Encoded documents of the base images, which never change.
        self._base_documents: dict[str, bytes] = {}

    # -- service interface -------------------------------------------------------------

    def catalog_entries(self) -> Sequence[CatalogEntry]:
        return (CatalogEntry("image", "cloudImages", "/image/{region}"),)

    def urls(self) -> Mapping[str, str]:
        return {"image": f"{self.prefix}/{self.context.config.default_region}"}

    def samples(self) -> Sequence[Sample]:
        """The list every client starts with, an upload's first step, and a schema."""
        image = {"name": "sample", "disk_format": "vhd", "container_format": "ovf"}
        return (
            Sample("GET", "/{region}/v2/images"),
            Sample("POST", "/{region}/v2/images", image, expect=(201,)),
            Sample("GET", "/{region}/v2/schemas/image"),
        )

    def reset(self) -> None:
        self.context.discard(self.catalog.reset())

    def state(self) -> Mapping[str, Any]:
        return {"tenant_images_by_region": self.catalog.summary()}

    seed_fields: ClassVar[Mapping[str, str]] = seed.SEED_FIELDS

    @classmethod
    def check_seed(cls, section: Mapping[str, Any]) -> seed.ImageSeed:
        return seed.check(section)

    def load_seed(self, checked: seed.ImageSeed) -> None:
        config = self.context.config
        seed.load(self.catalog, checked, config.credentials.tenant_id, config.default_region)

    def export(self) -> Mapping[str, Any]:
        return seed.export(self.catalog)

    def panel(self, limit: int = ROW_LIMIT) -> Panel:
        """The tenants' own images (snapshots and uploads) with their status now; the
        provider's base images never change, so they are left out."""
        now = self.catalog.now()
        own = self.catalog.every_own_image()
        rows = [
            {
                "name": image.name or "",
                "status": image.status_at(now),
                "server": image.properties.get("instance_uuid", ""),
                "owner": image.owner or "",
                "region": region,
                "id": image.id,
            }
            for region, image in own[:limit]
        ]
        return Panel.of({"images": Rows(rows, len(own))}, limit)

    # -- for test authors: ``mimic_cloud.service("image")`` -------------------------------

    def images(self, tenant_id: str | None = None, region: str | None = None) -> list[model.Image]:
        """What ``tenant_id`` sees in ``region`` (defaults: the default user's tenant and
        region): the base images, then its own. Read a status with
        ``image.status_at(service.catalog.now())``."""
        config = self.context.config
        return self.catalog.images(
            config.credentials.tenant_id if tenant_id is None else tenant_id,
            config.default_region if region is None else region,
        )

    # -- errors ---------------------------------------------------------------------------

    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        """webob's JSON error body, or keystonemiddleware's for a 401."""
        try:
            title = HTTPStatus(status).phrase
        except ValueError:
            title = "Unknown Error"
        if status == 401:
            body: Any = {"error": {"code": 401, "title": title, "message": message}}
            extra = {"WWW-Authenticate": "Keystone uri='identity'", **(headers or {})}
            return json_response(body, status, headers=extra)
        body = {"message": _webob(message), "code": f"{status} {title}", "title": title}
        return json_response(body, status, headers=headers)

    # -- HTTP -------------------------------------------------------------------------------

    def describe(
        self, operation: str, request: Request, arguments: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        if operation == "create_image":
            body = peek_json_body(request)
            if isinstance(body, dict) and isinstance(body.get("name"), str):
                return {"image_name": body["name"]}
            return {}
        if "image_id" in arguments:
            image = self.catalog.find(
                self._tenant(request), str(arguments.get("region")), str(arguments["image_id"])
            )
            if image is not None and image.name is not None:
                return {"image_name": image.name}
        return {}

    def _tenant(self, request: Request) -> str:
        """The token's tenant (Glance's URLs carry none); the default user's when tokens
        are not checked and the token is unknown."""
        owner = self.context.caller(request)
        return owner.tenant_id if owner is not None else self.context.config.credentials.tenant_id

    def _lookups_fail(self, request: Request) -> bool:
        return any(behave.name == "not-found" for behave in behaviors(request))

    def _image(self, request: Request, region: str, image_id: str) -> model.Image:
        if self._lookups_fail(request):
            raise model.ImageNotFound(f"No image found with ID {image_id}")
        return self.catalog.get(self._tenant(request), region, image_id)

    def _show(self, image: model.Image, status: int = 200) -> Response:
        return json_response(documents.image_document(image, self.catalog.now()), status)

    # -- versions ---------------------------------------------------------------------------

    def _root(self, request: Request, region: str) -> str:
        return f"{base_url(request)}{self.prefix}/{quote(region, safe='')}"

    @route("/<region>", operation="versions", auth=False)
    @route("/<region>/", operation="versions", auth=False)
    def versions(self, request: Request, region: str) -> Response:
        """300 Multiple Choices with the versions served, as Glance answers its root."""
        return json_response(documents.versions_document(self._root(request, region)), 300)

    @route("/<region>/versions", operation="list_versions", auth=False)
    def list_versions(self, request: Request, region: str) -> Response:
        """The same list, 200: asked for by name."""
        return json_response(documents.versions_document(self._root(request, region)))

    # -- images -----------------------------------------------------------------------------

    @route("/<region>/v2/images", operation="list_images")
    def list_images(self, request: Request, region: str) -> Response:
        """A page (25 by default, 1000 at most), newest first unless sorted otherwise, with
        ``first`` and (when the page is full) ``next`` links keeping the query."""
        query = _query(request)
        page = model.Page([], None)
        if not self._lookups_fail(request):
            page = self.catalog.list(self._tenant(request), region, query)
        now = self.catalog.now()
        params = {key: value for key, value in request.args.items() if key != "marker"}
        links: dict[str, Any] = {
            "first": "/v2/images" + (f"?{urlencode(params)}" if params else ""),
            "schema": "/v2/schemas/images",
        }
        if page.next_marker is not None:
            links["next"] = f"/v2/images?{urlencode({**params, 'marker': page.next_marker})}"
        items = [self._encoded(image, now) for image in page.items]
        return encoded_json_response(encoded_list("images", items, links))

    def _encoded(self, image: model.Image, now: float) -> bytes:
        """The image's JSON; the provider's base images (no owner) never change, so theirs
        is encoded once."""
        if image.owner is not None:
            return json.dumps(documents.image_document(image, now)).encode()
        encoded = self._base_documents.get(image.id)
        if encoded is None:
            encoded = json.dumps(documents.image_document(image, now)).encode()
            self._base_documents[image.id] = encoded
        return encoded

    @route("/<region>/v2/images", methods=("POST",), operation="create_image")
    def create_image(self, request: Request, region: str) -> Response:
        """201 with the new ``queued`` image and its ``Location``."""
        tenant = self._tenant(request)
        arguments = _create_arguments(_body(request), tenant)
        image = self.catalog.create(tenant, region, **arguments)
        response = self._show(image, 201)
        response.headers["Location"] = f"/v2/images/{image.id}"
        return response

    @route("/<region>/v2/images/<image_id>", operation="get_image")
    def get_image(self, request: Request, region: str, image_id: str) -> Response:
        """One image, or 404."""
        return self._show(self._image(request, region, image_id))

    @route("/<region>/v2/images/<image_id>", methods=("PATCH",), operation="update_image")
    def update_image(self, request: Request, region: str, image_id: str) -> Response:
        """Apply a JSON patch (``application/openstack-images-v2.1-json-patch``)."""
        changes = _changes(request)
        self._image(request, region, image_id)
        return self._show(self.catalog.update(self._tenant(request), region, image_id, changes))

    @route("/<region>/v2/images/<image_id>", methods=("DELETE",), operation="delete_image")
    def delete_image(self, request: Request, region: str, image_id: str) -> Response:
        """204; 403 for an image the tenant does not own or a protected one."""
        if self._lookups_fail(request):
            raise model.ImageNotFound(f"Failed to find image {image_id} to delete")
        self.catalog.delete(self._tenant(request), region, image_id)
        return Response(status=204)

    @route("/<region>/v2/images/<image_id>/file", methods=("PUT",), operation="upload_image_data")
    def upload_image_data(self, request: Request, region: str, image_id: str) -> Response:
        """204 once the data is stored; the image is then ``active``."""
        if request.mimetype != "application/octet-stream":
            shown = request.headers.get("Content-Type")
            raise ServiceError(415, f"Invalid content type {shown}")
        self._image(request, region, image_id)
        self.catalog.upload(self._tenant(request), region, image_id, request.get_data())
        return Response(status=204)

    @route("/<region>/v2/images/<image_id>/file", operation="download_image_data")
    def download_image_data(self, request: Request, region: str, image_id: str) -> Response:
        """The bytes uploaded, or 204 when the image holds none (queued, or data this fake
        does not have: base images and snapshots)."""
        image = self._image(request, region, image_id)
        content = self.catalog.download(self._tenant(request), region, image_id)
        if content is None:
            return Response(status=204)
        headers = {"Content-MD5": image.checksum} if image.checksum else {}
        return Response(content, headers=headers, content_type="application/octet-stream")

    @route("/<region>/v2/images/<image_id>/tags/<tag>", methods=("PUT",), operation="add_image_tag")
    def add_image_tag(self, request: Request, region: str, image_id: str, tag: str) -> Response:
        """204; adding a tag the image has is fine."""
        _check_tag(tag)
        if self._lookups_fail(request):
            raise model.ImageNotFound(f"Image {image_id} not found.")
        self.catalog.add_tag(self._tenant(request), region, image_id, tag)
        return Response(status=204)

    @route(
        "/<region>/v2/images/<image_id>/tags/<tag>",
        methods=("DELETE",),
        operation="delete_image_tag",
    )
    def delete_image_tag(self, request: Request, region: str, image_id: str, tag: str) -> Response:
        """204, or 404 for a tag the image does not have."""
        if self._lookups_fail(request):
            raise model.ImageNotFound(f"Image {image_id} not found.")
        self.catalog.remove_tag(self._tenant(request), region, image_id, tag)
        return Response(status=204)

    # -- schemas ----------------------------------------------------------------------------

    @route("/<region>/v2/schemas/image", operation="get_image_schema")
    def get_image_schema(self, request: Request, region: str) -> Response:
        """The image's JSON schema."""
        return json_response(documents.image_schema())

    @route("/<region>/v2/schemas/images", operation="get_images_schema")
    def get_images_schema(self, request: Request, region: str) -> Response:
        """The image list's JSON schema."""
        return json_response(documents.images_schema())
