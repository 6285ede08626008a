"""The AWS CLI against ``pytest-mimic serve``: a separate process, as a developer runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

#: The CLI of this environment first (it is installed next to the interpreter).
AWS = str(Path(sys.executable).with_name("aws"))
if not os.path.exists(AWS):
    AWS = shutil.which("aws") or AWS

pytestmark = pytest.mark.skipif(
    not os.path.exists(AWS), reason="the AWS CLI (awscli, in the test extra) is not installed"
)


@pytest.fixture(scope="module")
def served():
    """``pytest-mimic serve`` on a free port; its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("pytest-mimic serving on http://"), first
        yield first.split()[-1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def aws(endpoint, *args):
    """Run ``aws sqs ...`` against ``endpoint``; its JSON output (or ``None`` if empty)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") or key in ("AWS_CA_BUNDLE",)
    }
    env |= {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    done = subprocess.run(
        [AWS, "--endpoint-url", endpoint, "--output", "json", "sqs", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_create_send_receive_delete_with_the_cli(served):
    endpoint = served + "/sqs"
    url = aws(endpoint, "create-queue", "--queue-name", "cli-jobs")["QueueUrl"]
    assert url == f"{served}/sqs/123456789012/cli-jobs"

    sent = aws(endpoint, "send-message", "--queue-url", url, "--message-body", "hello")
    assert sent["MD5OfMessageBody"] == "5d41402abc4b2a76b9719d911017c592"

    received = aws(endpoint, "receive-message", "--queue-url", url, "--attribute-names", "All")
    (message,) = received["Messages"]
    assert message["Body"] == "hello"
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"

    aws(
        endpoint, "delete-message", "--queue-url", url, "--receipt-handle", message["ReceiptHandle"]
    )
    assert aws(endpoint, "receive-message", "--queue-url", url) is None


def test_the_cli_with_one_endpoint_for_everything(served):
    """LocalStack-style: the server's root URL for every service."""
    url = aws(served, "create-queue", "--queue-name", "cli-root")["QueueUrl"]
    assert url == f"{served}/123456789012/cli-root"
    listed = aws(served, "list-queues", "--queue-name-prefix", "cli-root")
    assert listed["QueueUrls"] == [url]
