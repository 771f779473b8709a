"""Typing one mark with the keyboard: which texts a cell accepts and when a value is complete."""

from __future__ import annotations

import re
from decimal import Decimal

from evalapp.domain import GRADE_MODE, DomainError, Settings
from evalapp.marks import normalize_mark

PARTIAL, OPEN, COMPLETE = "partial", "open", "complete"
_NUMBER = re.compile(r"^(\d+)(\.(\d*))?$")


class ScoreTyper:
    """百分制: classify a typed prefix against [low, high] and the allowed decimals.

    ``state(text)`` is None when no continuation can become a valid mark, PARTIAL when the
    text is not a mark yet, OPEN when it is one that can still grow into another value
    ("9" → "95"), COMPLETE when it cannot ("100", "95.5").
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.low, self.high = settings.low, settings.high
        self.places = settings.mark_decimals
        self.step = Decimal(1).scaleb(-self.places)

    def _meets(self, lo: Decimal, hi: Decimal) -> bool:
        """Whether [lo, hi] meets the allowed range."""
        return lo <= hi and lo <= self.high and hi >= self.low

    def state(self, text: str) -> str | None:
        if not text:
            return PARTIAL
        match = _NUMBER.match(text)
        if match is None:
            return None
        if match.group(2) is not None:
            return self._fraction_state(match.group(1), match.group(3) or "")
        return self._integer_state(int(match.group(1)))

    def _fraction_state(self, whole: str, fraction: str) -> str | None:
        if len(fraction) > self.places:
            return None
        value = Decimal(f"{whole}.{fraction or '0'}")
        top = value + Decimal(1).scaleb(-len(fraction)) - self.step
        if not self._meets(value, top):
            return None
        if not fraction or not self.low <= value <= self.high:
            return PARTIAL
        grows = len(fraction) < self.places and value + self.step <= self.high
        return OPEN if grows else COMPLETE

    def _integer_state(self, whole: int) -> str | None:
        value = Decimal(whole)
        grows = self.places > 0 and self._meets(max(value + self.step, self.low),
                                                min(value + 1 - self.step, self.high))
        scale = 10
        while whole and not grows and whole * scale <= self.high:
            grows = self._meets(Decimal(whole * scale), Decimal((whole + 1) * scale) - self.step)
            scale *= 10
        valid = self.low <= value <= self.high
        if valid:
            return OPEN if grows else COMPLETE
        return PARTIAL if grows else None

    def reason(self, text: str) -> str:
        """Why a text cannot become a mark (the service's words where it has them)."""
        try:
            normalize_mark(self.settings, text.rstrip("."))
        except DomainError as exc:
            return str(exc)
        match = _NUMBER.match(text)
        if match is None:
            return f"“{text}”不是数字"
        return f"{text} 的小数位超过 {self.places} 位"

    def commit(self, text: str) -> str | None:
        """The canonical mark of a finished text (raises DomainError when it is not one)."""
        return normalize_mark(self.settings, text.rstrip(".") if text != "." else text)


class GradeKeys:
    """等次制: digit d picks the d-th grade (best first); a blank is Space, never a digit."""

    def __init__(self, settings: Settings):
        self.names = [g.name for g in settings.grades][:9]

    def grade(self, digit: int) -> str:
        """The grade of a digit key. Raises DomainError when no grade has that key."""
        if 1 <= digit <= len(self.names):
            return self.names[digit - 1]
        raise DomainError(f"按键 {digit} 没有对应的等次;{self.legend()}")

    def legend(self) -> str:
        return "  ".join(f"{i} {name}" for i, name in enumerate(self.names, start=1))


def is_grade_mode(settings: Settings) -> bool:
    return settings.mode == GRADE_MODE
