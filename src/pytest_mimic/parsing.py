"""Reading seconds, booleans, counts and timestamps: one parser for core and services alike.

Every door (ini files, ``serve --set``, HTTP bodies, presets in metadata, query strings)
hands text or JSON here, so "finite seconds >= 0" means the same thing everywhere, a
400-digit integer is refused rather than overflowing, and ``changes-since`` is read one way.
Each parser raises ``ValueError`` (``TypeError`` for a value of the wrong kind when text is
not allowed) with a message that names ``where``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "MAX_SECONDS",
    "parse_bool",
    "parse_count",
    "parse_seconds",
    "parse_timestamp",
    "shown",
]

#: The longest duration any setting, scenario or preset takes (about 30 million years: past the
#: clock's year 9999 on purpose, which clamps to its last date). Longer ones are
#: mistakes (``10**400``) that would otherwise overflow the clock or a timestamp.
MAX_SECONDS = 1e15

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def shown(value: Any, width: int = 40) -> str:
    """Client input as an error message may echo it: ``repr`` cut to ``width`` characters.

    Safe for any JSON value, even an integer too long for ``repr``.
    """
    try:
        text = repr(value)
    except ValueError:  # an int past Python's integer-to-text limit
        return "(a very large number)"
    return text if len(text) <= width else f"{text[: width - 3]}..."


def parse_seconds(
    value: Any,
    where: str,
    *,
    text: bool = True,
    minimum: float = 0.0,
    maximum: float = MAX_SECONDS,
    positive: bool = False,
) -> float:
    """Seconds from a number (or numeric text when ``text``): finite, at least ``minimum``
    (more than it when ``positive``), at most ``maximum``.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | str)
        or (isinstance(value, str) and not text)
    ):
        raise (ValueError if text else TypeError)(
            f"{where} must be a number of seconds, not {shown(value)}"
        )
    try:
        seconds = float(value)  # OverflowError: an int of 400 digits
    except ValueError:
        raise ValueError(f"{where}: {shown(value)} is not a number") from None
    except OverflowError:
        seconds = math.inf
    low_ok = seconds > minimum if positive else seconds >= minimum
    if not (math.isfinite(seconds) and low_ok and seconds <= maximum):
        bound = f"> {minimum:g}" if positive else f">= {minimum:g}"
        raise ValueError(
            f"{where}: {shown(value)} is not a finite number {bound} (at most {maximum:g})"
        )
    return seconds


def parse_bool(value: Any, where: str, *, text: bool = True) -> bool:
    """A boolean, or (when ``text``) one of true/false, yes/no, on/off, 1/0."""
    if isinstance(value, bool):
        return value
    if text and isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if text:
        raise ValueError(f"{where}: {shown(value)} is not true or false")
    raise TypeError(f"{where} must be bool, not {shown(value)}")


def parse_count(
    value: Any, where: str, *, text: bool = True, minimum: int = 0, maximum: int | None = None
) -> int:
    """A whole number in ``[minimum, maximum]``, or (when ``text``) its decimal text."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif text and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        digits = value.strip()
        number = int(digits) if len(digits) <= 20 else None
    if number is None:
        error = ValueError if text or isinstance(value, int | str) else TypeError
        raise error(f"{where} must be a whole number, not {shown(value)}")
    if number < minimum or (maximum is not None and number > maximum):
        top = f" and <= {maximum}" if maximum is not None else ""
        raise ValueError(f"{where} must be a whole number >= {minimum}{top}, not {shown(value)}")
    return number


def parse_timestamp(value: str, where: str) -> float:
    """Seconds since the epoch from ISO 8601 text (``Z``, an offset, or none for UTC).

    A ``+`` that arrived as a space (an unencoded offset in a query string) is read as
    ``+``, as Nova and the load balancer API read ``changes-since``.
    """
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "+").replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    except (ValueError, OverflowError):
        raise ValueError(f"Invalid {where} value: {shown(value)}") from None
