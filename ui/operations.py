"""Operations, after Anki's aqt/operations: a page hands the context one ``Op`` (a service call,
what it changes, who asked), ``AppContext.run`` runs it (in the background where it can take
long), shows a ``DomainError`` in Chinese, and announces one ``Changes`` notice carrying the
initiator. Pages react to notices; none emits by hand, and a page knows its own echo by the
initiator.

``Latest`` is the read side: at most one computation running plus one pending, so a page that
recomputes on every notice never queues work while ballots keep arriving."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Callable, Generic, TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from evalapp.domain import DomainError
from ui import tasks

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """What an operation changed (Anki's OpChanges) and who asked (its initiator)."""

    ballots: bool = False  # a ballot saved, edited, voided, withdrawn, reconciled or imported
    settings: bool = False  # the evaluation's settings and evaluator groups
    roster: bool = False  # departments
    scores: bool = False  # other scores and adjustments
    evaluation: bool = False  # evaluations created, deleted, finalised, unlocked
    restored: bool = False  # the whole database replaced by a backup
    initiator: object = None  # the page (or watcher) that asked; None: nobody in particular

    @classmethod
    def everything(cls, initiator: object = None, restored: bool = False) -> Changes:
        return cls(True, True, True, True, True, restored, initiator)

    @property
    def data(self) -> bool:
        """Anything but ballots: what set-up pages, printing and the title show."""
        return self.settings or self.roster or self.scores or self.evaluation or self.restored

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "initiator")

    def by(self, initiator: object) -> Changes:
        return replace(self, initiator=initiator)


BALLOTS = Changes(ballots=True)
SETTINGS = Changes(settings=True)
ROSTER = Changes(roster=True)
SCORES = Changes(scores=True)
EVALUATION = Changes(evaluation=True)


def error_text(exc: BaseException) -> str:
    """What the operator reads: a DomainError as it is (Chinese), anything else named so."""
    return str(exc) if isinstance(exc, DomainError) else f"出现意外错误:{exc}"


class Op(Generic[T]):
    """One service call and what it changes (Anki's CollectionOp).

    ``changes`` is a ``Changes`` or a function of the result (None: nothing announced).
    ``success`` runs on the GUI thread before the notice goes out; ``failure`` replaces the
    default (a dialog with the Chinese reason over ``parent``). ``background`` runs ``work``
    on the thread pool (it must open its own sessions, as services do, and touch no widget).
    """

    def __init__(self, parent: QWidget | None, work: Callable[[], T],
                 changes: Changes | Callable[[T], Changes | None] | None = None,
                 initiator: object = None, background: bool = True,
                 label: str = "正在处理,请稍候……", quiet: bool = True,
                 title: str = "无法完成"):
        self.parent, self.work, self.changes = parent, work, changes
        self.initiator = parent if initiator is None else initiator
        self.background, self.label, self.quiet, self.title = background, label, quiet, title
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[Exception], None] | None = None

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        self._success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> Op[T]:
        self._failure = callback
        return self

    def notice(self, result: T) -> Changes | None:
        changes = self.changes(result) if callable(self.changes) else self.changes
        return None if changes is None else changes.by(self.initiator)

    def fail(self, exc: Exception) -> None:
        if self._failure is not None:
            self._failure(exc)
            return
        show = getattr(self.parent, "show_error", None)
        if show is not None:
            show(exc, self.title)
        else:
            QMessageBox.warning(self.parent, self.title, error_text(exc))


def run_op(op: Op, announce: Callable[[Changes], None],
           settle: Callable[[], None] = lambda: None) -> None:
    """Run an operation; on success call its callback, then announce what changed.
    ``settle`` is called once the answer is in (success or failure), before anything else."""
    def failed(exc: Exception) -> None:
        settle()
        op.fail(exc)

    def done(result) -> None:
        settle()
        try:
            if op._success is not None:
                op._success(result)
        finally:
            changes = op.notice(result)
            if changes is not None and changes.any:
                announce(changes)

    if not op.background:
        try:
            result = op.work()
        except Exception as exc:  # noqa: BLE001 - every failure reaches the operator
            failed(exc)
            return
        done(result)
        return
    tasks.run_in_background(op.work, done, failed, op.parent, op.label, op.quiet)


class Latest(Generic[T]):
    """A read computed off the GUI thread, coalesced: at most one running plus one pending.
    ``ask()`` while one runs only marks it stale; when it lands it is shown (never starved
    while ballots keep arriving) and one more runs with the newest inputs. ``work`` runs on
    the pool thread."""

    def __init__(self, work: Callable[[], T], on_done: Callable[[T], None],
                 on_error: Callable[[Exception], None] | None = None,
                 parent: QWidget | None = None):
        self.work, self.on_done, self.on_error, self.parent = work, on_done, on_error, parent
        self.running = self.pending = False
        self.runs = 0  # how many computations started (for benches and tests)

    def ask(self) -> None:
        if self.running:
            self.pending = True
            return
        self.running, self.pending = True, False
        self.runs += 1
        tasks.run_in_background(self.work, self._done, self._failed, self.parent, quiet=True)

    def _done(self, value: T) -> None:
        self.running = False
        try:
            self.on_done(value)
        finally:
            if self.pending:  # asked again meanwhile: one more run with the newest inputs
                self.ask()

    def _failed(self, exc: Exception) -> None:
        self.running = False
        if self.pending:
            self.ask()
            return
        if self.on_error is not None:
            self.on_error(exc)


class InOrder:
    """Writes that must land in the order asked (a clerk's draft), one at a time on the pool;
    only the newest waiting write is kept (an older draft is already out of date)."""

    def __init__(self):
        self.running = False
        self.waiting: Callable[[], object] | None = None

    def put(self, work: Callable[[], object]) -> None:
        if self.running:
            self.waiting = work
            return
        self.running = True
        tasks.run_in_background(work, self._next, self._next, quiet=True)

    def _next(self, _value=None) -> None:
        self.running = False
        work, self.waiting = self.waiting, None
        if work is not None:
            self.put(work)

    @property
    def idle(self) -> bool:
        return not self.running and self.waiting is None
