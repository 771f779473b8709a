"""The tamper suite (issue 12): direct edits of the database file — every table and column
that feeds a result, the audit table, the final results — each reported by verify with a
line naming it; malformed rows reported instead of raised; re-chaining attacks caught by the
printed 校验码."""

import shutil
import sqlite3

import pytest

from evalapp.cli import main as cli_main
from evalapp.db.engine import open_database
from evalapp.services import ballots as B
from evalapp.services.audit_chain import raw_rows, row_hash
from evalapp.services.backup import sqlite_copy
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.demo import create_demo
from evalapp.services.finalise import acknowledge_counts, finalise, unlock
from evalapp.services.operators import create_first_admin, create_operator
from evalapp.services.verify import document_codes, verify

ADMIN_ACTOR, CLERK_ACTOR = Actor("张主任", ADMIN), Actor("李录入", CLERK)
EV = 2  # the 2021 demo evaluation


def _build(path, final: bool) -> None:
    db = open_database(path)
    create_demo(db)
    create_first_admin(db, "张主任", "secret-1")
    create_operator(db, ADMIN_ACTOR, "李录入", CLERK, "pin-22")
    from dataclasses import replace

    from evalapp.services.evaluations import get_data
    from evalapp.services.roster import save_groups
    save_groups(db, ADMIN_ACTOR, EV, [replace(g, expected=(g.expected or 0) + 5)
                                      for g in get_data(db, EV).groups])  # room for new ballots
    B.add_ballot(db, CLERK_ACTOR, EV, B.BallotInput("T901", "群众代表", {"区委办公室": "91"}))
    B.add_ballot(db, CLERK_ACTOR, EV, B.BallotInput("T902", "部门互评", {"区委办公室": "88"},
                                                    own_department="区委组织部"))
    if final:
        acknowledge_counts(db, ADMIN_ACTOR, EV, "已核对纸质选票")
        finalise(db, ADMIN_ACTOR, EV, "secret-1", backup=False)
    db.dispose()


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    root = tmp_path_factory.mktemp("tamper")
    out = {}
    for final in (False, True):
        raw = root / f"raw-{final}.db"
        _build(raw, final)
        out[final] = root / f"template-{final}.db"
        sqlite_copy(raw, out[final])
    return out


def _copy(templates, tmp_path, final=False):
    path = tmp_path / "t.db"
    shutil.copy(templates[final], path)
    return path


def _sql(path, *statements):
    connection = sqlite3.connect(str(path))  # foreign keys off, as a hand editor has them
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def _verify(path, **codes):
    db = open_database(path)
    try:
        return verify(db, EV, **codes)
    finally:
        db.dispose()


def _failures(report) -> list[str]:
    return [line for line in report.lines if line.startswith("✗")]


ONE_DEPT = "(SELECT id FROM departments WHERE name = '区委组织部' AND evaluation_id = 2)"
GROUP = "(SELECT id FROM evaluator_groups WHERE name = '四大班子领导' AND evaluation_id = 2)"

