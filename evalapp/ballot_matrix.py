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
import operator
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
        keys = np.array([json.dumps(self.columns[j], ensure_ascii=False) + ":"
                         for j in by_name] + [""], dtype=object)
        values = np.array([json.dumps(t, ensure_ascii=False) for t in self.texts] + [""],
                          dtype=object)
        permuted = np.asarray(by_name, dtype=np.intp)
        dumps, add = json.dumps, operator.add
        yield "["
        for position, i in enumerate(order):
            head = dumps([self.serials[i], self.groups[i], self.owns[i] or "",
                          self.voids[i] or ""], ensure_ascii=False, separators=(",", ":"))
            row = self.codes[i][permuted]
            present = row >= 0
            body = ",".join(map(add, keys[:-1][present], values[row[present]]))
            yield ("," if position else "") + head[:-1] + ",{" + body + "}]"
        yield "]"


def _compact(text: str) -> bool:
    """Marks stored as models.MarksJSON writes them: {"12":"85.5","13":"90"} (no escapes, no
    spaces) — four quotes per mark."""
    return (text.startswith('{"') and text.endswith('"}') and "\\" not in text
            and text.count('"') == 4 * text.count('":"'))


class MatrixBuilder:
    """Fills a BallotMatrix one ballot at a time (marks as a {department: text} mapping), or
    a chunk of ballots at a time from the database's stored JSON texts (``add_stored``)."""

    def __init__(self, departments: list[str], capacity: int):
        self.columns = list(departments)
        self.column = {name: j for j, name in enumerate(self.columns)}
        self.texts: list[str] = []
        self.code: dict[str, int] = {}
        self.serials: list[str] = []
        self.groups: list[str] = []
        self.owns: list[str | None] = []
        self.voids: list[str | None] = []
        self.matrix = np.full((capacity, len(self.columns)), BLANK, dtype=np.int32)
        self.extra: list[tuple[int, int, int]] = []  # marks beyond the matrix's capacity

    def _code_of(self, text: str) -> int:
        code = self.code.get(text)
        if code is None:
            code = self.code[text] = len(self.texts)
            self.texts.append(text)
        return code

    def _codes_of(self, texts) -> list[int]:
        try:
            return list(map(self.code.__getitem__, texts))
        except KeyError:
            return [self._code_of(t) for t in texts]

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

    def _head(self, serial: str, group: str, own: str | None, void: str | None) -> int:
        self.serials.append(serial)
        self.groups.append(group)
        self.owns.append(own)
        self.voids.append(void)
        return len(self.serials) - 1

    def _put(self, rows, columns, codes) -> None:
        rows, columns = np.asarray(rows, dtype=np.intp), np.asarray(columns, dtype=np.intp)
        codes = np.asarray(codes, dtype=np.int32)
        inside = (rows < self.matrix.shape[0]) & (columns < self.matrix.shape[1])
        self.matrix[rows[inside], columns[inside]] = codes[inside]
        if not inside.all():
            outside = ~inside
            self.extra.extend(zip(rows[outside].tolist(), columns[outside].tolist(),
                                  codes[outside].tolist()))

    def add(self, serial: str, group: str, own: str | None, void: str | None, marks) -> None:
        row = self._head(serial, group, own, void)
        if marks:
            columns = self._columns_of(marks.keys())
            self._put([row] * len(columns), columns, self._codes_of(marks.values()))

    def add_stored(self, ballots: list[tuple[str, str, str | None, str | None, str | None]],
                   column_of_id: dict[int, int]) -> None:
        """Ballots whose marks are the stored JSON text ``{"<department id>":"<mark>",...}``
        (models.MarksJSON): split at the quotes for a whole chunk at once; a text with an
        escape sequence is decoded by ``json.loads``."""
        plain_rows, plain_texts = [], []
        for serial, group, own, void, text in ballots:
            row = self._head(serial, group, own, void)
            if not text or len(text) <= 2:
                continue
            if _compact(text):
                plain_rows.append(row)
                plain_texts.append(text)
            else:  # escapes, spaces, a hand edit: the JSON decoder reads it
                self._put_decoded(row, text, column_of_id)
        if not plain_rows:
            return
        parts = "".join(plain_texts).split('"')
        counts = [t.count('":"') for t in plain_texts]
        ids = np.fromstring(",".join(parts[1::4]), dtype=np.int64, sep=",")
        lookup = self._id_lookup(column_of_id)
        columns = lookup[ids] if len(ids) == sum(counts) and (
            not len(ids) or (ids.min() >= 0 and ids.max() < len(lookup))) else None
        if columns is None or (columns < 0).any() or set(parts[2::4]) != {":"}:
            for row, text in zip(plain_rows, plain_texts):  # not what it seemed: decode
                self._put_decoded(row, text, column_of_id)
            return
        self._put(np.repeat(np.asarray(plain_rows, dtype=np.intp), counts), columns,
                  self._codes_of(parts[3::4]))

    def _put_decoded(self, row: int, text: str, column_of_id: dict[int, int]) -> None:
        raw = json.loads(text)
        self._put([row] * len(raw), [column_of_id[int(k)] for k in raw],
                  self._codes_of(list(raw.values())))

    def _id_lookup(self, column_of_id: dict[int, int]) -> np.ndarray:
        cached = getattr(self, "_lookup", None)
        if cached is None or cached[0] is not column_of_id:
            table = np.full(max(column_of_id, default=0) + 1, -1, dtype=np.intp)
            for k, j in column_of_id.items():
                table[k] = j
            cached = self._lookup = (column_of_id, table)
        return cached[1]

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
