"""Owners of the eleventh round: a unit that reports (`近日，X发布…通知`, `X召开新闻发布会`) is no
subject carrying a task; the partners after `会同` inside a label support while the unit before
it keeps the label's role; a level and a department's short name (`市建委`) opens like a unit;
a pipe row short of cells whose group cells were merged over the rows above lines up with the
owner columns from the right; a time-limit label (`完成时限：`, `时间节点：`) types its value as a
time, as a deadline column does (a quarter, a half, a year alone, `全年`, `2023.10`, a list of
months) — on sentences and on real development documents."""
from conftest import rules_doc as _doc
from pipeline.config import Settings
from pipeline.extractors.owners import labelled_owners_found, opens_like_unit, running_owners_found
from pipeline.language import process_text

RULES = Settings(chain="rules")


def _explicit(doc, head: str) -> set[tuple[str, str]]:
    c = next(c for c in doc.commitments if head in c.text)
    return {(o.name, o.role) for o in c.owners if o.source == "explicit"}


def _running(text: str) -> list[tuple[str, str]]:
    return [(f.owner.name, f.owner.role) for f in running_owners_found(text)]


def test_a_unit_that_reports_carries_no_task():
    assert _running("近日,安徽省人民政府发布关于年重点工作及责任分解的通知。") == []
    assert _running("德州市人民政府新闻办公室召开新闻发布会,介绍有关情况。") == []
    # the same unit charged with a task is its owner
    assert _running("安徽省人民政府办公厅负责统筹协调。") == [("安徽省人民政府办公厅", "responsible")]


def test_a_news_lead_names_no_owner_in_a_real_document():
    doc = _doc("2022_anhui_zhongdiangongzuo_zerenfenjie_excerpt")
    lead = [c for c in doc.commitments if "发布关于" in c.text]
    assert lead and all(o.source == "issuer" for c in lead for o in c.owners)


def test_partners_after_huitong_in_a_label_support():
    got = [(f.owner.name, f.owner.role) for f in labelled_owners_found("责任单位:市农委会同水务局、农业综合开发办及三县。")]
    assert got == [("市农委", "responsible"), ("水务局", "support"), ("农业综合开发办", "support"), ("三县", "support")]
    doc = _doc("2008_fushun_zhongdiangongzuo_zerenfenjie_excerpt")
    assert {("市农委", "responsible"), ("水务局", "support")} <= _explicit(doc, "市农委会同水务局")


def test_a_short_form_department_opens_like_a_unit():
    assert opens_like_unit("市建委") and opens_like_unit("区教委")
    assert not opens_like_unit("建设大数据中心")
    assert _running("由吴继德副市长负责,市建委牵头,相关部门配合,尽快完善项目申报。") == [("市建委", "lead")]


def test_a_short_pipe_row_lines_up_with_the_owner_columns_from_the_right():
    text = ("序号 | 类别 | 主要任务 | 细化措施 | 牵头单位 | 参与单位 | 责任单位\n"
            "1 | 加强水资源保护 | 严守水资源开发利用控制红线 | 实施水资源消耗总量和强度双控行动,防止不合理新增取水,"
            "切实做到以水定需、量水而行。 | 市水利局 | 市发展改革委 | 各县(市、区)人民政府\n"
            "2 | 抓好工业节水。加快实施工业节水技术改造,坚决遏制用水浪费,高耗水行业达到国内先进定额标准。"
            " | 市工业和信息化委、市水利局 | 市发展改革委 | 各县(市、区)人民政府\n")
    doc = process_text(text, year=2018, extractors=RULES)
    assert _explicit(doc, "抓好工业节水") == {("市工业和信息化委", "lead"), ("市水利局", "lead"),
                                        ("市发展改革委", "support"), ("各县(市、区)人民政府", "responsible")}
    real = _doc("2018_pingdingshan_hezhangzhi_renwufenjie_excerpt")
    assert {("市工业和信息化委", "lead"), ("水利局", "lead"), ("市发展改革委", "support")} <= \
        _explicit(real, "抓好工业节水。加快实施")


