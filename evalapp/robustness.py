"""How firmly each outcome stands (稳固程度): ballots to flip and weight sensitivity.

Everything here is computed by the tally's own stages: the group means of the vectorised
tally (``MarkArrays``/``group_means``), the shared ``Scoring`` of a department, the shared
ranking and outcome rules (``_rank``/``_outcomes``), RULES §4's ``_group_score`` for a
changed department — and every witness is re-run through the whole real tally
(``tally_fast``) before it is reported as verified.

Ballots to flip (改票翻转数)
    For a department d, the smallest number of valid ballots whose mark for d would have to
    be different for d's outcome (通报表扬 / 诫勉谈话 / 无) to change, all else equal.
    Definitions (documented in README and shown with the figure):

    * a changed mark is any mark a clerk could type for d — a score on the grid
      [low, high] with ``mark_decimals`` decimals, or a grade that carries points — never a
      blank or an abstention (that would remove the mark, not change it);
    * only marks that count for d can change: marks on valid ballots, not a recusing
      evaluator's mark for his own department (it never counts);
    * a change that would make its ballot invalid (excellent quota, all marks identical) is
      not allowed: a void ballot would drop all its marks for every department, which is not
      "all else equal". The witness's new marks therefore keep every ballot valid, and the
      re-run of the real tally confirms that no ballot became invalid;
    * the outcome is a monotone function of d's sort key (veto, final score, tie-break keys)
      and every key component is monotone in every mark, so for each number j of changed
      ballots the search keeps every changed set not dominated in (weighted group sums,
      tie-break group sums, first-grade marks) — moving each changed mark to its extreme
      allowed value — and the best key among them decides whether j ballots can flip d;
      the smallest such j is found by bisection (more changes never hurt), up to ``limit``.
    A vetoed department is admonished whatever its marks; an unscored one has no outcome.

Weight sensitivity (权重敏感性)
    The commend and admonish lists recomputed with each group's weight moved ±5 points (the
    other groups' weights rescaled to keep the sum at 100) and with each group left out (its
    ballots not counted): "名单稳定" or which departments move under which variation.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Callable

import numpy as np

from evalapp.ballot_matrix import BLANK, BallotMatrix
from evalapp.domain import (
    GRADE_MODE, SCORE_MODE, TIE_EXCELLENT, DomainError, EvaluationData, format_decimal,
)
from evalapp.marks import is_excellent
from evalapp.setting_rules import trimmed_each_side
from evalapp.tally import (
    ADMONISH, COMMEND, NONE, UNSCORED, DepartmentResult, Scoring, TallyResult, _group_score,
    _outcomes, _rank, _sort_key, excellent_limit, finish,
)
from evalapp.tally_fast import MarkArrays, Unsupported, group_means, tally_fast

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


# ====================================================================== shared context


class _Context:
    """One evaluation's arrays, base results and the ballots' validity slack."""

    def __init__(self, data: EvaluationData, arrays: MarkArrays | None = None):
        self.data = data
        self.settings = data.settings
        self.arrays = arrays if arrays is not None else MarkArrays(data)
        self.exact, self.marks = group_means(self.arrays)
        self.excellent = self.arrays.excellent_counts()
        self.scoring = Scoring(data)
        self.departments = {d.name: d for d in data.departments}
        self.base = finish(data, self.arrays.group_stats(), self._fresh_results())
        self.by_name = {d.name: d for d in self.base.departments}
        self._members: dict[str, list[DepartmentResult]] = {}
        self._ballot_slack()
        self._mark_targets()

    def _excellent_of(self, name: str) -> int:
        column = self.arrays.matrix.column(name)
        return 0 if column is None else int(self.excellent[column])

    def _fresh_results(self) -> list[DepartmentResult]:
        return [self.scoring.department(d, self.exact[d.name], self.marks[d.name],
                                        self._excellent_of(d.name))
                for d in self.scoring.departments]

    def _ballot_slack(self) -> None:
        """Per ballot: marks, first-grade/high marks, and the spread of its values (for the
        excellent quota and the identical-marks rule when one mark changes)."""
        a = self.arrays
        present = a.lut_present[a.codes]
        self.n_marks = present.sum(axis=1)
        self.n_excellent = a.lut_excellent[a.codes].sum(axis=1)
        top, bottom = np.iinfo(np.int64).max, np.iinfo(np.int64).min
        low = np.where(present, a.points, top).min(axis=1, initial=top)
        high = np.where(present, a.points, bottom).max(axis=1, initial=bottom)
        self.low, self.high = low, high
        self.n_low = (present & (a.points == low[:, None])).sum(axis=1)
        self.n_high = (present & (a.points == high[:, None])).sum(axis=1)
        self.limit = excellent_limit(self.settings, len(self.data.departments))
        self.np_slack = (self.n_marks, self.n_excellent, self.low, self.high, self.n_low,
                         self.n_high)
        # plain lists: read one ballot at a time below
        self.n_marks, self.n_excellent = self.n_marks.tolist(), self.n_excellent.tolist()
        self.low, self.high = self.low.tolist(), self.high.tolist()
        self.n_low, self.n_high = self.n_low.tolist(), self.n_high.tolist()
        self._excellent_cache: dict[int, bool] = {}
        self._texts: dict[int, str] = {}
        self.identical_rule = (self.settings.mode == SCORE_MODE
                               and self.settings.void_identical)

    def _mark_targets(self) -> None:
        """Every mark a clerk could type, as (scaled points, first grade/high, text)."""
        s, table = self.settings, self.arrays.table
        scale = table.scale
        if s.mode == GRADE_MODE:
            marks = []
            for g in s.grades:
                if g.points is None:
                    continue
                table.learn([g.name])
                marks.append((table.points[g.name], table.excellent[g.name], g.name))
            self.grade_marks = marks
            self.grid = None
        else:
            self.grade_marks = None
            self.grid = (math.ceil(s.low * scale), math.floor(s.high * scale))
            self.high_scaled = (None if s.high_line is None
                                else Fraction(s.high_line) * scale)

    def score_text(self, scaled: int) -> str:
        text = self._texts.get(scaled)
        if text is None:
            text = self._texts[scaled] = format_decimal(
                Decimal(scaled).scaleb(-self.settings.mark_decimals))
        return text

    def excellent_scaled(self, scaled: int) -> bool:
        hit = self._excellent_cache.get(scaled)
        if hit is None:
            text = self.score_text(scaled)
            hit = self._excellent_cache[scaled] = is_excellent(self.settings, text, Decimal(text))
        return hit

    # ------------------------------------------------------------- validity of a change

    def keeps_valid(self, row: int, old: int, old_excellent: bool, new: int,
                    new_excellent: bool) -> bool:
        """Would the ballot stay valid with this one mark changed (RULES §3.2, §3.3)?"""
        if self.limit is not None:
            if self.n_excellent[row] - old_excellent + new_excellent > self.limit:
                return False
        if self.identical_rule and self.n_marks[row] >= 2:
            others = self._others_all_equal(row, old)
            if others is not None and others == new:
                return False
        return True

    def _others_all_equal(self, row: int, old: int) -> int | None:
        """The value every other mark of the ballot has, when they all have one."""
        n = self.n_marks[row]
        low, high = self.low[row], self.high[row]
        if low == high:
            return low
        if old == low and self.n_low[row] == 1 and self.n_high[row] == n - 1:
            return high
        if old == high and self.n_high[row] == 1 and self.n_low[row] == n - 1:
            return low
        return None

    def primary(self, up: bool) -> tuple[int, bool, str] | None:
        """The extreme mark in this direction, before any ballot's validity is considered."""
        if self.grade_marks is not None:
            if not self.grade_marks:
                return None
            return sorted(self.grade_marks, key=lambda m: (m[0], m[1]), reverse=up)[0]
        lo, hi = self.grid
        if lo > hi:
            return None
        x = hi if up else lo
        return x, self.excellent_scaled(x), self.score_text(x)

    def valid_with(self, rows: np.ndarray, old: np.ndarray, old_excellent: np.ndarray,
                   new: int, new_excellent: bool) -> np.ndarray:
        """keeps_valid for many ballots at once (the same two rules, on arrays)."""
        n_marks, n_excellent, low, high, n_low, n_high = (x[rows] for x in self.np_slack)
        ok = np.ones(len(rows), dtype=bool)
        if self.limit is not None:
            ok &= n_excellent - old_excellent + int(new_excellent) <= self.limit
        if self.identical_rule:
            others = np.where(low == high, low, np.where(
                (old == low) & (n_low == 1) & (n_high == n_marks - 1), high, np.where(
                    (old == high) & (n_high == 1) & (n_low == n_marks - 1), low, new + 1)))
            ok &= ~((n_marks >= 2) & (others == new))
        return ok

    def target(self, row: int, old: int, old_excellent: bool, up: bool
               ) -> tuple[int, bool, str] | None:
        """The extreme allowed mark for this ballot in this direction, or None."""
        if self.grade_marks is not None:
            order = sorted(self.grade_marks, key=lambda m: (m[0], m[1]), reverse=up)
            for points, excellent, text in order:
                better = (points > old or (points == old and excellent > old_excellent)) if up \
                    else (points < old or (points == old and excellent < old_excellent))
                if not better:
                    return None
                if self.keeps_valid(row, old, old_excellent, points, excellent):
                    return points, excellent, text
            return None
        lo, hi = self.grid
        x = hi if up else lo
        for _ in range(16):  # each rule rules out one value (or all above the high line)
            if (up and x <= old) or (not up and x >= old):
                return None
            excellent = self.excellent_scaled(x)
            if self.keeps_valid(row, old, old_excellent, x, excellent):
                return x, excellent, self.score_text(x)
            if up and excellent and self.limit is not None and self.high_scaled is not None \
                    and self.n_excellent[row] - old_excellent + 1 > self.limit:
                x = min(x - 1, math.ceil(self.high_scaled) - 1)  # below the high line
            else:
                x = x - 1 if up else x + 1
        return None

    # ------------------------------------------------------------------ outcomes

    def department_with(self, name: str, group_exact: dict[str, Fraction],
                        excellent: int) -> DepartmentResult:
        return self.scoring.department(self.departments[name], group_exact,
                                       self.marks[name], excellent)

    def outcome_with(self, changed: DepartmentResult) -> str:
        """d's outcome when only d's result is ``changed`` (the shared rank/outcome rules).

        Outcomes are decided within a category (RULES §8), so only d's category is ranked."""
        members = self._members.get(changed.category)
        if members is None:
            members = self._members[changed.category] = [
                d for d in self.base.departments if d.category == changed.category]
        results = [changed if d.name == changed.name else copy.copy(d) for d in members]
        _outcomes(self.data, _rank(self.settings, results))
        return changed.outcome


