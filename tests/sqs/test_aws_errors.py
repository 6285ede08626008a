"""Every error in ``aws_errors.CASES`` as AWS answers it, in both wire protocols."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sqs.aws_errors import CASES, Case


def _fill(value: Any, urls: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**urls) if "{" in value and "}" in value else value
    if isinstance(value, list):
        return [_fill(item, urls) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, urls) for key, item in value.items()}
    return value


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_error_aws_answers(wire, case: Case):
    urls = {
        "queue": wire.queue_url("q"),
        "fifo": wire.queue_url("q.fifo", Attributes={"FifoQueue": "true"}),
    }
    for action, params in case.before:
        wire.ok(action, **_fill(params, urls))
    answer = wire(case.action, **_fill(case.params, urls))
    message = case.message
    if wire.protocol == "query" and case.query_message is not None:
        message = case.query_message
    assert (answer.status, answer.code, answer.message) == (case.status, case.code, message)


def test_every_case_names_its_source():
    assert all(case.source for case in CASES)
    assert len({case.id for case in CASES}) == len(CASES)
