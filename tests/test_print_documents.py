"""Every printed document, rendered with a roster of rare name characters (issue 14):
every character of every department and presenter name has a real glyph in a font embedded
in the PDF (read from the embedded font programs, not only from text extraction); official
documents carry no command, hash or program name; the notice has its 版记 and a 附件 at
≥ 9 pt; ballots are readable and writable by hand."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from evalapp.demo import demo_evaluations
from evalapp.digest import check_code
from evalapp.domain import Evaluator
from evalapp.reports.ballots_pdf import BallotOptions, BallotPainter, write_ballots
from evalapp.reports.feedback_pdf import write_feedback
from evalapp.reports.fonts import font_stacks
from evalapp.reports.lists_pdf import write_lists
from evalapp.reports.notice_pdf import default_notice_options, write_notice
from evalapp.reports.ranking_table import MIN_SIZE, layout
from evalapp.reports.tally_sheet_pdf import ChainHead, write_tally_sheet
from evalapp.services.results import Results
from evalapp.tally import tally
from evalapp.tally_result import PreviousResult

# Names with characters outside GB2312 (堃 …), in Extension A (䶮) and Extension B (𠇔 𪚥).
RARE_NAMES = {"区文联": "区䶮𠇔档案局", "区科协": "区堃犇昇科协", "区侨联": "区翀喆侨联",
              "区妇联": "区赟燊祎妇联", "区残联": "区𪚥残联"}
RARE_PRESENTERS = ["刘𠇔", "王赟", "李祎燊", "张䶮", "陈𪚥", "赵喆翀", "孙堃", "周犇昇"]
ALL_RARE = "䶮𠇔堃犇昇翀喆赟燊祎𪚥"
WHITESPACE = set(" \u3000\n\t")
SOFTWARE = re.compile(r"main\.py|--[a-z]|verify|evalapp|SHA-?256|计分系统|\.exe|摘要",
                      re.IGNORECASE)
HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def _rename(data):
    new = lambda n: RARE_NAMES.get(n, n)  # noqa: E731
    departments = []
    for i, d in enumerate(data.departments):
        presenter = RARE_PRESENTERS[i % len(RARE_PRESENTERS)] if i % 3 == 0 else d.presenter
        departments.append(replace(d, name=new(d.name), presenter=presenter))
    data.departments = departments
    data.ballots = [replace(b, marks={new(k): v for k, v in b.marks.items()},
                            own_department=b.own_department and new(b.own_department))
                    for b in data.ballots]
    data.adjustments = [replace(a, department=new(a.department)) for a in data.adjustments]
    data.component_values = {new(k): v for k, v in data.component_values.items()}
    return data


@pytest.fixture(scope="module")
def results() -> Results:
    before, data = demo_evaluations()
    data = _rename(data)
    assert all(c in "".join(d.name + d.presenter for d in data.departments) for c in ALL_RARE)
    first = tally(before)
    return Results(data, tally(data, PreviousResult(first.evaluation, first.year,
                                                    first.standings())), 0)


@pytest.fixture(scope="module")
def documents(results) -> dict[str, bytes]:
    options = default_notice_options(results)
    recusal = next(g for g in results.data.groups if g.recusal)
    return {
        "notice-draft": write_notice(results, options=options, final=False),
        "notice-final": write_notice(results, options=options, final=True),
        "lists": write_lists(results, final=True),
        "feedback": write_feedback(results, final=True),
        "tally-sheet": write_tally_sheet(results, None, ChainHead("ab" * 32, 120, 0),
                                         final=True),
        "ballots": write_ballots(results, options=BallotOptions(group=recusal.name, copies=2)),
    }


def _to_text(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be")


def font_glyphs(pdf: bytes) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """(char → base names of embedded fonts that draw it, [(font, char) drawn by an empty or
    missing glyph]) — read from each font's ToUnicode map and its embedded TrueType program."""
    reader = PdfReader(io.BytesIO(pdf))
    drawn: dict[str, set[str]] = {}
    blank: list[tuple[str, str]] = []
    seen = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if id(font) in seen or "/ToUnicode" not in font:
                continue
            seen.add(id(font))
            base = str(font["/BaseFont"]).split("+", 1)[-1]
            program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object()
            embedded = TTFont(io.BytesIO(program.get_data()))
            cmap = {code: name for table in embedded["cmap"].tables
                    for code, name in table.cmap.items()}
            glyf = embedded["glyf"]
            cmap_text = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            pairs = [pair for section in re.findall(r"beginbfchar(.*?)endbfchar", cmap_text,
                                                    re.DOTALL)
                     for pair in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]+)>", section)]
            assert pairs, base
            for code, uni in pairs:
                char = _to_text(uni)
                if char == "\x00" or (len(char) == 1 and ord(char) == int(code, 16) < 128):
                    continue  # reportlab's identity-mapped ASCII slots (drawn or not)
                name = cmap.get(int(code, 16))
                if char in WHITESPACE:
                    continue
                if name is None or name == ".notdef" or glyf[name].numberOfContours == 0:
                    blank.append((base, char))
                else:
                    drawn.setdefault(char, set()).add(base)
    return drawn, blank


