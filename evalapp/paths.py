"""Where things live, from source and from a PyInstaller bundle alike."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "evalapp"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def package_root() -> Path:
    """The folder holding ``evalapp/``, ``ui/`` and ``resources/``."""
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def resource(*parts: str) -> Path:
    return package_root().joinpath("resources", *parts)


def migrations_dir() -> Path:
    return package_root() / "evalapp" / "db" / "migrations"


def user_data_dir() -> Path:
    """A per-user writable folder (frozen) or ``data/`` beside the sources."""
    if not is_frozen():
        return package_root() / "data"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


def default_database_path() -> Path:
    return user_data_dir() / "evalapp.db"
