"""The lifecycle of a ballot record (double entry, 双人录入): one set of states and one rule
for what an entry does to them, used by entry, double entry, batch merge and the pages.

Without double entry a saved ballot is CONFIRMED at once. With it, the first entry leaves
it PENDING; a second entry by another operator makes it CONFIRMED when both agree, else
CONFLICT (an administrator then picks what the paper says, or sends it back: REENTRY, and
the next two entries decide again). Only CONFIRMED ballots count.
"""

from __future__ import annotations

CONFIRMED, PENDING, CONFLICT, REENTRY = "confirmed", "pending", "conflict", "reentry"
STATUSES = (CONFIRMED, PENDING, CONFLICT, REENTRY)
STATUS_LABELS = {CONFIRMED: "已确认", PENDING: "待第二次录入", CONFLICT: "待核对",
                 REENTRY: "退回重录"}
OPEN_STATUSES = (PENDING, CONFLICT, REENTRY)  # not counted yet; block 定稿


def status_after_entry(active_entries: int, same_as_first: bool,
                       double_entry: bool = True) -> str:
    """The status after one more independent entry, given how many active (not superseded)
    entries the ballot had before it and whether this one agrees with the first. Without
    double entry every saved ballot is confirmed; with it the first entry (or the first
    after a send-back, which supersedes the others) leaves it pending, and any later one
    confirms it only when it agrees with the first."""
    if not double_entry:
        return CONFIRMED
    if active_entries == 0:
        return PENDING
    return CONFIRMED if same_as_first else CONFLICT


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
