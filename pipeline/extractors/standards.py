"""Standards of a rule, not deliverables: the thresholds, per-case rates and caps of incentive
policies, and the scoring rules of indicator tables (GOLD.md "Not targets", "Conventions").

An incentive policy is written as rules "[condition], [reward]": `对…达到N万元以上的，给予M万元
奖励`, `项目资金投入A—B万元，奖励投资额度的X%—Y%`, `每满一万人奖励一万元`. Every quantity of
the condition says who qualifies, every quantity of the reward what one beneficiary gets; none
is an amount the issuer commits to deliver. What the issuer commits to set up is a target:
`县财政每年安排旅游引导资金1000万元`, `设立总规模不低于1亿元的…基金`.

The analysis works on the clause level: a sentence part (up to 。；) is cut into clauses (，：);
a quantity is a standard when its clause chain is the condition of a reward clause, when a
reward verb governs it, or when it is the base share (`按X%`) of a reward.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from pipeline.stages.numbers import Quantity

_PART_END = "。；;！？!?\n"
_CLAUSE_END = _PART_END + "，,：:"

# A reward used as a verb: '给予…奖励', '奖励2000元', '一次性补助', '实行“一事一议”'. A reward word
# that heads a noun ('奖补资金', '补贴政策', '奖励办法') names money or rules, not a reward given.
_REWARD_VERB = re.compile(
    r"(给予|奖励|奖补|补贴|补助|资助|返还|贴息|一事一议)"
    r"(?!资金|基金|经费|政策|标准|办法|制度|机制|对象|范围|名单|额度|比例|上限)")
# Any mention of a reward: the context in which '按X%' is a reward's share of a base.
_REWARD_ANY = re.compile(r"给予|奖励|奖补|补贴|补助|资助|返还|贴息|一事一议|服务券")
# A clause that states a reward standard: it begins with the reward (no subject of its own).
_REWARD_CLAUSE = re.compile(
    r"\s*(一次性|分别|均|可|再|另|按[^，,]{0,10}?|每[^，,]{0,3}?)?(给予|奖励|奖补|补贴|补助|资助|返还|实行“一事一议”|"
    r"实行\"一事一议\")")
# The beneficiary phrase that opens a rule: '对…的', '凡…的', '对于…的'.
_BENEFICIARY = re.compile(r"\s*(对于|对|凡是|凡)")
_BOUNDS = (">=", ">", "<=", "<", "range")  # comparators of a threshold or a bracket
# Words of a commitment: a clause that holds one states a goal, not a condition.
_GOAL = re.compile(r"力争|确保|争取|目标|预期|计划|到20\d\d年")
# The issuer setting up a fund or budget: '安排…资金1000万元', '设立总规模…亿元的…基金'.
_FUND_VERB = re.compile(r"安排|设立|统筹|筹集|整合|设置|下达|拨付|筹措|新设")
_FUND_NOUN = re.compile(r"资金|基金|经费|专项|预算")
# What a reward clause states when it is a per-case standard: an amount of money, a share, a
# treatment ('资助家庭困难学生150万余人' counts people reached: a result, not a standard).
_STANDARD_STATED = re.compile(r"[\d一二三四五六七八九十百千万]\s*(万|亿)?元|%|一事一议")
# Marks of a rule that gives each beneficiary its amount: '分别奖励100万元、50万元', '每间奖励2000元',
# '一次性补助', '最高奖励', '补贴上限为'.
_PER_CASE = re.compile(r"分别|每|一次性|最高|上限|不超过")
# Scoring rules of an indicator table: '得满分', '扣1分', '（3分）', '×100%'.
_SCORING = re.compile(r"(?<![压缩削递增])[得扣加减计]\s*[\d.一二三四五六七八九十]+\s*分(?![之别配类批期钟散布工析解])"
                      r"|得满分|不得分|(?<![累预估合总统])计分(?![配别])|扣分")
_FORMULA_BEFORE = re.compile(r"[×÷*/=＝]\s*$")


_WINDOW = 400  # a clause or rule longer than this is cut: a 1 MB line stays linear


@lru_cache(maxsize=64)
def char_patterns(chars: str) -> tuple[re.Pattern, re.Pattern]:
    """(the last of ``chars`` before the end, the first of ``chars``), compiled once per set:
    one regex scan instead of one ``str.rfind`` per character."""
    cls = "[" + re.escape(chars) + "]"
    return re.compile(cls + "[^" + re.escape(chars) + r"]*\Z"), re.compile(cls)


@lru_cache(maxsize=8192)  # is_standard and issuer_fund ask for the same spans of one quantity
def _bounds(text: str, chars: str, start: int, end: int) -> tuple[int, int]:
    """The span around [start, end) up to the nearest of ``chars`` on each side."""
    lo, hi = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
    last, first = char_patterns(chars)
    m = last.search(text, lo, start)
    a = m.start() + 1 if m else lo
    m = first.search(text, end, hi)
    return a, (m.start() if m else hi)


def _last_match(pattern: re.Pattern, text: str, start: int, end: int) -> Optional[re.Match]:
    """The last match of ``pattern`` in text[start:end]: the verb nearest before a quantity."""
    found = None
    for found in pattern.finditer(text, start, end):
        pass
    return found


def issuer_fund(q: Quantity, text: str) -> bool:
    """'县财政每年安排旅游引导资金1000万元', '设立总规模不低于1亿元的产业发展引导资金': money the
    issuer commits to set up, a target even inside an incentive policy."""
    if q.unit_kind != "money":
        return False
    a, b = _bounds(text, _CLAUSE_END, q.start, q.end)
    verb = _last_match(_FUND_VERB, text, a, q.start)
    if verb is None:
        return False
    return bool(_FUND_NOUN.search(text, verb.end(), q.start) or _FUND_NOUN.search(text, q.end, b))


def _first(text: str, chars: str, lo: int, hi: int) -> int:
    """The first position in [lo, hi) holding one of ``chars``, or -1."""
    m = char_patterns(chars)[1].search(text, lo, hi)
    return m.start() if m else -1


def _clause_starts(text: str, lo: int, hi: int) -> list[int]:
    """Starts of the clauses in [lo, hi)."""
    return [lo] + [i + 1 for i in range(lo, hi) if text[i] in "，,：:"]


def _in_condition(q: Quantity, text: str, part_a: int, part_b: int) -> bool:
    """The quantity lies in the condition of a reward: '…达到N万元的，给予', '对…5家以上的每间奖励',
    '对年组织游客…1万人次以上的旅行社进行奖励', '投资5000万元以上，实行“一事一议”'."""
    reward = _REWARD_VERB.search(text, q.end, part_b)
    if reward is None:
        return False
    between = text[q.end:reward.start()]
    starts = _clause_starts(text, part_a, q.start)
    own = starts[-1]
    if _GOAL.search(text, own, q.start):
        return False  # '力争新增高新技术企业100家，对新认定的给予奖励': a goal before a rule
    # a beneficiary phrase opening after the quantity belongs to another rule
    if any(_BENEFICIARY.match(text, i) for i in _clause_starts(text, q.end, reward.start())[1:]):
        return False
    if re.search(r"的\s*[，,]", between) or re.search(r"的\s*(每[^，,]{0,3}|一次性|分别|均|可)?\s*$", between):
        return True  # the clause chain ends in 的 right before the reward
    opener = next((i for i in reversed(starts) if _BENEFICIARY.match(text, i)), None)
    if opener is not None and not _REWARD_VERB.search(text, opener, q.start) and "的" in between:
        return True  # '对…N以上的旅行社、户外团队进行奖励'
    # a bare condition clause right before a reward clause that states the standard; only a bound
    # ('300人以上', '500万元—5000万元') is a condition: '帮办实事17.5万件，资助款物4290.2万元' are results
    nxt = _first(text, "，,", q.end, reward.start())
    if q.comparator in _BOUNDS and nxt != -1 and _first(text, "，,", nxt + 1, reward.start()) == -1 and _REWARD_CLAUSE.match(text, nxt + 1):
        tail = text[nxt + 1:_bounds(text, _CLAUSE_END, reward.end(), reward.end())[1]]
        return bool(_STANDARD_STATED.search(tail))
    return False


def _governed_by_reward(q: Quantity, text: str) -> bool:
    """A money or share amount that a reward verb governs in the same clause: '给予投资方奖励100万元',
    '奖励投资额度的5%—20%', '分别奖励100万元、50万元、5万元' (the list shares its head's verb)."""
    if q.unit_kind not in ("money", "percent"):
        return False
    a, _ = _bounds(text, _CLAUSE_END, q.start, q.end)
    reward = _last_match(_REWARD_VERB, text, a, q.start)
    if reward is None:
        return False
    between = text[reward.end():q.start]
    if re.search(r"提高|增加|提升|上调|达到", between):
        return False  # '奖励标准提高到…': a change the issuer makes
    if re.search(r"发放|兑现|落实|下达|拨付|争取|累计|共|总计|合计", text[a:reward.start()]):
        return False  # '发放稳岗返还资金3亿元': a total paid out
    if q.unit_kind == "percent" and re.search(r"的\s*$", between):
        return True  # '奖励投资额度的5%—20%': a share of the beneficiary's own base
    # Without the form of a rule the amount is a total, as in a report: '为2.04万户企业返还失业
    # 保险费33.42亿元'. A rule opens with its beneficiary ('对…', '凡…的，'), or says per case.
    part_a, _ = _bounds(text, _PART_END, q.start, q.end)
    if _PER_CASE.search(text, a, q.start):
        return True
    return any(_BENEFICIARY.match(text, i) for i in _clause_starts(text, part_a, q.start)) \
        or re.search(r"的\s*[，,]", text[part_a:reward.start()]) is not None


def _share_of_reward(q: Quantity, text: str, part_a: int, part_b: int) -> bool:
    """'按60%奖励返还', '分别按其营业额的15%、10%…进行奖励', '按照不高于30%补贴额度使用服务券':
    the share of a base a beneficiary gets. '赤字率拟按3%安排' (no reward) stays a target."""
    if q.unit_kind != "percent":
        return False
    a, _ = _bounds(text, _CLAUSE_END, q.start, q.end)
    before = text[a:q.start]
    if not _SHARE_BASE.search(before):
        return False
    return bool(_REWARD_ANY.search(text, part_a, part_b))


# '按其营业额的15%', '参照其年度地方财政贡献的70%、80%和90%' (a list of shares, one per bracket)
_SHARE_BASE = re.compile(r"(?:按照|按|参照|依照)[^，,。；]{0,16}(?:\d+(?:\.\d+)?\s*%\s*[、和及与或至]\s*)*$")
_SHARE_OF_ALLOCATION = re.compile(r"\s*(?:的)?比例(?:进行|予以)?(?:分配|分成|分担|承担|留成|分享)")


def is_standard(q: Quantity, text: str) -> bool:
    """Whether a quantity of a sentence is a standard of a rule (a threshold, a per-case reward,
    a share, a scoring rule) rather than something the issuer commits to deliver."""
    if q.unit_kind == "percent" and _SHARE_OF_ALLOCATION.match(text, q.end) \
            and re.search(r"(?:按照|按)\s*$", text[max(0, q.start - 3):q.start]):
        return True  # '按50%比例进行分配': how a sum is split between parties
    if not _mentions_reward(text):
        # every rule but a scoring rule needs a reward word in the sentence: most have none
        return _scoring_rule(q, text) and not issuer_fund(q, text)
    if issuer_fund(q, text):
        return False
    part_a, part_b = _bounds(text, _PART_END, q.start, q.end)
    if _scoring_rule(q, text):
        return True
    if re.search(r"每满?\s*$", text[max(part_a, q.start - 3):q.start]) and _REWARD_ANY.search(text, part_a, part_b):
        return True  # '每满一万人奖励一万元'
    return (_in_condition(q, text, part_a, part_b) or _governed_by_reward(q, text)
            or _share_of_reward(q, text, part_a, part_b) or _threshold_class(q, text, part_a, part_b))


@lru_cache(maxsize=4096)  # asked once per quantity of the sentence
def _mentions_reward(text: str) -> bool:
    """Whether the sentence has a reward word anywhere (``_REWARD_VERB`` matches are a subset)."""
    return _REWARD_ANY.search(text) is not None


def _threshold_class(q: Quantity, text: str, part_a: int, part_b: int) -> bool:
    """A bound that defines a class of beneficiaries in a reward rule: '营业收入10亿元到50亿元之间的
    企业，补贴上限为…', '占比超过50%的解决方案按照…补贴额度'. Without a reward in the rule the same
    form is a target: '全省50%以上的文化馆具备数字服务能力'."""
    after = text[q.end:q.end + 6]
    m = re.match(r"\s*(之间|以内|以下|以上|及以上)?的", after)
    if not m or (q.comparator not in _BOUNDS and not m.group(1)):
        return False  # '近80%的基础研究项目' is a share, not a bound
    a, _ = _bounds(text, _CLAUSE_END, q.start, q.end)
    if _GOAL.search(text, a, q.start):
        return False
    return bool(_REWARD_ANY.search(text, part_a, part_b))


def _scoring_rule(q: Quantity, text: str) -> bool:
    """'达到90%得满分', '每降低1个百分点扣1分', '完成率=实际完成数/计划数×100%'."""
    if _FORMULA_BEFORE.search(text[max(0, q.start - 3):q.start]):
        return True
    a, b = _bounds(text, _CLAUSE_END, q.start, q.end)
    return bool(_SCORING.search(text, a, b))


def comparator_before(q: Quantity, text: str) -> Optional[str]:
    """A comparator written before the base of a share: '不超过服务资源总量的30%' → '<=',
    '至少建设一所' → '>='. None when there is none."""
    if q.comparator != "=":
        return None
    a, _ = _bounds(text, _CLAUSE_END, q.start, q.end)
    before = text[a:q.start]
    m = re.search(r"(不少于|不低于|不超过|不高于|至少|最少|超过|低于|高于)[^，,。；\d]{1,12}的\s*$", before) \
        or re.search(r"(不少于|至少|最少)[\u4e00-\u9fff]{1,3}$", before)
    if not m:
        return _shared_post_comparator(q, text, a)
    return {"不少于": ">=", "不低于": ">=", "至少": ">=", "最少": ">=", "不超过": "<=", "不高于": "<=",
            "超过": ">", "低于": "<", "高于": ">"}[m.group(1)]


_POST = {"以上": ">=", "及以上": ">=", "以下": "<=", "以内": "<=", "左右": "~"}


def _shared_post_comparator(q: Quantity, text: str, clause_start: int) -> Optional[str]:
    """'力争投资分别达到180亿元、220亿元以上': in a list of values of one unit after 分别, the
    comparator written once after the last value holds for each."""
    if not q.unit or "分别" not in text[clause_start:q.start]:
        return None
    value = r"\s*[、和及]\s*\d+(?:\.\d+)?(?:万亿|亿|万|千)?" + re.escape(q.unit)
    m = re.compile(f"(?:{value})+(及以上|以上|以下|以内|左右)").match(text, q.end)
    return _POST[m.group(1)] if m else None
