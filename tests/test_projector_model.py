"""The projector's view model: nothing per ballot, per clerk or per evaluator; rank change
and outcome words; paging; the reveal order; "已更正" only after a correction."""

import dataclasses


from evalapp.services.ballots import BallotInput, add_ballot, list_ballots, void_ballot
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.double_entry import entry_counts
from evalapp.services.results import compute_results
from ui.projector.projector_model import (
    KEY_COMMEND,
    OFFICIAL,
    OUTCOME_WORDS,
    PRELIMINARY,
    ProjectorProgress,
    ProjectorView,
    build_view,
    view_fields,
)
from ui.projector.reveal import BOTTOM_FIRST, TOP_FIRST, Reveal, page_of, pages, reveal_steps

FORBIDDEN = ("serial", "票号", "operator", "entered_by", "marks", "evaluator", "ballot",
             "group_scores", "group_marks", "clerk", "录入")
CLERK_ACTOR = Actor("录入员王小五", CLERK)


def _view(db, eid, before=None, final=False) -> ProjectorView:
    return build_view(compute_results(db, eid), entry_counts(db, eid), final, before)


def _keys(value, found: set) -> set:
    """Every field name / dict key anywhere inside a view."""
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            found.add(f.name)
            _keys(getattr(value, f.name), found)
    elif isinstance(value, dict):
        for k, v in value.items():
            found.add(str(k))
            _keys(v, found)
    elif isinstance(value, (list, tuple, set)):
        for v in value:
            _keys(v, found)
    return found


def test_model_holds_no_per_ballot_field(demo):
    db, eid = demo
    first = compute_results(db, eid).result.departments[0].name
    add_ballot(db, CLERK_ACTOR, eid, BallotInput("保密-0001", "老同志代表", {first: "88"}))
    view = _view(db, eid)
    names = _keys(view, set()) | view_fields()
    bad = {n for n in names if any(word.lower() in n.lower() for word in FORBIDDEN)}
    assert bad == set()
    text = repr(view)
    assert "保密-0001" not in text and "王小五" not in text
    groups = [g.name for g in compute_results(db, eid).result.groups]
    assert not any(g in text for g in groups)  # nothing per evaluator group either


def test_rows_scores_outcomes_and_change(demo):
    db, eid = demo
    results = compute_results(db, eid)
    view = _view(db, eid)
    assert view.status_label == PRELIMINARY and _view(db, eid, final=True).status_label == OFFICIAL
    assert [c.name for c in view.categories] == [c.name for c in results.data.categories]
    assert sum(len(c.rows) for c in view.categories) == len(results.result.departments)
    by_name = {d.name: d for d in results.result.departments}
    for category in view.categories:
        ranks = [r.rank for r in category.rows if r.rank is not None]
        assert ranks == sorted(ranks)
        for row in category.rows:
            d = by_name[row.name]
            assert row.rank == d.category_rank and d.category == category.name
            if d.rank_change:
                arrow = "↑" if d.rank_change > 0 else "↓"
                assert row.change == f"{arrow}{abs(d.rank_change)}"
            if d.outcome == "commend" and not d.veto:
                assert row.outcome == KEY_COMMEND and row.outcome_word == "表扬"
            assert row.outcome_word == OUTCOME_WORDS[row.outcome]
    first = view.categories[0].rows[0]
    assert first.score == f"{by_name[first.name].final_score:.2f}"
    assert view.progress.text == f"已录入 {results.result.total_ballots}/220 张"


def test_progress_line_with_double_entry(demo):
    from evalapp.services.evaluations import update_settings
    db, eid = demo
    update_settings(db, Actor("主任", ADMIN), eid, double_entry=True)
    first = compute_results(db, eid).result.departments[0].name
    add_ballot(db, CLERK_ACTOR, eid, BallotInput("双录-1", "老同志代表", {first: "90"}))
    view = _view(db, eid)
    entered = sum(entry_counts(db, eid).values())
    assert view.progress.text == f"已录入 {entered}/220 张,已核对 {entered - 1} 张"
    assert view.progress.lines() == (f"已录入 {entered}/220 张", f"已核对 {entered - 1} 张")


