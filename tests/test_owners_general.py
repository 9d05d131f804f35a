"""The owner grammar on short sentences in the style of the genres, and on real documents."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extractors.owners import (labelled_owners, note_owners, running_owners, split_units,
                                        unit_kind)
from pipeline.language import process_text

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def pairs(owners) -> list[tuple[str, str]]:
    return [(o.name, o.role) for o in owners]


# ---- unit names -------------------------------------------------------------------------------

@pytest.mark.parametrize("name,kind", [
    ("市人力资源和社会保障局", "org"), ("合肥海关", "org"), ("银保监会", "org"), ("省委网信办", "org"),
    ("市留交办", "org"), ("县财政", "org"), ("中央财政", "org"), ("省级政府", "org"),
    ("各省级人民政府", "org"), ("各市政府", "org"), ("各县（市、区）政府", "org"),
    ("各成员单位", "org"), ("各区、县级市", "place"), ("达茂旗", "place"),
    ("各地", "generic"), ("各有关部门", "generic"), ("有关部门和单位", "generic"), ("各级政府", "generic"),
    ("市级各有关部门", "generic"), ("各有关单位", "generic"), ("政府部门", "generic"),
    ("配合单位", None), ("全市", None), ("社会", "generic"), ("格局", None), ("数字政府", None),
    ("充分发挥行业协会", None), ("报县政府", None),
])
def test_unit_kind(name, kind):
    assert unit_kind(name) == kind


def test_lists_split_on_conjunctions_only_between_units():
    names = [u[0] for u in split_units("济南科金信息技术有限公司和软通智慧信息技术有限公司")]
    assert names == ["济南科金信息技术有限公司", "软通智慧信息技术有限公司"]
    assert [u[0] for u in split_units("省文化和旅游厅、省住房和城乡建设厅")] == ["省文化和旅游厅", "省住房和城乡建设厅"]
    assert [u[0] for u in split_units("县海洋与渔业局及县农业农村局等有关部门和单位")] == ["县海洋与渔业局", "县农业农村局"]


# ---- labels and notes ----------------------------------------------------------------------------

def test_new_labels():
    assert pairs(labelled_owners("负责部门：市教育局、市财政局")) == [("市教育局", "responsible"), ("市财政局", "responsible")]
    assert pairs(note_owners("（6月底完成，牵头考核单位：市政府办公室、市公安局）")) == [
        ("市政府办公室", "lead"), ("市公安局", "lead")]
    assert pairs(labelled_owners("牵头单位：市商务局；参加单位：市财政局、各区县政府")) == [
        ("市商务局", "lead"), ("市财政局", "support"), ("各区县政府", "support")]


def test_notes_parse_each_group_and_drop_generic_classes():
    assert pairs(note_owners("（省大数据局、省政府办公厅、省公安厅分工负责，各有关部门、各市政府配合）")) == [
        ("省大数据局", "responsible"), ("省政府办公厅", "responsible"), ("省公安厅", "responsible"),
        ("各市政府", "support")]
    assert pairs(note_owners("（合肥海关牵头，省贸促会、省商务厅按职责分工配合）")) == [
        ("合肥海关", "lead"), ("省贸促会", "support"), ("省商务厅", "support")]
    # a group with no role word is still read: it is responsible
    assert pairs(note_owners("（年底前完成，市住房城乡建设局牵头，市城管局）")) == [
        ("市住房城乡建设局", "lead"), ("市城管局", "responsible")]
    # a unit the name grammar does not know, in a list the note types as units
    assert ("银保监会", "responsible") in pairs(note_owners("（农业农村部、财政部、人民银行、银保监会等负责）"))
    # notes that name no units give nothing
    assert note_owners("（省、市、县三级行政权力名称、类型、依据、编码相统一）") == []


def test_offsets_point_at_the_name():
    text = "推进改革。（市人社局牵头，市财政局、市教育局配合）"
    for o in note_owners(text, offset=100):
        assert text[o.start - 100:o.end - 100] == o.name


# ---- running text ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("对新设立的技能大师工作室，由市财政给予一次性资助。", [("市财政", "responsible")]),
    ("分别由济南科金信息技术有限公司和软通智慧信息技术有限公司办理。",
     [("济南科金信息技术有限公司", "responsible"), ("软通智慧信息技术有限公司", "responsible")]),
    ("市教育局要会同市财政局、市人社局制定实施办法。",
     [("市教育局", "responsible"), ("市财政局", "support"), ("市人社局", "support")]),
    ("各省级人民政府对本地区农业机械化发展负总责。", [("各省级人民政府", "responsible")]),
    ("国务院教育督导委员会定期听取职业教育督导评估情况汇报。", [("国务院教育督导委员会", "responsible")]),
    ("县财政每年安排旅游引导资金1000万元。", [("县财政", "responsible")]),
    ("制定边境地区网络覆盖方案，按分工交由达茂旗牵头落实。", [("达茂旗", "lead")]),
    ("配合市发改委做好涉企信用数据整合和平台对接工作。", [("市发改委", "lead")]),
    ("公安、市场监管、城管执法等部门积极配合监控视频接入。",
     [("公安", "support"), ("市场监管", "support"), ("城管执法", "support")]),
])
def test_subjects_and_by_phrases(text, expected):
    assert pairs(running_owners(text)) == expected


@pytest.mark.parametrize("text", [
    "我们要坚持稳中求进，各地要抓好落实，企业要加大投入，群众积极参与。",
    "各级政府要带头过紧日子。",
    "今年政府工作的总体要求是：全面贯彻落实党的二十大精神。",
    "规范政府举债行为，严格审批程序。",
    "市政府门户网站、各部门网站均集中迁移至本平台。",
    "广大群众积极响应党和政府号召。",
    "省委省政府立即作出部署。",
    "充分发挥行业协会在行业自律方面的作用。",
    "国务院职业教育工作部际联席会议由教育、财政等单位组成。",
    "经县旅游产业发展领导小组审核后，报县政府予以兑现。",
    "建立健全组织部门牵头抓总的工作格局。",
])
def test_sentence_subjects_that_are_not_units(text):
    assert running_owners(text) == []


# ---- document level ----------------------------------------------------------------------------

def test_note_after_a_full_stop_belongs_to_the_sentence_before():
    doc = process_text("一、扩大出口\n1.扩大优势产品出口。建立商品税率对比清单。（合肥海关负责）巩固传统产品出口优势，"
                       "扩大机电产品出口占比。（省商务厅牵头，合肥海关配合）\n", year=2022)
    by_text = {c.text[:6]: pairs(c.owners) for c in doc.commitments}
    first = next(v for k, v in by_text.items() if k.startswith("建立"))
    assert ("合肥海关", "responsible") in first and ("省商务厅", "lead") not in first
    last = next(v for k, v in by_text.items() if k.startswith("（合肥海关"))
    assert ("省商务厅", "lead") in last and ("合肥海关", "support") in last


def test_hand_over_note_owns_the_rest_of_its_part():
    doc = process_text("一、重点任务\n（一）推进数字政府建设\n以下任务均由市大数据局负责，不再列出。\n"
                       "1.建设全市统一的政务云平台，年底前完成迁移。\n2.完善数据共享交换平台，新增共享数据目录500条。\n"
                       "（二）优化营商环境\n3.压减审批时限30%以上。\n", year=2023)
    owners = {c.text[:4]: [(o.name, o.source) for o in c.owners] for c in doc.commitments}
    assert owners["1.建设"] == [("市大数据局", "explicit")]
    assert owners["2.完善"] == [("市大数据局", "explicit")]
    assert all(src == "issuer" for _n, src in owners["3.压减"])  # the next part is not handed over


def test_every_owner_offset_is_the_name_in_the_cleaned_text():
    text = (RAW / "2022_anhui_rcep_shishiyijian.txt").read_text(encoding="utf-8")
    doc = process_text(text, year=2022)
    explicit = [o for c in doc.commitments for o in c.owners if o.source == "explicit"]
    assert len(explicit) > 50
    assert all(doc.text[o.start:o.end] == o.name for o in explicit)
    assert any(o.name == "合肥海关" for o in explicit)


def test_work_report_names_few_owners():
    text = (RAW / "2023_mianyang_zhengfugongzuobaogao.txt").read_text(encoding="utf-8")
    doc = process_text(text, year=2023)
    explicit = {o.name for c in doc.commitments for o in c.owners if o.source == "explicit"}
    assert len(explicit) <= 3, explicit


# ---- mechanisms of task-division plans (labels on their own lines, conventions, flattened text) ----

def owners_by_task(text: str, year: int = 2023) -> dict[str, list[tuple[str, str]]]:
    doc = process_text(text, year=year)
    return {c.text[:8]: [(o.name, o.role) for o in c.owners if o.source == "explicit"] for c in doc.commitments}


def test_label_lines_under_a_task_own_it():
    got = owners_by_task("一、主要预期目标\n1.地区生产总值增长6%左右。\n牵头单位：区发改局\n"
                         "责任单位：区商务局，各街道、区直各部门\n2.居民收入增长与经济增长基本同步。\n"
                         "牵头单位：区人社局\n3.其他主要经济指标不低于全市平均水平。\n")
    assert got["1.地区生产总值"] == [("区发改局", "lead"), ("区商务局", "responsible"), ("各街道", "responsible")]
    assert got["2.居民收入增长"] == [("区人社局", "lead")]
    assert got["3.其他主要经济"] == []


def test_bracketed_labels_and_role_marks():
    got = owners_by_task("一、重点任务\n1.完善信用体系，出台管理办法。\n【牵头单位】市人社局 【配合单位】市财政局\n"
                         "2.推进数字政府建设。（责任单位：市大数据局（牵头）、市财政局）\n")
    assert got["1.完善信用体系"] == [("市人社局", "lead"), ("市财政局", "support")]
    assert got["2.推进数字政府"] == [("市大数据局", "lead"), ("市财政局", "responsible")]


def test_a_label_list_ends_where_its_units_end():
    # a page flattened onto one line: the next item follows the list without a break
    assert pairs(labelled_owners("责任单位:县发改局、县财政局、县农业农村局2.落实过紧日子要求,各街道。")) == [
        ("县发改局", "responsible"), ("县财政局", "responsible"), ("县农业农村局", "responsible")]
    assert pairs(labelled_owners("牵头单位：市发改委 责任单位：市财政局、市商务局")) == [
        ("市发改委", "lead"), ("市财政局", "responsible"), ("市商务局", "responsible")]
    # a bracket inside the list (pinyin on a web page) does not close the label
    assert pairs(labelled_owners("责任单位:州司法局,湘西经(jīng)开区(qū)管委会,6月底完成)")) == [
        ("州司法局", "responsible"), ("湘西经(jīng)开区(qū)管委会", "responsible")]


def test_first_unit_leads_when_the_document_says_so():
    got = owners_by_task("一、县长牵头重点工作\n1.一般公共预算收入增长8.5%。\n"
                         "责任单位:县发改局(首位单位为牵头单位,下同)、县财政局、县税务局\n"
                         "2.努力降低行政运行成本。\n责任单位:县财政局\n", year=2022)
    assert got["1.一般公共预算"] == [("县发改局", "lead"), ("县财政局", "responsible"), ("县税务局", "responsible")]
    assert got["2.努力降低行政"] == [("县财政局", "responsible")]  # one unit: no lead/support split


def test_owner_stated_once_for_the_later_tasks():
    got = owners_by_task("一、深化改革\n（一）加强市场体系建设。推进高标准市场体系建设。探索建设数字资产交易中心。"
                         "〔责任单位:省发展改革委、商务厅按职责分工负责。具体任务均涉及相关市(州)人民政府,不再做分工,下同。〕\n"
                         "（二）优化市场准入环境。提升市场主体登记便利化水平。〔责任单位:省市场监管局〕\n", year=2022)
    assert got["探索建设数字资产"] == [("省发展改革委", "responsible"), ("商务厅", "responsible"),
                                 ("相关市(州)人民政府", "responsible")]
    assert got["提升市场主体登记"] == [("省市场监管局", "responsible"), ("相关市(州)人民政府", "responsible")]


def test_groups_between_two_roles_share_the_next_role():
    assert pairs(note_owners("（区发改局牵头,区财政局、区交运局等部门,区国投公司、各街道办事处配合）")) == [
        ("区发改局", "lead"), ("区财政局", "support"), ("区交运局", "support"), ("区国投公司", "support"),
        ("各街道办事处", "support")]


def test_heading_note_owns_the_tasks_under_it():
    got = owners_by_task("一、重点任务\n（一）加强市场体系建设（牵头单位：市发改委；配合单位：市商务局）\n"
                         "1.推进高标准市场体系建设。\n2.实施市场准入负面清单制度。（市场监管局负责）\n"
                         "（二）优化营商环境\n3.压减审批时限。\n")
    assert got["1.推进高标准市"] == [("市发改委", "lead"), ("市商务局", "support")]
    assert got["2.实施市场准入"] == [("市场监管局", "responsible")]
    assert got["3.压减审批时限"] == []


def test_rows_written_with_bars_under_an_owner_header():
    got = owners_by_task("序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限\n"
                         "1 | 推进数字政府建设，完成平台迁移 | 市大数据局 | 市财政局、市委网信办 | 2023年底\n")
    assert got["1 | 推进数字"] == [("市大数据局", "lead"), ("市财政局", "support"), ("市委网信办", "support")]


@pytest.mark.parametrize("name,kind", [
    ("区审改办", "org"), ("县发改局", "org"),  # abbreviations: jieba tags their clipped words as verbs
    ("立山经济开发区", "place"), ("成都高新区", "place"), ("经济开发区", None), ("国家级新区", None),
    ("相关市(州)人民政府", "org"), ("有关县政府", "org"), ("各县市人民政府", "org"),
    ("各级人民政府", "generic"), ("有关地方政府", "generic"), ("县级以上地方人民政府", "generic"),
])
def test_more_unit_names(name, kind):
    assert unit_kind(name) == kind


def test_new_task_lists_of_data_raw():
    text = (RAW / "2023_lishanqu_zhongdiangongzuo_fengongfangan_excerpt.txt").read_text(encoding="utf-8")
    doc = process_text(text, year=2023)
    first = next(c for c in doc.commitments if c.text.startswith("4.社会消费品"))
    assert [(o.name, o.role) for o in first.owners] == [("区商务局", "lead"), ("各街道", "responsible"),
                                                         ("区市场局", "responsible")]
    assert all(doc.text[o.start:o.end] == o.name for c in doc.commitments for o in c.owners if o.source == "explicit")


def test_a_sentence_of_role_groups_owns_the_tasks_above_it():
    got = owners_by_task("一、重点任务\n（一）推进数字政府\n推进数字政府建设，完成平台迁移。\n"
                         "市大数据局牵头，市财政局、市委网信办，市公安局配合。\n")
    assert got["推进数字政府建设"] == [("市大数据局", "lead"), ("市财政局", "support"), ("市委网信办", "support"),
                                 ("市公安局", "support")]
    # a sentence that goes on after its role word is a task of its own
    assert pairs(running_owners("公安、市场监管等部门积极配合监控视频接入。")) == [("公安", "support"), ("市场监管", "support")]


def test_a_unit_listed_with_a_verb_names_a_project():
    assert running_owners("重点实施自治区疾控中心迁建、基础教育质量提升等163个社会事业项目。") == []
    assert running_owners("自治区疾控中心迁建、基础教育质量提升等163个社会事业项目加快推进。") == []


# ---- a part heading naming who leads its tasks (data/raw's 沁县 task list) -----------------------

OWNED_PARTS = """2025年县政府工作报告任务清单
一、县示范区管委会牵头工作(8项)
1.建设3个劳动密集型产业园。
2.打造食用菌酵素生产基地。
二、县农业农村局、县水利局负责的重点任务
1.新建高标准农田2万亩。
三、加快建设现代化产业体系
1.培育规上工业企业10家。
"""


def test_a_heading_naming_the_lead_gives_its_tasks_their_owner():
    doc = process_text(OWNED_PARTS, year=2025)
    got = {c.text: pairs(o for o in c.owners if o.source != "issuer") for c in doc.commitments}
    assert got["1.建设3个劳动密集型产业园。"] == [("县示范区管委会", "lead")]
    assert got["2.打造食用菌酵素生产基地。"] == [("县示范区管委会", "lead")]
    assert got["1.新建高标准农田2万亩。"] == [("县农业农村局", "responsible"), ("县水利局", "responsible")]
    assert got["1.培育规上工业企业10家。"] == []  # a heading that names no unit gives none


def test_a_supervision_office_as_subject():
    assert pairs(running_owners("县政府督查室将常年跟踪，适时开展督查。")) == [("县政府督查室", "responsible")]


@pytest.mark.parametrize("note,expected", [
    # the unit's other name or kind in a bracket after it (data/raw's 许昌市 and 嘉鱼县 lists)
    ("(市发展和改革委员会、市农业农村局等相关部门,各县〔市、区〕政府〔管委会〕按职责分工负责)",
     {"市发展和改革委员会", "市农业农村局", "各县〔市、区〕政府〔管委会〕"}),
    ("(市商务局,各县(市、区)政府(管委会)按职责分工负责)", {"市商务局", "各县(市、区)政府(管委会)"}),
    ("[县发改局(粮食局)牵头]", {"县发改局(粮食局)"}),
])
def test_bracketed_other_names_stay_with_their_unit(note, expected):
    assert {o.name for o in note_owners("推进重点项目建设。" + note)} == expected
    assert split_units("县发改局(牵头)") is None  # a role mark is no other name of the unit


def test_subject_lists_broken_by_a_comma_and_zones_listed_with_organisations():
    got = running_owners("各省辖市政府,济源示范区、航空港区管委会要切实扛牢属地责任,加强工作谋划。")
    assert [o.name for o in got] == ["各省辖市政府", "济源示范区", "航空港区管委会"]
    assert running_owners("高新区、经开区要加快发展。") == []  # zones alone: places, not owners in running text
    assert [o.name for o in running_owners("加强保障,市财政局要加强保障。")] == ["市财政局"]


def test_a_label_glued_to_the_next_field_and_local_classes():
    assert pairs(labelled_owners("责任单位:莲塘镇任务目标:2024年计划改造完成莲塘镇莲水巷")) == [("莲塘镇", "responsible")]
    assert pairs(labelled_owners("责任单位:江西洪城水业环保公司、属地乡镇")) == [("江西洪城水业环保公司", "responsible")]
    assert unit_kind("属地乡镇") == "generic" and unit_kind("各乡镇") == "place"


def test_a_departments_divisions_take_the_labels_of_units():
    # a bureau's 工作要点: owners are its own divisions (科, 股, 处, 室)
    assert pairs(labelled_owners("责任科室：规划科、财务股")) == [("规划科", "responsible"), ("财务股", "responsible")]
    assert pairs(labelled_owners("牵头处室：综合处；配合处室：法规处")) == [("综合处", "lead"), ("法规处", "support")]
    assert unit_kind("本科") is None and unit_kind("学科") is None  # one character before the head: no division


def test_host_and_assisting_units_and_towns_in_a_label_list():
    # data/raw's 连江县 plan: '主办单位:A,协办单位:B、C。' after each task
    got = pairs(labelled_owners("主办单位:县城投公司,协办单位:县住建局、凤城镇。"))
    assert got == [("县城投公司", "lead"), ("县住建局", "support"), ("凤城镇", "support")]
    assert unit_kind("城镇") is None  # alone, the word: no town


def test_a_clause_that_is_only_a_bracketed_unit_name():
    # two work reports of reports.tar.xz crashed here (a clause '（管委会）' ending like a unit)
    assert running_owners("加快园区建设，（管委会），推进项目落地。") == []
