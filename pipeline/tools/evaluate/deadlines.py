"""Deadlines (GOLD.md): distinct (section, date) pairs per document."""
from __future__ import annotations

import pandas as pd

from pipeline.tools.evaluate.loading import doc_frame
from pipeline.tools.evaluate.pairs import located_item, score_pairs
from pipeline.tools.evaluate.text import Text
from pipeline.tools.evaluate.values import as_date, as_id, as_str


def predicted_deadlines(preds: dict[str, pd.DataFrame], doc_id: str,
                        commitments: list[dict]) -> dict[tuple, list[dict]]:
    """(section, date) → the rows predicting it: every row of the `deadlines` table (several per
    commitment), else, for outputs older than that table, the one of each commitment."""
    pred_dl: dict[tuple, list[dict]] = {}
    if "deadlines" not in preds:
        for c in commitments:
            if c["deadline_date"]:
                pred_dl.setdefault((c["section_id"], c["deadline_date"]), []).append(c)
        return pred_dl
    by_cid = {c["commitment_id"]: c for c in commitments}
    for r in doc_frame(preds["deadlines"], doc_id).to_dict("records"):
        date, c = as_date(r.get("date")), by_cid.get(as_id(r.get("commitment_id")))
        if not date:
            continue
        section = as_id(r.get("section_id"))
        if section is None and c is not None:
            section = c["section_id"]
        pred_dl.setdefault((section, date), []).append(
            {"deadline_raw": as_str(r.get("raw")), "text": c["text"] if c else None})
    return pred_dl


def score_deadlines(gold: list[dict], preds: dict[str, pd.DataFrame], doc_id: str,
                    commitments: list[dict], sentences: list[str], tx: Text) -> tuple[dict, dict]:
    """P/R/F1 of one document's deadlines, and its misses and false deadlines."""
    pred_dl = predicted_deadlines(preds, doc_id, commitments)
    scores, fn, fp = score_pairs(gold, lambda g: as_date(g.get("date")), commitments, pred_dl, tx)
    errors = {"deadlines_fn": [located_item(g, ("raw", "date"), tx, sentences) for g in fn],
              "deadlines_fp": [{"section_id": k[0], "date": k[1], "deadline_raw": v[0]["deadline_raw"],
                                "text": v[0]["text"], "n_commitments": len(v)} for k, v in fp]}
    return scores, errors
