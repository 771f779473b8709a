"""`main.py operator add / list / disable / reset` — a headless set-up, with the service's rules."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_cli import ROOT, fails, ok

from evalapp.db.engine import open_database
from evalapp.services.audit_log import list_audit
from evalapp.services.context import ADMIN, CLERK, SYSTEM, Actor
from evalapp.services.operators import SignInRefused, list_operators, sign_in


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "ops.db")


def _signs_in(path, name, password):
    db = open_database(path)
    try:
        return sign_in(db, name, password)
    finally:
        db.dispose()


def test_add_and_list(path):
    assert "第一位操作员必须是管理员" in fails("operator", "add", "李录入", "--role", "录入员",
                                              "--password", "clerk12", "--db", path)
    assert ok("operator", "add", "张主任", "--role", "管理员", "--password", "secret1",
              "--db", path).strip() == "已新增管理员“张主任”"
    ok("operator", "add", "李录入", "--role", "录入员", "--password", "clerk12", "--db", path)
    ok("operator", "add", "王书记", "--role", "主持人", "--password", "chair12", "--db", path)
    assert "已存在" in fails("operator", "add", "李录入", "--role", "录入员", "--password",
                             "clerk12", "--db", path)
    assert "至少 6 位" in fails("operator", "add", "赵录入", "--role", "录入员", "--password",
                                "12345", "--db", path)
    assert fails("operator", "add", "赵录入", "--role", "监票人", "--password", "clerk12",
                 "--db", path)
    lines = [line.split("\t")[:3] for line in ok("operator", "list", "--db", path).splitlines()]
    assert lines == [["张主任", "管理员", "在用"], ["李录入", "录入员", "在用"],
                     ["王书记", "主持人", "在用"]]
    assert _signs_in(path, "李录入", "clerk12") == Actor("李录入", CLERK)
    db = open_database(path)
    added = [a for a in list_audit(db, Actor("张主任", ADMIN), None) if a.action == "新增操作员"]
    db.dispose()
    assert {a.operator for a in added} == {SYSTEM.name} and len(added) == 3


def test_disable_refuses_the_last_admin(path):
    ok("operator", "add", "张主任", "--role", "管理员", "--password", "secret1", "--db", path)
    ok("operator", "add", "李录入", "--role", "录入员", "--password", "clerk12", "--db", path)
    assert "最后一位在用的管理员,不能停用" in fails("operator", "disable", "张主任",
                                                    "--db", path)
    assert "没有名为“无名”的操作员" in fails("operator", "disable", "无名", "--db", path)
    assert ok("operator", "disable", "李录入", "--db", path).strip() == "操作员“李录入”已停用"
    assert "李录入\t录入员\t已停用" in ok("operator", "list", "--db", path)
    with pytest.raises(SignInRefused, match="已停用"):
        _signs_in(path, "李录入", "clerk12")
    assert _signs_in(path, "张主任", "secret1").role == ADMIN


def test_reset_password(path):
    ok("operator", "add", "张主任", "--role", "管理员", "--password", "secret1", "--db", path)
    ok("operator", "add", "李录入", "--role", "录入员", "--password", "clerk12", "--db", path)
    assert "至少 6 位" in fails("operator", "reset", "李录入", "--password", "abc", "--db", path)
    no_terminal = subprocess.run([sys.executable, "main.py", "operator", "reset", "李录入",
                                  "--db", path], cwd=ROOT, capture_output=True, text=True,
                                 stdin=subprocess.DEVNULL, timeout=120, check=False)
    assert no_terminal.returncode == 1 and "请用 --password 给出密码" in no_terminal.stderr
    assert ok("operator", "reset", "李录入", "--password", "newpass1",
              "--db", path).strip() == "已重设“李录入”的密码"
    with pytest.raises(SignInRefused):
        _signs_in(path, "李录入", "clerk12")
    assert _signs_in(path, "李录入", "newpass1").name == "李录入"
    db = open_database(path)
    assert [o.name for o in list_operators(db)] == ["张主任", "李录入"]
    db.dispose()
