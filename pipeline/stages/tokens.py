"""Stage 4b: words and POS tags from jieba, wrapped in spaCy ``Doc``s for rule patterns.

jieba gets its own ``Tokenizer`` (so our user dictionary of government units never leaks into
other callers' global jieba) with its cache file in the user cache directory.
"""
from __future__ import annotations

import contextlib
import math
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jieba

jieba.setLogLevel(60)


def user_cache_dir() -> Path:
    """Where the program keeps what it builds once per machine (dictionaries, tables)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "policy-commitments"
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=1)
def pos_tokenizer() -> "jieba.posseg.POSTokenizer":
    """A jieba POS tokenizer with the government-unit dictionary; built once per process
    (only to build ``dictionary()`` and for the pure-Python path: importing jieba.posseg
    alone costs 0.3 s, its HMM tables)."""
    import jieba.posseg

    tok = jieba.Tokenizer()
    tok.tmp_dir = str(user_cache_dir())
    tok.cache_file = "jieba.policy-commitments.cache"
    userdict = resources.files("pipeline.resources").joinpath("gov_units.txt")
    with resources.as_file(userdict) as path:
        tok.load_userdict(str(path))
    return jieba.posseg.POSTokenizer(tok)


def tag_posseg(text: str) -> tuple[list[str], list[str]]:
    """Words and POS tags straight from jieba's ``POSTokenizer.cut(HMM=False)``: the reference
    that ``tag`` must reproduce exactly."""
    words, tags = [], []
    for pair in pos_tokenizer().cut(text, HMM=False):
        words.append(pair.word)
        tags.append(pair.flag)
    return words, tags


@lru_cache(maxsize=1)
def _tagger_tables():
    """What ``tag`` needs of the POS tokenizer, computed once: every entry of jieba's frequency
    dictionary (words and their prefixes) → its log probability ``log(freq) - log(total)``, or
    None for a prefix that is no word (freq 0); the score of a character that is no word; and
    the word → POS table (user dictionary merged)."""
    pos = pos_tokenizer()
    pos.makesure_userdict_loaded()
    pos.tokenizer.check_initialized()
    logtotal = math.log(pos.tokenizer.total)
    log = math.log
    logprob = {w: (log(f) - logtotal if f else None) for w, f in pos.tokenizer.FREQ.items()}
    return logprob, log(1) - logtotal, pos.word_tag_tab


# jieba.posseg's own patterns (re_han_internal, re_skip_internal, re_num, re_eng, re_eng1),
# copied so that tagging needs no jieba.posseg import; tests/test_batch_tokens.py checks them.
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)", re.U)
_RE_SKIP = re.compile("(\r\n|\\s)", re.U)
_RE_NUM = re.compile("[\\.0-9]+", re.U)
_RE_ENG = re.compile("[a-zA-Z0-9]+", re.U)
_RE_ENG1 = re.compile("^[a-zA-Z0-9]$", re.U)
_ABSENT = object()
_NUM_OR_ENG = re.compile(r"[.0-9a-zA-Z]")  # what jieba's re_num / re_eng can match


def _cut_han(block: str, words: list[str], tags: list[str], tables) -> None:
    """jieba's ``__cut_DAG_NO_HMM`` on one block: ``get_DAG`` and ``calc`` fused into one
    backward pass (same scores, same float operations, same tie-break: the longer word wins),
    with one dictionary lookup per fragment and no per-word generator or ``pair`` objects.
    ~2× faster than jieba's own loop."""
    logprob, unknown, tag_tab = tables
    get = logprob.get
    n = len(block)
    score = [0.0] * (n + 1)
    nxt = list(range(1, n + 2))
    for k in range(n - 1, -1, -1):
        best = None
        i = k
        lp = get(block[k], _ABSENT)
        while lp is not _ABSENT:  # jieba's get_DAG: extend while the fragment is a dict prefix
            if lp is not None:
                s = lp + score[i + 1]
                if best is None or s >= best:  # i ascends: on a tie the later end wins, as max()
                    best = s
                    nxt[k] = i + 1
            i += 1
            if i >= n:
                break
            lp = get(block[k:i + 1], _ABSENT)
        if best is None:  # no dictionary word starts here: the single character, freq 1
            best = unknown + score[k + 1]
        score[k] = best
    x = 0
    buf = ""
    while x < n:
        y = nxt[x]
        word = block[x:y]
        if _RE_ENG1.match(word):
            buf += word
        else:
            if buf:
                words.append(buf)
                tags.append("eng")
                buf = ""
            words.append(word)
            tags.append(tag_tab.get(word, "x"))
        x = y
    if buf:
        words.append(buf)
        tags.append("eng")


