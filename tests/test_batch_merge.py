"""Offline batch merge: stations' batch files merged on the master station (SQLite, and the
master on PostgreSQL too)."""

import json
from dataclasses import replace

import pytest

from evalapp.db.engine import open_database
from evalapp.demo import demo_evaluations
from evalapp.services import batch as BT
from evalapp.services.ballots import BallotInput, add_ballot, list_ballots
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.double_entry import entry_counts, list_conflicts, resolve_conflict
from evalapp.services.evaluations import import_evaluation, update_settings
from evalapp.services.results import compute_results
from evalapp.services.station_kit import issue_kit, write_kit

ADMIN_ACTOR = Actor("张主任", ADMIN)
CLERKS = [Actor("李录入", CLERK), Actor("赵录入", CLERK), Actor("钱录入", CLERK)]


def _kit(master, eid, station):
    """The kit the master issues to a station when it sets up offline entry."""
    return issue_kit(master, ADMIN_ACTOR, eid, station)


def _inputs(data):
    return [BallotInput(b.serial, b.group, b.marks, b.own_department) for b in data.ballots]


@pytest.fixture(scope="module")
def demo():
    data = demo_evaluations()[1]
    return data, replace(data, ballots=[])


def _station(path, empty, inputs, clerk):
    db = open_database(path)
    eid = import_evaluation(db, ADMIN_ACTOR, empty)
    for entry in inputs:
        add_ballot(db, clerk, eid, entry)
    return db, eid


def _merged(master, tmp_path, demo, overlap=0, count=None):
    """Three stations type a third each (plus ``overlap`` of the next station's, the same) of
    the first ``count`` ballots; returns (master evaluation id, batch files)."""
    data, empty = demo
    inputs = _inputs(data)[:count]
    third = len(inputs) // 3 + 1
    eid = import_evaluation(master, ADMIN_ACTOR, empty)
    files = []
    for i, clerk in enumerate(CLERKS):
        part = inputs[i * third:(i + 1) * third + overlap]
        db, sid = _station(tmp_path / f"station{i}.db", empty, part, clerk)
        batch = BT.export_batch(db, clerk, sid, f"{i + 1}号机", clerk.name,
                                kit=_kit(master, eid, f"{i + 1}号机"))
        files.append(BT.write_batch(batch, tmp_path / f"batch{i}.json"))
        db.dispose()
    return eid, files


def _one_station_digest(tmp_path, demo):
    data, empty = demo
    db, eid = _station(tmp_path / "single.db", empty, _inputs(data), CLERKS[0])
    digest = compute_results(db, eid).result.digest
    db.dispose()
    return digest


def test_three_batches_merged_equal_one_station(any_db, tmp_path, demo):
    eid, files = _merged(any_db, tmp_path, demo, overlap=5)
    reports = [BT.import_batch(any_db, ADMIN_ACTOR, f) for f in files]
    assert [r.duplicates for r in reports] == [0, 5, 5]
    assert sum(r.added for r in reports) == len(demo[0].ballots)
    assert all(r.conflicts == 0 for r in reports)
    assert compute_results(any_db, eid).result.digest == _one_station_digest(tmp_path, demo)
    assert len(BT.list_batches(any_db, eid)) == 3
    from evalapp.services.verify import verify
    assert verify(any_db, eid).ok  # merged ballots are on the audit trail too


def test_reimporting_a_batch_changes_nothing(db, tmp_path, demo):
    eid, files = _merged(db, tmp_path, demo, count=30)
    BT.import_batch(db, ADMIN_ACTOR, files[0])
    before = compute_results(db, eid).result.digest
    with pytest.raises(BT.BatchRefused, match="已于 .* 导入过"):
        BT.import_batch(db, ADMIN_ACTOR, files[0])
    assert compute_results(db, eid).result.digest == before
    assert len(BT.list_batches(db, eid)) == 1


