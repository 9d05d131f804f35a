"""`compare`: long/wide/pivot tables, target vs the result reported the next year, outputs, charts."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import extract_texts, work_report
from pipeline.tools.cli import main
from pipeline.analysis.compare import compare, coverage

ROOT = Path(__file__).resolve().parents[1]

REPORTS = {
    "江苏省_2023.md": work_report(
        "江苏省", 2023, "2022年，全省地区生产总值增长2.8%，城镇新增就业136万人，城镇调查失业率4.7%。",
        "今年经济社会发展主要预期目标是：地区生产总值增长5%左右，城镇新增就业120万人以上，"
        "城镇调查失业率5.5%左右，居民消费价格涨幅3%左右。"),
    "江苏省_2024.md": work_report(
        "江苏省", 2024, "2023年，全省地区生产总值增长5.8%，城镇新增就业140万人，城镇调查失业率4.5%，"
        "居民消费价格上涨0.4%。",
        "今年经济社会发展主要预期目标是：地区生产总值增长5%以上，城镇新增就业120万人以上，"
        "城镇调查失业率5.5%左右。"),
    "浙江省_2024.md": work_report(
        "浙江省", 2024, "全省生产总值增长6%，城镇新增就业112万人。",
        "今年经济社会发展主要预期目标为：全省生产总值增长5.5%左右，城镇新增就业100万人以上。"),
}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    return extract_texts(tmp_path_factory, REPORTS)


def test_target_is_aligned_with_the_result_reported_next_year(extracted):
    res = compare([extracted], ["gdp_growth"])
    wide = res["wide"].set_index(["region", "year"])
    row = wide.loc[("江苏省", 2023)]
    assert row["target_raw"] == "5%左右" and row["target_doc_id"] == "江苏省_2023"
    assert row["result_raw"] == "5.8%" and row["result_doc_id"] == "江苏省_2024"
    assert row["result_reported_year"] == 2024
    assert row["gap"] == pytest.approx(0.8) and bool(row["met"])
    assert wide.loc[("江苏省", 2022), "result_raw"] == "2.8%"  # reported in the 2023 report
    assert pd.isna(wide.loc[("江苏省", 2022), "target_raw"])
    assert wide.loc[("浙江省", 2024), "target_raw"] == "5.5%左右"
    assert pd.isna(wide.loc[("浙江省", 2024), "result_raw"])


def test_targets_and_achievements_never_mixed(extracted):
    res = compare([extracted])
    long, wide = res["long"], res["wide"]
    status = long.set_index("target_id")["status"]
    assert set(status[wide["target_target_id"].dropna()]) == {"target"}
    assert set(status[wide["result_target_id"].dropna()]) == {"achievement"}
    head = long[long["headline"]]
    assert not head.duplicated(["region", "period_year", "metric", "status"]).any()
    # every row links back to its source sentence
    for r in long.itertuples():
        assert r.raw in r.text and r.target_id.startswith(r.doc_id + ":")


def test_caps_are_met_from_below(extracted):
    wide = compare([extracted], ["surveyed_unemployment_rate"])["wide"].set_index(["region", "year"])
    row = wide.loc[("江苏省", 2023)]  # target 5.5%左右, result 4.5%: a cap, met
    assert row["target_value"] == 5.5 and row["result_value"] == 4.5 and bool(row["met"])


def test_pivot_layouts(extracted):
    from pipeline.analysis.compare import parse_by, pivot_table

    wide = compare([extracted], ["gdp_growth"])["wide"]
    p = pivot_table(wide, ("region", "year"))
    t = p[(p["metric"] == "gdp_growth") & (p["side"] == "target")].set_index("region")
    assert t.loc["江苏省", "2023"] == 5.0 and t.loc["浙江省", "2024"] == 5.5
    q = pivot_table(wide, ("year", "region"))
    assert "江苏省" in q.columns
    s = pivot_table(wide, ("year",))
    assert {"n", "median", "min", "max"} <= set(s.columns)
    with pytest.raises(ValueError):
        parse_by("region,doc")


def test_compare_cli_writes_tables_and_charts(extracted, tmp_path):
    out = tmp_path / "cmp"
    result = CliRunner().invoke(main, ["compare", str(extracted), "--metric", "gdp_growth",
                                       "--metric", "urban_new_jobs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("long", "wide", "pivot"):
        assert (out / f"comparison_{name}.parquet").exists()
        assert (out / f"comparison_{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    xl = pd.ExcelFile(out / "comparison.xlsx")
    assert set(xl.sheet_names) == {"long", "wide", "pivot"}
    wide = pd.read_csv(out / "comparison_wide.csv", encoding="utf-8-sig")
    assert {"target_value", "target_value_max", "target_unit", "target_comparator", "target_doc_id",
            "target_target_id", "target_text", "result_value", "result_reported_year", "gap", "met"} <= set(wide.columns)
    charts = sorted(p.name for p in (out / "charts").glob("*.png"))
    assert any(n.startswith("bar_gdp_growth_") for n in charts)
    assert any(n.startswith("line_urban_new_jobs_") for n in charts)
    for p in (out / "charts").glob("*.png"):
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_cli_rejects_bad_options(extracted, tmp_path):
    r = CliRunner().invoke(main, ["compare", str(extracted), "--metric", "gdp", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "unknown metric" in r.output
    r = CliRunner().invoke(main, ["compare", str(extracted), "--by", "province", "--out", str(tmp_path)])
    assert r.exit_code == 2
    r = CliRunner().invoke(main, ["compare", str(tmp_path), "--out", str(tmp_path / "x")])
    assert r.exit_code == 1 and "extract --out" in r.output


def _province_corpus() -> Path | None:
    for p in (ROOT / "data" / "provinces", ROOT.parent / "shared" / "corpus" / "provinces"):
        if p.is_dir() and len(list(p.glob("*.md"))) >= 240:
            return p
    return None


# Reports that state no number for GDP growth: 云南 2020 '增速高于全国平均水平', 辽宁 2019
# '与全国保持同步', and 四川_2019/四川_2020, which both hold the 2020 report (May 2020, '比全国高2个
# 百分点左右'; the corpus has no 2019 Sichuan report, and 四川省_2018 is the 2019 one).
NO_NUMERIC_GDP_TARGET = {"云南省_2020", "辽宁省_2019", "四川省_2019", "四川省_2020"}


@pytest.mark.slow
def test_gdp_growth_target_for_nearly_every_province_year(tmp_path):
    corpus = _province_corpus()
    if corpus is None:
        pytest.skip("province corpus not found in data/provinces or ../shared/corpus/provinces")
    from pipeline.runtime.batch import run_batch

    run_batch([str(corpus)], tmp_path, quiet=True)
    res = compare([tmp_path], ["gdp_growth"])
    docs = pd.read_parquet(tmp_path / "documents.parquet")
    cov = coverage(res["long"], docs, "gdp_growth")
    missed = set(cov.loc[~cov["has_target"], "doc_id"])
    assert missed <= NO_NUMERIC_GDP_TARGET, f"GDP growth target missed in {sorted(missed - NO_NUMERIC_GDP_TARGET)}"
    assert cov["has_target"].sum() >= 236
    wide = res["wide"]
    assert wide["target_value"].notna().sum() >= 236  # province-years with a target
    assert wide["result_value"].notna().sum() >= 200  # … and a result reported the next year
    # headline targets are growth rates in a plausible range, and never an achievement
    head = res["long"][res["long"]["headline"] & (res["long"]["status"] == "target")]
    assert head["value"].between(2, 12).all()
    assert (head["status_extracted"] == "target").all()


def test_a_folder_without_any_metric_row_compares_to_empty_tables(tmp_path):
    """A work plan names no compared metric: empty tables and exit 0, not a KeyError."""
    from pipeline.runtime.batch import run_batch

    run_batch([str(ROOT / "data" / "raw" / "2023_tuanshiwei_gongzuoyaodian.txt")], tmp_path / "out",
              quiet=True, workers=1)
    tables = compare([tmp_path / "out"])
    assert tables["wide"].empty and tables["long"].empty
    r = CliRunner().invoke(main, ["compare", str(tmp_path / "out"), "--no-charts", "--out", str(tmp_path / "cmp")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "cmp" / "comparison_wide.csv").is_file()
