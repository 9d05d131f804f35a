"""Metric normalisation: map a target to a canonical indicator (gdp_growth, urban_new_jobs, …).

The lexicon is data: ``pipeline/resources/metrics.json`` (versioned). A target is read in its
sentence: the words before the quantity, back to the clause boundary, name what it measures
('地区生产总值增长' → the concept ``gdp``), and the target's unit class picks the metric
(``gdp`` with % → ``gdp_growth``; with 元 → ``gdp_level``; with 个 → nothing).

Lists are followed: in '规上工业增加值、固定资产投资、进出口分别增长5.1%、6.1%和13.8%' the third
quantity belongs to the third item (foreign_trade). A bare '增长7.6%' after
'一般公共预算收入3591亿元、' or after a comma continues the subject before it.

Targets no lexicon entry claims get a cluster id (``cluster:0042``) when their entity is close
to one of the recurring entities of the province corpus (TF-IDF over character n-grams, cosine
similarity, a fixed threshold), from ``pipeline/resources/metric_clusters.json``; rebuild it with
``python -m pipeline.stages.indicators train OUT_DIR``.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from importlib import resources
from typing import Iterable, Optional, Sequence

from pipeline.stages.numbers import units as unit_kinds

LEXICON_FILE = "metrics.json"
CLUSTERS_FILE = "metric_clusters.json"
CLUSTERS_FITTED = "metric_clusters.npz"  # its fitted TF-IDF, for runs without scikit-learn
CLUSTER_THRESHOLD = 0.5  # cosine distance: an entity closer than this to a member joins its cluster


@dataclass(frozen=True)
class Metric:
    id: str
    zh: str
    en: str
    unit_class: str
    unit: str
    better: str = "higher"  # 'higher' or 'lower' (a cap: unemployment, CPI)


@dataclass
class Concept:
    name: str
    kind: str  # 'metric' | 'block' | 'skip'
    patterns: list[re.Pattern]
    after: list[re.Pattern] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    split: list[str] = field(default_factory=list)  # a pair ('城乡居民…'): one item per metric


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    concept: Concept


# Clause boundaries: a subject never reaches across these (a soft one may be crossed by a
# continuation like '…3591亿元，增长7.6%').
_HARD = "。；;！？!?\n"
_SOFT = "，,：:（）()"
_CONNECTOR = re.compile(r"(?:以及|、|和|与|及)")
_CONTINUATION = re.compile(
    r"^[、，,\s]*(?:大关|新台阶|台阶|关口)?[、，,\s]*(?:其中)?(?:20\d\d年)?(?:全年)?(?:总量|总额|规模)?"
    r"(?:同比|比上年|较上年|比去年|年均|分别|全年|预计|实际|累计)?"
    r"(?:增长|增速|下降|增加|提高|降低|上涨|回落|降到|降至|下降到|下降至|提高到|提高至|提升到|提升至|"
    r"增加到|增加至|增长到|增长至|上升到|上升至|达到|达|为|到|至|突破|超过)?[\s]*$")
# Clauses and list items that are neither a subject nor a quantity and sit between a subject
# and its predicate: a rank ('居全国第六位', '稳居全国前十强'), a milestone ('迈上新台阶'), the
# basis of a growth rate ('按可比价格计算'). '…4.86万亿元、居全国第六位，增长3.8%' continues.
_FILLER = re.compile(
    r"[、，,]\s*(?:(?:居|位居|稳居|位列|排名?|跃居)(?:全国|全省|全区|中部|西部|东部|东北|全球|世界|前列)[^、，,；;。]{0,10}|"
    r"(?:迈上|跨上|登上|跃上|连跨|站上)(?:新的?|了)?(?:[^、，,；;。]{0,6})台阶|"
    r"按可比价(?:格)?计算|扣除价格因素|剔除价格因素)\s*$")


def _strip_fillers(text: str) -> str:
    """``text`` without the filler clauses (see _FILLER) at its end."""
    while True:
        m = _FILLER.search(text)
        if not m:
            return text
        text = text[:m.start()]


def _zone_core(zone: str) -> str:
    """A zone without its filler items: '稳居全国前十强、增长' → '增长'."""
    items = zone.split("、")
    return "、".join(it for it in items if not _FILLER.search("、" + it))


def _last_of(text: str, chars: str, end: Optional[int] = None) -> int:
    """The last index before ``end`` of any of the single characters ``chars``, -1 if none:
    ``max(text.rfind(ch, 0, end) for ch in chars)``, with the loop in C (it runs for every
    target, several times)."""
    n = len(chars)
    if end is None:
        return max(map(text.rfind, chars))
    return max(map(text.rfind, chars, repeat(0, n), repeat(end, n)))


_RANGE_START = re.compile(r"\d+(?:\.\d+)?%?\s*[－—–\-~～]+\s*$")
_LIST_GLUE = re.compile(r"^[、和与及,\s]*$")


@lru_cache(maxsize=1)
def _qty_pattern() -> re.Pattern:
    """Arabic-numeral quantities (with unit and comparator words) in the words before a target."""
    us = [u for u, kind in unit_kinds().items() if kind != "duration"]
    unit_alt = "|".join(re.escape(u) for u in sorted(us, key=len, reverse=True))
    return re.compile(
        r"(?:约|近|超过|超|突破|达到|达|控制在|不低于|不少于|不超过)?"
        r"\d+(?:,\d{3})*(?:\.\d+)?(?:\s*[—\-–~～至到]\s*\d+(?:\.\d+)?)?"
        rf"(?:万亿|千亿|百亿|亿|千万|百万|万|千)?(?:余|多)?(?:{unit_alt})?(?:左右|以上|以内|以下|上下)?")


_NOT_QTY_AFTER = re.compile(r"^(?:年|个?月|日|季度|周|天|届|次会议|号|批次)")


def quantities(text: str) -> list[tuple[int, int]]:
    """Spans of Arabic-numeral quantities in ``text`` (years, months, '第3' left out)."""
    spans = []
    for m in _qty_pattern().finditer(text):
        if _NOT_QTY_AFTER.match(text[m.end():]) or (m.start() and text[m.start() - 1] == "第"):
            continue
        spans.append((m.start(), m.end()))
    return spans


class Lexicon:
    """The metrics and concepts of the lexicon file, with compiled patterns."""

    def __init__(self, data: dict):
        self.version: str = data["version"]
        self.metrics: dict[str, Metric] = {
            mid: Metric(mid, m["zh"], m["en"], m["unit_class"], m["unit"], m.get("better", "higher")) for mid, m in data["metrics"].items()}
        self.unit_class: dict[str, str] = {u: cls for cls, us in data["unit_classes"].items() for u in us}
        self.concepts: list[Concept] = []
        for c in data["concepts"]:
            concept = Concept(name=c["name"], kind=c.get("kind", "metric"),
                              patterns=[re.compile(p) for p in c["patterns"]],
                              after=[re.compile(p) for p in c.get("after", [])],
                              units=dict(c.get("units", {})), split=list(c.get("split", [])))
            for mid in list(concept.units.values()) + concept.split:
                if mid not in self.metrics:
                    raise ValueError(f"{LEXICON_FILE}: concept {concept.name} names unknown metric {mid}")
            self.concepts.append(concept)
        self._after = [c for c in self.concepts if c.after]
        # one pass first: most quantities are followed by no number-first wording at all
        self._any_after = re.compile("|".join(f"(?:{p.pattern})" for c in self._after for p in c.after)
                                     or r"(?!)")
        # suffixes of the named parts of a region (scope_of): 新区, 开发区, 山区26县…
        self.sub_areas: list[str] = list(data.get("sub_areas", []))
        # one alternation to test whether a text mentions any concept at all
        self._any = re.compile("|".join(p.pattern for c in self.concepts for p in c.patterns))
        # the patterns by the characters their matches can open with (``_first_chars``): a text
        # is scanned only with the patterns one of its characters can open; faster than `_any`,
        # whose alternation of every pattern is tried at every position
        self._patterns = [(ci, p) for ci, c in enumerate(self.concepts) for p in c.patterns]
        self._always: list[int] = []
        self._by_first: dict[str, list[int]] = {}
        for i, (_ci, p) in enumerate(self._patterns):
            first = _first_chars(p)
            if first is None:
                self._always.append(i)
            else:
                for ch in first:
                    self._by_first.setdefault(ch, []).append(i)
        self._hits_cache: dict[str, tuple[Hit, ...]] = {}

    # -- matching -------------------------------------------------------------------------
    def hits(self, text: str) -> list[Hit]:
        """Concept mentions in ``text``, overlaps resolved (longest first), left to right.
        Cached per text (the same clause is read by ``items``, ``classify`` and ``scope_of``)."""
        got = self._hits_cache.get(text)
        if got is None:
            if len(self._hits_cache) >= 8192:
                self._hits_cache.clear()
            got = self._hits_cache[text] = tuple(self._hits(text))
        return list(got)

    def _hits(self, text: str) -> list[Hit]:
        todo = set(self._always)
        for ch in set(text) & self._by_first.keys():
            todo.update(self._by_first[ch])
        found = []
        for i in sorted(todo):  # a pattern none of whose opening characters is in the text: skipped
            ci, pat = self._patterns[i]
            for m in pat.finditer(text):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), ci))
        found.sort(key=lambda h: (-(h[1] - h[0]), -h[1], h[2]))
        chosen: list[Hit] = []
        for s, e, ci in found:
            if all(e <= h.start or s >= h.end for h in chosen):
                chosen.append(Hit(s, e, self.concepts[ci]))
        return sorted(chosen, key=lambda h: h.start)

    def items(self, zone: str) -> list[tuple[Optional[Concept], Optional[int], str]]:
        """The zone split into list items at 、/和/与/及 (never inside a concept mention); each
        item → the concept it names (its last non-skip mention), None for an unknown item; a
        pair concept ('城乡居民人均可支配收入') counts as two items."""
        hits = [h for h in self.hits(zone)]
        cuts = [m for m in _CONNECTOR.finditer(zone)
                if not any(h.start < m.end() and m.start() < h.end for h in hits)]
        bounds, pos = [], 0
        for m in cuts:
            bounds.append((pos, m.start()))
            pos = m.end()
        bounds.append((pos, len(zone)))
        out: list[tuple[Optional[Concept], Optional[int], str]] = []
        for s, e in bounds:
            if not zone[s:e].strip():
                continue
            inside = [h for h in hits if h.start >= s and h.end <= e and h.concept.kind != "skip"]
            concept = inside[-1].concept if inside else None
            text = zone[s:e].strip()
            if concept is not None and concept.split:
                out.extend((concept, i, text) for i in range(len(concept.split)))
            else:
                out.append((concept, None, text))
        return out

    def unit_class_of(self, unit: Optional[str]) -> str:
        return self.unit_class.get(unit or "", "other")

    def metric_for_concept(self, concept: Optional[Concept], part: Optional[int], unit_class: str) -> Optional[str]:
        if concept is None or concept.kind != "metric":
            return None
        if concept.split:
            mid = concept.split[part or 0]
            # a pair concept is a pair of rate metrics; its level variants follow the '_level' rule
            if unit_class == self.metrics[mid].unit_class:
                return mid
            level = f"{mid}_level"
            return level if level in self.metrics and self.metrics[level].unit_class == unit_class else None
        return concept.units.get(unit_class)

    def classify(self, text: str, raw_start: int, raw_end: int, unit: Optional[str] = None,
                 entity: Optional[str] = None, action: Optional[str] = None) -> Optional[str]:
        """The metric id of the quantity at ``text[raw_start:raw_end]``, or None.

        ``text`` is the sentence (or any text) holding the quantity; ``entity`` and ``action``
        are used only when the offsets do not point into ``text``.
        """
        ucls = self.unit_class_of(unit)
        if not (0 <= raw_start < raw_end <= len(text)):
            words = (entity or "") + (action or "")
            items = self.items(words) if words else []
            named = [it for it in items if it[0] is not None]
            return self.metric_for_concept(named[-1][0], named[-1][1], ucls) if named else None

        right = text[raw_end:raw_end + 16]
        for concept in (self._after if self._any_after.match(right) else ()):
            # number-first wording: '99.7万贫困人口脱贫', '20个贫困县摘帽'
            if any(p.match(right) for p in concept.after):
                metric = self.metric_for_concept(concept, None, ucls)
                if metric:
                    return metric
        left = text[:raw_start]
        dangling = _RANGE_START.search(left)
        if dangling:  # '增长5－6%' read as '6%': the range's first number is not a list item
            left = left[:dangling.start()]
        hard = _last_of(left, _HARD)
        base = hard + 1
        qspans = [(s + base, e + base) for s, e in quantities(left[base:])]
        in_list_after = bool(_LIST_AFTER.match(right))

        pos, k, jumps = len(left), 0, 0
        while True:
            # walk back over the list of quantities just before pos: '5.1%、6.1%和' → k += 2
            qi = len([q for q in qspans if q[1] <= pos])
            while qi and _LIST_GLUE.match(left[qspans[qi - 1][1]:pos]) and left[qspans[qi - 1][1]:pos] != "":
                pos = qspans[qi - 1][0]
                qi -= 1
                k += 1 if jumps == 0 else 0
            prev_q_end = qspans[qi - 1][1] if qi else base
            soft = _last_of(left, _SOFT, pos)
            zs = max(prev_q_end, soft + 1, base)
            zone = left[zs:pos]
            items = self.items(zone)
            named = [it for it in items if it[0] is not None]
            if not named and _CONTINUATION.match(_zone_core(zone)) and jumps < 3 and zs > base:
                # '…3591亿元、增长' / '…10920亿元，增长' / '由4.6万元增加到': the subject is further back
                jumps += 1
                if zs == prev_q_end and qi:
                    pos = qspans[qi - 1][0]
                    # and the list that quantity may belong to
                    while qi > 1 and _LIST_GLUE.match(left[qspans[qi - 2][1]:pos]) and left[qspans[qi - 2][1]:pos]:
                        qi -= 1
                        pos = qspans[qi - 1][0]
                else:
                    # a soft boundary: continue only if a quantity ends right before it
                    before = _strip_fillers(left[:zs - 1])
                    ends = [q for q in qspans if q[1] == len(before.rstrip())]
                    if not ends:
                        carried = self._topic(before, base, qspans)
                        if carried is not None:
                            # '地区生产总值增速逐季提高，全年增长4.5%': the clause before has the subject
                            items, named, k = [carried], [carried], 0
                        break
                    pos = ends[0][0]
                    qi = qspans.index(ends[0])
                    while qi > 0 and _LIST_GLUE.match(left[qspans[qi - 1][1]:pos]) and left[qspans[qi - 1][1]:pos]:
                        qi -= 1
                        pos = qspans[qi][0]
                continue
            break

        metric: Optional[str] = None
        if named:
            if k > 0 or in_list_after or "分别" in zone or "依次" in zone:
                # an enumeration: the k-th quantity belongs to the k-th item
                if k < len(items):
                    metric = self.metric_for_concept(items[k][0], items[k][1], ucls)
            else:
                last = items[-1]
                if last[0] is None and len(last[2]) > 6:
                    last = None  # '…增长较快、人均收入达到8%': an unknown subject after the known one
                elif last[0] is None:
                    last = named[-1]  # '…高于经济增长速度、力争达到8%': a verb phrase, not a subject
                if last is not None:
                    metric = self.metric_for_concept(last[0], last[1], ucls)
        return metric

    def _topic(self, before: str, base: int, qspans: list[tuple[int, int]]):
        """The one concept named by the clause that ends ``before``, in its words before its
        first quantity, when that clause has no quantity at its end: a clause without a subject
        ('全年增长4.5%') continues the topic of the one before it. None when it names none or
        several (a list: which item is meant is unknown)."""
        soft = _last_of(before, _SOFT + _HARD)
        ps = max(soft + 1, base)
        first = [q for q in qspans if q[0] >= ps and q[1] <= len(before)]
        words = before[ps:first[0][0]] if first else before[ps:]
        named = [it for it in self.items(words) if it[0] is not None]
        return named[0] if len(named) == 1 and len(words) <= 30 else None

    def name(self, metric: Optional[str]) -> Optional[str]:
        return self.metrics[metric].zh if metric in self.metrics else None


def _first_set(items) -> Optional[tuple[frozenset[str], bool]]:
    """(the characters a non-empty match of the parsed sequence `items` can start with, whether
    it can match empty), or None when the pattern is beyond this simple reading."""
    from re import _constants as c  # the parser's opcodes (stable within a Python version)
    first: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            return frozenset(first | {chr(av)}), False
        if op is c.IN:
            if not all(o is c.LITERAL for o, _v in av):
                return None
            return frozenset(first | {chr(v) for _o, v in av}), False
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the match's first character comes after it
        if op is c.SUBPATTERN:
            _group, add, delete, sub = av
            got = None if add or delete else _first_set(sub)
        elif op is c.BRANCH:
            got, nullable = frozenset(), False
            for alt in av[1]:
                g = _first_set(alt)
                if g is None:
                    return None
                got, nullable = got | g[0], nullable or g[1]
            got = (got, nullable)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, _hi, sub = av
            got = _first_set(sub)
            got = None if got is None else (got[0], got[1] or lo == 0)
        else:
            return None  # '.', classes, negations, group references: no filter
        if got is None:
            return None
        first |= got[0]
        if not got[1]:
            return frozenset(first), False
    return frozenset(first), True


_FIRST_CHARS: dict[re.Pattern, Optional[frozenset[str]]] = {}


def _first_chars(pat: re.Pattern) -> Optional[frozenset[str]]:
    """The characters a non-empty match of `pat` can open with (None: any). ``hits`` skips a
    pattern none of whose opening characters is in the text: the same hits, far fewer scans."""
    if pat not in _FIRST_CHARS:
        got = None
        if not pat.flags & (re.IGNORECASE | re.VERBOSE):
            try:
                from re import _parser
                parsed = _first_set(list(_parser.parse(pat.pattern, pat.flags)))
                got = parsed[0] if parsed else None
            except Exception:  # a parser of another Python version: no filter, same output
                got = None
        _FIRST_CHARS[pat] = got
    return _FIRST_CHARS[pat]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    text = resources.files("pipeline.resources").joinpath(LEXICON_FILE).read_text("utf-8")
    return Lexicon(json.loads(text))


def classify(text: str, raw_start: int, raw_end: int, unit: Optional[str] = None,
             entity: Optional[str] = None, action: Optional[str] = None) -> Optional[str]:
    """Metric id of one quantity in its sentence (offsets into ``text``), or None."""
    return lexicon().classify(text, raw_start, raw_end, unit, entity, action)


def classify_sentence(sentence: str, raw: str, unit: Optional[str] = None) -> Optional[str]:
    """Convenience for tests and notebooks: the metric of the first ``raw`` in ``sentence``."""
    i = sentence.find(raw)
    if i < 0:
        raise ValueError(f"{raw!r} not in {sentence!r}")
    if unit is None:
        from pipeline.stages.numbers import find_quantities
        qs = [q for q in find_quantities(raw)]
        unit = qs[0].unit if qs else None
    return classify(sentence, i, i + len(raw), unit)


# -- the period and the scope of a quantity: its own reading, from its sentence ----------------
# A clause about more than one year, or about part of one.
_MULTI_CLAUSE = re.compile(r"年均|累计|五年|每年|平均每年|三年|两年")
_MULTI_SENTENCE = re.compile(r"过去五年|五年来|五年间|五年累计|十[一二三四五六]五(?:时期|期间|以来|规划)|"
                             r"(?:到|至)20\d\d年|20\d\d[-—至到]20\d\d年")
_ANNUAL_SENTENCE = re.compile(r"今年|本年|明年|去年|全年|开局之年|预期目标|主要目标是|主要目标为|预期指标")
_SUB_ANNUAL = re.compile(r"[一二三四]季度|上半年|下半年|前三季度|\d+[-—至到]\d+月|一至[二三四五六七八九十]+月|\d+月份")
_FULL_YEAR = re.compile(r"全年|年度|20\d\d年(?!一季度|上半年|前三季度|[1-9]|[一二三四]季度)")
_CLAUSE_SEP = "，,；;。：:\n"
_SENTENCE_END = "。；;！？\n"
_TOPIC = re.compile(r"[^，,：:；;。]{1,12}[，,：:]")
_YEARS_COUNT = re.compile(r"(?<![\d.])[2-9]年(?:来|间|累计|共)?")
_LIST_AFTER = re.compile(r"^[、和与及]\s*(?:约|近|超过)?\d")
_MULTI_SECTION = re.compile(r"五年|十[一二三四五六]五")
_ANNUAL_MARK = re.compile(r"20\d\d年|去年|全年|今年|过去一年|一年来|本年")
_TITLE_YEAR = re.compile(r"(20\d\d)年")
PERIODS = ("annual", "sub-annual", "multi-year")


def clause_before(text: str, a: int, b: int) -> str:
    """The clause holding text[a:b]: back to the previous clause boundary, through the quantity."""
    left = text[:max(a, 0)]
    cut = _last_of(left, _CLAUSE_SEP)
    return text[cut + 1:b]


def _sentence_topic(text: str, a: int) -> str:
    """The opening phrase of the sentence holding position ``a`` ('今年一季度，…', '上半年，…'):
    up to its first comma, when that comes before ``a`` and is short (a time or place topic)."""
    start = _last_of(text, _SENTENCE_END, max(a, 0)) + 1
    m = _TOPIC.match(text[start:max(a, 0)])
    return m.group(0) if m else ""


def period_of(text: str, a: int, b: int, year: Optional[int] = None, deadline: Optional[str] = None,
              section_path: str = "", in_review: bool = False, unit_class: str = "") -> str:
    """'annual', 'sub-annual' (一季度, 上半年, 前三季度, 1-9月) or 'multi-year' (年均, 累计,
    '十四五', 五年, a deadline after the plan year) for the quantity at text[a:b].

    A clause's own word for the full year ('前三季度增长4.1%，全年增长5.2%') wins over a
    part of the year named before it; a sentence opening with a part of the year ('今年一季度，
    全市地区生产总值增长6.2%') makes its clauses sub-annual."""
    clause = clause_before(text, a, b)
    if _SUB_ANNUAL.search(clause):
        return "sub-annual"
    full_year = bool(_FULL_YEAR.search(clause))
    if not full_year and (_SUB_ANNUAL.search(_sentence_topic(text, a)) or _SUB_ANNUAL.search(text[:max(a, 0)][-12:])):
        return "sub-annual"
    if _MULTI_CLAUSE.search(clause) or _YEARS_COUNT.search(clause):
        return "multi-year"
    parts = section_path.split(" > ") if section_path else []
    if in_review and unit_class not in ("rate", "pp") and parts and _MULTI_SECTION.search(parts[0]) \
            and not any(_TITLE_YEAR.search(p) or "一年" in p for p in parts) and not _ANNUAL_MARK.search(text):
        # a total in '过去五年工作回顾' without a word for one year is most likely the five
        # years' total ('城镇新增就业690万人'); growth rates there say 年均 when they mean it
        return "multi-year"
    if _MULTI_SENTENCE.search(text) and not _ANNUAL_SENTENCE.search(text):
        return "multi-year"
    if deadline and year and str(deadline)[:4].isdigit() and int(str(deadline)[:4]) > year:
        return "multi-year"
    return "annual"


WHOLE = "whole"
_WHOLE_WORD = re.compile(r"全(?:国|省|市|区|州|县|盟|旗|自治区)|我(?:国|省|市|区|州|县)|本(?:省|市|区|县)")
_HAN = r"[\u4e00-\u9fff]"


@lru_cache(maxsize=1)
def _sub_area() -> re.Pattern:
    """A named part of a region (resources/metrics.json 'sub_areas'): '滇中新区', '经开区',
    '山区26县', '县域', '中心城区'. Its name: the Han characters before the suffix, within the clause."""
    words = lexicon().sub_areas
    alt = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:{_HAN}{{0,8}}?)(?:{alt})")


