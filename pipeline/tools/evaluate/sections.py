"""Sections (GOLD.md): a predicted section matches a gold one when level and number are equal
and one title contains the other; one-to-one, gold in file order."""
from __future__ import annotations

import pandas as pd

from pipeline.tools.evaluate.text import Text
from pipeline.tools.evaluate.values import as_id, as_int, as_str


def section_rows(df: pd.DataFrame, tx: Text) -> list[dict]:
    """The predicted sections of one document, with their comparison keys."""
    return [{"i": i, "section_id": as_id(r.get("section_id")), "level": as_int(r.get("level")),
             "number": as_str(r.get("number")), "nkey": tx.key(r.get("number")),
             "title": as_str(r.get("title")), "tkey": tx.key(r.get("title"))}
            for i, r in enumerate(df.to_dict("records"))]


def match_sections(gold: list[dict], preds: list[dict], tx: Text) -> tuple[int, list, list]:
    """Returns (matched, unmatched gold, unmatched predictions)."""
    used: set[int] = set()
    fn = []
    for g in gold:
        gl, gn, gt = as_int(g.get("level")), tx.key(g.get("number")), tx.key(g.get("title"))
        best = None
        for p in preds:
            if p["i"] in used or p["level"] != gl or p["nkey"] != gn:
                continue
            pt = p["tkey"]
            ok = (pt == gt) if not pt or not gt else (pt in gt or gt in pt)
            if ok:
                best = p
                break
        if best is None:
            fn.append(g)
        else:
            used.add(best["i"])
    fp = [p for p in preds if p["i"] not in used]
    return len(gold) - len(fn), fn, fp


def score_sections(gold: list[dict], df: pd.DataFrame, tx: Text) -> tuple[tuple, dict]:
    """Counts (TP, FP, FN) of one document's sections, and its misses and false sections."""
    tp, fn, fp = match_sections(gold, section_rows(df, tx), tx)
    errors = {"sections_fn": [{"level": g.get("level"), "number": g.get("number"),
                               "title": g.get("title")} for g in fn],
              "sections_fp": [{k: p[k] for k in ("section_id", "level", "number", "title")}
                              for p in fp]}
    return (tp, len(fp), len(fn)), errors
