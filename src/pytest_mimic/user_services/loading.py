"""A service file becomes a module of its own, and the module a service factory.

Files are loaded by path (the folder need not be a package) under a fresh module name each
time, compiled from source every time: no ``__pycache__`` is written into the user's folder,
and an edit made within the same second as the last one is never hidden by a stale ``.pyc``.
A file that cannot load still yields a factory: of a service answering 503 with why.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import itertools
import logging
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_mimic.user_services.discovery import parts_from_module
from pytest_mimic.user_services.errors import ServiceLoadError
from pytest_mimic.user_services.service import UnavailableService

if TYPE_CHECKING:
    from pathlib import Path
    from types import CodeType, ModuleType

    from pytest_mimic.user_services.service import ServiceFactory

__all__ = ["LoadedFile", "load_file", "load_module", "unload"]

log = logging.getLogger("pytest_mimic")

_MODULE_NUMBERS = itertools.count(1)


@dataclass(frozen=True)
class LoadedFile:
    """One load of a service file: the factory to register and the module it made (``None``
    when the file failed, ``problem`` then says why).
    """

    factory: ServiceFactory
    module: ModuleType | None
    problem: str | None = None


def load_file(name: str, path: Path, *, catalog_type: str | None = None) -> LoadedFile:
    """Load ``path`` as the service ``name``; a file that fails gives a 503 stand-in, logged."""
    try:
        module = load_module(path)
    except Exception as error:
        problem = f"the service file {path} failed to import: {_summary(error)}"
        log.error("pytest-mimic: %s; it answers 503 until fixed", problem, exc_info=True)
        return LoadedFile(UnavailableService.factory(name, problem), None, problem)
    try:
        parts = parts_from_module(name, module, catalog_type=catalog_type)
    except Exception as error:
        unload(module)
        problem = str(error) if isinstance(error, ServiceLoadError) else _summary(error)
        log.error("pytest-mimic: service %r cannot start: %s; it answers 503", name, problem)
        return LoadedFile(UnavailableService.factory(name, problem), None, problem)
    return LoadedFile(parts.factory(), module)


def load_module(path: Path) -> ModuleType:
    """Execute ``path`` as a new module (in ``sys.modules`` while it lives, for the
    frameworks that look their models' modules up there).
    """
    stem = re.sub(r"\W", "_", path.stem)
    module_name = f"pytest_mimic_user_service_{stem}_{next(_MODULE_NUMBERS)}"
    loader = _SourceOnlyLoader(module_name, str(path))
    spec = importlib.util.spec_from_file_location(module_name, path, loader=loader)
    if spec is None:  # pragma: no cover - a path with a loader always gives a spec
        raise ServiceLoadError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def unload(module: ModuleType | None) -> None:
    """Forget a module ``load_module`` made (its service is gone or replaced)."""
    if module is not None and sys.modules.get(module.__name__) is module:
        del sys.modules[module.__name__]


class _SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """Compiles the source on every load and never reads or writes bytecode."""

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        return compile(self.get_data(path), path, "exec", dont_inherit=True)


def _summary(error: BaseException) -> str:
    """``SyntaxError: invalid syntax (billing.py, line 3)``: what went wrong, in one line."""
    return f"{type(error).__name__}: {error}"
