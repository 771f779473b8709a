"""Plain sheets are read by python-calamine (issue 16), every other sheet cell by cell with
openpyxl: both ways give the same rows, the same errors and warnings, the same digest."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from workbook_corpus import CASES, EXAMPLE

import evalapp.workbook.xlsx_reader as reader
from evalapp.digest import evaluation_digest
from evalapp.workbook.exporter import write_workbook
from evalapp.workbook.importer import read_workbook
from evalapp.workbook.sheets import WorkbookError

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_core.py"


def _both_ways(path: Path, monkeypatch) -> tuple[object, object]:
    def outcome():
        try:
            book = reader.read_book(path)
            return ("read", {n: _normal(rows) for n, rows in book.sheets.items()},
                    [str(i) for i in book.issues],
                    [str(w) for w in book.warnings])
        except WorkbookError as exc:
            return ("refused", str(exc))
    monkeypatch.setattr(reader, "USE_CALAMINE", True)
    fast = outcome()
    monkeypatch.setattr(reader, "USE_CALAMINE", False)
    return fast, outcome()


def _normal(rows) -> list[tuple]:
    """Rows compared by meaning: the 选票 sheet comes from calamine as it is ("" for a blank
    cell, 92.0 for 92), which its reader cleans cell by cell."""
    table = []
    for row in rows:
        cells = [None if v == "" else int(v) if isinstance(v, float) and v.is_integer() else v
                 for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        table.append(tuple(cells))
    while table and not table[-1]:
        table.pop()
    return table


@pytest.fixture
def calls(monkeypatch):
    """Names of the sheets calamine read."""
    seen: list[str] = []
    original = reader.calamine_rows

    def spy(workbook, title, *args):
        seen.append(title)
        return original(workbook, title, *args)
    monkeypatch.setattr(reader, "calamine_rows", spy)
    return seen


def test_plain_sheets_go_through_calamine(calls, tmp_path):
    reader.read_book(EXAMPLE)
    assert sorted(calls) == sorted(["设置", "部门类别", "评委类别", "部门", "得分构成", "其他得分",
                                    "加减分", "选票"])
    calls.clear()
    path = next(c for c in CASES if c.name == "formula_mark_cached").build(tmp_path / "f.xlsx")
    reader.read_book(path)
    assert "选票" not in calls and "部门" in calls  # the sheet with a formula: openpyxl
    for name, sheet in [("merged_marks", "选票"), ("mark_percent_formatted", "选票"),
                        ("mark_format_hides_decimals", "选票"), ("date_as_mark", "选票"),
                        ("error_value_without_formula", "部门"),
                        ("too_many_rows_of_blank_cells", "设置")]:
        calls.clear()
        path = next(c for c in CASES if c.name == name).build(tmp_path / f"{name}.xlsx")
        try:
            reader.read_book(path)
        except WorkbookError:
            pass
        assert sheet not in calls, name


@pytest.mark.parametrize("case", [c for c in CASES if c.suffix == ".xlsx"], ids=lambda c: c.name)
def test_corpus_reads_the_same_both_ways(case, tmp_path, monkeypatch):
    path = case.build(tmp_path / (case.name + case.suffix))
    fast, cell_by_cell = _both_ways(path, monkeypatch)
    assert fast == cell_by_cell


def test_round_trip_digest_is_the_same_both_ways(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_core_fast_read", BENCH)
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    try:
        spec.loader.exec_module(bench)
        data = bench.build_evaluation(40, 300)
    finally:
        sys.modules.pop(spec.name, None)
    path = tmp_path / "rt.xlsx"
    write_workbook(data, path)
    fast, cell_by_cell = _both_ways(path, monkeypatch)
    assert fast == cell_by_cell and fast[0] == "read"
    monkeypatch.setattr(reader, "USE_CALAMINE", True)
    assert evaluation_digest(read_workbook(path)) == evaluation_digest(data)
