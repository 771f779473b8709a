"""One small hand-computed case per rule of RULES.md §2–§8.

Every test runs twice through the ``run`` fixture: on evalapp.tally.tally and on the
independent reference (tests/reference_tally.py). The expected numbers are worked out by
hand in the comments, so a failure names the implementation that is wrong.
"""

from __future__ import annotations

import itertools
from decimal import Decimal as D

import pytest

from evalapp.domain import (
    GRADE_MODE, Adjustment, Ballot, Category, Component, Department, EvaluationData, Group,
    Quota, Settings, parse_grades, parse_quota,
)
from evalapp.tally import tally
from evalapp.tally_result import REASON_EMPTY, REASON_IDENTICAL, PreviousResult, Standing
from reference_tally import reference_tally, tally_as_json

_serial = itertools.count(1)


def B(group, marks, own=None, void=None):
    return Ballot(f"{next(_serial):04d}", group, dict(marks), own, void)


def make(names=("A", "B", "C"), groups=None, ballots=(), categories=(), dept_category=None,
         components=(), component_values=None, adjustments=(), **settings):
    dept_category = dept_category or {}
    return EvaluationData(
        settings=Settings(name="测试", year=2021, **settings),
        categories=list(categories),
        groups=list(groups or [Group("G", D(100))]),
        departments=[Department(i + 1, n, category=dept_category.get(n))
                     for i, n in enumerate(names)],
        components=list(components),
        component_values=component_values or {},
        adjustments=list(adjustments),
        ballots=list(ballots),
    )


def one_mark_ballots(group, scores: dict[str, str]):
    """One ballot per department, marking only that department: onsite = that mark."""
    return [B(group, {d: m}) for d, m in scores.items()]


@pytest.fixture(params=["tally", "reference"])
def run(request):
    def _run(data, previous=None):
        if request.param == "tally":
            return tally_as_json(tally(data, previous))
        flags = ({n: s.admonished_by_rank_or_threshold for n, s in previous.standings.items()}
                 if previous else None)
        return reference_tally(data, flags)
    return _run


def dep(result, name):
    return next(d for d in result["departments"] if d["name"] == name)


def field(result, key):
    return {d["name"]: d[key] for d in result["departments"]}


# ------------------------------------------------------------------ §4 trimming

def test_trim_applies_from_m_marks(run):
    # k=1, m=4. A has 4 marks 90,80,70,60 -> n=4=m -> drop 60 and 90 -> (80+70)/2 = 75.00
    # B has 3 marks 90,80,60 -> n=3=m-1 -> no trim -> 230/3 = 76.666.. -> 76.67
    g = Group("G", D(100), trim=1, trim_from=4)
    ballots = [B("G", {"A": "90", "B": "90"}), B("G", {"A": "80", "B": "80"}),
               B("G", {"A": "70", "B": "60"}), B("G", {"A": "60"})]
    r = run(make(("A", "B"), [g], ballots))
    assert dep(r, "A")["group_scores"] == {"G": "75.00"}
    assert dep(r, "B")["group_scores"] == {"G": "76.67"}


def test_trim_two_each_side(run):
    # k=2, m=5: 5 marks 10,20,30,40,100 -> keep 30 -> 30.00
    g = Group("G", D(100), trim=2, trim_from=5)
    ballots = [B("G", {"A": m}) for m in ("100", "10", "40", "20", "30")]
    assert dep(run(make(("A",), [g], ballots)), "A")["onsite_score"] == "30.00"


# ------------------------------------------------------------------ §4 recusal

@pytest.mark.parametrize("recusal, a, b", [(True, "90.00", "80.00"), (False, "95.00", "75.00")])
def test_recusal_only_when_group_has_it(run, recusal, a, b):
    # ballot 1 (own A): A 100, B 80; ballot 2 (own B): A 90, B 70.
    # recusal: A = [90] -> 90, B = [80] -> 80; no recusal: A = 95, B = 75.
    g = Group("G", D(100), recusal=recusal)
    ballots = [B("G", {"A": "100", "B": "80"}, own="A"), B("G", {"A": "90", "B": "70"}, own="B")]
    r = run(make(("A", "B"), [g], ballots))
    assert field(r, "onsite_score") == {"A": a, "B": b}


