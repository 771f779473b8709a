"""The printed documents as PDF files (issue 4, 14): notice, lists, feedback, tally-sheet,
ballots — made by services/documents.make_document, the same path as the 打印 page."""

from __future__ import annotations

from evalapp.cli.common import database, evaluation_id
from evalapp.services.documents import (
    ADMONISH, BALLOTS, COMMEND, FEEDBACK, LISTS, NOTICE, OMR_BALLOTS, TALLY_SHEET, DocumentSpec,
    default_notice, save_document,
)
from evalapp.services.results import compute_results

NOTICE_FIELDS = ("doc_number", "date", "copy_to", "printed_by", "printed_on")


def _save(args, spec: DocumentSpec, results=None) -> int:
    db = database(args)
    save_document(db, evaluation_id(db, args), spec, args.out, results=results)
    print(args.out)
    return 0


def cmd_notice(args) -> int:
    db = database(args)
    chosen = evaluation_id(db, args)
    results = compute_results(db, chosen)
    options = default_notice(db, chosen, results)
    for field in NOTICE_FIELDS:
        value = getattr(args, field)
        if value is not None:
            setattr(options, field, value.strip())
    if args.date is not None and args.printed_on is None:
        options.printed_on = options.date
    options.check_code = args.check_code
    save_document(db, chosen, DocumentSpec(NOTICE, notice=options), args.out, results=results)
    print(args.out)
    return 0


def cmd_lists(args) -> int:
    kind = {"commend": COMMEND, "admonish": ADMONISH, None: LISTS}[args.kind]
    return _save(args, DocumentSpec(kind))


def cmd_feedback(args) -> int:
    return _save(args, DocumentSpec(FEEDBACK, department=args.department))


def cmd_tally_sheet(args) -> int:
    return _save(args, DocumentSpec(TALLY_SHEET))


def cmd_ballots(args) -> int:
    if args.omr:
        return _save(args, DocumentSpec(OMR_BALLOTS, group=args.group, copies=args.copies,
                                        start=args.start))
    return _save(args, DocumentSpec(BALLOTS, group=args.group, copies=args.copies))
