"""Review of past work versus plan: a quantity in '过去一年…增长5.2%' is an achievement.

Two levels of evidence: the section (a heading such as '2023年工作回顾' makes everything
under it a review) and the sentence (its own time words and aspect markers).
"""
from __future__ import annotations

import re

from ..records import Document
from . import register

_REVIEW_HEADING = re.compile(
    r"(回顾|过去[一二三四五]年|[一五]年来|工作总结|主要成绩|取得的成[绩效]|发展成就|工作成效|进展情况)")
_PLAN_HEADING = re.compile(r"(安排|任务|目标|要求|部署|打算|思路|举措|措施|重点|政策取向)")
# Sentence openers and markers of results already reached.
_PAST = re.compile(
    r"^(过去一年|过去五年|去年|上年|一年来|五年来|三年来|近年来|近五年|20\d\d年以来|这一年|这些年|回顾)"
    r"|(已经|累计|实现了|完成了|达到了|取得了|创历史|历史最好|预计全年|预计全[市省国]|全年完成|全年实现)")
_STRONG_PLAN = re.compile(r"(今年|明年|力争|确保|预期目标|主要目标|目标是|到20\d\d年|年底前|^拟|，拟)")


def sentence_is_review(text: str, in_review_section: bool, year: int | None) -> bool:
    """Whether a sentence reports results of the past rather than planning."""
    if year is not None:
        past_year = re.search(r"(20\d\d)年", text)
        if past_year and int(past_year.group(1)) < year and re.match(r"^(20\d\d)年", text):
            return True  # '2023年，全市地区生产总值…' in a 2024 report
    if in_review_section:
        return not _STRONG_PLAN.search(text)
    return bool(_PAST.search(text)) and not _STRONG_PLAN.search(text)


@register("status")
def mark_review(doc: Document) -> Document:
    review_sections = set()
    for sec in doc.sections:
        parent_review = sec.parent_id in review_sections
        own = bool(_REVIEW_HEADING.search(sec.title)) and not _PLAN_HEADING.search(sec.title)
        if doc.year and re.match(r"^(20\d\d)年", sec.title):
            y = int(sec.title[:4])
            own = own or (y < doc.year and not _PLAN_HEADING.search(sec.title))
            if y >= doc.year:
                own = False
        if own or parent_review:
            review_sections.add(sec.section_id)
    for sent in doc.sentences:
        sent.review = sentence_is_review(sent.text, sent.section_id in review_sections, doc.year)
    return doc
