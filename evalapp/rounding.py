"""Half-up rounding (四舍五入) of exact numbers, the only rounding the program does."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def round_half_up(value: Fraction | Decimal | int, decimals: int) -> Decimal:
    """Round an exact value to ``decimals`` places, halves away from zero (87.125 -> 87.13).

    Integer arithmetic on the exact ratio: units = floor(|n|·10^d / q + 1/2).
    """
    numerator, denominator = value.as_integer_ratio()
    scaled = abs(numerator) * 10 ** decimals
    units = (2 * scaled + denominator) // (2 * denominator)
    if numerator < 0:
        units = -units
    return Decimal(units).scaleb(-decimals)


def fixed(value: Decimal | None, decimals: int) -> str | None:
    """Text with exactly ``decimals`` places (for JSON and tables); None stays None."""
    if value is None:
        return None
    return f"{value:.{decimals}f}"
