"""Whether a sheet is plain — values only — from one streaming pass over its XML (issue 16).

python-calamine reads values fast but sees nothing else: no formula, no error value (it gives
"" for one), no hidden row, no number format. A sheet is handed to it only when this scan
finds none of these, and proves that calamine's rectangle stays small and holds exactly what
openpyxl would read: every cell inside ``<sheetData>`` is ``<c r="…">`` with a column of one or
two letters and the row number of its ``<row>``, columns rise within a row, rows rise and stay
within the bounds. Any other sheet is read cell by cell with openpyxl (xlsx_reader), which
says what is wrong where; both ways give the same values.

Speed (a 600 × 4,000 ballot sheet is 80 MB of XML): the XML is decompressed in 1 MB pieces,
each cut after a ``>`` so that no tag is split. Tokens that must not occur are found through
one of their rare letters with ``bytes.find`` (memchr) and checked where found; the cells,
one tag in four, are checked together with numpy.
"""

from __future__ import annotations

import re

import numpy as np

PIECE = 1 << 20            # bytes decompressed at a time
MAX_HITS = 4_000           # rare-letter hits checked one by one in a piece; beyond, `in`
MAX_TAG = 1 << 20          # a piece without any ">" in it: no sheet a person saved
# Tokens by one of their rare letters (lower case letters are rare between the tags of plain
# cells: references are upper case, values digits) and the letter's offset in the token.
TOKENS = {
    b"f": ((b"<f ", 1), (b"<f>", 1), (b"<f/", 1)),          # a formula
    b"e": ((b't="e"', 3),),                                   # an error value
    b"d": ((b't="d"', 3),),                                   # an ISO date cell
    b"g": ((b"<mergeCell", 4),),                              # a merged range
    b"h": ((b"hidden=", 0), (b'ht="0"', 0), (b'width="0"', 4)),  # hidden or squeezed
}
VISIBLE = (b'hidden="0"', b'hidden="false"')  # as LibreOffice writes on every row and column
ROW = re.compile(rb'<row r="(\d{1,9})"')
LT, C, A = (ord(ch) for ch in "<cA")
HEAD = np.uint64(int.from_bytes(b'<c r="', "little"))
HEAD_MASK = np.uint64((1 << 48) - 1)


