"""State documents: a cloud seeded from one starts in that state and a reset returns to it;
``GET /mimic/v1.1/state`` writes the state back in the same form, so it can be replayed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import boto3
import pytest
import requests
from keystoneauth1 import session
from keystoneauth1.identity import v2
from libcloud.loadbalancer.providers import get_driver
from libcloud.loadbalancer.types import Provider
from novaclient import client as nova_client

from pytest_mimic import MimicCloud
from pytest_mimic.config import CloudConfig
from pytest_mimic.state import SeedError, check_document, read_document

SEED_TOML = """
[settings]
server_build_seconds = 600

[[seed.identity.tenants]]
id = "200001"
name = "acme"

[[seed.identity.users]]
username = "alice"
password = "s3cret"
tenants = ["200001"]

[[seed.nova.servers]]
name = "web-1"
flavor = 2
image = "any-image"
metadata = { role = "web" }

[[seed.nova.servers]]
name = "db-1"
flavor = "4"
image = "any-image"
tenant = "200001"
status = "ERROR"
fault = "disk on fire"

[[seed.image.images]]
name = "golden"
tenant = "200001"
properties = { os_type = "linux" }

[[seed.clb.load_balancers]]
name = "web"
nodes = [
  { address = "10.0.0.1", port = 80 },
  { address = "10.0.0.2", port = 80, condition = "DRAINING", status = "OFFLINE" },
]
metadata = { team = "web" }

