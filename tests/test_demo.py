"""The demo evaluations (evalapp.demo): realistic, valid, complete and deterministic."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from evalapp.demo import demo_evaluations
from evalapp.digest import evaluation_digest
from evalapp.marks import normalize_mark
from evalapp.tally import tally
from evalapp.tally_result import (
    ADMONISH, COMMEND, REASON_EMPTY, REASON_IDENTICAL, PreviousResult,
)

try:
    from reference_tally import reference_tally, tally_as_json
except ImportError:  # run with the project root on sys.path only
    from tests.reference_tally import reference_tally, tally_as_json

ROOT = Path(__file__).resolve().parents[1]
GROUPS = ["四大班子领导", "老同志代表", "企业家代表", "镇街负责人", "群众代表", "部门互评"]
CATEGORIES = ["党群部门", "政府工作部门", "垂直管理及其他"]
SPEECH = ["档案局", "国税局", "地税局", "残联", "财政局", "法院", "妇联", "卫生局", "公安局",
          "组织部", "人事局", "规资局", "供销社", "信访局", "党校", "帅馆", "气象局", "统计局",
          "物价局", "林业局", "水务局", "发改委", "经信委", "交通局", "市政园林局", "教委",
          "行政服务中心", "两新工委"]


@pytest.fixture(scope="module")
def evaluations():
    return demo_evaluations()


@pytest.fixture(scope="module")
def results(evaluations):
    e20, e21 = evaluations
    r20 = tally(e20)
    r21 = tally(e21, PreviousResult(r20.evaluation, r20.year, r20.standings()))
    return r20, r21


def test_two_years(evaluations):
    assert [e.settings.name for e in evaluations] == [
        "2020年度区级部门工作业绩集中考评", "2021年度区级部门工作业绩集中考评"]
    assert [e.settings.year for e in evaluations] == [2020, 2021]


def test_departments(evaluations):
    for data in evaluations:
        depts = data.departments
        assert len(depts) == 73
        assert [d.order for d in depts] == list(range(1, 74))
        assert len({d.name for d in depts}) == 73
        assert len({d.short_name for d in depts}) == 73
        assert {d.category for d in depts} == set(CATEGORIES)
        assert [c.name for c in data.categories] == CATEGORIES
        assert all(2 <= len(d.presenter) <= 3 and d.title for d in depts)
        assert len({d.presenter for d in depts}) == 73
        shorts = {d.short_name for d in depts}
        assert [s for s in SPEECH if s not in shorts] == []
    # the same departments both years; a few heads rotated
    a, b = evaluations
    assert [d.name for d in a.departments] == [d.name for d in b.departments]
    changed = sum(x.presenter != y.presenter for x, y in zip(a.departments, b.departments))
    assert 0 < changed < 15


def test_groups_weights_and_components(evaluations):
    for data in evaluations:
        assert [g.name for g in data.groups] == GROUPS
        assert sum(g.weight for g in data.groups) == 100
        assert all(g.trim_from >= 2 * g.trim + 1 and g.expected for g in data.groups)
        assert [g.name for g in data.groups if g.recusal] == ["部门互评"]
        assert sum(c.weight for c in data.components) == 100
        assert data.components[0].name == "集中考评"
        others = [c.name for c in data.components[1:]]
        for d in data.departments:
            values = data.component_values[d.name]
            assert sorted(values) == sorted(others)
            assert all(0 <= v <= 100 and v == v.quantize(Decimal("0.1"))
                       for v in values.values())


def test_marks_are_plausible(evaluations):
    for data in evaluations:
        names = {d.name for d in data.departments}
        marks = []
        for ballot in data.ballots:
            assert set(ballot.marks) <= names
            for text in ballot.marks.values():
                assert normalize_mark(data.settings, text) == text  # valid and canonical
                marks.append(Decimal(text))
        assert 200 <= len(data.ballots) <= 300
        assert sum(80 <= m <= 98 for m in marks) / len(marks) > 0.85
        partial = [b for b in data.ballots if 0 < len(b.marks) < 73]
        assert len(partial) > 10  # occasional blanks
        assert len({b.serial for b in data.ballots}) == len(data.ballots)
        for ballot in data.ballots:
            prefix = "ABCDEF"[GROUPS.index(ballot.group)]
            assert ballot.serial[0] == prefix and len(ballot.serial) == 4


def test_peer_ballots_one_per_department(evaluations):
    for data in evaluations:
        peers = [b for b in data.ballots if b.group == "部门互评"]
        assert sorted(b.own_department for b in peers) == sorted(
            d.name for d in data.departments)
        assert all(b.own_department is None for b in data.ballots if b.group != "部门互评")


def test_roster(evaluations):
    for data in evaluations:
        roster = data.evaluators
        assert len(roster) == 28
        assert {e.group for e in roster} == {"四大班子领导"}
        assert {e.unit for e in roster} == {"区委", "区人大常委会", "区政府", "区政协"}
        assert len({e.seat for e in roster}) == 28 and len({e.name for e in roster}) == 28


def test_invalid_ballots_of_each_kind(results):
    for result in results:
        reasons = [i.reason for g in result.groups for i in g.invalid_ballots]
        assert len(reasons) == result.invalid_ballots == 4
        assert REASON_EMPTY in reasons
        assert REASON_IDENTICAL in reasons
        assert "人工作废:字迹无法辨认" in reasons
        assert any(r.startswith("优秀 ") and r.endswith("超过上限 21 个") for r in reasons)


def test_over_issue_only_in_2020(results):
    r20, r21 = results
    assert [g.name for g in r20.groups if g.over_issued] == ["老同志代表"]
    assert len(r20.warnings) == 1 and "老同志代表" in r20.warnings[0]
    assert not any(g.over_issued for g in r21.groups)
    assert r21.warnings == []


def test_ranks_complete(results):
    for result in results:
        depts = result.departments
        assert all(d.scored and d.rank is not None for d in depts)
        ranks = [d.rank for d in depts]
        assert ranks == sorted(ranks) and ranks[0] == 1
        for position, d in enumerate(depts, start=1):  # standard competition ranking
            assert d.rank == position or d.rank == depts[position - 2].rank
        for category in CATEGORIES:
            cranks = [d.category_rank for d in depts if d.category == category]
            assert cranks[0] == 1 and cranks == sorted(cranks)
            outcomes = Counter(d.outcome for d in depts if d.category == category)
            assert outcomes[COMMEND] >= 1 and outcomes[ADMONISH] >= 1
            assert any("rank" in d.admonish_reasons for d in depts if d.category == category)
        assert all(d.final_score >= 70 for d in depts)  # nobody hits the threshold


def test_adjustments(results):
    r20, r21 = results
    by_name = {d.short_name: d for d in r20.departments}
    assert by_name["规资局"].bonus == 2  # 2.5 of bonus items, capped at 2
    assert by_name["机关事务局"].penalty == 1
    vetoed = [d for d in r20.departments if d.veto]
    assert [d.short_name for d in vetoed] == ["住建委"]
    assert vetoed[0].veto_reason == "发生重大安全生产责任事故"
    assert vetoed[0].outcome == ADMONISH and r20.departments[-1] is vetoed[0]
    assert not any(d.veto for d in r21.departments)


def test_previous_year_and_repeat(results):
    r20, r21 = results
    repeats = [d.short_name for d in r21.departments if d.repeat]
    assert "机关事务局" in repeats
    assert not any(d.repeat for d in r20.departments)
    changes = [d.rank_change for d in r21.departments]
    assert all(c is not None for c in changes)
    assert sum(c != 0 for c in changes) > 30


def test_agrees_with_reference(evaluations, results):
    r20, r21 = results
    flags = {name: s.admonished_by_rank_or_threshold for name, s in r20.standings().items()}
    for data, result, previous in ((evaluations[0], r20, None), (evaluations[1], r21, flags)):
        expected = reference_tally(data, previous)
        actual = tally_as_json(result)
        assert actual["ballots"] == expected["ballots"]
        assert actual["departments"] == expected["departments"]
        assert actual["repeat"] == expected["repeat"]


def test_deterministic(evaluations):
    again = demo_evaluations()
    assert again == evaluations
    assert again is not evaluations and again[0] is not evaluations[0]
    assert [evaluation_digest(e) for e in again] == [evaluation_digest(e) for e in evaluations]


def test_deterministic_across_processes(evaluations):
    code = ("from evalapp.demo import demo_evaluations\n"
            "from evalapp.digest import evaluation_digest\n"
            "print(' '.join(evaluation_digest(e) for e in demo_evaluations()))")
    expected = " ".join(evaluation_digest(e) for e in evaluations)
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        assert out == expected


def test_fast():
    start = time.perf_counter()
    demo_evaluations()
    assert time.perf_counter() - start < 1.0  # about 0.07 s; generous for slow CI
