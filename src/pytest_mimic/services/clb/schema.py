"""What a Cloud Load Balancers request body may say, checked into the model's specs.

Each function takes parsed JSON and returns validated values, or raises the model's
``errors.ValidationFailed`` (the real service's ``validationErrors`` body) naming the field. A
client's bad input is always one of those, never an exception of another kind.

Two client habits shape the rules: ``null`` for an optional field means "absent" (pyrax
sends every optional field, ``null`` when unset), and several bodies come either wrapped
(``{"healthMonitor": {...}}``, pyrax) or bare (``{...}``, libcloud and pkgcloud).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from pytest_mimic.parsing import shown
from pytest_mimic.services.clb import data
from pytest_mimic.services.clb.access_list import AccessSpec
from pytest_mimic.services.clb.errors import ValidationFailed
from pytest_mimic.services.clb.model import LoadBalancerSpec, VipSpec
from pytest_mimic.services.clb.nodes import NodeSpec, canonical_address

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = [
    "LB_ATTRIBUTES",
    "NODE_ATTRIBUTES",
    "PRESET_KEYS",
    "access_items",
    "connection_throttle",
    "enabled_flag",
    "error_page",
    "health_monitor",
    "load_balancer_changes",
    "load_balancer_spec",
    "metadata_items",
    "metadata_value",
    "node_changes",
    "node_specs",
    "parse_id",
    "parse_ids",
    "session_persistence",
    "ssl_termination",
    "unwrap",
]

#: Mimic's metadata presets; their values may be JSON numbers (seconds).
PRESET_KEYS = frozenset({"lb_building", "lb_pending_update", "lb_pending_delete", "lb_error_state"})

#: JSON name -> model attribute, for ``PUT /loadbalancers/{id}``.
LB_ATTRIBUTES: Mapping[str, str] = {
    "name": "name",
    "algorithm": "algorithm",
    "protocol": "protocol",
    "port": "port",
    "timeout": "timeout",
    "halfClosed": "half_closed",
    "httpsRedirect": "https_redirect",
}
#: What ``PUT .../nodes/{id}`` may change.
NODE_ATTRIBUTES = ("condition", "type", "weight")

_MAX_NAME = 128
_MAX_METADATA_TEXT = 256
_MAX_ERROR_PAGE = 65536
_MAX_CERTIFICATE = 64 * 1024
#: An id longer than this cannot name anything (and int() of a huge text is slow).
_MAX_ID_DIGITS = 18


# -- shared checks ---------------------------------------------------------------------


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationFailed(f"{what} must be a JSON object.")
    return value


def _present(value: Mapping[str, Any]) -> dict[str, Any]:
    """The members that are not ``null`` (``null`` means absent)."""
    return {key: item for key, item in value.items() if item is not None}


def unwrap(body: Any, key: str) -> dict[str, Any]:
    """``body[key]`` when the body is wrapped in ``{key: {...}}``, else the bare body."""
    members = _present(_object(body, "The request body"))
    if key in members:
        return _present(_object(members[key], key))
    return members


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationFailed(f"{what} must be a JSON array.")
    return value


def _text(value: Any, what: str, *, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"{what} must be a non-empty string.")
    if len(value) > limit:
        raise ValidationFailed(f"{what} must be at most {limit} characters long.")
    return value


def _integer(value: Any, what: str, low: int, high: int, message: str | None = None) -> int:
    """An integer (or ASCII-digit text, as the original Mimic accepted) in ``low..high``."""
    problem = ValidationFailed(message or f"{what} must be an integer from {low} to {high}.")
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS):
            raise problem
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise problem
    return value


def _choice(value: Any, what: str, choices: Iterable[str]) -> str:
    options = tuple(choices)
    if not isinstance(value, str) or value not in options:
        raise ValidationFailed(
            f"{what} {shown(value)} is not one of {', '.join(options)}."
            if value is not None
            else f"{what} is required: one of {', '.join(options)}."
        )
    return value


def _boolean(value: Any, what: str) -> bool:
    """``true``/``false``, or their text (pyrax sends ``"true"`` for connection logging)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValidationFailed(f"{what} must be true or false.")


def _ip_address(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"{what} must be an IPv4 or IPv6 address.")
    text = value.strip()
    if canonical_address(text) is None:
        raise ValidationFailed(f"{what} {shown(value)} is not a valid IPv4 or IPv6 address.")
    return text


