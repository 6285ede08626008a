"""The ``openstack`` and ``nova`` commands against ``pytest-mimic serve``, as a developer runs
them with the environment ``serve`` prints: every image command looks images up in Glance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
OPENSTACK, NOVA = BIN / "openstack", BIN / "nova"

pytestmark = pytest.mark.skipif(
    not OPENSTACK.exists(), reason="python-openstackclient (in the test extra) is not installed"
)


@pytest.fixture(scope="module")
def served():
    """``pytest-mimic serve`` on a free port: the client environment it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout.readline().startswith("pytest-mimic serving on http://")
        printed = {}
        while len(printed) < 6:
            name, _, value = proc.stdout.readline().strip().removeprefix("export ").partition("=")
            if name.startswith("OS_"):
                printed[name] = value
        yield printed
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def run(command, served, *args, extra=None):
    """Run a client command with only the printed ``OS_*`` variables; its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env |= served | (extra or {})
    done = subprocess.run(
        [str(command), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def openstack(served, *args, extra=None):
    return json.loads(run(OPENSTACK, served, *args, "-f", "json", extra=extra))


def test_image_list_and_show(served):
    listed = openstack(served, "image", "list")
    assert len(listed) == 15
    assert all(image["Status"] == "active" for image in listed)
    shown = openstack(served, "image", "show", "Debian 12 (Bookworm) (PVHVM)")
    assert shown["id"] in {image["ID"] for image in listed}
    assert shown["disk_format"] == "vhd"


def test_image_list_with_identity_v3(served):
    v3 = {
        "OS_AUTH_URL": served["OS_AUTH_URL"].replace("/v2.0", "/v3"),
        "OS_IDENTITY_API_VERSION": "3",
        "OS_USER_DOMAIN_ID": "default",
    }
    assert len(openstack(served, "image", "list", extra=v3)) == 15


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
