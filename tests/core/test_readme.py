"""The README runs as written.

- Every ``console`` (or ``sh``/``bash``/``shell``) block, and every block of ``curl`` lines,
  runs in order against ``pytest-mimic serve``, in a shell given only what ``serve`` printed.
  ``localhost:8900`` becomes the server's real address; a placeholder such as
  ``<token.id>`` is the value of that key in the latest earlier JSON answer holding it; a
  ``pytest-mimic serve ...`` line (re)starts the server with those arguments. A block that
  cannot run here is marked ``<!-- not-run: reason -->`` just before it, and counted.
- A block marked ``<!-- file: NAME -->`` is written to NAME first (a seed file, a workflow).
- Every Python block parses; those that define tests run as a test module; the others are
  checked against the API they name (imports, ``mimic_cloud``/``time_travel`` attributes,
  markers, scenario, service, operation and setting names).
- Tables that list what the code declares (scenarios, seed fields, the printed banner) are
  compared with the code.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from pytest_mimic import MimicCloud
from pytest_mimic.cli import banner
from pytest_mimic.clock import TimeTravel
from pytest_mimic.plugin import MARKERS
from pytest_mimic.registry import installed_services
from pytest_mimic.scenarios import scenario_registry, user_scenarios
from pytest_mimic.validation import check_target

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
SHELL_LANGUAGES = {"console", "shell", "sh", "bash", "shell-session"}
_MARK = re.compile(r"<!--\s*([\w-]+)\s*:\s*(.*?)\s*-->")
_FENCE = re.compile(r"^```([\w-]*)\s*$")
_PLACEHOLDER = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)>")
_README_PORT = "8900"


@dataclass
class Block:
    """One fenced block of the README, with the marks just before it."""

    language: str
    text: str
    line: int
    marks: dict[str, str] = field(default_factory=dict)

    @property
    def is_shell(self) -> bool:
        lines = [line.strip() for line in self.text.splitlines()]
        return self.language in SHELL_LANGUAGES or any(line.startswith("curl ") for line in lines)

    def where(self) -> str:
        return f"README.md:{self.line} ({self.language or 'no language'} block)"


def read_blocks(text: str) -> list[Block]:
    """Every fenced block, in order, with the ``<!-- key: value -->`` comments right above
    it (blank lines between are allowed).
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        marks: dict[str, str] = {}
        back = index - 1
        while back >= 0 and (not lines[back].strip() or _MARK.fullmatch(lines[back].strip())):
            found = _MARK.fullmatch(lines[back].strip())
            if found:
                marks[found[1]] = found[2]
            back -= 1
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        blocks.append(Block(opening[1], "\n".join(lines[index + 1 : end]), index + 1, marks))
        index = end + 1
    return blocks


BLOCKS = read_blocks(README.read_text(encoding="utf-8"))


def shell_commands(block: Block) -> list[str]:
    """The block's commands: comment lines dropped, continued lines (``\\``) and quotes that
    span lines joined, as a shell reads them.
    """
    commands: list[str] = []
    pending: list[str] = []
    for line in block.text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending.append(line)
        joined = "\n".join(pending)
        if joined.endswith("\\"):
            continue
        try:
            shlex.split(joined, comments=True)
        except ValueError:  # a quote still open: the command goes on on the next line
            continue
        commands.append(joined)
        pending = []
    assert not pending, f"{block.where()}: unfinished command {pending!r}"
    return commands


def placeholder_value(answers: list[Any], name: str) -> str:
    """The value at the dotted key ``name`` in the latest answer that has it."""
    keys = name.split(".")

    def walk(node: Any, path: list[str]) -> Any:
        if isinstance(node, dict):
            for key, value in node.items():
                here = [*path, key]
                if here[-len(keys) :] == keys and not isinstance(value, dict | list):
                    return str(value)
                found = walk(value, here)
                if found is not None:
                    return found
        elif isinstance(node, list):
            for item in node:
                found = walk(item, path)
                if found is not None:
                    return found
        return None

    for answer in reversed(answers):
        found = walk(answer, [])
        if found is not None:
            return found
    raise AssertionError(f"placeholder <{name}> matches no earlier answer")


