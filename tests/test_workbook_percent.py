"""Percentages typed in Excel (stored as 0.1 with a % format) keep their meaning."""

from pathlib import Path

import openpyxl
import pytest
from decimal import Decimal

from evalapp.workbook.importer import read_workbook
from evalapp.workbook.sheets import WorkbookError

EXAMPLE = Path(__file__).resolve().parent / "data" / "example.xlsx"  # a copy: no ../shared


def _book(tmp_path, quota_cell=None, ratio=None):
    book = openpyxl.load_workbook(EXAMPLE)
    if quota_cell is not None:
        cell = book["部门类别"]["B3"]
        cell.value, cell.number_format = quota_cell
    if ratio is not None:
        book["设置"].append(["优秀票上限比例", ratio])
    path = tmp_path / "pct.xlsx"
    book.save(path)
    return path


def test_percent_formatted_quota_is_a_percentage(tmp_path):
    data = read_workbook(_book(tmp_path, quota_cell=(0.5, "0%")))
    assert data.categories[1].commend.percent == Decimal(50)
    data = read_workbook(_book(tmp_path, quota_cell=(1, "0%")))
    assert data.categories[1].commend.percent == Decimal(100)


def test_excellent_ratio_accepts_percent_text(tmp_path):
    assert read_workbook(_book(tmp_path, ratio="30%")).settings.excellent_ratio == Decimal("0.3")
    with pytest.raises(WorkbookError) as err:
        read_workbook(_book(tmp_path, ratio="130%"))
    assert "优秀票上限比例" in str(err.value)