def parse_id(value: Any) -> int | None:
    """A positive integer id from URL or query text, or ``None`` if it cannot be one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= _MAX_ID_DIGITS):
        return None
    number = int(text)
    return number if number > 0 else None


def parse_ids(values: Sequence[str], what: str) -> list[int]:
    """The ``?id=`` values of a bulk request as integers; 400 naming any that is not one."""
    ids: list[int] = []
    bad: list[str] = []
    for value in values:
        parsed = parse_id(value)
        if parsed is None:
            bad.append(shown(value, 20))
        else:
            ids.append(parsed)
    if bad:
        raise ValidationFailed(f"{what} ids must be integers: {', '.join(bad)}")
    return ids


# -- nodes -----------------------------------------------------------------------------


def _node_spec(value: Any) -> NodeSpec:
    node = _present(_object(value, "A node"))
    if "status" in node:
        raise ValidationFailed("Node status field cannot be set; it is managed by the service.")
    if "address" not in node:
        raise ValidationFailed("Node address is required.")
    if "port" not in node:
        raise ValidationFailed("Node port is required.")
    return NodeSpec(
        address=_ip_address(node["address"], "Node address"),
        port=_integer(node["port"], "Node port", 1, 65535),
        condition=_choice(node.get("condition", "ENABLED"), "Node condition", data.CONDITIONS),
        type=_choice(node.get("type", "PRIMARY"), "Node type", data.NODE_TYPES),
        weight=_weight(node.get("weight", 1)),
    )


def _weight(value: Any) -> int:
    return _integer(
        value,
        "Node weight",
        1,
        100,
        "Node weight is invalid. Range is 1-100. Please specify a valid weight.",
    )


def node_specs(body: Any) -> list[NodeSpec]:
    """``{"nodes": [{...}, ...]}`` for an add-nodes request."""
    nodes = _object(body, "The request body").get("nodes")
    if nodes is None:
        raise ValidationFailed("Must provide a list of nodes in 'nodes'.")
    items = _list(nodes, "nodes")
    if not items:
        raise ValidationFailed("Must provide at least one node.")
    return [_node_spec(item) for item in items]


def node_changes(body: Any) -> dict[str, Any]:
    """``{"node": {...}}`` (or the bare object libcloud sends) for a node update.

    Returns model attribute changes; address, port and id cannot change.
    """
    node = unwrap(body, "node")
    refused = [
        message
        for key, message in (
            ("address", "Node ip field cannot be modified."),
            ("port", "Port field cannot be modified."),
            ("id", "Node id field cannot be modified."),
            ("status", "Node status field cannot be modified."),
        )
        if key in node
    ]
    if refused:
        raise ValidationFailed(*refused)
    changes: dict[str, Any] = {}
    if "condition" in node:
        changes["condition"] = _choice(node["condition"], "Node condition", data.CONDITIONS)
    if "type" in node:
        changes["type"] = _choice(node["type"], "Node type", data.NODE_TYPES)
    if "weight" in node:
        changes["weight"] = _weight(node["weight"])
    if not changes:
        raise ValidationFailed("Must provide a condition, type or weight to update.")
    return changes


# -- load balancers --------------------------------------------------------------------


def _vip_spec(value: Any) -> VipSpec:
    vip = _present(_object(value, "A virtual IP"))
    if "id" in vip:
        shared = parse_id(vip["id"])
        if shared is None:
            raise ValidationFailed(f"Virtual ip id {shown(vip['id'])} is not a valid id.")
        return VipSpec(shared_id=shared)
    vip_type = _choice(vip.get("type"), "Virtual ip type", data.VIP_TYPES)
    version = vip.get("ipVersion")
    if version is not None:
        version = _choice(version, "Virtual ip version", data.IP_VERSIONS)
        if vip_type == "SERVICENET" and version == "IPV6":
            raise ValidationFailed("SERVICENET virtual ips are IPV4 only.")
    return VipSpec(type=vip_type, ip_version=version)


def _name(value: Any) -> str:
    if value is None:
        raise ValidationFailed("Must provide a name for the load balancer.")
    return _text(value, "Load balancer name", limit=_MAX_NAME)


def load_balancer_spec(body: Any) -> LoadBalancerSpec:
    """A create body: ``{"loadBalancer": {...}}``, or the bare object pkgcloud sends."""
    lb = unwrap(body, "loadBalancer")
    name = _name(lb.get("name"))
    if "protocol" not in lb:
        raise ValidationFailed("Must provide a protocol for the load balancer.")
    protocol = _choice(lb["protocol"], "Protocol", data.PROTOCOLS)
    if "port" in lb:
        port = _integer(lb["port"], "Port", 1, 65535)
    else:
        port = data.PROTOCOLS[protocol]
        if not port:
            raise ValidationFailed(f"Must provide a port for protocol {protocol}.")
    vips = lb.get("virtualIps", [{"type": "PUBLIC"}])
    vip_specs = tuple(_vip_spec(item) for item in _list(vips, "virtualIps"))
    if not vip_specs:
        raise ValidationFailed("Must provide at least one virtual ip.")
    nodes = tuple(_node_spec(item) for item in _list(lb.get("nodes", []), "nodes"))
    settings: dict[str, Any] = {}
    for key, parse in _CREATE_SETTINGS.items():
        if key in lb:
            value = parse(lb[key], None)
            if value is not None:
                settings[key] = value
    return LoadBalancerSpec(
        name=name,
        protocol=protocol,
        port=port,
        algorithm=_choice(lb.get("algorithm", "RANDOM"), "Algorithm", data.ALGORITHMS),
        timeout=_integer(lb.get("timeout", 30), "Timeout", 1, 120),
        half_closed=_boolean(lb.get("halfClosed", False), "halfClosed"),
        https_redirect=_boolean(lb.get("httpsRedirect", False), "httpsRedirect"),
        virtual_ips=vip_specs,
        nodes=nodes,
        metadata=tuple(_metadata_list(lb.get("metadata", []))),
        access_list=tuple(_access_list(lb.get("accessList", []))),
        settings=settings,
    )


def load_balancer_changes(body: Any) -> dict[str, Any]:
    """A ``PUT /loadbalancers/{id}`` body (wrapped, as pyrax sends, or bare, as libcloud
    does) as model attribute changes."""
    lb = unwrap(body, "loadBalancer")
    changes: dict[str, Any] = {}
    if "name" in lb:
        changes["name"] = _name(lb["name"])
    if "algorithm" in lb:
        changes["algorithm"] = _choice(lb["algorithm"], "Algorithm", data.ALGORITHMS)
    if "protocol" in lb:
        changes["protocol"] = _choice(lb["protocol"], "Protocol", data.PROTOCOLS)
    if "port" in lb:
        changes["port"] = _integer(lb["port"], "Port", 1, 65535)
    if "timeout" in lb:
        changes["timeout"] = _integer(lb["timeout"], "Timeout", 1, 120)
    if "halfClosed" in lb:
        changes["half_closed"] = _boolean(lb["halfClosed"], "halfClosed")
    if "httpsRedirect" in lb:
        changes["https_redirect"] = _boolean(lb["httpsRedirect"], "httpsRedirect")
    if not changes:
        names = ", ".join(LB_ATTRIBUTES)
        raise ValidationFailed(f"Must provide at least one attribute to update: {names}.")
    return changes


# -- settings --------------------------------------------------------------------------


def health_monitor(value: Any, _current: Any = None) -> dict[str, Any]:
    """A health monitor: CONNECT, or HTTP/HTTPS with a ``path``."""
    monitor = unwrap(value, "healthMonitor")
    kind = _choice(monitor.get("type"), "Health monitor type", data.HEALTH_MONITOR_TYPES)
    result: dict[str, Any] = {
        "type": kind,
        "delay": _integer(monitor.get("delay"), "Health monitor delay", 1, 3600),
        "timeout": _integer(monitor.get("timeout"), "Health monitor timeout", 1, 300),
        "attemptsBeforeDeactivation": _integer(
            monitor.get("attemptsBeforeDeactivation"), "attemptsBeforeDeactivation", 1, 10
        ),
    }
    if kind != "CONNECT":
        path = monitor.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValidationFailed("An HTTP(S) health monitor needs a path starting with '/'.")
        result["path"] = path
        for key in ("statusRegex", "bodyRegex", "hostHeader"):
            if key in monitor:
                result[key] = _text(monitor[key], key, limit=_MAX_NAME * 2)
    return result


_THROTTLE_RANGES: Mapping[str, tuple[int, int]] = {
    "maxConnections": (0, 100000),
    "minConnections": (0, 1000),
    "maxConnectionRate": (0, 100000),
    "rateInterval": (1, 3600),
}


def connection_throttle(value: Any, current: Any = None) -> dict[str, Any]:
    """Connection throttling; the fields given change the current ones."""
    throttle = unwrap(value, "connectionThrottle")
    changes = {
        key: _integer(throttle[key], key, low, high)
        for key, (low, high) in _THROTTLE_RANGES.items()
        if key in throttle
    }
    if not changes:
        raise ValidationFailed(
            f"Must provide at least one of {', '.join(_THROTTLE_RANGES)} for connection throttle."
        )
    return {**(current or {}), **changes}


def session_persistence(value: Any, _current: Any = None) -> dict[str, Any]:
    """``{"persistenceType": "HTTP_COOKIE" | "SOURCE_IP"}``."""
    persistence = unwrap(value, "sessionPersistence")
    kind = persistence.get("persistenceType")
    return {"persistenceType": _choice(kind, "persistenceType", data.PERSISTENCE_TYPES)}


def enabled_flag(key: str) -> Callable[[Any, Any], bool]:
    """The parser of ``{key: {"enabled": true}}`` (connection logging, content caching)."""

    def parse(value: Any, _current: Any = None) -> bool:
        return _boolean(unwrap(value, key).get("enabled"), f"{key} enabled")

    return parse


def error_page(value: Any, _current: Any = None) -> str:
    """``{"errorpage": {"content": "<html>..."}}``."""
    content = unwrap(value, "errorpage").get("content")
    return _text(content, "Error page content", limit=_MAX_ERROR_PAGE)


def ssl_termination(value: Any, current: Any = None) -> dict[str, Any]:
    """SSL termination: stored, not enforced. The first configuration needs a certificate,
    a private key and a secure port; later ones may change only the port and flags."""
    ssl = unwrap(value, "sslTermination")
    result: dict[str, Any] = dict(current or {"enabled": True, "secureTrafficOnly": False})
    if current is None or "certificate" in ssl or "privatekey" in ssl:
        for key in ("certificate", "privatekey"):
            if key not in ssl:
                raise ValidationFailed(f"SSL termination needs a {key}.")
            result[key] = _text(ssl[key], key, limit=_MAX_CERTIFICATE)
    if "intermediateCertificate" in ssl:
        result["intermediateCertificate"] = _text(
            ssl["intermediateCertificate"], "intermediateCertificate", limit=_MAX_CERTIFICATE
        )
    if "securePort" in ssl:
        result["securePort"] = _integer(ssl["securePort"], "securePort", 1, 65535)
    elif "securePort" not in result:
        raise ValidationFailed("SSL termination needs a securePort.")
    for key in ("enabled", "secureTrafficOnly"):
        if key in ssl:
            result[key] = _boolean(ssl[key], key)
    return result


_CREATE_SETTINGS: Mapping[str, Callable[[Any, Any], Any]] = {
    "healthMonitor": health_monitor,
    "connectionThrottle": connection_throttle,
    "sessionPersistence": session_persistence,
    "connectionLogging": enabled_flag("connectionLogging"),
    "contentCaching": enabled_flag("contentCaching"),
}


# -- access lists and metadata ---------------------------------------------------------


def _access_item(value: Any) -> AccessSpec:
    item = _present(_object(value, "A network item"))
    address = item.get("address")
    if not isinstance(address, str) or not address.strip():
        raise ValidationFailed("A network item needs an address (an IP address or a CIDR).")
    try:
        ipaddress.ip_network(address.strip(), strict=False)
    except ValueError:
        raise ValidationFailed(
            f"Network item address {shown(address)} is not an IP address or CIDR."
        ) from None
    return AccessSpec(
        address.strip(), _choice(item.get("type"), "Network item type", ("ALLOW", "DENY"))
    )


def _access_list(value: Any) -> list[AccessSpec]:
    return [_access_item(item) for item in _list(value, "accessList")]


def access_items(body: Any) -> list[AccessSpec]:
    """``{"accessList": [...]}``, or libcloud's ``{"networkItem": {...}}``."""
    body = _object(body, "The request body")
    if body.get("networkItem") is not None:
        return [_access_item(body["networkItem"])]
    items = _access_list(body.get("accessList"))
    if not items:
        raise ValidationFailed("Must provide at least one network item in 'accessList'.")
    return items


def _metadata_value(value: Any, key: str) -> str:
    if key in PRESET_KEYS:
        # Mimic's presets take numbers, and an empty value means their default duration.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if value == "":
            return ""
    return _text(value, f"Metadata value for {shown(key)}", limit=_MAX_METADATA_TEXT)


def _metadata_list(value: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for entry in _list(value, "metadata"):
        entry = _present(_object(entry, "A metadata item"))
        key = _text(entry.get("key"), "Metadata key", limit=_MAX_METADATA_TEXT)
        items.append((key, _metadata_value(entry.get("value"), key)))
    return items


def metadata_items(body: Any) -> list[tuple[str, str]]:
    """``{"metadata": [{"key", "value"}, ...]}`` as ``(key, value)`` pairs."""
    items = _metadata_list(_object(body, "The request body").get("metadata"))
    if not items:
        raise ValidationFailed("Must provide at least one metadata item.")
    return items


def metadata_value(body: Any, key: str) -> str:
    """``{"meta": {"value": ...}}`` for a metadata item update."""
    meta = unwrap(body, "meta")
    return _metadata_value(meta.get("value"), key)
