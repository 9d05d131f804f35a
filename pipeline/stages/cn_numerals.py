"""Chinese numerals ('三百五十', '一亿二千万', '二〇二三', '三点五') as numbers.

The common forms are read here; anything else goes to cn2an, imported on first use: importing
cn2an costs ~0.2 s of every start (its patterns compile on import), and most documents need no
numeral it alone can read. ``tests/test_cn_numerals.py`` checks that both agree."""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Optional

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_PLAN_NAME = re.compile(r"十[一二三四五六七八九]五")
_DIGIT_RUN = re.compile(r"[一二两三四五六七八九]{2}(?=.*[十百千万亿])|[十百千万亿].*[一二两三四五六七八九]{2}")


def _integer(s: str) -> Optional[int]:
    """The value of a numeral written with units ('三百零五', '一亿二千万', '十二'), or of a
    string of digits ('二〇二三'); None for a form left to cn2an ('三百五', '十十')."""
    if not s:
        return None
    if len(s) > 1 and all(ch in _DIGITS for ch in s):
        return int("".join(str(_DIGITS[ch]) for ch in s))
    total = section = 0
    digit: Optional[int] = None  # a digit waiting for its unit
    last_small = 10_000  # units inside a section must fall: 三千五百, not 三百五千
    bare_after_yi = False  # units below 万 after 亿 with no 零: '二亿四千' is ambiguous
    after_zero = just_big = False  # (a digit right after 万/亿: '三万五' is 35000 or 30005?)
    for ch in s:
        if ch in _DIGITS:
            if digit is not None:
                return None  # two digits in a row inside a numeral with units
            digit = _DIGITS[ch]
            if digit == 0:
                after_zero, just_big, bare_after_yi, digit = True, False, False, None
        elif ch in _SMALL:
            unit = _SMALL[ch]
            if unit >= last_small:
                return None
            if digit is None:
                if unit != 10:
                    return None  # only 十 stands for 一十 ('十二', '一百十五')
                digit = 1
            section += digit * unit
            digit, last_small, after_zero, just_big = None, unit, False, False
        elif ch in _BIG:
            if digit is not None and not after_zero and 10 < last_small < 10_000:
                return None  # '六千六万' (6006万 or 6600万?)
            section += digit or 0
            digit = None
            if not section and not total:
                return None
            if ch == "亿":
                if total >= _BIG[ch]:
                    return None  # '一百亿亿'
                total, section = (total + section) * _BIG[ch], 0
                bare_after_yi = True
            else:
                if section >= 10_000:
                    return None
                total += section * _BIG[ch]
                section, bare_after_yi = 0, False
            last_small, after_zero, just_big = 10_000, False, True
        else:
            return None
    if digit is not None:
        if not after_zero and (just_big or 10 < last_small < 10_000):
            return None  # '三百五', '三万五' (350 or 305?): cn2an decides
        section += digit
    if bare_after_yi and section:
        return None
    return total + section


def _fast(num: str) -> Optional[Decimal]:
    whole, sep, frac = num.partition("点")
    value = _integer(whole)
    if value is None:
        return None
    if not sep:
        return Decimal(value)
    if not frac or not all(ch in _DIGITS for ch in frac):
        return None
    return Decimal(f"{value}.{''.join(str(_DIGITS[ch]) for ch in frac)}")


@lru_cache(maxsize=65536)
def cn_number(num: str) -> Optional[Decimal]:
    """The value of a Chinese numeral, or None if it is none."""
    value = _fast(num)
    if value is not None:
        return value
    if not num or num[0] in "百千万亿" or _PLAN_NAME.fullmatch(num) or _DIGIT_RUN.search(num):
        # ('万', '千亿', '百千万', '十四五', slogans and lists '一三五十', '六七十': no numeral; on
        # the corpora cn2an rejects every one of them too)
        return None
    import cn2an

    try:
        return Decimal(str(cn2an.cn2an(num, "smart")))
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return None


def cn_int(num: str) -> Optional[int]:
    """The value of a numeral that counts (a heading's number, a month): None if none or not whole."""
    if num.isdigit():
        return int(num)
    value = cn_number(num)
    return int(value) if value is not None and value == value.to_integral_value() else None
