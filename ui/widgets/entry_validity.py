"""The live validity line of the ballot being typed (the same rules as the tally)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from evalapp.domain import SCORE_MODE
from evalapp.services.progress import MarkRules

STYLES = {"ok": "color:#0B5D1E", "warn": "color:#B00000", "blank": "color:#444444"}


def validity_text(rules: MarkRules, marks: list[str | None]) -> tuple[str, str]:
    """(kind, sentence): kind is ok / warn / blank; the sentence never relies on colour."""
    facts = [rules.facts(t) for t in marks if t]
    points = [p for p, _ in facts if p is not None]
    counts = f"已填 {len(facts)}/{len(marks)}"
    limit = rules.limit
    excellent = sum(1 for _, e in facts if e)
    if limit is not None:
        counts += f" · 优秀 {excellent}(上限 {limit})"
    if not points:
        return "blank", f"{counts} · 空白票(保存后计为无效票)"
    if limit is not None and excellent > limit:
        return "warn", f"{counts} · ⚠ 优秀 {excellent} > 上限 {limit},本票将作废"
    s = rules.settings
    if s.mode == SCORE_MODE and s.void_identical and len(points) >= 2 and len(set(points)) == 1:
        return "warn", f"{counts} · ⚠ 全部相同,本票将作废"
    return "ok", f"{counts} · ✓ 本票有效"


class ValidityLine(QLabel):
    """A large line under the fields: marks filled, excellent count and the verdict."""

    def __init__(self, parent=None):
        super().__init__(parent)
        font = self.font()
        font.setPointSize(14)
        font.setBold(True)
        self.setFont(font)
        self.kind = "blank"

    def show_marks(self, rules: MarkRules, marks: list[str | None]) -> None:
        kind, text = validity_text(rules, marks)
        if kind != self.kind:
            self.setStyleSheet(STYLES[kind])
            self.kind = kind
        self.setText(text)
