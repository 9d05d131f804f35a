"""Owner lists and goal years of the tenth round: a 各 shared by a bare level after it
(各开发区、镇（街道）), a class that closes one list before a conjunction opens another
(A、B等省直有关部门和各市人民政府), a zone level (各开发区), a part heading's lead kept for tasks whose
notes name only supporting units (协同单位：…), and a later year heading a figure
(2020年，…控制在…以内) as its goal year, a bare level (各区) as the subject that carries a task, owner
cells of comma groups and heads written once (A党委和人民政府), a column of notes holding units,
pinyin glosses (重点(diǎn)), a space table whose last column is free text, pipe rows with a merged
heading cell under a wrapped header — on sentences and on real
development documents."""
from conftest import rules_doc as _doc
from pipeline.config import Settings
from pipeline.extractors.owners import split_units, unit_kind
from pipeline.language import process_text

RULES = Settings(chain="rules")


def _owners_of(doc, head: str) -> set[tuple[str, str]]:
    c = next(c for c in doc.commitments if c.text.lstrip().startswith(head))
    return {(o.name, o.role) for o in c.owners if o.source == "explicit"}


def test_a_shared_ge_is_distributed_over_a_bare_level():
    assert [n for n, *_x in split_units("各开发区、镇(街道)")] == ["各开发区", "各镇(街道)"]
    assert unit_kind("各开发区") == "place"
    assert unit_kind("经济开发区") is None  # a zone named by its kind alone stays no unit
    assert split_units("镇(街道)") is None  # a bare level with no 各 to share is no unit


def test_a_class_between_two_lists_closes_the_first():
    got = split_units("省财政厅、省人事厅、省农业厅等省直有关部门和各市人民政府")
    assert [n for n, *_x in got] == ["省财政厅", "省人事厅", "省农业厅", "各市人民政府"]
    # a generic member after the class is kept with its kind (the caller drops it)
    assert split_units("省财政厅等省直有关部门和各有关单位") == [("省财政厅", 0, 4, "org"), ("各有关单位", 12, 17, "generic")]


def test_a_heading_lead_stays_with_tasks_whose_notes_name_only_support():
    doc = process_text("一、孟学农省长负责的工作\n（二）省审计厅牵头的工作\n全面加强审计工作。\n"
                       "协同单位：省直各部门和各市人民政府。\n", year=2008, extractors=RULES)
    assert _owners_of(doc, "全面加强审计工作") == {("省审计厅", "lead"), ("各市人民政府", "support")}


def test_a_province_task_division_by_leading_department():
    doc = _doc("2008_shanxi_gongzuomubiao_zerenfenjie_excerpt")
    got = _owners_of(doc, "2.积极稳妥地推进乡镇机构改革")
    assert got == {("省编办", "lead"), ("省财政厅", "support"), ("省人事厅", "support"),
                   ("省农业厅", "support"), ("各市人民政府", "support")}
    assert ("省审计厅", "lead") in _owners_of(doc, "全面加强审计工作")


def test_a_county_task_division_with_labels_under_every_task():
    doc = _doc("2023_haicheng_renwufenjie_zerenfengong_excerpt")
    assert _owners_of(doc, "3.固定资产投资增长15%以上") == {
        ("市发展和改革局", "lead"), ("各开发区", "responsible"), ("各镇(街道)", "responsible")}


def test_a_later_year_heading_a_figure_is_its_goal_year():
    from conftest import rules_dates
    assert rules_dates("2020年,全市用水总量控制在3.8422亿立方米以内。", 2017) == [("2020年,", "2020-12-31")]
    assert rules_dates("2025年，全市规上工业增加值达到500亿元。", 2023) == [("2025年，", "2025-12-31")]
    # a past year heading a figure reports it: no limit
    assert rules_dates("2022年，全市地区生产总值增长6%。", 2023) == []
    doc = _doc("2017_haining_hezhangzhi_gongzuofangan_excerpt")
    assert "2020-12-31" in {d.date for c in doc.commitments for d in c.deadlines}