# ------------------------------------------------------------------ §5 renormalisation

def test_weights_renormalise_when_a_group_gave_no_mark(run):
    # G1 60%, G2 40%. A: G1 90, G2 80 -> (60*90+40*80)/100 = 86.00.
    # B: only G1 70 -> 60*70/60 = 70.00 (not 42); its group_scores lack G2.
    groups = [Group("G1", D(60)), Group("G2", D(40))]
    ballots = [B("G1", {"A": "90", "B": "70"}), B("G2", {"A": "80"})]
    r = run(make(("A", "B"), groups, ballots))
    assert dep(r, "A")["onsite_score"] == "86.00"
    assert dep(r, "B")["onsite_score"] == "70.00"
    assert dep(r, "B")["group_scores"] == {"G1": "70.00"}
    assert dep(r, "B")["final_score"] == "70.00"


def test_onsite_uses_exact_group_scores(run):
    # G1 (50): 80, 80, 80.1 -> 80.0333.. ; G2 (50): 80, 80.1, 80.1 -> 80.0666..
    # onsite exact = 80.05 -> "80.05"; group scores shown 80.03 / 80.07
    groups = [Group("G1", D(50)), Group("G2", D(50))]
    ballots = ([B("G1", {"A": m}) for m in ("80", "80", "80.1")]
               + [B("G2", {"A": m}) for m in ("80", "80.1", "80.1")])
    r = run(make(("A",), groups, ballots))
    assert dep(r, "A")["group_scores"] == {"G1": "80.03", "G2": "80.07"}
    assert dep(r, "A")["onsite_score"] == "80.05"


# ------------------------------------------------------------------ blanks, grades

def test_blank_marks_are_left_out(run):
    # ballot 1: A 90, B blank; ballot 2: A 80, B 60 -> A 85.00, B 60.00, both ballots valid
    ballots = [B("G", {"A": "90"}), B("G", {"A": "80", "B": "60"})]
    r = run(make(("A", "B"), None, ballots))
    assert field(r, "onsite_score") == {"A": "85.00", "B": "60.00"}
    assert r["ballots"] == {"total": 2, "valid": 2, "invalid": 0}


GRADES_ABSTAIN = parse_grades("优秀=100,良好=85,一般=70,较差=50,不了解=")


def test_abstention_grade_counts_as_blank(run):
    # {A 优秀, B 不了解}, {A 良好, B 一般}: A = (100+85)/2 = 92.50, B = 70.00 (not (0+70)/2)
    ballots = [B("G", {"A": "优秀", "B": "不了解"}), B("G", {"A": "良好", "B": "一般"})]
    r = run(make(("A", "B"), None, ballots, mode=GRADE_MODE, grades=GRADES_ABSTAIN))
    assert field(r, "onsite_score") == {"A": "92.50", "B": "70.00"}
    assert r["ballots"] == {"total": 2, "valid": 2, "invalid": 0}


def test_ballot_with_only_abstentions_has_no_mark(run):
    # Interpretation: an abstention "counts as a blank", so a ballot holding only
    # abstentions has no mark at all (§3.1) -> invalid.
    ballots = [B("G", {"A": "不了解", "B": "不了解"}), B("G", {"A": "良好"})]
    r = run(make(("A", "B"), None, ballots, mode=GRADE_MODE, grades=GRADES_ABSTAIN))
    assert r["ballots"] == {"total": 2, "valid": 1, "invalid": 1}
    assert dep(r, "B")["outcome"] == "unscored"


def test_grade_mode_uses_configured_points(run):
    # 好=90, 中=75, 差=60. A: 好,中,差 -> 225/3 = 75.00; B: 好,好,中 -> 255/3 = 85.00
    ballots = [B("G", {"A": "好", "B": "好"}), B("G", {"A": "中", "B": "好"}),
               B("G", {"A": "差", "B": "中"})]
    r = run(make(("A", "B"), None, ballots, mode=GRADE_MODE,
                 grades=parse_grades("好=90,中=75,差=60")))
    assert field(r, "onsite_score") == {"A": "75.00", "B": "85.00"}
    assert field(r, "rank") == {"B": 1, "A": 2}


