"""Operators: the rules of the service (shared by the operators page and the command line)."""

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from evalapp.db import models as m
from evalapp.domain import DomainError
from evalapp.services import context, passwords
from evalapp.services.audit_log import list_audit
from evalapp.services.context import ADMIN, CHAIR, CLERK, SYSTEM, Actor, PermissionDenied
from evalapp.services.operators import (
    SignInRefused, create_first_admin, create_operator, list_operators, reset_password,
    set_active, set_role, sign_in, verify_password,
)
from evalapp.services.sign_in import seconds_to_wait, wait_after

ADMIN_ACTOR = Actor("张主任", ADMIN)


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for the audit trail and the sign-in waits."""
    class Clock:
        at = datetime(2026, 12, 1, 9, 0, 0)

        def advance(self, seconds):
            self.at += timedelta(seconds=seconds)
    c = Clock()
    monkeypatch.setattr(context, "now", lambda: c.at)
    return c


@pytest.fixture
def staff(db):
    create_first_admin(db, "张主任", "secret1")
    create_operator(db, ADMIN_ACTOR, "李录入", CLERK, "clerk12")
    return db


def _actions(db, name):
    return [(a.action, a.target) for a in reversed(list_audit(db, ADMIN_ACTOR, None))
            if a.target == name]


def test_every_change_is_audited(staff):
    db = staff
    create_operator(db, ADMIN_ACTOR, "王书记", "主持人", "chair12")
    set_role(db, ADMIN_ACTOR, "王书记", "管理员")
    set_active(db, ADMIN_ACTOR, "王书记", False)
    set_active(db, ADMIN_ACTOR, "王书记", True)
    reset_password(db, ADMIN_ACTOR, "王书记", "newpass1")
    assert _actions(db, "王书记") == [("新增操作员", "王书记"), ("修改角色", "王书记"),
                                     ("停用操作员", "王书记"), ("启用操作员", "王书记"),
                                     ("重设密码", "王书记")]
    rows = [a for a in list_audit(db, ADMIN_ACTOR, None) if a.target == "王书记"]
    assert all(a.operator == "张主任" for a in rows)
    assert '"管理员"' in rows[3].new and '"主持人"' in rows[3].old
    assert "newpass1" not in "".join(str(a.new) for a in rows)  # never the password
    assert sign_in(db, "王书记", "newpass1") == Actor("王书记", ADMIN)


def test_passwords_need_six_characters(staff):
    with pytest.raises(DomainError, match=r"密码:至少 6 位\(现在 5 位\)"):
        create_operator(staff, ADMIN_ACTOR, "赵录入", CLERK, "12345")
    with pytest.raises(DomainError, match="至少 6 位"):
        reset_password(staff, ADMIN_ACTOR, "李录入", "abc")
    assert [o.name for o in list_operators(staff)] == ["张主任", "李录入"]
    assert sign_in(staff, "李录入", "clerk12").role == CLERK  # the old one still works


def test_the_first_admin_needs_six_characters_too(db):
    with pytest.raises(DomainError, match="至少 6 位"):
        create_first_admin(db, "张主任", "12345")
    assert list_operators(db) == []


def test_names_and_roles_are_checked(staff):
    for name, words in (("  ", "不能为空"), ("李录入", "已存在"), ("命令行", "署名"),
                        ("很" * 21, "不能超过 20 个字")):
        with pytest.raises(DomainError, match=words):
            create_operator(staff, ADMIN_ACTOR, name, CLERK, "secret9")
    with pytest.raises(DomainError, match="角色:应为管理员、录入员或主持人"):
        create_operator(staff, ADMIN_ACTOR, "赵", "监票人", "secret9")
    with pytest.raises(DomainError, match="没有名为“无名”的操作员"):
        set_active(staff, ADMIN_ACTOR, "无名", False)
    with pytest.raises(PermissionDenied):
        set_active(staff, Actor("李录入", CLERK), "张主任", False)
    with pytest.raises(PermissionDenied):
        reset_password(staff, Actor("王书记", CHAIR), "李录入", "secret9")


def test_first_operator_must_be_an_admin(db):
    with pytest.raises(DomainError, match="第一位操作员必须是管理员"):
        create_operator(db, SYSTEM, "李录入", CLERK, "clerk12")
    create_operator(db, SYSTEM, "张主任", "管理员", "secret1")
    assert [(o.name, o.role) for o in list_operators(db)] == [("张主任", ADMIN)]


def test_the_last_active_admin_stays(staff):
    db = staff
    with pytest.raises(DomainError, match="最后一位在用的管理员,不能停用"):
        set_active(db, SYSTEM, "张主任", False)
    with pytest.raises(DomainError, match="最后一位在用的管理员,不能把角色改为录入员"):
        set_role(db, SYSTEM, "张主任", CLERK)
    create_operator(db, ADMIN_ACTOR, "刘副主任", ADMIN, "secret2")
    set_active(db, SYSTEM, "刘副主任", False)  # a disabled admin does not count
    with pytest.raises(DomainError, match="最后一位在用的管理员"):
        set_role(db, ADMIN_ACTOR, "张主任", CHAIR)
    set_active(db, SYSTEM, "刘副主任", True)
    with pytest.raises(DomainError, match="当前登录的您自己,不能停用"):
        set_active(db, ADMIN_ACTOR, "张主任", False)
    set_role(db, Actor("刘副主任", ADMIN), "张主任", CHAIR)  # another admin may
    assert {o.name: o.role for o in list_operators(db)} == {
        "张主任": CHAIR, "李录入": CLERK, "刘副主任": ADMIN}
    with pytest.raises(DomainError, match="最后一位"):
        set_active(db, SYSTEM, "刘副主任", False)


def test_a_disabled_operator_cannot_sign_in(staff):
    set_active(staff, ADMIN_ACTOR, "李录入", False)
    with pytest.raises(SignInRefused, match="“李录入”已停用"):
        sign_in(staff, "李录入", "clerk12")
    with pytest.raises(SignInRefused, match="^姓名或密码不正确$"):
        sign_in(staff, "李录入", "wrong99")  # a wrong password tells nothing more
    set_active(staff, ADMIN_ACTOR, "李录入", True)
    assert sign_in(staff, "李录入", "clerk12") == Actor("李录入", CLERK)


def test_wrong_passwords_make_a_growing_wait(staff, clock):
    db = staff
    assert [wait_after(n) for n in range(1, 9)] == [0, 0, 5, 10, 20, 40, 80, 160]
    assert wait_after(30) == 300
    waits = []
    for _ in range(5):
        with pytest.raises(SignInRefused) as refused:
            sign_in(db, "李录入", "wrong99")
        waits.append(refused.value.wait)
        clock.advance(refused.value.wait)  # waits it out each time
    assert waits == [0, 0, 5, 10, 20]
    assert "请等待 20 秒后再试" in str(refused.value)
    # Even the right password is not heard while the wait lasts (and costs no audit row).
    before = len(list_audit(db, ADMIN_ACTOR, None))
    clock.at -= timedelta(seconds=12)
    with pytest.raises(SignInRefused, match="密码错误次数过多,请等待 12 秒后再试") as early:
        sign_in(db, "李录入", "clerk12")
    assert early.value.wait == 12 == seconds_to_wait(db, "李录入")
    assert len(list_audit(db, ADMIN_ACTOR, None)) == before
    clock.advance(12)
    assert sign_in(db, "李录入", "clerk12").name == "李录入"  # and it starts afresh
    with pytest.raises(SignInRefused) as again:
        sign_in(db, "李录入", "wrong99")
    assert again.value.wait == 0
    assert _actions(db, "李录入")[-7:] == [("密码错误", "李录入")] * 5 + [
        ("登录", "李录入"), ("密码错误", "李录入")]


def test_a_password_reset_or_an_hour_forgets_the_wrong_passwords(staff, clock):
    for _ in range(3):
        with pytest.raises(SignInRefused):
            sign_in(staff, "李录入", "wrong99")
    assert seconds_to_wait(staff, "李录入") == 5
    reset_password(staff, ADMIN_ACTOR, "李录入", "clerk34")
    assert seconds_to_wait(staff, "李录入") == 0
    for _ in range(3):
        with pytest.raises(SignInRefused):
            sign_in(staff, "李录入", "wrong99")
    clock.advance(3601)
    with pytest.raises(SignInRefused) as refused:
        sign_in(staff, "李录入", "wrong99")
    assert refused.value.wait == 0  # the old run no longer counts


def test_an_unknown_name_does_the_scrypt_work_and_waits_alike(staff, clock, monkeypatch):
    calls = []
    real = hashlib.scrypt

    def spy(*args, **kwargs):
        calls.append(kwargs.get("n"))
        return real(*args, **kwargs)
    monkeypatch.setattr(hashlib, "scrypt", spy)
    messages = []
    for name in ("李录入", "无此人"):
        for _ in range(3):
            with pytest.raises(SignInRefused) as refused:
                sign_in(staff, name, "wrong99")
            messages.append(str(refused.value))
    assert calls == [passwords.SCRYPT["n"]] * 6  # the same work for both names
    assert messages[:3] == messages[3:]
    assert seconds_to_wait(staff, "无此人") == seconds_to_wait(staff, "李录入") == 5


def test_old_hash_parameters_are_replaced_at_sign_in(staff, monkeypatch):
    with monkeypatch.context() as patch:  # stored with the parameters of an older version
        patch.setattr(passwords, "SCRYPT", {"n": 2 ** 10, "r": 8, "p": 1})
        create_operator(staff, ADMIN_ACTOR, "赵录入", CLERK, "clerk56")

    def stored():
        with staff.session() as s:
            return s.scalar(select(m.Operator.password_hash).where(m.Operator.name == "赵录入"))
    assert stored().startswith("scrypt$1024$") and passwords.needs_rehash(stored())
    assert sign_in(staff, "赵录入", "clerk56").role == CLERK
    assert stored().startswith(f"scrypt${2 ** 14}$8$1$") and not passwords.needs_rehash(stored())
    assert sign_in(staff, "赵录入", "clerk56").role == CLERK
    assert '"密码存储": "已更新"' in list_audit(staff, ADMIN_ACTOR, None)[1].new


def test_verify_password_for_finalise_counts_like_sign_in(staff, clock):
    assert verify_password(staff, ADMIN_ACTOR, "secret1", "定稿") == ADMIN_ACTOR
    with pytest.raises(SignInRefused, match="^密码不正确$"):
        verify_password(staff, ADMIN_ACTOR, "wrong99", "定稿")
    rows = [a for a in list_audit(staff, ADMIN_ACTOR, None) if a.action == "密码错误"]
    assert len(rows) == 1 and '"定稿"' in rows[0].new
    for _ in range(2):
        with pytest.raises(SignInRefused):
            sign_in(staff, "张主任", "wrong99")
    assert seconds_to_wait(staff, "张主任") == 5


def test_the_rules_hold_on_both_engines(any_db, clock):
    create_first_admin(any_db, "张主任", "secret1")
    with pytest.raises(DomainError, match="最后一位在用的管理员"):
        set_active(any_db, SYSTEM, "张主任", False)
    create_operator(any_db, ADMIN_ACTOR, "李录入", CLERK, "clerk12")
    for _ in range(3):
        with pytest.raises(SignInRefused):
            sign_in(any_db, "无此人", "wrong99")
    assert seconds_to_wait(any_db, "无此人") == 5 and seconds_to_wait(any_db, "李录入") == 0
    assert sign_in(any_db, "李录入", "clerk12") == Actor("李录入", CLERK)


def test_an_admin_disabled_elsewhere_can_no_longer_manage(staff):
    create_operator(staff, ADMIN_ACTOR, "刘副主任", ADMIN, "secret2")
    deputy = Actor("刘副主任", ADMIN)  # still signed in at another station
    set_active(staff, ADMIN_ACTOR, "刘副主任", False)
    with pytest.raises(PermissionDenied, match="“刘副主任”已停用,不能管理操作员"):
        create_operator(staff, deputy, "赵录入", CLERK, "clerk56")
    set_active(staff, ADMIN_ACTOR, "刘副主任", True)
    set_role(staff, ADMIN_ACTOR, "刘副主任", CHAIR)
    with pytest.raises(PermissionDenied, match="不再是管理员"):
        reset_password(staff, deputy, "李录入", "clerk56")
    assert [o.name for o in list_operators(staff)] == ["张主任", "李录入", "刘副主任"]
