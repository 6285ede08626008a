"""IdentityService as a plain object: catalog assembly, validator, reset, describe."""

from __future__ import annotations

from typing import ClassVar

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from pytest_mimic.services.base import CatalogEntry, RoutedService
from tests.identity.conftest import Standalone


class _Entries(RoutedService):
    name: ClassVar[str] = "entries"
    prefix: ClassVar[str] = "/entries"
    entries: ClassVar[tuple[CatalogEntry, ...]] = ()

    def catalog_entries(self):
        return self.entries


class _First(_Entries):
    name = "first"
    entries = (CatalogEntry("compute", "first", "/first/{region}/{tenant}"),)


class _Second(_Entries):
    name = "second"
    entries = (
        CatalogEntry("compute", "second", "/second/{tenant}"),
        CatalogEntry("queue", "queues", "/q", regions=("X",)),
    )


@pytest.fixture
def cloud() -> Standalone:
    cloud = Standalone()
    cloud.services.append(_First(cloud.context))
    cloud.services.append(_Second(cloud.context))
    return cloud


def test_first_service_to_claim_a_type_keeps_it(cloud):
    catalog = cloud.login()["serviceCatalog"]
    compute = [entry for entry in catalog if entry["type"] == "compute"]
    assert [entry["name"] for entry in compute] == ["first"]


def test_region_and_tenant_are_substituted_in_the_path(cloud):
    access = cloud.login(tenantId="t9")
    (compute,) = [entry for entry in access["serviceCatalog"] if entry["type"] == "compute"]
    assert compute["endpoints"][1]["publicURL"] == "http://fake:8900/first/DFW/t9"


def test_an_entry_without_tenant_in_its_path_still_names_the_tenant(cloud):
    access = cloud.login(tenantId="t9")
    (queue,) = [entry for entry in access["serviceCatalog"] if entry["type"] == "queue"]
    assert queue["endpoints"] == [
        {
            "region": "X",
            "tenantId": "t9",
            "publicURL": "http://fake:8900/q",
            "internalURL": "http://fake:8900/q",
        }
    ]


def test_v3_endpoint_ids_are_stable_between_logins(cloud):
    def ids():
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {"name": "alice", "domain": {"id": "default"}, "password": "pw"}
                    },
                }
            }
        }
        token = cloud.request("POST", "/v3/auth/tokens", json=body).json["token"]
        return [e["id"] for s in token["catalog"] for e in s["endpoints"]]

    assert ids() == ids()


def test_constructor_installs_a_validator_that_survives_reset(cloud):
    validator = cloud.context.token_validator
    token = cloud.login()["token"]["id"]
    assert validator(token)
    cloud.service.reset()
    assert not validator(token)
    assert validator(cloud.login()["token"]["id"])


def test_other_services_learn_whose_token_a_request_carries(cloud):
    """``context.caller`` (the contract other services use) names the token's user and
    tenant, and nobody for a token Identity never issued."""
    access = cloud.login(tenantId="t9")

    def caller(token):
        headers = {} if token is None else {"X-Auth-Token": token}
        return cloud.context.caller(Request(EnvironBuilder(headers=headers).get_environ()))

    found = caller(access["token"]["id"])
    assert (found.user_id, found.tenant_id) == (access["user"]["id"], "t9")
    assert caller("made-up") is None
    assert caller(None) is None


def test_reset_restores_the_default_user_from_the_config(cloud):
    creds = cloud.config.credentials
    cloud.service.reset()
    access = cloud.login(creds.username, creds.password)
    assert access["token"]["tenant"]["id"] == creds.tenant_id


def test_find_user_sees_declared_users_and_those_a_login_registered(cloud):
    declared = cloud.service.add_user("bob", password="pw", tenant_id="77")
    assert cloud.service.find_user("bob") is declared
    assert declared.tenant_ids == ["77"]
    assert cloud.service.find_user("alice") is None
    cloud.login("alice")
    alice = cloud.service.find_user("alice")
    assert alice is not None
    assert alice.password == "pw"


def test_validator_follows_the_clock(cloud):
    token = cloud.login()["token"]["id"]
    cloud.clock.advance(cloud.config.token_lifetime)
    assert not cloud.service.token_is_valid(token)


def _resolve(cloud, path, data):
    environ = EnvironBuilder(
        path=path, method="POST", data=data, base_url="http://fake:8900/identity"
    ).get_environ()
    return cloud.service.resolve(Request(environ))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff",
        b"[" * 100_000,
        b'{"auth": 1}',
        b'{"auth": {"passwordCredentials": [1]}}',
        b"null",
    ],
)
@pytest.mark.parametrize(
    "path", ["/v2.0/tokens", "/v3/auth/tokens", "/v2.0/RAX-AUTH/impersonation-tokens"]
)
def test_describe_never_raises_on_bad_input(cloud, path, data):
    operation = _resolve(cloud, path, data)
    assert operation.name in {"authenticate", "authenticate_v3", "impersonate"}


def test_describe_names_username_tenant_and_credential_type(cloud):
    data = (
        b'{"auth": {"passwordCredentials": {"username": "u", "password": "p"}, "tenantName": "t"}}'
    )
    operation = _resolve(cloud, "/v2.0/tokens", data)
    assert dict(operation.attributes) == {
        "credential_type": "password",
        "username": "u",
        "tenant_id": "t",
    }
