"""`make train`: rebuild models/ from the repository's data, and cross-validate.

Training data, kept apart:
- gold labels: every quantity mention in a commitment sentence of a gold document, labelled
  from its gold file (a mention the gold lists is `target` or `achievement`, any other mention
  `not_a_target`). Gold documents: data/raw/ with data/gold/ (the development set the rules were
  written on) and data/provinces/ documents with data/gold_heldout/ (annotated afterwards, never
  used to write rules);
- weak labels: the mentions of the other documents of data/provinces/ (provincial work reports),
  labelled by the rule extractors.
Models:
- mention classifier (`--extractors ml`): gold (weight ``GOLD_WEIGHT``) + weak (weight 1); the
  weak labels teach it the breadth of the language;
- mention corrector (`--extractors both`): gold only. The weak labels are the rules' own
  decisions, so a second opinion trained on them mostly repeats the rules; trained on gold alone it
  learns where the rules go wrong;
- clause classifier: weak labels only (no clause gold exists): heading, preamble (before the
  first heading), review (rules' review context), commitment.

Leave-one-document-out cross-validation over the gold documents: for each, the mention models
are trained without it (gold of the others; weak labels never include a gold document), and
rules / ml / both are scored on it with `pipeline.tools.evaluate` (GOLD.md's scoring), over all gold
documents and over each gold set.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.stages.clean import normalise_chars
from pipeline.extractors import CHAINS
from pipeline.extractors.targets import mentions, rule_decision
from pipeline.records import Document
from pipeline.config import Settings
from pipeline.language import Pipeline, process
from pipeline.ml.features import clause_features, mention_features
from pipeline.ml.models import (CLAUSE_FILE, CORRECTOR_FILE, MENTION_FILE, MODELS_DIR, make_classifier,
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


def cross_validate(gold_dirs: dict[str, Path], gold_docs: list[Document], gold_by_doc: dict,
                   weak: list[Mention], clause_model) -> dict:
    """Leave-one-document-out over the gold documents: rules, ml and both, scored by GOLD.md,
    over all gold documents and over each gold set (``gold_dirs``: set name → folder)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.tools.evaluate import evaluate
    from pipeline.stages.tables import SCHEMAS, document_rows

    modes = ("rules", "ml", "both")
    rows: dict[str, dict[str, list]] = {m: {name: [] for name in SCHEMAS} for m in modes}
    results = {}
    with tempfile.TemporaryDirectory(prefix="cv-") as tmp:
        tmp = Path(tmp)
        for held in gold_docs:
            train = [m for d in gold_docs if d.doc_id != held.doc_id for m in gold_by_doc[d.doc_id]]
            fold_models = tmp / f"models-{held.doc_id}"
            save(_fit(train + weak, _weights(train, weak)), fold_models / MENTION_FILE)
            save(_fit(train, [1.0] * len(train)), fold_models / CORRECTOR_FILE)
            save(clause_model, fold_models / CLAUSE_FILE)  # weak labels only: nothing held out leaks
            for mode in modes:  # the pipeline object of each chain, on this fold's models
                nlp = Pipeline(Settings(chain=mode, models_dir=str(fold_models)))
                doc = nlp.process(Document(doc_id=held.doc_id, source_path=held.source_path))
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
        every = tmp / "gold-all"
        every.mkdir()
        for folder in gold_dirs.values():
            for g in sorted(folder.glob("*.json")):
                shutil.copyfile(g, every / g.name)
        by_genre: dict[str, Path] = {}
        for doc_id, genre in _genres().items():
            src = every / f"{doc_id}.json"
            if src.exists():
                folder = by_genre.setdefault(f"genre:{genre}", tmp / f"gold-{genre}")
                folder.mkdir(exist_ok=True)
                shutil.copyfile(src, folder / src.name)
        for group, folder in {"all": every, **gold_dirs, **dict(sorted(by_genre.items()))}.items():
            results[group] = {mode: _scores(evaluate(folder, tmp / mode)["overall"]) for mode in modes}
    return results


