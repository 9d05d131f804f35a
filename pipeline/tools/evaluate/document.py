"""One gold document against the predicted rows of the same doc_id: every field in turn."""
from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.tools.evaluate.annotation import mask
from pipeline.tools.evaluate.deadlines import score_deadlines
from pipeline.tools.evaluate.entity_action import score_entity_action
from pipeline.tools.evaluate.loading import TABLES, doc_frame
from pipeline.tools.evaluate.metadata import score_metadata
from pipeline.tools.evaluate.owners import score_owners
from pipeline.tools.evaluate.pairs import commitment_rows
from pipeline.tools.evaluate.sections import score_sections
from pipeline.tools.evaluate.targets import score_targets, target_rows
from pipeline.tools.evaluate.text import Text
from pipeline.tools.evaluate.values import prf


def _accuracy(right: int, n: int) -> float | None:
    return right / n if n else None


def score_document(gold: dict, preds: dict[str, pd.DataFrame], tx: Text, text: str | None,
                   unannotated: frozenset[str] = frozenset()) -> tuple[dict, dict, dict]:
    """Returns (per-document scores, errors, raw counts for the overall sums). The fields in
    `unannotated` (annotation.py) are not scored: no score, no errors, nothing counted."""
    doc_id = gold["doc_id"]
    d = {t: doc_frame(preds[t], doc_id) for t in TABLES}
    trows = target_rows(d["targets"], tx)
    commitments = commitment_rows(d["commitments"], tx)
    sentences = [r["text"] for r in trows if r["text"]] + [c["text"] for c in commitments if c["text"]]

    counts, t_errors, pairs = score_targets(gold.get("targets", []), trows, sentences, tx, text)
    ea_counts, mismatch = score_entity_action(pairs, tx)
    counts.update(ea_counts)
    dl, dl_errors = score_deadlines(gold.get("deadlines", []), preds, doc_id, commitments, sentences, tx)
    ow, ow_errors = score_owners(gold.get("owners", []), d["owners"], bool(len(preds["owners"])),
                                 commitments, sentences, tx)
    counts["deadlines"] = (dl["tp"], dl["fp"], dl["fn"])
    counts["owners"] = (ow["tp"], ow["fp"], ow["fn"])
    counts["sections"], s_errors = score_sections(gold.get("sections", []), d["sections"], tx)
    errors: dict[str, Any] = {"targets_fn": t_errors["targets_fn"], "targets_fp": t_errors["targets_fp"],
                              "targets_mismatch": mismatch,
                              "achievements_as_targets": t_errors["achievements_as_targets"],
                              **dl_errors, **ow_errors, **s_errors}
    aat, n_gold_targets = counts["achievements_as_targets"]
    scores = {
        "has_predictions": any(len(d[t]) for t in TABLES),
        "targets_lenient": prf(*counts["targets_lenient"]),
        "targets_strict": prf(*counts["targets_strict"]),
        "entity_accuracy": _accuracy(*counts["entity"]),
        "action_accuracy": _accuracy(*counts["action"]),
        "achievements_as_targets": {"count": aat,
                                    "share": aat / n_gold_targets if n_gold_targets else None},
        "achievements": prf(*counts["achievements"]),
        "deadlines": dl, "owners": ow, "sections": prf(*counts["sections"]),
        **score_metadata(d["documents"], gold, tx),
    }
    mask(scores, errors, counts, set(unannotated))
    return scores, errors, counts
