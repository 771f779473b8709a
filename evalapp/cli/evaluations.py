"""Commands on a whole evaluation: import, results, robustness, export, template, demo,
verify, list."""

from __future__ import annotations

import sys

from evalapp.cli.common import database, evaluation_id
from evalapp.domain import DomainError
from evalapp.services.context import SYSTEM
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import get_data, import_evaluation, list_evaluations
from evalapp.services.results import compute_results, result_csv, result_json, result_table
from evalapp.services.robustness import compute_robustness, robustness_json, robustness_text
from evalapp.services.verify import verify
from evalapp.workbook.exporter import write_template, write_workbook
from evalapp.workbook.importer import read_workbook_report
from evalapp.workbook.results_xlsx import write_results_workbook


def cmd_import(args) -> int:
    report = read_workbook_report(args.workbook)
    print(import_evaluation(database(args), SYSTEM, report.data))
    if report.warnings:  # accepted, but worth a look: one line each, on standard error
        print(f"已导入。有 {len(report.warnings)} 处请核对:", file=sys.stderr)
        for warning in report.warnings:
            print(f"提示:{warning}", file=sys.stderr)
    return 0


def cmd_results(args) -> int:
    db = database(args)
    results = compute_results(db, evaluation_id(db, args))
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
        write_results_workbook(results.result, args.output, groups,
                               [c.name for c in results.data.effective_components()])
        print(args.output)
    return 0


def cmd_robustness(args) -> int:
    if args.limit < 1:
        raise DomainError("--limit 应为正整数")
    db = database(args)
    analysis = compute_robustness(db, evaluation_id(db, args), limit=args.limit)
    sys.stdout.write(robustness_json(analysis) + "\n" if args.format == "json"
                     else robustness_text(analysis))
    return 0


def cmd_export(args) -> int:
    db = database(args)
    write_workbook(get_data(db, evaluation_id(db, args)), args.out)
    print(args.out)
    return 0


def cmd_template(args) -> int:
    write_template(args.out, grade_mode=args.mode == "等次制")
    print(args.out)
    return 0


def cmd_demo(args) -> int:
    for created in create_demo(database(args)):
        print(created)
    return 0


def cmd_verify(args) -> int:
    db = database(args)
    report = verify(db, evaluation_id(db, args), args.digest, result_code=args.code,
                    chain_code=args.chain_code)
    print(report.text())
    return 0 if report.ok else 2


def cmd_list(args) -> int:
    for info in list_evaluations(database(args)):
        print(f"{info.id}\t{info.year or ''}\t{info.status_label}\t{info.name}\t"
              f"部门 {info.departments}\t选票 {info.ballots}")
    return 0
