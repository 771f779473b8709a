"""Several stations on one PostgreSQL database: concurrent entry by 10 processes, and a save
whose server connection is killed mid-way (retried with the same ballot identity)."""

import multiprocessing
from dataclasses import replace

import pytest
from sqlalchemy import event, func, select

from evalapp.db import models as m
from evalapp.db.engine import open_database
from evalapp.db.retry import ConnectionLost
from evalapp.demo import demo_evaluations
from evalapp.domain import DomainError
from evalapp.services.audit_chain import check_chain
from evalapp.services.ballots import BallotInput, add_ballot, list_ballots
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.evaluations import import_evaluation
from evalapp.services.results import compute_results, result_dict
from evalapp.services.stations import new_entry_uid, save_ballot

pytestmark = pytest.mark.postgres

ADMIN_ACTOR = Actor("张主任", ADMIN)
STATIONS, PER_STATION, SHARED = 10, 100, 10  # the last SHARED of each collide with a neighbour


def _empty_demo():
    """The demo's roster without ballots and without issued counts (the stations type a
    thousand ballots; entry refuses any beyond 发出票数)."""
    data = demo_evaluations()[1]
    return replace(data, ballots=[], groups=[replace(g, expected=None) for g in data.groups])


def _station_ballots(station: int) -> list[BallotInput]:
    """100 ballots of one station: 90 of its own, 10 whose serials (and content) the next
    station types too (two clerks picked up the same paper ballots)."""
    templates = demo_evaluations()[1].ballots
    ballots = []
    for k in range(PER_STATION - SHARED):
        t = templates[(station * 37 + k) % len(templates)]
        ballots.append(BallotInput(f"S{station:02d}-{k:03d}", t.group, t.marks,
                                   t.own_department))
    for owner in (station, (station - 1) % STATIONS):
        for k in range(SHARED // 2):
            t = templates[(owner * 11 + k) % len(templates)]
            ballots.append(BallotInput(f"C{owner:02d}-{k:03d}", t.group, t.marks,
                                       t.own_department))
    return ballots


def _expected_ballots() -> dict[str, BallotInput]:
    return {b.serial: b for s in range(STATIONS) for b in _station_ballots(s)}


def _enter(url, evaluation_id, station, barrier, out):
    db = open_database(url)
    actor = Actor(f"录入员{station}", CLERK)
    barrier.wait(timeout=60)
    saved = refused = 0
    for entry in _station_ballots(station):
        try:
            save_ballot(db, actor, evaluation_id, entry, new_entry_uid())
            saved += 1
        except DomainError as exc:
            assert "已录入过" in str(exc), str(exc)
            refused += 1
    db.dispose()
    out.put((station, saved, refused))


def test_ten_stations_enter_at_once(pg_db, tmp_path):
    eid = import_evaluation(pg_db, ADMIN_ACTOR, _empty_demo())
    context = multiprocessing.get_context("fork")
    barrier, out = context.Barrier(STATIONS), context.Queue()
    workers = [context.Process(target=_enter, args=(pg_db.url, eid, s, barrier, out))
               for s in range(STATIONS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * STATIONS
    counts = [out.get(timeout=5) for _ in workers]
    expected = _expected_ballots()
    assert sum(c[1] for c in counts) == len(expected)  # every ballot saved once …
    assert sum(c[2] for c in counts) == STATIONS * SHARED - (len(expected) - STATIONS * (
        PER_STATION - SHARED))  # … and every second typing of a shared serial refused
    stored = list_ballots(pg_db, eid)
    assert sorted(b.serial for b in stored) == sorted(expected)
    for b in stored:
        want = expected[b.serial]
        assert (b.group, b.marks) == (want.group, {k: str(v) for k, v in want.marks.items()})
    assert check_chain(pg_db).ok
    # The same ballots typed one by one on SQLite give the same result.
    lite = open_database(tmp_path / "one.db")
    lid = import_evaluation(lite, ADMIN_ACTOR, _empty_demo())
    for serial in sorted(expected):
        add_ballot(lite, Actor("录入员", CLERK), lid, expected[serial])
    assert result_dict(compute_results(pg_db, eid).result) == \
        result_dict(compute_results(lite, lid).result)
    lite.dispose()


def _kill_on(db, statement_start: str, times: int):
    """Terminate the session's own server backend (as a DBA would with pg_terminate_backend
    from another connection) just before a statement starting so is sent, ``times`` times."""
    import psycopg
    admin_url = db.url.replace("postgresql+psycopg://", "postgresql://")
    left = {"n": times}

    def before(conn, cursor, statement, *_):
        if left["n"] and statement.lstrip().upper().startswith(statement_start):
            left["n"] -= 1
            pid = conn.connection.dbapi_connection.info.backend_pid
            with psycopg.connect(admin_url, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (pid,))
                other.execute("SELECT pg_sleep(0.05)")
    event.listen(db.engine, "before_cursor_execute", before)
    return left


def _count(db, serial):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.Ballot).where(m.Ballot.serial == serial))


@pytest.fixture
def eid(pg_db):
    return import_evaluation(pg_db, ADMIN_ACTOR, _empty_demo())


def test_connection_killed_mid_save_is_retried_once(pg_db, eid):
    entry = _station_ballots(0)[0]
    _kill_on(pg_db, "INSERT INTO AUDIT_LOG", 1)  # the ballot row is written, not committed
    retries = []
    info = save_ballot(pg_db, Actor("录入员", CLERK), eid, entry, new_entry_uid(),
                       waits=(0.05, 0.1), on_retry=lambda n, e: retries.append(n))
    assert retries == [1]
    assert _count(pg_db, entry.serial) == 1 and info.serial == entry.serial
    assert check_chain(pg_db).ok


def test_commit_done_but_answer_lost_is_not_saved_twice(pg_db, eid, monkeypatch):
    """The worst case: the server committed, then the connection died before the station
    heard so. The retry with the same identity finds the ballot instead of adding another."""
    from sqlalchemy.exc import OperationalError

    from evalapp.services import stations
    real, calls = stations.add_ballot, []

    def committed_then_lost(*args, **kwargs):
        calls.append(1)
        info = real(*args, **kwargs)
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        return info
    monkeypatch.setattr(stations, "add_ballot", committed_then_lost)
    entry = _station_ballots(1)[0]
    info = save_ballot(pg_db, Actor("录入员", CLERK), eid, entry, new_entry_uid(), waits=(0.01,))
    assert len(calls) == 2 and _count(pg_db, entry.serial) == 1
    assert info.serial == entry.serial
    with pg_db.session() as s:
        audits = s.scalar(select(func.count()).select_from(m.AuditEntry).where(
            m.AuditEntry.target == entry.serial))
    assert audits == 1


def test_clerk_is_told_when_retries_are_exhausted(pg_db, eid):
    entry = _station_ballots(2)[0]
    uid = new_entry_uid()
    _kill_on(pg_db, "INSERT INTO BALLOTS", 3)
    with pytest.raises(ConnectionLost, match="连接中断.*未能确认保存.*不会重复录入"):
        save_ballot(pg_db, Actor("录入员", CLERK), eid, entry, uid, waits=(0.01, 0.01))
    assert _count(pg_db, entry.serial) == 0  # clearly not saved
    save_ballot(pg_db, Actor("录入员", CLERK), eid, entry, uid)  # the clerk saves again
    save_ballot(pg_db, Actor("录入员", CLERK), eid, entry, uid)  # and once more, by mistake
    assert _count(pg_db, entry.serial) == 1
