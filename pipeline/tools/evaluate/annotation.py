"""Which fields a gold file annotates (GOLD.md, "File format"): a field the gold does not
annotate is not scored, so that its predictions are neither errors nor a score of 0 or 1.

- in one file: a list (`targets`, `deadlines`, `owners`, `sections`) that is absent or `null`, a
  document field (`issuer`, `region`, `year`) that is absent, an `entity` / `action` absent
  from a target. `[]` is "annotated: the text has none"; `issuer: null` is "the text names
  none" and `region: null` "not knowable" (both keep their own meaning).
- in a gold folder: a list no file has a single item of (e.g. held-out reports annotated for
  targets only, with `owners: []` everywhere), entity / action when no target has the key. A
  folder that annotated a field would have found it somewhere.
Achievements are items of `targets` (`status: achievement`): annotated wherever targets are, so
a plan with none scores its predicted achievements as errors.
"""
from __future__ import annotations

LIST_FIELDS = ("targets", "deadlines", "owners", "sections")
META_FIELDS = ("issuer", "region", "year")
TARGET_FIELDS = ("entity", "action")
# The scores of a document that each field gives: P/R/F1 dicts, accuracies, the achievements
# reported as targets (whose share is of the gold targets).
PRF_SCORES = {"targets": ("targets_lenient", "targets_strict"), "achievements": ("achievements",),
              "deadlines": ("deadlines",), "owners": ("owners",), "sections": ("sections",)}
# The error lists each field gives.
ERROR_LISTS = {"targets": ("targets_fn", "targets_fp", "targets_mismatch", "achievements_as_targets"),
               "deadlines": ("deadlines_fn", "deadlines_fp"), "owners": ("owners_fn", "owners_fp"),
               "sections": ("sections_fn", "sections_fp")}


def file_unannotated(raw: dict) -> set[str]:
    """The fields one gold file (as read, before defaults) leaves out."""
    out = {f for f in LIST_FIELDS if raw.get(f) is None}
    if "targets" in out:
        out |= {"achievements", *TARGET_FIELDS}
    return out | {f for f in META_FIELDS if f not in raw}


def set_unannotated(golds: list[dict]) -> set[str]:
    """The fields no gold file of a folder annotates a single item of."""
    out = {f for f in LIST_FIELDS if not any(g[f] for g in golds)}
    if "targets" in out:
        out.add("achievements")
    targets = [t for g in golds for t in g["targets"]]
    return out | {f for f in TARGET_FIELDS if not any(f in t for t in targets)}


def not_scored(s: dict) -> dict:
    """The P/R/F1 dict of a field the gold does not annotate: no score, no counts, only how
    many rows were predicted."""
    return {"p": None, "r": None, "f1": None, "tp": 0, "fp": 0, "fn": 0,
            "predicted": s.get("predicted", s["tp"] + s["fp"])}


def mask(scores: dict, errors: dict, counts: dict, fields: set[str]) -> None:
    """Removes from one document's scores, errors and counts every field in `fields`."""
    for f in fields:
        for key in PRF_SCORES.get(f, ()):
            scores[key] = not_scored(scores[key])
            counts[key] = (0, 0, 0)
        for key in ERROR_LISTS.get(f, ()):
            errors[key] = []
        if f in TARGET_FIELDS:
            scores[f"{f}_accuracy"], counts[f] = None, (0, 0)
        elif f in META_FIELDS:
            scores[f]["correct"] = None
        elif f == "targets":
            scores["achievements_as_targets"] = {"count": None, "share": None}
            counts["achievements_as_targets"] = (0, 0)
    scores["not_annotated"] = sorted(fields)
