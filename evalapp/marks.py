"""Marks on a ballot (RULES §2): parsing, validation and their points."""

from __future__ import annotations

import math
from decimal import Decimal

from evalapp.domain import GRADE_MODE, DomainError, Settings, format_decimal
from evalapp.textnorm import plain_decimal


def to_decimal(value: object) -> Decimal:
    """Exact number from a cell or a typed text; raises ValueError when it is not a number.

    Floats (as openpyxl reads numeric cells) go through their shortest repr, which is the
    number the person typed; text must be in plain decimal notation (textnorm.plain_decimal).
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(value)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(value)
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    # Text: plain decimal notation only ("9_2", "9.2e1", "inf" are not numbers a person reads)
    return plain_decimal(value)


def decimals_of(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -int(exponent))  # type: ignore[arg-type]


def normalize_mark(settings: Settings, raw: object) -> str | None:
    """Validate one mark and return its canonical text; None for a blank cell.

    Raises DomainError with a Chinese reason (without the place; the caller adds it).
    """
    if raw is None:
        return None
    if isinstance(raw, str) and not raw.strip():
        return None
    if settings.mode == GRADE_MODE:
        text = str(raw).strip()
        if text not in {g.name for g in settings.grades}:
            names = "、".join(g.name for g in settings.grades)
            raise DomainError(f"“{text}”不是设定的等次(可选:{names})")
        return text
    try:
        value = to_decimal(raw)
    except ValueError:
        raise DomainError(f"“{raw}”不是数字") from None
    if value < settings.low or value > settings.high:
        raise DomainError(f"{format_decimal(value)} 超出分值范围 "
                          f"{format_decimal(settings.low)}–{format_decimal(settings.high)}")
    if decimals_of(value) > settings.mark_decimals:
        raise DomainError(f"{format_decimal(value)} 的小数位超过 {settings.mark_decimals} 位")
    return format_decimal(value)


def mark_points(settings: Settings, text: str) -> Decimal | None:
    """Points of a canonical mark text; None for an abstention grade."""
    if settings.mode == GRADE_MODE:
        for grade in settings.grades:
            if grade.name == text:
                return grade.points
        raise DomainError(f"“{text}”不是设定的等次")
    return Decimal(text)


def is_excellent(settings: Settings, text: str, points: Decimal | None) -> bool:
    """RULES §3.2: first grade in 等次制; a mark >= the high-mark line in 百分制."""
    if settings.mode == GRADE_MODE:
        return text == settings.grades[0].name
    return settings.high_line is not None and points is not None and points >= settings.high_line