# ====================================================================== ballots to flip


@dataclass
class _Candidate:
    row: int
    old: int
    old_excellent: bool
    new: int
    new_excellent: bool
    text: str


class _Department:
    """The search for one department and one direction."""

    def __init__(self, ctx: _Context, name: str, up: bool, limit: int):
        self.ctx, self.name, self.up, self.limit = ctx, name, up, limit
        a = ctx.arrays
        self.column = a.matrix.column(name)
        self.base = ctx.by_name[name]
        settings = ctx.settings
        tie_groups = [t for t in settings.tie_break if t in ctx.arrays.group_names]
        self.tie_groups = list(dict.fromkeys(tie_groups))
        self.count_excellent = (TIE_EXCELLENT in settings.tie_break
                                and settings.mode == GRADE_MODE)
        self.groups = []  # (group index, name, sorted values, [classes of candidates])
        self.candidates = 0
        goal = ctx.primary(up)
        for gi, group in enumerate(ctx.data.groups):
            rows = np.flatnonzero((a.group == gi) & a.counted[:, self.column])
            if not len(rows):
                continue
            values = a.points[rows, self.column]
            excellents = a.lut_excellent[a.codes[rows, self.column]]
            classes: dict[tuple[int, bool, str], list[_Candidate]] = {}
            if goal is not None:
                x, xe = goal[0], int(goal[1])
                if up:
                    useful = (values < x) | ((values == x) & (excellents < xe))
                else:
                    useful = (values > x) | ((values == x) & (excellents > xe))
                ok = ctx.valid_with(rows, values, excellents, x, goal[1])
                fast = np.flatnonzero(useful & ok)
                # the most to gain first: lowest (value, first grade) when raising
                order = np.lexsort((rows[fast], excellents[fast], values[fast]))
                if not up:
                    order = np.lexsort((-rows[fast], -excellents[fast].astype(int),
                                        -values[fast]))
                fast = fast[order]
                self.candidates += len(fast)
                if len(fast):
                    classes[goal] = [_Candidate(int(rows[i]), int(values[i]),
                                                bool(excellents[i]), x, goal[1], goal[2])
                                     for i in fast[:limit].tolist()]
                slow = np.flatnonzero(useful & ~ok).tolist()
                others: dict[tuple[int, bool, str], list[_Candidate]] = {}
                for i in slow:
                    row, value, excellent = int(rows[i]), int(values[i]), bool(excellents[i])
                    target = ctx.target(row, value, excellent, up)
                    if target is None:
                        continue
                    self.candidates += 1
                    others.setdefault(target, []).append(
                        _Candidate(row, value, excellent, target[0], target[1], target[2]))
                for target, members in others.items():
                    members.sort(key=lambda c: (c.old, c.old_excellent, c.row),
                                 reverse=not up)
                    classes.setdefault(target, []).extend(members[:limit])
            ordered = sorted(values.tolist())
            self.groups.append((gi, group, ordered, list(classes.values())))
        # integer weights over a common denominator: obj = Σ w_g·T_g/left_g (monotone in
        # the on-site and final scores; the remaining groups add a constant)
        lefts = [self._left(group, len(values)) for _, group, values, _ in self.groups]
        common = math.lcm(*lefts) if lefts else 1
        weights = [Fraction(group.weight) for _, group, _, _ in self.groups]
        denominator = math.lcm(*(w.denominator for w in weights)) if weights else 1
        self.factor = [int(w * denominator) * (common // left)
                       for w, left in zip(weights, lefts)]

    @staticmethod
    def _left(group, n: int) -> int:
        return n - 2 * trimmed_each_side(group.trim, group.trim_from, n)

    # ------------------------------------------------------------------ options

    def _options(self, index: int, most: int):
        """Per count c ≤ most: the non-dominated ways to change c marks of this group, each
        as (trimmed sum, first-grade marks gained, [candidates])."""
        gi, group, values, classes = self.groups[index]
        options: list[list[tuple]] = [[] for _ in range(most + 1)]
        options[0].append((self._trimmed(values, group), 0, ()))
        sizes = [len(c) for c in classes]
        simple = None
        if len(classes) == 1 and values:
            # the prefix-sum shortcut needs the candidates to be the lowest values (raising)
            # or the highest (lowering), and x beyond every value
            x, olds = classes[0][0].new, [m.old for m in classes[0]]
            edge = values[:len(olds)] if self.up else values[::-1][:len(olds)]
            if olds == edge and ((self.up and x >= values[-1])
                                 or (not self.up and x <= values[0])):
                simple = x, list(itertools.accumulate(values, initial=0))
        for c in range(1, most + 1):
            found = []
            for split in _splits(c, sizes):
                chosen = tuple(m for members, k in zip(classes, split) for m in members[:k])
                gained = sum(m.new_excellent - m.old_excellent for m in chosen)
                if simple is not None:
                    total = self._trimmed_extreme(values, simple[1], c, simple[0], group)
                else:
                    total = self._trimmed(_changed(values, chosen), group)
                found.append((total, gained, chosen))
            options[c] = _pareto(found, lambda o: (o[0], o[1]), self.up)
        return options

    def _trimmed_extreme(self, values: list[int], prefix: list[int], c: int, x: int,
                         group) -> int:
        """The trimmed sum after the c lowest values became x ≥ all (raising) or the c
        highest became x ≤ all (lowering): prefix sums, no sorting."""
        n = len(values)
        k = trimmed_each_side(group.trim, group.trim_from, n)
        first, last = k, n - k - 1  # positions kept in the sorted list
        if first > last:
            return 0
        if self.up:  # new sorted list: values[c:], then x × c
            top = min(last, n - c - 1)
            kept = prefix[top + c + 1] - prefix[first + c] if top >= first else 0
            return kept + x * max(0, last - max(first, n - c) + 1)
        # lowering: x × c, then values[:n - c]
        low = max(first, c)
        kept = prefix[last - c + 1] - prefix[low - c] if low <= last else 0
        return x * max(0, min(c - 1, last) - first + 1) + kept

    @staticmethod
    def _trimmed(values: list[int], group) -> int:
        points = sorted(values)
        k = trimmed_each_side(group.trim, group.trim_from, len(points))
        if k:
            points = points[k:len(points) - k]
        return sum(points)

    def _frontiers(self, most: int) -> list[list[tuple]]:
        """For j = 0..most: the non-dominated combined states over all groups."""
        order = sorted(range(len(self.groups)),
                       key=lambda i: self.groups[i][1].name in self.tie_groups)
        frontier: list[list[tuple]] = [[((0,), ())]] + [[] for _ in range(most)]
        for index in order:
            options = self._options(index, most)
            name = self.groups[index][1].name
            tied = name in self.tie_groups
            merged: list[list[tuple]] = [[] for _ in range(most + 1)]
            for j in range(most + 1):
                pool = []
                for c in range(j + 1):
                    for state, picks in frontier[j - c]:
                        for total, gained, chosen in options[c]:
                            obj = state[0] + self.factor[index] * total
                            rest = state[1:]
                            if tied:
                                rest = rest + (total,)
                            pool.append(((obj,) + rest, picks + ((index, chosen, gained),)))
                merged[j] = _pareto(pool, lambda s: s[0] + (self._gain(s[1]),), self.up)
            frontier = merged
        return frontier

    def _gain(self, picks) -> int:
        return sum(p[2] for p in picks) if self.count_excellent else 0

    # ------------------------------------------------------------------ search

    def _result(self, picks) -> DepartmentResult:
        ctx = self.ctx
        exact = dict(self.base.group_exact)
        gained = 0
        for index, chosen, g in picks:
            if not chosen:
                continue
            _, group, values, _ = self.groups[index]
            exact[group.name] = _group_score(_changed(values, chosen), group.trim,
                                             group.trim_from, ctx.arrays.scale)
            if ctx.arrays.grade_mode:  # 优秀票数 counts first grades: 等次制 only (RULES §7)
                gained += g
        return ctx.department_with(self.name, exact, self.base.excellent_count + gained)

    def best(self, frontier_j) -> tuple[DepartmentResult, tuple]:
        settings = self.ctx.settings
        scored = [(self._result(picks), picks) for _, picks in frontier_j]
        pick = min if self.up else max
        return pick(scored, key=lambda rp: _sort_key(settings, rp[0]))

    def search(self) -> tuple[int, str, tuple] | None:
        """(smallest j, the outcome it gives, the changed candidates) or None."""
        most = min(self.limit, self.candidates)
        if most == 0:
            return None
        frontier = self._frontiers(most)
        memo: dict[int, tuple] = {}

        def probe(j: int):
            if j not in memo:
                if not frontier[j]:
                    memo[j] = (False, None, None)
                else:
                    result, picks = self.best(frontier[j])
                    outcome = self.ctx.outcome_with(result)
                    memo[j] = (outcome != self.base.outcome, outcome, picks)
            return memo[j]

        if not probe(most)[0]:
            return None
        low, high = 0, most  # flips at high, not at low (0 changes keep the outcome)
        while high - low > 1:
            middle = (low + high) // 2
            if probe(middle)[0]:
                high = middle
            else:
                low = middle
        _, outcome, picks = probe(high)
        chosen = [c for _, cs, _ in picks for c in cs]
        return high, outcome, tuple(chosen)


def _changed(values: list[int], chosen) -> list[int]:
    new = list(values)
    for m in chosen:
        new.remove(m.old)
        new.append(m.new)
    return new


def _splits(total: int, sizes: list[int]):
    """Ways to take ``total`` candidates from classes of these sizes (each ≤ its size)."""
    if not sizes:
        return
    for head in itertools.product(*(range(min(s, total) + 1) for s in sizes[:-1])):
        rest = total - sum(head)
        if 0 <= rest <= sizes[-1]:
            yield head + (rest,)


def _pareto(items: list, key, up: bool) -> list:
    """The items whose key vector no other item dominates (≥ everywhere when ``up``)."""
    sign = 1 if up else -1
    keyed = sorted(((tuple(sign * x for x in key(item)), item) for item in items),
                   key=lambda ki: ki[0], reverse=True)
    kept: list[tuple] = []
    for k, item in keyed:
        if any(all(a >= b for a, b in zip(other, k)) for other, _ in kept):
            continue
        kept.append((k, item))
    return [item for _, item in kept]


def _flip_one(ctx: _Context, name: str, limit: int) -> Flip:
    base = ctx.by_name[name]
    flip = Flip(name, base.category, base.outcome)
    if not base.scored:
        flip.reason = "无有效评分,不参加排名"
        return flip
    if base.veto:
        flip.reason = "一票否决:无论票面如何均为诫勉谈话"
        return flip
    # raising d's marks can only improve its outcome, lowering only worsen it
    directions = [up for up, possible in ((True, base.outcome != COMMEND),
                                          (False, base.outcome != ADMONISH)) if possible]
    found = []
    candidates = 0
    for up in directions:
        search = _Department(ctx, name, up, limit)
        candidates = max(candidates, search.candidates)
        hit = search.search()
        if hit is not None:
            found.append(hit)
    flip.candidates = candidates
    if not found:
        flip.reason = (f"改动 {limit} 张以内的选票不能改变结果" if candidates > limit
                       else "改动任何选票都不能改变结果")
        return flip
    count, outcome, chosen = min(found, key=lambda h: h[0])
    a = ctx.arrays
    flip.count, flip.new_outcome = count, outcome
    flip.changes = sorted(
        (MarkChange(a.serial(c.row), ctx.data.groups[int(a.group[c.row])].name,
                    a.matrix.texts[int(a.codes[c.row, a.matrix.column(name)])], c.text)
         for c in chosen), key=lambda m: m.serial)
    return flip


def with_changes(data: EvaluationData, department: str, changes: list[MarkChange]
                 ) -> EvaluationData:
    """The evaluation with these marks for ``department`` changed (nothing else)."""
    matrix = data.ballots if isinstance(data.ballots, BallotMatrix) else \
        BallotMatrix.from_ballots(data.ballots, [d.name for d in data.departments])
    codes = matrix.codes.copy()
    texts = list(matrix.texts)
    column = matrix.column(department)
    rows = {s: i for i, s in enumerate(matrix.serials)}
    for change in changes:
        if change.new not in texts:
            texts.append(change.new)
        row = rows[change.serial]
        if codes[row, column] == BLANK or matrix.texts[codes[row, column]] != change.old:
            raise DomainError(f"选票 {change.serial} 的原评分与核对单不符")
        codes[row, column] = texts.index(change.new)
    changed = BallotMatrix(matrix.columns, texts, codes, matrix.serials, matrix.groups,
                           matrix.owns, matrix.voids)
    return replace(data, ballots=changed)


def verify_flip(data: EvaluationData, base: TallyResult, flip: Flip) -> bool:
    """Re-run the real tally on the witness: the department's outcome is the new one and
    no ballot changed validity."""
    rerun = tally_fast(with_changes(data, flip.department, flip.changes))
    after = next(d for d in rerun.departments if d.name == flip.department)
    invalid = [{i.serial for i in g.invalid_ballots} for g in rerun.groups]
    before = [{i.serial for i in g.invalid_ballots} for g in base.groups]
    return after.outcome == flip.new_outcome != flip.outcome and invalid == before


def ballots_to_flip(data: EvaluationData, limit: int = DEFAULT_LIMIT,
                    departments: list[str] | None = None, verify: bool = True,
                    progress: Progress | None = None, ctx: _Context | None = None
                    ) -> list[Flip]:
    """Ballots to flip each department's outcome (see the module's docstring)."""
    ctx = ctx if ctx is not None else _Context(data)
    names = departments or [d.name for d in ctx.base.departments]
    flips = []
    for i, name in enumerate(names):
        flip = _flip_one(ctx, name, limit)
        if verify and flip.count is not None:
            flip.verified = verify_flip(data, ctx.base, flip)
        flips.append(flip)
        if progress is not None:
            progress(i + 1, len(names))
    return flips


# ====================================================================== weight sensitivity


def _lists(result_departments) -> dict[str, str]:
    return {d.name: d.outcome for d in result_departments}


def weight_variations(data: EvaluationData, ctx: _Context | None = None,
                      step: int = WEIGHT_STEP) -> list[Variation]:
    """Each group's weight ±step (others rescaled to keep 100) and each group left out."""
    ctx = ctx if ctx is not None else _Context(data)
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


def _variation(ctx: _Context, label: str, weights: dict[str, Fraction], base: dict[str, str],
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
        excellent = ctx._excellent_of(d.name)
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


# ====================================================================== both


def analyse(data: EvaluationData, limit: int = DEFAULT_LIMIT, verify: bool = True,
            progress: Progress | None = None) -> Robustness:
    """Ballots to flip for every department and the weight variations, from one tally."""
    try:
        ctx = _Context(data)
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


OUTCOME_WORDS = {COMMEND: "通报表扬", ADMONISH: "诫勉谈话", NONE: "无", UNSCORED: "无有效评分"}