[[seed.sqs.queues]]
name = "jobs"
attributes = { VisibilityTimeout = 60 }
messages = [{ body = "resize web-1" }, { body = "drain web", attributes = { kind = "lb" } }]
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``serve --config seed.toml`` on a free port: its base URL."""
    config = tmp_path_factory.mktemp("seed") / "seed.toml"
    config.write_text(SEED_TOML)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("pytest-mimic serving on http://"), first + proc.stderr.read()
        yield first.split()[-1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def state(base):
    answer = requests.get(base + "/mimic/v1.1/state", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_export_reset_export_gives_the_same_document(served):
    before = state(served)
    assert requests.post(served + "/mimic/v1.1/reset", timeout=10).status_code == 204
    after = state(served)

    assert after == before
    assert [s["name"] for s in before["nova"]["servers"]] == ["web-1", "db-1"]
    assert [u["username"] for u in before["identity"]["users"]] == ["alice"]
    (golden,) = before["image"]["images"]
    assert (golden["name"], golden["status"], golden["tenant"]) == ("golden", "active", "200001")
    assert [n["address"] for n in before["clb"]["load_balancers"][0]["nodes"]] == [
        "10.0.0.1",
        "10.0.0.2",
    ]
    assert [m["body"] for m in before["sqs"]["queues"][0]["messages"]] == [
        "resize web-1",
        "drain web",
    ]


def test_seeded_users_and_servers_through_keystoneauth_and_novaclient(served):
    auth = v2.Password(
        auth_url=served + "/identity/v2.0",
        username="alice",
        password="s3cret",
        tenant_id="200001",
    )
    nova = nova_client.Client("2.1", session=session.Session(auth=auth), region_name="ORD")

    (server,) = nova.servers.list()
    assert (server.name, server.status) == ("db-1", "ERROR")
    assert server.fault["message"] == "disk on fire"
    assert server.flavor["id"] == "4"


def test_a_seeded_active_server_is_active_although_builds_take_ten_minutes(served):
    nova = nova_client.Client(
        "2.1",
        "mimic-user",
        "mimic-password",
        project_id="100001",
        auth_url=served + "/identity/v2.0",
        region_name="ORD",
    )

    (server,) = nova.servers.list()
    assert (server.name, server.status, server.metadata) == ("web-1", "ACTIVE", {"role": "web"})


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_seeded_image_through_openstacksdk(served):
    import openstack

    conn = openstack.connect(
        auth_url=served + "/identity/v2.0",
        username="alice",
        password="s3cret",
        project_id="200001",
        region_name="ORD",
        load_yaml_config=False,
        load_envvars=False,
    )
    try:
        names = [image.name for image in conn.compute.images()]
    finally:
        conn.close()

    assert "golden" in names


def test_a_seeded_load_balancer_and_its_nodes_through_libcloud(served):
    driver = get_driver(Provider.RACKSPACE)(
        "mimic-user",
        "mimic-api-key",
        region="ord",
        ex_force_auth_url=served + "/identity",
        ex_force_auth_version="2.0",
    )

    (balancer,) = driver.list_balancers()
    members = driver.balancer_list_members(balancer)

    assert balancer.name == "web"
    assert [(m.ip, m.port, m.extra["status"]) for m in members] == [
        ("10.0.0.1", 80, "ONLINE"),
        ("10.0.0.2", 80, "OFFLINE"),
    ]


def test_seeded_messages_through_boto3(served):
    sqs = boto3.client(
        "sqs",
        endpoint_url=served + "/sqs",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]

    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
    timeout = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])

    assert [m["Body"] for m in got["Messages"]] == ["resize web-1", "drain web"]
    assert got["Messages"][1]["MessageAttributes"]["kind"]["StringValue"] == "lb"
    assert timeout["Attributes"]["VisibilityTimeout"] == "60"


# -- capture and replay ------------------------------------------------------------------


def test_a_state_made_by_clients_is_captured_and_replayed_over_http(mimic_cloud):
    """What real clients made, exported, wiped, and PUT back: the same export."""
    nova = nova_client.Client(
        "2.1",
        mimic_cloud.credentials.username,
        mimic_cloud.credentials.password,
        project_id=mimic_cloud.credentials.tenant_id,
        auth_url=mimic_cloud.auth_url,
        region_name=mimic_cloud.region,
    )
    nova.servers.create("made-1", image="any-image", flavor="2", meta={"a": "b"})
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="made")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="one")
    control = mimic_cloud.base_url + "/mimic/v1.1/state"
    captured = requests.get(control, timeout=10).json()

    mimic_cloud.reset()
    assert requests.get(control, timeout=10).json() == {}
    replayed = requests.put(control, json=captured, timeout=10)

    assert replayed.status_code == 200, replayed.text
    assert replayed.json() == captured
    assert [s.name for s in nova.servers.list()] == ["made-1"]
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "one"


def test_post_adds_to_the_state_and_a_reset_forgets_it(mimic_cloud):
    control = mimic_cloud.base_url + "/mimic/v1.1/state"
    document = {"sqs": {"queues": [{"name": "extra"}]}}

    added = requests.post(control, json=document, timeout=10)
    again = requests.post(control, json=document, timeout=10)
    mimic_cloud.reset()

    assert [q["name"] for q in added.json()["sqs"]["queues"]] == ["extra"]
    assert (again.status_code, again.json()["badRequest"]["message"]) == (
        400,
        "sqs.queues[0].name: queue 'extra' already exists",
    )
    assert mimic_cloud.export_state() == {}


def test_a_bad_document_over_http_is_400_and_the_state_stays(mimic_cloud):
    control = mimic_cloud.base_url + "/mimic/v1.1/state"
    mimic_cloud.seed({"nova": {"servers": [{"name": "keep", "flavor": "2", "image": "i"}]}})

    answer = requests.put(control, json={"nova": {"servers": [{"name": "x"}]}}, timeout=10)

    assert answer.status_code == 400
    assert answer.json()["badRequest"]["message"] == "nova.servers[0].flavor: is required"
    assert [s["name"] for s in mimic_cloud.export_state()["nova"]["servers"]] == ["keep"]


def test_keep_seed_is_what_every_reset_returns_to():
    with MimicCloud() as cloud:
        cloud.keep_seed({"identity": {"users": [{"username": "bob", "api_key": "k"}]}})
        cloud.service("identity").add_user("carol", password="p")
        cloud.reset()

        assert [u["username"] for u in cloud.export_state()["identity"]["users"]] == ["bob"]


def test_a_seed_that_does_not_load_is_refused_and_the_previous_one_kept():
    with MimicCloud(config=CloudConfig(strict_compute_refs=True)) as cloud:
        cloud.keep_seed({"identity": {"users": [{"username": "bob", "api_key": "k"}]}})
        with pytest.raises(SeedError) as caught:
            cloud.keep_seed(
                {"nova": {"servers": [{"name": "s", "flavor": "2", "image": "nowhere"}]}}
            )

        assert str(caught.value) == "nova.servers[0]: Image not found."
        assert [u["username"] for u in cloud.export_state()["identity"]["users"]] == ["bob"]


def test_ids_a_document_leaves_out_are_the_same_in_every_cloud():
    document = {
        "nova": {"servers": [{"name": "a", "flavor": "2", "image": "i"}]},
        "clb": {"load_balancers": [{"name": "lb", "nodes": [{"address": "10.0.0.1", "port": 1}]}]},
    }
    exports = []
    for _ in range(2):
        with MimicCloud() as cloud:
            cloud.keep_seed(document)
            exports.append(cloud.export_state())

    assert exports[0] == exports[1]
    assert exports[0]["clb"]["load_balancers"][0]["id"] == 1


def test_load_balancer_ids_given_and_counted_never_meet(mimic_cloud, clb_http):
    mimic_cloud.seed(
        {
            "clb": {
                "load_balancers": [
                    {"name": "counted", "nodes": [{"address": "10.0.0.1", "port": 1}]},
                    {"name": "given", "id": 5, "nodes": [{"address": "10.0.0.2", "port": 1}]},
                ]
            }
        }
    )

    created = clb_http(
        "POST",
        "/loadbalancers",
        json={
            "loadBalancer": {"name": "new", "protocol": "HTTP", "virtualIps": [{"type": "PUBLIC"}]}
        },
    )
    listed = clb_http("GET", "/loadbalancers").json()["loadBalancers"]

    assert [(lb["name"], lb["id"]) for lb in listed] == [("given", 5), ("counted", 6), ("new", 7)]
    assert created.json()["loadBalancer"]["id"] == 7


@pytest.fixture
def clb_http(mimic_cloud):
    """``(method, path, **kwargs)`` against the default tenant's load balancer endpoint."""
    access = requests.post(
        mimic_cloud.auth_url + "/tokens",
        json={
            "auth": {
                "passwordCredentials": {"username": "mimic-user", "password": "mimic-password"}
            }
        },
        timeout=10,
    ).json()["access"]
    base = mimic_cloud.url("rax:load-balancer")

    def call(method, path, **kwargs):
        return requests.request(
            method,
            base + path,
            headers={"X-Auth-Token": access["token"]["id"]},
            timeout=10,
            **kwargs,
        )

    return call