# The tagger backend (pipeline/stages/taggers.py): None is jieba, the default; else a callable
# text -> (words, tags). Set by the pipeline object for the documents it runs
# (``Settings(backend=...)``): never read from the environment.
_backend = None


def set_backend(tagger) -> None:
    """``tag`` uses ``tagger`` (text -> (words, tags)) from now on; None: jieba."""
    global _backend
    _backend = tagger


def get_backend():
    return _backend


def tag(text: str) -> tuple[list[str], list[str]]:
    """Words and POS tags of the active backend: jieba's (``tag_jieba``) unless ``--backend``
    chose another (pipeline/stages/taggers.py)."""
    if _backend is not None:
        return _backend(text)
    return tag_jieba(text)


_DICTIONARY_FORMAT = "4"


def _dictionary_path() -> Path:
    """The cache file of ``dictionary()``: keyed by jieba's version and dictionary file and by
    our user dictionary's bytes."""
    import hashlib

    userdict = resources.files("pipeline.resources").joinpath("gov_units.txt").read_bytes()
    main = Path(jieba.__file__).with_name("dict.txt")
    st = main.stat()
    key = hashlib.sha256(f"{_DICTIONARY_FORMAT}\0{jieba.__version__}\0{st.st_size}\0{st.st_mtime_ns}\0"
                         .encode() + userdict).hexdigest()[:16]
    return user_cache_dir() / f"dictionary-{key}.bin"


def _dictionary_blob() -> tuple:
    """The dictionary in its cache layout (``_blob``), read from the cache file (0.02 s), or
    built from jieba (a second or more: its dictionary, then the user dictionary word by word,
    then its tag table) and written there for the next start. Kept until ``_rust_tags`` took
    what it needs of it (``_segmenter_entries`` takes the rest, before)."""
    return _blob_at(_dictionary_path())


@lru_cache(maxsize=1)
def _blob_at(path: Path) -> tuple:
    try:
        return _load_blob(path)
    except (OSError, EOFError, ValueError, TypeError, IndexError):
        pass
    pos = pos_tokenizer()
    pos.makesure_userdict_loaded()
    pos.tokenizer.check_initialized()
    freq = {w: f for w, f in pos.tokenizer.FREQ.items() if f}
    tags = {w: t for w, t in pos.word_tag_tab.items() if t}
    userdict = resources.files("pipeline.resources").joinpath("gov_units.txt").read_text("utf-8")
    user = [w for w in dict.fromkeys(line.split()[0] for line in userdict.splitlines() if line.split())
            if w in freq]
    blob = _blob(freq, pos.tokenizer.total, tags, user)
    _save_blob(path, blob)
    return blob


@lru_cache(maxsize=1)
def dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """Our tokenizer's dictionary as jieba and the tagger read it: every word with its
    frequency (user dictionary merged; no zero-frequency prefixes), jieba's total, and word →
    POS tag. Kept in the cache directory (``_dictionary_blob``) in a layout that loads in C
    loops (``_blob``). A run needs only its tags (``_rust_tags``) and its user words
    (``_rust_segmenter``): this is the reference they are checked against."""
    from array import array

    _, total, joined, freqs, groups, _, _ = _dictionary_blob()
    counts = array("q")
    counts.frombytes(freqs)
    return dict(zip(joined.split("\n"), counts)), total, _tags_from(groups, dict)


def _blob(freq: dict[str, int], total: int, tags: dict[str, str], user: list[str]) -> tuple:
    """(format, jieba's total, the words that have a frequency joined by newlines, their
    frequencies (int64 bytes), (tag, its words joined by newlines) for every POS tag, the user
    dictionary's (word, frequency) pairs, the sum of the frequencies). Each part loads in C
    loops: a split, an array, ``dict.fromkeys`` per tag."""
    from array import array

    by_tag: dict[str, list[str]] = {}
    for word, t in tags.items():
        by_tag.setdefault(t, []).append(word)
    groups = tuple((t, "\n".join(words)) for t, words in sorted(by_tag.items(), key=lambda kv: -len(kv[1])))
    return (_DICTIONARY_FORMAT, total, "\n".join(freq), array("q", freq.values()).tobytes(), groups,
            tuple((w, freq[w]) for w in user), sum(freq.values()))


