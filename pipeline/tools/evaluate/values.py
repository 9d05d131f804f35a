"""Cells of the predicted tables and of the gold files as comparable Python values.

Parquet gives numpy scalars and NaN, CSV gives strings ('3.0' for an id that was 3): every
comparison goes through these helpers so that both formats score the same.
"""
from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd


def missing(x: Any) -> bool:
    """None, pandas' NA/NaT or a float NaN."""
    if x is None:
        return True
    try:
        if x is pd.NA or x is pd.NaT:
            return True
    except Exception:
        pass
    return isinstance(x, float) and math.isnan(x)


def as_str(x: Any) -> str | None:
    """A cell as a stripped string; None for missing/empty."""
    if missing(x):
        return None
    s = str(x).strip()
    return s or None


def as_id(x: Any) -> str | None:
    """An id cell as a string ('3.0' and 3 → '3'), so parquet and CSV ids compare equal."""
    if missing(x):
        return None
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    s = str(x).strip()
    if re.fullmatch(r"-?\d+\.0+", s):
        s = s.split(".")[0]
    return s or None


def as_float(x: Any) -> float | None:
    """A number cell as a float; None when missing or not a number."""
    if missing(x):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def as_int(x: Any) -> int | None:
    """A number cell rounded to an int (years, levels, offsets)."""
    v = as_float(x)
    return None if v is None else int(round(v))


def as_date(x: Any) -> str | None:
    """A date cell as its ISO day (YYYY-MM-DD), whatever its type."""
    if missing(x):
        return None
    if hasattr(x, "isoformat"):
        x = x.isoformat()
    s = str(x).strip()
    return s[:10] if s else None


def jsonable(x: Any) -> Any:
    """Makes a value JSON-serialisable (numpy scalars, NaN → None)."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if missing(x):
        return None
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        try:
            x = x.item()
        except Exception:
            x = str(x)
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    if isinstance(x, (str, int, float, bool)):
        return x
    return str(x)


def prf(tp: int, fp: int, fn: int) -> dict:
    """P/R/F1; with nothing predicted and nothing to find everything is 1.0."""
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def values_equal(a: float | None, b: float | None) -> bool:
    """Equal numbers (relative difference below 1e-6), or both absent."""
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    return abs(a - b) < 1e-6 * max(abs(a), abs(b))
