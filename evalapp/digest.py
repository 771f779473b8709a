"""The result digest (RULES §9): SHA-256 over a canonical form of settings and ballots.

The canonical form does not depend on entry order, database ids or engine: lists are
sorted by a natural key, numbers are written in canonical decimal text, and the JSON is
serialised with sorted keys and no whitespace.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal

from evalapp.domain import EvaluationData, format_decimal, grades_text

DIGEST_VERSION = 2


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def canonical_form(data: EvaluationData, with_ballots: bool = True) -> dict:
    s = data.settings
    form = {
        "version": DIGEST_VERSION,
        "settings": {
            "name": s.name, "year": s.year, "mode": s.mode, "low": _num(s.low),
            "high": _num(s.high), "mark_decimals": s.mark_decimals,
            "result_decimals": s.result_decimals, "grades": grades_text(s.grades),
            "excellent_ratio": _num(s.excellent_ratio), "high_line": _num(s.high_line),
            "void_identical": s.void_identical, "bonus_cap": _num(s.bonus_cap),
            "admonish_below": _num(s.admonish_below), "tie_break": list(s.tie_break),
            "commend_quota": s.commend_quota.text(), "admonish_quota": s.admonish_quota.text(),
        },
        "categories": [[c.name, c.commend.text(), c.admonish.text()] for c in data.categories],
        "groups": sorted([g.name, _num(g.weight), g.trim, g.trim_from, g.expected, g.recusal]
                         for g in data.groups),
        "departments": sorted([d.order, d.name, d.short_name, d.category or "", d.presenter,
                               d.title] for d in data.departments),
        "components": sorted([c.name, _num(c.weight)] for c in data.effective_components()),
        "component_values": sorted([dept, comp, _num(v)]
                                   for dept, values in data.component_values.items()
                                   for comp, v in values.items()),
        "adjustments": sorted([a.department, _num(a.points), a.reason, a.veto]
                              for a in data.adjustments),
        "ballots": [],
    }
    if with_ballots:
        # Marks stay dicts: ``sort_keys`` orders them inside the C encoder.
        form["ballots"] = sorted(([b.serial, b.group, b.own_department or "",
                                   b.void_reason or "", b.marks] for b in data.ballots),
                                 key=lambda row: row[0])
    return form


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _ballot_chunks(ballots):
    """The canonical ``"ballots"`` list as JSON text in pieces (a BallotMatrix writes its own)."""
    if hasattr(ballots, "canonical_chunks"):
        yield from ballots.canonical_chunks()
        return
    rows = sorted(([b.serial, b.group, b.own_department or "", b.void_reason or "", b.marks]
                   for b in ballots), key=lambda row: row[0])
    yield "["
    for position, row in enumerate(rows):
        yield ("," if position else "") + _dumps(row)
    yield "]"


def evaluation_digest(data: EvaluationData) -> str:
    """SHA-256 of the canonical JSON text, fed to the hash piece by piece so that the text of
    thousands of ballots never exists at once (the same bytes as dumping canonical_form)."""
    head, tail = _dumps(canonical_form(data, with_ballots=False)).split('"ballots":[]', 1)
    digest = hashlib.sha256((head + '"ballots":').encode("utf-8"))
    for chunk in _ballot_chunks(data.ballots):
        digest.update(chunk.encode("utf-8"))
    digest.update(tail.encode("utf-8"))
    return digest.hexdigest()


def check_code(hex_digest: str) -> str:
    """The short 校验码 people read and sign: the first 64 bits of a SHA-256, as four groups
    of four upper-case hex digits ("3F2A-9C1B-77D0-E514"). Never show a 64-digit hash."""
    head = hex_digest[:16].upper()
    if len(head) < 16 or any(c not in "0123456789ABCDEF" for c in head):
        raise ValueError("check_code needs at least 16 hex digits")
    return "-".join(head[i:i + 4] for i in range(0, 16, 4))


_FULL_DIGEST = re.compile(r"\b[0-9a-fA-F]{64}\b")


def with_check_codes(text: str) -> str:
    """``text`` (e.g. a verify report) for a screen: every full SHA-256 in it written as its
    校验码."""
    return _FULL_DIGEST.sub(lambda m: check_code(m.group(0)), text)
