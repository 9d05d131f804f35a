"""Scores predicted tables against the gold annotations (data/gold/*.json).

The rules are those at the end of docs GOLD.md ("How a prediction is scored against gold"):

- targets: a predicted target matches a gold target of the same document when its `text`
  contains the gold quote (or the quote contains the text), the values are equal (relative
  difference < 1e-6) and the units are the same (名/人/位 count as one unit). Matching is
  one-to-one and greedy: gold targets in file order, each taking the best still-free
  candidate (comparator equal first, then closest by position, then table order). Only gold
  `status: target` counts; predicted rows with status `achievement` are left out. The strict
  score is its own one-to-one matching that also requires the comparator.
- deadlines / owners: distinct (section, date) / (section, name) pairs per document. A gold
  item's section is the `section_id` of a predicted commitment whose text contains its quote.
- sections: number and level equal, one title contains the other; one-to-one.
- documents: issuer (exact; gold null = the text names none, right when none is predicted),
  region (one contains the other, or both resolve to one place of the gazetteer: 湘西自治州 =
  湖南省湘西土家族苗族自治州; gold null = not knowable), year.

All text comparisons go through `_key`: the pipeline's `normalise` on both sides, NFKC,
Chinese/ASCII punctuation folded, all whitespace removed.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any, Callable

import pandas as pd

TABLES = ("documents", "sections", "commitments", "targets", "owners")
# Read when present: outputs written before the table existed are scored from the columns
# of `commitments` (`deadline_date`: one deadline per commitment).
OPTIONAL_TABLES = ("deadlines",)

_COLUMNS = {
    "documents": ["doc_id", "title", "issuer", "region", "year"],
    "sections": ["doc_id", "section_id", "parent_id", "level", "number", "title", "start", "end"],
    "commitments": ["doc_id", "commitment_id", "section_id", "section_path", "text", "start", "end",
                    "action", "owners", "owner_source", "deadline_raw", "deadline_date", "status"],
    "targets": ["doc_id", "target_id", "commitment_id", "raw", "value", "value_max", "unit",
                "comparator", "entity", "action", "text", "start", "end", "status"],
    "owners": ["doc_id", "commitment_id", "name", "role", "source"],
    "deadlines": ["doc_id", "deadline_id", "commitment_id", "raw", "date", "section_id"],
}

# Units counted as one.
_UNIT_ALIASES = {"人": "名", "位": "名"}
_COMPARATOR_ALIASES = {"≥": ">=", "≤": "<=", "==": "=", "≈": "~", "约": "~"}
# Punctuation that NFKC leaves alone, folded to one form on both sides.
_PUNCT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
                        "。": ".", "、": ",", "—": "-", "–": "-", "－": "-", "―": "-",
                        "【": "[", "】": "]", "〔": "[", "〕": "]", "…": "...", "·": ".",
                        "•": "."})
_WS = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")


# --------------------------------------------------------------------------------------------
# loading


def load_predictions(pred_dir: Path) -> dict[str, pd.DataFrame]:
    """Reads `<table>.parquet` (fallback `<table>.csv`, UTF-8 with BOM) for each scored table.

    A missing table comes back as an empty frame with the contract's columns; missing columns
    are added as empty, so the scorer never fails on a partial output.
    """
    from pipeline.runtime.publish import dataset_dir

    pred_dir = dataset_dir(Path(pred_dir))  # one published set, even if a run publishes meanwhile
    out: dict[str, pd.DataFrame] = {}
    for table in TABLES + OPTIONAL_TABLES:
        pq, csv = pred_dir / f"{table}.parquet", pred_dir / f"{table}.csv"
        if pq.exists():
            df = pd.read_parquet(pq)
        elif csv.exists():
            df = pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=True)
        elif table in OPTIONAL_TABLES:
            continue
        else:
            df = pd.DataFrame(columns=_COLUMNS[table])
        for col in _COLUMNS[table]:
            if col not in df.columns:
                df[col] = None
        out[table] = df.reset_index(drop=True)
    return out


class _Simplified(dict):
    """Character map traditional → simplified (OpenCC t2s, one character at a time, so lengths
    never change): gold quotes the raw text, which may be traditional, while the pipeline's
    cleaned text is simplified. Filled lazily, one entry per character seen."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        try:
            from pipeline.stages.ingest import _t2s  # type: ignore

            out = _t2s().convert(ch) if ord(ch) > 0x2E80 else ch
        except Exception:  # pragma: no cover - OpenCC missing: compare as written
            out = ch
        self[code] = out if len(out) == 1 else ch
        return self[code]


