"""The pytest layer: options, fixtures and a report section; everything else is in the library.

Options are read and checked once, in ``pytest_configure`` (the ``mimic_seed`` document and
misspelt ``mimic_*`` ini options too); markers (misspelt ones included) and
``mimic_endpoints`` lines once, after collection. Fixtures, by scope:
``mimic_listen_address`` (session) -> ``mimic_config`` (session) -> ``mimic_transport`` (session) ->
``mimic_session_cloud`` (session: one server per session, so one per xdist worker) ->
``mimic_cloud`` (function: fresh state, client environment, server-error check; its
transport from ``mimic_transport``) ->
``time_travel`` (function), plus ``mimic_stub`` (function: a pytest-httpserver stub listed in
the service catalog). Each can be overridden in a ``conftest.py``. ``--mimic-dashboard``
starts the session's cloud early to show its dashboard; ``--mimic-report`` writes a page of a
failing test's calls.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import pytest

from pytest_mimic.clock import TimeTravel
from pytest_mimic.cloud import MimicCloud
from pytest_mimic.config import CloudConfig, default_schema
from pytest_mimic.dashboard import write_report
from pytest_mimic.inprocess import TRANSPORTS, check_transport
from pytest_mimic.interop import journal_httpserver
from pytest_mimic.names import listing, suggest
from pytest_mimic.parsing import parse_seconds
from pytest_mimic.registry import installed_services
from pytest_mimic.scenarios import ScenarioRegistry, scenario_registry
from pytest_mimic.server import IDLE_TIMEOUT
from pytest_mimic.state import SeedError, check_document, read_document

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator

    from pytest_httpserver import HTTPServer

    StubFactory = Callable[..., HTTPServer]

HOST_ENV = "PYTEST_MIMIC_HOST"
PORT_ENV = "PYTEST_MIMIC_PORT"
_CLOUD_KEY = pytest.StashKey[MimicCloud]()
_REPORTED_KEY = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mimic", "pytest-mimic fake cloud")
    group.addoption("--mimic-host", default=None, help=f"address to listen on (env {HOST_ENV})")
    group.addoption(
        "--mimic-port",
        default=None,
        help=f"port, 0 = any free; under xdist each worker adds its number (env {PORT_ENV})",
    )
    group.addoption(
        "--mimic-transport",
        default=None,
        choices=TRANSPORTS,
        help="how requests- and botocore-based clients reach the fake (ini mimic_transport)",
    )
    group.addoption(
        "--mimic-services-dir",
        default=None,
        metavar="DIR",
        help="a folder of your own services, one NAME.py each (ini mimic_services_dir)",
    )
    group.addoption(
        "--mimic-dashboard",
        action="store_true",
        default=None,
        help="start the fake cloud with the session, print its live dashboard's URL, and keep "
        "it open after the last test until Enter is pressed, when run in a terminal "
        "(ini mimic_dashboard)",
    )
    group.addoption(
        "--mimic-report",
        default=None,
        metavar="DIR",
        help="write an HTML page of its calls for each failing test into DIR, named in the "
        "failure report (ini mimic_report)",
    )
    group.addoption(
        "--mimic-scenarios",
        action="store_true",
        help="list every mimic_scenario name with its parameters and description, then exit",
    )
    group.addoption(
        "--mimic-seed",
        default=None,
        metavar="FILE",
        help="a TOML or JSON state document every test starts from (ini mimic_seed)",
    )
    _addini(parser, "mimic_host", "address the fake cloud listens on", default="127.0.0.1")
    _addini(parser, "mimic_port", "port of the fake cloud; 0 picks a free one", default="0")
    # One ini option per declared setting (the core's and every installed service's).
    for setting in default_schema().values():
        default = setting.describe()["default"]
        _addini(
            parser, f"mimic_{setting.name}", f"{setting.help} (default {default})", default=None
        )
    _addini(
        parser,
        "mimic_seed",
        "a TOML or JSON state document (users, servers, load balancers, queues...) every "
        "test starts from (relative to the ini file)",
        default=None,
    )
    _addini(
        parser,
        "mimic_services_dir",
        "a folder of your own services, one NAME.py each, mounted at /NAME/ "
        "(relative to the ini file)",
        default=None,
    )
    _addini(
        parser,
        "mimic_dashboard",
        "true: start the fake cloud with the session and print its dashboard's URL "
        "(see --mimic-dashboard)",
        default="false",
    )
    _addini(
        parser,
        "mimic_report",
        "a folder for an HTML page of its calls per failing test (relative to the ini file)",
        default=None,
    )
    _addini(
        parser,
        "mimic_transport",
        "'socket' (default), or 'in-process': requests- and botocore-based clients (boto3) "
        "reach the fake without a socket",
        default="socket",
    )
    _addini(
        parser,
        "mimic_keep_alive",
        "keep HTTP/1.1 connections open between requests (false: close after each answer)",
        default="true",
    )
    _addini(
        parser,
        "mimic_idle_timeout",
        "seconds an idle kept-alive connection stays open",
        default=str(IDLE_TIMEOUT),
    )
    _addini(
        parser,
        "mimic_endpoints",
        "settings to point at the fake for each test, one per line: "
        "'package.module:NAME = auth' or 'package.module:NAME[key] = <catalog type>'",
        type="linelist",
        default=[],
    )


@dataclass(frozen=True)
class _Options:
    """Every pytest-mimic option, read and checked once at start-up."""

    host: str
    port: int
    config: CloudConfig
    transport: str
    keep_alive: bool
    idle_timeout: float
    endpoints: tuple[tuple[str, str], ...]
    services_dir: Path | None
    dashboard: bool = False
    report_dir: Path | None = None
    seed: Path | None = None


_OPTIONS_KEY = pytest.StashKey[_Options]()


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers and refuse bad option values once, before any test runs."""
    config.addinivalue_line(
        "markers",
        "mimic_scenario(name, **parameters): load a named failure scenario into mimic_cloud "
        "for this test (stackable; see pytest --mimic-scenarios)",
    )
    config.addinivalue_line(
        "markers",
        "mimic_config(**settings): mimic_cloud.configure(**settings) for this test "
        "(e.g. check_tokens=False; every setting of every service)",
    )
    config.addinivalue_line(
        "markers",
        "mimic_seed(document): load a state document (a dict, or a .toml/.json path relative "
        "to the test file) into mimic_cloud for this test (stackable)",
    )
    _refuse_unknown_ini_keys(config)
    config.stash[_OPTIONS_KEY] = _read_options(config)


