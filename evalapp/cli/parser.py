"""The command line's arguments (WORKBOOK.md): every command, its options and their help."""

from __future__ import annotations

import argparse

from evalapp.paths import default_database_path


def build_parser() -> argparse.ArgumentParser:
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
