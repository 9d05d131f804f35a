"""Whether a report sets a target for a metric at all: ``stated``, ``qualitative``, ``not_set``
or ``not_found`` (``compare``'s wide table, column ``target_status``).

A researcher comparing regions must tell "this government set no GDP growth target" from "the
program did not find it". A government work report lists this year's main targets in one place
(``今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，…``). From that list:

* ``stated``: a number for the metric (the headline target of ``compare``);
* ``qualitative``: the list names the metric with wording instead of a number of its own
  (``地区生产总值增速高于全国平均水平``, ``与全国保持同步``, ``比全国高2个百分点左右``,
  ``居民收入增长与经济增长同步``, ``保持在合理区间``): ``target_raw`` holds the wording;
* ``not_set``: the list omits the metric, or the report says it sets none (``我们没有提出全年经济
  增速具体目标``, the national report of 2020);
* ``not_found``: no list of main targets was found (not a work report, or worded otherwise), or
  no report of that region-year was read.

The wording is data: ``pipeline/resources/target_existence.json``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

from pipeline.stages.indicators import lexicon, quantities

STATUSES = ("stated", "qualitative", "not_set", "not_found")
_SENT_END = "。！？!?\n"
_CLAUSE = re.compile(r"[，,；;。：:]")
_LIST_MAX = 700  # characters of a list of main targets: the longest seen run ~500


@dataclass(frozen=True)
class Wording:
    list_open: re.Pattern
    list_multi_year: re.Pattern
    qualitative: list[re.Pattern]
    not_set: re.Pattern


@lru_cache(maxsize=1)
def wording() -> Wording:
    data = json.loads(resources.files("pipeline.resources").joinpath("target_existence.json").read_text("utf-8"))
    return Wording(re.compile(data["list_open"]), re.compile(data["list_multi_year"]),
                   [re.compile(p) for p in data["qualitative"]], re.compile(data["not_set"]))


@dataclass
class TargetList:
    """A report's list of this year's main targets and what it says about each metric."""
    start: int
    text: str  # the list: from its opening words to the end of its paragraph
    named: set[str] = field(default_factory=set)  # metrics the list speaks of (with or without a number)
    qualitative: dict[str, str] = field(default_factory=dict)  # metric → its wording
    not_set: dict[str, str] = field(default_factory=dict)  # metric → the words saying none is set


def _metrics_of(words: str, growth: bool) -> list[str]:
    """The metrics the subject of a clause names (its first concept): the rate metric for growth
    wording ('增长', '增速', '同步'), else the concept's first; both of a pair ('城乡居民人均可支配收入')."""
    hits = [h for h in lexicon().hits(words) if h.concept.kind in ("metric", "block")
            and not words[h.end:h.end + 1] == "的"]  # '对经济增长的贡献率': a modifier, not the subject
    if not hits or hits[0].concept.kind == "block":
        return []  # '消费对经济增长的贡献率…': a share, not the metric it names
    c = hits[0].concept  # the subject; a later concept is what it is compared with
    if c.split:
        return list(c.split)
    if c.units:
        return [c.units.get("rate") if growth and "rate" in c.units else next(iter(c.units.values()))]
    return []


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(ch, 0, pos) for ch in _SENT_END) + 1


def find_list(text: str) -> Optional[TargetList]:
    """The first list of this year's main targets in ``text`` (not one for five years: '今后五年
    …主要目标是', '“十四五”…'), or None."""
    w = wording()
    found = []
    for m in w.list_open.finditer(text):
        s = _sentence_start(text, m.start())
        prefix = text[s:m.start()]
        if w.list_multi_year.search(prefix) or re.search(r"去年|上年|过去", prefix):
            continue
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        body = text[m.end():min(end, m.end() + _LIST_MAX)]
        concepts = {h.concept.name for h in lexicon().hits(body) if h.concept.kind == "metric"}
        if len(concepts) < 2 or not _stated_metrics(body):
            continue  # '目标是：…' about something else (a project's goal, a sector's plan)
        # the year's list says so ('主要预期目标', '今年…目标是'); a five-year one says '主要目标'
        # under a heading the text here does not show: a list that says neither comes last
        rank = 0 if "预期" in m.group(0) or re.search(r"今年|全年|20\d\d年", prefix) else \
            1 if "主要" in m.group(0) else 2
        found.append((rank, m.start(), TargetList(start=m.end(), text=body)))
    return min(found, key=lambda f: f[:2])[2] if found else None


def _stated_metrics(body: str) -> set[str]:
    """Lexicon metrics named with a number in ``body``: a list of main targets has several."""
    from pipeline.stages.numbers import find_quantities

    lex, out = lexicon(), set()
    for q in find_quantities(body):
        m = lex.classify(body, q.start, q.end, q.unit)
        if m:
            out.add(m)
    return out


def read_list(text: str) -> Optional[TargetList]:
    """The list of main targets of a report's ``text`` with, per metric, whether it has a number,
    a qualitative wording, or a statement that none is set."""
    tl = find_list(text)
    if tl is None:
        return None
    w, lex = wording(), lexicon()
    body = tl.text
    for cm in re.finditer(r"[^，,；;。：:]+", body):
        clause = cm.group(0)
        growth = bool(re.search(r"增长|增速|增幅|涨幅|同步|下降|降低|提高", clause))
        has_number = any(True for _ in quantities(clause))
        qual = next((q.search(clause) for q in w.qualitative if q.search(clause)), None)
        subject = clause[:qual.start()] if qual else clause
        metrics = _metrics_of(subject, growth)
        if not metrics:
            continue
        tl.named.update(metrics)
        # a number of its own makes it stated ('增长6%左右'); a relative one does not ('比全国高2个百分点')
        relative = qual is not None and re.search(r"\d", qual.group(0))
        if not has_number or relative:  # '固定资产投资提质提效' is a target in words, too
            for mid in metrics:
                tl.qualitative.setdefault(mid, clause.strip())
    # 'we set no specific target for growth': in the list's paragraph or the next
    end = text.find("\n", tl.start + len(body) + 1)
    around = text[tl.start:(end if end > 0 else len(text))][:2 * _LIST_MAX]
    for m in w.not_set.finditer(around):
        s = max(around.rfind(ch, 0, m.start()) for ch in "。；;\n") + 1
        sentence = around[s:m.end()]
        if re.search(r"去年|上年|过去", sentence[:m.start() - s]):
            continue
        clause_start = max(around.rfind(ch, 0, m.start()) for ch in "，,。；;\n") + 1
        for mid in _metrics_of(around[clause_start:m.end()], True):
            tl.not_set[mid] = around[clause_start:m.end()].strip()
            tl.named.add(mid)
    return tl


def status_of(tl: Optional[TargetList], metric: str, has_target: bool) -> tuple[str, Optional[str]]:
    """(target_status, the words behind it) of one metric in one report (``tl`` its list, None
    when it has none); ``has_target``: compare found a headline target for it."""
    if tl is not None and metric in tl.not_set:
        return "not_set", tl.not_set[metric]
    if has_target:
        return "stated", None
    if tl is None:
        return "not_found", None
    if metric in tl.qualitative:
        return "qualitative", tl.qualitative[metric]
    if metric not in tl.named:
        return "not_set", None
    return "not_found", None


def document_text(source_dir: str, doc_id: str) -> Optional[str]:
    """The cleaned text an extract folder keeps of a document (texts/<doc_id>.txt), or None."""
    p = Path(source_dir) / "texts" / f"{doc_id}.txt"
    try:
        return p.read_text(encoding="utf-8")
    except OSError:
        return None
