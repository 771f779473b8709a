"""The command line of WORKBOOK.md: import, results, export, template, demo, verify; how
firmly the outcomes stand (robustness, issue 16); the printed documents of issue 4: notice,
lists, feedback, ballots, tally-sheet (issue 14); backup and restore (issue 6); batch-export
and batch-import (several entry stations, issue 7); operator (accounts, issue 11).

The arguments are in parser.py; the commands, by group, in the modules named in ``COMMANDS``:
evaluations, documents, backups, stations, operators. The same services as the GUI."""

from __future__ import annotations

import importlib
import sys

from sqlalchemy.exc import SQLAlchemyError

from evalapp.cli.parser import build_parser
from evalapp.db.urls import scrub, shown
from evalapp.domain import DomainError

# command → the module of evalapp.cli that runs it (as ``cmd_<command>``)
COMMANDS = {"import": "evaluations", "results": "evaluations", "robustness": "evaluations",
            "export": "evaluations", "template": "evaluations", "demo": "evaluations",
            "verify": "evaluations", "list": "evaluations",
            "notice": "documents", "lists": "documents", "feedback": "documents",
            "ballots": "documents", "tally-sheet": "documents",
            "backup": "backups", "restore": "backups",
            "station-kit": "stations", "batch-export": "stations",
            "batch-import": "stations", "scan-import": "stations",
            "operator": "operators"}


def command_function(name: str):
    """The function that runs a command. Its group's module is imported only now, on
    purpose (start-up time and memory: ``results`` loads neither reportlab, openpyxl nor
    the scan reader)."""
    module = importlib.import_module(f"evalapp.cli.{COMMANDS[name]}")
    return getattr(module, "cmd_" + name.replace("-", "_"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return command_function(args.command)(args)
    except DomainError as exc:
        text = scrub(str(exc), args.db)
        print(f"错误:{text}" if "\n" not in text else text, file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(scrub(f"错误:数据库无法使用({shown(args.db)}):{exc.__class__.__name__}: {exc}",
                    args.db), file=sys.stderr)
        return 1
