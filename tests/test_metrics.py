"""Metric normalisation (pipeline/stages/indicators.py, resources/metrics.json), pinned on real sentences
of the provincial government work reports (data/provinces)."""
from __future__ import annotations

import json
import time
from importlib import resources

import pytest

from pipeline.stages.indicators import (annotate, classify, classify_sentence, cluster_model, lexicon,
                              normalise_entity)

TARGETS = "主要预期目标是：地区生产总值增长6.5%左右，城镇新增就业110万人以上，城镇调查失业率5.5%左右。"

# (sentence from the corpus, the quantity as written, the metric it must get or None)
CASES = [
    (TARGETS, "6.5%左右", "gdp_growth"),
    (TARGETS, "110万人以上", "urban_new_jobs"),
    (TARGETS, "5.5%左右", "surveyed_unemployment_rate"),
    ("今年经济社会发展的主要预期目标建议为：全省地区生产总值增长8.5%左右，固定资产投资增长10%以上", "8.5%左右", "gdp_growth"),
    ("今年我区经济社会发展主要预期目标是：经济增长5%左右，城镇调查失业率5.5%左右", "5%左右", "gdp_growth"),
    ("经济增长目标设定为6%左右，", "6%左右", "gdp_growth"),
    ("2019年全省经济社会发展的主要预期目标是：地区生产总值增长5－6%，地方级财政收入与上年持平", "6%", "gdp_growth"),
    ("新增城镇就业75万人以上。", "75万人以上", "urban_new_jobs"),
    ("城镇登记失业率和调查失业率分别为2.97%和4.4%。", "4.4%", "surveyed_unemployment_rate"),
    ("城镇登记失业率和调查失业率分别为2.97%和4.4%。", "2.97%", "registered_unemployment_rate"),
    ("城镇调查失业率从上半年5.5%降到5.3%。", "5.3%", "surveyed_unemployment_rate"),
    ("居民消费价格涨幅、城镇调查失业率分别控制在3%和5%以内。", "3%", "cpi"),
    ("居民消费价格涨幅、城镇调查失业率分别控制在3%和5%以内。", "5%以内", "surveyed_unemployment_rate"),
    ("居民消费价格指数涨幅控制在3%左右，单位GDP能耗下降1%", "控制在3%左右", "cpi"),
    ("一般公共预算收入增长5%左右，城镇居民人均可支配收入增长6%", "5%左右", "budget_revenue"),
    ("地方一般公共预算收入3591亿元、增长7.6%。", "7.6%", "budget_revenue"),
    ("地方一般公共预算收入3591亿元、增长7.6%。", "3591亿元", "budget_revenue_level"),
    ("全社会固定资产投资增长5%左右，社会消费品零售总额增长6%", "5%左右", "fixed_asset_investment"),
    ("全社会固定资产投资增长5%左右，社会消费品零售总额增长6%", "6%", "retail_sales"),
    ("规上工业增加值、固定资产投资、进出口分别增长5.1%、6.1%和13.8%，经济社会发展", "5.1%", "industrial_value_added"),
    ("规上工业增加值、固定资产投资、进出口分别增长5.1%、6.1%和13.8%，经济社会发展", "6.1%", "fixed_asset_investment"),
    ("规上工业增加值、固定资产投资、进出口分别增长5.1%、6.1%和13.8%，经济社会发展", "13.8%", "foreign_trade"),
    ("固定资产投资和社会消费品零售总额年均增长8.5%和5.7%。", "8.5%", "fixed_asset_investment"),
    ("外贸进出口总额增长6%，节能减排降碳", "6%", "foreign_trade"),
    ("城镇和农村居民人均可支配收入分别增长4.3%和7.1%，城镇调查失业率", "4.3%", "disposable_income_urban"),
    ("城镇和农村居民人均可支配收入分别增长4.3%和7.1%，城镇调查失业率", "7.1%", "disposable_income_rural"),
    ("城乡居民人均可支配收入分别增长8%和9%，", "9%", "disposable_income_rural"),
    ("全体居民人均可支配收入增长9%，城镇新增就业", "9%", "disposable_income"),
    ("全体居民人均可支配收入持续高于经济增长速度、力争达到8%，", "8%", "disposable_income"),
    ("单位地区生产总值能耗下降3%左右，", "3%左右", "energy_intensity"),
    ("单位GDP能耗降低2.5%左右。", "2.5%左右", "energy_intensity"),
    ("单位GDP能耗、水耗预计分别下降4.6%和5%；", "4.6%", "energy_intensity"),
    ("粮食产量连续4年稳定在1300亿斤以上。", "1300亿斤以上", "grain_output"),
    ("粮食总产量稳定在507万吨以上。", "507万吨以上", "grain_output"),
    ("全社会研究与试验发展经费投入强度达1.56%。", "1.56%", "rd_intensity"),
    ("研发经费支出占地区生产总值比重达2.65%，", "2.65%", "rd_intensity"),
    ("全年力争实现20个贫困县摘帽、99.7万贫困人口脱贫", "99.7万", "poverty_reduction"),
    ("减少农村贫困人口124万人，贫困发生率", "124万人", "poverty_reduction"),
    ("地区生产总值10920亿元，增长7.6%。", "7.6%", "gdp_growth"),
    ("全省地区生产总值达到2.57万亿元，增长5%", "2.57万亿元", "gdp_level"),
    ("人均地区生产总值由4.6万元增加到6.8万元以上，年均增长5%左右。", "6.8万元以上", "gdp_per_capita"),
    # negatives: not the metric the words seem to name
    ("消费对经济增长的贡献率达60%。", "60%", None),
    ("人均地区生产总值增长25%左右。", "25%左右", None),
    ("海洋生产总值增长11%。", "11%", None),
    ("力争数字经济增长15%以上。", "15%以上", None),
    ("兰州新区经济增长18.5%，增速继续保持国家级新区第1位", "18.5%", None),
    ("数字经济增长15%、总量突破1.7万亿元，占地区生产总值的34%。", "34%", None),
    ("地区生产总值恢复到上年的95%以上。", "95%以上", None),
    ("三市经济总量占全省41.5%、规模工业", "41.5%", None),
    ("十大生态产业增加值占到地区生产总值的27%，比上年提高3个百分点。", "27%", None),
    ("社会物流总费用与地区生产总值比率下降到14.5%左右。", "14.5%左右", None),
    ("地区生产总值超百亿开发区达到11个", "11个", None),
    ("城镇新增就业55.32万人、新增转移农村劳动力62.25万人，分别完成年", "62.25万人", "rural_labor_transfer"),
    ("退役军人、残疾人新增就业均超7.3万人。", "超7.3万人", None),
    ("预计单位地区生产总值能耗、碳排放强度分别下降13.7%和19%。", "19%", None),
    ("脱贫地区农村居民人均可支配收入增长6.8%。", "6.8%", None),
    ("脱贫人口务工规模超过3300万。", "超过3300万", None),
    ("南疆五地州地区生产总值年均增长6%。", "6%", None),
    ("预计县域范围地区生产总值超过2900亿元。", "超过2900亿元", None),
    # the recurring indicators of the province corpus (lexicon 2026.1)
    ("加强耕地保护，新立项高标准农田120万亩以上，新垦造水田7万亩，", "120万亩以上", "high_standard_farmland"),
    ("推进人工智能、物联网等新型基础设施建设，建成2万个5G基站，实现设区市", "2万个", "5g_base_stations"),
    ("新增科技型中小企业6206家、高新技术企业1625家、“雏鹰”“瞪羚”企", "1625家", "high_tech_enterprises"),
    ("新增科技型中小企业6206家、高新技术企业1625家、“雏鹰”“瞪羚”企", "6206家", "tech_smes"),
    ("改造城镇老旧小区1246个，建设保障性租赁住房1.35万套，改造农村危房1.3万户", "1.35万套", "affordable_rental_housing"),
    ("改造城镇老旧小区1246个，建设保障性租赁住房1.35万套，改造农村危房1.3万户", "1246个", "old_residential_areas"),
    ("空气质量优良天数比例从71.9%提高到81.8%，国考断面水质优良比例", "81.8%", "air_quality_good_days"),
    ("PM2.5年均浓度降至36微克/立方米，PM10年均浓度首", "36微克/立方米", "pm25_level"),
    ("确保实现12个贫困县摘帽、976个贫困村退出", "976个", "poor_villages"),
    ("确保实现12个贫困县摘帽、976个贫困村退出", "12个", "poverty_counties"),
    ("全省新增博士学位授权点38个。", "38个", None),
    ("规上工业亩均税收30.5万元、增长8.9%", "30.5万元", None),
    ("全区民生支出占一般公共预算支出的69.8%，比上年提高4个百分点", "69.8%", None),
    ("实施制糖、粮食、新能源汽车、石墨烯等28项重大科技专项", "28项", None),
]


