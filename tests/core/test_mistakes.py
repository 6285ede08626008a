"""A mistake is an error, never silence: misspelt names are refused with the valid ones."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
import requests

from pytest_mimic import MimicCloud, cli
from pytest_mimic.errors import ServiceError
from pytest_mimic.faults import Delay, Respond
from pytest_mimic.validation import UnknownName

if TYPE_CHECKING:
    from pytest_mimic.clock import TimeTravel

pytest_plugins = ["pytester"]


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


# -- every value checked where it is given: one table, each message exact ---------------

ACTIONS = (
    "an action (Respond(status), Delay(seconds), Hang(seconds), ResetConnection(), "
    "CloseConnection(), Pass(), Behave(name))"
)
STATUS = "an HTTP status code from 200 to 599"


def _raised(call: Callable[[], object]) -> tuple[type[BaseException], str]:
    try:
        call()
    except (TypeError, ValueError) as error:
        return type(error), str(error)
    raise AssertionError("accepted")


def _python(call: Callable[[MimicCloud, TimeTravel], object]) -> Door:
    return lambda doors: _raised(lambda: call(doors.cloud, doors.time_travel))


def _control(path: str, body: object = None, headers: dict[str, str] | None = None) -> Door:
    def door(doors: Doors) -> tuple[type[BaseException], str]:
        answer = requests.post(
            f"{doors.cloud.base_url}/mimic/v1.1/{path}", json=body, headers=headers, timeout=10
        )
        assert answer.status_code == 400, answer.text  # never a 500
        [(_fault, detail)] = answer.json().items()
        return ServiceError, detail["message"]

    return door


def _marker(marker: str) -> Door:
    def door(doors: Doors) -> tuple[type[BaseException], str]:
        doors.pytester.makepyfile(
            f"import pytest\n\n@pytest.mark.{marker}\ndef test_x(mimic_cloud):\n    pass\n"
        )
        result = doors.pytester.runpytest("-p", "no:cacheprovider")
        assert result.ret == pytest.ExitCode.USAGE_ERROR  # at collection, before any test
        line = [line for line in result.errlines if line.strip()][-1]
        return pytest.UsageError, line.partition("::test_x: ")[2]

    return door


def _serve(*argv: str) -> Door:
    def door(doors: Doors) -> tuple[type[BaseException], str]:
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            try:
                code = cli.main(["serve", "--port", "0", *argv])
            except SystemExit as exit_:  # argparse's own errors
                code = exit_.code
        assert code == 2
        return SystemExit, stderr.getvalue().strip().splitlines()[-1]

    return door


@dataclass
class Doors:
    cloud: MimicCloud
    time_travel: TimeTravel
    pytester: pytest.Pytester


Door = Callable[[Doors], tuple[type[BaseException], str]]


#: (door, what was given, the error's class, its exact message).
MISTAKES: list[tuple[str, Door, type[BaseException], str]] = [
    (
        'inject(status="500")',
        _python(lambda c, t: c.inject("nova", status="500")),
        TypeError,
        f"status must be an integer ({STATUS}), not '500'",
    ),
    (
        "inject(status=999)",
        _python(lambda c, t: c.inject("nova", status=999)),
        ValueError,
        f"status must be {STATUS}, not 999",
    ),
    (
        "inject(sequence=[500, None])",
        _python(lambda c, t: c.inject("nova", sequence=[500, None])),
        TypeError,
        f"sequence[0] must be {ACTIONS} or None (let the request through), not 500 "
        "(for a status, Respond(500))",
    ),
    (
        "inject(sequence=5)",
        _python(lambda c, t: c.inject("nova", sequence=5)),
        TypeError,
        "sequence must be a list of actions or None, not 5",
    ),
    (
        "inject(action=500)",
        _python(lambda c, t: c.inject("nova", action=500)),
        TypeError,
        f"action must be {ACTIONS}, not 500 (for a status, Respond(500))",
    ),
    (
        "inject(delay=-1)",
        _python(lambda c, t: c.inject("nova", delay=-1)),
        ValueError,
        "delay must be a finite number of seconds >= 0 and <= 3600, not -1",
    ),
    (
        "inject(hang=-1)",
        _python(lambda c, t: c.inject("nova", hang=-1)),
        ValueError,
        "hang must be a finite number of seconds >= 0 and <= 3600, not -1",
    ),
    (
        "inject(times=0)",
        _python(lambda c, t: c.inject("nova", status=500, times=0)),
        ValueError,
        "times must be a whole number >= 1 and <= 1000000000, not 0",
    ),
    (
        'inject(reset="yes")',
        _python(lambda c, t: c.inject("nova", reset="yes")),
        TypeError,
        "reset must be bool, not 'yes'",
    ),
    (
        'inject(delay=1, message="x")',
        _python(lambda c, t: c.inject("nova", delay=1, message="x")),
        TypeError,
        "message= is used only with status=; give status= too",
    ),
    (
        'inject(headers="x")',
        _python(lambda c, t: c.inject("nova", status=500, headers="x")),
        TypeError,
        "headers must be a mapping of header names to text, not 'x'",
    ),
    (
        "inject(match=5)",
        _python(lambda c, t: c.inject("nova", status=500, match=5)),
        TypeError,
        "match must be a mapping of attribute names to patterns, not 5",
    ),
    (
        'inject(server_name="web-(")',
        _python(lambda c, t: c.inject("nova", "create_server", status=500, server_name="web-(")),
        ValueError,
        "the criterion 'server_name': 'web-(' is not a valid regular expression "
        "(missing ), unterminated subpattern at position 4)",
    ),
    (
        "inject(time=1)",
        _python(lambda c, t: c.inject("nova", "create_server", status=500, time=1)),
        UnknownName,
        "no request attribute 'time' (did you mean 'times'?); attributes of nova: action, "
        "flavor_id, image_id, key, metadata, name, network, region, server_id, server_name, "
        "tenant; keywords: action, body, close, delay, fault, hang, headers, "
        "match, message, reset, sequence, status, times",
    ),
    (
        'Respond("500")',
        _python(lambda c, t: Respond("500")),
        TypeError,
        f"status must be an integer ({STATUS}), not '500'",
    ),
    (
        "Delay(-1)",
        _python(lambda c, t: Delay(-1)),
        ValueError,
        "delay must be a finite number of seconds >= 0 and <= 3600, not -1",
    ),
    (
        'activate(..., seconds="soon")',
        _python(lambda c, t: c.activate("nova.slow_build", seconds="soon")),
        TypeError,
        "scenario 'nova.slow_build': seconds must be a number of seconds, not 'soon'",
    ),
    (
        "activate(..., secs=1)",
        _python(lambda c, t: c.activate("nova.slow_build", secs=1)),
        TypeError,
        "scenario 'nova.slow_build' has no parameter 'secs' (did you mean 'seconds'?); "
        "its parameters: seconds",
    ),
    (
        "configure(server_build_seconds=-1)",
        _python(lambda c, t: c.configure(server_build_seconds=-1)),
        ValueError,
        "setting 'server_build_seconds' must be a finite number of seconds >= 0 and "
        "<= 1e+15, not -1",
    ),
    (
        'configure(check_tokens="maybe")',
        _python(lambda c, t: c.configure(check_tokens="maybe")),
        TypeError,
        "setting 'check_tokens' must be bool, not 'maybe'",
    ),
    (
        "time_travel.advance(-10)",
        _python(lambda c, t: t.advance(-10)),
        ValueError,
        "advance() only goes forward, not by -10.0 s; to go back, use "
        "time_travel.shift(-10.0) or time_travel.move_to(...)",
    ),
    (
        'time_travel.advance("10")',
        _python(lambda c, t: t.advance("10")),
        TypeError,
        "give seconds or a timedelta, not '10'",
    ),
    (
        'behaviours API "code": "500"',
        _control("behaviors/nova/*", {"name": "fail", "parameters": {"code": "500"}}),
        ServiceError,
        "'fail' code must be an integer (an HTTP status code from 400 to 599), not '500'",
    ),
    (
        'behaviours API "code": 200',
        _control("behaviors/nova/*", {"name": "fail", "parameters": {"code": 200}}),
        ServiceError,
        "'fail' code must be an HTTP status code from 400 to 599, not 200",
    ),
    (
        'behaviours API "times": 0',
        _control("behaviors/nova/*", {"name": "fail", "times": 0}),
        ServiceError,
        "times must be a whole number >= 1 and <= 1000000000, not 0",
    ),
    (
        'behaviours API "seconds": -1',
        _control("behaviors/nova/*", {"name": "delay", "parameters": {"seconds": -1}}),
        ServiceError,
        "'delay' seconds must be a finite number of seconds >= 0 and <= 3600, not -1",
    ),
    (
        "X-Mimic-Next-Body: {busy (JSON headers)",
        _control(
            "next/nova",
            headers={
                "X-Mimic-Next-Status": "503",
                "X-Mimic-Next-Body": "{busy",
                "X-Mimic-Next-Headers": '{"Content-Type": "application/json"}',
            },
        ),
        ServiceError,
        "X-Mimic-Next-Body must be JSON, as X-Mimic-Next-Headers give Content-Type "
        "'application/json', not '{busy'",
    ),
    (
        "mimic_scenario marker, bad parameter",
        _marker('mimic_scenario("nova.slow_build", seconds=-1)'),
        pytest.UsageError,
        "scenario 'nova.slow_build': seconds must be a finite number of seconds >= 0 and "
        "<= 1e+15, not -1",
    ),
    (
        "mimic_config marker, bad value",
        _marker('mimic_config(check_tokens="maybe")'),
        pytest.UsageError,
        "mimic_config: setting 'check_tokens' must be bool, not 'maybe'",
    ),
    (
        "serve --set server_build_seconds=-1",
        _serve("--set", "server_build_seconds=-1"),
        SystemExit,
        "pytest-mimic: server_build_seconds must be a finite number of seconds >= 0 and "
        "<= 1e+15, not '-1'",
    ),
    (
        "serve --set max_connections=x",
        _serve("--set", "max_connections=x"),
        SystemExit,
        "pytest-mimic: max_connections must be a whole number, not 'x'",
    ),
    (
        "serve --port 70000",
        _serve("--port", "70000"),
        SystemExit,
        "pytest-mimic serve: error: argument --port: must be a port number from 0 to 65535 "
        "(0 picks a free one), not '70000'",
    ),
]


@pytest.mark.parametrize(
    ("door", "kind", "message"),
    [(door, kind, message) for _name, door, kind, message in MISTAKES],
    ids=[name for name, *_ in MISTAKES],
)
def test_each_mistake_raises_at_the_call_with_its_exact_message(
    mimic_cloud, time_travel, pytester, door, kind, message
):
    raised, text = door(Doors(mimic_cloud, time_travel, pytester))
    assert text == message
    assert issubclass(raised, kind)
    assert not mimic_cloud.faults.rules or all(
        rule.source != "python" for rule in mimic_cloud.faults.rules
    )  # nothing half-registered
