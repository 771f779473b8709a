"""The 计票核对单 lists the paper ballots to re-check (issue 16): for each department one or
two ballots could move across the 表扬 or 诫勉 line, the 票号 that Robustness.fragile_serials gives."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D

from pypdf import PdfReader

from evalapp.domain import Ballot, Department, EvaluationData, Group, Quota, Settings
from evalapp.reports.tally_sheet_pdf import ChainHead, write_tally_sheet
from evalapp.robustness import FRAGILE, analyse
from evalapp.services.results import Results
from evalapp.tally import tally

SERIAL = re.compile(r"JX\d{3}")


def close_race() -> EvaluationData:
    """A leads B by a hair for the one 表扬 place; C, far behind, is the one 诫勉."""
    marks = [("90", "89", "60"), ("90", "89", "60"), ("90", "89.5", "60"), ("91", "90", "61")]
    return EvaluationData(
        settings=Settings(name="某区年度考评", commend_quota=Quota(1), admonish_quota=Quota(1)),
        groups=[Group("甲", D(100))],
        departments=[Department(1, "区甲局"), Department(2, "区乙局"), Department(3, "区丙局")],
        ballots=[Ballot(f"JX{n:03d}", "甲", dict(zip(("区甲局", "区乙局", "区丙局"), m)))
                 for n, m in enumerate(marks, start=1)])


def sheet_text(data: EvaluationData) -> str:
    pdf = write_tally_sheet(Results(data, tally(data), 0), None, ChainHead("ab" * 32, 9, 0),
                            final=True)
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_serials_to_recheck_are_the_fragile_ones():
    data = close_race()
    expected = analyse(data, FRAGILE).fragile_serials()
    assert set(expected) == {"区甲局", "区乙局"} and all(expected.values())
    text = sheet_text(data)
    section = text.split("重点复核的纸质选票", 1)[1].split("经核对", 1)[0]
    names = {d.name for d in data.departments}
    rows: dict[str, str] = {}  # each table cell is a line of the extracted text
    for line in section.splitlines():
        if line.strip() in names:
            department = line.strip()
            rows[department] = ""
        elif rows:
            rows[department] += line.strip() + " "
    assert set(rows) == set(expected)
    for department, serials in expected.items():
        assert SERIAL.findall(rows[department]) == serials, rows[department]
    assert set(SERIAL.findall(section)) == {s for ss in expected.values() for s in ss}
    assert "通报表扬→" in rows["区甲局"] and "→通报表扬" in rows["区乙局"]
    assert "重点复核的纸质选票与录入的评分一致" in text.replace("\n", "")


def test_nothing_to_recheck_says_so():
    data = close_race()
    data.ballots = [Ballot(f"JX{n:03d}", "甲", {"区甲局": "99", "区乙局": "80", "区丙局": "40"})
                    for n in range(1, 21)]
    assert not analyse(data, FRAGILE).fragile_serials()
    text = sheet_text(data).replace("\n", "")
    assert "无须重点复核" in text and not SERIAL.search(text)