# ------------------------------------------------------------------ §3 validity

FIVE = ("A", "B", "C", "D", "E")


def test_excellent_quota_grade_mode(run):
    # N=5, r=0.5 -> limit floor(2.5) = 2. Ballot 1: 2 优秀 -> valid; ballot 2: 3 优秀 -> void.
    # A = 100 (ballot 1 only), C = 85 (良好 on ballot 1)
    ballots = [B("G", {"A": "优秀", "B": "优秀", "C": "良好"}),
               B("G", {"A": "优秀", "B": "优秀", "C": "优秀"})]
    r = run(make(FIVE, None, ballots, mode=GRADE_MODE, excellent_ratio=D("0.5")))
    assert r["ballots"] == {"total": 2, "valid": 1, "invalid": 1}
    assert dep(r, "C")["onsite_score"] == "85.00"


def test_excellent_ratio_zero_means_no_limit(run):
    ballots = [B("G", {d: "优秀" for d in FIVE})]
    r = run(make(FIVE, None, ballots, mode=GRADE_MODE, excellent_ratio=D("0")))
    assert r["ballots"] == {"total": 1, "valid": 1, "invalid": 0}


@pytest.mark.parametrize("high_line, valid, c_score", [(D("90"), 1, "89.90"), (None, 2, "89.95")])
def test_excellent_quota_score_mode_needs_high_line(run, high_line, valid, c_score):
    # N=5, r=0.4 -> limit 2. H=90: ballot 1 (90, 95, 89.9) has 2 marks >= 90 -> valid;
    # ballot 2 (90, 90, 90) has 3 -> void -> C = 89.90.
    # H unset: the quota does not apply -> both valid -> C = (89.9+90)/2 = 89.95
    ballots = [B("G", {"A": "90", "B": "95", "C": "89.9"}),
               B("G", {"A": "90", "B": "90", "C": "90"})]
    r = run(make(FIVE, None, ballots, excellent_ratio=D("0.4"), high_line=high_line))
    assert r["ballots"]["valid"] == valid
    assert dep(r, "C")["onsite_score"] == c_score


@pytest.mark.parametrize("on, a, b, valid", [(True, "87.50", "70.00", 2),
                                             (False, "78.75", "70.00", 4)])
def test_void_identical(run, on, a, b, valid):
    # b1: A 80, B 80 (all equal); b2: A 90, B 70; b3: A 85 alone (one mark: never identical);
    # b4: A "60", B "60.0" (equal values).
    # on:  b1, b4 void -> A = (90+85)/2 = 87.50, B = 70.00
    # off: A = (80+90+85+60)/4 = 78.75, B = (80+70+60)/3 = 70.00
    ballots = [B("G", {"A": "80", "B": "80"}), B("G", {"A": "90", "B": "70"}),
               B("G", {"A": "85"}), B("G", {"A": "60", "B": "60.0"})]
    r = run(make(("A", "B"), None, ballots, void_identical=on))
    assert field(r, "onsite_score") == {"A": a, "B": b}
    assert r["ballots"]["valid"] == valid


def test_operator_void(run):
    # the voided ballot (A 10) contributes nothing -> A = 90.00
    ballots = [B("G", {"A": "10"}, void="字迹无法辨认"), B("G", {"A": "90"})]
    r = run(make(("A",), None, ballots))
    assert dep(r, "A")["onsite_score"] == "90.00"
    assert r["ballots"] == {"total": 2, "valid": 1, "invalid": 1}


def test_empty_ballot_is_invalid(run):
    ballots = [B("G", {}), B("G", {"A": "90"})]
    r = run(make(("A",), None, ballots))
    assert r["ballots"] == {"total": 2, "valid": 1, "invalid": 1}


