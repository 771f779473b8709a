"""述职计时 service: record and list times, the allowed length, permissions, audit, and the
feedback sheet line."""

import io
import re

import pytest
from pypdf import PdfReader

from evalapp.domain import DomainError
from evalapp.reports.feedback_pdf import FeedbackOptions, write_feedback
from evalapp.services.audit_log import list_audit
from evalapp.services.context import ADMIN, CHAIR, CLERK, Actor, PermissionDenied
from evalapp.services.evaluations import get_data
from evalapp.services.presentation import (
    feedback_times,
    get_presentation_minutes,
    list_times,
    minutes_seconds,
    record_time,
    set_presentation_minutes,
    time_used_text,
)
from evalapp.services.results import compute_results

ADMIN_ACTOR, CHAIR_ACTOR = Actor("主任", ADMIN), Actor("书记", CHAIR)


def _names(db, eid, n=2):
    return [d.name for d in sorted(get_data(db, eid).departments, key=lambda d: d.order)][:n]


def test_texts():
    assert minutes_seconds(462) == "7分42秒"
    assert minutes_seconds(480) == "8分钟"
    assert minutes_seconds(5) == "5秒"
    assert time_used_text(462, 480) == "7分42秒(规定 8 分钟)"
    assert time_used_text(545, 480) == "9分05秒(规定 8 分钟,超时 1分05秒)"


def test_record_list_replace_and_audit(demo):
    db, eid = demo
    first, second = _names(db, eid)
    assert list_times(db, eid) == {}
    record_time(db, CHAIR_ACTOR, eid, second, 480, 500)
    record_time(db, CHAIR_ACTOR, eid, first, 480, 462)
    times = list_times(db, eid)
    assert list(times) == [first, second]  # presentation order
    assert (times[first].used_seconds, times[first].allowed_seconds) == (462, 480)
    assert times[second].overtime_seconds == 20
    record_time(db, CHAIR_ACTOR, eid, first, 480, 470)  # timed again: replaced
    assert list_times(db, eid)[first].used_seconds == 470
    rows = [a for a in list_audit(db, ADMIN_ACTOR, eid) if a.action == "记录述职用时"]
    assert len(rows) == 3 and rows[0].operator == "书记" and rows[0].target == first


def test_record_refusals(demo):
    db, eid = demo
    first = _names(db, eid, 1)[0]
    with pytest.raises(PermissionDenied):
        record_time(db, Actor("录入员甲", CLERK), eid, first, 480, 10)
    with pytest.raises(DomainError, match="不是本次考评的部门"):
        record_time(db, CHAIR_ACTOR, eid, "没有这个部门", 480, 10)
    with pytest.raises(DomainError, match="述职用时"):
        record_time(db, CHAIR_ACTOR, eid, first, 480, -3)
    with pytest.raises(DomainError, match="规定时长"):
        record_time(db, CHAIR_ACTOR, eid, first, 0, 3)


def test_presentation_minutes(demo):
    db, eid = demo
    assert get_presentation_minutes(db, eid) == 8
    assert set_presentation_minutes(db, ADMIN_ACTOR, eid, "10") == 10
    assert get_presentation_minutes(db, eid) == 10
    with pytest.raises(PermissionDenied):
        set_presentation_minutes(db, CHAIR_ACTOR, eid, 9)
    for bad in ("0", "61", "八"):
        with pytest.raises(DomainError, match="述职时长"):
            set_presentation_minutes(db, ADMIN_ACTOR, eid, bad)
    assert any(a.action == "修改设置" and "述职时长" in (a.new or "")
               for a in list_audit(db, ADMIN_ACTOR, eid))


def _text(pdf: bytes) -> str:
    return "".join(re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_feedback_sheet_prints_the_time_used(demo):
    db, eid = demo
    first, second = _names(db, eid)
    record_time(db, CHAIR_ACTOR, eid, first, 480, 462)
    times = feedback_times(list_times(db, eid))
    assert times == {first: "7分42秒(规定 8 分钟)"}
    results = compute_results(db, eid)
    timed = _text(write_feedback(results, options=FeedbackOptions(
        department=first, presentation_times=times)))
    untimed = _text(write_feedback(results, options=FeedbackOptions(
        department=second, presentation_times=times)))
    assert "述职用时7分42秒" in timed and "规定8分钟" in timed
    assert "述职用时" not in untimed
