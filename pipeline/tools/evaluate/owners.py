"""Owners (GOLD.md): distinct (section, name without spaces and punctuation) pairs per document,
predicted from `owners` joined to `commitments`; the issuer as default owner is left out."""
from __future__ import annotations

import pandas as pd

from pipeline.tools.evaluate.pairs import located_item, score_pairs
from pipeline.tools.evaluate.text import Text
from pipeline.tools.evaluate.values import as_id, as_str


def _from_table(rows: list[dict], commitments: list[dict], tx: Text) -> dict[tuple, list[dict]]:
    by_cid = {c["commitment_id"]: c for c in commitments}
    pred: dict[tuple, list[dict]] = {}
    for r in rows:
        if (as_str(r.get("source")) or "").lower() == "issuer":
            continue
        c = by_cid.get(as_id(r.get("commitment_id")))
        name = tx.name(r.get("name"))
        if not name:
            continue
        pred.setdefault((c["section_id"] if c else None, name), []).append(
            {"text": c["text"] if c else None, "name": as_str(r.get("name")),
             "role": as_str(r.get("role")), "commitment_id": as_id(r.get("commitment_id"))})
    return pred


def _from_commitments(commitments: list[dict], tx: Text) -> dict[tuple, list[dict]]:
    """Outputs without an owners table: the ';'-separated `commitments.owners`."""
    pred: dict[tuple, list[dict]] = {}
    for c in commitments:
        if not c["owners"] or (c["owner_source"] or "").lower() == "issuer":
            continue
        for n in c["owners"].split(";"):
            if tx.name(n):
                pred.setdefault((c["section_id"], tx.name(n)), []).append(
                    {"text": c["text"], "name": n.strip(), "role": None,
                     "commitment_id": c["commitment_id"]})
    return pred


def score_owners(gold: list[dict], doc_owners: pd.DataFrame, any_owners: bool,
                 commitments: list[dict], sentences: list[str], tx: Text) -> tuple[dict, dict]:
    """P/R/F1 of one document's owners, and its misses and false owners. `any_owners`: the
    output has an owners table with rows (of any document), so it is the one to read."""
    rows = doc_owners.to_dict("records")
    pred = (_from_table(rows, commitments, tx) if rows or any_owners
            else _from_commitments(commitments, tx))
    scores, fn, fp = score_pairs(gold, lambda g: tx.name(g.get("name")), commitments, pred, tx)
    errors = {"owners_fn": [located_item(g, ("name", "role"), tx, sentences) for g in fn],
              "owners_fp": [{"section_id": k[0], "name": v[0]["name"], "role": v[0]["role"],
                             "text": v[0]["text"], "n_commitments": len(v)} for k, v in fp]}
    return scores, errors
