"""Stage 4b: words and POS tags from jieba, wrapped in spaCy ``Doc``s for rule patterns.

jieba gets its own ``Tokenizer`` (so our user dictionary of government units never leaks into
other callers' global jieba) with its cache file in the user cache directory.
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jieba
import jieba.posseg

jieba.setLogLevel(60)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "policy-commitments"
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=1)
def pos_tokenizer() -> jieba.posseg.POSTokenizer:
    """A jieba POS tokenizer with the government-unit dictionary; built once per process."""
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(_cache_dir())
    tok.cache_file = "jieba.policy-commitments.cache"
    userdict = resources.files("pipeline.resources").joinpath("gov_units.txt")
    with resources.as_file(userdict) as path:
        tok.load_userdict(str(path))
    return jieba.posseg.POSTokenizer(tok)


def tag(text: str) -> tuple[list[str], list[str]]:
    """Words and jieba POS tags. HMM off: ~4× faster, and new words come from the dictionary."""
    words, tags = [], []
    for pair in pos_tokenizer().cut(text, HMM=False):
        words.append(pair.word)
        tags.append(pair.flag)
    return words, tags


@lru_cache(maxsize=1)
def _blank_zh():
    import spacy

    return spacy.blank("zh")  # character segmenter by default: nothing to download


def to_spacy(words: list[str], tags: list[str]):
    """A spaCy ``Doc`` over jieba's words, so ``Matcher`` patterns can use TEXT and TAG."""
    from spacy.tokens import Doc

    return Doc(_blank_zh().vocab, words=words, spaces=[False] * len(words), tags=tags)