#: The markers this plugin registers: a misspelling of one is refused with the closest.
MARKERS = ("mimic_config", "mimic_scenario", "mimic_seed")


#: Every ini option ``pytest_addoption`` declared: the names a ``mimic_*`` key may have.
_DECLARED_INI: set[str] = set()


def _addini(parser: pytest.Parser, name: str, help: str, **kwargs: Any) -> None:
    """``parser.addini`` that remembers the name, so the misspelling check knows every
    option without a second list to keep in step."""
    _DECLARED_INI.add(name)
    parser.addini(name, help, **kwargs)


def _ini_names() -> set[str]:
    """Every ini option this plugin declares (``pytest_addoption`` adds exactly these)."""
    return _DECLARED_INI | {f"mimic_{name}" for name in default_schema()}


def _refuse_unknown_ini_keys(config: pytest.Config) -> None:
    """A ``mimic_*`` key no option declares is a misspelling: pytest only warns about it
    (unless ``--strict-config``), and the setting would silently keep its default.
    """
    known = _ini_names()
    for key in _ini_file_keys(config.inipath):
        if key.startswith("mimic") and key not in known:
            raise pytest.UsageError(
                f"pytest-mimic: unknown ini option {key!r}{suggest(key, known)}; "
                f"options: {listing(known)}"
            )


def _ini_file_keys(path: Path | None) -> list[str]:
    """The keys of pytest's section of the ini file at ``path`` (pytest lists the unknown
    ones only in a warning): ``[pytest]`` of pytest.ini, tox.ini or pytest.toml,
    ``[tool:pytest]`` of setup.cfg, ``[tool.pytest.ini_options]`` or ``[tool.pytest]`` of
    pyproject.toml.
    """
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            document = tomllib.loads(text)
            tool = document.get("tool", {}).get("pytest", {})
            tables = [document.get("pytest", {}), tool, tool.get("ini_options", {})]
            return [key for table in tables if isinstance(table, dict) for key in table]
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
    except (OSError, ValueError, configparser.Error):
        return []  # pytest itself reports an ini file it cannot read
    return [
        key
        for name in ("pytest", "tool:pytest")
        if parser.has_section(name)
        for key in parser[name]
    ]