class Server:
    """``pytest-mimic serve`` as the README starts it, on a free port, in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.proc: subprocess.Popen[str] | None = None
        self.base = ""
        self.lines: list[str] = []

    def start(self, arguments: list[str]) -> None:
        self.stop()
        kept: list[str] = []
        skip = False
        for argument in arguments:
            if skip:
                skip = False
            elif argument == "--port":
                skip = True
            elif not argument.startswith("--port="):
                kept.append(argument)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pytest_mimic", "serve", *kept, "--port", "0"],
            cwd=self.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        first = self.proc.stdout.readline()
        if not first.startswith("pytest-mimic serving on "):
            self.proc.wait(timeout=30)
            raise AssertionError(f"serve {kept} did not start: {first}{self.proc.stderr.read()}")
        self.base = first.split()[-1]
        self.lines = []
        for line in self.proc.stdout:
            if not line.startswith("  "):
                break
            self.lines.append(line[2:].rstrip("\n"))

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc.stdout.close()
            self.proc.stderr.close()
            self.proc = None


@pytest.fixture
def readme_server(tmp_path):
    server = Server(tmp_path)
    server.start([])
    yield server
    server.stop()


def run_command(server: Server, command: str, answers: list[Any], block: Block) -> None:
    """One README command, as a user runs it after pasting what ``serve`` printed."""
    if command.startswith("pytest-mimic serve"):
        server.start(shlex.split(command, comments=True)[2:])
        return
    host = server.base.removeprefix("http://")
    text = command.replace(f"localhost:{_README_PORT}", host)
    text = text.replace(f"127.0.0.1:{_README_PORT}", host)
    try:
        text = _PLACEHOLDER.sub(lambda m: placeholder_value(answers, m[1]), text)
    except AssertionError as error:
        raise AssertionError(f"{block.where()}: {error}\n{command}") from None
    home = server.folder / "home"
    home.mkdir(exist_ok=True)
    script = "\n".join(
        [
            *server.lines,
            # Any answer of 400 or more fails the command, with its body shown.
            'curl() { command curl --fail-with-body --show-error "$@"; }',
            "set -eo pipefail",
            text,
        ]
    )
    done = subprocess.run(
        ["/usr/bin/env", "-i", f"PATH={BIN}:/usr/bin:/bin", f"HOME={home}", "bash", "-c", script],
        cwd=server.folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (
        f"{block.where()}: this command failed ({done.returncode}):\n{command}\n"
        f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    )
    with contextlib.suppress(ValueError):  # not every answer is JSON
        answers.append(json.loads(done.stdout))


def test_every_shell_block_runs_in_order_against_serve(readme_server, record_property):
    answers: list[Any] = []
    ran = skipped = 0
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    for block in BLOCKS:
        if "file" in block.marks:
            target = readme_server.folder / block.marks["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text + "\n", encoding="utf-8")
        if not block.is_shell:
            continue
        if "not-run" in block.marks:
            skipped += 1
            continue
        for command in shell_commands(block):
            run_command(readme_server, command, answers, block)
        ran += 1
    record_property("shell blocks run", ran)
    record_property("shell blocks marked not-run", skipped)
    assert ran >= 3, f"only {ran} shell blocks ran: is the README parsed?"


def test_a_shell_block_that_does_not_run_says_why():
    marked = [block for block in BLOCKS if "not-run" in block.marks]

    assert all(block.is_shell for block in marked), "not-run marks a non-shell block"
    assert all(len(block.marks["not-run"]) > 10 for block in marked), "a reason, please"


def test_the_harness_reads_commands_and_placeholders_as_a_shell_would():
    block = Block("console", "# a comment\ncurl -s a \\\n  -d '{\"x\":\n 1}'\ncurl b", 1)
    answers = [{"id": "old"}, {"access": {"token": {"id": "t1"}, "user": {"id": "u1"}}}]

    assert shell_commands(block) == ["curl -s a \\\n  -d '{\"x\":\n 1}'", "curl b"]
    assert placeholder_value(answers, "token.id") == "t1"
    assert placeholder_value(answers, "id") == "t1"
    with pytest.raises(AssertionError, match=r"<nodes\.id> matches no earlier answer"):
        placeholder_value(answers, "nodes.id")


# -- Python blocks ---------------------------------------------------------------------------


def python_blocks() -> list[Block]:
    return [block for block in BLOCKS if block.language == "python"]


def defines_tests(block: Block) -> bool:
    tree = ast.parse(block.text)
    return any(
        isinstance(node, ast.FunctionDef) and node.name.startswith("test_") for node in tree.body
    )


def test_every_python_block_parses():
    for block in python_blocks():
        try:
            ast.parse(block.text)
        except SyntaxError as error:
            pytest.fail(f"{block.where()}: {error}")


def test_python_blocks_that_define_tests_pass_as_written(pytester):
    blocks = [block for block in python_blocks() if defines_tests(block)]
    assert len(blocks) >= 3
    for block in blocks:
        pytester.makepyfile(**{f"test_readme_line_{block.line}": block.text})
    functions = sum(
        isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        for block in blocks
        for node in ast.parse(block.text).body
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    outcomes = result.parseoutcomes()
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert outcomes.get("passed", 0) >= functions


#: pytest's own markers a README block may use.
PYTEST_MARKERS = {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings"}


class _APICheck(ast.NodeVisitor):
    """The names a fragment of Python uses from pytest-mimic, checked against the code."""

    def __init__(self, cloud: MimicCloud) -> None:
        self.cloud = cloud
        self.registry = scenario_registry(installed_services())
        self.problems: list[str] = []
        self.objects = {"mimic_cloud": MimicCloud, "cloud": MimicCloud, "time_travel": TimeTravel}
        keywords = inspect.signature(MimicCloud.inject).parameters
        self.inject_keywords = {name for name in keywords if name not in {"self", "attributes"}}

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.module.split(".")[0] == "pytest_mimic":
            module = importlib.import_module(node.module)
            for alias in node.names:
                if not hasattr(module, alias.name):
                    self.problems.append(f"{node.module} has no {alias.name}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.generic_visit(node)
        target = node.value
        if isinstance(target, ast.Name) and target.id in self.objects:
            kind = self.objects[target.id]
            if not hasattr(kind, node.attr):
                self.problems.append(f"{kind.__name__} has no attribute {node.attr!r}")
        is_marker = isinstance(target, ast.Attribute) and target.attr == "mark"
        if is_marker and node.attr not in {*MARKERS, *PYTEST_MARKERS}:
            self.problems.append(f"no marker named {node.attr!r}")
        service = _service_call(target)
        if service is not None and not hasattr(self.cloud.service(service), node.attr):
            self.problems.append(f"service {service!r} has no attribute {node.attr!r}")

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        strings = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        keywords = {
            k.arg: k.value.value
            for k in node.keywords
            if k.arg is not None and isinstance(k.value, ast.Constant)
        }
        try:
            if func.attr in {"mimic_scenario", "activate"} and strings:
                self.registry.get(strings[0]).bind(keywords)
            elif func.attr in {"inject", "calls", "assert_called", "assert_not_called"}:
                if len(strings) == len(node.args) and strings:
                    attributes = {
                        k: v for k, v in keywords.items() if k not in self.inject_keywords
                    }
                    service = keywords.get("service", strings[0] if strings else None)
                    operation = keywords.get("operation", strings[1] if len(strings) > 1 else None)
                    check_target(self.cloud.services, service, operation, attributes)
            elif func.attr in {"configure", "mimic_config"} and keywords:
                self.cloud.config.replace(**keywords)
        except (TypeError, ValueError) as error:
            self.problems.append(f"{ast.unparse(node)}: {error}")


def _service_call(node: ast.expr) -> str | None:
    """``"nova"`` for ``mimic_cloud.service("nova")``."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "service"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value)
    return None


