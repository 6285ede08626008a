"""Reading state documents (the ``seed`` a cloud starts from, ``GET /mimic/v1.1/state``).

A leaf module, as ``names`` and ``parsing``: services read their own section of a document
with ``Fields`` and the core reads the document around them, so both give the same messages.
Every message names the field the way a person finds it in the file
(``nova.servers[2].flavor``), says what was given and what is allowed; an unknown field or
section lists the valid ones with the closest match.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pytest_mimic.names import listing, suggest
from pytest_mimic.parsing import shown

__all__ = ["Fields", "SeedError", "derived_id"]

#: Where ids that a document leaves out come from: the same document gives the same ids on
#: every reset and in every run, so a state exported twice is the same text.
_NAMESPACE = uuid.UUID("0d9d8f8e-5a3c-4b8e-9c61-2f3f1c6b7a55")


class SeedError(ValueError):
    """A state document (or a part of it) that cannot be loaded; the message names the field."""


def derived_id(*parts: object) -> uuid.UUID:
    """A stable id for something a document lists without one (a UUID 5 of ``parts``)."""
    return uuid.uuid5(_NAMESPACE, "/".join(str(part) for part in parts))


class Fields:
    """One table (object) of a state document, read field by field.

    ``where`` is its path in the document (``nova.servers[0]``); ``fields`` the names it may
    have: any other name is refused at once, naming them.
    """

    def __init__(self, value: Any, where: str, fields: Iterable[str]) -> None:
        if not isinstance(value, Mapping):
            raise SeedError(f"{where} must be a table (an object), not {shown(value)}")
        allowed = list(fields)
        for name in value:
            if name not in allowed:
                raise SeedError(
                    f"{where}: no field named {shown(name)}{suggest(str(name), allowed)}; "
                    f"fields: {listing(allowed)}"
                )
        self.where = where
        self._value = value

    def __contains__(self, name: str) -> bool:
        return self._value.get(name) is not None

    def path(self, name: str) -> str:
        """Where field ``name`` is in the document."""
        return f"{self.where}.{name}"

    def error(self, name: str, message: str) -> SeedError:
        """A ``SeedError`` about field ``name``."""
        return SeedError(f"{self.path(name)}: {message}")

    def _bad(self, name: str, what: str) -> SeedError:
        return SeedError(f"{self.path(name)} must be {what}, not {shown(self._value[name])}")

    def text(self, name: str, *, numbers: bool = False) -> str | None:
        """Non-empty text, or ``None`` when absent; ``numbers`` takes a whole number as its
        digits (an id written ``id = 100001`` in TOML).
        """
        value = self._value.get(name)
        if value is None:
            return None
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not value.strip():
            raise self._bad(name, "non-empty text" + (" or a whole number" if numbers else ""))
        return value

    def required_text(self, name: str, *, numbers: bool = False) -> str:
        """Like ``text``; absent is an error."""
        value = self.text(name, numbers=numbers)
        if value is None:
            raise self.error(name, "is required")
        return value

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        """A whole number in ``[minimum, maximum]``, ``default`` when absent."""
        value = self._value.get(name)
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (minimum <= value <= maximum)
        ):
            raise self._bad(name, f"a whole number from {minimum} to {maximum}")
        return value

    def optional_integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        """Like ``integer``; ``None`` when absent."""
        if name not in self:
            return None
        return self.integer(name, minimum, minimum=minimum, maximum=maximum)

    def boolean(self, name: str, default: bool) -> bool:
        """``true`` or ``false``, ``default`` when absent."""
        value = self._value.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._bad(name, "true or false")
        return value

    def choice(self, name: str, choices: Sequence[str], default: str) -> str:
        """One of ``choices``, ``default`` when absent."""
        value = self._value.get(name)
        if value is None:
            return default
        if value not in choices:
            hint = suggest(value, choices) if isinstance(value, str) else ""
            raise SeedError(
                f"{self.path(name)} must be one of {', '.join(choices)}, not {shown(value)}{hint}"
            )
        return str(value)

    def text_map(self, name: str, *, scalars: bool = False) -> dict[str, str]:
        """A table of text values (``{}`` when absent); ``scalars`` takes numbers and
        booleans as their JSON text (``VisibilityTimeout = 30`` in TOML).
        """
        value = self._value.get(name)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self._bad(name, "a table of text values")
        result: dict[str, str] = {}
        for key, item in value.items():
            if scalars and isinstance(item, bool):
                item = "true" if item else "false"
            elif scalars and isinstance(item, int | float):
                item = str(item)
            if not isinstance(key, str) or not isinstance(item, str):
                raise SeedError(
                    f"{self.path(name)}.{key} must be text, not {shown(item)}"
                    if isinstance(key, str)
                    else f"{self.path(name)} keys must be text, not {shown(key)}"
                )
            result[key] = item
        return result

    def text_list(self, name: str, *, numbers: bool = False) -> list[str]:
        """A list of non-empty texts (``[]`` when absent)."""
        value = self._value.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._bad(name, "a list of texts")
        result: list[str] = []
        for index, item in enumerate(value):
            if numbers and isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                raise SeedError(
                    f"{self.path(name)}[{index}] must be non-empty text, not {shown(item)}"
                )
            result.append(item)
        return result

    def tables(self, name: str) -> list[tuple[str, Any]]:
        """A list of tables, as ``(where, value)`` pairs to read with ``Fields``."""
        value = self._value.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._bad(name, "a list of tables")
        return [(f"{self.path(name)}[{index}]", item) for index, item in enumerate(value)]

    def raw(self, name: str) -> Any:
        """The value as given (``None`` when absent)."""
        return self._value.get(name)
