"""Refusing names that match nothing, in one leaf module every other module may import.

A misspelt service, operation, attribute, scenario or setting would otherwise be accepted
and silently never match; the messages list what is valid and suggest the closest name.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["UnknownName", "listing", "suggest", "unknown"]


class UnknownName(ValueError):
    """A service, operation, attribute, scenario or setting name that does not exist."""


def suggest(name: str, valid: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest valid name, or nothing."""
    close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def listing(valid: Iterable[str]) -> str:
    """The valid names, sorted, for a message."""
    return ", ".join(sorted(valid)) or "(none)"


def unknown(what: str, name: str, valid: Iterable[str], plural: str | None = None) -> UnknownName:
    """``no <what> named 'x' (did you mean 'y'?); <plural>: a, b, c``."""
    names = list(valid)
    return UnknownName(
        f"no {what} named {name!r}{suggest(name, names)}; {plural or what + 's'}: {listing(names)}"
    )
