"""Ranks and outcomes (RULES §7–§8), the stage every tally shares after scoring: the sort
key, standard competition ranks overall and per category, the quotas, 通报表扬 / 诫勉谈话,
the margins to the list lines and the repeat flag. Each ``DepartmentResult`` of the final
result is built once, here, from the scored one (nothing is changed after it is made)."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import replace
from fractions import Fraction

from evalapp.domain import IMPLICIT_CATEGORY, TIE_EXCELLENT, TIE_ONSITE, EvaluationData, Quota, \
    Settings
from evalapp.rounding import round_half_up
from evalapp.tally_result import (
    ADMONISH, COMMEND, NONE, UNSCORED, CategoryResult, DepartmentResult, GroupStats,
    PreviousResult, TallyResult,
)

# What ranking adds to a scored department, by department name: rank, category_rank,
# outcome, admonish_reasons, commend_margin, admonish_margin, previous, repeat.
Placing = dict[str, dict[str, object]]


def resolve_quota(quota: Quota, n: int) -> int:
    """RULES §8: a count, or round-half-up(p × n / 100) but at least 1 when p > 0."""
    if quota.percent is None:
        return quota.count
    if quota.percent <= 0:
        return 0
    value = int(round_half_up(Fraction(quota.percent) * n / 100, 0))
    return max(1, value)


def sort_key(settings: Settings, d: DepartmentResult) -> tuple:
    """Smaller is better: veto last, then rounded final score, then the tie-break keys."""
    key: list = [d.veto, -d.final_score]
    for tie in settings.tie_break:
        if tie == TIE_ONSITE:
            key.append(-d.onsite_score)
        elif tie == TIE_EXCELLENT:
            key.append(-d.excellent_count)
        else:  # the named group's rounded score (only that one is rounded here)
            exact = d.group_exact.get(tie)
            key.append((1, 0) if exact is None else (0, -round_half_up(exact, d.decimals)))
    return tuple(key)


def _assign_ranks(ranked: list[DepartmentResult], keys: dict[str, tuple], field: str,
                  placing: Placing) -> None:
    """Standard competition ranking (1, 2, 2, 4) of already sorted departments."""
    previous_key = None
    rank = 0
    for position, d in enumerate(ranked, start=1):
        if keys[d.name] != previous_key:
            rank = position
            previous_key = keys[d.name]
        placing[d.name][field] = rank


def rank_order(settings: Settings, results: list[DepartmentResult]
               ) -> tuple[list[DepartmentResult], Placing]:
    """The scored departments in ranking order, then the unscored ones; and each one's
    rank and category rank (an unscored one: its outcome) in a new ``Placing``."""
    placing: Placing = {d.name: {} for d in results}
    ranked = [d for d in results if d.scored]
    keys = {d.name: sort_key(settings, d) for d in ranked}
    ranked.sort(key=lambda d: (keys[d.name], d.order, d.name))
    _assign_ranks(ranked, keys, "rank", placing)
    by_category: dict[str, list[DepartmentResult]] = defaultdict(list)
    for d in ranked:
        by_category[d.category].append(d)
    for members in by_category.values():
        _assign_ranks(members, keys, "category_rank", placing)
    unscored = [d for d in results if not d.scored]
    for d in unscored:
        placing[d.name]["outcome"] = UNSCORED
    return ranked + unscored, placing


def decide_outcomes(data: EvaluationData, ranked: list[DepartmentResult],
                    placing: Placing) -> list[CategoryResult]:
    """RULES §8 per category: who is commended and admonished (added to ``placing``), and
    each category's quotas and lines."""
    settings = data.settings
    if data.categories:
        categories = [(c.name, c.commend, c.admonish) for c in data.categories]
    else:
        categories = [(IMPLICIT_CATEGORY, settings.commend_quota, settings.admonish_quota)]
    threshold = settings.admonish_below
    summaries = []
    for name, commend_q, admonish_q in categories:
        members = [d for d in ranked if d.category == name and d.scored]
        eligible = [d for d in members if not d.veto]
        n = len(eligible)
        c_count, a_count = resolve_quota(commend_q, n), resolve_quota(admonish_q, n)
        commended, by_rank = set(), set()
        ranks = sorted(placing[d.name]["category_rank"] for d in eligible)
        for d in eligible:
            category_rank = placing[d.name]["category_rank"]
            if category_rank <= c_count:
                commended.add(d.name)
            below = n - bisect_right(ranks, category_rank)
            if below < a_count:
                by_rank.add(d.name)
        admonished = 0
        for d in members:
            reasons = []
            if d.veto:
                reasons.append("veto")
            if threshold is not None and d.final_score < threshold:
                reasons.append("threshold")
            if d.name in by_rank and d.name not in commended:
                reasons.append("rank")
            if d.veto or "threshold" in reasons:
                outcome = ADMONISH
            elif d.name in commended:
                outcome = COMMEND
            elif d.name in by_rank:
                outcome = ADMONISH
            else:
                outcome = NONE
            admonished += outcome == ADMONISH
            placing[d.name].update(outcome=outcome, admonish_reasons=tuple(reasons))
        c_line = min((d.final_score for d in eligible if d.name in commended), default=None)
        a_line = max((d.final_score for d in eligible if d.name in by_rank), default=None)
        for d in eligible:
            placing[d.name].update(
                commend_margin=None if c_line is None else d.final_score - c_line,
                admonish_margin=None if a_line is None else d.final_score - a_line)
        summaries.append(CategoryResult(name, n, commend_q, admonish_q, len(commended),
                                        admonished, c_line, a_line))
    return summaries


def outcome_of(data: EvaluationData, name: str, results: list[DepartmentResult]) -> str:
    """The outcome of department ``name`` among ``results`` (the departments of its category,
    one of them changed): what robustness asks for each candidate change."""
    ordered, placing = rank_order(data.settings, results)
    decide_outcomes(data, ordered, placing)
    return placing[name].get("outcome", NONE)


def _repeat(placing: Placing, previous: PreviousResult) -> None:
    """The previous standing of each department and the 连续末位 flag (RULES §8)."""
    for name, placed in placing.items():
        before = previous.standings.get(name)
        placed["previous"] = before
        placed["repeat"] = bool(
            before is not None and before.admonished_by_rank_or_threshold
            and {"rank", "threshold"} & set(placed.get("admonish_reasons", ())))


def _warnings(groups: list[GroupStats], departments: list[DepartmentResult]) -> list[str]:
    warnings = [f"评委类别“{g.name}”录入 {g.entered} 张,多于发出 {g.issued} 张,"
                "请核对选票;定稿前须由管理员确认" for g in groups if g.over_issued]
    for d in departments:
        if not d.scored:
            warnings.append(f"部门“{d.name}”{d.unscored_reason},不参加排名")
    return warnings


def finish(data: EvaluationData, groups: list[GroupStats],
           results: list[DepartmentResult], previous: PreviousResult | None = None
           ) -> TallyResult:
    """RULES §7–§8 and the repeat flag: ranks and outcomes of scored departments (shared)."""
    ordered, placing = rank_order(data.settings, results)
    categories = decide_outcomes(data, ordered, placing)
    if previous is not None:
        _repeat(placing, previous)
    departments = [replace(d, **placing[d.name]) for d in ordered]
    return TallyResult(
        evaluation=data.settings.name, year=data.settings.year,
        decimals=data.settings.result_decimals, data=data,
        departments=departments, groups=groups, categories=categories, previous=previous,
        warnings=_warnings(groups, departments))
