"""What a target counts (its entity) and the verb that commits to it (its action), read from the
grammar of its clause rather than from a window of characters.

A committed quantity sits in one of a few constructions of Chinese policy language:

- number last, the counted noun phrase before it: ``建设|高标准农田|500万亩``,
  ``地区生产总值|增长|7.5%``, ``培训|新型农民|达到|40000名``;
- number first, the noun phrase after it: ``新建|500万亩|高标准农田``, ``300个|惠民回收服务点``,
  ``50%以上的|文化馆|具备…``, ``与|1000家|企业|开展…``;
- a list of quantities over a list of subjects: ``A、B和C|分别增长|5%、6%和7%`` (the i-th
  quantity counts the i-th subject; a head written once is shared: ``城镇和农村居民人均可支配收入``);
- a clause without a subject of its own, which continues the previous one: ``…159.4亿元、
  同口径增长14%``, ``…12家、总数达到35家``, ``比上年增加1800亿元``.

The committing verb is the content verb that governs the noun phrase (``新增``, ``建成``,
``培训``); a change verb measuring the quantity (``增长``, ``提高到``) wins over it; a comparator
(``达到``, ``超过``, ``控制在``) is the action only when no content verb governs, or when the noun
phrase names a measure (``交易额``, ``开工率``) rather than things that are delivered. Framing
words (``力争``, ``确保``, ``实现``) are the action only when nothing else is. A nominal predicate
(``城镇调查失业率5.5%左右``) has no action.

jieba's tags are the input, but it tags many verbs ``vn`` or ``n`` and many noun modifiers
``v``, so word classes in ``resources/entity_grammar.json`` decide where the tags do not.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import accumulate
from importlib import resources
from typing import Callable, NamedTuple, Optional, Union

from pipeline.stages.metadata import gazetteer
from pipeline.stages.numbers import Quantity, quantity_mentions, units
from pipeline.records import Sentence
from pipeline.stages.tokens import tag as _tag

_CLAUSE_END = set("，,；;：:。！？!?\n")
# how many words left of a phrase its governing verb may stand: '招引落户|总投资|超|30|亿元|或|3|亿美元|产业项目2个'
_GOVERNOR_REACH = 10
_CLAUSE_END_CHAR = re.compile("[" + re.escape("".join(sorted(_CLAUSE_END))) + "]")
_LIST_SEPS = {"、", "和", "及", "与", "以及", "或"}
_QUOTES_OPEN, _QUOTES_CLOSE = set("“‘「《\""), set("”’」》\"")
_BRACKETS = {"（": "）", "(": ")"}
_NUMERAL = re.compile(r"^[\d.．%０-９]+$|^[零一二两三四五六七八九十百千万亿]+$")
_NUMBERING = re.compile(r"^(\d+[.．、]?|[（(]?[一二三四五六七八九十\d]+[)）、.．]?)$")
_TIME_WORD = re.compile(r"年|月|日|季|今|明|当|底|期|届时|目前|近")
_RAW_VERB = re.compile(r"^(超过|突破|达到|控制在|稳定在|保持在|提高到|提升到|下降到|降低到|降至|增长到|增加到)")
_NOUN_TAGS = ("n", "vn", "nz", "ns", "nr", "nt", "nrt", "nrfg", "j", "l", "b", "an", "eng", "s", "i", "g", "ng", "k", "h")
_STOP_TAGS = ("p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "y", "e", "o", "zg")
_WEAK_AFTER = {"基础", "基础上", "目标", "要求", "任务", "水平", "范围", "格局", "局面", "态势", "阶段",
               "位置", "行列", "前列", "以上", "以下", "左右", "方面", "领域"}


@lru_cache(maxsize=1)
def _grammar() -> dict[str, frozenset]:
    raw = json.loads(resources.files("pipeline.resources").joinpath("entity_grammar.json").read_text("utf-8"))
    g = {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}
    actions = resources.files("pipeline.resources").joinpath("action_verbs.txt").read_text("utf-8")
    g["action"] = frozenset(w.strip() for w in actions.splitlines() if w.strip() and not w.startswith("#"))
    return g


class Tok(NamedTuple):
    """One token with its offsets in the sentence. A named tuple: every sentence with a target
    makes dozens (a report, thousands), and a tuple is made in C (``_tokens_of``), compared
    and hashed by its fields in C (``list.index``); a frozen dataclass's ``__init__`` cost four
    times a plain class's, and the plain class's ``__eq__`` ran in Python. Never changed once
    made."""
    start: int
    end: int
    word: str
    tag: str


_new_tok = partial(tuple.__new__, Tok)  # Tok from one (start, end, word, tag) tuple, in C


class Toks(tuple):
    """A sentence's tokens, with their start and end offsets as sorted lists: the tokens of a
    span [a, b) are a slice found by bisection, not by filtering every token per quantity."""
    starts: list[int]
    ends: list[int]

    def within(self, a: int, b: int) -> list[Tok]:
        """The tokens lying wholly inside [a, b), in order (tokens are contiguous and sorted)."""
        return list(self[bisect_left(self.starts, a):bisect_right(self.ends, b)])


@lru_cache(maxsize=256)
def _tokens_of(text: str, words: tuple[str, ...], tags: tuple[str, ...]) -> Toks:
    if "".join(words) != text:
        words, tags = (tuple(x) for x in _tag(text))
    ends = list(accumulate(map(len, words)))
    out = list(map(_new_tok, zip([0] + ends[:-1], ends, words, tags)))
    toks = Toks(_merge_verbs(out))
    toks.starts = [t.start for t in toks]
    toks.ends = [t.end for t in toks]
    return toks


@lru_cache(maxsize=1)
def _verb_lexicon() -> frozenset[str]:
    """The verbs `_merge_verbs` re-joins, united once (not once per sentence)."""
    g = _grammar()
    return g["action"] | g["extra_verbs"] | g["change_verbs"] | g["comparator_verbs"]


@lru_cache(maxsize=1)
def _merge_prefixes() -> frozenset[str]:
    """Every prefix of a word `_merge_verbs` can re-join: a token that is none starts no merge,
    so the joins of the next two or three words are skipped for most tokens."""
    words = _verb_lexicon() | _grammar()["per_unit_prefixes"]
    return frozenset(w[:k] for w in words for k in range(1, len(w) + 1))


def _merge_verbs(toks: list[Tok]) -> list[Tok]:
    """Re-joins listed verbs that jieba split: '扩|种' → 扩种, '控制|在' → 控制在; and the
    per-unit prefixes of a measure it splits into a measure word and an adverb: '亩|均' → 亩均
    (``园区亩均产值``), which are nouns."""
    g = _grammar()
    lexicon = _verb_lexicon()
    prefixes = _merge_prefixes()
    words = [t.word for t in toks]
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        split = _framed_verb(words[i], lexicon) if len(words[i]) >= 4 else 0
        if split:
            t = toks[i]
            out.append(Tok(t.start, t.start + split, words[i][:split],
                           "d" if words[i][:split] in _grammar()["framing"] else "v"))
            out.append(Tok(t.start + split, t.end, words[i][split:], "v"))
            i += 1
            continue
        if words[i] and words[i] not in prefixes:
            out.append(toks[i])
            i += 1
            continue
        pair = words[i] + words[i + 1] if i + 1 < len(toks) else ""
        if i + 1 >= len(toks) or pair and pair not in prefixes:
            # the last token, or two that start no listed word: three that start with them join none
            out.append(toks[i])
            i += 1
            continue
        for n in (3, 2):
            if i + n <= len(toks):
                w = "".join(words[i:i + n])
                if w in g["per_unit_prefixes"] and n == 2:
                    out.append(Tok(toks[i].start, toks[i + n - 1].end, w, "n"))
                    i += n
                    break
                if w in lexicon and len(w) >= 2 and not any(_NUMERAL.match(t.word) for t in toks[i:i + n]):
                    out.append(Tok(toks[i].start, toks[i + n - 1].end, w, "v"))
                    i += n
                    break
        else:
            out.append(toks[i])
            i += 1
    return out


def _framed_verb(word: str, lexicon: frozenset[str]) -> int:
    """Where a token jieba joined from a framing adverb and a listed verb, or from two listed
    verbs, splits ('大力|开展', '全面|完成', '建成|投产'): the first part's length, or 0. jieba tags
    such tokens nt, j or l, so the verb would otherwise be read as part of a noun phrase."""
    if len(word) < 4:
        return 0
    head, rest = word[:2], word[2:]
    if len(word) == 4 and head in lexicon and rest in lexicon:
        return 2  # '建成|投产', '开工|建设'
    return 2 if head in _grammar()["framing"] and rest in lexicon and len(rest) >= 2 else 0


def tokens(sent: Sentence) -> Toks:
    """The sentence's tokens with offsets (its jieba words and tags, tagged now if missing)."""
    return _tokens_of(sent.text, tuple(sent.words), tuple(sent.tags))


# ---------------------------------------------------------------------------------------------
# word classes


# The word classes are functions of a token's word and tag alone, asked again and again of the
# same few thousand (word, tag) pairs: each is computed once, in a cache.
def _is_num(t: Tok) -> bool:
    return _is_num_wt(t.word, t.tag)


@lru_cache(maxsize=65536)
def _is_num_wt(w: str, tag: str) -> bool:
    return bool(_NUMERAL.match(w)) or (tag in ("m", "mq") and any(c.isdigit() for c in w))


