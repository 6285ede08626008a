"""Seeds under pytest (the ``mimic_seed`` ini option and marker) and misspellings of our ini
options and markers, as a user meets them through pytester.
"""

from __future__ import annotations

import pytest

# pytester's in-process runs unload modules first imported inside them (see test_plugin).
import requests  # noqa: F401

pytest_plugins = ["pytester"]


def test_the_ini_seed_is_every_tests_start_and_markers_add_to_it(pytester):
    pytester.makeini(
        """
        [pytest]
        mimic_seed = state/base.toml
        """
    )
    pytester.mkdir("state")
    pytester.path.joinpath("state", "base.toml").write_text(
        '[[identity.users]]\nusername = "bob"\napi_key = "k"\n'
    )
    pytester.path.joinpath("extra.json").write_text(
        '{"sqs": {"queues": [{"name": "jobs", "messages": [{"body": "hi"}]}]}}'
    )
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.mimic_seed("extra.json")

        def users(cloud):
            return [u["username"] for u in cloud.export_state()["identity"]["users"]]

        @pytest.mark.mimic_seed({"nova": {"servers": [{"name": "a", "flavor": 2, "image": "i"}]}})
        def test_marked(mimic_cloud):
            state = mimic_cloud.export_state()
            assert users(mimic_cloud) == ["bob"]
            assert [m["body"] for m in state["sqs"]["queues"][0]["messages"]] == ["hi"]
            assert [s["name"] for s in state["nova"]["servers"]] == ["a"]
            mimic_cloud.service("identity").add_user("carol", password="p")

        def test_after(mimic_cloud):
            assert users(mimic_cloud) == ["bob"]
            assert "nova" not in mimic_cloud.export_state()
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)


def test_a_mistake_in_a_seed_marker_stops_the_run_at_collection(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.mimic_seed({"nova": {"servers": [{"nme": "a"}]}})
        def test_marked(mimic_cloud):
            pass
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*test_marked: mimic_seed: nova.servers[[]0[]]: no field named 'nme' "
            "(did you mean 'name'?); fields: *"
        ]
    )


def test_a_mistake_in_the_ini_seed_stops_the_run_at_once(pytester):
    pytester.makeini("[pytest]\nmimic_seed = state.json\n")
    pytester.path.joinpath("state.json").write_text('{"clb": {"load_balancer": []}}')
    pytester.makepyfile("def test_nothing(): pass")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*pytest-mimic: mimic_seed: clb: no field named 'load_balancer' "
            "(did you mean 'load_balancers'?); fields: load_balancers"
        ]
    )


def test_a_misspelt_ini_option_names_the_closest_one(pytester):
    pytester.makeini("[pytest]\nmimic_server_build_second = 600\n")
    pytester.makepyfile("def test_nothing(): pass")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*pytest-mimic: unknown ini option 'mimic_server_build_second' "
            "(did you mean 'mimic_server_build_seconds'?); options: *"
        ]
    )


def test_a_misspelt_ini_option_in_pyproject_is_found_too(pytester):
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nmimic_chek_tokens = "false"\n')
    pytester.makepyfile("def test_nothing(): pass")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'mimic_chek_tokens' (did you mean 'mimic_check_tokens'?)*"])


def test_a_misspelt_marker_names_ours_instead_of_being_ignored(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.mimic_scenarios("nova.create_fails")
        def test_marked():
            pass
        """
    )

    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestUnknownMarkWarning"
    )

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*test_marked: unknown marker 'mimic_scenarios' (did you mean 'mimic_scenario'?); "
            "pytest-mimic's markers: mimic_config, mimic_scenario, mimic_seed"
        ]
    )


def test_a_users_own_registered_marker_is_left_alone(pytester):
    pytester.makeini("[pytest]\nmarkers =\n    mimic_slow: our own marker\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.mimic_slow
        def test_marked():
            pass
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
