"""The 选票 reader's fast rows (issue 16) give exactly what reading every cell gives: the
same ballots, or the same errors in the same order — booleans next to 1 and 0, blanks of
every kind, values first seen late, bad values after good ones."""

from __future__ import annotations

import random
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from test_integrity_lock import small_data

import evalapp.workbook.ballot_sheet as ballot_sheet
from evalapp.workbook import layout as L
from evalapp.workbook.exporter import write_workbook
from evalapp.workbook.importer import parse_sheets
from evalapp.workbook.sheets import WorkbookError
from evalapp.workbook.xlsx_reader import read_book

GOOD = [1, 1.0, 0, 0.0, -0.0, "", None, " ", "\u200b", "85", 85, 85.0, "85.0", 90.5, "90.5",
        100.0, "1", "0", 70.0, 60.3]
POOL = GOOD + [True, False, "abc", 101.0, 95.55, float("nan")]


def base_sheets() -> dict[str, list[tuple]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "base.xlsx"
        data = small_data(ballots=2)
        data.groups = [replace(group, expected=None) for group in data.groups]
        write_workbook(data, path)
        return read_book(path).sheets


class _EveryCell(dict):
    """A ``known`` that knows nothing: every row is read cell by cell."""

    def get(self, key, default=None):
        return default

    def __setitem__(self, key, value):
        pass


def outcome(sheets, monkeypatch, every_cell: bool):
    original = ballot_sheet.BallotReader.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if every_cell:
            self.known = _EveryCell()
    monkeypatch.setattr(ballot_sheet.BallotReader, "__init__", init)
    try:
        data = parse_sheets(sheets)
        return "read", [(b.serial, b.group, sorted(b.marks.items()), b.own_department)
                        for b in data.ballots]
    except WorkbookError as exc:
        return "refused", str(exc)


@pytest.mark.parametrize("seed", range(12))
def test_fast_rows_read_as_every_cell(seed, monkeypatch):
    rng = random.Random(seed)
    sheets = base_sheets()
    header, *rows = sheets[L.BALLOTS]
    first = len(L.BALLOT_FIXED_COLUMNS)
    common = [70.0, 85.0, "90.5", 100.0, ""]
    new_rows = []
    for n in range(40):
        row = list(rows[n % len(rows)])
        row[0] = f"R{n:03d}"
        row += [None] * (len(header) - len(row))
        for col in range(first, len(header)):
            odd = POOL if seed % 2 else GOOD  # even seeds: every row a ballot
            row[col] = rng.choice(odd) if rng.random() < 0.15 else rng.choice(common)
        new_rows.append(tuple(row))
    sheets[L.BALLOTS] = [header, *new_rows]
    fast = outcome(sheets, monkeypatch, every_cell=False)
    assert fast == outcome(sheets, monkeypatch, every_cell=True)
    assert fast[0] == ("refused" if seed % 2 else "read")


def test_a_boolean_after_the_mark_1_is_refused(monkeypatch):
    sheets = base_sheets()
    header, *rows = sheets[L.BALLOTS]
    first = len(L.BALLOT_FIXED_COLUMNS)
    marks = list(rows[0])
    marks[first:] = [1.0] * (len(header) - first)
    truth = list(marks)
    truth[0], truth[first] = "T1", True
    sheets[L.BALLOTS] = [header, tuple(marks), tuple(truth)]
    fast = outcome(sheets, monkeypatch, every_cell=False)
    assert fast[0] == "refused" and "第3行" in fast[1]
    assert fast == outcome(sheets, monkeypatch, every_cell=True)
