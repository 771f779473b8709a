"""The vectorised tally (evalapp.tally_fast) against the pure tally and the independent
reference, on random evaluations of every rule switch: identical result objects and digests,
whether the ballots are plain dictionaries or a packed BallotMatrix."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import fields, replace
from decimal import Decimal as D

import pytest
from hypothesis import given, strategies as st

from evalapp.ballot_matrix import BallotMatrix
from evalapp.digest import canonical_form, evaluation_digest
from evalapp.domain import (
    Ballot, Department, DomainError, EvaluationData, Group, Settings,
)
from evalapp.tally import tally
from evalapp.tally_fast import tally_fast
from reference_tally import reference_tally, tally_as_json
from test_tally_properties import SETTINGS, as_previous, by_name, evaluations, previous_flags


def packed(data: EvaluationData) -> EvaluationData:
    matrix = BallotMatrix.from_ballots(data.ballots, [d.name for d in data.departments])
    return replace(data, ballots=matrix)


def department_fields(d) -> dict:
    return {f.name: getattr(d, f.name) for f in fields(d)}


def assert_same(got, want) -> None:
    """Every field of every result object, in order, and the digest."""
    assert [department_fields(d) for d in got.departments] == \
        [department_fields(d) for d in want.departments]
    assert got.groups == want.groups
    assert got.categories == want.categories
    assert got.warnings == want.warnings
    assert (got.evaluation, got.year, got.decimals) == (want.evaluation, want.year, want.decimals)
    assert got.digest == want.digest


def old_digest(data: EvaluationData) -> str:
    """The digest as it was computed before it was streamed: one JSON text of everything."""
    text = json.dumps(canonical_form(data), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@SETTINGS
@given(st.data())
def test_vectorised_equals_pure_and_reference(data_strategy):
    data = data_strategy.draw(evaluations())
    flags = data_strategy.draw(previous_flags(data))
    previous = as_previous(flags)
    want = tally(data, previous)
    for variant in (data, packed(data)):
        got = tally_fast(variant, previous)
        assert_same(got, want)
        assert got.digest == old_digest(data)
    reference = reference_tally(data, flags)
    got_json = tally_as_json(tally_fast(packed(data), previous))
    assert got_json["ballots"] == reference["ballots"]
    assert by_name(got_json) == by_name(reference)
    assert got_json["repeat"] == reference["repeat"]


@SETTINGS
@given(evaluations(), st.randoms(use_true_random=False))
def test_ballot_order_and_packing_never_matter(data, rnd):
    shuffled = copy.deepcopy(data)
    rnd.shuffle(shuffled.ballots)
    assert_same(tally_fast(packed(shuffled)), tally(data))


@SETTINGS
@given(evaluations())
def test_matrix_gives_back_the_ballots(data):
    matrix = packed(data).ballots
    assert len(matrix) == len(data.ballots)
    assert list(matrix) == data.ballots
    assert matrix[-1:] == data.ballots[-1:]
    assert matrix.mark_count() == sum(len(b.marks) for b in data.ballots)


def small(ballots, **settings) -> EvaluationData:
    return EvaluationData(
        settings=Settings(name="例", **settings),
        groups=[Group("甲", D(60), trim=1, trim_from=3), Group("乙", D(40), recusal=True)],
        departments=[Department(1, "A"), Department(2, "B"), Department(3, "C\"引号")],
        ballots=ballots)


def test_digest_stream_matches_the_whole_text_with_awkward_names():
    ballots = [Ballot("3", "甲", {"C\"引号": "80", "A": "90.5"}),
               Ballot("1", "乙", {"B": "70", "A": "100", "外部": "60"}, own_department="B",
                      void_reason="字迹\"无法\"辨认"),
               Ballot("2", "甲", {}),
               Ballot("2b", "乙", {"A": "0"}, own_department="A")]
    data = small(ballots, void_identical=True)
    for variant in (data, packed(data)):
        assert evaluation_digest(variant) == old_digest(data)
    assert_same(tally_fast(packed(data)), tally(data))


def test_marks_of_departments_outside_the_list_still_make_a_ballot_void():
    ballots = [Ballot("1", "甲", {"A": "96", "外部": "97"}), Ballot("2", "甲", {"A": "80"}),
               Ballot("3", "甲", {"A": "70", "B": "70"})]
    data = small(ballots, excellent_ratio=D("0.34"), high_line=D(95), void_identical=True)
    got = tally_fast(packed(data))
    assert_same(got, tally(data))
    assert [i.serial for g in got.groups for i in g.invalid_ballots] == ["1", "3"]


def test_bad_input_raises_the_pure_tallys_message():
    data = small([Ballot("1", "丙", {"A": "80"})])
    with pytest.raises(DomainError) as pure:
        tally(data)
    with pytest.raises(DomainError) as fast:
        tally_fast(packed(data))
    assert str(fast.value) == str(pure.value) and "丙" in str(pure.value)
    data = small([Ballot("1", "甲", {"A": "80.25"})])
    with pytest.raises(DomainError, match="小数位"):
        tally_fast(packed(data))


def test_huge_marks_fall_back_to_exact_python_integers():
    big = "9" * 20
    data = small([Ballot(str(i), "甲", {"A": big, "B": "1"}) for i in range(4)],
                 high=D(big), mark_decimals=0)
    got = tally_fast(packed(data))
    assert_same(got, tally(data))
    assert got.departments[0].group_exact["甲"] == int(big)


def test_packed_read_from_the_database_equals_the_plain_read(db):
    from evalapp.services.context import SYSTEM
    from evalapp.services.evaluations import get_evaluation, import_evaluation
    from evalapp.services.results import compute_results
    from evalapp.services.store import load_data
    from evalapp.domain import GRADE_MODE, parse_grades
    grades = parse_grades('优"秀=100,良\\好=85,一般=70,不了解=')
    settings = Settings(name="读取", mode=GRADE_MODE, grades=grades)
    departments = [Department(i, f"部门{i}") for i in range(1, 13)]
    names = [g.name for g in grades]
    ballots = []
    for i in range(40):
        marks = {d.name: names[(i * 7 + j * 3) % 4] for j, d in enumerate(departments)
                 if (i + j) % 5}
        if i % 3 == 0:  # plain names only: the fast path (no escape sequences)
            marks = {k: v for k, v in marks.items() if v in ("一般", "不了解")}
        ballots.append(Ballot(f"{i:03d}", "甲" if i % 2 else "乙", marks,
                              own_department="部门3" if i % 4 == 1 else None,
                              void_reason="污损" if i == 7 else None))
    data = EvaluationData(settings=settings, departments=departments, ballots=ballots,
                          groups=[Group("甲", D(70), trim=1, trim_from=3),
                                  Group("乙", D(30), recusal=True)])
    evaluation_id = import_evaluation(db, SYSTEM, data)
    with db.session() as s:
        ev = get_evaluation(s, evaluation_id)
        plain, matrix = load_data(s, ev), load_data(s, ev, packed=True)
    assert list(matrix.ballots) == plain.ballots
    assert evaluation_digest(matrix) == evaluation_digest(plain) == old_digest(plain)
    assert_same(compute_results(db, evaluation_id).result, tally(plain))


def test_marks_written_by_hand_are_read_like_stored_ones(db):
    """A marks text with spaces or escapes (a hand edit, another writer) goes through the
    JSON decoder: the packed read still equals the plain read."""
    import json as json_module

    from sqlalchemy import text

    from evalapp.services.context import SYSTEM
    from evalapp.services.evaluations import get_evaluation, import_evaluation
    from evalapp.services.store import load_data
    data = small([Ballot("1", "甲", {"A": "80", "B": "90"}), Ballot("2", "甲", {"A": "70"}),
                  Ballot("3", "乙", {"B": "60"})])
    evaluation_id = import_evaluation(db, SYSTEM, data)
    with db.session() as s:
        ids = {d.name: d.id for d in get_evaluation(s, evaluation_id).departments}
        s.execute(text("UPDATE ballots SET marks = :m WHERE serial = '2'"),
                  {"m": json_module.dumps({str(ids["A"]): "75", str(ids["C\"引号"]): "65"})})
        s.commit()
        ev = get_evaluation(s, evaluation_id)
        plain, matrix = load_data(s, ev), load_data(s, ev, packed=True)
    assert list(matrix.ballots) == plain.ballots
    assert plain.ballots[1].marks == {"A": "75", "C\"引号": "65"}
    assert evaluation_digest(matrix) == evaluation_digest(plain)
