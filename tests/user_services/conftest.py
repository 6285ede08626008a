from __future__ import annotations

import os
import textwrap

import pytest

from pytest_mimic.cloud import MimicCloud
from pytest_mimic.user_services import attach_folder


class Ticks:
    """A monotonic clock the test moves by hand: the folder's check interval without sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def cloud():
    """A cloud of no built-in services, started; a failure inside a service fails the test."""
    with MimicCloud(services=[]) as started:
        yield started
        started.check()


@pytest.fixture
def ticks():
    return Ticks()


@pytest.fixture
def write(tmp_path):
    """``write("billing", source)``: a service file, its mtime moved on so a reload sees it."""

    def write_file(name: str, source: str) -> None:
        path = tmp_path / f"{name}.py"
        existed = path.exists()
        stamp = path.stat().st_mtime_ns if existed else 0
        path.write_text(textwrap.dedent(source))
        if existed:  # an edit within the filesystem's timestamp resolution must still show
            later = max(path.stat().st_mtime_ns, stamp + 1_000_000_000)
            os.utime(path, ns=(later, later))

    return write_file


@pytest.fixture
def serve(cloud, tmp_path, ticks):
    """Attach ``tmp_path`` as the services folder (checked on ``ticks``); the base URL."""

    def attach():
        folder = attach_folder(cloud, tmp_path, monotonic=ticks)
        return folder, cloud.base_url

    return attach
