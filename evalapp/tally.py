"""The tally (RULES §2–§8): one pure function from an evaluation's plain data to its result.
This module scores (RULES §2–§6); ranking.py ranks and decides the outcomes (RULES §7–§8).

Arithmetic is exact: marks become integers scaled by a power of ten, means and weighted
sums are ``Fraction``; every displayed figure is rounded once, half up, from the exact value.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from evalapp.ballot_rules import excellent_limit, invalid_reason
from evalapp.domain import (
    GRADE_MODE, IMPLICIT_CATEGORY, ONSITE_COMPONENT, Adjustment, Ballot, DomainError,
    EvaluationData, Settings,
)
from evalapp.marks import decimals_of, is_excellent, mark_points
from evalapp.ranking import finish
from evalapp.setting_rules import trimmed_each_side
from evalapp.tally_result import (
    NO_SCORE, DepartmentResult, GroupStats, InvalidBallot, PreviousResult, TallyResult,
)


class _MarkTable:
    """Scaled integer points (None = abstention) and excellence of each distinct mark text."""

    def __init__(self, settings: Settings):
        self.settings = settings
        if settings.mode == GRADE_MODE:
            places = [decimals_of(g.points) for g in settings.grades if g.points is not None]
        else:
            places = [settings.mark_decimals]
        self.scale = 10 ** max(places + [0])
        self.points: dict[str, int | None] = {}
        self.excellent: dict[str, bool] = {}
        self.has_abstention = settings.mode == GRADE_MODE and any(
            g.points is None for g in settings.grades)

    def learn(self, texts) -> None:
        for text in texts:
            if text in self.points:
                continue
            points = mark_points(self.settings, text)
            scaled = None
            if points is not None:
                exact = points * self.scale
                if exact != exact.to_integral_value():
                    raise DomainError(f"评分“{text}”的小数位超过设定")
                scaled = int(exact)
            self.points[text] = scaled
            self.excellent[text] = is_excellent(self.settings, text, points)

    def ballot_points(self, marks: dict[str, str]) -> dict[str, int]:
        """The ballot's marks as points, abstentions left out."""
        try:
            points = list(map(self.points.__getitem__, marks.values()))
        except KeyError:
            self.learn(marks.values())
            points = list(map(self.points.__getitem__, marks.values()))
        if self.has_abstention:
            return {d: p for d, p in zip(marks, points) if p is not None}
        return dict(zip(marks, points))


def _invalid_reason(settings: Settings, table: _MarkTable, ballot: Ballot,
                    points: dict[str, int], limit: int | None) -> str | None:
    """RULES §3 (evalapp.ballot_rules): why a ballot is invalid, or None when it is valid."""
    excellent = sum(map(table.excellent.__getitem__, ballot.marks.values())) \
        if limit is not None else 0
    return invalid_reason(settings, limit, points.values(), excellent, ballot.void_reason)


def _collect(data: EvaluationData, table: _MarkTable):
    """Walk the ballots once: group statistics and the values V of RULES §4."""
    settings = data.settings
    groups = {g.name: g for g in data.groups}
    stats = {g.name: GroupStats(g.name, g.weight, g.expected) for g in data.groups}
    limit = excellent_limit(settings, len(data.departments))
    # RULES §7: the 优秀票数 tie-break counts first-grade marks, which exist in 等次制 only.
    count_first_grade = settings.mode == GRADE_MODE
    values: dict[str, dict[str, list[int]]] = {g.name: defaultdict(list) for g in data.groups}
    excellent: dict[str, int] = defaultdict(int)
    for ballot in sorted(data.ballots, key=lambda b: b.serial):
        group = groups.get(ballot.group)
        if group is None:
            raise DomainError(f"选票 {ballot.serial} 的评委类别“{ballot.group}”不存在")
        st = stats[group.name]
        st.entered += 1
        points = table.ballot_points(ballot.marks)
        reason = _invalid_reason(settings, table, ballot, points, limit)
        if reason is not None:
            st.invalid += 1
            st.invalid_ballots.append(InvalidBallot(ballot.serial, group.name, reason))
            continue
        st.valid += 1
        if group.recusal and ballot.own_department in points:
            del points[ballot.own_department]
        group_values = values[group.name]
        for dept, value in points.items():
            group_values[dept].append(value)
        if count_first_grade:
            for dept in points:
                excellent[dept] += table.excellent[ballot.marks[dept]]
    return list(stats.values()), values, excellent


def _group_score(points: list[int], trim: int, trim_from: int, scale: int) -> Fraction:
    k = trimmed_each_side(trim, trim_from, len(points))
    if k:
        points = sorted(points)[k:len(points) - k]
    return Fraction(sum(points), len(points) * scale)


_ZERO = Fraction(0)


