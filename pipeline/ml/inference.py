"""The trained classifiers at run time without scikit-learn.

A model is a ``FeatureHasher`` followed by a ``LogisticRegression``; applying it needs the
hashing (MurmurHash3, from ``mmh3``: the same function as scikit-learn's), one sparse product
and a softmax. Importing scikit-learn (and the scipy.stats it pulls in) took ~1 s of every
start, and scipy.sparse alone 0.15 s; ``LinearModel`` does the same arithmetic in the same
order with numpy (the product as scipy.sparse's ``csr_matvecs`` computes scikit-learn's
``decision_function``: each score summed from 0 over the row's columns in ascending order),
so its probabilities are scikit-learn's to the bit (tests/test_inference.py compares them on
every mention and clause of data/raw).

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

    def hash(self, rows: Iterable[Mapping[str, object]]) -> "SparseRows":
        """scikit-learn's ``FeatureHasher(input_type="dict", alternate_sign=False)``: per row,
        the columns in ascending order, a column hit by several features holding their sum (as
        scipy's ``sum_duplicates``, which FeatureHasher calls)."""
        n = self.n_features
        columns = _columns(n)
        indices: list[int] = []
        values: list[float] = []
        indptr = [0]
        for row in rows:
            acc: dict[int, float] = {}
            for f, v in row.items():
                if isinstance(v, str):
                    f, v = f"{f}={v}", 1.0
                elif v == 0:
                    continue
                else:
                    v = float(v)  # (scipy sums the values once they are float64)
                j = columns.get(f)
                if j is None:
                    j = _column_of(f, n, columns)
                acc[j] = acc[j] + v if j in acc else v
            order = sorted(acc)
            indices += order
            values += map(acc.__getitem__, order)
            indptr.append(len(indices))
        return SparseRows(np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int32),
                          np.asarray(indptr, dtype=np.int32), (len(indptr) - 1, n))

    def decision_function(self, X: "SparseRows") -> np.ndarray:
        """``X @ coef_.T + intercept_`` as scipy.sparse computes it (``csr_matvecs``): each
        score starts at 0 and adds ``value × coefficient`` over the row's entries in order. The
        rows advance together, one entry per step (numpy over the rows, not a Python loop
        over every entry); every score sees the same additions in the same order."""
        n_rows = len(X.indptr) - 1
        scores = np.zeros((n_rows, self.coef_.shape[0]), dtype=np.float64)
        starts = X.indptr[:-1]
        lengths = np.diff(X.indptr)
        for t in range(int(lengths.max(initial=0))):
            r = np.flatnonzero(lengths > t)
            k = starts[r] + t
            scores[r] += X.data[k, None] * self.coef_[:, X.indices[k]].T
        return scores + self.intercept_

    def predict_proba(self, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        scores = self.decision_function(self.hash(rows))
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


class SparseRows:
    """A sparse matrix in CSR layout — ``data``, ``indices`` (columns), ``indptr`` (row
    starts), ``shape`` — as scipy.sparse's ``csr_array`` holds it, with no scipy import
    (0.15 s of every start). Canonical: the columns of a row ascending, each once."""

    __slots__ = ("data", "indices", "indptr", "shape")

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple[int, int]):
        self.data, self.indices, self.indptr, self.shape = data, indices, indptr, (int(shape[0]), int(shape[1]))

    @property
    def nnz(self) -> int:
        return len(self.data)

    def row_ids(self) -> np.ndarray:
        """The row of every entry."""
        return np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))

    def toarray(self) -> np.ndarray:
        out = np.zeros(self.shape, dtype=self.data.dtype)
        out[self.row_ids(), self.indices] = self.data
        return out


_COLUMNS_MAX = 1 << 16


@lru_cache(maxsize=None)  # (one per model width: a handful)
def _columns(n_features: int) -> dict[str, int]:
    """Feature name → hashed column for ``n_features`` columns, filled as names are met: a dict
    lookup per feature (the same names recur in every document), bounded by ``_column_of``."""
    return {}


def _column_of(feature: str, n_features: int, columns: dict[str, int]) -> int:
    """The column of a feature not in ``columns`` yet, remembered there; the dict starts again
    empty when full (names of n-grams are many: the batch runs for hours)."""
    if len(columns) >= _COLUMNS_MAX:
        columns.clear()
    j = columns[feature] = _column(feature, n_features)
    return j


def _column(feature: str, n_features: int) -> int:
    """The hashed column of a feature name (the same names recur in every document)."""
    import mmh3

    h = mmh3.hash(feature.encode("utf-8"), 0, signed=True)
    return (2 ** 31 - 1 - (n_features - 1)) % n_features if h == _MIN_INT32 else abs(h) % n_features


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parameters_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".npz")
