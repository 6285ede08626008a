"""boto3 clients for the fake, configured as the tests need them."""

from __future__ import annotations

import boto3
from botocore.config import Config


def sqs_client(url, *, attempts=1, read_timeout=None):
    """boto3's SQS client for ``url``; no retries unless asked, so faults show at once."""
    options = {} if read_timeout is None else {"read_timeout": read_timeout}
    return boto3.client(
        "sqs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": attempts, "mode": "standard"}, **options),
    )
