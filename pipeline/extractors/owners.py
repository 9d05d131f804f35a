"""Owners: the units a text names as responsible for a task, with their role.

An owner grammar rather than a list of whole-note patterns. Its parts:

- *unit names* (`unit_kind`): a name ends like a unit (…局/委/厅/办/部门/政府/委员会/中心/公司,
  or a place …市/县/区/旗 where the notation says it is a unit), is not a generic class
  (`各地`, `各有关部门`, `各级政府`; a named level such as `各市政府`, `省级政府` is a unit) and holds no
  predicate words;
- *unit lists* (`split_units`, `_units_at`): names joined by `、`/`和`/`及`/`与` (split only where
  both sides are units, so `市人力资源和社会保障局` stays whole), `各区、县级市` kept whole,
  tails `等有关部门和单位` stripped;
- *labels* `牵头单位：A，配合单位：B` (role from the label; a following comma group without a label
  continues it);
- *notes* `（A牵头，B、C按职责分工配合）`: each comma group is parsed on its own; a group of units
  with no role word inherits the previous label's role or is `responsible`;
- *running text*: `由A负责`/`分别由A和B办理`, a specific unit as the subject of a clause
  (`A要会同B…`, `A对…负总责`, `A、B、C指导`), the units after `会同` (support) and after a
  clause-opening `配合` (the unit supported leads).

Where owners attach (`extract_owners`): notes are read on their line, so one cut at a `。` inside
it stays whole (`〔责任单位：A。具体任务均涉及B，下同。〕`); a note or label written right after a
sentence's full stop belongs to that sentence; a note names the owners of the sentences before it on
its line; a line of owner labels or notes only (`牵头单位：A` / `责任单位：B、C` under `1.…。`, or a
sentence of role groups `A牵头，B配合。`) names the owners of the task line above it in its numbered
item (at the top of its item, of the tasks below); a note in a heading owns the tasks under it that
name none; rows written with `|` or tabs under a 牵头/配合/责任单位 header own their line.
Conventions stated once: `首位单位为牵头单位` (the first of several units leads), `…，下同` (the
units of that sentence own every later task), `以下任务均由X负责` (X owns the rest of its part).
The issuer is the default owner of every other commitment (source 'issuer').
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional

from pipeline.records import Commitment, Document, Owner, Section
from pipeline.stages.tokens import tag
from pipeline.extractors import register
from pipeline.extractors.table_cells import cell_owners, grid_owners, owner_table
from pipeline.stages.grid import grid_rows


@lru_cache(maxsize=1)
def _grammar() -> dict:
    """The word lists (pipeline/resources/owner_grammar.json), loaded once."""
    path = resources.files("pipeline.resources").joinpath("owner_grammar.json")
    g = json.loads(path.read_text(encoding="utf-8"))
    g["org_suffixes"] = sorted(g["org_suffixes"], key=len, reverse=True)
    g["place_suffixes"] = sorted(g["place_suffixes"], key=len, reverse=True)
    g["suffix_set"] = set(g["org_suffixes"]) | set(g["place_suffixes"]) | set(g["zone_heads"])  # a zone ends a list too
    # '协同责任单位：', '主要责任单位：': a qualified label of a unit group is a label (without it
    # the search finds '责任单位：' inside and leaves '协同' behind as task text). The pattern keeps
    # the plain labels (a qualifier group in it would be tried at every position of every
    # sentence); `_qualifier_before` and `_label_match` read the qualifier in front of a match.
    # a department's own divisions take the same labels: '牵头科室：', '责任处室：', '责任股室（单位）'
    for label, role in list(g["labels"].items()):
        if role and label.endswith(("单位", "部门")):
            for noun in g["division_nouns"]:
                g["labels"].setdefault(label[:-2] + noun, role)
    labels = "|".join(sorted(g["labels"], key=len, reverse=True))
    grouped = [label for label, role in g["labels"].items() if role and label.endswith(("单位", "部门"))]
    g["grouped_labels"] = frozenset(grouped)
    for label in grouped:
        for q, q_role in g["label_qualifiers"].items():
            g["labels"].setdefault(q + label, q_role or g["labels"][label])
    g["qualifiers_t"] = tuple(sorted(g["label_qualifiers"], key=len, reverse=True))
    # '责任单位：A', '【责任单位】A', '[牵头单位]：A'
    g["label_re"] = re.compile(rf"[【〖\[]?({labels})(?:[】〗\]]\s*[:：]?|\s*[:：])\s*")
    g["label_word_re"] = re.compile(rf"(?:{labels})")
    g["role_re"] = re.compile("|".join(sorted(g["roles"], key=len, reverse=True)))
    mods = "|".join(sorted(g["role_modifiers"], key=len, reverse=True))
    g["mods_re"] = re.compile(f"(?:{mods})+$")
    g["tail_re"] = re.compile("(?:" + "|".join(sorted(g["list_tails"], key=len, reverse=True)) + ")$")
    g["generic_mods"] = sorted(g["generic_modifiers"], key=len, reverse=True)
    g["bare_top_re"] = re.compile(g["bare_top_bodies"])
    cues = "|".join(sorted(g["predicate_cues"], key=len, reverse=True))
    g["cue_re"] = re.compile(f"(?:{cues})")
    g["reporting_re"] = re.compile("|".join(map(re.escape, sorted(g["reporting"], key=len, reverse=True))))
    g["handover_re"] = re.compile(g["handover"] + r"(?P<units>[^，。；;：:\n（）()]{2,80}?)"
                                  r"(?P<role>牵头负责|负责|落实|牵头|承担|办理|组织实施)")
    # the same lists in the forms the hot checks need (one C-level test instead of a Python loop
    # over the list: `unit_kind` runs on every candidate name of every clause)
    g["forbidden_re"] = _any_of(g["forbidden_in_name"])
    g["generic_inside_re"] = _any_of(g["generic_inside"])
    g["not_units_set"] = frozenset(g["not_units"])
    g["not_unit_endings_t"] = tuple(g["not_unit_endings"])
    g["generic_names_set"] = frozenset(g["generic_names"])
    g["generic_heads_set"] = frozenset(g["generic_heads"])
    g["task_verbs_t"] = tuple(g["task_verbs"])
    g["task_verbs_set"] = frozenset(g["task_verbs"])
    g["unit_verbs_set"] = frozenset(g["unit_verbs"])
    g["long_task_verbs_t"] = tuple(v for v in g["task_verbs"] if len(v) >= 2)
    g["zone_heads_t"] = tuple(g["zone_heads"])
    g["group_units_t"] = tuple(g["defined_group_units"])
    g["generic_mods_t"] = tuple(g["generic_mods"])
    g["list_tails_t"] = tuple(g["list_tails"])
    return g


def _any_of(words: list[str]) -> re.Pattern:
    """A pattern that finds any of `words` in a text: `p.search(s)` is `any(w in s for w in words)`."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


# '列第一位者为牵头单位，下同', '首位单位为牵头单位', '排在首位的为牵头部门': a convention stated once:
# the first of the units of every owner list leads.
FIRST_IS_LEAD = re.compile(r"(?:列|排|位)?(?:在|于|列)?(?:第一位|首位|第一个|第一)(?:者|的)?(?:单位|部门)?"
                           r"(?:为|是|系)(?:工作|主要|总)?(?:牵头|主责)")  # ('列第一位者为工作牵头单位')
_LEVEL = r"(?:县级市|县（市、区）|县\(市、区\)|区县（市）|区县\(市\)|市（州）|市\(州\)|旗县区|县市区|区县市|县区|区县|县市|市州|乡镇|街道|省|市|县|区|旗|州|盟|乡|镇)"
_NAMED_LEVEL = re.compile(rf"各(?:有关)?{_LEVEL}(?:、{_LEVEL})*(?:级)?")
_LEVEL_ALONE = re.compile(rf"{_LEVEL}")
_GOV_LEVEL_MODS = {"各", "省级", "市级", "县级", "区级", "乡级", "中央"}
_SELECTING_ONLY = {"相关", "有关", "其他", "其它"}
_GOV_HEADS = {"政府", "人民政府", "财政", "党委", "党委和政府", "党委政府"}
# a level of government named with a selecting modifier is a unit: '各市政府', '相关市（州）人民政府'
_LEVEL_GOV = re.compile(rf"{_LEVEL}(?:、{_LEVEL})*级?(?:人民政府|政府|党委和政府|党委政府|党委)")
_SELECTING_MODS = {"各", "有关", "相关", "各有关", "各相关"}
_SELECTING = re.compile("|".join(sorted(_SELECTING_MODS, key=len, reverse=True)))
_LEVEL_LIST = re.compile(rf"{_LEVEL}(?:、{_LEVEL})+")
_ADMIN_STEM = re.compile(r"(?:中央|省|市|县|区|州|旗|盟|乡|镇|自治区|自治州|[\u4e00-\u9fff]{1,8}(?:省|市|县|区|州|旗))(?:级)?")
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9“”\"·]+")
_BRACKETED = re.compile(r"[（(〔][^（）()〔〕]*[）)〕]")
_SEPARATOR = re.compile(r"\s*、|以及|和|及|与")  # spaces: a note blanked inside a list
_CONJ = re.compile(r"以及|和|及|与")
_LEADING_FILLER = re.compile(
    r"^(?:\s|同时|此外|另外|其中|并且|而且|并|对此|为此|具体|首先|其次|再次|最后|"
    r"[一二三四五六七八九十]+是|第[一二三四五六七八九十百\d]+条|\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)+")
_BY = re.compile(r"(?<![于此理自缘经来])(?:分别|统一|均|并|交|则|可|仍)?由(?![于此])")
_NOT_AFTER_BY = re.compile(r"^(?:组成|构成|转变|转为|转向|变为|向|的)")
_TYPED_LIST = re.compile(r"((?:[\u4e00-\u9fff]{2,8}、)*[\u4e00-\u9fff]{2,8})(等(?:有关|相关)?(?:部门|单位))")
_PREPOSITIONS = {"经", "报", "向", "由", "对", "在", "从", "让", "使", "请", "为", "把", "将", "被", "给", "据"}
_TIME_ADVERBIAL = re.compile(r"\s*(?:\d+|[一二三四五六七八九十]+)\s*个?(?:工作日|日|天|月|年|小时|周)[内前后]")
_CLAUSE = re.compile(r"[^，,；;。：:！!？?\n]+")


@dataclass
class _Found:
    """An owner and where it came from: 'note', 'label', 'running' or 'table'."""

    owner: Owner
    kind: str
    leading: bool = False  # in a note that opens the text: it belongs to the sentence before
    standing: bool = False  # stated once for this task and the later ones ('…，下同')


# --------------------------------------------------------------------------------------------
# unit names


def _core(name: str) -> str:
    """The name without bracketed parts, for the character checks (`各县（市、区）政府`)."""
    return _BRACKETED.sub("", name)


def _is_generic(name: str) -> bool:
    """A class of units rather than a unit: `各有关部门`, `各级政府`, `有关部门和单位`."""
    g = _grammar()
    if name in g["generic_names_set"]:
        return True
    n, stripped = name, []
    changed = name.startswith(g["generic_mods_t"])  # most names open with no modifier at all
    while changed:
        changed = False
        for m in g["generic_mods"]:
            if n.startswith(m) and len(n) > len(m):
                stripped.append(m)
                n = n[len(m):]
                changed = True
                break
    if "属地" in stripped and (_LEVEL_ALONE.fullmatch(n) or n in ("乡镇", "街道", "乡镇街道")):
        return True  # '属地乡镇', '属地街道': whichever the task's place falls in, a class
    if _LEVEL_ALONE.fullmatch(n) or _LEVEL_LIST.fullmatch(n):
        # '各有关区、县级市': a named level; '相关镇', '有关县区' without 各: whichever are concerned
        return bool(stripped) and all(m in _SELECTING_ONLY for m in stripped)
    if n in g["generic_heads_set"]:
        return not (n in _GOV_HEADS and stripped and all(m in _GOV_LEVEL_MODS for m in stripped))
    if _level_government(name):
        return False
    return g["generic_inside_re"].search(name) is not None


