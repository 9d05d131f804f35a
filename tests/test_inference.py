"""The classifiers applied without scikit-learn (pipeline/ml/inference.py) give scikit-learn's
probabilities to the bit, on the features of every mention and clause of data/raw."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest

from pipeline.config import Settings
from pipeline.extractors.targets import mentions
from pipeline.language import Pipeline
from pipeline.ml.features import clause_features, mention_features
from pipeline.ml.inference import LinearModel, parameters_path, sha256_of
from pipeline.ml.models import CLAUSE_FILE, CORRECTOR_FILE, MENTION_FILE, MODELS_DIR, _load

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def features():
    nlp = Pipeline(Settings(chain=("status", "commitments")))
    mention_rows, clause_rows = [], []
    for path in sorted((ROOT / "data" / "raw").glob("*.txt")):
        doc = nlp(path)
        n = max(len(doc.sentences), 1)
        index = {id(s): i for i, s in enumerate(doc.sentences)}
        starts = {s.start for s in doc.sections}
        for sent, q, quoted in mentions(doc):
            mention_rows.append(mention_features(q, sent, quoted))
        clause_rows += [clause_features(c.sentence, index.get(id(c.sentence), 0) / n, c.sentence.section_id is not None,
                                        c.sentence.start in starts) for c in doc.commitments]
    return {MENTION_FILE: mention_rows, CORRECTOR_FILE: mention_rows, CLAUSE_FILE: clause_rows}


@pytest.mark.parametrize("name", [MENTION_FILE, CORRECTOR_FILE, CLAUSE_FILE])
def test_probabilities_are_scikit_learns_to_the_bit(features, name):
    rows = features[name]
    assert len(rows) > 500
    sk = joblib.load(MODELS_DIR / name)
    ours = LinearModel.load(parameters_path(MODELS_DIR / name))
    assert list(ours.classes_) == [str(c) for c in sk.classes_]
    assert np.array_equal(ours.hash(rows).toarray(), sk.named_steps["hash"].transform(rows).toarray())
    assert np.array_equal(ours.predict_proba(rows), sk.predict_proba(rows))


def test_the_shipped_parameters_come_from_the_shipped_pickles():
    for name in (MENTION_FILE, CORRECTOR_FILE, CLAUSE_FILE):
        assert LinearModel.load(parameters_path(MODELS_DIR / name)).source_sha256 == sha256_of(MODELS_DIR / name)
        assert isinstance(_load(name, str(MODELS_DIR)), LinearModel)


def test_parameters_of_another_pickle_are_not_used(tmp_path):
    import shutil

    for p in MODELS_DIR.iterdir():
        shutil.copy(p, tmp_path / p.name)
    other = LinearModel.load(parameters_path(tmp_path / CLAUSE_FILE))
    other.source_sha256 = "0" * 64
    other.save(parameters_path(tmp_path / CORRECTOR_FILE))  # stale: from another pickle
    model = _load(CORRECTOR_FILE, str(tmp_path))
    assert not isinstance(model, LinearModel) and hasattr(model, "named_steps")


def test_a_run_of_the_default_chain_imports_no_scikit_learn():
    code = ("import sys; from pipeline.language import Pipeline; "
            f"Pipeline()(r'{ROOT / 'data' / 'raw' / '2023_mianyang_zhengfugongzuobaogao.txt'}'); "
            "print(sorted(m for m in ('sklearn', 'scipy.stats', 'pandas', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
