"""Numbers that line up: a metric row's scope and period, whether a target exists at all
(``target_status``), the cascade national → province → city, and `python -m pipeline metrics`."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import extract_texts, work_report
from pipeline.tools.cli import main
from pipeline.analysis.compare import cascade, compare
from pipeline.stages.indicators import classify_sentence, period_of, scope_of

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ROOT / "data" / "provinces"

# In the style of the national report of 2020 (May 2020): the list of main targets names no GDP
# growth, and a sentence after it says none is set.
NATIONAL_2020 = (
    "政府工作报告\n——2020年5月22日在第十三届全国人民代表大会第三次会议上\n\n国务院总理　李克强\n\n"
    "各位代表：\n\n现在，我代表国务院，向大会报告政府工作，请予审议。\n\n一、2019年工作回顾\n\n"
    "去年国内生产总值增长6.1%，城镇新增就业1352万人，城镇调查失业率5.3%左右。\n\n"
    "二、2020年发展主要目标和下一阶段工作总体部署\n\n"
    "今年发展主要目标是：城镇新增就业900万人以上，城镇调查失业率6%左右，城镇登记失业率5.5%左右；"
    "居民消费价格涨幅3.5%左右；进出口促稳提质，国际收支基本平衡；居民收入增长与经济增长基本同步；"
    "单位国内生产总值能耗和主要污染物排放量继续下降。\n\n"
    "需要说明的是，我们没有提出全年经济增速具体目标，主要因为全球疫情和经贸形势不确定性很大。\n")

# A city report whose review gives a new district's and a quarter's figures besides the city's.
CITY = (
    "---\ntitle: 2024年绵阳市政府工作报告\n---\n\n绵阳市人民政府\n\n一、2023年工作回顾\n\n"
    "一季度，全市地区生产总值增长6.9%。前三季度地区生产总值增长6.1%，全年增长6.5%。"
    "科技城新区地区生产总值增长9.2%。\n\n"
    "全市地区生产总值达到4038.7亿元，按可比价计算，增长6.5%。\n\n"
    "二、2024年工作安排\n\n今年经济社会发展的主要预期目标是：全市地区生产总值增长7%左右，"
    "城镇新增就业4.5万人以上，居民消费价格涨幅3%左右。\n")


def test_sub_area_and_part_of_year_are_read_from_the_clause():
    s = "全市地区生产总值增长5.5%，其中，高新区地区生产总值增长8%。"
    assert scope_of(s, s.find("5.5%"), "gdp_growth") == "whole"
    assert scope_of(s, s.find("8%"), "gdp_growth") == "高新区"
    s = "兰州新区：地区生产总值增长12%，规上工业增加值增长15%。"
    assert scope_of(s, s.find("12%"), "gdp_growth") == "兰州新区"
    assert scope_of(s, s.find("15%"), "industrial_value_added") == "兰州新区"  # the sentence's topic
    s = "山区26县地区生产总值增长7.5%，高于全省平均。"
    assert scope_of(s, s.find("7.5%"), "gdp_growth") == "山区26县"
    s = "新增省级开发区3个，全市地区生产总值增长6%。"  # a counted or acted-on sub-area is no scope
    assert scope_of(s, s.find("6%"), "gdp_growth") == "whole"
    s = "前三季度地区生产总值增长4.1%，全年增长5.2%。"
    assert period_of(s, s.find("4.1%"), s.find("4.1%") + 4) == "sub-annual"
    assert period_of(s, s.find("5.2%"), s.find("5.2%") + 4) == "annual"
    s = "今年一季度，全市地区生产总值增长6.2%。"
    assert period_of(s, s.find("6.2%"), s.find("6.2%") + 4) == "sub-annual"
    s = "“十四五”期间地区生产总值年均增长6%以上。"
    assert period_of(s, s.find("6%"), s.find("6%") + 2) == "multi-year"


@pytest.mark.parametrize("sentence, raw", [
    ("地区生产总值增速逐季提高，全年增长4.5%。", "4.5%"),  # the topic of the clause before
    ("实现地区生产总值4.86万亿元、居全国第六位，增长3.8%、比全国高1.5个百分点。", "3.8%"),  # a rank between
    ("全省地区生产总值达到5.53万亿元、稳居全国前十强、增长4.8%。", "4.8%"),
    ("全年地区生产总值突破4000亿元大关、达4522.3亿元，增长6.7%。", "6.7%"),
    ("全市地区生产总值达到3200亿元，按可比价计算，增长5.5%。", "5.5%"),
    ("全市地区生产总值达到3200亿元、增长5.5%。", "5.5%"),
])
def test_growth_after_the_level_is_gdp_growth(sentence, raw):
    assert classify_sentence(sentence, raw) == "gdp_growth"


def test_no_subject_no_metric():
    assert classify_sentence("推进新型工业化，全年增长5.2%。", "5.2%") is None


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return extract_texts(tmp_path_factory, {"2020_guowuyuan_zhengfugongzuobaogao.md": NATIONAL_2020,
                                            "绵阳市_2024.md": CITY})


def test_headline_is_the_whole_region_for_the_full_year(synthetic):
    res = compare([synthetic], ["gdp_growth"])
    long = res["long"]
    city = long[long["doc_id"] == "绵阳市_2024"]
    assert set(city.loc[city["raw"] == "9.2%", "scope"]) == {"科技城新区"}
    assert set(city.loc[city["raw"].isin(["6.9%", "6.1%"]), "period"]) == {"sub-annual"}
    head = city[city["headline"] & (city["status"] == "achievement")]
    assert list(head["raw"]) == ["6.5%"] and head["scope"].iloc[0] == "whole"
    # the figure after the level and '按可比价计算' is found too
    assert (city["text"].str.contains("按可比价计算") & (city["raw"] == "6.5%")).any()
    wide = res["wide"].set_index(["region", "year", "metric"])
    region = city["region"].iloc[0]
    assert wide.loc[(region, 2023, "gdp_growth"), "result_raw"] == "6.5%"
    assert wide.loc[(region, 2024, "gdp_growth"), "target_raw"] == "7%左右"
    assert wide.loc[(region, 2024, "gdp_growth"), "target_status"] == "stated"


def test_a_report_that_sets_no_growth_target_says_not_set(synthetic):
    wide = compare([synthetic])["wide"].set_index(["region", "year", "metric"])
    row = wide.loc[("全国", 2020, "gdp_growth")]
    assert row["target_status"] == "not_set" and "没有提出全年经济增速具体目标" in row["target_raw"]
    assert pd.isna(row["target_value"])
    assert wide.loc[("全国", 2020, "urban_new_jobs"), "target_status"] == "stated"
    row = wide.loc[("全国", 2020, "foreign_trade")]
    assert row["target_status"] == "qualitative" and row["target_raw"] == "进出口促稳提质"
    assert wide.loc[("全国", 2019, "gdp_growth"), "result_raw"] == "6.1%"
    # the city's list names no unemployment rate, which the national list states: not set
    city = wide.xs("gdp_growth", level="metric").index.get_level_values(0)
    region = [r for r in city if r != "全国"][0]
    assert wide.loc[(region, 2024, "surveyed_unemployment_rate"), "target_status"] == "not_set"
    assert set(wide["target_status"]) <= {"stated", "qualitative", "not_set", "not_found"}


REAL_QUALITATIVE = {  # report → the wording of its GDP growth target (no number of its own)
    "云南省_2020": "高于全国平均水平",
    "辽宁省_2019": "与全国保持同步",
    "四川省_2020": "比全国高2个百分点左右",
}


@pytest.fixture(scope="module")
def real_reports(tmp_path_factory) -> Path:
    if not PROVINCES.is_dir():
        pytest.skip("data/provinces not found")
    names = list(REAL_QUALITATIVE) + ["云南省_2021"]
    return extract_texts(tmp_path_factory, {f"{n}.md": (PROVINCES / f"{n}.md").read_text(encoding="utf-8")
                                            for n in names})


def test_qualitative_targets_on_real_reports(real_reports):
    wide = compare([real_reports], ["gdp_growth"])["wide"]
    for doc, words in REAL_QUALITATIVE.items():
        row = wide[(wide["target_doc_id"] == doc) & (wide["target_status"] != "stated")]
        assert len(row) == 1, doc
        assert row["target_status"].iloc[0] == "qualitative" and words in row["target_raw"].iloc[0], doc
        assert pd.isna(row["target_value"].iloc[0])
    stated = wide[wide["target_doc_id"] == "云南省_2021"]
    assert list(stated["target_status"]) == ["stated"] and stated["target_value"].notna().all()


# Real wording: the national 2024 report's list, two provinces' and two cities' (short excerpts).
NATIONAL_2024 = ("政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n\n国务院总理　李强\n\n"
                 "各位代表：\n\n现在，我代表国务院，向大会报告政府工作，请予审议。\n\n一、2023年工作回顾\n\n"
                 "国内生产总值超过126万亿元，增长5.2%。\n\n二、2024年经济社会发展总体要求和政策取向\n\n"
                 "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上，"
                 "城镇调查失业率5.5%左右；居民消费价格涨幅3%左右。\n")
CASCADE = {
    "2024_guowuyuan_zhengfugongzuobaogao.md": NATIONAL_2024,
    "四川省_2024.md": work_report("四川省", 2024, "全省地区生产总值增长6%。",
                                 "今年经济社会发展主要预期目标是：地区生产总值增长6%左右，城镇新增就业80万人以上。"),
    "江苏省_2024.md": work_report("江苏省", 2024, "全省地区生产总值增长5.8%。",
                                 "今年经济社会发展主要预期目标是：地区生产总值增长5%以上，城镇新增就业120万人以上。"),
    "绵阳市_2024.md": CITY,
    "扬州市_2024.md": ("---\ntitle: 2024年扬州市政府工作报告\n---\n\n扬州市人民政府\n\n一、2023年工作回顾\n\n"
                      "全市地区生产总值增长6%。\n\n二、2024年工作安排\n\n今年经济社会发展的主要预期目标是："
                      "地区生产总值增长6%左右，城镇新增就业5万人以上。\n"),
}


@pytest.fixture(scope="module")
def levels(tmp_path_factory) -> Path:
    return extract_texts(tmp_path_factory, CASCADE)


def test_cascade_puts_each_level_beside_its_parent(levels):
    res = compare([levels], ["gdp_growth"])
    table = cascade(res["wide"], res["_data"]["documents"], "gdp_growth", 2024).set_index("region_name")
    assert list(table["level"]) == ["national", "province", "prefecture", "province", "prefecture"]
    assert table.loc["全国", "target_value"] == 5 and pd.isna(table.loc["全国", "parent_code"])
    assert table.loc["四川", "parent_code"] == "100000"
    assert table.loc["四川", "ratio_to_parent"] == pytest.approx(1.2)
    assert table.loc["绵阳", "parent_region"] == "四川省" and table.loc["绵阳", "region_code"] == "510700"
    assert table.loc["绵阳", "ratio_to_parent"] == pytest.approx(7 / 6)
    assert table.loc["扬州", "gap_to_parent"] == pytest.approx(1.0)  # 6% under 江苏's 5%以上


def test_cascade_cli_and_report(levels, tmp_path):
    out = tmp_path / "cmp"
    r = CliRunner().invoke(main, ["compare", str(levels), "--cascade", "--metric", "gdp_growth",
                                  "--year", "2024", "--out", str(out)])
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out / "comparison_cascade.csv", encoding="utf-8-sig")
    assert len(table) == 5 and table["ratio_to_parent"].notna().sum() == 4
    assert "cascade" in pd.ExcelFile(out / "comparison.xlsx").sheet_names
    png = out / "charts" / "cascade_gdp_growth_2024.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = CliRunner().invoke(main, ["compare", str(levels), "--cascade", "--out", str(out)])
    assert r.exit_code == 2 and "exactly one --metric" in r.output
    from pipeline.analysis.report import build_report

    page = build_report(levels, tmp_path / "r.html", metrics=["gdp_growth"]).read_text(encoding="utf-8")
    assert 'id="cascade-gdp_growth"' in page and "逐级目标" in page


def test_metrics_command_lists_the_lexicon(levels):
    r = CliRunner().invoke(main, ["metrics"])
    assert r.exit_code == 0, r.output
    lines = [line.split("\t") for line in r.stdout.strip().split("\n")]
    assert lines[0][:4] == ["id", "name", "en", "unit_class"] and len(lines) > 100
    assert ["gdp_growth", "地区生产总值增长"] == lines[[x[0] for x in lines].index("gdp_growth")][:2]
    r = CliRunner().invoke(main, ["metrics", "--data", str(levels)])
    assert r.exit_code == 0, r.output
    rows = {x[0]: x for x in (line.split("\t") for line in r.stdout.strip().split("\n"))}
    header = rows["id"]
    gdp = dict(zip(header, rows["gdp_growth"]))
    assert int(gdp["n_rows"]) >= 10 and int(gdp["n_targets"]) == 5