@pytest.mark.parametrize("sentence,raw,metric", CASES, ids=[f"{c[1]}->{c[2]}" for c in CASES])
def test_lexicon_on_corpus_sentences(sentence, raw, metric):
    assert classify_sentence(sentence, raw) == metric


def test_unit_class_decides_the_metric():
    s = "地区生产总值增长6.5%左右"
    i = s.index("6.5%")
    assert classify(s, i, i + 4, "%") == "gdp_growth"
    assert classify(s, i, i + 4, "元") == "gdp_level"
    assert classify(s, i, i + 4, "个") is None  # a GDP-named count is no GDP metric
    s = "城镇新增就业110万人"
    i = s.index("110")
    assert classify(s, i, len(s), "人") == "urban_new_jobs"
    assert classify(s, i, len(s), "%") is None


def test_entity_is_used_when_offsets_do_not_point_into_the_text():
    assert classify("", -1, -1, "%", entity="地区生产总值", action="增长") == "gdp_growth"
    assert classify("", -1, -1, "%", entity="一般公共", action="预算收入增长") == "budget_revenue"


def test_lexicon_file_is_consistent():
    data = json.loads(resources.files("pipeline.resources").joinpath("metrics.json").read_text("utf-8"))
    assert data["version"]
    lex = lexicon()
    required = {"gdp_growth", "urban_new_jobs", "surveyed_unemployment_rate", "registered_unemployment_rate",
                "cpi", "budget_revenue", "fixed_asset_investment", "retail_sales", "foreign_trade",
                "disposable_income_urban", "disposable_income_rural", "disposable_income", "energy_intensity",
                "grain_output", "rd_intensity", "poverty_reduction", "gdp_level"}
    assert required <= set(lex.metrics)
    for m in lex.metrics.values():
        assert m.zh and m.en and m.unit_class in data["unit_classes"] and m.better in ("higher", "lower")
    assert lex.metrics["gdp_growth"].unit_class == "rate" and lex.metrics["gdp_level"].unit_class == "money"