def _registered_cmap(base: str) -> set[int]:
    """The cmap of the bundled/registered font whose PostScript name is ``base``."""
    for stack in font_stacks().values():
        for name in stack.names:
            face = pdfmetrics.getFont(name).face
            ps_name = face.name.decode() if isinstance(face.name, bytes) else face.name
            if base in (ps_name, f"{ps_name}-0"):  # reportlab names a .ttc face "-0"
                return set(face.charToGlyph)
    raise AssertionError(f"no registered font named {base}")


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf))
                                      .pages))


@pytest.mark.parametrize("kind", ["notice-draft", "notice-final", "lists", "feedback",
                                  "tally-sheet", "ballots"])
def test_no_character_prints_as_a_box_or_a_blank(documents, kind):
    drawn, blank = font_glyphs(documents[kind])
    assert blank == []
    for char, fonts in drawn.items():  # each glyph comes from a font that has the character
        assert any(ord(char) in _registered_cmap(f) for f in fonts), (char, fonts)
    text = _text(documents[kind])
    assert "\x00" not in text
    assert {c for c in text if ord(c) > 127 and c not in drawn} == set()


@pytest.mark.parametrize("kind", ["notice-final", "feedback", "ballots"])
def test_every_name_and_presenter_has_embedded_glyphs(documents, results, kind):
    drawn, _ = font_glyphs(documents[kind])
    text = _text(documents[kind])
    names = [d.name for d in results.data.departments]
    if kind == "feedback":
        names += [d.presenter for d in results.data.departments if d.presenter]
    for name in names:
        assert all(c in drawn for c in name), (name, [c for c in name if c not in drawn])
        assert name in text, name
    assert set(ALL_RARE) <= set(drawn) or kind != "feedback"


def test_rare_characters_print_in_a_serif_not_the_sans(documents):
    drawn, _ = font_glyphs(documents["notice-final"])
    for char in "䶮𠇔堃犇昇":
        assert drawn[char] and not any("WenQuanYi" in f for f in drawn[char]), char


@pytest.mark.parametrize("kind", ["notice-draft", "notice-final", "lists", "feedback"])
def test_official_documents_carry_no_software(documents, results, kind):
    reader = PdfReader(io.BytesIO(documents[kind]))
    text = "".join(p.extract_text() for p in reader.pages)
    assert not HEX64.search(text)
    assert not SOFTWARE.search(text), SOFTWARE.search(text)
    assert check_code(results.result.digest) not in text
    assert not SOFTWARE.search(str(reader.metadata))


