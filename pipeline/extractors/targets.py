"""Targets: the quantities a document commits to, with the counted entity and the action verb.

`numbers.find_quantities` finds every quantity; this module decides which are commitments
(GOLD.md: not years, ordinals, names, slogans, phone or document numbers, durations,
eligibility thresholds or per-case incentives) and what they count.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from importlib import resources
from typing import Callable, Iterator, Optional

from pipeline.stages.numbers import Quantity, find_quantities, quantity_mentions, units
from pipeline.records import Commitment, Document, Sentence, Target
from pipeline.stages.tokens import first_action, tag
from pipeline.extractors import register
from pipeline.extractors.status import progress_cells
from pipeline.stages.grid import BARE_FIGURE, Grid, Row, grid_rows
from pipeline.extractors.entity import (entity_and_action, part_of_action, place_as_subject, verb_over_framing,
                                       verbal_noun_verb)
from pipeline.extractors.standards import char_patterns, comparator_before, is_standard, issuer_fund

_CLAUSE_END = "，,；;：:。！？!?\n"
_LIST_SEP = "、"
# Quoted names and titles: a number inside “…” or 《…》 belongs to a name or a slogan.
_QUOTED = re.compile(r"“[^“”]{0,20}”|《[^《》]{0,60}》|「[^」]{0,20}」|‘[^’]{0,12}’")
_YEAR_UNITS = {"年", "届", "岁"}
_YEARS_MEASURE_BEFORE = re.compile(r"(?:寿命|年限)(?:达到?|提高到|提高至|延长到|延长至|超过|保持在|为)?\s*$")
_DURATION_AFTER = re.compile(r"^(内|之内|以内|时间|后|来|以来|期间|左右时间|的时间|一周期)")
_DURATION_BEFORE = re.compile(r"(用|经过|利用|花|历时|每|近|连续|前|后|第)$")
_DATE_AFTER = re.compile(r"^(年|月|日|号|时|点|周年|世纪|届|大|中全会|号文|〔|次会议|次全会)")
_MEETING_AFTER = re.compile(r"^(全会|会议|党代会|代表大会|团代会)")
_ORDINAL_BEFORE = re.compile(r"(第|[〔\[【(（]\s*|No\.?|编号|电话|热线|邮编|代码|编码|号码|文号|序号)$")
# Per-case incentives and eligibility thresholds of a policy (GOLD.md): not deliverables.
_INCENTIVE_BEFORE = re.compile(
    r"(给予|奖励|补贴|补助|资助|一次性|最高|每人|每户|每家|每个|每名|每项|每亩|按|分别给予|标准为)[^，。；]{0,8}$")
_RAISES = re.compile(r"(提高|增加|提升|达到|增长|上调)")
# '提高到|每人每月|609元': a benefit standard raised, per head and period (the raise is the target)
_PER_HEAD_TAIL = re.compile(r"(?:每(?:人|户|名|月|年|季|天|亩))+$")
_INCENTIVE_AFTER = re.compile(r"^[^，。；]{0,6}?(的(奖励|补贴|补助|资助)|奖励|补贴|补助|给予|资助)")
_THRESHOLD_AFTER = re.compile(r"^((及以上|以上|以下|以内|及以下)的|的(企业|项目|单位|个人|家庭|人员|农户|对象|园区))")
_SIZE_CLASS_AFTER = re.compile(r"^(级|量级|规模以上)")
_MODIFIER_AFTER = re.compile(r"^[\u4e00-\u9fff]")
_FREQUENCY_BEFORE = re.compile(r"每[^，。；]{0,4}$")
_FORECAST = re.compile(r"预计(今年|明年|到)")
# A verb of delivery right before a small Chinese count: '建设两个产业园', '至少建设一所…学校'.
# A number that is one term of a form not read here: '1/10' (a fraction), '4.1∶40.1∶55.8' (a
# structure), '5:5', '八成' (tenths).
_NOT_WHOLE_AFTER = re.compile(r"^\s*([/／:：∶]\s*\d|成|分之)")
_CROSS_REF_BEFORE = re.compile(r"第\s*[\d一二三四五六七八九十]+\s*[、和及至到—-]\s*$")
_INDEX_BEFORE = re.compile(r"(指数|系数|比值|比例|之比|比)[^，。；\d]{0,4}$")
_LINK_BEFORE = re.compile(r"(为|达到|达|提高到|提升到|缩小到|缩小至|降至|降到|下降到|保持在|稳定在|控制在|调整到|优化到)$")
_PROGRAMME_AFTER = re.compile(r"[\u4e00-\u9fff]{1,10}?(计划|工程|行动|专项)")
_VERB_IN_NAME = re.compile(r"制定|实施|开展|推进|完成|落实|编制|启动|参与|参加|纳入")  # '…人口制定…计划
# (a procedure's steps are no deliverable either: '按…3个阶段，分别按…拨付', '分两个步骤')
_ASPECTS_AFTER = re.compile(r"^(个|大)?(方面|维度|部分|章节|阶段(?!性)|步骤)")
_EXISTING_TEXT_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,2}(措施|举措|意见|规定|要求|禁令|条例|政策|指标)")
# the package a task applies ('落实好全省创新驱动高质量发展29条措施', '紧盯规划确定的24项指标')
_APPLY_BEFORE = re.compile(r"(落实|贯彻|执行|按照|对照|依据|根据|遵守|严格|紧盯)[^，。；]{0,28}$")
_BASELINE_BEFORE = re.compile(r"在现有[^，。；]*$")
_BASELINE_AFTER = re.compile(r"[^，。；]{0,30}?的基础上")
_SCOPE_BEFORE = re.compile(r"针对[^，。；]{0,40}的$")
# a document as the subject of its sentence counting its own contents: '《…任务分解》明确133项具体
# 任务，涉及34个牵头单位', '《纲要》…细化提出25项主要指标' (not the targets it states: '《纲要》提出，
# 地区生产总值年均增长6%')
_TEXT_SUBJECT = re.compile(r"》|本(?:方案|清单|计划|意见|通知|文件|规划|办法)|该(?:方案|清单|文件|计划)")
_CONTENTS_VERB_BEFORE = re.compile(r"(?:明确|细化|列出|梳理|提出|确定|分解|设置|涉及|包括|包含|涵盖|共有|共计|分为)"
                                   r"(?:了|出|为)?(?:共)?\s*$")
_PLAN_SET_BEFORE = re.compile(r"(?:规划|纲要|方案|计划|清单|意见|》)(?:中)?(?:明确|确定|提出|列出|部署)的\s*$")
_CONTENTS_AFTER = re.compile(r"^(?:具体|主要|重点|重大|专项|约束性|预期性)?[\u4e00-\u9fff]{0,6}?"
                             r"(?:任务|指标|措施|举措|行动|工程|目标|政策|事项|单位|部门|条款|内容|方面)")
# the act that fixed the document's own list, done ('确定了', '梳理出') or voted ('票决确定'), before
# the count of its items (a year and a count of fields may stand between: '确定了2021年11个方面')
_SET_FIXED_BEFORE = re.compile(r"(?:(?:确定|明确|梳理|分解|筛选)(?:了|出)|票决(?:确定|产生|通过)?(?:了|出)?)"
                               r"(?:\s*(?:19|20)\d\d\s*年(?:度)?)?(?:\s*\d+\s*个方面)?(?:共)?\s*$")
_SET_ITEMS_AFTER = re.compile(r"^[\u4e00-\u9fff\d]{0,12}?(?:重点工作|工作任务|重点任务|任务|民生实事|实事|事项|项目)")
_CAPACITY_BEFORE = re.compile(r"(年产|年处理|年加工|年吞吐|日处理|日产)(能力)?$")
_PROJECT_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,8}(项目|工程|生产线|装置|电站|基地)")
_STAGE_UNITS = {"批", "期", "步", "档", "级", "类", "轮", "个阶段"}
_BIG_BUILD_BEFORE = re.compile(r"^\s*(\d+[.．、]|[（(][\d一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)?(加快|积极|全面|着力|大力|持续|重点|进一步|继续|逐步|努力|力争|要)*"
                               r"(建设|建成|打造|涵盖|构建|搭建|新建|开发|上线|推出)")
_BIG_FIXED_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,6}(工程|行动|战略|攻坚战|理念|任务|举措|措施|板块|计划|专项|体系|"
                              r"功能|作用|优势|机遇|关系|定位|目标|方面|领域|环节|短板|难题|问题)")
_VAGUE_UNITS = {"批", "支"}  # '一批', '一支队伍': collective measures of one, no amount
_DELIVER_BEFORE = re.compile(r"(建设|建成|新建|新增|组建|设立|引进|举办|新开工)$")
_DELIVERED_UNITS = {"个", "所", "家", "座", "处", "场", "条", "项"}
# Attribute thresholds of a counted class (GOLD.md "Conventions"): '年销售收入超过1亿元的龙头企业
# 新增100户', '总投资超30亿元或3亿美元产业项目2个'. The bound sorts the class; the count delivers.
_BOUNDS = (">", ">=", "<", "<=")
# An alternative or a list of thresholds sharing one head: '超30亿元或3亿美元', '市本级10亿元以上、
# 区县(市)1亿元以上'; a short label (a level, a region) may open a list item.
_THRESHOLD_MORE = re.compile(
    r"\s*(或|、|和|及|至|到|—|－|-|～|~)\s*(?P<label>[^\d，,。；;：:、]{0,8}?)\s*(超过|超|高于|低于|不低于|不少于|逾)?"
    r"\s*[\d.]+\s*[十百千万亿]*\s*(美元|港元|欧元|元)\s*(及以上|以上|及以下|以下)?")
_BOUNDED_ALTERNATIVE_BEFORE = re.compile(
    r"((超过|超|高于|低于|不低于|不少于|逾)\s*[\d.]+\s*[十百千万亿]*\s*(美元|港元|欧元|元)|[\d.]+\s*[十百千万亿]*\s*"
    r"(美元|港元|欧元|元)\s*(及以上|以上|及以下|以下))\s*或\s*$")
# A magnitude alone as a tier label: '亿元项目', '百亿元企业', '千万元级'.
_TIER_MAGNITUDE = re.compile(r"^[十百千]?[万亿]元$")
# The class counted right after its head: '…企业达57家', '…产业项目2个', '…的县从10个增加到19个'.
_COUNT_AFTER_HEAD = re.compile(r"\s*(达到|达|超过|超|突破|各|分别|增至|增加到|新增|共|累计|从|由)?\s*"
                               r"[\d一二两三四五六七八九十百千几]")
# A class noun followed by a noun of money is a modifier of what the amount measures, delivered:
# '超过1亿元的企业贷款', '5000万元以上项目资金'.
_MONEY_NOUN_AFTER = re.compile(r"(资金|基金|贷款|投资|投入|债|资产|融资|资本|经费|收入|税|产值|规模|总额|额|款|费|补贴|补助|奖)")
# Money delivered as such inside the phrase: '总规模1700多亿元的产业基金…', '超1000亿元引导基金集群'.
_MONEY_HEAD = re.compile(r"资金|基金|贷款|债券|专项债|经费|资本")
# The amount itself as the goal: '完成新增贷款500亿元以上的目标'.
_GOAL_NOUN_AFTER = re.compile(r"^的?(目标|任务|水平|规模|大关|台阶)")
_CLASS_PHRASE = re.compile(r"[^，,。；;：:、\d]{0,24}")  # the span a class head is looked for in


def _load_words(name: str) -> list[str]:
    text = resources.files("pipeline.resources").joinpath(name).read_text("utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


_MODAL = {"力争", "确保", "争取", "努力", "要", "将", "计划", "预计", "全年", "今年", "明年", "全面",
          "进一步", "持续", "加快", "积极", "重点", "累计", "预期", "目标", "主要", "其中", "共",
          "实现", "继续", "再", "均", "分别", "年均", "平均", "总计", "合计", "各", "一般", "原则上",
          "推动", "推进", "促进", "加大", "着力", "大力", "深入", "不断", "新"}
# Verbs that name a quantity rather than do something: '营业收入', '固定资产投资', '城镇就业'.
_NOUNY_VERBS = {"收入", "投资", "就业", "消费", "支出", "出口", "进口", "生产", "创新", "租赁", "登记",
                "制造", "参保", "服务", "管理", "发展", "贸易", "融资", "利用", "用电", "成交", "销售"}
_CHANGE_VERBS = {"增长", "下降", "提高", "降低", "减少", "增加", "上涨", "回落", "提升", "扩大", "缩小"}
_ACTION_WORDS = frozenset(_load_words("action_verbs.txt"))
# Longest first, then by the word: a frozenset's order changes with PYTHONHASHSEED, so sorting
# by length alone gave different actions from run to run (and from worker to worker).
_ACTION_LONGEST_FIRST = sorted(_ACTION_WORDS, key=lambda w: (-len(w), w))
_CLASS_NOUN = re.compile("|".join(sorted(map(re.escape, _load_words("class_nouns.txt")), key=lambda w: (-len(w), w))))
_ATTRIBUTE_BEFORE = re.compile(
    "(" + "|".join(sorted(map(re.escape, _load_words("attribute_nouns.txt")), key=lambda w: (-len(w), w)))
    + r")\s*(达到|达|在)?\s*$")


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def is_target_quantity(q: Quantity, text: str, quoted: list[tuple[int, int]],
                       table_row: bool = False) -> bool:
    """Whether a quantity in ``text`` (a sentence) can be a committed target (GOLD.md)."""
    before = text[max(0, q.start - 12):q.start]
    after = text[q.end:q.end + 12]
    if q.value == 0 or _in_spans(q.start, quoted):
        return False
    if (q.unit in _YEAR_UNITS or q.unit == "千伏") and not (q.unit in ("年", "岁") and _YEARS_MEASURE_BEFORE.search(before)):
        return False  # (a level measured in years is a target: '人均预期寿命达75岁以上', '平均受教育年限达8.5年')
    if _ORDINAL_BEFORE.search(before) or _SIZE_CLASS_AFTER.match(after):
        return False
    if _CROSS_REF_BEFORE.search(before):
        return False  # '按第3、4条执行': the second of two article numbers
    if q.big:
        return _big_count_delivered(q, text)
    if q.unit_kind == "bandwidth":
        return _bandwidth_target(q.unit, re.sub(r"[万亿千百十]+$", "", q.raw.rstrip("兆")), before, after)
    if q.unit is None:
        if _DATE_AFTER.match(after) or _NOT_WHOLE_AFTER.match(after):
            return False
        if q.unit_kind == "ratio" or (not q.multiplier and not q.chinese and not table_row
                                      and _INDEX_BEFORE.search(before)
                                      and (q.comparator != "=" or _LINK_BEFORE.search(before))):
            return bool(_LINK_BEFORE.search(before) or q.comparator != "=")  # '提高到0.8:1', '指数控制在103以内'
        if q.unit_kind != "share" and (not q.multiplier or table_row):
            return False  # a bare number: a name (12355), a phone, a list item
        name = _PROGRAMME_AFTER.match(text, q.end)
        if name and not _VERB_IN_NAME.search(name.group(0)):
            return False  # '十万青年技能培训计划', '3年10万贫困人口就业计划': a magnitude in a name
    if _not_a_deliverable_count(q, text, before, after):
        return False
    if q.unit == "次" and (_MEETING_AFTER.match(after) or _FREQUENCY_BEFORE.search(before)):
        return False  # '十二届二次全会', '每年调整1次'
    if q.unit_kind == "duration":
        if _DURATION_AFTER.match(after) or _DURATION_BEFORE.search(before):
            return False
        if q.comparator == "=" and not re.search(r"(为|达到|达|提高到|提高至|延长到|延长至)$", before):
            return False
        if after.startswith("的"):
            return False  # '参加3—6个月的见习': a duration describing an activity
    if q.unit == "倍" and not _RAISES.search(before):
        return False
    if q.unit == "番":
        return before.endswith("翻")  # '翻一番', '翻两番'
    if q.chinese and q.value == 1 and q.unit in _VAGUE_UNITS:
        return False  # '突破一批关键技术', '打造一支…队伍'
    if q.chinese and q.value < 10 and q.comparator == "=" and q.unit_kind != "share" \
            and not _small_count_delivered(q, text, before):
        return False  # '两个维护', '三项制度', '一批', '一支队伍': fixed phrases far more often than targets
    fund = issuer_fund(q, text)
    if q.unit_kind == "money" and not fund and not _RAISES.search(_PER_HEAD_TAIL.sub("", before)[-6:]) and (
            _INCENTIVE_BEFORE.search(before) or _INCENTIVE_AFTER.match(after)):
        return False
    if q.unit_kind == "percent" and _INCENTIVE_AFTER.match(after) and re.search(r"(按|的)", before[-6:]):
        return False
    if _THRESHOLD_AFTER.match(after) and not re.search(r"(达到|确保|力争|总规模)", before):
        return False
    if _attribute_threshold(q, text):
        return False  # '培育年销售收入超亿元的龙头企业50家': the attribute sorting a class, the 50 delivers
    if q.unit == "次" and _SESSION_AFTER.match(after) and (before.endswith("届") or q.chinese):
        return False  # '省委十一届十次全会': the session's ordinal
    if _size_class(q, after):
        return False  # '30户以上自然村通硬化路', '支持三县建设50万以上人口规模中等城市'
    if q.raw.endswith(("以上", "以上\n")) and q.unit_kind == "money" and _MODIFIER_AFTER.match(after) \
            and not re.match(r"^(和|及|、|，|。|；)", after) and not _GOAL_NOUN_AFTER.match(after):
        return False  # '引进5亿元及以上制造业项目80个': a size threshold, the target is the 80
        # (an area before its noun is delivered, '建设3万亩以上的高标准农田'; its thresholds need a
        # class head, `_attribute_threshold`)
    clause_start = _last_of(text, "，,；;：:。", 0, q.start) + 1
    if _forecast_in(text, clause_start, q.start):
        return False  # '预计今年高校毕业生超过1170万人': a forecast, not a commitment
    if not fund and is_standard(q, text):
        return False  # a threshold, per-case reward, share or scoring rule of a policy
    return True


def _not_a_deliverable_count(q: Quantity, text: str, before: str, after: str) -> bool:
    """Counts that describe a text, a set or a project rather than deliver: '从6个方面', '落实安全生产
    15条硬措施' (an existing package), '针对首年关税为零的2034种商品' (a set defined elsewhere),
    '推进100万千瓦光伏项目建设', '年产120万吨乙烯改造' (a capacity naming a project), '分3批'."""
    if _ASPECTS_AFTER.match(after):
        return True
    if q.unit in ("条", "项", "个") and _EXISTING_TEXT_AFTER.match(after) \
            and _APPLY_BEFORE.search(text, max(0, q.start - 40), q.start):
        return True
    clause_start = max(_last_of(text, "，,；;：:。", max(0, q.start - 60), q.start) + 1, q.start - 60)
    if _SCOPE_BEFORE.search(text, clause_start, q.start):
        return True
    if q.unit in ("项", "条", "个", "类", "大") and _CONTENTS_AFTER.match(after) and _PLAN_SET_BEFORE.search(before):
        return True  # '紧盯“十三五”规划确定的24项经济社会发展指标': the items a plan set
    if q.unit in ("项", "条", "个", "类", "大") and _CONTENTS_VERB_BEFORE.search(before) and \
            _CONTENTS_AFTER.match(after) and _TEXT_SUBJECT.search(
                text, max(_last_of(text, "；;。", max(0, q.start - 80), q.start) + 1, q.start - 80), q.start):
        return True  # the counts a plan gives of its own contents
    if q.unit in ("项", "件", "个", "条", "类") and _SET_ITEMS_AFTER.match(after) and \
            _SET_FIXED_BEFORE.search(text, max(0, q.start - 30), q.start):
        return True  # '市政府研究确定了2021年…173项重点工作', '票决确定10项民生实事项目': the list itself
    if _BASELINE_BEFORE.search(text, clause_start, q.start) and _BASELINE_AFTER.match(text, q.end):
        return True  # '在现有…等62项便民服务的基础上': the stock a task starts from
    if q.unit_kind in ("energy", "mass") and (_CAPACITY_BEFORE.search(before) and _MODIFIER_AFTER.match(after)
                                               or _PROJECT_AFTER.match(after)):
        return True
    if _named_capacity(q, text, after):
        return True
    return bool(q.unit in _STAGE_UNITS and before.endswith("分"))


_INVESTMENT_BEFORE = re.compile(r"(?:总|计划|概算)?投资(?:额|总额)?(?:约|达|超过?|近)?\s*$")
_FUND_IN = re.compile(r"基金|资金|贷款|债券|专项债")  # money set up is delivered: '设立规模20亿元的科创母基金'
_PROJECT_SIZE_AFTER = re.compile(r"的(?!(?:年度|全年|年)?(?:目标|任务|水平|大关|台阶|规模|资金|基金|贷款|投资))"
                                 r"[\u4e00-\u9fffA-Za-z“”（）()]{2,}")
_CAPACITY_UNITS = {"吨", "千瓦", "平方米", "立方米", "吨/年", "吨/日"}
_PROJECT_WORD = re.compile(r"项目|工程|基地|码头|电站|装置|生产线|产业园")


def _named_capacity(q: Quantity, text: str, after: str) -> bool:
    """A capacity between a name and a product names a project (GOLD.md: capacities that name a
    project): '推进晋能|300万千瓦|太阳能高效组件', '同步推进吉化|60万吨|ABS', '推动七家子|5万吨|污水处理厂'.
    Between the clause's last verb and the amount stands a name (no verb, no measure word), and a
    product follows it; '新增光伏装机100万千瓦。' (a measure, then the end) and '形成100万吨产能'
    (the verb right before, a measure after) are delivered."""
    if q.unit not in _CAPACITY_UNITS or not after or _MEASURE_AFTER.match(after) or not (
            "\u4e00" <= after[0] <= "\u9fff" or after[0].isascii() and after[0].isalpha()):
        return False
    end = _phrase_end(text, q.end)
    phrase = text[q.end:end]
    if not (text[end:end + 1] == "、" or "等" in phrase or _PROJECT_WORD.search(phrase)):
        return False  # a list of named projects ('…太阳能高效组件、…', '…等一批项目'), not one amount
    a = max(_last_of(text, "，,；;：:。、（(", max(0, q.start - 24), q.start) + 1, q.start - 24)
    words, tags = tag(text[a:q.start])
    k = len(words)
    while k > 0 and not (_is_verb_word(words[k - 1], tags[k - 1])):
        k -= 1
    name = "".join(words[k:])
    return 2 <= len(name) <= 8 and not re.search(r"[\d%]", name) and not _MEASURE_BEFORE.search(name) \
        and not any(t in ("p", "m", "a", "d") for t in tags[k:])


_MEASURE_AFTER = re.compile(r"^(?:产能|能力|规模|以上|左右|的|、|和|及|标准|目标|任务|水平|大关|/)")
_MEASURE_BEFORE = re.compile(r"(产能|能力|装机|产量|规模|总量|面积|投资|容量|吞吐量|销量|处理量|年产|年处理|日处理|达|到|至|为|约|近)$")


def _is_verb_word(word: str, tag_: str) -> bool:
    return tag_.startswith("v") and len(word) >= 2 or word in _CAPACITY_VERBS


_CAPACITY_VERBS = frozenset({"推进", "推动", "加快", "建设", "建成", "实施", "启动", "上马", "开工", "投产", "引进",
                             "落地", "支持", "保障", "新建", "续建", "谋划", "培育", "打造"})


_SET_COUNT_AFTER = re.compile(r"的\s*(?:\d+|[一二三四五六七八九十百]+)\s*(?:个|项|家|批|所|座|条)")


# the settlements and bodies a population or household count sorts: '30户以上自然村', '50万以上人口规模'
_SIZED_CLASS_AFTER = re.compile(r"^(?:的)?(?:常住)?(?:人口规模|人口)?(?:的)?(?:大|中|小|中等|特大)?(?:型)?"
                                r"(?:自然村|行政村|村庄|村寨|村|社区|城市|城镇|县城|乡镇|集镇|街道|旗县|区县|县市|县)")
_FROM_BASELINE_BEFORE = re.compile(r"(?:由|从)\s*$")
_CHANGED_TO_AFTER = re.compile(r"^\s*(?:逐步|分别)?(?:提高|提升|增加|增长|扩大|上调|降低|下降|减少|压缩|缩短|下调|调整)"
                               r"(?:至|到|为)")


_SESSION_AFTER = re.compile(r"^(?:全会|全体会议|会议|党代会|代表大会|常委会)")


def _size_class(q: Quantity, after: str) -> bool:
    """A bound on households or people that sorts the settlements (or bodies) named right after it,
    not an amount delivered: '30户以上自然村', '常住户100户以上自然村公厕普及率', '50万以上人口规模'."""
    if q.comparator not in _BOUNDS or not (q.unit in ("户", "人") or q.unit is None and q.raw.rstrip("以上下").endswith("万")):
        return False
    return _SIZED_CLASS_AFTER.match(after) is not None


def _attribute_threshold(q: Quantity, text: str) -> bool:
    """A bounded amount of money that sorts the class of things a clause counts or names, not an
    amount delivered: '培育年经营收入超10亿元的大型农业龙头企业', '招引总投资超30亿元或3亿美元产业项目
    2个', '针对市本级10亿元以上、区县(市)1亿元以上重大产业项目', '月销售额15万元以下的小规模纳税人'.
    The amount measures an attribute (revenue, investment, tax) of each member of the class named
    right after it. An amount with no class head after it is a target ('完成投资800亿元以上',
    '迈上5万亿元台阶'). The total of a set counted right after it is not ('总投资2万亿元的389个省重点
    项目': the count is the target, the total describes the projects)."""
    if q.unit_kind not in ("money", "area"):
        return False
    if _INVESTMENT_BEFORE.search(text, max(0, q.start - 8), q.start) and (
            _SET_COUNT_AFTER.match(text, q.end) or _PROJECT_SIZE_AFTER.match(text, q.end)
            and not _FUND_IN.search(text, q.end, _phrase_end(text, q.end))):
        # '抓好总投资3830亿元的|218个|市重点项目': the total describes the set counted after it;
        # '实施投资10亿元的新中心医院、…': the size names the project (GOLD.md: not a target)
        return True
    tier = bool(_TIER_MAGNITUDE.match(q.raw))
    bracket = bool(_BOUNDED_ALTERNATIVE_BEFORE.search(text, max(0, q.start - 24), q.start))
    if not tier and not bracket and (q.comparator not in _BOUNDS or re.search(r"[多余]", q.raw)):
        return False  # an exact or approximate amount ('600多亿元'): delivered, or the total of a set
    pos = q.end
    while True:  # the other thresholds of the same head: '超30亿元或3亿美元', '…以上、区县1亿元以上'
        more = _THRESHOLD_MORE.match(text, pos)
        if more is None or _has_action_word(more.group("label")):
            break
        pos, tier, bracket = more.end(), False, True
    # what makes the amount an attribute of each member: an attribute noun before it ('年销售收入'),
    # a bracket of thresholds, a tier label, or a count of the class after its head
    attribute = bracket or _ATTRIBUTE_BEFORE.search(text, max(0, q.start - 12), q.start) is not None
    for head in _CLASS_NOUN.finditer(text, pos, _CLASS_PHRASE.match(text, pos).end()):
        between = text[pos:head.start()]
        if len(between.replace("的", "")) > 14 or _MONEY_HEAD.search(between):
            return False  # '总规模1700多亿元的产业基金…': the amount measures a fund
        if tier and between:
            continue  # a tier label only right before its head: '亿元项目', '百亿元企业'
        if _has_action_word(between):
            return False  # '投资超100亿元建设…园区': the clause goes on with its own verb
        if _MONEY_NOUN_AFTER.match(text, head.end()):
            continue  # '超过1亿元的企业贷款': the head is the money the amount measures
        return attribute or tier or _COUNT_AFTER_HEAD.match(text, head.end()) is not None
    return False


def _has_action_word(text: str) -> bool:
    """Whether a short span holds a verb of delivery (action_verbs.txt)."""
    return any(w in text for w in _ACTION_WORDS) if text else False


def _big_count_delivered(q: Quantity, text: str) -> bool:
    """'N大' counts major kinds: a deliverable when the clause builds them ('涵盖话务、业务和可视化3大
    平台', '建设…等三大类实时感知', '推进…五大主题数据库建设'), a fixed phrase otherwise ('打好
    三大攻坚战', '实施十大工程', '发挥三大优势')."""
    a = _last_of(text, "，,；;：:。", max(0, q.start - 80), q.start) + 1
    b = _first_of(text, "，,；;：:。", q.end)
    head, tail = text[max(a, q.start - 80):q.start], text[q.end:b if b != -1 else len(text)]
    if _BIG_FIXED_AFTER.match(tail) or head.endswith(("”", '"')):
        return False  # '实施十大工程', '“交流培养、创新创业、服务保障”三大…': a named set
    if "、" not in head or q.value < 2 or text[max(0, q.start - 1):q.start] in ("、", "，", ","):
        return False  # the count sums the items listed before it ('话务、业务和可视化3大平台'); alone
        # it names a set ('三大运营商'), and as an item of the list it is a name ('…、五大连池、…')
    return bool(_BIG_BUILD_BEFORE.match(head) or re.search(r"(建设|建成|上线)$", tail))


def _bandwidth_target(unit: str, raw: str, before: str, after: str) -> bool:
    """Bandwidth as a level to reach ('万兆到旗县区', '20兆进牧户', '实现千兆升级', '扩容至5G'), not the
    name of a technology ('5G基站', '千兆光网', '千兆城市')."""
    if unit not in ("兆", "G"):
        return True  # '出省带宽超过1.2万Gbps': a unit that names nothing else
    if unit == "兆" and re.search(r"\d$", raw) and not re.match(r"^(光|网|宽带|城市|用户|乡村)", after):
        return True  # '出口带宽超过4000万兆', '20兆进牧户'; '千兆光网' is a name
    if re.match(r"^(到|进|升级|带宽|接入)", after):
        return True
    return bool(re.search(r"(至|到|达到|达)$", before) and re.match(r"^([，,。；;、）)]|的|$)", after))


def _small_count_delivered(q: Quantity, text: str, before: str) -> bool:
    """A small count in Chinese numerals that counts deliverables: a verb of delivery right before
    it ('建设两个产业园'); 'one' only with 'at least' ('至少建设一所学校'), since '建设一支队伍',
    '建立一套机制', '一批' name no amount."""
    if not _DELIVER_BEFORE.search(before) or q.unit not in _DELIVERED_UNITS or _after_quote(text, q.end) \
            or re.match(r"[\d一二三四五六七八九十]", text[q.end:q.end + 1]):
        return False  # '建成三个一号旅游公路', '两个三年行动': the count of a named set
    return q.value >= 2 or comparator_before(q, text) is not None


def _after_quote(text: str, pos: int) -> bool:
    """A quoted name right after the count: '建设五个“区块链接”' counts names, not things."""
    return text[pos:pos + 1] in ("“", '"', "《")


# A sentence can be a 1 MB line with thousands of quantities: the searches around each quantity
# then use position indexes (bisect) instead of scans, which made long sentences quadratic.
_LONG = 2000


@lru_cache(maxsize=16)  # a few kinds of character, of the last sentences
def _positions(text: str, chars: str) -> list[int]:
    return [m.start() for m in re.finditer("[" + re.escape(chars) + "]", text)]


def _last_of(text: str, chars: str, lo: int, hi: int) -> int:
    """``max(text.rfind(c, lo, hi) for c in chars)``: the last position in [lo, hi) holding one
    of ``chars``, or -1."""
    if len(text) <= _LONG:
        m = char_patterns(chars)[0].search(text, lo, hi)
        return m.start() if m else -1
    pos = _positions(text, chars)
    k = bisect_left(pos, hi) - 1
    return pos[k] if k >= 0 and pos[k] >= lo else -1


def _phrase_end(text: str, pos: int) -> int:
    """Where the phrase from ``pos`` ends: the next comma, full stop or list mark (or the end)."""
    end = _first_of(text, "，,；;。、", pos)
    return len(text) if end < 0 else end


def _first_of(text: str, chars: str, lo: int) -> int:
    """The first position from ``lo`` on holding one of ``chars``, or -1."""
    if len(text) <= _LONG:
        m = char_patterns(chars)[1].search(text, lo)
        return m.start() if m else -1
    pos = _positions(text, chars)
    k = bisect_left(pos, lo)
    return pos[k] if k < len(pos) else -1


def _forecast_in(text: str, lo: int, hi: int) -> bool:
    """``_FORECAST.search(text[lo:hi])``, without scanning a long clause for every quantity."""
    if len(text) <= _LONG:
        return _FORECAST.search(text, lo, hi) is not None
    pos = _positions(text, "预")
    k = bisect_left(pos, lo)
    while k < len(pos) and pos[k] < hi:
        if _FORECAST.match(text, pos[k], hi):
            return True
        k += 1
    return False


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    a = _last_of(text, _CLAUSE_END, 0, start) + 1
    e = _first_of(text, _CLAUSE_END + _LIST_SEP, end)
    return a, (e if e != -1 else len(text))


def _token_spans(words: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for w in words:
        spans.append((pos, pos + len(w)))
        pos += len(w)
    return spans


_STOP_TAGS = ("p", "c", "u", "uj", "ul", "d", "f", "r", "y", "e", "o")
_LINKING = {"达到", "达", "为", "超过", "突破", "稳定在", "控制在", "保持在", "占", "提高到", "提升到",
            "增加到", "扩大到", "是", "有"}
_COMPARATOR_VERBS = re.compile(r"^(超过|突破|控制在|达到)")
_TIME_OR_MODAL = re.compile(r"^(\d+年内|\d+年|\d+个?月|[一二三四五]年内|20\d\d年起|今年|全年|明年|到20\d\d年)")


def _verb(tag_: str, word: str) -> bool:
    return (tag_.startswith("v") and tag_ != "vn" and word not in _MODAL) or word in _ACTION_WORDS


def _noun_phrase_after(text: str, pos: int, stop: int, words, tags, spans) -> Optional[str]:
    """What a quantity counts, when it comes after it: '300名|大学生|找到工作',
    '15万名|紧跟科技发展前沿、创新能力强的|中高级紧缺专业技术人才'."""
    region_end = stop
    while region_end < len(text) and text[region_end] == "、":  # a list inside the phrase
        nxt = _first_of(text, _CLAUSE_END, region_end + 1)
        region_end = nxt if nxt != -1 else len(text)
    de = _last_of(text, "的", pos, region_end)
    de = de - pos if de != -1 else -1
    head_start = pos + de + 1 if de != -1 else pos
    out_start, out_end = None, None
    for k in range(bisect_left(spans, head_start, key=lambda s: s[0]), len(spans)):
        (a, b), w, t = spans[k], words[k], tags[k]
        if b <= head_start or a < head_start:
            continue
        if a >= region_end:
            break
        if w in "，。；：:（）()" or (w == "、" and out_start is None):
            break
        if w in ("“", "”", "、", "（", "）"):
            out_start = a if out_start is None else out_start
            out_end = b
            continue
        if _verb(t, w) or t in _STOP_TAGS or t.startswith(("m", "q")):
            if out_start is None and de == -1:
                return None
            break
        if out_start is None:
            out_start = a
        out_end = b
    if out_start is None:
        return None
    phrase = text[out_start:out_end].strip("、 ")
    if phrase.count("“") != phrase.count("”"):
        phrase = phrase.strip("“”")
    return phrase if len(phrase) >= 2 else None


def _choose_action(text: str, q: Quantity, region_start: int, tokens) -> Optional[str]:
    """The committing verb: the clause's leading action verb, else the verb right before the
    quantity, else a verb-like comparator written with it ('超过', '控制在')."""
    words = [(a, b, w, t) for (a, b), w, t in tokens if region_start <= a and b <= q.start]
    # skip leading time and modal words
    i = 0
    while i < len(words) and (words[i][2] in _MODAL or _TIME_OR_MODAL.match(text[words[i][0]:q.start])
                              and not _verb(words[i][3], words[i][2])
                              or words[i][2] in ("“", "”", "内", "年", "，", "、")
                              or words[i][3] in ("m", "q", "t") or re.fullmatch(r"\d+", words[i][2])):
        i += 1

    def run_from(k: int) -> tuple[int, int]:
        """Extend a verb at k over adjacent verbs and '和' (引进和培养, 新建改扩建)."""
        a, b = words[k][0], words[k][1]
        j = k + 1
        while j < len(words) and (_verb(words[j][3], words[j][2]) or
                                  (words[j][2] in ("和", "及", "并") and j + 1 < len(words)
                                   and _verb(words[j + 1][3], words[j + 1][2]))):
            b = words[j][1]
            j += 1
        return a, b

    init = None
    if i < len(words) and (_verb(words[i][3], words[i][2]) or words[i][3] == "vn") \
            and words[i][2] not in _NOUNY_VERBS \
            and len(words[i][2]) >= 2:
        init = run_from(i)
    last = None
    if words and _verb(words[-1][3], words[-1][2]) and words[-1][1] == q.start:
        k = len(words) - 1
        while k > 0 and (_verb(words[k - 1][3], words[k - 1][2]) or words[k - 1][2] in ("和", "及")) \
                and words[k - 1][2] not in _MODAL:
            k -= 1
        if k < len(words) - 1 or words[k][2] not in ("和", "及"):
            last = (words[k][0], words[-1][1])
        if words[-1][2] in _NOUNY_VERBS and _COMPARATOR_VERBS.match(q.raw):
            last = None  # '营业收入超过2600亿元': the action is 超过
    last_text = text[last[0]:last[1]] if last else None
    if last_text and any(last_text.endswith(v) for v in _CHANGE_VERBS):
        return last_text  # 'GDP增长6%': the change verb measures the quantity
    if init:
        return text[init[0]:init[1]]
    if last:
        return last_text
    m = _COMPARATOR_VERBS.match(q.raw)
    if m:
        return m.group(1)
    for word in _ACTION_LONGEST_FIRST:
        i = text.rfind(word, region_start, q.start)
        if i != -1:
            return word
    return None


# Longest first, then by the word, so the order (and the result) does not change with
# PYTHONHASHSEED as the order of a set does.
_TRAILING_LINKS = sorted(_LINKING | {"分别", "均"}, key=lambda w: (-len(w), w))


def _action_and_entity(text: str, q: Quantity, region_start: int, clause_end: int,
                       words, tags, spans) -> tuple[Optional[str], Optional[str]]:
    lo = bisect_left(spans, region_start, key=lambda s: s[0])  # the tokens _choose_action reads
    hi = bisect_right(spans, q.start, key=lambda s: s[1])
    tokens = list(zip(spans[lo:hi], words[lo:hi], tags[lo:hi]))
    action = _choose_action(text, q, region_start, tokens)
    left = text[region_start:q.start]
    pos = left.rfind(action) if action and action not in q.raw else -1
    after = _noun_phrase_after(text, q.end, clause_end, words, tags, spans)
    between = _strip_modal(left[pos + len(action):]) if pos != -1 else ""
    between = between.strip("，、：:的 ")
    if len(re.findall(r"[\u4e00-\u9fffA-Za-z]", between)) >= 2 and between not in _LINKING:
        entity = between
    elif after and q.unit != "%" and q.unit_kind != "percent":
        entity = after
    else:
        entity = _strip_modal(left[:pos] if pos != -1 else left)
    entity = (entity or "").strip("，、：:的 ")
    for word in _TRAILING_LINKS:
        if entity.endswith(word) and len(entity) > len(word) + 1:
            entity = entity[: -len(word)]
    return action, (entity or None)


_LEADING = re.compile(r"^(力争|确保|争取|努力|预计|全年|今年|明年|其中|同时|此外|并|和|及|将|要|使|让|推动|"
                      r"实现|重点|\d+年内|[一二三四五]年内|到20\d\d年|20\d\d年起|20\d\d年|年底前|底前|“)+")


def _strip_modal(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = _LEADING.sub("", text).strip("，、 ")
    return text


# A decision on one mention: (status, method, confidence), or None to drop it.
Decision = Optional[tuple[str, str, float]]
Decide = Callable[[Quantity, Sentence, list[tuple[int, int]]], Decision]


def candidates(sent: Sentence) -> list[Quantity]:
    """Every quantity mention of a sentence, left to right: what the rules and models judge."""
    return list(quantity_mentions(sent.text))


def quoted_spans(text: str) -> list[tuple[int, int]]:
    if "“" not in text and "《" not in text and "「" not in text and "‘" not in text:
        return []  # every `_QUOTED` span opens with one of them; most sentences hold none
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def mentions(doc: Document) -> Iterator[tuple[Sentence, Quantity, list[tuple[int, int]]]]:
    """(sentence, mention, quoted spans) for every mention of every non-table commitment:
    what the rules decide on, the models classify and training labels."""
    for c in doc.commitments:
        sent = c.sentence
        if sent is None or sent.table_row:
            continue
        quoted = quoted_spans(sent.text)
        for q in candidates(sent):
            yield sent, q, quoted


def rule_decision(q: Quantity, sent: Sentence, quoted: list[tuple[int, int]]) -> Decision:
    if not is_target_quantity(q, sent.text, quoted, sent.table_row):
        return None
    if not sent.review and is_baseline(q, sent.text):
        return None  # '城镇职工由13万元提高至60万元': the level a plan starts from; the 60 is the target
    return ("achievement" if sent.review else "target", "rule", 1.0)


def is_baseline(q: Quantity, text: str) -> bool:
    """The level a change starts from ('由13万元提高至…', '从3.67人提高到4.3人'): in a plan the
    current level, no target (in a review both levels are results)."""
    return bool(_FROM_BASELINE_BEFORE.search(text, max(0, q.start - 3), q.start)
                and _CHANGED_TO_AFTER.match(text[q.end:q.end + 12]))


def _window_reading(sent: Sentence, q: Quantity, spans: list[tuple[int, int]], last_entity: Optional[str],
                    last_action: Optional[str], last_end: int) -> tuple[Optional[str], Optional[str]]:
    """(entity, action) of q from character windows around it, the previous target's where
    q continues a list or finds none."""
    text = sent.text
    clause_start, clause_end = _clause_bounds(text, q.start, q.end)
    j = q.start  # the last character before the quantity, spaces skipped
    while j > 0 and text[j - 1].isspace():
        j -= 1
    continues_list = text[j - 1:j] in ("、", "和", "及", "与") if j else False
    region_start = clause_start
    if last_end > clause_start:  # '…超过800家、评价入库科技型中小企业超过2200家'
        region_start = last_end + 1 if text[last_end:last_end + 1] in "、和及与" else last_end
    action, entity = _action_and_entity(text, q, region_start, clause_end, sent.words, sent.tags, spans)
    if continues_list and last_action:
        action = last_action  # '选拔100名正职后备人才、200名副职后备人才'
        entity = _noun_phrase_after(text, q.end, clause_end, sent.words, sent.tags, spans) or last_entity
    return entity or last_entity, action or last_action


def _member_start(text: str, pos: int) -> int:
    """Where the list member holding ``pos`` starts: after the last 、，（；。 before it."""
    k = pos
    while k > 0 and text[k - 1] not in "、，,（(；;。":
        k -= 1
    return k


def sentence_targets(c: Commitment, doc_id: str, counter: list[int],
                     decide: Decide = rule_decision) -> list[Target]:
    """The targets of one sentence, each with entity and action; ``decide`` keeps or drops."""
    sent = c.sentence
    text = sent.text
    quoted = quoted_spans(text)
    spans = None  # token offsets, computed for the first quantity kept (most sentences have none)
    found = []
    last_entity, last_action, last_end = None, None, 0
    for q in candidates(sent):
        decision = decide(q, sent, quoted)
        if decision is None:
            continue
        status, method, confidence = decision

        def window(q=q, last_entity=last_entity, last_action=last_action, last_end=last_end):
            """The character-window reading: the grammar's fallback, computed only if it needs it."""
            nonlocal spans
            if spans is None:
                spans = _token_spans(sent.words)
            return _window_reading(sent, q, spans, last_entity, last_action, last_end)

        # the clause's grammar (entity.py) decides; the character windows are its fallback
        entity, action = entity_and_action(sent, q, window,
                                           (last_entity, last_action, last_end) if found else None)
        if found:
            k = _member_start(text, q.start)
            entity = place_as_subject(entity, q, (last_entity, found[-1].unit),
                                      text[found[-1].raw_end - c.start:k], text[k:q.start])
        last_entity, last_action, last_end = entity, action, q.end  # (what a list member continues)
        action = part_of_action(text, q, action, [(t.raw_end - c.start, t.unit, t.action) for t in found])
        action = verb_over_framing(sent, q, action)
        if action is None and entity:
            entity, action = verb_as_entity(text, q, entity)
        if action is None and entity:
            entity, action = leading_verb(entity)
            if action is None:
                entity, action = verb_before(text, q.start, entity)
        if entity and _PER_HEAD_TAIL.fullmatch(entity.lstrip("至到")):
            entity = _subject_of_raise(text, q, action) or entity  # '…标准提高到|每人每月|200元'
        if entity and ("|" in entity or "｜" in entity):
            entity = re.split(r"[|｜]", entity)[-1].strip().lstrip("将把") or None  # '3 | 将…标准': one cell's words
        counter[0] += 1
        found.append(Target(
            target_id=f"{doc_id}:t{counter[0]:04d}", raw=q.raw, value=q.value, value_max=q.value_max,
            unit=q.unit, comparator=comparator_before(q, text) or q.comparator,
            raw_start=c.start + q.start, raw_end=c.start + q.end,
            entity=entity, action=action, status=status, method=method, confidence=confidence,
        ))
    return found


def _subject_of_raise(text: str, q: Quantity, action: Optional[str]) -> Optional[str]:
    """What a raised standard is ('城乡居民基础养老金最低标准提高到每人每月200元'): the clause's
    words before its verb, when the words between verb and number only say per whom and when."""
    clause_start, _ = _clause_bounds(text, q.start, q.end)
    at = text.rfind(action, clause_start, q.start) if action else -1
    if at <= clause_start:
        return None
    subject = _strip_modal(text[clause_start:at]).lstrip("将把")
    return subject if len(subject) >= 2 else None


_TRAILING_LINK = re.compile(r"(?:至|到|为)$")
# a measure's own noun ('达标天数比例', '招生计划', '高校毕业生就业率'): verb and noun name one metric
_MEASURE_HEAD = re.compile(r"(?:率|比例|比重|数|量|计划|指数|规模|面积|总额|额|水平|天数|人次)$")


def leading_verb(entity: str) -> tuple[str, Optional[str]]:
    """An entity read with its verb and no action ('转移农村劳动力', '开复工亿元以上项目',
    '扩充公办幼儿园学位至'): the verbs it opens with are the action, the noun phrase after them the
    entity (GOLD.md: the entity is what is counted, the action the verb). Only a verb the tagger
    reads as one (not a noun it opens, '建设用地'), before a noun phrase of two characters or more."""
    bare = _TRAILING_LINK.sub("", entity)
    words, tags = tag(bare)
    if len(words) == 1 and bare[:2] in _ACTION_WORDS and len(bare) >= 4:
        # '筹集资金' (one noun to the tagger): a delivery verb and its object
        words, tags = [bare[:2]] + (w := tag(bare[2:]))[0], ["v"] + w[1]
    k = 0
    while k < len(words) - 1 and (tags[k] == "v" or k == 0 and tags[0] == "vn" and verbal_noun_verb(words[0])
                                  and len(bare) - len(words[0]) >= 4):
        k += 1  # ('发展|农业产业化联合体': a delivery verb the tagger reads as a verbal noun, before a
        # noun phrase of its own; '建设用地' is one compound)
    if k == 0:
        return entity, None
    verb = "".join(words[:k])
    rest = bare[len(verb):]
    if len(rest) < 2 or not (tags[-1].startswith("n") or tags[-1] == "vn") or len(verb) > 4 \
            or len(words[0]) < 2 and k < 2 or _MEASURE_HEAD.search(rest) or rest[0] in "和与及、":
        return entity, None  # ('打|掉黑恶团伙', '调|高…标准': one character is no verb of its own)
    return rest, verb


def verb_as_entity(text: str, q: Quantity, entity: str) -> tuple[str, Optional[str]]:
    """'启动8个新建接续煤矿项目': a verb right before the number read as the entity (the noun after
    the number opens with a verb of its own). The verb is the action; what follows the number up
    to the clause's end is the entity."""
    if text[max(0, q.start - len(entity)):q.start] != entity or tag(entity)[1] not in (["v"], ["vn"]):
        return entity, None
    after = _CLAUSE_BREAK.split(text[q.end:q.end + 30])[0]
    return (after, entity) if len(after) >= 2 else (entity, None)


_CLAUSE_BREAK = re.compile(r"[，,；;。：:、（）()“”\s]")


def verb_before(text: str, q_start: int, entity: str) -> tuple[str, Optional[str]]:
    """An entity read without its verb, the verb right before it in the clause ('扩充' of
    '扩充公办幼儿园学位至1800个'): the action. The entity loses a trailing link ('至', '到')."""
    at = text.rfind(entity, 0, q_start)
    if at <= 0:
        at = q_start if text.find(entity, q_start) >= 0 else -1  # '抓好12个乡镇': the verb before the number
    if at <= 0:
        return entity, None
    clause = _CLAUSE_BREAK.split(text[max(0, at - 12):at])[-1]
    trimmed = _TRAILING_LINK.sub("", entity) if len(entity) > 3 else entity
    if len(clause) < 2:
        return trimmed, None
    words, tags = tag(clause)
    k = len(words)
    while k > 0 and tags[k - 1] == "v":
        k -= 1
    verb = "".join(words[k:])
    if not verb and words and len(words[-1]) >= 3 and tag(words[-1][-2:])[1] == ["v"]:
        verb = words[-1][-2:]  # '继续抓好' (one word to the tagger): its verb
    return (trimmed, verb) if 2 <= len(verb) <= 4 else (trimmed, None)


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
        if value == 0:
            continue  # a zero quota: nothing to deliver
        counter[0] += 1
        out.append(Target(
            target_id=f"{doc_id}:t{counter[0]:04d}", raw=value_cell, value=value, value_max=None,
            unit=unit, comparator=_TABLE_CMP.get(vm.group("cmp") or "", "="),
            raw_start=c.start + vpos, raw_end=c.start + vpos + len(value_cell),
            entity=cells[i - 1][1], action=None,
            status="achievement" if c.sentence.review else "target",
        ))
    return out


_GRID_VALUE = re.compile(r"^\d+(?:\.\d+)?$")
_GRID_PERIOD = re.compile(r"^(?:19|20)\d\d(?:[.．/年]\d{1,2}月?)?(?:\s*[-—–~至]\s*(?:(?:19|20)\d\d)?(?:[.．/年]?\d{1,2}月?)?)?$")
_NOT_TEXT = frozenset({"number", "owner", "person", "deadline", "value", "size"})  # columns whose cells say no task


def _grid_targets(c: Commitment, grid: Grid, row: Row, doc_id: str, counter: list[int]) -> list[Target]:
    """A grid row's targets: those of its text cells (the task, a name; not a number, a year, an
    owner, a limit or an amount cell: no sentence to read), then the amount under each value column ('年度投资金额(万元)' 300 →
    3,000,000 元, the column's name its entity). A project's total size is no target."""
    progress = any(col.kind == "progress" for col in grid.columns)
    not_text = [(cell.start, cell.end) for cell in row.cells
                if _GRID_VALUE.match(cell.text) or _GRID_PERIOD.match(cell.text)
                or progress and BARE_FIGURE.match(cell.text)  # '110.69%' beside a progress column
                or cell.column is not None and grid.columns[cell.column].kind in _NOT_TEXT]
    out = [t for t in c.targets if not any(a <= t.raw_start < b for a, b in not_text)]
    out += _figures_with_unit_cell(c, grid, row, doc_id, counter)
    for cell, column in grid.cells_of(row, "value"):
        if not _GRID_VALUE.match(cell.text) or float(cell.text) == 0:
            continue
        counter[0] += 1
        out.append(Target(
            target_id=f"{doc_id}:t{counter[0]:04d}", raw=cell.text,
            value=round(float(cell.text) * column.mult, 6), value_max=None, unit=column.unit,
            comparator="=", raw_start=cell.start, raw_end=cell.end, entity=column.name, action=None,
            status="achievement" if c.sentence.review else "target"))
    return out


_UNIT_CELL = re.compile(r"[\u4e00-\u9fff/／]{1,8}")
_FIGURE_COLUMNS = frozenset({"task", "progress", "other"})


def _figures_with_unit_cell(c: Commitment, grid: Grid, row: Row, doc_id: str, counter: list[int]) -> list[Target]:
    """The bare figures of a row whose unit stands in a unit column ('城镇新增就业 | 万人 | 5.2 |
    7.23'): 5.2 万人 under the goal column a target of 52,000 人, 7.23 under a progress column an
    achievement; the row's first text cell (its indicator) their entity."""
    if not grid.cells_of(row, "unit"):
        return []
    out, unit, name = [], None, None
    first = min(i for i, col in enumerate(grid.columns) if col.kind != "number")  # the indicator's
    for cell in row.cells:  # (a sub-item's cells after the row's: its own name and unit)
        kind = grid.columns[cell.column].kind if cell.column is not None else None
        if kind == "unit":
            unit = cell.text if _UNIT_CELL.fullmatch(cell.text) else None
            continue
        if cell.column == first and kind in ("name", "task", "other") and not _GRID_VALUE.match(cell.text):
            name = cell.text
        if unit is None or kind not in _FIGURE_COLUMNS or not _GRID_VALUE.match(cell.text) \
                or float(cell.text) == 0:
            continue
        found = find_quantities(cell.text + unit)
        if len(found) != 1 or found[0].unit is None or found[0].end != len(cell.text) + len(unit):
            continue
        counter[0] += 1
        out.append(Target(
            target_id=f"{doc_id}:t{counter[0]:04d}", raw=cell.text, value=float(found[0].value),
            value_max=None, unit=found[0].unit, comparator="=", raw_start=cell.start, raw_end=cell.end,
            entity=name, action=None,
            status="achievement" if kind == "progress" or c.sentence.review else "target"))
    return out


@register("targets")
def extract_targets(doc: Document) -> Document:
    return assign_targets(doc)


def assign_targets(doc: Document, decide=None) -> Document:
    """Every commitment's targets, ids in document order; ``decide`` (see ``sentence_targets``)
    replaces the rules' decision on sentence mentions (table cells always stay with the rules)."""
    counter = [0]
    progress = progress_cells(doc.text)
    rows = grid_rows(doc.text)
    for c in doc.commitments:
        if c.sentence is None:
            continue
        if c.sentence.table_row:
            c.targets = _table_targets(c, doc.doc_id, counter)
        else:
            c.targets = sentence_targets(c, doc.doc_id, counter, decide or rule_decision)
        if rows and c.start in rows:
            c.targets = _grid_targets(c, *rows[c.start], doc.doc_id, counter)
        for t in c.targets if progress else ():
            if t.status == "target" and any(a <= t.raw_start < b for a, b in progress):
                t.status = "achievement"  # a progress column's figures are what was done
        if c.targets and c.action is None:
            c.action = c.targets[0].action
        if c.action is None:
            c.action = first_action(c.sentence.words, c.sentence.tags)
    return doc
