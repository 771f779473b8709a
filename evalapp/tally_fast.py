"""The vectorised tally: RULES §3–§4 on ``int64`` numpy arrays, §5–§8 shared with evalapp.tally.

Marks are integers scaled by a power of ten (evalapp.tally._MarkTable), so sorting, trimming
and summing them in ``int64`` is exact; the only step that leaves the integers is the
per-(group, department) mean, which is a ``Fraction`` of the exact integer sum, and everything
after it is the pure tally's own code (``Scoring`` and ``finish``). The result objects and the
digest are those of ``evalapp.tally.tally``; tests/test_tally_fast.py checks that on random
evaluations of every rule switch.

Whatever the arrays cannot hold exactly (marks so large that a sum could pass 2^62) or
whatever the data gets wrong (a ballot of an unknown group, a mark with too many decimals)
goes to the pure tally, which computes the same result or raises the same message.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from evalapp.ballot_matrix import BallotMatrix
from evalapp.domain import DomainError, EvaluationData, GRADE_MODE, SCORE_MODE
from evalapp.ballot_rules import excellent_limit
from evalapp.ranking import finish
from evalapp.tally import Scoring, _invalid_reason, _MarkTable, tally
from evalapp.tally_result import GroupStats, InvalidBallot, PreviousResult, TallyResult

SAFE_TOTAL = 2 ** 62
_TOP = np.iinfo(np.int64).max
_BOTTOM = np.iinfo(np.int64).min


class Unsupported(Exception):
    """The arrays cannot take this evaluation exactly: the pure tally computes it."""


def as_matrix(data: EvaluationData) -> BallotMatrix:
    ballots = data.ballots
    if isinstance(ballots, BallotMatrix):
        return ballots
    return BallotMatrix.from_ballots(ballots, [d.name for d in data.departments])


class MarkArrays:
    """The marks of an evaluation as arrays, with ballot validity and recusal applied.

    ``points`` (ballots × departments, int64, scaled), ``counted`` (the mark is in V of
    RULES §4: present, on a valid ballot, not the recused own department), ``group`` (group
    index per ballot), ``valid``; ballots in serial order.
    """

    def __init__(self, data: EvaluationData):
        settings = data.settings
        self.data = data
        self.matrix = matrix = as_matrix(data)
        self.table = table = _MarkTable(settings)
        try:
            table.learn(matrix.texts)
        except DomainError:
            raise Unsupported("mark") from None
        self.scale = table.scale
        groups = data.groups
        self.group_names = [g.name for g in groups]
        index = {g.name: i for i, g in enumerate(groups)}
        try:
            group_of = [index[name] for name in matrix.groups]
        except KeyError:
            raise Unsupported("group") from None
        texts = matrix.texts
        # one extra entry at the end: code -1 (blank) indexes it
        scaled = [table.points[t] for t in texts]
        self.lut_present = np.array([p is not None for p in scaled] + [False])
        largest = max((abs(p) for p in scaled if p is not None), default=0)
        if largest * max(1, len(matrix)) >= SAFE_TOTAL:
            raise Unsupported("size")
        self.lut_points = np.array([0 if p is None else p for p in scaled] + [0], dtype=np.int64)
        self.lut_excellent = np.array([table.excellent[t] for t in texts] + [False])

        order = np.array(sorted(range(len(matrix)), key=matrix.serials.__getitem__),
                         dtype=np.intp)
        self.order = order
        codes = matrix.codes[order] if len(order) else matrix.codes
        self.codes = codes
        self.group = np.asarray(group_of, dtype=np.intp)[order] if len(order) else \
            np.zeros(0, dtype=np.intp)
        present = self.lut_present[codes]
        points = self.lut_points[codes]
        n_marks = present.sum(axis=1)
        voided = np.array([bool(matrix.voids[i]) for i in order.tolist()], dtype=bool)
        reasons: dict[int, str] = {}
        limit = excellent_limit(settings, len(data.departments))
        excess = np.zeros(len(order), dtype=bool)
        if limit is not None:
            excellent = self.lut_excellent[codes].sum(axis=1)
            excess = excellent > limit
        identical = np.zeros(len(order), dtype=bool)
        if settings.mode == SCORE_MODE and settings.void_identical:
            high = np.where(present, points, _BOTTOM).max(axis=1, initial=_BOTTOM)
            low = np.where(present, points, _TOP).min(axis=1, initial=_TOP)
            identical = (n_marks >= 2) & (high == low)
        empty = n_marks == 0
        invalid = voided | empty | excess | identical
        for row in np.flatnonzero(invalid).tolist():
            # the reason in the words of the one rule (evalapp.tally._invalid_reason), which
            # must agree that this ballot is invalid
            ballot = matrix[int(order[row])]
            reason = _invalid_reason(settings, table, ballot, table.ballot_points(ballot.marks),
                                     limit)
            if reason is None:
                raise Unsupported("validity")
            reasons[row] = reason
        self.valid = ~invalid
        self.reasons = reasons
        counted = present & self.valid[:, None]
        owns = [matrix.owns[i] for i in order.tolist()]
        for gi, g in enumerate(groups):
            if not g.recusal:
                continue
            for row in np.flatnonzero(self.group == gi).tolist():
                column = matrix.column(owns[row]) if owns[row] is not None else None
                if column is not None:
                    counted[row, column] = False
        self.owns = owns
        self.points = points
        self.counted = counted
        self.grade_mode = settings.mode == GRADE_MODE

    def serial(self, row: int) -> str:
        return self.matrix.serials[int(self.order[row])]

    def group_stats(self) -> list[GroupStats]:
        stats = [GroupStats(g.name, g.weight, g.expected) for g in self.data.groups]
        size = len(stats)
        entered = np.bincount(self.group, minlength=size)
        valid = np.bincount(self.group[self.valid], minlength=size)
        for i, st in enumerate(stats):
            st.entered, st.valid = int(entered[i]), int(valid[i])
            st.invalid = st.entered - st.valid
        for row, reason in self.reasons.items():  # rows are in serial order
            st = stats[int(self.group[row])]
            st.invalid_ballots.append(InvalidBallot(self.serial(row), st.name, reason))
        return stats

    def group_sums(self, gi: int) -> tuple[np.ndarray, np.ndarray]:
        """RULES §4 for group ``gi`` and every column: (sum after trimming, values left)."""
        group = self.data.groups[gi]
        rows = np.flatnonzero(self.group == gi)
        mask = self.counted[rows]
        values = self.points[rows]
        count = mask.sum(axis=0)
        total = np.where(mask, values, 0).sum(axis=0)
        k = group.trim
        if k > 0 and len(rows):
            trimmed = count >= group.trim_from  # setting_rules.trimmed_each_side, per column
            if trimmed.any():
                columns = np.flatnonzero(trimmed)
                ordered = np.sort(np.where(mask[:, columns], values[:, columns], _TOP).T,
                                  axis=1)
                low = ordered[:, :k].sum(axis=1)
                top = count[columns][:, None] - 1 - np.arange(k)[None, :]
                high = np.take_along_axis(ordered, top, axis=1).sum(axis=1)
                total[columns] -= low + high
                count[columns] -= 2 * k
        return total, count

    def excellent_counts(self) -> np.ndarray:
        """First-grade marks in V per column (the 优秀票数 tie-break; 等次制 only)."""
        if not self.grade_mode:
            return np.zeros(self.counted.shape[1], dtype=np.int64)
        return (self.lut_excellent[self.codes] & self.counted).sum(axis=0)


def group_means(arrays: MarkArrays) -> tuple[dict[str, dict[str, Fraction]],
                                               dict[str, dict[str, int]]]:
    """Per department: the exact group scores and the number of marks of each group."""
    data = arrays.data
    exact: dict[str, dict[str, Fraction]] = {d.name: {} for d in data.departments}
    marks: dict[str, dict[str, int]] = {d.name: {} for d in data.departments}
    columns = [(d.name, arrays.matrix.column(d.name)) for d in data.departments]
    raw_counts = [arrays.counted[arrays.group == gi].sum(axis=0)
                  for gi in range(len(data.groups))]
    scale = arrays.scale
    for gi, group in enumerate(data.groups):
        total, left = arrays.group_sums(gi)
        total, left, raw = total.tolist(), left.tolist(), raw_counts[gi].tolist()
        for name, column in columns:
            if column is not None and raw[column]:
                marks[name][group.name] = raw[column]
                exact[name][group.name] = Fraction(total[column], left[column] * scale)
    return exact, marks


def tally_fast(data: EvaluationData, previous: PreviousResult | None = None) -> TallyResult:
    """The result of ``evalapp.tally.tally(data, previous)``, computed on arrays."""
    try:
        arrays = MarkArrays(data)
    except Unsupported:
        return tally(data, previous)
    groups = arrays.group_stats()
    exact, marks = group_means(arrays)
    excellent = arrays.excellent_counts().tolist()
    column = arrays.matrix.column
    scoring = Scoring(data)
    results = [scoring.department(d, exact[d.name], marks[d.name],
                                  int(excellent[column(d.name)]) if column(d.name) is not None
                                  else 0)
               for d in scoring.departments]
    del arrays
    return finish(data, groups, results, previous)
