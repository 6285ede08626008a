"""Nova's ``?name=`` server filter: a regular expression whose cost is bounded before it runs.

Nova matches the name filter as a regular expression (a search), and Python's ``re``
backtracks: ``(a+)+$`` against a name of 26 ``a`` and a ``!`` takes seconds, with the
cloud's lock held. The pattern is judged by ``pytest_mimic.patterns``, the one checker of
every pattern a user gives (fault criteria too), over names of ``LONGEST_NAME`` characters:
``web``, ``^web-\\d+$``, ``web-.*-prod`` and ``^.*a.*b$`` pass; ``(a+)+$``, ``(a|a)*``,
``a*a*b`` and ``.*a.*b`` get a 400 that says why. As a last guard, a filter that has run
``BUDGET_SECONDS`` over one list stops it with ``NameFilterTooSlow``. Both refusals are
``ServiceError``\\s Nova answers 400.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pytest_mimic.clock import real_monotonic
from pytest_mimic.errors import ServiceError
from pytest_mimic.patterns import LONGEST_TEXT, MAX_STEPS, PatternRefused, check_pattern

if TYPE_CHECKING:
    import re

__all__ = [
    "BUDGET_SECONDS",
    "LONGEST_NAME",
    "MAX_STEPS",
    "NameFilter",
    "NameFilterRefused",
    "NameFilterTooSlow",
]

#: Names are at most 255 characters over HTTP.
LONGEST_NAME: Final = LONGEST_TEXT
#: Real seconds one list may spend matching names before it gives up.
BUDGET_SECONDS: Final = 0.25


class NameFilterRefused(ServiceError):
    """The pattern is not a regular expression, or one that could not be matched safely
    (HTTP 400, ``badRequest``)."""

    default_fault = "badRequest"


class NameFilterTooSlow(ServiceError):
    """Matching took longer than ``BUDGET_SECONDS`` over one list (HTTP 400, ``badRequest``)."""

    default_fault = "badRequest"


class NameFilter:
    """A compiled name filter; ``search(name)`` is truthy when the name matches.

    Make one per request: the time budget starts at the first ``search``.
    """

    def __init__(self, pattern: str) -> None:
        try:
            self._pattern: re.Pattern[str] = check_pattern(
                pattern, "Name filter", longest=LONGEST_NAME
            )
        except PatternRefused as error:
            raise NameFilterRefused(f"{error}.") from None
        self.pattern = pattern
        self._deadline: float | None = None

    def __repr__(self) -> str:
        return f"NameFilter({self.pattern!r})"

    def search(self, name: str, /) -> bool:
        """Whether the pattern matches anywhere in ``name``."""
        now = real_monotonic()
        if self._deadline is None:
            self._deadline = now + BUDGET_SECONDS
        elif now > self._deadline:
            raise NameFilterTooSlow(
                f"Name filter took longer than {BUDGET_SECONDS} s over this list; "
                "use a simpler pattern."
            )
        return self._pattern.search(name) is not None
