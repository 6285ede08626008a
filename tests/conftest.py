from __future__ import annotations

import pytest

from pytest_mimic.inprocess import TRANSPORTS
from tests.support.widgets import WidgetService

#: Real-client test modules that run over both transports: the socket, and the socket-free
#: path through ``responses`` (keystoneauth1, novaclient, openstacksdk and libcloud all use
#: requests), so CI proves both on every change.
BOTH_TRANSPORTS = frozenset(
    {
        "tests.identity.test_clients",
        "tests.identity.test_environment",
        "tests.nova.test_clients",
        "tests.nova.test_openstacksdk",
        "tests.clb.test_libcloud",
    }
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.module.__name__ in BOTH_TRANSPORTS and "mimic_transport" in metafunc.fixturenames:
        metafunc.parametrize("mimic_transport", TRANSPORTS)


@pytest.fixture
def widgets(mimic_session_cloud, mimic_cloud):
    """The core's test service, added to the session cloud next to the real ones; its URL."""
    if "widgets" not in {s.name for s in mimic_session_cloud.services}:
        mimic_session_cloud.register(WidgetService)
    return mimic_cloud.url("widgets")
