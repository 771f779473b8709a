"""Fuzz (hypothesis) of ballot entry with malformed input: only DomainError with a located
message, never a partial write; what is saved is exactly what was validated."""

import json
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_integrity_lock import ADMIN_ACTOR, CLERK_ACTOR, DEPTS, small_data

from evalapp.db import models as m
from evalapp.db.engine import open_database
from evalapp.domain import DomainError
from evalapp.services import ballots as B
from evalapp.services.drafts import load_draft, save_draft
from evalapp.services.evaluations import import_evaluation

FOLDER = tempfile.TemporaryDirectory()
DB = open_database(Path(FOLDER.name) / "fuzz.db")
EID = import_evaluation(DB, ADMIN_ACTOR, small_data(ballots=2))

ODD = st.sampled_from(["=SUM(A1)", "", " ", "\u200b", "１００", "9\u00a00", "NaN", "-Infinity",
                       "1e400", "1E+28", "-0", "0.05", "100.0", "99.95", "٣", "\x00", "𠀀",
                       "95.5", "80", "优秀", "e\u0301", "1" * 60])
VALUE = st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40),
                  st.floats(allow_nan=True, allow_infinity=True),
                  st.decimals(allow_nan=True, allow_infinity=True), ODD, st.text(max_size=8),
                  st.lists(st.integers(), max_size=2), st.binary(max_size=4),
                  st.dictionaries(st.text(max_size=2), st.integers(), max_size=1))
DEPT = st.sampled_from(DEPTS) | st.text(max_size=6) | st.sampled_from(["发改委 ", "发改委\u200b"])
SERIAL = st.one_of(st.text(max_size=60), ODD, st.integers(-5, 10**20), st.none(), st.just("A000"))
GROUP = st.sampled_from(["领导", "群众"]) | st.text(max_size=4) | st.none() | st.integers()
COUNTS = {"examples": 0, "saved": 0}


def _state():
    with DB.session() as s:
        return (s.scalar(select(func.count()).select_from(m.Ballot)),
                s.scalar(select(func.count()).select_from(m.AuditEntry)))


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SERIAL, GROUP, st.dictionaries(DEPT, VALUE, max_size=6), st.none() | DEPT)
def test_malformed_ballots_are_refused_whole(serial, group, marks, own):
    COUNTS["examples"] += 1
    before = _state()
    entry = B.BallotInput(serial, group, marks, own)
    try:
        info = B.add_ballot(DB, CLERK_ACTOR, EID, entry)
    except DomainError as exc:
        message = str(exc)
        assert message.startswith("选票 ") and "\n" in message, message  # names each field
        assert _state() == before
        return
    COUNTS["saved"] += 1
    assert _state() == (before[0] + 1, before[1] + 1)
    with DB.session() as s:
        row = s.get(m.Ballot, info.id)
        text = s.execute(select(func.cast(m.Ballot.__table__.c.marks, m.Text()))
                         .where(m.Ballot.id == info.id)).scalar()
    stored = json.loads(text)
    assert len(stored) == len(row.marks) == len(info.marks)
    for dept, mark in info.marks.items():
        assert Decimal(mark) == Decimal(str(marks[dept]).strip()) if not isinstance(
            marks[dept], float) else True
        assert Decimal(0) <= Decimal(mark) <= Decimal(100)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=30), st.text(max_size=6),
       st.dictionaries(st.text(max_size=8), VALUE.filter(lambda v: not isinstance(v, bytes)),
                       max_size=8))
def test_any_draft_round_trips(serial, group, marks):
    save_draft(DB, CLERK_ACTOR, EID, B.BallotInput(serial, group, marks))
    draft = load_draft(DB, CLERK_ACTOR, EID)
    assert draft.serial == serial and draft.group == group
    assert draft.marks == {k: str(v) for k, v in marks.items() if v is not None
                           and str(v).strip()}
