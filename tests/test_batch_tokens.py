"""The fast paths of pipeline.stages.tokens give exactly what jieba's POS tokenizer and the spaCy
Matcher give: they only exist because those were most of the batch's time."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import RAW
from pipeline.stages import tokens
from pipeline.stages.clean import clean_text

ALPHABET = ("组织不少于名大学生参与政务见习力争年内完成市发展改革委牵头新增个项目万亿元的了和、，。；："
            "０１２３4567.89%％abcXYZ+#&_-（）()“”《》 \n\t\u3000\u200b")


def _lines() -> list[str]:
    out = []
    for p in sorted(RAW.glob("*.txt")):
        text, _ = clean_text(p.read_text(encoding="utf-8"))
        for line in text.split("\n"):
            out.extend(s for s in re.split("(?<=[。；])", line) if s)
    return out


def test_tag_equals_jieba_posseg_on_the_raw_documents():
    assert tokens._rust_segmenter() is not None, "rjieba (a dependency) is not installed"
    lines = _lines()
    assert len(lines) > 1000
    for line in lines:
        assert tokens.tag_jieba(line) == tokens.tag_posseg(line), line


def test_the_python_fallback_equals_jieba_posseg_on_the_raw_documents(monkeypatch):
    """Without rjieba, ``_cut_han`` segments: the same words and tags."""
    monkeypatch.setattr(tokens, "_rust_segmenter", lambda: None)
    for line in _lines():
        assert tokens.tag_jieba(line) == tokens.tag_posseg(line), line


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_tag_equals_jieba_posseg_on_random_text(text):
    assert tokens.tag_jieba(text) == tokens.tag_posseg(text)
    assert tokens._tag_python_only(text) == tokens.tag_posseg(text)


def test_first_action_equals_the_spacy_matcher_on_the_raw_documents():
    n = 0
    for line in _lines():
        words, tags = tokens.tag_jieba(line)
        assert tokens.first_action(words, tags) == tokens.first_action_spacy(words, tags), line
        n += 1
    assert n > 1000


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["组织", "推进", "做", "加快", "新建", "改扩建", "确保", "要",
                                           "实施", "的", "a", "大学生"]),
                          st.sampled_from(["v", "vd", "vg", "vn", "n", "x", "uj", "m", "d"])),
                max_size=10))
def test_first_action_equals_the_spacy_matcher_on_random_tags(pairs):
    words = [w for w, _ in pairs]
    tags = [t for _, t in pairs]
    assert tokens.first_action(words, tags) == tokens.first_action_spacy(words, tags)


def test_the_copied_patterns_are_jiebas_own():
    import jieba.posseg as posseg

    from pipeline.stages import tokens

    for ours, theirs in [(tokens._RE_HAN, posseg.re_han_internal), (tokens._RE_SKIP, posseg.re_skip_internal),
                         (tokens._RE_NUM, posseg.re_num), (tokens._RE_ENG, posseg.re_eng),
                         (tokens._RE_ENG1, posseg.re_eng1)]:
        assert (ours.pattern, ours.flags) == (theirs.pattern, theirs.flags)


def test_the_cached_dictionary_is_jiebas_with_the_user_dictionary(tmp_path, monkeypatch):
    from pipeline.stages import tokens

    monkeypatch.setattr(tokens, "user_cache_dir", lambda: tmp_path)
    tokens.dictionary.cache_clear()
    try:
        built = tokens.dictionary()  # built from jieba, then written
        assert len(list(tmp_path.glob("dictionary-*.bin"))) == 1
        tokens.dictionary.cache_clear()
        loaded = tokens.dictionary()  # read back
    finally:
        tokens.dictionary.cache_clear()
    pos = tokens.pos_tokenizer()
    assert built == loaded
    assert loaded[0] == {w: f for w, f in pos.tokenizer.FREQ.items() if f}
    assert loaded[1] == pos.tokenizer.total
    assert loaded[2] == {w: t for w, t in pos.word_tag_tab.items() if t}
    assert loaded[2]["县财政局"] and loaded[0]["县财政局"]  # the government-unit dictionary
