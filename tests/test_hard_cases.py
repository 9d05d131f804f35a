"""The hard cases of Chinese policy language, one by one (GOLD.md's definitions)."""
from __future__ import annotations

import pytest

from pipeline.extractors.deadlines import find_deadline
from pipeline.extractors.owners import labelled_owners, note_owners, running_owners
from pipeline.stages.numbers import find_quantities
from pipeline.language import process_text


def targets(text: str, year: int = 2023, status: str = "target") -> list[tuple]:
    doc = process_text(text, year=year)
    return [(t.value, t.value_max, t.unit, t.comparator) for t in doc.targets if t.status == status]


@pytest.mark.parametrize("text,expected", [
    # ranges
    ("建设1到2个大型人才培养基地。", [(1, 2, "个", "range")]),
    ("经济增长6%—6.5%。", [(6, 6.5, "%", "range")]),
    ("每年新增投资5000-6000万元。", [(50_000_000, 60_000_000, "元", "range")]),
    # 余/多 and comparators before and after
    ("资助困难学生450余名。", [(450, None, "名", ">")]),
    ("惠及6600多万纳税人。", [(66_000_000, None, None, ">")]),
    ("组织不少于1000名大学生参与政务见习。", [(1000, None, "名", ">=")]),
    ("城镇调查失业率控制在5.5%以内。", [(5.5, None, "%", "<=")]),
    ("GDP增长6%左右。", [(6, None, "%", "~")]),
    ("确保总数超过30家。", [(30, None, "家", ">")]),
    # 万 / 亿 scaling, money
    ("新增城镇就业5.5万人以上。", [(55_000, None, "人", ">=")]),
    ("全国农机总动力稳定在11亿千瓦左右。", [(1_100_000_000, None, "千瓦", "~")]),
    ("粮食产量1.39万亿斤以上。", [(1_390_000_000_000, None, "斤", ">=")]),
    ("计划投资16.4亿元。", [(1_640_000_000, None, "元", "=")]),
    ("设立总规模不低于1亿元的产业发展引导资金。", [(100_000_000, None, "元", ">=")]),
    # Chinese numerals
    ("培训两千名乡村教师。", [(2000, None, "名", "=")]),
    ("覆盖率达到百分之八十以上。", [(80, None, "%", ">=")]),
    ("实践课时原则上占总课时一半以上。", [(0.5, None, None, ">=")]),
    # 个百分点 versus %
    ("研发投入强度提高0.2个百分点。", [(0.2, None, "个百分点", "=")]),
    ("单位GDP能耗下降3.5%。", [(3.5, None, "%", "=")]),
])
def test_quantity_grammar(text, expected):
    assert targets(text) == [tuple(float(x) if isinstance(x, (int, float)) else x for x in e)
                             for e in expected]


@pytest.mark.parametrize("text", [
    "深刻领悟“两个确立”的决定性意义，增强“四个意识”。",       # slogans
    "持续深化“四比四抓四促进”专项行动。",
    "提档升级12355青少年服务台。",                              # hotline
    "面向各高校2023届毕业生开展就业指导。",                      # cohort
    "深入贯彻落实《中长期青年发展规划（2017—2025年）》。",       # plan period
    "按照省委十二届二次全会部署。",                              # meeting
    "学习贯彻党的二十大精神。",
    "严格团员发展等6方面规范举措。",                             # counts of what the text contains
    "用3年时间完成改造。",                                        # duration
    "每年调整1次专业目录。",                                      # frequency
    "对固定资产投资1000万元及以上的企业给予奖励。",               # eligibility threshold
    "给予企业30万元奖励。",                                        # per-case incentive
    "最高奖励不超过50万元。",
    "根据《国务院关于加快发展的意见》（国发〔2023〕5号）执行。",   # document number
    "咨询电话：0816-2345678。",
])
def test_not_targets(text):
    assert targets(text) == [] and targets(text, status="achievement") == []


def test_review_sentences_are_achievements():
    text = ("一、2022年工作回顾\n过去一年，全市地区生产总值增长5%左右，新增城镇就业4.2万人。\n"
            "二、2023年工作安排\n今年地区生产总值增长7.5%，城镇新增就业4.7万人以上。\n")
    assert targets(text, status="achievement") == [(5.0, None, "%", "~"), (42000.0, None, "人", "=")]
    assert targets(text) == [(7.5, None, "%", "="), (47000.0, None, "人", ">=")]


