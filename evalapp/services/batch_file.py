"""The batch file of offline entry stations (离线分站录入; the format is described in batch.py):
its checksum, its reading and checking, what an import reports, and the identity of an
evaluation that a batch and a station kit carry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from evalapp.digest import canonical_form
from evalapp.domain import DomainError

FORMAT, VERSION = "evalapp-batch", 1
IDENTITY_PARTS = ("version", "settings", "categories", "groups", "departments", "components")


class BatchRefused(DomainError):
    """A batch file that must not be imported (damaged, changed, foreign or already done)."""


@dataclass
class BatchReport:
    """What an import did (or, for a refused batch, nothing)."""

    station: str
    operator: str
    ballots: int = 0
    added: int = 0
    confirmed: int = 0  # double entry: second entries equal to a first one
    duplicates: int = 0
    conflicts: int = 0
    conflict_serials: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"已导入录入点“{self.station}”(导出人 {self.operator})的批次:"
                 f"共 {self.ballots} 张选票,新增 {self.added} 张,"
                 + (f"第二次录入一致已确认 {self.confirmed} 张," if self.confirmed else "")
                 + f"重复(内容相同,已跳过){self.duplicates} 张,"
                 f"不一致(已送核对队列){self.conflicts} 张。"]
        if self.conflict_serials:
            lines.append("请管理员对照纸质选票核对:" + "、".join(self.conflict_serials))
        lines += self.messages
        return "\n".join(lines)


def canonical_json(value: object) -> str:
    """The one JSON text a batch's checksum and a kit's HMAC are computed over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def checksum_of(batch: dict) -> str:
    """SHA-256 over the canonical JSON of the batch without its checksum and HMAC."""
    body = {k: v for k, v in batch.items() if k not in ("checksum", "mac")}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def evaluation_identity(data) -> str:
    """What makes two copies the same evaluation: settings and rosters (no ballots, scores)."""
    form = canonical_form(data)
    return hashlib.sha256(canonical_json({k: form[k] for k in IDENTITY_PARTS}).encode("utf-8")
                          ).hexdigest()


def write_json(value: dict, path: str | Path) -> Path:
    """Write a batch or a station kit as indented UTF-8 JSON, whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def read_json(path: Path, refused: type[DomainError], what: str, invalid: str) -> object:
    """A batch or a station kit read from ``path``; ``refused`` (naming the file) when it
    cannot be read (``what``: the kind of file) or is no JSON (``invalid``: the words)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise refused(f"无法读取{what}“{path}”:{exc.strerror or exc}") from exc
    except ValueError as exc:  # undecodable bytes or not JSON
        raise refused(invalid) from exc


def write_batch(batch: dict, path: str | Path) -> Path:
    return write_json(batch, path)


def read_batch(path: str | Path) -> dict:
    """Read and check a batch file (format and checksum); refuses a damaged or changed one."""
    path = Path(path)
    batch = read_json(path, BatchRefused, "批次文件",
                      f"“{path.name}”不是有效的批次文件(内容无法解析),拒绝导入")
    check_batch(batch, path.name)
    return batch


def check_batch(batch: object, name: str = "批次文件") -> None:
    if not isinstance(batch, dict) or batch.get("format") != FORMAT:
        raise BatchRefused(f"“{name}”不是考评计分系统导出的批次文件,拒绝导入")
    if batch.get("version") != VERSION:
        raise BatchRefused(f"“{name}”的批次格式版本({batch.get('version')})本程序不认识,"
                           "请用相同版本的程序导出")
    if batch.get("checksum") != checksum_of(batch):
        raise BatchRefused(
            f"“{name}”的校验值不符:文件在导出后被改动过或已损坏,拒绝导入。"
            "请让该录入点重新导出批次文件,不要手工编辑批次文件。")
    try:
        ev = batch["evaluation"]
        assert isinstance(ev["name"], str) and isinstance(ev["identity"], str)
        assert isinstance(batch["station"], str) and isinstance(batch["operator"], str)
        for b in batch["ballots"]:
            assert isinstance(b["serial"], str) and isinstance(b["group"], str)
            assert isinstance(b["marks"], dict)
    except (KeyError, TypeError, AssertionError) as exc:
        raise BatchRefused(f"“{name}”的内容不完整,拒绝导入") from exc
