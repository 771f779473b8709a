"""Property tests: evalapp.tally.tally against the independent reference, on random small
evaluations (both modes, categories, trimming, recusal, quotas, vetoes, adjustments, ...)."""

from __future__ import annotations

import copy
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings, strategies as st

from evalapp.domain import (
    GRADE_MODE, SCORE_MODE, Adjustment, Ballot, Category, Component, Department,
    EvaluationData, Group, Quota, Settings, parse_grades,
)
from evalapp.tally import tally
from evalapp.tally_result import PreviousResult, Standing
from reference_tally import reference_tally, tally_as_json

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SCORE_POOL = ["50", "60", "70", "75", "80", "80.5", "85", "87.5", "90", "92.3", "95", "100"]
GRADE_SETS = ["优秀=100,良好=85,一般=70,较差=50",
              "优秀=100,良好=85,一般=70,较差=50,不了解=",
              "好=95,中=80.5,差=60"]
QUOTA_PERCENTS = ["0", "10", "25", "30", "33.3", "50", "100"]


def quotas():
    return st.one_of(st.integers(0, 3).map(lambda n: Quota(n)),
                     st.sampled_from(QUOTA_PERCENTS).map(lambda p: Quota(percent=D(p))))


def weights(n):
    """n positive integer weights summing to 100."""
    return st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True).map(
        lambda cuts: [b - a for a, b in zip([0] + sorted(cuts), sorted(cuts) + [100])])


@st.composite
def evaluations(draw):
    mode = draw(st.sampled_from([SCORE_MODE, GRADE_MODE]))
    grades = parse_grades(draw(st.sampled_from(GRADE_SETS)))
    if mode == SCORE_MODE:
        pool = draw(st.lists(st.sampled_from(SCORE_POOL), min_size=1, max_size=4, unique=True))
    else:
        pool = draw(st.lists(st.sampled_from([g.name for g in grades]), min_size=1, max_size=4,
                             unique=True))

    n_cat = draw(st.integers(0, 3))
    categories = [Category(f"类{i}", draw(quotas()), draw(quotas())) for i in range(n_cat)]
    n_dep = draw(st.integers(1, 7))
    departments = [Department(i + 1, f"部门{i}",
                              category=(draw(st.sampled_from(categories)).name
                                        if categories else None))
                   for i in range(n_dep)]
    names = [d.name for d in departments]

    n_grp = draw(st.integers(1, 4))
    groups = []
    for i, w in enumerate(draw(weights(n_grp))):
        k = draw(st.integers(0, 2))
        groups.append(Group(f"组{i}", D(w), trim=k, trim_from=draw(st.integers(2 * k + 1, 2 * k + 4)),
                            expected=draw(st.none() | st.integers(0, 6)),
                            recusal=draw(st.booleans())))

    ballots = []
    for i in range(draw(st.integers(0, 14))):
        marks = {}
        for d in names:
            if draw(st.integers(0, 4)) > 0:  # blank about one time in five
                marks[d] = draw(st.sampled_from(pool))
        ballots.append(Ballot(
            serial=f"{i + 1:03d}", group=draw(st.sampled_from(groups)).name, marks=marks,
            own_department=draw(st.none() | st.sampled_from(names)),
            void_reason=draw(st.sampled_from([None] * 8 + ["字迹无法辨认"]))))

    components, values = [], {}
    if draw(st.booleans()):
        w = draw(st.sampled_from([30, 50, 60, 100]))
        components = [Component("集中考评", D(w))]
        if w < 100:
            components.append(Component("目标考核", D(100 - w)))
            for d in names:
                if draw(st.integers(0, 5)) > 0:
                    values[d] = {"目标考核": D(draw(st.sampled_from(["70", "85.5", "90", "100"])))}

    adjustments = [Adjustment(draw(st.sampled_from(names)),
                              D(draw(st.sampled_from(["-2", "-0.5", "0", "0.25", "1", "1.5", "3"]))),
                              "事由", veto=draw(st.sampled_from([False] * 5 + [True])))
                   for _ in range(draw(st.integers(0, 4)))]

    # 优秀票数 counts first-grade marks (RULES §7), so in 百分制 it counts nothing.
    tie_keys = ["集中考评得分", "优秀票数"] + [g.name for g in groups]
    tie_break = tuple(draw(st.permutations(tie_keys))[:draw(st.integers(0, 3))])

    s = Settings(
        name="随机考评", year=2022, mode=mode, grades=grades,
        result_decimals=draw(st.sampled_from([0, 1, 2, 2, 2, 3])),
        excellent_ratio=draw(st.sampled_from([None, D("0"), D("0.2"), D("0.34"), D("0.5"), D("1")])),
        high_line=draw(st.sampled_from([None, D("85"), D("90")])) if mode == SCORE_MODE else None,
        void_identical=draw(st.booleans()) if mode == SCORE_MODE else False,
        bonus_cap=draw(st.sampled_from([None, D("1"), D("2.5")])),
        admonish_below=draw(st.sampled_from([None, None, D("75"), D("80.5")])),
        tie_break=tie_break,
        commend_quota=draw(quotas()) if not categories else Quota(),
        admonish_quota=draw(quotas()) if not categories else Quota(),
    )
    return EvaluationData(settings=s, categories=categories, groups=groups,
                          departments=departments, components=components,
                          component_values=values, adjustments=adjustments, ballots=ballots)


