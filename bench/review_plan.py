"""Review or plan, measured on the province work reports (issue 11).

Two shares over the quantities of ``targets.parquet``:

* review quantities labelled ``target`` (goal ≤ 0.5 %): under a part that reviews past work;
* plan quantities labelled ``achievement`` (goal ≤ 2 %): under a part that plans the year or
  sets multi-year goals (kinds ``plan`` and ``outlook``).

Part boundaries: read by hand for the reports listed in ``bench/review_plan_boundaries.tsv``;
for every other report the detected parts (the ``part`` column, ``pipeline/stages/parts.py``) are used,
which measures the status decision inside parts but not the part detection itself. Both are
printed apart. Parts of kind ``other`` (the government's own conduct, glossaries, an epidemic
chapter) count in neither share.

    .venv/bin/python -m pipeline extract data/provinces --out out/prov --extractors rules -j 2 --quiet
    .venv/bin/python bench/review_plan.py out/prov
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "bench" / "review_plan_boundaries.tsv"
PLAN_SIDE = ("plan", "outlook")


def hand_parts(out_dir: Path) -> dict[str, list[tuple[int, str]]]:
    """doc_id → [(offset, kind)] of the hand-read boundaries, located in the cleaned texts."""
    rows = pd.read_csv(BOUNDARIES, sep="\t", comment="#", dtype=str)
    out: dict[str, list[tuple[int, str]]] = {}
    for doc_id, g in rows.groupby("doc_id", sort=False):
        path = out_dir / "texts" / f"{doc_id}.txt"
        if not path.exists():
            print(f"warning: {path} missing; {doc_id} skipped", file=sys.stderr)
            continue
        text = path.read_text(encoding="utf-8")
        starts, off = [], 0
        for line in text.split("\n"):
            starts.append((off, line.strip()))
            off += len(line) + 1
        offsets, pos = [], 0
        for r in g.itertuples():
            at = next((o for o, line in starts if o >= pos and line.startswith(r.line)), None)
            if at is None:
                raise SystemExit(f"{doc_id}: boundary line not found: {r.line}")
            offsets.append((at, r.kind))
            pos = at + 1
        out[doc_id] = offsets
    return out


def _kind_at(bounds: list[tuple[int, str]], pos: int) -> str:
    kind = ""
    for start, k in bounds:
        if start <= pos:
            kind = k
    return kind


def shares(targets: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """{'review': (quantities, labelled target), 'plan': (quantities, labelled achievement)}."""
    review = targets[targets["kind"] == "review"]
    plan = targets[targets["kind"].isin(PLAN_SIDE)]
    return {"review": (len(review), int((review["status"] == "target").sum())),
            "plan": (len(plan), int((plan["status"] == "achievement").sum()))}


def _line(name: str, s: dict[str, tuple[int, int]]) -> str:
    (nr, rt), (np_, pa) = s["review"], s["plan"]
    return (f"{name:<34} review→target {rt:>4} / {nr:>5} = {rt / max(nr, 1):6.2%}   "
            f"plan→achievement {pa:>4} / {np_:>5} = {pa / max(np_, 1):6.2%}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path, help="an `extract data/provinces --out` folder")
    ap.add_argument("--list", type=int, default=0, help="print up to N misread quantities of each kind")
    args = ap.parse_args(argv)
    t = pd.read_parquet(args.out_dir / "targets.parquet")
    hand = hand_parts(args.out_dir)
    in_hand = t["doc_id"].isin(set(hand))
    t["kind"] = t["part"].fillna("") if "part" in t.columns else ""
    t.loc[in_hand, "kind"] = [_kind_at(hand[d], p) for d, p in zip(t.loc[in_hand, "doc_id"], t.loc[in_hand, "raw_start"])]
    n_docs = t["doc_id"].nunique()
    print(f"{n_docs} reports, {len(t)} quantities; {len(hand)} reports with hand-read part boundaries")
    print(_line(f"hand-read boundaries ({len(hand)})", shares(t[in_hand])))
    print(_line(f"detected parts ({n_docs - len(hand)})", shares(t[~in_hand])))
    print(_line("all", shares(t)))
    if "part" in t.columns:
        agree = (t.loc[in_hand, "part"].fillna("").replace("outlook", "plan")
                 == t.loc[in_hand, "kind"].replace("outlook", "plan"))
        print(f"detected part kind agrees with the hand-read one on {agree.mean():.2%} of the sample's quantities")
    if args.list:
        for kind, wrong in (("review", "target"), ("plan", "achievement")):
            bad = t[(t["kind"].isin(PLAN_SIDE) if kind == "plan" else t["kind"] == kind) & (t["status"] == wrong)]
            print(f"\n-- {kind} quantities labelled {wrong} ({len(bad)})")
            for r in bad.head(args.list).itertuples():
                print(f"  {r.doc_id}  {r.raw}  | {r.text[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
