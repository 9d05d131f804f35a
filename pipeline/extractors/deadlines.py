"""Deadlines: 年底前, 6月底前, 上半年, 三季度, 到2025年, 5年内, “十四五”末…, as ISO end dates.

Our patterns find the expression; jionlp's ``parse_time`` (always with an explicit
``time_base`` at the plan year) resolves the ones it knows, and own rules the ones it fails on
(年内, “十四五”期间, N年内 counted from a stated start year).
"""
from __future__ import annotations

import calendar
import contextlib
import io
import re
from functools import lru_cache
from typing import Optional

import cn2an

from ..records import Deadline, Document
from . import register

_Y = r"(?:19|20)\d\d"
_CN_MONTH = r"(?:\d{1,2}|十[一二]|[一二三四五六七八九十])"
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("five_year_plan", re.compile(r"[“\"]?十(?P<fyp>[一二三四五六七八九])五[”\"]?(?:规划)?(?:期间|末|时期|期末)")),
    ("month", re.compile(rf"(?:(?P<y>{_Y})年)?(?P<m>{_CN_MONTH})月(?:(?P<d>\d{{1,2}})日)?(?:底|末|中旬|上旬|下旬)?(?:前|之前|以前)")),
    ("by_year", re.compile(rf"(?:到|至|截至|截止到?|力争到|争取到|力争在|争取在|在)(?P<y>{_Y})年(?:底|末)?(?:前|之前)?")),
    ("year_end", re.compile(rf"(?:(?P<y>{_Y})年)?(?:年底|年末|底)(?:前|之前)")),
    ("year_before", re.compile(rf"(?P<y>{_Y})年(?:底|末)?(?:前|之前)")),
    ("half", re.compile(rf"(?:(?P<y>{_Y})年)?(?P<h>上半年|下半年)")),
    ("quarter", re.compile(rf"(?:(?P<y>{_Y})年)?第?(?P<q>[一二三四1-4])季度(?:末|底)?(?:前)?")),
    # '5年内…', '用3年时间', '力争2年内': a period that starts with the plan; not '毕业一年内未就业'
    ("within_years", re.compile(rf"(?:(?P<y>{_Y})年起|(?<=^)|(?<=[，。；：、,;:])|(?<=力争)|(?<=争取)|(?<=用)|(?<=在))"
                                rf"(?P<n>\d{{1,2}}|[一二两三四五六七八九十])年(?:内|之内|时间)")),
    ("this_year", re.compile(r"(?<![\d一二两三四五六七八九十])年内")),
    ("year_goal", re.compile(rf"(?:^|[，。；：,;:])(?P<y>{_Y})年[，,]?(?=初步|基本|全面|实现|建成|完成|达到|力争|确保|要|将|争取)")),
]
_NOT_DEADLINE = re.compile(r"(按期|长期|持续|每年|逐年|历年|往年|近年)")
# Every pattern above needs one of these characters: most sentences have none of them.
_ANY_PATTERN = re.compile(r"[年月底季五]")


@lru_cache(maxsize=1)
def _parse_time():
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp
    return jionlp.parse_time


def _end_of_month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _cn_int(s: str) -> Optional[int]:
    if s.isdigit():
        return int(s)
    try:
        return int(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError):
        return None


def _jionlp_end(expr: str, year: int) -> Optional[str]:
    try:
        result = _parse_time()(expr, time_base={"year": year, "month": 1, "day": 1})
    except Exception:  # jionlp raises ValueError and others on what it cannot read
        return None
    times = result.get("time") if isinstance(result, dict) else None
    if not times or not isinstance(times, list):
        return None
    return str(times[-1])[:10]


def resolve(kind: str, m: re.Match, plan_year: int) -> Optional[str]:
    """The ISO end date of a matched deadline expression."""
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else plan_year
    if kind == "five_year_plan":
        n = 10 + _cn_int(g["fyp"])
        return f"{1955 + 5 * n}-12-31"
    if kind == "month":
        month = _cn_int(g["m"])
        if month is None or not 1 <= month <= 12:
            return None
        if g.get("d"):
            day = int(g["d"])
            if 1 <= day <= calendar.monthrange(year, month)[1]:
                return f"{year:04d}-{month:02d}-{day:02d}"
            return None
        return _end_of_month(year, month)
    if kind in ("by_year", "year_end", "year_before", "year_goal", "this_year"):
        return f"{year:04d}-12-31"
    if kind == "half":
        return f"{year:04d}-06-30" if g["h"] == "上半年" else f"{year:04d}-12-31"
    if kind == "quarter":
        q = _cn_int(g["q"])
        return _end_of_month(year, 3 * q) if q else None
    if kind == "within_years":
        n = _cn_int(g["n"])
        if not n or n > 30:
            return None
        return _jionlp_end(m.group(0), year) if not g.get("y") else f"{year + n - 1:04d}-12-31"
    return None


def find_deadline(text: str, plan_year: Optional[int]) -> Optional[Deadline]:
    """The first deadline expression in a sentence, resolved against the plan year."""
    if plan_year is None or not _ANY_PATTERN.search(text):
        return None
    best = None
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start = m.start() + (1 if kind == "year_goal" and m.group(0)[0] in "，。；：,;:" else 0)
            if best is not None and start >= best[0]:
                break
            if _NOT_DEADLINE.search(text[max(0, start - 2):m.end()]):
                continue
            if kind == "year_goal" and int(m.group("y")) < plan_year:
                continue
            date = resolve(kind, m, plan_year)
            if date:
                best = (start, m.end(), date)
            break
    if best is None:
        return None
    start, end, date = best
    return Deadline(raw=text[start:end], date=date, start=start, end=end)


@register("deadlines")
def extract_deadlines(doc: Document) -> Document:
    for c in doc.commitments:
        if c.status != "planned":
            continue
        found = find_deadline(c.text, doc.year)
        if found:
            found.start += c.start
            found.end += c.start
            c.deadline = found
    return doc
