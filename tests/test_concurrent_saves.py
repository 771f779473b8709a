"""Two stations saving at the same moment on one SQLite file: every clash is a Chinese
DomainError, nothing is lost, and no double-entry ballot is left waiting although both
clerks typed it.

Two real processes (not threads) start on a barrier and save the same 300 serials; with
double entry on, two clerks type the same 150 serials, each pair at the same moment.
"""

from __future__ import annotations

import json
import multiprocessing as mp
from decimal import Decimal

import pytest

from evalapp.db.engine import open_database
from evalapp.domain import Department, EvaluationData, Group, Settings
from evalapp.services.ballots import BallotInput, list_ballots
from evalapp.services.context import CLERK, SYSTEM, Actor
from evalapp.services.evaluations import import_evaluation
from evalapp.services.stations import new_entry_uid, save_ballot

N = 300


def _evaluation(path: str, double_entry: bool) -> int:
    db = open_database(path)
    data = EvaluationData(
        settings=Settings(name="并发测试", year=2021, double_entry=double_entry),
        groups=[Group("群众代表", Decimal(100), expected=None)],
        departments=[Department(i, f"部门{i}", f"部{i}") for i in range(1, 6)])
    evaluation = import_evaluation(db, SYSTEM, data)
    db.dispose()
    return evaluation


def _station(path: str, evaluation: int, name: str, serials: list[str], barrier, out) -> None:
    """One station: save each serial (its marks name the station), record what happened."""
    db = open_database(path)
    actor = Actor(name, CLERK)
    outcome = {"saved": [], "refused": [], "crashed": []}
    barrier.wait()
    for serial in serials:
        entry = BallotInput(serial, "群众代表", {"部门1": "90", "部门2": "85"})
        try:
            save_ballot(db, actor, evaluation, entry, new_entry_uid())
            outcome["saved"].append(serial)
        except Exception as exc:  # noqa: BLE001 — anything but a DomainError is the bug
            from evalapp.domain import DomainError
            kind = "refused" if isinstance(exc, DomainError) else "crashed"
            outcome[kind].append(f"{serial}: {type(exc).__name__}: {exc}")
    out.put((name, json.dumps(outcome, ensure_ascii=False)))
    db.dispose()


def _run_two(path: str, evaluation: int, serials: list[str]) -> dict[str, dict]:
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_station, args=(path, evaluation, name, serials, barrier, out))
             for name in ("录入一", "录入二")]
    for p in procs:
        p.start()
    results = dict(out.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    return {name: json.loads(text) for name, text in results.items()}


def test_two_stations_same_serials_get_only_domain_errors(tmp_path):
    path = str(tmp_path / "shared.db")
    evaluation = _evaluation(path, double_entry=False)
    serials = [f"S{i:03d}" for i in range(N)]
    results = _run_two(path, evaluation, serials)
    crashed = [c for r in results.values() for c in r["crashed"]]
    assert crashed == []
    saved = [s for r in results.values() for s in r["saved"]]
    refused = [s for r in results.values() for s in r["refused"]]
    assert sorted(saved) == serials  # each serial saved exactly once, by one of the two
    assert len(refused) == N and all("已录入过" in text for text in refused)
    db = open_database(path)
    assert sorted(b.serial for b in list_ballots(db, evaluation)) == serials


def test_double_entry_pair_at_the_same_moment_is_never_left_pending(tmp_path):
    path = str(tmp_path / "shared.db")
    evaluation = _evaluation(path, double_entry=True)
    serials = [f"D{i:03d}" for i in range(N // 2)]
    results = _run_two(path, evaluation, serials)
    assert [c for r in results.values() for c in r["crashed"]] == []
    assert [c for r in results.values() for c in r["refused"]] == []
    db = open_database(path)
    stored = list_ballots(db, evaluation)
    assert sorted(b.serial for b in stored) == serials
    assert {b.status for b in stored} == {"confirmed"}  # both typed the same: confirmed


def test_entry_beyond_issued_count_is_refused_with_what_to_do(db):
    data = EvaluationData(settings=Settings(name="发出票数", year=2021),
                          groups=[Group("群众代表", Decimal(100), expected=2)],
                          departments=[Department(1, "部门1", "部1")])
    evaluation = import_evaluation(db, SYSTEM, data)
    clerk = Actor("录入一", CLERK)
    for serial in ("E1", "E2"):
        save_ballot(db, clerk, evaluation, BallotInput(serial, "群众代表", {"部门1": "90"}),
                    new_entry_uid())
    from evalapp.domain import DomainError
    with pytest.raises(DomainError, match="发出 2 张选票,已录入 2 张.*发出票数.*撤回"):
        save_ballot(db, clerk, evaluation, BallotInput("E3", "群众代表", {"部门1": "90"}),
                    new_entry_uid())
    assert len(list_ballots(db, evaluation)) == 2


def test_the_validity_rule_at_entry_and_in_the_tally_agree():
    """Property: for generated ballots (both modes, every validity switch), the entry page's
    verdict (MarkRules over mark texts) equals the tally's (invalid ballots it lists)."""
    import random as _random

    from evalapp.ballot_rules import MarkRules
    from evalapp.domain import Ballot
    from evalapp.tally import tally

    rng = _random.Random(2021)
    seen = set()
    for case in range(60):
        grade = case % 2 == 1
        settings = Settings(
            name="性质测试", year=2021, mode="grade" if grade else "score",
            excellent_ratio=rng.choice([None, Decimal("0.2"), Decimal("0.5")]),
            high_line=None if grade else rng.choice([None, Decimal(90)]),
            void_identical=rng.random() < 0.7)
        departments = [Department(i, f"部门{i}", f"部{i}") for i in range(1, 7)]
        pool = ["优秀", "良好", "一般", "较差"] if grade else ["60", "85", "90", "95", "99.5"]
        ballots_ = []
        for n in range(25):
            marks = {d.name: rng.choice(pool) for d in departments if rng.random() < 0.8}
            void = "字迹无法辨认" if rng.random() < 0.05 else None
            if n == 0:
                marks = {}  # an empty ballot in every case
            ballots_.append(Ballot(f"P{n:03d}", "群众代表", marks, None, void))
        data = EvaluationData(settings=settings, departments=departments, ballots=ballots_,
                              groups=[Group("群众代表", Decimal(100))])
        rules = MarkRules(settings, len(departments))
        at_entry = {b.serial: rules.invalid_reason(b.marks.values(), b.void_reason)
                    for b in ballots_}
        result = tally(data)
        in_tally = {i.serial: i.reason for g in result.groups for i in g.invalid_ballots}
        assert {s: r for s, r in at_entry.items() if r} == in_tally, case
        seen |= {r.split(" ")[0] for r in in_tally.values()}
    assert len(seen) >= 4  # empty, over the excellent limit, identical, voided by hand
