"""Service tests run on both engines (any_db): same results, digest, audit chain, double entry,
idempotent saves, moving an evaluation between SQLite and PostgreSQL."""

import pytest

from evalapp.demo import demo_evaluations
from evalapp.domain import DomainError
from evalapp.services import ballots as B
from evalapp.services.audit_chain import check_chain
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.double_entry import entry_counts, list_conflicts
from evalapp.services.evaluations import get_data, import_evaluation, update_settings
from evalapp.services.results import compute_results, result_dict
from evalapp.services.stations import change_marker, changes_since, new_entry_uid, save_ballot

ADMIN_ACTOR = Actor("张主任", ADMIN)
CLERK_A = Actor("李录入", CLERK)
CLERK_B = Actor("赵录入", CLERK)


def _demo(db):
    return import_evaluation(db, ADMIN_ACTOR, demo_evaluations()[1])


def _depts(db, eid, n=3):
    return [d.name for d in sorted(get_data(db, eid).departments, key=lambda d: d.order)[:n]]


def test_results_and_digest_equal_on_both_engines(any_db, db):
    on_any, on_sqlite = _demo(any_db), _demo(db)
    a = result_dict(compute_results(any_db, on_any).result)
    b = result_dict(compute_results(db, on_sqlite).result)
    assert a == b
    assert check_chain(any_db).ok


def test_serial_unique_and_idempotent_save(any_db):
    eid = _demo(any_db)
    d1, d2, _ = _depts(any_db, eid)
    entry = B.BallotInput("Z900", "群众代表", {d1: "95", d2: "88"})
    uid = new_entry_uid()
    first = B.add_ballot(any_db, CLERK_A, eid, entry, entry_uid=uid)
    again = B.add_ballot(any_db, CLERK_A, eid, entry, entry_uid=uid)  # a retried save
    assert again.id == first.id
    with pytest.raises(DomainError, match="已录入过"):
        B.add_ballot(any_db, CLERK_B, eid, entry, entry_uid=new_entry_uid())
    assert [b.serial for b in B.list_ballots(any_db, eid)].count("Z900") == 1
    assert check_chain(any_db).ok


def test_double_entry_pairs_entries_from_two_stations(any_db):
    eid = _demo(any_db)
    update_settings(any_db, ADMIN_ACTOR, eid, double_entry=True)
    d1, d2, _ = _depts(any_db, eid)
    uid = new_entry_uid()
    save_ballot(any_db, CLERK_A, eid, B.BallotInput("Z1", "群众代表", {d1: "90"}), uid)
    save_ballot(any_db, CLERK_A, eid, B.BallotInput("Z1", "群众代表", {d1: "90"}), uid)
    assert entry_counts(any_db, eid)["pending"] == 1
    save_ballot(any_db, CLERK_B, eid, B.BallotInput("Z1", "群众代表", {d1: "90"}),
                new_entry_uid())
    save_ballot(any_db, CLERK_A, eid, B.BallotInput("Z2", "群众代表", {d2: "80"}),
                new_entry_uid())
    save_ballot(any_db, CLERK_B, eid, B.BallotInput("Z2", "群众代表", {d2: "81"}),
                new_entry_uid())
    counts = entry_counts(any_db, eid)
    assert counts["confirmed"] >= 1 and counts["conflict"] == 1
    [conflict] = list_conflicts(any_db, ADMIN_ACTOR, eid)
    assert conflict.serial == "Z2" and conflict.differences == (d2,)


def test_changes_since_tells_other_stations(any_db):
    eid = _demo(any_db)
    marker = change_marker(any_db, eid)
    assert changes_since(any_db, eid, marker) == (False, marker)
    d1 = _depts(any_db, eid, 1)[0]
    B.add_ballot(any_db, CLERK_A, eid, B.BallotInput("Z77", "群众代表", {d1: "90"}))
    changed, newer = changes_since(any_db, eid, marker)
    assert changed and newer > marker


def test_export_import_between_engines_keeps_digest(any_db, db, tmp_path):
    from evalapp.workbook.exporter import write_workbook
    from evalapp.workbook.importer import read_workbook
    source = _demo(db)
    digest = compute_results(db, source).result.digest
    write_workbook(get_data(db, source), tmp_path / "a.xlsx")
    moved = import_evaluation(any_db, ADMIN_ACTOR, read_workbook(tmp_path / "a.xlsx"))
    assert compute_results(any_db, moved).result.digest == digest
    write_workbook(get_data(any_db, moved), tmp_path / "b.xlsx")
    back = import_evaluation(db, ADMIN_ACTOR, read_workbook(tmp_path / "b.xlsx"))
    assert compute_results(db, back).result.digest == digest