def _level_government(name: str) -> bool:
    """'各市政府', '相关市（州）人民政府', '有关县政府': the governments of a named level (a unit),
    unlike '各级政府' or '地方政府'."""
    core = _core(name)
    m = _SELECTING.match(core)
    return _LEVEL_GOV.fullmatch(core[m.end() if m else 0:]) is not None


def _org_suffix(name: str) -> Optional[str]:
    for s in _grammar()["org_suffixes"]:
        if name.endswith(s):
            return s
    return None


@lru_cache(maxsize=65536)
def unit_kind(name: str) -> Optional[str]:
    """'org', 'place' (a place or a named level: `济南市`, `各区、县级市`), 'generic', or None.

    None: not a unit name at all. The checks are about the name alone; callers decide which
    kinds a notation admits (running text admits only 'org' and named levels)."""
    g = _grammar()
    core = _core(name)
    if not name or len(name) > 40 or len(core) < 2 or not _NAME_CHARS.fullmatch(core.replace("、", "")):
        return None
    if "、" in core and not _NAMED_LEVEL.fullmatch(core):
        # '各市州、县市区人民政府', '各市、县政府': levels sharing the head written once
        return "org" if _level_government(name) and _SELECTING.match(core) else None
    if _NAMED_LEVEL.fullmatch(core):
        return "place"
    group = next((w for w in g["defined_group_units"] if core.endswith(w)), "") \
        if core.endswith(g["group_units_t"]) else ""
    if g["forbidden_re"].search(core, 0, len(core) - len(group)):
        return None
    if _is_generic(name):
        return "generic"
    if _level_government(name):
        return "org"
    zone = _named_zone(core)
    if zone is not None:
        return zone
    if name in g["not_units_set"] or name.endswith(g["not_unit_endings_t"]):
        # ('项城市', '晋城市': a place the gazetteer names, though '…城市' ends no unit: '文明城市')
        return "place" if core in _place_names()[0] else None
    suffix = _org_suffix(core)
    if suffix and len(suffix) == 1 and core[:-1] in g["unit_verbs_set"]:
        return "org"  # '建设厅', '审计局': a department named by its field alone (the province's)
    if not _ABBREVIATION.fullmatch(core) and _has_task_verb(core[:len(core) - len(group)]):
        return None
    if suffix:
        stem = core[:-len(suffix)]
        if suffix == "单位" and (not group or core == group):
            return None  # '配合单位' alone is a label word; '各配合单位' names the group
        if suffix == "财政" and not _ADMIN_STEM.fullmatch(stem):
            return None
        if suffix in ("公司", "集团", "中心", "机关", "银行", "科", "股", "处") and len(stem) < 2:
            return None  # ('科', '股', '处': a department's divisions, '规划科', '财务股', '综合处')
        if not stem and len(suffix) < 3:
            return None
        return "org"
    for s in g["place_suffixes"]:
        if core.endswith(s) and len(core) > len(s):
            return "place"
    return None


# An abbreviated office name: a level, two to four clipped words, a one-character head
# ('区审改办', '市住建局', '县发改局'); jieba tags the clipped words as verbs, which they are not.
_ABBREVIATION = re.compile(r"(?:[省市县区州旗盟乡镇]|[省市县区州]委)[\u4e00-\u9fff]{2,4}[办局委厅]")


_ZONE_LEVELS = frozenset({"开发区", "高新区", "经开区", "园区", "开发园区", "工业园区", "产业园区", "功能区"})


def _named_zone(core: str) -> Optional[str]:
    """'立山经济开发区', '成都高新区': a zone with a name of its own is a place (its administration is
    a unit); a zone named only by its kind ('经济开发区', '各类园区', '国家级新区') is None."""
    g = _grammar()
    if not core.endswith(g["zone_heads_t"]):
        return None
    zone = next(z for z in g["zone_heads"] if core.endswith(z))
    if zone is None:
        return None
    stem = core[:-len(zone)]
    if stem == "各" and zone in _ZONE_LEVELS:
        return "place"  # '各开发区', '各园区': every zone of the region, a named level as '各区' is
    changed = True
    while changed:  # '经济技术', '高新技术产业', '国家级' describe the zone; they do not name it
        changed = False
        for d in g["zone_descriptors"]:
            if stem.endswith(d) and len(stem) > len(d) - 1:
                stem, changed = stem[:-len(d)], True
    if len(stem) < 2 or any(stem.startswith(m) for m in g["generic_mods"] + ["全", "本", "我", "该", "此", "各"]) \
            or _has_task_verb(stem) or g["forbidden_re"].search(stem):
        return None
    return "place"


def _has_task_verb(name: str) -> bool:
    """A verb inside the name (`充分发挥行业协会`, `报县政府`): a clause, not a unit. Unit names
    hold a few verbs of their own (`审批服务局`, `执法局`), listed in the grammar."""
    if not name:
        return False
    g = _grammar()
    if name.startswith(g["task_verbs_t"]):
        return True
    words, tags = tag(name)
    if words[0] in _PREPOSITIONS:
        return True  # '经县领导小组审核': the unit is the object of a preposition
    allowed = g["unit_verbs_set"]
    # one-character 'verbs' are parts of abbreviations (`市编办`, `市留交办`); the last word is the
    # unit's head (`支行`, `办`)
    return any(t == "v" and len(w) > 1 and w not in allowed for w, t in zip(words[:-1], tags[:-1]))


@lru_cache(maxsize=65536)
def _strong_name(name: str) -> bool:
    """Running text needs more than a unit-like ending: `建设大数据中心` ends like a unit too.
    The name must not open with a task verb or a word class that never starts a unit."""
    g = _grammar()
    if _NAMED_LEVEL.fullmatch(_core(name)):
        return True  # '各区', '各县': jieba tags them one pronoun
    if len(_core(name)) < 3:
        return False
    words, tags = tag(_core(name))
    if not words:
        return False
    first, t = words[0], tags[0]
    if first in g["task_verbs_set"] or name.startswith(g["long_task_verbs_t"]):
        return False
    if t[:1] in ("v", "a", "d", "p", "c", "m", "q", "u") and t not in ("vn",) and not first.startswith("各"):
        return False
    if t == "r" and not first.startswith("各"):  # ('各区县政府': jieba tags '各区' a pronoun)
        return False
    return True


# '市建委', '区教委': a level and a department's short name, which jieba reads as one word
_SHORT_FORM = re.compile(r"[省市县区州旗盟][\u4e00-\u9fff]{1,3}[办局委厅]")
_OPENING_WORDS = {"各", "省", "市", "县", "区", "州", "旗", "盟", "乡", "镇", "自治区", "自治州", "国家", "中央",
                  "国务院", "全国", "中国", "中共", "团", "区县", "县区", "市县", "省级", "市级", "县级",
                  "区级", "乡级", "省委", "市委", "县委", "区委", "省政府", "市政府", "县政府", "区政府"}


@lru_cache(maxsize=65536)
def opens_like_unit(name: str) -> bool:
    """A clause's subject is taken for a unit only when it opens like one: a level of government
    (`省…`, `市…`, `各…`, `中央…`, `国务院…`), a place or an organisation jieba knows (`济南市…`,
    `市场监管总局`), or a body's own name (`联席会议`). `今年政府工作`, `规范政府举债`,
    `广大群众积极响应党和政府号召` end like units but open like clauses."""
    if name in ("联席会议", "领导小组", "工作专班", "部际联席会议"):
        return True
    words, tags = tag(_core(name))
    if not words:
        return False
    first = words[0]
    return first in _OPENING_WORDS or first.startswith("各") or tags[0] == "nt" or _starts_with_place(name) or \
        any(first.startswith(w) for w in ("省委", "省政府", "市委", "市政府", "县委", "县政府")) or \
        _SHORT_FORM.fullmatch(_core(name)) is not None


@lru_cache(maxsize=1)
def _place_names() -> tuple[frozenset[str], int]:
    from pipeline.stages.metadata import gazetteer  # jionlp's gazetteer, loaded once
    names = frozenset(n for n in gazetteer() if len(n) >= 2)
    return names, max(len(n) for n in names)


def _starts_with_place(name: str) -> bool:
    """`济南市工业和信息化局`, `合肥海关`: the name opens with a place of the gazetteer (jieba's
    `ns` tag is no help: it tags `自觉遵守` a place)."""
    names, longest = _place_names()
    return any(name[:k] in names for k in range(2, min(longest, len(name) - 1) + 1))


def _accept(name: str, mode: str) -> Optional[str]:
    """The kind of `name` if the notation `mode` admits it: 'list' (labels, notes, 由…牵头),
    'strict' (running text: organisations and named levels only)."""
    kind = unit_kind(name)
    if kind is None:
        if mode == "list" and len(name) == 3 and name.endswith(("城镇", "集镇")):
            return "place"  # '凤城镇' in a list of units: a town (a word '城镇' in running text)
        return None
    if mode == "strict":
        if kind == "place" and not _NAMED_LEVEL.fullmatch(name):
            return None
        if kind != "generic" and not _strong_name(name):
            return None
    return kind


# --------------------------------------------------------------------------------------------
# unit lists


@lru_cache(maxsize=1)
def _suffix_index() -> tuple[frozenset[str], frozenset[str]]:
    """The unit suffixes of at most five characters (longer ones are never tried) and their last
    characters: a position whose character ends no suffix is skipped without a lookup."""
    short = frozenset(x for x in _grammar()["suffix_set"] if len(x) <= 5)
    return short, frozenset(x[-1] for x in short)


_BRACKET_CHARS = re.compile(r"[（()）〔〕]")
_STOP_CHARS = re.compile(r"[，,；;。：:\n ]")


