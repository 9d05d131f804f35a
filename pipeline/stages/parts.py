"""The parts of a document: review of past work, outlook, the year's plan, other.

A government work report has three to four parts — '2023年工作回顾', '今后五年…' or '"十四五"时期
主要目标任务', '2024年工作安排', '加强政府自身建设' — and often a glossary or an attachment. Their
headings are numbered top-level headings ('一、2023年工作回顾'), or plain short lines standing
alone (a bold '**2023年工作回顾**' is such a line once cleaning has dropped the '**'), under which
the report may number its sub-sections from 一 again. The part decides, more than anything in a
sentence, whether its quantities are results or promises (``extractors/status.py``).

Kinds: ``review`` (results of past years), ``outlook`` (goals of a multi-year period: 今后五年,
"十四五"), ``plan`` (the plan year's work), ``other`` (the government's own conduct, glossaries,
attachments). A document without part headings (a work plan, an action plan) has no parts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from pipeline.records import Document
from pipeline.stages.structure import APPENDIX, match_heading

REVIEW, OUTLOOK, PLAN, OTHER = "review", "outlook", "plan", "other"


@dataclass
class Part:
    kind: str  # REVIEW | OUTLOOK | PLAN | OTHER
    title: str
    start: int  # start of the heading line
    end: int  # start of the next part (or the end of the text)
    year: Optional[int] = None  # the year the title names (the year reviewed, the year planned)
    numbered: bool = False  # a numbered top-level heading, not a plain line


_YEAR = re.compile(r"((?:19|20)\d\d)年")
_CN_YEAR = re.compile(r"二[〇○O0零][一二三四五六七八九〇○O0零]{2}年")
# Words of a heading that looks back, looks ahead over several years, plans, or does neither.
_REVIEW_WORDS = re.compile(
    r"回顾|成就|成效|过去[一两三五]年|过去的[一五]年|[一五]年来|本届政府工作|上届政府|工作总结|完成情况|"
    r"去年|上年|主要工作和|取得的成绩")
_OUTLOOK_WORDS = re.compile(r"今后五年|未来五年|今后一个时期|十[一二三四五六]五|远景|五年规划|新征程|本届政府任期")
_PLAN_WORDS = re.compile(
    r"安排|任务|目标|要求|部署|打算|思路|举措|措施|重点|政策取向|建议|工作$|的工作|主要工作|总体考虑|"
    r"主要考虑|今年|明年|全年")
_OTHER_WORDS = re.compile(r"政府自身建设|政府建设|服务型政府|法治政府|满意的?政府|让人民满意|政府.{0,4}(?:治理|效能|能力|"
                          r"公信力|执行力|作风)|名词解释|词语解释|名词注释|注释|附件|附表|说明$")
# A plain line that heads a part: short, standing alone, no sentence punctuation at its end.
_MAX_PLAIN = 36
_NOT_A_HEADING = re.compile(r"[。：:；;，,！!？?、]|报告|会议|代表|省长|市长|主席|总理|日报|记者|来源|^[—-]|\d+月\d+日")


def title_kind(title: str, plan_year: Optional[int]) -> Optional[str]:
    """The kind of part a heading announces, or None when its words say nothing about it."""
    t = title.strip()
    if _OTHER_WORDS.search(t):
        return OTHER
    years = [int(y) for y in _YEAR.findall(t)]
    review = bool(_REVIEW_WORDS.search(t))
    if review and not re.search(r"(?:目标|任务|安排|重点工作)(?!完成)", t):
        return REVIEW  # '2022年和过去五年工作回顾', '"十三五"时期取得的成就'
    if years and plan_year:
        if plan_year in years:
            return PLAN  # '2024年工作安排', '关于2024年工作', '"十四五"…和2021年工作安排'
        if min(years) > plan_year:
            return OUTLOOK  # '2035年远景目标及"十四五"时期…'
        if max(years) < plan_year and (review or not _PLAN_WORDS.search(re.sub(r"工作$", "", t))):
            return REVIEW  # '2022年及过去五年工作', '关于2019年工作' in a 2020 report
    if review:
        return REVIEW
    if re.search(r"今年|明年|全年", t):
        return PLAN
    if _OUTLOOK_WORDS.search(t):
        return OUTLOOK
    if years and _PLAN_WORDS.search(t):
        return PLAN
    if re.search(r"^(?:总体要求|主要目标|预期目标|目标任务|重点工作|主要任务|工作安排)", t):
        return PLAN
    return None


def _plain_part_title(line: str, plan_year: Optional[int]) -> Optional[str]:
    """A plain short line that announces a part ('2023年工作回顾', '“十五五”时期主要目标任务'),
    its kind, else None. Stricter than ``title_kind``: the line must name a year, a period,
    or the words of a part ('工作回顾', '政府自身建设'), since any short line could be a heading."""
    s = line.strip().lstrip("#").strip()
    if not 4 <= len(s) <= _MAX_PLAIN or _NOT_A_HEADING.search(s) or match_heading(s):
        return None
    if APPENDIX.match(s):
        return OTHER
    kind = title_kind(s, plan_year)
    if kind is None:
        return None
    if kind == OTHER and not re.search(r"政府|名词|词语|注释|附件|附表", s):
        return None
    strong = _YEAR.search(s) or _CN_YEAR.search(s) or _STRONG_TITLE.search(s)
    if not strong or re.search(r"[\d一二三四五六七八九十]+[件项个条]|实事", s):  # '2025年省十件民生实事': a list
        return None
    return kind


_PLAN_YEAR_TITLE = re.compile(r"((?:19|20)\d\d)年(?:的)?(?:工作安排|重点工作|主要工作|总体要求|目标任务|工作任务|工作总体|"
                              r"经济社会发展|主要目标|预期目标|工作建议|工作思路|重点任务|主要任务|工作重点)")


def plan_year(doc: Document) -> Optional[int]:
    """The year the report plans: documents.year, unless its headings plan the next year and not
    that one ('2018年工作回顾' … '2019年重点工作' in a file dated 2018: the year is off by one)."""
    year = doc.year
    end = doc.body_end if doc.body_end >= 0 else len(doc.text)
    titles = [s.title for s in doc.sections if s.level == 1] + [
        line.strip() for line in doc.text[:end].split("\n") if 4 <= len(line.strip()) <= _MAX_PLAIN]
    named = {int(y) for t in titles for y in _PLAN_YEAR_TITLE.findall(t)}
    if year is not None and year + 1 in named and year not in named:
        return year + 1
    if year is None and named:
        return max(named)
    return year


def _opening_kind(doc: Document, start: int, end: int, plan_year: Optional[int]) -> Optional[str]:
    """For a top-level heading whose title is a slogan ('攻坚克难，奋发作为'): the kind its first
    lines announce ('过去一年，…' a review; '今年是…' a plan)."""
    body = doc.text[start:end]
    lines = [ln.strip() for ln in body.split("\n")[1:] if ln.strip()][:3]
    for ln in lines:
        if re.match(r"(过去一年|过去的一年|一年来|过去五年|五年来|刚刚过去的|回顾过去|本届政府)", ln):
            return REVIEW
        m = re.match(r"((?:19|20)\d\d)年(?:[，,]|是|以来)", ln)
        if m and plan_year and int(m.group(1)) < plan_year:
            return REVIEW
        m = re.match(r"((?:19|20)\d\d)年是", ln)
        if m and plan_year and int(m.group(1)) == plan_year:
            return PLAN  # '2018年是…' opening the 2018 plan
        if re.match(r"(今年是|今年|做好今年|今后五年|未来五年)", ln):
            return PLAN if ln.startswith(("今年", "做好今年")) else OUTLOOK
    return None


_STRONG_TITLE = re.compile(
    r"工作回顾|发展成就|主要成就|过去[一五]年|本届政府|今后五年|未来五年|十[一二三四五六]五|政府自身建设|"
    r"人民满意|名词|词语|注释|^总体要求|预期目标$")


def _numbered_heads(doc: Document, year: Optional[int], limit: int, strict: bool) -> list[tuple]:
    """Top-level numbered headings that open a part. ``strict`` (the report has plain part
    lines, under which it numbers its sub-sections): only titles naming a year or a part, and
    never 'other' (a review's own '加强政府自身建设' sub-section)."""
    heads = []
    seen_review = seen_plan = False
    for s in doc.sections:
        if s.level != 1 or s.start >= limit:
            continue
        title = _heading_line(doc, s)
        named = bool(_YEAR.search(title) or _STRONG_TITLE.search(title))
        if strict:
            kind = title_kind(title, year) if named else None
            kind = None if kind == OTHER else kind
        else:
            kind = title_kind(title, year)
            opening = _opening_kind(doc, s.start, s.end, year)
            if opening == REVIEW and not _FUTURE_TITLE.search(title) or not named and opening:
                kind = opening  # a slogan ('攻坚克难，…"十四五"实现良好开局') opening '过去一年，…'

            if kind is None and heads and heads[-1][1] == REVIEW:
                kind = PLAN  # after its review a report does not go back to it unannounced
            if kind == REVIEW and seen_plan and not named:
                kind = PLAN  # '…干出新成效' after the plan began: a goal, not a result
        if kind is None:
            continue
        seen_review = seen_review or kind == REVIEW
        seen_plan = seen_plan or kind in (PLAN, OUTLOOK)
        heads.append((s.start, kind, title, True))
    return heads


_FUTURE_TITLE = re.compile(r"今后|未来|今年|明年|目标|任务|安排|重点工作|建议|(?:19|20)\d\d年")


def _heading_line(doc: Document, sec) -> str:
    """A section's title as its heading line has it (up to the line's end or its first 。)."""
    line = doc.text[sec.start:doc.text.find("\n", sec.start) if "\n" in doc.text[sec.start:] else len(doc.text)]
    found = match_heading(line)
    title = found[3] if found else line
    return re.split(r"[。！？]", title)[0].strip()


_PERIOD = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026, "十六五": 2031}
_OUTLOOK_OPENER = re.compile(r"^(?:今后五年|未来五年|展望未来|根据《[^》]*(?:规划|建议)[^》]*》|“?(十[一二三四五六]五)”?时期(?:是|，))")