@lru_cache(maxsize=1)
def _sub_area_word() -> re.Pattern:
    """Just the suffixes of ``_sub_area`` (none of them holds an anchor or a lookaround): a
    text none of them occurs in holds no part of it, so no sub-area, whatever the clause."""
    return re.compile("|".join(sorted(lexicon().sub_areas, key=len, reverse=True)))


def scope_of(text: str, a: int, metric: Optional[str] = None) -> str:
    """'whole' (the region the document is about) or the named sub-area whose figure the
    quantity at text[a:…] is ('兰州新区地区生产总值增长12%' → '兰州新区').

    The sub-area must be the subject of the metric: in the clause of the metric's concept word,
    before it ('滇中新区地区生产总值'), or the topic opening the sentence ('兰州新区：…',
    '高新区全年…，'); a word for the whole region (全市, 全省, 我省) in between resets it. A sub-area
    that is counted ('新增省级开发区3个') or acted on ('推动开发区改革，…') is not a scope."""
    lex = lexicon()
    start = _last_of(text, _SENTENCE_END, max(a, 0)) + 1
    sent = text[start:max(a, 0)]
    if not _sub_area_word().search(sent):
        return WHOLE  # every answer but WHOLE is a sub-area found in the words before a
    hits = [h for h in lex.hits(sent) if h.concept.kind == "metric"]
    if metric is not None:
        own = [h for h in hits if metric in h.concept.units.values() or metric in h.concept.split
               or any(f"{m}_level" == metric for m in h.concept.split)]
        hits = own or hits
    pat = _sub_area()
    if hits:
        h = hits[-1]
        cut = _last_of(sent, "，,：:", h.start) + 1
        clause = sent[cut:h.start]
        found = [m for m in pat.finditer(clause)]
        if found and not _WHOLE_WORD.search(clause[found[-1].end():]):
            return _area_name(found[-1].group(0))
        if _WHOLE_WORD.search(sent[cut:h.start]):
            return WHOLE
        # the sentence's topic: a sub-area opening it, then a boundary or a time word
        topic = re.match(rf"^(?:其中|同时)?[，,]?({pat.pattern})(?:[：:，,]|全年|今年|上年|去年|\d{{4}}年)", sent)
        if topic and not _WHOLE_WORD.search(sent[topic.end():h.start]):
            return _area_name(topic.group(1))
    return WHOLE


