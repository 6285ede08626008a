"""The pytest layer: options, fixtures and a report section; everything else is in the library.

Fixtures, by scope: ``mimic_listen_address`` (session) -> ``mimic_config`` (session) ->
``mimic_session_cloud`` (session: one server per session, so one per xdist worker) ->
``mimic_cloud`` (function: fresh state, client environment, server-error check; its
transport from ``mimic_transport``) ->
``time_travel`` (function), plus ``mimic_stub`` (function: a pytest-httpserver stub listed in
the service catalog). Each can be overridden in a ``conftest.py``.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

import pytest

from pytest_mimic.clock import TimeTravel
from pytest_mimic.cloud import MimicCloud
from pytest_mimic.config import CloudConfig
from pytest_mimic.inprocess import TRANSPORTS, check_transport
from pytest_mimic.server import IDLE_TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator

    from pytest_httpserver import HTTPServer

    StubFactory = Callable[..., HTTPServer]

HOST_ENV = "PYTEST_MIMIC_HOST"
PORT_ENV = "PYTEST_MIMIC_PORT"
_CLOUD_KEY = pytest.StashKey[MimicCloud]()
#: Cloud Load Balancer durations, each an ini option ``mimic_<name>`` (seconds).
_CLB_SECONDS = {
    "clb_build_seconds": "seconds a new load balancer stays in BUILD",
    "clb_update_seconds": "seconds a load balancer stays in PENDING_UPDATE after a change",
    "clb_delete_seconds": "seconds a load balancer stays in PENDING_DELETE",
    "clb_deleted_retention_seconds": "seconds a DELETED load balancer can still be read",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mimic", "pytest-mimic fake cloud")
    group.addoption("--mimic-host", default=None, help=f"address to listen on (env {HOST_ENV})")
    group.addoption(
        "--mimic-port", type=int, default=None, help=f"port, 0 = any free (env {PORT_ENV})"
    )
    parser.addini("mimic_host", "address the fake cloud listens on", default="127.0.0.1")
    parser.addini("mimic_port", "port of the fake cloud; 0 picks a free one", default="0")
    parser.addini(
        "mimic_check_tokens",
        "answer 401 to service calls without a valid token",
        type="bool",
        default=True,
    )
    parser.addini(
        "mimic_server_build_seconds", "seconds a new Nova server stays in BUILD", default="0"
    )
    for name, what in _CLB_SECONDS.items():
        parser.addini(f"mimic_{name}", what, default=None)
    parser.addini(
        "mimic_strict_compute_refs",
        "validate imageRef/flavorRef against the listed images and flavors",
        type="bool",
        default=False,
    )
    group.addoption(
        "--mimic-transport",
        default=None,
        choices=TRANSPORTS,
        help="how requests-based clients reach the fake (ini mimic_transport)",
    )
    parser.addini(
        "mimic_transport",
        "'socket' (default), or 'in-process': requests-based clients reach the fake "
        "through responses, without a socket",
        default="socket",
    )
    parser.addini(
        "mimic_keep_alive",
        "keep HTTP/1.1 connections open between requests (false: close after each answer)",
        type="bool",
        default=True,
    )
    parser.addini(
        "mimic_idle_timeout",
        "seconds an idle kept-alive connection stays open",
        default=str(IDLE_TIMEOUT),
    )
    parser.addini(
        "mimic_endpoints",
        "settings to point at the fake for each test, one per line: "
        "'package.module:NAME = auth' or 'package.module:NAME[key] = compute'",
        type="linelist",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    """Refuse bad ``mimic_transport`` and ``mimic_idle_timeout`` values before any test runs."""
    try:
        _configured_transport(config)
    except ValueError as error:
        raise pytest.UsageError(f"pytest-mimic: mimic_transport ini option: {error}") from None
    _idle_timeout(config)
    for name in _CLB_SECONDS:
        if config.getini(f"mimic_{name}") is not None:
            _seconds(config, f"mimic_{name}")


def _idle_timeout(config: pytest.Config) -> float:
    raw = str(config.getini("mimic_idle_timeout")).strip()
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise pytest.UsageError(
            f"pytest-mimic: mimic_idle_timeout must be a positive number of seconds, not {raw!r}"
        )
    return seconds


def _configured_transport(config: pytest.Config) -> str:
    chosen = config.getoption("mimic_transport", None) or str(config.getini("mimic_transport"))
    return check_transport(chosen.strip())


@pytest.fixture
def mimic_transport(pytestconfig: pytest.Config) -> str:
    """How this test's ``requests`` calls reach the fake: ``"socket"`` or ``"in-process"``.

    Defaults to ``--mimic-transport`` or the ``mimic_transport`` ini option; override it in
    a ``conftest.py``, or parametrize it, to choose per module, class or test.
    """
    return _configured_transport(pytestconfig)


@pytest.fixture(scope="session")
def mimic_listen_address(pytestconfig: pytest.Config) -> tuple[str, int]:
    """``(host, port)`` for the session's server: option, then environment, then ini."""
    host = (
        pytestconfig.getoption("mimic_host")
        or os.environ.get(HOST_ENV)
        or str(pytestconfig.getini("mimic_host"))
    )
    port = pytestconfig.getoption("mimic_port")
    if port is None:
        raw = os.environ.get(PORT_ENV) or str(pytestconfig.getini("mimic_port"))
        try:
            port = int(raw)
        except ValueError:
            raise pytest.UsageError(f"pytest-mimic: port must be a number, not {raw!r}") from None
    return host, port


