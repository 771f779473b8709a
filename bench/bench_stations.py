"""Benchmark of multi-station entry: ballots saved per second (73 marks each, through
stations.save_ballot: validation, idempotency, audit chain) by 1 and 10 stations at once on
PostgreSQL, and by 1 station on SQLite.

    .venv/bin/python bench/bench_stations.py [--ballots 100] [--stations 1 10]

PostgreSQL: $EVALAPP_TEST_PG_URL if set, else a private durable cluster (fsync on) started
for the run (needs the server installed; as root it runs it as the postgres user).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from evalapp.db.engine import open_database
from evalapp.demo import demo_evaluations
from evalapp.services.ballots import BallotInput
from evalapp.services.context import CLERK, SYSTEM, Actor
from evalapp.services.evaluations import import_evaluation
from evalapp.services.stations import new_entry_uid, save_ballot


def ballots_of(station: int, count: int) -> list[BallotInput]:
    templates = demo_evaluations()[1].ballots
    return [BallotInput(f"B{station:02d}-{k:04d}", t.group, t.marks, t.own_department)
            for k, t in ((k, templates[(station * 31 + k) % len(templates)])
                         for k in range(count))]


def _station(url, evaluation_id, station, count, barrier, out):
    db = open_database(url)
    actor = Actor(f"录入员{station}", CLERK)
    entries = ballots_of(station, count)
    barrier.wait(timeout=60)
    start = time.perf_counter()
    for entry in entries:
        save_ballot(db, actor, evaluation_id, entry, new_entry_uid())
    out.put(time.perf_counter() - start)
    db.dispose()


def run(url: str, stations: int, count: int) -> tuple[float, float]:
    """(ballots per second over all stations, seconds of the slowest station)."""
    db = open_database(url)
    evaluation_id = import_evaluation(db, SYSTEM, replace(demo_evaluations()[1], ballots=[]))
    db.dispose()
    context = multiprocessing.get_context("fork")
    barrier, out = context.Barrier(stations + 1), context.Queue()
    workers = [context.Process(target=_station, args=(url, evaluation_id, s, count, barrier, out))
               for s in range(stations)]
    for w in workers:
        w.start()
    barrier.wait(timeout=60)
    start = time.perf_counter()
    for w in workers:
        w.join()
    wall = time.perf_counter() - start
    assert all(w.exitcode == 0 for w in workers)
    return stations * count / wall, max(out.get() for _ in workers)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=100, help="ballots per station")
    parser.add_argument("--stations", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    import os
    import uuid

    import psycopg
    from pg import ENV_URL, Cluster, _bindir
    cluster = None
    server = os.environ.get(ENV_URL)
    if not server:
        if _bindir() is None:
            print("PostgreSQL 未安装:只测 SQLite")
        else:
            cluster = Cluster(_bindir(), durable=True)
            server = cluster.start()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rate, _ = run(str(Path(tmp) / "bench.db"), 1, args.ballots)
            rows.append(("SQLite", 1, rate))
        if server:
            for n in args.stations:
                name = "evalapp_bench_" + uuid.uuid4().hex[:8]
                admin = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
                with psycopg.connect(admin, autocommit=True) as c:
                    c.execute(f'CREATE DATABASE "{name}"')
                try:
                    rate, _ = run(f"{server}/{name}", n, args.ballots)
                finally:
                    with psycopg.connect(admin, autocommit=True) as c:
                        c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                rows.append(("PostgreSQL", n, rate))
    finally:
        if cluster is not None:
            cluster.stop()
    print(f"{'engine':<12}{'stations':>9}{'ballots':>9}{'ballots/s':>11}{'marks/s':>10}")
    for engine, n, rate in rows:
        print(f"{engine:<12}{n:>9}{n * args.ballots:>9}{rate:>11.1f}{rate * 73:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