@lru_cache(maxsize=1)
def _last_char_re() -> re.Pattern:
    """One character that ends a unit suffix (`_suffix_index`)."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(_suffix_index()[1])) + "]")


@lru_cache(maxsize=4096)  # (keyed by clauses: bounded, the batch runs for hours)
def _candidate_ends(s: str, pos: int, limit: int = 40) -> tuple[int, ...]:
    """Positions after `pos` where a unit suffix ends, longest first (brackets kept balanced).
    Cached: the running-text readers (`_by`, `_subject`, `_after_word`) try the same positions."""
    suffixes, last_chars = _suffix_index()
    stop = min(len(s), pos + limit)
    if _BRACKET_CHARS.search(s, pos, stop) is None:
        # no bracket in reach (most clauses): the scan ends at the first stop character, and
        # only the characters that end a suffix need a look
        m = _STOP_CHARS.search(s, pos, stop)
        if m is not None:
            stop = m.start()
        ends = []
        for m in _last_char_re().finditer(s, pos, stop):
            e = m.end()
            for k in range(1, min(5, e - pos) + 1):
                if s[e - k:e] in suffixes:
                    ends.append(e)
                    break
        return tuple(ends[::-1])
    ends, depth, opened = [], 0, pos
    for e in range(pos + 1, stop + 1):
        ch = s[e - 1]
        if ch in "（(〔":
            depth += 1
            if depth == 1:
                opened = e
        elif ch in "）)〕":
            depth -= 1
            if depth < 0:
                break
            inner = s[opened:e - 1]
            if depth == 0 and (e - 1 - opened >= 2 and _bracketed_unit(inner) or inner in _BRACKETED_LEVELS) \
                    and ends and ends[-1] == opened - 1:
                ends.append(e)  # '各县（市、区）政府（管委会）', '县发改局（粮食局）': the unit's other name
        elif depth == 0 and ch in "，,；;。：:\n ":
            break
        if depth == 0 and ch in last_chars:  # a suffix of 1..5 characters starting at or after `pos`
            for k in range(1, min(5, e - pos) + 1):
                if s[e - k:e] in suffixes:
                    ends.append(e)
                    break
    return tuple(ends[::-1])


# the heads a list may write once for several stems: '各县（市、区）党委和人民政府', '高新区党工委和管委会'
_DATE_START = re.compile(r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月|(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}")
_TAIL_LEAD = re.compile(r"[\s—－\-–]*")


def _unit_tail(text: str, start: int) -> Optional[list[Owner]]:
    """The owners a bare list of units names (`市住建局 市财政局`, `——市住建局`, `市住建局、市财政局`):
    every piece a unit, one at least an organisation, no label, no sentence."""
    lead = _TAIL_LEAD.match(text).end()
    body = text[lead:].rstrip()
    if not body or len(body) > 80 or _STOP_CHARS.match(body[-1]) or "：" in body or ":" in body:
        return None
    units = cell_unit_list(body, start + lead)
    if not units or not any(k == "org" for *_x, k in units):
        return None
    return [Owner(n, "responsible", "explicit", a, b) for n, a, b, k in units if k != "generic"]


def _bare_unit_tails(doc: Document) -> None:
    """A task line followed by the units that own it with no label: on the same line after the
    task's last sentence (`…完成改造10个小区。 市住建局 市财政局`, `…。——市住建局`: a row of a table
    flattened with spaces) or alone on the next line (`市住建局、市财政局`: the owner cell of a row
    written a cell a line), where the text does this for two tasks at least."""
    text = doc.text
    found: list[tuple[Commitment, list[Owner]]] = []
    for c in doc.commitments:
        if c.owners:
            continue
        eol = text.find("\n", c.end)
        eol = len(text) if eol < 0 else eol
        tail = text[c.end:eol]
        if tail.strip() and c.text.rstrip()[-1:] in "。；;":
            owners = _unit_tail(tail, c.end)
        elif not tail.strip():
            nxt = text.find("\n", eol + 1)
            nxt = len(text) if nxt < 0 else nxt
            line, after = text[eol + 1:nxt], text[nxt + 1:nxt + 41].lstrip()
            # (not the signature: the issuer's name over the date, '沈河区人民政府' / '2024年3月1日')
            owners = _unit_tail(line, eol + 1) if line.strip() and not _DATE_START.match(after) \
                and line.strip() != doc.issuer else None
        else:
            owners = None
        if owners:
            found.append((c, owners))
    if len(found) >= 2:
        for c, owners in found:
            c.owners = owners


_SHARED_HEADS = ("人民政府", "党工委", "管委会", "管理委员会", "党委", "政府")


_PLACE_ENDS = ("市", "县", "区", "州", "旗", "盟")


def _share_office(units: list[tuple[str, int, int, str]], text: str, base: int) -> list[tuple[str, int, int, str]]:
    """`襄阳市、十堰市、随州市、神农架林区发改委`: places listed before one place's office share the
    office (each place's 发改委); places alone in a list, and places before a government, are kept
    as they are."""
    if len(units) < 2 or units[-1][3] != "org" or not all(k == "place" for *_x, k in units[:-1]):
        return units
    name = units[-1][0]
    places, longest = _place_names()
    k = next((k for k in range(min(longest, len(name) - 2), 1, -1)
              if name[:k] in places and name[:k].endswith(_PLACE_ENDS)), 0)
    office = name[k:]
    if not k or _org_suffix(office) is None or len(office) < 2 or office.endswith(("政府", "党委")):
        return units  # ('托克托县、清水河县人民政府': the places as written, as their governments are)
    if any(n.startswith("各") or _NAMED_LEVEL.fullmatch(_core(n)) for n, *_x in units[:-1]) \
            or any(text[units[j][2] - base:units[j + 1][1] - base] != "、" for j in range(len(units) - 1)):
        return units
    return [(n + office, a, b, "org") for n, a, b, _k in units[:-1]] + [units[-1]]


def _share_stems(units: list[tuple[str, int, int, str]], text: str, base: int) -> list[tuple[str, int, int, str]]:
    """`A党委和人民政府` → A党委, A人民政府; `B、C党工委和管委会` → B党工委, B管委会, C党工委, C管委会:
    a head written alone after 和/及 shares the stem of the unit before it, and the bare places
    listed right before that unit share its heads. `text`/`base`: the list and its offset."""
    units = _share_office(units, text, base)
    if not any(n in _SHARED_HEADS for n, *_x in units):
        return units
    out = list(units)
    i = 1
    while i < len(out):
        name, a, b, _k = out[i]
        prev = out[i - 1]
        head = next((h for h in _SHARED_HEADS if prev[0].endswith(h) and len(prev[0]) > len(h)), None)
        if name in _SHARED_HEADS and head and _CONJ.fullmatch(text[prev[2] - base:a - base]):
            stem = prev[0][:-len(head)]
            heads = [head, name]
            out[i] = (stem + name, a, b, unit_kind(stem + name) or "org")
            j = i - 2  # bare places listed with '、' right before: 'B、C党工委和管委会'
            while j >= 0 and out[j][3] == "place" and not out[j][0].endswith(_SHARED_HEADS) \
                    and text[out[j][2] - base:out[j + 1][1] - base] == "、":
                j -= 1
            shared = [(m + h, ma, mb, "org") for m, ma, mb, _mk in out[j + 1:i - 1] for h in heads]
            out[j + 1:i - 1] = shared
            i += len(shared) - (i - 1 - (j + 1))
        i += 1
    return out


def _split_conj(name: str, start: int, mode: str) -> list[tuple[str, int, int, str]]:
    """`A和B`, `A与B`, `A及B` as two units when both sides are units; otherwise one."""
    for m in _CONJ.finditer(name):
        left, right = name[:m.start()], name[m.end():]
        lk = _accept(left, mode)
        if lk and lk != "generic" or lk == "generic" and _accept(right, mode):
            rest = _split_conj(right, start + m.end(), mode)
            if rest and all(k for *_x, k in rest):
                return [(left, start, start + m.start(), lk)] + rest
    kind = _accept(name, mode)
    return [(name, start, start + len(name), kind)] if kind else []


def _units_at(s: str, pos: int, mode: str) -> tuple[list[tuple[str, int, int, str]], int]:
    """The longest list of units starting at `pos`: ([(name, start, end, kind)], end)."""
    units: list[tuple[str, int, int, str]] = []
    while True:
        chosen = None
        for e in _candidate_ends(s, pos):
            if not _accept(s[pos:e], mode):
                continue
            # tagged only when a unit name would end before text (most clauses hold no unit)
            if e < len(s) and s[e] not in "、，,；;。：:）)（(〔〕 " and e not in _word_ends(s):
                continue  # the name would end inside a word: '…有限公司办|理'
            chosen = e
            break
        if chosen is None:
            break
        units.extend(_split_conj(s[pos:chosen], pos, mode))
        pos = chosen
        m = _SEPARATOR.match(s, pos)
        if not m:
            break
        nxt = _candidate_ends(s, m.end())
        if not any(_accept(s[m.end():e], mode) for e in nxt):
            break
        pos = m.end()
    return _merge_levels(units), pos


def _merge_levels(units: list[tuple[str, int, int, str]]) -> list[tuple[str, int, int, str]]:
    """`各区`, `县级市` → `各区、县级市` (one named level, as written)."""
    out: list[tuple[str, int, int, str]] = []
    for u in units:
        if out and out[-1][0].startswith("各") and _LEVEL_ALONE.fullmatch(u[0]) and u[1] == out[-1][2] + 1:
            p = out[-1]
            out[-1] = (p[0] + "、" + u[0], p[1], u[2], "place")
        else:
            out.append(u)
    return out


def _bracketed_unit(inner: str) -> bool:
    """A bracket right after a unit that names the unit's other kind or name (`管委会`, `粮食局`)."""
    return inner in _suffix_index()[0] or unit_kind(inner) == "org"


_BRACKETED_LEVELS = frozenset({"街", "镇", "乡", "村", "社区", "街道"})  # '各镇（街）': towns and their streets


def _ends_like_unit(t: str) -> bool:
    """Whether a unit suffix (of at most five characters) ends `t`: `_units_at` can reach the end
    of `t` only at an end `_candidate_ends` offers, and every such end closes a suffix (or a
    bracket naming the unit's other name after one)."""
    suffixes, last_chars = _suffix_index()
    if t and t[-1] in "）)〕":
        m = re.search(r"[（(〔]([^（）()〔〕]{1,12})[）)〕]$", t)
        if m and (_bracketed_unit(m.group(1)) or m.group(1) in _BRACKETED_LEVELS):
            t = t[:m.start()]
    if not t:
        return False
    return t[-1] in last_chars and any(t[-k:] in suffixes for k in range(1, min(5, len(t)) + 1))


_LIST_BY = re.compile(r"\s*(?:分别|统一|并|交)?由|\s*")


def split_units(text: str, offset: int = 0, mode: str = "list",
                tolerant: bool = False) -> Optional[list[tuple[str, int, int, str]]]:
    """The units of a whole list (`A、B和C等部门`), or None if `text` is not only a list of units.

    Generic members are kept with kind 'generic' (the caller drops them): `各有关部门、各市政府`
    is a valid list with one owner."""
    g = _grammar()
    t = text.rstrip(" 。.、")  # 'A、B、': a list the text was cut off in
    # `tail_re` ends in `$` (the end, or before a final newline): it can match only where a tail
    # word ends the text; the search scans every position, so it runs only then
    ends_in_tail = t.endswith(g["list_tails_t"]) or t.endswith("\n") and t[:-1].endswith(g["list_tails_t"])
    tail = g["tail_re"].search(t) if ends_in_tail else None
    typed = bool(tail) and tail.group(0) != "等"
    if tail:
        t = t[:tail.start()]
    if mode == "list" and "等" in t:
        joined = _joined_after_class(t, offset, tolerant)
        if joined is not None:
            return joined
    by = _LIST_BY.match(t)
    base = offset + by.end()
    t = t[by.end():].rstrip(" ")
    if not t:
        return None
    if _ends_like_unit(t):  # a whole list ends where a unit suffix ends: most text does not
        units, end = _units_at(t, 0, mode)
        if units and end == len(t):
            out = [(n, base + a, base + b, k) for n, a, b, k in units]
            if mode == "list":
                out = _share_stems(out, t, base)
            return _unglued(out) if mode == "list" else out
    if mode == "list" and "、" in t:
        members = _members(t, base)  # ('各街道、区市场局': '各街道、区' is no list of levels here)
        if members:
            return members
    if tolerant:
        known = _tolerant_list(t, base)
        if known:
            return known
    if typed and mode == "list":
        pieces = t.split("、")
        if all(2 <= len(p) <= 8 and not any(w in p for w in g["forbidden_in_name"]) for p in pieces):
            out, pos = [], 0
            for p in pieces:
                kind = unit_kind(p) or "typed"
                out.append((p, base + pos, base + pos + len(p), kind))
                pos += len(p) + 1
            return out
    return None


# 'A、B、C等省直有关部门和各市人民政府', 'A、B等和C': the class (or 等) closes the first list, the
# conjunction opens another
_CLASS_JOIN = re.compile(r"等(?P<cls>[\u4e00-\u9fff]{0,8}?(?:部门|单位)(?:和单位|和部门)?)?(?:和|及|以及|、)")


def _joined_after_class(t: str, offset: int, tolerant: bool) -> Optional[list[tuple[str, int, int, str]]]:
    for m in _CLASS_JOIN.finditer(t):
        if m.group("cls") and not _is_generic(m.group("cls")):  # ('A、B等和C': the list's 等 alone)
            continue
        head = split_units(t[:m.start()], offset, "list", tolerant)
        tail = split_units(t[m.end():], offset + m.end(), "list", tolerant)
        if head and tail:
            return head + tail
    return None


def _members(t: str, base: int) -> Optional[list[tuple[str, int, int, str]]]:
    """A list read member by member: every piece between '、' a unit by itself.

    A bare level after a member opened by 各 shares its 各 (`各开发区、镇（街道）`: every zone and
    every town), as the 各 of `各县、市、区政府` is written once for all."""
    out, pos = [], 0
    for piece in t.split("、"):
        kind = unit_kind(piece) if piece else None
        name = piece
        if kind is None and out and out[0][0].startswith("各") and _LEVEL_ALONE.fullmatch(_core(piece)):
            name, kind = "各" + piece, unit_kind("各" + piece)
        if kind not in ("org", "place", "generic"):
            return None
        out.append((name, base + pos, base + pos + len(piece), kind))
        pos += len(piece) + 1
    return out


_TOLERATED_NAME = re.compile(r"[\u4e00-\u9fff“”·]+")  # no digits: '县农业农村局2.落实…' is a list and an item


def _tolerant_list(t: str, base: int) -> Optional[list[tuple[str, int, int, str]]]:
    """A list the notation types as units (`（A、B、C等负责）`) with a member the name grammar does
    not know (`银保监会`): accepted when most members are known units."""
    g = _grammar()
    out, pos, unknown = [], 0, 0
    for piece in t.split("、"):
        kind = unit_kind(piece)
        if kind is None:
            if not (2 <= len(piece) <= 15 and _TOLERATED_NAME.fullmatch(piece)) or \
                    any(w in piece for w in g["forbidden_in_name"]) or _has_task_verb(piece):
                return None
            kind, unknown = "typed", unknown + 1
        out.append((piece, base + pos, base + pos + len(piece), kind))
        pos += len(piece) + 1
    known = sum(1 for *_x, k in out if k in ("org", "place"))
    return out if known and known >= unknown else None


def _owners(units: list[tuple[str, int, int, str]], role: str, kind: str) -> list[_Found]:
    return [_Found(Owner(n, role, "explicit", a, b), kind) for n, a, b, k in units if k != "generic"]


# --------------------------------------------------------------------------------------------
# labels and notes


def _role_segment(seg: str, offset: int) -> Optional[tuple[list[tuple[str, int, int, str]], str]]:
    """`A、B按职责分工配合`, `由A牵头负责`, `A等负责`: (units, role) or None."""
    g = _grammar()
    for m in g["role_re"].finditer(seg):
        if re.match(r"单位|部门|领导|处室", seg[m.end():]):
            continue  # '牵头单位' names a group: '省…专班牵头单位按职责分工负责'
        head = seg[:m.start()]
        head_stripped = g["mods_re"].sub("", head) if head else head
        if "由" in head_stripped:
            cut = head_stripped.rindex("由") + 1
        else:
            cut = 0
        units = split_units(head_stripped[cut:], offset + cut, "list", tolerant=True)
        if units:
            return units, g["roles"][m.group(0)]
    return None


def _segments(body: str, offset: int) -> list[tuple[str, int, int]]:
    """The comma groups of `body`: (text, offset, index of the sentence of the body holding it)."""
    out, pos, sent = [], 0, 0
    for part in re.split(r"([，,；;。])", body):
        if part and part not in "，,；;。":
            out.append((part, offset + pos, sent))
        elif part in ("。", "；", ";"):
            sent += 1
        pos += len(part)
    return out


_NUMBERED = re.compile(r"\s*(?:\d+[.．、]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|[①-⑳])")
_DEADLINE_GROUP = re.compile(r"^[^，,；;。]{0,14}(?:完成|前|底|以前|为止|持续推进|长期坚持|长期|持续)$")
_STANDING = re.compile(r"^(?:下同|以下同|后同)$")
_INVOLVES = re.compile(r"涉及|均由|交由|由|均需|需|请")


_FIELD_LABEL = re.compile(r"[\u4e00-\u9fff]{2,6}[:：]")  # the next field of a flattened row: '任务目标：'


def _label_units(rest: str, offset: int) -> tuple[Optional[tuple[list[tuple[str, int, int, str]], Optional[str]]], bool]:
    """The units after a label: ((units, role from the text or None), whether the list ended the
    group). A label's list ends where its units end: on a line flattened from a table or a page
    the next item or cell follows right after it (`责任单位：县财政局2.落实…`, `责任单位：A、B 6月底`).
    The label types its list as units: a member the name grammar does not know (`汉江国投`) is one
    when most members are known units (`_tolerant_list`)."""
    units = split_units(rest, offset, "list", tolerant=True)
    if units:
        return (units, None), True
    lead = len(rest) - len(rest.lstrip())
    found, end = _units_at(rest, lead, "list")
    if found and (_NUMBERED.match(rest, end) or re.match(r"\s", rest[end:end + 1]) or _FIELD_LABEL.match(rest, end)):
        return ([(n, offset + a, offset + b, k) for n, a, b, k in found], None), False
    parsed = _role_segment(rest, offset)  # '省发展改革委、商务厅按职责分工负责'
    if parsed:
        return parsed, True
    return None, True


def _standing_owners(segs: list[tuple[str, int, int]]) -> list[tuple[str, int, int, str]]:
    """The units of a sentence of a note that ends `下同` (`具体任务均涉及相关市（州）人民政府，
    不再做分工，下同`): they own this task and every later one."""
    out: list[tuple[str, int, int, str]] = []
    for seg, off, _s in segs:
        s = seg.strip()
        if _STANDING.match(s) or FIRST_IS_LEAD.search(s) or _label_match(s)[0]:
            continue
        off += seg.index(s[0]) if s else 0
        units = None
        for m in _INVOLVES.finditer(s):
            got, end = _units_at(s, m.end(), "list")
            if got and end == len(s):
                units = [(n, off + a, off + b, k) for n, a, b, k in got]
                break
        if units is None:
            parsed = _role_segment(s, off)  # 'C按职责分工负责，下同'
            units = parsed[0] if parsed else None
        out.extend(units or split_units(s, off, "list") or [])
    return out


@dataclass
class _Groups:
    """What the comma groups of a note or label line say."""

    found: list[_Found]
    role_seen: bool
    only_owners: bool  # every group named owners, a convention or a deadline: no task text


def _parse_groups(body: str, offset: int, in_note: bool, first_leads: bool = False, bare: bool = False) -> _Groups:
    """The comma groups of a note (or of a label line). A group with no role word takes the
    role of the label before it; between two role groups it shares the role of the next one
    (`A牵头，B、C等部门，D、E配合`: B to E support); after the last, or alone, it is responsible."""
    g = _grammar()
    found: list[_Found] = []
    role_seen, only = False, True
    label_role: Optional[str] = None
    pending: list[tuple[str, int, int, str]] = []
    body, marks = _role_marks(body, offset)
    segs = _segments(body, offset)
    standing_sents = {si for seg, _o, si in segs if _STANDING.match(seg.strip())}
    for seg, off, si in segs:
        s = seg.strip()
        if not s:
            continue
        off += seg.index(s[0])
        lab, label = _label_match(s)
        if si in standing_sents and not lab:
            continue  # (a label's units own this task: '责任单位：A、B，C按职责分工负责，下同')
        if lab:
            role_seen = True
            label_role = g["labels"][label]
            rest = s[lab.end():]
            joint = rest.find("会同")
            if label_role and joint > 1:  # '责任单位：市农委会同水务局、三县': the partners support
                head = split_units(rest[:joint], off + lab.end(), "list", tolerant=True)
                partners = split_units(rest[joint + 2:], off + lab.end() + joint + 2, "list", tolerant=True)
                if head and partners:
                    found.extend(_owners(head, label_role, "label") + _owners(partners, "support", "label"))
                    continue
            parsed, whole = _label_units(rest, off + lab.end())
            if parsed and label_role:
                units, role = parsed
                found.extend(_owners(units, role or label_role, "label"))
            if not whole:
                only, label_role = False, None
                if not in_note:
                    break  # the list ran into the next item: the label is over
            continue
        if FIRST_IS_LEAD.search(s):
            continue
        parsed = _role_segment(s, off) if in_note else None
        if parsed:
            units, role = parsed
            if pending and role_seen:
                found.extend(_owners(pending, role, "note"))
                pending = []
            role_seen = True
            label_role = None
            found.extend(_owners(units, role, "note"))
            continue
        units = split_units(s, off, "list")
        if units:
            if label_role:
                found.extend(_owners(units, label_role, "label"))
            else:
                pending.extend(units)
            continue
        label_role = None
        if _DEADLINE_GROUP.match(s):
            continue
        only = False
        if in_note:
            found.extend(f for f in running_owners_found(s, off) if f.owner.name)
    if pending and (role_seen or bare):  # (a note of units alone: they are responsible)
        found.extend(_owners(pending, "responsible", "note"))
    for si in sorted(standing_sents):
        units = _standing_owners([x for x in segs if x[2] == si])
        for f in _owners(units, "responsible", "note"):
            f.standing = True
            found.append(f)
        role_seen = role_seen or bool(units)
    for f in found:
        if f.owner.end in marks:
            f.owner.role = marks[f.owner.end]
    if first_leads and len(found) > 1 and not any(f.owner.role == "lead" for f in found):
        found[0].owner.role = "lead"  # '首位单位为牵头单位'
    return _Groups(found, role_seen, only)


_ROLE_MARK = re.compile(r"(?<=[\u4e00-\u9fff])[（(](牵头(?:单位|部门)?|主责|主办|配合|协办|参与|负责)[）)]")


def _role_marks(body: str, offset: int) -> tuple[str, dict[int, str]]:
    """`市大数据局（牵头）、市财政局`: a role written in brackets right after a unit of a list.
    The marks are blanked (the list then reads as a list); the roles are returned by where the
    unit before them ends."""
    g = _grammar()
    marks: dict[int, str] = {}
    for m in _ROLE_MARK.finditer(body):
        word = m.group(1)
        marks[offset + m.start()] = g["roles"].get(word, "lead" if word.startswith("牵头") else "responsible")
        body = body[:m.start()] + " " * (m.end() - m.start()) + body[m.end():]
    return body, marks


_OPENERS, _CLOSERS = "（(〔【[", "）)〕】]"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BRACKET_OR_NEWLINE = re.compile("[" + re.escape(_OPENERS + _CLOSERS) + "\n]")


@dataclass
class _Note:
    """A bracketed note: `start`/`end` of the brackets, its body and where the body starts. A note
    is read on its line, so one the sentence splitter cut at a '。' inside it stays whole; one that
    the text leaves open (a cut-off excerpt) runs to the end of its line."""

    start: int
    end: int
    body: str
    body_start: int
    bare: bool = False  # a list of units alone closing its task: '（市发展改革委、市商务局等）'


def _scan_notes(text: str, offset: int = 0) -> list[_Note]:
    """The top-level bracketed notes of `text` that can name owners. Brackets inside a name
    (`各县（市、区）政府`) or around pinyin (`经(jīng)`) hold no role word or no Chinese: not notes."""
    g = _grammar()
    out: list[_Note] = []
    depth, open_at = 0, -1
    for bm in _BRACKET_OR_NEWLINE.finditer(text):  # every other character leaves the state alone
        i, ch = bm.start(), bm.group(0)
        if ch in _OPENERS:
            if depth == 0:
                open_at = i
            depth += 1
        elif ch in _CLOSERS and depth:
            depth -= 1
            if depth == 0:
                out.append(_Note(offset + open_at, offset + i + 1, text[open_at + 1:i], offset + open_at + 1))
        elif ch == "\n" and depth:
            out.append(_Note(offset + open_at, offset + i, text[open_at + 1:i], offset + open_at + 1))
            depth = 0
    if depth:
        out.append(_Note(offset + open_at, offset + len(text), text[open_at + 1:], offset + open_at + 1))
    notes = []
    for n in out:
        if not (2 <= len(n.body) <= 300 and _CJK.search(n.body)) or _ROLE_MARK.match(text, n.start - offset) \
                or g["label_word_re"].fullmatch(n.body):  # '市大数据局（牵头）' marks a role, '【牵头单位】' is a label
            continue
        if g["role_re"].search(n.body) or g["label_re"].search(n.body) or "由" in n.body:
            notes.append(n)
        elif n.body in _suffix_index()[0] and _ends_like_unit(text[:n.start - offset]):
            continue  # '各县（市、区）政府（管委会）': the unit's other kind, part of its name
        elif (_closes_task(text, n.end - offset) or _opens_task(text, n.start - offset)) and _bare_unit_list(n.body):
            n.bare = True
            notes.append(n)
    return notes


_LIST_TAIL = re.compile(r"等(?:有关|相关)?(?:部门|单位|部门和单位|单位和部门)?$")
_UNIT_SEP = re.compile(r"[、，,；;/／]")


def _closes_task(text: str, end: int) -> bool:
    """Whether a bracket closing at `end` ends its task: the line or the sentence ends after it."""
    rest = text[end:end + 2].lstrip(" ")
    return not rest or rest[0] in "\n。；;"


_ITEM_NUMBER = re.compile(r"(?:\d{1,3}[.、．]|[（(]\d{1,3}[）)]|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])?\s*$")


def _opens_task(text: str, start: int) -> bool:
    """Whether a bracket opening at `start` opens its item ('2.【市工信局】新建5G基站…')."""
    line_start = text.rfind("\n", 0, start) + 1
    return _ITEM_NUMBER.fullmatch(text[line_start:start]) is not None


def _bare_unit_list(body: str) -> bool:
    """A note that is only units ('托克托县、清水河县人民政府，市发展改革委、…税务局等'): each piece a
    unit, one at least an organisation (places alone are where, not who)."""
    pieces = [p.strip() for p in _UNIT_SEP.split(_LIST_TAIL.sub("", body.strip()))]
    kinds = [unit_kind(p) for p in pieces]
    return bool(pieces) and all(k in ("org", "place") for k in kinds) and "org" in kinds


def _notes_found(notes: list[_Note], text_start: int, text: str, first_leads: bool = False) -> list[_Found]:
    """The owners of the notes that open in `text` (which starts at `text_start`)."""
    out: list[_Found] = []
    for note in notes:
        if not text_start <= note.start < text_start + len(text):
            continue
        body = note.body.replace("/", "、").replace("／", "、") if note.bare else note.body  # ('A/B': a list)
        groups = _parse_groups(body, note.body_start, in_note=True, first_leads=first_leads, bare=note.bare)
        leading = not text[:note.start - text_start].strip()
        for f in groups.found:
            f.leading = leading
        out.extend(groups.found)
    return out


def note_owners_found(text: str, offset: int = 0, first_leads: bool = False) -> list[_Found]:
    return _notes_found(_scan_notes(text, offset), offset, text, first_leads)


def note_owners(text: str, offset: int = 0) -> list[Owner]:
    """'（A牵头，B、C按职责分工负责）', '（A负责）', '（A牵头，B配合）'."""
    return [f.owner for f in note_owners_found(text, offset)]


def _label_end(text: str, start: int) -> int:
    """Where a label's groups end: the end of the sentence or the bracket that closes around it."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            if depth == 0:
                return i
            depth -= 1
        elif ch in "。；;\n" and depth == 0:
            return i
    return len(text)


def _labels(text: str, offset: int = 0, first_leads: bool = False) -> tuple[list[_Found], list[tuple[int, int]]]:
    """Labels outside notes: (owners, the spans of `text` they fill). A label whose list runs into
    task text fills no span."""
    g = _grammar()
    out: list[_Found] = []
    spans: list[tuple[int, int]] = []
    done = -1
    labels = [(m.start() - len(_qualifier_before(text, m)), m) for m in g["label_re"].finditer(text)] \
        if _may_hold_label(text) else []
    for i, (start, m) in enumerate(labels):
        if start < done:
            continue
        end = _label_end(text, m.end())
        if i + 1 < len(labels) and labels[i + 1][0] < end:
            end = labels[i + 1][0]  # the next label starts the next groups
        groups = _parse_groups(text[start:end], offset + start, in_note=False, first_leads=first_leads)
        for f in groups.found:  # a label opening the text: written after the previous full stop
            f.leading = not text[:start].strip(" \u3000" + _OPENERS)
        out.extend(groups.found)
        if groups.only_owners:
            spans.append((start, end))
        done = end
    return out, spans


_LABEL_MARKS = re.compile(r"[:：】〗\]]")


def _may_hold_label(text: str) -> bool:
    """Every label is followed by a colon or a closing bracket: most sentences hold neither, and
    the search of every label word is not tried in them."""
    return _LABEL_MARKS.search(text) is not None


def _qualifier_before(text: str, m: re.Match) -> str:
    """The qualifier written right before a label of a unit group (`协同` of `协同责任单位：`), or ''."""
    g = _grammar()
    if m.group(1) not in g["grouped_labels"] or m.start() != m.start(1):
        return ""
    before = text[:m.start()]
    return next((q for q in g["qualifiers_t"] if before.endswith(q)), "") if before.endswith(g["qualifiers_t"]) else ""


def _label_match(s: str) -> tuple[Optional[re.Match], str]:
    """The label that opens `s` (with its qualifier: `协同责任单位：`): (match, label), else (None, '')."""
    g = _grammar()
    m = g["label_re"].match(s)
    if m:
        return m, m.group(1)
    if not s.startswith(g["qualifiers_t"]):
        return None, ""
    q = next(q for q in g["qualifiers_t"] if s.startswith(q))
    m = g["label_re"].match(s, len(q))
    if m and m.group(1) in g["grouped_labels"]:
        return m, q + m.group(1)
    return None, ""


def labelled_owners_found(text: str, offset: int = 0, first_leads: bool = False) -> list[_Found]:
    """Labels outside notes: `牵头单位：A，配合单位：B、C` up to the end of the sentence."""
    return _labels(text, offset, first_leads)[0]


def labelled_owners(text: str, offset: int = 0) -> list[Owner]:
    """'牵头单位：A，配合单位：B、C' (inside or outside brackets)."""
    return [f.owner for f in labelled_owners_found(text, offset)]


# --------------------------------------------------------------------------------------------
# running text


@lru_cache(maxsize=4096)
def _word_ends(s: str) -> frozenset[int]:
    words, _tags = tag(s)
    ends, pos = set(), 0
    for w in words:
        pos += len(w)
        ends.add(pos)
    return frozenset(ends)


def _predicate_at(clause: str, pos: int) -> bool:
    """Whether a predicate starts at `pos`: a cue word (`要`, `会同`, `负责`, `对`) or a verb,
    adverb or preposition as jieba tags it; never `的`."""
    rest = clause[pos:]
    if not rest or rest[0] in "的之" or rest.startswith(("由", "关于")):
        return False  # 'A由B负责': A is the task; 'A关于…的通知': a title
    if _grammar()["cue_re"].match(rest) or _TIME_ADVERBIAL.match(rest):
        return True
    words, tags = tag(rest[:12])
    return bool(words) and (tags[0] == "v" or tags[0] in ("d", "p")) and words[0] not in ("是",)


def _listed_project(rest: str) -> bool:
    """`自治区疾控中心迁建、基础教育质量提升等163个项目`: a unit and a verb listed with `、` or
    closed by `等` name a project, not a clause the unit is the subject of."""
    words, _tags = tag(rest[:12])
    return len(words) > 1 and words[1][:1] in ("、", "等") and words[0] not in _grammar()["roles"]


def _role_after(rest: str) -> str:
    """The role a subject's predicate gives it: `牵头…` lead, `配合/参与/协助…` support."""
    m = re.match(r"(?:要|应|须|将|积极|主动|负责|在[^，。]{0,8}内|按[^，。]{0,6}|依照[^，。]{0,10}?|分别|共同)*"
                 r"(牵头|配合|参与|协助|协同)", rest)
    if not m or "的" in rest[:m.start(1)]:
        return "responsible"
    return "lead" if m.group(1) == "牵头" else "support"


@lru_cache(maxsize=64)
def _longest_first(known: frozenset[str]) -> list[str]:
    return sorted(known, key=len, reverse=True)


@lru_cache(maxsize=1)
def _zone_head_re() -> re.Pattern:
    """Any zone head (`开发区`, `新区`, …): one scan of a clause's opening, not one per head."""
    return re.compile("|".join(map(re.escape, _grammar()["zone_heads_t"])))


_LIST_TAIL_AT = re.compile(r"等(?:有关|相关)?(?:部门和单位|单位和部门|部门|单位)")


def _subject(clause: str, offset: int, known: frozenset[str] = frozenset()) -> list[_Found]:
    """A specific unit (or list) opening a clause and followed by a predicate."""
    g = _grammar()
    filler = _LEADING_FILLER.match(clause)
    p = filler.end() if filler else 0
    body = next((k for k in _longest_first(known) if clause.startswith(k, p)), None) if known else None
    if body:  # a body the document set up ('成立运营公司' … '运营公司负责…'): a unit here
        units, end = [(body, p, p + len(body), "org")], p + len(body)
    else:
        units, end = _units_at(clause, p, "strict")
        if not units and "、" in clause[p:p + 24] and _zone_head_re().search(clause, p, p + 16):
            # '济源示范区、航空港区管委会要…': zones listed with an organisation
            units, end = _units_at(clause, p, "list")
            if not (len(units) >= 2 and any(k == "org" for *_x, k in units)
                    and all(k == "org" or k == "place" and _named_zone(_core(n)) for n, _a, _b, k in units)):
                units, end = [], p
    zoned = bool(units) and units[0][3] == "place" and not body
    if units and clause.startswith("等", end):  # '市发改委、市财政局等部门要…': the list's tail
        tail = _LIST_TAIL_AT.match(clause, end)
        end = tail.end() if tail else end
    typed = False
    if not units and "等" in clause:  # a typed list ends '等部门', '等有关单位'
        m = _TYPED_LIST.match(clause, p)
        # ('县经贸、统计、工商、税务等部门要…': a list typed as units and opening like one carries
        # the task its predicate states, as a unit subject does)
        if m and (re.match(r"(?:积极|主动|要|共同|分别)*(配合|参与|协助|协同|牵头|负责)", clause[m.end():])
                  or opens_like_unit(m.group(1).split("、")[0]) and _predicate_at(clause, m.end())):
            pieces = m.group(1).split("、")
            if all(not any(w in x for w in g["forbidden_in_name"]) for x in pieces) and \
                    tag(pieces[0])[1][0][:1] != "v":
                pos, units = p, []
                for x in pieces:
                    units.append((x, pos, pos + len(x), unit_kind(x) or "typed"))
                    pos += len(x) + 1
                end, typed = m.end(), True
    if not units:
        return []
    if not typed and not zoned and (not (opens_like_unit(units[0][0]) or units[0][0] in known)
                                    or len(units[0][0]) > 22):
        return []
    if not typed and (end - p) not in _word_ends(clause[p:end + 6]):
        return []  # the name ends inside a word: '市政府门户网站'

    if not typed and not _predicate_at(clause, end):
        return []
    if _listed_project(clause[end:]) or g["reporting_re"].match(clause, end):
        return []  # ('近日，X发布…', 'X召开新闻发布会': the unit reports, it carries no task)
    units = [u for u in units if not g["bare_top_re"].match(u[0])]
    role = _role_after(clause[end:])
    out = _owners([(n, offset + a, offset + b, k) for n, a, b, k in units], role, "running")
    return out


@lru_cache(maxsize=8)
def _word_re(word: str) -> re.Pattern:
    return re.compile(word)


def _after_word(clause: str, offset: int, word: str, role: str) -> list[_Found]:
    """The units right after `会同` (support) or a clause-opening `配合` (the unit supported)."""
    out: list[_Found] = []
    for m in _word_re(word).finditer(clause):
        if word != "会同":
            filler = _LEADING_FILLER.match(clause)
            start = filler.end() if filler else 0
            if clause[start:m.start()].strip(" 积极主动要全力"):
                continue
        tm = _TYPED_LIST.match(clause, m.end())
        if tm and word == "会同":
            units = split_units(tm.group(0), offset + m.end(), "list")
            if units:
                out.extend(_owners(units, role, "running"))
                continue
        units, end = _units_at(clause, m.end(), "list" if word == "会同" else "strict")
        if units and (word == "会同" or _predicate_at(clause, end)):
            out.extend(_owners([(n, offset + a, offset + b, k) for n, a, b, k in units], role, "running"))
    return out


def _by(clause: str, offset: int) -> list[_Found]:
    """`由A负责`, `分别由A和B办理`, `交由A牵头落实`, `由市财政给予一次性资助`."""
    g = _grammar()
    out: list[_Found] = []
    for m in _BY.finditer(clause):
        p = m.end()
        units, end = _units_at(clause, p, "list")
        if not units:
            continue
        rest = clause[end:]
        if re.match(r"[^，。；、的]{0,6}的", rest) or (end - p) not in _word_ends(clause[p:end + 6]):
            continue  # '由A发行的债券': a relative clause; '由省人大常委|会': inside a word
        rm = re.match(r"(?:分别|共同|统一|按职责分工|按职责|负总责|)*(" + g["role_re"].pattern + ")", rest)
        if rm:
            role = g["roles"][rm.group(1)]
        else:
            if not any(k == "org" for *_x, k in units) or _NOT_AFTER_BY.match(rest) \
                    or not _predicate_at(clause, end):
                units, end = _units_at(clause, p, "strict")
                if not units or _NOT_AFTER_BY.match(clause[end:]) or not _predicate_at(clause, end):
                    continue
            role = "responsible"
        out.extend(_owners([(n, offset + a, offset + b, k) for n, a, b, k in units], role, "running"))
    return out


_SETS_UP = re.compile(r"(?:成立|组建|设立|建立)(?:了)?(?P<name>[\u4e00-\u9fff]{0,16}?"
                      r"(?:公司|小组|专班|委员会|办公室|联席会议|中心))(?=[，。；,;\s负作为由（(]|$)")


def defined_bodies(text: str) -> frozenset[str]:
    """Bodies the document sets up (`成立运营公司`, `组建工作专班`): later sentences may name them
    as the subject of a task even though they do not open like a unit."""
    return frozenset(m.group("name") for m in _SETS_UP.finditer(text) if unit_kind(m.group("name")) == "org")


_CHARGED = re.compile(r"[^，,。；;]{0,16}?(?:要|应|须|必须|负责|牵头|负总责)")


# '由A、B,C、D人民政府,E管委会负责落实': comma groups of units between 由 and the role word
_BY_GROUPS = re.compile(r"(?<![于此理自缘经来])由(?P<units>[^。；;：:由（）()]{4,160}?[,，][^。；;：:由（）()]{2,160}?)"
                        r"(?:共同|分别|按职责分工|按职责)?(?P<role>牵头负责|负责落实|负责|牵头|落实|办理|组织实施)")


def _by_groups(text: str, offset: int) -> list[_Found]:
    out: list[_Found] = []
    for m in _BY_GROUPS.finditer(text):
        units = cell_unit_list(m.group("units"), offset + m.start("units"))
        if units and len(units) >= 2:
            role = _grammar()["roles"].get(m.group("role"), "responsible")
            out.extend(_owners([u for u in units if u[3] != "generic"], role, "running"))
    return out


def running_owners_found(text: str, offset: int = 0, known: frozenset[str] = frozenset()) -> list[_Found]:
    out: list[_Found] = _by_groups(text, offset) if "由" in text and ("," in text or "，" in text) else []
    listed: list[tuple[str, int, int, str]] = []  # a clause that is only a list of organisations
    for cm in _CLAUSE.finditer(text):
        clause, off = cm.group(0), offset + cm.start()
        if len(clause.strip()) < 4:
            listed = []
            continue
        # each reader starts at its word (由, 会同, 配合/协助): a clause without it is skipped
        if "由" in clause:
            out.extend(_by(clause, off))
        subject = _subject(clause, off, known)
        if subject and cm.start() and _CJK.search(text, 0, cm.start()) and not _CHARGED.match(clause) and \
                all(_NAMED_LEVEL.fullmatch(_core(f.owner.name)) for f in subject):
            # a bare level ('各市', '各区') opening a later clause reports what each does
            # ('…，各市实现与省级平台的对接'); opening the sentence, or charged ('…，各区县要确保完成'),
            # it carries the task
            subject = []
        if subject and listed and text[cm.start() - 1:cm.start()] in ",，":
            # '各省辖市政府，济源示范区、航空港区管委会要…': a subject list broken by a comma
            out.extend(_owners(listed, subject[0].owner.role, "running"))
        out.extend(subject)
        listed = [] if subject else [u for u in (split_units(clause, off, "strict") or []) if u[3] == "org"] \
            if _ends_like_unit(clause.strip()) else []
        if "会同" in clause:
            out.extend(_after_word(clause, off, "会同", "support"))
        if "配合" in clause or "协助" in clause:
            out.extend(_after_word(clause, off, "配合|协助", "lead"))
    return out


def running_owners(text: str, offset: int = 0) -> list[Owner]:
    """'由市委组织部负责', 'A会同有关部门…', 'A依照职业标准牵头组织开发'."""
    return [f.owner for f in running_owners_found(text, offset)]


# --------------------------------------------------------------------------------------------
# tables


_GROUP = r"(?:部门|单位|处室|科室|股室)(?:[（(](?:单位|部门)[）)])?"  # '责任股室（单位）'
_SCORING_COLUMN = re.compile(rf"(评分|考核|督查|督办|监测){_GROUP}$")
_COLUMN_ROLES = ((re.compile(rf"(牵头){_GROUP}$"), "lead"),
                 (re.compile(rf"(配合|协办|参与|协同|支持){_GROUP}$"), "support"),
                 (re.compile(rf"(责任|主责|负责|实施|承办){_GROUP}$|^责任主体$"), "responsible"))


def _column_role(header: str) -> Optional[str]:
    h = header.strip()
    if _SCORING_COLUMN.search(h) and not h.startswith("牵头"):
        return None
    for rx, role in _COLUMN_ROLES:
        if rx.search(h):
            return role
    return None


_DELIMITERS = ("|", "｜", "\t")
_RULE_ROW = re.compile(r"[\s|｜:：\-—]+")


def _cells(line: str) -> Optional[list[tuple[str, int]]]:
    """The cells of a row written on one line (`| 1 | 任务 | 市发改委 |`, tab-separated):
    (cell, offset in the line), or None."""
    for d in _DELIMITERS:
        if line.count(d) >= 2:
            out, pos = [], 0
            for part in line.split(d):
                out.append((part, pos))
                pos += len(part) + len(d)
            if not out[0][0].strip():
                out = out[1:]
            if out and not out[-1][0].strip():
                out = out[:-1]
            return out
    return None


def _delimited_rows(text: str) -> list[tuple[int, int, list[_Found]]]:
    """Tables written one row a line with `|` or tabs between cells: under a header that names
    牵头/配合/责任单位 columns, the units of those cells own the row: (line start, end, owners)."""
    out: list[tuple[int, int, list[_Found]]] = []
    header: Optional[list[Optional[str]]] = None
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        cells = _cells(line)
        if cells is None:
            header = None
            continue
        if _RULE_ROW.fullmatch(line):
            continue  # '|---|---|'
        roles = [_column_role(c) for c, _o in cells]
        if any(roles) and not any(unit_kind(c.strip()) for c, _o in cells):
            header = roles
            continue
        if header is None or len(cells) != len(header):
            continue
        found: list[_Found] = []
        for (cell, off), role in zip(cells, header):
            lead = len(cell) - len(cell.lstrip())
            units = cell_unit_list(cell, start + off) if role and cell.strip() else None
            if units:
                found.extend(_owners(units, role, "table"))
        if found:
            out.append((start, start + len(line), found))
    return out


_ITEM_ROW = re.compile(r"\s*(?:\d{1,3}[.．、](?!\d)|[（(]\d{1,3}[）)])")
_OWNER_HEADER = re.compile(r"(?:^|\|)[ \t]*(?:牵头|责任|配合|主办|承办|负责)(?:单位|部门)[ \t]*(?:\||$)", re.M)


def _trailing_owner_cells(text: str, covered: list[tuple[int, int]]) -> list[tuple[int, int, list[_Found]]]:
    """Rows written with '|' whose header does not line up with them (a merged first cell, a
    header wrapped over two lines: `工作任务 | 具体要求` / `责任单位`): in a text with an owner
    column, the last cell of a row that is nothing but owner groups (`A、B牵头,C配合;各镇（街）参照落实`)
    owns the row. `covered`: the rows `_delimited_rows` read already."""
    if "|" not in text or not _OWNER_HEADER.search(text):
        return []
    out: list[tuple[int, int, list[_Found]]] = []
    pos = 0
    above: list[_Found] = []  # the owners of the row right above, if it is a row of this table
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        parts = line.split("|")  # (one '|' is enough: 'task | units', a row's last pipe dropped)
        while parts and not parts[-1].strip():
            parts.pop()
        if len(parts) == 1 and above and _ITEM_ROW.match(parts[0]):
            # '8.…任务。' under '7.… | 市财政局牵头,…': a row whose owner cell is empty, the cell
            # merged with the one above (written once, on the merge's first row)
            out.append((start, start + len(line), [_Found(_copy(f.owner), "table") for f in above]))
            continue
        above = []
        if "|" not in line or any(a <= start < b for a, b in covered):
            continue
        if len(parts) < 2 or not parts[0].strip():
            continue
        last = parts[-1]
        at = start + len("|".join(parts[:-1])) + 1  # where the last cell starts
        groups = _parse_groups(last.strip(), at + len(last) - len(last.lstrip()), in_note=True, bare=True)
        if groups.found and groups.only_owners:
            for f in groups.found:
                f.kind = "table"
            out.append((start, start + len(line), groups.found))
            above = groups.found
    return out


def cell_unit_list(cell: str, offset: int) -> Optional[list[tuple[str, int, int, str]]]:
    """The units of an owner cell: a list (`A、B`), units separated by spaces (`县教体局 各相关乡镇政府`)
    or written one after the other (`区发改局区统计局`: a table cell, or cleaning joined the space
    between two names), comma groups of lists (`市经信局、市财政局等,各县、市、区政府,咸宁高新区管委会`);
    None unless every piece is a unit."""
    if "," in cell or "，" in cell:
        groups, out, pos = re.split(r"[,，]", cell), [], 0
        for grp in groups:
            units = cell_unit_list(grp, offset + pos) if grp.strip() else None
            if not units:
                break
            out.extend(units)
            pos += len(grp) + 1
        else:
            return out
    out = []
    for m in re.finditer(r"\S+", cell):
        piece = m.group(0)
        glued = _glued(piece, offset + m.start()) if "、" not in piece else None
        units = glued if glued and len(glued) > 1 else split_units(piece, offset + m.start(), "list")
        if not units:
            lead = len(cell) - len(cell.lstrip())
            return split_units(cell.strip(), offset + lead, "list") or _cell_members(cell.strip(), offset + lead)
        out.extend(units)
    return out or None


_CELL_MEMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}(?:局|委|办|厅|部|院|所|队|站|馆|中心|公司|集团|区|园|镇|乡|街道|社区|政府|管委会|联|协|会)$")
_MEMBER_SEP = re.compile(r"[、，,；;]")
_MEMBER_NOTE = re.compile(r"[（(][^（）()]{1,10}[）)]$")