def _framing(t: Tok) -> bool:
    return t.word in _grammar()["framing"]


def _verbish(t: Tok) -> bool:
    """A verb that can commit to or measure a quantity; nouny verbs (``就业``, ``投资``) are
    verbs only when nothing else in the clause is."""
    return _verbish_wt(t.word, t.tag)


@lru_cache(maxsize=65536)
def _verbish_wt(w: str, tag: str) -> bool:
    g = _grammar()
    if w in _SUFFIX_NOUNS or w in g["framing"]:
        return False
    if w in g["nouny_verbs"]:
        return False
    if w in g["action"] or w in g["extra_verbs"] or w in g["change_verbs"] or w in g["comparator_verbs"] \
            or w in g["comparison_verbs"]:
        return True
    return tag in ("v", "vd", "vg", "vi") and len(w) >= 1 and not _is_num_wt(w, tag)


_SUFFIX_NOUNS = set("率额量值数")
_ONE_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.+\-]*")


def _nounish(t: Tok) -> bool:
    return _nounish_wt(t.word, t.tag)


@lru_cache(maxsize=65536)
def _nounish_wt(w: str, tag: str) -> bool:
    if w in _SUFFIX_NOUNS:
        return True  # jieba tags the 率 of '机械化率' v
    if w in _CLAUSE_END or w in _LIST_SEPS or _is_num_wt(w, tag):
        return False
    if w in _QUOTES_OPEN or w in _QUOTES_CLOSE or w in _BRACKETS or w in ")）":
        return True
    if w in _grammar()["nouny_verbs"]:
        return True
    if tag in ("i", "l") and len(w) >= 3 and any(w.endswith(v) for v in _grammar()["predicate_verbs"]):
        return False  # an idiom ending in a verb is a predicate: '提前完成', '全面完成'
    if tag in ("m", "q") and len(w) == 1 and w not in units():
        return True  # '服务|点', '医疗|次|中心': a piece of a noun jieba took for a numeral
    if tag == "zg" and _ONE_HAN.fullmatch(w) and w not in _grammar()["edge_words"] \
            and w not in ("且", "乎"):
        return True  # jieba tags a one-character noun it does not know zg: '村（社区）', '整治|村'
    if w in _grammar()["framing"] or tag in _STOP_TAGS or tag in ("d", "f", "t", "m", "q", "x", "w"):
        return tag == "x" and _LATIN_WORD.fullmatch(w) is not None
    return not _verbish_wt(w, tag) or tag in _NOUN_TAGS and w not in _grammar()["action"] \
        and w not in _grammar()["extra_verbs"] and w not in _grammar()["change_verbs"] \
        and w not in _grammar()["comparator_verbs"]


def _unlisted_verb(t: Tok) -> bool:
    g = _grammar()
    w = t.word
    return _verbish(t) and not any(w in g[c] for c in ("action", "extra_verbs", "change_verbs",
                                                        "comparator_verbs", "comparison_verbs"))


def _piece(toks: list[Tok], k: int) -> bool:
    """A verb jieba split out of a compound noun: unlisted, with nouns on both sides
    ('文化|创意|产业', '产|教|融合')."""
    if not _unlisted_verb(toks[k]) or k == 0 or k + 1 >= len(toks):
        return False
    return _nounish(toks[k - 1]) and not _is_num(toks[k - 1]) and (_nounish(toks[k + 1]) or _unlisted_verb(toks[k + 1]))


def metric_np(np) -> bool:
    return bool(np.toks) and _metric(np.toks[-1].word)


@lru_cache(maxsize=1)
def _metric_heads() -> tuple[str, ...]:
    return tuple(_grammar()["metric_heads"])  # str.endswith takes a tuple


def _metric(text: str) -> bool:
    return text.endswith(_metric_heads())


# ---------------------------------------------------------------------------------------------
# noun phrases


@lru_cache(maxsize=1)
def _edge_words() -> tuple[str, ...]:
    """The function words `_clean` strips, longest first (sorted once, not per phrase)."""
    return tuple(sorted(_grammar()["edge_words"], key=len, reverse=True))


_G_WORDS = {"各类", "各级", "各种", "各项", "各族"}  # 各 starting a word is no function word


