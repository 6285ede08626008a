"""Issue 17, finding 7: a query form is parsed in work proportional to its size.

A scan of every parameter per list entry made 2,000 / 4,000 / 8,000 batch entries take
1.6 / 5.8 / 24.4 s. Work is counted, not timed: every Python and C function call made
while parsing, through ``sys.setprofile``. Quadratic parsing makes the count grow 16 times
when the entries grow 4 times; linear parsing, 4 times.
"""

from __future__ import annotations

import sys

import pytest

from pytest_mimic.services.sqs import protocol_query
from pytest_mimic.services.sqs.errors import SqsError
from pytest_mimic.services.sqs.operations import OPERATIONS


def _form(entries: int) -> dict[str, str]:
    form = {"QueueUrl": "q"}
    for index in range(1, entries + 1):
        prefix = f"SendMessageBatchRequestEntry.{index}."
        form[prefix + "Id"] = f"m{index}"
        form[prefix + "MessageBody"] = "x"
        form[prefix + "MessageAttribute.1.Name"] = "a"
        form[prefix + "MessageAttribute.1.Value.DataType"] = "String"
        form[prefix + "MessageAttribute.1.Value.StringValue"] = "v"
    return form


def _calls(entries: int) -> int:
    form = _form(entries)
    count = 0

    def profile(_frame: object, event: str, _arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        params = protocol_query.parse(OPERATIONS["SendMessageBatch"], form)
    finally:
        sys.setprofile(None)
    assert len(params["Entries"]) == entries
    return count


def test_parsing_work_grows_linearly_with_the_entries():
    small, large = _calls(300), _calls(1_200)
    # Linear: about 4 times the work (sorting the indices adds a little); quadratic: 16.
    assert large < 5 * small, (small, large)
    # And a bounded number of calls per parameter, whatever the size.
    assert large < 40 * len(_form(1_200)), large


@pytest.mark.parametrize("protocol", ["json", "query"])
def test_eight_thousand_entries_get_too_many_entries(sqs, query, protocol):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    if protocol == "json":
        from botocore.exceptions import ClientError

        entries = [{"Id": f"m{i}", "MessageBody": "x"} for i in range(8_000)]
        with pytest.raises(ClientError) as error:
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        code = error.value.response["Error"]["Code"]
        message = error.value.response["Error"]["Message"]
    else:
        fields = {}
        for i in range(1, 8_001):
            fields[f"SendMessageBatchRequestEntry.{i}.Id"] = f"m{i}"
            fields[f"SendMessageBatchRequestEntry.{i}.MessageBody"] = "x"
        answer = query("SendMessageBatch", QueueUrl=url, **fields)
        code, message = answer.code, answer.one("Message")
    assert code == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    assert message == "Maximum number of entries per request are 10. You have sent 8000."


def test_a_missing_entry_field_names_its_flattened_key():
    form = {"QueueUrl": "q", "SendMessageBatchRequestEntry.1.MessageBody": "x"}
    with pytest.raises(SqsError) as error:
        protocol_query.parse(OPERATIONS["SendMessageBatch"], form)
    assert error.value.message == (
        "The request must contain the parameter SendMessageBatchRequestEntry.1.Id."
    )