def _cell_members(cell: str, offset: int) -> Optional[list[tuple[str, int, int, str]]]:
    """An owner cell read member by member when the list grammar fails on it (`区商务局、各街道、
    区市场局`: '各街道、区' reads as a named level list; `经开区`, `高新园(邹区镇)`: zones the name
    grammar leaves to context). In an owner column every member is a unit: each one a unit name,
    a place's level or a unit's ending."""
    out, pos = [], 0
    for piece in _MEMBER_SEP.split(cell):  # ('A、B，C、D': groups of a cell between commas too)
        name = piece.strip()
        core = _MEMBER_NOTE.sub("", name)
        kind = unit_kind(name) or unit_kind(core) or ("typed" if _CELL_MEMBER.match(core) else None)
        if kind is None or not name:
            return None
        at = pos + piece.index(name[:1])
        out.append((name, offset + at, offset + at + len(name), kind))
        pos += len(piece) + 1
    return out if len(out) > 1 else None


def cell_split(text: str, offset: int = 0, mode: str = "list") -> Optional[list[tuple[str, int, int, str]]]:
    """`split_units` for a table cell (`cell_unit_list`): the reader of cell-per-line tables."""
    return cell_unit_list(text, offset)


def _unglued(units: list[tuple[str, int, int, str]]) -> list[tuple[str, int, int, str]]:
    """Two units the cleaning of a space joined into one name ('市发展改革委市财政局' of '责任单位：
    市发展改革委 市财政局'; '市委市政府'): split where `_glued` reads units one after the other."""
    out = []
    for n, a, b, k in units:
        parts = _glued(n, a) if k == "org" and len(n) >= 6 and "、" not in n and not n.startswith("各") else None
        out.extend(parts if parts and len(parts) > 1 and all(len(p[0]) >= 3 and p[3] == "org" for p in parts)
                   else [(n, a, b, k)])
    return out


