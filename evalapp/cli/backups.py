"""backup and restore of the local database file (issue 6)."""

from __future__ import annotations

import sys
from pathlib import Path

from evalapp.domain import DomainError
from evalapp.services.backup import local_file, make_backup
from evalapp.services.restore import check_backup, restore


def _live_file(args) -> Path:
    path = local_file(args.db)
    if path is None:
        raise DomainError("只有本机数据库文件(SQLite)才能备份或恢复")
    return path


def cmd_backup(args) -> int:
    print(make_backup(_live_file(args), "手动", args.dest))
    return 0


def cmd_restore(args) -> int:
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
