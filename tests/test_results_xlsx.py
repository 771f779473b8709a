"""The results workbook: sheets, values equal to the tally's rounded figures, print setup."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from evalapp.domain import (
    Adjustment, Ballot, Category, Component, Department, EvaluationData, Group, Quota, Settings,
)
from evalapp.tally import tally
from evalapp.tally_result import PreviousResult, Standing
from evalapp.digest import check_code
from evalapp.workbook.results_xlsx import (
    FONT_SIZE, MIN_SCALE, column_mm, print_scale, write_results_workbook,
)

D = Decimal
PARTY, GOV = "党群部门", "政府工作部门"
LEADERS, PUBLIC = "四大班子领导", "群众代表"
DEPTS = [(1, "区委办公室", PARTY), (2, "区委组织部", PARTY), (3, "区委宣传部", PARTY),
         (4, "区发展改革委", GOV), (5, "区教育委员会", GOV), (6, "区财政局", GOV),
         (7, "区档案馆", GOV)]  # 区档案馆: nobody marks it -> unscored


def _marks(*scores: str) -> dict[str, str]:
    return {name: s for (_, name, _), s in zip(DEPTS[:6], scores)}


def _data(decimals: int) -> EvaluationData:
    settings = Settings(name="2021年度区级部门工作业绩集中考评", year=2021,
                        result_decimals=decimals)
    ballots = [
        Ballot("L001", LEADERS, _marks("95", "88.5", "79", "92", "90.5", "70")),
        Ballot("L002", LEADERS, _marks("93.5", "87", "81", "90", "91", "72.5")),
        Ballot("L003", LEADERS, {}),  # no mark at all: invalid
        Ballot("P001", PUBLIC, _marks("90", "91", "75.5", "88", "86", "69")),
        Ballot("P002", PUBLIC, _marks("91", "89", "77", "87.5", "85", "71"),
               void_reason="字迹无法辨认"),
    ]
    return EvaluationData(
        settings=settings,
        categories=[Category(PARTY, Quota(1), Quota(1)), Category(GOV, Quota(1), Quota(1))],
        groups=[Group(LEADERS, D(60), expected=3), Group(PUBLIC, D(40), expected=1)],
        departments=[Department(order, name, category=cat) for order, name, cat in DEPTS],
        components=[Component("集中考评", D(70)), Component("目标考核", D(30))],
        component_values={name: {"目标考核": D("88.5") + order} for order, name, _ in DEPTS},
        adjustments=[Adjustment("区委宣传部", D(-2), "通报批评"),
                     Adjustment("区财政局", D(1), "全国先进"),
                     Adjustment("区委办公室", D(0), "重大责任事故", veto=True)],
        ballots=ballots,
    )


def _previous() -> PreviousResult:
    return PreviousResult("2020年度区级部门工作业绩集中考评", 2020, {
        "区教育委员会": Standing(5, 2, "none", False),
        "区财政局": Standing(6, 3, "admonish", True),
    })


def _header_row(ws) -> int:
    for row in range(1, 20):
        if ws.cell(row=row, column=1).value == "排名":
            return row
    raise AssertionError("no header row")


def _rows_by_name(ws, name_col: int) -> dict[str, int]:
    return {ws.cell(row=r, column=name_col).value: r for r in range(1, ws.max_row + 1)}


@pytest.fixture(params=[2, 1])
def written(request, tmp_path):
    result = tally(_data(request.param), _previous())
    path = tmp_path / "结果.xlsx"
    write_results_workbook(result, path, [LEADERS, PUBLIC], ["集中考评", "目标考核"])
    return result, load_workbook(path)


def test_sheets_and_header_block(written):
    result, wb = written
    assert wb.sheetnames == ["排名", "总排名", "选票统计", "稳固程度"]
    for ws in wb.worksheets:
        text = "\n".join(str(ws.cell(row=r, column=1).value) for r in range(1, 5))
        assert result.evaluation in text
        assert result.digest not in text and "SHA" not in text and "【提示】无" not in text
        assert ws.oddFooter.right.text == f"结果校验码 {check_code(result.digest)}"
        assert "多于发出" in text  # the over-issued warning of 群众代表
        assert "区档案馆" in text  # the unscored warning


def test_category_sheet_values(written):
    result, wb = written
    ws = wb["排名"]
    header = _header_row(ws)
    headers = [c.value for c in ws[header]]
    assert headers[:4] == ["排名", "类别内排名", "部门名称", "类别"]
    assert headers[4].startswith(LEADERS) and "60%" in headers[4]
    col = {h.split("\n")[0]: i + 1 for i, h in enumerate(headers)}
    for name in ["集中考评得分", "目标考核", "加分", "减分", "综合得分", "结果", "与表扬线差距",
                 "与诫勉线差距", "上年排名", "名次变化"]:
        assert name in col
    fmt = "0.00" if result.decimals == 2 else "0.0"
    rows = _rows_by_name(ws, 3)
    for d in result.departments:
        r = rows[d.name]
        cell = lambda h: ws.cell(row=r, column=col[h])  # noqa: E731
        assert cell("排名").value == d.rank
        assert cell("类别内排名").value == d.category_rank
        assert cell("类别").value == d.category
        for group in (LEADERS, PUBLIC):
            expected = d.group_scores.get(group)
            got = cell(group).value
            assert (got is None) if expected is None else D(str(got)) == expected
        if d.scored:
            assert D(str(cell("集中考评得分").value)) == d.onsite_score
            assert D(str(cell("综合得分").value)) == d.final_score
            assert cell("综合得分").number_format == fmt
            assert cell("集中考评得分").number_format == fmt
            assert cell(LEADERS).number_format == fmt
        assert D(str(cell("减分").value)) == d.penalty
        assert D(str(cell("加分").value)) == d.bonus
        assert D(str(cell("目标考核").value)) == d.component_values["目标考核"]
    # the vetoed department: admonished, ranked last in its category, the word is written
    veto = ws.cell(row=rows["区委办公室"], column=col["结果"])
    assert "一票否决" in veto.value and "诫勉" in veto.value
    assert veto.fill.fgColor.rgb.endswith("FFC7CE")
    by_name = {d.name: d for d in result.departments}
    assert by_name["区委办公室"].category_rank == 3
    commended = [d for d in result.departments if d.outcome == "commend"]
    assert {d.category for d in commended} == {PARTY, GOV}
    for d in commended:
        c = ws.cell(row=rows[d.name], column=col["结果"])
        assert c.value == "通报表扬" and c.fill.fgColor.rgb.endswith("C6EFCE")
        assert ws.cell(row=rows[d.name], column=col["与表扬线差距"]).value == 0
    # repeat flag (区财政局 admonished last year and this year by rank)
    assert by_name["区财政局"].repeat
    assert "连续末位" in ws.cell(row=rows["区财政局"], column=col["结果"]).value
    assert ws.cell(row=rows["区教育委员会"], column=col["上年排名"]).value == 5
    change = ws.cell(row=rows["区教育委员会"], column=col["名次变化"])
    assert change.value == by_name["区教育委员会"].rank_change
    # the unscored department comes last, with its reason
    last = max(rows[d.name] for d in result.departments)
    assert ws.cell(row=last, column=3).value == "区档案馆"
    assert ws.cell(row=last, column=col["结果"]).value == "无有效评分"
    assert "无有效评分" in ws.cell(row=last, column=col["备注"]).value
    assert ws.cell(row=last, column=1).value is None


def test_overall_sheet(written):
    result, wb = written
    ws = wb["总排名"]
    header = _header_row(ws)
    names = [ws.cell(row=r, column=2).value for r in range(header + 1, ws.max_row + 1)]
    assert names == [d.name for d in result.departments]
    ranks = [ws.cell(row=r, column=1).value for r in range(header + 1, ws.max_row + 1)]
    assert ranks == [d.rank for d in result.departments]
    assert ranks[:-1] == sorted(ranks[:-1]) and ranks[-1] is None
    top = ws.cell(row=header + 1, column=6)
    assert D(str(top.value)) == result.departments[0].final_score
    assert top.number_format == ("0.00" if result.decimals == 2 else "0.0")


def test_ballot_sheet(written):
    result, wb = written
    ws = wb["选票统计"]
    rows = _rows_by_name(ws, 1)
    leaders, public = rows[LEADERS], rows[PUBLIC]
    assert [ws.cell(row=leaders, column=c).value for c in range(2, 7)] == [60, 3, 3, 2, 1]
    assert [ws.cell(row=public, column=c).value for c in range(2, 7)] == [40, 1, 2, 1, 1]
    assert "多于发出" in ws.cell(row=public, column=7).value
    assert not ws.cell(row=leaders, column=7).value
    assert [ws.cell(row=rows["合计"], column=c).value for c in range(4, 7)] == [5, 3, 2]
    assert "L003" in rows and "P002" in rows
    assert ws.cell(row=rows["L003"], column=2).value == LEADERS
    assert "字迹无法辨认" in ws.cell(row=rows["P002"], column=3).value


def test_layout_and_print_setup(written):
    _, wb = written
    for ws in wb.worksheets:
        first = {"选票统计": "评委类别", "稳固程度": "部门名称"}.get(ws.title)
        header = _header_row(ws) if first is None else _rows_by_name(ws, 1)[first]
        assert ws.freeze_panes == f"A{header + 1}"
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert not ws.sheet_properties.pageSetUpPr.fitToPage
        assert FONT_SIZE * int(ws.page_setup.scale) / 100 >= 9  # ≥ 9 pt on paper
        assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"
        assert ws.column_dimensions["A"].width >= 8
    ws = wb["排名"]
    name_col = ws.column_dimensions["C"].width
    assert name_col >= 14  # six CJK characters fit


def test_wide_sheet_splits_across_pages_at_9_pt_with_names_repeated(tmp_path):
    """22 columns do not fit one page at ≥ 9 pt: the sheet prints at the smallest legible
    scale, continuing on the next page with 排名 … 类别 repeated; every sheet's text,
    including the largest font used in data cells, stays ≥ 9 pt."""
    result = tally(_data(2), _previous())
    groups = [f"第{i}评委组" for i in range(1, 9)]
    path = tmp_path / "宽.xlsx"
    write_results_workbook(result, path, [LEADERS, PUBLIC] + groups, ["集中考评", "目标考核"])
    wb = load_workbook(path)
    ws = wb["排名"]
    assert int(ws.page_setup.scale) == MIN_SCALE
    assert ws.print_title_cols.replace("$", "") == "A:D"
    for sheet in wb.worksheets:
        smallest = min(c.font.sz for row in sheet.iter_rows() for c in row
                       if c.value is not None)
        assert smallest * int(sheet.page_setup.scale) / 100 >= 9, sheet.title


def test_print_scale_fits_narrow_sheets_on_one_page():
    assert print_scale([10] * 5) == 100
    assert print_scale([12] * 40) == MIN_SCALE
    widths = [12] * 13  # 306 mm wide: shrunk to fit the 277 mm between the margins
    total = sum(column_mm(w) for w in widths)
    assert MIN_SCALE < print_scale(widths) == int(277 * 100 // total) < 100
