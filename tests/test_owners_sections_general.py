"""Owners and sections on the layouts of task-division plans and action plans that the first
development documents lacked (issue 10): '1)' numbering, label lines that name
leaders and qualified groups, owner notes that close a group of sub-items or a 专栏 box.

The excerpts are written in the style of the genres (not copied from the gold documents)."""
from __future__ import annotations

from pipeline.language import process_text


def owners_of(doc, start: str) -> list[tuple[str, str]]:
    """(name, role) of the explicit owners of the first commitment whose text starts with `start`."""
    c = next(c for c in doc.commitments if c.text.startswith(start))
    return [(o.name, o.role) for o in c.owners if o.source != "issuer"]


def headings(doc) -> list[tuple[int, str, str]]:
    return [(s.level, s.number, s.title) for s in doc.sections]


# ---- heading numbers ----------------------------------------------------------------------------

def test_closing_bracket_numbers_are_a_level_of_their_own():
    doc = process_text("一、重点任务\n1.提升公共服务\n1)新建幼儿园3所。\n2)改造老旧小区40个。\n2.优化营商环境\n",
                       year=2022)
    assert headings(doc) == [(1, "一", "重点任务"), (2, "1", "提升公共服务"), (3, "1", "新建幼儿园3所"),
                             (3, "2", "改造老旧小区40个"), (2, "2", "优化营商环境")]


# ---- label lines ------------------------------------------------------------------------------

def test_qualified_group_label_and_leader_line():
    doc = process_text(
        "一、主要预期目标\n"
        "1.规模以上工业增加值增长6%左右。\n"
        "牵头负责领导:王明。\n"
        "牵头责任单位:市经济和信息化局。\n"
        "协同责任单位:市发展改革委、市财政局、市统计局等。\n"
        "2.社会消费品零售总额增长8%。\n"
        "分管市领导:李华\n"
        "牵头单位:市商务局\n", year=2023)
    task = owners_of(doc, "1.规模以上")
    assert ("市经济和信息化局", "lead") in task
    assert ("市统计局", "support") in task and ("市财政局", "support") in task
    # the leader line is no task of its own: it takes none of the owners
    assert owners_of(doc, "牵头负责领导") == []
    assert owners_of(doc, "2.社会消费品") == [("市商务局", "lead")]


def test_generic_group_after_a_qualified_label_names_none():
    doc = process_text("一、目标\n1.固定资产投资增长10%。\n牵头单位:市发展改革委。\n"
                       "协同责任单位:市政府各部门、各直属机构。\n", year=2023)
    assert owners_of(doc, "1.固定资产") == [("市发展改革委", "lead")]


def test_list_cut_off_after_a_comma():
    doc = process_text("二、主要任务\n（一）优化准入服务。全面推行企业开办一日办结。"
                       "（牵头单位：市市场监管局；责任单位：市公安局、市税务局、", year=2022)
    assert owners_of(doc, "全面推行") == [("市市场监管局", "lead"), ("市公安局", "responsible"),
                                      ("市税务局", "responsible")]


# ---- notes that close a group -----------------------------------------------------------------

def test_note_after_the_last_sub_item_owns_the_group():
    doc = process_text(
        "（二）加强应急能力建设\n"
        "1.完善应急物资储备\n"
        "（1）建立市级应急物资储备库，分类储备救灾物资。\n"
        "（2）推动县级储备点建设，实现县级全覆盖。\n"
        "（3）健全物资调拨机制。\n"
        "（责任单位：市应急管理局、各县（市、区）人民政府）\n"
        "2.提升救援队伍能力\n"
        "（1）组建综合性应急救援队伍。\n", year=2021)
    group = [("市应急管理局", "responsible"), ("各县（市、区）人民政府", "responsible")]
    assert owners_of(doc, "（1）建立") == group
    assert owners_of(doc, "（2）推动") == group
    assert owners_of(doc, "（3）健全") == group
    assert owners_of(doc, "（1）组建") == []  # the next group names none


def test_note_of_the_last_item_when_the_items_name_their_own():
    doc = process_text(
        "一、重点任务\n"
        "1.推进社区养老。建设社区养老服务站20个。\n"
        "（责任单位：市民政局）\n"
        "2.发展普惠托育。新增托位500个。\n"
        "（责任单位：市卫生健康委）\n", year=2022)
    assert owners_of(doc, "建设社区养老") == [("市民政局", "responsible")]
    assert owners_of(doc, "新增托位") == [("市卫生健康委", "responsible")]


def test_zhuanlan_box_closed_by_its_owner_line():
    doc = process_text(
        "（一）推进新型基础设施建设。加快千兆光网建设。（市工信局牵头，各县区政府配合）\n"
        "专栏1 新型基础设施重点工程\n"
        "1.千兆光网工程。新建10G-PON端口5000个。\n"
        "2.数据中心工程。建成区域数据中心2个。\n"
        "牵头单位：市大数据局；责任单位：各县（市、区）人民政府\n"
        "（二）推进产业数字化。实施企业上云行动。（市经信局负责）\n", year=2022)
    box = [("市大数据局", "lead"), ("各县（市、区）人民政府", "responsible")]
    assert owners_of(doc, "新建10G-PON") == box
    assert owners_of(doc, "建成区域数据中心") == box
    assert ("市工信局", "lead") in owners_of(doc, "加快千兆光网建设")
    assert ("市大数据局", "lead") not in owners_of(doc, "加快千兆光网建设")
