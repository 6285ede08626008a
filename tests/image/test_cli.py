"""The ``openstack`` and ``nova`` commands against ``pytest-mimic serve``, as a developer runs
them with the environment ``serve`` prints: every image command looks images up in Glance."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.cli import NOVA, OPENSTACK, identity_v3, needs_openstack, openstack, run, serve

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = needs_openstack


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    """``pytest-mimic serve`` on a free port: the client environment it printed."""
    with serve() as server:
        yield server.env


def test_image_list_and_show(served):
    listed = openstack(served, "image", "list")
    assert len(listed) == 15
    assert all(image["Status"] == "active" for image in listed)
    shown = openstack(served, "image", "show", "Debian 12 (Bookworm) (PVHVM)")
    assert shown["id"] in {image["ID"] for image in listed}
    assert shown["disk_format"] == "vhd"


def test_image_list_with_identity_v3(served):
    assert len(openstack(identity_v3(served), "image", "list")) == 15


def test_image_create_uploads_the_file_and_delete_removes_it(served, tmp_path):
    disk = tmp_path / "disk.raw"
    disk.write_bytes(b"a tiny disk")
    made = openstack(
        served, "image", "create", "--file", str(disk), "--disk-format", "raw",
        "--container-format", "bare", "cli-image",
    )  # fmt: skip
    assert (made["status"], made["size"]) == ("active", len(b"a tiny disk"))
    run(OPENSTACK, served, "image", "delete", "cli-image")
    names = [image["Name"] for image in openstack(served, "image", "list")]
    assert "cli-image" not in names


def test_server_create_by_image_name_then_server_image_create_waits_for_the_snapshot(served):
    server = openstack(
        served, "server", "create", "--image", "Ubuntu 24.04 LTS (Noble Numbat) (PVHVM)",
        "--flavor", "512MB Standard Instance", "--wait", "cli-web",
    )  # fmt: skip
    assert server["status"] == "ACTIVE"
    snapshot = openstack(
        served, "server", "image", "create", "--name", "cli-web-snap", "--wait", server["id"]
    )
    assert snapshot["status"] == "active"
    assert snapshot["properties"]["instance_uuid"] == server["id"]
    assert snapshot["id"] in {image["ID"] for image in openstack(served, "image", "list")}


def test_nova_boot_finds_the_image_in_glance(served):
    out = run(
        NOVA, served, "boot", "--image", "Debian 12 (Bookworm) (PVHVM)", "--flavor", "2",
        "--poll", "nova-web",
    )  # fmt: skip
    assert "Finished" in out