class Scoring:
    """RULES §5–§6 for one department from its group means: the stage every tally shares
    (the pure reference, the vectorised tally and the robustness analysis)."""

    def __init__(self, data: EvaluationData, weights: dict[str, Fraction] | None = None):
        self.data = data
        self.settings = data.settings
        self.components = data.effective_components()
        self.adjustments: dict[str, list[Adjustment]] = defaultdict(list)
        for adj in data.adjustments:
            self.adjustments[adj.department].append(adj)
        self.weights = weights if weights is not None else {
            g.name: Fraction(g.weight) for g in data.groups}
        self.group_names = [g.name for g in data.groups]
        self.departments = sorted(data.departments, key=lambda d: (d.order, d.name))
        self.component_weights = [(c.name, Fraction(c.weight)) for c in self.components]
        self._totals: dict[tuple[str, ...], Fraction] = {}

    def _adjusted(self, name: str):
        """(items, bonus, penalty, vetoes) of a department: the same whatever its marks."""
        cache = self.__dict__.setdefault("_adjusted_cache", {})
        hit = cache.get(name)
        if hit is None:
            items = self.adjustments.get(name, [])
            if not items:
                hit = cache[name] = (items, _ZERO, _ZERO, [])
                return hit
            bonus = capped_bonus([a.points for a in items], self.settings.bonus_cap)
            penalty = sum((-Fraction(a.points) for a in items if a.points < 0), Fraction(0))
            hit = cache[name] = (items, bonus, penalty, [a for a in items if a.veto])
        return hit

    def onsite(self, group_exact: dict[str, Fraction]) -> Fraction | None:
        """RULES §5: Σ w·s / Σ w over the groups with a score (exact; one reduction)."""
        if not group_exact:
            return None
        weights = self.weights
        numerator, denominator = 0, 1
        for g, s in group_exact.items():
            w = weights[g]
            n, d = w.numerator * s.numerator, w.denominator * s.denominator
            numerator, denominator = numerator * d + n * denominator, denominator * d
        present = tuple(group_exact)
        total = self._totals.get(present)
        if total is None:
            total = self._totals[present] = sum((weights[g] for g in present), Fraction(0))
        return Fraction(numerator * total.denominator, denominator * total.numerator)

    def department(self, dept, group_exact: dict[str, Fraction], group_marks: dict[str, int],
                   excellent_count: int) -> DepartmentResult:
        settings = self.settings
        onsite = self.onsite(group_exact)
        own_values = self.data.component_values.get(dept.name, {})
        missing = [c.name for c in self.components
                   if c.name != ONSITE_COMPONENT and c.name not in own_values]
        unscored = NO_SCORE if onsite is None else (
            "缺少" + "、".join(missing) if missing else None)
        items, bonus, penalty, vetoes = self._adjusted(dept.name)
        base = final = None
        if unscored is None:
            base = sum((w * (onsite if name == ONSITE_COMPONENT
                             else Fraction(own_values[name]))
                        for name, w in self.component_weights), Fraction(0)) / 100
            final = base
            if bonus:
                final += bonus
            if penalty:
                final -= penalty
        return DepartmentResult(
            name=dept.name, short_name=dept.short_name, order=dept.order,
            category=dept.category or IMPLICIT_CATEGORY, presenter=dept.presenter,
            title=dept.title, group_exact=group_exact, group_marks=group_marks,
            onsite_exact=onsite, component_values=dict(own_values), base_exact=base,
            bonus_exact=bonus, penalty_exact=penalty, final_exact=final,
            veto=bool(vetoes), veto_reason=";".join(a.reason for a in vetoes if a.reason),
            adjustments=list(items), excellent_count=excellent_count,
            unscored_reason=unscored, decimals=settings.result_decimals)


def _department_results(data: EvaluationData, table: _MarkTable, values, excellent):
    scoring = Scoring(data)
    results = []
    for dept in scoring.departments:
        group_exact: dict[str, Fraction] = {}
        group_marks: dict[str, int] = {}
        for group in data.groups:
            points = values[group.name].get(dept.name)
            if points:
                group_marks[group.name] = len(points)
                group_exact[group.name] = _group_score(points, group.trim, group.trim_from,
                                                       table.scale)
        results.append(scoring.department(dept, group_exact, group_marks,
                                          excellent.get(dept.name, 0)))
    return results


def capped_bonus(points, cap) -> Fraction:
    """The bonus that counts for one department: its positive items summed, at most
    加分上限 ``cap`` (None: no cap). Penalties are never capped."""
    positive = sum((Fraction(p) for p in points if p > 0), Fraction(0))
    return positive if cap is None else min(positive, Fraction(cap))


def tally(data: EvaluationData, previous: PreviousResult | None = None) -> TallyResult:
    """Compute the result of an evaluation exactly as RULES.md defines it (pure Python: the
    reference the vectorised tally of evalapp.tally_fast is tested against)."""
    table = _MarkTable(data.settings)
    groups, values, excellent = _collect(data, table)
    results = _department_results(data, table, values, excellent)
    return finish(data, groups, results, previous)