def _row_keys(numbers: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per row: its number's digits and a quote as a little-endian word, and the mask of
    those bytes (a row number has at most 7 digits here: 8 bytes with the quote)."""
    texts = [b'%d"' % n for n in numbers]
    keys = np.array([int.from_bytes(t, "little") for t in texts], np.uint64)
    masks = np.array([(1 << 8 * len(t)) - 1 for t in texts], np.uint64)
    return keys, masks


class _Scan:
    """The state of one sheet's scan, piece by piece."""

    def __init__(self, special_styles: set[int], max_rows: int):
        self.styles = [b' s="%d"' % s for s in sorted(special_styles) if s]
        self.max_rows = max_rows
        self.region = 0            # 0 before <sheetData, 1 inside, 2 after
        self.row = 0               # number of the row the next cells belong to (0: none yet)
        self.last_column = 0       # column of the last cell read in that row
        self.widest = 0
        self.cells = 0

    def feed(self, buf: bytes, end: int) -> bool:
        """Scan ``buf[:end]`` (ending after a ">"); False as soon as the sheet is not plain."""
        if not self.absent(buf, end):
            return False
        start = 0
        if self.region == 0:
            start = buf.find(b"<sheetData", 0, end)
            if start < 0:
                return True
            self.region = 1
        if self.region == 1:
            stop = buf.find(b"</sheetData>", start, end)
            if stop >= 0:
                self.region = 2
            return self.data(buf, start, stop if stop >= 0 else end)
        return True

    def absent(self, buf: bytes, end: int) -> bool:
        """None of TOKENS nor a special style in ``buf[:end]``."""
        for letter, tokens in TOKENS.items():
            at, hits = buf.find(letter, 0, end), 0
            while at >= 0:
                hits += 1
                if hits > MAX_HITS:  # text full of the letter: search each token instead
                    if any(buf.find(token, 0, end) >= 0 for token, _ in tokens):
                        return False
                    break
                for token, offset in tokens:
                    if at >= offset and buf.startswith(token, at - offset) \
                            and not buf.startswith(VISIBLE, at - offset):
                        return False
                at = buf.find(letter, at + 1, end)
        return not any(buf.find(style, 0, end) >= 0 for style in self.styles)

    def data(self, buf: bytes, start: int, stop: int) -> bool:
        """Rows and cells of ``buf[start:stop]``, inside <sheetData>."""
        starts, numbers = self.rows(buf, start, stop)
        if starts is None:
            return False
        a = np.frombuffer(buf, np.uint8, stop - start, start)
        cells = np.flatnonzero((a[:-1] == LT) & (a[1:] == C))
        if not len(cells):
            if numbers:
                self.row, self.last_column = numbers[-1], 0
            return True
        # Each cell's first 16 bytes as two little-endian words: '<c r="' and the column
        # letters in the first, the rest of the reference in the second.
        if int(cells[-1]) + 16 <= len(a):
            words = np.ndarray((len(a) - 7,), "<u8", buf, start, (1,))
        else:  # a tag cut short: the bytes after it read as 0
            words = np.ndarray((len(a) + 9,), "<u8", buf[start:stop] + bytes(16), 0, (1,))
        head, rest = words[cells], words[cells + 8]
        if not ((head & HEAD_MASK) == HEAD).all():
            return False  # a cell without its reference first (or <color>, <c>, ...)
        first = ((head >> 48) & 0xFF).astype(np.uint8) - A  # uint8: below "A" wraps
        second = (head >> 56).astype(np.uint8) - A
        two = second < 26
        if not (first < 26).all() or (two & ((rest & 0xFF).astype(np.uint8) - A < 26)).any():
            return False  # no column letter, or a column beyond ZZ
        columns = np.where(two, (first.astype(np.int32) + 1) * 26 + second + 1, first + 1)
        # Which row each cell is in: 0 for the row carried from the piece before, k for the
        # k-th <row> of this piece (the number of rows that start before the cell).
        row_of = np.cumsum(np.bincount(np.searchsorted(cells, np.asarray(starts, np.int64)
                                                       - start), minlength=len(cells) + 1)
                           [:len(cells)])
        if not self.row and row_of[0] == 0:
            return False  # a cell outside any row
        # The reference's digits and the quote after them, against its row's number.
        keys, masks = _row_keys([self.row, *numbers])
        digits = np.where(two, rest, (head >> 56) | (rest << 8))
        if not ((digits & masks[row_of]) == keys[row_of]).all():
            return False
        rising = columns[1:] > columns[:-1]
        if not (rising | (row_of[1:] != row_of[:-1])).all():
            return False  # columns must rise within a row (no cell twice)
        if row_of[0] == 0 and columns[0] <= self.last_column:
            return False  # the carried row goes on: its columns too
        self.widest = max(self.widest, int(columns.max()))
        self.cells += len(cells)
        self.row = numbers[-1] if numbers else self.row
        self.last_column = int(columns[-1]) if row_of[-1] == len(numbers) else 0
        return True

    def rows(self, buf: bytes, start: int, stop: int):
        """Positions and numbers of the <row> tags; (None, None) when one has no number first,
        the numbers do not rise, or one is beyond the bounds."""
        starts, numbers = [], []
        at = buf.find(b"w", start, stop)
        while at >= 0:
            if buf.startswith(b"<row", at - 3) and at >= 3:
                found = ROW.match(buf, at - 3)
                if found is None:
                    return None, None
                number = int(found.group(1))
                if number <= (numbers[-1] if numbers else self.row) or number > self.max_rows:
                    return None, None
                starts.append(at - 3)
                numbers.append(number)
            at = buf.find(b"w", at + 1, stop)
        return starts, numbers

    def finish(self, max_area: int) -> int | None:
        if self.region == 0:
            return None  # no plain <sheetData> (a namespace prefix, or none at all)
        return self.cells if self.row * self.widest <= max_area else None


def plain_cells(stream, special_styles: set[int], max_rows: int, max_area: int) -> int | None:
    """The number of cells of a plain sheet read from ``stream`` (its XML), or None when the
    sheet is not plain or its rectangle (rows × widest column) would exceed ``max_area``."""
    scan = _Scan(special_styles, max_rows)
    pending = b""
    while True:
        piece = stream.read(PIECE)
        if not piece:
            break
        buf = pending + piece if pending else piece
        end = buf.rfind(b">") + 1
        if end == 0:
            if len(buf) > MAX_TAG:
                return None
            pending = buf
            continue
        if not scan.feed(buf, end):
            return None
        pending = buf[end:]
    if pending.strip():
        return None  # text after the last tag: not a sheet a person saved
    return scan.finish(max_area)
