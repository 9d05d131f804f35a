"""The shortcuts taken for speed give what the plain computation gives, on the sentences of
real documents (data/raw): quantities tried only where one can open, the word tags around a
mention by bisection, the scope of a target read only when a sub-area word is before it."""
from pathlib import Path

import pytest

from pipeline.ml.features import _tags_around
from pipeline.stages import indicators
from pipeline.stages.numbers import _matches, _pattern, find_fractions, _FRACTIONS

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _sentences() -> list[str]:
    out = []
    for path in sorted(RAW.glob("*.txt"), key=lambda p: (-p.stat().st_size, p.name))[:8]:  # the longest
        text = path.read_text("utf-8")
        for part in text.replace("。", "。\n").splitlines():
            if part.strip():
                out.append(part.strip())
    return out


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    got = _sentences()
    assert len(got) > 500
    return got


def test_quantities_are_tried_only_where_one_can_open(sentences):
    for s in sentences + ["上千万元", "突破千亿", "百分之三十", "约5000-6000万元", "不少于两个", "１２３个"]:
        assert [(m.span(), m.groups()) for m in _matches(s)] == [(m.span(), m.groups()) for m in _pattern().finditer(s)]


def test_fractions_precheck_loses_none(sentences):
    for s in sentences + ["超过一半的企业", "三分之二以上", "半数以上"]:
        assert [q.raw for q in find_fractions(s)] == [m.group(0) for m in _FRACTIONS.finditer(s)]


def _walk(words, tags, start, end):
    pos, before, after = 0, "<s>", "</s>"
    for w, t in zip(words, tags):
        if pos + len(w) <= start:
            before = t
        elif pos >= end:
            after = t
            break
        pos += len(w)
    return before, after


def test_tags_around_a_mention_by_bisection():
    words = ["全年", "新增", "城镇", "就业", "110", "万人", "以上", "，", "", "调查", "失业率", "5.5%", "左右"]
    tags = ["t", "v", "n", "vn", "m", "m", "f", "x", "x", "vn", "n", "m", "m"]
    n = sum(map(len, words))
    for start in range(n + 2):
        for end in range(start, n + 3):
            assert _tags_around(words, tags, start, end) == _walk(words, tags, start, end)
            assert _tags_around(words, tags[:-2], start, end) == _walk(words, tags[:-2], start, end)


def test_scope_pre_check_changes_no_answer(sentences, monkeypatch):
    """``scope_of`` returns 'whole' early when no sub-area word precedes the quantity; with the
    pre-check disabled (a pattern that always matches) every answer is the same."""
    texts = sentences[:300] + ["兰州新区地区生产总值增长12%，全市增长6%", "其中，高新区全年规上工业增加值增长8%",
                               "山区26县生产总值增长7.5%", "推动开发区改革，地区生产总值增长6%"]
    spots = [(s, a, m) for s in texts for a in range(0, len(s), 5) for m in (None, "gdp_growth")]
    fast = [indicators.scope_of(s, a, m) for s, a, m in spots]
    import re
    monkeypatch.setattr(indicators, "_sub_area_word", lambda: re.compile(""))
    assert [indicators.scope_of(s, a, m) for s, a, m in spots] == fast
    assert "兰州新区" in fast and "山区26县" in fast
