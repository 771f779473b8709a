"""Fuzz (hypothesis) of the workbook importer: random and mutated sheets never crash it; every
failure is a WorkbookError naming its sheet; an import either stores all or nothing."""

import math
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_integrity_lock import ADMIN_ACTOR, small_data

from evalapp.db import models as m
from evalapp.db.engine import open_database
from evalapp.domain import DomainError
from evalapp.services.evaluations import import_evaluation
from evalapp.workbook import layout as L
from evalapp.workbook.exporter import template_data, write_workbook
from evalapp.workbook.importer import KNOWN_SHEETS, parse_sheets
from evalapp.workbook.sheets import WorkbookError
from evalapp.workbook.xlsx_reader import read_book

ODD_TEXT = st.sampled_from([
    "=SUM(A1)", "=1/0", "#DIV/0!", "", " ", "\u200b", "\ufeff部门", "ｆｕｌｌ", "１００", "9\u00a00",
    "e\u0301", "𠀀𠀁", "\x00", "\n\t", "NaN", "Infinity", "-0", "1e400", "1E-400", "٣", "是", "否",
    "百分制", "等次制", "优秀", "100%", "10%", "-5%", "1" * 400, "部" * 300])
CELL = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), ODD_TEXT, st.text(max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.just(datetime(2021, 12, 21)), st.just(math.inf))


def _sheets(data) -> dict[str, list[tuple]]:
    """The sheets of an exported workbook, read back the way read_workbook reads them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "base.xlsx"
        write_workbook(data, path)
        return read_book(path).sheets


BASE = _sheets(small_data(ballots=3))
TEMPLATE = _sheets(template_data(True))
COUNTS = {"examples": 0}


def _assert_located(exc: WorkbookError, sheets) -> None:
    """Every issue names a sheet that exists (or a required one that is missing)."""
    assert exc.issues and str(exc)
    for issue in exc.issues:
        assert issue.message and (issue.sheet in sheets or issue.sheet in KNOWN_SHEETS), issue


def _parse(sheets):
    COUNTS["examples"] += 1
    try:
        return parse_sheets(sheets)
    except WorkbookError as exc:
        _assert_located(exc, sheets)
        return None


@st.composite
def mutated(draw, base=BASE):
    sheets = {name: [list(r) for r in rows] for name, rows in base.items()}
    for _ in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(sorted(sheets)))
        rows = sheets[name]
        action = draw(st.sampled_from(["cell", "cell", "cell", "empty", "drop", "dup_header",
                                       "add_row", "extra_col", "rename"]))
        if action == "cell" and rows:
            r = draw(st.integers(0, len(rows) - 1))
            if rows[r]:
                rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(CELL)
        elif action == "empty":
            sheets[name] = []
        elif action == "drop":
            del sheets[name]
        elif action == "dup_header" and rows and rows[0]:
            rows[0].append(rows[0][draw(st.integers(0, len(rows[0]) - 1))])
        elif action == "add_row":
            rows.append(draw(st.lists(CELL, max_size=8)))
        elif action == "extra_col" and rows:
            for row in rows:
                row.append(draw(CELL))
        elif action == "rename":
            sheets[draw(ODD_TEXT | st.sampled_from(KNOWN_SHEETS))] = sheets.pop(name)
    return {name: [tuple(r) for r in rows] for name, rows in sheets.items()}


RANDOM_SHEETS = st.dictionaries(
    st.sampled_from(KNOWN_SHEETS) | ODD_TEXT,
    st.lists(st.lists(CELL, max_size=6).map(tuple), max_size=6), max_size=5)


@settings(max_examples=400, deadline=None)
@given(RANDOM_SHEETS)
def test_random_sheets_never_crash(sheets):
    _parse(sheets)


@settings(max_examples=600, deadline=None)
@given(mutated())
def test_mutated_workbook_never_crashes(sheets):
    _parse(sheets)


@settings(max_examples=200, deadline=None)
@given(mutated(TEMPLATE))
def test_mutated_grade_template_never_crashes(sheets):
    _parse(sheets)


FOLDER = tempfile.TemporaryDirectory()
DB = open_database(Path(FOLDER.name) / "fuzz.db")


def _counts() -> tuple[int, int, int]:
    with DB.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t))
                     for t in (m.Evaluation, m.Ballot, m.AuditEntry))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_import_is_all_or_nothing(sheets):
    data = _parse(sheets)
    if data is None:
        return
    before = _counts()
    try:
        import_evaluation(DB, ADMIN_ACTOR, data)
    except DomainError as exc:
        assert str(exc)
        assert _counts() == before
        return
    after = _counts()
    assert after[0] == before[0] + 1 and after[1] == before[1] + len(data.ballots)


def test_formula_cells_are_reported_with_their_place():
    sheets = {name: [list(r) for r in rows] for name, rows in BASE.items()}
    header = sheets[L.BALLOTS][0]
    sheets[L.BALLOTS][1][header.index("发改委")] = "=SUM(A1)"
    try:
        parse_sheets({k: [tuple(r) for r in v] for k, v in sheets.items()})
    except WorkbookError as exc:
        assert any(i.sheet == L.BALLOTS and i.row == 2 and "SUM" in str(i) for i in exc.issues)
    else:
        raise AssertionError("a formula was accepted as a mark")
    assert Decimal(1)  # keep the import used
