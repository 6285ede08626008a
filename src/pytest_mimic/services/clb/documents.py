"""Load balancer, node and setting documents in the real service's JSON shapes, plus the
node Atom feed and plausible usage and statistics.

Timestamps are ``{"time": "YYYY-MM-DDTHH:MM:SSZ"}`` without a fraction: libcloud parses only
that form (a fraction silently becomes ``None``).
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from pytest_mimic.clock import isoformat_z

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytest_mimic.services.clb.access_list import AccessItem
    from pytest_mimic.services.clb.metadata import MetadataItem
    from pytest_mimic.services.clb.model import LoadBalancer, VirtualIp
    from pytest_mimic.services.clb.nodes import FeedEntry, Node

__all__ = [
    "access_item",
    "account_usage",
    "current_usage",
    "feed_document",
    "feed_error",
    "load_balancer_brief",
    "load_balancer_detail",
    "metadata_item",
    "node",
    "ssl_termination",
    "stats",
    "time",
    "usage",
    "virtual_ip",
]

_ATOM = "http://www.w3.org/2005/Atom"
_CLB_XML = "http://docs.openstack.org/loadbalancers/api/v1.0"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def time(timestamp: float) -> dict[str, str]:
    """``{"time": "YYYY-MM-DDTHH:MM:SSZ"}``."""
    return {"time": isoformat_z(timestamp, digits=0)}


def _digest(*parts: object) -> int:
    """A stable number from ``parts``: plausible, repeatable addresses and figures."""
    text = ":".join(str(part) for part in parts).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:4], "big")


def node(item: Node) -> dict[str, Any]:
    """A node as listed and returned by add-nodes."""
    return {
        "id": item.id,
        "address": item.address,
        "port": item.port,
        "condition": item.condition,
        "type": item.type,
        "weight": item.weight,
        "status": item.status,
    }


def virtual_ip(vip: VirtualIp) -> dict[str, Any]:
    """``{"id", "address", "type", "ipVersion"}``."""
    return {"id": vip.id, "address": vip.address, "type": vip.type, "ipVersion": vip.ip_version}


def metadata_item(item: MetadataItem) -> dict[str, Any]:
    """``{"id", "key", "value"}``."""
    return {"id": item.id, "key": item.key, "value": item.value}


def access_item(item: AccessItem) -> dict[str, Any]:
    """``{"address", "id", "type"}``."""
    return {"address": item.address, "id": item.id, "type": item.type}


def _cluster(lb: LoadBalancer) -> dict[str, str]:
    return {"name": f"ztm-n0{1 + lb.id % 4}.{lb.region.lower()}1.lbaas.rackspace.net"}


def _source_addresses(lb: LoadBalancer) -> dict[str, str]:
    """The cluster's outgoing addresses: fixed per region and cluster, like the real ones."""
    return dict(_cluster_addresses(lb.region, lb.id % 4))


@functools.lru_cache(maxsize=256)
def _cluster_addresses(region: str, cluster: int) -> tuple[tuple[str, str], ...]:
    n = _digest(region, cluster)
    return (
        ("ipv6Public", f"2001:4801:7901::{n % 0xFFFF:x}/64"),
        ("ipv4Servicenet", f"10.183.{n % 250}.{(n >> 8) % 250 + 2}"),
        ("ipv4Public", f"50.56.{n % 250}.{(n >> 8) % 250 + 2}"),
    )


def load_balancer_brief(lb: LoadBalancer, now: float) -> dict[str, Any]:
    """The list shape, with ``nodeCount``."""
    return {
        "name": lb.name,
        "id": lb.id,
        "protocol": lb.protocol,
        "port": lb.port,
        "algorithm": lb.algorithm,
        "status": lb.status_at(now),
        "nodeCount": len(lb.nodes),
        "virtualIps": [virtual_ip(vip) for vip in lb.virtual_ips],
        "created": time(lb.created),
        "updated": time(lb.updated_at(now)),
    }


def load_balancer_detail(lb: LoadBalancer, now: float) -> dict[str, Any]:
    """The full shape of create and get: every optional part that is configured.

    ``nodes`` is always there (pyrax reads it unconditionally); the health monitor, session
    persistence, connection throttle, access list and metadata only when set.
    """
    settings = lb.settings
    body: dict[str, Any] = {
        "id": lb.id,
        "name": lb.name,
        "protocol": lb.protocol,
        "port": lb.port,
        "algorithm": lb.algorithm,
        "status": lb.status_at(now),
        "timeout": lb.timeout,
        "halfClosed": lb.half_closed,
        "httpsRedirect": lb.https_redirect,
        "cluster": _cluster(lb),
        "nodes": [node(item) for item in lb.nodes.values()],
        "virtualIps": [virtual_ip(vip) for vip in lb.virtual_ips],
        "sourceAddresses": _source_addresses(lb),
        "created": time(lb.created),
        "updated": time(lb.updated_at(now)),
        "connectionLogging": {"enabled": bool(settings.get("connectionLogging", False))},
        "contentCaching": {"enabled": bool(settings.get("contentCaching", False))},
    }
    if "healthMonitor" in settings:
        body["healthMonitor"] = dict(settings["healthMonitor"])
    if "sessionPersistence" in settings:
        body["sessionPersistence"] = dict(settings["sessionPersistence"])
    if "connectionThrottle" in settings:
        body["connectionThrottle"] = dict(settings["connectionThrottle"])
    if lb.access_list:
        body["accessList"] = [access_item(item) for item in lb.access_list.values()]
    if lb.metadata:
        body["metadata"] = [metadata_item(item) for item in lb.metadata.values()]
    return body