@st.composite
def previous_flags(draw, data):
    return {d.name: draw(st.booleans()) for d in data.departments if draw(st.booleans())}


def as_previous(flags):
    return PreviousResult("上年", 2021, {n: Standing(1, 1, "admonish" if f else "none", f)
                                        for n, f in flags.items()})


def by_name(result):
    return {d["name"]: d for d in result["departments"]}


# ---------------------------------------------------------------- (a) agreement

@SETTINGS
@given(st.data())
def test_tally_agrees_with_reference(data_strategy):
    data = data_strategy.draw(evaluations())
    flags = data_strategy.draw(previous_flags(data))
    got = tally_as_json(tally(data, as_previous(flags)))
    want = reference_tally(data, flags)
    assert got["ballots"] == want["ballots"]
    assert by_name(got) == by_name(want)
    assert got["repeat"] == want["repeat"]
    assert ({n for n, r in got["unscored_reason"].items() if r}
            == {n for n, r in want["unscored_reason"].items() if r})
    # listed by overall rank, unscored last
    ranks = [d["rank"] for d in got["departments"]]
    scored = [r for r in ranks if r is not None]
    assert ranks[:len(scored)] == sorted(scored)
    assert all(r is None for r in ranks[len(scored):])


# ---------------------------------------------------------------- (b) ballot order

@SETTINGS
@given(evaluations(), st.randoms(use_true_random=False))
def test_ballot_order_never_matters(data, rnd):
    before = tally(data)
    shuffled = copy.deepcopy(data)
    rnd.shuffle(shuffled.ballots)
    rnd.shuffle(shuffled.adjustments)
    after = tally(shuffled)
    assert after.digest == before.digest
    assert tally_as_json(after) == tally_as_json(before)
    assert [d.name for d in after.departments] == [d.name for d in before.departments]


# ---------------------------------------------------------------- (c) invalid ballots

@SETTINGS
@given(evaluations(), st.randoms(use_true_random=False))
def test_removing_an_invalid_ballot_changes_only_counts(data, rnd):
    before = tally(data)
    invalid = [i.serial for g in before.groups for i in g.invalid_ballots]
    if not invalid:
        return
    serial = rnd.choice(invalid)
    smaller = copy.deepcopy(data)
    smaller.ballots = [b for b in smaller.ballots if b.serial != serial]
    after = tally(smaller)
    a, b = tally_as_json(after), tally_as_json(before)
    assert a["departments"] == b["departments"]
    assert a["ballots"] == {"total": b["ballots"]["total"] - 1, "valid": b["ballots"]["valid"],
                            "invalid": b["ballots"]["invalid"] - 1}


# ---------------------------------------------------------------- (d) digest

@SETTINGS
@given(evaluations(), st.randoms(use_true_random=False))
def test_digest_is_stable_and_sensitive(data, rnd):
    digest = tally(data).digest
    assert tally(copy.deepcopy(data)).digest == digest
    marked = [b for b in data.ballots if b.marks]
    if not marked:
        return
    changed = copy.deepcopy(data)
    i = rnd.randrange(len(changed.ballots))
    while not changed.ballots[i].marks:
        i = (i + 1) % len(changed.ballots)
    ballot = changed.ballots[i]
    dept = rnd.choice(sorted(ballot.marks))
    if changed.settings.mode == SCORE_MODE:
        options = [m for m in SCORE_POOL if D(m) != D(ballot.marks[dept])]
    else:
        options = [g.name for g in changed.settings.grades if g.name != ballot.marks[dept]]
    marks = dict(ballot.marks)
    marks[dept] = rnd.choice(options)
    changed.ballots[i] = Ballot(ballot.serial, ballot.group, marks, ballot.own_department,
                                ballot.void_reason)
    assert tally(changed).digest != digest