# Words that cannot be inside a sub-area's name: what comes before the last of them is the
# clause's verb or a list ('增补市州城区' → '市州城区', '喀什和霍尔果斯经济开发区' → its last item).
_AREA_CUT = re.compile(r".*(?:其中|同时|推动|支持|加快|全力|力争|确保|实现|推进|实施|改造|增补|整治|新增|新建|"
                       r"审议|涉及|建设|打造|创建|培育|重点|提升|计划|工程|所在地|以及|和|与|及|的|个|、)")


def _area_name(name: str) -> str:
    """The sub-area's name without the verbs or list items before it."""
    return _AREA_CUT.sub("", name) or name


# -- clusters of the entities no lexicon entry claims ------------------------------------------
_ENTITY_PREFIX = re.compile(r"^(?:全国|全省|全区|全市|全州|全县|全社会|我省|我区|我市|本省|全年|预计|力争|确保|"
                            r"累计|新增|其中|年均|共|各类|全)+")
_ENTITY_STOP = {"分别", "其中", "均", "合计", "总计", "同比", "比上年", "以上", "左右", "达到", "总量", "规模",
                "目标", "目标设定", "增速", "增幅", "比重", "占比", "人均", "人次", "个", "新台阶", "台阶"}
_ENTITY_JUNK = re.compile(r"^[\W\d_a-zA-Z]*$")