def test_annotate_fills_metric_and_cluster_ids():
    text = "今年主要预期目标是：地区生产总值增长6%左右，新增众创空间1000家。"
    rows = [dict(raw="6%左右", text=text, start=100, raw_start=100 + text.index("6%"),
                 raw_end=100 + text.index("6%") + 4, unit="%", entity="地区生产总值", action="增长"),
            dict(raw="1000家", text=text, start=100, raw_start=100 + text.index("1000"),
                 raw_end=100 + text.index("1000") + 5, unit="家", entity="众创空间", action="新增"),
            dict(raw="3个", text=None, start=None, raw_start=None, raw_end=None, unit="个", entity=None, action=None)]
    annotate(rows)
    assert rows[0]["metric"] == "gdp_growth" and rows[0]["metric_name"] == "地区生产总值增长"
    assert rows[1]["metric"].startswith("cluster:") and rows[1]["metric_name"]
    assert rows[2]["metric"] is None and rows[2]["metric_name"] is None


def test_clusters_group_wording_variants_deterministically():
    model = cluster_model()
    assert model is not None
    a, b, c = model.predict([normalise_entity("全省高新技术企业"), normalise_entity("国家高新技术企业数量"),
                             normalise_entity("完全无关的一个说法")])
    assert a and a == b
    assert c is None


