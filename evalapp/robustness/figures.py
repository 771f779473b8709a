"""What the robustness analysis reports (稳固程度): the figures per department and per
weight variation, and the words for the outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from evalapp.tally_result import ADMONISH, COMMEND, NONE, UNSCORED

DEFAULT_LIMIT = 20
# Beyond this many marks a document analyses only up to FRAGILE ballots (minutes otherwise)
LARGE_MARKS = 500_000
WEIGHT_STEP = 5
FRAGILE = 2  # flagged on the results page: 1 or 2 ballots could flip the outcome

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MarkChange:
    serial: str
    group: str
    old: str
    new: str


@dataclass
class Flip:
    """Ballots to flip one department's outcome."""

    department: str
    category: str
    outcome: str
    count: int | None = None  # None: not within ``limit`` ballots, or not at all
    new_outcome: str | None = None
    changes: list[MarkChange] = field(default_factory=list)
    verified: bool = False  # the real tally re-run on the witness shows the new outcome
    reason: str = ""  # why there is no count (Chinese)
    candidates: int = 0  # marks that could change

    @property
    def fragile(self) -> bool:
        return self.count is not None and self.count <= FRAGILE


@dataclass(frozen=True)
class Move:
    department: str
    before: str
    after: str


@dataclass
class Variation:
    label: str  # e.g. "四大班子领导 +5" (Chinese, shown as is)
    weights: dict[str, Fraction]
    moves: list[Move]
    note: str = ""


@dataclass
class Robustness:
    evaluation: str
    digest: str
    limit: int
    flips: list[Flip]
    variations: list[Variation]

    @property
    def stable(self) -> bool:
        return not any(v.moves for v in self.variations)

    def flip(self, department: str) -> Flip | None:
        return next((f for f in self.flips if f.department == department), None)

    def fragile_serials(self) -> dict[str, list[str]]:
        """Per department that 1 or 2 ballots could flip: the 票号 its witness changes (the
        paper ballots the supervisors re-check against the entry)."""
        return {f.department: [c.serial for c in f.changes] for f in self.flips if f.fragile}


OUTCOME_WORDS = {COMMEND: "通报表扬", ADMONISH: "诫勉谈话", NONE: "无", UNSCORED: "无有效评分"}
