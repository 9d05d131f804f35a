"""Stage 6: a processed document → its rows of the tables of OUTPUT.md (schemas and rows).

Writing them (Parquet, CSV, DuckDB, Excel; atomically) is ``pipeline.runtime.writers``;
publishing a dataset folder is ``pipeline.runtime.publish``.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

import pyarrow as pa

if TYPE_CHECKING:  # (pandas only for the frames of the library API: a worker need not import it)
    import pandas as pd

from pipeline.records import Document, PipelineError

S, I, F, D = pa.string(), pa.int64(), pa.float64(), pa.date32()
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([("doc_id", S), ("source_path", S), ("format", S), ("encoding", S),
                            ("sha256", S), ("title", S), ("issuer", S), ("region", S), ("year", I),
                            ("n_chars", I), ("n_sections", I), ("n_commitments", I), ("n_targets", I),
                            ("warnings", S), ("pipeline_version", S), ("region_code", S),
                            ("region_level", S), ("region_name", S), ("source_url", S)]),
    "sections": pa.schema([("doc_id", S), ("section_id", S), ("parent_id", S), ("level", I),
                           ("number", S), ("title", S), ("start", I), ("end", I), ("path", S)]),
    "commitments": pa.schema([("doc_id", S), ("commitment_id", S), ("section_id", S),
                              ("section_path", S), ("text", S), ("start", I), ("end", I),
                              ("action", S), ("owners", S), ("owner_source", S), ("deadline_raw", S),
                              ("deadline_date", D), ("status", S), ("n_targets", I), ("method", S),
                              ("confidence", F), ("part", S)]),
    "targets": pa.schema([("doc_id", S), ("target_id", S), ("commitment_id", S), ("raw", S),
                          ("value", F), ("value_max", F), ("unit", S), ("comparator", S),
                          ("entity", S), ("action", S), ("text", S), ("start", I), ("end", I),
                          ("status", S), ("method", S), ("confidence", F), ("raw_start", I),
                          ("raw_end", I), ("section_id", S), ("deadline_date", D),
                          ("metric", S), ("metric_name", S), ("part", S), ("estimated", pa.bool_()),
                          ("scope", S), ("period", S)]),
    "owners": pa.schema([("doc_id", S), ("commitment_id", S), ("name", S), ("role", S),
                         ("source", S), ("start", I), ("end", I)]),
    "deadlines": pa.schema([("doc_id", S), ("deadline_id", S), ("commitment_id", S), ("raw", S),
                            ("date", D), ("start", I), ("end", I), ("kind", S), ("section_id", S)]),
    "errors": pa.schema([("source_path", S), ("stage", S), ("error", S)]),
}
TABLES = list(SCHEMAS)


def as_date(iso: Optional[str]) -> Optional[dt.date]:
    """The calendar date of an ISO ``YYYY-MM-DD`` deadline (the extractors' form), else None.

    The deadline extractor resolves every limit to a full day (a month to its last day, a
    recurring limit to its first occurrence) or to nothing, so None is the only other value;
    anything else (a partial '2025-06', an impossible '2025-02-30') is null rather than a crash,
    and the words as written stay in ``deadline_raw`` / ``deadlines.raw``."""
    if isinstance(iso, dt.date):
        return iso
    if not iso or len(iso) != 10:
        return None
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return None


def document_rows(doc: Document, version: str) -> dict[str, list[dict]]:
    """All table rows of one processed document."""
    from pipeline.extractors.status import estimated  # decided by the status stage, read here
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    if any(t.period is None for t in doc.targets):  # a chain without the `metrics` component
        from pipeline.extractors import get
        get("metrics")(doc)
    rows["documents"].append(dict(
        doc_id=doc.doc_id, source_path=doc.source_path, format=doc.format, encoding=doc.encoding,
        sha256=doc.sha256, title=doc.title, issuer=doc.issuer, region=doc.region, year=doc.year,
        n_chars=len(doc.text), n_sections=len(doc.sections), n_commitments=len(doc.commitments),
        n_targets=sum(1 for t in doc.targets if t.status == "target"),
        warnings="; ".join(doc.warnings), pipeline_version=version, region_code=doc.region_code,
        region_level=doc.region_level, region_name=doc.region_name, source_url=doc.source_url))
    for s in doc.sections:
        rows["sections"].append(dict(doc_id=doc.doc_id, section_id=s.section_id, parent_id=s.parent_id,
                                     level=s.level, number=s.number, title=s.title, start=s.start,
                                     end=s.end, path=s.path))
    # (dict displays, not ``dict(...)`` calls: a report has hundreds of rows of each table)
    doc_id = doc.doc_id
    commitments, targets, owners, deadlines = (rows[t] for t in ("commitments", "targets", "owners", "deadlines"))
    for c in doc.commitments:
        cid, sent = c.commitment_id, c.sentence
        dl = c.deadlines[0] if c.deadlines else None  # (``c.deadline``)
        date = as_date(dl.date) if dl else None
        part = sent.part if sent is not None else ""
        commitments.append({
            "doc_id": doc_id, "commitment_id": cid, "section_id": c.section_id,
            "section_path": c.section_path, "text": c.text, "start": c.start, "end": c.end, "action": c.action,
            "owners": ";".join([o.name for o in c.owners]), "owner_source": c.owner_source,
            "deadline_raw": dl.raw if dl else None, "deadline_date": date,
            "status": c.status, "n_targets": len(c.targets), "method": c.method, "confidence": c.confidence,
            "part": part})
        for t in c.targets:
            targets.append({
                "doc_id": doc_id, "target_id": t.target_id, "commitment_id": cid, "raw": t.raw,
                "value": t.value, "value_max": t.value_max, "unit": t.unit, "comparator": t.comparator,
                "entity": t.entity, "action": t.action, "text": c.text, "start": c.start, "end": c.end,
                "status": t.status, "method": t.method, "confidence": t.confidence, "raw_start": t.raw_start,
                "raw_end": t.raw_end, "section_id": c.section_id, "deadline_date": date,
                "part": part, "estimated": estimated(c, t),
                "metric": t.metric, "metric_name": t.metric_name, "scope": t.scope, "period": t.period})
        for o in c.owners:
            owners.append({"doc_id": doc_id, "commitment_id": cid, "name": o.name, "role": o.role,
                           "source": o.source, "start": o.start, "end": o.end})
        for k, d in enumerate(c.deadlines, 1):
            deadlines.append({
                "doc_id": doc_id, "deadline_id": f"{cid}:d{k}", "commitment_id": cid,
                "raw": d.raw, "date": as_date(d.date), "start": d.start, "end": d.end, "kind": d.kind,
                "section_id": c.section_id})
    return rows


def error_rows(err: PipelineError, source_path: str) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["errors"].append(dict(source_path=source_path, stage=err.stage, error=err.message))
    return rows


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """The rows of one table as the DataFrame ``pipeline.extract`` returns."""
    return to_frame(pa.Table.from_pylist(rows, schema=SCHEMAS[name]))


def to_frame(table: pa.Table) -> pd.DataFrame:
    """A table as the DataFrames of ``pipeline.extract`` / ``pipeline.load``: date columns as
    ``datetime64`` (NaT when empty), what pandas users filter and group on
    (``df.deadline_date <= "2024-06-30"``, ``.dt.year``); pyarrow's default, Python ``date``
    objects in an object column, supports neither."""
    return table.to_pandas(date_as_object=False)
