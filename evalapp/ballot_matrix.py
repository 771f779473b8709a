"""The ballots of an evaluation packed as one matrix of mark codes (the vectorised tally's input).

A ``BallotMatrix`` holds, for n ballots and D departments, an ``int16``/``int32`` matrix of
codes (−1 = blank, otherwise an index into ``texts``, the canonical mark texts) plus the
serials, groups, own departments and void reasons. It is a read-only sequence of ``Ballot``
objects built on demand, so every consumer of ``EvaluationData.ballots`` keeps working while
the whole evaluation stays a few megabytes (600 × 4,000 marks: 4.8 MB instead of ~150 MB of
dictionaries).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from evalapp.domain import Ballot

BLANK = -1


class BallotMatrix(Sequence):
    """Ballots as a code matrix; ``self[i]`` is the i-th ``Ballot`` (built when asked)."""

    def __init__(self, columns: list[str], texts: list[str], codes: np.ndarray,
                 serials: list[str], groups: list[str], owns: list[str | None],
                 voids: list[str | None]):
        if codes.shape != (len(serials), len(columns)):
            raise ValueError("code matrix does not match the ballots and departments")
        self.columns, self.texts, self.codes = columns, texts, codes
        self.serials, self.groups, self.owns, self.voids = serials, groups, owns, voids
        self._column = {name: j for j, name in enumerate(columns)}

    # ------------------------------------------------------------------ building

    @classmethod
    def from_ballots(cls, ballots: Iterable[Ballot], departments: Iterable[str] = ()
                     ) -> BallotMatrix:
        """Pack plain ballots; columns are ``departments`` then any other marked name."""
        ballots = list(ballots)
        builder = MatrixBuilder(list(departments), len(ballots))
        for b in ballots:
            builder.add(b.serial, b.group, b.own_department, b.void_reason, b.marks)
        return builder.build()

    def column(self, name: str) -> int | None:
        return self._column.get(name)

    # ------------------------------------------------------------------ sequence

    def __len__(self) -> int:
        return len(self.serials)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return Ballot(self.serials[index], self.groups[index], self.marks(index),
                      self.owns[index], self.voids[index])

    def __iter__(self) -> Iterator[Ballot]:
        for i in range(len(self)):
            yield self[i]

    def marks(self, index: int) -> dict[str, str]:
        row = self.codes[index]
        present = np.flatnonzero(row >= 0)
        columns, texts = self.columns, self.texts
        return {columns[j]: texts[c] for j, c in zip(present.tolist(), row[present].tolist())}

    def mark_count(self) -> int:
        return int(np.count_nonzero(self.codes >= 0))

    # ------------------------------------------------------------------ digest

    def canonical_chunks(self) -> Iterator[str]:
        """The ``"ballots"`` list of digest.canonical_form as JSON text, piece by piece
        (byte for byte what ``json.dumps(..., sort_keys=True)`` writes for the whole list)."""
        order = sorted(range(len(self)), key=self.serials.__getitem__)
        # keys sorted as json.dumps(sort_keys=True) sorts them (by the str)
        by_name = sorted(range(len(self.columns)), key=self.columns.__getitem__)
        keys = [json.dumps(self.columns[j], ensure_ascii=False) + ":" for j in by_name]
        values = [json.dumps(t, ensure_ascii=False) for t in self.texts]
        permuted = np.asarray(by_name, dtype=np.intp)
        dumps = json.dumps
        yield "["
        for position, i in enumerate(order):
            head = dumps([self.serials[i], self.groups[i], self.owns[i] or "",
                          self.voids[i] or ""], ensure_ascii=False, separators=(",", ":"))
            row = self.codes[i][permuted].tolist()
            body = ",".join([keys[k] + values[c] for k, c in enumerate(row) if c >= 0])
            yield ("," if position else "") + head[:-1] + ",{" + body + "}]"
        yield "]"


class MatrixBuilder:
    """Fills a BallotMatrix one ballot at a time (marks as a {department: text} mapping)."""

    def __init__(self, departments: list[str], capacity: int):
        self.columns = list(departments)
        self.column = {name: j for j, name in enumerate(self.columns)}
        self.texts: list[str] = []
        self.code: dict[str, int] = {}
        self.rows: list[np.ndarray] = []
        self.serials: list[str] = []
        self.groups: list[str] = []
        self.owns: list[str | None] = []
        self.voids: list[str | None] = []
        self.matrix = np.full((capacity, len(self.columns)), BLANK, dtype=np.int32)
        self.extra: list[tuple[int, int, int]] = []  # (row, column, code) beyond capacity cols

    def _codes_of(self, texts) -> list[int]:
        code = self.code
        try:
            return list(map(code.__getitem__, texts))
        except KeyError:
            for t in texts:
                if t not in code:
                    code[t] = len(self.texts)
                    self.texts.append(t)
            return list(map(code.__getitem__, texts))

    def _columns_of(self, names) -> list[int]:
        column = self.column
        try:
            return list(map(column.__getitem__, names))
        except KeyError:
            for name in names:
                if name not in column:
                    column[name] = len(self.columns)
                    self.columns.append(name)
            return list(map(column.__getitem__, names))

    def add(self, serial: str, group: str, own: str | None, void: str | None, marks) -> None:
        row = len(self.serials)
        self.serials.append(serial)
        self.groups.append(group)
        self.owns.append(own)
        self.voids.append(void)
        if not marks:
            return
        columns = self._columns_of(marks.keys())
        codes = self._codes_of(marks.values())
        if row >= self.matrix.shape[0] or len(self.columns) > self.matrix.shape[1]:
            self.extra.extend(zip([row] * len(columns), columns, codes))
            return
        self.matrix[row, columns] = codes

    def build(self) -> BallotMatrix:
        n, width = len(self.serials), len(self.columns)
        matrix = self.matrix
        if matrix.shape != (n, width):
            grown = np.full((n, width), BLANK, dtype=np.int32)
            rows, cols = min(n, matrix.shape[0]), min(width, matrix.shape[1])
            grown[:rows, :cols] = matrix[:rows, :cols]
            matrix = grown
        for r, c, code in self.extra:
            matrix[r, c] = code
        dtype = np.int16 if len(self.texts) < 2 ** 15 else np.int32
        return BallotMatrix(self.columns, self.texts, matrix.astype(dtype, copy=False),
                            self.serials, self.groups, self.owns, self.voids)