def _period_ahead(title: str, year: Optional[int]) -> bool:
    """A title that names a five-year period not yet begun or just beginning ('"十五五"' in 2026)."""
    return year is not None and any(_PERIOD[p] >= year for p in re.findall(r"十[一二三四五六]五", title))


def _outlook_turns(doc: Document, heads: list[tuple], year: Optional[int]) -> list[tuple]:
    """Inside a review whose title also announces goals ('"十四五"时期发展成就和"十五五"时期主要目标
    任务'), the paragraph where the text turns to the goals ('根据《…建议》…', '"十五五"时期是…'):
    an outlook part starts there."""
    out = []
    for i, (start, kind, title, _) in enumerate(heads):
        if kind != REVIEW or not (re.search(r"目标|任务", title) or _period_ahead(title, year)):
            continue
        end = heads[i + 1][0] if i + 1 < len(heads) else len(doc.text)
        pos = doc.text.find("\n", start) + 1
        while 0 < pos < end:
            nl = doc.text.find("\n", pos)
            line = doc.text[pos:nl if nl >= 0 else end].strip()
            m = _OUTLOOK_OPENER.match(line)
            if m and (m.group(1) is None or _PERIOD[m.group(1)] >= (year or 0)):
                out.append((pos, OUTLOOK, line[:30], False))
                break
            pos = nl + 1 if nl >= 0 else end
    return out