def ssl_termination(value: dict[str, Any]) -> dict[str, Any]:
    """What ``GET .../ssltermination`` shows: everything but the private key."""
    return {key: item for key, item in value.items() if key != "privatekey"}


# -- the node feed ---------------------------------------------------------------------


def feed_document(entries: Iterable[FeedEntry]) -> str:
    """An Atom feed of the node's events (newest first)."""
    parts = [f'<feed xmlns="{_ATOM}">']
    for entry in entries:
        parts.append(
            f"<entry><summary>{escape(entry.summary)}</summary>"
            f"<updated>{isoformat_z(entry.at, digits=0)}</updated></entry>"
        )
    parts.append("</feed>")
    return "".join(parts)


def feed_error(status: int, message: str) -> str:
    """The XML error body of the feed route (404 ``itemNotFound``, 410 ``message``)."""
    text = escape(message)
    if status == 404:
        return (
            f'{_XML_DECLARATION}<itemNotFound xmlns="{_CLB_XML}" code="404">'
            f"<message>{text}</message></itemNotFound>"
        )
    return f'{_XML_DECLARATION}<message xmlns="{_CLB_XML}" code="{status}">{text}</message>'


# -- usage and statistics: plausible, repeatable numbers -------------------------------


def _usage_record(lb: LoadBalancer, start: float, end: float, record_id: int) -> dict[str, Any]:
    hours = max(end - start, 0.0) / 3600
    n = _digest(lb.id, int(start))
    connections = round(len(lb.nodes) * (1 + n % 40) / 4, 2)
    incoming = int(hours * (1 + n % 997) * 1024)
    return {
        "id": record_id,
        "averageNumConnections": connections,
        "incomingTransfer": incoming,
        "outgoingTransfer": incoming * 4,
        "averageNumConnectionsSsl": 0.0,
        "incomingTransferSsl": 0,
        "outgoingTransferSsl": 0,
        "numVips": len(lb.virtual_ips),
        "numPolls": int(hours * 12),
        "startTime": isoformat_z(start, digits=0),
        "endTime": isoformat_z(end, digits=0),
        "vipType": lb.virtual_ips[0].type if lb.virtual_ips else "PUBLIC",
        "sslMode": "ON" if "sslTermination" in lb.settings else "OFF",
        "eventType": None,
    }


def usage(lb: LoadBalancer, now: float) -> dict[str, Any]:
    """``GET .../usage``: one record from creation until now."""
    return {"links": [], "loadBalancerUsageRecords": [_usage_record(lb, lb.created, now, 1)]}


def current_usage(lb: LoadBalancer, now: float) -> dict[str, Any]:
    """``GET .../usage/current``: a record for the current hour."""
    start = max(lb.created, now - now % 3600)
    return {"links": [], "loadBalancerUsageRecords": [_usage_record(lb, start, now, 1)]}


def account_usage(tenant_id: str, lbs: Iterable[LoadBalancer], now: float) -> dict[str, Any]:
    """``GET /loadbalancers/usage``: every load balancer's usage."""
    return {
        "accountId": tenant_id,
        "loadBalancerUsages": [
            {
                "loadBalancerId": lb.id,
                "loadBalancerName": lb.name,
                "loadBalancerUsageRecords": [_usage_record(lb, lb.created, now, 1)],
            }
            for lb in lbs
        ],
        "links": [],
    }


def stats(lb: LoadBalancer, now: float) -> dict[str, Any]:
    """``GET .../stats``: connection counters that grow with the load balancer's age."""
    n = _digest(lb.id, "stats")
    minutes = int(max(now - lb.created, 0.0) // 60)
    current = len(lb.nodes) * (n % 7)
    return {
        "connectTimeOut": minutes // 30,
        "connectError": minutes // 120,
        "connectFailure": minutes // 240,
        "dataTimedOut": minutes // 60,
        "keepAliveTimedOut": minutes // 15,
        "maxConn": current + n % 50,
        "currentConn": current,
        "connectTimeOutSsl": 0,
        "connectErrorSsl": 0,
        "connectFailureSsl": 0,
        "dataTimedOutSsl": 0,
        "keepAliveTimedOutSsl": 0,
        "maxConnSsl": 0,
        "currentConnSsl": 0,
    }
