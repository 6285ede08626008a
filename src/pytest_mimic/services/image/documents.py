"""What the Image API answers: image documents, the version list and the JSON schemas.

Glance's links (``self``, ``file``, ``schema``, ``first``, ``next``) are paths starting at
``/v2``, not absolute URLs; clients join them to the endpoint, so they are kept that way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_mimic.clock import isoformat_z

if TYPE_CHECKING:
    from pytest_mimic.services.image.model import Image

__all__ = [
    "CONTAINER_FORMATS",
    "DISK_FORMATS",
    "VERSIONS",
    "image_document",
    "image_schema",
    "images_schema",
    "versions_document",
]

#: Glance's default ``container_formats`` and ``disk_formats``.
CONTAINER_FORMATS = ("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed")
DISK_FORMATS = ("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop")

#: The Image API versions served, newest first: 2.7 brought ``os_hidden`` and the multihash
#: fields, which every image here carries; import (2.6) and later additions are not served,
#: and clients do not reach for them unless asked.
VERSIONS = (
    ("2.7", "CURRENT"),
    ("2.6", "SUPPORTED"),
    ("2.5", "SUPPORTED"),
    ("2.4", "SUPPORTED"),
    ("2.3", "SUPPORTED"),
    ("2.2", "SUPPORTED"),
    ("2.1", "SUPPORTED"),
    ("2.0", "SUPPORTED"),
)


def versions_document(root: str) -> dict[str, Any]:
    """``{"versions": [...]}`` with each version's ``self`` link at ``{root}/v2/``."""
    href = f"{root.rstrip('/')}/v2/"
    return {
        "versions": [
            {"id": f"v{number}", "status": status, "links": [{"rel": "self", "href": href}]}
            for number, status in VERSIONS
        ]
    }


def image_document(image: Image, now: float) -> dict[str, Any]:
    """The image as ``GET /v2/images/{id}`` shows it at ``now``: its extra properties, then
    the base attributes (``null`` when unset), in Glance's order."""
    stored = image.stored_at(now)
    body: dict[str, Any] = dict(image.properties)
    body.update(
        name=image.name,
        disk_format=image.disk_format,
        container_format=image.container_format,
        visibility=image.visibility,
        size=image.size if stored else None,
        virtual_size=None,
        status=image.status_at(now),
        checksum=image.checksum if stored else None,
        protected=image.protected,
        min_ram=image.min_ram,
        min_disk=image.min_disk,
        owner=image.owner,
        os_hidden=image.hidden,
        os_hash_algo="sha512" if stored and image.hash_value else None,
        os_hash_value=image.hash_value if stored else None,
        id=image.id,
        created_at=isoformat_z(image.created, digits=0),
        updated_at=isoformat_z(image.updated_at(now), digits=0),
        tags=list(image.tags),
    )
    body["self"] = f"/v2/images/{image.id}"
    body["file"] = f"/v2/images/{image.id}/file"
    body["schema"] = "/v2/schemas/image"
    return body


def _nullable(kind: str, description: str, **more: Any) -> dict[str, Any]:
    return {"type": ["null", kind], "description": description, **more}


def _properties() -> dict[str, Any]:
    uuid = "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
    read_only = {"readOnly": True}
    return {
        "id": {"type": "string", "description": "An identifier for the image", "pattern": uuid},
        "name": _nullable("string", "Descriptive name for the image", maxLength=255),
        "status": {
            "type": "string",
            **read_only,
            "description": "Status of the image",
            "enum": [
                "queued",
                "saving",
                "active",
                "killed",
                "deleted",
                "uploading",
                "importing",
                "pending_delete",
                "deactivated",
            ],
        },
        "visibility": {
            "type": "string",
            "description": "Scope of image accessibility",
            "enum": ["community", "public", "private", "shared"],
        },
        "protected": {"type": "boolean", "description": "If true, image will not be deletable."},
        "os_hidden": {
            "type": "boolean",
            "description": "If true, image will not appear in default image list response.",
        },
        "checksum": _nullable("string", "md5 hash of image contents.", maxLength=32, **read_only),
        "os_hash_algo": _nullable(
            "string", "Algorithm to calculate the os_hash_value", maxLength=64, **read_only
        ),
        "os_hash_value": _nullable(
            "string",
            "Hexdigest of the image contents using the algorithm specified by the os_hash_algo",
            maxLength=128,
            **read_only,
        ),
        "owner": _nullable("string", "Owner of the image", maxLength=255),
        "size": _nullable("integer", "Size of image file in bytes", **read_only),
        "virtual_size": _nullable("integer", "Virtual size of image in bytes", **read_only),
        "container_format": _nullable(
            "string", "Format of the container", enum=[None, *CONTAINER_FORMATS]
        ),
        "disk_format": _nullable("string", "Format of the disk", enum=[None, *DISK_FORMATS]),
        "created_at": {
            "type": "string",
            **read_only,
            "description": "Date and time of image registration",
        },
        "updated_at": {
            "type": "string",
            **read_only,
            "description": "Date and time of the last image modification",
        },
        "tags": {
            "type": "array",
            "description": "List of strings related to the image",
            "items": {"type": "string", "maxLength": 255},
        },
        "direct_url": {
            "type": "string",
            **read_only,
            "description": "URL to access the image file kept in external store",
        },
        "min_ram": {
            "type": "integer",
            "description": "Amount of ram (in MB) required to boot image.",
        },
        "min_disk": {
            "type": "integer",
            "description": "Amount of disk space (in GB) required to boot image.",
        },
        "self": {"type": "string", **read_only, "description": "An image self url"},
        "file": {"type": "string", **read_only, "description": "An image file url"},
        "stores": {
            "type": "string",
            **read_only,
            "description": "Store in which image data resides.",
        },
        "schema": {"type": "string", **read_only, "description": "An image schema url"},
        "locations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "url": {"type": "string", "maxLength": 255},
                    "metadata": {"type": "object"},
                },
                "required": ["url", "metadata"],
            },
            "description": "A set of URLs to access the image file kept in external store",
        },
    }


def image_schema() -> dict[str, Any]:
    """``GET /v2/schemas/image``: the image's JSON schema, extra properties as strings."""
    return {
        "name": "image",
        "properties": _properties(),
        "additionalProperties": {"type": "string"},
        "links": [
            {"rel": "self", "href": "{self}"},
            {"rel": "enclosure", "href": "{file}"},
            {"rel": "describedby", "href": "{schema}"},
        ],
    }


def images_schema() -> dict[str, Any]:
    """``GET /v2/schemas/images``: a page of images, with its ``first``/``next`` links."""
    return {
        "name": "images",
        "properties": {
            "images": {"type": "array", "items": image_schema()},
            "first": {"type": "string"},
            "next": {"type": "string"},
            "schema": {"type": "string"},
        },
        "links": [
            {"rel": "first", "href": "{first}"},
            {"rel": "next", "href": "{next}"},
            {"rel": "describedby", "href": "{schema}"},
        ],
    }