# -- mistakes ------------------------------------------------------------------------------

MISTAKES = [
    (
        {"novaa": {}},
        "no section named 'novaa' (did you mean 'nova'?); "
        "sections: clb, identity, image, nova, sqs",
    ),
    ({"nova": []}, "nova must be a table (an object), not []"),
    (
        {"nova": {"server": []}},
        "nova: no field named 'server' (did you mean 'servers'?); fields: keypairs, servers",
    ),
    ({"nova": {"servers": {}}}, "nova.servers must be a list of tables, not {}"),
    ({"nova": {"servers": [{"name": "a", "image": "i"}]}}, "nova.servers[0].flavor: is required"),
    (
        {"nova": {"servers": [{"name": "a", "image": "i", "flavor": "2", "flavour": "3"}]}},
        "nova.servers[0]: no field named 'flavour' (did you mean 'flavor'?); fields: fault, "
        "flavor, id, image, key_name, metadata, name, region, status, tenant",
    ),
    (
        {"nova": {"servers": [{"name": "a", "image": "i", "flavor": "2", "status": "active"}]}},
        "nova.servers[0].status must be one of ACTIVE, BUILD, ERROR, RESCUE, not 'active'",
    ),
    (
        {"nova": {"servers": [{"name": "a", "image": "i", "flavor": 2.5}]}},
        "nova.servers[0].flavor must be non-empty text or a whole number, not 2.5",
    ),
    (
        {"nova": {"keypairs": [{"name": "k", "public_key": "ssh-rsa nonsense"}]}},
        "nova.keypairs[0].public_key: is not an OpenSSH public key",
    ),
    (
        {"identity": {"users": [{"username": "a"}, {"username": "a"}]}},
        "identity.users[1].username: user 'a' is listed twice",
    ),
    (
        {"clb": {"load_balancers": [{"name": "x", "protocol": "TCP"}]}},
        "clb.load_balancers[0].port: is required for protocol TCP (1 to 65535)",
    ),
    (
        {"clb": {"load_balancers": [{"name": "x", "nodes": [{"address": "web", "port": 80}]}]}},
        "clb.load_balancers[0].nodes[0].address: 'web' is not an IPv4 or IPv6 address",
    ),
    (
        {"clb": {"load_balancers": [{"name": "x", "nodes": [{"address": "10.0.0.1", "port": 0}]}]}},
        "clb.load_balancers[0].nodes[0].port must be a whole number from 1 to 65535, not 0",
    ),
    (
        {"clb": {"load_balancers": [{"name": "x", "algorithm": "FASTEST"}]}},
        "clb.load_balancers[0].algorithm must be one of LEAST_CONNECTIONS, RANDOM, ROUND_ROBIN, "
        "WEIGHTED_LEAST_CONNECTIONS, WEIGHTED_ROUND_ROBIN, not 'FASTEST'",
    ),
    (
        {"sqs": {"queues": [{"name": "q", "messages": [{"bdy": "x"}]}]}},
        "sqs.queues[0].messages[0]: no field named 'bdy' (did you mean 'body'?); fields: "
        "attributes, body, dedup_id, group_id, id",
    ),
    (
        {"sqs": {"queues": [{"name": "q", "messages": [{"body": "x", "attributes": {"a": 1}}]}]}},
        "sqs.queues[0].messages[0].attributes.a must be text or a table of DataType and "
        "StringValue or BinaryValue, not 1",
    ),
]