_BARE_LEVELS = re.compile(r"各?[省市县区乡镇村街]{1,3}$")


def _glued(s: str, offset: int, pos: int = 0) -> Optional[list[tuple[str, int, int, str]]]:
    """Units written one after the other with no separator: at every end of a unit name, the
    rest must be units again (shortest first, so '区发改局|区统计局', not one long name)."""
    if pos == len(s):
        return []
    for e in sorted(_candidate_ends(s, pos)):
        if _BARE_LEVELS.match(s, pos, e):
            continue  # '各乡|镇人民政府': '各乡镇' is one class of towns, not a place and a town
        kind = _accept(s[pos:e], "list")
        if kind in ("org", "place") and (e == len(s) or s[e] in "县市区省州旗镇乡各"):
            rest = _glued(s, offset, e)
            if rest is not None:
                return [(s[pos:e], offset + pos, offset + e, kind)] + rest
    return None


def _table_owners(c: Commitment, header: list[str]) -> list[_Found]:
    """Table rows: the cells of a 牵头/配合/责任单位 column when the row lines up with its header;
    otherwise cells that are units, a trailing 评分部门 column left out."""
    cells = c.text.split("\n")
    roles = [_column_role(h) for h in header]
    if not any(roles) or not cells[0].strip().isdigit():
        return []  # not a task table, or its header row
    starts, pos = [], c.start
    for cell in cells:
        starts.append(pos)
        pos += len(cell) + 1
    out: list[_Found] = []
    if len(cells) == len(header):
        for cell, start, role in zip(cells, starts, roles):
            units = split_units(cell, start, "list") if role and cell.strip() else None
            if units:
                out.extend(_owners(units, role, "table"))
        return out
    orgs = [(cell.strip(), start + cell.index(cell.strip())) for cell, start in zip(cells[2:], starts[2:])
            if cell.strip() and unit_kind(cell.strip()) == "org"]
    scoring = [i for i, h in enumerate(header) if _SCORING_COLUMN.search(h.strip())]
    first_role = next(i for i, r in enumerate(roles) if r)
    if scoring and scoring[-1] > first_role and len(orgs) > 1:
        orgs = orgs[:-1]  # the last unit cell fills the scoring column
    return [_Found(Owner(n, "responsible", "explicit", s, s + len(n)), "table") for n, s in orgs]


