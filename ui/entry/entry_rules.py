"""What the entry page refuses before calling a service: a serial that cannot be typed now,
and a ballot a clerk may not open (double entry keeps the two entries independent)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from evalapp.ballot_status import CONFIRMED, CONFLICT
from evalapp.services.ballots import BallotInfo
from evalapp.services.progress import SerialState
from ui.common.reason_dialog import ReasonDialog
from ui.entry.entry_header import next_serial

VOID_REASONS = ["字迹无法辨认", "填写不规范", "非本次考评选票", "重复投票"]
EDIT_REASONS = ["录入错误,按原票更正", "票号录错"]
WITHDRAW_REASONS = ["同一张选票重复录入", "录入到了错误的评委类别", "票号未发出(没有这张纸质选票)"]


def serial_problem(serial: str, known: SerialState | None, double_entry: bool) -> str | None:
    """Why a new ballot with this serial cannot be typed (from the serials known), or None."""
    if not serial:
        return "票号:请填写票号"
    if known is None:
        return None
    if not double_entry:
        return f"票号:“{serial}”已录入过,不能重复;如需修改请按 Ctrl+O 打开"
    if known.status in (CONFIRMED, CONFLICT):
        state = "已核对一致" if known.status == CONFIRMED else "已在核对队列中"
        return f"票号:“{serial}”{state},不能再次录入"
    if known.mine:
        return f"票号:“{serial}”已由您录入过;双人录入须由另一位录入员独立录入"
    return None


def free_serial_after(serial: str, known: dict[str, SerialState], double_entry: bool) -> str:
    """The next serial after this one that may be typed now: same prefix and width, skipping
    every serial ``serial_problem`` would refuse ("" when there is no number to count on)."""
    candidate = next_serial(serial)
    for _ in range(10_000):
        if not candidate or serial_problem(candidate, known.get(candidate), double_entry) is None:
            return candidate
        candidate = next_serial(candidate)
    return ""


def refusal_to_open(info: BallotInfo, double_entry: bool, is_admin: bool) -> str | None:
    """Why this operator may not open a saved ballot, or None."""
    if not double_entry:
        return None
    if info.status == CONFLICT:
        return f"票号“{info.serial}”两次录入不一致,正在等待管理员在“核对”页处理。"
    if info.status != CONFIRMED:
        return (f"票号“{info.serial}”正在双人录入({info.status_label}),为保证两次录入相互"
                "独立,不能打开查看;如需第二次录入,请直接在票号栏输入该票号。")
    if not is_admin:
        return "双人录入已确认的选票只能由管理员修改。"
    return None


def ask_void_or_restore(parent, info) -> tuple[str | None, str] | None:
    """Ask how to change a ballot's void state: (reason, or None to restore; status message),
    or None when the clerk cancelled."""
    if info.void_reason:
        if QMessageBox.question(parent, "恢复选票", f"票号 {info.serial} 已作废(原因:"
                                f"{info.void_reason})。恢复为正常选票吗?"
                                ) != QMessageBox.StandardButton.Yes:
            return None
        return None, f"已恢复 票号 {info.serial}"
    reason = ReasonDialog.get_reason(
        parent, "作废选票", f"作废选票 票号 {info.serial}({info.group})。作废的选票保留在库中,"
        "计为无效票,不再计分;操作记入日志。请填写作废原因:", VOID_REASONS)
    return None if reason is None else (reason, f"已作废 票号 {info.serial}")


def ask_withdraw_reason(parent, info) -> str | None:
    """Ask why a ballot is withdrawn (None: the administrator cancelled)."""
    return ReasonDialog.get_reason(
        parent, "撤回选票", f"撤回选票 票号 {info.serial}({info.group})。撤回用于没有对应纸质选票"
        "的记录(重复录入、录错评委类别、未发出的票号):撤回后这张票不计入收回、有效或无效,"
        "其全部内容保留在操作日志中,票号可以重新录入。请填写撤回原因:", WITHDRAW_REASONS)