def test_every_other_python_block_names_only_what_exists():
    cloud = MimicCloud()
    checked = 0
    problems = []
    for block in python_blocks():
        if defines_tests(block):
            continue
        check = _APICheck(cloud)
        check.visit(ast.parse(block.text))
        problems += [f"{block.where()}: {problem}" for problem in check.problems]
        checked += 1

    assert not problems, "\n".join(problems)
    assert checked >= 5


def test_the_api_check_would_catch_a_misspelt_name():
    check = _APICheck(MimicCloud())
    check.visit(
        ast.parse(
            'mimic_cloud.injekt("nova")\n'
            'mimic_cloud.inject("nova", "create_sever", status=500)\n'
            '@pytest.mark.mimic_scenarios("x")\ndef f(): pass\n'
            'mimic_cloud.activate("nova.create_fail")\n'
            'mimic_cloud.service("clb").set_statuz(1, "ERROR")\n'
            "from pytest_mimic import Respnd\n"
        )
    )

    assert len(check.problems) == 6, check.problems


# -- tables the code declares ----------------------------------------------------------------


def test_the_scenario_table_lists_every_scenario_and_its_parameters():
    rows = {
        line.split("|")[1].strip(): line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `") and "." in line.split("|")[1]
    }
    missing = []
    users = {scenario.name for scenario in user_scenarios()}  # other tests register some
    for scenario in scenario_registry(installed_services()):
        if scenario.name in users:
            continue
        cell = next(
            (
                key
                for key in rows
                if key == f"`{scenario.name}`" or key.startswith(f"`{scenario.name}(")
            ),
            None,
        )
        if cell is None:
            missing.append(scenario.name)
            continue
        for parameter in scenario.parameters:
            if parameter.name not in cell:
                missing.append(f"{scenario.name} parameter {parameter.name}")

    assert not missing, f"README's scenario table lacks: {missing}"


