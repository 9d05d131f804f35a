"""Targets: the quantities a document commits to, with the counted entity and the action verb.

`numbers.find_quantities` finds every quantity; this module decides which are commitments
(GOLD.md: not years, ordinals, names, slogans, phone or document numbers, durations,
eligibility thresholds or per-case incentives) and what they count.
"""
from __future__ import annotations

import re
from typing import Optional

from ..numbers import Quantity, find_fractions, find_quantities, units
from ..records import Commitment, Document, Target
from . import register

_CLAUSE_END = "，,；;：:。！？!?\n"
_LIST_SEP = "、"
# Quoted names and titles: a number inside “…” or 《…》 belongs to a name or a slogan.
_QUOTED = re.compile(r"“[^“”]{0,20}”|《[^《》]{0,60}》|「[^」]{0,20}」|‘[^’]{0,12}’")
_YEAR_UNITS = {"年", "届", "岁"}
_DURATION_AFTER = re.compile(r"^(内|之内|以内|时间|后|来|以来|期间|左右时间|的时间)")
_DURATION_BEFORE = re.compile(r"(用|经过|利用|花|历时|每|近|连续|前|后|第)$")
_DATE_AFTER = re.compile(r"^(年|月|日|号|时|点|周年|世纪|次会议|次全会|次党代会|届|大|中全会|号文|〔)")
_ORDINAL_BEFORE = re.compile(r"(第|[〔\[【(（]\s*|No\.?|编号|电话|热线|邮编|代码|编码|号码|文号|序号)$")
# Per-case incentives and eligibility thresholds of a policy (GOLD.md): not deliverables.
_INCENTIVE_BEFORE = re.compile(r"(给予|奖励|补贴|补助|资助|一次性|最高|每人|每户|每家|每个|每名|每项|每亩|按|分别给予|标准为|不超过)[^，。；]{0,8}$")
_INCENTIVE_AFTER = re.compile(r"^[^，。；]{0,6}(的(奖励|补贴|补助|资助)|奖励|补贴|补助|给予|资助|的企业|的项目|的个人|的单位|的)")
_THRESHOLD_AFTER = re.compile(r"^(及以上|以上|以下|以内)?的")
_CONTENT_COUNT_BEFORE = re.compile(r"等$")
_MODAL = {"力争", "确保", "争取", "努力", "要", "将", "计划", "预计", "全年", "今年", "明年", "全面",
          "进一步", "持续", "加快", "积极", "重点", "累计", "预期", "目标", "主要", "其中", "共",
          "实现", "继续", "再", "均", "分别", "年均", "平均", "总计", "合计", "各", "一般"}
_ACTION_WORDS = ["新增", "增长", "下降", "降低", "减少", "提高到", "提高", "提升到", "提升", "达到", "达",
                 "超过", "突破", "稳定在", "控制在", "保持在", "保持", "完成", "实现", "建成", "新建",
                 "改造", "培训", "培养", "引进", "资助", "帮扶", "组织", "开展", "建设", "新开工",
                 "开工", "投资", "增加", "扩大", "占", "为", "惠及", "覆盖", "安置", "吸纳", "带动"]


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def is_target_quantity(q: Quantity, text: str, quoted: list[tuple[int, int]],
                       table_row: bool = False) -> bool:
    """Whether a quantity in ``text`` (a sentence) can be a committed target (GOLD.md)."""
    before = text[max(0, q.start - 12):q.start]
    after = text[q.end:q.end + 12]
    if _in_spans(q.start, quoted):
        return False
    if q.unit in _YEAR_UNITS:
        return False
    if _DATE_AFTER.match(after) or _ORDINAL_BEFORE.search(before):
        return False
    if q.unit is None:
        if q.unit_kind == "share":
            return True
        if not q.multiplier or table_row:
            return False  # a bare number: a name (12355), a phone, a list item; table cells elsewhere
    if q.unit_kind == "duration":
        if _DURATION_AFTER.match(after) or _DURATION_BEFORE.search(before):
            return False
        if not re.search(r"(为|至少|不少于|不低于|达到|超过)$", before[-4:] or ""):
            return False
    if q.unit == "千伏" or (q.unit_kind == "other" and q.unit in ("倍",) and not re.search(r"(达到|增长|提高)", before)):
        return False
    if q.chinese and q.value < 10 and q.comparator in ("=",) and q.unit_kind != "share":
        return False  # '两个维护', '三项制度', '一批': fixed phrases far more often than targets
    if q.unit_kind == "money" and (_INCENTIVE_BEFORE.search(before) or _INCENTIVE_AFTER.match(after)):
        return False
    if q.unit_kind == "percent" and _INCENTIVE_AFTER.match(after) and re.search(r"(按|的)", before[-6:]):
        return False
    if _THRESHOLD_AFTER.match(text[q.end:q.end + 4]) and not re.search(r"(达到|确保|力争|总规模)", before):
        return False
    if _CONTENT_COUNT_BEFORE.search(before) and q.unit in ("方面", "类", "项") and not re.match(r"^[^，。]{0,12}(任务|工程|项目)", after):
        return False
    return True


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    a = max(text.rfind(c, 0, start) for c in _CLAUSE_END) + 1
    ends = [i for i in (text.find(c, end) for c in _CLAUSE_END + _LIST_SEP) if i != -1]
    return a, (min(ends) if ends else len(text))


