"""Results: the tally of a stored evaluation, with last year's for rank changes and repeats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from evalapp.ballot_status import CONFIRMED
from evalapp.db.engine import Database
from evalapp.domain import EvaluationData
from evalapp.rounding import fixed
from evalapp.services.context import VIEW_RESULTS, Actor, SYSTEM, require
from evalapp.services.audit_log import last_change_id_in
from evalapp.services.double_entry import entry_counts_in
from evalapp.services.evaluations import (
    get_evaluation, previous_evaluation_id, previous_evaluation_id_in,
)
from evalapp.services.malformed import unreadable
from evalapp.services.store import load_data
from evalapp.outcome_words import REPEAT_WORD, VETO_WORD
from evalapp.tally_fast import tally_fast
from evalapp.tally_result import (  # noqa: F401 (Results: what compute_results returns)
    OUTCOME_LABELS, PreviousResult, Results, TallyResult,
)


_previous_cache: dict[tuple[str, int], tuple[int, PreviousResult]] = {}


@contextmanager
def read_snapshot(db: Database) -> Iterator[Session]:
    """One session whose reads all see the same committed state (one read transaction):
    SQLite opens it explicitly (the driver would not for reads), PostgreSQL reads at
    REPEATABLE READ. Nothing is written; the transaction is rolled back at the end."""
    with db.session() as s:
        if db.engine.dialect.name == "sqlite":
            s.connection().exec_driver_sql("BEGIN")
        else:
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield s
        finally:
            s.rollback()


def _previous_in(s: Session, url: str, evaluation_id: int) -> PreviousResult:
    """Last year's standings, recomputed only when that evaluation changed since (every
    change through the services leaves an audit row, so its newest row id is its version)."""
    version = last_change_id_in(s, evaluation_id)
    key = (url, evaluation_id)
    hit = _previous_cache.get(key)
    if hit is None or hit[0] != version:
        before = tally_fast(load_data(s, get_evaluation(s, evaluation_id), packed=True))
        hit = (version, PreviousResult(before.evaluation, before.year, before.standings()))
        _previous_cache[key] = hit
    return hit[1]


def previous_result(db: Database, evaluation_id: int) -> PreviousResult:
    with read_snapshot(db) as s:
        return _previous_in(s, db.url, evaluation_id)


def read_inputs(db: Database, evaluation_id: int
                ) -> tuple[EvaluationData, PreviousResult | None, dict[str, int]]:
    """Everything a result is computed from, read in ONE snapshot: the evaluation (ballots
    packed), last year's standings, and the entered ballots by status."""
    with read_snapshot(db) as s:
        data = load_data(s, get_evaluation(s, evaluation_id), packed=True)
        previous_id = previous_evaluation_id_in(s, evaluation_id)
        previous = None if previous_id is None else _previous_in(s, db.url, previous_id)
        counts = entry_counts_in(s, evaluation_id)
    return data, previous, counts


def compute_results(db: Database, evaluation_id: int, actor: Actor = SYSTEM) -> Results:
    require(actor, VIEW_RESULTS)
    try:
        data, previous, counts = read_inputs(db, evaluation_id)
        result = tally_fast(data, previous)
    except (KeyError, ValueError, ArithmeticError, TypeError) as exc:  # a hand-edited row
        try:
            previous_id = previous_evaluation_id(db, evaluation_id)
        except Exception:  # noqa: BLE001 - the report names what it can
            previous_id = None
        raise unreadable(db, [evaluation_id, previous_id], exc) from exc
    unconfirmed = sum(n for status, n in counts.items() if status != CONFIRMED)
    return Results(data, result, unconfirmed, counts)


def result_dict(result: TallyResult) -> dict:
    """The JSON shape of WORKBOOK.md (numbers as strings with 结果小数位 decimals)."""
    places = result.decimals
    departments = []
    for d in result.departments:
        scored = d.scored
        departments.append({
            "name": d.name, "category": d.category, "rank": d.rank,
            "category_rank": d.category_rank,
            "group_scores": {g: fixed(v, places) for g, v in d.group_scores.items()},
            "onsite_score": fixed(d.onsite_score, places),
            "bonus": fixed(d.bonus, places) if scored else None,
            "penalty": fixed(d.penalty, places) if scored else None,
            "final_score": fixed(d.final_score, places), "veto": d.veto,
            "outcome": d.outcome})
    return {"evaluation": result.evaluation, "digest": result.digest,
            "ballots": {"total": result.total_ballots, "valid": result.valid_ballots,
                        "invalid": result.invalid_ballots},
            "departments": departments}


def result_json(result: TallyResult) -> str:
    return json.dumps(result_dict(result), ensure_ascii=False, indent=1)


TABLE_HEADERS = ["排名", "类别内排名", "部门名称", "类别", "集中考评得分", "加分", "减分",
                 "综合得分", "结果"]


def result_rows(result: TallyResult, group_names: list[str]) -> list[list[str]]:
    """Rows of the ranking for CSV and the text table: header first."""
    places = result.decimals
    rows = [TABLE_HEADERS[:4] + group_names + TABLE_HEADERS[4:]]
    for d in result.departments:
        outcome = OUTCOME_LABELS[d.outcome]
        if d.veto:
            outcome += f"({VETO_WORD})"
        if d.repeat:
            outcome += f"({REPEAT_WORD})"
        if not d.scored:
            outcome = d.unscored_reason or outcome
        rows.append([
            "" if d.rank is None else str(d.rank),
            "" if d.category_rank is None else str(d.category_rank), d.name, d.category,
            *[fixed(d.group_scores.get(g), places) or "" for g in group_names],
            fixed(d.onsite_score, places) or "",
            fixed(d.bonus, places) if d.scored else "",
            fixed(d.penalty, places) if d.scored else "",
            fixed(d.final_score, places) or "", outcome])
    return rows


def result_csv(result: TallyResult, group_names: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(result_rows(result, group_names))
    return out.getvalue()


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def result_table(result: TallyResult, group_names: list[str]) -> str:
    """A plain-text table for a terminal (CJK characters count double width)."""
    rows = result_rows(result, group_names)
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"{result.evaluation}    摘要 {result.digest[:16]}…",
             f"选票:共 {result.total_ballots} 张,有效 {result.valid_ballots} 张,"
             f"无效 {result.invalid_ballots} 张"]
    lines += [f"警告:{w}" for w in result.warnings]
    for row in rows:
        lines.append("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths))
                     .rstrip())
    return "\n".join(lines) + "\n"
