"""``pytest-mimic serve`` as a subprocess: starts, answers, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests


def test_serve_answers_and_stops_on_sigterm_within_a_second():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("pytest-mimic serving on http://127.0.0.1:"), first
        base = first.split()[-1]

        assert "POST an authentication request" in requests.get(base + "/", timeout=5).text
        tick = requests.post(base + "/mimic/v1.1/tick", json={"amount": 3600}, timeout=5)
        assert tick.json()["advanced"] == 3600

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=1) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_sigterm_right_after_the_first_line_stops_serve_even_if_inherited_as_ignored():
    """CI harnesses may start us with SIGTERM ignored; the first line must mean "stoppable"."""
    launcher = (
        "import os, signal, sys; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "os.execv(sys.executable, [sys.executable, '-m', 'pytest_mimic', 'serve', '--port', '0'])"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout.readline().startswith("pytest-mimic serving on")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_serve_takes_the_port_from_PORT_and_prints_the_environment_to_use():
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PORT": "0", "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        assert any("export OS_AUTH_URL=http://127.0.0.1:" in line for line in lines)
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()


def test_non_loopback_host_prints_a_warning():
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        proc.stdout.readline()
        proc.terminate()
        proc.wait(timeout=5)
        assert "WARNING" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()


def test_a_taken_port_exits_with_a_message_not_a_traceback():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "pytest_mimic", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )

    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_without_keep_alive_closes_every_connection():
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", "--no-keep-alive"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = proc.stdout.readline().split()[-1]
        with requests.Session() as http:
            answers = [http.get(base + "/", timeout=5) for _ in range(2)]
        assert [a.headers["Connection"] for a in answers] == ["close", "close"]
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()


def test_serve_keeps_connections_alive_by_default():
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", "--idle-timeout", "5"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = proc.stdout.readline().split()[-1]
        with requests.Session() as http:
            answer = http.get(base + "/", timeout=5)
        assert "Connection" not in answer.headers  # HTTP/1.1: kept open by default
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()


def test_a_bad_idle_timeout_is_refused_with_a_message():
    result = subprocess.run(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", "--idle-timeout", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert "--idle-timeout: must be a positive number of seconds, not '0'" in result.stderr


@pytest.mark.parametrize("size", ["0", "many"])
def test_a_bad_journal_size_is_refused_with_a_message(size):
    result = subprocess.run(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", "--journal-size", size],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert f"--journal-size: must be a whole number of at least 1, not {size!r}" in result.stderr


def test_serve_takes_a_journal_size_and_resets_over_http():
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0", "--journal-size", "2"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = proc.stdout.readline().split()[-1]
        with requests.Session() as http:
            for _ in range(3):
                http.post(base + "/mimic/v1.1/tick", json={"amount": 1}, timeout=5)
            assert http.post(base + "/mimic/v1.1/reset", timeout=5).status_code == 204
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_a_port_out_of_range_is_a_message_not_an_overflow_traceback(port):
    result = subprocess.run(
        [sys.executable, "-m", "pytest_mimic", "serve", "--port", port],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        f"argument --port: must be a port number from 0 to 65535 (0 picks a free one), "
        f"not {port!r}" in result.stderr
    )


def test_a_port_out_of_range_in_PORT_is_a_message():
    result = subprocess.run(
        [sys.executable, "-m", "pytest_mimic", "serve"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PORT": "99999"},
    )

    assert result.returncode == 2
    assert "$PORT must be a port number from 0 to 65535, not '99999'" in result.stderr


def test_an_unknown_serve_flag_prints_serves_usage_and_the_closest_flag():
    result = subprocess.run(
        [sys.executable, "-m", "pytest_mimic", "serve", "--conifg", "mimic.toml"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert result.stderr.startswith("usage: pytest-mimic serve ")
    assert (
        "pytest-mimic serve: error: unrecognized arguments: --conifg mimic.toml "
        "(did you mean '--config'?)" in result.stderr
    )


def test_serve_takes_the_connection_cap_from_set_and_answers_past_it_with_503():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest_mimic",
            "serve",
            "--port",
            "0",
            "--set",
            "max_connections=1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = proc.stdout.readline().split()[-1]
        with requests.Session() as held:  # keeps its one connection open
            assert (
                held.get(base + "/mimic/v1.1/settings", timeout=5).json()["settings"][
                    "max_connections"
                ]
                == 1
            )
            refused = requests.get(base + "/", timeout=5)
            assert refused.status_code == 503
            assert refused.headers["Retry-After"] == "1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
