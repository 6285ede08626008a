"""Symmetric undo for what a test run changes outside the cloud (environment, settings).

Like pytest's ``monkeypatch`` but usable without pytest, so ``MimicCloud.begin_test`` /
``end_test`` work from unittest suites too.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import MutableMapping
from typing import Any

_NOTSET = object()
_TARGET = re.compile(r"^(?P<module>[\w.]+):(?P<name>\w+)(?:\[(?P<key>[^\]]+)\])?$")


class Patcher:
    """Records every change it makes and undoes them all, newest first."""

    def __init__(self) -> None:
        self._undo: list[tuple[Any, Any, Any, bool]] = []

    def setenv(self, name: str, value: str) -> None:
        """Set an environment variable until ``undo``."""
        self.setitem(os.environ, name, value)

    def delenv(self, name: str) -> None:
        """Remove an environment variable (if set) until ``undo``."""
        if name in os.environ:
            self._undo.append((os.environ, name, os.environ[name], True))
            del os.environ[name]

    def setitem(self, mapping: MutableMapping[Any, Any], key: Any, value: Any) -> None:
        """``mapping[key] = value`` until ``undo``."""
        self._undo.append((mapping, key, mapping.get(key, _NOTSET), True))
        mapping[key] = value

    def setattr(self, target: object, name: str, value: Any) -> None:
        """``setattr(target, name, value)`` until ``undo``; the attribute must exist."""
        if not hasattr(target, name):
            raise AttributeError(f"{target!r} has no attribute {name!r} to patch")
        self._undo.append((target, name, getattr(target, name), False))
        setattr(target, name, value)

    def set_path(self, spec: str, value: Any) -> None:
        """Patch ``"package.module:NAME"`` or ``"package.module:NAME[key]"`` to ``value``."""
        found = _TARGET.match(spec.strip())
        if found is None:
            raise ValueError(
                f"cannot read endpoint target {spec!r}; use 'package.module:NAME' "
                "or 'package.module:NAME[key]'"
            )
        module = importlib.import_module(found["module"])
        if found["key"] is None:
            self.setattr(module, found["name"], value)
            return
        container = getattr(module, found["name"])
        if not isinstance(container, MutableMapping):
            raise TypeError(f"{found['module']}:{found['name']} is not a mutable mapping")
        self.setitem(container, found["key"], value)

    def undo(self) -> None:
        """Restore everything, newest change first."""
        while self._undo:
            target, key, old, is_item = self._undo.pop()
            if is_item:
                if old is _NOTSET:
                    target.pop(key, None)
                else:
                    target[key] = old
            else:
                setattr(target, key, old)
