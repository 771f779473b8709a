"""How firmly each outcome stands (evalapp.robustness): every 'ballots to flip' figure is
minimal — an exhaustive search over every smaller set of changed marks finds no flip — and
its witness flips the outcome in the real tally; the weight variations recompute the lists."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings, strategies as st

from evalapp.domain import (
    GRADE_MODE, SCORE_MODE, Adjustment, Ballot, Category, Component, Department,
    EvaluationData, Group, Quota, Settings, parse_grades,
)
from evalapp.robustness import (
    MarkChange, analyse, ballots_to_flip, verify_flip, weight_variations, with_changes,
)
from evalapp.tally import tally

EXHAUSTIVE = settings(max_examples=80, deadline=None,
                      suppress_health_check=[HealthCheck.too_slow,
                                             HealthCheck.data_too_large])
GRADES = ["优=100,良=85,中=70,差=50", "优=100,良=85,中=70,不了解="]
LOW, HIGH = 0, 4  # score mode: the grid 0, 1, 2, 3, 4 (small enough to search it all)
MAX_TALLIES = 2500


def quotas():
    return st.one_of(st.integers(0, 2).map(Quota),
                     st.sampled_from(["0", "25", "50"]).map(lambda p: Quota(percent=D(p))))


@st.composite
def small_evaluations(draw):
    mode = draw(st.sampled_from([SCORE_MODE, GRADE_MODE]))
    grades = parse_grades(draw(st.sampled_from(GRADES)))
    pool = ([str(v) for v in range(LOW, HIGH + 1)] if mode == SCORE_MODE
            else [g.name for g in grades])
    categories = [Category(f"类{i}", draw(quotas()), draw(quotas()))
                  for i in range(draw(st.integers(0, 2)))]
    n_dep = draw(st.integers(2, 4))
    departments = [Department(i + 1, f"部门{i}", category=(
        draw(st.sampled_from(categories)).name if categories else None)) for i in range(n_dep)]
    names = [d.name for d in departments]
    n_grp = draw(st.integers(1, 3))
    weights = {1: [100], 2: [60, 40], 3: [50, 30, 20]}[n_grp]
    groups = []
    for i, w in enumerate(weights):
        k = draw(st.integers(0, 1))
        groups.append(Group(f"组{i}", D(w), trim=k, trim_from=draw(st.integers(2 * k + 1, 4)),
                            recusal=draw(st.booleans())))
    ballots = []
    for i in range(draw(st.integers(1, 7))):
        marks = {d: draw(st.sampled_from(pool)) for d in names if draw(st.integers(0, 5))}
        ballots.append(Ballot(f"{i + 1:02d}", draw(st.sampled_from(groups)).name, marks,
                              own_department=draw(st.none() | st.sampled_from(names)),
                              void_reason=draw(st.sampled_from([None] * 9 + ["污损"]))))
    components, values = [], {}
    if draw(st.booleans()):
        components = [Component("集中考评", D(50)), Component("目标考核", D(50))]
        values = {d: {"目标考核": D(draw(st.sampled_from(["1", "2.5", "4"])))} for d in names}
    adjustments = [Adjustment(draw(st.sampled_from(names)),
                              D(draw(st.sampled_from(["-1", "0.5", "1"]))), "事由",
                              veto=draw(st.sampled_from([False] * 6 + [True])))
                   for _ in range(draw(st.integers(0, 2)))]
    tie_keys = ["集中考评得分", "优秀票数"] + [g.name for g in groups]
    tie_break = tuple(draw(st.permutations(tie_keys))[:draw(st.integers(0, 2))])
    low, high = (D(LOW), D(HIGH)) if mode == SCORE_MODE else (D(0), D(100))
    s = Settings(
        name="稳固", mode=mode, grades=grades, low=low, high=high, mark_decimals=0,
        result_decimals=draw(st.sampled_from([0, 1, 2])),
        excellent_ratio=draw(st.sampled_from([None, D("0.34"), D("0.5")])),
        high_line=draw(st.sampled_from([None, D(3), D(4)])) if mode == SCORE_MODE else None,
        void_identical=draw(st.booleans()) if mode == SCORE_MODE else False,
        bonus_cap=draw(st.sampled_from([None, D("0.5")])),
        admonish_below=draw(st.sampled_from([None, None, D("2.5"), D("75")])),
        tie_break=tie_break,
        commend_quota=draw(quotas()) if not categories else Quota(),
        admonish_quota=draw(quotas()) if not categories else Quota())
    return EvaluationData(settings=s, categories=categories, groups=groups,
                          departments=departments, components=components,
                          component_values=values, adjustments=adjustments, ballots=ballots)


def allowed_marks(data: EvaluationData) -> list[str]:
    if data.settings.mode == SCORE_MODE:
        return [str(v) for v in range(LOW, HIGH + 1)]
    return [g.name for g in data.settings.grades if g.points is not None]


def changeable(data: EvaluationData, base, name: str) -> list[Ballot]:
    """Valid ballots whose mark for ``name`` counts (the only marks a witness may change)."""
    invalid = {i.serial for g in base.groups for i in g.invalid_ballots}
    groups = {g.name: g for g in data.groups}
    points = {g.name: g.points for g in data.settings.grades}
    out = []
    for b in data.ballots:
        mark = b.marks.get(name)
        if b.serial in invalid or mark is None:
            continue
        if data.settings.mode == GRADE_MODE and points[mark] is None:
            continue
        if groups[b.group].recusal and b.own_department == name:
            continue
        out.append(b)
    return out


def outcome_after(data, base, name, changes):
    """The real tally's outcome for ``name`` after the changes, or None when a changed ballot
    would become invalid (such a change is not allowed)."""
    result = tally(with_changes(data, name, changes))
    if [[i.serial for i in g.invalid_ballots] for g in result.groups] != \
            [[i.serial for i in g.invalid_ballots] for g in base.groups]:
        return None
    return next(d.outcome for d in result.departments if d.name == name)


def every_change(data, base, name, size):
    marks = allowed_marks(data)
    for chosen in itertools.combinations(changeable(data, base, name), size):
        options = [[m for m in marks if m != b.marks[name]] for b in chosen]
        for new in itertools.product(*options):
            yield [MarkChange(b.serial, b.group, b.marks[name], m)
                   for b, m in zip(chosen, new)]


def tallies_needed(data, base, name, most):
    n, k = len(changeable(data, base, name)), len(allowed_marks(data)) - 1
    return sum(len(list(itertools.combinations(range(n), s))) * k ** s
               for s in range(1, most + 1))


@EXHAUSTIVE
@given(small_evaluations())
def test_every_figure_is_minimal_and_its_witness_flips(data):
    base = tally(data)
    flips = ballots_to_flip(data, limit=4)
    assert [f.department for f in flips] == [d.name for d in base.departments]
    for flip in flips:
        before = next(d for d in base.departments if d.name == flip.department)
        assert flip.outcome == before.outcome
        if flip.count is not None:
            # the witness: the real tally re-run on it shows the other outcome
            assert flip.verified and len(flip.changes) == flip.count
            assert len({c.serial for c in flip.changes}) == flip.count
            assert outcome_after(data, base, flip.department, flip.changes) == \
                flip.new_outcome != before.outcome
            smaller = flip.count - 1
        else:
            assert flip.reason
            smaller = min(4, len(changeable(data, base, flip.department)))
        if before.veto or not before.scored:
            assert flip.count is None
            continue
        if tallies_needed(data, base, flip.department, smaller) > MAX_TALLIES:
            continue
        for size in range(1, smaller + 1):
            for changes in every_change(data, base, flip.department, size):
                after = outcome_after(data, base, flip.department, changes)
                assert after in (None, before.outcome), (flip, changes)


def test_a_close_race_is_flipped_by_one_ballot():
    s = Settings(name="例", commend_quota=Quota(1), admonish_quota=Quota(1))
    data = EvaluationData(
        settings=s, groups=[Group("甲", D(100))],
        departments=[Department(1, "A"), Department(2, "B"), Department(3, "C")],
        ballots=[Ballot("1", "甲", {"A": "90", "B": "89", "C": "60"}),
                 Ballot("2", "甲", {"A": "90", "B": "89", "C": "60"}),
                 Ballot("3", "甲", {"A": "90", "B": "89.5", "C": "60"})])
    flips = {f.department: f for f in ballots_to_flip(data)}
    a, b, c = flips["A"], flips["B"], flips["C"]
    # one 0 for A: (0 + 90 + 90) / 3 = 60, level with C at the bottom
    assert (a.outcome, a.count, a.new_outcome) == ("commend", 1, "admonish")
    assert a.changes[0].new == "0" and a.verified and a.fragile
    assert (b.count, b.new_outcome) == (1, "commend") and b.changes[0].new == "100"
    # C needs all three ballots at 100 to leave the bottom place
    assert (c.outcome, c.count, c.new_outcome) == ("admonish", 3, "commend")
    assert not c.fragile


def test_excellent_quota_keeps_the_witness_ballots_valid():
    # ballots 1 and 2 already have their one allowed high mark (>= 95): raising B to 100
    # there would void them, so B can only go up to 94.9 on them
    s = Settings(name="例", commend_quota=Quota(1), excellent_ratio=D("0.5"),
                 high_line=D(95))
    ballots = [Ballot("1", "甲", {"A": "96", "B": "80"}), Ballot("2", "甲", {"A": "96", "B": "80"}),
               Ballot("3", "甲", {"A": "90", "B": "80"})]
    data = EvaluationData(settings=s, groups=[Group("甲", D(100))],
                          departments=[Department(1, "A"), Department(2, "B")],
                          ballots=ballots)
    flip = {f.department: f for f in ballots_to_flip(data)}["B"]
    assert (flip.count, flip.new_outcome, flip.verified) == (3, "commend", True)
    assert [(c.serial, c.new) for c in flip.changes] == [("1", "94.9"), ("2", "94.9"),
                                                         ("3", "100")]


def test_weight_variations_report_who_moves():
    s = Settings(name="例", commend_quota=Quota(1))
    data = EvaluationData(
        settings=s, groups=[Group("甲", D(50)), Group("乙", D(50))],
        departments=[Department(1, "A"), Department(2, "B")],
        ballots=[Ballot("1", "甲", {"A": "90", "B": "80"}),
                 Ballot("2", "乙", {"A": "80", "B": "89"})])
    variations = {v.label: v for v in weight_variations(data)}
    assert set(variations) == {"甲 +5", "甲 −5", "不计甲", "乙 +5", "乙 −5", "不计乙"}
    assert variations["甲 +5"].moves == []
    assert [(m.department, m.before, m.after) for m in variations["乙 +5"].moves] == \
        [("A", "commend", "none"), ("B", "none", "commend")]
    assert variations["乙 +5"].weights == {"甲": 45, "乙": 55}
    assert [m.department for m in variations["不计甲"].moves] == ["A", "B"]
    whole = analyse(data)
    assert not whole.stable and whole.digest == tally(data).digest


def test_a_witness_that_does_not_flip_is_not_verified():
    s = Settings(name="例", commend_quota=Quota(1))
    data = EvaluationData(settings=s, groups=[Group("甲", D(100))],
                          departments=[Department(1, "A"), Department(2, "B")],
                          ballots=[Ballot("1", "甲", {"A": "90", "B": "80"}),
                                   Ballot("2", "甲", {"A": "90", "B": "80"})])
    flip = {f.department: f for f in ballots_to_flip(data)}["A"]
    assert flip.count == 1 and flip.verified
    weak = replace(flip, changes=[MarkChange("1", "甲", "90", "85")])
    assert not verify_flip(data, tally(data), weak)


def test_command_line_prints_the_analysis_in_chinese_and_json(tmp_path, capsys):
    import json

    from evalapp.cli import main
    from evalapp.db.engine import open_database
    from evalapp.services.context import SYSTEM
    from evalapp.services.evaluations import import_evaluation
    s = Settings(name="命令行", commend_quota=Quota(1), admonish_quota=Quota(1))
    data = EvaluationData(
        settings=s, groups=[Group("甲", D(60)), Group("乙", D(40))],
        departments=[Department(1, "A"), Department(2, "B"), Department(3, "C")],
        ballots=[Ballot("1", "甲", {"A": "90", "B": "89", "C": "60"}),
                 Ballot("2", "乙", {"A": "90", "B": "89", "C": "60"}),
                 Ballot("3", "甲", {"A": "90", "B": "89.5", "C": "60"})])
    path = tmp_path / "r.db"
    db = open_database(path)
    import_evaluation(db, SYSTEM, data)
    db.dispose()
    assert main(["robustness", "--db", str(path)]) == 0
    text = capsys.readouterr().out
    assert "改票翻转数" in text and "权重敏感性" in text
    assert "A(全部):现为通报表扬,改动 1 张即变为诫勉谈话(已重新计算核实)【需重点核对】" in text
    assert "改票方案:2(乙):90→0" in text  # the lone 乙 ballot weighs most
    assert main(["robustness", "--db", str(path), "--format", "json", "--limit", "3"]) == 0
    got = json.loads(capsys.readouterr().out)
    a = next(f for f in got["flips"] if f["department"] == "A")
    assert (a["ballots_to_flip"], a["new_outcome"], a["verified"]) == (1, "admonish", True)
    assert a["changes"] == [{"serial": "2", "group": "乙", "old": "90", "new": "0"}]
    assert got["limit"] == 3 and got["weight_sensitivity"]["variations"]
    assert main(["robustness", "--db", str(path), "--limit", "0"]) == 1


def test_results_workbook_has_a_robustness_sheet(tmp_path):
    from openpyxl import load_workbook

    from evalapp.workbook.results_xlsx import write_results_workbook
    s = Settings(name="工作簿", commend_quota=Quota(1), admonish_quota=Quota(1))
    data = EvaluationData(
        settings=s, groups=[Group("甲", D(50)), Group("乙", D(50))],
        departments=[Department(1, "A"), Department(2, "B"), Department(3, "C")],
        ballots=[Ballot("1", "甲", {"A": "90", "B": "80", "C": "60"}),
                 Ballot("2", "乙", {"A": "80", "B": "89", "C": "60"})])
    path = tmp_path / "结果.xlsx"
    write_results_workbook(tally(data), path, ["甲", "乙"], ["集中考评"])
    ws = load_workbook(path)["稳固程度"]
    text = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    flat = "\n".join("\t".join(map(str, r)) for r in text)
    analysis = analyse(data)
    for f in analysis.flips:
        assert f.department in flat
    a = next(f for f in analysis.flips if f.department == "A")
    assert a.count is not None and f"{a.count} 张" in flat and "已重新计算核实" in flat
    assert "乙 +5" in flat and "A 通报表扬→无" in flat  # the weights move the lists
    assert "程序" not in flat and "SHA" not in flat  # the 校验码 is in the footer (issue 14)
