"""Quality on every gold set, per genre, rules alone and the default chain.

    .venv/bin/python bench/quality.py                 # dev gold, held-out reports, blind split
    .venv/bin/python bench/quality.py --json bench/quality.json

The development gold (data/raw + data/gold) is a training score: the rules were written on it and
the default chain's corrector learned from it. The held-out reports (data/gold_heldout, targets
only) and the blind split (data/blind + data/gold_blind, annotated before anybody looked at the
program's output on them, never used to write rules) are the honest figures. Cross-validated
(leave-one-document-out) figures for the learned chain come from `make train`
(models/manifest.json, printed here when present).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.runtime.batch import run_batch  # noqa: E402
from pipeline.tools.evaluate import evaluate  # noqa: E402
from pipeline.extractors import CHAINS  # noqa: E402

FIELDS = ("targets_lenient", "targets_strict", "deadlines", "owners", "sections")
GENRES = ROOT / "data" / "genres.tsv"


def gold_sets() -> dict[str, tuple[list[Path], Path]]:
    """name → (input files, gold folder) for every gold set present."""
    sets = {"dev": (sorted((ROOT / "data" / "raw").glob("*.txt")), ROOT / "data" / "gold")}
    held = ROOT / "data" / "gold_heldout"
    if held.is_dir():
        sets["heldout"] = ([ROOT / "data" / "provinces" / f"{g.stem}.md" for g in sorted(held.glob("*.json"))], held)
    blind = ROOT / "data" / "gold_blind"
    if blind.is_dir() and any(blind.glob("*.json")):
        stems = {g.stem for g in blind.glob("*.json")}
        files = [p for p in sorted((ROOT / "data" / "blind").glob("*")) if p.stem in stems]
        sets["blind"] = (files, blind)
    return sets


def genres() -> dict[str, str]:
    with GENRES.open(encoding="utf-8") as f:
        return {row["doc_id"]: row["genre"] for row in csv.DictReader(f, delimiter="\t")}


def _add(acc: dict, doc: dict) -> None:
    for f in FIELDS:
        a = acc.setdefault(f, [0, 0, 0])
        a[0] += doc[f]["tp"]
        a[1] += doc[f]["fp"]
        a[2] += doc[f]["fn"]
    acc.setdefault("issuer", [0, 0])
    acc["issuer"][0] += bool(doc["issuer"]["correct"])
    acc["issuer"][1] += 1
    acc.setdefault("docs", 0)
    acc["docs"] += 1


def _f1(tp: int, fp: int, fn: int) -> float | None:
    if tp + fn == 0:  # nothing of this field annotated in these documents
        return None
    return 2 * tp / (2 * tp + fp + fn)


def summarise(acc: dict) -> dict:
    out = {f: _f1(*acc[f]) for f in FIELDS}
    out["counts"] = {f: acc[f] for f in FIELDS}
    out["issuer"] = f"{acc['issuer'][0]}/{acc['issuer'][1]}"
    out["docs"] = acc["docs"]
    return out


def score(chain: str, files: list[Path], gold: Path, tmp: Path, by_genre: dict[str, str]) -> dict:
    out = tmp / f"{gold.name}-{chain}"
    run_batch([str(p) for p in files], out, extractors=CHAINS[chain], workers=1, quiet=True)
    report = evaluate(gold, out)
    groups: dict[str, dict] = {}
    for doc_id, doc in report["documents"].items():
        _add(groups.setdefault("all", {}), doc)
        _add(groups.setdefault(by_genre.get(doc_id, "other"), {}), doc)
    result = {g: summarise(a) for g, a in groups.items()}
    o = report["overall"]
    result["all"]["entity_accuracy"] = o["entity_accuracy"]
    result["all"]["action_accuracy"] = o["action_accuracy"]
    result["all"]["achievements_as_targets"] = o["achievements_as_targets"]["count"]
    return result


def _fmt(x) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chains", default="rules,both")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    by_genre = genres()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="quality-") as tmp:
        for name, (files, gold) in gold_sets().items():
            for chain in args.chains.split(","):
                results.setdefault(name, {})[chain] = score(chain, files, gold, Path(tmp), by_genre)
    print(f"{'set':8} {'genre':22} {'chain':6} {'docs':>4} " + " ".join(f"{f[:8]:>8}" for f in FIELDS)
          + "   issuer  entity  action  ach→tgt")
    for name, chains in results.items():
        for chain, groups in chains.items():
            for g in ["all"] + sorted(k for k in groups if k != "all"):
                r = groups[g]
                extra = ""
                if g == "all":
                    extra = (f"  {_fmt(r['entity_accuracy'])}   {_fmt(r['action_accuracy'])}"
                             f"   {r['achievements_as_targets']}")
                print(f"{name:8} {g:22} {chain:6} {r['docs']:>4} "
                      + " ".join(f"{_fmt(r[f]):>8}" for f in FIELDS) + f"   {r['issuer']:>5}" + extra)
    manifest = ROOT / "models" / "manifest.json"
    if manifest.exists():
        cv = json.loads(manifest.read_text(encoding="utf-8")).get("cross_validation")
        if cv:
            print("\nleave-one-document-out (make train; models/manifest.json): targets lenient / strict F1")
            for group, modes in cv.items():
                print(f"  {group:22} " + "  ".join(
                    f"{m} {s['targets_lenient_f1']:.4f}/{s['targets_strict_f1']:.4f}" for m, s in modes.items()))
            results["lodo"] = cv
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
