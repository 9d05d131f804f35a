"""The real command on the real documents: the output contract and the seed plan's rows."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import RAW, SEED, run_cli

# OUTPUT.md: the columns each table must have, at least.
CONTRACT = {
    "documents": ["doc_id", "source_path", "format", "encoding", "sha256", "title", "issuer", "region",
                  "year", "n_chars", "n_sections", "n_commitments", "n_targets", "warnings"],
    "sections": ["doc_id", "section_id", "parent_id", "level", "number", "title", "start", "end"],
    "commitments": ["doc_id", "commitment_id", "section_id", "section_path", "text", "start", "end",
                    "action", "owners", "owner_source", "deadline_raw", "deadline_date", "status",
                    "n_targets", "method", "confidence"],
    "targets": ["doc_id", "target_id", "commitment_id", "raw", "value", "value_max", "unit",
                "comparator", "entity", "action", "text", "start", "end", "status", "method",
                "confidence"],
    "owners": ["doc_id", "commitment_id", "name", "role", "source"],
    "deadlines": ["doc_id", "deadline_id", "commitment_id", "raw", "date", "start", "end", "kind",
                  "section_id"],
    "errors": ["source_path", "stage", "error"],
}


@pytest.mark.parametrize("name", list(CONTRACT))
def test_every_table_has_the_contract_columns_in_parquet_and_bom_csv(extracted, name):
    parquet = pd.read_parquet(extracted / f"{name}.parquet")
    assert list(parquet.columns[: len(CONTRACT[name])]) == CONTRACT[name]
    raw = (extracted / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must be UTF-8 with a BOM for Excel"
    csv = pd.read_csv(extracted / f"{name}.csv", encoding="utf-8-sig")
    assert list(csv.columns) == list(parquet.columns)
    assert len(csv) == len(parquet)


def test_all_documents_processed_without_errors(tables):
    assert sorted(tables["documents"].doc_id) == sorted(p.stem for p in RAW.glob("*.txt"))
    assert tables["errors"].empty


def test_seed_plan_targets(tables):
    t = tables["targets"]
    seed = t[(t.doc_id == SEED) & (t.status == "target")]
    got = {(r.value, r.unit, r.comparator) for r in seed.itertuples()}
    assert got == {(300.0, "名", "="), (1000.0, "名", ">="), (450.0, "名", ">")}
    by_value = {r.value: r for r in seed.itertuples()}
    assert by_value[300.0].entity == "大学生" and by_value[300.0].action == "结对帮扶"
    assert by_value[1000.0].entity == "大学生" and by_value[1000.0].action == "组织"
    assert by_value[450.0].entity == "困难学生" and by_value[450.0].action == "资助"
    assert by_value[1000.0].raw == "不少于1000名" and by_value[450.0].raw == "450余名"


def test_seed_plan_has_no_target_for_hotline_cohort_or_plan_period(tables):
    t = tables["targets"]
    seed = t[t.doc_id == SEED]
    for value in (12355.0, 2023.0, 2017.0, 2025.0):
        assert value not in set(seed.value), value
    assert not seed.raw.str.contains("届|12355").any()


def test_seed_plan_deadline_and_sections(tables):
    c = tables["commitments"]
    seed = c[(c.doc_id == SEED) & c.deadline_date.notna()]
    assert list(seed.deadline_date) == [dt.date(2023, 12, 31)]  # a date32 column
    assert seed.iloc[0].deadline_raw == "年底前"
    assert "确保年底前全市所有县" in seed.iloc[0].text
    s = tables["sections"]
    seed_s = s[s.doc_id == SEED]
    assert (seed_s.level == 1).sum() == 6
    assert (seed_s.level == 2).sum() == 22
    first = seed_s.iloc[0]
    assert (first.number, first.title) == ("一", "聚焦学习贯彻党的二十大精神,提高思想政治引领实效")
    child = seed_s[seed_s.number == "16"].iloc[0]
    assert child.parent_id == seed_s[seed_s.number == "四"].iloc[0].section_id


def test_seed_plan_metadata(tables):
    d = tables["documents"].set_index("doc_id").loc[SEED]
    assert d.issuer == "团市委" and d.year == 2023 and "绵阳" in d.region
    assert d.title == "团市委2023年工作要点"


def test_offsets_point_into_the_cleaned_text(extracted, tables):
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (extracted / "texts").glob("*.txt")}
    for row in tables["commitments"].itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    for row in tables["targets"].itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
        assert texts[row.doc_id][row.raw_start:row.raw_end] == row.raw
    for row in tables["sections"].itertuples():
        assert texts[row.doc_id][row.start:].lstrip("#").lstrip().startswith(
            re.sub(r"^#+\s*", "", texts[row.doc_id][row.start:row.start + 1 + len(row.number)]))
        assert row.title in texts[row.doc_id][row.start:row.end]


def test_owners_from_labels_and_notes(tables):
    o = tables["owners"]
    gz = o[(o.doc_id == "2012_guangzhou_rencaijijugongcheng_shishiyijian") & (o.source == "explicit")]
    assert {("市委组织部", "lead"), ("市国资委", "support"), ("各区、县级市", "support")} <= set(
        zip(gz.name, gz.role))
    gw = o[(o.doc_id == "2018_guowuyuan_nongyejixiehua_zhidaoyijian") & (o.source == "explicit")]
    assert ("工业和信息化部", "lead") in set(zip(gw.name, gw.role))
    assert ("科技部", "responsible") in set(zip(gw.name, gw.role))
    # the issuer is the default owner of the other commitments
    c = tables["commitments"]
    seed = c[c.doc_id == SEED]
    assert set(seed.owner_source) == {"issuer"} and set(seed.owners) == {"团市委"}


def test_review_quantities_are_achievements(tables):
    t = tables["targets"]
    report = t[t.doc_id == "2024_guowuyuan_zhengfugongzuobaogao"]
    gdp_2023 = report[(report.value == 5.2) & report.text.str.contains("国内生产总值")]
    assert set(gdp_2023.status) == {"achievement"}
    gdp_2024 = report[(report.value == 5.0) & report.text.str.contains("国内生产总值增长5%左右")]
    assert list(gdp_2024.status) == ["target"] and list(gdp_2024.comparator) == ["~"]


def test_duckdb_and_excel_hold_every_table(extracted, tables):
    con = duckdb.connect(str(extracted / "commitments.duckdb"), read_only=True)
    try:
        for name, df in tables.items():
            assert con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == len(df)
        n = con.execute("SELECT count(*) FROM targets WHERE doc_id = ? AND status = 'target'",
                        [SEED]).fetchone()[0]
        assert n == 3
    finally:
        con.close()
    sheets = pd.read_excel(extracted / "commitments.xlsx", sheet_name=None)
    assert set(sheets) == set(CONTRACT)
    assert len(sheets["targets"]) == len(tables["targets"])


def test_two_runs_give_identical_csvs(extracted, tmp_path):
    result = run_cli("extract", str(RAW), "--out", str(tmp_path), "-q")
    assert result.returncode == 0, result.stderr
    for name in CONTRACT:
        assert (tmp_path / f"{name}.csv").read_bytes() == (extracted / f"{name}.csv").read_bytes(), name


def test_help_explains_the_commands():
    out = run_cli("extract", "--help").stdout
    for word in ("--out", "--format", "errors", "DuckDB", "texts/"):
        assert word in out
    assert "evaluate" in run_cli("--help").stdout


def test_summary_is_printed(tmp_path):
    result = run_cli("extract", str(RAW / f"{SEED}.txt"), "--out", str(tmp_path))
    assert result.returncode == 0
    assert "documents processed : 1" in result.stderr
    assert "targets             : 3" in result.stderr
