"""The check a backup file carries inside itself (so no sidecar file is needed to notice a
copy damaged on a USB stick or edited after it was made)."""

from __future__ import annotations

import hashlib
from pathlib import Path

# A SQLite file's header has two free 4-byte fields, user_version (offset 60) and
# application_id (offset 68). A backup keeps there the first 8 bytes of the SHA-256 of the
# whole file with those fields and the two change counters (offsets 24 and 92, which SQLite
# may rewrite) zeroed: any other changed bit anywhere in the file shows.
MASKED = ((24, 28), (60, 64), (68, 72), (92, 96))
SQLITE_MAGIC = b"SQLite format 3\x00"


def masked_hash(data: bytes) -> bytes:
    buffer = bytearray(data)
    for a, b in MASKED:
        buffer[a:b] = bytes(b - a)
    return hashlib.sha256(bytes(buffer)).digest()[:8]


def embed_seal(path: Path) -> None:
    """Write the file's own check into its header (the file must be closed everywhere)."""
    data = path.read_bytes()
    seal = masked_hash(data)
    with open(path, "r+b") as handle:
        handle.seek(60)
        handle.write(seal[:4])
        handle.seek(68)
        handle.write(seal[4:])


def stored_seal(data: bytes) -> bytes:
    return data[60:64] + data[68:72]