def test_invalid_ballot_reasons_recorded_per_group():
    groups = [Group("G1", D(50)), Group("G2", D(50))]
    empty = B("G1", {})
    voided = B("G2", {"A": "90", "B": "80"}, void="字迹无法辨认")
    same = B("G2", {"A": "85", "B": "85"})
    ok1, ok2 = B("G1", {"A": "90", "B": "80"}), B("G2", {"A": "70", "B": "60"})
    res = tally(make(("A", "B"), groups, [empty, voided, same, ok1, ok2], void_identical=True))
    stats = {g.name: g for g in res.groups}
    assert (stats["G1"].entered, stats["G1"].valid, stats["G1"].invalid) == (2, 1, 1)
    assert (stats["G2"].entered, stats["G2"].valid, stats["G2"].invalid) == (3, 1, 2)
    assert [(i.serial, i.group, i.reason) for i in stats["G1"].invalid_ballots] == [
        (empty.serial, "G1", REASON_EMPTY)]
    reasons = {i.serial: (i.group, i.reason) for i in stats["G2"].invalid_ballots}
    assert set(reasons) == {voided.serial, same.serial}
    assert reasons[same.serial] == ("G2", REASON_IDENTICAL)
    # the operator's reason is kept (the tally prefixes it with 人工作废:)
    assert reasons[voided.serial][0] == "G2" and "字迹无法辨认" in reasons[voided.serial][1]
    assert (res.total_ballots, res.valid_ballots, res.invalid_ballots) == (5, 2, 3)


def test_over_issued_warning():
    groups = [Group("G1", D(50), expected=1), Group("G2", D(50), expected=2)]
    ballots = [B("G1", {"A": "90"}), B("G1", {"A": "80"}),
               B("G2", {"A": "90"}), B("G2", {"A": "80"})]
    res = tally(make(("A",), groups, ballots))
    stats = {g.name: g for g in res.groups}
    assert stats["G1"].over_issued and not stats["G2"].over_issued
    assert res.warnings and any("G1" in w for w in res.warnings)
    assert not any("G2" in w for w in res.warnings)


# ------------------------------------------------------------------ §6 components, adjustments

def test_components_and_missing_value(run):
    # 集中考评 60, 目标考核 40. A: onsite 90, 目标考核 80 -> 54 + 32 = 86.00.
    # B: onsite 70, no 目标考核 value -> unscored (缺少目标考核), still shows its onsite score,
    # listed last even though its order is 1.
    comps = [Component("集中考评", D(60)), Component("目标考核", D(40))]
    data = make(("B", "A"), None, one_mark_ballots("G", {"A": "90", "B": "70"}),
                components=comps, component_values={"A": {"目标考核": D(80)}})
    r = run(data)
    a, b = dep(r, "A"), dep(r, "B")
    assert (a["onsite_score"], a["final_score"], a["rank"]) == ("90.00", "86.00", 1)
    assert b == {"name": "B", "category": "全部", "rank": None, "category_rank": None,
                 "group_scores": {"G": "70.00"}, "onsite_score": "70.00", "bonus": None,
                 "penalty": None, "final_score": None, "veto": False, "outcome": "unscored"}
    assert [d["name"] for d in r["departments"]] == ["A", "B"]
    assert r["unscored_reason"]["B"] == "缺少目标考核"


def test_bonus_cap_and_penalties(run):
    # cap 1.5. A (onsite 90): +1, +1, -0.5 -> bonus min(2, 1.5) = 1.50, penalty 0.50 -> 91.00
    # B (onsite 80): +0.3, -2, -1 -> bonus 0.30, penalty 3.00 -> 77.30
    adj = [Adjustment("A", D(1)), Adjustment("A", D(1)), Adjustment("A", D("-0.5")),
           Adjustment("B", D("0.3")), Adjustment("B", D(-2)), Adjustment("B", D(-1))]
    r = run(make(("A", "B"), None, one_mark_ballots("G", {"A": "90", "B": "80"}),
                 adjustments=adj, bonus_cap=D("1.5")))
    assert [dep(r, "A")[k] for k in ("bonus", "penalty", "final_score")] == ["1.50", "0.50", "91.00"]
    assert [dep(r, "B")[k] for k in ("bonus", "penalty", "final_score")] == ["0.30", "3.00", "77.30"]


def test_no_bonus_cap(run):
    adj = [Adjustment("A", D(3)), Adjustment("A", D(2))]
    r = run(make(("A",), None, one_mark_ballots("G", {"A": "90"}), adjustments=adj))
    assert (dep(r, "A")["bonus"], dep(r, "A")["final_score"]) == ("5.00", "95.00")


