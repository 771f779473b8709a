"""Several entry stations (issue 7) and scanned ballots: station-kit, batch-export,
batch-import, scan-import."""

from __future__ import annotations

import sys

from evalapp.cli.common import database, evaluation_id
from evalapp.services.batch import export_batch, import_batch, write_batch
from evalapp.services.context import CLERK, SYSTEM, Actor
from evalapp.services.scan_import import default_workers, import_scans
from evalapp.services.station_kit import issue_kit, read_kit, write_kit


def cmd_station_kit(args) -> int:
    db = database(args)
    kit = issue_kit(db, SYSTEM, evaluation_id(db, args), args.station)
    print(f"{write_kit(kit, args.out)}\t录入点 {kit['station']}\t录入包编号 {kit['kit_id']}")
    return 0


def cmd_batch_export(args) -> int:
    db = database(args)
    batch = export_batch(db, Actor(args.operator, CLERK), evaluation_id(db, args), args.station,
                         args.operator, kit=read_kit(args.kit))
    write_batch(batch, args.out)
    skipped = sum(batch["not_exported"].values())
    print(f"{args.out}\t选票 {len(batch['ballots'])} 张\t校验值 {batch['checksum'][:16]}…")
    if skipped:
        print(f"注意:有 {skipped} 张选票待核对或退回重录,未导出", file=sys.stderr)
    return 0


def cmd_batch_import(args) -> int:
    print(import_batch(database(args), SYSTEM, args.file, args.evaluation).text())
    return 0


def cmd_scan_import(args) -> int:
    report = import_scans(database(args), SYSTEM, args.paths, args.evaluation, default_workers())
    if args.format == "json":
        print(report.as_json())
    else:
        sys.stdout.write(report.text())
    return 0 if not report.counts()["refused"] else 3