def test_a_bare_level_carries_a_task_opening_its_sentence_or_when_charged():
    def named(text):
        doc = process_text(text, year=2015, extractors=RULES)
        return sorted({o.name for c in doc.commitments for o in c.owners if o.source == "explicit"})
    assert named("1.各区根据市的统一部署制订行动计划，层层做好动员部署。") == ["各区"]
    assert named("1.对主要约束性指标进行分解，各区县、各有关部门要确保完成。") == ["各区县"]
    # opening a later clause uncharged, it reports what each does
    assert named("1.省级平台数量超过100个，各市实现与省级统一平台的对接。") == []
    doc = _doc("2015_guangzhou_chuzuwu_zhuanxiangzhengzhi_excerpt")
    assert ("各区", "responsible") in _owners_of(doc, "各区根据市的统一部署制订行动计划")


def test_a_department_named_by_its_field_alone_is_a_unit():
    assert unit_kind("建设厅") == "org" and unit_kind("招商局") == "org"
    assert unit_kind("建设") is None
    got = split_units("省政府办公厅、财政厅、地税局等和各市、县人民政府")
    assert [n for n, *_x in got] == ["省政府办公厅", "财政厅", "地税局", "各市、县人民政府"]


def test_a_flattened_page_splits_before_a_heading_after_a_colon():
    from pipeline.stages.clean import clean_text
    text, _meta = clean_text("现将工作目标责任分解安排如下: 第一部分:“十一五”期间主要工作任务的责任分解 "
                             "一、于幼军省长负责的工作 对主要工作任务负总责,同时具体负责以下工作: "
                             "(一)省监察委员会牵头的工作 强化行政监察,建立健全惩治和预防腐败体系。" * 3)
    lines = text.split("\n")
    assert "第一部分:“十一五”期间主要工作任务的责任分解" in lines
    assert "(一)省监察委员会牵头的工作" in lines
    doc = _doc("2006_shanxi_shiyiwugangyaobaogao_mubiaozerenfenjie_excerpt")
    assert [(s.level, s.number) for s in doc.sections][:4] == [(1, "一"), (2, "一"), (3, "一"), (3, "二")]
    got = _owners_of(doc, "强化行政监察")
    assert ("省监察委员会", "lead") in got and ("建设厅", "support") in got and ("物价局", "support") in got


def test_an_owner_cell_of_comma_groups_and_shared_heads():
    from pipeline.extractors.owners import cell_unit_list
    got = cell_unit_list("市经信局、市财政局等,各县、市、区政府,咸宁高新区管委会", 0)
    assert [n for n, *_x in got] == ["市经信局", "市财政局", "各县、市、区政府", "咸宁高新区管委会"]
    got = cell_unit_list("各县(市、区)党委和人民政府,城乡一体化示范区、高新区党工委和管委会", 0)
    assert [n for n, *_x in got] == ["各县(市、区)党委", "各县(市、区)人民政府", "城乡一体化示范区党工委",
                                     "城乡一体化示范区管委会", "高新区党工委", "高新区管委会"]
    # two whole names joined by 和 stay two names
    assert [n for n, *_x in split_units("市发展改革委和市财政局")] == ["市发展改革委", "市财政局"]


def test_task_tables_with_such_owner_cells():
    doc = _doc("2020_xianning_zhengcecuoshi_zerenfengong_excerpt")
    item = next(c for c in doc.commitments if c.text.startswith("2.纳入工信部支持新冠肺炎防护用品"))
    got = {o.name for c in doc.commitments if c.section_id == item.section_id for o in c.owners}
    assert {"市经信局", "市财政局", "各县、市、区政府", "咸宁高新区管委会"} <= got
    doc = _doc("2018_pingdingshan_hezhangzhi_renwufenjie_excerpt")
    names = {o.name for c in doc.commitments for o in c.owners}
    assert {"各县(市、区)人民政府", "高新区管委会", "城乡一体化示范区党工委"} <= names and "管委会" not in names


def test_a_year_right_before_the_verb_that_sets_a_figure_stages_the_goal():
    from conftest import rules_dates
    assert rules_dates("高新技术企业2024年突破3.5万家、2025年突破3.8万家。", 2024) == [
        ("2024年", "2024-12-31"), ("2025年", "2025-12-31")]
    assert rules_dates("全市高新技术企业2022年达到55万家。", 2023) == []  # a past year: a result
    doc = _doc("2024_shandong_shidachuangxin_xingdongjihua_excerpt")
    assert {"2024-12-31", "2025-12-31"} <= {d.date for c in doc.commitments for d in c.deadlines}