def test_tampered_batch_is_refused(db, tmp_path, demo):
    eid, files = _merged(db, tmp_path, demo, count=30)
    batch = json.loads(files[1].read_text(encoding="utf-8"))
    dept = next(iter(batch["ballots"][0]["marks"]))
    batch["ballots"][0]["marks"][dept] = "60"
    files[1].write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(BT.BatchRefused, match="校验值不符.*改动过"):
        BT.import_batch(db, ADMIN_ACTOR, files[1])
    assert list_ballots(db, eid) == []
    files[2].write_text("{不是 JSON", encoding="utf-8")
    with pytest.raises(BT.BatchRefused, match="不是有效的批次文件"):
        BT.import_batch(db, ADMIN_ACTOR, files[2])


def test_batch_for_another_evaluation_is_refused(db, tmp_path, demo):
    other = replace(demo_evaluations()[0], ballots=[])
    other_id = import_evaluation(db, ADMIN_ACTOR, other)
    station, sid = _station(tmp_path / "s.db", demo[1], _inputs(demo[0])[:3], CLERKS[0])
    batch = BT.export_batch(station, CLERKS[0], sid, "1号机", kit=_kit(db, other_id, "1号机"))
    with pytest.raises(BT.BatchRefused, match="另一个考评活动"):
        BT.import_batch(db, ADMIN_ACTOR, batch)
    # Same name and year but rosters changed after the copies were handed out: refused too.
    first, *rest = demo[1].departments
    eid = import_evaluation(db, ADMIN_ACTOR, replace(demo[1], departments=[
        replace(first, presenter=first.presenter + "某"), *rest]))
    with pytest.raises(BT.BatchRefused, match="设置或部门、评委类别名单与本机的不一致"):
        BT.import_batch(db, ADMIN_ACTOR, batch, evaluation_id=eid)


def test_same_serial_typed_differently_goes_to_reconciliation(any_db, tmp_path, demo):
    data, empty = demo
    inputs = _inputs(data)[:4]
    eid = import_evaluation(any_db, ADMIN_ACTOR, empty)
    a, sa = _station(tmp_path / "a.db", empty, inputs, CLERKS[0])
    wrong = replace(inputs[1], marks={**inputs[1].marks,
                                      next(iter(inputs[1].marks)): "61"})
    b, sb = _station(tmp_path / "b.db", empty, [inputs[0], wrong], CLERKS[1])
    BT.import_batch(any_db, ADMIN_ACTOR, BT.export_batch(a, CLERKS[0], sa, "1号机",
                                                         kit=_kit(any_db, eid, "1号机")))
    report = BT.import_batch(any_db, ADMIN_ACTOR, BT.export_batch(
        b, CLERKS[1], sb, "2号机", kit=_kit(any_db, eid, "2号机")))
    assert (report.added, report.duplicates, report.conflicts) == (0, 1, 1)
    assert "A002" in report.text() or inputs[1].serial in report.text()
    [conflict] = list_conflicts(any_db, ADMIN_ACTOR, eid)
    assert conflict.serial == inputs[1].serial
    assert conflict.first.operator == "李录入(1号机)"
    assert conflict.second.operator == "赵录入(2号机)"
    assert conflict.differences == (next(iter(inputs[1].marks)),)
    assert entry_counts(any_db, eid)["conflict"] == 1
    resolve_conflict(any_db, ADMIN_ACTOR, eid, conflict.ballot_id, inputs[1])
    assert entry_counts(any_db, eid) == {"confirmed": 4, "pending": 0, "conflict": 0,
                                         "reentry": 0}


def test_double_entry_pairs_batches_of_two_stations(db, tmp_path, demo):
    data, empty = demo
    inputs = _inputs(data)[:6]
    eid = import_evaluation(db, ADMIN_ACTOR, empty)
    update_settings(db, ADMIN_ACTOR, eid, double_entry=True)
    a, sa = _station(tmp_path / "a.db", empty, inputs, CLERKS[0])
    changed = replace(inputs[5], group="群众代表" if inputs[5].group != "群众代表" else "企业家代表")
    b, sb = _station(tmp_path / "b.db", empty, inputs[:5] + [changed], CLERKS[1])
    first = BT.import_batch(db, ADMIN_ACTOR, BT.export_batch(a, CLERKS[0], sa, "1号机",
                                                             kit=_kit(db, eid, "1号机")))
    assert first.added == 6 and entry_counts(db, eid)["pending"] == 6
    second = BT.import_batch(db, ADMIN_ACTOR, BT.export_batch(b, CLERKS[1], sb, "2号机",
                                                              kit=_kit(db, eid, "2号机")))
    assert (second.confirmed, second.conflicts) == (5, 1)
    assert list_conflicts(db, ADMIN_ACTOR, eid)[0].differences == ("评委类别",)


