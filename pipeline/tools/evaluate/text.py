"""The comparison key of strings (GOLD.md: quotes, names, units, comparators).

The pipeline's `normalise` on both sides, NFKC, traditional characters read as simplified,
Chinese/ASCII punctuation folded, all whitespace and table rules ('|') removed: gold quotes the raw text, the tables
quote the cleaned one, and neither spacing nor a full-width comma may decide a match.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable

from pipeline.tools.evaluate.values import missing

# Units counted as one.
UNIT_ALIASES = {"人": "名", "位": "名"}
COMPARATOR_ALIASES = {"≥": ">=", "≤": "<=", "==": "=", "≈": "~", "约": "~"}
# Punctuation that NFKC leaves alone, folded to one form on both sides.
PUNCT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
                       "。": ".", "、": ",", "—": "-", "–": "-", "－": "-", "―": "-",
                       "【": "[", "】": "]", "〔": "[", "〕": "]", "…": "...", "·": ".",
                       "•": "."})
_WS = re.compile(r"[\s|｜]+")  # (a table's '|' between cells is layout, as spacing is: cleaning drops it)
_NON_WORD = re.compile(r"[\W_]+")


class _Simplified(dict):
    """Character map traditional → simplified (OpenCC t2s, one character at a time, so lengths
    never change): gold quotes the raw text, which may be traditional, while the pipeline's
    cleaned text is simplified. Filled lazily, one entry per character seen."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        try:
            from pipeline.stages.ingest import _t2s  # type: ignore

            out = _t2s().convert(ch) if ord(ch) > 0x2E80 else ch
        except Exception:  # pragma: no cover - OpenCC missing: compare as written
            out = ch
        self[code] = out if len(out) == 1 else ch
        return self[code]


_SIMPLIFIED = _Simplified()


def default_normalise() -> Callable[[str], str]:
    """The pipeline's character normalisation (the one its cleaned texts went through)."""
    try:
        from pipeline.stages.clean import normalise_chars  # type: ignore
    except Exception:  # pragma: no cover - depends on the rest of the package
        return lambda s: unicodedata.normalize("NFKC", s).translate(_SIMPLIFIED)
    return lambda s: normalise_chars(s).translate(_SIMPLIFIED)


class Text:
    """The comparison key of strings: normalise, NFKC, folded punctuation, no whitespace."""

    def __init__(self, normalise: Callable[[str], str]):
        self.normalise = normalise
        self._cache: dict[str, str] = {}
        self.located: dict[int, tuple] = {}

    def key(self, s: Any) -> str:
        if missing(s):
            return ""
        s = str(s)
        k = self._cache.get(s)
        if k is None:
            # (spacing first: a gloss spaced out, '發 ( f ā )', is still a gloss)
            k = unicodedata.normalize("NFKC", self.normalise(_WS.sub("", s))).translate(PUNCT)
            k = _WS.sub("", k)
            self._cache[s] = k
        return k

    def overlap(self, a: Any, b: Any) -> bool:
        """Either contains the other (non-empty keys)."""
        ka, kb = self.key(a), self.key(b)
        return bool(ka) and bool(kb) and (ka in kb or kb in ka)

    def unit(self, u: Any) -> str | None:
        k = self.key(u)
        return UNIT_ALIASES.get(k, k) or None

    def comparator(self, c: Any) -> str | None:
        k = self.key(c)
        return COMPARATOR_ALIASES.get(k, k) or None

    def name(self, n: Any) -> str:
        return _NON_WORD.sub("", self.key(n))


def locate(tx: Text, text: str | None, quote: str) -> int | None:
    """Offset of `quote` in `text`, ignoring whitespace on both sides (None if absent)."""
    if not text:
        return None
    pos = text.find(quote)
    if pos >= 0:
        return pos
    q = tx.key(quote)
    if not q:
        return None
    cached = tx.located.get(id(text))
    if cached is None or cached[0] is not text:
        # map each character of the whitespace-free text back to its offset in `text`
        idx, chars = [], []
        for i, ch in enumerate(text):
            if not ch.isspace():
                idx.append(i)
                chars.append(ch)
        k = unicodedata.normalize("NFKC", tx.normalise("".join(chars))).translate(PUNCT)
        cached = tx.located[id(text)] = (text, k if len(k) == len(chars) else None, idx)
    _, k, idx = cached
    if k is None:  # normalisation changed lengths: no reliable position
        return None
    j = k.find(q)
    return idx[j] if j >= 0 else None


def best_sentence(tx: Text, quote: str, texts: list[str]) -> str | None:
    """The shortest predicted sentence containing the quote, else the longest one inside it."""
    q = tx.key(quote)
    if not q:
        return None
    containing = [t for t in texts if q in tx.key(t)]
    if containing:
        return min(containing, key=len)
    inside = [t for t in texts if tx.key(t) and tx.key(t) in q]
    return max(inside, key=len) if inside else None
