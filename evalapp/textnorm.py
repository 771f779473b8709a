"""What a typed text means: invisible characters removed, identifiers compared after NFKC,
numbers accepted in plain decimal notation only (issue 12)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Zero-width and direction marks, word joiners, the BOM: invisible in Excel, yet they make
# "A001" and "A001<ZWSP>" two different 票号.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010)) + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070)) + list(range(0xFE00, 0xFE10)))
_SPACES = " \t\n\r\u3000\u00a0"  # stripped around a text
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _visible(ch: str) -> bool:
    if ord(ch) in _INVISIBLE:
        return False
    category = unicodedata.category(ch)
    return category not in ("Cc", "Cf") or ch in "\n\t"


def clean_text(text: str) -> str:
    """The text without invisible and control characters (line breaks and tabs inside free
    text are kept) and without surrounding spaces (also full-width ones)."""
    if text.isprintable():  # no control or format character: only _INVISIBLE to remove
        if text.isascii():
            return text.strip()
        return text.translate(_INVISIBLE).strip(_SPACES)
    return "".join(ch for ch in text if _visible(ch)).strip(_SPACES)


def identifier(text: str) -> str:
    """An identifier (票号, 部门名称, 评委类别, ...) as it is stored: invisible and control
    characters removed, inner line breaks and tabs too, surrounding spaces stripped."""
    cleaned = clean_text(text)
    if "\n" in cleaned or "\t" in cleaned or "\r" in cleaned:
        cleaned = "".join(ch for ch in cleaned if ch not in "\n\t\r")
    return cleaned


def identifier_key(text: str) -> str:
    """What two identifiers are compared by: NFKC (full-width = half-width letters and
    digits), invisible characters removed, case folded. Two names with one key are one."""
    if text.isascii() and text.isprintable():
        return " ".join(text.split()).casefold()
    key = unicodedata.normalize("NFKC", identifier(text))
    return " ".join(identifier(key).split()).casefold()


def plain_decimal(text: str) -> Decimal:
    """A number typed as text: digits, an optional sign and decimal point, nothing else
    (no exponent, no ``_``, no ``inf``/``nan``, no thousands separator); full-width digits
    count as digits. Raises ValueError."""
    normal = unicodedata.normalize("NFKC", clean_text(text)).strip()
    if not _PLAIN_NUMBER.fullmatch(normal):
        raise ValueError(text)
    try:
        return Decimal(normal)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError(text) from None
