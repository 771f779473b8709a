"""The words for a department's outcome (no Qt), shared by the screens and the documents.

The screens (结果 page, score chart, projector) show one word per department; the documents
spell the outcome out in their own way (通报表扬 / 诫勉谈话 …, see each document) but name a
veto the same: ``veto_text``."""

from __future__ import annotations

from evalapp.tally_result import ADMONISH, COMMEND, DepartmentResult

# Outcome keys, one per word (a colour goes with each; the word is always shown too).
KEY_COMMEND, KEY_ADMONISH, KEY_REPEAT, KEY_VETO = "commend", "admonish", "repeat", "veto"
KEY_UNSCORED, KEY_NONE = "unscored", "none"
COMMEND_WORD, ADMONISH_WORD, REPEAT_WORD = "表扬", "诫勉", "连续末位"
VETO_WORD, UNSCORED_WORD = "一票否决", "无有效评分"
OUTCOME_WORDS = {KEY_COMMEND: COMMEND_WORD, KEY_ADMONISH: ADMONISH_WORD, KEY_REPEAT: REPEAT_WORD,
                 KEY_VETO: VETO_WORD, KEY_UNSCORED: UNSCORED_WORD, KEY_NONE: ""}


def outcome_key(d: DepartmentResult) -> str:
    """Which word: unscored before veto before admonished (again) before commended."""
    if not d.scored:
        return KEY_UNSCORED
    if d.veto:
        return KEY_VETO
    if d.outcome == ADMONISH:
        return KEY_REPEAT if d.repeat else KEY_ADMONISH
    return KEY_COMMEND if d.outcome == COMMEND else KEY_NONE


def outcome_word(d: DepartmentResult) -> str:
    """One word for the outcome: 表扬 / 诫勉 / 连续末位 / 一票否决 / 无有效评分 (or empty)."""
    return OUTCOME_WORDS[outcome_key(d)]


def veto_text(d: DepartmentResult) -> str:
    """一票否决, with its reason after a colon when one was given."""
    return VETO_WORD + (f":{d.veto_reason}" if d.veto_reason else "")
