"""The learned extractors: small, fast to load, reproducible, and wired into the pipeline."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import RAW, ROOT, SEED
from pipeline.extractors import CHAINS
from pipeline.ml import train as T
from pipeline.ml.features import mention_features
from pipeline.ml.models import CLAUSE_FILE, MENTION_FILE, MODELS_DIR, _load, models_version
from pipeline.run import process, process_text

GOLD = ROOT / "data" / "gold"


def test_models_are_small_and_load_fast():
    sizes = [(MODELS_DIR / f).stat().st_size for f in (MENTION_FILE, CLAUSE_FILE)]
    assert sum(sizes) < 20 * 1024 * 1024
    _load.cache_clear()
    t0 = time.perf_counter()
    _load(MENTION_FILE, str(MODELS_DIR))
    _load(CLAUSE_FILE, str(MODELS_DIR))
    assert time.perf_counter() - t0 < 5  # generous; the benchmark quotes the real figure


def test_manifest_matches_the_committed_models():
    manifest = json.loads((MODELS_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == models_version(MODELS_DIR)
    cv = manifest["cross_validation"]
    assert set(cv) == {"rules", "ml", "both"}
    assert cv["ml"]["targets_lenient_f1"] > 0.9


@pytest.mark.parametrize("text,status", [
    ("今年新增城镇就业5.5万人以上。", "target"),
    ("过去一年，全市新增城镇就业5.2万人。", "achievement"),
])
def test_mention_classifier_on_real_sentences(text, status):
    doc = process_text(text, year=2023, extractors=CHAINS["ml"])
    assert [(t.value, t.status, t.method) for t in doc.targets] == [(float(doc.targets[0].value), status, "ml")]


def test_mention_classifier_rejects_names_and_years():
    doc = process_text("提档升级12355青少年服务台，面向2023届毕业生开展就业指导。", year=2023,
                       extractors=CHAINS["ml"])
    assert doc.targets == []


def test_both_marks_method_and_confidence():
    doc = process(RAW / f"{SEED}.txt", extractors=CHAINS["both"])
    rows = [(t.value, t.status, t.method) for t in doc.targets]
    assert rows == [(300.0, "target", "rule+ml"), (1000.0, "target", "rule+ml"), (450.0, "target", "rule+ml")]
    assert all(0.0 <= t.confidence <= 1.0 for t in doc.targets)
    assert {c.method for c in doc.commitments} <= {"rule", "ml", "rule+ml"}


def test_training_is_deterministic(tmp_path):
    """Two trainings on the same data give the same predictions (and the same bytes)."""
    gold_files = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in GOLD.glob("*.json")}
    docs = [process(RAW / f"{d}.txt", extractors=CHAINS["rules"]) for d in sorted(gold_files)[:3]]
    mentions = [m for d in docs for m in T.gold_mentions(d, gold_files[d.doc_id])]
    labels = {m.label for m in mentions}
    assert {"target", "not_a_target"} <= labels
    a = T._fit(mentions, [1.0] * len(mentions))
    b = T._fit(mentions, [1.0] * len(mentions))
    X = [m.features for m in mentions]
    assert (a.predict_proba(X) == b.predict_proba(X)).all()
    T.save(a, tmp_path / "a.joblib")
    T.save(b, tmp_path / "b.joblib")
    assert (tmp_path / "a.joblib").read_bytes() == (tmp_path / "b.joblib").read_bytes()


def test_gold_labels_cover_every_gold_target():
    gold_files = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in GOLD.glob("*.json")}
    doc = process(RAW / f"{SEED}.txt", extractors=CHAINS["rules"])
    mentions = T.gold_mentions(doc, gold_files[SEED])
    assert sum(m.label == "target" for m in mentions) == 3
    assert all(isinstance(m.features, dict) and "unit" in m.features for m in mentions)