def _tags_from(groups: tuple, cls: type) -> dict:
    """Word → tag (a ``cls``) from the blob's groups: the largest by ``fromkeys``, each other by
    ``update`` (the groups are disjoint)."""
    from itertools import repeat

    if not groups:
        return cls()
    (first, joined), rest = groups[0], groups[1:]
    tags = cls.fromkeys(joined.split("\n"), first)
    for t, joined in rest:
        tags.update(zip(joined.split("\n"), repeat(t)))
    return tags


def _save_blob(path: Path, blob: tuple) -> None:
    import marshal

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            marshal.dump(blob, f)
        os.replace(tmp, path)
    except OSError:  # a read-only cache directory: built again next time
        with contextlib.suppress(OSError):
            tmp.unlink()


def _load_blob(path: Path) -> tuple:
    import marshal

    with open(path, "rb") as f:
        blob = marshal.load(f)
    if not isinstance(blob, tuple) or len(blob) != 7 or blob[0] != _DICTIONARY_FORMAT:
        raise ValueError("another format")
    return blob


def _rjieba():
    """rjieba's ``Jieba`` class, or None when rjieba is not installed. Its extension module is
    imported alone where it can be: ``import rjieba`` also builds a default segmenter (jieba-rs's
    whole dictionary, 0.1 s of every start) that nothing here uses."""
    import sys

    ext = sys.modules.get("rjieba.rjieba")
    if ext is None:
        try:
            import importlib.machinery
            import importlib.util

            package = importlib.util.find_spec("rjieba")
            spec = importlib.machinery.FileFinder(
                package.submodule_search_locations[0],
                (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES),
            ).find_spec("rjieba.rjieba")
            ext = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(ext)
            sys.modules["rjieba.rjieba"] = ext  # (``import rjieba`` later finds it: loaded once)
        except Exception:  # not installed, or laid out otherwise: the package's own import
            try:
                import rjieba as ext
            except ImportError:  # pragma: no cover - rjieba is a dependency; kept optional on purpose
                return None
    return ext.Jieba


@lru_cache(maxsize=1)
def _rust_segmenter():
    """jieba-rs (``rjieba``) loaded with exactly our tokenizer's dictionary — every word with
    its frequency, the user dictionary included, and the same total, so every score is the
    same — or None when rjieba is not installed (``_cut_han`` then does the work in Python).
    Its DAG segmentation of a Han block is jieba's, ~3× faster per block.

    jieba-rs's bundled dictionary is jieba's dict.txt (the same words and frequencies; its
    total the sum of the distinct words'), built in Rust in 0.1 s: our user words are added to
    it, instead of all 349k words one call at a time (0.25 s). tests/test_batch_tokens.py and
    tests/test_startup.py check that both give the same frequencies, total and words."""
    Jieba = _rjieba()
    if Jieba is None:
        return None
    jieba_total, user, total = _segmenter_entries()
    seg = Jieba()
    for word, f in user:
        seg.add_word(word, f, "x")
    # jieba's total also counts the dictionary's duplicate lines: a word no text contains
    # (a private-use character) carries the difference, so log(freq / total) is jieba's.
    if jieba_total > total:
        seg.add_word("\ue000\ue001", jieba_total - total, "x")
    return seg.cut


@lru_cache(maxsize=1)
def _segmenter_entries() -> tuple[int, tuple[tuple[str, int], ...], int]:
    """(jieba's total, the user dictionary's (word, frequency) pairs, the sum of the
    frequencies of the distinct words): what jieba-rs needs beyond its bundled dictionary."""
    _, jieba_total, _, _, _, user, total = _dictionary_blob()
    return jieba_total, user, total


def _rust_segmenter_word_by_word():
    """The reference for ``_rust_segmenter``: an empty jieba-rs given every word of
    ``dictionary()`` (for tests)."""
    freq, jieba_total, _ = dictionary()
    seg = _rjieba().empty()
    for word, f in freq.items():
        seg.add_word(word, f, "x")
    total = sum(freq.values())
    if jieba_total > total:
        seg.add_word("\ue000\ue001", jieba_total - total, "x")
    return seg