def test_cli_batch_export_and_import(tmp_path, demo):
    from evalapp.cli import main
    data, empty = demo
    master = open_database(tmp_path / "master.db")
    import_evaluation(master, ADMIN_ACTOR, empty)
    station, _ = _station(tmp_path / "s.db", empty, _inputs(data)[:10], CLERKS[0])
    master.dispose(), station.dispose()
    out, kit = tmp_path / "批次.json", tmp_path / "2号机.kit"
    assert main(["station-kit", str(kit), "--station", "2号机",
                 "--db", str(tmp_path / "master.db")]) == 0
    assert main(["batch-export", str(out), "--kit", str(kit), "--operator", "李录入",
                 "--db", str(tmp_path / "s.db")]) == 0
    assert main(["batch-import", str(out), "--db", str(tmp_path / "master.db")]) == 0
    assert main(["batch-import", str(out), "--db", str(tmp_path / "master.db")]) == 1
    master = open_database(tmp_path / "master.db")
    assert len(list_ballots(master, 1)) == 10
    master.dispose()


def _signed(master, tmp_path, demo):
    data, empty = demo
    eid = import_evaluation(master, ADMIN_ACTOR, empty)
    station, sid = _station(tmp_path / "s.db", empty, _inputs(data)[:4], CLERKS[0])
    kit = _kit(master, eid, "2号机")
    batch = BT.export_batch(station, CLERKS[0], sid, None, kit=kit)
    station.dispose()
    return eid, kit, batch


def test_edited_and_rechecksummed_batch_is_refused_by_name(db, tmp_path, demo):
    eid, _, batch = _signed(db, tmp_path, demo)
    dept = next(iter(batch["ballots"][0]["marks"]))
    batch["ballots"][0]["marks"][dept] = "60"
    batch["checksum"] = BT.checksum_of(batch)  # the edit with the checksum recomputed
    with pytest.raises(BT.BatchRefused, match="录入点“2号机”.*认证码不符"):
        BT.import_batch(db, ADMIN_ACTOR, batch)
    assert list_ballots(db, eid) == []


def test_batch_without_a_kit_or_with_a_foreign_kit_is_refused(db, tmp_path, demo):
    eid, kit, batch = _signed(db, tmp_path, demo)
    stripped = {k: v for k, v in batch.items() if k not in ("mac", "kit_id")}
    stripped["checksum"] = BT.checksum_of(stripped)
    with pytest.raises(BT.BatchRefused, match="没有录入包认证码"):
        BT.import_batch(db, ADMIN_ACTOR, stripped)
    forged = dict(kit, kit_id="0" * 16, secret="ab" * 32)  # a kit this master never issued
    station, sid = _station(tmp_path / "s2.db", demo[1], _inputs(demo[0])[:2], CLERKS[1])
    other = BT.export_batch(station, CLERKS[1], sid, None, kit=forged)
    station.dispose()
    with pytest.raises(BT.BatchRefused, match="没有发放过的录入包"):
        BT.import_batch(db, ADMIN_ACTOR, other)
    renamed = dict(batch, station="3号机")  # another station's name with 2号机's kit
    renamed["checksum"] = BT.checksum_of(renamed)
    with pytest.raises(BT.BatchRefused, match="发给“2号机”"):
        BT.import_batch(db, ADMIN_ACTOR, renamed)
    assert list_ballots(db, eid) == []
    assert BT.import_batch(db, ADMIN_ACTOR, batch).added == 4  # the genuine batch merges


def test_kit_file_round_trip(db, tmp_path, demo):
    from evalapp.services.station_kit import KitError, read_kit
    _, kit, _ = _signed(db, tmp_path, demo)
    assert read_kit(write_kit(kit, tmp_path / "k.kit")) == kit
    (tmp_path / "bad.kit").write_text("{}", encoding="utf-8")
    with pytest.raises(KitError, match="不是主机发放的录入包"):
        read_kit(tmp_path / "bad.kit")
