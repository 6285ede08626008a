"""The pytest layer: options, fixtures and a report section; everything else is in the library.

Options are read and checked once, in ``pytest_configure``; markers and ``mimic_endpoints``
lines once, after collection. Fixtures, by scope: ``mimic_listen_address`` (session) ->
``mimic_config`` (session) -> ``mimic_transport`` (session) ->
``mimic_session_cloud`` (session: one server per session, so one per xdist worker) ->
``mimic_cloud`` (function: fresh state, client environment, server-error check; its
transport from ``mimic_transport``) ->
``time_travel`` (function), plus ``mimic_stub`` (function: a pytest-httpserver stub listed in
the service catalog). Each can be overridden in a ``conftest.py``.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from pytest_mimic.clock import TimeTravel
from pytest_mimic.cloud import MimicCloud
from pytest_mimic.config import CloudConfig, default_schema
from pytest_mimic.inprocess import TRANSPORTS, check_transport
from pytest_mimic.interop import journal_httpserver
from pytest_mimic.parsing import parse_seconds
from pytest_mimic.registry import installed_services
from pytest_mimic.scenarios import ScenarioRegistry, scenario_registry
from pytest_mimic.server import IDLE_TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator

    from pytest_httpserver import HTTPServer

    StubFactory = Callable[..., HTTPServer]

HOST_ENV = "PYTEST_MIMIC_HOST"
PORT_ENV = "PYTEST_MIMIC_PORT"
_CLOUD_KEY = pytest.StashKey[MimicCloud]()


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
        "--mimic-scenarios",
        action="store_true",
        help="list every mimic_scenario name with its parameters and description, then exit",
    )
    parser.addini("mimic_host", "address the fake cloud listens on", default="127.0.0.1")
    parser.addini("mimic_port", "port of the fake cloud; 0 picks a free one", default="0")
    # One ini option per declared setting (the core's and every installed service's).
    for setting in default_schema().values():
        default = setting.describe()["default"]
        parser.addini(f"mimic_{setting.name}", f"{setting.help} (default {default})", default=None)
    parser.addini(
        "mimic_services_dir",
        "a folder of your own services, one NAME.py each, mounted at /NAME/ "
        "(relative to the ini file)",
        default=None,
    )
    parser.addini(
        "mimic_transport",
        "'socket' (default), or 'in-process': requests- and botocore-based clients (boto3) "
        "reach the fake without a socket",
        default="socket",
    )
    parser.addini(
        "mimic_keep_alive",
        "keep HTTP/1.1 connections open between requests (false: close after each answer)",
        default="true",
    )
    parser.addini(
        "mimic_idle_timeout",
        "seconds an idle kept-alive connection stays open",
        default=str(IDLE_TIMEOUT),
    )
    parser.addini(
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
    config.stash[_OPTIONS_KEY] = _read_options(config)


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
    return _Options(
        host,
        port,
        cloud_config,
        transport,
        keep_alive,
        idle_timeout,
        tuple(endpoints),
        services_dir,
    )


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
    for item in items:
        scenarios = list(item.iter_markers("mimic_scenario"))
        settings = list(item.iter_markers("mimic_config"))
        if not scenarios and not settings:
            continue
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


@pytest.fixture
def mimic_cloud(
    request: pytest.FixtureRequest, mimic_session_cloud: MimicCloud, mimic_transport: str
) -> Iterator[MimicCloud]:
    """A fresh fake cloud for this test.

    Before the test: state, fault rules, journal, clock and config are reset, and
    ``OS_AUTH_URL``, ``OS_USERNAME``, ``OS_PASSWORD``, ``OS_TENANT_ID``, ``OS_PROJECT_ID``,
    ``OS_REGION_NAME``, ``AWS_ENDPOINT_URL_SQS``, AWS credentials and ``NO_PROXY`` point at
    it (plus the ``mimic_endpoints`` ini settings); ``mimic_config`` and ``mimic_scenario``
    markers are applied (the closest last, so it wins). After it: all of that is restored,
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
    if cloud is not None and report.failed and call.when == "call":
        journal = cloud.journal.render()
        if journal:
            report.sections.append(("pytest-mimic calls", journal))
    return report
