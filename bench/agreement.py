"""Inter-annotator agreement on `entity` and `action` (issue 14): a second annotator, who saw
GOLD.md, the raw texts and the located targets (quote, raw, status) but neither the gold's
entity/action nor the program's output, wrote both fields for 285 targets of three work
reports (bench/agreement/<doc>.second.json). Scored as `evaluate` scores a prediction: the two
strings overlap (one contains the other, punctuation and spaces aside), or both are empty.

    .venv/bin/python bench/agreement.py

The figure is the ceiling a program can be held to on these fields: where two careful readers
of GOLD.md part, no extractor is "right".
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_KEY = re.compile(r"[\W_]+")


def overlaps(a: str | None, b: str | None) -> bool:
    if not a and not b:
        return True
    if not a or not b:
        return False
    a, b = _KEY.sub("", a), _KEY.sub("", b)
    return a in b or b in a


def main() -> int:
    rows, total = [], {"n": 0, "entity": 0, "action": 0}
    for second in sorted((ROOT / "bench" / "agreement").glob("*.second.json")):
        doc_id = second.name.removesuffix(".second.json")
        gold = json.loads((ROOT / "data" / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))["targets"]
        items = json.loads(second.read_text(encoding="utf-8"))
        e = sum(overlaps(gold[x["i"]].get("entity"), x["entity"]) for x in items)
        a = sum(overlaps(gold[x["i"]].get("action"), x["action"]) for x in items)
        rows.append((doc_id, len(items), e / len(items), a / len(items)))
        total["n"] += len(items)
        total["entity"] += e
        total["action"] += a
    print(f"{'document':48} {'items':>5} {'entity':>7} {'action':>7}")
    for doc_id, n, e, a in rows:
        print(f"{doc_id:48} {n:5d} {e:7.3f} {a:7.3f}")
    n = total["n"]
    print(f"{'all':48} {n:5d} {total['entity'] / n:7.3f} {total['action'] / n:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
