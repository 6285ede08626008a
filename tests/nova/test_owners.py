"""Owners: a server's and a keypair's ``user_id`` is the user whose token created it."""

from __future__ import annotations

import requests

from tests.nova.conftest import ComputeHTTP


def test_novaclient_server_belongs_to_the_keystoneauth_token_user(nova):
    server = nova.servers.create("mine", image="img-1", flavor="2")
    token_user = nova.client.session.get_user_id()

    assert nova.servers.get(server.id).user_id == token_user
    assert [s.user_id for s in nova.servers.list()] == [token_user]


def test_openstacksdk_keypair_belongs_to_the_token_user(sdk):
    keypair = sdk.compute.create_keypair(name="mine")
    token_user = sdk.session.get_user_id()

    assert keypair.user_id == token_user
    assert sdk.compute.get_keypair("mine").user_id == token_user


def test_two_users_of_one_tenant_each_own_what_they_create(mimic_cloud, compute):
    identity = mimic_cloud.service("identity")
    identity.add_user("bob", password="bob-secret", tenant_id=compute.tenant)
    access = requests.post(
        f"{mimic_cloud.auth_url}/tokens",
        json={"auth": {"passwordCredentials": {"username": "bob", "password": "bob-secret"}}},
        timeout=10,
    ).json()["access"]
    bob = ComputeHTTP(mimic_cloud)
    bob.session.headers["X-Auth-Token"] = access["token"]["id"]

    mine, his = compute.create("mine"), bob.create("his")

    owners = {s["id"]: s["user_id"] for s in compute.get("/servers/detail").json()["servers"]}
    assert owners == {
        mine: identity.find_user(mimic_cloud.credentials.username).id,
        his: access["user"]["id"],
    }
    assert len(set(owners.values())) == 2
