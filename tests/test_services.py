"""Services: roles, ballot entry validation, edits with reasons, audit, copy from last year."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from evalapp.db.models import AuditEntry
from evalapp.demo import demo_evaluations
from evalapp.domain import Adjustment, Department, DomainError, Group
from evalapp.services import ballots as B
from evalapp.services import roster as R
from evalapp.services.context import ADMIN, CHAIR, CLERK, Actor, PermissionDenied
from evalapp.services.evaluations import (
    copy_evaluation, create_evaluation, get_data, import_evaluation, update_settings,
)
from evalapp.services.operators import create_first_admin, create_operator, sign_in
from evalapp.services.results import compute_results

ADMIN_ACTOR = Actor("张主任", ADMIN)
CLERK_ACTOR = Actor("李录入", CLERK)
CHAIR_ACTOR = Actor("王书记", CHAIR)


@pytest.fixture
def demo_id(db):
    data = demo_evaluations()[1]
    return import_evaluation(db, ADMIN_ACTOR, data)


def _first_departments(db, evaluation_id, n=3):
    return [d.name for d in sorted(get_data(db, evaluation_id).departments,
                                   key=lambda d: d.order)[:n]]


def test_clerk_cannot_change_settings(db, demo_id):
    with pytest.raises(PermissionDenied, match="录入员"):
        update_settings(db, CLERK_ACTOR, demo_id, bonus_cap=Decimal(3))
    with pytest.raises(PermissionDenied):
        R.save_department(db, CLERK_ACTOR, demo_id, Department(99, "新部门"))


def test_chair_cannot_enter_ballots_but_sees_results(db, demo_id):
    with pytest.raises(PermissionDenied, match="主持人"):
        B.add_ballot(db, CHAIR_ACTOR, demo_id, B.BallotInput("Z1", "群众代表", {}))
    assert compute_results(db, demo_id, CHAIR_ACTOR).result.departments


def test_clerk_cannot_view_results(db, demo_id):
    with pytest.raises(PermissionDenied):
        compute_results(db, demo_id, CLERK_ACTOR)


def test_add_ballot_validates_every_field(db, demo_id):
    d1, d2, d3 = _first_departments(db, demo_id)
    with pytest.raises(DomainError) as err:
        B.add_ballot(db, CLERK_ACTOR, demo_id, B.BallotInput(
            "Z1", "群众代表", {d1: "105", d2: "90.25", d3: "abc"}))
    message = str(err.value)
    assert f"“{d1}”的评分:105 超出分值范围 0–100" in message
    assert f"“{d2}”的评分:90.25 的小数位超过 1 位" in message
    assert f"“{d3}”的评分:“abc”不是数字" in message
    with pytest.raises(DomainError, match="评委类别"):
        B.add_ballot(db, CLERK_ACTOR, demo_id, B.BallotInput("Z1", "不存在的类别", {d1: 90}))
    assert not [b for b in B.list_ballots(db, demo_id) if b.serial == "Z1"]


def test_duplicate_serial_refused(db, demo_id):
    d1 = _first_departments(db, demo_id, 1)[0]
    existing = B.list_ballots(db, demo_id)[0].serial
    with pytest.raises(DomainError, match=f"票号:“{existing}”已录入过"):
        B.add_ballot(db, CLERK_ACTOR, demo_id, B.BallotInput(existing, "群众代表", {d1: 90}))


def test_ballot_changes_the_result_and_are_audited(db, demo_id):
    d1, d2, _ = _first_departments(db, demo_id)
    before = compute_results(db, demo_id).result
    info = B.add_ballot(db, CLERK_ACTOR, demo_id,
                        B.BallotInput("Z9", "群众代表", {d1: "60", d2: 99.5}))
    assert info.marks == {d1: "60", d2: "99.5"} and info.entered_by == "李录入"
    after = compute_results(db, demo_id).result
    assert after.total_ballots == before.total_ballots + 1
    assert after.digest != before.digest
    with pytest.raises(DomainError, match="原因"):
        B.edit_ballot(db, CLERK_ACTOR, demo_id, info.id,
                      B.BallotInput("Z9", "群众代表", {d1: 61}), reason=" ")
    edited = B.edit_ballot(db, CLERK_ACTOR, demo_id, info.id,
                           B.BallotInput("Z9", "群众代表", {d1: 61}), reason="录入错误")
    assert edited.marks == {d1: "61"}
    voided = B.void_ballot(db, CLERK_ACTOR, demo_id, info.id, "字迹无法辨认")
    assert voided.void_reason == "字迹无法辨认"
    result = compute_results(db, demo_id).result
    assert result.invalid_ballots == before.invalid_ballots + 1
    with db.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.target.like("Z9%"))
                         .order_by(AuditEntry.id)).all()
    assert [r.action for r in rows] == ["录入选票", "修改选票", "作废选票"]
    assert rows[1].operator == "李录入" and "61" in rows[1].new and "60" in rows[1].old
    assert "录入错误" in rows[1].target


def test_settings_validated_and_audited(db, demo_id):
    with pytest.raises(DomainError, match="同分排序"):
        update_settings(db, ADMIN_ACTOR, demo_id, tie_break=("不存在",))
    update_settings(db, ADMIN_ACTOR, demo_id, bonus_cap=Decimal("1.5"))
    assert get_data(db, demo_id).settings.bonus_cap == Decimal("1.5")
    with db.session() as s:
        row = s.scalars(select(AuditEntry).where(AuditEntry.action == "修改设置")).one()
    assert "1.5" in row.new and row.operator == "张主任"


def test_group_weights_must_sum_to_100(db, demo_id):
    groups = get_data(db, demo_id).groups
    changed = [Group(g.name, g.weight + (1 if i == 0 else 0), g.trim, g.trim_from, g.expected,
                     g.recusal) for i, g in enumerate(groups)]
    with pytest.raises(DomainError, match="权重之和为 101"):
        R.save_groups(db, ADMIN_ACTOR, demo_id, changed)
    bad_trim = [Group(groups[0].name, groups[0].weight, 3, 5)] + groups[1:]
    with pytest.raises(DomainError, match="去极值起始人数至少为 7"):
        R.save_groups(db, ADMIN_ACTOR, demo_id, bad_trim)


def test_department_edit_and_removal_rules(db, demo_id):
    d1 = _first_departments(db, demo_id, 1)[0]
    with pytest.raises(DomainError, match="已有选票评分"):
        R.remove_department(db, ADMIN_ACTOR, demo_id, d1)
    new_id = create_evaluation(db, ADMIN_ACTOR, "测试考评", 2022)
    R.save_department(db, ADMIN_ACTOR, new_id, Department(1, "甲局", "甲"))
    R.save_department(db, ADMIN_ACTOR, new_id, Department(2, "乙局", "乙"))
    with pytest.raises(DomainError, match="重复"):
        R.save_department(db, ADMIN_ACTOR, new_id, Department(3, "甲局"))
    R.move_department(db, ADMIN_ACTOR, new_id, "乙局", 1)
    assert [d.name for d in sorted(get_data(db, new_id).departments, key=lambda d: d.order)] \
        == ["乙局", "甲局"]
    R.remove_department(db, ADMIN_ACTOR, new_id, "甲局")
    assert [d.name for d in get_data(db, new_id).departments] == ["乙局"]


def test_veto_and_adjustments(db, demo_id):
    d1 = _first_departments(db, demo_id, 1)[0]
    adj_id = R.add_adjustment(db, ADMIN_ACTOR, demo_id, Adjustment(d1, Decimal(0), "重大事故",
                                                                   veto=True))
    dept = next(d for d in compute_results(db, demo_id).result.departments if d.name == d1)
    assert dept.veto and dept.outcome == "admonish" and dept.veto_reason == "重大事故"
    R.remove_adjustment(db, ADMIN_ACTOR, demo_id, adj_id, "经复核撤销")
    dept = next(d for d in compute_results(db, demo_id).result.departments if d.name == d1)
    assert not dept.veto


def test_copy_from_last_year_keeps_rosters_not_ballots(db, demo_id):
    new_id = copy_evaluation(db, ADMIN_ACTOR, demo_id, "2022年度区级部门工作业绩集中考评", 2022)
    old, new = get_data(db, demo_id), get_data(db, new_id)
    assert [d.name for d in new.departments] == [d.name for d in old.departments]
    assert new.groups == old.groups and new.categories == old.categories
    assert new.ballots == [] and new.adjustments == [] and new.component_values == {}
    assert new.settings.year == 2022 and new.settings.bonus_cap == old.settings.bonus_cap


def test_operators_sign_in_with_scrypt(db):
    admin = create_first_admin(db, "张主任", "123456")
    assert admin.role == ADMIN
    with pytest.raises(DomainError):
        create_first_admin(db, "另一个", "123456")
    create_operator(db, Actor("张主任", ADMIN), "李录入", CLERK, "567890")
    assert sign_in(db, "李录入", "567890") == Actor("李录入", CLERK)
    with pytest.raises(DomainError, match="密码不正确"):
        sign_in(db, "李录入", "000000")
    with pytest.raises(PermissionDenied):
        create_operator(db, Actor("李录入", CLERK), "赵", CLERK, "567890")


def test_categories_components_and_values(db):
    from evalapp.domain import Category, Component, parse_quota
    eid = create_evaluation(db, ADMIN_ACTOR, "构成测试", 2023)
    R.save_categories(db, ADMIN_ACTOR, eid, [Category("甲类", parse_quota("10%"), parse_quota(1))])
    R.save_groups(db, ADMIN_ACTOR, eid, [Group("全体", Decimal(100), 1, 5, 10)])
    R.save_department(db, ADMIN_ACTOR, eid, Department(1, "甲局", "甲", "甲类"))
    with pytest.raises(DomainError, match="下还有部门"):
        R.save_categories(db, ADMIN_ACTOR, eid, [])
    with pytest.raises(DomainError, match="必须包含“集中考评”"):
        R.save_components(db, ADMIN_ACTOR, eid, [Component("目标考核", Decimal(100))])
    R.save_components(db, ADMIN_ACTOR, eid, [Component("集中考评", Decimal(70)),
                                              Component("目标考核", Decimal(30))])
    B.add_ballot(db, ADMIN_ACTOR, eid, B.BallotInput("1", "全体", {"甲局": "90"}))
    dept = compute_results(db, eid).result.departments[0]
    assert dept.unscored_reason == "缺少目标考核" and dept.outcome == "unscored"
    with pytest.raises(DomainError, match="0–100"):
        R.set_component_value(db, ADMIN_ACTOR, eid, "甲局", "目标考核", Decimal(101))
    R.set_component_value(db, ADMIN_ACTOR, eid, "甲局", "目标考核", Decimal(80))
    dept = compute_results(db, eid).result.departments[0]
    assert dept.final_score == Decimal("87.00") and dept.outcome == "commend"
    data = get_data(db, eid)
    assert data.categories[0].commend.percent == Decimal(10)
    assert [c.name for c in data.components] == ["集中考评", "目标考核"]


def test_previous_year_follows_changes_to_it(db):
    from evalapp.services.demo import create_demo
    first, second = create_demo(db)
    before = compute_results(db, second).result
    assert before.previous is not None and before.previous.year == 2020
    loser = next(d for d in compute_results(db, first).result.departments
                 if d.outcome == "admonish" and not d.veto)
    R.add_adjustment(db, ADMIN_ACTOR, first, Adjustment(loser.name, Decimal(20), "复核加分"))
    after = compute_results(db, second).result
    assert after.previous.standings[loser.name].outcome != "admonish"
