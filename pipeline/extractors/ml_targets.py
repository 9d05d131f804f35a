"""Learned target extraction, alone (`ml`) or beside the rules (`both`).

Every quantity mention of a commitment sentence is classified `target` / `achievement` /
`not_a_target` by the mention classifier. In `both`, the rules decide unless the model is
confident (probability ≥ ``OVERRIDE``) of another answer; rows say which made them (`method`
= `rule`, `ml`, `rule+ml`) and how sure the model is (`confidence`).
"""
from __future__ import annotations

from ..ml.features import clause_features, mention_features
from ..ml.models import CLAUSE_FILE, MENTION_FILE, load
from ..numbers import Quantity
from ..records import Document, Sentence
from . import register
from .targets import Decision, mentions, rule_decision, sentence_targets

OVERRIDE = 0.98  # chosen by leave-one-document-out cross-validation (models/README.md)


def _probabilities(doc: Document) -> dict[tuple[int, int], dict[str, float]]:
    """(sentence start, mention start) → class probabilities, for a whole document at once."""
    model = load(MENTION_FILE)
    keys, rows = [], []
    for sent, q, quoted in mentions(doc):
        keys.append((sent.start, q.start))
        rows.append(mention_features(q, sent, quoted))
    if not rows:
        return {}
    classes = [str(c) for c in model.classes_]
    probs = model.predict_proba(rows)
    return {k: dict(zip(classes, map(float, p))) for k, p in zip(keys, probs)}


def _run(doc: Document, mode: str) -> Document:
    probs = _probabilities(doc)

    def decide(q: Quantity, sent: Sentence, quoted) -> Decision:
        p = probs.get((sent.start, q.start))
        rule = rule_decision(q, sent, quoted)
        if p is None:
            return rule
        label = max(p, key=p.get)
        if mode == "ml":
            return None if label == "not_a_target" else (label, "ml", round(p[label], 4))
        rule_label = rule[0] if rule else "not_a_target"
        if label == rule_label:
            return None if rule is None else (rule_label, "rule+ml", round(p[label], 4))
        if p[label] >= OVERRIDE:
            return None if label == "not_a_target" else (label, "ml", round(p[label], 4))
        return None if rule is None else (rule_label, "rule", round(p.get(rule_label, 0.0), 4))

    counter = [0]
    for c in doc.commitments:
        if c.sentence is not None and not c.sentence.table_row:  # table cells stay with the rules
            c.targets = sentence_targets(c, doc.doc_id, counter, decide)
    for i, t in enumerate(doc.targets, 1):  # ids in document order, as the rules give them
        t.target_id = f"{doc.doc_id}:t{i:04d}"
    return doc


@register("ml_targets")
def ml_targets(doc: Document) -> Document:
    return _run(doc, "ml")


@register("both_targets")
def both_targets(doc: Document) -> Document:
    return _run(doc, "both")


def _clauses(doc: Document, mode: str) -> Document:
    """Commitment status (planned / achieved) from the clause classifier, beside the rules'."""
    model = load(CLAUSE_FILE)
    starts = {s.start for s in doc.sections}
    index = {id(s): i for i, s in enumerate(doc.sentences)}
    n = max(len(doc.sentences), 1)
    rows = [clause_features(c.sentence, index.get(id(c.sentence), 0) / n, c.sentence.section_id is not None,
                            c.sentence.start in starts) for c in doc.commitments if c.sentence is not None]
    if not rows:
        return doc
    classes = [str(c) for c in model.classes_]
    probs = model.predict_proba(rows)
    for c, p in zip((c for c in doc.commitments if c.sentence is not None), probs):
        p_review = float(p[classes.index("review")]) if "review" in classes else 0.0
        ml_status = "achieved" if p_review >= 0.5 else "planned"
        confidence = round(max(p_review, 1 - p_review), 4)
        if mode == "ml":
            c.status, c.method, c.confidence = ml_status, "ml", confidence
        elif ml_status == c.status:
            c.method, c.confidence = "rule+ml", confidence
        elif confidence >= OVERRIDE:
            c.status, c.method, c.confidence = ml_status, "ml", confidence
    return doc


@register("ml_clauses")
def ml_clauses(doc: Document) -> Document:
    return _clauses(doc, "ml")


@register("both_clauses")
def both_clauses(doc: Document) -> Document:
    return _clauses(doc, "both")
