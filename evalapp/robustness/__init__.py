"""How firmly each outcome stands (稳固程度): ballots to flip and weight sensitivity.

Everything here is computed by the tally's own stages: the group means of the vectorised
tally (``MarkArrays``/``group_means``), the shared ``Scoring`` of a department, the shared
ranking and outcome rules (evalapp/ranking.py), RULES §4's ``_group_score`` for a
changed department — and every witness is re-run through the whole real tally
(``tally_fast``) before it is reported as verified.

The figures: figures.py; the evaluation as the analysis reads it: context.py; ballots to
flip: flips.py; weight sensitivity: weights.py.
"""

from __future__ import annotations

from evalapp.domain import DomainError, EvaluationData
from evalapp.robustness.context import Context
from evalapp.robustness.figures import (  # noqa: F401 (the figures, for callers)
    DEFAULT_LIMIT, FRAGILE, LARGE_MARKS, OUTCOME_WORDS, WEIGHT_STEP, Flip, MarkChange, Move,
    Progress, Robustness, Variation,
)
from evalapp.robustness.flips import ballots_to_flip, verify_flip, with_changes  # noqa: F401
from evalapp.robustness.weights import weight_variations
from evalapp.tally_fast import Unsupported


def analyse(data: EvaluationData, limit: int = DEFAULT_LIMIT, verify: bool = True,
            progress: Progress | None = None) -> Robustness:
    """Ballots to flip for every department and the weight variations, from one tally."""
    try:
        ctx = Context(data)
    except Unsupported:
        raise DomainError("评分数值过大,无法进行稳固程度分析") from None
    variations = weight_variations(data, ctx)
    flips = ballots_to_flip(data, limit, verify=verify, progress=progress, ctx=ctx)
    return Robustness(data.settings.name, ctx.base.digest, limit, flips, variations)


def analysis_limit(data: EvaluationData) -> int:
    """How far a document's analysis searches: DEFAULT_LIMIT ballots, or FRAGILE for a
    city-scale evaluation (the flagged departments are what the paper audit needs)."""
    marks = len(data.ballots) * len(data.departments)
    return DEFAULT_LIMIT if marks <= LARGE_MARKS else FRAGILE
