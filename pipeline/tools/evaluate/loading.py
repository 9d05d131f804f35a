"""Reading both sides: the tables an `extract` wrote, and the gold files (GOLD.md, "File format")."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.tools.evaluate.annotation import LIST_FIELDS, file_unannotated

TABLES = ("documents", "sections", "commitments", "targets", "owners")
# Read when present: outputs written before the table existed are scored from the columns
# of `commitments` (`deadline_date`: one deadline per commitment).
OPTIONAL_TABLES = ("deadlines",)

COLUMNS = {
    "documents": ["doc_id", "title", "issuer", "region", "year"],
    "sections": ["doc_id", "section_id", "parent_id", "level", "number", "title", "start", "end"],
    "commitments": ["doc_id", "commitment_id", "section_id", "section_path", "text", "start", "end",
                    "action", "owners", "owner_source", "deadline_raw", "deadline_date", "status"],
    "targets": ["doc_id", "target_id", "commitment_id", "raw", "value", "value_max", "unit",
                "comparator", "entity", "action", "text", "start", "end", "status"],
    "owners": ["doc_id", "commitment_id", "name", "role", "source"],
    "deadlines": ["doc_id", "deadline_id", "commitment_id", "raw", "date", "section_id"],
}


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
            df = pd.DataFrame(columns=COLUMNS[table])
        for col in COLUMNS[table]:
            if col not in df.columns:
                df[col] = None
        out[table] = df.reset_index(drop=True)
    return out


def load_gold(gold_dir: Path) -> list[dict]:
    """The gold files of a folder in name order; `doc_id` defaults to the file stem, a list left
    out is empty and named in `_unannotated` (with the other fields the file leaves out)."""
    golds = []
    for f in sorted(Path(gold_dir).glob("*.json")):
        g = json.loads(f.read_text(encoding="utf-8"))
        g.setdefault("doc_id", f.stem)
        g["_unannotated"] = file_unannotated(g)
        for k in LIST_FIELDS:
            g[k] = g.get(k) or []
        golds.append(g)
    return golds


def doc_frame(df: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    """The rows of one document."""
    if df.empty:
        return df
    return df[df["doc_id"].astype(str) == doc_id]


def cleaned_text(pred_dir: Path, doc_id: str) -> str | None:
    """The cleaned text `extract` wrote (texts/<doc_id>.txt): positions of gold quotes in it
    break ties between candidate targets. None when the folder has no texts."""
    path = Path(pred_dir) / "texts" / f"{doc_id}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else None
