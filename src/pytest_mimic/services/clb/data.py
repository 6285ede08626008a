"""The fixed catalogue of Cloud Load Balancers: protocols, algorithms, enumerations, limits.

These are the real service's lists (``GET /loadbalancers/protocols`` and ``/algorithms``), in
the real order, so a client that validates its input against them sees what it would see on
Rackspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "ALGORITHMS",
    "BATCH_DELETE_LIMIT",
    "CONDITIONS",
    "DEFAULT_ERROR_PAGE",
    "HEALTH_MONITOR_TYPES",
    "IP_VERSIONS",
    "LB_STATUSES",
    "MAX_ACCESS_ITEMS",
    "MAX_METADATA",
    "MAX_NODES",
    "NODE_STATUSES",
    "NODE_TYPES",
    "PERSISTENCE_TYPES",
    "PROTOCOLS",
    "SETTABLE_STATUSES",
    "VIP_TYPES",
]

#: Protocol name -> default port (0: the client must give a port).
PROTOCOLS: Final[Mapping[str, int]] = {
    "DNS_TCP": 53,
    "DNS_UDP": 53,
    "FTP": 21,
    "HTTP": 80,
    "HTTPS": 443,
    "IMAPS": 993,
    "IMAPv2": 143,
    "IMAPv3": 220,
    "IMAPv4": 143,
    "LDAP": 389,
    "LDAPS": 636,
    "MYSQL": 3306,
    "POP3": 110,
    "POP3S": 995,
    "SFTP": 22,
    "SMTP": 25,
    "TCP": 0,
    "TCP_CLIENT_FIRST": 0,
    "UDP": 0,
    "UDP_STREAM": 0,
}

ALGORITHMS: Final = (
    "LEAST_CONNECTIONS",
    "RANDOM",
    "ROUND_ROBIN",
    "WEIGHTED_LEAST_CONNECTIONS",
    "WEIGHTED_ROUND_ROBIN",
)

#: Every status a load balancer can show. The real service spells them with underscores;
#: the original Mimic's ``PENDING-UPDATE``/``PENDING-DELETE`` were a bug.
LB_STATUSES: Final = ("BUILD", "ACTIVE", "PENDING_UPDATE", "PENDING_DELETE", "DELETED", "ERROR")
#: The statuses the control plane may set (as in the original Mimic's control API).
SETTABLE_STATUSES: Final = ("ACTIVE", "ERROR", "PENDING_DELETE", "PENDING_UPDATE")

CONDITIONS: Final = ("ENABLED", "DISABLED", "DRAINING")
NODE_TYPES: Final = ("PRIMARY", "SECONDARY")
NODE_STATUSES: Final = ("ONLINE", "OFFLINE")
VIP_TYPES: Final = ("PUBLIC", "SERVICENET")
IP_VERSIONS: Final = ("IPV4", "IPV6")
HEALTH_MONITOR_TYPES: Final = ("CONNECT", "HTTP", "HTTPS")
PERSISTENCE_TYPES: Final = ("HTTP_COOKIE", "SOURCE_IP")

#: Nodes one load balancer may have.
MAX_NODES: Final = 25
#: Ids one bulk delete may name.
BATCH_DELETE_LIMIT: Final = 10
#: Metadata items per load balancer, and per node.
MAX_METADATA: Final = 25
#: Network items in one access list.
MAX_ACCESS_ITEMS: Final = 100

DEFAULT_ERROR_PAGE: Final = (
    "<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>"
    "<h1>Service Unavailable</h1><p>The service is temporarily unavailable. "
    "Please try again later.</p></body></html>"
)
