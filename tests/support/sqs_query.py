"""A boto3 SQS client that speaks the query protocol, as botocore did before 1.34.90.

The installed botocore ships SQS's JSON model only. The query-era model had the same shapes
plus the XML names: every output wrapped in ``<Op>Result``, flattened lists named after
their entries (``SendMessageBatchRequestEntry.1.Id``, ``<QueueUrl>`` repeated), maps of
``Name``/``Value`` (``Key``/``Value`` for tags). Rebuilding those names over the current model
gives a client whose requests go through botocore's query serializer, signer, HTTP layer and
XML parser, in this process, so the in-process transport can be tried with both protocols.
Error shapes keep their JSON-era names, so errors are plain ``ClientError`` with AWS's code.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING

import boto3
import botocore.session
from botocore.config import Config

if TYPE_CHECKING:
    from pathlib import Path

NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"

#: Entry names of flattened lists that are not simply their member shape's name.
_ENTRY_NAMES = {
    "AWSAccountIdList": "AWSAccountId",
    "ActionNameList": "ActionName",
    "AttributeNameList": "AttributeName",
    "BinaryList": "BinaryListValue",
    "MessageAttributeNameList": "MessageAttributeName",
    "MessageSystemAttributeList": "MessageSystemAttributeName",
    "QueueUrlList": "QueueUrl",
    "StringList": "StringListValue",
    "TagKeyList": "TagKey",
}
#: Structure members the query protocol names in the singular.
_MEMBER_NAMES = {
    "Attributes": "Attribute",
    "MessageAttributes": "MessageAttribute",
    "MessageSystemAttributes": "MessageSystemAttribute",
    "Tags": "Tag",
    "tags": "Tag",
    "StringListValues": "StringListValue",
    "BinaryListValues": "BinaryListValue",
}


def query_model(json_model: dict) -> dict:
    """The query-protocol form of botocore's JSON model of SQS."""
    model = copy.deepcopy(json_model)
    metadata = model["metadata"]
    for key in ("jsonVersion", "targetPrefix", "awsQueryCompatible"):
        metadata.pop(key, None)
    metadata.update(protocol="query", protocols=["query"], xmlNamespace=NAMESPACE)
    for operation in model["operations"].values():
        if "output" in operation:
            operation["output"]["resultWrapper"] = operation["output"]["shape"]
    shapes = model["shapes"]
    for name, shape in shapes.items():
        if shape["type"] == "list":
            member = shape["member"]
            member["locationName"] = _ENTRY_NAMES.get(name, member["shape"])
        elif shape["type"] == "map":
            key, value = ("Key", "Value") if name == "TagMap" else ("Name", "Value")
            shape["key"]["locationName"] = key
            shape["value"]["locationName"] = value
        elif shape["type"] == "structure":
            for member_name, member in shape["members"].items():
                if member_name in _MEMBER_NAMES:
                    member["locationName"] = _MEMBER_NAMES[member_name]
                    if member_name.endswith("ListValues"):
                        member["flattened"] = True
    return model


def query_client(url: str, data_path: Path, attempts: int = 1) -> object:
    """A boto3 SQS client for ``url`` built from the query model (written under
    ``data_path``, where botocore's loader finds it before its own).
    """
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    json_model = loader.load_service_model("sqs", "service-2")
    folder = data_path / "sqs" / json_model["metadata"]["apiVersion"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "service-2.json").write_text(json.dumps(query_model(json_model)))
    session = botocore.session.get_session()
    session.set_config_variable("data_path", str(data_path))
    client = boto3.Session(botocore_session=session).client(
        "sqs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": attempts, "mode": "standard"}),
    )
    assert client.meta.service_model.protocol == "query"
    return client
