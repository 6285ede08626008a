"""A mistake is an error, never silence: misspelt names are refused with the valid ones."""

from __future__ import annotations

import pytest

from pytest_mimic.validation import UnknownName


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.inject("novaa", status=500),
            r"no service named 'novaa' \(did you mean 'nova'\?\); known services: .*nova",
        ),
        (
            lambda c: c.inject("nova", "create_sever", status=500),
            r"service 'nova' has no operation 'create_sever' \(did you mean 'create_server'\?\);"
            r" its operations: .*create_server",
        ),
        (
            lambda c: c.inject("nova", "create_server", status=500, time=1),
            r"no request attribute 'time'.*attributes of nova: .*server_name",
        ),
        (
            lambda c: c.inject("nova", "create_server", status=500, sever_name="x"),
            r"'sever_name' \(did you mean 'server_name'\?\)",
        ),
        (lambda c: c.inject("nova", "nothing_.*", status=500), r"has no operation 'nothing_\.\*'"),
        (lambda c: c.calls(service="nope"), r"no service named 'nope'"),
        (
            lambda c: c.calls("identity", "authenticat"),
            r"'authenticat' \(did you mean 'authenticate'\?\)",
        ),
        (lambda c: c.calls("identity", username_="x"), r"no request attribute 'username_'"),
    ],
    ids=[
        "inject-service",
        "inject-operation",
        "inject-times-misspelt",
        "inject-attribute",
        "inject-regex-matching-nothing",
        "calls-service",
        "calls-operation",
        "calls-attribute",
    ],
)
def test_misspelt_names_are_refused_naming_the_valid_ones(mimic_cloud, call, message):
    with pytest.raises(UnknownName, match=message):
        call(mimic_cloud)


def test_valid_names_patterns_and_attributes_are_accepted(mimic_cloud):
    mimic_cloud.inject("nova", "create_.*", status=500, server_name="web-.*")
    mimic_cloud.inject(operation="authenticate", status=401, username="bob")
    mimic_cloud.inject("nova", "server_action", status=409, match={"action": "reboot"})

    assert mimic_cloud.calls("nova", tenant=".*") == []
    assert mimic_cloud.calls(operation="list_.*") == []
