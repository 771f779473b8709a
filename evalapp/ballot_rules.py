"""Ballot validity (RULES §3): the one rule the entry page, the services and the tally share.

``invalid_reason`` decides; ``MarkRules`` feeds it the facts of canonical mark texts (for the
entry page and the progress counts), and the tally feeds it its scaled integer points. Both
paths call the same function, so a ballot shown as valid while it is typed is valid in the
result (tests/test_ballot_rules.py checks this on generated ballots).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from fractions import Fraction

from evalapp.domain import SCORE_MODE, Settings
from evalapp.marks import is_excellent, mark_points
from evalapp.tally_result import REASON_EMPTY, REASON_IDENTICAL

MANUAL_PREFIX = "人工作废:"


def excellent_limit(settings: Settings, n_departments: int) -> int | None:
    """floor(r × N) when the excellent quota applies, else None (RULES §3.2)."""
    ratio = settings.excellent_ratio
    if ratio is None or ratio <= 0:
        return None
    if settings.mode == SCORE_MODE and settings.high_line is None:
        return None
    return int(Fraction(ratio) * n_departments)


def invalid_reason(settings: Settings, limit: int | None, points: Collection,
                   excellent: int, void_reason: str | None = None) -> str | None:
    """RULES §3: why a ballot is invalid, or None when it counts.

    ``points``: the points of its marks that are not abstentions (any exact number type);
    ``excellent``: how many of its marks are "excellent"; ``limit``: ``excellent_limit``."""
    if void_reason:
        return MANUAL_PREFIX + void_reason
    if not points:
        return REASON_EMPTY
    if limit is not None and excellent > limit:
        return f"优秀 {excellent} 个,超过上限 {limit} 个"
    if (settings.mode == SCORE_MODE and settings.void_identical and len(points) >= 2
            and len(set(points)) == 1):
        return REASON_IDENTICAL
    return None


@dataclass(frozen=True)
class BallotFacts:
    """What the entry page shows of a ballot being typed."""

    filled: int  # non-blank marks (abstentions included)
    excellent: int
    blanks: tuple[int, ...]  # row indexes (0-based) of blank marks
    reason: str | None  # why it will be invalid, or None


class MarkRules:
    """The validity rules for one evaluation over canonical mark texts, cached per text."""

    def __init__(self, settings: Settings, n_departments: int):
        self.settings = settings
        self.limit = excellent_limit(settings, n_departments)
        self._cache: dict[str, tuple[object, bool]] = {}

    def facts(self, text: str) -> tuple[object, bool]:
        """(points or None for an abstention, is excellent) of a canonical mark text."""
        known = self._cache.get(text)
        if known is None:
            points = mark_points(self.settings, text)
            known = (points, is_excellent(self.settings, text, points))
            self._cache[text] = known
        return known

    def invalid_reason(self, texts: Iterable[str | None],
                       void_reason: str | None = None) -> str | None:
        """Why a ballot with these mark texts is invalid, or None."""
        facts = [self.facts(t) for t in texts if t]
        points = [p for p, _ in facts if p is not None]
        excellent = sum(1 for _, e in facts if e)
        return invalid_reason(self.settings, self.limit, points, excellent, void_reason)

    def ballot_facts(self, marks: list[str | None]) -> BallotFacts:
        """Counts, blanks and verdict of a ballot given as one mark (or None) per row."""
        facts = [self.facts(t) for t in marks if t]
        return BallotFacts(len(facts), sum(1 for _, e in facts if e),
                           tuple(i for i, t in enumerate(marks) if not t),
                           self.invalid_reason(marks))
