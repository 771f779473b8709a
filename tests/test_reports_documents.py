"""Lists, feedback sheets, blank ballots and the report subcommands of the command line."""

import io
import re

import pytest
from pypdf import PdfReader

from evalapp.cli import main as cli_main
from evalapp.demo import demo_evaluations
from evalapp.reports.ballots_pdf import BallotOptions, serial_scheme, write_ballots
from evalapp.reports.feedback_pdf import FeedbackOptions, write_feedback
from evalapp.reports.lists_pdf import ListOptions, write_lists
from evalapp.rounding import fixed
from evalapp.services.results import Results
from evalapp.tally import tally
from evalapp.tally_result import PreviousResult


@pytest.fixture(scope="module")
def results():
    before, data = demo_evaluations()
    first = tally(before)
    return Results(data, tally(data, PreviousResult(first.evaluation, first.year,
                                                    first.standings())), 0)


def pages_text(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("kind", ["commend", "admonish"])
def test_each_list_is_one_page_and_equals_the_tally(results, kind):
    pages = pages_text(write_lists(results, options=ListOptions(kinds=(kind,))))
    assert len(pages) == 1
    expected = {d.name for d in results.result.departments if d.outcome == kind}
    printed = {d.name for d in results.result.departments if d.name in pages[0]}
    assert expected and printed == expected
    assert "考评办主任" in pages[0] and "监票人" in pages[0]


def test_both_lists_in_one_pdf(results):
    assert len(pages_text(write_lists(results))) == 2


def test_feedback_one_page_per_department_with_its_figures(results):
    pages = pages_text(write_feedback(results, final=True))
    departments = sorted(results.result.departments, key=lambda d: d.order)
    assert len(pages) == len(departments)
    places = results.result.decimals
    for page, d in zip(pages, departments):
        assert d.name in page
        assert fixed(d.final_score, places) in page and fixed(d.onsite_score, places) in page
        assert f"{d.rank}/73" in page
        for a in d.adjustments:
            assert a.reason.replace(":", "：") in page or a.reason in page
            if not a.veto:  # with the result's decimals and a sign, like the 加分 row
                assert f"{a.points:+.{places}f}".replace("-", "−") in page
        assert results.result.digest not in page and "计分系统" not in page


def test_feedback_for_one_department(results):
    name = results.result.departments[5].name
    pages = pages_text(write_feedback(results, options=FeedbackOptions(department=name)))
    assert len(pages) == 1 and name in pages[0] and "未定稿" in pages[0]


def test_ballots_have_unique_serials_in_the_group_scheme(results):
    data = results.data
    pdf = write_ballots(results, options=BallotOptions(copies=2))
    pages = pages_text(pdf)
    sides = 2  # 73 departments at ≥ 7 mm a row: both sides of the sheet
    assert len(pages) == 2 * len(data.groups) * sides
    serials = [re.search(r"票号:?：?([A-Z]\d{3})", p).group(1) for p in pages]
    assert serials == [s for s in serials[::sides] for _ in range(sides)]
    serials = serials[::sides]
    assert len(set(serials)) == len(serials)
    assert serials[:2] == ["A001", "A002"] and serial_scheme(data, data.groups[1]) == ("B", 3)
    order = [d.name for d in sorted(data.departments, key=lambda d: d.order)]
    for front, back in zip(pages[::sides], pages[1::sides]):
        both = front + back
        positions = [both.index(name) for name in order]
        assert positions == sorted(positions)  # presentation order
        assert "不得超过21个" in front  # the excellent quota is printed
        for staff_words in ("录入员", "截断", "四舍五入"):
            assert staff_words not in both


def test_ballots_one_group_default_copies_is_issued_count(results):
    group = results.data.groups[0]
    pages = pages_text(write_ballots(results, options=BallotOptions(group=group.name)))
    assert len(pages) == group.expected * 2


def test_cli_report_commands(tmp_path):
    db = str(tmp_path / "d.db")
    assert cli_main(["demo", "--db", db]) == 0
    for argv in (["notice"], ["lists", "--kind", "commend"], ["feedback", "--department",
                                                                 "区文联"],
                 ["ballots", "--group", "老同志代表", "--copies", "2"]):
        out = tmp_path / f"{argv[0]}.pdf"
        assert cli_main(argv + ["--db", db, str(out)]) == 0
        assert out.read_bytes().startswith(b"%PDF")
    assert len(PdfReader(str(tmp_path / "ballots.pdf")).pages) == 2 * 2  # two sides each
    sheet = tmp_path / "sheet.pdf"
    assert cli_main(["tally-sheet", "--db", db, str(sheet)]) == 0
    text = PdfReader(str(sheet)).pages[0].extract_text()
    assert len(PdfReader(str(sheet)).pages) == 1 and "计票核对单" in text
    assert re.search(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", text)
    notice = tmp_path / "n.pdf"
    assert cli_main(["notice", "--db", db, "--date", "2022年1月10日", "--copy-to",
                     "区委办公室、区政府办公室", str(notice)]) == 0
    last = PdfReader(str(notice)).pages[-1].extract_text().replace("\n", "").replace(" ", "")
    assert "抄送：区委办公室、区政府办公室。" in last and "2022年1月10日印发" in last
    assert cli_main(["feedback", "--db", db, "--department", "没有这个部门",
                     str(tmp_path / "x.pdf")]) == 1


def test_every_cli_command_is_reachable_from_main():
    import main
    from evalapp.cli import COMMANDS
    assert set(COMMANDS) <= main.SUBCOMMANDS