_SIMPLIFIED = _Simplified()


def _default_normalise() -> Callable[[str], str]:
    try:
        from pipeline.stages.clean import normalise_chars  # type: ignore
    except Exception:  # pragma: no cover - depends on the rest of the package
        return lambda s: unicodedata.normalize("NFKC", s).translate(_SIMPLIFIED)
    return lambda s: normalise_chars(s).translate(_SIMPLIFIED)


# --------------------------------------------------------------------------------------------
# small value helpers


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        if x is pd.NA or x is pd.NaT:
            return True
    except Exception:
        pass
    if isinstance(x, float) and math.isnan(x):
        return True
    return False


def _str(x: Any) -> str | None:
    """A cell as a stripped string; None for missing/empty."""
    if _missing(x):
        return None
    s = str(x).strip()
    return s or None


def _id(x: Any) -> str | None:
    """An id cell as a string ('3.0' and 3 → '3'), so parquet and CSV ids compare equal."""
    if _missing(x):
        return None
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    s = str(x).strip()
    if re.fullmatch(r"-?\d+\.0+", s):
        s = s.split(".")[0]
    return s or None


def _float(x: Any) -> float | None:
    if _missing(x):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _int(x: Any) -> int | None:
    v = _float(x)
    return None if v is None else int(round(v))


def _date(x: Any) -> str | None:
    if _missing(x):
        return None
    if hasattr(x, "isoformat"):
        x = x.isoformat()
    s = str(x).strip()
    return s[:10] if s else None


