"""Cloud Load Balancers' section of a state document: load balancers with their nodes.

```toml
[[clb.load_balancers]]
name = "web"
protocol = "HTTP"            # port defaults to the protocol's
nodes = [
  { address = "10.0.0.1", port = 80 },
  { address = "10.0.0.2", port = 80, condition = "DRAINING", status = "OFFLINE" },
]
metadata = { team = "web" }
# id, port, algorithm, timeout, half_closed, https_redirect, virtual_ips, status (ACTIVE,
# BUILD or ERROR), tenant and region are optional
```

``tenant`` and ``region`` default to the default user's tenant and the default region.
Ids left out are counted in the document's order, as a fresh cloud counts them (past any id
the document gives), so the same document gives the same ids every time. Settings such as a
health monitor are not part of the document yet; a load balancer being deleted is left out
of an export, and one in PENDING_UPDATE is written ACTIVE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_mimic.errors import ServiceError
from pytest_mimic.seeding import Fields, SeedError
from pytest_mimic.services.clb import data
from pytest_mimic.services.clb.model import LoadBalancerSpec, NodeSpec, VipSpec
from pytest_mimic.services.clb.nodes import canonical_address

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_mimic.services.clb.model import LoadBalancer, LoadBalancers, Node

__all__ = ["SEED_FIELDS", "CLBSeed", "check", "export", "load"]

SEED_FIELDS: Mapping[str, str] = {
    "load_balancers": "load balancers: name, protocol, port, nodes, metadata, status, id, "
    "algorithm, timeout, half_closed, https_redirect, virtual_ips, tenant, region",
}
#: The statuses a document may give a load balancer.
STATUSES = ("ACTIVE", "BUILD", "ERROR")
_LB_FIELDS = (
    "name",
    "protocol",
    "port",
    "nodes",
    "metadata",
    "status",
    "id",
    "algorithm",
    "timeout",
    "half_closed",
    "https_redirect",
    "virtual_ips",
    "tenant",
    "region",
)
_NODE_FIELDS = ("address", "port", "condition", "type", "weight", "status", "id")
_VIP_FIELDS = ("type", "ip_version")
_DEFAULT_VIPS = (VipSpec("PUBLIC", "IPV4"), VipSpec("PUBLIC", "IPV6"))
_MAX_NAME = 128
_MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class SeededLoadBalancer:
    where: str
    spec: LoadBalancerSpec
    lb_id: int | None
    status: str
    node_ids: tuple[int | None, ...]
    node_statuses: tuple[str, ...]
    tenant: str | None
    region: str | None


@dataclass(frozen=True)
class CLBSeed:
    """The load balancers of a document, checked."""

    load_balancers: tuple[SeededLoadBalancer, ...]


def _node(where: str, raw: Any) -> tuple[NodeSpec, int | None, str]:
    node = Fields(raw, where, _NODE_FIELDS)
    address = node.required_text("address")
    if canonical_address(address) is None:
        raise node.error("address", f"{address!r} is not an IPv4 or IPv6 address")
    if "port" not in node:
        raise node.error("port", "is required")
    spec = NodeSpec(
        address=address,
        port=node.integer("port", 0, minimum=1, maximum=65535),
        condition=node.choice("condition", data.CONDITIONS, "ENABLED"),
        type=node.choice("type", data.NODE_TYPES, "PRIMARY"),
        weight=node.integer("weight", 1, minimum=1, maximum=100),
    )
    node_id = node.optional_integer("id", minimum=1, maximum=_MAX_ID)
    return spec, node_id, node.choice("status", data.NODE_STATUSES, "ONLINE")


def _load_balancer(where: str, raw: Any) -> SeededLoadBalancer:
    lb = Fields(raw, where, _LB_FIELDS)
    name = lb.required_text("name")
    if len(name) > _MAX_NAME:
        raise lb.error("name", f"must be at most {_MAX_NAME} characters")
    protocol = lb.choice("protocol", tuple(data.PROTOCOLS), "HTTP")
    port = lb.integer("port", data.PROTOCOLS[protocol], minimum=0, maximum=65535)
    if port == 0:
        raise lb.error("port", f"is required for protocol {protocol} (1 to 65535)")
    vips: list[VipSpec] = []
    for vip_where, vip_raw in lb.tables("virtual_ips"):
        vip = Fields(vip_raw, vip_where, _VIP_FIELDS)
        vip_type = vip.choice("type", data.VIP_TYPES, "PUBLIC")
        vips.append(VipSpec(vip_type, vip.choice("ip_version", data.IP_VERSIONS, "IPV4")))
    if "virtual_ips" in lb and not vips:
        raise lb.error("virtual_ips", "must list at least one virtual IP")
    nodes = [_node(node_where, node_raw) for node_where, node_raw in lb.tables("nodes")]
    if len(nodes) > data.MAX_NODES:
        raise lb.error("nodes", f"a load balancer has at most {data.MAX_NODES} nodes")
    seen: dict[tuple[str, int], int] = {}
    for index, (node_spec, _id, _status) in enumerate(nodes):
        if node_spec.key in seen:
            raise SeedError(
                f"{where}.nodes[{index}]: the same address and port as nodes[{seen[node_spec.key]}]"
            )
        seen[node_spec.key] = index
    node_ids = [node_id for _spec, node_id, _status in nodes if node_id is not None]
    if len(set(node_ids)) != len(node_ids):
        raise lb.error("nodes", "two nodes have the same id")
    metadata = lb.text_map("metadata")
    if len(metadata) > data.MAX_METADATA:
        raise lb.error("metadata", f"a load balancer has at most {data.MAX_METADATA} items")
    spec = LoadBalancerSpec(
        name=name,
        protocol=protocol,
        port=port,
        algorithm=lb.choice("algorithm", data.ALGORITHMS, "RANDOM"),
        timeout=lb.integer("timeout", 30, minimum=1, maximum=120),
        half_closed=lb.boolean("half_closed", False),
        https_redirect=lb.boolean("https_redirect", False),
        virtual_ips=tuple(vips) or _DEFAULT_VIPS,
        nodes=tuple(node_spec for node_spec, _id, _status in nodes),
        metadata=tuple(metadata.items()),
    )
    return SeededLoadBalancer(
        where,
        spec,
        lb.optional_integer("id", minimum=1, maximum=_MAX_ID),
        lb.choice("status", STATUSES, "ACTIVE"),
        tuple(node_id for _spec, node_id, _status in nodes),
        tuple(status for _spec, _id, status in nodes),
        lb.text("tenant", numbers=True),
        lb.text("region"),
    )


def check(section: Mapping[str, Any]) -> CLBSeed:
    """Read ``clb``: every field checked, ids used twice refused."""
    fields = Fields(section, "clb", SEED_FIELDS)
    balancers = [_load_balancer(where, raw) for where, raw in fields.tables("load_balancers")]
    ids = [lb.lb_id for lb in balancers if lb.lb_id is not None]
    if len(set(ids)) != len(ids):
        raise fields.error("load_balancers", "two load balancers have the same id")
    node_ids = [node_id for lb in balancers for node_id in lb.node_ids if node_id is not None]
    if len(set(node_ids)) != len(node_ids):
        raise fields.error("load_balancers", "two nodes have the same id (ids are cloud-wide)")
    return CLBSeed(tuple(balancers))


def load(balancers: LoadBalancers, seed: CLBSeed, tenant: str, region: str) -> None:
    """Add the load balancers, in order; ids left out are counted past every id given."""
    given = [lb.lb_id for lb in seed.load_balancers if lb.lb_id is not None]
    nodes = [node for lb in seed.load_balancers for node in lb.node_ids if node is not None]
    balancers.count_past(given, nodes)
    numbered: list[tuple[int, list[int], SeededLoadBalancer]] = []
    for lb in seed.load_balancers:
        lb_id, fresh = balancers.new_ids(lb.lb_id, lb.node_ids.count(None))
        node_ids = [fresh.pop(0) if node_id is None else node_id for node_id in lb.node_ids]
        numbered.append((lb_id, node_ids, lb))
    # A tenant's load balancers are listed by id, so they are restored in that order.
    for lb_id, node_ids, lb in sorted(numbered, key=lambda item: item[0]):
        try:
            balancers.restore(
                lb.tenant or tenant,
                lb.region or region,
                lb.spec,
                lb_id=lb_id,
                status=lb.status,
                node_ids=node_ids,
                node_statuses=lb.node_statuses,
            )
        except ServiceError as error:
            raise SeedError(f"{lb.where}: {error.message}") from None


def export(balancers: LoadBalancers) -> dict[str, Any]:
    """Every load balancer not being deleted, by id."""
    now = balancers.now()
    return {"load_balancers": [_row(lb, now) for lb in balancers.all()]}


def _row(lb: LoadBalancer, now: float) -> dict[str, Any]:
    status = lb.status_at(now)
    row: dict[str, Any] = {
        "name": lb.name,
        "id": lb.id,
        "protocol": lb.protocol,
        "port": lb.port,
        "status": "ACTIVE" if status == "PENDING_UPDATE" else status,
    }
    optional = {
        "algorithm": (lb.algorithm, "RANDOM"),
        "timeout": (lb.timeout, 30),
        "half_closed": (lb.half_closed, False),
        "https_redirect": (lb.https_redirect, False),
    }
    row.update({key: value for key, (value, default) in optional.items() if value != default})
    vips = [{"type": vip.type, "ip_version": vip.ip_version} for vip in lb.virtual_ips]
    if tuple(VipSpec(v["type"], v["ip_version"]) for v in vips) != _DEFAULT_VIPS:
        row["virtual_ips"] = vips
    row["nodes"] = [_node_row(node) for node in lb.nodes.values()]
    if lb.metadata:
        row["metadata"] = lb.metadata_dict()
    return {**row, "tenant": lb.tenant_id, "region": lb.region}


def _node_row(node: Node) -> dict[str, Any]:
    row: dict[str, Any] = {"address": node.address, "port": node.port, "id": node.id}
    for key, default in (("condition", "ENABLED"), ("type", "PRIMARY"), ("weight", 1)):
        value = getattr(node, key)
        if value != default:
            row[key] = value
    if node.status != "ONLINE":
        row["status"] = node.status
    return row
