"""`make train`: rebuild models/ from the repository's data, and cross-validate.

Training data, kept apart:
- gold labels: every quantity mention in a commitment sentence of data/raw/, labelled from
  data/gold/ (a mention the gold lists is `target` or `achievement`, any other mention
  `not_a_target`); weight ``GOLD_WEIGHT``;
- weak labels: the same mentions in data/provinces/ (242 work reports, no gold), labelled by the
  rule extractors; weight 1. They teach the model the shape of the language; the gold labels
  correct it where the rules are wrong.
The clause classifier learns from weak labels only (no clause gold exists): heading, preamble
(before the first heading), review (rules' review context), commitment.

Leave-one-document-out cross-validation over the gold documents: for each, the mention model
is trained on the other gold documents plus all weak labels, and rules / ml / both are scored
on the held-out document with `pipeline.evaluate` (GOLD.md's scoring).
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..clean import normalise_chars
from ..extractors import CHAINS
from ..extractors.targets import mentions, rule_decision
from ..records import Document
from ..run import process
from .features import clause_features, mention_features
from .models import (CLAUSE_FILE, MENTION_FILE, MODELS_DIR, make_classifier, models_dir_override,
                     models_version, save, write_manifest)

ROOT = Path(__file__).resolve().parents[2]
GOLD_WEIGHT = 5.0
SEED = 13


@dataclass
class Mention:
    doc_id: str
    features: dict
    label: str


def _key(s: str) -> str:
    return "".join(normalise_chars(s).split())


def _same_unit(a, b) -> bool:
    alias = {"人": "名", "位": "名"}
    return alias.get(a or "", a or "") == alias.get(b or "", b or "")


def gold_mentions(doc: Document, gold: dict) -> list[Mention]:
    """Mentions of a gold document, labelled from its gold targets (each gold target once)."""
    pending = list(gold["targets"])
    out = []
    for sent, q, quoted in mentions(doc):
        key = _key(sent.text)
        label = "not_a_target"
        for g in pending:
            if (_key(g["quote"]) in key and abs(float(g["value"]) - q.value) <= 1e-6 * max(1, abs(q.value))
                    and _same_unit(g["unit"], q.unit)):
                label = g["status"]
                pending.remove(g)
                break
        out.append(Mention(doc.doc_id, mention_features(q, sent, quoted), label))
    return out


def weak_mentions(doc: Document) -> list[Mention]:
    """Mentions labelled by the rules."""
    out = []
    for sent, q, quoted in mentions(doc):
        d = rule_decision(q, sent, quoted)
        out.append(Mention(doc.doc_id, mention_features(q, sent, quoted), d[0] if d else "not_a_target"))
    return out


def weak_clauses(doc: Document) -> tuple[list[dict], list[str]]:
    starts = {s.start for s in doc.sections}
    first = min(starts) if starts else None
    committed = {c.start for c in doc.commitments}
    X, y = [], []
    n = max(len(doc.sentences), 1)
    for i, sent in enumerate(doc.sentences):
        heading = sent.start in starts and sent.start not in committed
        if heading:
            label = "heading"
        elif sent.start not in committed or (first is not None and sent.start < first):
            label = "preamble"
        elif sent.review:
            label = "review"
        else:
            label = "commitment"
        X.append(clause_features(sent, i / n, sent.section_id is not None, sent.start in starts))
        y.append(label)
    return X, y


def _docs(folder: Path, pattern: str) -> list[Document]:
    docs = []
    for path in sorted(folder.glob(pattern)):
        doc = process(path, extractors=CHAINS["rules"])
        if isinstance(doc, Document):
            docs.append(doc)
    return docs


def _fit(mentions: list[Mention], weights: list[float]):
    model = make_classifier()
    model.fit([m.features for m in mentions], [m.label for m in mentions], lr__sample_weight=np.array(weights))
    return model


def _weights(gold: list[Mention], weak: list[Mention]) -> list[float]:
    return [GOLD_WEIGHT] * len(gold) + [1.0] * len(weak)


def cross_validate(raw: Path, gold_dir: Path, gold_docs: list[Document], gold_by_doc: dict,
                   weak: list[Mention], clause_model) -> dict:
    """Leave-one-document-out over the gold documents: rules, ml and both, scored by GOLD.md."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..evaluate import evaluate
    from ..tables import SCHEMAS, document_rows

    modes = ("rules", "ml", "both")
    rows: dict[str, dict[str, list]] = {m: {name: [] for name in SCHEMAS} for m in modes}
    results = {}
    with tempfile.TemporaryDirectory(prefix="cv-") as tmp:
        tmp = Path(tmp)
        for held in gold_docs:
            train = [m for d in gold_docs if d.doc_id != held.doc_id for m in gold_by_doc[d.doc_id]]
            fold_models = tmp / f"models-{held.doc_id}"
            save(_fit(train + weak, _weights(train, weak)), fold_models / MENTION_FILE)
            save(clause_model, fold_models / CLAUSE_FILE)  # weak labels only: nothing held out leaks
            with models_dir_override(fold_models):
                for mode in modes:
                    doc = process(raw / f"{held.doc_id}.txt", extractors=CHAINS[mode])
                    if not isinstance(doc, Document):
                        raise RuntimeError(f"cross-validation failed on {held.doc_id}: {doc}")
                    for name, part in document_rows(doc, "cv").items():
                        rows[mode][name].extend(part)
                    texts = tmp / mode / "texts"
                    texts.mkdir(parents=True, exist_ok=True)
                    (texts / f"{doc.doc_id}.txt").write_text(doc.text, encoding="utf-8")
        for mode in modes:
            for name, schema in SCHEMAS.items():
                pq.write_table(pa.Table.from_pylist(rows[mode][name], schema=schema), tmp / mode / f"{name}.parquet")
            report = evaluate(gold_dir, tmp / mode)["overall"]
            results[mode] = {
                "targets_lenient_f1": round(report["targets_lenient"]["f1"], 4),
                "targets_strict_f1": round(report["targets_strict"]["f1"], 4),
                "achievements_as_targets": report["achievements_as_targets"]["count"],
                "achievements_as_targets_share": round(report["achievements_as_targets"]["share"], 4),
                "tp": report["targets_lenient"]["tp"], "fp": report["targets_lenient"]["fp"],
                "fn": report["targets_lenient"]["fn"],
            }
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.ml.train", description=__doc__.split("\n")[0])
    ap.add_argument("--raw", type=Path, default=ROOT / "data" / "raw")
    ap.add_argument("--gold", type=Path, default=ROOT / "data" / "gold")
    ap.add_argument("--weak", type=Path, default=ROOT / "data" / "provinces")
    ap.add_argument("--models", type=Path, default=MODELS_DIR)
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    args = ap.parse_args(argv)
    random.seed(SEED)
    np.random.seed(SEED)
    t0 = time.time()

    gold_files = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(args.gold.glob("*.json"))}
    gold_docs = [d for d in _docs(args.raw, "*.txt") if d.doc_id in gold_files]
    gold_by_doc = {d.doc_id: gold_mentions(d, gold_files[d.doc_id]) for d in gold_docs}
    gold = [m for d in gold_docs for m in gold_by_doc[d.doc_id]]
    weak_docs = _docs(args.weak, "*.md")
    weak = [m for d in weak_docs for m in weak_mentions(d)]
    print(f"mentions: {len(gold)} gold from {len(gold_docs)} documents, "
          f"{len(weak)} weak from {len(weak_docs)} documents ({time.time() - t0:.0f}s)")

    save(_fit(gold + weak, _weights(gold, weak)), args.models / MENTION_FILE)
    Xc, yc = [], []
    for d in weak_docs + gold_docs:
        X, y = weak_clauses(d)
        Xc += X
        yc += y
    clause_model = make_classifier(n_features=2 ** 15)
    clause_model.fit(Xc, yc)
    save(clause_model, args.models / CLAUSE_FILE)

    info = {
        "version": models_version(args.models),
        "mention_classifier": {"file": MENTION_FILE, "gold_mentions": len(gold), "weak_mentions": len(weak),
                               "gold_documents": len(gold_docs), "weak_documents": len(weak_docs),
                               "gold_weight": GOLD_WEIGHT,
                               "labels": {k: sum(1 for m in gold if m.label == k)
                                          for k in ("target", "achievement", "not_a_target")}},
        "clause_classifier": {"file": CLAUSE_FILE, "weak_sentences": len(yc),
                              "labels": {k: yc.count(k) for k in sorted(set(yc))}},
    }
    if not args.no_cv:
        info["cross_validation"] = cross_validate(args.raw, args.gold, gold_docs, gold_by_doc, weak, clause_model)
        print(json.dumps(info["cross_validation"], indent=2))
    write_manifest(args.models, info)
    print(f"models written to {args.models} ({time.time() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
