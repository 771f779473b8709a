"""Watching a scanner's output folder: which files are new and completely written (no Qt; the
timer that calls ``poll`` lives in the ui).

A scanner (or a phone's sync folder) writes a file over some time. A file is handed out for
import only when it has kept the same size and modification time over two polls AND it is
complete by its own format (a JPEG's end marker, a PNG's IEND chunk, a PDF's %%EOF, any other
image opening in full). A file that stays incomplete is handed out once after GIVE_UP_POLLS
polls, so its import names why it cannot be read instead of it waiting for ever. A file is
handed out once per content (name, size, time): never twice while it is being written; a file
rewritten later is handed out again — the import itself recognises pages it has seen (page
hashes), so nothing is imported twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import PIL.Image

from evalapp.scan.sources import IMAGE_TYPES

GIVE_UP_POLLS = 15  # stable but incomplete this many polls: handed out (and refused by name)
TAIL = 2048  # bytes read from a file's end to see whether it is complete


def is_complete(path: Path) -> bool:
    """Whether the file is completely written, judged by its format."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size == 0:
            return False
        with path.open("rb") as f:
            head = f.read(8)
            f.seek(max(0, size - TAIL))
            tail = f.read()
    except OSError:  # locked by the writer (Windows) or gone
        return False
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8") and b"\xff\xd9" in tail[-64:]
    if suffix == ".png":
        return head.startswith(b"\x89PNG") and b"IEND" in tail[-16:]
    if suffix == ".pdf":
        return head.startswith(b"%PDF") and b"%%EOF" in tail
    try:  # TIFF, BMP, WebP: the whole image must decode
        with PIL.Image.open(path) as image:
            image.load()
        return True
    except (OSError, ValueError, SyntaxError, PIL.Image.DecompressionBombError):
        return False


@dataclass
class _Seen:
    signature: tuple[int, int]  # (size, mtime_ns)
    stable: int = 0  # polls in a row with this signature
    handed: bool = False


@dataclass
class FolderWatch:
    """Polls ``folder`` (and its sub-folders) for scans ready to import."""

    folder: Path
    seen: dict[Path, _Seen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)

    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.rglob("*")
                      if p.suffix.lower() in IMAGE_TYPES | {".pdf"} and p.is_file()
                      and not p.name.startswith((".", "~")))

    def poll(self) -> list[Path]:
        """Files that became ready since the last poll (each content once)."""
        ready = []
        present = set()
        for path in self._files():
            try:
                stat = path.stat()
            except OSError:
                continue
            present.add(path)
            signature = (stat.st_size, stat.st_mtime_ns)
            known = self.seen.get(path)
            if known is None or known.signature != signature:
                self.seen[path] = _Seen(signature)  # new or still growing: look again later
                continue
            if known.handed or not stat.st_size:  # an empty file: the writer has not begun
                continue
            known.stable += 1
            if is_complete(path) or known.stable >= GIVE_UP_POLLS:
                known.handed = True
                ready.append(path)
        for gone in set(self.seen) - present:
            del self.seen[gone]
        return ready

    def retry(self, paths: list[Path]) -> None:
        """Files handed out whose import failed as a whole: handed out again once ready."""
        for path in paths:
            if path in self.seen:
                self.seen[path].handed = False
                self.seen[path].stable = 0

    def waiting(self) -> int:
        """Files seen but not handed out yet (being written, or not yet seen twice)."""
        return sum(1 for s in self.seen.values() if not s.handed)

    def exists(self) -> bool:
        return self.folder.is_dir()
