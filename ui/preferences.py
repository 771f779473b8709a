"""What the program remembers between runs (QSettings, an INI file per user): window geometry,
the last evaluation per database, the visual style and the recently used workbooks."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QByteArray, QSettings

from evalapp.db.urls import without_password

RECENT_LIMIT = 8
SETTINGS_ENV = "EVALAPP_SETTINGS"  # an INI file path (tests and portable use)


def settings() -> QSettings:
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "evalapp", "evalapp")


def _get_json(key: str, default):
    raw = settings().value(key, "")
    try:
        return json.loads(raw) if isinstance(raw, str) and raw else default
    except ValueError:
        return default


def _set_json(key: str, value) -> None:
    store = settings()
    store.setValue(key, json.dumps(value, ensure_ascii=False))
    store.sync()


def style_name(default: str = "standard") -> str:
    value = settings().value("view/style", default)
    return value if isinstance(value, str) and value else default


def set_style_name(name: str) -> None:
    _set_plain("view/style", name)


def _set_plain(key: str, value: str) -> None:
    store = settings()
    store.setValue(key, value)
    store.sync()


def window_geometry() -> QByteArray | None:
    value = settings().value("window/geometry")
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def set_window_geometry(geometry: QByteArray) -> None:
    store = settings()
    store.setValue("window/geometry", geometry)
    store.sync()


def last_evaluation(database: str) -> int | None:
    remembered = _get_json("session/last_evaluation", {})
    value = remembered.get(without_password(database)) if isinstance(remembered, dict) else None
    return value if isinstance(value, int) else None


def set_last_evaluation(database: str, evaluation_id: int | None) -> None:
    remembered = _get_json("session/last_evaluation", {})
    if not isinstance(remembered, dict):
        remembered = {}
    # keys written by older versions may hold a password: keep them only without it
    remembered = {without_password(k): v for k, v in remembered.items()}
    remembered[without_password(database)] = evaluation_id
    _set_json("session/last_evaluation", remembered)


def recent_files() -> list[tuple[str, str]]:
    """(kind, path) newest first; kind is "导入" or "导出"."""
    items = _get_json("files/recent", [])
    return [(k, p) for k, p in items if isinstance(k, str) and isinstance(p, str)] \
        if isinstance(items, list) else []


def add_recent_file(kind: str, path: str) -> list[tuple[str, str]]:
    items = [(k, p) for k, p in recent_files() if p != path]
    items.insert(0, (kind, path))
    _set_json("files/recent", items[:RECENT_LIMIT])
    return items[:RECENT_LIMIT]


def clear_recent_files() -> None:
    _set_json("files/recent", [])


def database(default: str) -> str:
    """The database this machine used last (a file or a server URL), else ``default``. A
    server URL is kept without its password (asked once per session); one stored in clear by
    an older version is returned for this session and rewritten without it."""
    value = settings().value("database/target", "")
    if not isinstance(value, str) or not value:
        return default
    if without_password(value) != value:
        _set_plain("database/target", without_password(value))
    return value


def set_database(target: str) -> None:
    """Remember the database given with --db (e.g. the meeting room's server) for next time,
    never with its password."""
    _set_plain("database/target", without_password(target))


def notice_texts(database: str, evaluation_id: int) -> dict | None:
    """The notice texts (版头, 正文, 版记 …) last used for this evaluation, or None."""
    remembered = _get_json("print/notice_texts", {})
    key = f"{without_password(database)}#{evaluation_id}"  # never a password in settings
    value = remembered.get(key) if isinstance(remembered, dict) else None
    return value if isinstance(value, dict) else None


def set_notice_texts(database: str, evaluation_id: int, texts: dict | None) -> None:
    remembered = _get_json("print/notice_texts", {})
    if not isinstance(remembered, dict):
        remembered = {}
    key = f"{without_password(database)}#{evaluation_id}"
    if texts is None:
        remembered.pop(key, None)
    else:
        remembered[key] = texts
    _set_json("print/notice_texts", remembered)


def scan_watch_folder() -> str | None:
    """The scanner's output folder this computer watches (文件 → 监视扫描文件夹), or None."""
    value = settings().value("scan/watch_folder", "")
    return value if isinstance(value, str) and value else None


def set_scan_watch_folder(folder: str | None) -> None:
    _set_plain("scan/watch_folder", folder or "")