def _read_options(config: pytest.Config) -> _Options:
    def fail(message: str) -> NoReturn:
        raise pytest.UsageError(f"pytest-mimic: {message}")

    cloud_config = CloudConfig()
    changes: dict[str, Any] = {}
    for name in cloud_config.schema:
        raw = config.getini(f"mimic_{name}")
        if raw is not None:
            try:
                changes[name] = cloud_config.parse(name, raw)
            except ValueError as error:
                fail(f"ini option mimic_{name}: {error}")
    try:
        cloud_config = cloud_config.replace(**changes)
    except (TypeError, ValueError) as error:
        fail(str(error))
    try:
        transport = check_transport(
            (config.getoption("mimic_transport") or str(config.getini("mimic_transport"))).strip()
        )
    except ValueError as error:
        fail(f"mimic_transport ini option: {error}")
    keep_alive = _ini_bool(config, "mimic_keep_alive", fail)
    idle_raw = str(config.getini("mimic_idle_timeout")).strip()
    try:
        idle_timeout = parse_seconds(idle_raw, "mimic_idle_timeout", positive=True)
    except ValueError:
        fail(f"mimic_idle_timeout must be a positive number of seconds, not {idle_raw!r}")
    host = (
        config.getoption("mimic_host")
        or os.environ.get(HOST_ENV)
        or str(config.getini("mimic_host"))
    )
    raw_port = str(
        config.getoption("mimic_port") or os.environ.get(PORT_ENV) or config.getini("mimic_port")
    ).strip()
    try:
        port = int(raw_port)
    except ValueError:
        fail(f"the port must be a number, not {raw_port!r}")
    if not 0 <= port <= 65535:
        fail(f"the port must be between 0 and 65535, not {port}")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if port and worker.startswith("gw") and worker[2:].isdigit():
        # One server per xdist worker: a fixed port becomes port + worker number.
        port += int(worker[2:])
        if port > 65535:
            fail(f"the port plus the xdist worker number ({worker}) passes 65535: {port}")
    endpoints = []
    for line in config.getini("mimic_endpoints"):
        target, sep, endpoint = str(line).partition("=")
        if not sep or not target.strip() or not endpoint.strip():
            fail(f"mimic_endpoints line {line!r} must look like 'package.module:NAME = auth'")
        endpoints.append((target.strip(), endpoint.strip()))
    services_dir = _services_dir(config, fail)
    dashboard = config.getoption("mimic_dashboard") or _ini_bool(config, "mimic_dashboard", fail)
    return _Options(
        host,
        port,
        cloud_config,
        transport,
        keep_alive,
        idle_timeout,
        tuple(endpoints),
        services_dir,
        dashboard,
        _report_dir(config, fail),
        _seed_file(config, fail),
    )


def _report_dir(config: pytest.Config, fail: Callable[[str], NoReturn]) -> Path | None:
    """Where failing tests' HTML reports go: the option (from the working directory) or the
    ini value (from the ini file's folder). Made if missing; it must not be a file.
    """
    given = config.getoption("mimic_report")
    if given:
        folder, where = Path(given), "--mimic-report"
    else:
        raw = config.getini("mimic_report")
        if not raw or not str(raw).strip():
            return None
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        folder, where = base / str(raw).strip(), "mimic_report"
    if folder.exists() and not folder.is_dir():
        fail(f"{where}: {str(folder)!r} is a file, not a folder")
    return folder.resolve()


def _seed_file(config: pytest.Config, fail: Callable[[str], NoReturn]) -> Path | None:
    """The state document every test starts from: the option (from the working directory)
    or the ini value (from the ini file's folder), read and checked now.
    """
    given = config.getoption("mimic_seed")
    if given:
        path, where = Path(given), "--mimic-seed"
    else:
        raw = config.getini("mimic_seed")
        if not raw:
            return None
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        path, where = base / str(raw).strip(), "mimic_seed"
    try:
        check_document(read_document(path), installed_services(), partial=True)
    except SeedError as error:
        fail(f"{where}: {error}")
    return path.resolve()


