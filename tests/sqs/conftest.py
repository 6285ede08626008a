"""Fixtures for the SQS tests: boto3 (JSON protocol) and signed query-protocol requests.

The query client builds ``Action=...`` form requests itself, signs them with botocore's
SigV4 (as older SDKs do) and reads the XML answers with ElementTree, so the query protocol
is tested without an old botocore installed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

NS = "{http://queue.amazonaws.com/doc/2012-11-05/}"


def make_client(url, region="us-east-1", attempts=1):
    """A boto3 SQS client for ``url``; no retries unless asked, so faults show at once."""
    return boto3.client(
        "sqs",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": attempts, "mode": "standard"}),
    )


@pytest.fixture
def sqs(mimic_cloud):
    """boto3's SQS client on the fake (the JSON 1.0 protocol)."""
    return make_client(mimic_cloud.url("sqs"))


@pytest.fixture
def sqs_service(mimic_cloud):
    """The ``SQSService`` object (peeking at messages, the model)."""
    return mimic_cloud.service("sqs")


class QueryAnswer:
    """A query-protocol answer: status, the XML root, and helpers to read it."""

    def __init__(self, response):
        self.status = response.status_code
        self.headers = response.headers
        self.text = response.text
        self.root = ET.fromstring(response.content)

    def all(self, tag):
        """Texts of every element called ``tag``, in document order."""
        return [element.text or "" for element in self.root.iter(NS + tag)]

    def one(self, tag):
        """The text of the only element called ``tag``."""
        found = self.all(tag)
        assert len(found) == 1, (tag, self.text)
        return found[0]

    def elements(self, tag):
        """Every element called ``tag``."""
        return list(self.root.iter(NS + tag))

    @property
    def code(self):
        """The ``<Code>`` of an ``ErrorResponse``."""
        return self.one("Code")


class QueryClient:
    """Signed form-encoded requests, as older boto3, Java SDK v1 and .NET send them."""

    def __init__(self, url, region="us-east-1"):
        self.url = url
        self.region = region
        self.session = requests.Session()

    def __call__(self, action, url=None, method="POST", headers=None, **params):
        fields = {"Action": action, "Version": "2012-11-05", **params}
        target = url or self.url
        body = urlencode(fields)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            **(headers or {}),
        }
        if method == "GET":
            signed = AWSRequest("GET", f"{target}?{body}", headers={})
        else:
            signed = AWSRequest("POST", target, data=body, headers=headers)
        SigV4Auth(Credentials("testing", "testing"), "sqs", self.region).add_auth(signed)
        response = self.session.request(
            method, signed.url, data=signed.body, headers=dict(signed.headers), timeout=30
        )
        return QueryAnswer(response)

    def raw(self, fields, url=None, headers=None):
        """A signed POST of ``fields`` as they are (no Action or Version added): the raw
        response, for answers that are not XML.
        """
        body = urlencode(fields)
        sent = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        signed = AWSRequest("POST", url or self.url, data=body, headers={**sent, **(headers or {})})
        SigV4Auth(Credentials("testing", "testing"), "sqs", self.region).add_auth(signed)
        return self.session.post(
            signed.url, data=signed.body, headers=dict(signed.headers), timeout=30
        )


@pytest.fixture
def query(mimic_cloud):
    """A query-protocol client on the fake's SQS URL."""
    return QueryClient(mimic_cloud.url("sqs"))


@pytest.fixture(params=["json", "query"])
def wire(request, mimic_cloud):
    """One SQS call in either protocol (``tests.sqs.wire``): each test using it runs twice."""
    from tests.sqs.wire import Wire

    return Wire(request.param, mimic_cloud.url("sqs"))
