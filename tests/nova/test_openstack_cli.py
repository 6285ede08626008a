"""The real ``openstack`` and ``nova`` commands against ``pytest-mimic serve``, with Identity
v3 and v2.0 credentials: the issue's first acceptance point, command by command, with no
workaround. ``serve`` runs on real time, so every duration a ``--wait`` loop waits for is 0 (the
client's first poll sees the end) and stop/start are timed by ticking the fake's clock."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from pytest_mimic.services.nova.model import ACTION_SECONDS
from tests.support.cli import NOVA, OPENSTACK, identity_v3, needs_openstack, openstack, run, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.support.cli import Served

pytestmark = needs_openstack

IMAGE = "Ubuntu 24.04 LTS (Noble Numbat) (PVHVM)"
FLAVOR = "512MB Standard Instance"
IMAGES_LISTED = 15
#: The timed actions a ``--wait`` loop waits for end at once; stop and start keep Nova's
#: defaults, timed by ticking the clock.
QUICK = {"reboot_soft": 0, "reboot_hard": 0, "rebuild": 0}


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    settings = ("server_build_seconds=0", "image_snapshot_seconds=0")
    with serve(*settings, f"nova_action_seconds={json.dumps(QUICK)}") as server:
        yield server


@pytest.fixture(params=["v3", "v2.0"])
def env(request: pytest.FixtureRequest, served: Served) -> dict[str, str]:
    """Identity v3 credentials, or the Identity v2.0 ones ``serve`` printed."""
    return identity_v3(served.env) if request.param == "v3" else served.env


@pytest.fixture
def user_id(env: dict[str, str]) -> str:
    """The id of the user the credentials log in as (``openstack token issue``)."""
    token = openstack(env, "token", "issue")
    assert token["project_id"] == env["OS_PROJECT_ID"]
    assert token["id"]
    assert token["user_id"]
    return str(token["user_id"])


def show(env: dict[str, str], server_id: str) -> Any:
    return openstack(env, "server", "show", server_id)


def poll(served: Served, env: dict[str, str], server_id: str, status: str, seconds: float) -> Any:
    """Tick the clock by ``seconds`` between ``server show`` calls until the server shows
    ``status`` (a few rounds at most); the last ``server show``."""
    shown = show(env, server_id)
    for _ in range(3):
        if shown["status"] == status:
            break
        served.tick(seconds)
        shown = show(env, server_id)
    return shown


def test_token_catalog_flavors_images_and_limits(env: dict[str, str], user_id: str) -> None:
    catalog = {entry["Type"]: entry for entry in openstack(env, "catalog", "list")}
    assert {"identity", "compute", "image"} <= set(catalog)
    assert catalog["image"]["Name"] == "cloudImages"
    regions = {endpoint["region"] for endpoint in catalog["image"]["Endpoints"]}
    assert env["OS_REGION_NAME"] in regions

    flavors = {flavor["Name"]: flavor for flavor in openstack(env, "flavor", "list")}
    flavor = flavors[FLAVOR]
    assert (flavor["ID"], flavor["RAM"], flavor["VCPUs"], flavor["Disk"]) == ("2", 512, 1, 20)

    images = openstack(env, "image", "list")
    assert len(images) == IMAGES_LISTED
    assert all(image["Status"] == "active" for image in images)
    shown = openstack(env, "image", "show", IMAGE)
    assert (shown["name"], shown["status"]) == (IMAGE, "active")
    assert shown["id"] in {image["ID"] for image in images}

    limits = {row["Name"]: row["Value"] for row in openstack(env, "limits", "show", "--absolute")}
    assert (limits["max_total_instances"], limits["max_total_keypairs"]) == (100, 100)
    assert limits["max_total_ram_size"] == 131072


def test_server_create_list_show_stop_snapshot_start_reboot_delete(
    served: Served, env: dict[str, str], user_id: str
) -> None:
    image_id = openstack(env, "image", "show", IMAGE)["id"]
    made = openstack(
        env, "server", "create", "--image", IMAGE, "--flavor", FLAVOR, "--wait", "cli-server"
    )
    server_id = made["id"]
    assert (made["status"], made["name"], made["user_id"]) == ("ACTIVE", "cli-server", user_id)
    assert made["image"] == f"{IMAGE} ({image_id})"
    assert made["flavor"] == f"{FLAVOR} (2)"
    assert made["project_id"] == env["OS_PROJECT_ID"]

    listed = {server["ID"]: server for server in openstack(env, "server", "list")}
    assert (listed[server_id]["Name"], listed[server_id]["Status"]) == ("cli-server", "ACTIVE")
    assert listed[server_id]["Flavor"] == FLAVOR
    shown = show(env, server_id)
    assert (shown["status"], shown["user_id"], shown["OS-EXT-STS:vm_state"]) == (
        "ACTIVE",
        user_id,
        "active",
    )

    run_openstack(env, "server", "stop", server_id)
    shown = poll(served, env, server_id, "SHUTOFF", ACTION_SECONDS["stop"])
    assert (shown["status"], shown["OS-EXT-STS:vm_state"], shown["OS-EXT-STS:power_state"]) == (
        "SHUTOFF",
        "stopped",
        4,
    )

    # Nova snapshots a stopped server too (the running one: tests/image/test_cli.py).
    snapshot = openstack(
        env, "server", "image", "create", "--name", "cli-stopped-snap", "--wait", server_id
    )
    assert (snapshot["name"], snapshot["status"]) == ("cli-stopped-snap", "active")
    assert snapshot["properties"]["instance_uuid"] == server_id
    assert snapshot["properties"]["user_id"] == user_id
    assert snapshot["id"] in {image["ID"] for image in openstack(env, "image", "list")}

    assert show(env, server_id)["status"] == "SHUTOFF"
    run_openstack(env, "server", "start", server_id)
    shown = poll(served, env, server_id, "ACTIVE", ACTION_SECONDS["start"])
    assert (shown["status"], shown["OS-EXT-STS:vm_state"], shown["OS-EXT-STS:power_state"]) == (
        "ACTIVE",
        "active",
        1,
    )

    assert "Complete" in run(OPENSTACK, env, "server", "reboot", "--wait", server_id)
    assert show(env, server_id)["status"] == "ACTIVE"

    run_openstack(env, "server", "delete", "--wait", server_id)
    assert server_id not in {server["ID"] for server in openstack(env, "server", "list")}
    run_openstack(env, "image", "delete", snapshot["id"])


def test_server_create_from_a_block_device(env: dict[str, str], user_id: str) -> None:
    image_id = openstack(env, "image", "show", IMAGE)["id"]
    mapping = (
        f"source_type=image,uuid={image_id},destination_type=volume,volume_size=10,boot_index=0"
    )
    made = openstack(
        env, "server", "create", "--block-device", mapping, "--flavor", FLAVOR, "--wait",
        "cli-volume",
    )  # fmt: skip
    assert (made["status"], made["user_id"]) == ("ACTIVE", user_id)
    assert made["image"] == "N/A (booted from volume)"
    assert len(made["volumes_attached"]) == 1

    shown = show(env, made["id"])
    assert (shown["status"], shown["user_id"], shown["image"]) == (
        "ACTIVE",
        user_id,
        "N/A (booted from volume)",
    )
    assert shown["volumes_attached"] == made["volumes_attached"]
    run_openstack(env, "server", "delete", "--wait", made["id"])


def test_keypair_create_list_delete(env: dict[str, str], user_id: str, tmp_path: Path) -> None:
    private_key = tmp_path / "cli-key"
    made = openstack(env, "keypair", "create", "--private-key", str(private_key), "cli-key")
    assert (made["name"], made["type"], made["user_id"]) == ("cli-key", "ssh", user_id)
    assert "PRIVATE KEY" in private_key.read_text()

    listed = {pair["Name"]: pair for pair in openstack(env, "keypair", "list")}
    assert listed["cli-key"]["Fingerprint"] == made["fingerprint"]
    run_openstack(env, "keypair", "delete", "cli-key")
    assert "cli-key" not in {pair["Name"] for pair in openstack(env, "keypair", "list")}


def test_nova_boot_polls_to_active(env: dict[str, str], user_id: str) -> None:
    out = run(NOVA, env, "boot", "--image", IMAGE, "--flavor", "2", "--poll", "nova-cli")
    assert "Finished" in out
    (server,) = [s for s in openstack(env, "server", "list") if s["Name"] == "nova-cli"]
    shown = show(env, server["ID"])
    assert (shown["status"], shown["user_id"]) == ("ACTIVE", user_id)
    assert shown["flavor"] == f"{FLAVOR} (2)"
    run_openstack(env, "server", "delete", "--wait", server["ID"])


def run_openstack(env: dict[str, str], *args: str) -> None:
    """An ``openstack`` command that prints nothing on success."""
    assert run(OPENSTACK, env, *args) == ""