def _py(x: Any) -> Any:
    """Makes a value JSON-serialisable (numpy scalars, NaN → None)."""
    if isinstance(x, dict):
        return {str(k): _py(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_py(v) for v in x]
    if _missing(x):
        return None
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        try:
            x = x.item()
        except Exception:
            x = str(x)
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    if isinstance(x, (str, int, float, bool)):
        return x
    return str(x)


def _prf(tp: int, fp: int, fn: int) -> dict:
    """P/R/F1; with nothing predicted and nothing to find everything is 1.0."""
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


class _Text:
    """The comparison key of strings: normalise, NFKC, folded punctuation, no whitespace."""

    def __init__(self, normalise: Callable[[str], str]):
        self.normalise = normalise
        self._cache: dict[str, str] = {}
        self.located: dict[int, tuple] = {}

    def key(self, s: Any) -> str:
        if _missing(s):
            return ""
        s = str(s)
        k = self._cache.get(s)
        if k is None:
            k = unicodedata.normalize("NFKC", self.normalise(s)).translate(_PUNCT)
            k = _WS.sub("", k)
            self._cache[s] = k
        return k

    def overlap(self, a: Any, b: Any) -> bool:
        """Either contains the other (non-empty keys)."""
        ka, kb = self.key(a), self.key(b)
        return bool(ka) and bool(kb) and (ka in kb or kb in ka)

    def unit(self, u: Any) -> str | None:
        k = self.key(u)
        return _UNIT_ALIASES.get(k, k) or None

    def comparator(self, c: Any) -> str | None:
        k = self.key(c)
        return _COMPARATOR_ALIASES.get(k, k) or None

    def name(self, n: Any) -> str:
        return _NON_WORD.sub("", self.key(n))


def _values_equal(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    return abs(a - b) < 1e-6 * max(abs(a), abs(b))


# --------------------------------------------------------------------------------------------
# targets


def _locate(tx: _Text, text: str | None, quote: str) -> int | None:
    """Offset of `quote` in `text`, ignoring whitespace on both sides (None if absent)."""
    if not text:
        return None
    pos = text.find(quote)
    if pos >= 0:
        return pos
    q = tx.key(quote)
    if not q:
        return None
    cached = tx.located.get(id(text))
    if cached is None or cached[0] is not text:
        # map each character of the whitespace-free text back to its offset in `text`
        idx, chars = [], []
        for i, ch in enumerate(text):
            if not ch.isspace():
                idx.append(i)
                chars.append(ch)
        k = unicodedata.normalize("NFKC", tx.normalise("".join(chars))).translate(_PUNCT)
        cached = tx.located[id(text)] = (text, k if len(k) == len(chars) else None, idx)
    _, k, idx = cached
    if k is None:  # normalisation changed lengths: no reliable position
        return None
    j = k.find(q)
    return idx[j] if j >= 0 else None


def _target_rows(df: pd.DataFrame, tx: _Text) -> list[dict]:
    rows = []
    for i, r in enumerate(df.to_dict("records")):
        status = (_str(r.get("status")) or "target").lower()
        rows.append({
            "i": i, "text": _str(r.get("text")), "tkey": tx.key(r.get("text")),
            "raw": _str(r.get("raw")), "value": _float(r.get("value")),
            "value_max": _float(r.get("value_max")), "unit": _str(r.get("unit")),
            "ukey": tx.unit(r.get("unit")), "comparator": _str(r.get("comparator")),
            "ckey": tx.comparator(r.get("comparator")), "entity": _str(r.get("entity")),
            "action": _str(r.get("action")), "start": _int(r.get("start")),
            "status": "achievement" if status.startswith("achiev") else "target",
            "commitment_id": _id(r.get("commitment_id")), "target_id": _id(r.get("target_id")),
        })
    return rows


def _match_targets(gold: list[dict], preds: list[dict], tx: _Text, strict: bool,
                   text: str | None) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Greedy one-to-one matching. Returns (pairs, unmatched gold, unmatched predictions)."""
    used: set[int] = set()
    pairs, fn = [], []
    for g in gold:
        q = tx.key(g["quote"])
        gu, gc, gv = tx.unit(g.get("unit")), tx.comparator(g.get("comparator")), _float(g.get("value"))
        cands = []
        for p in preds:
            if p["i"] in used or not p["tkey"] or not q:
                continue
            if not (q in p["tkey"] or p["tkey"] in q):
                continue
            if not _values_equal(p["value"], gv) or p["ukey"] != gu:
                continue
            if strict and p["ckey"] != gc:
                continue
            cands.append(p)
        if not cands:
            fn.append(g)
            continue
        gpos = g.get("_pos")
        if gpos is None and text is not None:
            gpos = g["_pos"] = _locate(tx, text, g["quote"])

        def rank(p: dict) -> tuple:
            dist = abs(p["start"] - gpos) if gpos is not None and p["start"] is not None else math.inf
            return (p["ckey"] != gc, dist, p["i"])

        best = min(cands, key=rank)
        used.add(best["i"])
        pairs.append((g, best))
    fp = [p for p in preds if p["i"] not in used]
    return pairs, fn, fp


def _best_sentence(tx: _Text, quote: str, texts: list[str]) -> str | None:
    """The shortest predicted sentence containing the quote, else the longest one inside it."""
    q = tx.key(quote)
    if not q:
        return None
    containing = [t for t in texts if q in tx.key(t)]
    if containing:
        return min(containing, key=len)
    inside = [t for t in texts if tx.key(t) and tx.key(t) in q]
    return max(inside, key=len) if inside else None


def _gold_target_item(g: dict, tx: _Text, texts: list[str], preds: list[dict]) -> dict:
    q = tx.key(g["quote"])
    near = [{"text": p["text"], "raw": p["raw"], "value": p["value"], "unit": p["unit"],
             "comparator": p["comparator"], "status": p["status"]}
            for p in preds if p["tkey"] and q and (q in p["tkey"] or p["tkey"] in q)][:5]
    return {"quote": g["quote"], "raw": g.get("raw"), "value": g.get("value"),
            "value_max": g.get("value_max"), "unit": g.get("unit"),
            "comparator": g.get("comparator"), "entity": g.get("entity"),
            "action": g.get("action"), "status": g.get("status"),
            "sentence": _best_sentence(tx, g["quote"], texts), "near_misses": near}


def _pred_target_item(p: dict) -> dict:
    return {k: p[k] for k in ("target_id", "commitment_id", "text", "raw", "value", "value_max",
                              "unit", "comparator", "entity", "action", "status", "start")}


def _same_region(tx: _Text, pred: Any, gold: Any) -> bool:
    """One name contains the other ('四川' / '四川省'), or both name one administrative unit
    ('湘西自治州' / '湖南省湘西土家族苗族自治州'), resolved through the pipeline's gazetteer
    (jionlp): the most specific place each names must be the same."""
    if tx.overlap(pred, gold):
        return True
    kp, kg = tx.key(pred), tx.key(gold)
    if not kp or not kg:
        return False
    try:
        from pipeline.stages.metadata import find_places  # type: ignore
    except Exception:  # pragma: no cover - depends on the rest of the package
        return False

    def deepest(k: str) -> Any:
        places = find_places(k)
        return max(places, key=lambda p: sum(1 for x in p if x)) if places else None

    a, b = deepest(kp), deepest(kg)
    return a is not None and a == b


def _overlap_or_both_none(tx: _Text, a: Any, b: Any) -> bool:
    ka, kb = tx.key(a), tx.key(b)
    if not ka and not kb:
        return True
    return tx.overlap(a, b)


# --------------------------------------------------------------------------------------------
# deadlines and owners


def _commitment_rows(df: pd.DataFrame, tx: _Text) -> list[dict]:
    rows = []
    for r in df.to_dict("records"):
        rows.append({"commitment_id": _id(r.get("commitment_id")),
                     "section_id": _id(r.get("section_id")), "text": _str(r.get("text")),
                     "tkey": tx.key(r.get("text")), "deadline_date": _date(r.get("deadline_date")),
                     "deadline_raw": _str(r.get("deadline_raw")), "owners": _str(r.get("owners")),
                     "owner_source": _str(r.get("owner_source"))})
    return rows


def _score_pairs(gold_items: list[dict], second: Callable[[dict], Any], commitments: list[dict],
                 pred_pairs: dict[tuple, list[str]], tx: _Text) -> tuple[dict, list, list]:
    """Scores distinct (section, x) pairs of one document.

    A gold item's section comes from the predicted commitments whose text contains its quote:
    if one of them yields a pair that was predicted, that one; otherwise the first. A gold item
    no commitment contains can never match (it is a false negative of its own).
    """
    gold_pairs: dict[tuple, dict] = {}
    for g in gold_items:
        q = tx.key(g["quote"])
        x = second(g)
        containing = [c for c in commitments if q and c["tkey"] and q in c["tkey"]]
        if not containing:
            key = ("<unlocated>", g["quote"], x)
            section, sentence = None, None
        else:
            hit = next((c for c in containing if (c["section_id"], x) in pred_pairs), containing[0])
            key = (hit["section_id"], x)
            section, sentence = hit["section_id"], hit["text"]
        if key not in gold_pairs:
            gold_pairs[key] = {**g, "section_id": section, "sentence": sentence,
                               "located": bool(containing)}
    tp = sum(1 for k in gold_pairs if k in pred_pairs)
    fn = [v for k, v in gold_pairs.items() if k not in pred_pairs]
    fp = [(k, v) for k, v in pred_pairs.items() if k not in gold_pairs]
    return _prf(tp, len(fp), len(fn)), fn, fp


# --------------------------------------------------------------------------------------------
# sections


def _match_sections(gold: list[dict], preds: list[dict], tx: _Text) -> tuple[int, list, list]:
    used: set[int] = set()
    fn = []
    for g in gold:
        gl, gn, gt = _int(g.get("level")), tx.key(g.get("number")), tx.key(g.get("title"))
        best = None
        for p in preds:
            if p["i"] in used or p["level"] != gl or p["nkey"] != gn:
                continue
            pt = p["tkey"]
            ok = (pt == gt) if not pt or not gt else (pt in gt or gt in pt)
            if ok:
                best = p
                break
        if best is None:
            fn.append(g)
        else:
            used.add(best["i"])
    fp = [p for p in preds if p["i"] not in used]
    return len(gold) - len(fn), fn, fp


# --------------------------------------------------------------------------------------------
# the report


def _doc_frame(df: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    if df.empty:
        return df
    return df[df["doc_id"].astype(str) == doc_id]


def _score_document(gold: dict, preds: dict[str, pd.DataFrame], tx: _Text,
                    text: str | None) -> tuple[dict, dict, dict]:
    """Returns (per-document scores, errors, raw counts for the overall sums)."""
    doc_id = gold["doc_id"]
    d = {t: _doc_frame(preds[t], doc_id) for t in TABLES}
    has_pred = any(len(d[t]) for t in TABLES)
    errors: dict[str, list] = {}
    counts: dict[str, Any] = {}

    # ---- targets
    trows = _target_rows(d["targets"], tx)
    commitments = _commitment_rows(d["commitments"], tx)
    sentences = [r["text"] for r in trows if r["text"]] + [c["text"] for c in commitments if c["text"]]
    g_targets = [dict(t) for t in gold.get("targets", []) if (t.get("status") or "target") == "target"]
    g_achiev = [dict(t) for t in gold.get("targets", []) if t.get("status") == "achievement"]
    p_targets = [r for r in trows if r["status"] == "target"]
    p_achiev = [r for r in trows if r["status"] == "achievement"]

    pairs, fn, fp = _match_targets(g_targets, p_targets, tx, strict=False, text=text)
    s_pairs, s_fn, s_fp = _match_targets(g_targets, p_targets, tx, strict=True, text=text)
    counts["targets_lenient"] = (len(pairs), len(fp), len(fn))
    counts["targets_strict"] = (len(s_pairs), len(s_fp), len(s_fn))
    ent_ok = sum(_overlap_or_both_none(tx, p["entity"], g.get("entity")) for g, p in pairs)
    act_ok = sum(_overlap_or_both_none(tx, p["action"], g.get("action")) for g, p in pairs)
    counts["entity"] = (ent_ok, len(pairs))
    counts["action"] = (act_ok, len(pairs))

    # predicted targets (unmatched ones: they are false positives already) that are gold achievements
    aat_pairs, _, _ = _match_targets(g_achiev, fp, tx, strict=False, text=text)
    counts["achievements_as_targets"] = (len(aat_pairs), len(g_targets))
    a_pairs, a_fn, a_fp = _match_targets(g_achiev, p_achiev, tx, strict=False, text=text)
    counts["achievements"] = (len(a_pairs), len(a_fp), len(a_fn))

    errors["targets_fn"] = [_gold_target_item(g, tx, sentences, trows) for g in fn]
    errors["targets_fp"] = [_pred_target_item(p) for p in fp]
    errors["targets_mismatch"] = [
        {"quote": g["quote"], "text": p["text"],
         "comparator": [p["comparator"], g.get("comparator")],
         "entity": [p["entity"], g.get("entity")], "action": [p["action"], g.get("action")]}
        for g, p in pairs
        if p["ckey"] != tx.comparator(g.get("comparator"))
        or not _overlap_or_both_none(tx, p["entity"], g.get("entity"))
        or not _overlap_or_both_none(tx, p["action"], g.get("action"))]
    errors["achievements_as_targets"] = [{**_pred_target_item(p), "gold_quote": g["quote"]}
                                         for g, p in aat_pairs]

    # ---- deadlines: every row of the `deadlines` table (several per commitment), else the one
    # of each commitment
    pred_dl: dict[tuple, list[dict]] = {}
    if "deadlines" in preds:
        cid_text = {c["commitment_id"]: c for c in commitments}
        for r in _doc_frame(preds["deadlines"], doc_id).to_dict("records"):
            date, c = _date(r.get("date")), cid_text.get(_id(r.get("commitment_id")))
            if not date:
                continue
            section = _id(r.get("section_id"))
            if section is None and c is not None:
                section = c["section_id"]
            pred_dl.setdefault((section, date), []).append(
                {"deadline_raw": _str(r.get("raw")), "text": c["text"] if c else None})
    else:
        for c in commitments:
            if c["deadline_date"]:
                pred_dl.setdefault((c["section_id"], c["deadline_date"]), []).append(c)
    dl, dl_fn, dl_fp = _score_pairs(gold.get("deadlines", []), lambda g: _date(g.get("date")),
                                    commitments, pred_dl, tx)
    counts["deadlines"] = (dl["tp"], dl["fp"], dl["fn"])
    errors["deadlines_fn"] = [{"quote": g["quote"], "raw": g.get("raw"), "date": g.get("date"),
                               "section_id": g["section_id"], "located": g["located"],
                               "sentence": g["sentence"] or _best_sentence(tx, g["quote"], sentences)}
                              for g in dl_fn]
    errors["deadlines_fp"] = [{"section_id": k[0], "date": k[1], "deadline_raw": v[0]["deadline_raw"],
                               "text": v[0]["text"], "n_commitments": len(v)} for k, v in dl_fp]

    # ---- owners
    by_cid = {c["commitment_id"]: c for c in commitments}
    pred_ow: dict[tuple, list] = {}
    orows = d["owners"].to_dict("records")
    if orows or len(preds["owners"]):
        for r in orows:
            if (_str(r.get("source")) or "").lower() == "issuer":
                continue
            c = by_cid.get(_id(r.get("commitment_id")))
            name = tx.name(r.get("name"))
            if not name:
                continue
            pred_ow.setdefault((c["section_id"] if c else None, name), []).append(
                {"text": c["text"] if c else None, "name": _str(r.get("name")),
                 "role": _str(r.get("role")), "commitment_id": _id(r.get("commitment_id"))})
    else:  # no owners table at all: fall back on commitments.owners
        for c in commitments:
            if not c["owners"] or (c["owner_source"] or "").lower() == "issuer":
                continue
            for n in c["owners"].split(";"):
                if tx.name(n):
                    pred_ow.setdefault((c["section_id"], tx.name(n)), []).append(
                        {"text": c["text"], "name": n.strip(), "role": None,
                         "commitment_id": c["commitment_id"]})
    ow, ow_fn, ow_fp = _score_pairs(gold.get("owners", []), lambda g: tx.name(g.get("name")),
                                    commitments, pred_ow, tx)
    counts["owners"] = (ow["tp"], ow["fp"], ow["fn"])
    errors["owners_fn"] = [{"quote": g["quote"], "name": g.get("name"), "role": g.get("role"),
                            "section_id": g["section_id"], "located": g["located"],
                            "sentence": g["sentence"] or _best_sentence(tx, g["quote"], sentences)}
                           for g in ow_fn]
    errors["owners_fp"] = [{"section_id": k[0], "name": v[0]["name"], "role": v[0]["role"],
                            "text": v[0]["text"], "n_commitments": len(v)} for k, v in ow_fp]

    # ---- sections
    srows = [{"i": i, "section_id": _id(r.get("section_id")), "level": _int(r.get("level")),
              "number": _str(r.get("number")), "nkey": tx.key(r.get("number")),
              "title": _str(r.get("title")), "tkey": tx.key(r.get("title"))}
             for i, r in enumerate(d["sections"].to_dict("records"))]
    s_tp, s_fn_items, s_fp_items = _match_sections(gold.get("sections", []), srows, tx)
    counts["sections"] = (s_tp, len(s_fp_items), len(s_fn_items))
    errors["sections_fn"] = [{"level": g.get("level"), "number": g.get("number"),
                              "title": g.get("title")} for g in s_fn_items]
    errors["sections_fp"] = [{k: p[k] for k in ("section_id", "level", "number", "title")}
                             for p in s_fp_items]

    # ---- document metadata
    drow = d["documents"].iloc[0].to_dict() if len(d["documents"]) else {}
    p_issuer, p_region, p_year = _str(drow.get("issuer")), _str(drow.get("region")), _int(drow.get("year"))
    g_issuer, g_region, g_year = gold.get("issuer"), gold.get("region"), gold.get("year")
    meta = {
        # gold null = the text names no issuer: right only when none is predicted either
        "issuer": {"predicted": p_issuer, "gold": g_issuer,
                   "correct": (not tx.key(p_issuer)) if _missing(g_issuer) or not tx.key(g_issuer)
                   else tx.key(p_issuer) == tx.key(g_issuer)},
        "region": {"predicted": p_region, "gold": g_region,
                   "correct": None if _missing(g_region) else _same_region(tx, p_region, g_region)},
        "year": {"predicted": p_year, "gold": g_year,
                 "correct": p_year is not None and p_year == _int(g_year)},
        "title": {"predicted": _str(drow.get("title")), "gold": gold.get("title")},
    }

    scores = {
        "has_predictions": has_pred,
        "targets_lenient": _prf(*counts["targets_lenient"]),
        "targets_strict": _prf(*counts["targets_strict"]),
        "entity_accuracy": ent_ok / len(pairs) if pairs else None,
        "action_accuracy": act_ok / len(pairs) if pairs else None,
        "achievements_as_targets": {"count": len(aat_pairs),
                                    "share": len(aat_pairs) / len(g_targets) if g_targets else None},
        "achievements": _prf(*counts["achievements"]),
        "deadlines": dl, "owners": ow, "sections": _prf(*counts["sections"]),
        **meta,
    }
    return scores, errors, counts


def _load_gold(gold_dir: Path) -> list[dict]:
    golds = []
    for f in sorted(Path(gold_dir).glob("*.json")):
        g = json.loads(f.read_text(encoding="utf-8"))
        g.setdefault("doc_id", f.stem)
        for k in ("targets", "deadlines", "owners", "sections"):
            g[k] = g.get(k) or []
        golds.append(g)
    return golds


def evaluate(gold_dir: Path, pred_dir: Path, normalise: Callable[[str], str] | None = None) -> dict:
    """Scores the tables in `pred_dir` against the gold files in `gold_dir` (see module doc)."""
    tx = _Text(normalise or _default_normalise())
    preds = load_predictions(Path(pred_dir))
    golds = _load_gold(Path(gold_dir))

    documents, errors, warnings, missing = {}, {}, [], []
    sums: dict[str, list] = {}
    for g in golds:
        doc_id = g["doc_id"]
        tpath = Path(pred_dir) / "texts" / f"{doc_id}.txt"
        text = tpath.read_text(encoding="utf-8") if tpath.exists() else None
        scores, errs, counts = _score_document(g, preds, tx, text)
        if not scores["has_predictions"]:
            missing.append(doc_id)
            warnings.append(f"{doc_id}: gold but no predictions - all its gold counts as false negatives")
        documents[doc_id] = scores
        errors[doc_id] = errs
        for k, v in counts.items():
            acc = sums.setdefault(k, [0] * len(v))
            for i, x in enumerate(v):
                acc[i] += x

    n = len(golds)
    region_docs = [d for d in documents.values() if d["region"]["correct"] is not None]
    ent_ok, ent_n = sums.get("entity", (0, 0))
    act_ok, act_n = sums.get("action", (0, 0))
    aat, n_gold_targets = sums.get("achievements_as_targets", (0, 0))
    zero = (0, 0, 0)
    overall = {
        "n_documents": n,
        "targets_lenient": _prf(*sums.get("targets_lenient", zero)),
        "targets_strict": _prf(*sums.get("targets_strict", zero)),
        "entity_accuracy": ent_ok / ent_n if ent_n else None,
        "action_accuracy": act_ok / act_n if act_n else None,
        "achievements_as_targets": {"count": aat,
                                    "share": aat / n_gold_targets if n_gold_targets else None},
        "achievements": _prf(*sums.get("achievements", zero)),
        "deadlines": _prf(*sums.get("deadlines", zero)),
        "owners": _prf(*sums.get("owners", zero)),
        "sections": _prf(*sums.get("sections", zero)),
        "issuer_accuracy": sum(d["issuer"]["correct"] for d in documents.values()) / n if n else None,
        "region_accuracy": (sum(d["region"]["correct"] for d in region_docs) / len(region_docs)
                            if region_docs else None),
        "region_not_knowable": [k for k, d in documents.items() if d["region"]["correct"] is None],
        "year_accuracy": sum(d["year"]["correct"] for d in documents.values()) / n if n else None,
        "documents_without_predictions": missing,
    }
    ignored = sorted({str(x) for t in TABLES for x in preds[t]["doc_id"].dropna().unique()}
                     - {g["doc_id"] for g in golds}) if golds else []
    if ignored:
        warnings.append(f"{len(ignored)} predicted document(s) without gold ignored: {', '.join(ignored)}")
    return _py({"overall": overall, "documents": documents, "errors": errors,
                "warnings": warnings, "ignored_documents": ignored})


# --------------------------------------------------------------------------------------------
# text output


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = []
    for j, r in enumerate([header] + rows):
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _mark(c: Any) -> str:
    return "-" if c is None else ("✓" if c else "✗")


def format_report(report: dict) -> str:
    o = report["overall"]
    out = []
    for w in report.get("warnings", []):
        out.append(f"WARNING: {w}")
    if out:
        out.append("")
    rows = []
    for label, key in (("targets (lenient)", "targets_lenient"), ("targets (strict)", "targets_strict"),
                       ("achievements", "achievements"), ("deadlines", "deadlines"),
                       ("owners", "owners"), ("sections", "sections")):
        s = o[key]
        rows.append([label, _fmt(s["p"]), _fmt(s["r"]), _fmt(s["f1"]), s["tp"], s["fp"], s["fn"]])
    aat = o["achievements_as_targets"]
    rows.insert(2, ["achievements→targets", "", "", "", "", aat["count"], ""])
    out.append(f"Overall ({o['n_documents']} documents)")
    out.append(_table(["field", "P", "R", "F1", "TP", "FP", "FN"], rows))
    out.append(f"achievements→targets: predicted status=target rows that are gold achievements "
               f"({_fmt(aat['share'])} of the gold targets)")
    out.append("")
    out.append(f"entity accuracy {_fmt(o['entity_accuracy'])}   action accuracy {_fmt(o['action_accuracy'])}"
               "   (share of lenient-matched targets)")
    out.append(f"issuer accuracy {_fmt(o['issuer_accuracy'])}   region accuracy {_fmt(o['region_accuracy'])}"
               f"   year accuracy {_fmt(o['year_accuracy'])}")
    if o.get("region_not_knowable"):
        out.append(f"region not knowable (gold null, skipped): {', '.join(o['region_not_knowable'])}")
    out.append("")
    rows = []
    for doc_id, d in report["documents"].items():
        rows.append([doc_id + ("" if d["has_predictions"] else " (no predictions)"),
                     _fmt(d["targets_lenient"]["f1"]), _fmt(d["targets_strict"]["f1"]),
                     d["achievements_as_targets"]["count"],
                     _fmt(d["deadlines"]["f1"]), _fmt(d["owners"]["f1"]), _fmt(d["sections"]["f1"]),
                     _mark(d["year"]["correct"]), _mark(d["issuer"]["correct"]),
                     _mark(d["region"]["correct"])])
    out.append("Per document (F1)")
    out.append(_table(["document", "targets", "strict", "ach→tgt", "deadlines", "owners", "sections",
                       "year", "issuer", "region"], rows))
    return "\n".join(out) + "\n"


def _line(item: dict, keys: tuple[str, ...]) -> str:
    return "  ".join(f"{k}={item[k]!r}" for k in keys if item.get(k) is not None)


def format_errors(report: dict) -> str:
    """Every false positive and false negative, with its sentence."""
    out = []
    for doc_id, e in report["errors"].items():
        d = report["documents"][doc_id]
        meta_wrong = any(d[f]["correct"] is False for f in ("issuer", "region", "year"))
        if not meta_wrong and not any(e.values()):
            continue
        out.append(f"=== {doc_id}" + ("" if d.get("has_predictions", True) else " (no predictions)"))
        for field in ("issuer", "region", "year"):
            if d[field]["correct"] is False:
                out.append(f"  {field}: predicted {d[field]['predicted']!r}, gold {d[field]['gold']!r}")
        sections = [
            ("targets FN", e.get("targets_fn", []), ("quote", "raw", "value", "unit", "comparator")),
            ("targets FP", e.get("targets_fp", []), ("raw", "value", "unit", "comparator", "status")),
            ("achievements reported as targets", e.get("achievements_as_targets", []),
             ("raw", "value", "unit", "gold_quote")),
            ("targets matched with wrong comparator/entity/action", e.get("targets_mismatch", []),
             ("quote", "comparator", "entity", "action")),
            ("deadlines FN", e.get("deadlines_fn", []), ("quote", "date", "section_id", "located")),
            ("deadlines FP", e.get("deadlines_fp", []), ("section_id", "date", "deadline_raw")),
            ("owners FN", e.get("owners_fn", []), ("quote", "name", "role", "section_id", "located")),
            ("owners FP", e.get("owners_fp", []), ("section_id", "name", "role")),
            ("sections FN", e.get("sections_fn", []), ("level", "number", "title")),
            ("sections FP", e.get("sections_fp", []), ("section_id", "level", "number", "title")),
        ]
        for title, items, keys in sections:
            if not items:
                continue
            out.append(f"  -- {title} ({len(items)})")
            for it in items:
                out.append("    " + _line(it, keys))
                sent = it.get("sentence") if "sentence" in it else it.get("text")
                if sent:
                    out.append("        | " + " ".join(str(sent).split()))
                for nm in it.get("near_misses") or []:
                    out.append("        ~ predicted " + _line(nm, ("raw", "value", "unit", "comparator", "status")))
    return "\n".join(out) + "\n" if out else "no errors\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.tools.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=Path("data/gold"))
    ap.add_argument("--pred", type=Path, default=Path("data/processed"))
    ap.add_argument("--errors", action="store_true", help="also list every FP and FN")
    ap.add_argument("--json", type=Path, help="write the full report as JSON here")
    args = ap.parse_args(argv)
    report = evaluate(args.gold, args.pred)
    sys.stdout.write(format_report(report))
    if args.errors:
        sys.stdout.write("\n" + format_errors(report))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
