"""Reading seconds, booleans, counts, timestamps, HTTP statuses and headers: one parser for
core and services alike.

Every door (ini files, ``serve --set``, HTTP bodies, presets in metadata, query strings,
``inject`` and scenario parameters) hands text or JSON here, so "finite seconds >= 0" means
the same thing everywhere, a 400-digit integer is refused rather than overflowing or
building a list that size, ``changes-since`` is read one way, and a status or header an
injected answer will carry is one HTTP can send. Each parser raises ``ValueError``
(``TypeError`` for a value of the wrong kind when text is not allowed) with a message that
names ``where``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "MAX_COUNT",
    "MAX_REAL_SECONDS",
    "MAX_SECONDS",
    "check_header_name",
    "check_header_value",
    "check_headers",
    "parse_bool",
    "parse_count",
    "parse_seconds",
    "parse_status",
    "parse_timestamp",
    "shown",
]

#: The longest duration any setting, scenario or preset takes (about 30 million years: past the
#: clock's year 9999 on purpose, which clamps to its last date). Longer ones are
#: mistakes (``10**400``) that would otherwise overflow the clock or a timestamp.
MAX_SECONDS = 1e15

#: The largest whole number a count takes unless its declaration says otherwise (a billion:
#: past any count a test means; ``10**400`` is a mistake, never a request for that many).
MAX_COUNT = 10**9
#: The longest real-time wait a fault may impose (a delay, a hang): an hour. Real time
#: holds a server thread; no test waits longer for a timeout.
MAX_REAL_SECONDS = 3600.0

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
        raise ValueError(f"{where} must be a number of seconds, not {shown(value)}") from None
    except OverflowError:
        seconds = math.inf
    low_ok = seconds > minimum if positive else seconds >= minimum
    if not (math.isfinite(seconds) and low_ok and seconds <= maximum):
        bound = f"> {minimum:g}" if positive else f">= {minimum:g}"
        raise ValueError(
            f"{where} must be a finite number of seconds {bound} and <= {maximum:g}, "
            f"not {shown(value)}"
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
    value: Any, where: str, *, text: bool = True, minimum: int = 0, maximum: int = MAX_COUNT
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
    if not minimum <= number <= maximum:
        raise ValueError(
            f"{where} must be a whole number >= {minimum} and <= {maximum}, not {shown(value)}"
        )
    return number


def parse_status(
    value: Any, where: str, *, text: bool = True, minimum: int = 200, maximum: int = 599
) -> int:
    """An HTTP status code an answer can carry: ``minimum`` to ``maximum`` (never 1xx, which
    is not a final answer and leaves the client waiting)."""
    allowed = f"an HTTP status code from {minimum} to {maximum}"
    numeric = isinstance(value, int) and not isinstance(value, bool)
    if not numeric and not (text and isinstance(value, str)):
        # The wrong kind (``"500"``, ``500.0``, ``None``): say so before the range.
        raise (ValueError if text else TypeError)(
            f"{where} must be an integer ({allowed}), not {shown(value)}"
        )
    try:
        return parse_count(value, where, text=text, minimum=minimum, maximum=maximum)
    except (TypeError, ValueError):
        kind = "" if numeric else "an integer, "
        raise ValueError(f"{where} must be {kind}{allowed}, not {shown(value)}") from None


#: The characters of an HTTP header name (RFC 9110's ``token``).
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def check_header_name(name: Any, where: str) -> str:
    """``name`` if it is a header name HTTP can carry (a non-empty token), else ``ValueError``."""
    if not isinstance(name, str):
        raise TypeError(f"{where}: a header name must be text, not {shown(name)}")
    if not name or not _TOKEN.issuperset(name):
        raise ValueError(
            f"{where}: {shown(name)} is not a header name (letters, digits and !#$%&'*+-.^_`|~)"
        )
    return name


def check_header_value(value: Any, where: str) -> str:
    """``value`` if HTTP can carry it in a header: Latin-1 text without CR, LF or other
    control characters (a tab is allowed), else ``ValueError``."""
    if not isinstance(value, str):
        raise TypeError(f"{where} must be text, not {shown(value)}")
    for character in value:
        code = ord(character)
        if code > 0xFF or (code < 0x20 and character != "\t") or code == 0x7F:
            raise ValueError(
                f"{where}: {shown(value)} cannot be sent in an HTTP header "
                "(Latin-1 text without CR, LF or other control characters)"
            )
    return value


def check_headers(headers: Any, where: str) -> dict[str, str]:
    """A mapping of header names to values, each as ``check_header_name`` and
    ``check_header_value`` want them."""
    if not isinstance(headers, Mapping):
        raise TypeError(f"{where} must be a mapping of header names to text, not {shown(headers)}")
    return {
        check_header_name(name, where): check_header_value(value, f"{where} {name}")
        for name, value in headers.items()
    }


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