def test_final_rounded_once_from_exact(run):
    # onsite = (87.1+87.1+87.2)/3 = 87.1333.. (shows 87.13); bonus 0.004 (shows 0.00);
    # final exact 87.1373.. -> 87.14 (adding rounded figures would give 87.13)
    ballots = [B("G", {"A": m}) for m in ("87.1", "87.1", "87.2")]
    r = run(make(("A",), None, ballots, adjustments=[Adjustment("A", D("0.004"))]))
    a = dep(r, "A")
    assert (a["onsite_score"], a["bonus"], a["final_score"]) == ("87.13", "0.00", "87.14")


# ------------------------------------------------------------------ rounding

def test_half_up_boundary(run):
    # (87+87+87+87.5)/4 = 87.125 -> 87.13 (group, onsite and final)
    # B: same marks, penalty 90 -> 87.125 - 90 = -2.875 -> -2.88 (halves away from zero)
    ballots = [B("G", {"A": m, "B": m}) for m in ("87", "87", "87", "87.5")]
    r = run(make(("A", "B"), None, ballots, adjustments=[Adjustment("B", D(-90))]))
    a, b = dep(r, "A"), dep(r, "B")
    assert (a["group_scores"]["G"], a["onsite_score"], a["final_score"]) == ("87.13",) * 3
    assert (b["final_score"], b["penalty"]) == ("-2.88", "90.00")


def test_result_decimals_one(run):
    # result_decimals 1: (87+87.1+87.1+87.1)/4 = 87.075 -> 87.1; strings have one decimal
    ballots = [B("G", {"A": m}) for m in ("87", "87.1", "87.1", "87.1")]
    r = run(make(("A",), None, ballots, result_decimals=1))
    assert (dep(r, "A")["onsite_score"], dep(r, "A")["bonus"]) == ("87.1", "0.0")


# ------------------------------------------------------------------ §7 ranking

def test_standard_competition_ranking(run):
    # 90, 80, 80, 70 -> 1, 2, 2, 4
    r = run(make(("A", "B", "C", "D"), None,
                 one_mark_ballots("G", {"A": "90", "B": "80", "C": "80", "D": "70"})))
    assert field(r, "rank") == {"A": 1, "B": 2, "C": 2, "D": 4}
    assert [d["rank"] for d in r["departments"]] == [1, 2, 2, 4]


@pytest.mark.parametrize("keys, ranks", [(("集中考评得分",), {"A": 1, "B": 2}),
                                         ((), {"A": 1, "B": 1})])
def test_tie_break_onsite(run, keys, ranks):
    # 集中考评 50, 目标考核 50. A: onsite 90, 目标 70 -> 80; B: onsite 80, 目标 80 -> 80.
    comps = [Component("集中考评", D(50)), Component("目标考核", D(50))]
    r = run(make(("A", "B"), None, one_mark_ballots("G", {"A": "90", "B": "80"}),
                 components=comps, tie_break=keys,
                 component_values={"A": {"目标考核": D(70)}, "B": {"目标考核": D(80)}}))
    assert field(r, "final_score") == {"A": "80.00", "B": "80.00"}
    assert field(r, "rank") == ranks


@pytest.mark.parametrize("keys, ranks", [(("G2",), {"A": 2, "B": 1}), (("G1",), {"A": 1, "B": 2}),
                                         (("集中考评得分",), {"A": 1, "B": 1})])
def test_tie_break_named_group(run, keys, ranks):
    # G1 50, G2 50. A: G1 90, G2 70 -> 80; B: G1 70, G2 90 -> 80. On-site equal too.
    groups = [Group("G1", D(50)), Group("G2", D(50))]
    ballots = [B("G1", {"A": "90", "B": "70"}), B("G2", {"A": "70", "B": "90"})]
    r = run(make(("A", "B"), groups, ballots, tie_break=keys))
    assert field(r, "rank") == ranks


@pytest.mark.parametrize("keys, ranks", [(("集中考评得分", "优秀票数"), {"A": 1, "B": 2}),
                                         (("集中考评得分",), {"A": 1, "B": 1})])