def _tag_words(got: list[str], words: list[str], tags: list[str], tag_of: dict) -> None:
    """``_cut_han``'s tags for the words jieba-rs cut a Han block into (``_rust_tags``)."""
    words += got
    tags += map(tag_of.__getitem__, got)  # (a C loop; words not in it: ``_Tags.__missing__``)


class _Tags(dict):
    """Word → tag; a word not in the dictionary is 'eng' when ASCII letters/digits, else 'x'
    (computed, not stored: numbers are countless)."""

    def __missing__(self, word: str) -> str:
        return "eng" if word.isascii() and word.isalnum() else "x"


@lru_cache(maxsize=1)
def _rust_tags() -> "_Tags":
    """Word → jieba POS tag, as jieba's POS tokenizer tags the words of a Han block: the user
    dictionary's and jieba's tags, except that a single ASCII letter or digit is 'eng' (jieba-rs
    already joins runs of them, jieba's ``re_eng`` buffer, which jieba tags 'eng'); a word not
    in the dictionary is 'eng' when ASCII letters/digits, else 'x'."""
    import string

    groups = _dictionary_blob()[4]
    tags = _tags_from(groups, _Tags)
    _blob_at.cache_clear()  # (its 10 MB are needed no more)
    tags.update(dict.fromkeys(string.ascii_letters + string.digits, "eng"))
    for joined in (joined for _, joined in groups):  # (none in jieba 0.42's dictionary; 8 ms)
        for char in _NON_HAN_CHAR_LINE.findall(joined):
            del tags[char]  # so that every character outside the Han blocks is tagged 'x'
    return tags


# A dictionary line that is one character outside ``_RE_HAN``'s class: jieba tags such a
# character 'x' outside a Han block whatever the dictionary says (``tag_jieba`` looks every word
# up in one table, so ``_rust_tags`` leaves these out).
_NON_HAN_CHAR_LINE = re.compile(r"^[^\n\u4E00-\u9FD5a-zA-Z0-9+#&._]$", re.M)


def _tag_python_only(text: str) -> tuple[list[str], list[str]]:
    """``tag_jieba`` without jieba-rs (what runs when rjieba is missing); for tests."""
    return tag_jieba(text, rust=False)


def tag_jieba(text: str, rust: bool = True) -> tuple[list[str], list[str]]:
    """Words and jieba POS tags. HMM off: ~4× faster, and new words come from the dictionary.

    The same output as ``tag_posseg`` (jieba's ``POSTokenizer.cut(text, HMM=False)``), the Han
    blocks segmented by jieba-rs (``_tag_rust``) or, without it, by ``_cut_han``;
    tests/test_batch_tokens.py checks both agree with jieba on real and random text."""
    cut = _rust_segmenter() if rust else None
    if cut is None or "\r" in text or _SEP in text:
        return _tag_blocks(text, cut)
    return _tag_rust(text, cut, _rust_tags())


_SEP = "\x00"  # joins words inside ``_tag_rust`` (a text holding it goes through ``_tag_blocks``)
_BLOCK_SEP = _SEP + "\n" + _SEP  # between two Han blocks of jieba-rs's output (joined by '\n')


def _tag_rust(text: str, cut, tag_of: "_Tags") -> tuple[list[str], list[str]]:
    """``_tag_blocks`` with jieba-rs in a few C loops, for a text without '\\r' (jieba keeps
    '\\r\\n' as one word) and without ``_SEP``: outside the Han blocks of ``_RE_HAN`` (which hold
    every digit, Latin letter and '.') jieba makes every character a word tagged 'x', which is
    what ``tag_of`` gives them (``_rust_tags``); so the words are the Han blocks' jieba-rs words
    and the other characters, joined once, split once and looked up once. Per block, the
    Python loop and list growth cost twice jieba-rs's segmentation."""
    parts = _RE_HAN.split(text)  # non-Han, Han, non-Han, …: the Han blocks at odd positions
    if len(parts) > 1:
        # one jieba-rs call for all the Han blocks, joined by '\n' (never inside a block;
        # jieba-rs returns it as a word of its own)
        parts[1::2] = _SEP.join(cut("\n".join(parts[1::2]), False)).split(_BLOCK_SEP)
    parts[0::2] = [_SEP.join(block) for block in parts[0::2]]
    joined = _SEP.join(filter(None, parts))
    if not joined:
        return [], []
    words = joined.split(_SEP)
    return words, list(map(tag_of.__getitem__, words))