@pytest.mark.parametrize(("document", "message"), MISTAKES)
def test_each_mistake_names_the_field_and_what_is_allowed(document, message):
    with MimicCloud() as cloud, pytest.raises(SeedError) as caught:
        cloud.seed(document)

    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"sqs": {"queues": [{"name": "q", "attributes": {"VisibilityTimeout": 99999}}]}},
            "sqs.queues[0]: Invalid value for the parameter VisibilityTimeout.",
        ),
        (
            {"sqs": {"queues": [{"name": "q.fifo", "messages": [{"body": "x"}]}]}},
            "sqs.queues[0].messages[0]: The request must contain the parameter MessageGroupId.",
        ),
    ],
)
def test_values_only_the_service_can_judge_are_refused_on_loading(document, message):
    with MimicCloud() as cloud, pytest.raises(SeedError) as caught:
        cloud.keep_seed(document)

    assert str(caught.value) == message
    assert cloud.export_state() == {}  # the previous seed (none) was kept


def test_files_must_be_toml_or_json(tmp_path):
    (tmp_path / "seed.yaml").write_text("nova: {}")
    (tmp_path / "broken.toml").write_text("[nova")

    with pytest.raises(SeedError, match=r"seed\.yaml: a state document is a \.toml or a \.json"):
        read_document("seed.yaml", base=tmp_path)
    with pytest.raises(SeedError, match=r"broken\.toml: not valid TOML"):
        read_document(tmp_path / "broken.toml")
    with pytest.raises(SeedError, match=r"nothing\.json: No such file"):
        read_document(tmp_path / "nothing.json")


def test_a_document_for_services_not_installed_can_wait_for_the_cloud():
    """Markers are checked before a conftest registers its services."""
    plan = check_document({"widgets": {"x": 1}, "nova": {}}, [], partial=True)

    assert not plan


# -- serve ---------------------------------------------------------------------------------


def serve_refusal(tmp_path, *args, config=None):
    if config is not None:
        (tmp_path / "mimic.toml").write_text(textwrap.dedent(config))
        args = ("--config", str(tmp_path / "mimic.toml"), *args)
    return subprocess.run(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_serve_refuses_a_bad_seed_before_listening(tmp_path):
    result = serve_refusal(
        tmp_path, config='[[seed.nova.servers]]\nname = "a"\nimage = "i"\nflavor = "1"\n'
    )

    assert result.returncode == 2
    assert result.stderr == (
        "pytest-mimic: seed: nova.servers[0].flavor: '1' is one of the flavor ids Nova refuses\n"
    )


def test_serve_takes_one_seed(tmp_path):
    (tmp_path / "state.json").write_text("{}")
    result = serve_refusal(tmp_path, "--seed", str(tmp_path / "state.json"), config="[seed.nova]\n")

    assert result.returncode == 2
    assert "give one of them" in result.stderr


def test_serve_names_the_closest_config_key(tmp_path):
    result = serve_refusal(tmp_path, config="[seeds.nova]\n")

    assert result.returncode == 2
    assert "no table or key named 'seeds' (did you mean 'seed'?)" in result.stderr