def test_imprint_is_on_the_last_page(documents, results):
    options = default_notice_options(results)
    for kind in ("notice-draft", "notice-final"):
        reader = PdfReader(io.BytesIO(documents[kind]))
        last = re.sub(r"\s+", "", reader.pages[-1].extract_text())
        assert "抄送：" in last and f"{options.printed_by}{options.printed_on}印发" in last
        assert len(reader.pages) % 2 == 0


def test_annex_text_is_never_under_9_pt(documents, results):
    reader = PdfReader(io.BytesIO(documents["notice-final"]))
    sizes = []
    start = next(i for i, p in enumerate(reader.pages) if "附件" in p.extract_text()
                 and "排名表" in p.extract_text() and i > 0)

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(size * max(abs(tm[0]), abs(tm[3])) * max(abs(cm[0]), abs(cm[3])))
    for page in reader.pages[start:]:
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 9 - 0.01
    assert layout(results).size >= MIN_SIZE == 9


def test_annex_has_every_component_and_the_tie_rule(documents, results):
    text = _text(documents["notice-final"])
    for c in results.data.effective_components():
        assert c.name in text
    for g in results.data.groups:
        assert g.name in text
    assert "加减分" in text and "同分依次比较集中考评得分" in text
    # 区地方税务局 and 区国家税务局 share 93.62: the note says which key decided
    assert "按集中考评得分排序：区地方税务局91.82，区国家税务局91.81。" in text


def test_tally_sheet_has_counts_codes_and_signatures(documents, results):
    text = _text(documents["tally-sheet"])
    assert len(PdfReader(io.BytesIO(documents["tally-sheet"])).pages) == 1
    assert check_code(results.result.digest) in text and check_code("ab" * 32) in text
    for g in results.result.groups:
        assert f"{g.name}" in text
    assert f"合计{sum(g.issued for g in results.result.groups)}{results.result.total_ballots}" \
        f"{results.result.valid_ballots}{results.result.invalid_ballots}" in text
    assert text.count("监票人（签字）") == 2 and "计票人（签字）" in text


def test_recusal_ballots_have_a_department_line_and_readable_sizes(documents, results):
    reader = PdfReader(io.BytesIO(documents["ballots"]))
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(size)
    for page in reader.pages:
        assert "本人所在部门" in page.extract_text()
        page.extract_text(visitor_text=visit)
    assert min(sizes) >= 10.5
    assert reader.metadata.title == f"{results.result.evaluation}评分表"
    assert reader.metadata.author == results.result.evaluation
    text = _text(documents["ballots"])
    assert "(" not in text and ")" not in text  # full-width brackets throughout
    recusal = next(g for g in results.data.groups if g.recusal)
    painter = BallotPainter(results.data, recusal, results.result.evaluation)
    sides, row_h = painter.plan()
    assert row_h >= 7 * mm and len(sides) == 2
    table = painter.table(sides[0][:3], row_h, 80 * mm)
    assert table._colWidths[-1] >= 25 * mm


def test_other_groups_have_no_department_line(results):
    group = next(g for g in results.data.groups if not g.recusal)
    pdf = write_ballots(results, options=BallotOptions(group=group.name, copies=1))
    assert "所在部门" not in _text(pdf)


def test_department_pre_printed_when_the_roster_links_evaluators(results):
    data = results.data
    recusal = next(g for g in data.groups if g.recusal)
    units = [d.name for d in sorted(data.departments, key=lambda d: d.order)[:3]]
    linked = replace(data, evaluators=[Evaluator(f"评委{i}", recusal.name, unit)
                                       for i, unit in enumerate(units)])
    pdf = write_ballots(Results(linked, results.result, 0),
                        options=BallotOptions(group=recusal.name, copies=2, start=2))
    pages = PdfReader(io.BytesIO(pdf)).pages
    first = re.sub(r"\s+", "", pages[0].extract_text() + pages[1].extract_text())
    second = re.sub(r"\s+", "", pages[2].extract_text() + pages[3].extract_text())
    assert f"本人所在部门：{units[1]}" in first and "本部门，不评" in first
    assert f"本人所在部门：{units[2]}" in second
