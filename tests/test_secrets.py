"""A database password is never stored in the user's settings nor printed (issue 12)."""

import pytest

from evalapp.cli import main as cli_main
from evalapp.db.urls import needs_password, scrub, shown, with_password, without_password

URL = "postgresql+psycopg://clerk:S3cret%2Fpw@127.0.0.1:1/evaldb"


def test_url_helpers():
    bare = without_password(URL)
    assert "S3cret" not in bare and bare.startswith("postgresql+psycopg://clerk@127.0.0.1:1")
    assert needs_password(bare) and not needs_password(URL)
    assert not needs_password("/tmp/x.db") and not needs_password("sqlite:////tmp/x.db")
    assert with_password(bare, "S3cret/pw") == URL
    assert "S3cret" not in shown(URL)
    assert scrub(f"failed for {URL} and S3cret/pw", URL).count("S3cret") == 0


def test_cli_error_never_prints_the_password(capsys):
    code = cli_main(["list", "--db", URL])  # nothing listens on port 1
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("错误")
    assert "S3cret" not in err and "%2Fpw" not in err and "***" in err


@pytest.fixture
def ini(tmp_path, monkeypatch):
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("EVALAPP_SETTINGS", str(path))
    return path


def test_settings_keep_the_address_without_the_password(ini):
    from ui import preferences
    preferences.set_database(URL)
    preferences.set_last_evaluation(URL, 3)
    text = ini.read_text(encoding="utf-8") if ini.exists() else ""
    assert text and "S3cret" not in text and "%2Fpw" not in text
    assert preferences.database("x") == without_password(URL)
    assert preferences.last_evaluation(URL) == 3


def test_a_password_stored_by_an_older_version_is_removed(ini):
    from ui import preferences
    preferences._set_plain("database/target", URL)
    assert preferences.database("x") == URL  # used for this session…
    assert "S3cret" not in ini.read_text(encoding="utf-8")  # …but no longer stored


def test_password_is_asked_once_and_not_stored(ini, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from ui.app import ask_password
    asked = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: (asked.append(a[2]), ("S3cret/pw", True))[1])
    assert ask_password(without_password(URL)) == URL
    assert len(asked) == 1 and "S3cret" not in asked[0]
    assert ask_password(URL) == URL and len(asked) == 1  # a full URL is not asked again
