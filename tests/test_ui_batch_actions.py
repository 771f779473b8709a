"""Offline stations from the menus: a station exports its ballots, the master merges them."""

import sqlite3

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from evalapp.db.engine import open_database
from evalapp.services.ballots import BallotInput, add_ballot, list_ballots
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.demo import create_demo
from evalapp.services.verify import verify
from ui.shell.batch_actions import export_station_batch, import_station_batches, issue_station_kit
from ui.context import AppContext


def test_station_batch_round_trip(qtbot, db, tmp_path, monkeypatch):
    evaluation_id = create_demo(db)[-1]
    station_file = tmp_path / "station.db"
    with sqlite3.connect(db.file_path) as source, sqlite3.connect(station_file) as copy:
        source.backup(copy)  # the copy taken to station 2
    station = open_database(station_file)
    clerk = Actor("站2录入", CLERK)
    add_ballot(station, clerk, evaluation_id,
               BallotInput("Z901", "群众代表", {"区委办公室": "88.5"}))
    batch_path, kit_path = tmp_path / "batch.json", tmp_path / "2号机.kit"
    master = AppContext(db, Actor("主任", ADMIN), evaluation_id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("2号机", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(kit_path), ""))
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    issue_station_kit(None, master)  # the master sets up offline entry
    assert kit_path.exists() and "2号机" in told.pop()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(kit_path), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(batch_path), ""))
    export_station_batch(None, AppContext(station, clerk, evaluation_id))
    assert batch_path.exists()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(batch_path)], ""))
    import_station_batches(None, master)
    assert "新增 1 张" in told[0]
    assert "Z901" in {b.serial for b in list_ballots(db, evaluation_id)}
    assert verify(db, evaluation_id).ok
    import_station_batches(None, master)  # the same file again is refused, nothing changes
    assert told[1].startswith("✗") and "导入过" in told[1]
    station.dispose()
