"""What start-up loads, and that each faster way of loading gives what the slower one gave:
jieba-rs's bundled dictionary plus our user words is our whole dictionary added word by word;
the cluster model and the classifiers without scipy are scipy's to the bit; the batch process
never loads the pipeline (its workers do); workers do not import pandas, scipy, spaCy's CLI, joblib
or cn2an (for the numerals of a report)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import RAW
from pipeline.stages import tokens

ROOT = Path(__file__).resolve().parents[1]


def test_the_bundled_dictionary_plus_user_words_is_the_whole_dictionary():
    """Every word's frequency (suggest_freq reads it back: max(freq + 1, freq) for a word that
    is cut as itself, else from its parts), the total (a probe word of frequency 10¹² makes
    suggest_freq of its double ≈ 10¹² − total), and the words of the raw documents."""
    seg = tokens._rust_segmenter().__self__
    ref = tokens._rust_segmenter_word_by_word()
    freq = tokens.dictionary()[0]
    assert len(freq) > 300_000
    assert all(seg.suggest_freq(w) == ref.suggest_freq(w) for w in freq)
    for path in sorted(RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        joined = "\n".join(tokens._RE_HAN.split(text)[1::2])
        assert seg.cut(joined, False) == ref.cut(joined, False), path.name
    probe = "\ue002"
    fresh = tokens._rjieba()()  # (a probe word changes the total: not on the shared segmenter)
    for word, f in tokens._segmenter_entries()[1]:
        fresh.add_word(word, f, "x")
    jieba_total, _, total = tokens._segmenter_entries()
    fresh.add_word("\ue000\ue001", jieba_total - total, "x")
    ref.add_word(probe, 10 ** 12, "x")
    fresh.add_word(probe, 10 ** 12, "x")
    assert fresh.suggest_freq(probe * 2) == ref.suggest_freq(probe * 2)


def test_a_tie_between_members_goes_to_the_one_scipy_lists_first():
    """The nearest cluster member without scipy: the same member and similarity as the first
    argmax of ``q @ matrix.T`` in scipy, also when members tie (anagrams share every unigram)."""
    import scipy.sparse as sp

    from pipeline.stages.indicators import ClusterModel

    members = ["甲乙", "乙甲", "甲乙丙", "丙乙甲", "乙丙", "丙乙", "甲", "乙", "丁戊", "戊丁"]
    model = ClusterModel(threshold=0.99).fit(members, [f"c{i}" for i in range(len(members))])
    queries = ["甲乙", "乙甲", "丙", "甲丙", "乙", "丙甲乙", "乙甲丙", "丁", "甲乙丁", "己", "戊丁丁"]
    q = model.transform(queries)
    sims = (sp.csr_array((q.data, q.indices, q.indptr), shape=q.shape) @ model.matrix_.T).tocsr()
    expected = []
    for row in range(len(queries)):
        lo, hi = sims.indptr[row], sims.indptr[row + 1]
        k = lo + int(sims.data[lo:hi].argmax()) if hi > lo else None
        expected.append((int(sims.indices[k]), float(sims.data[k])) if k is not None else (-1, 0.0))
    assert model._nearest(q) == expected
    assert any(a[1] == b[1] for a, b in zip(expected, expected[1:]))  # (ties were exercised)


def test_the_classifier_product_is_scipys_to_the_bit():
    import scipy.sparse as sp

    from pipeline.ml.inference import LinearModel

    rng = np.random.default_rng(7)
    model = LinearModel(rng.normal(size=(3, 64)), rng.normal(size=3), ["a", "b", "c"], 64)
    rows = [{f"f{rng.integers(200)}": float(rng.normal()) for _ in range(rng.integers(0, 40))}
            for _ in range(300)] + [{"w": "的", "v": "是"}, {}]
    X = model.hash(rows)
    Xs = sp.csr_array((X.data, X.indices, X.indptr), shape=X.shape)
    assert np.array_equal(model.decision_function(X), np.asarray(Xs @ model.coef_.T) + model.intercept_)
    two = LinearModel(rng.normal(size=(1, 64)), rng.normal(size=1), ["no", "yes"], 64)
    assert np.array_equal(two.decision_function(X), np.asarray(Xs @ two.coef_.T) + two.intercept_)


_CHILD = """
import json, os, sys
from pathlib import Path
from pipeline.runtime import worker
from pipeline.runtime.batch import run_batch
real = worker.process_document
def spy(*args, **kwargs):
    out = real(*args, **kwargs)
    if args[1] != "warm_up":  # (in the worker, once it processed a document)
        seen = sorted(m for m in ("pandas", "scipy", "spacy.cli", "sklearn", "joblib", "cn2an") if m in sys.modules)
        Path(os.environ["SEEN"]).write_text(json.dumps(seen))
    return out
