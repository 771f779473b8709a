"""Ballots to flip (改票翻转数)
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
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from evalapp.ballot_matrix import BLANK, BallotMatrix
from evalapp.domain import GRADE_MODE, TIE_EXCELLENT, DomainError, EvaluationData
from evalapp.ranking import sort_key
from evalapp.robustness.context import Context
from evalapp.robustness.figures import DEFAULT_LIMIT, Flip, MarkChange, Progress
from evalapp.setting_rules import trimmed_each_side
from evalapp.tally import _group_score
from evalapp.tally_fast import tally_fast
from evalapp.tally_result import ADMONISH, COMMEND, DepartmentResult, TallyResult


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

    def __init__(self, ctx: Context, name: str, up: bool, limit: int):
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
        return pick(scored, key=lambda rp: sort_key(settings, rp[0]))

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


def _flip_one(ctx: Context, name: str, limit: int) -> Flip:
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
                    progress: Progress | None = None, ctx: Context | None = None
                    ) -> list[Flip]:
    """Ballots to flip each department's outcome (see the module's docstring)."""
    ctx = ctx if ctx is not None else Context(data)
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
