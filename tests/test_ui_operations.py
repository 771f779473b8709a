"""Operations and change notices (ui/operations.py, AppContext.run): one notice per operation
with its initiator, a DomainError shown in Chinese, reads coalesced to one running plus one
waiting, and the old two signals bridged both ways without echoing."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from evalapp.domain import DomainError
from evalapp.services.context import ADMIN, Actor
from ui import operations
from ui.context import AppContext
from ui.operations import BALLOTS, SETTINGS, Changes, InOrder, Latest, Op


def _ctx(db) -> AppContext:
    return AppContext(db, Actor("管理员", ADMIN), None)


def test_success_announces_once_with_the_initiator(qtbot, db):
    ctx, page = _ctx(db), QWidget()
    heard, done = [], []
    ctx.changed.connect(heard.append)
    ctx.run(Op(page, lambda: 42, BALLOTS).success(done.append))
    assert done == [42]
    assert heard == [Changes(ballots=True, initiator=page)]
    assert heard[0].ballots and not heard[0].data
    assert ctx.in_flight == 0


def test_changes_may_depend_on_the_result(qtbot, db):
    ctx, heard = _ctx(db), []
    ctx.changed.connect(heard.append)
    ctx.run(Op(None, lambda: False, lambda wrote: SETTINGS if wrote else None))
    assert heard == []  # nothing written, nothing announced


def test_a_domain_error_is_shown_in_chinese_and_nothing_announced(qtbot, db, monkeypatch):
    ctx, shown, heard = _ctx(db), [], []
    ctx.changed.connect(heard.append)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[1:]))

    def refuse():
        raise DomainError("票号:“A001”已录入过,不能重复")
    ctx.run(Op(QWidget(), refuse, BALLOTS, title="未能保存"))
    assert shown == [("未能保存", "票号:“A001”已录入过,不能重复")]
    assert heard == [] and ctx.in_flight == 0

    def crash():
        raise ValueError("boom")
    ctx.run(Op(QWidget(), crash, BALLOTS))
    assert shown[-1] == ("无法完成", "出现意外错误:boom")


class FakePool:
    """Captures background work so a test decides when each answer arrives."""

    def __init__(self, monkeypatch):
        self.jobs = []
        monkeypatch.setattr(operations.tasks, "run_in_background",
                            lambda work, done, failed, *a, **k: self.jobs.append((work, done)))

    def finish_next(self):
        work, done = self.jobs.pop(0)
        done(work())


def test_latest_runs_one_and_keeps_one_waiting(qtbot, monkeypatch):
    pool = FakePool(monkeypatch)
    state, shown = {"n": 0}, []

    def read():
        return state["n"]
    latest = Latest(read, shown.append)
    latest.ask()
    for n in range(1, 6):  # ballots keep arriving while the first read runs
        state["n"] = n
        latest.ask()
    assert len(pool.jobs) == 1 and latest.pending
    pool.finish_next()  # the first answer is shown, and one more read starts
    assert len(pool.jobs) == 1 and not latest.pending
    pool.finish_next()
    assert shown == [5, 5] and latest.runs == 2 and not latest.running


def test_in_order_writes_keep_the_newest_waiting(qtbot, monkeypatch):
    pool = FakePool(monkeypatch)
    written = []
    queue = InOrder()
    for text in ("a", "b", "c"):
        queue.put(lambda t=text: written.append(t))
    assert len(pool.jobs) == 1 and not queue.idle
    pool.finish_next()
    pool.finish_next()
    assert written == ["a", "c"] and queue.idle  # "b" was out of date before it ran


def test_the_watcher_waits_while_an_operation_of_ours_is_in_flight(qtbot, db):
    """Our own save, committed but not yet answered, must not look like another station's."""
    from evalapp.services.ballots import BallotInput, add_ballot
    from evalapp.services.context import CLERK
    from evalapp.services.demo import create_demo
    from ui.context import ChangeWatcher
    ctx = _ctx(db)
    ctx.evaluation_id = create_demo(db)[-1]
    watcher = ChangeWatcher(ctx)
    watcher.start()
    heard = []
    ctx.changed.connect(heard.append)
    ctx.in_flight = 1  # our save is running on the worker ...
    add_ballot(db, Actor("李录入", CLERK), ctx.evaluation_id,
               BallotInput("Z001", "群众代表", {"区委办公室": "90"}))  # ... and has committed
    watcher.poll()
    assert heard == []
    ctx.in_flight = 0
    ctx.announce(BALLOTS.by("entry page"))  # its notice: the watcher catches up
    watcher.poll()
    assert [c.initiator for c in heard] == ["entry page"]
