"""Two realistic demo evaluations (2020 and 2021), modelled on the seed speech.

Pure and deterministic: one ``random.Random`` with a fixed seed, no Qt, no database and no
iteration over hash-ordered sets, so every run yields the same data and the same digest.

Each evaluation has 73 departments in three categories (党群部门 / 政府工作部门 /
垂直管理及其他), six evaluator groups weighted 30/10/10/15/15/20, about 220 ballots in score
mode (one blank, one voided by the operator, one with identical marks, one over the
excellent quota), components 集中考评 60 / 目标考核 30 / 日常考核 10, bonuses (capped at 2)
and penalties. 2020 also has one veto (一票否决) and one group with a ballot more than
issued; 2021 is clean. 区机关事务局 ranks last of its category both years (连续末位).
"""

from __future__ import annotations

import random
from decimal import Decimal

from evalapp.demo_names import (
    ADJUSTMENTS, DEPARTMENTS, GIVEN_FEMALE, GIVEN_MALE, GOVERNMENT, LEADING_BODIES, PARTY,
    SINGLE_FEMALE, SINGLE_MALE, SURNAMES, VERTICAL,
)
from evalapp.domain import (
    SCORE_MODE, TIE_ONSITE, Adjustment, Ballot, Category, Component, Department,
    EvaluationData, Evaluator, Group, Quota, Settings,
)

SEED = 20211229
YEARS = (2020, 2021)
LEADERS = "四大班子领导"
PEERS = "部门互评"
VOID_REASON = "字迹无法辨认"
HIGH_LINE = 95
EXCELLENT_RATIO = Decimal("0.3")  # floor(0.3 × 73) = 21 marks ≥ 95 allowed per ballot

# name, serial prefix, weight, trim, trim_from, issued, entered {year: n},
# mark noise (sd), evaluator leniency (sd), chance of leaving a department blank
GROUPS = (
    ("四大班子领导", "A", 30, 1, 5, 28, {2020: 27, 2021: 28}, 2.0, 1.5, 0.01),
    ("老同志代表", "B", 10, 1, 5, 20, {2020: 21, 2021: 19}, 2.5, 2.0, 0.03),  # 2020: 21 > 20
    ("企业家代表", "C", 10, 1, 5, 25, {2020: 24, 2021: 25}, 3.0, 2.5, 0.05),
    ("镇街负责人", "D", 15, 1, 5, 24, {2020: 24, 2021: 23}, 2.5, 1.5, 0.02),
    ("群众代表", "E", 15, 2, 10, 50, {2020: 48, 2021: 47}, 3.5, 3.0, 0.06),
    (PEERS, "F", 20, 2, 10, 73, {2020: 73, 2021: 73}, 2.5, 2.0, 0.02),
)

# The invalid ballots of each year: serial -> kind.
SPECIAL = {
    2020: {"E017": "blank", "C009": "void", "B012": "identical", "E033": "excess"},
    2021: {"C021": "blank", "E008": "void", "D015": "identical", "E040": "excess"},
}

CATEGORIES = (
    Category(PARTY, Quota(3), Quota(1)),
    Category(GOVERNMENT, Quota(percent=Decimal(15)), Quota(1)),
    Category(VERTICAL, Quota(2), Quota(1)),
)
COMPONENTS = (
    Component("集中考评", Decimal(60)),
    Component("目标考核", Decimal(30)),
    Component("日常考核", Decimal(10)),
)


def demo_evaluations() -> list[EvaluationData]:
    """The 2020 and 2021 demo evaluations (fresh objects on every call)."""
    rng = random.Random(SEED)
    used: list[str] = []
    presenters = [_person(rng, used) for _ in DEPARTMENTS]
    base = [88.0 + bias + rng.gauss(0, 1.8) for *_, bias in DEPARTMENTS]
    roster = [(unit, title, _person(rng, used, female=0.15))
              for unit, titles in LEADING_BODIES for title in titles]
    result = []
    for year in YEARS:
        if year != YEARS[0]:  # job rotation: a few departments have a new head
            presenters = [_person(rng, used) if rng.random() < 0.1 else p for p in presenters]
        quality = [b + rng.gauss(0, 1.0) for b in base]
        result.append(_evaluation(rng, year, presenters, quality, roster))
    return result


