"""A folder of service files, one service per ``NAME.py``, reloaded while the cloud runs.

Editing a file should show on the next request, as with ``uvicorn --reload``, but without a
restart: that would lose every other service's state. So the cloud calls a hook before each
request; at most every ``interval`` seconds of real time it compares the files' sizes and
modification times with what was loaded, and replaces only the services whose file changed,
appeared or went away.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_mimic.clock import real_monotonic
from pytest_mimic.user_services.discovery import SERVICE_NAME
from pytest_mimic.user_services.loading import load_file, unload

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from pytest_mimic.cloud import MimicCloud
    from pytest_mimic.user_services.loading import LoadedFile
    from pytest_mimic.user_services.service import ServiceFactory

__all__ = ["CHECK_INTERVAL", "ServicesFolder", "attach_folder"]

log = logging.getLogger("pytest_mimic")

#: Real seconds between two looks at the folder: a request pays for one ``stat`` per file
#: at most this often.
CHECK_INTERVAL = 0.2

#: What identifies one version of a file: modification time (ns) and size.
_Stamp = tuple[int, int]


@dataclass
class _Entry:
    stamp: _Stamp
    module: ModuleType | None
    #: Whether the cloud took it (a name clashing with another service is refused).
    registered: bool


class ServicesFolder:
    """The services in a folder: ``NAME.py`` serves ``/NAME/`` (files starting with ``_`` or
    ``.`` are skipped, so helpers can live beside them).

    ``monotonic`` is the clock the check interval is measured on (real time by default;
    tests pass one they move by hand).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        interval: float = CHECK_INTERVAL,
        monotonic: Callable[[], float] = real_monotonic,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise NotADirectoryError(f"the services folder {self.path} is not a directory")
        self.interval = interval
        self._monotonic = monotonic
        self._cloud: MimicCloud | None = None
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._next_check = -math.inf

    def __repr__(self) -> str:
        return f"<ServicesFolder {str(self.path)!r} services={sorted(self._entries)}>"

    def files(self) -> dict[str, Path]:
        """``{name: path}`` of the service files there now, by name."""
        return {name: path for name, (path, _stamp) in sorted(self._scan().items())}

    def factories(self) -> dict[str, ServiceFactory]:
        """A factory per file, loaded now (for a cloud this folder is not attached to)."""
        return {name: load_file(name, path).factory for name, path in self.files().items()}

    def attach(self, cloud: MimicCloud) -> None:
        """Register every file's service on ``cloud`` and keep them in step with the folder.

        Raises ``ValueError`` if a file's name is taken by another service (``nova.py``
        next to the built-in Nova); rename the file.
        """
        if self._cloud is not None:
            raise RuntimeError(f"{self!r} is attached to a cloud already")
        with self._lock:
            self._cloud = cloud
            for name, (path, stamp) in sorted(self._scan().items()):
                loaded = load_file(name, path)
                try:
                    cloud.register(loaded.factory)
                except ValueError as error:
                    unload(loaded.module)
                    raise ValueError(f"{path}: {error}; rename the file") from None
                self._entries[name] = _Entry(stamp, loaded.module, registered=True)
            self._next_check = self._monotonic() + self.interval
        cloud.add_request_hook(self.check)

    def check(self) -> None:
        """Reload what changed if ``interval`` has passed since the last look (the request
        hook; cheap when it has not).
        """
        if self._monotonic() < self._next_check:
            return
        with self._lock:
            now = self._monotonic()
            if now < self._next_check:  # another request looked meanwhile
                return
            self._next_check = now + self.interval
            self._sync()

    def refresh(self) -> list[str]:
        """Reload what changed now, whatever the interval; the names of services replaced,
        added or removed.
        """
        with self._lock:
            self._next_check = self._monotonic() + self.interval
            return self._sync()

    def _sync(self) -> list[str]:
        cloud = self._cloud
        if cloud is None:
            return []
        found = self._scan()
        changed: list[str] = []
        for name in sorted(set(self._entries) - set(found)):
            entry = self._entries.pop(name)
            if entry.registered:
                _unregister(cloud, name)
            unload(entry.module)
            log.info("pytest-mimic: service %r removed (its file is gone)", name)
            changed.append(name)
        for name, (path, stamp) in sorted(found.items()):
            old = self._entries.get(name)
            if old is not None and old.stamp == stamp:
                continue
            loaded = load_file(name, path)
            if old is not None:
                if old.registered:
                    _unregister(cloud, name)
                unload(old.module)
            self._entries[name] = _Entry(stamp, loaded.module, self._register(cloud, loaded))
            if loaded.problem is None:
                log.info("pytest-mimic: service %r %s from %s", name, _what(old), path)
            changed.append(name)
        return changed

    def _register(self, cloud: MimicCloud, loaded: LoadedFile) -> bool:
        try:
            cloud.register(loaded.factory)
        except ValueError as error:
            log.error("pytest-mimic: the service file is not served: %s; rename it", error)
            unload(loaded.module)
            return False
        return True

    def _scan(self) -> dict[str, tuple[Path, _Stamp]]:
        found: dict[str, tuple[Path, _Stamp]] = {}
        try:
            entries = list(os.scandir(self.path))
        except OSError:  # the folder went away: so did its services
            return found
        for entry in entries:
            stem, dot, suffix = entry.name.rpartition(".")
            if not dot or suffix != "py" or not SERVICE_NAME.fullmatch(stem):
                continue
            try:
                if not entry.is_file():
                    continue
                info = entry.stat()
            except OSError:  # removed while we looked
                continue
            found[stem] = (Path(entry.path), (info.st_mtime_ns, info.st_size))
        return found


def attach_folder(
    cloud: MimicCloud,
    path: str | os.PathLike[str],
    *,
    interval: float = CHECK_INTERVAL,
    monotonic: Callable[[], float] = real_monotonic,
) -> ServicesFolder:
    """Serve every ``NAME.py`` in ``path`` on ``cloud`` at ``/NAME/``, reloading edits."""
    folder = ServicesFolder(path, interval=interval, monotonic=monotonic)
    folder.attach(cloud)
    return folder


def _unregister(cloud: MimicCloud, name: str) -> None:
    try:
        cloud.unregister(name)
    except KeyError:  # the test unregistered it itself
        return


def _what(old: _Entry | None) -> str:
    return "added" if old is None else "reloaded"
