"""Reading the values clients put in presets and bodies, shared by every service: seconds
from numbers or numeric text, and client input shortened for an error message.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["PresetError", "parse_seconds", "shown"]


class PresetError(ValueError):
    """A preset value that cannot be understood."""


def parse_seconds(value: Any, where: str) -> float:
    """Seconds from a number or numeric text; ``PresetError`` otherwise (or if negative)."""
    problem = PresetError(f"Invalid {where} value {shown(value)}: expected a number of seconds.")
    if isinstance(value, bool):
        raise problem
    try:
        seconds = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int of 400 digits
        raise problem from None
    if not 0 <= seconds < math.inf:
        raise problem
    return seconds


def shown(value: Any, width: int = 40) -> str:
    """Client input as an error message may echo it: ``repr`` cut to ``width`` characters.

    Safe for any JSON value, even an integer too long for ``repr``.
    """
    try:
        text = repr(value)
    except ValueError:  # an int past Python's integer-to-text limit
        return "(a very large number)"
    return text if len(text) <= width else f"{text[: width - 3]}..."
