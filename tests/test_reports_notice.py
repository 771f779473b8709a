"""The results notice: GB/T 9704 geometry, embedded fonts, ranks and scores, status marks."""

import io
import itertools
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from evalapp.demo import demo_evaluations
import datetime as dt

from evalapp.reports.common import PROVISIONAL_MARK
from evalapp.reports.fonts import FANG, SONG, TITLE, stack
from evalapp.reports.gongwen import ASCENT, BODY_SIZE, CELL, LINE, PAGE_H, PAGE_NO_SIZE
from evalapp.digest import check_code
from evalapp.reports.notice_pdf import default_notice_options, write_notice
from evalapp.rounding import fixed
from evalapp.services.results import Results
from evalapp.tally import tally
from evalapp.tally_result import PreviousResult

RARE = "区堃犇测试局"


def demo_results(rename: dict[str, str] | None = None) -> Results:
    before, data = demo_evaluations()
    if rename:
        data = rename_departments(data, rename)
    first = tally(before)
    previous = PreviousResult(first.evaluation, first.year, first.standings())
    return Results(data, tally(data, previous), 0)


def rename_departments(data, rename):
    new = lambda n: rename.get(n, n)
    data.departments = [replace(d, name=new(d.name)) for d in data.departments]
    data.ballots = [replace(b, marks={new(k): v for k, v in b.marks.items()},
                            own_department=b.own_department and new(b.own_department))
                    for b in data.ballots]
    data.adjustments = [replace(a, department=new(a.department)) for a in data.adjustments]
    data.component_values = {new(k): v for k, v in data.component_values.items()}
    return data


