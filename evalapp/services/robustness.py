"""稳固程度 of a stored evaluation's outcomes (issue 16): ballots to flip and weight
sensitivity, computed by evalapp.robustness from the same snapshot as the results; as
Chinese text (command line), as JSON, and as rows for the results page and workbook."""

from __future__ import annotations

import json

from evalapp.db.engine import Database
from evalapp.robustness import (
    DEFAULT_LIMIT, FRAGILE, OUTCOME_WORDS, Flip, Progress, Robustness, Variation, analyse,
)
from evalapp.rounding import fixed, round_half_up
from evalapp.services.context import SYSTEM, VIEW_RESULTS, Actor, require
from evalapp.services.results import Results, compute_results

# The results page refreshes with every ballot: it only needs to know which departments
# 1 or 2 ballots could flip (the full figures come with the workbook and the command line).
PAGE_LIMIT = FRAGILE
STABLE = "名单稳定"

DEFINITION = (
    "改票翻转数:至少要有几张有效选票对该部门的评分不同(每张都改为可填写的分值或等次,"
    "且不使该票作废;其他一切不变),该部门的结果(通报表扬/诫勉谈话/无)才会改变。"
    "所列改票方案均已按计分规则重新计算核实。")
WEIGHT_DEFINITION = ("权重敏感性:每个评委类别的权重分别增减 5 个百分点(其余类别按比例调整,"
                     "合计仍为 100),以及分别不计某一类别时,表扬和诫勉名单是否变化。")


def compute_robustness(db: Database, evaluation_id: int, actor: Actor = SYSTEM,
                       results: Results | None = None, limit: int = DEFAULT_LIMIT,
                       progress: Progress | None = None) -> Robustness:
    """The analysis of the evaluation's current ballots (of ``results`` when given: the
    very snapshot the shown results come from)."""
    require(actor, VIEW_RESULTS)
    if results is None:
        results = compute_results(db, evaluation_id, actor)
    return analyse(results.data, limit, progress=progress)


def flip_words(flip: Flip, limit: int) -> str:
    """The figure for one department in a sentence fragment: "1 张" / "超过 20 张" / reason."""
    if flip.count is not None:
        return f"{flip.count} 张"
    if flip.candidates > limit and not flip.reason.startswith(("一票否决", "无有效评分")):
        return f"超过 {limit} 张"
    return flip.reason


def change_words(flip: Flip) -> str:
    return ";".join(f"{c.serial}({c.group}):{c.old}→{c.new}" for c in flip.changes)


def variation_words(v: Variation) -> str:
    if v.note:
        return v.note
    if not v.moves:
        return "名单不变"
    return ";".join(f"{m.department} {OUTCOME_WORDS[m.before]}→{OUTCOME_WORDS[m.after]}"
                    for m in v.moves)


def robustness_text(r: Robustness) -> str:
    lines = [f"{r.evaluation}    稳固程度分析", DEFINITION, ""]
    lines.append("一、改票翻转数(由少到多)")
    ordered = sorted(r.flips, key=lambda f: (f.count is None, f.count or 0, f.department))
    for f in ordered:
        mark = "【需重点核对】" if f.fragile else ""
        head = (f"{f.department}({f.category}):现为{OUTCOME_WORDS[f.outcome]},"
                f"改动 {flip_words(f, r.limit)}")
        if f.count is not None:
            head += (f"即变为{OUTCOME_WORDS[f.new_outcome]}"
                     f"{'(已重新计算核实)' if f.verified else '(未能核实)'}{mark}")
            lines.append(head)
            lines.append(f"    改票方案:{change_words(f)}")
        else:
            lines.append(head if f.reason.startswith(("一票否决", "无有效评分")) else
                         head + "也不会改变结果")
    lines += ["", "二、权重敏感性", WEIGHT_DEFINITION]
    if r.stable:
        lines.append(STABLE)
    else:
        for v in r.variations:
            lines.append(f"{v.label}:{variation_words(v)}")
    fragile = [f.department for f in ordered if f.fragile]
    lines += ["", "需核对纸质选票的部门(1–2 张选票即可改变结果):"
              + ("、".join(fragile) if fragile else "无")]
    return "\n".join(lines) + "\n"


def robustness_dict(r: Robustness) -> dict:
    return {
        "evaluation": r.evaluation, "digest": r.digest, "limit": r.limit,
        "flips": [{
            "department": f.department, "category": f.category, "outcome": f.outcome,
            "ballots_to_flip": f.count, "new_outcome": f.new_outcome,
            "verified": f.verified, "fragile": f.fragile, "reason": f.reason or None,
            "changes": [{"serial": c.serial, "group": c.group, "old": c.old, "new": c.new}
                        for c in f.changes]} for f in r.flips],
        "weight_sensitivity": {
            "stable": r.stable,
            "variations": [{"variation": v.label, "note": v.note or None,
                            "weights": {g: fixed(round_half_up(w, 2), 2) for g, w in
                                        v.weights.items()},
                            "moves": [{"department": m.department, "before": m.before,
                                       "after": m.after} for m in v.moves]}
                           for v in r.variations]},
    }


def robustness_json(r: Robustness) -> str:
    return json.dumps(robustness_dict(r), ensure_ascii=False, indent=1)