# (what, SQL statements, words a ✗ line must contain)
BEFORE_FINAL = [
    ("year", ["UPDATE evaluations SET year = 2022 WHERE id = 2"], ["考评设置", "年度"]),
    ("name", ["UPDATE evaluations SET name = 'X' WHERE id = 2"], ["考评设置", "名称"]),
    ("low", ["UPDATE evaluations SET low = '10' WHERE id = 2"], ["考评设置", "最低分"]),
    ("high", ["UPDATE evaluations SET high = '99' WHERE id = 2"], ["考评设置", "最高分"]),
    ("mark decimals", ["UPDATE evaluations SET mark_decimals = 2 WHERE id = 2"],
     ["评分小数位"]),
    ("result decimals", ["UPDATE evaluations SET result_decimals = 3 WHERE id = 2"],
     ["结果小数位"]),
    ("grades", ["UPDATE evaluations SET grades = '优秀=100,良好=80' WHERE id = 2"], ["等次"]),
    ("excellent ratio", ["UPDATE evaluations SET excellent_ratio = '0.9' WHERE id = 2"],
     ["优秀比例"]),
    ("high line", ["UPDATE evaluations SET high_line = '96' WHERE id = 2"], ["高分线"]),
    ("void identical", ["UPDATE evaluations SET void_identical = 1 - void_identical "
                        "WHERE id = 2"], ["雷同票作废"]),
    ("bonus cap", ["UPDATE evaluations SET bonus_cap = '9' WHERE id = 2"], ["加分上限"]),
    ("admonish line", ["UPDATE evaluations SET admonish_below = '85' WHERE id = 2"],
     ["诫勉分数线"]),
    ("tie break", ["UPDATE evaluations SET tie_break = '' WHERE id = 2"], ["同分排序"]),
    ("commend quota", ["UPDATE evaluations SET commend_quota = '9' WHERE id = 2"],
     ["考评设置", "表扬名额"]),
    ("admonish quota", ["UPDATE evaluations SET admonish_quota = '5' WHERE id = 2"],
     ["考评设置", "诫勉名额"]),
    ("status final", ["UPDATE evaluations SET status = 'final' WHERE id = 2"], ["状态"]),
    ("double entry", ["UPDATE evaluations SET double_entry = 1 WHERE id = 2"], ["双人录入"]),
    ("counts acknowledged", ["UPDATE evaluations SET counts_acknowledged_by = 'x' WHERE id = 2"],
     ["票数确认人"]),
    ("category quota", ["UPDATE categories SET commend_quota = '50%' WHERE id = 5"],
     ["部门类别“政府工作部门”", "表扬名额"]),
    ("category name", ["UPDATE categories SET name = 'Y' WHERE id = 4"], ["部门类别", "名称"]),
    ("category deleted", ["DELETE FROM categories WHERE id = 6"],
     ["部门类别“垂直管理及其他”已不在数据库中"]),
    ("group weights swapped", ["UPDATE evaluator_groups SET weight = '10' WHERE id = 7",
                               "UPDATE evaluator_groups SET weight = '30' WHERE id = 8"],
     ["评委类别“四大班子领导”", "权重 日志 30 / 现存 10"]),
    ("group trim", ["UPDATE evaluator_groups SET trim = 0 WHERE id = 11"],
     ["评委类别“群众代表”", "去掉最高最低分数"]),
    ("group trim from", ["UPDATE evaluator_groups SET trim_from = 3 WHERE id = 9"],
     ["去分起始票数"]),
    ("group issued", ["UPDATE evaluator_groups SET expected = 99 WHERE id = 10"], ["发出票数"]),
    ("group recusal", ["UPDATE evaluator_groups SET recusal = 0 WHERE id = 12"], ["回避本部门"]),
    ("department order", ["UPDATE departments SET position = 99 WHERE id = 76"],
     ["部门“区委组织部”", "述职顺序"]),
    ("department name", ["UPDATE departments SET name = '区委组织部门' WHERE id = 76"],
     ["部门", "名称 日志 区委组织部 / 现存 区委组织部门"]),
    ("department category", ["UPDATE departments SET category_id = 5 WHERE id = 74"],
     ["部门“区委办公室”", "类别"]),
    ("department inserted", ["INSERT INTO departments (evaluation_id, position, name, "
                             "short_name, presenter, title) VALUES (2, 200, '新部门', '', '', '')"],
     ["部门“新部门”没有操作日志记录"]),
    ("component weight", ["UPDATE components SET weight = '70' WHERE id = 4"],
     ["其他得分项目“集中考评”", "权重"]),
    ("component name", ["UPDATE components SET name = 'Z' WHERE id = 5"], ["其他得分项目"]),
    ("component value", ["UPDATE component_values SET value = '99.9' WHERE id = (SELECT v.id "
                         "FROM component_values v JOIN departments d ON d.id = v.department_id "
                         "WHERE d.evaluation_id = 2 LIMIT 1)"], ["其他得分", "分值"]),
    ("component value deleted", ["DELETE FROM component_values WHERE id = (SELECT v.id "
                                 "FROM component_values v JOIN departments d ON "
                                 "d.id = v.department_id WHERE d.evaluation_id = 2 LIMIT 1)"],
     ["其他得分", "已不在数据库中"]),
    ("adjustment points", ["UPDATE adjustments SET points = '3' WHERE id = 14"],
     ["加减分与一票否决", "分值"]),
    ("adjustment reason", ["UPDATE adjustments SET reason = '无' WHERE id = 15"], ["事由"]),
    ("veto added", ["UPDATE adjustments SET veto = 1 WHERE id = 16"], ["一票否决 日志 0 / 现存 1"]),
    ("adjustment deleted", ["DELETE FROM adjustments WHERE id = 17"],
     ["加减分与一票否决", "已不在数据库中"]),
    ("adjustment inserted", ["INSERT INTO adjustments (evaluation_id, department_id, points, "
                             "reason, veto) VALUES (2, 74, '5', '伪造', 0)"],
     ["加减分与一票否决", "没有操作日志记录"]),
    ("evaluator renamed", ["UPDATE evaluators SET name = '某某' WHERE id = (SELECT min(id) "
                           "FROM evaluators WHERE evaluation_id = 2)"], ["评委名单", "姓名"]),
    ("ballot mark", ["UPDATE ballots SET marks = json_set(marks, '$.74', '60') "
                     "WHERE serial = 'A001' AND evaluation_id = 2"],
     ["选票 A001 与操作日志记录的不同", "“区委办公室” 日志 92 / 现存 60"]),
    ("typed ballot mark", ["UPDATE ballots SET marks = json_set(marks, '$.74', '61') "
                           "WHERE serial = 'T901'"], ["选票 T901", "日志 91 / 现存 61"]),
    ("ballot group", ["UPDATE ballots SET group_id = 8 WHERE serial = 'A002' AND "
                      "evaluation_id = 2"], ["选票 A002", "评委类别 日志 7 / 现存 8"]),
    ("ballot own department", ["UPDATE ballots SET own_department_id = 75 WHERE serial = 'T902'"],
     ["选票 T902", "所属部门"]),
    ("ballot voided", ["UPDATE ballots SET void_reason = '无效' WHERE serial = 'A003' AND "
                       "evaluation_id = 2"], ["选票 A003", "作废原因"]),
    ("ballot status", ["UPDATE ballots SET status = 'pending' WHERE serial = 'T901'"],
     ["选票 T901", "状态 日志 confirmed / 现存 pending"]),
    ("ballot serial", ["UPDATE ballots SET serial = 'A999' WHERE serial = 'A004' AND "
                       "evaluation_id = 2"], ["选票 A999", "票号 日志 A004 / 现存 A999"]),
    ("ballot evaluator", ["UPDATE ballots SET evaluator_id = 1 WHERE serial = 'A005' AND "
                          "evaluation_id = 2"], ["选票 A005", "评委"]),
    ("ballot deleted", ["DELETE FROM ballots WHERE serial = 'A006' AND evaluation_id = 2"],
     ["选票 A006 已不在数据库中"]),
    ("ballot inserted", ["INSERT INTO ballots (evaluation_id, serial, group_id, marks, "
                         "entered_by, status, created_at, updated_at) SELECT 2, 'X001', "
                         "group_id, marks, '', 'confirmed', created_at, updated_at FROM ballots "
                         "WHERE serial = 'A001' AND evaluation_id = 2"],
     ["选票 X001 没有操作日志记录"]),
    ("operator role", ["UPDATE operators SET role = 'admin' WHERE name = '李录入'"],
     ["操作员“李录入”", "角色 日志 clerk / 现存 admin"]),
    ("operator disabled", ["UPDATE operators SET active = 0 WHERE name = '张主任'"],
     ["操作员“张主任”", "启用"]),
    ("operator password", ["UPDATE operators SET password_hash = 'x' WHERE name = '张主任'"],
     ["操作员“张主任”", "密码"]),
    ("operator inserted", ["INSERT INTO operators (name, role, password_hash, active, "
                           "created_at) VALUES ('黑客', 'admin', 'x', 1, '2026-01-01 00:00:00')"],
     ["操作员“黑客”没有操作日志记录"]),
    ("audit hashes blanked", ["UPDATE audit_log SET hash = '', prev_hash = ''"],
     ["没有校验值"]),
    ("audit text changed", ["UPDATE audit_log SET new = replace(new, '91', '61') "
                            "WHERE action = '录入选票'"], ["内容与校验值不符"]),
    ("audit row deleted", ["DELETE FROM audit_log WHERE id = 3"], ["接不上"]),
    ("audit state changed", ["UPDATE audit_log SET state = replace(state, 'confirmed', 'pending') "
                             "WHERE action = '录入选票'"], ["内容与校验值不符"]),
    ("audit row moved", ["UPDATE audit_log SET evaluation_id = 1 WHERE action = '录入选票'"],
     ["内容与校验值不符"]),
]

