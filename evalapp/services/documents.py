"""Every printed document, one path for the 打印 page and the command line: what to make
(``DocumentSpec``), and making it (``make_document``: the result, whether it is final and the
other inputs are read here; evalapp/reports renders; safe on a pool thread)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from evalapp.reports.ballots_pdf import BallotOptions, serials, write_ballots
from evalapp.reports.feedback_pdf import FeedbackOptions, write_feedback
from evalapp.reports.lists_pdf import ListOptions, write_lists
from evalapp.reports.notice_pdf import (
    NoticeOptions,
    SpecialCommendation,
    default_notice_options,
    write_notice,
)
from evalapp.reports.tally_sheet_pdf import ChainHead, write_tally_sheet
from evalapp.scan.sheet_pdf import SheetOptions, next_number, write_sheets
from evalapp.services.audit_chain import check_chain
from evalapp.services.context import SYSTEM, Actor
from evalapp.services.evaluations import is_final
from evalapp.services.finalise import final_results
from evalapp.services.presentation import feedback_times, list_times
from evalapp.services.results import Results, compute_results

NOTICE, COMMEND, ADMONISH, FEEDBACK, BALLOTS = "notice", "commend", "admonish", "feedback", \
    "ballots"
TALLY_SHEET, LISTS, OMR_BALLOTS = "tally_sheet", "lists", "omr_ballots"
DOCUMENTS = {NOTICE: "考评结果通报", COMMEND: "表扬名单", ADMONISH: "诫勉名单",
             FEEDBACK: "考评结果反馈单", TALLY_SHEET: "计票核对单", BALLOTS: "空白评分表"}
# Both lists in one file (command line only); machine-readable ballots (打印 page and command line).
LABELS = {**DOCUMENTS, LISTS: "表扬名单和诫勉名单", OMR_BALLOTS: "机读评分表"}
UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\n\r\t]')


@dataclass
class DocumentSpec:
    """One document with its options; equal specs give equal PDFs for the same data."""

    kind: str
    notice: NoticeOptions | None = None
    department: str | None = None  # feedback: one department, None for all
    group: str | None = None  # ballots: one group, None for all
    copies: int | None = None  # ballots: None for the issued count
    start: int | None = 1  # ballots: the first serial number (machine-readable: None = after
    # the serials entered)
    special: tuple[SpecialCommendation, ...] | None = None  # feedback: the notice's awards

    @property
    def label(self) -> str:
        text = LABELS[self.kind]
        if self.kind == FEEDBACK and self.department:
            text += f"({self.department})"
        if self.kind in (BALLOTS, OMR_BALLOTS) and self.group:
            text += f"({self.group})"
        return text

    def file_name(self, evaluation: str) -> str:
        """A default file name, without characters Windows refuses."""
        if self.kind == NOTICE and self.notice is not None and self.notice.title:
            name = self.notice.title
        else:
            name = evaluation + self.label
        return UNSAFE_FILE_CHARS.sub("", name) + ".pdf"


@dataclass
class MadeDocument:
    """The bytes of a generated PDF and what they were made from."""

    spec: DocumentSpec
    pdf: bytes
    final: bool
    digest: str
    evaluation: str


def audit_chain_head(db) -> ChainHead | None:
    """The audit log's newest entry as the 计票核对单 prints it (read by check_chain)."""
    report = check_chain(db)
    if not report.head:
        return None
    return ChainHead(report.head, report.rows, len(report.breaks))


def notice_date(db, evaluation_id: int) -> dt.date | None:
    """The day the evaluation's result was finalised (定稿), if it is: the default 成文日期."""
    current = [f for f in final_results(db, evaluation_id) if not f.superseded]
    return current[0].finalised_at.date() if current else None


def default_notice(db, evaluation_id: int, results) -> NoticeOptions:
    """The notice's default texts, dated the day the result was finalised (else today)."""
    return default_notice_options(results, notice_date(db, evaluation_id))


def make_document(db, evaluation_id: int, actor: Actor, spec: DocumentSpec,
                  results: Results | None = None) -> MadeDocument:
    """Compute the result (unless ``results`` already holds it) and write the PDF to bytes
    (safe to run on a pool thread)."""
    results = results or compute_results(db, evaluation_id, actor)
    final = is_final(db, evaluation_id)
    if spec.kind == NOTICE:
        pdf = write_notice(results, None, spec.notice, final=final)
    elif spec.kind in (COMMEND, ADMONISH, LISTS):
        options = ListOptions() if spec.kind == LISTS else ListOptions(kinds=(spec.kind,))
        pdf = write_lists(results, None, options, final=final)
    elif spec.kind == FEEDBACK:
        times = feedback_times(list_times(db, evaluation_id))
        special = list(spec.special) if spec.special is not None else \
            default_notice_options(results).special
        pdf = write_feedback(results, None, FeedbackOptions(department=spec.department,
                                                            presentation_times=times,
                                                            special=special),
                             final=final)
    elif spec.kind == TALLY_SHEET:
        pdf = write_tally_sheet(results, None, audit_chain_head(db), final=final)
    elif spec.kind == OMR_BALLOTS:
        pdf = write_sheets(results.data, results.result.evaluation, None,
                           SheetOptions(group=spec.group, copies=spec.copies, start=spec.start))
    else:
        pdf = write_ballots(results, None, BallotOptions(spec.group, spec.copies,
                                                         spec.start or 1))
    return MadeDocument(spec, pdf, final, results.result.digest, results.result.evaluation)


def save_document(db, evaluation_id: int, spec: DocumentSpec, path: str | Path,
                  actor: Actor = SYSTEM, results: Results | None = None) -> MadeDocument:
    """``make_document`` written to a file (the command line's way to print)."""
    made = make_document(db, evaluation_id, actor, spec, results)
    Path(path).write_bytes(made.pdf)
    return made


def serial_summary(data, group_name: str | None, copies: int | None, start: int | None,
                   omr: bool = False) -> str:
    """Per chosen group: how many sheets and which serials (票号) they will carry
    (machine-readable sheets with ``start`` None continue after the serials entered)."""
    lines = []
    for group in data.groups:
        if group_name is not None and group.name != group_name:
            continue
        count = copies or max(1, group.expected or 1)
        first = start if start is not None else next_number(data, group) if omr else 1
        numbers = serials(data, group, count, first)
        lines.append(f"{group.name}:{count} 张,票号 {numbers[0]} 至 {numbers[-1]}")
    return "\n".join(lines)
