"""The library API (`pipeline.extract`, `pipeline.load`) and the component registry, in-process."""
from __future__ import annotations

import pandas as pd
import pytest

import pipeline
from conftest import RAW, SEED
from pipeline.extractors import get, register, unregister
from pipeline.stages.tables import SCHEMAS


@pytest.fixture(scope="module")
def seed_tables():
    return pipeline.extract([RAW / f"{SEED}.txt"], extractors="rules")


def test_extract_returns_every_contract_table_with_its_columns(seed_tables):
    for name, schema in SCHEMAS.items():
        df = seed_tables[name]
        assert isinstance(df, pd.DataFrame)
        assert list(df.columns) == schema.names
    t = seed_tables.targets
    row = t[t.raw == "不少于1000名"].iloc[0]
    assert (row.value, row.unit, row.comparator, row.entity) == (1000.0, "名", ">=", "大学生")
    assert seed_tables.documents.doc_id.tolist() == [SEED]


def test_extract_takes_texts_and_sets_their_year():
    t = pipeline.extract("一、重点任务\n今年要确保年底前完成改革任务，新建保障性住房300套。", extractors="rules", year=2024)
    assert t.documents.doc_id.tolist() == ["text1"]
    assert t.targets.value.tolist() == [300.0]
    assert t.commitments.deadline_date.dropna().tolist() == [pd.Timestamp("2024-12-31")]


def test_extract_reports_a_bad_file_as_an_error_row(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    t = pipeline.extract([bad, RAW / f"{SEED}.txt"], extractors="rules")
    assert t.errors.source_path.tolist() == [str(bad)]
    assert t.documents.doc_id.tolist() == [SEED]


def test_load_reads_a_dataset_back(extracted):
    t = pipeline.load(extracted)
    assert len(t.targets) == len(pd.read_parquet(extracted / "targets.parquet")) > 0
    with pytest.raises(FileNotFoundError, match="extract"):
        pipeline.load(extracted / "texts")


def test_a_taken_name_is_refused_unless_replacement_is_asked_for():
    builtin = get("targets")
    with pytest.raises(ValueError, match="replace=True"):
        @register("targets")
        def mine(doc):
            return doc

    @register("targets", replace=True)
    def mine2(doc):
        return doc

    try:
        assert get("targets") is mine2
    finally:
        unregister("targets")
    assert get("targets") is builtin
