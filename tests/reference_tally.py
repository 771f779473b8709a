"""An independent reference implementation of RULES.md §2–§8, for the tests only.

Written straight from the text of RULES.md, without looking at evalapp/tally.py.
Deliberately naive: no performance tricks, every number a ``Fraction``, every rule a
few lines that can be read next to the paragraph it implements.

``reference_tally(data, previous_flags)`` returns::

    {"ballots": {"total": int, "valid": int, "invalid": int},
     "groups": {group: {"issued", "entered", "valid", "invalid", "invalid_serials"}},
     "departments": [ {JSON entry of WORKBOOK.md}, ... ],   # by rank, unscored last
     "repeat": {department: bool},
     "unscored_reason": {department: str | None}}

Interpretations of points RULES.md leaves open (each is listed in the report):
  * half up = halves away from zero (四舍五入): -87.125 -> -87.13;
  * a ballot whose only marks are abstentions (grade without points) has "no mark at
    all" and is invalid (an abstention "counts as a blank");
  * the excellent quota / void_identical look at every mark on the ballot, including the
    mark a recusing voter gives his own department (validity is a property of the ballot);
  * tie-break "优秀票数" counts first-grade marks in V (after recusal, before trimming);
    in score mode there is no first grade, so it counts 0 (the key is inert);
  * tie-break on a named group: a department without a score from that group sorts
    below every department that has one;
  * a vetoed department is still ranked (after the non-vetoed) but only when scored;
    an unscored vetoed department is "unscored" (it has no rank);
  * a department lacking the on-site score is unscored with reason 无有效评分 even
    when it also lacks a component value.
"""

from __future__ import annotations

from fractions import Fraction
from decimal import Decimal

from evalapp.domain import EvaluationData, Quota

ONSITE = "集中考评"
IMPLICIT = "全部"
TIE_ONSITE = "集中考评得分"
TIE_EXCELLENT = "优秀票数"


# ---------------------------------------------------------------- helpers

