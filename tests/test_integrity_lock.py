"""Finalise (定稿) and lock: the checks, the frozen result, every change refused, unlock."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from evalapp.db import models as m
from evalapp.domain import (
    STATUS_DRAFT,
    STATUS_FINAL,
    Adjustment,
    Ballot,
    Component,
    Department,
    DomainError,
    EvaluationData,
    Evaluator,
    Group,
    Settings,
)
from evalapp.services import ballots as B
from evalapp.services import double_entry as D
from evalapp.services import roster as R
from evalapp.services.context import ADMIN, CLERK, Actor, PermissionDenied
from evalapp.services.evaluations import get_settings, import_evaluation, update_settings
from evalapp.services.finalise import (
    acknowledge_counts,
    current_final,
    final_results,
    finalise,
    finalise_problems,
    unlock,
)
from evalapp.services.operators import create_first_admin, create_operator
from evalapp.services.verify import verify

ADMIN_ACTOR = Actor("张主任", ADMIN)
CLERK_ACTOR = Actor("李录入", CLERK)
CLERK2 = Actor("赵录入", CLERK)
DEPTS = ["发改委", "教育局", "财政局", "民政局"]


def small_data(ballots: int = 6, expected: int | None = None, double_entry=False,
               components: bool = False) -> EvaluationData:
    """A small score-mode evaluation: 2 groups, 4 departments, ``ballots`` per group."""
    data = EvaluationData(settings=Settings(name="测试考评", year=2021, double_entry=double_entry),
                          groups=[Group("领导", Decimal(60), expected=expected),
                                  Group("群众", Decimal(40))],
                          departments=[Department(i + 1, n) for i, n in enumerate(DEPTS)])
    if components:
        data.components = [Component("集中考评", Decimal(70)), Component("目标考核", Decimal(30))]
        data.component_values = {n: {"目标考核": Decimal(90)} for n in DEPTS}
    for g, group in enumerate(("领导", "群众")):
        for i in range(ballots):
            data.ballots.append(Ballot(f"{'AB'[g]}{i:03d}", group,
                                       {n: str(80 + (i + j) % 15) for j, n in enumerate(DEPTS)}))
    return data


@pytest.fixture
def eid(db):
    create_first_admin(db, "张主任", "secret1")
    create_operator(db, ADMIN_ACTOR, "李录入", CLERK, "123456")
    return import_evaluation(db, ADMIN_ACTOR, small_data())


def test_finalise_stores_result_and_locks(db, eid):
    info = finalise(db, ADMIN_ACTOR, eid, "secret1")
    assert get_settings(db, eid) and current_final(db, eid).digest == info.digest
    with db.session() as s:
        assert s.get(m.Evaluation, eid).status == STATUS_FINAL
        row = s.scalar(select(m.FinalResult))
        assert row.finalised_by == "张主任" and '"ballot_fingerprints"' in row.result_json
    assert verify(db, eid).ok
    assert any(p.name.startswith("test-定稿前-") for p in (db.file_path.parent / "备份").iterdir())


def test_only_admin_finalises(db, eid):
    with pytest.raises(PermissionDenied):
        finalise(db, CLERK_ACTOR, eid, "secret1")


def _change_calls(db, eid):
    """Every service call that changes something the result depends on."""
    ballot_id = B.list_ballots(db, eid)[0].id
    entry = B.BallotInput("Z001", "群众", {"发改委": "90"})
    return {
        "settings": lambda: update_settings(db, ADMIN_ACTOR, eid, bonus_cap=Decimal(3)),
        "groups": lambda: R.save_groups(db, ADMIN_ACTOR, eid, [Group("领导", Decimal(50)),
                                                               Group("群众", Decimal(50))]),
        "department": lambda: R.save_department(db, ADMIN_ACTOR, eid, Department(5, "新部门")),
        "remove department": lambda: R.remove_department(db, ADMIN_ACTOR, eid, "民政局"),
        "move department": lambda: R.move_department(db, ADMIN_ACTOR, eid, "民政局", -1),
        "evaluators": lambda: R.save_evaluators(db, ADMIN_ACTOR, eid, [Evaluator("甲", "领导")]),
        "components": lambda: R.save_components(db, ADMIN_ACTOR, eid, [
            Component("集中考评", Decimal(80)), Component("目标考核", Decimal(20))]),
        "categories": lambda: R.save_categories(db, ADMIN_ACTOR, eid, []),
        "adjustment": lambda: R.add_adjustment(db, ADMIN_ACTOR, eid,
                                               Adjustment("发改委", Decimal(1), "表彰")),
        "add ballot": lambda: B.add_ballot(db, CLERK_ACTOR, eid, entry),
        "edit ballot": lambda: B.edit_ballot(db, CLERK_ACTOR, eid, ballot_id, entry, "笔误"),
        "void ballot": lambda: B.void_ballot(db, CLERK_ACTOR, eid, ballot_id, "字迹不清"),
        "send back": lambda: D.send_back(db, ADMIN_ACTOR, eid, ballot_id, "重录"),
        "acknowledge": lambda: acknowledge_counts(db, ADMIN_ACTOR, eid, "已核对"),
    }


def test_after_finalisation_every_change_is_refused(db, eid):
    calls = _change_calls(db, eid)
    finalise(db, ADMIN_ACTOR, eid, "secret1")
    audit_rows = _audit_count(db)
    for name, call in calls.items():
        with pytest.raises(DomainError, match="已定稿|不在核对队列") as err:
            call()
        assert "已定稿" in str(err.value) or name == "send back", name
    assert _audit_count(db) == audit_rows
    assert verify(db, eid).ok


def test_component_value_refused_after_finalisation(db):
    create_first_admin(db, "张主任", "secret1")
    eid = import_evaluation(db, ADMIN_ACTOR, small_data(components=True))
    finalise(db, ADMIN_ACTOR, eid, "secret1")
    with pytest.raises(DomainError, match="已定稿"):
        R.set_component_value(db, ADMIN_ACTOR, eid, "发改委", "目标考核", Decimal(50))


def _audit_count(db) -> int:
    with db.session() as s:
        return len(s.scalars(select(m.AuditEntry.id)).all())


def test_unlock_needs_password_and_reason_and_keeps_the_record(db, eid):
    first = finalise(db, ADMIN_ACTOR, eid, "secret1")
    with pytest.raises(DomainError, match="原因"):
        unlock(db, ADMIN_ACTOR, eid, "secret1", "  ")
    with pytest.raises(DomainError, match="密码不正确"):
        unlock(db, ADMIN_ACTOR, eid, "wrong", "发现录入错误")
    with pytest.raises(PermissionDenied):
        unlock(db, CLERK_ACTOR, eid, "123456", "发现录入错误")
    unlock(db, ADMIN_ACTOR, eid, "secret1", "发现录入错误")
    with db.session() as s:
        assert s.get(m.Evaluation, eid).status == STATUS_DRAFT
    B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput("Z001", "群众", {"发改委": "60"}))
    second = finalise(db, ADMIN_ACTOR, eid, "secret1")
    records = final_results(db, eid)
    assert [r.id for r in records] == [second.id, first.id]
    assert records[1].superseded and records[1].reason == "发现录入错误"
    assert records[1].digest == first.digest != second.digest
    assert verify(db, eid).ok


def test_missing_component_value_blocks(db):
    create_first_admin(db, "张主任", "secret1")
    data = small_data(components=True)
    del data.component_values["财政局"]
    eid = import_evaluation(db, ADMIN_ACTOR, data)
    problems = finalise_problems(db, eid)
    assert any("财政局" in p and "缺少目标考核" in p for p in problems)
    with pytest.raises(DomainError, match="缺少目标考核"):
        finalise(db, ADMIN_ACTOR, eid, "secret1")
    R.set_component_value(db, ADMIN_ACTOR, eid, "财政局", "目标考核", Decimal(88))
    assert finalise_problems(db, eid) == []


def test_over_issued_counts_need_acknowledgement(db):
    create_first_admin(db, "张主任", "secret1")
    eid = import_evaluation(db, ADMIN_ACTOR, small_data(expected=5))
    with pytest.raises(DomainError, match="多于发出"):
        finalise(db, ADMIN_ACTOR, eid, "secret1")
    with pytest.raises(PermissionDenied):
        acknowledge_counts(db, CLERK_ACTOR, eid, "已核对")
    acknowledge_counts(db, ADMIN_ACTOR, eid, "多出一张为备用票,已核对")
    assert finalise(db, ADMIN_ACTOR, eid, "secret1").digest


def test_unconfirmed_double_entry_blocks(db):
    create_first_admin(db, "张主任", "secret1")
    eid = import_evaluation(db, ADMIN_ACTOR, small_data(double_entry=True))
    B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput("Z001", "群众", {"发改委": "90"}))
    with pytest.raises(DomainError, match="未完成双人录入核对.*待第二次录入 1 张"):
        finalise(db, ADMIN_ACTOR, eid, "secret1")
    B.add_ballot(db, CLERK2, eid, B.BallotInput("Z001", "群众", {"发改委": "90"}))
    assert finalise(db, ADMIN_ACTOR, eid, "secret1")


def test_failed_finalisation_changes_nothing(db, eid):
    B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput("Z001", "群众", {}))  # fine: blank ballot
    update_settings(db, ADMIN_ACTOR, eid, double_entry=True)
    B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput("Z002", "群众", {"发改委": "90"}))
    before = _audit_count(db)
    with pytest.raises(DomainError):
        finalise(db, ADMIN_ACTOR, eid, "secret1")
    assert _audit_count(db) == before and final_results(db, eid) == []
    with db.session() as s:
        assert s.get(m.Evaluation, eid).status == STATUS_DRAFT
