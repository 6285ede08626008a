"""Known-good request bodies per operation: the seeds that mutated bodies start from.

A body with one field wrong reaches much deeper into a handler than random JSON, which a
service refuses at its first check. The first seed of an operation must succeed as it is:
the ``World`` sends it to make the resource a path argument names (``create_server`` for a
``<server_id>``), and ``test_every_recipe_makes_its_value`` proves it does.

Operations with no entry here are fuzzed with generic JSON only, and the run's summary lists
them; add a seed when a service lands (its operation name is the route's endpoint). A
service's own ``samples()`` with a body seed their operations too (after the seeds written
here), so a service installed from elsewhere is fuzzed in depth with no edit here.
"""

from __future__ import annotations

import base64
import json
import struct
from typing import TYPE_CHECKING, Any

from werkzeug.test import create_environ
from werkzeug.wrappers import Request

from pytest_mimic.cloud import MimicCloud
from tests.fuzz.known import OTHER, Known

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pytest_mimic.services.base import Service


def _ssh_rsa_public_key() -> str:
    def field(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data

    blob = field(b"ssh-rsa") + field(b"\x01\x00\x01") + field(b"\x00" + bytes(range(1, 129)))
    return f"ssh-rsa {base64.b64encode(blob).decode()} fuzz@example"


USERNAME, PASSWORD, API_KEY = Known("username"), Known("password"), Known("api_key")
TENANT, TOKEN = Known("tenant"), Known("token")
IMAGE, FLAVOR = Known("nova.image_id"), "general1-1"

_V2_PASSWORD = {"passwordCredentials": {"username": USERNAME, "password": PASSWORD}}
_V3_PASSWORD = {
    "methods": ["password"],
    "password": {"user": {"name": USERNAME, "domain": {"id": "default"}, "password": PASSWORD}},
}
_SERVER = {
    "name": "fuzz-server",
    "imageRef": IMAGE,
    "flavorRef": FLAVOR,
    "metadata": {"fuzz-key": "fuzz-value"},
}
_VOLUME = "0b4c8f3e-2a6d-4f1e-9c7b-5d3a1e6f8b20"
_IMAGE_TO_VOLUME = {
    "boot_index": 0,
    "uuid": IMAGE,
    "source_type": "image",
    "destination_type": "volume",
    "volume_size": "10",
}
_LOAD_BALANCER = {
    "name": "fuzz-lb",
    "protocol": "HTTP",
    "port": 80,
    "algorithm": "RANDOM",
    "virtualIps": [{"type": "PUBLIC"}],
    "nodes": [{"address": "10.1.1.1", "port": 80, "condition": "ENABLED"}],
}

SEEDS: dict[str, tuple[Any, ...]] = {
    # -- the control plane (its path arguments: world.RECIPES). No seed sets max_connections
    # or request_head_seconds: a valid small value would refuse the example's own next
    # connection (the tests of the server limits prove those).
    "tick": ({"amount": 1}, {"amount": 0.25}),
    "reset": ({},),  # reads no body; one is sent all the same
    "next_response": ({},),  # the answer is in X-Mimic-Next-* headers; a body is ignored
    "change_settings": (
        {"server_build_seconds": 5, "check_tokens": "false"},
        {"options": {"nova_quotas": {"maxTotalInstances": 2}}},
        {"nova_quotas": '{"maxTotalRAMSize": 4096}', "clb_deleted_retention_seconds": "60"},
        {"regions": ["ORD", "SYD"], "default_region": "SYD", "token_lifetime": 600},
    ),
    "activate_scenario": (
        {"one_in": 3},
        {"seconds": 30},
        {},
        {"service": "nova", "operation": "*", "ms": 1},
        {"queue": "jobs-.*", "seconds": 2},
        {"status": 503, "times": 1},
    ),
    "register_behavior": (
        {"name": "fail", "parameters": {"code": 503, "message": "fuzz", "type": "fuzzFault"}},
        {"name": "error", "criteria": [{"server_name": "web-.*"}], "times": 2},
        {"name": "build", "parameters": {"duration": 30}},
        {"name": "delay", "parameters": {"seconds": 0.01}, "times": 1},
        {"name": "sequence", "parameters": {"behaviors": [{"name": "fail"}, {"name": "default"}]}},
        {"name": "false-negative", "parameters": {"code": 500}},
    ),
    "load_state": (  # PUT and POST /mimic/v1.1/state: the first must succeed every time
        {},
        {"nova": {"servers": [{"name": "fuzz-seeded", "flavor": "2", "image": "any"}]}},
        {"identity": {"users": [{"username": "fuzz-seeded", "password": "p"}]}},
        {
            "clb": {
                "load_balancers": [{"name": "fuzz", "nodes": [{"address": "10.0.0.1", "port": 80}]}]
            }
        },
        {"sqs": {"queues": [{"name": "fuzz-seeded", "messages": [{"body": "x", "id": "m"}]}]}},
    ),
    # -- Identity v2.0 (Rackspace) and v3 (Keystone)
    "authenticate": (
        {"auth": _V2_PASSWORD},
        {"auth": {**_V2_PASSWORD, "tenantId": TENANT}},
        {"auth": {"RAX-KSKEY:apiKeyCredentials": {"username": USERNAME, "apiKey": API_KEY}}},
        {"auth": {"token": {"id": TOKEN}, "tenantId": TENANT}},
        {"auth": {"passwordCredentials": {"username": "fuzz-newcomer", "password": "pw"}}},
    ),
    "authenticate_v3": (
        {"auth": {"identity": _V3_PASSWORD, "scope": {"project": {"id": TENANT}}}},
        {"auth": {"identity": {"methods": ["token"], "token": {"id": TOKEN}}}},
    ),
    "impersonate": (
        {"RAX-AUTH:impersonation": {"user": {"username": USERNAME}, "expire-in-seconds": 3600}},
    ),
    # -- Nova
    "create_server": (
        {"server": _SERVER},
        {"server": {**_SERVER, "min_count": 2, "max_count": "3", "key_name": "fuzz-kp"}},
        {"server": {**_SERVER, "OS-DCF:diskConfig": "MANUAL", "networks": [], "personality": []}},
        {"server": {**_SERVER, "metadata": {"server_building": 30}}},
        {"server": {**_SERVER, "metadata": {"server_error": "1"}}},
        {
            "server": {
                **_SERVER,
                "metadata": {"create_server_failure": json.dumps({"message": "fuzz", "code": 500})},
            }
        },
        {
            "server": {
                **_SERVER,
                "metadata": {"delete_server_failure": json.dumps({"code": 500, "times": 1})},
            }
        },
        # booting from block devices: an image copied to a volume (the openstack client's
        # --block-device), an existing volume, and the legacy mapping of the root device
        {"server": {**_SERVER, "imageRef": "", "block_device_mapping_v2": [_IMAGE_TO_VOLUME]}},
        {
            "server": {
                "name": "fuzz-volume-server",
                "flavorRef": FLAVOR,
                "block_device_mapping_v2": [
                    {
                        "boot_index": "0",
                        "uuid": _VOLUME,
                        "source_type": "volume",
                        "destination_type": "volume",
                        "delete_on_termination": False,
                    },
                    {"boot_index": -1, "source_type": "blank", "destination_type": "local"},
                ],
            }
        },
        {
            "server": {
                **_SERVER,
                "imageRef": "",
                "block_device_mapping": [{"volume_id": _VOLUME, "device_name": "/dev/vda"}],
            }
        },
    ),
    "update_server_metadata": ({"metadata": {"fuzz-key": "changed", "another": "x"}},),
    "set_server_metadata_item": ({"meta": {"fuzz-key": "changed"}},),
    "server_action": (
        {"reboot": {"type": "SOFT"}},
        {"reboot": {"type": "HARD"}},
        {"resize": {"flavorRef": "general1-2"}},
        {"confirmResize": None},
        {"revertResize": None},
        {"rebuild": {"imageRef": IMAGE, "name": "rebuilt", "metadata": {"a": "b"}}},
        {"rescue": {"adminPass": "secret"}},
        {"unrescue": None},
        {"changePassword": {"adminPass": "secret"}},
        {"createImage": {"name": "fuzz-snapshot", "metadata": {"a": "b"}}},
        {"os-stop": None},
        {"os-start": None},
    ),
    "create_keypair": (
        {"keypair": {"name": "fuzz-kp"}},
        {"keypair": {"name": "fuzz-imported", "public_key": _ssh_rsa_public_key()}},
    ),
    # -- Image (Glance v2): creates as openstacksdk sends them, patches as its update_image
    "create_image": (
        {"name": "fuzz-image", "disk_format": "qcow2", "container_format": "bare"},
        {
            "name": "fuzz-image",
            "visibility": "private",
            "min_ram": 512,
            "tags": ["fuzz-tag"],
            "owner_specified.openstack.object": "images/fuzz-image",
        },
    ),
    "update_image": (
        [
            {"op": "replace", "path": "/name", "value": "fuzz-renamed"},
            {"op": "add", "path": "/fuzz-key", "value": "fuzz-value"},
            {"op": "replace", "path": "/tags", "value": ["a", "b"]},
        ],
        [{"op": "remove", "path": "/fuzz-key"}],
    ),
    "upload_image_data": ({"any": "bytes, sent as application/octet-stream or not"},),
    "add_image_tag": ({},),  # reads no body; one is sent all the same
    # -- Cloud Load Balancers: creates as libcloud and pyrax send them (pyrax with explicit
    # nulls), the rest as the API documents them
    "create_load_balancer": (
        {"loadBalancer": _LOAD_BALANCER},
        {
            "loadBalancer": {
                **_LOAD_BALANCER,
                "virtualIps": [{"type": "PUBLIC", "ipVersion": "IPV4"}],
                "nodes": [
                    {
                        "address": "10.1.1.2",
                        "port": 80,
                        "condition": "ENABLED",
                        "type": None,
                        "id": None,
                    }
                ],
                "halfClosed": None,
                "accessList": None,
                "connectionLogging": None,
                "connectionThrottle": None,
                "healthMonitor": None,
                "metadata": None,
                "timeout": None,
                "sessionPersistence": None,
                "httpsRedirect": None,
            }
        },
    ),
    "update_load_balancer": (
        {
            "loadBalancer": {
                "name": "fuzz-renamed",
                "algorithm": "ROUND_ROBIN",
                "protocol": "HTTP",
                "port": 8080,
                "timeout": 60,
                "halfClosed": False,
            }
        },
    ),
    "add_nodes": (
        {"nodes": [{"address": "10.2.2.2", "port": 80, "condition": "ENABLED", "weight": 1}]},
        {"nodes": [{"address": "10.2.2.3", "port": 81, "condition": "DRAINING", "type": None}]},
    ),
    "update_node": ({"node": {"condition": "DRAINING", "weight": 2}},),
    "set_health_monitor": (
        {
            "healthMonitor": {
                "type": "CONNECT",
                "delay": 10,
                "timeout": 10,
                "attemptsBeforeDeactivation": 3,
            }
        },
        {
            "healthMonitor": {
                "type": "HTTP",
                "delay": 10,
                "timeout": 10,
                "attemptsBeforeDeactivation": 3,
                "path": "/",
                "statusRegex": "^[234][0-9][0-9]$",
                "bodyRegex": ".*",
            }
        },
    ),
    "set_connection_throttle": (
        {
            "connectionThrottle": {
                "maxConnections": 100,
                "minConnections": 10,
                "maxConnectionRate": 50,
                "rateInterval": 60,
            }
        },
    ),
    "set_session_persistence": ({"sessionPersistence": {"persistenceType": "HTTP_COOKIE"}},),
    "set_connection_logging": ({"connectionLogging": {"enabled": True}},),
    "set_content_caching": ({"contentCaching": {"enabled": True}},),
    "set_error_page": ({"errorpage": {"content": "<html>fuzz</html>"}},),
    "set_ssl_termination": (
        {"sslTermination": {"securePort": 443, "enabled": True, "secureTrafficOnly": False}},
    ),
    "add_access_list": (
        {"accessList": [{"address": "10.0.0.0/8", "type": "ALLOW"}]},
        {"networkItem": {"address": "192.168.0.1", "type": "DENY"}},
    ),
    "add_metadata": ({"metadata": [{"key": "fuzz-key", "value": "fuzz-value"}]},),
    "update_metadata_item": ({"meta": {"value": "changed"}},),
    "add_node_metadata": ({"metadata": [{"key": "fuzz-key", "value": "fuzz-value"}]},),
    "update_node_metadata_item": ({"meta": {"value": "changed"}},),
    "set_load_balancer_status": (
        {"status": "ERROR"},
        {"status": "PENDING_UPDATE", "seconds": 5},
    ),
    "set_node_status": ({"status": "OFFLINE"},),
}


def sample_seeds(services: Sequence[Service]) -> dict[str, tuple[Any, ...]]:
    """The bodies of the services' samples (``Service.samples``) by the operation each one
    names, resolved by the service itself as it would resolve the request."""
    found: dict[str, tuple[Any, ...]] = {}
    for service in services:
        for sample in service.samples():
            if sample.body is None:
                continue
            config = service.context.config
            path = sample.path.format(
                region=config.default_region, tenant=config.credentials.tenant_id
            )
            environ = create_environ(
                path=path,
                method=sample.method,
                data=json.dumps(sample.body),
                content_type="application/json",
            )
            operation = service.resolve(Request(environ)).name
            found[operation] = (*found.get(operation, ()), sample.body)
    return found


for _operation, _bodies in sample_seeds(MimicCloud().services).items():
    SEEDS[_operation] = (*SEEDS.get(_operation, ()), *_bodies)

#: Values a mutated seed may use in place of a field's value: wrong types, edge numbers,
#: hostile text, and real values from elsewhere in the cloud.
HOSTILE_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1,
    2**31,
    2**63,
    -(2**63) - 1,
    10**30,
    1.5,
    -0.0,
    1e308,
    5e-324,
    "",
    " ",
    " padded ",
    "0",
    "-1",
    "1e3",
    "²",
    "\u0661",
    "null",
    "true",
    "é",
    "\U0001f642",
    "\u0000",
    "\u202e",
    "../..",
    "a" * 256,
    "a" * 100_000,
    "(",
    "(a+)+$",
    ".*a.*b",
    "*",
    "a\r\nb",
    "X A",
    "\u0100",
    [],
    {},
    [None],
    [[]],
    {"": None},
    {"a": {"b": {"c": {}}}},
    TOKEN,
    TENANT,
    Known("token", OTHER),
    Known("region", OTHER),
)

#: JSON text put in place of a field's value as it is, for what ``json.dumps`` cannot make:
#: numbers past every limit, lone surrogates, nesting deeper than parsers like.
HOSTILE_JSON_TEXT: tuple[str, ...] = (
    "1" + "0" * 400,
    "9" * 5000,
    "-" + "9" * 5000,
    "0." + "1" * 5000,
    "1e999",
    "-1e999",
    "1e-999",
    "NaN",
    "Infinity",
    '"\\ud800"',
    '"\\udfff\\ud800"',
    '"\\u0000"',
    "[" * 50 + "]" * 50,
    "[" * 900 + "]" * 900,
    "[" * 5000 + "]" * 5000,
    '{"a":' * 900 + "1" + "}" * 900,
    '{"a": 1, "a": 2}',
)