def _tag_blocks(text: str, cut) -> tuple[list[str], list[str]]:
    """``tag_jieba`` block by block, as jieba's tokenizer goes: the Han blocks by jieba-rs
    (``cut``) or, when it is None, by ``_cut_han``; every other character a word of its own."""
    tag_of = _rust_tags() if cut is not None else None
    tables = None if cut is not None else _tagger_tables()
    words: list[str] = []
    tags: list[str] = []
    parts = _RE_HAN.split(text)  # non-Han, Han, non-Han, …: the Han blocks at odd positions
    if cut is not None:
        # one jieba-rs call for all the Han blocks of the text, joined by '\n' (never inside
        # a block; jieba-rs returns it as a word of its own): the per-call cost dominated
        segmented = iter(" ".join(cut("\n".join(parts[1::2]), False)).split(" \n "))
    for i, block in enumerate(parts):
        if not block:
            continue
        if i % 2:
            if cut is not None:
                _tag_words(next(segmented).split(" "), words, tags, tag_of)
            else:
                _cut_han(block, words, tags, tables)
            continue
        if "\r\n" not in block and not _NUM_OR_ENG.search(block):
            # (what the loop below does to a block of punctuation and spaces: every character
            # a word tagged 'x'; digits and Latin letters belong to the Han blocks of _RE_HAN)
            words += block
            tags += "x" * len(block)
            continue
        for x in _RE_SKIP.split(block):
            if _RE_SKIP.match(x):
                words.append(x)
                tags.append("x")
            else:
                for xx in x:
                    words.append(xx)
                    if _RE_NUM.match(xx):
                        tags.append("m")
                    elif _RE_ENG.match(x):  # sic: jieba tests the whole run here, not xx
                        tags.append("eng")
                    else:
                        tags.append("x")
    return words, tags


@lru_cache(maxsize=1)
def _blank_zh():
    import spacy

    return spacy.blank("zh")  # character segmenter by default: nothing to download


def to_spacy(words: list[str], tags: list[str]):
    """A spaCy ``Doc`` over jieba's words, so ``Matcher`` patterns can use TEXT and TAG."""
    from spacy.tokens import Doc

    return Doc(_blank_zh().vocab, words=words, spaces=[False] * len(words), tags=tags)


# Words that frame a commitment rather than say what is done ('力争', '确保', '加快').
FRAMING_VERBS = ["力争", "确保", "争取", "努力", "要", "将", "坚持", "继续", "持续", "加快", "推动",
                 "推进", "着力", "大力", "深入", "积极", "不断", "进一步", "全面", "切实", "扎实"]


@lru_cache(maxsize=1)
def action_matcher():
    """A spaCy ``Matcher`` for the committing verb phrase: a verb (not a framing word),
    optionally followed by a second verb ('结对帮扶', '新建改扩建')."""
    from spacy.matcher import Matcher

    matcher = Matcher(_blank_zh().vocab)
    verb = {"TAG": {"REGEX": "^v[dg]?$"}, "TEXT": {"NOT_IN": FRAMING_VERBS}, "LENGTH": {">=": 2}}
    matcher.add("ACTION", [[verb, {"TAG": {"REGEX": "^v$"}, "OP": "?"}]], greedy="LONGEST")
    return matcher


_ACTION_TAG = re.compile("^v[dg]?$")
_FRAMING = frozenset(FRAMING_VERBS)


def first_action(words: list[str], tags: list[str]) -> str | None:
    """The first committing verb phrase of a sentence: what ``action_matcher`` finds first
    (greedy LONGEST keeps the earliest start), computed directly, because building a spaCy
    ``Doc`` per sentence cost a third of the pipeline's time. tests/test_batch_tokens.py checks
    that both agree."""
    for i, word in enumerate(words):
        if len(word) >= 2 and word not in _FRAMING and _ACTION_TAG.search(tags[i]):
            if i + 1 < len(words) and tags[i + 1] == "v":
                return word + words[i + 1]
            return word
    return None


def first_action_spacy(words: list[str], tags: list[str]) -> str | None:
    """The reference implementation of ``first_action`` with the spaCy ``Matcher``."""
    if not words:
        return None
    doc = to_spacy(words, tags)
    matches = sorted(action_matcher()(doc), key=lambda m: m[1])
    if not matches:
        return None
    _, start, end = matches[0]
    return doc[start:end].text