@lru_cache(maxsize=1)
def _clean_words() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The trailing adverbs (in the set's own order, which `_clean` tries them in) and the
    per-unit prefixes, as tuples made once: str.startswith/endswith take a tuple."""
    g = _grammar()
    return _edge_words(), tuple(g["trailing_adverbs"]), tuple(g["per_unit_prefixes"])


_PAIRED_MARK = re.compile("[“”‘’《》（）()「」]")
_LEADING_NUMBER = re.compile(r"^\d+[.．、]")
_NAMING_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z]")


# The period a quantity is reached in ('重点项目|上半年|时序进度达到50%', '三季度达到85%'): when,
# not what is counted; alone it leaves the clause's subject to the previous one.
_PERIOD_WORDS = re.compile(r"(?:第?[一二三四1-4]季度|[上下]半年|前三季度|年底|年内|全年|今年|当年)")


@lru_cache(maxsize=8192)  # the same phrases recur in every report; a pure function of the text
def _clean(text: str) -> Optional[str]:
    """No punctuation, unbalanced quotes, function words at the edges or period words."""
    if _PERIOD_WORDS.search(text):
        text = _PERIOD_WORDS.sub("", text)
    edge_words, trailing_adverbs, per_unit = _clean_words()
    prev = None
    while prev != text:
        prev = text
        text = text.strip(" \t，,；;：:。、")
        if text.startswith(edge_words):  # the loops below change nothing when no word is at an edge
            for w in edge_words:
                if text.startswith(w) and len(text) > len(w) + 1 and w not in ("为",) and text[:2] not in _G_WORDS \
                        or text == w:
                    text = text[len(w):]
                    break
        if text.endswith(trailing_adverbs):
            for w in trailing_adverbs:
                if text.endswith(w) and len(text) > len(w) + 1:
                    text = text[: -len(w)]  # '民生实事|全部', '顶岗实习时间|一般': the predicate's adverb
                    break
        if text.endswith(edge_words):
            for w in edge_words:
                if text.endswith(w) and len(text) > len(w) + 1 and not text.endswith(per_unit):
                    text = text[: -len(w)]
                    break
        if not _PAIRED_MARK.search(text):
            continue  # no quote or bracket: every count below is 0
        for o, c in (("“", "”"), ("‘", "’"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」")):
            if text.count(o) != text.count(c):
                if text.startswith(o) or text.endswith(o):
                    text = text.strip(o)
                if text.startswith(c) or text.endswith(c):
                    text = text.strip(c)
                if text.count(o) != text.count(c) and (o in text or c in text):
                    # an unbalanced mark inside: keep the part after an opening one
                    text = text.replace(o, "").replace(c, "")
    text = _LEADING_NUMBER.sub("", text)
    return text if _NAMING_CHAR.search(text) else None


@dataclass
class Phrase:
    start: int
    end: int
    toks: list[Tok]
    items: list[tuple[int, int]]  # list members as (start, end), when the phrase is a list


@lru_cache(maxsize=1)
def _listed_verbs() -> frozenset[str]:
    """The listed verbs that are not nouny, united once (`_listed_verb` is asked for every token)."""
    g = _grammar()
    return frozenset().union(*(g[c] for c in ("action", "extra_verbs", "change_verbs", "comparator_verbs",
                                              "comparison_verbs"))) - g["nouny_verbs"]


def _listed_verb(t: Tok) -> bool:
    return t.word in _listed_verbs()


_INNER_PIECES = ("强", "级", "亿级", "以上", "及以上", "以下", "类", "星", "A", "星级")


def _governed_from_left(L: list[Tok], k: int) -> bool:
    """Whether a content verb (not a comparator, change or framing word) stands left of L[k]
    in the same clause: the verb that takes the whole noun phrase as its object."""
    g = _grammar()
    for m in range(k - 1, -1, -1):
        t = L[m]
        if t.word in _CLAUSE_END or t.tag == "p" or t.word in ("的",):
            return False
        if _listed_verb(t) and t.word not in g["comparator_verbs"] and t.word not in g["change_verbs"] \
                and t.word not in g["comparison_verbs"] and not _framing(t):
            return True
    return False


def _inside_compound(L: list[Tok], k: int) -> bool:
    """A listed verb with noun material on its left, inside an object whose own verb stands
    further left, modifies the head: '实施|节能降碳改造项目', '实施|“三化”改造重点项目',
    '完成|退化草原生态修复治理'. Without a governing verb it is the clause's verb
    ('企业|培训|…')."""
    if k == 0:
        return False
    left = L[k - 1]
    if not (left.word in _QUOTES_CLOSE or left.word in ")）" or left.tag in _NOUN_TAGS and not _listed_verb(left)
            or left.word in _grammar()["nouny_verbs"]) or _is_num(left):
        return False
    return _governed_from_left(L, k - 1)


def _np_before(L: list[Tok], j: int, text: str) -> tuple[Optional[Phrase], int]:
    """The noun phrase ending at L[j] (inclusive), scanned leftwards; returns it and the index
    of the token before it. jieba splits compound nouns into pieces it tags v, q, m or f
    ('瞪|羚企业', '县域医疗|次|中心', '上|云企业'), so everything but a listed verb, a framing
    word, a preposition, a conjunction, 的, a pronoun or punctuation belongs to the phrase. A
    measure (``交易额``, ``通车里程``) also takes in the verbs that modify it; a list
    (``A、B和C``) is one phrase with its items."""
    g = _grammar()
    k = j
    got: list[Tok] = []
    metric_mode = False
    depth = 0  # inside quotes or brackets, scanning leftwards
    while k >= 0:
        t = L[k]
        w = t.word
        if w in _QUOTES_CLOSE or w in ")）":
            depth += 1
            got.append(t)
            k -= 1
            continue
        if w in _QUOTES_OPEN or w in _BRACKETS:
            if depth == 0:
                break
            depth -= 1
            got.append(t)
            k -= 1
            continue
        if depth > 0:
            if w in _CLAUSE_END:
                break
            got.append(t)
            k -= 1
            continue
        if w in _CLAUSE_END:
            break
        if not got and not metric_mode:
            metric_mode = _metric(w)
        if w in ("、", "和", "及", "与", "以及"):
            if got and k > 0 and not _is_num(L[k - 1]) and not _framing(L[k - 1]) \
                    and L[k - 1].word not in _CLAUSE_END and not _listed_verb(L[k - 1]) and L[k - 1].tag != "p" \
                    and not (got[-1].word in _INNER_PIECES):
                got.append(t)
                k -= 1
                continue
            break
        if _is_num(t):
            if got and got[-1].word in _INNER_PIECES or got and got[-1].tag in ("m", "q") and got[-1].word in (
                    "亿元", "万元", "亿", "万"):
                got.append(t)  # '省制造业100强企业', '5亿元及以上项目'
                k -= 1
                continue
            break
        if w in ("亿元", "万元") and got and got[-1].word in ("及以上", "以上", "及"):
            got.append(t)
            k -= 1
            continue
        if _framing(t) or t.tag in ("p", "r", "y", "e", "o", "uj", "ul", "u", "uz", "ud", "ug", "uv") \
                or w in ("的", "之", "各") or (t.tag == "c" and w not in ("及",)):
            break
        if _listed_verb(t):
            if len(got) == 1 and got[0].word in _SUFFIX_NOUNS:
                got.append(t)  # '污水|治理|率': a suffix noun names the measure of the verb before it
                k -= 1
                continue
            if metric_mode and got and not any(w in g[c] for c in ("action", "change_verbs", "comparator_verbs")):
                got.append(t)  # '高速公路通车里程', '签约项目当年开工率'
                k -= 1
                continue
            if metric_mode and got and w in ("占",) and got[0].word in g["share_heads"] and k > 0 \
                    and _nounish(L[k - 1]):
                got.append(t)  # 'X占Y比重' names one measure: '研发经费支出占生产总值比重'
                k -= 1
                continue
            if got and _inside_compound(L, k):
                got.append(t)  # '实施|节能降碳改造项目', '完成|退化草原生态修复治理': a modifier
                k -= 1
                continue
            break
        if t.tag in ("d",) and not (got and k > 0 and _nounish(L[k - 1])):
            break
        got.append(t)
        k -= 1
    if not got:
        return None, k
    got.reverse()
    while got and (got[0].word in _LIST_SEPS or got[0].tag in ("ad", "d", "f", "m", "q")
                   or got[0].tag == "t" and _TIME_WORD.search(got[0].word) or got[0].word in ("及", "以上")):
        got.pop(0)
    if not got:
        return None, k
    seps = [t for t in got if t.word in ("、", "和", "及", "与", "以及")]
    items = []
    if seps:
        a = got[0].start
        for sp in seps:
            items.append((a, sp.start))
            a = sp.end
        items.append((a, got[-1].end))
    return Phrase(got[0].start, got[-1].end, got, items), k


def _jieba_adverb(R: list[Tok], k: int) -> bool:
    """An adverb proper ('全面', '已', '大力'); a two-character word jieba tags d between
    nouns ('知识|更新|名家讲座') is a piece of a compound."""
    t = R[k]
    if t.tag not in ("d", "ad"):
        return False
    return _framing(t) or len(t.word) < 2 or k + 1 >= len(R) or not _nounish(R[k + 1]) or _is_num(R[k + 1])


def _compound_to_boundary(R: list[Tok], k: int) -> Optional[int]:
    """The end (exclusive index) of a noun compound starting at R[k] that holds verbs as
    modifiers and ends in its head noun at the clause or list boundary: '节能降碳改造项目',
    '改造任务', '整治村'. None when a verb there is the predicate of what is counted
    ('企业|入选…', '大学生|参与…') or the run does not end in a noun."""
    g = _grammar()
    end = k
    while end < len(R) and R[end].word not in _CLAUSE_END and R[end].word not in _LIST_SEPS \
            and R[end].word not in ("的", "等"):
        t = R[end]
        if _is_num(t) or t.tag in ("p", "c", "r", "u", "uj", "ul") or _jieba_adverb(R, end) \
                or any(v in t.word for v in g["predicate_verbs"] if len(v) > 1 or v == t.word) \
                or t.word in g["comparator_verbs"] and t.word not in g["nouny_verbs"]:
            return None
        end += 1
    if end - k < 2 or not _nounish(R[end - 1]) or _verbish(R[end - 1]) and R[end - 1].word not in g["nouny_verbs"] \
            and R[end - 1].word not in _SUFFIX_NOUNS:
        return None
    if R[end - 1].tag in ("ns", "nr", "nt", "nrt", "nrfg", "vn") or R[end - 1].word in g["nouny_verbs"]:
        # '组织796名医护人员|驰援|湖北', '帮扶300名大学生|找到|工作': a verb with its own object
        # (a place, an activity), not a modifier of the head
        return None
    return end


def _predicate(word: str) -> bool:
    return any(v in word for v in _grammar()["predicate_verbs"] if len(v) > 1 or v == word)


_GOAL_MARKS = set("到入出至于在向给成为进")  # '投入到', '迈入', '用于': a verb with an object or goal


def _noun_run(R: list[Tok], k: int) -> int:
    """How many common-noun tokens follow from R[k] up to a boundary; 0 when a place, person or
    organisation name or a verb ends them first ('驰援|湖北', '当选|中国工程院院士' are predicates
    with objects; '文化|创意|产业人才培养基地' is one compound)."""
    n = 0
    for t in R[k:]:
        if t.word in _CLAUSE_END or t.word in _LIST_SEPS or t.word in ("的", "等"):
            break
        if t.tag in ("ns", "nr", "nt", "nrt", "nrfg") or not _nounish(t) or _is_num(t):
            return 0
        n += 1
    return n


def _after_deng(R: list[Tok], i: int) -> int:
    """Where the head begins when the clause lists examples before 等 and names the head after
    it: '500名|法院、检察院…以及综治、维稳…等|高层次民主法治专门人才' (a list whose members jieba
    tags as verbs too). ``i`` itself when there is no such 等."""
    depth = 0
    for k in range(i, len(R)):
        t = R[k]
        if t.word in _CLAUSE_END:
            break
        if t.word in _QUOTES_OPEN or t.word in _BRACKETS:
            depth += 1
        elif t.word in _QUOTES_CLOSE or t.word in ")）":
            depth -= 1
        elif depth == 0 and (_listed_verb(t) and t.word not in _grammar()["nouny_verbs"] or _is_num(t)
                             or t.word == "的"):
            break
        elif depth == 0 and t.word == "等" and k > i and k + 1 < len(R) and _nounish(R[k + 1]) \
                and not _is_num(R[k + 1]) and not _listed_verb(R[k + 1]):
            return k + 1
    return i


def _np_after(R: list[Tok], text: str, q: Quantity, governed: bool = False, subject: bool = False) -> Optional[Phrase]:
    """The noun phrase a number-first quantity counts: ``300个|惠民回收服务点``,
    ``15万名|紧跟科技发展前沿、创新能力强的|中高级紧缺专业技术人才``, ``50%以上的|文化馆``.
    ``governed``: a content verb left of the quantity takes it as object (``实施|200个|节能降碳改造
    项目``), so verbs up to the boundary modify the head rather than predicate of it. ``subject``:
    nothing but a scope word stands before the quantity, so a percentage too counts the phrase after
    it (``全市|95%以上|农村卫生服务中心|完成升级``)."""
    g = _grammar()
    if not R:
        return None
    clause = [t.word for t in R[:next((k for k, t in enumerate(R) if t.word in _CLAUSE_END), len(R))]]
    if governed and "的" not in clause:  # a relative clause ending in 的 is read below
        i0 = 0
        while i0 < len(R) and R[i0].word in ("以上", "及以上", "左右", "以内", "多", "余"):
            i0 += 1
        if i0 < len(R) and any(_verbish(t) and t.word not in g["nouny_verbs"] for t in R[i0:i0 + 6]):
            end = _compound_to_boundary(R, i0)
            if end is not None and any(_verbish(t) for t in R[i0:end]):
                return Phrase(R[i0].start, R[end - 1].end, list(R[i0:end]), [])
    i = 0
    while i < len(R) and R[i].word in ("以上", "及以上", "左右", "以内", "多", "余"):
        i += 1
    if i >= len(R):
        return None
    t0 = R[i]
    place = None
    percent = q.unit_kind in ("percent", "share") or q.unit in ("%", "个百分点")
    if q.unit_kind == "duration":
        return None
    if t0.word in ("的", "之"):
        i += 1
    else:
        if percent and not subject:
            return None
        if _verbish(t0) or t0.tag in ("p", "d", "ad") or t0.word in ("在",):
            # a relative clause ending in 的: '15万名紧跟科技发展前沿、创新能力强的人才'
            last_de = None
            for k in range(i, len(R)):
                if R[k].word in _CLAUSE_END:
                    break
                if R[k].word == "的":
                    last_de = k
            if last_de is not None:
                i = last_de + 1
            elif t0.word == "在" and i + 1 < len(R) and _nounish(R[i + 1]) \
                    and not any(_listed_verb(x) for x in R[i + 1:] if x.word not in g["nouny_verbs"]):
                place = R[i]  # '500家以上|在穗初创型海外人才企业': a place word inside the phrase
                i += 1
            elif t0.word in g["action"] or t0.word in g["change_verbs"] or t0.word in g["comparator_verbs"] \
                    or t0.tag in ("p", "d", "ad") or t0.word in g["extra_verbs"]:
                return None
    i = _after_deng(R, i)
    got: list[Tok] = [place] if place is not None else []
    seen_noun = False
    depth = 0
    skip_to = -1
    for k in range(i, len(R)):
        t = R[k]
        w = t.word
        if w in _CLAUSE_END:
            break
        if k < skip_to:
            continue
        nxt = R[k + 1] if k + 1 < len(R) else None
        if got and len(w) == 1 and len(got[-1].word) == 1 and nxt is not None and len(nxt.word) == 1 \
                and _nounish(got[-1]) and _nounish(nxt) and w not in _LIST_SEPS and w not in _CLAUSE_END \
                and w not in ("的", "等") and not _is_num(t) and w not in _QUOTES_OPEN and w not in _QUOTES_CLOSE \
                and w not in _BRACKETS and w not in ")）" and depth == 0:
            got.append(t)  # '县域|医|共|体': single characters of a word jieba does not know
            continue
        if _is_num(t) and not got and nxt is not None and nxt.word in ("级", "强"):
            got.append(t)  # '15个|千亿|级|特色产业群'
            continue
        if nxt is not None and _nounish(nxt) and not _is_num(nxt) and (
                _framing(t) and t.tag in ("n", "b", "vn") or t.tag == "t" and got
                or got and _unlisted_verb(t) and len(w) >= 2 and not _predicate(w) and nxt.tag == "n"
                and w[-1] not in _GOAL_MARKS
                and (_TIME_WORD.search(got[-1].word) or _noun_run(R, k + 1) >= 2)):
            # '90%的|重点|领域市场主体', '5项|年度|整改|任务': a framing noun, a time noun or a
            # verb jieba does not know, between noun material, modifies the head
            got.append(t)
            continue
        if w in _QUOTES_OPEN or w in _BRACKETS:
            depth += 1
            got.append(t)
            continue
        if w in _QUOTES_CLOSE or w in ")）":
            if depth == 0:
                break
            depth -= 1
            got.append(t)
            continue
        if depth > 0:
            got.append(t)
            continue
        if w == "的" and got and nxt is not None and _verbish(nxt):
            # '1到2个|大型的|具有产学研合作功能的|文化创意产业人才培养基地': a relative clause after
            # an adjective; the head follows its 的
            later = next((m for m in range(k + 1, len(R)) if R[m].word in _CLAUSE_END or R[m].word == "的"), None)
            if later is not None and R[later].word == "的":
                got, seen_noun, skip_to = [], False, later + 1
                continue
        if w in ("的", "等") and got and k + 1 < len(R) and (_nounish(R[k + 1]) or R[k + 1].tag in ("a", "b")) \
                and not _listed_verb(R[k + 1]):
            # '1到2个大型的具有…功能的|人才培养基地', '500名法院、检察院…等|高层次专门人才':
            # the head comes after the last 的 or 等
            got, seen_noun = [], False
            continue
        if w in _LIST_SEPS and got and seen_noun and k + 1 < len(R) and not _is_num(R[k + 1]) \
                and _nounish(R[k + 1]) and not any(_is_num(x) for x in R[k + 1:k + 3]):
            got.append(t)  # '中国科学院、中国工程院院士后备人才': a list of what is counted
            continue
        if w in _LIST_SEPS or _is_num(t) or w in ("的", "等"):
            break
        if w in ("以上", "以下") and got and k + 1 < len(R) and _nounish(R[k + 1]):
            got.append(t)  # '3个省级以上产业集群'
            continue
        if _verbish(t) and w not in g["nouny_verbs"]:
            if seen_noun and len(w) == 1 and w not in _GOAL_MARKS and _piece(R, k) and k + 1 < len(R) \
                    and _nounish(R[k + 1]):
                got.append(t)  # '产|教|融合实训基地'
                continue
            if seen_noun or w in g["action"] or w in g["change_verbs"] or w in g["comparator_verbs"]:
                break
            got.append(t)  # a verb modifying the head: '惠民回收服务点'
            continue
        if seen_noun and w in g["predicate_verbs"] and (nxt is None or nxt.word in _CLAUSE_END
                                                        or nxt.word in _LIST_SEPS):
            while got and got[-1].tag in ("a", "ad", "d") and len(got) > 1:
                got.pop()  # '2家企业|成功|上市': the manner word goes with the verb
            break  # '5家企业|上市' (jieba tags 上市 a place): a predicate after the head ends it
        if _nounish(t) or t.tag in ("a", "ad"):
            got.append(t)
            seen_noun = seen_noun or t.tag not in ("a", "ad")
            continue
        break
    while got and (not _nounish(got[-1]) or got[-1].tag == "a" and len(got[-1].word) == 1 and len(got) > 1) \
            and got[-1].word not in _QUOTES_CLOSE and got[-1].word not in ")）":
        got.pop()
    while got and (got[0].tag in ("ad", "d") or got[0].word in _LIST_SEPS):
        got.pop(0)
    if not got:
        return None
    phrase = text[got[0].start:got[-1].end]
    if phrase in _WEAK_AFTER or phrase.rstrip("上") in _WEAK_AFTER:
        return None
    return Phrase(got[0].start, got[-1].end, got, [])


# ---------------------------------------------------------------------------------------------
# verbs


def _without_from_level(entity: Optional[str]) -> Optional[str]:
    """'粮食产量由500万吨|提高到520万吨': the level a change starts from is no part of the measure."""
    m = _FROM_LEVEL.search(entity) if entity else None
    return _clean(entity[:m.start()]) or None if m else entity


_CHANGE_FROM = re.compile(r"(?:由|从)[^，。；,;由从]{1,14}?(?:提高|提升|增加|增长|扩大|上调|降低|下降|减少|压缩|缩短|下调|调整)"
                          r"(?:至|到|为)\s*$")
_FROM_LEVEL = re.compile(r"(?:由|从)(?:原来的|现在的|目前的)?[\d.０-９一二三四五六七八九十百千万亿]+[^，。；]{0,6}$")
_BRACKETED_BUILD = re.compile(r"[新改扩续迁重][（(][新改扩续迁重、]{1,5}[）)][建造修]")


def _governing_verb(L: list[Tok], stop: int) -> Optional[tuple[int, int]]:
    """The verb group that opens L before index ``stop`` (the examples' 等), after framing words,
    adverbs, manner words and a preposition's object ('精心|打造', '高质量|建设', '向|社会资本|推荐'),
    within its first three words: '建成投产', '新建和改造提升'. None when the clause opens with
    the examples themselves ('烟草、酒业等|12个重点产业')."""
    k = 0
    while k < stop and k < 3 and not _verbish(L[k]) and (
            _framing(L[k]) or L[k].tag in ("d", "ad", "a", "an", "p", "n", "vn") and L[k].word not in _LIST_SEPS
            and L[k].word not in _CLAUSE_END):
        k += 1  # '精心|打造', '保质|建成', '向|社会资本|推荐'
    def verb(t: Tok) -> bool:
        return _verbish(t) and t.word not in _grammar()["comparator_verbs"] and (len(t.word) >= 2 or _listed_verb(t)) \
            and (t.tag not in ("ns", "nr", "nz") or _in_lexicon(t.word))

    if k >= stop or not verb(L[k]) or "、" in [t.word for t in L[:k]]:
        return None
    e = k
    while e + 1 < stop and (verb(L[e + 1]) or L[e + 1].word in ("和", "及", "并") and e + 2 < stop and verb(L[e + 2])):
        e += 1
    return L[k].start, L[e].end


def _verb_group_ending(L: list[Tok], j: int) -> tuple[Optional[tuple[int, int]], int]:
    """The verbs ending at L[j] (adverbs like 分别/均/再 skipped), as a char span, and the index
    before them: '引进和培养', '分别增长', '占比达'."""
    g = _grammar()
    k = j
    end = None
    start = None
    if 0 < j < len(L) and L[j].word in ("至", "到") and (_verbish(L[j - 1]) or L[j - 1].word in g["nouny_verbs"]):
        # '提高|至', '扩容|至', '发展|到': the verb and its goal marker
        start, end, k = L[j - 1].start, L[j].end, j - 2
    elif 0 < j < len(L) - 1 and L[j].word in ("过", "超", "逾", "近") and L[j + 1].word[:1] in "亿万千百十":
        k = j - 1  # '引进落地|过|亿元项目': 过亿元 is a size class of the phrase
    while k >= 0:
        t = L[k]
        if _verbish(t) or t.word in ("占比",):
            end = end if end is not None else t.end
            start = t.start
            k -= 1
            continue
        if t.word in ("和", "及", "并", "或") and end is not None and k > 0 and _verbish(L[k - 1]):
            k -= 1
            continue
        if end is not None and t.word in ("分别", "均", "都", "也", "再", "将", "共", "累计", "年均", "平均", "同比"):
            k -= 1
            continue
        if end is None and t.word in ("分别", "均", "都", "也", "再", "将", "共", "累计", "年均", "平均", "同比",
                                      "总计", "合计", "已", "已经"):
            k -= 1  # between the verb and the quantity: '增长|分别' is not written, but '达|均' can be
            continue
        break
    if end is None:
        return None, j
    return (start, end), k


def _quoted(L: list[Tok]) -> set[int]:
    """Start offsets of the tokens inside quotes: a slogan's verb ('“一断一策”') commits to nothing."""
    out, depth = set(), 0
    for t in L:
        if t.word in _QUOTES_OPEN and t.word != '"' or t.word == '"' and depth == 0:
            depth += 1
        elif t.word in _QUOTES_CLOSE and depth > 0:
            depth -= 1
        elif depth > 0:
            out.add(t.start)
    return out


def _temporal(L: list[Tok], k: int) -> bool:
    """A verb followed by 前/后/时 names a point in time ('上线前', '竣工后'), not the action."""
    return k + 1 < len(L) and L[k + 1].word in _grammar()["temporal_after_verb"]


def _adverb(t: Tok) -> bool:
    """A framing word or adverb standing between a subject and its verb ('总体', '原则上')."""
    return t.word not in _CLAUSE_END and (_framing(t) or t.tag in ("d", "ad")) and t.word not in ("的",)


def _target_word(phrase: str) -> bool:
    return phrase in _grammar()["target_words"]


def _core_verb(text: str, span: tuple[int, int]) -> str:
    """The verbs of a group without its adverbs: '分别增长' → '增长'."""
    s = text[span[0]:span[1]]
    for adv in ("分别", "均", "都", "也", "再", "将", "共", "累计", "年均", "平均", "同比"):
        s = s.replace(adv, "")
    return s


def _verb_after(R: list[Tok], after: int) -> Optional[str]:
    """The first content verb after a number-first phrase: '3家企业|入选', '文化馆|具备'."""
    out = []
    for i, t in enumerate(R):
        if t.start < after:
            continue
        if t.word in _CLAUSE_END:
            break
        if not out and t.word in ("达到", "达") and i + 1 < len(R) and not _is_num(R[i + 1]) \
                and R[i + 1].word not in _CLAUSE_END:
            return t.word  # '15个国考断面|全部稳定|达到|优良以上': reaching a standard, not an amount
        if not out and t.word in _grammar()["predicate_verbs"] and _framing(t):
            return t.word  # '100个高频事项|实现|“最多跑一次”'
        if _framing(t) or t.tag in ("d", "ad") or t.word in ("被",) or not out and t.tag == "a" and len(t.word) == 2:
            if out:
                break
            continue  # ('5家企业|成功|上市': a manner word before the verb)
        if (_verbish(t) or t.word in _grammar()["predicate_verbs"]) and t.word not in _grammar()["comparator_verbs"]:
            out.append(t)  # ('上市', which jieba tags a place, is a predicate all the same)
            continue
        if out:
            break
        if t.tag in ("p",):
            continue
        if not out and _nounish(t):
            continue
        break
    return "".join(t.word for t in out) or None


# ---------------------------------------------------------------------------------------------
# the reading of one quantity


@dataclass
class Reading:
    entity: Optional[str]
    action: Optional[str]
    action_decided: bool  # True when ``action`` None means "no verb" rather than "not found"
    items: list[str]
    distribute: bool
    nominal: Optional[str] = None  # 'N V' before the number (职业技能培训): the activity counted


def _clause_start(text: str, pos: int) -> int:
    k = pos - 1
    while k >= 0 and text[k] not in _CLAUSE_END:
        k -= 1
    return k + 1


_LIST_GAP_BEFORE = re.compile(r"\s*[、和及与,，]?\s*(和|及|与)?\s*")
_LIST_GAP_AFTER = re.compile(r"\s*[、和及与]?\s*(和|及|与)?\s*")


def _quantity_list(sent: Sentence, q: Quantity, cands: list[Quantity]) -> tuple[list[Quantity], int]:
    """The run of quantities ``a、b和c`` holding q, and q's index in it."""
    text = sent.text
    qs = sorted(cands, key=lambda x: x.start)
    idx = next((i for i, x in enumerate(qs) if x.start == q.start), None)
    if idx is None:
        return [q], 0
    lo = idx
    while lo > 0 and _LIST_GAP_BEFORE.fullmatch(text[qs[lo - 1].end:qs[lo].start]) \
            and "，" not in text[qs[lo - 1].end:qs[lo].start] and "," not in text[qs[lo - 1].end:qs[lo].start]:
        lo -= 1
    hi = idx
    while hi + 1 < len(qs) and _LIST_GAP_AFTER.fullmatch(text[qs[hi].end:qs[hi + 1].start]):
        hi += 1
    return qs[lo:hi + 1], idx - lo


def _read(sent: Sentence, q: Quantity, left_start: int, governed: bool = False) -> Reading:
    """Entity and action of q from its own clause (from ``left_start`` to the clause end);
    ``governed``: q continues a list of objects of a verb before it."""
    g = _grammar()
    text = sent.text
    toks = tokens(sent)
    stop = _CLAUSE_END_CHAR.search(text, q.end)  # the clause's end: the first boundary from q.end
    ce = stop.start() if stop else max(q.end, len(text))
    L = toks.within(left_start, q.start)
    R = toks.within(q.end, ce)
    # leading framing, time and numbering words are not part of anything
    if len(L) >= 2 and L[1].word == "是" and L[0].word in _ENUMERATORS:
        L = L[2:]  # '一是|改造提升…', '三是|更新市区公交车61辆': an enumerator, not a verb
    while L and (_framing(L[0]) and L[0].word not in g["framing_as_action"] or L[0].tag == "t"
                 or L[0].word in _CLAUSE_END or L[0].word in _LIST_SEPS or _NUMBERING.match(L[0].word)
                 or L[0].word in (".", "．", "到", "年", "年内", "内", "底前", "年底前", "前", "起", "以来", "期间")
                 or (_is_num(L[0]) and len(L) > 1 and L[1].word in ("年", "年内", "月", "月底", "年底", "."))):
        L = L[1:]
    if len(L) >= 2 and L[0].word == "/":
        L = L[2:]  # '1000元|/头|提高至1500元': the per-unit tail of the previous quantity
    framing_as_action = g["framing_as_action"]
    framing_action = next((t.word for t in reversed(L) if t.word in framing_as_action), None)
    if L and _framing(L[0]):
        L = L[1:]  # (only the first token can be a leading framing word left here)
    raw_verb = _RAW_VERB.match(q.raw)

    subject = all(t.word in g["scope_words"] for t in L) and bool(R) and R[0].word not in _CLAUSE_END
    after = _np_after(R, text, q, governed=governed or _governed_from_left(L, len(L)), subject=subject)
    # the verb group right before the quantity ('增长', '达到', '分别占比达')
    j = len(L) - 1
    share_of = False
    if L and L[-1].word == "的" and q.unit_kind in ("percent", "share"):
        # 'X占比不超过服务资源总量的30%': the base before 的 is not what is counted
        k = j - 1
        while k >= 0 and not _verbish(L[k]):
            k -= 1
        if k >= 0:
            share_of = True
            j = k
    manner = None
    if L and L[-1].tag == "p" and L[-1].word in g["manner_prepositions"]:
        # '赤字率拟按3%安排', '水稻由800元…提高至…': the quantity is the preposition's object, the
        # subject stands before it and the verb after the quantity
        manner = _verb_after(R, q.end)
        j = len(L) - 2
        while j >= 0 and _framing(L[j]):
            j -= 1
    vlast, k = _verb_group_ending(L, j) if manner is None or j < 0 or not _framing(L[j]) else (None, j)
    if manner is not None:
        vlast, k = None, j
    prep_before = bool(L) and L[-1].word in g["prepositions_before"] and (
        vlast is None or vlast[1] == L[-1].end and L[-1].tag == "p")

    if after is not None and not share_of and (vlast is None or not _core_verb(text, vlast) in g["change_verbs"]):
        entity = text[after.start:after.end]
        examples = bool(L) and L[-1].word == "等" and not _governed_from_left(L, len(L) - 1)
        if prep_before or examples and _verb_after(R, after.end):
            # '与|1000家企业|开展…'; '春申里商业街、市档案馆等|62个项目|开工建设': the phrase is the
            # subject of the verb after it, its examples listed before 等
            action = _verb_after(R, after.end)
        else:
            action = None
            if vlast is not None and _core_verb(text, vlast) not in g["comparator_verbs"]:
                action = _core_verb(text, vlast)
            if action is None:
                # the nearest content verb further left: '改造南河、开元等片区|443个'
                quoted = _quoted(L)
                order = sorted(reversed(L), key=lambda t: not _listed_verb(t))
                examples = next((k for k in range(len(L) - 1, -1, -1) if L[k].word == "等"), None)
                if examples is not None:
                    # '实施|利安隆自动化改造等|重点技改项目15个': the examples before 等 are names of
                    # the things counted; their verbs are not the action, the one governing them is
                    gov = _governing_verb(L, examples)
                    order = []
                    if gov is not None:
                        action = text[gov[0]:gov[1]]
                for t in order:
                    if _verbish(t) and t.word not in g["comparator_verbs"] and t.word not in g["comparison_verbs"] \
                            and not _temporal(L, L.index(t)) and t.start not in quoted:
                        span, _ = _verb_group_ending(L, L.index(t))
                        action = _core_verb(text, span) if span else t.word
                        break
            if action is None:
                action = _verb_after(R, after.end)
            if action is None and vlast is not None:
                action = _core_verb(text, vlast)
        action = action or framing_action
        return Reading(_clean(entity), action, True, [], False)

    if vlast is not None and k >= 0 and _target_word(L[k].word):
        # '经济增长|预期目标|为5%左右': the target word names no thing; the measure before it does
        m = k
        while m >= 0 and (_target_word(L[m].word) or L[m].word in ("主要",)):
            m -= 1  # '预期|目标'
        np2, end = None, None
        if m >= 1 and _listed_verb(L[m]):
            np2, _ = _np_before(L, m - 1, text)  # '经济|增长|预期目标'
            end = L[m].end
        elif m >= 0 and _nounish(L[m]):
            np2, _ = _np_before(L, m, text)  # 'GDP|预期目标'
            end = np2.end if np2 else None
        if np2 is not None:
            copula = _core_verb(text, vlast) in ("为", "是")
            return Reading(_clean(text[np2.start:end]), None if copula else _core_verb(text, vlast), True, [], False)
    np, k2 = _np_before(L, k, text)
    if np is None and vlast is not None and k >= 0 and _adverb(L[k]):
        # '…机械化率|总体|达到50%左右': an adverb between the subject and its verb
        while k >= 0 and _adverb(L[k]):
            k -= 1
        np, k2 = _np_before(L, k, text)
    group = toks.within(*vlast) if vlast is not None else []
    if np is None and vlast is not None and (k < 0 or not _nounish(L[k])):
        core = _core_verb(text, vlast)
        inc = next((v for v in g["increment_verbs"] if core.startswith(v) and len(core) >= len(v) + 2), None)
        if core in g["measure_verbs"]:
            return Reading(core, core, True, [], False)  # '增存300亿元': the deposits increase, as written
        if inc:
            # '新增|减税降费|近110亿元': the increment of an activity, the activity is counted
            return Reading(core[len(inc):], inc, True, [], False)
    if np is None and len(group) == 2 and _unlisted_verb(group[0]) and group[0].tag in ("v", "vn") \
            and group[1].word in g["change_verbs"] and (k < 0 or L[k].word in _CLAUSE_END or L[k].word in _LIST_SEPS):
        # '、承诺|提速90%以上': a verb alone before a change verb is its nominalised subject
        np, k2 = Phrase(group[0].start, group[0].end, [group[0]], []), k
        vlast = (group[1].start, group[1].end)
    elif np is not None and len(group) == 2 and np.end == group[0].start and group[1].word in g["change_verbs"] \
            and _verbish(group[0]) and not _framing(group[0]) and group[0].word not in g["comparator_verbs"] \
            and group[0].word not in g["change_verbs"] and group[0].word not in g["increment_verbs"]:
        # '全社会研发经费|投入|增长10%': the verb between a subject and a change verb names the
        # measure with it (研发经费投入), it commits to nothing of its own
        np = Phrase(np.start, group[0].end, np.toks + [group[0]], np.items)
        vlast = (group[1].start, group[1].end)
    if np is not None and k2 >= 1 and L[k2].word == "占":
        # '实践性教学课时|原则上|占|总课时|一半以上': the part is counted, the whole is its base
        m = k2 - 1
        while m >= 0 and _adverb(L[m]):
            m -= 1
        part, _ = _np_before(L, m, text) if m >= 0 else (None, m)
        if part is not None:
            return Reading(_clean(text[part.start:part.end]), "占", True, [], False)
    if np is not None and vlast is not None and text[vlast[0]:vlast[1]] == "占比" and np.end == vlast[0]:
        # '确保“一次办”事项占比|100%': 占比 right before the number is the measure's head (a share),
        # not a verb; the action is the verb governing the phrase, or the framing word
        np = Phrase(np.start, vlast[1], np.toks + [L[j]], np.items)
        vlast = None
    if np is not None and vlast is not None and k2 >= 1 and L[k2].word in ("在", "于", "向", "对", "从") \
            and L[k2].tag == "p":
        # '推动科技成果|在绵|转化应用20项': the phrase before the place is what is counted
        np2, k3 = _np_before(L, k2 - 1, text)
        if np2 is not None:
            np, k2 = np2, k3
    comparison = np is not None and k2 >= 0 and (L[k2].word in g["comparison_starts"] or L[k2].word in ("比", "较"))
    vgov, _ = _verb_group_ending(L, k2) if np is not None else (None, k2)
    k_ex = k2
    while k_ex >= 1 and _framing(L[k_ex]):
        k_ex -= 1  # '等|重点|技改项目'
    if np is not None and vgov is None and k_ex >= 1 and L[k_ex].word == "等":
        # '新增|工业设计中心、共享制造等|企业平台70家以上': the verb stands before the examples
        # (the leftmost: a verb inside the examples, '实施|利安隆自动化改造等|重点技改项目15个', names one)
        lo = k_ex - 1
        while lo >= 0 and L[lo].word not in _CLAUSE_END and L[lo].tag != "p":
            lo -= 1
        vgov = _governing_verb(L[lo + 1:], k_ex - lo - 1)
    if np is not None and vgov is None and k2 >= 0 and not comparison:
        # the governing verb a few pieces further left: '建成|县域医疗次中心5个'
        for m in range(k2, max(-1, k2 - _GOVERNOR_REACH), -1):
            if L[m].word in _CLAUSE_END or L[m].tag == "p":
                break
            if _framing(L[m]):
                continue
            if _listed_verb(L[m]) and L[m].word not in g["comparator_verbs"]:
                vgov, _ = _verb_group_ending(L, m)
                np = Phrase(L[m + 1].start, np.end, L[m + 1:k + 1], np.items)
                break
    if np is not None and vgov is None:
        m = _BRACKETED_BUILD.match(text, np.start)
        if m and m.end() < np.end:
            # '新（续）建|中小学校47所', '新（改、扩）建|道路': one verb written with its variants
            rest = [t for t in np.toks if t.start >= m.end()]
            if rest:
                vgov = (np.start, m.end())
                np = Phrase(rest[0].start, np.end, rest, [it for it in np.items if it[0] >= rest[0].start])
    if np is not None and vgov is None and len(np.toks) > 1 and np.toks[0].tag in ("v", "vd") \
            and np.toks[0].word not in g["nouny_verbs"] and len(np.toks[0].word) >= 2 and not metric_np(np):
        # '进入|省制造业100强企业': a verb jieba does not know governs the phrase after it
        vgov = (np.toks[0].start, np.toks[0].end)
        np = Phrase(np.toks[1].start, np.end, np.toks[1:], [it for it in np.items if it[0] >= np.toks[1].start])
    if np is not None and vgov is None and k2 >= 0 and L[k2].tag == "p" and L[k2].word in ("向", "对", "为", "给") \
            and not metric_np(np):
        # '向|民间资本|推介|重大项目100个': the preposition's object, then the verb and its object
        m = next((m for m, t in enumerate(np.toks) if 0 < m < len(np.toks) - 1 and t.tag == "v"
                  and len(t.word) >= 2 and t.word not in g["nouny_verbs"]), None)
        if m is not None:
            vgov = (np.toks[m].start, np.toks[m].end)
            np = Phrase(np.toks[m + 1].start, np.end, np.toks[m + 1:], [])
    while np is not None and vgov is not None and vgov[1] == np.start and len(np.toks) >= 3 \
            and np.toks[0].word in g["serial_complements"] \
            and np.toks[0].word not in g["nouny_verbs"] and not _listed_verb(np.toks[0]) \
            and len(np.toks[0].word) >= 2 and not metric_np(np) and len(np.toks[1].word) >= 2:
        # '培植|壮大|预制菜经营企业', '制定|修改|废止|省政府规章': a verb right after the governing
        # verb extends the verb, not the phrase (not '对接|预制|菜…', a modifier of a one-character noun)
        vgov = (vgov[0], np.toks[0].end)
        np = Phrase(np.toks[1].start, np.end, np.toks[1:], [it for it in np.items if it[0] >= np.toks[1].start])
    vlast_word = _core_verb(text, vlast) if vlast else None
    distribute = "分别" in text[(np.end if np else (vlast[0] if vlast else q.start)):q.start]
    entity = text[np.start:np.end] if np else None
    items = [text[a:b] for a, b in np.items] if np else []
    vgov_word = _core_verb(text, vgov) if vgov else None
    # '城镇新增就业': a scope word, the increment verb, a measure: the entity is 城镇就业
    if np and vgov and vgov_word in ("新增", "净增") and len(np.toks) == 1 and k2 >= 0:
        scope = [t for t in L if t.end == vgov[0]]
        if scope and scope[0].word in g["scope_words"]:
            entity = scope[0].word + entity
    if vlast_word and vlast_word in g["comparison_verbs"] and np is not None and vgov is None:
        # '高于全省2个百分点': 全省 is the baseline, not what is counted
        entity, items = None, []
    if vgov_word in g["comparison_verbs"] and np is not None and vlast is None:
        # '县域生产总值增速|高于|全省|1个百分点': the phrase before the comparison is measured
        m = next((m for m in range(k2, -1, -1) if L[m].start < vgov[0]), -1)
        subj, _ = _np_before(L, m, text) if m >= 0 else (None, m)
        entity, items = (text[subj.start:subj.end] if subj else None), []
        action = vgov_word
    if comparison or entity and entity in g["generic_heads"]:
        entity, items = None, []  # '比上年增加…', '总数达到35家': the subject is the previous one's
    metric = bool(np) and _metric(text[np.start:np.end])
    content_last = bool(vlast_word) and vlast_word not in g["comparator_verbs"] \
        and vlast_word not in g["comparison_verbs"] and not any(vlast_word.endswith(c) for c in g["no_action_links"])
    if vgov_word in g["increment_verbs"] and (not vlast_word or vlast_word in g["comparator_verbs"]) \
            and not (vlast_word or "").startswith("占") and not (entity or "").endswith(tuple(g["share_heads"])):
        action = vgov_word  # '城镇新增就业|超过4.7万人': the increment is what is committed to
    elif vlast_word and (any(vlast_word.endswith(c) for c in g["change_verbs"]) or content_last):
        action = vlast_word
    elif vgov_word and vgov_word not in g["comparison_verbs"] and not (metric and (vlast_word or raw_verb)) \
            and vgov_word not in g["comparator_verbs"]:
        action = vgov_word
    elif vlast_word:
        action = None if vlast_word in g["no_action_links"] or vlast_word.strip("均分别") in g["no_action_links"] \
            else vlast_word
    elif raw_verb:
        action = raw_verb.group(1)
    elif vgov_word:
        action = vgov_word
    else:
        action = framing_action
    if manner is not None:
        action = manner if _verbish_word(manner) else action
    nominal = None
    if np is not None and vlast is not None and content_last and np.end == vlast[0] and not distribute \
            and not any(vlast_word.endswith(c) for c in g["change_verbs"]) and entity:
        # 'N V 数': the verb after the noun names an activity (职业技能|培训, 生态|修复): with a
        # verb of its own further left the activity is the object, counted: 开展|职业技能培训|40万人次
        nominal = _clean(text[np.start:vlast[1]])
        if vgov_word and _content_verb(vgov_word):
            return Reading(nominal, vgov_word, True, [], False, nominal)
    return Reading(_clean(entity) if entity else None, action, True, items, distribute, nominal)


def _verbish_word(word: str) -> bool:
    return bool(word) and word not in _grammar()["framing"]


def _content_verb(word: str) -> bool:
    """A listed verb that commits to something: not a comparator, change, comparison or framing word."""
    g = _grammar()
    return any(word in g[c] for c in ("action", "extra_verbs")) and not any(
        word in g[c] for c in ("comparator_verbs", "change_verbs", "comparison_verbs", "framing", "nouny_verbs"))


def _share_head(items: list[str]) -> list[str]:
    """``城镇和农村居民人均可支配收入`` → ``城镇居民人均可支配收入``, ``农村居民人均可支配收入``:
    short members before a long last one share its head."""
    last = items[-1]
    if len(items) < 2 or len(last) < max(len(x) for x in items[:-1]) + 2:
        return items
    if any(len(x) > 3 for x in items[:-1]) and (len({len(x) for x in items[:-1]}) > 1 or len(items[0]) > 6
                                                or any(_metric(x) for x in items[:-1])
                                                or len(last) - len(items[0]) < 3 or not _metric(last)
                                                or any(x[-1] != last[len(items[0]) - 1] for x in items[:-1])):
        # longer members share the head only when they are alike in length, name no measure
        # themselves and the head is a measure: '城镇居民和农村居民人均可支配收入', not
        # '工业投资、民间投资和基础设施投资', '家庭农场、农民专业合作社', '新能源汽车、智能手机零售额'
        return items
    n = len(items[0])
    head = last[n:]
    return [x + head for x in items[:-1]] + [last]


def _in_lexicon(word: str) -> bool:
    g = _grammar()
    return any(word in g[c] for c in ("action", "extra_verbs", "change_verbs", "comparator_verbs"))


def verbal_noun_verb(word: str) -> bool:
    """A word the tagger reads as a verbal noun that commits as a verb (`发展`, `投资`, `培育`)."""
    g = _grammar()
    return word in g["nouny_verbs"] or _in_lexicon(word)


def _continues(text: str, q: Quantity, prev_end: int, cs: int) -> bool:
    """Whether q continues the list of the previous target: '选拔100名正职后备人才、200名副职…',
    '…10名在全国有影响的青年拔尖人才，60名在全省…' (a clause that starts with its number)."""
    if prev_end < 0 or prev_end > q.start:
        return False
    before = text[:q.start].rstrip()
    if before[-1:] in ("、", "和", "及", "与") and prev_end >= cs:
        return True
    return cs == q.start and prev_end < cs


def _fallback_entity(entity: Optional[str]) -> Optional[str]:
    """The character window's entity, cleaned; a framing or function word alone ('先', '拟按')
    names nothing."""
    if not entity:
        return None
    g = _grammar()
    e = _clean(entity)
    while e and any(e.endswith(w) for w in g["manner_prepositions"]):
        e = _clean(e[:-1])
        while e and any(e.endswith(w) for w in g["framing"]):
            e = _clean(e[:-max(len(w) for w in g["framing"] if e.endswith(w))])
    if not e or e in g["framing"] or e in g["edge_words"] or len(e) == 1 and e in "先后再又还":
        return None
    return e


def _commits(word: Optional[str]) -> bool:
    """A verb (group) that commits to something: not a comparator, change, comparison, framing
    or linking word ('选拔资助', '培训', not '达到', '增长', '力争')."""
    g = _grammar()
    return bool(word) and len(word) >= 2 and not any(word in g[c] or word.endswith(tuple(g[c])) for c in (
        "comparator_verbs", "change_verbs", "comparison_verbs", "framing", "nouny_verbs", "no_action_links"))


def _thing(entity: Optional[str]) -> bool:
    """Whether an entity names things delivered rather than a measure ('项目', not '交易额',
    '用户数', '总数')."""
    g = _grammar()
    return bool(entity) and not _metric(entity) and entity[-1] not in _SUFFIX_NOUNS \
        and entity not in g["generic_heads"] and not _target_word(entity)


def _verbless_clause(sent: Sentence, cs: int, q: Quantity) -> bool:
    """No verb other than a comparator between the clause start and the quantity."""
    g = _grammar()
    return not any(_verbish(t) and t.word not in g["comparator_verbs"] for t in tokens(sent).within(cs, q.start))


def _verb_leads(text: str, prev: tuple[Optional[str], Optional[str], int]) -> bool:
    """Whether the previous target's verb opens its clause, before its object and number
    ('选拔资助|专家|不少于100名', '打造|…等4个|产业群'), so that a following clause of a noun and a
    number alone is one more object of it."""
    entity, action, end = prev
    if not entity or not action or not end:
        return False
    lo = _clause_start(text, end - 1)
    a = text.rfind(action, lo, end)
    return a != -1 and entity not in text[lo:a]


def _verb_first(text: str, prev: tuple[Optional[str], Optional[str], int], cs: int) -> bool:
    """Whether the previous member's verb stands before its noun ('完成|造林100万亩'), so that
    the list is a list of that verb's objects."""
    entity, action, end = prev
    if not entity or not action:
        return False
    lo = max(0, _clause_start(text, min(end, len(text)) - 1) if end else 0)
    a = text.rfind(action, lo, end)
    e = text.rfind(entity, lo, end)
    return a != -1 and e != -1 and a + len(action) <= e


Pair = tuple[Optional[str], Optional[str]]


def entity_and_action(sent: Sentence, q: Quantity, fallback: Union[Pair, Callable[[], Pair]] = (None, None),
                      prev: Optional[tuple[Optional[str], Optional[str], int]] = None,
                      cands: Optional[list[Quantity]] = None) -> tuple[Optional[str], Optional[str]]:
    """(entity, action) of the target ``q`` of ``sent``.

    ``fallback`` is what another method found, used where this one finds nothing; ``prev`` is
    (entity, action, end offset) of the sentence's previous target, which a clause without a
    subject of its own continues; ``cands`` the sentence's quantity mentions (for lists).
    ``fallback`` may be a function giving the pair: it is then called only when needed (most
    quantities never need it, and the character-window reading is not cheap)."""
    got: list[Pair] = []

    def fb(i: int) -> Optional[str]:
        """The fallback's entity (0) or action (1), computed on first use."""
        if not got:
            got.append(fallback() if callable(fallback) else fallback)
        return got[0][i]

    text = sent.text
    if sent.table_row or not text:
        return fb(0), fb(1)
    if cands is None:
        cands = list(quantity_mentions(sent.text))
    cs = _clause_start(text, q.start)
    prev_end = prev[2] if prev else -1
    qlist, idx = _quantity_list(sent, q, cands)
    first = qlist[0]
    if idx > 0:
        # a later member of 'a、b和c': read the list's first quantity, then this one's own noun
        base = _read(sent, first, max(_clause_start(text, first.start), prev_end if prev_end <= first.start else -1))
        R_own = tokens(sent).within(q.end, len(text))  # the tokens cover the text
        own = _np_after(R_own, text, q, governed=bool(base.action) and _content_verb(base.action))
        if own is not None:
            return _clean(text[own.start:own.end]) or fb(0), base.action or fb(1)
        entity = _without_from_level(base.entity)
        if base.distribute and len(base.items) == len(qlist):
            entity = _clean(_share_head(base.items)[idx])
        entity = entity or (prev[0] if prev else None) or fb(0)
        return entity, base.action if base.action_decided else fb(1)
    left_start = cs
    if prev and cs < prev_end <= q.start:
        left_start = prev_end
        sep = text.rfind("、", left_start, q.start)
        if sep >= 0:
            left_start = sep + 1  # '64个贫困村出列、|40万贫困人口脱贫': the previous member's verb is its own
    listed = prev is not None and prev[1] is not None and _content_verb(prev[1]) \
        and (_continues(text, q, prev_end, cs) or cs < prev_end <= q.start and text[prev_end:prev_end + 1] in "、和及与")
    r = _read(sent, q, left_start, governed=listed)
    entity = r.entity
    action = r.action
    segment = prev is not None and cs < prev_end <= q.start and text[prev_end:prev_end + 1] in ("、", "和", "及", "与")
    if (_continues(text, q, prev_end, cs) or segment) and prev and prev[1]:
        # the list goes on: its verb is the first member's unless this member has its own before it
        member_end = min([i for i in (text.find(c, q.end) for c in "、，,；;。") if i >= 0] or [len(text)])
        head_at = text.find(r.entity, q.end, member_end) if r.entity else -1
        own_verb = r.action if r.action and (text.find(r.action, left_start, q.end) != -1 and _in_lexicon(r.action)
                                             or head_at >= 0 and text.find(r.action, head_at + len(r.entity),
                                                                           member_end) != -1
                                             and (_in_lexicon(r.action) or r.action in _grammar()["predicate_verbs"])) \
            else None
        # ('9个贫困县摘帽、64个贫困村|出列': a member's own verb after its noun is its own too)
        if own_verb in _grammar()["comparator_verbs"] and _content_verb(prev[1]) and _thing(r.entity):
            # '新引进A超过120家、B超过150个': a comparator of a later object does not replace the
            # list's verb (a measure or '总数' of its own does: '新增…12家、总数达到35家')
            own_verb = None
        if r.nominal and _verb_first(text, prev, cs):
            # '完成造林100万亩、退化草原生态修复治理105万亩': objects of the first member's verb
            entity, own_verb = r.nominal, None
        action = own_verb or prev[1]
    elif prev and r.action is None and _thing(r.entity) and _verbless_clause(sent, cs, q) \
            and (_commits(prev[1]) or prev[1] in _FRAMING_ACTIONS) and 0 <= prev_end < cs \
            and text[cs - 1:cs] in ("，", ",") and _verb_leads(text, prev):
        # '选拔资助A不少于100名，B不少于500名', '确保粮食播种面积68万亩，生猪存栏40万头以上': a clause
        # of a subject and a number alone goes on with the previous clause's verb (a framing one
        # too), which stood before its object
        action = prev[1]
    elif prev and prev[0] and prev[1] and action is None and 0 <= prev_end < q.start \
            and text[prev_end:q.start] == prev[0] and _thing(prev[0]) and _thing(r.entity) \
            and q.unit not in ("%", "‰", "个百分点", "倍"):
        # '改造…等4个片区|112栋住宅楼': a second measure right after the first one's object
        action = prev[1]
    if r.distribute and len(r.items) == len(qlist) and len(qlist) > 1:
        entity = _clean(_share_head(r.items)[0])
    if r.entity in _grammar()["measure_verbs"] and (prev is not None and action == prev[1] or action is None
                                                    or action in _grammar()["framing"]):
        action = entity  # '实现|增贷200亿元': the word names the measure and its verb  # '、增贷200亿元': the member names its own measure and verb (增贷), as written
    change = _CHANGE_FROM.search(text, cs, q.start)
    if change and (entity is None or entity[:1].isdigit() or entity[:1] in "/／" or _FROM_LEVEL.search(entity)):
        # '城镇职工由13万元|提高至60万元': what changes is named before the level it starts from
        entity = _clean(text[cs:change.start()]) or entity
    if entity is None:
        entity = (prev[0] if prev else None) or _fallback_entity(fb(0))
    entity = _without_from_level(entity)
    if not r.action_decided:
        action = action or fb(1)
    return entity, action


def part_of_action(text: str, q: Quantity, action: Optional[str],
                   earlier: list[tuple[int, Optional[str], Optional[str]]]) -> Optional[str]:
    """The action of a quantity in a clause opened by 其中, which counts part of an earlier
    quantity of the same unit (``实施重点项目850项以上，完成投资790亿元以上，其中重中之重项目10项、
    …重大项目58项``): without a verb of its own in the clause it is done by that quantity's verb,
    not by the nearest one before it. ``earlier``: (end offset, unit, action) of the sentence's
    earlier targets."""
    cs = _clause_start(text, q.start)
    clause = text[cs:q.start].lstrip()
    if not clause.startswith("其中") or action and action in clause:
        return action
    for end, unit, act in reversed(earlier):
        if end <= cs and unit == q.unit and act:
            return act
    return action


_FRAMING_ACTIONS = ("实现", "确保", "力争", "争取")
_ENUMERATORS = frozenset("一二三四五六七八九十") | {"十一", "十二", "其一", "其二"}
_BEFORE_NUMBER = ("不", "低于", "少于", "高于", "超过", "达到", "达", "在", "为", "以上", "左右")


def verb_over_framing(sent: Sentence, q: Quantity, action: Optional[str]) -> Optional[str]:
    """A framing word is the action only when nothing else is (``确保|脱贫人口|转移就业|不低于|30万人``),
    and a clause with no action found may still hold one after its subject (``脱贫劳动力|转移就业|15万人``):
    a verb of the lexicon standing right before the number, its comparator aside, after its
    subject, commits to it. A nouny verb there names the measure (``实现|旅游收入|2967亿元``,
    ``实现|区外就业|7400人``) unless a verb or 再 is written into it (``转移就业``, ``再就业``)."""
    if action is not None and action not in _FRAMING_ACTIONS:
        return action
    g = _grammar()
    text = sent.text
    cs = _clause_start(text, q.start)
    a = text.rfind(action, cs, q.start) if action else -1
    L = tokens(sent).within(a + len(action) if a >= 0 else cs, q.start)
    while L and (L[-1].word in _BEFORE_NUMBER or L[-1].tag == "d"):
        L = L[:-1]
    if len(L) < 2:
        return action
    last, before = L[-1], L[-2]
    if last.word in g["metric_heads"] and last.word not in g["nouny_verbs"]:
        return action  # '空气质量|达标|天数', '兑付|资金': a measure's head, not a verb
    if last.word in g["nouny_verbs"]:
        if not (_in_lexicon(before.word) and before.word not in g["nouny_verbs"] or before.word == "再") \
                or len(L) < 3 or not _nounish(L[-3]):
            return action
        return text[before.start:last.end]  # '转移就业', '再就业'
    if not _in_lexicon(last.word) or last.word in g["framing"] or last.word in g["comparator_verbs"] \
            or not _nounish(before):
        return action
    return last.word


# The part of the region a list member is given for: '州直', '市本级'.
_SCOPE_PARTS = re.compile(r"^(?:[省市州县区盟旗]直|[省市州县区]?本级)")


def place_as_subject(entity: Optional[str], q: Quantity, prev: Optional[tuple[Optional[str], Optional[str]]],
                     between: str, member: str) -> Optional[str]:
    """A list member whose subject is a named place gives the same measure for that place
    (``新建高标准农田100万亩、塔城地区32万亩、阿勒泰地区20.4万亩``, ``增长7.6%（州直增长7.5%、塔城地区增长8.5%）``):
    what it counts is the previous member's, in the same unit; the place is its scope. Only
    right after that member (``、``, ``，`` or an opening bracket between them) and only when the
    member's words are the place and at most its verb (``州直增长``, ``厦门新开工``): a place counted
    (``4个县市入选``) or a member naming a measure of its own is left alone.
    ``prev``: (entity, unit); ``member``: the member's words before its number."""
    if not entity or prev is None or not prev[0] or entity == prev[0] or prev[1] != q.unit \
            or between.strip() not in ("、", "（", "(", "，", ","):
        return entity
    places = gazetteer()  # (loaded once by the metadata stage)
    m = _SCOPE_PARTS.match(member)
    n = m.end() if m else next((n for n in range(min(len(member), 10), 1, -1) if member[:n] in places), 0)
    if not n:
        return entity
    if not member[:n].startswith(entity):
        return entity  # '朝阳市一般公共预算收入增长21.7%': the member names a measure of its own
    return prev[0]
