"""The mimic_scenario and mimic_config markers as a user meets them, through pytester."""

from __future__ import annotations

import pytest

# pytester's in-process runs unload modules first imported inside them (see test_plugin).
import requests  # noqa: F401

pytest_plugins = ["pytester"]

HELPERS = """
import requests

def login(cloud):
    creds = cloud.credentials
    body = {"auth": {"passwordCredentials": {"username": creds.username,
                                             "password": creds.password}}}
    return requests.post(cloud.auth_url + "/tokens", json=body)

def create(cloud):
    token = login(cloud).json()["access"]["token"]["id"]
    body = {"server": {"name": "s", "imageRef": "i", "flavorRef": "2"}}
    return requests.post(cloud.url("compute") + "/servers", json=body,
                         headers={"X-Auth-Token": token})
"""


def run(pytester, source, *args):
    pytester.makepyfile(helpers=HELPERS)
    pytester.makepyfile(source)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_a_function_marker_loads_the_scenario_without_asking_for_the_fixture(pytester):
    result = run(
        pytester,
        """
        import pytest, requests
        from pytest_mimic import MimicCloud

        @pytest.mark.mimic_scenario("identity.auth_down")
        def test_down(request):
            cloud = request.getfixturevalue("mimic_cloud")
            assert requests.get(cloud.auth_url).status_code == 503

        def test_not_marked(mimic_cloud):
            assert requests.get(mimic_cloud.auth_url).status_code == 200
        """,
    )
    result.assert_outcomes(passed=2)


def test_class_and_module_markers_stack_with_function_markers(pytester):
    result = run(
        pytester,
        """
        import pytest
        from helpers import create, login

        pytestmark = pytest.mark.mimic_scenario("nova.create_fails", status=503)

        class TestBoth:
            pytestmark = pytest.mark.mimic_scenario("identity.rate_limited", retry_after=9)

            def test_stacked(self, mimic_cloud):
                answer = login(mimic_cloud)
                assert answer.status_code == 413
                assert answer.headers["Retry-After"] == "9"

        def test_module_level_only(mimic_cloud):
            assert create(mimic_cloud).status_code == 503
        """,
    )
    result.assert_outcomes(passed=2)


def test_parametrize_runs_one_test_across_failure_modes(pytester):
    result = run(
        pytester,
        """
        import pytest
        from helpers import create

        @pytest.mark.parametrize(("scenario", "status"), [
            ("nova.create_fails", 500),
            ("nova.quota_exceeded", 403),
        ])
        def test_mode(request, scenario, status):
            cloud = request.getfixturevalue("mimic_cloud")
            cloud.activate(scenario)
            assert create(cloud).status_code == status

        @pytest.mark.parametrize("scenario", [
            pytest.param("x", marks=pytest.mark.mimic_scenario("nova.create_fails")),
            pytest.param("y", marks=pytest.mark.mimic_scenario("nova.quota_exceeded")),
        ])
        def test_marked_params(mimic_cloud, scenario):
            assert create(mimic_cloud).status_code in {500, 403}
        """,
    )
    result.assert_outcomes(passed=4)


def test_mimic_config_sets_and_the_closest_marker_wins(pytester):
    result = run(
        pytester,
        """
        import pytest

        pytestmark = pytest.mark.mimic_config(server_build_seconds=600, check_tokens=False)

        @pytest.mark.mimic_config(server_build_seconds=5)
        def test_closest(mimic_cloud):
            assert mimic_cloud.config.server_build_seconds == 5
            assert mimic_cloud.config.check_tokens is False

        def test_module(mimic_cloud):
            assert mimic_cloud.config.server_build_seconds == 600
        """,
    )
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            'mimic_scenario("nova.stuck_in_build")',
            "no scenario named 'nova.stuck_in_build' (did you mean"
            " 'nova.server_stuck_in_build'?); known scenarios: *",
        ),
        (
            'mimic_scenario("nova.slow_build", second=5)',
            "*scenario 'nova.slow_build' has no parameter 'second' (did you mean 'seconds'?)*",
        ),
        (
            'mimic_scenario("nova.slow_build", seconds="ten")',
            "*scenario 'nova.slow_build': seconds must be a number of seconds, not 'ten'*",
        ),
        ("mimic_config(check_tokens='false')", "*setting 'check_tokens' must be bool*"),
        ("mimic_config(build_seconds=3)", "*no setting named 'build_seconds'*"),
    ],
)
def test_a_bad_marker_stops_the_run_at_collection_with_the_valid_names(pytester, marker, message):
    result = run(
        pytester,
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_never(mimic_cloud):
            raise AssertionError("must not run")
        """,
    )

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*test_never: *{message}"])


def test_a_user_scenario_from_conftest_is_listed_and_usable(pytester):
    pytester.makeconftest(
        """
        from pytest_mimic import FaultRule, Respond
        from pytest_mimic.scenarios import Parameter, Setup, register_scenario

        @register_scenario(
            "myapp.flavors_gone",
            "the flavor list answers 404, as after a region migration",
            parameters=[Parameter("status", int, 404, "HTTP status")],
        )
        def flavors_gone(status):
            rule = FaultRule(action=Respond(status), service="nova", operation="list_flavors")
            return Setup(rules=[rule])
        """
    )
    result = run(
        pytester,
        """
        import pytest, requests
        from helpers import login

        @pytest.mark.mimic_scenario("myapp.flavors_gone", status=410)
        def test_custom(mimic_cloud):
            token = login(mimic_cloud).json()["access"]["token"]["id"]
            answer = requests.get(mimic_cloud.url("compute") + "/flavors",
                                  headers={"X-Auth-Token": token})
            assert answer.status_code == 410
        """,
    )
    result.assert_outcomes(passed=1)

    listing = pytester.runpytest("-p", "no:cacheprovider", "--mimic-scenarios")
    assert listing.ret == 0
    listing.stdout.fnmatch_lines(
        [
            "*transport.connection_reset*",
            "*nova.server_stuck_in_build*never leave BUILD*",
            "*myapp.flavors_gone(status=404)*the flavor list answers 404*",
        ]
    )


def test_markers_are_registered_for_strict_markers(pytester):
    result = pytester.runpytest("-p", "no:cacheprovider", "--markers")
    result.stdout.fnmatch_lines(["*mimic_scenario(name, **parameters)*", "*mimic_config(*"])

    strict = run(
        pytester,
        """
        import pytest

        @pytest.mark.mimic_scenario("transport.latency", ms=1)
        def test_strict(mimic_cloud):
            pass
        """,
        "--strict-markers",
    )
    strict.assert_outcomes(passed=1)
