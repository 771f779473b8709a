"""The rules of an evaluation's set-up that are not storage (RULES §1, §4–§6), one function
each: weights that sum to 100, the 2k+1 trim rule, the tie-break keys and their labels, the
0–100 range of a score. Validation, the rule summary, the tallies, the reports and the pages
call these; none of them writes the rule again. (Ballot validity, RULES §3: ballot_rules.py;
one mark, RULES §2: marks.py.)"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from evalapp.domain import TIE_EXCELLENT, TIE_ONSITE, format_decimal

HUNDRED = Decimal(100)


# ---------------------------------------------------------------- weights (RULES §4, §5)

def weight_total(items: Iterable) -> Decimal:
    """The sum of the weights of groups or components (anything with ``.weight``)."""
    return sum((item.weight for item in items), Decimal(0))


def weights_complete(total: Decimal | Fraction) -> bool:
    """Whether weights (percentages) add up as they must: exactly 100 (a Fraction compares
    exactly too: the importer sums in Fractions so that no context rounds 100.000…004)."""
    return total == HUNDRED


def weight_total_words(total: Decimal) -> str:
    """What a page or the rule summary says of a weight sum that is not 100."""
    return f"权重合计 {format_decimal(total)},应为 100"


def score_in_range(value: Decimal) -> bool:
    """A score given outside the ballots (another component, 0–100)."""
    return 0 <= value <= HUNDRED


# ---------------------------------------------------------------- trimming (RULES §4.2)

def min_trim_from(trim: int) -> int:
    """The fewest evaluators for which dropping ``trim`` highest and lowest marks is allowed:
    2k + 1, so at least one mark remains."""
    return 2 * trim + 1


def trimmed_each_side(trim: int, trim_from: int, count: int) -> int:
    """How many highest and how many lowest marks are dropped when ``count`` evaluators of a
    group marked a department: ``trim`` once ``count`` reaches ``trim_from``, else none."""
    return trim if trim > 0 and count >= trim_from else 0


# ---------------------------------------------------------------- tie-break keys (RULES §6)

def tie_keys(group_names: Iterable[str]) -> list[str]:
    """Every key a tie may be broken by, in the order the settings page offers them: the
    on-site score, each group's score, the number of "excellent" marks."""
    return [TIE_ONSITE, *group_names, TIE_EXCELLENT]


def tie_key_problem(key: str, group_names: Iterable[str]) -> str | None:
    """Why ``key`` cannot be a tie-break key of an evaluation with these groups, or None."""
    if key in tie_keys(group_names):
        return None
    return f"同分排序中的“{key}”不是{TIE_ONSITE}、{TIE_EXCELLENT}或评委类别名称"


def tie_label(key: str) -> str:
    """A tie-break key as people read it (集中考评得分, 四大班子领导评分, 优秀票数)."""
    return key if key in (TIE_ONSITE, TIE_EXCELLENT) else f"{key}评分"
