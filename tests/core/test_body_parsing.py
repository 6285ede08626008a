"""The shared JSON body parser every service uses: client mistakes are 4xx, never crashes."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from pytest_mimic.services.base import ServiceError, parse_json_body


def _request(body: bytes) -> Request:
    return Request(EnvironBuilder(method="POST", data=body).get_environ())


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_json_number_constants_are_malformed(constant):
    with pytest.raises(ServiceError) as caught:
        parse_json_body(_request(b'{"amount": ' + constant + b"}"))

    assert caught.value.status == 400
    assert "not a JSON value" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"", 400), (b"{", 400), (b"\xff", 400), (b"[" * 100_000, 400)],
    ids=["empty", "broken", "not-utf8", "too-deep"],
)
def test_client_mistakes_are_client_errors(body, status):
    with pytest.raises(ServiceError) as caught:
        parse_json_body(_request(body))

    assert caught.value.status == status


def test_a_valid_document_is_returned_as_parsed():
    assert parse_json_body(_request(b'{"a": [1, 2.5, null]}')) == {"a": [1, 2.5, None]}