# --------------------------------------------------------------------------------------------
# a time-limit label types its value as a time, as a deadline column does

import pytest  # noqa: E402
from conftest import rules_dates  # noqa: E402


@pytest.mark.parametrize("value, want", [
    ("2023年第二季度", [("2023年第二季度", "2023-06-30")]),
    ("二季度", [("二季度", "2023-06-30")]),
    ("2023年上半年", [("2023年上半年", "2023-06-30")]),
    ("2023年", [("2023年", "2023-12-31")]),
    ("全年", [("全年", "2023-12-31")]),
    ("2023.10", [("2023.10", "2023-10-31")]),
    ("2023-12", [("2023-12", "2023-12-31")]),
    ("2023年6月、12月", [("2023年6月", "2023-06-30"), ("12月", "2023-12-31")]),
    ("长期坚持", []),
])
def test_a_limit_label_reads_its_value_as_a_time(value, want):
    assert rules_dates(f"组织开展业务培训。完成时限：{value}", 2023) == want
    assert rules_dates(f"组织开展业务培训。（责任单位：市人社局；时间节点：{value}）", 2023) == want


def test_a_limit_label_in_a_real_task_list():
    doc = _doc("2023_xiangyangdushiquan_zhongdiangongzuo_qingdan_excerpt")
    c = next(c for c in doc.commitments if c.text.endswith("完成时限:2023"))  # the excerpt ends there
    assert [(d.raw, d.date) for d in c.deadlines] == [("2023", "2023-12-31")]


def test_a_row_whose_owner_cell_was_merged_with_the_one_above_takes_its_owners():
    text = ("工作任务 | 具体要求 | 责任单位\n三、做好财政信息公开。\n"
            "7.积极推进部门单位财政预算、决算及相关报表公开。 | 市财政局牵头,市直各部门落实;各镇(街)参照落实 |\n"
            "8.持续深化地方政府债务信息公开,定期公开地方政府债务限额、余额等信息。\n")
    doc = process_text(text, year=2021, extractors=RULES)
    assert {n for n, _r in _explicit(doc, "8.持续深化")} == {"市财政局", "各镇(街)"}
    real = _doc("2021_taishan_zhengwugongkai_gongzuoyaodian_fengong_excerpt")
    assert {"市财政局", "各镇(街)"} <= {n for n, _r in _explicit(real, "8.持续深化地方政府债务信息公开")}


def test_an_owner_line_is_a_commitment_annotators_can_quote():
    doc = _doc("2023_hengshui_minshengshishi_excerpt")
    lines = [c for c in doc.commitments if c.text.strip() == "责任部门:市卫生健康委"]
    assert lines and {o.name for o in lines[0].owners} == {"市卫生健康委"}


def test_comma_groups_between_you_and_the_role_word_are_owners():
    got = _running("力争年内开通航线,由漯阜铁路公司、市发展改革委,川汇区、商水县、项城市、沈丘县人民政府,"
                   "市经济开发区管委会负责落实。")
    assert {"漯阜铁路公司", "市发展改革委", "项城市", "沈丘县人民政府", "市经济开发区管委会"} <= {n for n, _r in got}
    assert _running("由于天气原因,工程延期,市住建局负责协调。") == [("市住建局", "responsible")]


def test_a_gazetteer_place_ending_in_chengshi_is_a_place():
    from pipeline.extractors.owners import unit_kind
    assert unit_kind("项城市") == "place" and unit_kind("晋城市") == "place"
    assert unit_kind("文明城市") is None


def test_an_items_sentence_above_a_line_of_its_owners_is_its_task():
    doc = _doc("2013_zhoukou_zhongdiangongzuo_renwufenjie_excerpt")
    c = next(c for c in doc.commitments if c.text.startswith("2.全面完成漯阜铁路复线电气化改造"))
    assert [(d.raw, d.date) for d in c.deadlines] == [("年内", "2013-12-31")]