def find_parts(doc: Document) -> list[Part]:
    """The parts of a document in order (empty when it has no part headings)."""
    year = plan_year(doc)
    limit = doc.body_end if doc.body_end >= 0 else len(doc.text)
    plain: list[tuple] = []  # (start, kind, title, numbered)
    tail: list[tuple] = []
    offset = 0
    for line in doc.text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if start >= limit:
            if APPENDIX.match(line.strip()) or _plain_part_title(line, year) == OTHER:
                tail.append((start, OTHER, line.strip(), False))
                break
            continue
        kind = _plain_part_title(line, year)
        if kind:
            plain.append((start, kind, line.strip().lstrip("#").strip(), False))
    heads = {h[0]: h for h in _numbered_heads(doc, year, limit, strict=bool(plain))}
    for h in plain:
        heads.setdefault(h[0], h)
    body = sorted(heads.values())
    if not any(k in (REVIEW, OUTLOOK) for _, k, _, _ in body):
        body = []  # a work plan or a measure ('团市委2023年工作要点'): plans throughout, no parts
    heads_all = body + tail
    heads_all = sorted(heads_all + _outlook_turns(doc, body, year))
    parts: list[Part] = []
    for i, (start, kind, title, numbered) in enumerate(heads_all):
        end = heads_all[i + 1][0] if i + 1 < len(heads_all) else len(doc.text)
        ys = [int(y) for y in _YEAR.findall(title)]
        parts.append(Part(kind, title, start, end, max(ys) if ys else None, numbered))
    return parts


def part_at(parts: list[Part], pos: int) -> Optional[Part]:
    """The part holding offset ``pos`` (None before the first part or without parts)."""
    for p in parts:
        if p.start <= pos < p.end:
            return p
    return None
