"""Typed declarations of settings: one ``Setting`` per name, from which every door is made.

A service lists its ``Setting`` objects (``Service.settings``); the core lists its own. From
the same declarations come the ini options (``mimic_<name>``), ``mimic_cloud.configure()``,
``@pytest.mark.mimic_config``, ``serve --set`` and ``--config``, and
``PATCH /mimic/v1.1/settings``, so a value is checked by one validator whichever door it
came through, and a misspelt name gets the same did-you-mean everywhere.

Two readings: ``check`` for Python values (a test's ``configure(check_tokens="false")`` is
a mistake, refused with ``TypeError``) and ``parse`` for text and JSON (ini files, the
command line and HTTP, where ``"false"`` is the way to say false).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast

from pytest_mimic.names import UnknownName, suggest
from pytest_mimic.parsing import (
    MAX_COUNT,
    MAX_SECONDS,
    parse_bool,
    parse_count,
    parse_seconds,
    shown,
)

__all__ = ["Kind", "Setting", "SettingsSchema"]

T = TypeVar("T")

#: ``seconds`` (a finite number >= 0), ``bool``, ``count`` (a whole number), ``text``,
#: ``names`` (a non-empty tuple of names; text is comma-separated), ``object`` (a JSON object).
Kind = Literal["seconds", "bool", "count", "text", "names", "object"]


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: its name, kind, default, bounds and what it means.

    ``pattern`` (for ``text``) is a regular expression the whole value must match;
    ``validate`` (for ``object``) checks and normalises the value, raising ``ValueError``
    or ``TypeError`` with a message; it runs on every door.
    """

    name: str
    kind: Kind
    default: T
    help: str
    minimum: float = 0.0
    maximum: float | None = None
    pattern: str | None = None
    validate: Callable[[Any], T] | None = None

    def check(self, value: Any) -> T:
        """``value`` from Python: the right type, in bounds; otherwise a clear error."""
        return self._read(value, text=False)

    def parse(self, value: Any) -> T:
        """``value`` from text or JSON (ini files, ``serve --set``, HTTP)."""
        return self._read(value, text=True)

    def _read(self, value: Any, *, text: bool) -> T:
        # Text comes from an ini line, a flag or a JSON body that already names the setting.
        where = self.name if text else f"setting {self.name!r}"
        result: Any
        if self.kind == "seconds":
            top = self.maximum if self.maximum is not None else MAX_SECONDS
            result = parse_seconds(value, where, text=text, minimum=self.minimum, maximum=top)
        elif self.kind == "bool":
            result = parse_bool(value, where, text=text)
        elif self.kind == "count":
            most = int(self.maximum) if self.maximum is not None else MAX_COUNT
            result = parse_count(value, where, text=text, minimum=int(self.minimum), maximum=most)
        elif self.kind == "text":
            result = self._text(value, where)
        elif self.kind == "names":
            result = self._names(value, where, text=text)
        else:
            result = self._object(value, where, text=text)
        if self.validate is not None:
            try:
                result = self.validate(result)
            except (TypeError, ValueError) as error:
                raise type(error)(f"{where}: {error}") from None
        return cast("T", result)

    def _text(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise TypeError(f"{where} must be text, not {shown(value)}")
        text = value.strip()
        if not text:
            raise ValueError(f"{where} must not be empty")
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            raise ValueError(f"{where} must match {self.pattern}, not {shown(value)}")
        return text

    def _names(self, value: Any, where: str, *, text: bool) -> tuple[str, ...]:
        items: Iterable[Any]
        if isinstance(value, tuple) or (text and isinstance(value, list)):
            items = value
        elif text and isinstance(value, str):
            items = value.split(",")
        else:
            raise TypeError(f"{where} must be a non-empty tuple of names, not {shown(value)}")
        if not all(isinstance(item, str) for item in items):
            raise TypeError(f"{where} must be a non-empty tuple of names, not {shown(value)}")
        names = tuple(item.strip() for item in items if item.strip())
        if not names or (not text and len(names) != len(tuple(items))):
            raise ValueError(f"{where} must be a non-empty tuple of names, not {shown(value)}")
        return names

    def _object(self, value: Any, where: str, *, text: bool) -> dict[str, Any]:
        if text and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError(f"{where} must be a JSON object, not {shown(value)}") from None
        if not isinstance(value, dict):
            error = ValueError if text else TypeError
            raise error(f"{where} must be an object (a dict), not {shown(value)}")
        return dict(value)

    def describe(self) -> dict[str, Any]:
        """The declaration as JSON-ready data (for the control plane and ``--help``)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "default": list(self.default) if isinstance(self.default, tuple) else self.default,
            "help": self.help,
        }


class SettingsSchema(Mapping[str, "Setting[Any]"]):
    """Every declared setting by name; refuses a second declaration of a name."""

    def __init__(self, settings: Iterable[Setting[Any]] = ()) -> None:
        self._settings: dict[str, Setting[Any]] = {}
        for setting in settings:
            self._add(setting)

    def _add(self, setting: Setting[Any]) -> None:
        other = self._settings.get(setting.name)
        if other is not None and other is not setting:
            raise ValueError(f"setting {setting.name!r} is declared twice")
        self._settings[setting.name] = setting

    def extended(self, settings: Iterable[Setting[Any]]) -> SettingsSchema:
        """This schema plus ``settings`` (the same object if they add nothing)."""
        new = [s for s in settings if self._settings.get(s.name) is not s]
        if not new:
            return self
        schema = SettingsSchema(self._settings.values())
        for setting in new:
            schema._add(setting)
        return schema

    def __getitem__(self, name: str) -> Setting[Any]:
        try:
            return self._settings[name]
        except KeyError:
            raise UnknownName(
                f"no setting named {name!r}{suggest(name, self._settings)}; settings: "
                + ", ".join(self._settings)
            ) from None

    def __iter__(self) -> Any:
        return iter(self._settings)

    def __len__(self) -> int:
        return len(self._settings)

    def __contains__(self, name: object) -> bool:
        return name in self._settings