def test_new_ballot_is_not_a_correction_but_a_void_is(demo):
    db, eid = demo
    first = compute_results(db, eid).result.departments[0].name
    before = _view(db, eid)
    info = add_ballot(db, CLERK_ACTOR, eid, BallotInput("新-1", "老同志代表", {first: "60"}))
    after = _view(db, eid, before)
    assert after.progress.entered == before.progress.entered + 1 and not after.corrected
    assert _view(db, eid, after).corrected is False  # nothing changed
    void_ballot(db, CLERK_ACTOR, eid, info.id, "字迹无法辨认")
    voided = _view(db, eid, after)
    assert voided.corrected  # same count, different counted input
    assert _view(db, eid, voided).corrected  # stays until the next new ballot
    add_ballot(db, CLERK_ACTOR, eid, BallotInput("新-2", "群众代表", {first: "70"}))
    assert not _view(db, eid, voided).corrected
    assert len(list_ballots(db, eid)) == after.progress.entered + 1


def test_paging_keeps_categories_apart(demo):
    db, eid = demo
    view = _view(db, eid)
    all_pages = pages(view, 10)
    sizes = {c.name: len(c.rows) for c in view.categories}
    for name, size in sizes.items():
        mine = [p for p in all_pages if p.category == name]
        assert len(mine) == -(-size // 10) and mine[-1].end == size
        assert [p.number for p in mine] == list(range(1, len(mine) + 1))
    last = view.categories[0]
    assert all_pages[page_of(all_pages, last.name, len(last.rows) - 1)].end == len(last.rows)


def test_reveal_bottom_first_then_top_first(demo):
    db, eid = demo
    view = _view(db, eid)
    steps = reveal_steps(view, BOTTOM_FIRST)
    assert len(steps) == sum(len(c.rows) for c in view.categories)
    first_cat = view.categories[0]
    n = len(first_cat.rows)
    assert steps[:n] == [(first_cat.name, i) for i in reversed(range(n))]
    assert steps[n][0] == view.categories[1].name
    second = view.categories[1]
    ranks = [second.rows[i].rank for c, i in steps if c == second.name]
    assert ranks == sorted(ranks, key=lambda r: -(r or 10 ** 6))  # the last-ranked first
    top = reveal_steps(view, TOP_FIRST)
    assert top[:n] == [(first_cat.name, i) for i in range(n)]

    reveal = Reveal(view, BOTTOM_FIRST)
    assert reveal.focus() == (first_cat.name, n - 1) and reveal.current() is None
    assert reveal.next() == (first_cat.name, n - 1)
    assert reveal.next() == (first_cat.name, n - 2)
    assert reveal.revealed(first_cat.name) == {n - 1, n - 2}
    reveal.previous()
    assert reveal.revealed(first_cat.name) == {n - 1} and reveal.status() == f"已揭晓 1/{len(steps)} 条"
    while reveal.next():
        pass
    assert reveal.done and reveal.next() is None


def test_progress_never_above_the_issued_count():
    """"已录入 222/220 张" must never reach the hall; the laptop gets the surplus."""
    over = ProjectorProgress(220, 222, 221, True)
    assert over.lines() == ("已录入 220/220 张", "已核对 220 张")
    assert over.text == "已录入 220/220 张,已核对 220 张" and over.fraction == 1.0
    assert over.surplus == 2 and "已录入 222 张" in over.secretariat_warning
    under = ProjectorProgress(220, 210, 200, False)
    assert under.lines() == ("已录入 210/220 张",) and under.secretariat_warning == ""
    unknown = ProjectorProgress(None, 30, 30, False)
    assert unknown.text == "已录入 30 张" and unknown.surplus == 0
