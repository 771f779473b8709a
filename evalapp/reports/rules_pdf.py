"""The one-page "rules as applied" sheet for the 监票人: the configured scoring rules in plain
Chinese (evalapp.rule_summary), with space to sign."""

from __future__ import annotations

import datetime as dt
import io
from os import PathLike

from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from evalapp.domain import EvaluationData
from evalapp.reports.common import para
from evalapp.reports.fonts import FANG, HEI, SONG, TITLE, stack
from evalapp.reports.gongwen import PAGE_H, PAGE_W
from evalapp.rule_summary import rule_summary

TOPICS = ("评分", "选票有效性", "各类评委得分", "综合得分", "排名", "表扬与诫勉", "录入")
SHEET_TITLE = "计分规则说明(供监票人核对)"


def rules_paragraphs(data: EvaluationData) -> list[tuple[str, str]]:
    """(topic, paragraph) in the order of rule_summary()."""
    texts = rule_summary(data)
    topics = list(TOPICS) + [f"其他{i}" for i in range(len(texts) - len(TOPICS))]
    return list(zip(topics, texts))


def rules_story(data: EvaluationData, today: dt.date | None = None) -> list:
    s = data.settings
    day = today or dt.date.today()
    story: list = [para(s.name, TITLE, 16, align="center", leading=24),
                   para(SHEET_TITLE, TITLE, 15, align="center", leading=24), Spacer(1, 4 * mm)]
    for n, (topic, text) in enumerate(rules_paragraphs(data), start=1):
        story.append(para(f"{n}. {topic}", HEI, 11.5, leading=17))
        story.append(para(text, FANG, 11, leading=17, first_indent=0))
        story.append(Spacer(1, 2 * mm))
    story += [Spacer(1, 4 * mm),
              para("计算全程精确,只在显示时按结果小数位四舍五入一次;同样的选票和设置在任何机器上"
                   "得到同样的结果,可用计票核对单上的结果校验码复核。", SONG, 10, leading=15),
              Spacer(1, 10 * mm),
              para(f"监票人(签字):______________    日期:{day.year} 年 {day.month} 月 "
                   f"{day.day} 日", SONG, 11, leading=16)]
    return story


def write_rules(data: EvaluationData, path: str | PathLike | None = None,
                today: dt.date | None = None) -> bytes | None:
    """Write the sheet to ``path`` (or return the PDF bytes when ``path`` is None)."""
    out = io.BytesIO() if path is None else str(path)
    song = stack(SONG)
    doc = SimpleDocTemplate(out, pagesize=(PAGE_W, PAGE_H), leftMargin=22 * mm,
                            rightMargin=22 * mm, topMargin=18 * mm, bottomMargin=16 * mm,
                            title=SHEET_TITLE, author=data.settings.name, creator="", producer="",
                            invariant=1, initialFontName=song.primary)
    doc.build(rules_story(data, today))
    return out.getvalue() if path is None else None
