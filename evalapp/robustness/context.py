"""One evaluation as the robustness analysis reads it: the vectorised tally's arrays and
group means, the base result (the real ``finish``), and each ballot's validity slack."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np

from evalapp.ballot_rules import excellent_limit
from evalapp.domain import GRADE_MODE, SCORE_MODE, EvaluationData, format_decimal
from evalapp.marks import is_excellent
from evalapp.ranking import finish, outcome_of
from evalapp.tally import Scoring
from evalapp.tally_fast import MarkArrays, group_means
from evalapp.tally_result import DepartmentResult


class Context:
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

    def excellent_of(self, name: str) -> int:
        column = self.arrays.matrix.column(name)
        return 0 if column is None else int(self.excellent[column])

    def _fresh_results(self) -> list[DepartmentResult]:
        return [self.scoring.department(d, self.exact[d.name], self.marks[d.name],
                                        self.excellent_of(d.name))
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
        results = [changed if d.name == changed.name else d for d in members]
        return outcome_of(self.data, changed.name, results)
