"""Targets (GOLD.md): a predicted target matches a gold one of its document when its sentence
contains the quote (or the quote contains the sentence), the values are equal and the units
are the same. One-to-one and greedy: gold targets in file order, each taking the best
still-free candidate (comparator equal first, then closest by position, then table order).
Only gold `status: target` counts; predicted `achievement` rows are scored apart. The strict
score is its own matching that also requires the comparator."""
from __future__ import annotations

import math

import pandas as pd

from pipeline.tools.evaluate.text import Text, best_sentence, locate
from pipeline.tools.evaluate.values import as_float, as_id, as_int, as_str, values_equal

Pairs = list[tuple[dict, dict]]


def target_rows(df: pd.DataFrame, tx: Text) -> list[dict]:
    """The predicted targets of one document, with their comparison keys."""
    rows = []
    for i, r in enumerate(df.to_dict("records")):
        status = (as_str(r.get("status")) or "target").lower()
        rows.append({
            "i": i, "text": as_str(r.get("text")), "tkey": tx.key(r.get("text")),
            "raw": as_str(r.get("raw")), "value": as_float(r.get("value")),
            "value_max": as_float(r.get("value_max")), "unit": as_str(r.get("unit")),
            "ukey": tx.unit(r.get("unit")), "comparator": as_str(r.get("comparator")),
            "ckey": tx.comparator(r.get("comparator")), "entity": as_str(r.get("entity")),
            "action": as_str(r.get("action")), "start": as_int(r.get("start")),
            "status": "achievement" if status.startswith("achiev") else "target",
            "commitment_id": as_id(r.get("commitment_id")), "target_id": as_id(r.get("target_id")),
        })
    return rows


def _candidates(g: dict, preds: list[dict], used: set[int], tx: Text, strict: bool) -> list[dict]:
    """The free predictions that may match gold target `g`."""
    q = tx.key(g["quote"])
    gu, gc, gv = tx.unit(g.get("unit")), tx.comparator(g.get("comparator")), as_float(g.get("value"))
    out = []
    for p in preds:
        if p["i"] in used or not p["tkey"] or not q:
            continue
        if not (q in p["tkey"] or p["tkey"] in q):
            continue
        if not values_equal(p["value"], gv) or p["ukey"] != gu:
            continue
        if strict and p["ckey"] != gc:
            continue
        out.append(p)
    return out


def match_targets(gold: list[dict], preds: list[dict], tx: Text, strict: bool,
                  text: str | None) -> tuple[Pairs, list[dict], list[dict]]:
    """Greedy one-to-one matching. Returns (pairs, unmatched gold, unmatched predictions)."""
    used: set[int] = set()
    pairs, fn = [], []
    for g in gold:
        cands = _candidates(g, preds, used, tx, strict)
        if not cands:
            fn.append(g)
            continue
        gpos = g.get("_pos")
        if gpos is None and text is not None:
            gpos = g["_pos"] = locate(tx, text, g["quote"])
        gc = tx.comparator(g.get("comparator"))

        def rank(p: dict) -> tuple:
            dist = abs(p["start"] - gpos) if gpos is not None and p["start"] is not None else math.inf
            return (p["ckey"] != gc, dist, p["i"])

        best = min(cands, key=rank)
        used.add(best["i"])
        pairs.append((g, best))
    fp = [p for p in preds if p["i"] not in used]
    return pairs, fn, fp


def gold_target_item(g: dict, tx: Text, texts: list[str], preds: list[dict]) -> dict:
    """A missed gold target for the error list, with the predictions around its quote."""
    q = tx.key(g["quote"])
    near = [{"text": p["text"], "raw": p["raw"], "value": p["value"], "unit": p["unit"],
             "comparator": p["comparator"], "status": p["status"]}
            for p in preds if p["tkey"] and q and (q in p["tkey"] or p["tkey"] in q)][:5]
    return {"quote": g["quote"], "raw": g.get("raw"), "value": g.get("value"),
            "value_max": g.get("value_max"), "unit": g.get("unit"),
            "comparator": g.get("comparator"), "entity": g.get("entity"),
            "action": g.get("action"), "status": g.get("status"),
            "sentence": best_sentence(tx, g["quote"], texts), "near_misses": near}


def pred_target_item(p: dict) -> dict:
    """A predicted target for the error list."""
    return {k: p[k] for k in ("target_id", "commitment_id", "text", "raw", "value", "value_max",
                              "unit", "comparator", "entity", "action", "status", "start")}


def score_targets(gold_targets: list[dict], trows: list[dict], sentences: list[str], tx: Text,
                  text: str | None) -> tuple[dict, dict, Pairs]:
    """Counts (TP, FP, FN) and errors of targets, strict targets, achievements and achievements
    reported as targets; and the lenient pairs, whose entity and action are scored apart."""
    g_targets = [dict(t) for t in gold_targets if (t.get("status") or "target") == "target"]
    g_achiev = [dict(t) for t in gold_targets if t.get("status") == "achievement"]
    p_targets = [r for r in trows if r["status"] == "target"]
    p_achiev = [r for r in trows if r["status"] == "achievement"]

    pairs, fn, fp = match_targets(g_targets, p_targets, tx, strict=False, text=text)
    s_pairs, s_fn, s_fp = match_targets(g_targets, p_targets, tx, strict=True, text=text)
    # predicted targets (unmatched ones: they are false positives already) that are gold achievements
    aat_pairs, _, _ = match_targets(g_achiev, fp, tx, strict=False, text=text)
    a_pairs, a_fn, a_fp = match_targets(g_achiev, p_achiev, tx, strict=False, text=text)
    counts = {"targets_lenient": (len(pairs), len(fp), len(fn)),
              "targets_strict": (len(s_pairs), len(s_fp), len(s_fn)),
              "achievements_as_targets": (len(aat_pairs), len(g_targets)),
              "achievements": (len(a_pairs), len(a_fp), len(a_fn))}
    errors = {"targets_fn": [gold_target_item(g, tx, sentences, trows) for g in fn],
              "targets_fp": [pred_target_item(p) for p in fp],
              "achievements_as_targets": [{**pred_target_item(p), "gold_quote": g["quote"]}
                                          for g, p in aat_pairs]}
    return counts, errors, pairs
