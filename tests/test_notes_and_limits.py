"""Owner notes whose list holds a unit the name grammar does not know, time limits under a label
(完成时限：2023年6月), seasons and a year's end heading a clause, and ordinal headings
(第一，…。) — each on a real development document."""
from conftest import rules_dates, rules_doc as _doc
from pipeline.config import Settings
from pipeline.language import process_text
from pipeline.stages.structure import match_heading

RULES = Settings(chain="rules")


def _dates(text: str, year: int = 2024) -> list[tuple[str, str]]:
    return rules_dates(text, year)


def test_labelled_list_keeps_a_unit_the_grammar_does_not_know_and_its_limit():
    doc = _doc("2023_xiangyangdushiquan_zhongdiangongzuo_qingdan_excerpt")
    c = next(c for c in doc.commitments if c.text.startswith("2.续建新集枢纽"))
    assert [o.name for o in c.owners][:3] == ["汉江国投", "襄阳市水利和湖泊局", "襄阳市交通运输局"]
    assert [d.date for d in c.deadlines] == ["2023-12-31"]
    first = next(c for c in doc.commitments if "一揽子规划" in c.text)
    assert [d.date for d in first.deadlines] == ["2023-06-30"]  # 完成时限:2023年6月


def test_labelled_list_of_no_known_unit_is_no_owner_list():
    doc = process_text("1.推进项目建设。（责任单位：加快推进、全面落实）", year=2024, extractors=RULES)
    assert [o.name for c in doc.commitments for o in c.owners if o.source == "explicit"] == []


def test_limit_labels_and_seasons():
    assert _dates("1.续建新集枢纽。（完成时限：2024年6月）") == [("2024年6月", "2024-06-30")]
    assert _dates("时间节点：2024年12月底前") == [("2024年12月底前", "2024-12-31")]
    assert _dates("推进8个教育补短板项目今年秋季投入使用。") == [("今年秋季", "2024-09-30")]
    assert _dates("春季造林10万亩。") == []  # a season with no completion verb is when, not a limit
    assert _dates("2024年底，全市河道劣V类水质实现全消灭。") == [("2024年底", "2024-12-31")]
    assert _dates("2024年底，全市常住人口为100万人。") == []


def test_season_and_year_end_on_real_documents():
    sanming = _doc("2020_sanming_zhengfugongzuobaogao_excerpt")
    assert "2020-09-30" in {d.date for c in sanming.commitments for d in c.deadlines if d.raw == "今年秋季"}
    haining = _doc("2017_haining_hezhangzhi_gongzuofangan_excerpt")
    assert "2017-12-31" in {d.date for c in haining.commitments for d in c.deadlines}


def test_ordinal_heading_with_its_phrase_opens_a_section():
    assert match_heading("第一，大力实施产业攻坚行动。以延链补链强链为抓手")[:2] == ("ordinal", "一")
    assert match_heading("第一，围绕落实中国式现代化的河北图景，") is None
    doc = _doc("2022_panzhihua_zhengfugongzuobaogao_excerpt")
    titles = [s.title for s in doc.sections if s.kind == "ordinal"]
    assert titles[:5] == ["大力实施产业攻坚行动", "大力实施城市更新行动", "大力实施事业提能行动",
                          "大力实施乡村建设行动", "大力实施绿色发展行动"]


def test_list_typed_as_units_opening_like_one_is_the_subject_of_its_task():
    shaxian = _doc("2012_shaxian_disanchanye_shishiyijian_excerpt")
    c = next(c for c in shaxian.commitments if "培育挖掘限上企业" in c.text)
    assert [o.name for o in c.owners if o.source == "explicit"] == ["县经贸", "统计", "工商", "税务"]
    listed = process_text("市发改委、市财政局等部门要加强协调。", year=2024, extractors=RULES)
    assert [o.name for c in listed.commitments for o in c.owners] == ["市发改委", "市财政局"]
    generic = process_text("企业、高校等单位要加强协调。", year=2024, extractors=RULES)
    assert [o.name for c in generic.commitments for o in c.owners if o.source == "explicit"] == []


def test_parenthesized_ideograph_heading_is_the_style_of_its_bracketed_number():
    assert match_heading("㈠大力发展商贸业。以…")[:2] == ("cn_paren", "一")
    doc = _doc("2012_shaxian_disanchanye_shishiyijian_excerpt")
    assert ("一", "大力发展商贸业") in {(s.number, s.title) for s in doc.sections if s.kind == "cn_paren"}


def test_stage_heading_with_its_period_is_the_limit_of_its_tasks():
    assert _dates("（三）全面整治阶段(2024年7月~2026年6月)。集中整治。") == [("2024年7月~2026年6月", "2026-06-30")]
    assert _dates("集中整治阶段：5月至10月。") == [("5月至10月", "2024-10-31")]
    assert _dates("1-7月实际完成情况") == []  # a reporting period, no stage
    doc = _doc("2015_guangzhou_chuzuwu_zhuanxiangzhengzhi_excerpt")
    stage = next(c for c in doc.commitments if c.text.startswith("(一)动员部署阶段"))
    assert [d.date for d in stage.deadlines] == ["2015-07-31"]
    task = next(c for c in doc.commitments if c.text.startswith("召开全市出租屋专项整治工作会议"))
    assert [d.date for d in task.deadlines] == ["2015-07-31"]  # the stage's task, no limit of its own
