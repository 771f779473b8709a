"""Double entry: two independent entries confirm a ballot; differences go to reconciliation."""

from dataclasses import replace

import pytest

from evalapp.domain import DomainError
from evalapp.services.ballots import BallotInput, add_ballot, list_ballots
from evalapp.services.context import ADMIN, CLERK, Actor, PermissionDenied
from evalapp.services.double_entry import list_conflicts, resolve_conflict, send_back
from evalapp.services.evaluations import import_evaluation, update_settings
from evalapp.services.results import compute_results
from evalapp.workbook.importer import read_workbook
from test_workbook_percent import EXAMPLE

ADMIN_A = Actor("主任", ADMIN)
CLERK_1, CLERK_2, CLERK_3 = Actor("录入一", CLERK), Actor("录入二", CLERK), Actor("录入三", CLERK)
MARKS = {"党政办": "90", "财务科": "88.5", "城建科": "91"}


@pytest.fixture
def eid(db):
    data = read_workbook(EXAMPLE)  # its 群众代表 are over-issued: leave room for new ballots
    data = replace(data, groups=[replace(g, expected=None) for g in data.groups])
    evaluation_id = import_evaluation(db, ADMIN_A, data)
    update_settings(db, ADMIN_A, evaluation_id, double_entry=True)
    return evaluation_id


def _status(db, eid, serial):
    return next(b.status for b in list_ballots(db, eid) if b.serial == serial)


def test_equal_entries_confirm_and_count(db, eid):
    before = compute_results(db, eid)
    add_ballot(db, CLERK_1, eid, BallotInput("N1", "群众代表", MARKS))
    mid = compute_results(db, eid)
    assert _status(db, eid, "N1") == "pending"
    assert mid.result.total_ballots == before.result.total_ballots and mid.unconfirmed == 1
    with pytest.raises(DomainError, match="另一位录入员"):
        add_ballot(db, CLERK_1, eid, BallotInput("N1", "群众代表", MARKS))
    add_ballot(db, CLERK_2, eid, BallotInput("N1", "群众代表", dict(MARKS)))
    after = compute_results(db, eid)
    assert _status(db, eid, "N1") == "confirmed" and after.unconfirmed == 0
    assert after.result.total_ballots == before.result.total_ballots + 1
    with pytest.raises(DomainError, match="已核对一致"):
        add_ballot(db, CLERK_3, eid, BallotInput("N1", "群众代表", MARKS))


def test_difference_goes_to_queue_and_is_resolved(db, eid):
    add_ballot(db, CLERK_1, eid, BallotInput("N2", "群众代表", MARKS))
    add_ballot(db, CLERK_2, eid, BallotInput("N2", "群众代表", {**MARKS, "财务科": "85.5"}))
    assert _status(db, eid, "N2") == "conflict"
    with pytest.raises(PermissionDenied):
        list_conflicts(db, CLERK_1, eid)
    [conflict] = list_conflicts(db, ADMIN_A, eid)
    assert conflict.serial == "N2" and conflict.differences == ("财务科",)
    assert conflict.first.operator == "录入一" and conflict.second.marks["财务科"] == "85.5"
    resolve_conflict(db, ADMIN_A, eid, conflict.ballot_id,
                     BallotInput("N2", "群众代表", MARKS), note="核对原始选票")
    assert _status(db, eid, "N2") == "confirmed" and list_conflicts(db, ADMIN_A, eid) == []


def test_send_back_needs_two_new_entries(db, eid):
    add_ballot(db, CLERK_1, eid, BallotInput("N3", "群众代表", MARKS))
    add_ballot(db, CLERK_2, eid, BallotInput("N3", "领导班子", MARKS))
    [conflict] = list_conflicts(db, ADMIN_A, eid)
    assert conflict.differences == ("评委类别",)
    send_back(db, ADMIN_A, eid, conflict.ballot_id, "两次录入类别不同,重新录入")
    assert _status(db, eid, "N3") == "reentry"
    add_ballot(db, CLERK_1, eid, BallotInput("N3", "群众代表", MARKS))
    assert _status(db, eid, "N3") == "pending"
    add_ballot(db, CLERK_3, eid, BallotInput("N3", "群众代表", MARKS))
    assert _status(db, eid, "N3") == "confirmed"


def test_save_returns_the_progress_of_its_own_transaction(db, eid):
    """stations.save_ballot hands back the side panel's counts, read where it saved."""
    from evalapp.services.progress import entry_progress
    from evalapp.services.stations import new_entry_uid, save_ballot

    def group(progress):
        return next(p for p in progress if p.group == "群众代表")

    before = group(entry_progress(db, CLERK_1, eid))
    first = save_ballot(db, CLERK_1, eid, BallotInput("N7", "群众代表", MARKS), new_entry_uid())
    assert first.status == "pending" and first.serial == "N7"
    assert list(first.progress) == entry_progress(db, CLERK_1, eid)
    assert group(first.progress).pending == before.pending + 1
    second = save_ballot(db, CLERK_2, eid, BallotInput("N7", "群众代表", MARKS), new_entry_uid())
    assert list(second.progress) == entry_progress(db, CLERK_2, eid)
    assert group(second.progress).valid == before.valid + 1
    assert group(second.progress).pending == before.pending
    assert add_ballot(db, CLERK_1, eid, BallotInput("N8", "群众代表", MARKS)).progress is None
    # another change came between (N8, not counted by a save): the save counts everything
    third = save_ballot(db, CLERK_2, eid, BallotInput("N8", "群众代表", {**MARKS, "党政办": "70"}),
                        new_entry_uid())
    assert third.status == "conflict" and list(third.progress) == entry_progress(db, CLERK_2, eid)
    uid = new_entry_uid()  # a save repeated with its identity changes nothing
    once = save_ballot(db, CLERK_1, eid, BallotInput("N9", "群众代表", MARKS), uid)
    again = save_ballot(db, CLERK_1, eid, BallotInput("N9", "群众代表", MARKS), uid)
    assert again.progress == once.progress
    assert list(once.progress) == entry_progress(db, CLERK_1, eid)
