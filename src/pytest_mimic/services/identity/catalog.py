"""The service catalog in its v2.0 (Rackspace) and v3 (Keystone) shapes.

Built on every request from the entries the registered services declare, so a service
added by a third-party package appears without Identity knowing it, and every URL starts
with the host and port the client used.

Exactly one catalog service per type: libcloud demands a single matching endpoint,
keystoneauth takes the first and pyrax the last, so duplicates would send clients to
different places. The first service to claim a type keeps it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_mimic.services.base import iter_entries

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pytest_mimic.services.base import CatalogEntry, Service

__all__ = ["Endpoint", "endpoints", "v2_catalog", "v2_endpoint_list", "v3_catalog"]

_NAMESPACE = uuid.UUID("5f8b2a7e-7c1d-4a36-9a51-0c6d3f2b9e14")


@dataclass(frozen=True)
class Endpoint:
    """One region of one catalog service, for one tenant."""

    type: str
    name: str
    region: str
    tenant_id: str
    url: str


def endpoints(
    services: Sequence[Service], base: str, *, tenant_id: str, regions: Sequence[str]
) -> list[Endpoint]:
    """Every endpoint for ``tenant_id``: one service per type, each in its regions.

    ``regions`` is the default for entries that do not name their own.
    """
    seen: set[str] = set()
    result: list[Endpoint] = []
    for _service, entry in iter_entries(services):
        if entry.type in seen:
            continue
        seen.add(entry.type)
        result.extend(_entry_endpoints(entry, base, tenant_id, entry.regions or tuple(regions)))
    return result


def _entry_endpoints(
    entry: CatalogEntry, base: str, tenant_id: str, regions: Sequence[str]
) -> list[Endpoint]:
    return [
        Endpoint(
            entry.type,
            entry.name,
            region,
            tenant_id,
            entry.url(base, region=region, tenant=tenant_id),
        )
        for region in regions
    ]


def _grouped(found: Sequence[Endpoint]) -> list[tuple[str, str, list[Endpoint]]]:
    groups: dict[str, tuple[str, str, list[Endpoint]]] = {}
    for endpoint in found:
        groups.setdefault(endpoint.type, (endpoint.type, endpoint.name, []))[2].append(endpoint)
    return list(groups.values())


def v2_catalog(found: Sequence[Endpoint]) -> list[dict[str, Any]]:
    """``access.serviceCatalog``: ``[{name, type, endpoints: [{region, tenantId, publicURL,
    internalURL}]}]``; our services have no separate internal network, so both URLs match."""
    return [
        {
            "name": name,
            "type": type_,
            "endpoints": [
                {
                    "region": e.region,
                    "tenantId": e.tenant_id,
                    "publicURL": e.url,
                    "internalURL": e.url,
                }
                for e in group
            ],
        }
        for type_, name, group in _grouped(found)
    ]


def v2_endpoint_list(found: Sequence[Endpoint]) -> list[dict[str, Any]]:
    """The flat list ``GET /v2.0/tokens/{id}/endpoints`` answers, with stable ids."""
    return [
        {
            "id": _endpoint_id(e, "public"),
            "name": e.name,
            "type": e.type,
            "region": e.region,
            "tenantId": e.tenant_id,
            "publicURL": e.url,
            "internalURL": e.url,
        }
        for e in found
    ]


def v3_catalog(found: Sequence[Endpoint]) -> list[dict[str, Any]]:
    """``token.catalog``: ``[{id, type, name, endpoints: [{id, interface, region, region_id,
    url}]}]`` with a public and an internal endpoint per region."""
    return [
        {
            "id": str(uuid.uuid5(_NAMESPACE, f"service/{type_}")),
            "type": type_,
            "name": name,
            "endpoints": [
                {
                    "id": _endpoint_id(e, interface),
                    "interface": interface,
                    "region": e.region,
                    "region_id": e.region,
                    "url": e.url,
                }
                for e in group
                for interface in ("public", "internal")
            ],
        }
        for type_, name, group in _grouped(found)
    ]


def _endpoint_id(endpoint: Endpoint, interface: str) -> str:
    # Stable across calls and resets, so a client caching endpoint ids is not surprised.
    key = f"endpoint/{endpoint.type}/{endpoint.region}/{interface}"
    return uuid.uuid5(_NAMESPACE, key).hex