# --------------------------------------------------------------------------------------------
# one commitment, one document


def _mask(text: str, start: int, spans: list[tuple[int, int]]) -> str:
    """`text` (starting at `start`) with the document spans blanked (same length)."""
    end = start + len(text)
    spans = [(a, b) for a, b in spans if a < end and b > start]  # the document's: most lie elsewhere
    if not spans:
        return text
    out = list(text)
    for a, b in spans:
        for i in range(max(a - start, 0), min(b - start, len(text))):
            out[i] = " "
    return "".join(out)


@dataclass
class _Item:
    """A sentence the owners are read from: a commitment, or a sentence that is no commitment but
    carries owner notes or labels (`牵头单位：区发改局` on a line of its own)."""

    start: int
    end: int
    text: str
    section_id: Optional[str]
    found: list[_Found]
    commitment: Optional[Commitment] = None
    owner_only: bool = False  # nothing but owner notes and labels
    heads: Optional[Section] = None  # the section whose heading line this is


_ROLE_END = re.compile(r"(?:牵头|负责|配合|参与|协助|协同|协办|落实|主责)$")


def _read_item(text: str, start: int, notes: list[_Note], first_leads: bool, running: bool,
               known: frozenset[str]) -> tuple[list[_Found], bool]:
    """(owners, whether the text is nothing but owner notes and labels)."""
    found = _notes_found(notes, start, text, first_leads)
    masked = _mask(text, start, [(n.start, n.end) for n in notes])
    labelled, spans = _labels(masked, start, first_leads)
    found += labelled
    rest = _mask(masked, 0, spans)
    # a line of labels only is no task, even when they name people rather than units
    # ('牵头负责领导：刘惠。', '分管省领导：林克庆'): the task is the line above
    owner_only = bool(found or spans) and not _CJK.search(rest)
    bare = rest.strip().rstrip("。；;")
    if not found and bare and all(_ROLE_END.search(seg) or split_units(seg)
                                   for seg in re.split(r"[，,；;]", bare)):
        # a sentence of role groups only, with no brackets: '市大数据局牵头，市财政局配合。'
        lead = len(rest) - len(rest.lstrip())
        groups = _parse_groups(bare, start + lead, in_note=True, first_leads=first_leads)
        if groups.found and groups.role_seen and groups.only_owners:
            return groups.found, True
    if running and not owner_only:
        found += running_owners_found(masked, start, known)
    seen: set[tuple[str, bool]] = set()
    out = []
    for f in found:  # a leading note goes to the sentence before: dedupe it on its own
        if (f.owner.name, f.leading) not in seen:
            seen.add((f.owner.name, f.leading))
            out.append(f)
    return out, owner_only


