"""``pytest-mimic serve`` in a subprocess and the real ``openstack`` and ``nova`` commands run
against it with the environment it prints, as a developer runs them in a shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

BIN = Path(sys.executable).parent
OPENSTACK, NOVA = BIN / "openstack", BIN / "nova"

#: Marks a module that needs python-openstackclient (the ``openstack`` and ``nova`` commands).
needs_openstack = pytest.mark.skipif(
    not OPENSTACK.exists(), reason="python-openstackclient (in the test extra) is not installed"
)

#: How many ``OS_*`` variables ``serve`` prints.
PRINTED_OS_VARIABLES = 6


@dataclass(frozen=True)
class Served:
    """A running ``serve``: its base URL and the ``OS_*`` environment it printed."""

    url: str
    env: dict[str, str]

    def tick(self, seconds: float) -> None:
        """Advance the fake's clock (``POST /mimic/v1.1/tick``)."""
        request = urllib.request.Request(
            f"{self.url}/mimic/v1.1/tick",
            data=json.dumps({"amount": seconds}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200


@contextmanager
def serve(*settings: str) -> Iterator[Served]:
    """``pytest-mimic serve`` on a free port with ``--set`` for each of ``settings``."""
    command = [sys.executable, "-m", "pytest_mimic", "serve", "--port", "0"]
    for setting in settings:
        command += ["--set", setting]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    try:
        first = proc.stdout.readline()
        assert first.startswith("pytest-mimic serving on http://"), first
        printed: dict[str, str] = {}
        while len(printed) < PRINTED_OS_VARIABLES:
            line = proc.stdout.readline()
            assert line, "serve stopped before printing its environment"
            name, _, value = line.strip().removeprefix("export ").partition("=")
            if name.startswith("OS_"):
                printed[name] = value
        yield Served(first.split(" on ", 1)[1].strip(), printed)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def run(command: Path, env: dict[str, str], *args: str, extra: dict[str, str] | None = None) -> str:
    """Run a client command with only the given ``OS_*`` variables (plus ``extra``); its
    stdout. Fails the test with the command's stderr when it exits non-zero."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    done = subprocess.run(
        [str(command), *args],
        capture_output=True,
        text=True,
        env=clean | env | (extra or {}),
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{command.name} {' '.join(args)}: {done.stderr}"
    return done.stdout


def openstack(env: dict[str, str], *args: str, extra: dict[str, str] | None = None) -> Any:
    """``openstack ARGS -f json``: the parsed JSON it printed."""
    return json.loads(run(OPENSTACK, env, *args, "-f", "json", extra=extra))


def identity_v3(env: dict[str, str]) -> dict[str, str]:
    """The printed (Identity v2.0) environment turned into Identity v3 credentials."""
    return env | {
        "OS_AUTH_URL": env["OS_AUTH_URL"].replace("/v2.0", "/v3"),
        "OS_IDENTITY_API_VERSION": "3",
        "OS_USER_DOMAIN_ID": "default",
    }