def _genres() -> dict[str, str]:
    """doc_id → genre (data/genres.tsv), for per-genre cross-validation figures."""
    path = ROOT / "data" / "genres.tsv"
    if not path.exists():
        return {}
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    return {r[0]: r[1] for r in rows if len(r) >= 2}


def _scores(report: dict) -> dict:
    return {
        "targets_lenient_f1": round(report["targets_lenient"]["f1"], 4),
        "targets_strict_f1": round(report["targets_strict"]["f1"], 4),
        "achievements_as_targets": report["achievements_as_targets"]["count"],
        "achievements_as_targets_share": round(report["achievements_as_targets"]["share"], 4),
        "tp": report["targets_lenient"]["tp"], "fp": report["targets_lenient"]["fp"],
        "fn": report["targets_lenient"]["fn"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.tools.train", description=__doc__.split("\n")[0])
    ap.add_argument("--raw", type=Path, default=ROOT / "data" / "raw")
    ap.add_argument("--gold", type=Path, default=ROOT / "data" / "gold")
    ap.add_argument("--weak", type=Path, default=ROOT / "data" / "provinces")
    ap.add_argument("--heldout-gold", type=Path, default=ROOT / "data" / "gold_heldout",
                    help="gold files for documents of --weak (their text) annotated after the rules "
                         "were written; used like the other gold, and their weak labels are dropped")
    ap.add_argument("--models", type=Path, default=MODELS_DIR)
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    args = ap.parse_args(argv)
    random.seed(SEED)
    np.random.seed(SEED)
    t0 = time.time()

    gold_files = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(args.gold.glob("*.json"))}
    heldout_files = {p.stem: json.loads(p.read_text(encoding="utf-8"))
                     for p in sorted(args.heldout_gold.glob("*.json"))} if args.heldout_gold.is_dir() else {}
    gold_docs = [d for d in _docs(args.raw, "*.txt") if d.doc_id in gold_files]
    all_weak_docs = _docs(args.weak, "*.md")
    gold_docs += [d for d in all_weak_docs if d.doc_id in heldout_files]
    weak_docs = [d for d in all_weak_docs if d.doc_id not in heldout_files]
    labels = {**gold_files, **heldout_files}
    gold_by_doc = {d.doc_id: gold_mentions(d, labels[d.doc_id]) for d in gold_docs}
    gold = [m for d in gold_docs for m in gold_by_doc[d.doc_id]]
    weak = [m for d in weak_docs for m in weak_mentions(d)]
    print(f"mentions: {len(gold)} gold from {len(gold_docs)} documents ({len(heldout_files)} held-out "
          f"annotations), {len(weak)} weak from {len(weak_docs)} documents ({time.time() - t0:.0f}s)")

    save(_fit(gold + weak, _weights(gold, weak)), args.models / MENTION_FILE)
    save(_fit(gold, [1.0] * len(gold)), args.models / CORRECTOR_FILE)
    Xc, yc = [], []
    for d in all_weak_docs + [d for d in gold_docs if d.doc_id in gold_files]:
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
        "mention_corrector": {"file": CORRECTOR_FILE, "gold_mentions": len(gold),
                              "gold_documents": len(gold_docs), "weak_mentions": 0},
        "clause_classifier": {"file": CLAUSE_FILE, "weak_sentences": len(yc),
                              "labels": {k: yc.count(k) for k in sorted(set(yc))}},
    }
    if not args.no_cv:
        sets = {"dev": args.gold, **({"heldout": args.heldout_gold} if heldout_files else {})}
        info["cross_validation"] = cross_validate(sets, gold_docs, gold_by_doc, weak, clause_model)
        print(json.dumps(info["cross_validation"], indent=2))
    write_manifest(args.models, info)
    print(f"models written to {args.models} ({time.time() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