def find_owners_found(c: Commitment, table_header: list[str] | None = None, first_leads: bool = False,
                      known: frozenset[str] = frozenset(), notes: list[_Note] | None = None) -> list[_Found]:
    """The owners a commitment names itself (`notes`: the document's notes; by default its own)."""
    if c.sentence is not None and c.sentence.table_row:
        return _table_owners(c, table_header or [])
    review = c.status == "achieved" or (c.sentence is not None and c.sentence.review)
    notes = _scan_notes(c.text, c.start) if notes is None else notes
    return _read_item(c.text, c.start, notes, first_leads, not review, known)[0]


def find_owners(c: Commitment, table_header: list[str] | None = None) -> list[Owner]:
    return [f.owner for f in find_owners_found(c, table_header)]


def _copy(o: Owner) -> Owner:
    return Owner(o.name, o.role, o.source, o.start, o.end)


def _table_headers(doc: Document) -> dict[int, list[str]]:
    """Table row start → that table's header cells."""
    headers: dict[int, list[str]] = {}
    header: list[str] = []
    for sent in doc.sentences:
        if sent.table_row:
            cells = sent.text.split("\n")
            if not cells[0].strip().isdigit():
                at = next((i for i, x in enumerate(cells) if x.strip() in ("序号", "序 号")), 0)
                header = cells[at:]  # (a title line run into the header's cells is no column)
            headers[sent.start] = header
        else:
            header = []
    return headers


_NOT_LISTED = re.compile(r"[，,]?\s*(?:不再(?:单独|重复|一一|逐项|另行)?(?:列出|列明|分工|明确)|下同)")


def _handovers(doc: Document) -> list[tuple[int, int, list[Owner], bool]]:
    """`以下任务均由X负责` / `以下均需X落实，不再列出`: (from, to, owners, added) for the rest of its
    part: the deepest section that goes on after the statement's line (one made in the note that
    closes an item, `（责任单位：A。以下政策措施均需B落实，不再单独列出）`, speaks for the items after it,
    not for its own). `added`: `不再列出` / `下同` says X is an owner of every later task besides the
    units each names; otherwise X owns the tasks that name none."""
    out = []
    for m in _grammar()["handover_re"].finditer(doc.text):
        units = split_units(m.group("units"), m.start("units"), "list")
        if not units:
            continue
        role = "lead" if "牵头" in m.group("role") else "responsible"
        owners = [f.owner for f in _owners(units, role, "note")]
        line_end = doc.text.find("\n", m.end())
        line_end = len(doc.text) if line_end < 0 else line_end
        secs = sorted((s for s in doc.sections if s.start <= m.start() < s.end), key=lambda s: -s.level)
        end = next((s.end for s in secs if s.end > line_end + 1), len(doc.text))
        if owners:
            out.append((m.end(), end, owners, _NOT_LISTED.match(doc.text, m.end()) is not None))
    return out


def is_owner_line(text: str) -> bool:
    """Whether a sentence is nothing but owner notes or labels (`牵头单位：区发改局`,
    `（责任单位：市教育局）`): the owners of the task above it, not a task or a body of its own."""
    notes = _scan_notes(text)
    return _read_item(text, 0, notes, False, False, frozenset())[1]