def test_the_seed_table_lists_every_section_a_service_declares():
    text = README.read_text(encoding="utf-8")
    missing = [
        f"{service.name}.{key}"
        for service in installed_services()
        for key in service.seed_fields
        if f"| `{service.name}.{key}` |" not in text
    ]

    assert not missing


def test_the_printed_banner_in_the_readme_is_what_serve_prints():
    (shown,) = [b for b in BLOCKS if b.language == "text" and "serving on" in b.text]
    with MimicCloud() as cloud:
        printed = banner(cloud).replace(f":{cloud.server.port}", f":{_README_PORT}")

    assert shown.text == printed


# -- the CI workflow -----------------------------------------------------------------------


def test_the_ci_workflow_installs_this_distribution_and_runs_a_users_suite(pytester):
    (block,) = [b for b in BLOCKS if b.marks.get("file", "").startswith(".github/workflows/")]
    workflow = yaml.safe_load(block.text)
    steps = workflow["jobs"]["test"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    install, test = runs
    requirements = [Requirement(arg) for arg in shlex.split(install)[2:] if arg not in {"-e", "."}]
    pytester.makeini("[pytest]\nmarkers =\n    slow: a user's own marker\n")
    pytester.makepyfile(
        test_users_suite="""
        import boto3, pytest

        @pytest.mark.slow
        @pytest.mark.mimic_scenario("sqs.throttled_sends")
        def test_sends_are_throttled(mimic_cloud):
            sqs = boto3.client("sqs")
            url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
            with pytest.raises(sqs.exceptions.ClientError):
                sqs.send_message(QueueUrl=url, MessageBody="x")

        def test_a_second_worker_has_its_own_cloud(mimic_cloud):
            assert mimic_cloud.export_state() == {}
        """
    )

    result = pytester.runpytest_subprocess(*shlex.split(test)[1:], "-p", "no:cacheprovider")

    assert workflow[True] == ["push", "pull_request"]  # YAML 1.1 reads the key `on` as True
    assert "pytest-mimic-cloud" in {requirement.name for requirement in requirements}
    assert shlex.split(test)[:3] == ["pytest", "-n", "auto"]
    result.assert_outcomes(passed=2)