def _services_dir(config: pytest.Config, fail: Callable[[str], NoReturn]) -> Path | None:
    """The folder of the user's own services: the option (from the working directory) or the
    ini value (from the ini file's folder); it must exist.
    """
    given = config.getoption("mimic_services_dir")
    if given:
        folder, where = Path(given), "--mimic-services-dir"
    else:
        raw = config.getini("mimic_services_dir")
        if not raw:
            return None
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        folder, where = base / str(raw).strip(), "mimic_services_dir"
    if not folder.is_dir():
        fail(f"{where}: {str(folder)!r} is not a folder")
    return folder.resolve()


def _ini_bool(config: pytest.Config, name: str, fail: Callable[[str], NoReturn]) -> bool:
    raw = str(config.getini(name)).strip().lower()
    if raw in {"true", "yes", "on", "1"}:
        return True
    if raw not in {"false", "no", "off", "0"}:
        fail(f"{name}: {raw!r} is not true or false")
    return False


def _options(config: pytest.Config) -> _Options:
    return config.stash[_OPTIONS_KEY]


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    """``pytest --mimic-scenarios``: list the scenarios (the user's included) and exit."""
    if not config.getoption("mimic_scenarios"):
        return None
    config._do_configure()
    try:
        registry = scenario_registry(installed_services())
        print(registry.describe())
    finally:
        config._ensure_unconfigure()
    return 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Check every marker and every endpoint line once, and give marked tests mimic_cloud."""
    options = _options(config)
    problems: list[str] = []
    for target, _endpoint in options.endpoints:
        module = target.split(":", 1)[0].strip()
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            problems.append(f"mimic_endpoints: no module named {module!r} (line {target!r})")
    registry: ScenarioRegistry | None = None
    registered = {
        line.split(":", 1)[0].split("(", 1)[0].strip() for line in config.getini("markers")
    }
    for item in items:
        problems += _misspelt_markers(item, registered)
        scenarios = list(item.iter_markers("mimic_scenario"))
        settings = list(item.iter_markers("mimic_config"))
        seeds = list(item.iter_markers("mimic_seed"))
        if not scenarios and not settings and not seeds:
            continue
        for marker in seeds:
            try:
                _seed_document(marker, item.path.parent, check=True)
            except (SeedError, TypeError) as error:
                problems.append(f"{item.nodeid}: mimic_seed: {error}")
        if registry is None:
            registry = scenario_registry(installed_services())
        for marker in scenarios:
            try:
                if len(marker.args) != 1 or not isinstance(marker.args[0], str):
                    raise TypeError(
                        "mimic_scenario takes one scenario name and keyword parameters, "
                        f"not {marker.args!r}"
                    )
                registry.get(marker.args[0]).bind(marker.kwargs)
            except (TypeError, ValueError) as error:
                problems.append(f"{item.nodeid}: {error}")
        for marker in settings:
            try:
                if marker.args:
                    raise TypeError("mimic_config takes keyword settings only")
                options.config.replace(**marker.kwargs)
            except (TypeError, ValueError) as error:
                problems.append(f"{item.nodeid}: mimic_config: {error}")
        names = getattr(item, "fixturenames", None)  # doctest items have none
        if names is not None and "mimic_cloud" not in names:
            names.append("mimic_cloud")
    if problems:
        raise pytest.UsageError("pytest-mimic:\n  " + "\n  ".join(problems))


def _misspelt_markers(item: pytest.Item, registered: set[str]) -> list[str]:
    """Markers no one registered that look like ours (``mimic_scenarios``): without
    ``--strict-markers`` pytest only warns, and the test would run without them.
    """
    found = []
    for marker in item.iter_markers():
        name = marker.name
        if name in registered:
            continue
        hint = suggest(name, MARKERS)
        if hint or name.startswith("mimic"):
            found.append(
                f"{item.nodeid}: unknown marker {name!r}{hint}; pytest-mimic's markers: "
                + ", ".join(MARKERS)
            )
    return list(dict.fromkeys(found))


def _seed_document(marker: pytest.Mark, folder: Path, *, check: bool = False) -> Any:
    """The document a ``mimic_seed`` marker gives (a path is read from ``folder``); with
    ``check``, checked against the installed services (others are checked at setup).
    """
    if len(marker.args) != 1 or marker.kwargs:
        raise TypeError(
            "mimic_seed takes one state document: a dict, or the path of a .toml or .json "
            f"file, not {marker.args!r}"
        )
    document = read_document(marker.args[0], base=folder)
    if check:
        check_document(document, installed_services(), partial=True)
    return document


@pytest.fixture(scope="session")
def mimic_transport(pytestconfig: pytest.Config) -> str:
    """How ``requests`` and botocore calls reach the fake: ``"socket"`` or ``"in-process"``.

    Defaults to ``--mimic-transport`` or the ``mimic_transport`` ini option; override it in
    a ``conftest.py``, or parametrize it, to choose per module, class or test.
    """
    return _options(pytestconfig).transport


@pytest.fixture(scope="session")
def mimic_listen_address(pytestconfig: pytest.Config) -> tuple[str, int]:
    """``(host, port)`` for the session's server: option, then environment, then ini (under
    pytest-xdist a fixed port is offset by the worker number).
    """
    options = _options(pytestconfig)
    return options.host, options.port


@pytest.fixture(scope="session")
def mimic_config(pytestconfig: pytest.Config) -> CloudConfig:
    """The session's default settings, from ini options."""
    return _options(pytestconfig).config


