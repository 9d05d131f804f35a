"""The trained classifiers at run time without scikit-learn.

A model is a ``FeatureHasher`` followed by a ``LogisticRegression``; applying it needs the
hashing (MurmurHash3, from ``mmh3``: the same function as scikit-learn's), one sparse product
and a softmax. Importing scikit-learn (and the scipy.stats it pulls in) took ~1 s of every
start; ``LinearModel`` does the same arithmetic in the same order (scipy.sparse's product, as
scikit-learn's ``decision_function``), so its probabilities are scikit-learn's to the bit
(tests/test_ml.py compares them on every mention of data/raw).

Its parameters live beside the pickle, ``<name>.npz`` (written by ``make train``, or from an
existing pickle by ``LinearModel.from_estimator(...).save(...)``), with the SHA-256 of the pickle
they were taken from: a retrained pickle without a fresh ``.npz`` is loaded the old way.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

_MIN_INT32 = -2 ** 31


class LinearModel:
    """``predict_proba`` and ``classes_`` of a FeatureHasher + LogisticRegression pipeline."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, classes: Sequence[str], n_features: int,
                 source_sha256: str = ""):
        self.coef_ = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept_ = np.asarray(intercept, dtype=np.float64)
        self.classes_ = np.asarray(list(classes), dtype=object)
        self.n_features = int(n_features)
        self.source_sha256 = source_sha256

    @classmethod
    def from_estimator(cls, pipeline, source_sha256: str = "") -> "LinearModel":
        hasher, lr = pipeline.named_steps["hash"], pipeline.named_steps["lr"]
        if hasher.input_type != "dict" or hasher.alternate_sign:
            raise ValueError("only dict input without alternating signs is supported")
        return cls(lr.coef_, lr.intercept_, [str(c) for c in lr.classes_], hasher.n_features, source_sha256)

    # ---- applying it

    def hash(self, rows: Iterable[Mapping[str, object]]):
        """scikit-learn's ``FeatureHasher(input_type="dict", alternate_sign=False)``."""
        import scipy.sparse as sp

        n = self.n_features
        indices: list[int] = []
        values: list[float] = []
        indptr = [0]
        for row in rows:
            for f, v in row.items():
                if isinstance(v, str):
                    f, v = f"{f}={v}", 1
                if v == 0:
                    continue
                indices.append(_column(f, n))
                values.append(v)
            indptr.append(len(indices))
        X = sp.csr_array((np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int32),
                          np.asarray(indptr, dtype=np.int32)), shape=(len(indptr) - 1, n))
        X.sum_duplicates()  # (sorts the indices, as FeatureHasher does)
        return X

    def predict_proba(self, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        scores = np.asarray(self.hash(rows) @ self.coef_.T) + self.intercept_
        if scores.shape[1] == 1:  # (two classes: scikit-learn's logistic of the one score)
            p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1 - p, p])
        scores -= scores.max(axis=1).reshape((-1, 1))
        np.exp(scores, scores)
        scores /= scores.sum(axis=1).reshape((-1, 1))
        return scores

    # ---- files

    def save(self, path: Path) -> None:
        with open(path, "wb") as f:
            np.savez_compressed(f, coef=self.coef_, intercept=self.intercept_, classes=np.asarray(self.classes_, dtype=str),
                     n_features=np.asarray(self.n_features), source_sha256=np.asarray(self.source_sha256))

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        with np.load(path, allow_pickle=False) as z:
            return cls(z["coef"], z["intercept"], [str(c) for c in z["classes"]], int(z["n_features"]),
                       str(z["source_sha256"]))


@lru_cache(maxsize=1 << 15)
def _column(feature: str, n_features: int) -> int:
    """The hashed column of a feature name (the same names recur in every document)."""
    import mmh3

    h = mmh3.hash(feature.encode("utf-8"), 0, signed=True)
    return (2 ** 31 - 1 - (n_features - 1)) % n_features if h == _MIN_INT32 else abs(h) % n_features


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parameters_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".npz")
