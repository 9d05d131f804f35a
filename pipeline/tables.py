"""Stage 6: records → the tables of OUTPUT.md, written so that nothing is ever half-written.

Every file is written under a temporary name in the output directory and renamed into place,
so a reader (or a rerun after a crash) sees either the old file or the new one.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .records import Document, PipelineError

S, I, F = pa.string(), pa.int64(), pa.float64()
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([("doc_id", S), ("source_path", S), ("format", S), ("encoding", S),
                            ("sha256", S), ("title", S), ("issuer", S), ("region", S), ("year", I),
                            ("n_chars", I), ("n_sections", I), ("n_commitments", I), ("n_targets", I),
                            ("warnings", S), ("pipeline_version", S)]),
    "sections": pa.schema([("doc_id", S), ("section_id", S), ("parent_id", S), ("level", I),
                           ("number", S), ("title", S), ("start", I), ("end", I), ("path", S)]),
    "commitments": pa.schema([("doc_id", S), ("commitment_id", S), ("section_id", S),
                              ("section_path", S), ("text", S), ("start", I), ("end", I),
                              ("action", S), ("owners", S), ("owner_source", S), ("deadline_raw", S),
                              ("deadline_date", S), ("status", S), ("n_targets", I), ("method", S),
                              ("confidence", F)]),
    "targets": pa.schema([("doc_id", S), ("target_id", S), ("commitment_id", S), ("raw", S),
                          ("value", F), ("value_max", F), ("unit", S), ("comparator", S),
                          ("entity", S), ("action", S), ("text", S), ("start", I), ("end", I),
                          ("status", S), ("method", S), ("confidence", F), ("raw_start", I),
                          ("raw_end", I), ("section_id", S), ("deadline_date", S)]),
    "owners": pa.schema([("doc_id", S), ("commitment_id", S), ("name", S), ("role", S),
                         ("source", S)]),
    "errors": pa.schema([("source_path", S), ("stage", S), ("error", S)]),
}
TABLES = list(SCHEMAS)


def document_rows(doc: Document, version: str) -> dict[str, list[dict]]:
    """All table rows of one processed document."""
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["documents"].append(dict(
        doc_id=doc.doc_id, source_path=doc.source_path, format=doc.format, encoding=doc.encoding,
        sha256=doc.sha256, title=doc.title, issuer=doc.issuer, region=doc.region, year=doc.year,
        n_chars=len(doc.text), n_sections=len(doc.sections), n_commitments=len(doc.commitments),
        n_targets=sum(1 for t in doc.targets if t.status == "target"),
        warnings="; ".join(doc.warnings), pipeline_version=version))
    for s in doc.sections:
        rows["sections"].append(dict(doc_id=doc.doc_id, section_id=s.section_id, parent_id=s.parent_id,
                                     level=s.level, number=s.number, title=s.title, start=s.start,
                                     end=s.end, path=s.path))
    for c in doc.commitments:
        dl = c.deadline
        rows["commitments"].append(dict(
            doc_id=doc.doc_id, commitment_id=c.commitment_id, section_id=c.section_id,
            section_path=c.section_path, text=c.text, start=c.start, end=c.end, action=c.action,
            owners=";".join(o.name for o in c.owners), owner_source=c.owner_source,
            deadline_raw=dl.raw if dl else None, deadline_date=dl.date if dl else None,
            status=c.status, n_targets=len(c.targets), method=c.method, confidence=c.confidence))
        for t in c.targets:
            rows["targets"].append(dict(
                doc_id=doc.doc_id, target_id=t.target_id, commitment_id=c.commitment_id, raw=t.raw,
                value=t.value, value_max=t.value_max, unit=t.unit, comparator=t.comparator,
                entity=t.entity, action=t.action, text=c.text, start=c.start, end=c.end,
                status=t.status, method=t.method, confidence=t.confidence, raw_start=t.raw_start,
                raw_end=t.raw_end, section_id=c.section_id, deadline_date=dl.date if dl else None))
        for o in c.owners:
            rows["owners"].append(dict(doc_id=doc.doc_id, commitment_id=c.commitment_id,
                                       name=o.name, role=o.role, source=o.source))
    return rows


def error_rows(err: PipelineError, source_path: str) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["errors"].append(dict(source_path=source_path, stage=err.stage, error=err.message))
    return rows


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    table = pa.Table.from_pylist(rows, schema=SCHEMAS[name])
    return table.to_pandas()


@contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """A temporary path beside ``final``, renamed onto it only if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, final)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_table(out_dir: Path, name: str, table: pa.Table) -> None:
    """<name>.parquet and <name>.csv (UTF-8 with BOM, so Excel on Chinese Windows reads it)."""
    with atomic_path(out_dir / f"{name}.parquet") as tmp:
        pq.write_table(table, tmp)
    with atomic_path(out_dir / f"{name}.csv") as tmp:
        table.to_pandas().to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")


def write_duckdb(out_dir: Path, tables: dict[str, pa.Table]) -> None:
    """One DuckDB file with every table, for SQL without loading CSVs by hand."""
    import duckdb

    with atomic_path(out_dir / "commitments.duckdb") as tmp:
        tmp.unlink()  # duckdb wants to create the file itself
        con = duckdb.connect(str(tmp))
        try:
            for name, table in tables.items():
                con.register("incoming", table)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
                con.unregister("incoming")
        finally:
            con.close()


def write_xlsx(out_dir: Path, tables: dict[str, pa.Table]) -> None:
    with atomic_path(out_dir / "commitments.xlsx") as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, table in tables.items():
                table.to_pandas().to_excel(xl, sheet_name=name, index=False)


def concat(parts: Iterable[dict[str, list[dict]]]) -> dict[str, pa.Table]:
    merged: dict[str, list[dict]] = {name: [] for name in TABLES}
    for part in parts:
        for name in TABLES:
            merged[name].extend(part[name])
    return {name: pa.Table.from_pylist(merged[name], schema=SCHEMAS[name]) for name in TABLES}