def test_a_column_of_notes_holding_units_names_the_rows_owners():
    doc = _doc("2019_yueyang_zhongdianminshengshishi_luoshi_excerpt")
    names = {o.name for c in doc.commitments for o in c.owners if o.source == "explicit"}
    assert {"人力资源社会保障局", "交通局", "水利局", "教体局"} <= names
    # a table with an owner column of its own keeps reading that column only
    doc = _doc("2020_xianning_zhengcecuoshi_zerenfengong_excerpt")
    assert "2020年12月" not in {o.name for c in doc.commitments for o in c.owners}


def test_pinyin_glosses_of_a_web_converter_are_no_text():
    from pipeline.stages.clean import normalise_chars
    assert normalise_chars("序號(hào) 重點(diǎn)工作任務(wù)，实施项目78个(gè)以上") == "序號 重點工作任務，实施项目78个以上"
    assert normalise_chars("城镇新增就业(人)、长度(km)") == "城镇新增就业(人)、长度(km)"  # no tone mark: kept


def test_a_space_table_whose_last_column_is_free_text():
    from pipeline.stages.clean import space_table_rows
    rows = space_table_rows(["序号 重点工作任务 牵头责任单位 一季度完成情况",
                             "1 地区生产总值增长6%以上。 县发改委 一季度地区生产总值增长6.8%",
                             "2 规模工业增加值增长4.5%。 县工信局 规模工业增加值增长 11.9%"])
    assert rows[2] == "2 | 规模工业增加值增长4.5%。 | 县工信局 | 规模工业增加值增长 11.9%"
    doc = _doc("2025_huoqiuxian_zhongdiangongzuo_yijidu_excerpt")
    assert [s.number for s in doc.sections] == [str(n) for n in range(1, 9)]
    assert _owners_of(doc, "3 | 财政一般公共预算收入增长3.7%以上") == {("县财政局", "lead"), ("县税务局", "lead")}  # (牵头责任单位 leads)


def test_pipe_rows_under_a_wrapped_header_with_a_merged_heading_cell():
    from pipeline.stages.clean import split_heading_cells
    assert split_heading_cells(["一、做好财政信息公开。 | 7.积极推进预算公开。 | 市财政局牵头 |"]) == [
        "一、做好财政信息公开。", "7.积极推进预算公开。 | 市财政局牵头 |"]
    assert [n for n, *_x in split_units("各镇(街)")] == ["各镇(街)"]
    doc = _doc("2021_taishan_zhengwugongkai_gongzuoyaodian_fengong_excerpt")
    assert [(s.level, s.number) for s in doc.sections][:3] == [(1, "一"), (2, "1"), (2, "2")]
    assert _owners_of(doc, "2.做好“十一五”规划至“十三五”规划") == {
        ("市政府办公室", "lead"), ("市发展和改革局", "lead"), ("各镇(街)", "support")}
    # without an owner column in the text, a last cell of units owns nothing
    plain = process_text("项目 | 说明\n1.建设学校。 | 市教育局 |\n", year=2021, extractors=RULES)
    assert not [o for c in plain.commitments for o in c.owners if o.source == "explicit"]


def test_an_item_whose_only_body_is_its_progress_report_is_a_task():
    doc = _doc("2020_qingyunpuqu_zhengfugongzuobaogao_ducha_excerpt")
    assert _owners_of(doc, "1.严格落实“五个闭环”管理") == {
        ("区卫生健康委", "responsible"), ("区教体局", "responsible"), ("区市场监管局", "responsible"),
        ("区民政局", "responsible")}


def test_the_period_a_progress_report_covers_is_no_limit():
    from conftest import rules_dates
    assert rules_dates("2025年县政府重点工作任务一季度完成情况", 2025) == []
    assert rules_dates("一季度完成选址。", 2025) == [("一季度", "2025-03-31")]
    doc = _doc("2025_huoqiuxian_zhongdiangongzuo_yijidu_excerpt")
    assert not [d for c in doc.commitments for d in c.deadlines]  # its progress column reports, sets no limit


