"""HTTP/1.1 keep-alive on the server: framing, closing, faults and stopping on kept connections."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading

import pytest
import requests
import urllib3.util.connection
from botocore.awsrequest import AWSRequest
from botocore.httpsession import URLLib3Session
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v2

from pytest_mimic.cloud import MimicCloud
from pytest_mimic.server import MimicServer


@pytest.fixture
def connects(monkeypatch):
    """Counts the TCP connections urllib3 (requests, botocore, keystoneauth1) opens."""
    opened = []
    real = urllib3.util.connection.create_connection

    def counting(*args, **kwargs):
        sock = real(*args, **kwargs)
        opened.append(sock)
        return sock

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    # urllib3's connection module imported the function by name.
    monkeypatch.setattr("urllib3.connection.connection.create_connection", counting)
    return opened


@pytest.fixture
def raw():
    """Opens raw sockets to a base URL; closes them after the test."""
    opened = []

    def connect(url: str) -> socket.socket:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        sock = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
        opened.append(sock)
        return sock

    yield connect
    for sock in opened:
        sock.close()


def _read_response(sock: socket.socket) -> tuple[bytes, dict[str, str], bytes, bytes]:
    """One response read by its framing: status line, headers, exactly the body, leftover."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed mid-headers: {data!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    status, *lines = head.split(b"\r\n")
    headers = {
        k.decode().lower(): v.decode().strip() for k, v in (line.split(b":", 1) for line in lines)
    }
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed mid-body")
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed its end (EOF or reset within the socket's timeout)."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_requests_session_uses_one_connection_for_many_requests(mimic_cloud, widgets, connects):
    http = requests.Session()
    for _ in range(30):
        created = http.post(widgets, json={"name": "w"})
        assert created.status_code == 201
        assert http.get(f"{widgets}/{created.json()['id']}").status_code == 200

    assert len(connects) == 1
    assert len(mimic_cloud.calls(service="widgets")) == 60


def test_botocore_pool_keeps_its_connection(mimic_cloud, widgets, connects):
    """botocore's own urllib3 pool (what boto3 and the AWS CLI use) reuses the connection."""
    http = URLLib3Session()
    for _ in range(10):
        request = AWSRequest(method="POST", url=widgets, data=b'{"name": "b"}').prepare()
        assert http.send(request).status_code == 201

    assert len(connects) == 1


def test_keystoneauth_session_keeps_its_connection(mimic_cloud, connects):
    creds = mimic_cloud.credentials
    auth = v2.Password(
        auth_url=mimic_cloud.auth_url,
        username=creds.username,
        password=creds.password,
        tenant_id=creds.tenant_id,
    )
    sess = ks_session.Session(auth=auth)
    for _ in range(5):
        response = sess.get("/flavors", endpoint_filter={"service_type": "compute"})
        assert response.status_code == 200

    assert len(connects) == 1


def test_connection_close_from_the_client_is_honoured(mimic_cloud, raw):
    sock = raw(mimic_cloud.base_url)
    sock.sendall(b"GET /identity/v2.0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

    status, headers, body, _ = _read_response(sock)

    assert status.startswith(b"HTTP/1.1 200")
    assert headers["connection"] == "close"
    assert b"v2.0" in body
    assert _closed_by_server(sock)


def test_http_1_0_closes_unless_asked_to_keep_alive(mimic_cloud, raw):
    plain = raw(mimic_cloud.base_url)
    plain.sendall(b"GET /identity/v2.0 HTTP/1.0\r\n\r\n")
    _read_response(plain)
    assert _closed_by_server(plain)

    kept = raw(mimic_cloud.base_url)
    for _ in range(2):
        kept.sendall(b"GET /identity/v2.0 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        status, headers, _, _ = _read_response(kept)
        assert status.startswith(b"HTTP/1.1 200")
        assert headers["connection"] == "keep-alive"


def test_pipelined_requests_are_answered_in_order_with_exact_lengths(mimic_cloud, widgets, raw):
    """Two requests in one write: each answer's Content-Length frames it exactly."""
    sock = raw(mimic_cloud.base_url)
    body = b'{"name": "pipelined"}'
    one = (
        b"POST /widgets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    sock.sendall(one + b"GET /no/such HTTP/1.1\r\nHost: x\r\n\r\n")

    status1, _, body1, rest = _read_response(sock)
    assert status1.startswith(b"HTTP/1.1 201")
    assert b'"id"' in body1
    if not rest.startswith(b"HTTP/1.1 404"):
        rest += sock.recv(65536)
    assert rest.startswith(b"HTTP/1.1 404")


def test_an_unread_body_is_drained_and_the_connection_kept(mimic_cloud, request):
    """An unrouted POST never reads its body; the next request on the connection still works."""
    conn = http.client.HTTPConnection(mimic_cloud.base_url.removeprefix("http://"), timeout=5)
    request.addfinalizer(conn.close)
    conn.request("POST", "/no/such/service", body=b"x" * 50_000)
    first = conn.getresponse()
    first.read()
    sock = conn.sock

    conn.request("GET", "/identity/v2.0")
    second = conn.getresponse()

    assert (first.status, second.status) == (404, 200)
    assert b"v2.0" in second.read()
    assert conn.sock is sock  # no reconnect happened


def test_head_sends_the_length_without_a_body_and_keeps_the_connection(mimic_cloud, request):
    conn = http.client.HTTPConnection(mimic_cloud.base_url.removeprefix("http://"), timeout=5)
    request.addfinalizer(conn.close)
    conn.request("GET", "/identity/v2.0")
    full = conn.getresponse().read()

    conn.request("HEAD", "/identity/v2.0")
    head = conn.getresponse()
    assert head.read() == b""
    assert int(head.headers["Content-Length"]) == len(full)

    conn.request("GET", "/identity/v2.0")
    assert conn.getresponse().read() == full


def test_no_content_answers_carry_no_length_and_keep_the_connection(mimic_cloud, connects):
    """Nova's DELETE answers 204: no body, no Content-Length, and the connection goes on."""
    http = requests.Session()
    creds = mimic_cloud.credentials
    token = http.post(
        mimic_cloud.auth_url + "/tokens",
        json={
            "auth": {
                "passwordCredentials": {"username": creds.username, "password": creds.password}
            }
        },
    ).json()["access"]["token"]["id"]
    http.headers["X-Auth-Token"] = token
    servers = mimic_cloud.url("compute") + "/servers"
    server = http.post(servers, json={"server": {"name": "s", "imageRef": "i", "flavorRef": "2"}})

    deleted = http.delete(f"{servers}/{server.json()['server']['id']}")

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert "Content-Length" not in deleted.headers
    assert http.get(servers).status_code == 200
    assert len(connects) == 1


def test_chunked_request_bodies_are_read_and_the_connection_closed(mimic_cloud, widgets, raw):
    sock = raw(mimic_cloud.base_url)
    sock.sendall(
        b"POST /widgets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\n\r\n"
        b'5\r\n{"nam\r\n10\r\ne": "chunky"}   \r\n0\r\n\r\n'
    )

    status, headers, body, _ = _read_response(sock)

    assert status.startswith(b"HTTP/1.1 201"), body
    assert headers["connection"] == "close"
    assert mimic_cloud.calls(operation="create_widget")[0].attributes["widget_name"] == "chunky"


def test_a_client_that_disappears_mid_body_leaves_the_server_serving(mimic_cloud, widgets, raw):
    sock = raw(mimic_cloud.base_url)
    sock.sendall(b'POST /widgets HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"name"')
    sock.close()

    http = requests.Session()
    assert http.post(widgets, json={"name": "after"}).status_code == 201
    # The fake must not have recorded a server error (the fixture would fail the test) and
    # must not have created a widget from half a body.
    names = [c.attributes.get("widget_name") for c in mimic_cloud.calls(operation="create_widget")]
    assert "after" in names
    assert all(c.status in {201, 400} for c in mimic_cloud.calls(operation="create_widget"))


def test_injected_reset_hits_the_kept_connection_then_a_new_one_works(
    mimic_cloud, widgets, connects
):
    http = requests.Session()
    assert http.post(widgets, json={}).status_code == 201
    mimic_cloud.inject("widgets", "create_widget", reset=True, times=1)

    with pytest.raises(requests.ConnectionError):
        http.post(widgets, json={})

    assert http.post(widgets, json={}).status_code == 201
    assert len(connects) == 2


def test_injected_hang_on_a_kept_connection_times_the_client_out(mimic_cloud, widgets):
    http = requests.Session()
    assert http.post(widgets, json={}).status_code == 201
    mimic_cloud.inject("widgets", "create_widget", hang=30, times=1)

    with pytest.raises(requests.exceptions.ReadTimeout):
        http.post(widgets, json={}, timeout=0.3)

    mimic_cloud.dispatcher.release_hangs()
    assert http.post(widgets, json={}, timeout=5).status_code == 201


def test_stop_closes_idle_kept_alive_connections_and_returns(raw):
    cloud = MimicCloud(services=[])
    cloud.start()
    idle = []
    for _ in range(5):
        sock = raw(cloud.base_url)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_response(sock)[0].startswith(b"HTTP/1.1 200")
        idle.append(sock)

    stopper = threading.Thread(target=cloud.stop)
    stopper.start()
    stopper.join(timeout=5)

    assert not stopper.is_alive(), "stop() waited on idle connections"
    assert all(_closed_by_server(sock) for sock in idle)


def test_idle_connections_time_out(raw):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = MimicServer(app, idle_timeout=0.2)
    server.start()
    try:
        sock = raw(server.url)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_response(sock)[2] == b"ok"
        sock.settimeout(5)  # the server's 0.2 s idle timeout ends the connection first
        assert _closed_by_server(sock)
    finally:
        server.stop()


def test_keep_alive_can_be_switched_off(connects):
    with MimicCloud(services=[], keep_alive=False) as cloud:
        http = requests.Session()
        answers = [http.get(cloud.base_url + "/") for _ in range(3)]

    assert all(a.headers["Connection"] == "close" for a in answers)
    assert len(connects) == 3


def test_a_bad_idle_timeout_is_refused():
    with pytest.raises(ValueError, match="idle_timeout"):
        MimicServer(lambda environ, start_response: [], idle_timeout=0)


def test_a_malformed_request_line_gets_a_status_line_and_a_close(mimic_cloud, raw):
    sock = raw(mimic_cloud.base_url)
    sock.sendall(b"NONSENSE\r\n\r\n")

    status, headers, _body, _ = _read_response(sock)

    assert status.startswith(b"HTTP/1.1 400")
    assert headers["connection"] == "close"
    assert headers["content-type"].startswith("text/plain")
    with contextlib.suppress(OSError):
        assert _closed_by_server(sock)
