"""Half-up rounding (四舍五入) of exact numbers, the only rounding the program does."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def round_half_up(value: Fraction | Decimal | int, decimals: int) -> Decimal:
    """Round an exact value to ``decimals`` places, halves away from zero (87.125 -> 87.13)."""
    value = Fraction(value)
    scale = 10 ** decimals
    magnitude = abs(value) * scale
    units = int(magnitude + Fraction(1, 2))  # floor for non-negative numbers
    if value < 0:
        units = -units
    return Decimal(units).scaleb(-decimals)


def fixed(value: Decimal | None, decimals: int) -> str | None:
    """Text with exactly ``decimals`` places (for JSON and tables); None stays None."""
    if value is None:
        return None
    return f"{value:.{decimals}f}"
