"""Review of past work versus plan: a quantity in '过去一年…增长5.2%' is an achievement.

Three levels of evidence, strongest first: the section ('2023年工作回顾' makes everything
under it a review; '2024年工作安排' a plan), the block (a report's review runs from '过去一年' /
'一年来' until '今年…主要预期目标' even where its paragraphs carry no headings), and the
sentence's own time words and aspect markers.
"""
from __future__ import annotations

import re
from typing import Optional

from ..records import Document, Section
from . import register

_REVIEW_HEADING = re.compile(
    r"(回顾|过去[一二三四五]年|[一五]年来|工作总结|主要成绩|取得的成[绩效]|发展成就|工作成效|进展情况)")
_PLAN_HEADING = re.compile(r"(安排|任务|目标|要求|部署|打算|思路|举措|措施|重点|政策取向|今后|今年)")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
# Sentence openers and markers of results already reached.
_PAST = re.compile(
    r"^(过去一年|过去的一年|过去五年|去年|上年|一年来|五年来|三年来|近年来|近五年|20\d\d年以来|这一年|回顾)"
    r"|(已经|累计|实现了|完成了|达到了|取得了|创历史|历史最好|预计全年|预计全[市省国]|全年完成|全年实现)")
_STRONG_PLAN = re.compile(r"(今年|明年|力争|确保|预期目标|主要目标|目标是|到20\d\d年|年底前|^拟|，拟)")
_REVIEW_OPENER = re.compile(r"^(过去一年|过去的一年|一年来|过去五年|五年来|回顾过去|这一年|刚刚过去的)")
_PLAN_OPENER = re.compile(r"(今年是|今年工作|今年的工作|做好今年|今年经济社会发展|今年发展|主要预期目标|"
                          r"今后五年|今后一个时期|总体要求|政府工作任务|重点做好|重点抓好以下)")


def _section_kind(sec: Section, year: Optional[int]) -> Optional[str]:
    """'review', 'plan' or None (says nothing) from a heading's own words."""
    m = _YEAR.search(sec.title)
    if m and year:
        if int(m.group(1)) < year and not _PLAN_HEADING.search(sec.title):
            return "review"
        if int(m.group(1)) >= year:
            return "plan"
    if _REVIEW_HEADING.search(sec.title) and not _PLAN_HEADING.search(sec.title):
        return "review"
    if re.search(r"(今后|今年|明年)", sec.title):
        return "plan"
    return None


def sentence_is_review(text: str, context: Optional[str], year: Optional[int]) -> bool:
    """Whether a sentence reports results rather than plans, given its section or block."""
    strong_plan = bool(_STRONG_PLAN.search(text))
    if year is not None:
        m = re.match(r"^((?:19|20)\d\d)年", text)
        if m and int(m.group(1)) < year and not strong_plan:
            return True  # '2023年，全市地区生产总值…' in a 2024 report
    if context == "review":
        return not strong_plan
    return bool(_PAST.search(text)) and not strong_plan


@register("status")
def mark_review(doc: Document) -> Document:
    kinds: dict[str, Optional[str]] = {}
    for sec in doc.sections:  # parents come first
        kinds[sec.section_id] = _section_kind(sec, doc.year) or (kinds.get(sec.parent_id) if sec.parent_id else None)
    mode: Optional[str] = None
    current: Optional[str] = None
    for sent in doc.sentences:
        if sent.section_id != current:
            current = sent.section_id
            kind = kinds.get(current) if current else None
            if kind:
                mode = kind
        text = sent.text
        kind = kinds.get(sent.section_id) if sent.section_id else None
        if kind is None:
            if _REVIEW_OPENER.match(text):
                mode = "review"
            elif _PLAN_OPENER.search(text):
                mode = "plan"
        sent.review = sentence_is_review(text, kind or mode, doc.year)
    return doc