def frac(value) -> Fraction:
    """Exact value of a Decimal / int / numeric text (no floats anywhere)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        value = Decimal(value.strip())
    return Fraction(value)


def round_half_up(value: Fraction, decimals: int) -> Fraction:
    """四舍五入 to ``decimals`` places: halves go away from zero."""
    scale = Fraction(10) ** decimals
    magnitude = abs(value) * scale
    units = magnitude.numerator // magnitude.denominator      # floor of |v|*scale
    if magnitude - units >= Fraction(1, 2):
        units += 1
    if value < 0:
        units = -units
    return Fraction(units) / scale


def text(value: Fraction | None, decimals: int) -> str | None:
    """Exactly ``decimals`` decimals, rounded half up; None stays None."""
    if value is None:
        return None
    r = round_half_up(value, decimals)
    negative = r < 0
    units = abs(r) * Fraction(10) ** decimals
    assert units.denominator == 1
    digits = str(units.numerator).rjust(decimals + 1, "0")
    body = digits if decimals == 0 else digits[:-decimals] + "." + digits[-decimals:]
    return ("-" if negative else "") + body


def resolve_quota(quota: Quota, n: int) -> int:
    """§8: a count, or p% of n = round-half-up(p*n/100), at least 1 when p > 0."""
    if quota.percent is None:
        return quota.count
    p = frac(quota.percent)
    if p == 0:
        return 0
    return max(1, int(round_half_up(p * n / 100, 0)))


def floor(value: Fraction) -> int:
    return value.numerator // value.denominator


# ---------------------------------------------------------------- the tally

def reference_tally(data: EvaluationData, previous_flags: dict[str, bool] | None = None):
    s = data.settings
    score_mode = s.mode == "score"
    grade_points = {g.name: (None if g.points is None else frac(g.points)) for g in s.grades}
    first_grade = s.grades[0].name
    dec = s.result_decimals
    groups = {g.name: g for g in data.groups}
    dept_names = [d.name for d in data.departments]

    def points(mark: str | None) -> Fraction | None:
        """§2: the points of a mark; None for a blank or an abstention."""
        if mark is None or mark.strip() == "":
            return None
        if score_mode:
            return frac(mark)
        return grade_points[mark.strip()]

    def is_excellent(mark: str) -> bool:
        """§3.2: first grade (grade mode); mark >= H (score mode)."""
        if score_mode:
            return s.high_line is not None and frac(mark) >= frac(s.high_line)
        return mark.strip() == first_grade

    # ---------------- §3 ballot validity
    def invalid_reason(ballot) -> str | None:
        if ballot.void_reason:                                       # §3.4
            return ballot.void_reason
        marks = [m for m in ballot.marks.values() if points(m) is not None]
        if not marks:                                                # §3.1
            return "empty"
        r = None if s.excellent_ratio is None else frac(s.excellent_ratio)
        quota_applies = r is not None and r > 0 and (not score_mode or s.high_line is not None)
        if quota_applies:                                            # §3.2
            limit = floor(r * len(data.departments))
            if sum(1 for m in marks if is_excellent(m)) > limit:
                return "excellent"
        if score_mode and s.void_identical and len(marks) >= 2:      # §3.3
            if len({points(m) for m in marks}) == 1:
                return "identical"
        return None

    group_stats = {g.name: {"issued": g.expected, "entered": 0, "valid": 0, "invalid": 0,
                            "invalid_serials": []} for g in data.groups}
    valid_ballots = []
    for b in data.ballots:
        st = group_stats[b.group]
        st["entered"] += 1
        if invalid_reason(b) is None:
            st["valid"] += 1
            valid_ballots.append(b)
        else:
            st["invalid"] += 1
            st["invalid_serials"].append(b.serial)

    # ---------------- §4 group scores, V per (department, group)
    V: dict[tuple[str, str], list[Fraction]] = {(d, g): [] for d in dept_names for g in groups}
    excellent_in_V: dict[str, int] = {d: 0 for d in dept_names}
    for b in valid_ballots:
        g = groups[b.group]
        for d, mark in b.marks.items():
            if points(mark) is None:
                continue
            if g.recusal and b.own_department == d:
                continue
            V[(d, g.name)].append(points(mark))
            if not score_mode and mark.strip() == first_grade:
                excellent_in_V[d] += 1

    def group_score(values: list[Fraction], g) -> Fraction | None:
        if not values:
            return None
        values = sorted(values)
        if g.trim > 0 and len(values) >= g.trim_from:
            values = values[g.trim:len(values) - g.trim]
        return sum(values, Fraction(0)) / len(values)

    # ---------------- §5, §6 per department
    bonus_cap = None if s.bonus_cap is None else frac(s.bonus_cap)
    components = data.components or []
    rows = {}
    for dept in data.departments:
        d = dept.name
        gs = {}
        for g in data.groups:
            v = group_score(V[(d, g.name)], g)
            if v is not None:
                gs[g.name] = v
        if gs:
            onsite = (sum((frac(groups[g].weight) * v for g, v in gs.items()), Fraction(0))
                      / sum((frac(groups[g].weight) for g in gs), Fraction(0)))
        else:
            onsite = None

        reason = None
        if onsite is None:
            reason = "无有效评分"
        base = None
        if onsite is not None:
            if not components:
                base = onsite
            else:
                total = Fraction(0)
                for c in components:
                    if c.name == ONSITE:
                        value = onsite
                    else:
                        given = data.component_values.get(d, {})
                        if c.name not in given or given[c.name] is None:
                            reason = reason or f"缺少{c.name}"
                            break
                        value = frac(given[c.name])
                    total += frac(c.weight) * value
                else:
                    base = total / 100

        adjustments = [a for a in data.adjustments if a.department == d]
        positive = sum((frac(a.points) for a in adjustments if a.points > 0), Fraction(0))
        bonus = positive if bonus_cap is None else min(positive, bonus_cap)
        penalty = sum((-frac(a.points) for a in adjustments if a.points < 0), Fraction(0))
        veto = any(a.veto for a in adjustments)
        scored = reason is None
        final = base + bonus - penalty if scored else None
        rows[d] = {
            "dept": dept, "category": dept.category or IMPLICIT, "gs": gs, "onsite": onsite,
            "bonus": bonus, "penalty": penalty, "final": final, "veto": veto,
            "scored": scored, "reason": reason,
        }

    # ---------------- §7 ranking: rank = 1 + number of ranked departments strictly better
    def goodness(r) -> tuple:
        key = [0 if r["veto"] else 1, round_half_up(r["final"], dec)]
        for k in s.tie_break:
            if k == TIE_ONSITE:
                key.append(round_half_up(r["onsite"], dec))
            elif k == TIE_EXCELLENT:
                key.append(excellent_in_V[r["dept"].name])
            elif k in groups:
                v = r["gs"].get(k)
                key.append((0, 0) if v is None else (1, round_half_up(v, dec)))
        return tuple(key)

    ranked = [r for r in rows.values() if r["scored"]]
    for r in ranked:
        r["rank"] = 1 + sum(1 for o in ranked if goodness(o) > goodness(r))
        r["category_rank"] = 1 + sum(1 for o in ranked if o["category"] == r["category"]
                                     and goodness(o) > goodness(r))

    # ---------------- §8 outcomes
    if data.categories:
        quotas = {c.name: (c.commend, c.admonish) for c in data.categories}
    else:
        quotas = {IMPLICIT: (s.commend_quota, s.admonish_quota)}
    T = None if s.admonish_below is None else frac(s.admonish_below)
    for r in rows.values():
        if not r["scored"]:
            r["outcome"] = "unscored"
            r["repeat"] = False
            continue
        peers = [o for o in ranked if o["category"] == r["category"] and not o["veto"]]
        n = len(peers)
        C = resolve_quota(quotas[r["category"]][0], n)
        A = resolve_quota(quotas[r["category"]][1], n)
        by_threshold = T is not None and round_half_up(r["final"], dec) < T
        commend_by_rank = not r["veto"] and r["category_rank"] <= C
        admonish_by_rank = (not r["veto"] and
                            sum(1 for o in peers if o["category_rank"] > r["category_rank"]) < A)
        if r["veto"] or by_threshold:
            r["outcome"] = "admonish"
        elif commend_by_rank:
            r["outcome"] = "commend"
        elif admonish_by_rank:
            r["outcome"] = "admonish"
        else:
            r["outcome"] = "none"
        now = by_threshold or (admonish_by_rank and not commend_by_rank)
        r["repeat"] = bool(now and (previous_flags or {}).get(r["dept"].name, False))

    # ---------------- output in the WORKBOOK.md JSON shape
    def entry(r):
        scored = r["scored"]
        return {
            "name": r["dept"].name,
            "category": r["category"],
            "rank": r.get("rank") if scored else None,
            "category_rank": r.get("category_rank") if scored else None,
            "group_scores": {g: text(v, dec) for g, v in r["gs"].items()},
            "onsite_score": text(r["onsite"], dec),
            "bonus": text(r["bonus"], dec) if scored else None,
            "penalty": text(r["penalty"], dec) if scored else None,
            "final_score": text(r["final"], dec) if scored else None,
            "veto": r["veto"],
            "outcome": r["outcome"],
        }

    order = sorted(rows.values(), key=lambda r: (not r["scored"], r.get("rank") or 0,
                                                 r["dept"].order))
    return {
        "ballots": {"total": sum(st["entered"] for st in group_stats.values()),
                    "valid": sum(st["valid"] for st in group_stats.values()),
                    "invalid": sum(st["invalid"] for st in group_stats.values())},
        "groups": group_stats,
        "departments": [entry(r) for r in order],
        "repeat": {r["dept"].name: r["repeat"] for r in rows.values()},
        "unscored_reason": {r["dept"].name: r["reason"] for r in rows.values()},
    }


def tally_as_json(result) -> dict:
    """The tally's result in the same shape (built only from its public fields)."""
    dec = result.decimals

    def fmt(v):
        if v is None:
            return None
        return text(Fraction(v), dec)

    departments = []
    for d in result.departments:
        scored = d.unscored_reason is None
        departments.append({
            "name": d.name,
            "category": d.category,
            "rank": d.rank,
            "category_rank": d.category_rank,
            "group_scores": {g: fmt(v) for g, v in d.group_scores.items()},
            "onsite_score": fmt(d.onsite_score),
            "bonus": fmt(d.bonus) if scored else None,
            "penalty": fmt(d.penalty) if scored else None,
            "final_score": fmt(d.final_score) if scored else None,
            "veto": d.veto,
            "outcome": d.outcome,
        })
    return {
        "ballots": {"total": result.total_ballots, "valid": result.valid_ballots,
                    "invalid": result.invalid_ballots},
        "departments": departments,
        "repeat": {d.name: d.repeat for d in result.departments},
        "unscored_reason": {d.name: d.unscored_reason for d in result.departments},
    }
