"""Review of past work versus plan: a quantity in '过去一年…增长5.2%' is an achievement.

The one place where this is decided; the targets, the tables and ``compare`` only read it.
Evidence, strongest first:

1. The part of the document (``pipeline/stages/parts.py``): under '2023年工作回顾' results are reported,
   under '今后五年…', '"十四五"时期…目标' or '2024年工作安排' goals are set. Inside a part only a
   sentence's own unmistakable cues overrule it: a review sentence that names this year's goals
   ('今年…力争', '到2025年'), a plan sentence that opens with the past ('去年，…', '2023年，…').
   Aspect words (已经, 实现, 完成) are not such cues: '对于已经建成…的，原则上于…底前完成' plans.
2. Without parts (work plans, action plans, reports without headings): the section's words
   ('2023年工作回顾' makes everything under it a review), the block (a report's review runs from
   '过去一年' / '一年来' until '今年…主要预期目标'), and the sentence's time words and aspect
   markers.

An estimate ('预计全年增长5%') in a review is a result, flagged ``estimated`` in the tables.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from pipeline.stages.grid import column as grid_column, find_grids
from pipeline.stages.parts import OUTLOOK, PLAN, REVIEW, find_parts, part_at, plan_year
from pipeline.records import Commitment, Document, Section, Target
from pipeline.extractors import register

_REVIEW_HEADING = re.compile(
    r"(回顾|过去[一二三四五]年|[一五]年来|工作总结|主要成绩|取得的成[绩效]|发展成就|工作成效|进展情况)")
_PLAN_HEADING = re.compile(r"(安排|任务|目标|要求|部署|打算|思路|举措|措施|重点|政策取向|今后|今年)")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
# Sentence openers and markers of results already reached.
_PAST_OPENER = re.compile(
    r"^(过去一年|过去的一年|过去五年|去年|上年|一年来|五年来|三年来|近年来|近五年|20\d\d年以来|这一年|回顾|"
    r"刚刚过去的|本届政府|五年间|截至目前|截[至止](?:到)?(?:今年)?\d{1,2}月(?:\d{1,2}日|底|末))")
_PAST_MARK = re.compile(r"(已经|累计|实现了|完成了|达到了|取得了|创历史|历史最好|预计全年|预计全[市省区国县]|全年完成|"
                        r"全年实现)")
# A completion limit ('8月底完成', '6月底前', '年内完成') is a plan: results have no deadline.
_STRONG_PLAN = re.compile(r"(今年|明年|力争|确保|预期目标|主要目标|目标是|到20\d\d年|年底前|^拟|，拟|"
                          r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月(?:底|末|份)?(?:前|完成|启动|上线)|"
                          r"季度(?:末)?前|底前完成|年内完成|完成时限)")
# Goals named as reached ('全面实现年初确定的主要目标', '低于3%左右的预期目标'): no plan cue.
_GOAL_REACHED = re.compile(r"(?:实现|完成|达到|确定的|高于|低于|好于|快于|超过|优于|跑赢)[^，。；]{0,12}?(?:预期|主要)?目标(?:任务)?")
# '对于已经建成…的', '已经…的': 已经 inside a noun phrase describes what the plan applies to.
_ASPECT_IN_NOUN_PHRASE = re.compile(r"(?:对于?|凡|其中)?已经?[^，。；、]{0,20}?的")
_REVIEW_OPENER = re.compile(r"^(过去一年|过去的一年|一年来|过去五年|五年来|回顾过去|这一年|刚刚过去的)")
_PLAN_OPENER = re.compile(r"(今年是|今年工作|今年的工作|做好今年|今年经济社会发展|今年发展|主要预期目标|"
                          r"今后五年|今后一个时期|未来五年|总体要求|政府工作任务|重点做好|重点抓好以下)")
# Inside a review part, what only a sentence about the future says.
_FUTURE = re.compile(r"(今年|明年|今后|(?<!全)力争|预期目标(?:是|为)|目标(?:是|为)|^拟(?!定)|，拟(?!定)|计划(?:到|在|于))")
_BY_YEAR = re.compile(r"(?:到|至|在)((?:19|20)\d\d)年(?:底|末)?(?:前|，|,)?")
_ESTIMATE = re.compile(r"预计")


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


def _plan_cue(text: str) -> bool:
    """A plan word in the sentence once goals named as reached are set aside."""
    return bool(_STRONG_PLAN.search(_GOAL_REACHED.sub("", text)))


def _past_mark(text: str) -> bool:
    """An aspect marker of a result, outside a noun phrase ('已经建成…的' is not a result)."""
    return bool(_PAST_MARK.search(_ASPECT_IN_NOUN_PHRASE.sub("", text)))


def _past_year_opener(text: str, year: Optional[int]) -> bool:
    """'2023年，在…情况下，我们…' / '2023年全市…' in a report that plans a later year."""
    m = re.match(r"^((?:19|20)\d\d)年(?!底前|前|起|以前)", text)
    return bool(m and year is not None and int(m.group(1)) < year)


def future_in_review(text: str, year: Optional[int]) -> bool:
    """Whether a sentence of a review part speaks of goals still to reach: '今年…', '力争…',
    '到2025年…' (a year not yet reached). Goals named as reached ('完成…预期目标') are no such cue."""
    t = _GOAL_REACHED.sub("", text)
    if _FUTURE.search(t):
        return True
    return year is not None and any(int(y) >= year for y in _BY_YEAR.findall(t))


def past_in_plan(text: str, year: Optional[int]) -> bool:
    """Whether a sentence of a plan or outlook part reports a result: it opens with the past
    ('去年…', '过去五年…', '2023年，…') and names no goal."""
    if not (_PAST_OPENER.match(text) or _past_year_opener(text, year)):
        return False
    return not future_in_review(text, year) and not _plan_cue(text)


def sentence_is_review(text: str, context: Optional[str], year: Optional[int], part: bool = False) -> bool:
    """Whether a sentence reports results rather than plans, given its part (``part``: the
    context is a part's kind) or else its section or block ('review', 'plan', None)."""
    if part and context == REVIEW:
        return not future_in_review(text, year)
    if part and context in (PLAN, OUTLOOK):
        return past_in_plan(text, year)
    strong_plan = _plan_cue(text)
    if _past_year_opener(text, year) and not strong_plan:
        return True  # '2023年，全市地区生产总值…' in a 2024 report
    if context == "review":
        return not strong_plan
    return (bool(_PAST_OPENER.match(text)) or _past_mark(text)) and not strong_plan


def estimate_start(text: str, review: bool) -> int:
    """Offset from which a review sentence states its results as estimates ('预计全年…'), or -1."""
    if not review:
        return -1
    m = _ESTIMATE.search(text)
    return m.start() if m else -1


def estimated(c: Commitment, t: Target) -> bool:
    """A result stated as an estimate: an achievement after its sentence's '预计'."""
    sent = c.sentence
    return (t.status == "achievement" and sent is not None and sent.estimate_from >= 0
            and t.raw_start - sent.start >= sent.estimate_from)


def _block_kinds(doc: Document, year: Optional[int]) -> list[Optional[str]]:
    """Per sentence, the kind its section or its block of text gives it (documents without
    parts, and the lines outside any part): a section's own words, else '过去一年…' opening a
    review block that runs until '今年…主要预期目标'."""
    kinds: dict[str, Optional[str]] = {}
    for sec in doc.sections:  # parents come first
        kinds[sec.section_id] = _section_kind(sec, year) or (kinds.get(sec.parent_id) if sec.parent_id else None)
    out: list[Optional[str]] = []
    mode: Optional[str] = None
    current: Optional[str] = None
    for sent in doc.sentences:
        if sent.section_id != current:
            current = sent.section_id
            kind = kinds.get(current) if current else None
            if kind:
                mode = kind
        kind = kinds.get(sent.section_id) if sent.section_id else None
        if kind is None:
            if _REVIEW_OPENER.match(sent.text):
                mode = "review"
            elif _PLAN_OPENER.search(sent.text):
                mode = "plan"
        out.append(kind or mode)
    return out




@lru_cache(maxsize=2)
def progress_cells(text: str) -> tuple[tuple[int, int], ...]:
    """The cells of a progress column (`落实情况`, `完成情况`, `上半年推进情况`) of a table written a
    row a line with `|` between cells or one cell a line (`grid`): what has been done, so every
    quantity there is a result, not a target."""
    if "情况" not in text and "进展" not in text:
        return ()
    spans: list[tuple[int, int]] = []
    grids = find_grids(text)
    # (a row a grid reads is aligned by it: a column the header does not name shifts the cells)
    in_grid = {row.start for grid in grids for row in grid.rows}
    column, width, pos = None, 0, 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        sep = "|" if line.count("|") >= 2 else "｜" if line.count("｜") >= 2 else None
        if start in in_grid:
            continue
        if sep is None:
            column = None
            continue
        cells, off = [], 0
        for part in line.split(sep):
            cells.append((part, start + off))
            off += len(part) + 1
        heads = [i for i, (c, _o) in enumerate(cells)
                 if grid_column(c.strip()).kind == "progress"]
        if heads:
            column, width = heads[0], len(cells)
        elif column is not None and len(cells) == width:
            cell, at = cells[column]
            spans.append((at, at + len(cell)))
    for grid in grids:  # a table one cell a line (or a pipe grid): the cells under its progress column
        spans += [(cell.start, cell.end) for row in grid.rows for cell, _col in grid.cells_of(row, "progress")]
    return tuple(sorted(set(spans)))  # (cached: the status and targets stages read it of the same text)


@register("status")
def mark_review(doc: Document) -> Document:
    doc.parts = find_parts(doc)
    year = plan_year(doc)
    blocks = _block_kinds(doc, year)
    progress = progress_cells(doc.text)
    for sent, block in zip(doc.sentences, blocks):
        part = part_at(doc.parts, sent.start)
        sent.part = part.kind if part else ""
        in_part = part is not None and part.kind in (REVIEW, PLAN, OUTLOOK)
        inside = [(a, b) for a, b in progress if a < sent.end and b > sent.start]
        if inside:  # a row of a table with a progress column: its task cells are the plan, the
            # progress cell's figures are results (targets.assign_targets marks them)
            sent.review = any(a <= sent.start and sent.end <= b for a, b in inside)
        else:
            sent.review = sentence_is_review(sent.text, part.kind if in_part else block, year, in_part)
        sent.estimate_from = estimate_start(sent.text, sent.review)
    return doc
