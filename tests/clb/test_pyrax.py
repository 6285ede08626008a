"""The whole load balancer life through unmodified pyrax 1.10, in its own environment.

pyrax pins python-novaclient 2.27 and keystoneauth1 2.x, so it cannot live in the test
environment. It installs on Python 3.11 in a separate one (``pip install pyrax==1.10.0``
then ``pip install -U oslo.config``: the pinned oslo.config 4.12 fails to import on 3.10+);
point ``PYTEST_MIMIC_PYRAX_PYTHON`` at that environment's interpreter to run this test. It
drives ``tests/clb/pyrax_life.py`` there, against this session's server.

Without it the test is skipped; pyrax's wire habits (every optional field ``null``, wrapped
update bodies, ``type``/``id`` ``null`` on nodes, ``"true"`` text for flags) are covered with
hand-built bodies in ``test_http.py`` and ``test_subresources.py`` either way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PYRAX_PYTHON = os.environ.get("PYTEST_MIMIC_PYRAX_PYTHON", "")
SCRIPT = Path(__file__).with_name("pyrax_life.py")


@pytest.fixture
def mimic_transport():
    """pyrax runs in another process: it needs the real socket."""
    return "socket"


@pytest.mark.skipif(not PYRAX_PYTHON, reason="set PYTEST_MIMIC_PYRAX_PYTHON to a pyrax 1.10 env")
def test_pyrax_drives_the_whole_life(mimic_cloud):
    creds = mimic_cloud.credentials
    env = {
        **os.environ,
        "MIMIC_AUTH_URL": mimic_cloud.auth_url,
        "MIMIC_USERNAME": creds.username,
        "MIMIC_API_KEY": creds.api_key,
        "MIMIC_REGION": mimic_cloud.region,
        "MIMIC_URL": mimic_cloud.base_url,
        "MIMIC_RETENTION": str(mimic_cloud.config.clb_deleted_retention_seconds),
    }
    result = subprocess.run(
        [PYRAX_PYTHON, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    sys.stdout.write(result.stdout)
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.splitlines()[-1] == "404 after retention"
    statuses = {(c.operation, c.status) for c in mimic_cloud.calls("clb")}
    assert {("create_load_balancer", 202), ("add_nodes", 202), ("delete_node", 202)} <= statuses
