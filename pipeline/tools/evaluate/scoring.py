"""The whole gold folder: every document scored, the counts summed into the overall scores."""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

import pandas as pd

from pipeline.tools.evaluate.annotation import PRF_SCORES, not_scored, set_unannotated
from pipeline.tools.evaluate.document import score_document
from pipeline.tools.evaluate.loading import TABLES, cleaned_text, load_gold, load_predictions
from pipeline.tools.evaluate.text import Text, default_normalise
from pipeline.tools.evaluate.values import jsonable, prf

log = logging.getLogger("pipeline.evaluate")
PRF_FIELDS = ("targets_lenient", "targets_strict", "achievements", "deadlines", "owners", "sections")


def _log_document(doc_id: str, scores: dict, seconds: float) -> None:
    """One line per document scored (DEBUG: `evaluate --verbose`)."""
    if not log.isEnabledFor(logging.DEBUG):
        return
    parts = [f"{f} not annotated" if scores[f]["f1"] is None
             else f"{f} {scores[f]['tp']}/{scores[f]['fp']}/{scores[f]['fn']}" for f in PRF_FIELDS]
    log.debug("%s: %s (TP/FP/FN)%s, %.2f s", doc_id, ", ".join(parts),
              "" if scores["has_predictions"] else ", no predictions", seconds)


def _add(sums: dict[str, list], counts: dict) -> None:
    for k, v in counts.items():
        acc = sums.setdefault(k, [0] * len(v))
        for i, x in enumerate(v):
            acc[i] += x


def _share(documents: dict, field: str) -> float | None:
    """The share of documents whose `field` is right, among those where it is scored."""
    scored = [d[field]["correct"] for d in documents.values() if d[field]["correct"] is not None]
    return sum(scored) / len(scored) if scored else None


def _not_annotated(documents: dict, in_set: set[str]) -> list[str]:
    """The fields not one document annotates."""
    fields = [set(d["not_annotated"]) for d in documents.values()]
    return sorted(set.intersection(*fields) if fields else in_set)


def _overall(documents: dict, sums: dict[str, list], missing: list[str], in_set: set[str]) -> dict:
    ent_ok, ent_n = sums.get("entity", (0, 0))
    act_ok, act_n = sums.get("action", (0, 0))
    aat, n_gold_targets = sums.get("achievements_as_targets", (0, 0))
    not_annotated = _not_annotated(documents, in_set)
    prfs = {f: prf(*sums.get(f, (0, 0, 0))) for f in PRF_FIELDS}
    for field in not_annotated:
        for key in PRF_SCORES.get(field, ()):
            prfs[key] = not_scored({"tp": 0, "fp": 0, "predicted": sum(
                d[key].get("predicted", 0) for d in documents.values())})
    return {
        "n_documents": len(documents),
        **{f: prfs[f] for f in PRF_FIELDS[:2]},
        "entity_accuracy": ent_ok / ent_n if ent_n else None,
        "action_accuracy": act_ok / act_n if act_n else None,
        "achievements_as_targets": ({"count": None, "share": None} if "targets" in not_annotated else
                                    {"count": aat,
                                     "share": aat / n_gold_targets if n_gold_targets else None}),
        **{f: prfs[f] for f in PRF_FIELDS[2:]},
        "issuer_accuracy": _share(documents, "issuer"),
        "region_accuracy": _share(documents, "region"),
        "region_not_knowable": [k for k, d in documents.items() if d["region"]["correct"] is None
                                and "region" not in d["not_annotated"]],
        "year_accuracy": _share(documents, "year"),
        "documents_without_predictions": missing,
        "not_annotated": not_annotated,
    }


def _ignored(preds: dict[str, pd.DataFrame], golds: list[dict]) -> list[str]:
    """Predicted doc_ids that no gold file names."""
    if not golds:
        return []
    predicted = {str(x) for t in TABLES for x in preds[t]["doc_id"].dropna().unique()}
    return sorted(predicted - {g["doc_id"] for g in golds})


def evaluate(gold_dir: Path, pred_dir: Path, normalise: Callable[[str], str] | None = None) -> dict:
    """Scores the tables in `pred_dir` against the gold files in `gold_dir` (GOLD.md, "How a
    prediction is scored against gold"): overall and per-document scores, every error."""
    tx = Text(normalise or default_normalise())
    preds = load_predictions(Path(pred_dir))
    golds = load_gold(Path(gold_dir))
    in_set = set_unannotated(golds)
    documents, errors, warnings, missing = {}, {}, [], []
    sums: dict[str, list] = {}
    for g in golds:
        doc_id, started = g["doc_id"], time.perf_counter()
        scores, errs, counts = score_document(g, preds, tx, cleaned_text(pred_dir, doc_id),
                                              frozenset(in_set | g["_unannotated"]))
        if not scores["has_predictions"]:
            missing.append(doc_id)
            warnings.append(f"{doc_id}: gold but no predictions - all its gold counts as false negatives")
        documents[doc_id], errors[doc_id] = scores, errs
        _log_document(doc_id, scores, time.perf_counter() - started)
        _add(sums, counts)
    ignored = _ignored(preds, golds)
    if ignored:
        warnings.append(f"{len(ignored)} predicted document(s) without gold ignored: {', '.join(ignored)}")
    return jsonable({"overall": _overall(documents, sums, missing, in_set), "documents": documents,
                     "errors": errors, "warnings": warnings, "ignored_documents": ignored})
