"""What a cell's number format does to the number Excel shows: a percentage, or a number
rounded to fewer decimals than it has (92.35 shown as 92.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

from evalapp.domain import format_decimal
from evalapp.marks import to_decimal

_BRACKETS = re.compile(r"\[[^\]]*\]")
_DATE_OR_TEXT = re.compile(r"[yYmMdDhHsS@]|[eE][+-]|/")  # dates, text, scientific, fractions


@dataclass(frozen=True)
class Shown:
    """How a style shows numbers: as a percentage or not, with how many decimals (None: as
    many as the number has, like “常规”)."""

    percent: bool = False
    decimals: int | None = None

    def text(self, value: int | float) -> str:
        """The number as Excel shows it (without thousands separators)."""
        number = to_decimal(value) * (100 if self.percent else 1)
        if self.decimals is not None:
            number = number.quantize(Decimal(1).scaleb(-self.decimals), ROUND_HALF_UP)
        return format_decimal(number) + ("%" if self.percent else "")

    def exact(self, value: int | float) -> str:
        """The number the cell holds, in the same unit as shown (“30.5%” for 0.305)."""
        return Shown(self.percent).text(value)

    def hides_digits(self, value: int | float) -> bool:
        """Whether Excel shows a rounded number (the cell means something else than it shows)."""
        if self.decimals is None:
            return False
        number = to_decimal(value) * (100 if self.percent else 1)
        return number != number.quantize(Decimal(1).scaleb(-self.decimals), ROUND_HALF_UP)


def unquoted(fmt: str) -> str:
    """A number format without its quoted literal text and escaped characters."""
    out, quoted, escaped = [], False, False
    for ch in fmt:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted:
            out.append(ch)
    return "".join(out)


def shown(fmt: str) -> Shown | None:
    """How format ``fmt`` shows a positive number; None when it changes nothing the import
    cares about (General, text, dates, which openpyxl already reads as dates)."""
    section = _BRACKETS.sub("", unquoted(fmt).split(";")[0])
    percent = "%" in section
    if section.strip().lower() in ("", "general") or _DATE_OR_TEXT.search(
            section.replace("General", "")):
        return Shown(percent) if percent else None
    if not re.search(r"[0#?]", section):
        return Shown(percent) if percent else None
    integer, _, fraction = section.partition(".")
    decimals = len(re.findall(r"[0#?]", fraction)) if _ else 0
    return Shown(percent, decimals)


def style_shows(book) -> dict[int, Shown]:
    """Style id → how its number format shows numbers, for the styles that matter."""
    result = {}
    custom = book._number_formats
    for style_id, style in enumerate(book._cell_styles):
        fmt_id = style.numFmtId
        if fmt_id < BUILTIN_FORMATS_MAX_SIZE:
            fmt = BUILTIN_FORMATS.get(fmt_id, "General")
        else:
            index = fmt_id - BUILTIN_FORMATS_MAX_SIZE
            fmt = custom[index] if 0 <= index < len(custom) else "General"
        how = shown(fmt)
        if how is not None:
            result[style_id] = how
    return result
