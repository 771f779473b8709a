"""The corrupted-workbook corpus of issue 12: every case is refused with a Chinese error naming
its sheet, row and column and nothing written, or imported with the right meaning and a
warning naming its place; no traceback, no hang (each case in its own process, < 10 s,
< 500 MB: tests/corpus_runner.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from workbook_corpus import CASES, Err, Ok

from evalapp.db.engine import open_database

HERE = Path(__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{4,}")  # an English word (sheet names and values aside)
NAMES = [c.name for c in CASES]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, dict]:
    """Build every workbook, then run them all in one runner process (a fork per case)."""
    folder = tmp_path_factory.mktemp("corpus")
    for case in CASES:
        case.build(folder / (case.name + case.suffix))
    template = folder / "template.db"
    open_database(template).dispose()
    done = subprocess.run([sys.executable, str(HERE / "corpus_runner.py"), str(folder),
                           str(template), *NAMES], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    results = {}
    for line in done.stdout.splitlines():
        row = json.loads(line)
        results[row.pop("name")] = row
    return results


def test_corpus_is_large_enough():
    assert len(NAMES) == len(set(NAMES)) >= 80
    assert sum(isinstance(c.expect, Err) for c in CASES) >= 60
    assert sum(isinstance(c.expect, Ok) for c in CASES) >= 15


def _english(line: str) -> list[str]:
    """English words in a message once the quoted parts (names, values, the formula) and
    the cell references are taken out."""
    bare = re.sub(r"“[^”]*”|\([^)]*\)|(值:[^)]*)|公式(=[^)]*)|[A-Z]{1,3}\d+(:[A-Z]{1,3}\d+)?",
                  "", line)
    return [w for w in ENGLISH.findall(bare) if w not in ("Excel", "xlsx", "xlsm", "OpenDocument")]


@pytest.mark.parametrize("name", NAMES)
def test_case(outcomes, name):
    case = next(c for c in CASES if c.name == name)
    outcome = outcomes[name]
    assert outcome["kind"] in ("ok", "error"), outcome  # no traceback, no kill (time, memory)
    assert outcome["seconds"] < 10 and outcome["grew_mb"] < 500, outcome
    for line in outcome["lines"]:
        assert CJK.search(line) and "Traceback" not in line, line
        assert not _english(line), line
        assert "工作表“”" not in line, line  # the file is a 工作簿, not a 工作表
    expect = case.expect
    if isinstance(expect, Err):
        assert outcome["kind"] == "error", outcome
        assert outcome["evaluations"] == 0, "something was written"
        assert any(_matches(issue, expect) for issue in outcome["issues"]), outcome["lines"]
    else:
        assert outcome["kind"] == "ok", outcome["lines"]
        assert outcome["evaluations"] == 1
        assert outcome["meaning"] is True, outcome
        for sheet, row, column, text in expect.warnings:
            assert any(_matches(w, Err(sheet, row, column, text)) for w in outcome["warnings"]), \
                outcome["lines"]
        if expect.no_warnings:
            assert outcome["warnings"] == [], outcome["lines"]


def _matches(issue: list, expect: Err) -> bool:
    sheet, row, column, message = issue
    letters = re.match(r"[A-Z]*", column or "").group(0) or None
    return (sheet == expect.sheet and row == expect.row and letters == expect.column
            and expect.text in message)


# --------------------------------------------------------------------------- the command line

def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=HERE.parent,
                          capture_output=True, text=True, timeout=120, check=False)


def test_cli_prints_warnings_one_line_each(tmp_path):
    """An accepted workbook with formulas: the id on stdout, one line per warning (sheet, row,
    column) on stderr, exit 0."""
    case = next(c for c in CASES if c.name == "formula_shared_cached")
    path = case.build(tmp_path / "w.xlsx")
    done = _cli("import", str(path), "--db", str(tmp_path / "w.db"))
    assert done.returncode == 0 and done.stdout.strip() == "1", done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("提示:")]
    assert lines == [
        "提示:工作表“选票” 第2行 E(党政办)列:单元格是公式(=90+5),按工作簿保存的计算结果“95”读取"
        "(请核对结果是否为最新)",
        "提示:工作表“选票” 第3行 E(党政办)列:单元格是公式(=…),按工作簿保存的计算结果“93”读取"
        "(请核对结果是否为最新)"]


@pytest.mark.parametrize("name", ["encrypted_with_password", "text_file", "old_xls",
                                  "xlsm_by_suffix", "cell_at_xfd1048576_settings"])
def test_cli_refuses_files_in_chinese(tmp_path, name):
    case = next(c for c in CASES if c.name == name)
    path = case.build(tmp_path / (name + case.suffix))
    database = tmp_path / "x.db"
    done = _cli("import", str(path), "--db", str(database))
    assert done.returncode == 1 and done.stdout == ""
    assert case.expect.text in done.stderr and "Traceback" not in done.stderr
    assert not _english(done.stderr), done.stderr
    assert "工作表“”" not in done.stderr
    listed = _cli("list", "--db", str(database))
    assert listed.returncode == 0 and listed.stdout.strip() == ""  # nothing written
