"""Owners and sections of action plans and opinions, round 2 of issue 10: labels at the top of an
item that has numbered sub-items, numbered items run together on one line, a standing note
(`以下政策措施均需A落实，不再单独列出`) made in the note that closes an item, `各区县市` as a
named level, and why `1﹒` (U+FE52) stays unnormalised.

The excerpts are written in the style of the genres (short, not copied from gold documents);
each test fails on the code before this round."""
from __future__ import annotations

from pipeline.language import process_text
from pipeline.stages.clean import clean_text, split_run_in_items


def owners_of(doc, start: str) -> list[tuple[str, str]]:
    """(name, role) of the explicit owners of the first commitment whose text starts with `start`."""
    c = next(c for c in doc.commitments if c.text.startswith(start))
    return [(o.name, o.role) for o in c.owners if o.source != "issuer"]


def test_labels_at_the_top_of_an_item_own_its_numbered_sub_items():
    doc = process_text(
        "一、主要任务\n"
        "（一）扩大大宗消费。\n"
        "牵头单位：市商务局\n"
        "责任单位：市发展改革委、市财政局\n"
        "1.开展汽车促消费活动，全年举办汽车展销活动10场以上。\n"
        "2.推动家电以旧换新，支持企业开展家电下乡活动。\n"
        "（二）培育新型消费。\n"
        "牵头单位：市文化和旅游局\n"
        "1.打造夜间消费街区，建成市级夜间经济集聚区5个。\n", year=2023)
    expected = [("市商务局", "lead"), ("市发展改革委", "responsible"), ("市财政局", "responsible")]
    assert owners_of(doc, "1.开展汽车") == expected
    assert owners_of(doc, "2.推动家电") == expected
    assert owners_of(doc, "1.打造夜间") == [("市文化和旅游局", "lead")]


def test_a_sub_item_with_its_own_labels_keeps_them():
    doc = process_text(
        "（一）推进农村厕所革命\n"
        "牵头单位：市农业农村局\n"
        "1.完成农村户厕改造2万户。\n"
        "2.建设农村公共厕所300座。（市住房城乡建设局负责）\n"
        "3.建立农村厕所长效管护机制。\n", year=2023)
    assert owners_of(doc, "1.完成农村户厕") == [("市农业农村局", "lead")]
    assert ("市住房城乡建设局", "responsible") in owners_of(doc, "2.建设农村公共厕所")
    assert ("市农业农村局", "lead") not in owners_of(doc, "2.建设农村公共厕所")
    assert owners_of(doc, "3.建立农村厕所") == [("市农业农村局", "lead")]


def test_items_run_together_on_one_line_are_split_where_the_numbering_continues():
    line = ("1.全省生产总值增长7%以上。牵头责任单位:省发展改革委。2.固定资产投资增长10%以上。"
            "牵头责任单位:省发展改革委。协同责任单位:省财政厅。3.社会消费品零售总额增长9%左右。")
    assert [p[:2] for p in split_run_in_items(line)] == ["1.", "2.", "3."]
    # a list opening inside a paragraph, or a numeral that runs into another, is left alone
    assert split_run_in_items("扎实办好十件实事。（1）实现全覆盖。（2）新建学校。") == \
        ["扎实办好十件实事。（1）实现全覆盖。（2）新建学校。"]
    assert split_run_in_items("一、工作回顾。二、三产业增加值分别增长7.7%。") == \
        ["一、工作回顾。二、三产业增加值分别增长7.7%。"]


def test_run_in_items_become_sections_with_their_own_owners():
    doc = process_text(
        "一、主要预期目标\n"
        "1.地区生产总值增长6%左右。牵头单位：市发展改革委。2.城镇新增就业3万人。牵头单位：市人力资源社会保障局。\n",
        year=2023)
    assert [(s.level, s.number) for s in doc.sections] == [(1, "一"), (2, "1"), (2, "2")]
    assert owners_of(doc, "1.地区生产总值") == [("市发展改革委", "lead")]
    assert owners_of(doc, "2.城镇新增就业") == [("市人力资源社会保障局", "lead")]


def test_standing_note_in_an_items_closing_note_adds_owners_to_the_later_items():
    doc = process_text(
        "一、落实财税支持政策\n"
        "1.设立2亿元工业发展专项引导资金。（责任单位：市工信局、市财政局等有关部门，各县区人民政府、园区管委会。"
        "以下政策措施均需各县区人民政府、园区管委会落实，不再单独列出）\n"
        "2.每年培育星级上云企业50家。（责任单位：市工信局）\n"
        "3.落实小规模纳税人免征增值税政策。\n", year=2022)
    assert set(owners_of(doc, "2.每年培育")) == {("市工信局", "responsible"), ("各县区人民政府", "responsible"),
                                               ("园区管委会", "responsible")}
    assert set(owners_of(doc, "3.落实小规模")) == {("各县区人民政府", "responsible"),
                                                 ("园区管委会", "responsible")}


def test_each_district_county_and_city_is_a_named_level():
    doc = process_text(
        "（一）“互联网+”创业创新\n"
        "1.大力发展众创空间。三年内认定市级众创空间60家以上。(牵头单位:市科委,配合单位:各区县市)\n",
        year=2015)
    assert owners_of(doc, "三年内认定") == [("市科委", "lead"), ("各区县市", "support")]


def test_small_form_punctuation_reads_as_the_ordinary_marks_including_the_small_full_stop():
    text, _ = clean_text("1﹒推进改革﹙市发展改革委牵头﹐市财政局﹑市商务局配合﹚\n")
    assert text.startswith("1.推进改革（市发展改革委牵头，市财政局、市商务局配合）")


def test_small_form_items_are_sections_and_their_run_in_title_is_a_task():
    """'1﹒' items are numbered sections; the title sentence of a leaf item is a task of its own
    (GOLD.md: the first sentence of a numbered item is the task), so an owner quoted at the
    item's title is found in a commitment of that item."""
    doc = process_text(
        "一、主要任务\n（一）建设平台体系\n"
        "1﹒培育综合型平台。支持龙头企业建设平台﹐培育10个平台。﹙责任单位﹕省经济和信息化厅﹑省发展改革委﹚\n"
        "2﹒发展专业型平台。建设20个专业型平台。﹙责任单位﹕省科技厅﹚\n", year=2021)
    numbers = [(s.level, s.number) for s in doc.sections]
    assert numbers == [(1, "一"), (2, "一"), (3, "1"), (3, "2")]
    titles = [c for c in doc.commitments if c.text.startswith("1.培育综合型平台")]
    assert titles and titles[0].section_id == doc.sections[2].section_id
    assert owners_of(doc, "1.培育综合型平台") == [("省经济和信息化厅", "responsible"),
                                               ("省发展改革委", "responsible")]
    assert owners_of(doc, "2.发展专业型平台") == [("省科技厅", "responsible")]