def chunks(page):
    """(text, x, y, font name) of every text-showing operation on the page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text, x, y, font.get("/BaseFont", "") if font else ""))
    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture(scope="module")
def results():
    return demo_results({"区文联": RARE})


ISSUED = dt.date(2022, 1, 10)


@pytest.fixture(scope="module")
def provisional(results):
    options = default_notice_options(results, ISSUED)
    return PdfReader(io.BytesIO(write_notice(results, options=options, final=False)))


@pytest.fixture(scope="module")
def final(results):
    options = default_notice_options(results, ISSUED)
    return PdfReader(io.BytesIO(write_notice(results, options=options, final=True)))


def test_pages_are_a4_and_text_sits_in_the_gbt9704_block(provisional):
    page = provisional.pages[1]  # a full body page: 22 lines on the grid
    assert abs(float(page.mediabox.width) - 210 * mm) < 0.5
    assert abs(float(page.mediabox.height) - 297 * mm) < 0.5
    body = [(t, x, y) for t, x, y, _ in chunks(page)
            if 30 * mm < y < PAGE_H - 30 * mm and t != PROVISIONAL_MARK]
    first_baseline = PAGE_H - 37 * mm - (LINE - BODY_SIZE) / 2 - ASCENT * BODY_SIZE
    assert abs(max(y for _, _, y in body) - first_baseline) < 1 * mm
    assert abs(min(x for _, x, _ in body) - 28 * mm) < 1 * mm
    right = max(x + CELL for t, x, _ in body if len(t) == 1 and ord(t) > 0x2E80)
    assert abs(right - (28 + 156) * mm) < 1 * mm
    baselines = {round(y, 1) for _, _, y in body}
    assert len(baselines) == 22  # 22 lines per page
    assert min(baselines) > 35 * mm  # the block's lower edge


def test_page_numbers_odd_right_even_left_7mm_below_the_block(provisional):
    expected_baseline = 35 * mm - 7 * mm - ASCENT * PAGE_NO_SIZE
    for index in (0, 1):
        number = [(t, x, y) for t, x, y, _ in chunks(provisional.pages[index])
                  if t.strip() == f"— {index + 1} —"]
        assert number, f"page number on page {index + 1}"
        _, x, y = number[0]
        assert abs(y - expected_baseline) < 1 * mm
        width = stack(SONG).width(f"— {index + 1} —", PAGE_NO_SIZE)
        if index % 2 == 0:  # page 1: right, one character in
            assert abs(x + width - (184 * mm - PAGE_NO_SIZE)) < 1 * mm
        else:
            assert abs(x - (28 * mm + PAGE_NO_SIZE)) < 1 * mm


def test_every_font_is_embedded_truetype(provisional):
    fonts = {}
    for page in provisional.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for base, font in fonts.items():
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:  # Type0: look at the descendant
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        descriptor = descriptor.get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, base


def test_red_header_title_and_annex(provisional, results):
    first = provisional.pages[0].extract_text()
    assert "中共××区委考核工作领导小组办公室文件" in first.replace("\n", "")
    assert "区考核办〔2022〕1号" in first.replace(" ", "")  # the year of the 成文日期
    title = default_notice_options(results).title
    assert title in first.replace("\n", "")
    annex_start = _annex_start(provisional)
    assert annex_start >= 2
    # "附件" in 3号黑体, flush left on the first line of a new page
    page = provisional.pages[annex_start]
    head = next(c for c in chunks(page) if c[0] == "附")
    assert abs(head[1] - block_left(page)) < 1 * mm and "WenQuanYi" in head[3]


def block_left(page) -> float:
    """28 mm on a portrait page; a landscape page (横排表格) centres the 225 mm block."""
    width = float(page.mediabox.width)
    return 28 * mm if width < float(page.mediabox.height) else (width - 225 * mm) / 2


def _annex_start(reader) -> int:
    """The first page whose first line is "附件" (drawn one character per grid cell)."""
    for i, page in enumerate(reader.pages):
        found = chunks(page)
        for a, b in itertools.pairwise(found):
            if a[0] == "附" and b[0] == "件" and abs(a[1] - block_left(page)) < 1 * mm:
                return i
    raise AssertionError("no annex page")


def _annex_text(reader) -> str:
    start = _annex_start(reader)
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages[start:]))


def test_every_department_appears_with_rank_and_scores(provisional, results):
    text = _annex_text(provisional)
    places = results.result.decimals
    groups = [g.name for g in results.data.groups]
    for d in results.result.departments:
        rank = "—" if d.rank is None else str(d.rank)
        crank = "—" if d.category_rank is None else str(d.category_rank)
        cells = "".join(fixed(d.group_scores.get(g), places) or "—" for g in groups)
        row = re.compile(re.escape(f"{crank}{rank}{d.name}") + "※?" +
                         re.escape(f"{cells}{fixed(d.onsite_score, places)}"))
        found = row.search(text)
        assert found, d.name
        tail = text[found.end():][:60]
        assert fixed(d.final_score, places) in tail, d.name


def test_body_lists_commended_in_rank_order_and_admonished(provisional, results):
    body = re.sub(r"\s+", "", "".join(p.extract_text() for p in provisional.pages[:3]))
    for category in results.result.categories:
        commended = sorted((d for d in results.result.departments
                            if d.category == category.name and d.outcome == "commend"),
                           key=lambda d: d.category_rank)
        if commended:
            assert "依次是:".replace(":", "：") + "、".join(d.name for d in commended) in body
    for d in results.result.departments:
        if d.outcome == "admonish":
            assert d.name in body
            if d.repeat:
                assert "连续两年排名末位" in body


def test_watermark_only_on_drafts_and_never_in_the_text(provisional, final, results):
    """The 未定稿 watermark is drawn as outlines: copied text holds the note line only, so
    the title is never interleaved with watermark characters (“中共××区稿委”)."""
    draft_pages = [p.extract_text() for p in provisional.pages]
    final_text = "".join(p.extract_text() for p in final.pages)
    assert all("未定稿:结果尚未最终确定".replace(":", ":") in re.sub(r"\s", "", t)
               or "未定稿" in t for t in draft_pages)
    assert all(t.count("稿") == 1 for t in draft_pages)  # the note's 稿 only
    assert "中共××区委考核工作领导小组办公室文件" in draft_pages[0].replace("\n", "")
    assert PROVISIONAL_MARK not in final_text
    # the watermark is vector paths on every draft page, absent from final pages
    assert all(b" f*" in p.get_contents().get_data() or b"\nf\n" in
               p.get_contents().get_data() for p in provisional.pages)


def test_official_pages_carry_no_software_words(provisional, final, results):
    for reader in (provisional, final):
        text = "".join(p.extract_text() for p in reader.pages)
        assert results.result.digest not in text
        assert not re.search(r"[0-9a-fA-F]{64}", text)
        for word in ("SHA", "main.py", "verify", "--", "计分系统", "摘要", "evalapp"):
            assert word not in text, word
        meta = reader.metadata
        assert "evalapp" not in str(meta) and "计分系统" not in str(meta)


def test_imprint_on_the_last_even_page(final, results):
    """版记: 抄送, 印发机关 and 印发日期 on the last page, which is even (封四)."""
    assert len(final.pages) % 2 == 0
    last = re.sub(r"\s+", "", final.pages[-1].extract_text())
    options = default_notice_options(results, ISSUED)
    assert "抄送：" + options.copy_to in last
    assert f"{options.printed_by}2022年1月10日印发" in last
    code = check_code(results.result.digest)
    assert code not in last  # the 校验码 only when asked for
    options.check_code = True
    with_code = PdfReader(io.BytesIO(write_notice(results, options=options, final=True)))
    assert code in with_code.pages[-1].extract_text()


def test_rare_name_character_uses_a_font_that_has_it(provisional):
    assert "堃" not in _cmap_chars(stack(FANG).names[0])  # FandolFang lacks it: fallback
    for role in (FANG, SONG, TITLE):
        font = stack(role).font_for("堃")
        assert ord("堃") in pdfmetrics.getFont(font).face.charToGlyph, role
    used = [(t, f) for p in provisional.pages for t, _, _, f in chunks(p) if "堃" in t]
    assert used, "the rare name is printed"
    wanted = pdfmetrics.getFont(stack(FANG).font_for("堃")).face.name.decode()
    assert all(wanted in f for _, f in used), used
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in provisional.pages))
    assert RARE in text


def _cmap_chars(name):
    return {chr(c) for c in pdfmetrics.getFont(name).face.charToGlyph}