def test_tie_break_excellent_count(run, keys, ranks):
    # A: 优秀, 一般 -> (100+70)/2 = 85; B: 良好, 良好 -> 85. A has 1 first-grade mark, B 0.
    ballots = [B("G", {"A": "优秀", "B": "良好"}), B("G", {"A": "一般", "B": "良好"})]
    r = run(make(("A", "B"), None, ballots, mode=GRADE_MODE, tie_break=keys))
    assert field(r, "onsite_score") == {"A": "85.00", "B": "85.00"}
    assert field(r, "rank") == ranks


def test_excellent_count_uses_V_after_recusal(run):
    # recusal group. b1 (own A): A 优秀 (left out), B 良好; b2, b3: A 良好, B 良好.
    # A: V = [85, 85] -> 85 with 0 first-grade marks in V; B: 85 with 0 -> both rank 1.
    g = Group("G", D(100), recusal=True)
    ballots = [B("G", {"A": "优秀", "B": "良好"}, own="A"), B("G", {"A": "良好", "B": "良好"}),
               B("G", {"A": "良好", "B": "良好"})]
    r = run(make(("A", "B"), [g], ballots, mode=GRADE_MODE, tie_break=("优秀票数",)))
    assert field(r, "rank") == {"A": 1, "B": 1}


def test_unscored_listed_last(run):
    # A has no mark at all -> unscored, rank None, listed after B and C
    r = run(make(("A", "B", "C"), None, one_mark_ballots("G", {"B": "80", "C": "90"})))
    assert [d["name"] for d in r["departments"]] == ["C", "B", "A"]
    a = dep(r, "A")
    assert (a["rank"], a["onsite_score"], a["group_scores"], a["outcome"]) == (
        None, None, {}, "unscored")
    assert r["unscored_reason"]["A"] == "无有效评分"


def test_category_ranks_and_quotas(run):
    # X (commend 1, admonish 0): A 90, C 70; Y (commend 0, admonish 1): B 80, D 60
    # overall A1 B2 C3 D4; category A1 C2 | B1 D2; A commend, D admonish.
    cats = [Category("X", Quota(1), Quota(0)), Category("Y", Quota(0), Quota(1))]
    r = run(make(("A", "B", "C", "D"), None,
                 one_mark_ballots("G", {"A": "90", "B": "80", "C": "70", "D": "60"}),
                 categories=cats, dept_category={"A": "X", "C": "X", "B": "Y", "D": "Y"}))
    assert field(r, "rank") == {"A": 1, "B": 2, "C": 3, "D": 4}
    assert field(r, "category_rank") == {"A": 1, "C": 2, "B": 1, "D": 2}
    assert field(r, "category") == {"A": "X", "C": "X", "B": "Y", "D": "Y"}
    assert field(r, "outcome") == {"A": "commend", "B": "none", "C": "none", "D": "admonish"}


def test_implicit_category(run):
    r = run(make(("A",), None, one_mark_ballots("G", {"A": "80"})))
    assert (dep(r, "A")["category"], dep(r, "A")["category_rank"]) == ("全部", 1)


# ------------------------------------------------------------------ §8 veto, threshold, quotas

def test_veto_ranks_last_and_is_admonished(run):
    # A 95 vetoed, B 80, C 70 -> B 1, C 2, A 3; A admonished; quotas 0 -> others none
    r = run(make(("A", "B", "C"), None, one_mark_ballots("G", {"A": "95", "B": "80", "C": "70"}),
                 adjustments=[Adjustment("A", D(0), "违规", veto=True)]))
    assert field(r, "rank") == {"B": 1, "C": 2, "A": 3}
    assert field(r, "outcome") == {"A": "admonish", "B": "none", "C": "none"}
    assert dep(r, "A")["veto"] is True
    assert [d["name"] for d in r["departments"]] == ["B", "C", "A"]


def test_vetoed_not_commended_nor_counted(run):
    # commend 1, admonish 1; A 95 vetoed -> B (80) commended, C (70) admonished by rank
    r = run(make(("A", "B", "C"), None, one_mark_ballots("G", {"A": "95", "B": "80", "C": "70"}),
                 adjustments=[Adjustment("A", D(0), "违规", veto=True)],
                 commend_quota=Quota(1), admonish_quota=Quota(1)))
    assert field(r, "outcome") == {"A": "admonish", "B": "commend", "C": "admonish"}


