"""The learned extractors: scikit-learn estimators with fit/predict, saved small in models/.

Each is a `FeatureHasher` (no vocabulary to store, so the files stay small and load fast)
followed by a multinomial `LogisticRegression` (deterministic lbfgs).
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING


if TYPE_CHECKING:  # scikit-learn is imported when a model is made or loaded: a run whose
    from sklearn.pipeline import Pipeline  # documents need none starts ~1 s sooner



def _installed_models_dir() -> Path:
    """Where the trained models are: the repository's models/ in a checkout, else the copy that
    `pip install` puts into the package as ``pipeline.trained`` (pyproject.toml maps it)."""
    repo = Path(__file__).resolve().parents[2] / "models"
    if (repo / "manifest.json").exists():
        return repo
    try:
        from importlib.resources import files

        manifest = files("pipeline.trained").joinpath("manifest.json")  # a namespace package
        if manifest.is_file():
            return Path(str(manifest)).parent
    except (ModuleNotFoundError, TypeError):
        pass
    return repo


MODELS_DIR = _installed_models_dir()
MENTION_FILE = "mention_classifier.joblib"
CORRECTOR_FILE = "mention_corrector.joblib"  # gold labels only: the second opinion of `both`
CLAUSE_FILE = "clause_classifier.joblib"
MENTION_LABELS = ("achievement", "not_a_target", "target")
CLAUSE_LABELS = ("commitment", "heading", "preamble", "review")


class ModelsMissing(RuntimeError):
    """The trained models are not where the pipeline looks for them."""


def make_classifier(n_features: int = 2 ** 16, C: float = 1.0) -> "Pipeline":
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("hash", FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=False)),
        ("lr", LogisticRegression(C=C, max_iter=3000)),
    ])


def save(model: "Pipeline", path: Path) -> None:
    """The pickle, and beside it the parameters runs load without scikit-learn (``.npz``)."""
    from pipeline.ml.inference import LinearModel, parameters_path, sha256_of

    path.parent.mkdir(parents=True, exist_ok=True)
    import joblib

    joblib.dump(model, path, compress=3)
    LinearModel.from_estimator(model, sha256_of(path)).save(parameters_path(path))


_override: list[Path] = []  # set only by models_dir_override, in this process


def current_models_dir() -> Path:
    """The installed models, unless a cross-validation fold overrides them."""
    return _override[-1] if _override else MODELS_DIR


@contextmanager
def models_dir_override(path: Path):
    """Use the models in ``path`` within the block, in this process (cross-validation folds)."""
    _override.append(Path(path))
    try:
        yield
    finally:
        _override.pop()


def load(name: str):
    """The model ``name`` of the current models folder: its parameters (``LinearModel``) when
    they were written from this pickle, else the scikit-learn pipeline itself."""
    return _load(name, str(current_models_dir()))


@lru_cache(maxsize=8)
def _load(name: str, models_dir: str):
    path = Path(models_dir) / name
    if not path.exists():
        raise ModelsMissing(
            f"no trained model at {path}: run `make train` (it rebuilds models/ from data/), "
            f"or use `--extractors rules`")
    from pipeline.ml.inference import LinearModel, parameters_path, sha256_of

    params = parameters_path(path)
    if params.exists():
        model = LinearModel.load(params)
        if model.source_sha256 == sha256_of(path):  # taken from this very pickle
            return model
    _check_versions(Path(models_dir))
    import joblib  # (the pickle only when its parameters are missing or stale: 0.05 s to import)

    return joblib.load(path)


def write_parameters(path: Path) -> None:
    """``<model>.npz`` beside the pickle ``path``: what runs need of it, without scikit-learn."""
    from pipeline.ml.inference import LinearModel, parameters_path, sha256_of

    import joblib

    LinearModel.from_estimator(joblib.load(path), sha256_of(path)).save(parameters_path(path))


def library_versions() -> dict[str, str]:
    """The versions a pickled model depends on; recorded by `make train`, checked at load."""
    import joblib
    import numpy
    import sklearn

    return {"scikit-learn": sklearn.__version__, "numpy": numpy.__version__, "joblib": joblib.__version__}


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _check_versions(models_dir: Path) -> None:
    manifest = models_dir / "manifest.json"
    if not manifest.exists():
        return
    trained = json.loads(manifest.read_text(encoding="utf-8")).get("trained_with", {})
    now = library_versions()
    if trained.get("scikit-learn") and _minor(trained["scikit-learn"]) != _minor(now["scikit-learn"]):
        raise ModelsMissing(
            f"the models in {models_dir} were trained with scikit-learn {trained['scikit-learn']}, "
            f"this environment has {now['scikit-learn']}: install scikit-learn=={trained['scikit-learn']} "
            f"(pyproject.toml pins it) or retrain with `make train`")


def models_version(models_dir: Path = MODELS_DIR) -> str:
    """A short hash of the trained models, part of the cache key of a processed document."""
    h = hashlib.sha256()
    for name in (MENTION_FILE, CORRECTOR_FILE, CLAUSE_FILE):
        path = models_dir / name
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()[:12]


def write_manifest(models_dir: Path, info: dict) -> None:
    info = {**info, "trained_with": library_versions()}
    (models_dir / "manifest.json").write_text(json.dumps(info, ensure_ascii=False, indent=2,
                                                         sort_keys=True) + "\n", encoding="utf-8")
