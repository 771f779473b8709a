"""What the tally returns: per department, per group and per category, plus the digest."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from evalapp.digest import evaluation_digest
from evalapp.domain import Adjustment, EvaluationData, Quota
from evalapp.rounding import round_half_up

COMMEND, ADMONISH, NONE, UNSCORED = "commend", "admonish", "none", "unscored"
OUTCOME_LABELS = {COMMEND: "通报表扬", ADMONISH: "诫勉谈话", NONE: "—", UNSCORED: "无有效评分"}

REASON_EMPTY = "空白票(无任何评分)"
REASON_IDENTICAL = "全同分"
NO_SCORE = "无有效评分"


@dataclass(frozen=True)
class InvalidBallot:
    serial: str
    group: str
    reason: str


@dataclass
class GroupStats:
    """Ballot counts of one evaluator group (RULES §3)."""

    name: str
    weight: Decimal
    issued: int | None
    entered: int = 0
    valid: int = 0
    invalid: int = 0
    invalid_ballots: list[InvalidBallot] = field(default_factory=list)

    @property
    def over_issued(self) -> bool:
        return self.issued is not None and self.entered > self.issued


@dataclass(frozen=True)
class Standing:
    """What a later evaluation needs from an earlier one (rank change, repeat flag)."""

    rank: int | None
    category_rank: int | None
    outcome: str
    admonished_by_rank_or_threshold: bool


@dataclass(frozen=True)
class PreviousResult:
    name: str
    year: int | None
    standings: dict[str, Standing]


@dataclass(frozen=True)
class DepartmentResult:
    name: str
    short_name: str
    order: int
    category: str
    presenter: str
    title: str
    group_exact: dict[str, Fraction]
    group_marks: dict[str, int]
    onsite_exact: Fraction | None
    component_values: dict[str, Decimal]
    base_exact: Fraction | None
    bonus_exact: Fraction
    penalty_exact: Fraction
    final_exact: Fraction | None
    veto: bool
    veto_reason: str
    adjustments: list[Adjustment]
    excellent_count: int
    unscored_reason: str | None
    decimals: int
    rank: int | None = None
    category_rank: int | None = None
    outcome: str = NONE
    admonish_reasons: tuple[str, ...] = ()
    repeat: bool = False
    previous: Standing | None = None
    commend_margin: Decimal | None = None
    admonish_margin: Decimal | None = None

    def _r(self, value: Fraction | None) -> Decimal | None:
        return None if value is None else round_half_up(value, self.decimals)

    @cached_property
    def group_scores(self) -> dict[str, Decimal]:
        return {g: round_half_up(v, self.decimals) for g, v in self.group_exact.items()}

    @cached_property
    def onsite_score(self) -> Decimal | None:
        return self._r(self.onsite_exact)

    @cached_property
    def final_score(self) -> Decimal | None:
        return self._r(self.final_exact)

    @property
    def bonus(self) -> Decimal:
        return round_half_up(self.bonus_exact, self.decimals)

    @property
    def penalty(self) -> Decimal:
        return round_half_up(self.penalty_exact, self.decimals)

    @property
    def scored(self) -> bool:
        return self.unscored_reason is None

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous evaluation (positive = moved up)."""
        if self.previous is None or self.previous.rank is None or self.rank is None:
            return None
        return self.previous.rank - self.rank


@dataclass
class CategoryResult:
    name: str
    ranked: int
    commend_quota: Quota
    admonish_quota: Quota
    commend_count: int
    admonish_count: int
    commend_line: Decimal | None
    admonish_line: Decimal | None


@dataclass
class TallyResult:
    evaluation: str
    year: int | None
    decimals: int
    data: EvaluationData = field(repr=False)
    departments: list[DepartmentResult]
    groups: list[GroupStats]
    categories: list[CategoryResult]
    previous: PreviousResult | None
    warnings: list[str]

    @cached_property
    def digest(self) -> str:
        """RULES §9 digest of the settings and ballots this result was computed from."""
        return evaluation_digest(self.data)

    @property
    def total_ballots(self) -> int:
        return sum(g.entered for g in self.groups)

    @property
    def valid_ballots(self) -> int:
        return sum(g.valid for g in self.groups)

    @property
    def invalid_ballots(self) -> int:
        return sum(g.invalid for g in self.groups)

    def standings(self) -> dict[str, Standing]:
        return {d.name: Standing(d.rank, d.category_rank, d.outcome,
                                 bool({"rank", "threshold"} & set(d.admonish_reasons)))
                for d in self.departments}


@dataclass
class Results:
    """A tally result with the data it was computed from (for exports and reports)."""

    data: EvaluationData
    result: TallyResult
    unconfirmed: int = 0  # ballots entered but not (yet) counted: double entry not complete
    counts: dict[str, int] | None = None  # entered ballots by status, from the same snapshot