@pytest.fixture(scope="session")
def mimic_session_cloud(
    mimic_listen_address: tuple[str, int], mimic_config: CloudConfig, pytestconfig: pytest.Config
) -> Iterator[MimicCloud]:
    """The session's running cloud; prefer ``mimic_cloud``, which resets it per test."""
    host, port = mimic_listen_address
    options = _options(pytestconfig)
    cloud = MimicCloud(
        host=host,
        port=port,
        config=mimic_config,
        keep_alive=options.keep_alive,
        idle_timeout=options.idle_timeout,
    )
    if options.services_dir is not None:
        from pytest_mimic.user_services import attach_folder

        attach_folder(cloud, options.services_dir)
    if options.seed is not None:
        try:
            cloud.keep_seed(options.seed)
        except SeedError as error:
            pytest.exit(f"pytest-mimic: {error}", returncode=pytest.ExitCode.USAGE_ERROR)
    try:
        cloud.start()
    except OSError as error:
        pytest.exit(
            f"pytest-mimic cannot listen on {host}:{port}: {error.strerror or error}. "
            f"Choose another port with --mimic-port, {PORT_ENV} or the mimic_port ini option "
            "(0 picks a free one).",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
    yield cloud
    cloud.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    """With ``--mimic-dashboard``: where the dashboard will be (one per xdist worker)."""
    options = _options(config)
    if not options.dashboard or _worker() is not None:
        return []
    workers = getattr(config.option, "numprocesses", None)
    if not options.port:
        where = "printed when the fake cloud starts"
        if workers:
            where = "one per xdist worker, on free ports (give --mimic-port to know them)"
        return [f"pytest-mimic dashboard: {where}"]
    ports = [options.port]
    if isinstance(workers, int) and workers > 0:
        ports = [options.port + n for n in range(workers)]
    host = f"[{options.host}]" if ":" in options.host else options.host
    return [f"pytest-mimic dashboard: http://{host}:{port}/mimic/dashboard" for port in ports]


def _worker() -> str | None:
    return os.environ.get("PYTEST_XDIST_WORKER")


@pytest.fixture(scope="session", autouse=True)
def _mimic_dashboard(request: pytest.FixtureRequest) -> Iterator[None]:
    """With ``--mimic-dashboard``: start the session's cloud before the first test, say
    where its dashboard is, and after the last test keep it open until Enter (in a terminal
    only: CI and xdist workers go on at once).
    """
    config = request.config
    if not _options(config).dashboard:
        yield
        return
    cloud: MimicCloud = request.getfixturevalue("mimic_session_cloud")
    _say(config, f"pytest-mimic dashboard: {cloud.dashboard_url}")
    yield
    terminal = sys.__stdin__
    if _worker() is None and terminal is not None and terminal.isatty():
        _hold(config, cloud.dashboard_url, terminal)


def _say(config: pytest.Config, line: str) -> None:
    """Write ``line`` on the terminal now, past output capture."""
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if terminal is None:
        return
    if capture is None:
        terminal.write_line(line)
        return
    with capture.global_and_fixture_disabled():
        terminal.write_line(line)


def _hold(config: pytest.Config, url: str, terminal: TextIO) -> None:
    """Wait for Enter with the server still up, so the last test's state can be looked at."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        capture.suspend_global_capture(in_=True)
    try:
        print(f"\npytest-mimic: the dashboard stays open at {url}; press Enter to stop.")
        terminal.readline()
    except (EOFError, KeyboardInterrupt, OSError):
        pass
    finally:
        if capture is not None:
            capture.resume_global_capture()


@pytest.fixture
def mimic_cloud(
    request: pytest.FixtureRequest, mimic_session_cloud: MimicCloud, mimic_transport: str
) -> Iterator[MimicCloud]:
    """A fresh fake cloud for this test.

    Before the test: state, fault rules, journal, clock and config are reset, and
    ``OS_AUTH_URL``, ``OS_USERNAME``, ``OS_PASSWORD``, ``OS_TENANT_ID``, ``OS_PROJECT_ID``,
    ``OS_REGION_NAME``, ``AWS_ENDPOINT_URL_SQS``, AWS credentials and ``NO_PROXY`` point at
    it (plus the ``mimic_endpoints`` ini settings); ``mimic_config``, ``mimic_seed`` and
    ``mimic_scenario`` markers are applied (the closest last, so it wins), on top of the
    state the ``mimic_seed`` ini option gives every test. After it: all of that is restored,
    and an exception inside a fake service fails the test with the request that caused it.
    With ``mimic_transport`` ``"in-process"``, ``requests`` and botocore calls skip the
    socket.
    Use ``inject()``, ``calls()``, ``url()``, ``patch_endpoint()``, ``configure()``,
    ``activate()``.
    """
    cloud = mimic_session_cloud
    cloud.begin_test(transport=mimic_transport)
    request.node.stash[_CLOUD_KEY] = cloud
    try:
        for target, endpoint in _options(request.config).endpoints:
            cloud.patch_endpoint(target, endpoint)
        for marker in reversed(list(request.node.iter_markers("mimic_config"))):
            cloud.configure(**marker.kwargs)
        for marker in reversed(list(request.node.iter_markers("mimic_seed"))):
            cloud.seed(_seed_document(marker, request.node.path.parent))
        for marker in reversed(list(request.node.iter_markers("mimic_scenario"))):
            cloud.activate(marker.args[0], **marker.kwargs)
        yield cloud
    finally:
        cloud.end_test()


@pytest.fixture
def mimic_stub(mimic_cloud: MimicCloud, httpserver: HTTPServer) -> StubFactory:
    """Put pytest-httpserver's ``httpserver`` in the catalog for a service pytest-mimic
    does not fake: ``mimic_stub("object-store", "cloudFiles", "/v1/{tenant}")`` returns the
    ``httpserver``, on which you ``expect_request(...)`` as usual.
    """

    def stub(type: str, name: str, path: str = "/") -> HTTPServer:
        entry = mimic_cloud.add_catalog_service(type, name, httpserver.url_for(path))
        journal_httpserver(mimic_cloud, httpserver, entry)
        return httpserver

    return stub


@pytest.fixture
def time_travel(mimic_cloud: MimicCloud) -> Iterator[TimeTravel]:
    """Control the fake cloud's clock; the test process sees the same time (freezegun).

    ``advance(seconds)``, ``move_to(datetime)``, ``freeze()``, ``unfreeze()``, ``now()``,
    ``advance_on_sleep()`` (``time.sleep`` advances the clock instead of waiting). All
    undone after the test.
    """
    travel = TimeTravel(mimic_cloud.clock)
    travel.start()
    yield travel
    travel.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach this test's journal to the report of a failed test."""
    report = yield
    cloud = item.stash.get(_CLOUD_KEY, None)
    if cloud is None or not report.failed or call.when not in {"call", "teardown"}:
        return report
    folder = _options(item.config).report_dir
    lines = []
    if folder is not None and not item.stash.get(_REPORTED_KEY, False):
        # One page per test: a teardown failure after a failed call adds nothing new.
        item.stash[_REPORTED_KEY] = True
        try:
            page = write_report(folder, item.nodeid, cloud.journal.calls(), report.longreprtext)
            lines.append(f"HTML report of these calls: {page.as_uri()}")
        except OSError as error:
            lines.append(f"pytest-mimic could not write the HTML report: {error}")
    if call.when == "call":
        lines += cloud.journal.render().splitlines()
    if lines:
        report.sections.append(("pytest-mimic calls", "\n".join(lines)))
    return report