def test_threshold_admonish_below(run):
    # T = 75. A 90 none, B (75+74.9)/2 = 74.95 < 75 -> admonish, C 75.00 not below -> none
    ballots = [B("G", {"A": "90", "B": "75", "C": "75"}), B("G", {"A": "90", "B": "74.9",
                                                                   "C": "75"})]
    r = run(make(("A", "B", "C"), None, ballots, admonish_below=D(75)))
    assert field(r, "outcome") == {"A": "none", "B": "admonish", "C": "none"}


def test_threshold_uses_rounded_final(run):
    # result_decimals 1, T = 75: B = (75+74.9)/2 = 74.95 -> rounds to 75.0 -> not below
    ballots = [B("G", {"B": "75"}), B("G", {"B": "74.9"})]
    r = run(make(("B",), None, ballots, admonish_below=D(75), result_decimals=1))
    assert dep(r, "B")["final_score"] == "75.0"
    assert dep(r, "B")["outcome"] == "none"


def test_count_quotas(run):
    # 90 80 70 60 50, commend 2, admonish 1 -> A B commend, E admonish
    r = run(make(FIVE, None, one_mark_ballots("G", dict(zip(FIVE, ("90", "80", "70", "60", "50")))),
                 commend_quota=Quota(2), admonish_quota=Quota(1)))
    assert field(r, "outcome") == {"A": "commend", "B": "commend", "C": "none", "D": "none",
                                   "E": "admonish"}


@pytest.mark.parametrize("commend, admonish, n_commend, n_admonish", [
    ("10%", "10%", 1, 1),   # 0.5 -> 1 (half up), 0.5 -> 1
    ("30%", "1%", 2, 1),    # 1.5 -> 2; 0.05 -> 0 -> at least 1
    ("25%", "0%", 1, 0),    # 1.25 -> 1; 0% -> none
    ("50%", "20%", 3, 1),   # 2.5 -> 3; 1.0 -> 1
])
def test_percent_quotas(run, commend, admonish, n_commend, n_admonish):
    # n = 5 ranked non-vetoed departments with distinct scores
    r = run(make(FIVE, None, one_mark_ballots("G", dict(zip(FIVE, ("90", "80", "70", "60", "50")))),
                 commend_quota=parse_quota(commend), admonish_quota=parse_quota(admonish)))
    outcomes = list(field(r, "outcome").values())
    assert outcomes.count("commend") == n_commend
    assert outcomes.count("admonish") == n_admonish


def test_percent_quota_counts_ranked_non_vetoed_only(run):
    # 7 departments: F vetoed, G unscored -> n = 5. commend 25% -> 1.25 -> 1
    # (n=6 would give 1.5 -> 2, n=7 1.75 -> 2). admonish 30% -> 1.5 -> 2: D, E.
    names = FIVE + ("F", "G")
    data = make(names, None,
                one_mark_ballots("G", dict(zip(FIVE + ("F",), ("90", "80", "70", "60", "50", "95")))),
                adjustments=[Adjustment("F", D(0), "x", veto=True)],
                commend_quota=parse_quota("25%"), admonish_quota=parse_quota("30%"))
    r = run(data)
    assert field(r, "outcome") == {"A": "commend", "B": "none", "C": "none", "D": "admonish",
                                   "E": "admonish", "F": "admonish", "G": "unscored"}


def test_ties_at_boundary_on_both_lists(run):
    # 90 80 80 70 60 60 -> ranks 1 2 2 4 5 5. commend 2 -> A B C; admonish 1 -> E F
    names = ("A", "B", "C", "D", "E", "F")
    r = run(make(names, None,
                 one_mark_ballots("G", dict(zip(names, ("90", "80", "80", "70", "60", "60")))),
                 commend_quota=Quota(2), admonish_quota=Quota(1)))
    assert field(r, "rank") == {"A": 1, "B": 2, "C": 2, "D": 4, "E": 5, "F": 5}
    assert field(r, "outcome") == {"A": "commend", "B": "commend", "C": "commend",
                                   "D": "none", "E": "admonish", "F": "admonish"}