AFTER_FINAL = [
    ("final result rewritten", ["UPDATE final_results SET result_json = "
                                "replace(result_json, '\"rank\": 1', '\"rank\": 2')"],
     ["定稿记录", "定稿结果内容"]),
    ("final digest rewritten", ["UPDATE final_results SET digest = 'abc'"], ["定稿记录", "摘要"]),
    ("silent unlock", ["UPDATE final_results SET superseded = 1",
                       "UPDATE evaluations SET status = 'draft' WHERE id = 2"],
     ["状态 日志 final / 现存 draft"]),
    ("finalisation row deleted", ["DELETE FROM audit_log WHERE action = '定稿'"],
     ["定稿记录", "没有操作日志记录"]),
    ("ballot after finalisation", ["UPDATE ballots SET marks = json_set(marks, '$.74', '60') "
                                   "WHERE serial = 'A001' AND evaluation_id = 2"],
     ["选票 A001", "日志 92 / 现存 60"]),
]


def test_the_suite_is_large_enough():
    assert len(BEFORE_FINAL) + len(AFTER_FINAL) >= 40


@pytest.mark.parametrize("final", [False, True])
def test_untouched_databases_verify(templates, tmp_path, final):
    report = _verify(_copy(templates, tmp_path, final))
    assert report.ok, report.text()


