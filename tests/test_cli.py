"""The command line of WORKBOOK.md, run as a user would: `python main.py <subcommand> --db X`."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = Path(__file__).resolve().parent / "data" / "example.xlsx"
CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def ok(*args: str) -> str:
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def fails(*args: str) -> str:
    """A failing command: non-zero exit, a Chinese message on stderr, no traceback."""
    done = run(*args)
    assert done.returncode != 0, done.stdout
    assert done.stderr.strip(), "no message on stderr"
    assert CJK.search(done.stderr), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stderr


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    """A database with the two demo evaluations; tests must not change it."""
    path = str(tmp_path_factory.mktemp("cli") / "demo.db")
    out = ok("demo", "--db", path)
    ids = out.split()
    assert len(ids) == 2 and all(i.isdigit() for i in ids), out
    return path


@pytest.fixture(scope="module")
def demo_json(demo_db) -> str:
    """`results --format json` of the latest demo evaluation."""
    return ok("results", "--db", demo_db, "--format", "json")


# --------------------------------------------------------------------------- demo, list, import

def test_demo_prints_two_ids(demo_db):
    listed = ok("list", "--db", demo_db).splitlines()
    assert len(listed) == 2
    assert [line.split("\t")[1] for line in listed] == ["2020", "2021"]
    assert all("集中考评" in line for line in listed)


def test_import_prints_an_id(tmp_path):
    db = str(tmp_path / "x.db")
    assert ok("import", str(EXAMPLE), "--db", db).strip() == "1"
    assert ok("import", str(EXAMPLE), "--db", db).strip() == "2"


def test_import_missing_file(tmp_path):
    fails("import", str(tmp_path / "nowhere.xlsx"), "--db", str(tmp_path / "x.db"))


def test_import_not_a_workbook(tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    message = fails("import", str(bad), "--db", str(tmp_path / "x.db"))
    assert "xlsx" in message


# --------------------------------------------------------------------------- results

def test_results_json(demo_json):
    result = json.loads(demo_json)
    assert result["evaluation"] == "2021年度区级部门工作业绩集中考评"  # the latest by default
    assert re.fullmatch(r"[0-9a-f]{64}", result["digest"])
    ballots = result["ballots"]
    assert ballots["total"] == ballots["valid"] + ballots["invalid"] > 0
    departments = result["departments"]
    assert len(departments) == 73
    for d in departments:
        assert set(d) == {"name", "category", "rank", "category_rank", "group_scores",
                          "onsite_score", "bonus", "penalty", "final_score", "veto", "outcome"}
        assert d["outcome"] in {"commend", "admonish", "none", "unscored"}
        if d["outcome"] != "unscored":
            assert re.fullmatch(r"-?\d+\.\d\d", d["final_score"]), d
    ranks = [d["rank"] for d in departments if d["rank"] is not None]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_results_json_for_a_named_evaluation(demo_db):
    first = json.loads(ok("results", "--db", demo_db, "--format", "json", "--evaluation", "1"))
    assert first["evaluation"] == "2020年度区级部门工作业绩集中考评"


def test_results_csv(demo_db):
    rows = list(csv.reader(io.StringIO(ok("results", "--db", demo_db, "--format", "csv"))))
    header = rows[0]
    assert header[:4] == ["排名", "类别内排名", "部门名称", "类别"]
    assert header[-5:] == ["集中考评得分", "加分", "减分", "综合得分", "结果"]
    assert len(rows) == 74
    assert all(len(r) == len(header) for r in rows)
    assert rows[1][0] == "1"


def test_results_table(demo_db):
    out = ok("results", "--db", demo_db, "--format", "table")
    lines = out.splitlines()
    assert lines[0].startswith("2021年度区级部门工作业绩集中考评")
    assert "摘要" in lines[0] and lines[1].startswith("选票")
    assert any(line.startswith("排名") for line in lines)
    assert sum(1 for line in lines if re.match(r"\d+\s", line)) >= 70


def test_results_xlsx(demo_db, tmp_path):
    out = tmp_path / "results.xlsx"
    printed = ok("results", "--db", demo_db, "--format", "xlsx", "--output", str(out))
    assert printed.strip() == str(out)
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        assert book.sheetnames
        text = "".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                       for v in row if v is not None)
    finally:
        book.close()
    assert "组织部" in text


def test_results_xlsx_needs_output(demo_db):
    message = fails("results", "--db", demo_db, "--format", "xlsx")
    assert "--output" in message


def test_results_on_empty_database(tmp_path):
    message = fails("results", "--db", str(tmp_path / "empty.db"), "--format", "json")
    assert "考评" in message


def test_unknown_evaluation_id(demo_db, tmp_path):
    for args in (("results", "--format", "json"), ("export", str(tmp_path / "x.xlsx")),
                 ("verify",)):
        fails(*args, "--db", demo_db, "--evaluation", "999")
    assert not (tmp_path / "x.xlsx").exists()


# --------------------------------------------------------------------------- export, template

def test_export_reimports(demo_db, demo_json, tmp_path):
    out = tmp_path / "export.xlsx"
    assert ok("export", str(out), "--db", demo_db).strip() == str(out)
    from evalapp.digest import evaluation_digest
    from evalapp.workbook.importer import read_workbook
    assert evaluation_digest(read_workbook(out)) == json.loads(demo_json)["digest"]


@pytest.mark.parametrize("mode", ["百分制", "等次制"])
def test_template(tmp_path, mode):
    out = tmp_path / "template.xlsx"
    assert ok("template", str(out), "--mode", mode).strip() == str(out)
    book = openpyxl.load_workbook(out)
    names = book.sheetnames
    settings = {row[0]: row[1] for row in book["设置"].iter_rows(values_only=True)}
    assert {"说明", "设置", "评委类别", "部门", "选票"} <= set(names)
    assert settings["计分方式"] == mode
    db = str(tmp_path / "t.db")
    assert ok("import", str(out), "--db", db).strip() == "1"


# --------------------------------------------------------------------------- verify

def test_verify(demo_db):
    out = ok("verify", "--db", demo_db)
    assert "核对通过" in out


def test_verify_with_right_digest(demo_db, demo_json):
    digest = json.loads(demo_json)["digest"]
    assert "核对通过" in ok("verify", "--db", demo_db, "--digest", digest[:16])


def test_verify_with_wrong_digest(demo_db):
    done = run("verify", "--db", demo_db, "--digest", "0123456789abcdef")
    assert done.returncode != 0
    assert "核对不通过" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