worker.process_document = spy
run_batch([sys.argv[1]], Path(sys.argv[2]), quiet=True, workers=1)
print(json.dumps(sorted(m for m in ("spacy", "jieba", "rjieba", "pipeline.language") if m in sys.modules)))
"""


def test_the_batch_process_never_loads_the_pipeline_and_workers_load_only_what_they_use(tmp_path):
    import json
    import os

    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods() or not sys.platform.startswith("linux"):
        pytest.skip("the worker is checked through fork (it inherits the spy)")
    src = RAW / "2023_mianyang_zhengfugongzuobaogao.txt"
    seen = tmp_path / "seen.json"
    out = subprocess.run([sys.executable, "-c", _CHILD, str(src), str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "SEEN": str(seen)})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []  # the batch process: no spaCy, no jieba, no pipeline object
    assert json.loads(seen.read_text()) == []  # its worker: no pandas, scipy, spaCy CLI, sklearn, joblib, cn2an
    assert (tmp_path / "out" / "targets.parquet").is_file()


def test_the_place_scanner_finds_what_the_alternation_of_names_found():
    """Place names are found by a scan over names indexed by their first two characters instead
    of one compiled alternation (0.17 s of every start): the same names, at the same places."""
    import re

    from pipeline.stages import metadata

    names = sorted(metadata.gazetteer(), key=len, reverse=True)
    alternation = re.compile("|".join(re.escape(n) for n in names))
    scanner = metadata._place_pattern()
    for path in sorted(RAW.glob("*.txt"))[::3]:
        text = path.read_text(encoding="utf-8")[:5000]
        assert scanner.findall(text) == [m.group(0) for m in alternation.finditer(text)], path.name
        for i in range(0, len(text), 53):
            m = alternation.match(text, i)
            assert scanner.match(text, i) == (m.group(0) if m else None)


def test_chinese_numerals_read_without_cn2an_are_what_cn2an_reads():
    """The common numerals are read without importing cn2an (0.2 s of every start): each one the
    fast reader accepts, cn2an reads the same; the forms it leaves alone still come out."""
    import re
    from decimal import Decimal

    import cn2an

    from pipeline.stages.cn_numerals import _fast, cn_int, cn_number
    from pipeline.stages.numbers import _CN

    seen = {cn2an.an2cn(i) for i in range(0, 30001, 7)} | {"三亿五千万", "一亿零五百", "五万亿", "二〇二三",
                                                          "十二点五", "两千", "零点五"}
    for path in sorted(RAW.glob("*.txt")):
        seen.update(m.group(0) for m in re.finditer(_CN, path.read_text(encoding="utf-8")))
    fast = {s: _fast(s) for s in seen}
    assert sum(v is not None for v in fast.values()) > 0.95 * len(seen)
    for s, v in fast.items():
        if v is not None:
            assert v == Decimal(str(cn2an.cn2an(s, "smart"))), s
    assert _fast("三百五") is None and cn_number("三百五") == Decimal(str(cn2an.cn2an("三百五", "smart")))
    assert _fast("二亿四千") is None and _fast("一百亿亿") is None
    assert cn_int("十二") == 12 and cn_int("两") == 2 and cn_int("三点五") is None and cn_int("12") == 12