@pytest.mark.parametrize("what,statements,words", BEFORE_FINAL + [
    pytest.param(*case, id="final-" + case[0]) for case in AFTER_FINAL],
    ids=[c[0] for c in BEFORE_FINAL] + [None] * len(AFTER_FINAL))
def test_direct_edit_is_named(templates, tmp_path, what, statements, words):
    final = any(what == c[0] for c in AFTER_FINAL)
    path = _copy(templates, tmp_path, final)
    _sql(path, *statements)
    report = _verify(path)
    failures = _failures(report)
    assert not report.ok, f"{what}: not detected\n{report.text()}"
    assert any(all(w in line for w in words) for line in failures), \
        f"{what}: no line names it ({words})\n" + "\n".join(failures)


@pytest.mark.parametrize("what,statement,words", [
    ("marks not JSON", "UPDATE ballots SET marks = '{oops' WHERE serial = 'A001'",
     "评分无法读取"),
    ("weight not a number", "UPDATE evaluator_groups SET weight = 'abc' WHERE id = 7", "权重不是数值"),
    ("unknown department in marks", "UPDATE ballots SET marks = '{\"9999\":\"90\"}' "
                                    "WHERE serial = 'A002' AND evaluation_id = 2", "不存在的部门"),
    ("bad date", "UPDATE ballots SET created_at = 'yesterday' WHERE serial = 'A003' "
                 "AND evaluation_id = 2", "录入时间不是日期时间"),
    ("bad audit date", "UPDATE audit_log SET at = 'soon' WHERE id = 1", "无法识别"),
    ("bad quota", "UPDATE evaluations SET commend_quota = 'many' WHERE id = 2", "表扬名额无法识别"),
    ("bad low", "UPDATE evaluations SET low = 'abc' WHERE id = 2", "分值下限不是数值"),
    ("bad year", "UPDATE evaluations SET year = 'x' WHERE id = 2", "年度不是整数"),
    ("bad value", "UPDATE component_values SET value = '1e999999' WHERE id = (SELECT v.id "
                  "FROM component_values v JOIN departments d ON d.id = v.department_id "
                  "WHERE d.evaluation_id = 2 LIMIT 1)", "分值不是数值"),
    ("bad points", "UPDATE adjustments SET points = 'NaN' WHERE id = 14", "分值不是数值"),
    ("bad state", "UPDATE audit_log SET state = '{bad' WHERE id = 2", "状态记录无法读取"),
])
def test_malformed_rows_are_reported_not_raised(templates, tmp_path, capsys, what, statement,
                                                words):
    path = _copy(templates, tmp_path)
    _sql(path, statement)
    report = _verify(path)
    assert not report.ok
    assert any(words in line for line in _failures(report)), report.text()
    # results: a clear message, no traceback
    code = cli_main(["results", "--db", str(path), "--evaluation", "2"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code:
        assert err.startswith("错误") or "无法读取" in err


def test_malformed_final_result_is_reported(templates, tmp_path):
    path = _copy(templates, tmp_path, final=True)
    _sql(path, "UPDATE final_results SET result_json = '{'")
    report = _verify(path)
    assert any("结果内容无法读取" in line for line in _failures(report)), report.text()


# ---------------------------------------------------------------- re-chaining attacks

def _rechain(path) -> None:
    """What someone holding the file can do: recompute every hash after their edits."""
    db = open_database(path)
    with db.session() as s:
        rows = list(raw_rows(s))
    db.dispose()
    connection = sqlite3.connect(str(path))
    prev = ""
    with connection:
        for row in rows:
            digest = row_hash(prev, row)
            connection.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                               (prev, digest, row["id"]))
            prev = digest
    connection.close()


def _codes(path):
    db = open_database(path)
    try:
        codes = document_codes(db, EV)
    finally:
        db.dispose()
    return codes


def _edit_typed_ballot_everywhere(path) -> None:
    """Change T901's mark in the ballot, in its audit row and in the recorded state."""
    connection = sqlite3.connect(str(path))
    with connection:
        connection.execute("UPDATE ballots SET marks = json_set(marks, '$.74', '61') "
                           "WHERE serial = 'T901'")
        connection.execute("UPDATE audit_log SET new = replace(new, '91', '61'), "
                           "state = replace(state, '\"74\\\":\\\"91\\\"', '\"74\\\":\\\"61\\\"') "
                           "WHERE action = '录入选票' AND target LIKE 'T901%'")
    connection.close()


def test_rechained_edit_passes_without_codes_and_fails_with_them(templates, tmp_path):
    path = _copy(templates, tmp_path)
    codes = _codes(path)
    _edit_typed_ballot_everywhere(path)
    _rechain(path)
    assert _verify(path).ok  # the honest limit: the file alone cannot show a re-chaining
    report = _verify(path, chain_code=codes.chain_code)
    assert not report.ok
    assert any("找不到印出的日志校验码" in line for line in _failures(report)), report.text()
    report = _verify(path, result_code=codes.result_code)
    assert any("结果校验码与印出的不一致" in line for line in _failures(report)), report.text()


def test_rechained_deletion_of_finalisation_is_caught_by_the_chain_code(templates, tmp_path):
    path = _copy(templates, tmp_path, final=True)
    codes = _codes(path)
    assert _verify(path, result_code=codes.result_code, chain_code=codes.chain_code).ok
    _sql(path, "DELETE FROM audit_log WHERE action = '定稿'", "DELETE FROM final_results",
         "UPDATE evaluations SET status = 'draft' WHERE id = 2")
    _rechain(path)
    report = _verify(path, chain_code=codes.chain_code)
    assert any("找不到印出的日志校验码" in line for line in _failures(report)), report.text()


def test_rechained_final_result_rewrite_is_caught(templates, tmp_path):
    path = _copy(templates, tmp_path, final=True)
    codes = _codes(path)
    _edit_typed_ballot_everywhere(path)
    _sql(path, "UPDATE final_results SET superseded = 1",
         "UPDATE evaluations SET status = 'draft' WHERE id = 2")
    _rechain(path)
    report = _verify(path, result_code=codes.result_code, chain_code=codes.chain_code)
    failures = _failures(report)
    assert any("日志校验码" in line for line in failures)
    assert any("结果校验码" in line for line in failures)


def test_changes_after_printing_are_listed(templates, tmp_path):
    path = _copy(templates, tmp_path)
    codes = _codes(path)
    db = open_database(path)
    B.add_ballot(db, CLERK_ACTOR, EV, B.BallotInput("T903", "群众代表", {"区委办公室": "80"}))
    db.dispose()
    report = _verify(path, chain_code=codes.chain_code)
    assert report.ok, report.text()
    assert "打印之后又记录了 1 条操作" in report.text() and "录入选票" in report.text()


def test_unlock_through_the_service_is_audited_and_shown(templates, tmp_path):
    path = _copy(templates, tmp_path, final=True)
    db = open_database(path)
    unlock(db, ADMIN_ACTOR, EV, "secret-1", "发现录入错误")
    db.dispose()
    report = _verify(path)
    assert report.ok, report.text()
    assert "定稿后曾解锁" in report.text() and "发现录入错误" in report.text()


@pytest.mark.parametrize("digest,good", [("", None), ("6a8f0233", False),
                                         ("zz" * 8, False)])
def test_digest_needs_16_hex_digits(templates, tmp_path, digest, good):
    path = _copy(templates, tmp_path)
    if not digest:
        digest = _codes(path).digest[:16]
        good = True
    assert _verify(path, digest=digest).ok is good


def test_cli_codes(templates, tmp_path, capsys):
    path = _copy(templates, tmp_path)
    codes = _codes(path)
    assert cli_main(["verify", "--db", str(path), "--evaluation", "2", "--code",
                     codes.result_code, "--chain-code", codes.chain_code]) == 0
    assert "结果校验码与印出的一致" in capsys.readouterr().out
    assert cli_main(["verify", "--db", str(path), "--evaluation", "2", "--code",
                     "0000-0000-0000-0000"]) == 2


def test_last_years_unreadable_row_is_named_not_raised(templates, tmp_path, capsys):
    path = _copy(templates, tmp_path)
    _sql(path, "UPDATE ballots SET marks = '{oops' WHERE evaluation_id = 1 AND serial = 'A001'")
    assert cli_main(["results", "--db", str(path), "--evaluation", "2"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "选票 A001的评分无法读取" in err