@pytest.mark.parametrize("sentence, want", [
    ("次年3月底前完成验收。", [("3月底前", "2024-03-31")]),  # the year after the plan's
    ("明年6月底前建成投用。", [("6月底前", "2024-06-30")]),
    ("2023年内建成。", [("2023年内", "2023-12-31")]),
    ("2023年度内完成改造任务。", [("2023年度内", "2023-12-31")]),
    ("本年度完成。", [("本年度", "2023-12-31")]),
    ("2023年内到期的债务。", []),
])
def test_next_year_and_within_the_year(sentence, want):
    assert rules_dates(sentence, 2023) == want


def test_a_style_that_ranks_above_the_one_an_excerpt_opened_with_is_a_part_of_its_own():
    from pipeline.stages.structure import find_sections
    text = "（一）制订方案\n各区县要抓紧制订方案。\n（二）集中整治\n集中力量整治。\n四、保障措施\n（一）明确责任分工\n加强协调配合。\n"
    assert [(s.level, s.number) for s in find_sections(text)] == \
        [(1, "一"), (1, "二"), (1, "四"), (2, "一")]
    real = _doc("2021_hainan_kejichuangxin_sannianxingdong_excerpt")
    assert [(s.level, s.number) for s in real.sections] == [(1, "1"), (1, "二"), (2, "一"), (3, "1")]


@pytest.mark.parametrize("text", [
    "1.推进老旧小区改造，完成改造10个小区。——市住建局\n2.加快推进项目建设，完成投资5亿元。——市发改委",
    "1.推进老旧小区改造，完成改造10个小区。 市住建局\n2.加快推进项目建设，完成投资5亿元。 市发改委",
    "1.推进老旧小区改造，完成改造10个小区。\n市住建局\n2.加快推进项目建设，完成投资5亿元。\n市发改委\n",
])
def test_units_right_after_a_task_with_no_label_own_it(text):
    doc = process_text(text, year=2023, extractors=RULES)
    assert _explicit(doc, "1.推进") == {("市住建局", "responsible")}
    assert _explicit(doc, "2.加快") == {("市发改委", "responsible")}


def test_one_unit_line_or_a_signature_is_no_owner():
    once = process_text("1.推进老旧小区改造，完成改造10个小区。\n市住建局\n2.加快推进项目建设。\n", year=2023, extractors=RULES)
    assert _explicit(once, "1.推进") == set()  # the text does it for two tasks at least
    signed = process_text("1.完成改造10个小区。\n市住建局\n2.完成投资5亿元。\n市发改委\n请各单位认真对照各自承担的工作任务,确保如期完成。\n"
                          "沈河区人民政府\n2024年3月1日\n", year=2024, extractors=RULES)
    assert _explicit(signed, "请各单位") == set()
    real = _doc("2024_shenhequ_zhengfugongzuobaogao_renwufenjie_excerpt")
    assert _explicit(real, "请各单位认真对照") == set()


def _targets(sentence: str, year: int = 2023) -> list[tuple]:
    doc = process_text(sentence, year=year, extractors=RULES)
    return [(t.raw, t.value, t.unit, t.comparator) for t in doc.targets]


def test_an_amount_per_person_or_head_keeps_its_words_and_its_comparator():
    # (its unit stays 元, as the development gold writes it: 835元/人月 → 元; rates per time keep theirs)
    assert _targets("3.全员劳动生产率46000元/人以上。") == [("46000元/人以上", 46000.0, "元", ">=")]
    assert _targets("城乡居民基础养老金标准由80元/人月提高到108元/人月。") == [("108元/人月", 108.0, "元", "=")]
    assert _targets("能繁母猪保额由1000元/头提高至1500元/头。") == [("1500元/头", 1500.0, "元", "=")]
    assert _targets("修缮约500m²的活动场所。") == [("约500m²", 500.0, "m²", "~")]


def test_the_count_of_a_lists_own_items_is_no_target():
    assert _targets("市政府研究确定了2021年11个方面173项重点工作,由市长负总责。") == []
    assert _targets("大会票决确定2025年10项区级民生实事项目。", 2025) == []
    assert _targets("年内完成10项重点工作。") == [("10项", 10.0, "项", "=")]
