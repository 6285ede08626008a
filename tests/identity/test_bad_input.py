"""Whatever a client sends, Identity answers a documented 4xx, never a 500.

Each row: the route, the raw body, the status and the fault key expected in the body.
v2.0 routes answer Rackspace faults (``badRequest``, ``unauthorized``, ``overLimit``);
v3 answers Keystone's ``{"error": {...}}``.
"""

from __future__ import annotations

import json

import pytest
import requests

V2_TOKENS = "/identity/v2.0/tokens"
V3_TOKENS = "/identity/v3/auth/tokens"
IMPERSONATE = "/identity/v2.0/RAX-AUTH/impersonation-tokens"
HUGE = b'{"auth": {"passwordCredentials": {"username": "' + b"x" * (2 * 1024 * 1024) + b'"}}}'


def js(value) -> bytes:
    return json.dumps(value).encode()


def pw(**fields):
    return {"auth": {"passwordCredentials": {"username": "u", "password": "p", **fields}}}


CASES = [
    # v2.0 POST /tokens
    ("v2 not JSON", V2_TOKENS, b"not json", 400, "badRequest"),
    ("v2 empty body", V2_TOKENS, b"", 400, "badRequest"),
    ("v2 whitespace body", V2_TOKENS, b"  \n", 400, "badRequest"),
    ("v2 non-UTF-8", V2_TOKENS, b'{"auth": "\xff\xfe"}', 400, "badRequest"),
    ("v2 huge body", V2_TOKENS, HUGE, 413, "overLimit"),
    ("v2 deeply nested", V2_TOKENS, b"[" * 100_000, 400, "badRequest"),
    ("v2 JSON array", V2_TOKENS, js([1, 2]), 400, "badRequest"),
    ("v2 JSON string", V2_TOKENS, js("auth"), 400, "badRequest"),
    ("v2 auth missing", V2_TOKENS, js({"passwordCredentials": {}}), 400, "badRequest"),
    ("v2 auth null", V2_TOKENS, js({"auth": None}), 400, "badRequest"),
    ("v2 auth a list", V2_TOKENS, js({"auth": []}), 400, "badRequest"),
    ("v2 no credentials", V2_TOKENS, js({"auth": {"tenantName": "t"}}), 400, "badRequest"),
    (
        "v2 unknown credential type",
        V2_TOKENS,
        js({"auth": {"RAX-AUTH:rsaCredentials": {"username": "u", "tokenKey": "k"}}}),
        400,
        "badRequest",
    ),
    (
        "v2 two credential types",
        V2_TOKENS,
        js({"auth": {**pw()["auth"], "token": {"id": "t"}}}),
        400,
        "badRequest",
    ),
    (
        "v2 credentials a string",
        V2_TOKENS,
        js({"auth": {"passwordCredentials": "u:p"}}),
        400,
        "badRequest",
    ),
    ("v2 username a number", V2_TOKENS, js(pw(username=42)), 400, "badRequest"),
    ("v2 username empty", V2_TOKENS, js(pw(username="")), 400, "badRequest"),
    (
        "v2 username missing",
        V2_TOKENS,
        js({"auth": {"passwordCredentials": {"password": "p"}}}),
        400,
        "badRequest",
    ),
    ("v2 password null", V2_TOKENS, js(pw(password=None)), 400, "badRequest"),
    ("v2 password an object", V2_TOKENS, js(pw(password={"x": 1})), 400, "badRequest"),
    (
        "v2 api key missing",
        V2_TOKENS,
        js({"auth": {"RAX-KSKEY:apiKeyCredentials": {"username": "u"}}}),
        400,
        "badRequest",
    ),
    (
        "v2 tenantName a number",
        V2_TOKENS,
        js({"auth": {**pw()["auth"], "tenantName": 7}}),
        400,
        "badRequest",
    ),
    (
        "v2 tenantId a list",
        V2_TOKENS,
        js({"auth": {**pw()["auth"], "tenantId": ["7"]}}),
        400,
        "badRequest",
    ),
    ("v2 token id missing", V2_TOKENS, js({"auth": {"token": {}}}), 400, "badRequest"),
    ("v2 token id a number", V2_TOKENS, js({"auth": {"token": {"id": 1}}}), 400, "badRequest"),
    # impersonation
    ("impersonation not JSON", IMPERSONATE, b"{", 400, "badRequest"),
    ("impersonation key missing", IMPERSONATE, js({"user": {"username": "u"}}), 400, "badRequest"),
    (
        "impersonation username missing",
        IMPERSONATE,
        js({"RAX-AUTH:impersonation": {"user": {}}}),
        400,
        "badRequest",
    ),
    (
        "impersonation expiry negative",
        IMPERSONATE,
        js({"RAX-AUTH:impersonation": {"user": {"username": "u"}, "expire-in-seconds": -5}}),
        400,
        "badRequest",
    ),
    (
        "impersonation expiry a string",
        IMPERSONATE,
        js({"RAX-AUTH:impersonation": {"user": {"username": "u"}, "expire-in-seconds": "60"}}),
        400,
        "badRequest",
    ),
    (
        "impersonation expiry absurd",
        IMPERSONATE,
        js({"RAX-AUTH:impersonation": {"user": {"username": "u"}, "expire-in-seconds": 1e300}}),
        400,
        "badRequest",
    ),
    # v3 POST /auth/tokens
    ("v3 not JSON", V3_TOKENS, b"<auth/>", 400, "error"),
    ("v3 empty body", V3_TOKENS, b"", 400, "error"),
    ("v3 non-UTF-8", V3_TOKENS, b"\xc3\x28", 400, "error"),
    ("v3 huge body", V3_TOKENS, HUGE, 413, "error"),
    ("v3 deeply nested", V3_TOKENS, b'{"a":' * 50_000, 400, "error"),
    ("v3 auth missing", V3_TOKENS, js({"identity": {}}), 400, "error"),
    ("v3 identity missing", V3_TOKENS, js({"auth": {}}), 400, "error"),
    ("v3 methods missing", V3_TOKENS, js({"auth": {"identity": {}}}), 400, "error"),
    ("v3 methods empty", V3_TOKENS, js({"auth": {"identity": {"methods": []}}}), 400, "error"),
    (
        "v3 methods a string",
        V3_TOKENS,
        js({"auth": {"identity": {"methods": "password"}}}),
        400,
        "error",
    ),
    ("v3 methods numbers", V3_TOKENS, js({"auth": {"identity": {"methods": [1]}}}), 400, "error"),
    (
        "v3 unknown method",
        V3_TOKENS,
        js({"auth": {"identity": {"methods": ["kerberos"]}}}),
        401,
        "error",
    ),
    (
        "v3 password missing",
        V3_TOKENS,
        js({"auth": {"identity": {"methods": ["password"]}}}),
        400,
        "error",
    ),
    (
        "v3 user without name or id",
        V3_TOKENS,
        js(
            {
                "auth": {
                    "identity": {"methods": ["password"], "password": {"user": {"password": "p"}}}
                }
            }
        ),
        400,
        "error",
    ),
    (
        "v3 domain scope",
        V3_TOKENS,
        js(
            {
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {
                            "user": {"name": "u", "domain": {"id": "default"}, "password": "p"}
                        },
                    },
                    "scope": {"domain": {"id": "default"}},
                }
            }
        ),
        400,
        "error",
    ),
    (
        "v3 token id missing",
        V3_TOKENS,
        js({"auth": {"identity": {"methods": ["token"], "token": {}}}}),
        400,
        "error",
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "status", "fault"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_body_gets_a_documented_4xx(mimic_cloud, default_token, path, body, status, fault):
    response = requests.post(
        mimic_cloud.base_url + path,
        data=body,
        headers={"Content-Type": "application/json", "X-Auth-Token": default_token},
        timeout=10,
    )
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    document = response.json()
    assert list(document) == [fault]
    assert document[fault]["code"] == status
    assert document[fault]["message"]


@pytest.fixture
def default_token(mimic_cloud) -> str:
    creds = mimic_cloud.credentials
    body = {
        "auth": {"passwordCredentials": {"username": creds.username, "password": creds.password}}
    }
    return requests.post(mimic_cloud.url("auth") + "/tokens", json=body, timeout=10).json()[
        "access"
    ]["token"]["id"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/identity/v2.0/tokens"),
        ("PUT", "/identity/v2.0/tokens"),
        ("POST", "/identity/v2.0"),
        ("GET", "/identity/v2.0/no-such-thing"),
        ("GET", "/identity/v3/no-such-thing"),
    ],
)
def test_unknown_routes_and_methods_are_4xx_json(mimic_cloud, method, path):
    response = requests.request(method, mimic_cloud.base_url + path, timeout=10)
    assert response.status_code in {404, 405}
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()


@pytest.mark.parametrize(
    ("user", "scope", "target"),
    [
        ({"name": "u", "password": "p"}, None, "user"),
        (
            {"name": "u", "domain": {"id": "default"}, "password": "p"},
            {"project": {"name": "p"}},
            "project",
        ),
    ],
    ids=["user", "project"],
)
def test_v3_names_without_a_domain_are_refused_as_keystone_does(mimic_cloud, user, scope, target):
    auth = {"identity": {"methods": ["password"], "password": {"user": user}}}
    if scope is not None:
        auth["scope"] = scope

    response = requests.post(mimic_cloud.base_url + V3_TOKENS, json={"auth": auth}, timeout=10)

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(f"Expecting to find domain in {target}.")
