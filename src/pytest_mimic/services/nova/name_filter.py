"""Nova's ``?name=`` server filter: a regular expression whose cost is bounded before it runs.

Nova matches the name filter as a regular expression, and Python's ``re`` backtracks: a
pattern such as ``(a+)+$`` against a name of 26 ``a`` and a ``!`` takes seconds, with the
cloud's lock held and every other client waiting. ``re`` cannot be interrupted, so the
pattern is judged before it runs, from the parse tree ``re`` itself builds:

- a quantifier may only apply to one character or character class (no ``(ab)+``, no
  ``(a+)+``); back-references, look-arounds, conditionals and atomic groups are refused;
- the steps a search can take over a name of ``LONGEST_NAME`` characters, counted from
  the tree, must stay under ``MAX_STEPS``. A quantifier multiplies the ways on by its
  range, unless what follows it cannot match what it repeats (``\\d+-``) so that
  backtracking into it fails at once; an unanchored pattern multiplies by the start
  positions. That allows one open-ended wildcard followed by something it could also
  match (``.*web``), or two in a pattern anchored with ``^``.

So ``web``, ``^web-\\d+$``, ``web-.*-prod`` and ``^.*a.*b$`` pass; ``(a+)+$``, ``(a|a)*``,
``a*a*b`` and ``.*a.*b`` get a 400 that says why. An accepted filter costs at most a few
milliseconds per name; as a last guard, one that has run ``BUDGET_SECONDS`` over one list
stops it with ``NameFilterTooSlow``. Both refusals are ``ServiceError``\\s Nova answers 400.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, Final

from pytest_mimic.clock import real_monotonic
from pytest_mimic.errors import ServiceError

__all__ = [
    "BUDGET_SECONDS",
    "LONGEST_NAME",
    "MAX_STEPS",
    "NameFilter",
    "NameFilterRefused",
    "NameFilterTooSlow",
]

# The parser ``re`` compiles from; private, but the only exact account of what ``re`` runs
# (hypothesis reads it the same way). No stubs exist for it, hence ``Any``.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

#: Names are at most 255 characters over HTTP.
LONGEST_NAME: Final = 255
#: Most steps a filter may take over one name, all start positions included: enough for
#: one open-ended wildcard in an unanchored pattern, or two in an anchored one; about a
#: millisecond or two at worst.
MAX_STEPS: Final = 1 << 20
#: Real seconds one list may spend matching names before it gives up.
BUDGET_SECONDS: Final = 0.25

_SINGLE = frozenset({_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN})
_REPEATS = frozenset({_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT})
_INEXACT_FLAGS = _c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_LOCALE | _c.SRE_FLAG_ASCII
_CATEGORIES: Final = {
    _c.CATEGORY_DIGIT: re.compile(r"\d"),
    _c.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    _c.CATEGORY_SPACE: re.compile(r"\s"),
    _c.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    _c.CATEGORY_WORD: re.compile(r"\w"),
    _c.CATEGORY_NOT_WORD: re.compile(r"\W"),
}


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
            parsed = _parser.parse(pattern)
            self._pattern = re.compile(pattern)
            steps = _Cost(exact=_exact(parsed)).pattern(list(parsed), parsed.state.flags)
        except (re.error, OverflowError) as error:
            raise NameFilterRefused(f"Invalid regular expression: {error}") from None
        except RecursionError:
            raise NameFilterRefused("Name filter nests groups too deeply.") from None
        if steps > MAX_STEPS:
            raise NameFilterRefused(
                "Name filter is too costly to match: use at most one open-ended wildcard "
                "(such as .*) that is followed by something it could also match."
            )
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


def _exact(parsed: Any) -> bool:
    """Whether characters can be compared exactly (no case folding, locale or ASCII mode)."""
    if parsed.state.flags & _INEXACT_FLAGS:
        return False
    stack = [list(parsed)]
    while stack:
        for op, av in stack.pop():
            if op is _c.SUBPATTERN:
                if av[1] or av[2]:  # scoped flags: (?i:...) and the like
                    return False
                stack.append(list(av[3]))
            elif op is _c.BRANCH:
                stack.extend(list(branch) for branch in av[1])
            elif op in _REPEATS:
                stack.append(list(av[2]))
    return True


class _Cost:
    """Bounds the steps a match attempt can take; raises ``NameFilterRefused`` on unsafe forms.

    ``sequence`` returns ``(paths, steps)``: the ways to reach the end of a sequence, and
    the steps taken over all of them. Each item costs one step per path arriving at it; a
    repeat costs its range per arriving path, and multiplies the paths by that range
    unless backtracking into it fails at once (it is then "decided").
    """

    def __init__(self, *, exact: bool) -> None:
        self._exact = exact

    def pattern(self, items: list[Any], flags: int) -> int:
        """Steps of a whole search: every start position unless anchored at the start."""
        anchored = bool(items) and (
            items[0] == (_c.AT, _c.AT_BEGINNING_STRING)
            or (items[0] == (_c.AT, _c.AT_BEGINNING) and not flags & _c.SRE_FLAG_MULTILINE)
        )
        _paths, steps = self.sequence(items, at_end=True)
        return (1 if anchored else LONGEST_NAME + 1) * steps

    def sequence(self, items: list[Any], *, at_end: bool) -> tuple[int, int]:
        """``(paths, steps)`` through ``items``; ``at_end`` when nothing follows them."""
        paths, steps = 1, 0
        for index, (op, av) in enumerate(items):
            if op in _SINGLE or op is _c.AT:
                steps += paths
                continue
            if op is _c.SUBPATTERN:
                inner_paths, inner_steps = self.sequence(list(av[3]), at_end=False)
            elif op is _c.BRANCH:
                inner_paths, inner_steps = 0, 0
                for branch in av[1]:
                    branch_paths, branch_steps = self.sequence(list(branch), at_end=False)
                    inner_paths += branch_paths
                    inner_steps += branch_steps
            elif op in _REPEATS:
                inner_paths, inner_steps = self._repeat(op, av, items[index + 1 :], at_end)
            else:
                raise NameFilterRefused(
                    "Name filter uses a construct that cannot be matched safely "
                    "(back-reference, look-around, conditional or atomic group)."
                )
            steps += paths * inner_steps
            paths *= inner_paths
            if steps > MAX_STEPS:
                break  # already too costly; stop before the numbers grow huge
        return paths, steps

    def _repeat(self, op: Any, av: Any, rest: list[Any], at_end: bool) -> tuple[int, int]:
        low, high, body = av
        atom = _single(list(body))
        if atom is None:
            raise NameFilterRefused(
                "Name filter repeats a group: a quantifier may only follow one character "
                "or character class."
            )
        if not rest and at_end:
            return 1, 1  # the first path to get here ends the whole search: a match
        counts = int(min(high, LONGEST_NAME) - min(low, LONGEST_NAME) + 1)
        if op is _c.POSSESSIVE_REPEAT or self._decided(atom, rest, at_end):
            return 1, counts
        return counts, counts

    def _decided(self, atom: tuple[Any, Any], rest: list[Any], at_end: bool) -> bool:
        """Whether backtracking into a repeat of ``atom`` followed by ``rest`` fails at once."""
        if not rest:
            return at_end
        op, av = rest[0]
        if op is _c.AT:
            return at_end and len(rest) == 1 and av in (_c.AT_END, _c.AT_END_STRING)
        if op in _REPEATS and av[0] >= 1:
            following = _single(list(av[2]))
        else:
            following = (op, av) if op in _SINGLE else None
        return following is not None and self._exact and _disjoint(atom, following)


def _single(items: list[Any]) -> tuple[Any, Any] | None:
    """The one-character matcher ``items`` amount to (through plain groups), or ``None``."""
    while len(items) == 1 and items[0][0] is _c.SUBPATTERN:
        items = list(items[0][1][3])
    if len(items) == 1 and items[0][0] in _SINGLE:
        return items[0]  # type: ignore[no-any-return]
    return None


def _disjoint(first: tuple[Any, Any], second: tuple[Any, Any]) -> bool:
    """Whether no character matches both; ``False`` when that cannot be told."""
    for one, other in ((first, second), (second, first)):
        if one[0] is _c.LITERAL:
            return _matches(other, one[1]) is False
    return False


def _matches(atom: tuple[Any, Any], code: int) -> bool | None:
    """Whether the one-character matcher ``atom`` matches ``chr(code)``; ``None`` if unknown."""
    op, av = atom
    if op is _c.LITERAL:
        return bool(av == code)
    if op is _c.NOT_LITERAL:
        return bool(av != code)
    if op is _c.IN:
        negate = False
        found = False
        for item_op, item_av in av:
            if item_op is _c.NEGATE:
                negate = True
            elif item_op is _c.LITERAL:
                found = found or item_av == code
            elif item_op is _c.RANGE:
                found = found or item_av[0] <= code <= item_av[1]
            elif item_op is _c.CATEGORY and item_av in _CATEGORIES:
                found = found or _CATEGORIES[item_av].match(chr(code)) is not None
            else:
                return None
        return found != negate
    return None  # ANY, and anything else: assume it may match