def _items(doc: Document, notes: list[_Note], headers: dict[int, list[str]], first_leads: bool,
           known: frozenset[str]) -> list[_Item]:
    """The commitments and the other sentences that carry owners, in text order."""
    by_start = {c.start: c for c in doc.commitments}
    items: list[_Item] = []
    for c in doc.commitments:
        if c.sentence is not None and c.sentence.table_row:
            found, only = _table_owners(c, headers.get(c.start) or []), False
        else:
            review = c.status == "achieved" or (c.sentence is not None and c.sentence.review)
            found, only = _read_item(c.text, c.start, notes, first_leads, not review, known)
        items.append(_Item(c.start, c.end, c.text, c.section_id, found, c, only))
    g = _grammar()
    headings = {sec.start: sec for sec in doc.sections}
    for sent in doc.sentences:
        if sent.start in by_start or sent.table_row:
            continue
        if not (_may_hold_label(sent.text) and g["label_re"].search(sent.text)
                or any(sent.start <= n.start < sent.end for n in notes)):
            continue
        found, only = _read_item(sent.text, sent.start, notes, first_leads, False, known)
        found = [f for f in found if f.kind in ("note", "label")]
        if found:
            items.append(_Item(sent.start, sent.end, sent.text, sent.section_id, found, None, only,
                               headings.get(sent.start)))
    heading_of = {it.start: it for it in items}
    for sec in doc.sections:  # '一、县示范区管委会牵头工作（8项）': the heading names who leads its part
        found = _owned_heading(doc.text, sec)
        if not found:
            continue
        it = heading_of.get(sec.start)
        if it is None:
            items.append(_Item(sec.start, sec.start + 1, sec.title, sec.section_id, found, None, False, sec))
        elif it.heads is None and not any(f.kind in ("note", "label") for f in it.found):
            it.found, it.heads = found, sec
    return sorted(items, key=lambda it: it.start)


_LEVEL_UNIT = re.compile(r"^(?:[省市县区州旗盟乡镇]|[\u4e00-\u9fff]{2,8}[省市县区州旗盟])[\u4e00-\u9fff（）()]{1,20}"
                         r"(?:局|委|办|厅|室|院|所|中心|政府|管委会|委员会|公司|集团)$")
# a part of a task division headed by its unit alone ('一、市发展改革委（12项）', '（二）市教育局：')
_UNIT_HEADING = re.compile(r"^(?P<units>[^，。；：:,;（(]{3,40}?)\s*(?:[（(]\s*\d+\s*项\s*[）)])?\s*[:：]?\s*$")
_OWNED_HEADING = re.compile(r"^(?P<units>[^，。；：:,;（(]{2,60}?)(?P<role>牵头|负责|主责|承办)(?:的)?(?:重点|主要)?"
                            r"(?:工作|任务|事项)(?:任务|事项)?\s*(?:[（(]\s*\d+\s*项\s*[）)])?\s*$")


def _owned_heading(text: str, sec: Section) -> list[_Found]:
    """The units a part heading names as owners of its tasks (`A牵头工作`, `B负责的重点任务（5项）`)."""
    title = sec.title.strip()
    m = _OWNED_HEADING.match(title) or _UNIT_HEADING.match(title)
    if m is None:
        return []
    at = text.find(title, sec.start)
    units = split_units(m.group("units"), at if at >= 0 else sec.start, "list")
    alone = m.re is _UNIT_HEADING
    if not units or any(k not in (("org",) if alone else ("org", "place")) for *_x, k in units):
        return []
    # (a list of two or more units, or a named level, needs no level prefix: '首都综治办、市委督查室',
    # '各区县政府和地区管委会')
    if alone and not all((_LEVEL_UNIT.match(n) or len(units) >= 2 or n.startswith("各")) and _strong_name(n)
                         for n, *_x in units):
        return []  # a heading that only ends like a unit ('…贯彻落实中央决策部署') names a task
    role = "lead" if m.groupdict().get("role") == "牵头" else "responsible"
    return [_Found(Owner(n, role, "explicit", a, b), "note") for n, a, b, k in units]


def _closed_group(it: _Item, items: list[_Item], sections: dict[str, Section],
                  own_noted: set[int]) -> Optional[list[_Item]]:
    """The tasks of a group of sub-items that a line of owner notes closes, else None.

    `1.完善应急预案体系` / `（1）…。` / `（2）…。` / `（3）…。` / `（责任单位：A、B）`: a note on its own line
    after the last sub-item of a group, where no sub-item names owners of its own, is the note of
    the whole group (of every sub-item), not of the last one alone. The same holds for the items
    of a 专栏 box closed by its 牵头/责任 line. `own_noted`: the ids of the tasks that carry notes or
    labels of their own (before any line gave them its owners)."""
    sec = sections.get(it.section_id or "")
    parent = sections.get(sec.parent_id or "") if sec is not None else None
    if sec is None or parent is None:
        return None
    siblings = [s for s in sections.values() if s.parent_id == parent.section_id and s.kind == sec.kind]
    if len(siblings) < 2 or siblings[-1] is not sec:
        return None  # a group of one, or the group goes on after the note
    ids = {s.section_id for s in siblings}
    own_tasks = [d for d in items if d.section_id == sec.section_id and not d.owner_only and d.start < it.start]
    if not own_tasks:
        return None
    group = [d for d in items if d.section_id in ids and d.start < it.start and not d.owner_only]
    if any(id(d) in own_noted for d in group):
        return None  # the sub-items name their own owners: the note is the last one's
    if any(d.owner_only and d.section_id in ids and d.start < own_tasks[0].start for d in items):
        return None
    return group


def _give_below(it: _Item, below: list[_Item], sec: Optional[Section], noted: list[_Found], give,
                own_noted: set[int]) -> None:
    """A line of owner labels at the top of its item (`（一）扩大大宗消费。` / `牵头单位：市商务局` /
    `1.开展…` / `2.推动…`) names the owners of the tasks below it in the item, its sub-items
    included: up to the first task of the item itself that names owners of its own; a sub-item that
    names its own keeps them and the next sub-items still take the item's. `own_noted`: the ids
    of the tasks with notes or labels of their own (before any line gave them its owners)."""
    started = False
    for d in below:
        if d.owner_only:
            if started:
                break  # the next block of labels: the owners of what follows it
            continue  # the rest of this block ('牵头单位：A' / '责任单位：B')
        own = id(d) in own_noted
        if d.section_id == it.section_id:
            if own:
                break
        elif sec is None or not sec.start <= d.start < sec.end:
            break
        elif own:
            continue
        started = True
        give(d, [_Found(_copy(f.owner), f.kind) for f in noted])


@register("owners")
def extract_owners(doc: Document) -> Document:
    line_starts = [m.end() for m in re.finditer("\n", doc.text)]

    def line_of(pos: int) -> int:
        return bisect.bisect_right(line_starts, pos)

    headers = _table_headers(doc)
    # the convention names the first place (第一…/首位): a text without either states none
    first_leads = ("第一" in doc.text or "首位" in doc.text) and FIRST_IS_LEAD.search(doc.text) is not None
    known = defined_bodies(doc.text)
    notes = _scan_notes(doc.text)
    items = _items(doc, notes, headers, first_leads, known)
    sections = {s.section_id: s for s in doc.sections}
    owners_of: dict[int, list[Owner]] = {}

    def give(it: _Item, fs: list[_Found]) -> None:
        names = {f.owner.name for f in it.found}
        it.found += [f for f in fs if f.owner.name not in names]

    rows = _delimited_rows(doc.text)
    rows += _trailing_owner_cells(doc.text, [(a, b) for a, b, _f in rows])
    for start, end, fs in rows:
        for it in items:
            if start <= it.start < end:
                give(it, [_Found(_copy(f.owner), f.kind) for f in fs])

    # a note or label opening a sentence was written after the previous sentence's full stop
    for prev, it in zip(items, items[1:]):
        lead = [f for f in it.found if f.leading]
        if lead and not it.owner_only and line_of(prev.start) == line_of(it.start) \
                and prev.section_id == it.section_id:
            it.found = [f for f in it.found if not f.leading]
            give(prev, lead)
    # a line of owner notes or labels names the owners of the task lines above it in its numbered
    # item (`1.…。` / `牵头单位：A` / `责任单位：B、C`); at the top of its item, of the tasks below;
    # after the last of a group of sub-items that name none, of the whole group (`_closed_group`)
    own_noted = {id(d) for d in items if not d.owner_only and any(f.kind in ("note", "label") for f in d.found)}
    for i, it in enumerate(items):
        if not it.owner_only or any(line_of(d.start) == line_of(it.start) and not d.owner_only
                                    for d in items[:i]):
            continue
        noted = [f for f in it.found if f.kind in ("note", "label")]
        above = [d for d in items[:i] if d.section_id == it.section_id and not d.owner_only
                 and line_of(d.start) < line_of(it.start)]
        group = _closed_group(it, items, sections, own_noted)
        if group is not None:
            for d in group:
                give(d, [_Found(_copy(f.owner), f.kind) for f in noted])
        elif above:
            task_line = line_of(above[-1].start)
            for d in above:
                if line_of(d.start) == task_line:
                    give(d, [_Found(_copy(f.owner), f.kind) for f in noted])
        else:
            _give_below(it, items[i + 1:], sections.get(it.section_id or ""), noted, give, own_noted)
    # a note in a heading ('（一）加强市场体系建设（牵头单位：市发展改革委）') names the owners of the
    # tasks under it that name none of their own
    for it in items:
        if it.heads is None or it.owner_only:
            continue
        sec = it.heads
        for d in items:
            # (a task whose notes name only supporting units, `协同单位：A`, is led by the heading's)
            if d is not it and sec.start <= d.start < sec.end and d.commitment is not None \
                    and not any(f.kind in ("note", "label", "table") and f.owner.role != "support"
                                for f in d.found):
                give(d, [_Found(_copy(f.owner), "heading") for f in it.found])
    # a note names the owners of the sentences before it on its line (or, failing one after
    # them, the last note before them)
    by_line: dict[int, list[_Item]] = {}
    for it in items:
        by_line.setdefault(line_of(it.start), []).append(it)
    noted_ids = {id(it) for it in items if any(f.kind in ("note", "label") for f in it.found)}
    snapshot = {id(it): list(it.found) for it in items}
    for its in by_line.values():
        noted = [i for i, it in enumerate(its) if id(it) in noted_ids]
        if not noted:
            continue  # most lines (a paragraph of many sentences) hold no note: nothing to give
        for i, it in enumerate(its):
            if id(it) in noted_ids:
                continue
            k = bisect.bisect_right(noted, i)  # the first noted item after it, else the last before
            src = its[noted[k]] if k < len(noted) else its[noted[-1]]
            give(it, [_Found(_copy(f.owner), f.kind) for f in snapshot[id(src)] if f.kind in ("note", "label")])
    for it in items:
        if it.commitment is not None:
            owners_of[it.start] = [f.owner for f in it.found]
    for c in doc.commitments:
        c.owners = owners_of.get(c.start, [])
    # owners stated once for every later task ('具体任务均涉及相关市（州）人民政府，下同')
    for it in items:
        for f in it.found:
            if f.standing:
                for c in doc.commitments:
                    if c.start > it.start and all(o.name != f.owner.name for o in c.owners):
                        c.owners.append(_copy(f.owner))
    for start, end, owners, added in _handovers(doc):
        for c in doc.commitments:
            if start <= c.start < end and (added or not c.owners):
                c.owners += [_copy(o) for o in owners if all(o.name != x.name for x in c.owners)]
    table = owner_table(doc)
    if table is not None:  # a table flattened to one cell per line: the unit cells of each task
        for c in doc.commitments:
            c.owners += [o for o in cell_owners(doc, c, cell_split, table) if all(o.name != x.name for x in c.owners)]
    rows = grid_rows(doc.text)
    for c in doc.commitments if rows else ():  # a task table read as a grid: its owner columns
        if c.start in rows:
            found = grid_owners(*rows[c.start], cell_unit_list)
            if found:
                c.owners = found + [o for o in c.owners if all(o.name != f.name for f in found)]
    _bare_unit_tails(doc)  # (after the table readers: a header's columns know their cells better)
    issuer_at = doc.text.find(doc.issuer) if doc.issuer else -1
    for c in doc.commitments:
        if c.owners:
            c.owner_source = "explicit"
        else:
            c.owner_source = "issuer"
            if doc.issuer:
                end = issuer_at + len(doc.issuer) if issuer_at >= 0 else -1
                c.owners = [Owner(doc.issuer, "responsible", "issuer", issuer_at, end)]
    return doc
