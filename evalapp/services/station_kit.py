"""Station kits (录入包): the key the master issues to each offline entry station.

When the master sets up offline entry it issues every station a kit file — the station's
name, the evaluation's identity and a random secret; the master keeps the secret in its
database. A station exports its batch with its kit: the batch carries the kit's id and an
HMAC-SHA256 of its whole content under the secret. The master refuses a batch without one,
with an unknown kit, for another station's name, or whose HMAC does not match — so a batch
edited after export is refused even when its plain checksum was recomputed. (Whoever holds
the kit file can sign batches: hand it only to that station, on removable media.)

Kit file (UTF-8 JSON): {"format": "evalapp-station-kit", "version": 1, "kit_id", "station",
"secret", "evaluation": {"name", "year", "identity"}}
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from sqlalchemy import select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.services.context import MANAGE, Actor, audit, get_evaluation, now, require, \
    unit_of_work
from evalapp.services.batch_file import (
    BatchRefused, canonical_json, evaluation_identity, read_json, write_json,
)
from evalapp.services.store import load_data

KIT_FORMAT, KIT_VERSION = "evalapp-station-kit", 1


class KitError(DomainError):
    """A kit file that cannot be used (unreadable, for another evaluation)."""


def issue_kit(db: Database, actor: Actor, evaluation_id: int, station: str) -> dict:
    """Issue a new kit to a station (a 管理员 on the master); the secret is kept here."""
    require(actor, MANAGE)
    station = (station or "").strip()
    if not station:
        raise DomainError("发放录入包必须填写录入点名称(如“2号机”)")
    kit_id, secret = secrets.token_hex(8), secrets.token_hex(32)
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        identity = evaluation_identity(load_data(s, ev))
        s.add(m.StationKit(evaluation_id=ev.id, kit_id=kit_id, station=station[:100],
                           secret=secret, issued_by=actor.name, issued_at=now()))
        s.flush()
        audit(s, actor, ev.id, "发放录入包", station, new={"录入包编号": kit_id})
        return {"format": KIT_FORMAT, "version": KIT_VERSION, "kit_id": kit_id,
                "station": station, "secret": secret,
                "evaluation": {"name": ev.name, "year": ev.year, "identity": identity}}


def write_kit(kit: dict, path: str | Path) -> Path:
    return write_json(kit, path)


def read_kit(path: str | Path) -> dict:
    path = Path(path)
    kit = read_json(path, KitError, "录入包", f"“{path.name}”不是有效的录入包")
    if not isinstance(kit, dict) or kit.get("format") != KIT_FORMAT or not all(
            isinstance(kit.get(k), str) and kit.get(k) for k in ("kit_id", "station", "secret")):
        raise KitError(f"“{path.name}”不是主机发放的录入包")
    return kit


def batch_mac(secret: str, batch: dict) -> str:
    body = {k: v for k, v in batch.items() if k != "mac"}
    text = canonical_json(body).encode("utf-8")
    return hmac.new(bytes.fromhex(secret), text, hashlib.sha256).hexdigest()


def sign(batch: dict, kit: dict) -> None:
    """Mark a batch with the kit's id; call ``seal_batch`` once the checksum is set. (Which
    evaluation the batch is for is checked by the master when merging.)"""
    batch["station"] = kit["station"]
    batch["kit_id"] = kit["kit_id"]


def seal_batch(batch: dict, kit: dict) -> None:
    batch["mac"] = batch_mac(kit["secret"], batch)


def check_mac(s, batch: dict, name: str) -> m.StationKit:
    """Refuse, by name, a batch that was not exported with a kit this master issued, or that
    was changed after export (its HMAC under the kit's secret does not match)."""
    kit_id, mac = batch.get("kit_id"), batch.get("mac")
    if not isinstance(kit_id, str) or not isinstance(mac, str):
        raise BatchRefused(f"“{name}”没有录入包认证码:不是用主机发放的录入包导出的,拒绝导入。"
                           "请先在主机上为该录入点发放录入包,由录入点用它重新导出")
    kit = s.scalar(select(m.StationKit).where(m.StationKit.kit_id == kit_id))
    if kit is None:
        raise BatchRefused(f"“{name}”是用本机没有发放过的录入包(编号 {kit_id})导出的,拒绝导入")
    if kit.station != batch.get("station"):
        raise BatchRefused(f"“{name}”自称来自录入点“{batch.get('station')}”,但所用录入包是发给"
                           f"“{kit.station}”的,拒绝导入")
    if not hmac.compare_digest(mac, batch_mac(kit.secret, batch)):
        raise BatchRefused(f"“{name}”(录入点“{kit.station}”)的认证码不符:批次在导出后被改动过"
                           "(即使重新计算了校验值),拒绝导入。请让该录入点重新导出批次文件。")
    return kit


def check_kit_evaluation(kit: m.StationKit, ev: m.Evaluation, name: str) -> None:
    if kit.evaluation_id != ev.id:
        raise BatchRefused(f"“{name}”所用的录入包(发给“{kit.station}”)是为另一个考评活动发放的,"
                           f"不能导入“{ev.name}”,拒绝导入")
