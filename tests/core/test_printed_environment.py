"""What ``pytest-mimic serve`` prints is all a client needs: each client we name runs in a
shell that was given only those lines (``env -i``: no variable of ours leaks in).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """``(base URL, the indented lines serve printed)`` of a running ``serve``."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("pytest-mimic serving on http://"), first
        lines = []
        for line in proc.stdout:
            if not line.startswith("  "):
                assert "Ctrl-C" in line, line  # the banner ends with one unindented line
                break
            lines.append(line[2:].rstrip("\n"))
        yield first.split()[-1], "\n".join(lines)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def run_in_shell(printed, command, home):
    """``command`` in ``bash`` after the printed lines, with nothing else in the environment
    but a ``PATH`` to this environment's commands and an empty ``HOME`` (no ~/.aws, no
    clouds.yaml).
    """
    _base, lines = printed
    done = subprocess.run(
        [
            "/usr/bin/env",
            "-i",
            f"PATH={BIN}:/usr/bin:/bin",
            f"HOME={home}",
            "bash",
            "-c",
            f"set -e\n{lines}\n{command}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def python(script):
    return f"{sys.executable} -c {shlex.quote(textwrap.dedent(script))}"


def test_the_banner_exports_a_region_so_boto3_builds_a_client(printed):
    _base, lines = printed
    assert "export AWS_DEFAULT_REGION=" in lines


def test_boto3(printed, tmp_path):
    out = run_in_shell(
        printed,
        python(
            """
            import boto3
            sqs = boto3.client("sqs")
            url = sqs.create_queue(QueueName="printed-boto3")["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody="hi")
            print(url, sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
            """
        ),
        tmp_path,
    )
    url, body = out.split()
    assert url == f"{printed[0]}/sqs/123456789012/printed-boto3"
    assert body == "hi"


def test_the_aws_cli_v1(printed, tmp_path):
    """awscli 1.x sends SQS to queue.amazonaws.com whatever AWS_ENDPOINT_URL_SQS says; the
    printed ``aws`` function gives it ``--endpoint-url``.
    """
    out = run_in_shell(
        printed,
        "aws sqs create-queue --queue-name printed-cli --output json >/dev/null\n"
        "aws sqs list-queues --output json",
        tmp_path,
    )
    assert f"{printed[0]}/sqs/123456789012/printed-cli" in json.loads(out)["QueueUrls"]


def test_keystoneauth1(printed, tmp_path):
    out = run_in_shell(
        printed,
        python(
            """
            import os
            from keystoneauth1 import session
            from keystoneauth1.identity import v2
            auth = v2.Password(auth_url=os.environ["OS_AUTH_URL"],
                               username=os.environ["OS_USERNAME"],
                               password=os.environ["OS_PASSWORD"],
                               tenant_id=os.environ["OS_TENANT_ID"])
            print(session.Session(auth=auth).get_endpoint(
                service_type="compute", region_name=os.environ["OS_REGION_NAME"]))
            """
        ),
        tmp_path,
    )
    assert out.strip() == f"{printed[0]}/compute/ORD/v2/100001"


def test_python_novaclient(printed, tmp_path):
    out = run_in_shell(
        printed,
        python(
            """
            import os
            from novaclient import client
            nova = client.Client("2.1", os.environ["OS_USERNAME"], os.environ["OS_PASSWORD"],
                                 project_id=os.environ["OS_TENANT_ID"],
                                 auth_url=os.environ["OS_AUTH_URL"],
                                 region_name=os.environ["OS_REGION_NAME"])
            server = nova.servers.create("printed-nova", image="any-image", flavor="2")
            print(nova.servers.get(server.id).name)
            """
        ),
        tmp_path,
    )
    assert out.strip() == "printed-nova"


def test_the_nova_command(printed, tmp_path):
    out = run_in_shell(printed, "nova flavor-list", tmp_path)
    assert "512MB Standard Instance" in out


def test_openstacksdk(printed, tmp_path):
    out = run_in_shell(
        printed,
        python(
            """
            import warnings
            warnings.simplefilter("ignore")
            import openstack
            conn = openstack.connect(load_yaml_config=False)
            server = conn.compute.create_server(name="printed-sdk", image_id="any-image",
                                                flavor_id="2")
            print(conn.compute.get_server(server.id).name, conn.current_project_id)
            """
        ),
        tmp_path,
    )
    assert out.split() == ["printed-sdk", "100001"]
