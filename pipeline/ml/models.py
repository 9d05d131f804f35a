"""The learned extractors: scikit-learn estimators with fit/predict, saved small in models/.

Each is a `FeatureHasher` (no vocabulary to store, so the files stay small and load fast)
followed by a multinomial `LogisticRegression` (deterministic lbfgs).
"""
from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import joblib
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
MENTION_FILE = "mention_classifier.joblib"
CORRECTOR_FILE = "mention_corrector.joblib"  # gold labels only: the second opinion of `both`
CLAUSE_FILE = "clause_classifier.joblib"
MENTION_LABELS = ("achievement", "not_a_target", "target")
CLAUSE_LABELS = ("commitment", "heading", "preamble", "review")


class ModelsMissing(RuntimeError):
    """The trained models are not where the pipeline looks for them."""


def make_classifier(n_features: int = 2 ** 16, C: float = 1.0) -> Pipeline:
    return Pipeline([
        ("hash", FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=False)),
        ("lr", LogisticRegression(C=C, max_iter=3000)),
    ])


def save(model: Pipeline, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=3)


def current_models_dir() -> Path:
    """models/ of the repository, unless PIPELINE_MODELS_DIR names another folder."""
    return Path(os.environ.get("PIPELINE_MODELS_DIR") or MODELS_DIR)


@contextmanager
def models_dir_override(path: Path):
    """Use the models in ``path`` within the block (cross-validation folds)."""
    old = os.environ.get("PIPELINE_MODELS_DIR")
    os.environ["PIPELINE_MODELS_DIR"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PIPELINE_MODELS_DIR", None)
        else:
            os.environ["PIPELINE_MODELS_DIR"] = old


def load(name: str) -> Pipeline:
    return _load(name, str(current_models_dir()))


@lru_cache(maxsize=8)
def _load(name: str, models_dir: str) -> Pipeline:
    path = Path(models_dir) / name
    if not path.exists():
        raise ModelsMissing(
            f"no trained model at {path}: run `make train` (it rebuilds models/ from data/), "
            f"or use `--extractors rules`")
    return joblib.load(path)


def models_version(models_dir: Path = MODELS_DIR) -> str:
    """A short hash of the trained models, part of the cache key of a processed document."""
    h = hashlib.sha256()
    for name in (MENTION_FILE, CORRECTOR_FILE, CLAUSE_FILE):
        path = models_dir / name
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()[:12]


def write_manifest(models_dir: Path, info: dict) -> None:
    (models_dir / "manifest.json").write_text(json.dumps(info, ensure_ascii=False, indent=2,
                                                         sort_keys=True) + "\n", encoding="utf-8")
