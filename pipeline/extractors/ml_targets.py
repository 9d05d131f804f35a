"""Learned target extraction, alone (`ml`) or beside the rules (`both`, the default).

Every quantity mention of a commitment sentence is classified `target` / `achievement` /
`not_a_target`. `ml` uses the mention classifier (gold and weak labels). `both` lets the rules
decide — in a work report (a document with a review part), unless the mention corrector — the same model trained on gold labels only — is confident
(probability ≥ ``OVERRIDE``) of another answer: the weak labels are the rules' own decisions,
so a model that learned them mostly repeats the rules (in cross-validation it only tied them),
while the gold-only model learns the rules' blind spots from annotated documents.
Rows say which made them (`method` = `rule`, `ml`, `rule+ml`) and how sure the model is
(`confidence`).
"""
from __future__ import annotations

from pipeline.ml.features import clause_features, mention_features
from pipeline.ml.models import CLAUSE_FILE, CORRECTOR_FILE, MENTION_FILE, load
from pipeline.stages.numbers import Quantity
from pipeline.stages.parts import REVIEW
from pipeline.records import Document, Sentence
from pipeline.extractors import register
from pipeline.extractors.targets import Decision, assign_targets, mentions, rule_decision

OVERRIDE = 0.98  # leave-one-document-out cross-validation: models/README.md gives the curve


def _classify(doc: Document, mode: str) -> tuple[dict, dict]:
    """Class probabilities of the mentions the model judges, and the rules' decisions (`both`),
    keyed by (sentence start, mention start, mention end), for a whole document at once.

    `ml` judges every mention. `both` judges only the mentions the rules take as targets: the
    corrector may veto one or call it an achievement. In cross-validation (models/README.md) it
    never rightly added a mention the rules had left out, nor changed an achievement of the
    rules, so this loses nothing and skips six mentions in seven."""
    model = load(MENTION_FILE if mode == "ml" else CORRECTOR_FILE)
    rules: dict[tuple[int, int, int], Decision] = {}
    keys, rows = [], []
    for sent, q, quoted in mentions(doc):
        key = (sent.start, q.start, q.end)  # a fraction and its numeral share a start
        if mode == "both":
            rules[key] = rule_decision(q, sent, quoted)
            if rules[key] is None or rules[key][0] != "target":
                continue
        keys.append(key)
        rows.append(mention_features(q, sent, quoted))
    if not rows:
        return {}, rules
    classes = [str(c) for c in model.classes_]
    probs = model.predict_proba(rows)
    return {k: dict(zip(classes, map(float, p))) for k, p in zip(keys, probs)}, rules


def reviewed_by_corrector(doc: Document) -> bool:
    """Whether `both` lets the corrector review the rules' targets in this document: only in a
    report with a review of past work (parts found by the status stage). Most of its gold
    mentions come from work reports; in leave-one-document-out cross-validation it helped there
    and vetoed real targets of task lists and plans (models/README.md)."""
    return any(part.kind == REVIEW for part in doc.parts)


def _run(doc: Document, mode: str, override: float = OVERRIDE) -> Document:
    if mode == "both" and not reviewed_by_corrector(doc):
        return assign_targets(doc, rule_decision)
    probs, rules = _classify(doc, mode)

    def decide(q: Quantity, sent: Sentence, quoted) -> Decision:
        key = (sent.start, q.start, q.end)  # a fraction and its numeral share a start
        p = probs.get(key)
        rule = rules[key] if key in rules else rule_decision(q, sent, quoted)
        if p is None:
            return rule
        label = max(p, key=p.get)
        if mode == "ml":
            return None if label == "not_a_target" else (label, "ml", round(p[label], 4))
        rule_label = rule[0] if rule else "not_a_target"
        if label == rule_label:
            return None if rule is None else (rule_label, "rule+ml", round(p[label], 4))
        if p[label] >= override:
            return None if label == "not_a_target" else (label, "ml", round(p[label], 4))
        return None if rule is None else (rule_label, "rule", round(p.get(rule_label, 0.0), 4))

    return assign_targets(doc, decide)  # table cells stay with the rules


@register("ml_targets")
def ml_targets(doc: Document) -> Document:
    return _run(doc, "ml")


@register("both_targets", settings={"override": OVERRIDE})
def both_targets(doc: Document, override: float = OVERRIDE) -> Document:
    """``override``: how sure the corrector must be to overrule the rules."""
    return _run(doc, "both", override)


def _clauses(doc: Document, mode: str, override: float = OVERRIDE) -> Document:
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
        elif confidence >= override:
            c.status, c.method, c.confidence = ml_status, "ml", confidence
    return doc


@register("ml_clauses")
def ml_clauses(doc: Document) -> Document:
    return _clauses(doc, "ml")


@register("both_clauses", settings={"override": OVERRIDE})
def both_clauses(doc: Document, override: float = OVERRIDE) -> Document:
    return _clauses(doc, "both", override)
