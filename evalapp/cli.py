"""The command line of WORKBOOK.md: import, results, export, template, demo, verify; how
firmly the outcomes stand (robustness, issue 16); the printed documents of issue 4: notice,
lists, feedback, ballots, tally-sheet (issue 14); backup and restore (issue 6); batch-export
and batch-import (several entry stations, issue 7); operator (accounts, issue 11)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from evalapp.domain import DomainError
from evalapp.paths import default_database_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="集中考评计分系统(命令行)")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--db", default=str(default_database_path()),
                       help="数据库文件路径或 SQLAlchemy URL")
        return p

    p = command("import", "从工作簿新建考评活动,输出其编号")
    p.add_argument("workbook")
    p = command("results", "输出考评结果")
    p.add_argument("--evaluation", type=int)
    p.add_argument("--format", choices=["json", "csv", "table", "xlsx"], default="table")
    p.add_argument("--output", help="xlsx 格式时的输出文件")
    p = command("robustness", "稳固程度:改票翻转数(几张选票可改变结果)与权重敏感性")
    p.add_argument("--evaluation", type=int)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--limit", type=int, default=20, help="改票翻转数最多查找到几张(默认 20)")
    p = command("export", "把整个考评活动导出为工作簿(可再导入)")
    p.add_argument("out")
    p.add_argument("--evaluation", type=int)
    p = command("template", "生成空白工作簿模板")
    p.add_argument("out")
    p.add_argument("--mode", choices=["百分制", "等次制"], default="百分制")
    command("demo", "生成演示考评(2020、2021 年度)")
    p = command("verify", "由原始选票重新计算,核对摘要与定稿结果")
    p.add_argument("--evaluation", type=int)
    p.add_argument("--digest", help="结果摘要(至少写前 16 位十六进制数字)")
    p.add_argument("--code", help="签字文件上印出的结果校验码(如 3F2A-9C1B-77D0-E514)")
    p.add_argument("--chain-code", help="签字文件上印出的日志校验码:可查出打印后日志是否被改写")
    p = command("list", "列出数据库中的考评活动")
    p = command("backup", "备份数据库(SQLite 在线备份),默认存到数据库旁的“备份”文件夹")
    p.add_argument("dest", nargs="?", help="备份到的文件夹(如 U 盘)")
    p = command("restore", "检查备份文件(自带校验值、完整性、全面核对)后用它替换当前数据库")
    p.add_argument("backup")
    p.add_argument("--check-only", action="store_true", help="只检查,不恢复")
    p.add_argument("--accept-differences", action="store_true",
                   help="确认恢复另一个考评活动(或另一个区)的数据库,或比当前旧的备份")
    _report_commands(command)
    _batch_commands(command)
    _operator_commands(sub)
    return parser


def _operator_commands(sub) -> None:
    """operator add / list / disable / enable / reset / role (the same rules as the GUI)."""
    group = sub.add_parser("operator", help="管理操作员(管理员、录入员、主持人)")
    actions = group.add_subparsers(dest="action", required=True, metavar="操作")

    def action(name: str, help_text: str, named: bool = True) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        p.add_argument("--db", default=str(default_database_path()),
                       help="数据库文件路径或 SQLAlchemy URL")
        if named:
            p.add_argument("name", metavar="姓名")
        return p

    roles = ["管理员", "录入员", "主持人"]
    p = action("add", "新增操作员")
    p.add_argument("--role", required=True, choices=roles, help="角色")
    p.add_argument("--password", help="密码(至少 6 位;不给出时提示输入)")
    action("list", "列出全部操作员", named=False)
    action("disable", "停用操作员(不能再登录;最后一位在用的管理员不能停用)")
    action("enable", "重新启用已停用的操作员")
    p = action("reset", "重设操作员的密码")
    p.add_argument("--password", help="新密码(至少 6 位;不给出时提示输入)")
    p = action("role", "修改操作员的角色")
    p.add_argument("--role", required=True, choices=roles, help="新角色")


def _batch_commands(command) -> None:
    """batch-export / batch-import: offline merge of several entry stations (issue 7)."""
    p = command("station-kit", "在主机上为离线录入点发放录入包(导出批次时用它签名)")
    p.add_argument("out")
    p.add_argument("--station", required=True, help="录入点名称,如“2号机”")
    p.add_argument("--evaluation", type=int)
    p = command("batch-export", "把本机录入的选票导出为批次文件(离线分站录入)")
    p.add_argument("out")
    p.add_argument("--kit", required=True, help="主机发给本录入点的录入包文件")
    p.add_argument("--station", help="录入点名称(默认为录入包中的名称)")
    p.add_argument("--operator", required=True, help="导出人(录入员姓名)")
    p.add_argument("--evaluation", type=int)
    p = command("batch-import", "在主机上导入录入点的批次文件(核对校验值,不重复导入)")
    p.add_argument("file")
    p.add_argument("--evaluation", type=int, help="默认按批次中的考评标识自动查找")


def _report_commands(command) -> None:
    """notice / lists / feedback / ballots: the printed documents as PDF (issue 4)."""
    p = command("notice", "生成考评结果通报(公文格式 PDF,附排名表和版记)")
    p.add_argument("out")
    p.add_argument("--evaluation", type=int)
    p.add_argument("--doc-number", help="发文字号,如 区考核办〔2022〕1号(默认按成文日期的年份)")
    p.add_argument("--date", help="成文日期,如 2022年1月10日(默认为定稿日期)")
    p.add_argument("--copy-to", help="版记的抄送机关,用“、”分隔")
    p.add_argument("--printed-by", help="版记的印发机关(默认同发文机关)")
    p.add_argument("--printed-on", help="版记的印发日期(默认同成文日期)")
    p.add_argument("--check-code", action="store_true", help="在版记上方以小字印结果校验码")
    p = command("lists", "生成通报表扬名单和诫勉谈话名单(PDF,各一页)")
    p.add_argument("out")
    p.add_argument("--evaluation", type=int)
    p.add_argument("--kind", choices=["commend", "admonish"], help="只生成其中一份名单")
    p = command("feedback", "生成部门考评结果反馈单(PDF,每个部门一页)")
    p.add_argument("out")
    p.add_argument("--evaluation", type=int)
    p.add_argument("--department", help="只生成该部门的反馈单")
    p = command("tally-sheet", "生成计票核对单(PDF,一页:各类选票数、结果和操作记录校验码、签字栏)")
    p.add_argument("out")
    p.add_argument("--evaluation", type=int)
    p = command("ballots", "生成空白评分表(PDF,每张一个票号)")
    p.add_argument("out")
    p.add_argument("--evaluation", type=int)
    p.add_argument("--group", help="只生成该评委类别的评分表")
    p.add_argument("--copies", type=int, help="每个评委类别的份数(默认为发出票数)")
    p.add_argument("--omr", action="store_true",
                   help="机读评分表(涂圆圈,可扫描导入),默认为手写评分表")
    p.add_argument("--start", type=int,
                   help="机读评分表的起始票号序号(默认接在已录入的最大票号之后)")
    p = command("scan-import", "导入扫描的机读评分表(PDF、图像或文件夹),存疑的评分留待人工核对")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--evaluation", type=int, help="默认按评分表二维码中的考评标识查找")
    p.add_argument("--format", choices=["table", "json"], default="table")


def main(argv: list[str] | None = None) -> int:
    from evalapp.db.urls import scrub, shown
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except DomainError as exc:
        text = scrub(str(exc), args.db)
        print(f"错误:{text}" if "\n" not in text else text, file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(scrub(f"错误:数据库无法使用({shown(args.db)}):{exc.__class__.__name__}: {exc}",
                    args.db), file=sys.stderr)
        return 1


def _db(args):
    from evalapp.db.engine import open_database
    return open_database(args.db)


def _evaluation(db, args) -> int:
    from evalapp.services.evaluations import latest_evaluation_id
    return args.evaluation if args.evaluation is not None else latest_evaluation_id(db)


def cmd_import(args) -> int:
    from evalapp.services.context import SYSTEM
    from evalapp.services.evaluations import import_evaluation
    from evalapp.workbook.importer import read_workbook_report
    report = read_workbook_report(args.workbook)
    print(import_evaluation(_db(args), SYSTEM, report.data))
    if report.warnings:  # accepted, but worth a look: one line each, on standard error
        print(f"已导入。有 {len(report.warnings)} 处请核对:", file=sys.stderr)
        for warning in report.warnings:
            print(f"提示:{warning}", file=sys.stderr)
    return 0


def cmd_results(args) -> int:
    from evalapp.services.results import compute_results, result_csv, result_json, result_table
    db = _db(args)
    results = compute_results(db, _evaluation(db, args))
    groups = [g.name for g in results.data.groups]
    if args.format == "json":
        print(result_json(results.result))
    elif args.format == "csv":
        sys.stdout.write(result_csv(results.result, groups))
    elif args.format == "table":
        sys.stdout.write(result_table(results.result, groups))
    else:
        if not args.output:
            raise DomainError("xlsx 格式需要用 --output 指定输出文件")
        from evalapp.workbook.results_xlsx import write_results_workbook
        write_results_workbook(results.result, args.output, groups,
                               [c.name for c in results.data.effective_components()])
        print(args.output)
    return 0


def cmd_robustness(args) -> int:
    from evalapp.services.robustness import (
        compute_robustness, robustness_json, robustness_text,
    )
    if args.limit < 1:
        raise DomainError("--limit 应为正整数")
    db = _db(args)
    analysis = compute_robustness(db, _evaluation(db, args), limit=args.limit)
    sys.stdout.write(robustness_json(analysis) + "\n" if args.format == "json"
                     else robustness_text(analysis))
    return 0


def cmd_export(args) -> int:
    from evalapp.services.evaluations import get_data
    from evalapp.workbook.exporter import write_workbook
    db = _db(args)
    write_workbook(get_data(db, _evaluation(db, args)), args.out)
    print(args.out)
    return 0


def cmd_template(args) -> int:
    from evalapp.workbook.exporter import write_template
    write_template(args.out, grade_mode=args.mode == "等次制")
    print(args.out)
    return 0


def cmd_demo(args) -> int:
    from evalapp.services.demo import create_demo
    for evaluation_id in create_demo(_db(args)):
        print(evaluation_id)
    return 0


def cmd_verify(args) -> int:
    from evalapp.services.verify import verify
    db = _db(args)
    report = verify(db, _evaluation(db, args), args.digest, result_code=args.code,
                    chain_code=args.chain_code)
    print(report.text())
    return 0 if report.ok else 2


def cmd_list(args) -> int:
    from evalapp.services.evaluations import list_evaluations
    for info in list_evaluations(_db(args)):
        print(f"{info.id}\t{info.year or ''}\t{info.status_label}\t{info.name}\t"
              f"部门 {info.departments}\t选票 {info.ballots}")
    return 0


def _live_file(args):
    from evalapp.services.backup import local_file
    path = local_file(args.db)
    if path is None:
        raise DomainError("只有本机数据库文件(SQLite)才能备份或恢复")
    return path


def cmd_backup(args) -> int:
    from evalapp.services.backup import make_backup
    print(make_backup(_live_file(args), "手动", args.dest))
    return 0


def cmd_restore(args) -> int:
    from evalapp.services.restore import check_backup, restore
    check = check_backup(args.backup, _live_file(args))
    print(check.text())
    if not check.ok:
        return 2
    if args.check_only:
        return 0
    if check.differences and not args.accept_differences:
        print("没有恢复:上面标 ⚠ 的不同之处须确认。核对无误后加 --accept-differences 再运行。",
              file=sys.stderr)
        return 3
    aside = restore(_live_file(args), args.backup, confirmed=args.accept_differences)
    if aside is not None:
        print(f"原数据库已另存为:{aside}")
    print(f"已恢复:{_live_file(args)}")
    return 0


def _report_input(args):
    """(db, evaluation id, results, final) of the evaluation a report command names."""
    from evalapp.domain import STATUS_FINAL
    from evalapp.services.evaluations import list_evaluations
    from evalapp.services.results import compute_results
    db = _db(args)
    evaluation_id = _evaluation(db, args)
    results = compute_results(db, evaluation_id)
    status = next((e.status for e in list_evaluations(db) if e.id == evaluation_id), None)
    return db, evaluation_id, results, status == STATUS_FINAL


def cmd_notice(args) -> int:
    from evalapp.reports.notice_pdf import default_notice_options, notice_date, write_notice
    db, evaluation_id, results, final = _report_input(args)
    options = default_notice_options(results, notice_date(db, evaluation_id))
    for field in ("doc_number", "date", "copy_to", "printed_by", "printed_on"):
        value = getattr(args, field)
        if value is not None:
            setattr(options, field, value.strip())
    if args.date is not None and args.printed_on is None:
        options.printed_on = options.date
    options.check_code = args.check_code
    write_notice(results, args.out, options, final=final)
    print(args.out)
    return 0


def cmd_lists(args) -> int:
    from evalapp.reports.lists_pdf import ListOptions, write_lists
    db, evaluation_id, results, final = _report_input(args)
    kinds = (args.kind,) if args.kind else ("commend", "admonish")
    write_lists(results, args.out, ListOptions(kinds=kinds), final=final)
    print(args.out)
    return 0


def cmd_feedback(args) -> int:
    from evalapp.reports.feedback_pdf import FeedbackOptions, write_feedback
    db, evaluation_id, results, final = _report_input(args)
    from evalapp.services.presentation import feedback_times, list_times
    times = feedback_times(list_times(db, evaluation_id))
    write_feedback(results, args.out, FeedbackOptions(department=args.department,
                                                      presentation_times=times), final=final)
    print(args.out)
    return 0


def cmd_tally_sheet(args) -> int:
    from evalapp.reports.tally_sheet_pdf import audit_chain_head, write_tally_sheet
    db, evaluation_id, results, final = _report_input(args)
    write_tally_sheet(results, args.out, audit_chain_head(db), final=final)
    print(args.out)
    return 0


def cmd_ballots(args) -> int:
    from evalapp.reports.ballots_pdf import BallotOptions, write_ballots
    results = _report_input(args)[2]
    if args.omr:
        from evalapp.scan.sheet_pdf import SheetOptions, write_sheets
        write_sheets(results.data, results.result.evaluation, args.out,
                     SheetOptions(group=args.group, copies=args.copies, start=args.start))
        print(args.out)
        return 0
    write_ballots(results, args.out, BallotOptions(group=args.group, copies=args.copies))
    print(args.out)
    return 0


def cmd_batch_export(args) -> int:
    from evalapp.services.batch import export_batch, write_batch
    from evalapp.services.context import CLERK, Actor
    db = _db(args)
    from evalapp.services.station_kit import read_kit
    batch = export_batch(db, Actor(args.operator, CLERK), _evaluation(db, args), args.station,
                         args.operator, kit=read_kit(args.kit))
    write_batch(batch, args.out)
    skipped = sum(batch["not_exported"].values())
    print(f"{args.out}\t选票 {len(batch['ballots'])} 张\t校验值 {batch['checksum'][:16]}…")
    if skipped:
        print(f"注意:有 {skipped} 张选票待核对或退回重录,未导出", file=sys.stderr)
    return 0


def cmd_station_kit(args) -> int:
    from evalapp.services.context import SYSTEM
    from evalapp.services.station_kit import issue_kit, write_kit
    db = _db(args)
    kit = issue_kit(db, SYSTEM, _evaluation(db, args), args.station)
    print(f"{write_kit(kit, args.out)}\t录入点 {kit['station']}\t录入包编号 {kit['kit_id']}")
    return 0


def cmd_batch_import(args) -> int:
    from evalapp.services.batch import import_batch
    from evalapp.services.context import SYSTEM
    print(import_batch(_db(args), SYSTEM, args.file, args.evaluation).text())
    return 0


def _new_password(args) -> str:
    if args.password is not None:
        return args.password
    if not sys.stdin.isatty():
        raise DomainError("请用 --password 给出密码")
    import getpass
    first = getpass.getpass("密码:")
    if getpass.getpass("再输入一次:") != first:
        raise DomainError("两次输入的密码不一致")
    return first


def cmd_operator(args) -> int:
    from evalapp.services import operators as ops
    from evalapp.services.context import SYSTEM
    db = _db(args)
    if args.action == "list":
        for o in ops.list_operators(db):
            created = f"{o.created_at:%Y-%m-%d %H:%M}" if o.created_at else ""
            print(f"{o.name}\t{o.role_label}\t{o.status_label}\t{created}")
        return 0
    if args.action == "add":
        info = ops.create_operator(db, SYSTEM, args.name, args.role, _new_password(args))
        print(f"已新增{info.role_label}“{info.name}”")
    elif args.action in ("disable", "enable"):
        info = ops.set_active(db, SYSTEM, args.name, args.action == "enable")
        print(f"操作员“{info.name}”{info.status_label}")
    elif args.action == "reset":
        info = ops.reset_password(db, SYSTEM, args.name, _new_password(args))
        print(f"已重设“{info.name}”的密码")
    else:
        info = ops.set_role(db, SYSTEM, args.name, args.role)
        print(f"“{info.name}”的角色:{info.role_label}")
    return 0
def cmd_scan_import(args) -> int:
    from evalapp.services.context import SYSTEM
    from evalapp.services.scan_import import default_workers, import_scans
    report = import_scans(_db(args), SYSTEM, args.paths, args.evaluation, default_workers())
    if args.format == "json":
        print(report.as_json())
    else:
        sys.stdout.write(report.text())
    return 0 if not report.counts()["refused"] else 3


COMMANDS = {"notice": cmd_notice, "lists": cmd_lists, "feedback": cmd_feedback,
            "ballots": cmd_ballots, "tally-sheet": cmd_tally_sheet,
            "import": cmd_import, "results": cmd_results, "export": cmd_export,
            "robustness": cmd_robustness,
            "template": cmd_template, "demo": cmd_demo, "verify": cmd_verify, "list": cmd_list,
            "backup": cmd_backup, "restore": cmd_restore,
            "station-kit": cmd_station_kit, "batch-export": cmd_batch_export,
            "batch-import": cmd_batch_import, "operator": cmd_operator,
            "scan-import": cmd_scan_import}

