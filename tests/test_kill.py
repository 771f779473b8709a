"""Crash safety: a clerk process killed with SIGKILL at random moments loses no saved ballot,
leaves none half-written, and the file, the audit chain and the trail stay sound."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from test_integrity_lock import ADMIN_ACTOR, DEPTS, small_data

from evalapp.services.audit_chain import check_chain
from evalapp.services.audit_trail import trail_problems
from evalapp.services.backup import integrity_problems
from evalapp.services.evaluations import import_evaluation

ROOT = Path(__file__).resolve().parents[1]
ITERATIONS = 30
TIME_BUDGET = 50  # seconds for all iterations together

CHILD = r"""
import sys, zlib
from evalapp.db.engine import open_database
from evalapp.services.ballots import BallotInput, add_ballot
from evalapp.services.context import Actor
db = open_database(sys.argv[1])
actor, prefix = Actor("录入" + sys.argv[2], "clerk"), "K" + sys.argv[2] + "-"
depts = sys.argv[3].split(",")
print("ready", flush=True)
n = 0
while True:
    serial = f"{prefix}{n:05d}"
    marks = {d: str(60 + zlib.crc32((serial + d).encode()) % 40) for d in depts}
    add_ballot(db, actor, 1, BallotInput(serial, "群众", marks))
    print(serial, flush=True)
    n += 1
"""


def expected_marks(serial: str) -> dict[str, str]:
    return {d: str(60 + zlib.crc32((serial + d).encode()) % 40) for d in DEPTS}


def _run_and_kill(path: Path, iteration: int, rng: random.Random) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), f"{iteration:02d}",
                              ",".join(DEPTS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env, cwd=ROOT)
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    time.sleep(rng.uniform(0.0, 0.4))
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate()
    assert child.returncode == -signal.SIGKILL
    return [line for line in out.split() if line.startswith("K")]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_loses_no_saved_ballot(db, tmp_path):
    eid = import_evaluation(db, ADMIN_ACTOR, small_data(ballots=2))
    assert eid == 1
    path = db.file_path
    db.dispose()
    rng = random.Random(20211221)
    reported: list[str] = []
    start = time.monotonic()
    iterations = 0
    while iterations < ITERATIONS and time.monotonic() - start < TIME_BUDGET:
        reported += _run_and_kill(path, iterations, rng)
        iterations += 1
    assert iterations >= 10 and len(reported) > 20
    assert integrity_problems(path) == []
    connection = sqlite3.connect(path)
    rows = dict(connection.execute(
        "SELECT serial, marks FROM ballots WHERE serial LIKE 'K%'").fetchall())
    names = dict(connection.execute("SELECT id, name FROM departments").fetchall())
    connection.close()
    missing = [s for s in reported if s not in rows]
    assert not missing, f"reported saved but missing: {missing[:5]}"
    for serial, text in rows.items():  # every stored ballot (reported or not) is whole
        marks = {names[int(k)]: v for k, v in json.loads(text).items()}
        assert marks == expected_marks(serial), serial
    from evalapp.db.engine import open_database
    again = open_database(path)
    try:
        assert check_chain(again).ok
        assert trail_problems(again, eid) == []
    finally:
        again.dispose()
    print(f"kill test: {iterations} kills, {len(reported)} ballots reported saved, "
          f"{len(rows)} stored")