@pytest.fixture(scope="session")
def mimic_config(pytestconfig: pytest.Config) -> CloudConfig:
    """The session's default settings, from ini options."""
    clb = {
        name: _seconds(pytestconfig, f"mimic_{name}")
        for name in _CLB_SECONDS
        if pytestconfig.getini(f"mimic_{name}") is not None
    }
    return CloudConfig(
        check_tokens=bool(pytestconfig.getini("mimic_check_tokens")),
        server_build_seconds=float(str(pytestconfig.getini("mimic_server_build_seconds"))),
        strict_compute_refs=bool(pytestconfig.getini("mimic_strict_compute_refs")),
    ).replace(**clb)


def _seconds(config: pytest.Config, name: str) -> float:
    """An ini value that must be a finite, non-negative number of seconds."""
    raw = str(config.getini(name)).strip()
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise pytest.UsageError(
            f"pytest-mimic: {name} must be a non-negative number of seconds, not {raw!r}"
        )
    return seconds


@pytest.fixture(scope="session")
def mimic_session_cloud(
    mimic_listen_address: tuple[str, int], mimic_config: CloudConfig, pytestconfig: pytest.Config
) -> Iterator[MimicCloud]:
    """The session's running cloud; prefer ``mimic_cloud``, which resets it per test."""
    host, port = mimic_listen_address
    cloud = MimicCloud(
        host=host,
        port=port,
        config=mimic_config,
        keep_alive=bool(pytestconfig.getini("mimic_keep_alive")),
        idle_timeout=_idle_timeout(pytestconfig),
    )
    try:
        cloud.start()
    except OSError as error:
        raise pytest.UsageError(
            f"pytest-mimic cannot listen on {host}:{port}: {error.strerror or error}. "
            f"Choose another port with --mimic-port, {PORT_ENV} or the mimic_port ini option "
            "(0 picks a free one)."
        ) from None
    yield cloud
    cloud.stop()


@pytest.fixture
def mimic_cloud(
    request: pytest.FixtureRequest,
    mimic_session_cloud: MimicCloud,
    pytestconfig: pytest.Config,
    mimic_transport: str,
) -> Iterator[MimicCloud]:
    """A fresh fake cloud for this test.

    Before the test: state, fault rules, journal, clock and config are reset, and
    ``OS_AUTH_URL``, ``OS_USERNAME``, ``OS_PASSWORD``, ``OS_TENANT_ID``, ``OS_PROJECT_ID``,
    ``OS_REGION_NAME``, ``AWS_ENDPOINT_URL_SQS``, AWS credentials and ``NO_PROXY`` point at
    it (plus the ``mimic_endpoints`` ini settings). After it: all of that is restored, and
    an exception inside a fake service fails the test with the request that caused it.
    With ``mimic_transport`` ``"in-process"``, ``requests`` calls skip the socket.
    Use ``inject()``, ``calls()``, ``url()``, ``patch_endpoint()``, ``configure()``.
    """
    cloud = mimic_session_cloud
    cloud.begin_test(transport=mimic_transport)
    request.node.stash[_CLOUD_KEY] = cloud
    try:
        for line in pytestconfig.getini("mimic_endpoints"):
            target, sep, endpoint = str(line).partition("=")
            if not sep:
                raise pytest.UsageError(
                    f"mimic_endpoints line {line!r} must look like 'package.module:NAME = auth'"
                )
            cloud.patch_endpoint(target.strip(), endpoint.strip())
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
        mimic_cloud.add_catalog_service(type, name, httpserver.url_for(path))
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
