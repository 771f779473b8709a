"""operator add / list / disable / enable / reset / role (issue 11; the GUI's rules)."""

from __future__ import annotations

import getpass
import sys

from evalapp.cli.common import database
from evalapp.domain import DomainError
from evalapp.services import operators as ops
from evalapp.services.context import SYSTEM


def _new_password(args) -> str:
    if args.password is not None:
        return args.password
    if not sys.stdin.isatty():
        raise DomainError("请用 --password 给出密码")
    first = getpass.getpass("密码:")
    if getpass.getpass("再输入一次:") != first:
        raise DomainError("两次输入的密码不一致")
    return first


def cmd_operator(args) -> int:
    db = database(args)
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
