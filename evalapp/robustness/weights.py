"""Weight sensitivity (权重敏感性)
    The commend and admonish lists recomputed with each group's weight moved ±5 points (the
    other groups' weights rescaled to keep the sum at 100) and with each group left out (its
    ballots not counted): "名单稳定" or which departments move under which variation.
"""

from __future__ import annotations

from fractions import Fraction

from evalapp.domain import EvaluationData
from evalapp.ranking import finish
from evalapp.robustness.context import Context
from evalapp.robustness.figures import WEIGHT_STEP, Move, Variation
from evalapp.tally import Scoring


def _lists(result_departments) -> dict[str, str]:
    return {d.name: d.outcome for d in result_departments}


def weight_variations(data: EvaluationData, ctx: Context | None = None,
                      step: int = WEIGHT_STEP) -> list[Variation]:
    """Each group's weight ±step (others rescaled to keep 100) and each group left out."""
    ctx = ctx if ctx is not None else Context(data)
    base = _lists(ctx.base.departments)
    weights = {g.name: Fraction(g.weight) for g in data.groups}
    total = sum(weights.values())
    variations = []
    for g in data.groups:
        for sign in (1, -1):
            label = f"{g.name} {'+' if sign > 0 else '−'}{step}"
            moved = weights[g.name] + sign * step
            rest = total - weights[g.name]
            if moved <= 0 or moved >= total or rest <= 0:
                variations.append(Variation(label, {}, [], "权重不能这样调整,未计算"))
                continue
            new = {h: (moved if h == g.name else w * (total - moved) / rest)
                   for h, w in weights.items()}
            variations.append(_variation(ctx, label, new, base))
        left = {h: w for h, w in weights.items() if h != g.name}
        if not left:
            continue
        variations.append(_variation(ctx, f"不计{g.name}", left, base, left_out=g.name))
    return variations


def _variation(ctx: Context, label: str, weights: dict[str, Fraction], base: dict[str, str],
               left_out: str | None = None) -> Variation:
    data = ctx.data
    scoring = Scoring(data, weights)
    a = ctx.arrays
    excellent_out = None
    if left_out is not None and a.grade_mode:
        gi = a.group_names.index(left_out)
        rows = a.group == gi
        excellent_out = (a.lut_excellent[a.codes[rows]] & a.counted[rows]).sum(axis=0)
    results = []
    for d in scoring.departments:
        exact = {g: s for g, s in ctx.exact[d.name].items() if g != left_out}
        marks = {g: n for g, n in ctx.marks[d.name].items() if g != left_out}
        excellent = ctx.excellent_of(d.name)
        column = a.matrix.column(d.name)
        if excellent_out is not None and column is not None:
            excellent -= int(excellent_out[column])
        results.append(scoring.department(d, exact, marks, excellent))
    after = finish(data, ctx.base.groups, results)
    moves = [Move(d.name, base[d.name], d.outcome) for d in after.departments
             if d.outcome != base[d.name]]
    moves.sort(key=lambda m: ctx.departments[m.department].order)
    return Variation(label, {g: Fraction(w) * 100 / sum(weights.values())
                             for g, w in weights.items()}, moves)