def test_a_quarter_entry_naming_its_month_and_a_quarter_with_a_later_completion():
    from conftest import rules_dates
    assert rules_dates("第一季度:举行结对仪式;第四季度(11月份):组织开展同步课堂示范课。", 2023) == [
        ("第一季度", "2023-03-31"), ("11月份", "2023-11-30")]
    assert ("四季度", "2023-12-31") in rules_dates("三季度基本完成项目建设;四季度新改建公厕投入使用。", 2023)
    assert rules_dates("一季度地区生产总值增长5%。", 2023) == []  # a change a figure reports
    doc = _doc("2023_cangnan_shengminshengshishi_excerpt")
    assert "2023-11-30" in {d.date for c in doc.commitments for d in c.deadlines}


def test_word_marks_of_a_copy_are_no_text():
    from pipeline.stages.clean import normalise_chars
    assert normalise_chars("到@@2025年@@,城镇新增就业@@325万人@@以上") == "到2025年,城镇新增就业325万人以上"
    doc = _doc("2022_hunan_jiuyecujin_shishifangan_excerpt")
    assert "325万人以上" in {t.raw for c in doc.commitments for t in c.targets}


def test_pipe_rows_one_cell_longer_than_their_header_line_up_from_the_right():
    from pipeline.stages.grid import find_grids
    doc = _doc("2020_gaochunqu_minshengshishi_jindubiao_excerpt")
    grid = find_grids(doc.text)[0]
    row = grid.rows[0]
    assert [c.column for c in row.cells][:3] == [None, 1, 2]  # the name cell the header does not name
    got = {t.raw: t.status for c in doc.commitments for t in c.targets}
    assert got["4个"] == "target" and got["135个"] == "achievement"
    # a two-line header (sub-columns in the middle) is not shifted
    doc = _doc("2022_ninghaixian_minshengshishi_xiangmujindu_excerpt")
    assert len({(c.section_id, d.date) for c in doc.commitments for d in c.deadlines}) >= 6


def test_places_listed_before_one_places_office_share_it():
    got = split_units("襄阳市、十堰市、随州市、神农架林区发改委")
    assert [n for n, *_x in got] == ["襄阳市发改委", "十堰市发改委", "随州市发改委", "神农架林区发改委"]
    # before a government, and in a list of places alone, the places stay as written
    assert [n for n, *_x in split_units("托克托县、清水河县人民政府")][0] == "托克托县"
    assert [n for n, *_x in split_units("济南市、历下区")] == ["济南市", "历下区"]


def test_a_list_opened_by_a_named_level_is_a_subject():
    doc = process_text("（一）动员部署阶段（2010年9月10日至9月17日）。一是召开全市动员部署大会。"
                       "各区县政府和地区管委会建立健全组织机构,制定工作方案。", year=2010, extractors=RULES)
    got = {o.name for c in doc.commitments for o in c.owners if o.source == "explicit"}
    assert got == {"各区县政府", "地区管委会"}


def test_a_heading_that_is_a_list_of_units_owns_the_tasks_under_it():
    doc = process_text("三、职责分工\n（一）各区县政府和地区管委会。\n落实属地责任,制定专项整治方案和应急预案。\n"
                       "（二）市公安局、市城管委。\n负责组织对整治行动进行专项督查。\n", year=2010, extractors=RULES)
    got = {c.text[:6]: sorted(o.name for o in c.owners) for c in doc.commitments}
    assert got == {"落实属地责任": ["各区县政府", "地区管委会"], "负责组织对整": ["市公安局", "市城管委"]}


def test_issuers_of_a_page_header_and_of_a_flattened_notice():
    # '发布部门:' is a labelled issuer; a source field after the date on one header line names one
    assert _doc("2020_huaian_weiminbanshijianshishi_xiangmubiao_excerpt").issuer == "淮安市人民政府办公室"
    assert _doc("2025_wanzhouqu_zhongdianminshengshishi_tuijinqingkuang_excerpt").issuer == "重庆市万州区发展和改革委员会"
    # a whole notice on one line: its document number on a line of its own, the title before it
    doc = _doc("2006_shanxi_shiyiwugangyaobaogao_mubiaozerenfenjie_excerpt")
    assert doc.issuer == "山西省人民政府" and doc.title.endswith("责任分解的通知")
