"""Entity and action of the matched targets (GOLD.md): the share of lenient pairs whose
predicted text overlaps the gold one (either contains the other; both empty is right). A gold
target without the key does not annotate it: its pair is left out of that share."""
from __future__ import annotations

from typing import Any

from pipeline.tools.evaluate.text import Text


def overlap_or_both_none(tx: Text, a: Any, b: Any) -> bool:
    """Either contains the other, or neither says anything."""
    ka, kb = tx.key(a), tx.key(b)
    if not ka and not kb:
        return True
    return tx.overlap(a, b)


def score_entity_action(pairs: list[tuple[dict, dict]], tx: Text) -> tuple[dict, list[dict]]:
    """Counts (right, scored) of entity and action, and the pairs where the comparator, the
    entity or the action differ (matched targets that a reader would still call wrong)."""
    counts, wrong = {}, {}
    for field in ("entity", "action"):
        scored = [(g, p) for g, p in pairs if field in g]
        wrong[field] = {id(g) for g, p in scored if not overlap_or_both_none(tx, p[field], g[field])}
        counts[field] = (len(scored) - len(wrong[field]), len(scored))
    mismatch = [
        {"quote": g["quote"], "text": p["text"],
         "comparator": [p["comparator"], g.get("comparator")],
         "entity": [p["entity"], g.get("entity")], "action": [p["action"], g.get("action")]}
        for g, p in pairs
        if p["ckey"] != tx.comparator(g.get("comparator")) or id(g) in wrong["entity"]
        or id(g) in wrong["action"]]
    return counts, mismatch
