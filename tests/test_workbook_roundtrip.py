"""Export → import round-trips (WORKBOOK.md): same digest, same results; the template imports;
the shared example gives the expected results through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from evalapp.db.engine import open_database
from evalapp.demo import demo_evaluations
from evalapp.digest import evaluation_digest
from evalapp.domain import (
    GRADE_MODE,
    Adjustment,
    Ballot,
    Category,
    Component,
    Department,
    EvaluationData,
    Evaluator,
    Group,
    Settings,
    parse_grades,
    parse_quota,
)
from evalapp.services.context import SYSTEM
from evalapp.services.evaluations import get_data, import_evaluation
from evalapp.services.results import compute_results, result_json
from evalapp.workbook.exporter import write_template, write_workbook
from evalapp.workbook.importer import read_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = Path(__file__).resolve().parent / "data"  # copied from the shared examples
EXAMPLE = EXAMPLES / "example.xlsx"
EXPECTED = EXAMPLES / "example.expected.json"
FIELDS = ["rank", "category_rank", "group_scores", "onsite_score", "bonus", "penalty",
          "final_score", "veto", "outcome"]

needs_example = pytest.mark.skipif(not EXAMPLE.exists() or not EXPECTED.exists(),
                                   reason="shared/examples not present")


def cli(*args: str) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    return run


def same_rosters(a: EvaluationData, b: EvaluationData) -> None:
    """What the digest does not cover must survive the round trip too."""
    assert a.settings == b.settings
    assert a.categories == b.categories
    assert sorted(a.groups, key=lambda g: g.name) == sorted(b.groups, key=lambda g: g.name)
    assert sorted(a.departments, key=lambda d: d.order) == \
        sorted(b.departments, key=lambda d: d.order)
    assert sorted(a.evaluators, key=repr) == sorted(b.evaluators, key=repr)
    assert a.effective_components() == b.effective_components()
    assert {k: v for k, v in a.component_values.items() if v} == \
        {k: v for k, v in b.component_values.items() if v}
    assert sorted(a.adjustments, key=repr) == sorted(b.adjustments, key=repr)
    assert sorted(a.ballots, key=lambda x: x.serial) == sorted(b.ballots, key=lambda x: x.serial)


# --------------------------------------------------------------------------- the shared example

@needs_example
def test_example_matches_expected_results(tmp_path):
    """shared/tools/check_example.py, as a test."""
    db = str(tmp_path / "example.db")
    cli("import", str(EXAMPLE), "--db", db)
    got = json.loads(cli("results", "--db", db, "--format", "json").stdout)
    want = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert got["ballots"] == want["ballots"]
    assert got["evaluation"] == want["evaluation"]
    by_name = {d["name"]: d for d in got["departments"]}
    assert set(by_name) == {d["name"] for d in want["departments"]}
    for d in want["departments"]:
        for field in FIELDS:
            assert by_name[d["name"]][field] == d[field], (d["name"], field)
    assert [d["name"] for d in got["departments"]] == [d["name"] for d in want["departments"]]


@needs_example
def test_example_round_trip_through_cli(tmp_path):
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    out = tmp_path / "exported.xlsx"
    cli("import", str(EXAMPLE), "--db", first)
    before = cli("results", "--db", first, "--format", "json").stdout
    cli("export", str(out), "--db", first)
    cli("import", str(out), "--db", second)
    after = cli("results", "--db", second, "--format", "json").stdout
    assert after == before
    original, again = read_workbook(EXAMPLE), read_workbook(out)
    assert evaluation_digest(again) == evaluation_digest(original)
    assert json.loads(after)["digest"] == evaluation_digest(original)
    same_rosters(original, again)


# --------------------------------------------------------------------------- the demo data

@pytest.fixture(scope="module")
def demo_round_trip(tmp_path_factory):
    """Both demo years imported, exported, re-imported into a second database."""
    folder = tmp_path_factory.mktemp("demo_round_trip")
    first, second = open_database(folder / "a.db"), open_database(folder / "b.db")
    originals = demo_evaluations()
    pairs = []
    for data in originals:
        a = import_evaluation(first, SYSTEM, data)
        path = folder / f"{data.settings.year}.xlsx"
        write_workbook(get_data(first, a), path)
        b = import_evaluation(second, SYSTEM, read_workbook(path))
        pairs.append((a, b, path))
    yield originals, first, second, pairs
    first.dispose()
    second.dispose()


def test_demo_round_trip_digest(demo_round_trip):
    originals, first, second, pairs = demo_round_trip
    for data, (a, b, path) in zip(originals, pairs):
        digest = evaluation_digest(data)
        assert evaluation_digest(get_data(first, a)) == digest
        assert evaluation_digest(read_workbook(path)) == digest
        assert evaluation_digest(get_data(second, b)) == digest


def test_demo_round_trip_data(demo_round_trip):
    originals, _, second, pairs = demo_round_trip
    for data, (_, b, _) in zip(originals, pairs):
        same_rosters(data, get_data(second, b))


def test_demo_round_trip_results(demo_round_trip):
    _, first, second, pairs = demo_round_trip
    for a, b, _ in pairs:
        before = result_json(compute_results(first, a).result)
        after = result_json(compute_results(second, b).result)
        assert after == before
    assert json.loads(before)["ballots"]["total"] > 0


def test_demo_export_twice_is_stable(demo_round_trip, tmp_path):
    """Exporting the re-imported evaluation gives the same workbook content again."""
    _, _, second, pairs = demo_round_trip
    _, b, path = pairs[-1]
    again = tmp_path / "again.xlsx"
    write_workbook(get_data(second, b), again)
    def cells(p):
        book = openpyxl.load_workbook(p, read_only=True)
        try:
            return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
        finally:
            book.close()
    assert cells(again) == cells(path)


# -------------------------------------------------------------- grade mode and edge values

def grade_evaluation() -> EvaluationData:
    settings = Settings(
        name="等次制往返测试", year=2022, mode=GRADE_MODE,
        grades=parse_grades("优秀=100,良好=85.5,一般=70,较差=50,不了解="),
        excellent_ratio=Decimal("0.5"), result_decimals=3, bonus_cap=Decimal("1.5"),
        admonish_below=Decimal(60), tie_break=("集中考评得分", "优秀票数", "领导"),
        named_ballots=True)
    departments = [Department(1, "甲局", "甲", "一类", "张一", "局长"),
                   Department(2, "乙局", "乙", "一类", "张二", "局长"),
                   Department(3, "丙局", "丙", "二类", "", ""),
                   Department(4, "丁局", "", "二类", "张四", "主任")]
    grades = ["优秀", "良好", "一般", "较差", "不了解"]
    ballots = []
    for n in range(1, 9):
        group = "领导" if n <= 4 else "群众"
        marks = {d.name: grades[(n + i) % 5] for i, d in enumerate(departments)
                 if (n + i) % 7}
        own = departments[n % 4].name if group == "群众" else None
        ballots.append(Ballot(f"{group[0]}{n}", group, marks, own,
                              "重复投票" if n == 8 else None))
    ballots.append(Ballot("空1", "群众", {}))
    return EvaluationData(
        settings=settings,
        categories=[Category("一类", parse_quota("50%"), parse_quota(1)),
                    Category("二类", parse_quota(1), parse_quota("0%"))],
        groups=[Group("领导", Decimal("33.3"), 0, 5, 4, False),
                Group("群众", Decimal("66.7"), 1, 3, 6, True)],
        departments=departments,
        evaluators=[Evaluator("王一", "领导", "区委", "1排1号"), Evaluator("李二", "群众", "", "")],
        components=[Component("集中考评", Decimal("62.5")), Component("目标考核", Decimal("37.5"))],
        component_values={"甲局": {"目标考核": Decimal("91.25")},
                          "乙局": {"目标考核": Decimal("0.1")},
                          "丙局": {"目标考核": Decimal(100)}},
        adjustments=[Adjustment("甲局", Decimal("0.75"), "表彰", False),
                     Adjustment("乙局", Decimal(-2), "通报", False),
                     Adjustment("丙局", Decimal(0), "重大事故", True)],
        ballots=ballots)


def score_evaluation() -> EvaluationData:
    settings = Settings(
        name="百分制边界值", year=None, low=Decimal(60), high=Decimal("99.5"), mark_decimals=2,
        result_decimals=0, excellent_ratio=Decimal("0.25"), high_line=Decimal("95.25"),
        void_identical=True, commend_quota=parse_quota("10%"), admonish_quota=parse_quota(2),
        double_entry=True)
    departments = [Department(i, f"部门{i}") for i in range(1, 6)]
    ballots = [Ballot(f"{n:02d}", "全体", {d.name: f"{60 + (n * 7 + d.order * 3) % 39}.{n % 10}5"
                                          for d in departments if (n + d.order) % 4})
               for n in range(1, 12)]
    return EvaluationData(settings=settings, groups=[Group("全体", Decimal(100), 1, 5, 12)],
                          departments=departments, ballots=ballots)


@pytest.mark.parametrize("make", [grade_evaluation, score_evaluation])
def test_round_trip_edge_values(tmp_path, db, make):
    data = make()
    first = import_evaluation(db, SYSTEM, data)
    path = tmp_path / "out.xlsx"
    write_workbook(get_data(db, first), path)
    again = read_workbook(path)
    assert evaluation_digest(again) == evaluation_digest(data)
    same_rosters(data, again)
    second = import_evaluation(db, SYSTEM, again)
    before = result_json(compute_results(db, first).result)
    after = result_json(compute_results(db, second).result)
    assert after == before


def test_round_trip_keeps_long_decimals(tmp_path):
    """Exact values with more digits than a spreadsheet double holds must survive export."""
    data = score_evaluation()
    data.settings.bonus_cap = Decimal("1.12345678901234567")
    data.groups = [Group("全体", Decimal(100), 1, 5, 12)]
    data.components = [Component("集中考评", Decimal("66.6666666666666667")),
                       Component("目标考核", Decimal("33.3333333333333333"))]
    data.component_values = {d.name: {"目标考核": Decimal("80.0000000000000001")}
                             for d in data.departments}
    path = tmp_path / "long.xlsx"
    write_workbook(data, path)
    again = read_workbook(path)
    assert again.settings.bonus_cap == data.settings.bonus_cap
    assert again.components == data.components
    assert again.component_values == data.component_values
    assert evaluation_digest(again) == evaluation_digest(data)


# --------------------------------------------------------------------------- the template

@pytest.mark.parametrize("grade_mode", [False, True])
def test_template_imports(tmp_path, db, grade_mode):
    path = tmp_path / "template.xlsx"
    write_template(path, grade_mode=grade_mode)
    data = read_workbook(path)
    assert (data.settings.mode == GRADE_MODE) == grade_mode
    assert data.departments and data.groups
    evaluation_id = import_evaluation(db, SYSTEM, data)
    assert evaluation_digest(get_data(db, evaluation_id)) == evaluation_digest(data)