def _evaluation(rng: random.Random, year: int, presenters: list[str], quality: list[float],
                roster: list[tuple[str, str, str]]) -> EvaluationData:
    departments = [Department(order, name, short, category, presenter, title)
                   for order, ((name, short, category, title, _), presenter)
                   in enumerate(zip(DEPARTMENTS, presenters), start=1)]
    settings = Settings(
        name=f"{year}年度区级部门工作业绩集中考评", year=year, mode=SCORE_MODE,
        excellent_ratio=EXCELLENT_RATIO, high_line=Decimal(HIGH_LINE), void_identical=True,
        bonus_cap=Decimal(2), admonish_below=Decimal(70), tie_break=(TIE_ONSITE, LEADERS))
    groups = [Group(name, Decimal(weight), trim, trim_from, issued, name == PEERS)
              for name, _, weight, trim, trim_from, issued, *_ in GROUPS]
    evaluators = [Evaluator(name, LEADERS, unit, f"{i // 10 + 1}排{i % 10 + 1}号")
                  for i, (unit, _, name) in enumerate(roster)]
    limit = int(EXCELLENT_RATIO * len(departments))
    ballots = []
    for name, prefix, _, _, _, _, entered, noise, leniency, blank in GROUPS:
        effect = [q + rng.gauss(0, 0.8) for q in quality]  # how this group sees each dept
        for number in range(1, entered[year] + 1):
            serial = f"{prefix}{number:03d}"
            kind = SPECIAL[year].get(serial)
            own = departments[number - 1].name if name == PEERS else None
            marks = _marks(rng, departments, effect, noise, rng.gauss(0, leniency), blank,
                           own, limit - 1)
            if kind == "blank":
                marks = {}
            elif kind == "identical":
                marks = {d.name: "90" for d in departments}
            elif kind == "excess":
                for d in rng.sample(departments, limit + 9):
                    marks[d.name] = str(rng.randint(HIGH_LINE + 1, 100))
            ballots.append(Ballot(serial, name, marks, own,
                                  VOID_REASON if kind == "void" else None))
    values = {}
    for d, q in zip(departments, quality):
        goal = _clip(q + 4.0 + rng.gauss(0, 2.0), 70, 100)
        daily = _clip(q + 6.0 + rng.gauss(0, 1.5), 75, 100)
        values[d.name] = {"目标考核": _decimal(goal), "日常考核": _decimal(daily)}
    by_short = {d.short_name: d.name for d in departments}
    adjustments = [Adjustment(by_short[short], Decimal(points), reason, veto)
                   for short, points, reason, veto in ADJUSTMENTS[year]]
    return EvaluationData(
        settings=settings, categories=list(CATEGORIES), groups=groups,
        departments=departments, evaluators=evaluators, components=list(COMPONENTS),
        component_values=values, adjustments=adjustments, ballots=ballots)


def _marks(rng: random.Random, departments: list[Department], effect: list[float],
           noise: float, lenient: float, blank: float, own: str | None,
           max_excellent: int) -> dict[str, str]:
    """One evaluator's marks, in tenths; at most ``max_excellent`` marks ≥ the high line."""
    style = rng.random()  # whole marks, halves or tenths: each evaluator has a habit
    step = 10 if style < 0.55 else 5 if style < 0.85 else 1
    tenths: dict[str, int] = {}
    for d, value in zip(departments, effect):
        if rng.random() < blank:
            continue
        x = value + lenient + rng.gauss(0, noise)
        if d.name == own:
            if rng.random() < 0.5:
                continue  # most leave their own department blank, the rest mark it high
            x += 5
        tenths[d.name] = round(_clip(x, 60, 99.5) * 10 / step) * step
    high = sorted((t, name) for name, t in tenths.items() if t >= HIGH_LINE * 10)
    for t, name in high[:max(0, len(high) - max_excellent)]:
        tenths[name] = HIGH_LINE * 10 - step  # the evaluator keeps within the quota
    return {name: _text(t) for name, t in tenths.items()}


def _person(rng: random.Random, used: list[str], female: float = 0.25) -> str:
    """A plausible, unused name: a common surname and one or two common characters."""
    while True:
        index = int(rng.expovariate(1 / 18))
        if index >= len(SURNAMES):
            continue
        woman = rng.random() < female
        if rng.random() < 0.35:
            given = rng.choice(SINGLE_FEMALE if woman else SINGLE_MALE)
        else:
            pool = GIVEN_FEMALE if woman else GIVEN_MALE
            given = rng.choice(pool) + rng.choice(pool)
            if given[0] == given[1]:
                continue
        name = SURNAMES[index] + given
        if name not in used:
            used.append(name)
            return name


def _clip(x: float, low: float, high: float) -> float:
    return min(high, max(low, x))


def _text(tenths: int) -> str:
    whole, frac = divmod(tenths, 10)
    return str(whole) if frac == 0 else f"{whole}.{frac}"


def _decimal(x: float) -> Decimal:
    return Decimal(_text(round(x * 10)))