def _token_spans(words: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for w in words:
        spans.append((pos, pos + len(w)))
        pos += len(w)
    return spans


_NOUNISH = ("n", "vn", "nz", "nt", "ns", "nr", "j", "b", "an", "l", "i", "g", "ng", "eng", "x")


def _noun_phrase_after(text: str, pos: int, stop: int, words, tags, spans) -> Optional[str]:
    """The noun phrase that starts right after the quantity ('300名|大学生|找到工作')."""
    out_start, out_end = None, None
    for (a, b), w, t in zip(spans, words, tags):
        if b <= pos:
            continue
        if a >= stop:
            break
        if a < pos:  # a token straddling the quantity's end (jieba merged '余名')
            continue
        if w in "，。；、：:（）()":
            break
        if (t.startswith("v") and t != "vn") or t in ("p", "c", "u", "uj", "d", "f", "m", "q", "r") \
                and not (out_start is not None and w in "“”"):
            if w in ("“", "”") and out_start is None:
                out_start = a
                out_end = b
                continue
            break
        if out_start is None:
            out_start = a
        out_end = b
    if out_start is None:
        return None
    phrase = text[out_start:out_end].strip("“”的 ")
    return phrase or None


def _action_and_entity(text: str, q: Quantity, clause_start: int, clause_end: int,
                       words, tags, spans) -> tuple[Optional[str], Optional[str]]:
    left = text[clause_start:q.start]
    # the action: the last action word / verb in the clause before the quantity
    action, action_pos = None, None
    for word in _ACTION_WORDS:
        i = left.rfind(word)
        if i != -1 and (action_pos is None or i + len(word) > action_pos + len(action)
                        or (i + len(word) == action_pos + len(action) and len(word) > len(action))):
            action, action_pos = word, i
    verb_tokens = [(a, b, w) for (a, b), w, t in zip(spans, words, tags)
                   if clause_start <= a and b <= q.start and t.startswith("v") and t != "vn"
                   and w not in _MODAL]
    if verb_tokens:
        a, b, w = verb_tokens[-1]
        # extend over directly preceding verbs: 结对|帮扶 → 结对帮扶, 新建|改建 → 新建改建
        k = len(verb_tokens) - 1
        while k > 0 and verb_tokens[k - 1][1] == verb_tokens[k][0]:
            k -= 1
        a = verb_tokens[k][0]
        if action is None or a - clause_start > action_pos or (
                q.start - b <= 1 and b - clause_start > action_pos + len(action)):
            if action is None or b - clause_start >= action_pos + len(action):
                action, action_pos = text[a:b], a - clause_start
    between = left[action_pos + len(action):] if action else ""
    between = between.strip("，、 的")
    between_has_noun = bool(re.search(r"[\u4e00-\u9fffA-Za-z“”]{2,}", between)) and not re.fullmatch(
        r"(到|在|至|为|了|达|约|近|超过|不少于|不低于|至少)", between)
    after = _noun_phrase_after(text, q.end, clause_end, words, tags, spans)
    if between_has_noun:
        entity = between
    elif after and q.unit_kind in ("count", "area", "length", "mass", "energy", None, "other") and q.unit != "%":
        entity = after
    else:
        entity = left[:action_pos] if action else left
        entity = _strip_modal(entity)
    entity = (entity or "").strip("，、：:的 ")
    return action, (entity or None)


_LEADING = re.compile(r"^(力争|确保|争取|努力|预计|全年|今年|明年|其中|同时|此外|并|和|及|将|要|使|让|推动|实现|到20\d\d年|20\d\d年|年底前|底前)+")


def _strip_modal(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = _LEADING.sub("", text).strip("，、 ")
    return text


def _sentence_targets(c: Commitment, doc_id: str, counter: list[int]) -> list[Target]:
    sent = c.sentence
    text = sent.text
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    spans = _token_spans(sent.words)
    found = []
    quantities = find_quantities(text) + find_fractions(text)
    quantities.sort(key=lambda q: q.start)
    last_entity, last_action = None, None
    for q in quantities:
        if not is_target_quantity(q, text, quoted, sent.table_row):
            continue
        clause_start, clause_end = _clause_bounds(text, q.start, q.end)
        action, entity = _action_and_entity(text, q, clause_start, clause_end, sent.words, sent.tags, spans)
        if text[q.start - 1:q.start] == _LIST_SEP or (entity is None and last_entity):
            entity = entity or last_entity  # '4.55万元、2.28万元': the list shares its entity
            action = action or last_action
        last_entity, last_action = entity, action
        counter[0] += 1
        found.append(Target(
            target_id=f"{doc_id}:t{counter[0]:04d}", raw=q.raw, value=q.value, value_max=q.value_max,
            unit=q.unit, comparator=q.comparator, raw_start=c.start + q.start, raw_end=c.start + q.end,
            entity=entity, action=action,
            status="achievement" if sent.review else "target",
        ))
    return found


_TABLE_UNIT = re.compile(r"^(?P<mult>万亿|亿|万|千)?(?P<unit>[^\d\s]{1,6})$")
_TABLE_VALUE = re.compile(r"^(?P<cmp>≥|>=|≤|<=|>|<|约)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|[^\d\s]{0,4})?$")
_TABLE_CMP = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<", "约": "~"}
_MULT = {"万亿": 10 ** 12, "亿": 10 ** 8, "万": 10 ** 4, "千": 1000}


def _table_targets(c: Commitment, doc_id: str, counter: list[int]) -> list[Target]:
    """A flattened table row '指标 | 单位 | 目标值 | 责任单位': a unit cell, then a value cell."""
    cells, pos = [], 0
    for line in c.text.split("\n"):
        cells.append((pos, line.strip()))
        pos += len(line) + 1
    out = []
    known_units = units()
    for i in range(1, len(cells) - 1):
        (_, unit_cell), (vpos, value_cell) = cells[i], cells[i + 1]
        um = _TABLE_UNIT.match(unit_cell)
        vm = _TABLE_VALUE.match(value_cell)
        if not um or not vm:
            continue
        unit = um.group("unit")
        if unit not in known_units and unit != "%":
            continue
        if vm.group("unit") and vm.group("unit") != unit:
            continue
        value = float(vm.group("num")) * _MULT.get(um.group("mult") or "", 1)
        value = round(value, 6)
        counter[0] += 1
        out.append(Target(
            target_id=f"{doc_id}:t{counter[0]:04d}", raw=value_cell, value=value, value_max=None,
            unit=unit, comparator=_TABLE_CMP.get(vm.group("cmp") or "", "="),
            raw_start=c.start + vpos, raw_end=c.start + vpos + len(value_cell),
            entity=cells[i - 1][1], action=None,
            status="achievement" if c.sentence.review else "target",
        ))
    return out


@register("targets")
def extract_targets(doc: Document) -> Document:
    counter = [0]
    for c in doc.commitments:
        if c.sentence is None:
            continue
        c.targets = (_table_targets if c.sentence.table_row else _sentence_targets)(c, doc.doc_id, counter)
        if c.targets and c.action is None:
            c.action = c.targets[0].action
    return doc
