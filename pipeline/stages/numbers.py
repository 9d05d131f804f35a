"""The grammar of Chinese quantities: numerals, 万/亿 scaling, units, comparators and ranges.

`find_quantities(text)` returns every quantity mention with offsets; deciding which of them
is a committed target is the job of `extractors.targets`.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Iterator, NamedTuple, Optional

from pipeline.stages.cn_numerals import cn_number


class Quantity(NamedTuple):
    """One quantity mention, offsets into the text it was found in. A named tuple (immutable,
    equal and hashed by its fields, as the frozen dataclass it was): a report has thousands, and
    a frozen dataclass's ``__init__`` sets each of its eleven fields through
    ``object.__setattr__`` (2.6 µs a mention, five times a tuple's)."""
    start: int
    end: int
    raw: str
    value: float
    value_max: Optional[float]
    unit: Optional[str]
    unit_kind: Optional[str]
    comparator: str
    chinese: bool  # written in Chinese numerals
    multiplier: bool  # had 万/亿/千 folded in
    big: bool = False  # written 'N大' ('3大平台', '三大类'): a count of major kinds


@lru_cache(maxsize=1)
def units() -> dict[str, str]:
    """Unit → kind, from the versioned resource file."""
    table: dict[str, str] = {}
    text = resources.files("pipeline.resources").joinpath("units.txt").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            unit, _, kind = line.partition("\t")
            table[unit.strip()] = kind.strip() or "other"
    return table


_MULTIPLIERS = {"万亿": Decimal(10) ** 12, "千亿": Decimal(10) ** 11, "百亿": Decimal(10) ** 10,
                "十亿": Decimal(10) ** 9, "亿": Decimal(10) ** 8, "千万": Decimal(10) ** 7,
                "百万": Decimal(10) ** 6, "十万": Decimal(10) ** 5, "万": Decimal(10) ** 4,
                "千": Decimal(1000), "百": Decimal(100)}

# Comparator words before the number (longest first) and after it.
PRE_COMPARATORS = [
    ("不少于", ">="), ("不低于", ">="), ("至少", ">="), ("最少", ">="), ("最低", ">="),
    ("不超过", "<="), ("不高于", "<="), ("最多", "<="), ("最高", "<="), ("不足", "<"), ("不到", "<"),
    ("超过", ">"), ("多于", ">"), ("高于", ">"), ("突破", ">"), ("逾", ">"), ("超", ">"),
    ("低于", "<"), ("少于", "<"), ("大约", "~"), ("接近", "~"), ("约", "~"), ("近", "~"),
    ("控制在", "<="),
]
POST_COMPARATORS = [("及以上", ">="), ("以上", ">="), ("以内", "<="), ("以下", "<="),
                    ("左右", "~"), ("上下", "~"), ("之内", "<=")]

_CANONICAL_UNITS = {"人民币": "元"}
_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_DIGIT = "零〇一二两三四五六七八九"
_CN = rf"[{_CN_DIGIT}十百千万亿]+(?:点[{_CN_DIGIT}]+)?"
_MULT = r"(?:万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千(?![瓦米克伏])|百(?!分))"
_APPROX = r"(?:余|多)"
# 'N大' before a noun counts major kinds ('3大平台', '五大主题数据库', '三大类'); not 大型, 大学, 大会…
_BIG = r"大(?![型学会众气力幅批量小中于约概致体多部厅楼道赛队家户项个都市片步连])"


# A one-character unit that starts a word is not a unit there: 家庭, 人民, 项目, 部门, 支持…
_NOT_AFTER = {"家": "庭乡属园具电居", "人": "民口员均才", "个": "人体性", "项": "目", "条": "件例款",
              "部": "门分署", "单": "位", "支": "持付出", "处": "理置", "期": "间限", "本": "地级",
              "组": "织", "队": "伍", "种": "植子类", "台": "风", "所": "有在属", "元": "素",
              "起": "来步", "度": "过假", "门": "类户槛", "次": "数序", "类": "型别", "片": "区",
              "批": "准次", "场": "所地景", "座": "谈", "只": "是有要", "列": "入", "份": "额",
              "例": "如", "天": "然", "米": "粮"}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    unit_alt = "|".join(re.escape(u) + (f"(?![{_NOT_AFTER[u]}])" if u in _NOT_AFTER else "")
                        for u in sorted(units(), key=len, reverse=True))
    pre = "|".join(w for w, _ in PRE_COMPARATORS)
    post = "|".join(w for w, _ in POST_COMPARATORS)
    number = (rf"(?:(?P<pct>百分之)(?P<pctnum>{_AR}|{_CN})"
              rf"|(?P<up>上)?(?P<num>{_AR}|{_CN})(?P<approx1>{_APPROX})?(?P<mult>{_MULT})?)")
    second = (rf"(?:(?P<sep>至|到|—+|–|-|~|～)(?P<num2>{_AR}|{_CN})(?P<mult2>{_MULT})?)")
    return re.compile(
        rf"(?P<pre>{pre})?{number}(?P<approx2>{_APPROX})?(?P<big>{_BIG})?(?P<unit1>{unit_alt})?"
        rf"(?:{second}(?P<unit2>{unit_alt})?)?(?P<post>{post})?")


@lru_cache(maxsize=65536)  # Decimals are immutable; the same numerals recur in every report
def _to_decimal(num: str) -> Optional[Decimal]:
    num = num.replace(",", "")
    try:
        if re.fullmatch(r"\d+(?:\.\d+)?", num):
            return Decimal(num)
        return cn_number(num)
    except (ValueError, KeyError, InvalidOperation, TypeError):
        return None


def _number(m: re.Match, num_group: str, mult_group: str) -> Optional[Decimal]:
    value = _to_decimal(m.group(num_group))
    if value is None:
        return None
    mult = m.group(mult_group)
    if mult:
        value *= _MULTIPLIERS[mult]
    return value


def _clean_float(value: Decimal) -> float:
    """Decimal → float without binary noise (16.4亿 → 1640000000.0, not 1639999999.9999998)."""
    return float(value.normalize()) if value == value.to_integral_value() else float(value)


@lru_cache(maxsize=1)
def _opening() -> re.Pattern:
    """One character a match of ``_pattern`` can open with: a comparator word's first character,
    百 (百分之), 上 (上千万), a digit or a Chinese numeral. Change it with ``_pattern``."""
    first = {w[0] for w, _ in PRE_COMPARATORS} | set("百上") | set(_CN_DIGIT + "十百千万亿")
    return re.compile(rf"[{re.escape(''.join(sorted(first)))}\d]")


def _matches(text: str) -> Iterator[re.Match]:
    """``_pattern().finditer(text)``, tried only where a match can open: re scans the character
    class in C, while the whole pattern would be tried at every position (a third of the time)."""
    pattern = _pattern()
    end = 0
    for c in _opening().finditer(text):
        s = c.start()
        if s < end:
            continue  # inside the previous match: finditer goes on from its end
        m = pattern.match(text, s)
        if m is not None:
            yield m
            end = m.end()  # never empty: a match holds a number


_GROUPS = ("pre", "pct", "pctnum", "up", "num", "approx1", "mult", "approx2", "big", "unit1",
           "num2", "mult2", "unit2", "post")
_PRE = dict(PRE_COMPARATORS)
_POST = dict(POST_COMPARATORS)


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-unit (or bare number) in ``text``, left to right, non-overlapping."""
    out: list[Quantity] = []
    kinds = units()
    last_end = 0
    for m in _matches(text):
        # the groups in one call: most sentences hold a few matches, each read a dozen times
        pre, pct, pctnum, up, num, approx1, mult, approx2, big, unit1, num2, mult2, unit2, post = m.group(*_GROUPS)
        if num is None and pctnum is None or m.start() < last_end:
            continue
        chinese = not (pctnum or num)[:1].isdecimal()  # re's \d is a decimal digit
        if pct:
            value = _to_decimal(pctnum)
            unit = "%"
        else:
            value = _to_decimal(num)
            if value is not None and mult:
                value *= _MULTIPLIERS[mult]
            unit = unit1 or unit2
            unit = _CANONICAL_UNITS.get(unit, unit)
        if chinese and num and not _plausible_chinese(num):
            bandwidth = kinds.get(unit or "") == "bandwidth"  # '千兆', '万兆到旗县区'
            if not (up or pre or bandwidth) or not _BARE_MAGNITUDE.match(num):
                continue
            value = _magnitude(num)  # '上千万' → 10000000, '突破千亿' → 100000000000
        if value is None:
            continue
        value_max = None
        comparator = "="
        start = m.start()
        end = m.end()
        if num2 is not None:
            second = _to_decimal(num2)
            if second is not None and mult2:
                second *= _MULTIPLIERS[mult2]
            if mult2 and not mult and num:
                # '5000-6000万元': the multiplier written once applies to both ends
                value *= _MULTIPLIERS[mult2]
            if second is None or second <= value or (unit1 and unit2 and unit1 != unit2):
                # not a range: keep the first number only
                end = m.start("sep")
            else:
                value_max = second
                comparator = "range"
        # comparators
        if pre:
            comparator = _PRE[pre] if comparator == "=" else comparator
        if up:
            comparator = ">="
        if (approx1 or approx2) and comparator in ("=",):
            comparator = ">"
        if post and end == m.end():
            if comparator in ("=", "<=", ">"):  # '控制在5.5%以内' → <=, '30余家以上' → >=
                comparator = _POST[post]
        if big and unit is not None and unit != "类" and value_max is None:
            unit, end = None, m.start("unit1")  # '十大名山公园', '五大支柱': only '三大类' is 'N大'+unit
        kind = kinds.get(unit) if unit else None
        if unit and end == m.end():
            per = _PER_TIME.match(text, end)
            if per:  # '新增污水处理能力30万吨/日': a rate, its unit as written; '46000元/人以上',
                # '835元/人月', '1000元/头': an amount per person, head or area keeps its unit (the
                # annotators' '元'), the tail and a comparator after it are the quantity's words
                t = per.group("t")
                unit, end = (unit + "/" + t if t in _TIME_PER else unit), per.end()
                tail = _POST_AFTER.match(text, end)
                if tail:
                    end = tail.end()
                    if comparator in ("=", "<=", ">"):
                        comparator = _POST[tail.group(0)]
            alt = _ALT_UNIT.match(text, end)
            if alt and alt.group("u") in kinds and kinds.get(alt.group("u")) == kind:
                end = alt.end()  # '5000户（套）': the unit's alternative belongs to the quantity
        ratio = _RATIO.match(text, end) if unit is None and not chinese and value_max is None else None
        if ratio:  # '提高到0.8:1': the ratio's first term, unit null (GOLD.md)
            end = last_end = ratio.end()
            kind = "ratio"
        raw = text[start:end]
        out.append(Quantity(
            start=start, end=end, raw=raw, value=_clean_float(value),
            value_max=_clean_float(value_max) if value_max is not None else None,
            unit=unit, unit_kind=kind, comparator=comparator,
            chinese=chinese, multiplier=bool(mult or mult2),
            big=bool(big) and value_max is None,
        ))
    return out


_ALT_UNIT = re.compile(r"[（(](?P<u>[^（）()\d]{1,2})[）)]")
_PER_TIME = re.compile(r"\s*/\s*(?P<t>(?:人|户)(?:[·•]?(?:年|月|日|天))?|小时|日|天|年|月|周|时|秒|亩|吨|头|床|辆|台|平方米)")
_TIME_PER = frozenset({"小时", "日", "天", "年", "月", "周", "时", "秒"})
_POST_AFTER = re.compile("|".join(w for w, _ in sorted(POST_COMPARATORS, key=lambda x: -len(x[0]))))
_RATIO = re.compile(r"\s*[:：∶]\s*1(?![\d.:：∶])")  # 'N:1'; '8:30' (a time) has no second term 1
_BARE_MAGNITUDE = re.compile(r"^[十百千万亿]{1,3}$")


def _magnitude(word: str) -> Decimal:
    value = Decimal(1)
    for ch in word:
        value *= {"十": 10, "百": 100, "千": 1000, "万": 10 ** 4, "亿": 10 ** 8}[ch]
    return value


_CN_WORD = re.compile(rf"^[{_CN_DIGIT}十百千万亿点]+$")


def _plausible_chinese(num: str) -> bool:
    """Chinese numerals that read as a number (not '万' alone or '亿万')."""
    if not _CN_WORD.match(num) or num in ("万", "亿", "千", "百", "亿万", "千万", "百万"):
        return False
    # digits side by side with no 十/百/千 are a list of ordinals, no number: '一二期', '三四线城市'
    return not (len(num) >= 2 and all(ch in "一二三四五六七八九两" for ch in num))


_FRACTIONS = re.compile(r"(?P<pre>超过|不少于|不低于|至少|近|约)?(?P<frac>一半|半数|三分之一|三分之二|四分之一|四分之三|五分之一)(?P<post>以上|左右)?")
_FRACTION_VALUES = {"一半": 0.5, "半数": 0.5, "三分之一": 1 / 3, "三分之二": 2 / 3,
                    "四分之一": 0.25, "四分之三": 0.75, "五分之一": 0.2}


def find_fractions(text: str) -> list[Quantity]:
    """'一半以上', '超过一半', '三分之一': shares written as words."""
    if "半" not in text and "分之" not in text:
        return []  # every fraction word holds one of them; most sentences hold neither
    out = []
    for m in _FRACTIONS.finditer(text):
        comparator = "="
        if m.group("pre"):
            comparator = dict(PRE_COMPARATORS)[m.group("pre")]
        if m.group("post"):
            comparator = dict(POST_COMPARATORS)[m.group("post")]
        out.append(Quantity(m.start(), m.end(), m.group(0), _FRACTION_VALUES[m.group("frac")], None,
                            None, "share", comparator, True, False))
    return out


@lru_cache(maxsize=4096)  # `both` reads each sentence twice (model, then rules); Quantity is frozen
def quantity_mentions(text: str) -> tuple[Quantity, ...]:
    """Every quantity mention of a text (numbers with units, shares in words), left to right."""
    return tuple(sorted(find_quantities(text) + find_fractions(text), key=lambda q: q.start))
