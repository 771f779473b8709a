"""plain_scan decides which sheets calamine may read (issue 16): checked against a plain
regular-expression reading of the same rules, on sheets cut into pieces of every size."""

from __future__ import annotations

import io
import random
import re

import pytest

import evalapp.workbook.plain_scan as scan

HEAD = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:C3"/><cols><col min="1" max="3" width="12"/></cols>')
TAIL = b'<pageMargins left="0.7" right="0.7"/></worksheet>'
FORBIDDEN = (b"<f ", b"<f>", b"<f/", b't="e"', b't="d"', b"<mergeCell", b"hidden=",
             b'ht="0"', b'width="0"')


def letters(column: int) -> str:
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def reference(xml: bytes, special=(), max_rows=100_000, max_area=6_000_000) -> int | None:
    """The rules of plain_scan, read the slow way."""
    shown = xml.replace(b'hidden="0"', b"").replace(b'hidden="false"', b"")
    if any(token in shown for token in FORBIDDEN):
        return None
    if any(b' s="%d"' % s in xml for s in special if s):
        return None
    start = xml.find(b"<sheetData")
    if start < 0:
        return None
    stop = xml.find(b"</sheetData>", start)
    data = xml[start:stop if stop >= 0 else len(xml)]
    row, last, widest, cells = 0, 0, 0, 0
    for tag in re.finditer(rb"<row\b|<c(?![a-z])|<c[a-z]", data):
        at = tag.start()
        if data.startswith(b"<row", at):
            found = re.match(rb'<row r="(\d{1,9})"', data[at:])
            if not found or int(found.group(1)) <= row or int(found.group(1)) > max_rows:
                return None
            row, last = int(found.group(1)), 0
            continue
        found = re.match(rb'<c r="([A-Z]{1,2})(\d+)"', data[at:])
        if not found or not row or int(found.group(2)) != row \
                or found.group(2).startswith(b"0"):
            return None
        column = 0
        for ch in found.group(1):
            column = column * 26 + ch - 64
        if column <= last:
            return None
        last, widest, cells = column, max(widest, column), cells + 1
    return cells if row * widest <= max_area else None


def sheet(rows: list[list[tuple[int, bytes]]], numbers=None) -> bytes:
    body = []
    for index, cells in enumerate(rows):
        number = numbers[index] if numbers else index + 1
        body.append(b'<row r="%d" spans="1:3">' % number + b"".join(
            b'<c r="%s%d"%s><v>%s</v></c>' % (letters(c).encode(), number,
                                               b' t="n"' if c % 2 else b' s="1"', v)
            for c, v in cells) + b"</row>")
    return HEAD + b"<sheetData>" + b"".join(body) + b"</sheetData>" + TAIL


def run(xml: bytes, piece: int, monkeypatch, **bounds) -> int | None:
    monkeypatch.setattr(scan, "PIECE", piece)
    return scan.plain_cells(io.BytesIO(xml), set(bounds.pop("special", ())),
                            bounds.get("max_rows", 100_000), bounds.get("max_area", 6_000_000))


GOOD = sheet([[(1, b"1"), (2, b"85"), (3, b"90.5")], [(1, b"2"), (3, b"70")], [],
              [(26, b"1"), (27, b"2"), (702, b"3")]])
BROKEN = {
    "formula": GOOD.replace(b"<v>85</v>", b"<f>A1*2</f><v>85</v>"),
    "error value": GOOD.replace(b'<c r="B1" s="1">', b'<c r="B1" t="e">'),
    "merged": GOOD.replace(TAIL, b'<mergeCells><mergeCell ref="A1:B1"/></mergeCells>' + TAIL),
    "hidden row": GOOD.replace(b'<row r="2"', b'<row r="2" hidden="1"'),
    "squeezed column": GOOD.replace(b'width="12"', b'width="0"'),
    "row out of order": sheet([[(1, b"1")], [(1, b"2")]], numbers=[5, 3]),
    "row twice": sheet([[(1, b"1")], [(1, b"2")]], numbers=[3, 3]),
    "row beyond the bounds": sheet([[(1, b"1")]], numbers=[100_001]),
    "cell in another row": GOOD.replace(b'<c r="C2"', b'<c r="C9"'),
    "cell with a longer row": GOOD.replace(b'<c r="C2"', b'<c r="C20"'),
    "cell with a shorter row": sheet([[(1, b"1")]] * 12).replace(b'<c r="A12"', b'<c r="A1"'),
    "cell without reference": GOOD.replace(b'<c r="C2" t="n">', b"<c>"),
    "reference not first": GOOD.replace(b'<c r="C2" t="n">', b'<c t="n" r="C2">'),
    "column beyond ZZ": sheet([[(1, b"1"), (703, b"2")]]),
    "columns falling": GOOD.replace(b'<c r="C2"', b'<c r="A2"'),
    "cell twice": GOOD.replace(b'<c r="C2"', b'<c r="A2"')
                      .replace(b'<c r="A2" s="1"', b'<c r="A2"'),
    "no sheetData": GOOD.replace(b"<sheetData>", b"<x:sheetData>"),
}


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 16, 61, 1 << 20])
def test_plain_sheet_is_counted_in_pieces_of_any_size(piece, monkeypatch):
    assert reference(GOOD) == 8
    assert run(GOOD, piece, monkeypatch) == 8
    # LibreOffice says hidden="false" on every row: still plain
    shown = GOOD.replace(b'spans="1:3"', b'hidden="false" spans="1:3"')
    assert reference(shown) == run(shown, piece, monkeypatch) == 8


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize("piece", [5, 64, 1 << 20])
def test_not_plain(name, piece, monkeypatch):
    assert reference(BROKEN[name]) is None, name
    assert run(BROKEN[name], piece, monkeypatch) is None, name


def test_bounds_and_special_styles(monkeypatch):
    assert run(GOOD, 64, monkeypatch, max_area=4 * 702) == 8
    assert run(GOOD, 64, monkeypatch, max_area=4 * 702 - 1) is None
    assert run(GOOD, 64, monkeypatch, max_rows=3) is None
    assert run(GOOD, 64, monkeypatch, special={1}) is None
    assert run(GOOD, 64, monkeypatch, special={0, 7}) == 8


def test_random_sheets_agree_with_the_reference(monkeypatch):
    rng = random.Random(16)
    mutations = [(b'<c r="', b'<c  r="'), (b"</v></c>", b"</v><f>1</f></c>"),
                 (b'<row r="', b'<row spans="1:2" r="'), (b'"><v>', b'" t="d"><v>'),
                 (b'<c r="B', b'<c r="AAB'), (b"1</v>", b"1</v></c><c>"),
                 (b'<c r="A', b'<c r="ZZ')]
    for _ in range(300):
        numbers = sorted(rng.sample(range(1, 3000), rng.randint(1, 12)))
        rows = [[(c, str(rng.randint(0, 100)).encode())
                 for c in sorted(rng.sample(range(1, 60), rng.randint(0, 6)))]
                for _ in numbers]
        xml = sheet(rows, numbers)
        if rng.random() < 0.5:
            old, new = rng.choice(mutations)
            spots = [m.start() for m in re.finditer(re.escape(old), xml)]
            if spots:
                at = rng.choice(spots)
                xml = xml[:at] + new + xml[at + len(old):]
        expected = reference(xml)
        for piece in (rng.randint(1, 40), 1 << 20):
            assert run(xml, piece, monkeypatch) == expected, (xml, piece)
