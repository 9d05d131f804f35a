"""Date columns are dates in every format (issue 14), and ISO text in CSV exactly as before.

`commitments.deadline_date`, `targets.deadline_date` and `deadlines.date`: Arrow date32 in
Parquet, DuckDB DATE, an Excel date cell shown yyyy-mm-dd, datetime64 in the DataFrames of
`pipeline.extract` / `pipeline.load`, and `YYYY-MM-DD` in CSV.
"""
from __future__ import annotations

import csv
import datetime as dt
import re

import duckdb
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import pipeline
from conftest import RAW, SEED, run_cli
from pipeline.extractors import CHAINS
from pipeline.language import process_text
from pipeline.stages.tables import SCHEMAS, as_date, document_rows

DATE_COLUMNS = [("commitments", "deadline_date"), ("targets", "deadline_date"), ("deadlines", "date")]
PLAN = ("一、重点任务\n6月底前完成老旧小区改造方案编制。年底前新建保障性住房300套。"
        "自印发之日起30日内完成清理。")


def test_the_schemas_type_exactly_the_date_columns():
    dates = {(name, f.name) for name, schema in SCHEMAS.items() for f in schema if f.type == pa.date32()}
    assert dates == set(DATE_COLUMNS)


@pytest.mark.parametrize("text, want", [("2024-06-30", dt.date(2024, 6, 30)), ("2024-02-29", dt.date(2024, 2, 29)),
                                        (None, None), ("", None), ("2025-06", None), ("2025-02-30", None),
                                        ("每年6月底前", None)])
def test_a_value_that_is_not_a_whole_date_is_null_not_a_crash(text, want):
    assert as_date(text) == want


def test_extract_gives_datetime64_that_filters_like_dates():
    t = pipeline.extract(PLAN, extractors="rules", year=2024)
    c, d = t.commitments, t.deadlines
    assert str(c.deadline_date.dtype).startswith("datetime64") and str(d.date.dtype).startswith("datetime64")
    assert sorted(d.date.dropna()) == [pd.Timestamp("2024-06-30"), pd.Timestamp("2024-12-31")]
    # the limit relative to an issue date the text does not print: kept, with no date (NaT)
    assert d[d.kind == "relative"].date.isna().all() and (d.kind == "relative").sum() == 1
    early = c[c.deadline_date <= "2024-06-30"]
    assert early.deadline_raw.tolist() == ["6月底前"]
    assert t.targets.deadline_date.dt.year.tolist() == [2024]


def test_a_partial_date_from_an_extractor_becomes_null_and_keeps_its_words():
    doc = process_text(PLAN, doc_id="p", year=2024, extractors=CHAINS["rules"])
    dl = next(c for c in doc.commitments if c.deadline is not None and c.deadline.raw == "6月底前").deadline
    dl.date = "2024-06"  # what a partial resolution would look like
    rows = document_rows(doc, "test")
    row = next(r for r in rows["commitments"] if r["deadline_raw"] == "6月底前")
    assert row["deadline_date"] is None
    assert pa.Table.from_pylist(rows["deadlines"], schema=SCHEMAS["deadlines"]).num_rows == len(rows["deadlines"])


def test_every_output_format_holds_dates(extracted):
    db = duckdb.connect(str(extracted / "commitments.duckdb"), read_only=True)
    book = openpyxl.load_workbook(extracted / "commitments.xlsx", read_only=True)
    try:
        for table, col in DATE_COLUMNS:
            assert pq.read_schema(extracted / f"{table}.parquet").field(col).type == pa.date32()
            types = {r[0]: r[1] for r in db.execute(f'DESCRIBE "{table}"').fetchall()}
            assert types[col] == "DATE"
            values = pq.read_table(extracted / f"{table}.parquet").column(col).to_pylist()
            assert any(values)
            with open(extracted / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
                cells = [r[col] for r in csv.DictReader(f)]
            assert cells == [v.isoformat() if v else "" for v in values]
            assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", c) for c in cells if c)
            rows = book[table].iter_rows()
            at = [c.value for c in next(rows)].index(col)
            dated = [r[at] for r in rows if r[at].value is not None]
            assert [c.value.date() for c in dated] == [v for v in values if v]
            assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in dated)
        assert db.execute("SELECT count(*) FROM commitments WHERE deadline_date = DATE '2023-12-31' "
                          "AND doc_id = ?", [SEED]).fetchone()[0] == 1
    finally:
        db.close()
        book.close()


def test_load_gives_what_extract_gives(extracted):
    loaded = pipeline.load(extracted)
    for table, col in DATE_COLUMNS:
        assert str(loaded[table][col].dtype).startswith("datetime64")
    seed = loaded.commitments[loaded.commitments.doc_id == SEED]
    assert seed.deadline_date.dropna().tolist() == [pd.Timestamp("2023-12-31")]


def test_a_dataset_written_with_text_dates_is_kept_with_typed_dates(tmp_path):
    """Documents kept from a dataset published before the change (dates as strings, cache
    records in the old schema, which no longer decode) are read from its tables and cast."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    (first / f"{SEED}.txt").write_bytes((RAW / f"{SEED}.txt").read_bytes())
    other = sorted(p for p in RAW.glob("*.txt") if p.stem != SEED)[0]
    (second / other.name).write_bytes(other.read_bytes())
    out = tmp_path / "out"
    assert run_cli("extract", str(first), "--out", str(out), "--extractors", "rules", "-q").returncode == 0
    before = pq.read_table(out / "commitments.parquet").column("deadline_date").to_pylist()
    for table, col in DATE_COLUMNS:  # the tables as the previous version wrote them
        t = pq.read_table(out / f"{table}.parquet")
        i = t.schema.get_field_index(col)
        pq.write_table(t.set_column(i, pa.field(col, pa.string()), t.column(col).cast(pa.string())),
                       out / f"{table}.parquet")
    for p in (out / ".cache").iterdir():  # an old record: it fails to decode, as the old schema does
        p.write_bytes(b"not a record of this version")
    assert run_cli("extract", str(second), "--out", str(out), "--extractors", "rules", "-q").returncode == 0
    c = pq.read_table(out / "commitments.parquet")
    assert c.schema.field("deadline_date").type == pa.date32()
    kept = c.filter(pc.equal(c.column("doc_id"), SEED)).column("deadline_date").to_pylist()
    assert kept == before and dt.date(2023, 12, 31) in kept
