"""Scoring by (section, x) pairs, shared by deadlines and owners (GOLD.md): a deadline or owner
stated once for a numbered item may be attached to every clause of that item without penalty,
so each document is scored on its distinct pairs, not on rows."""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from pipeline.tools.evaluate.text import Text, best_sentence
from pipeline.tools.evaluate.values import as_date, as_id, as_str, prf


def commitment_rows(df: pd.DataFrame, tx: Text) -> list[dict]:
    """The predicted commitments of one document: the sentences gold quotes are located in."""
    rows = []
    for r in df.to_dict("records"):
        rows.append({"commitment_id": as_id(r.get("commitment_id")),
                     "section_id": as_id(r.get("section_id")), "text": as_str(r.get("text")),
                     "tkey": tx.key(r.get("text")), "deadline_date": as_date(r.get("deadline_date")),
                     "deadline_raw": as_str(r.get("deadline_raw")), "owners": as_str(r.get("owners")),
                     "owner_source": as_str(r.get("owner_source"))})
    return rows


def score_pairs(gold_items: list[dict], second: Callable[[dict], Any], commitments: list[dict],
                pred_pairs: dict[tuple, list], tx: Text) -> tuple[dict, list, list]:
    """Scores distinct (section, x) pairs of one document.

    A gold item's section comes from the predicted commitments whose text contains its quote:
    if one of them yields a pair that was predicted, that one; otherwise the first. A gold item
    no commitment contains can never match (it is a false negative of its own).
    """
    gold_pairs: dict[tuple, dict] = {}
    for g in gold_items:
        q = tx.key(g["quote"])
        x = second(g)
        containing = [c for c in commitments if q and c["tkey"] and q in c["tkey"]]
        if not containing:
            key = ("<unlocated>", g["quote"], x)
            section, sentence = None, None
        else:
            hit = next((c for c in containing if (c["section_id"], x) in pred_pairs), containing[0])
            key = (hit["section_id"], x)
            section, sentence = hit["section_id"], hit["text"]
        if key not in gold_pairs:
            gold_pairs[key] = {**g, "section_id": section, "sentence": sentence,
                               "located": bool(containing)}
    tp = sum(1 for k in gold_pairs if k in pred_pairs)
    fn = [v for k, v in gold_pairs.items() if k not in pred_pairs]
    fp = [(k, v) for k, v in pred_pairs.items() if k not in gold_pairs]
    return prf(tp, len(fp), len(fn)), fn, fp


def located_item(g: dict, keys: tuple[str, ...], tx: Text, sentences: list[str]) -> dict:
    """A missed gold item for the error list: its fields, the section it was located in and the
    sentence (of the commitment that contains it, else the closest predicted one)."""
    return {"quote": g["quote"], **{k: g.get(k) for k in keys},
            "section_id": g["section_id"], "located": g["located"],
            "sentence": g["sentence"] or best_sentence(tx, g["quote"], sentences)}