def test_both_by_rank_is_commended(run):
    # all tied at 80, commend 1, admonish 1 -> all rank 1, qualify for both -> commended
    r = run(make(("A", "B"), None, one_mark_ballots("G", {"A": "80", "B": "80"}),
                 commend_quota=Quota(1), admonish_quota=Quota(1)))
    assert field(r, "outcome") == {"A": "commend", "B": "commend"}


@pytest.mark.parametrize("threshold, a_outcome", [(None, "commend"), (D(95), "admonish")])
def test_both_by_rank_but_threshold_admonishes(run, threshold, a_outcome):
    # A 90, B 80; commend 1, admonish 2 -> A has 1 below (< 2) and rank 1 -> commend;
    # with T = 95 A is below the threshold -> admonish. B: admonish either way.
    r = run(make(("A", "B"), None, one_mark_ballots("G", {"A": "90", "B": "80"}),
                 commend_quota=Quota(1), admonish_quota=Quota(2), admonish_below=threshold))
    assert field(r, "outcome") == {"A": a_outcome, "B": "admonish"}


# ------------------------------------------------------------------ repeat flag

def test_repeat_flag():
    # A 90 vetoed, B 80, C 70, D 60; admonish quota 1, T = 75.
    # A admonished by veto only; C by threshold; D by rank and threshold; B none.
    # previous flags: A, B, C True; D False -> repeat only C.
    data = make(("A", "B", "C", "D"), None,
                one_mark_ballots("G", {"A": "90", "B": "80", "C": "70", "D": "60"}),
                adjustments=[Adjustment("A", D(0), "x", veto=True)],
                admonish_quota=Quota(1), admonish_below=D(75))
    prev = PreviousResult("2020年度", 2020, {
        "A": Standing(4, 4, "admonish", True), "B": Standing(3, 3, "admonish", True),
        "C": Standing(1, 1, "admonish", True), "D": Standing(2, 2, "none", False)})
    res = tally(data, prev)
    assert {d.name: d.outcome for d in res.departments} == {
        "A": "admonish", "B": "none", "C": "admonish", "D": "admonish"}
    assert {d.name: d.repeat for d in res.departments} == {
        "A": False, "B": False, "C": True, "D": False}
    ref = reference_tally(data, {n: s.admonished_by_rank_or_threshold
                                 for n, s in prev.standings.items()})
    assert ref["repeat"] == {"A": False, "B": False, "C": True, "D": False}
    # the standings this result hands to the next year
    st = res.standings()
    assert (st["A"].admonished_by_rank_or_threshold, st["C"].admonished_by_rank_or_threshold,
            st["D"].admonished_by_rank_or_threshold, st["B"].admonished_by_rank_or_threshold) == (
        False, True, True, False)


def test_repeat_flag_by_rank():
    # B 80, C 70, admonish 1 -> C admonished by rank; previous C admonished -> repeat.
    # A department new this year (absent from previous) is never flagged.
    data = make(("B", "C", "N"), None, one_mark_ballots("G", {"B": "80", "C": "70", "N": "60"}),
                admonish_quota=Quota(2))
    prev = PreviousResult("2020年度", 2020, {"B": Standing(1, 1, "none", False),
                                           "C": Standing(2, 2, "admonish", True)})
    res = tally(data, prev)
    assert {d.name: (d.outcome, d.repeat) for d in res.departments} == {
        "B": ("none", False), "C": ("admonish", True), "N": ("admonish", False)}


def test_excellent_tie_break_counts_nothing_in_score_mode(run):
    # 百分制 with 高分线 85: A and B both average 85 (final 85.00). A's marks 85, 85 reach the
    # line, B's 80, 90 one of them. 优秀票数 counts first-grade marks (等次制 only), so it
    # separates nothing here: both rank 1.
    ballots = [B("G", {"A": "85", "B": "80"}), B("G", {"A": "85", "B": "90"})]
    r = run(make(("A", "B"), ballots=ballots, high_line=D(85), tie_break=("优秀票数",)))
    assert field(r, "rank") == {"A": 1, "B": 1}
