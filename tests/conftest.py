from __future__ import annotations

import errno
import socket

import pytest

from pytest_mimic.inprocess import TRANSPORTS
from tests.support.widgets import WidgetService

#: Real-client test modules that run over both transports: the socket, and the socket-free
#: path (keystoneauth1, novaclient, openstacksdk and libcloud through ``requests``; boto3
#: through botocore; the query-protocol client through ``requests``), so CI proves both on
#: every change.
BOTH_TRANSPORTS = frozenset(
    {
        "tests.identity.test_clients",
        "tests.identity.test_environment",
        "tests.nova.test_clients",
        "tests.nova.test_openstacksdk",
        "tests.clb.test_libcloud",
        "tests.sqs.test_bad_input",
        "tests.sqs.test_conveniences",
        "tests.sqs.test_dead_letter",
        "tests.sqs.test_fifo",
        "tests.sqs.test_long_polling",
        "tests.sqs.test_md5",
        "tests.sqs.test_messages",
        "tests.sqs.test_query_protocol",
        "tests.sqs.test_queues",
        "tests.sqs.test_routing",
        "tests.sqs.test_scenarios",
        "tests.sqs.test_stress",
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


@pytest.fixture
def refused_connections(monkeypatch, mimic_cloud):
    """Refuses, and lists, every TCP connection this process opens to the cloud's server: a
    call that takes the socket fails, so a passing call proves the in-process path.
    """
    tried = []
    address = (mimic_cloud.server.host, mimic_cloud.server.port)
    connect = socket.socket.connect

    def guarded(sock, target):
        if tuple(target[:2]) == address:
            tried.append(target)
            raise ConnectionRefusedError(errno.ECONNREFUSED, "refused: the test forbids sockets")
        return connect(sock, target)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return tried


@pytest.fixture
def sdk(mimic_cloud):
    """An openstacksdk connection (Nova and Image tests) with the fake's auth URL."""
    import openstack

    creds = mimic_cloud.credentials
    conn = openstack.connect(
        auth_url=mimic_cloud.auth_url,
        username=creds.username,
        password=creds.password,
        project_id=creds.tenant_id,
        region_name=mimic_cloud.region,
        load_yaml_config=False,
        load_envvars=False,
    )
    yield conn
    conn.close()
