"""Regular expressions a user gives, judged before they run: one checker for every door.

Python's ``re`` backtracks and cannot be interrupted: a pattern such as ``(a+)+$`` against
``'a' * 26 + '!'`` takes seconds, with the cloud's lock held and every other client waiting.
Nova's ``?name=`` filter and the fault engine's criteria (``inject(server_name=...)``,
scenarios, the behaviours API) all hand their patterns here, and the cost is judged from
the parse tree ``re`` itself builds:

- a quantifier may only apply to one character or character class (no ``(ab)+``, no
  ``(a+)+``); back-references, look-arounds, conditionals and atomic groups are refused;
- the steps a match can take over a text of ``LONGEST_TEXT`` characters, counted from the
  tree, must stay under ``MAX_STEPS``. A quantifier multiplies the ways on by its range,
  unless what follows it cannot match what it repeats (``\\d+-``) so that backtracking
  into it fails at once; a search that is not anchored multiplies by the start positions;
- when the text has no length bound (``longest=None``: a fault rule's attribute may be a
  megabyte of request body), the cost must also grow no faster than the text: one open
  wildcard (``web-.*-prod``) passes, two (``.*a.*b``) do not.

So ``web``, ``^web-\\d+$`` and ``web-.*-prod`` pass everywhere; ``(a+)+$``, ``(a|a)*``,
``a*a*b`` and ``.*a.*b`` (as a criterion) are refused with ``PatternRefused`` saying why.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, Final

from pytest_mimic.parsing import shown

__all__ = ["LONGEST_TEXT", "MAX_STEPS", "PatternRefused", "check_pattern"]

# The parser ``re`` compiles from; private, but the only exact account of what ``re`` runs
# (hypothesis reads it the same way). No stubs exist for it, hence ``Any``.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

#: The text length costs are counted at: names are at most 255 characters over HTTP.
LONGEST_TEXT: Final = 255
#: Most steps a pattern may take over one text, all start positions included: enough for
#: one open-ended wildcard in an unanchored pattern, or two in an anchored one; about a
#: millisecond or two at worst.
MAX_STEPS: Final = 1 << 20


class PatternRefused(ValueError):
    """A pattern that is not a regular expression, or one that could not run safely."""


def check_pattern(
    pattern: str | re.Pattern[str],
    where: str = "pattern",
    *,
    anchored: bool = False,
    longest: int | None = LONGEST_TEXT,
) -> re.Pattern[str]:
    """``pattern`` compiled, or ``PatternRefused`` naming ``where`` and why.

    ``anchored``: the caller matches the whole text (``fullmatch``), not a search.
    ``longest``: the longest text it will meet, or ``None`` when unbounded.
    """
    source, flags = (
        (pattern.pattern, pattern.flags)
        if isinstance(pattern, re.Pattern)
        else (
            pattern,
            0,
        )
    )
    if not isinstance(source, str):
        raise PatternRefused(f"{where} must be text, not {type(source).__name__}")
    try:
        parsed = _parser.parse(source, flags)
        compiled = pattern if isinstance(pattern, re.Pattern) else re.compile(source)
        exact = _exact(parsed)
        items, top_flags = list(parsed), parsed.state.flags
        length = LONGEST_TEXT if longest is None else longest
        steps = _Cost(exact, length, where).pattern(items, top_flags, anchored=anchored)
        if longest is None and steps <= MAX_STEPS:
            # Linear growth: twice the text may cost at most about twice the steps.
            double = _Cost(exact, 2 * length, where, limit=4 * MAX_STEPS)
            if double.pattern(items, top_flags, anchored=anchored) > 2 * steps + 2 * length:
                steps = MAX_STEPS + 1
    except (re.error, OverflowError) as error:
        raise PatternRefused(
            f"{where}: {shown(source)} is not a valid regular expression ({error})"
        ) from None
    except RecursionError:
        raise PatternRefused(f"{where} nests groups too deeply") from None
    if steps > MAX_STEPS:
        raise PatternRefused(
            f"{where} is too costly to match: use at most one open-ended wildcard "
            "(such as .*) that is followed by something it could also match"
        )
    return compiled


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
    """Bounds the steps a match attempt can take; raises ``PatternRefused`` on unsafe forms.

    ``sequence`` returns ``(paths, steps)``: the ways to reach the end of a sequence, and
    the steps taken over all of them. Each item costs one step per path arriving at it; a
    repeat costs its range per arriving path, and multiplies the paths by that range
    unless backtracking into it fails at once (it is then "decided").
    """

    def __init__(self, exact: bool, longest: int, where: str, limit: int = MAX_STEPS) -> None:
        self._exact = exact
        self._longest = longest
        self._where = where
        self._limit = limit

    def pattern(self, items: list[Any], flags: int, *, anchored: bool) -> int:
        """Steps of a whole match: every start position unless anchored at the start.

        ``anchored`` means a ``fullmatch``: anchored at both ends, as if ``\\A...\\Z``.
        """
        if anchored:
            items = [*items, (_c.AT, _c.AT_END_STRING)]
        starts_anchored = bool(items) and (
            items[0] == (_c.AT, _c.AT_BEGINNING_STRING)
            or (items[0] == (_c.AT, _c.AT_BEGINNING) and not flags & _c.SRE_FLAG_MULTILINE)
        )
        _paths, steps = self.sequence(items, at_end=True)
        return (1 if anchored or starts_anchored else self._longest + 1) * steps

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
                raise PatternRefused(
                    f"{self._where} uses a construct that cannot be matched safely "
                    "(back-reference, look-around, conditional or atomic group)"
                )
            steps += paths * inner_steps
            paths *= inner_paths
            if steps > self._limit:
                break  # already too costly; stop before the numbers grow huge
        return paths, steps

    def _repeat(self, op: Any, av: Any, rest: list[Any], at_end: bool) -> tuple[int, int]:
        low, high, body = av
        atom = _single(list(body))
        if atom is None:
            raise PatternRefused(
                f"{self._where} repeats a group: a quantifier may only follow one character "
                "or character class"
            )
        if not rest and at_end:
            return 1, 1  # the first path to get here ends the whole search: a match
        counts = int(min(high, self._longest) - min(low, self._longest) + 1)
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