def test_cluster_model_follows_the_estimator_contract():
    from sklearn.base import clone

    from pipeline.stages.indicators import ClusterModel

    model = ClusterModel(threshold=0.3)
    assert not hasattr(model, "exact_") and clone(model).get_params() == {"threshold": 0.3, "version": ""}
    model.fit(["高新技术企业", "规模以上工业增加值"], ["cluster:1", "cluster:2"], {"cluster:1": "高新技术企业"})
    assert model.predict(["高新技术企业", "国家高新技术企业", "粮食产量", ""]) == ["cluster:1", "cluster:1", None, None]
    assert model.labels_["cluster:1"] == "高新技术企业"
    assert normalise_entity("全省规模以上工业增加值") == "规模以上工业增加值"
    assert normalise_entity("分别") == "" and normalise_entity(float("nan")) == ""


def test_extract_fills_the_metric_columns():
    from pipeline.language import process_text
    from pipeline.stages.tables import SCHEMAS, document_rows

    assert {"metric", "metric_name"} <= set(SCHEMAS["targets"].names)
    doc = process_text("2024年工作安排\n\n今年经济社会发展主要预期目标是：地区生产总值增长5%左右，"
                       "城镇新增就业120万人以上，城镇调查失业率5.5%左右。", year=2024)
    rows = document_rows(doc, "test")["targets"]
    got = {r["raw"]: r["metric"] for r in rows}
    assert got.get("5%左右") == "gdp_growth"
    assert got.get("120万人以上") == "urban_new_jobs"
    assert got.get("5.5%左右") == "surveyed_unemployment_rate"


def test_annotate_is_fast():
    text = TARGETS
    i = text.index("6.5%")
    rows = [dict(raw="6.5%左右", text=text, start=0, raw_start=i, raw_end=i + 6, unit="%", entity="地区生产总值",
                 action="增长") for _ in range(5000)]
    annotate(rows[:1])  # load the lexicon once
    t0 = time.perf_counter()
    annotate(rows)
    assert time.perf_counter() - t0 < 2.0


def test_cluster_vectors_are_scikit_learns_without_it():
    """Runs load the fitted TF-IDF from resources/metric_clusters.npz and transform entities
    without scikit-learn: the same vectors, to the bit, and the same clusters."""
    import json

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from pipeline.stages.indicators import CLUSTER_THRESHOLD, ClusterModel

    model = cluster_model()
    data = json.loads(resources.files("pipeline.resources").joinpath("metric_clusters.json").read_text("utf-8"))
    members = [m for c in data["clusters"] for m in c["members"]]
    ids = [c["id"] for c in data["clusters"] for _ in c["members"]]
    sk = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit(members)
    entities = [normalise_entity(e) for e in ["全省高新技术企业数量", "规上工业增加值", "城乡居民  人均收入",
                                              "新建5G基站", "农村 自来水普及率", "A级景区", "粮食总产量"]]
    entities += members[::7]
    ours, theirs = model.transform(entities), sk.transform(entities)
    for attr in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(ours, attr), getattr(theirs, attr))
    fitted = ClusterModel(threshold=data.get("threshold", CLUSTER_THRESHOLD)).fit(members, ids)
    assert fitted.predict(entities) == model.predict(entities)
