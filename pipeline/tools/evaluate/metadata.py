"""The document's issuer, region and year (GOLD.md, "Document").

issuer: exact; gold null = the text names none, right only when none is predicted. region: one
contains the other, or both resolve to one place of the gazetteer (湘西自治州 =
湖南省湘西土家族苗族自治州); gold null = not knowable, not scored. year: equal; gold null = the
text states none, right only when none is predicted (as issuer).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.tools.evaluate.text import Text
from pipeline.tools.evaluate.values import as_int, as_str, missing


def same_region(tx: Text, pred: Any, gold: Any) -> bool:
    """One name contains the other ('四川' / '四川省'), or both name one administrative unit
    ('湘西自治州' / '湖南省湘西土家族苗族自治州'), resolved through the pipeline's gazetteer
    (jionlp): the most specific place each names must be the same."""
    if tx.overlap(pred, gold):
        return True
    kp, kg = tx.key(pred), tx.key(gold)
    if not kp or not kg:
        return False
    try:
        from pipeline.stages.metadata import find_places  # type: ignore
    except Exception:  # pragma: no cover - depends on the rest of the package
        return False

    def deepest(k: str) -> Any:
        places = find_places(k)
        return max(places, key=lambda p: sum(1 for x in p if x)) if places else None

    a, b = deepest(kp), deepest(kg)
    return a is not None and a == b


def _issuer_correct(tx: Text, predicted: Any, gold: Any) -> bool:
    if missing(gold) or not tx.key(gold):  # the text names no issuer
        return not tx.key(predicted)
    return tx.key(predicted) == tx.key(gold)


def score_metadata(documents: pd.DataFrame, gold: dict, tx: Text) -> dict:
    """issuer/region/year/title of one document: predicted, gold, correct (None: not scored)."""
    drow = documents.iloc[0].to_dict() if len(documents) else {}
    p_issuer, p_region, p_year = as_str(drow.get("issuer")), as_str(drow.get("region")), as_int(drow.get("year"))
    g_issuer, g_region, g_year = gold.get("issuer"), gold.get("region"), gold.get("year")
    return {
        "issuer": {"predicted": p_issuer, "gold": g_issuer,
                   "correct": _issuer_correct(tx, p_issuer, g_issuer)},
        "region": {"predicted": p_region, "gold": g_region,
                   "correct": None if missing(g_region) else same_region(tx, p_region, g_region)},
        "year": {"predicted": p_year, "gold": g_year,
                 "correct": p_year is None if missing(g_year) else p_year == as_int(g_year)},
        "title": {"predicted": as_str(drow.get("title")), "gold": gold.get("title")},
    }