def normalise_entity(entity: Optional[str]) -> str:
    """'全省规模以上工业增加值' → '规模以上工业增加值'; '' for entities too short to cluster."""
    if not isinstance(entity, str) or not entity:
        return ""
    e = re.sub(r"\s+", "", entity)
    e = _ENTITY_PREFIX.sub("", e) or e
    e = re.sub(r"(?:由|从|为|达|年|年均)$", "", e)
    if len(e) < 2 or _ENTITY_JUNK.match(e) or e in _ENTITY_STOP:
        return ""
    return e


class ClusterModel:
    """Nearest recurring entity cluster, by scikit-learn's estimator contract: settings in
    ``__init__``, the members in ``fit``, learned state with a trailing ``_``.

        ClusterModel(threshold=0.35).fit(members, ids, labels).predict(["规上工业增加值"])
    """

    def __init__(self, threshold: float = CLUSTER_THRESHOLD, version: str = ""):
        self.threshold = threshold
        self.version = version

    def get_params(self, deep: bool = True) -> dict:
        return {"threshold": self.threshold, "version": self.version}

    def set_params(self, **params) -> "ClusterModel":
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def fit(self, members: Sequence[str], ids: Sequence[str],
            labels: Optional[dict[str, str]] = None) -> "ClusterModel":
        """``members``: the clustered entities; ``ids``: the cluster id of each; ``labels``:
        cluster id → label (its most frequent member)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._members(members, ids, labels)
        self.vocabulary_, self.idf_, self.matrix_ = {}, None, None
        if self.members_:
            vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
            self.matrix_ = vectorizer.fit_transform(self.members_).tocsr()
            self.vocabulary_ = dict(vectorizer.vocabulary_)
            self.idf_ = vectorizer.idf_
        return self

    def _members(self, members: Sequence[str], ids: Sequence[str], labels: Optional[dict[str, str]]) -> None:
        self.members_, self.ids_ = list(members), list(ids)
        self.labels_ = dict(labels or {})
        self.exact_ = dict(zip(self.members_, self.ids_))
        self.by_term_ = None  # (``_by_term``: built from matrix_ at the first prediction)

    def save_fitted(self, path) -> None:
        """The fitted state as arrays (``.npz``): runs load it without scikit-learn."""
        import numpy as np

        terms = sorted(self.vocabulary_, key=self.vocabulary_.get)
        m = self.matrix_
        with open(path, "wb") as f:
            np.savez_compressed(f, terms=np.asarray(terms, dtype=str), idf=self.idf_, data=m.data,
                                indices=m.indices, indptr=m.indptr, shape=np.asarray(m.shape),
                                members=np.asarray(self.members_, dtype=str))

    def load_fitted(self, path, members: Sequence[str], ids: Sequence[str],
                    labels: Optional[dict[str, str]] = None) -> "ClusterModel":
        """``fit`` from the arrays ``save_fitted`` wrote for these members (ValueError if for others)."""
        import numpy as np

        from pipeline.ml.inference import SparseRows

        with np.load(path, allow_pickle=False) as z:
            if [str(m) for m in z["members"]] != list(members):
                raise ValueError(f"{path} was fitted on other members")
            self._members(members, ids, labels)
            self.vocabulary_ = {str(term): i for i, term in enumerate(z["terms"])}
            self.idf_ = z["idf"]
            self.matrix_ = SparseRows(z["data"], z["indices"], z["indptr"], tuple(z["shape"]))
        return self

    def transform(self, entities: Sequence[str]):
        """scikit-learn's ``TfidfVectorizer(analyzer="char", ngram_range=(1, 3),
        sublinear_tf=True).transform`` with the fitted vocabulary and idf, step by step in its
        order (sorted columns; log + 1; × idf; each row divided by its l2 norm, summed in column
        order), so the vectors are equal to the bit (tests/test_metrics.py). A ``SparseRows``
        (CSR arrays: scipy.sparse's layout, without importing scipy)."""
        import numpy as np

        from pipeline.ml.inference import SparseRows

        vocabulary = self.vocabulary_
        indices: list[int] = []
        counts: list[float] = []
        indptr = [0]
        for text in entities:
            counter: dict[int, int] = {}
            for gram in _char_ngrams(text):
                j = vocabulary.get(gram)
                if j is not None:
                    counter[j] = counter.get(j, 0) + 1
            for j in sorted(counter):
                indices.append(j)
                counts.append(counter[j])
            indptr.append(len(indices))
        data = np.asarray(counts, dtype=np.float64)
        cols = np.asarray(indices, dtype=np.int32)
        np.log(data, data)
        data += 1.0
        data *= self.idf_[cols]
        squares = (data * data).tolist()  # (Python floats: the same products, read 10× faster)
        for lo, hi in zip(indptr, indptr[1:]):
            total = 0.0
            for k in range(lo, hi):
                total += squares[k]
            if total:
                data[lo:hi] /= math.sqrt(total)
        return SparseRows(data, cols, np.asarray(indptr, dtype=np.int32), (len(entities), len(vocabulary)))

    def predict(self, entities: Sequence[str]) -> list[Optional[str]]:
        """Cluster id of each (normalised) entity, None when nothing is close enough."""
        out: list[Optional[str]] = [self.exact_.get(e) if e else None for e in entities]
        todo = [i for i, e in enumerate(entities) if e and out[i] is None]
        if todo and self.matrix_ is not None:
            for row, (member, sim) in enumerate(self._nearest(self.transform([entities[i] for i in todo]))):
                if member >= 0 and 1.0 - sim < self.threshold:
                    out[todo[row]] = self.ids_[member]
        return out

    _CHUNK = 256  # query rows per product (a chunk's scores: rows × members float64)

    def _nearest(self, q) -> list[tuple[int, float]]:
        """(member, cosine) of the most similar member of each row of ``q``, (-1, 0.0) for a row
        that shares no term with any member: what ``q @ matrix_.T`` (scipy.sparse's
        ``csr_matmat``) and the first ``argmax`` of each row of it gave. Each similarity is
        summed from 0 over the row's terms in ascending order, so it is scipy's to the bit; an
        exact 0 is no entry, as in scipy; and of members with equal similarity the one scipy's
        row lists first wins (``_first_listed``).

        The rows advance together one term at a time into dense rows × members sums: a step
        adds at most one product to each (row, member), so the additions are scipy's, in its
        order, without sorting the million (entry, member) pairs of a report (their sort was
        most of the time)."""
        import numpy as np

        t_ptr, t_members, t_values = self._by_term()
        n_members = len(self.members_)
        best: list[tuple[int, float]] = []
        for lo in range(0, q.shape[0], self._CHUNK):
            hi = min(lo + self._CHUNK, q.shape[0])
            sums = np.zeros((hi - lo) * n_members)  # (row, member) at row × n_members + member
            starts = q.indptr[lo:hi]
            lengths = np.diff(q.indptr[lo:hi + 1])
            for step in range(int(lengths.max(initial=0))):
                rows = np.flatnonzero(lengths > step)
                entries = starts[rows] + step  # each row's term number ``step``
                terms = q.indices[entries]
                counts = t_ptr[terms + 1] - t_ptr[terms]
                pos = np.arange(int(counts.sum())) + np.repeat(t_ptr[terms] - (np.cumsum(counts) - counts), counts)
                keys = np.repeat(rows * n_members, counts) + t_members[pos]
                sums[keys] += np.repeat(q.data[entries], counts) * t_values[pos]  # (each key once)
            sums = sums.reshape((hi - lo, n_members))
            winner = sums.argmax(axis=1) if n_members else np.zeros(hi - lo, dtype=np.int64)
            top = sums[np.arange(hi - lo), winner] if n_members else np.zeros(hi - lo)
            tied = np.flatnonzero((sums == top[:, None]).sum(axis=1) > 1)
            for i in tied[top[tied] != 0].tolist():
                winner[i] = self._first_listed(q, lo + i, np.flatnonzero(sums[i] == top[i]))
            best += [(m, sim) if sim != 0 else (-1, 0.0) for m, sim in zip(winner.tolist(), top.tolist())]
        return best

    def _first_listed(self, q, row: int, tied) -> int:
        """Of members tied at a row's top similarity, the one scipy's product lists first: its
        rows list members in the reverse order of their first term in common with the query
        (members ascending within a term), so the latest first-common-term, then the highest
        member. Ties are rare (anagrams share every unigram): asked of those rows alone."""
        import numpy as np

        t_ptr, t_members, _ = self._by_term()
        first = {}
        for step, term in enumerate(q.indices[q.indptr[row]:q.indptr[row + 1]].tolist()):
            common = np.intersect1d(t_members[t_ptr[term]:t_ptr[term + 1]], tied).tolist()
            first.update((m, step) for m in common if m not in first)
        return max(first, key=lambda m: (first[m], m))

    def _by_term(self):
        """``matrix_`` by term (the CSR layout of its transpose, as scipy makes it: each
        term's members ascending): row starts, members, values. Computed once."""
        import numpy as np

        got = getattr(self, "by_term_", None)
        if got is None:
            m = self.matrix_
            n_terms = m.shape[1]
            indices = np.asarray(m.indices)
            order = np.argsort(indices, kind="stable")  # (entries are in member order already)
            member_of = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
            ptr = np.zeros(n_terms + 1, dtype=np.int64)
            np.cumsum(np.bincount(indices, minlength=n_terms), out=ptr[1:])
            got = self.by_term_ = (ptr, member_of[order], np.asarray(m.data, dtype=np.float64)[order])
        return got


@lru_cache(maxsize=1)
def cluster_model() -> Optional[ClusterModel]:
    """The clusters of resources/metric_clusters.json, fitted: from the arrays beside it
    (metric_clusters.npz, written by ``python -m pipeline.stages.indicators train``) when they
    were fitted on its members, else by scikit-learn now."""
    path = resources.files("pipeline.resources").joinpath(CLUSTERS_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    ids, members = [], []
    for c in data["clusters"]:
        for m in c["members"]:
            ids.append(c["id"])
            members.append(m)
    labels = {c["id"]: c["label"] for c in data["clusters"]}
    model = ClusterModel(threshold=data.get("threshold", CLUSTER_THRESHOLD), version=data["version"])
    fitted = resources.files("pipeline.resources").joinpath(CLUSTERS_FITTED)
    if fitted.is_file() and members:
        try:
            return model.load_fitted(fitted, members, ids, labels)
        except (ValueError, KeyError, OSError):
            pass
    return model.fit(members, ids, labels)


def write_fitted(clusters_json, dest) -> None:
    """The fitted TF-IDF of the clusters in ``clusters_json`` (what ``cluster_model`` loads)."""
    from pathlib import Path

    data = json.loads(Path(clusters_json).read_text("utf-8"))
    members = [m for c in data["clusters"] for m in c["members"]]
    ids = [c["id"] for c in data["clusters"] for _ in c["members"]]
    ClusterModel(threshold=data.get("threshold", CLUSTER_THRESHOLD)).fit(members, ids).save_fitted(dest)


_WHITE_SPACES = re.compile(r"\s\s+")


def _char_ngrams(text: str) -> list[str]:
    """scikit-learn's ``analyzer="char"`` n-grams 1–3 (lowercased, runs of white space as one)."""
    text = _WHITE_SPACES.sub(" ", text.lower())
    grams = list(text)
    for n in (2, 3):
        grams += [text[i:i + n] for i in range(len(text) - n + 1)]
    return grams


def _str(x) -> str:
    return x if isinstance(x, str) else ""


def _int(x) -> Optional[int]:
    try:
        return None if x is None or x != x else int(x)
    except (TypeError, ValueError):
        return None


def _lexicon_only(rows: list[dict]) -> list[dict]:
    return annotate(rows, use_clusters=False)


def annotate(rows: list[dict], use_clusters: bool = True) -> list[dict]:
    """Fill ``metric`` and ``metric_name`` of target rows (dicts with the targets columns).

    Lexicon first (per target); the rest, in one batch, nearest recurring entity cluster.
    """
    lex = lexicon()
    rest: list[int] = []
    for i, r in enumerate(rows):
        text, raw = _str(r.get("text")), _str(r.get("raw"))
        start, rs, re_ = _int(r.get("start")), _int(r.get("raw_start")), _int(r.get("raw_end"))
        a = rs - start if rs is not None and start is not None else -1
        b = re_ - start if re_ is not None and start is not None else -1
        if not (0 <= a < b <= len(text)) or text[a:b] != raw:
            i_raw = text.find(raw) if raw else -1
            a, b = (i_raw, i_raw + len(raw)) if i_raw >= 0 else (-1, -1)
        metric = lex.classify(text, a, b, _str(r.get("unit")) or None, _str(r.get("entity")), _str(r.get("action")))
        r["metric"] = metric
        r["metric_name"] = lex.name(metric)
        if metric is None:
            rest.append(i)
    model = cluster_model() if rest and use_clusters else None
    if model is not None:
        keys = [normalise_entity(rows[i].get("entity")) for i in rest]
        for i, cid in zip(rest, model.predict(keys)):
            if cid:
                rows[i]["metric"] = cid
                rows[i]["metric_name"] = model.labels_.get(cid)
    return rows


# -- training the clusters ---------------------------------------------------------------------
def train_clusters(entities_by_doc: Iterable[tuple[str, str]], min_docs: int = 3,
                   threshold: float = CLUSTER_THRESHOLD, version: str = "1") -> dict:
    """Cluster the recurring entities (seen in at least ``min_docs`` documents) of unmatched
    targets: TF-IDF char 1–3-grams, agglomerative clustering (average linkage, cosine distance
    below ``threshold``). Deterministic: ids are numbered by cluster size, then label."""
    from collections import Counter, defaultdict

    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs: dict[str, set] = defaultdict(set)
    freq: Counter = Counter()
    for doc_id, entity in entities_by_doc:
        e = normalise_entity(entity)
        if e:
            docs[e].add(doc_id)
            freq[e] += 1
    members = sorted(e for e, d in docs.items() if len(d) >= min_docs)
    if len(members) < 2:
        return {"version": version, "threshold": threshold, "clusters": []}
    X = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(members)
    labels = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, metric="cosine",
                                     linkage="average").fit_predict(X.toarray())
    groups: dict[int, list[str]] = defaultdict(list)
    for e, lab in zip(members, labels):
        groups[int(lab)].append(e)
    ordered = sorted(groups.values(), key=lambda g: (-sum(freq[e] for e in g), max(g, key=lambda e: (freq[e], e))))
    clusters = []
    for n, group in enumerate(ordered, 1):
        label = max(group, key=lambda e: (freq[e], -len(e), e))
        clusters.append({"id": f"cluster:{n:04d}", "label": label, "members": sorted(group)})
    return {"version": version, "threshold": threshold, "min_docs": min_docs, "clusters": clusters}


def main(argv: Optional[Sequence[str]] = None) -> None:
    """python -m pipeline.stages.indicators train OUT_DIR... : rebuild resources/metric_clusters.json."""
    import argparse
    from pathlib import Path

    import pandas as pd

    p = argparse.ArgumentParser(prog="python -m pipeline.stages.indicators")
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="cluster the unmatched entities of extract output folders")
    t.add_argument("out_dirs", nargs="+", type=Path)
    t.add_argument("--min-docs", type=int, default=3)
    t.add_argument("--dest", type=Path,
                   default=Path(str(resources.files("pipeline.resources").joinpath(CLUSTERS_FILE))))
    args = p.parse_args(argv)
    frames = [pd.read_parquet(d / "targets.parquet") for d in args.out_dirs]
    df = pd.concat(frames, ignore_index=True)
    rows = df.drop(columns=["metric", "metric_name"], errors="ignore").to_dict("records")
    cluster_model.cache_clear()
    lex = lexicon()
    pairs = []
    for r in _lexicon_only(rows):
        if r["metric"] is None:
            pairs.append((r["doc_id"], r["entity"]))
    model = train_clusters(pairs, min_docs=args.min_docs, version=lex.version)
    args.dest.write_text(json.dumps(model, ensure_ascii=False, indent=0), encoding="utf-8")
    write_fitted(args.dest, args.dest.with_suffix(".npz"))
    print(f"{len(model['clusters'])} clusters, {sum(len(c['members']) for c in model['clusters'])} "
          f"entities → {args.dest}")


if __name__ == "__main__":
    main()
