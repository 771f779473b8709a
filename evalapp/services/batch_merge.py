"""Merging a station's batch into the evaluation, ballot by ballot (see batch.py for the file).

Each ballot is new (added), the same as what is stored (a duplicate: skipped), or typed
differently (a conflict: the two versions become two entries in the reconciliation queue)."""

from __future__ import annotations

from sqlalchemy import select

from evalapp.db import models as m
from evalapp.domain import DomainError
from evalapp.marks import normalize_mark
from evalapp.ballot_status import CONFIRMED, CONFLICT, PENDING, status_after_entry
from evalapp.services.batch_file import BatchRefused, BatchReport
from evalapp.services.context import now
from evalapp.services.store import settings_of


class BatchMerger:
    """Merges one batch's ballots into an evaluation, inside the caller's transaction."""

    def __init__(self, s, ev: m.Evaluation, batch: dict, report: BatchReport):
        self.s, self.ev, self.batch, self.report = s, ev, batch, report
        self.settings = settings_of(ev)
        self.groups = {g.name: g.id for g in ev.groups}
        self.depts = {d.name: d.id for d in ev.departments}
        self.by_serial = {b.serial: b for b in s.scalars(
            select(m.Ballot).where(m.Ballot.evaluation_id == ev.id))}
        self.stamp = now()
        self.added: list[m.Ballot] = []  # ballots this batch created or re-entered

    def logged(self) -> list[dict]:
        """The added ballots as the audit row records them (the trail verify replays)."""
        names = {v: k for k, v in self.depts.items()}
        return [{"票号": b.serial, "评分": {names[k]: v for k, v in b.marks.items()},
                 "作废原因": b.void_reason} for b in self.added]

    def parse(self, b: dict) -> tuple[str, tuple[int, int | None, dict[int, str]]]:
        """(serial, (group id, own department id, marks by id)), or a problem raised."""
        serial = b["serial"].strip()
        problems = []
        if not serial:
            problems.append("票号为空")
        if b["group"] not in self.groups:
            problems.append(f"评委类别“{b['group']}”不存在")
        own = b.get("own_department")
        if own and own not in self.depts:
            problems.append(f"所属部门“{own}”不存在")
        marks = {}
        for dept, raw in b["marks"].items():
            if dept not in self.depts:
                problems.append(f"“{dept}”不是本次考评的部门")
                continue
            try:
                text = normalize_mark(self.settings, raw)
            except DomainError as exc:
                problems.append(f"“{dept}”的评分:{exc}")
                continue
            if text is not None:
                marks[self.depts[dept]] = text
        if problems:
            raise BatchRefused(f"批次中的选票 {serial or '(无票号)'} 有错误,整个批次未导入:"
                               + ";".join(problems))
        return serial, (self.groups[b["group"]], self.depts[own] if own else None, marks)

    def uid_free(self, uid: str | None) -> str | None:
        if not uid:
            return None
        taken = self.s.scalar(select(m.Ballot.id).where(m.Ballot.entry_uid == uid)) or \
            self.s.scalar(select(m.BallotEntry.id).where(m.BallotEntry.entry_uid == uid))
        return None if taken else uid

    def entry(self, ballot: m.Ballot, operator: str, content, uid: str | None) -> None:
        group_id, own_id, marks = content
        self.s.add(m.BallotEntry(ballot_id=ballot.id, operator=operator[:50], group_id=group_id,
                                 own_department_id=own_id, marks=marks, superseded=False,
                                 created_at=self.stamp, entry_uid=self.uid_free(uid)))

    def active(self, ballot: m.Ballot) -> list[m.BallotEntry]:
        return list(self.s.scalars(select(m.BallotEntry).where(
            m.BallotEntry.ballot_id == ballot.id, m.BallotEntry.superseded.is_(False))
            .order_by(m.BallotEntry.id)))

    def conflict(self, serial: str) -> None:
        self.report.conflicts += 1
        self.report.conflict_serials.append(serial)

    def one(self, b: dict) -> None:
        serial, content = self.parse(b)
        label = f"{b.get('entered_by') or self.batch['operator']}({self.batch['station']})"
        uid = b.get("entry_uid")
        void = b.get("void_reason") or None
        ballot = self.by_serial.get(serial)
        if ballot is None:
            group_id, own_id, marks = content
            double = self.ev.double_entry
            ballot = m.Ballot(evaluation_id=self.ev.id, serial=serial, group_id=group_id,
                              own_department_id=own_id, marks=marks, void_reason=void,
                              entered_by=label[:50],
                              status=status_after_entry(0, False, double_entry=double),
                              created_at=self.stamp, updated_at=self.stamp,
                              entry_uid=None if double else self.uid_free(uid))
            self.s.add(ballot)
            self.s.flush()
            if double:
                self.entry(ballot, label, content, uid)
            self.by_serial[serial] = ballot
            self.added.append(ballot)
            self.report.added += 1
            return
        current = (ballot.group_id, ballot.own_department_id, ballot.marks)
        if (ballot.void_reason or None) != void and content == current:
            self.report.messages.append(
                f"票号 {serial}:作废标记与本机不一致(本机:{ballot.void_reason or '有效'};"
                f"批次:{void or '有效'}),保留本机的,请核对纸质选票")
        if ballot.status == CONFIRMED:
            if content == current:
                self.report.duplicates += 1
                return
            for e in self.active(ballot):
                e.superseded = True
            self.entry(ballot, ballot.entered_by or "本机", current, None)
            self.entry(ballot, label, content, uid)
            ballot.status = status_after_entry(1, False)  # the stored one is now the first
            self.conflict(serial)
        elif ballot.status == PENDING:
            active = self.active(ballot)
            first = active[0] if active else None
            same = first is not None and (first.group_id, first.own_department_id,
                                          first.marks) == content
            if same and (first.operator == label[:50] or (uid and first.entry_uid == uid)):
                self.report.duplicates += 1
                return
            if first is None:  # the stored typing becomes the first entry
                self.entry(ballot, ballot.entered_by or "本机", current, None)
            self.entry(ballot, label, content, uid)
            ballot.status = status_after_entry(1, same)
            if ballot.status == CONFIRMED:
                self.report.confirmed += 1
            else:
                self.conflict(serial)
        elif ballot.status == CONFLICT:
            active = self.active(ballot)
            if any((e.group_id, e.own_department_id, e.marks) == content for e in active):
                self.report.duplicates += 1
                return
            self.entry(ballot, label, content, uid)
            ballot.status = status_after_entry(len(active), False)  # one more: still differs
            self.conflict(serial)
            self.report.messages.append(
                f"票号 {serial} 已在核对队列中,批次中又有一种不同的录入,已一并记录,请核对纸质选票")
        else:  # REENTRY: this typing is the first of the two new entries
            self.entry(ballot, label, content, uid)
            ballot.group_id, ballot.own_department_id, ballot.marks = content
            ballot.status = status_after_entry(0, False)  # sent back: every entry superseded
            self.added.append(ballot)
            self.report.added += 1
        ballot.updated_at = self.stamp
