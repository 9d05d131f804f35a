"""Features of a numeric mention and of a clause, as plain dicts for scikit-learn vectorizers.

A mention is every quantity `extractors.targets.candidates` finds in a commitment sentence; its
features are the words around it (number masked), its unit and comparator, the cues the rules
look at (quotes, 第, 年/届 after, incentive words), tense and aspect markers of its sentence
and whether the sentence lies in a review of past work.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate

from pipeline.stages.numbers import Quantity
from pipeline.records import Sentence

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_PAST_MARKERS = ["已", "已经", "完成", "累计", "去年", "过去", "一年来", "五年来", "实现", "达到", "比上年",
                 "同比", "增长", "预计", "首次", "历史"]
_PLAN_MARKERS = ["将", "力争", "确保", "今年", "明年", "计划", "目标", "预期", "争取", "要", "拟", "到20",
                 "年底前", "新增", "建设", "推进"]


def _mask(text: str) -> str:
    return _DIGITS.sub("0", text)


def mention_features(q: Quantity, sent: Sentence, quoted: list[tuple[int, int]],
                     context: int = 8) -> dict:
    """The features of one quantity mention in its sentence."""
    text = sent.text
    left = _mask(text[max(0, q.start - context):q.start])
    right = _mask(text[q.end:q.end + context])
    f: dict[str, float | str] = {
        "unit": q.unit or "<none>",
        "unit_kind": q.unit_kind or "<none>",
        "comparator": q.comparator,
        "chinese": float(q.chinese),
        "multiplier": float(q.multiplier),
        "range": float(q.value_max is not None),
        "log_value": min(math.log10(abs(q.value) + 1), 16) / 16,
        "integer": float(q.value == int(q.value)),
        "zero": float(q.value == 0),
        "year_like": float(1900 <= q.value <= 2100 and q.value == int(q.value)),
        "quoted": float(any(a < q.start < b for a, b in quoted)),
        "review": float(sent.review),
        "table_row": float(sent.table_row),
        "prev1": left[-1:] or "<s>",
        "prev2": left[-2:] or "<s>",
        "next1": right[:1] or "</s>",
        "next2": right[:2] or "</s>",
        "raw_shape": _mask(q.raw),
        "position": round(q.start / max(len(text), 1), 1),
    }
    for n in (1, 2, 3):
        f.update(dict.fromkeys([f"L{n}:{left[i:i + n]}" for i in range(len(left) - n + 1)], 1.0))
        f.update(dict.fromkeys([f"R{n}:{right[i:i + n]}" for i in range(len(right) - n + 1)], 1.0))
    clause_start = max(text.rfind(c, 0, q.start) for c in "，,；;：:。") + 1
    clause = text[clause_start:q.start]
    f.update(_sentence_markers(text))
    f.update(dict.fromkeys([f"C_past:{m}" for m in _PAST_MARKERS if m in clause], 1.0))
    f.update(dict.fromkeys([f"C_plan:{m}" for m in _PLAN_MARKERS if m in clause], 1.0))
    # POS of the words just before and after the mention
    f["tag_before"], f["tag_after"] = _tags_around(sent.words, sent.tags, q.start, q.end)
    f.update(_context_features(text, q.start, q.end, clause_start))
    part = getattr(sent, "part", None)
    if part:
        f["part"] = str(part)
    if getattr(sent, "in_attachment", False):
        f["in_attachment"] = 1.0
    return f


def _tags_around(words: list[str], tags: list[str], start: int, end: int) -> tuple[str, str]:
    """The tag of the last word ending by ``start`` ('<s>' if none) and of the first word starting
    from ``end`` on ('</s>' if none), the words laid end to end from 0: by bisection of their
    offsets, not a walk over the words (ends and starts only grow)."""
    n = min(len(words), len(tags))
    if end <= start:  # (an empty span: the walk this replaces, word by word)
        pos, before_tag, after_tag = 0, "<s>", "</s>"
        for w, t in zip(words, tags):
            if pos + len(w) <= start:
                before_tag = t
            elif pos >= end:
                after_tag = t
                break
            pos += len(w)
        return before_tag, after_tag
    ends = list(accumulate(map(len, words[:n])))
    i = bisect_right(ends, start)  # the words wholly before the mention
    j = bisect_left(ends, end) + 1  # the first word whose start (the end before it) is ≥ end
    return (tags[i - 1] if i else "<s>"), (tags[j] if j < n else "</s>")


_REWARD = re.compile(r"(给予|奖励|补贴|补助|资助|返还|扶持资金|一次性|奖补)")
_CONDITION_THEN = re.compile(r"[^。；;]{0,60}?的[，,]([^。；;]{0,16})")
_CONDITION_OPEN = re.compile(r"^(对|凡|对于|经|被|获得|首次|新获|年度)")


def _context_features(text: str, start: int, end: int, clause_start: int) -> dict[str, float]:
    """Where the mention stands in its clause: a condition ('…达到N万元的，给予'), next to a
    reward verb, in a list of quantities. Rules and the corrector both need these cues: the
    thresholds and per-case standards of incentive policies look like targets otherwise."""
    f: dict[str, float] = {}
    stops = [i for i in (text.find(c, end) for c in "，,；;。：:") if i >= 0]
    clause_end = min(stops) if stops else len(text)
    clause = text[clause_start:clause_end]
    if clause.endswith("的") or text[end:clause_end].startswith(("的", "以上的", "及以上的", "以下的")):
        f["X_conditional"] = 1.0
    if _CONDITION_OPEN.match(clause):
        f["X_condition_open"] = 1.0
    window = text[max(0, start - 12):min(len(text), end + 12)]
    if _REWARD.search(window):
        f["X_reward_near"] = 1.0
    if _REWARD.search(text[clause_end:clause_end + 12]):
        f["X_reward_next_clause"] = 1.0
    m = _CONDITION_THEN.match(text, end)
    if m:  # '…20家以上、床位100张以上，总投入…的，给予…'
        f["X_condition_then_reward" if _REWARD.search(m.group(1)) else "X_condition_then"] = 1.0
    before = text[max(0, start - 1):start]
    after = text[end:end + 1]
    if before == "、" or after == "、":
        f["X_list"] = 1.0
    if "分别" in text[max(0, clause_start - 20):start]:
        f["X_respectively"] = 1.0
    return f


@lru_cache(maxsize=1024)  # every mention of a sentence shares them
def _sentence_markers(text: str) -> dict[str, float]:
    f = {f"S_past:{m}": 1.0 for m in _PAST_MARKERS if m in text}
    f.update({f"S_plan:{m}": 1.0 for m in _PLAN_MARKERS if m in text})
    return f


def clause_features(sent: Sentence, position: float, in_section: bool, heading: bool) -> dict:
    """The features of one sentence for the clause classifier."""
    text = _mask(sent.text)
    f: dict[str, float | str] = {
        "position": round(position, 1),
        "in_section": float(in_section),
        "heading_line": float(heading),
        "length": min(len(text), 200) / 200,
        "ends": text.rstrip()[-1:] or "<none>",
        "starts2": text[:2],
        "table_row": float(sent.table_row),
        "has_number": float(bool(_DIGITS.search(sent.text))),
    }
    for n in (1, 2):
        for i in range(min(len(text), 60) - n + 1):
            f[f"c{n}:{text[i:i + n]}"] = 1.0
    for m in _PAST_MARKERS:
        if m in sent.text:
            f[f"past:{m}"] = 1.0
    for m in _PLAN_MARKERS:
        if m in sent.text:
            f[f"plan:{m}"] = 1.0
    return f