def test_review_opening_outside_a_review_section():
    assert targets("去年全省新增城镇就业52万人。", status="achievement") == [(520000.0, None, "人", "=")]
    assert targets("去年全省新增城镇就业52万人。") == []


@pytest.mark.parametrize("text,year,raw,date", [
    ("确保年底前全市所有县完成改革任务。", 2023, "年底前", "2023-12-31"),
    ("2023年6月底前完成摸底。", 2022, "2023年6月底前", "2023-06-30"),
    ("10月底前出台实施方案。", 2023, "10月底前", "2023-10-31"),
    ("上半年完成招标。", 2024, "上半年", "2024-06-30"),
    ("三季度开工建设。", 2023, "三季度", "2023-09-30"),
    ("第三季度末前全面投用。", 2023, "第三季度末前", "2023-09-30"),
    ("到2025年，农机装备品类基本齐全。", 2018, "到2025年", "2025-12-31"),
    ("“十四五”期间建成100个示范点。", 2021, "“十四五”期间", "2025-12-31"),
    ("5年内重点引进100名人才。", 2012, "5年内", "2016-12-31"),
    ("2012年起5年内大力实施人才工程。", 2012, "2012年起5年内", "2016-12-31"),
    ("年内完成全部改造任务。", 2023, "年内", "2023-12-31"),
    ("6月15日前报送材料。", 2023, "6月15日前", "2023-06-15"),
])
def test_deadline_forms(text, year, raw, date):
    d = find_deadline(text, year)
    assert d is not None and (d.raw, d.date) == (raw, date)


@pytest.mark.parametrize("text", ["确保按期完成改革任务。", "长期坚持。", "持续推进。",
                                  "以毕业一年内未找到工作的大学生为重点。"])
def test_not_deadlines(text):
    assert find_deadline(text, 2023) is None


def test_owner_labels():
    owners = labelled_owners("（牵头单位：市发展改革委，配合单位：市委组织部、市人力资源和社会保障局，各区、县级市）")
    assert [(o.name, o.role) for o in owners] == [
        ("市发展改革委", "lead"), ("市委组织部", "support"), ("市人力资源和社会保障局", "support"),
        ("各区、县级市", "support")]
    owners = labelled_owners("责任单位：市教育局、市财政局")
    assert [(o.name, o.role) for o in owners] == [("市教育局", "responsible"), ("市财政局", "responsible")]


def test_owner_notes():
    owners = note_owners("推进改革。（市人社局牵头，市财政局、市教育局配合）")
    assert [(o.name, o.role) for o in owners] == [
        ("市人社局", "lead"), ("市财政局", "support"), ("市教育局", "support")]
    owners = note_owners("完善体系。（工业和信息化部牵头，发展改革委、科技部等按职责分工负责）")
    assert [(o.name, o.role) for o in owners] == [
        ("工业和信息化部", "lead"), ("发展改革委", "responsible"), ("科技部", "responsible")]
    assert [(o.name, o.role) for o in note_owners("（市委组织部负责）")] == [("市委组织部", "responsible")]


def test_owner_in_running_text():
    assert [(o.name, o.role) for o in running_owners("由市委组织部负责，定期向社会公布。")] == [
        ("市委组织部", "responsible")]
    assert [(o.name, o.role) for o in running_owners("国务院教育行政部门依照职业标准牵头组织开发教学标准。")] == [
        ("国务院教育行政部门", "lead")]
    assert running_owners("建立健全组织部门牵头抓总的工作格局。") == []


def test_first_listed_leads_convention():
    doc = process_text("一、总体要求\n（一）完善创新体系。加快推进创新。（工业和信息化部、科技部等负责。列第一位者为牵头单位，下同）\n",
                       year=2018)
    owners = [(o.name, o.role) for c in doc.commitments for o in c.owners]
    assert ("工业和信息化部", "lead") in owners and ("科技部", "responsible") in owners


def test_quantities_keep_offsets():
    text = "力争新增城镇就业5.5万人以上，GDP增长6%左右"
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.raw
