"""Document metadata on the kinds of heads and tails policy documents have: an issuer line above
the title, a cover letter signed over a date, a colophon, a 关于印发《…》的通知 wrapper, a title
broken over lines, a work report's generic speaker; the plan year; the region keys."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.stages.clean import clean
from pipeline.tools.evaluate import evaluate
from pipeline.stages.ingest import ingest
from pipeline.stages.metadata import expand_generic, metadata, region_keys
from pipeline.records import Document

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def meta(text: str, doc_id: str = "inline") -> Document:
    """Clean + metadata on a text; the doc_id names no year or place, so nothing leaks from it."""
    return metadata(clean(Document(doc_id=doc_id, source_path="<text>", raw_text=text)))


def meta_file(name: str) -> Document:
    return metadata(clean(ingest(Document(doc_id="doc", source_path=str(RAW / name)))))


def test_cover_letter_signed_over_a_pdf_date_names_issuer_title_and_year():
    d = meta("各区（市）科技主管部门，各有关单位：\n"
             "《青岛市科技企业孵化器认定和管理\n"
             "办法》已经局党组会议审议通过，现印发给你们，请认真贯彻执行。\n"
             "青岛市科学技术局\n"
             "2021 年 5 月 20 日\n"
             "青岛市科技企业孵化器认定和管理办法\n"
             "第一章 总则\n"
             "第一条 为规范科技企业孵化器建设，制定本办法。\n")
    assert d.issuer == "青岛市科学技术局"
    assert d.title == "青岛市科技企业孵化器认定和管理办法"
    assert d.year == 2021
    assert (d.region, d.region_code, d.region_level, d.region_name) == (
        "山东省青岛市", "370200", "prefecture", "青岛")


def test_colophon_names_the_issuer_and_year_of_a_text_without_title():
    d = meta("为贯彻落实《江苏省数字经济发展规划（2018-2022年）》，制定本行动方案。\n"
             "一、推进数字政府建设\n"
             "1.年底前，省级政务服务事项网上可办率不低于90%（省政务办牵头）。\n"
             "抄送：省委各部门，省人大常委会办公厅，省政协办公厅。\n"
             "江苏省人民政府办公厅2020年4月2日印发\n")
    assert d.title is None  # the first line is a sentence of the body, not a title
    assert d.issuer == "江苏省人民政府办公厅"
    assert d.year == 2020  # not 2022, the end of the plan period it cites
    assert (d.region_code, d.region_level, d.region_name) == ("320000", "province", "江苏")


def test_notice_wrapper_gives_issuer_and_the_inner_title():
    d = meta("杭州市人民政府办公厅关于印发《杭州市2022年数字经济工作要点》的通知\n"
             "杭政办函〔2021〕68号\n"
             "各区、县（市）人民政府，市政府各部门、各直属单位：\n"
             "《杭州市2022年数字经济工作要点》已经市政府同意，现印发给你们，请认真组织实施。\n"
             "2021年12月28日\n")
    assert d.issuer == "杭州市人民政府办公厅"
    assert d.title == "杭州市2022年数字经济工作要点"
    assert d.year == 2022  # issued late in 2021, for 2022
    assert d.region == "浙江省杭州市" and d.region_name == "杭州"


def test_issuer_line_above_the_title():
    d = meta("中共青川县委 青川县人民政府\n"
             "关于加快推进乡村全面振兴的实施意见\n"
             "（2023年3月1日）\n"
             "为全面贯彻落实中央和省委、市委农村工作会议精神，现提出如下意见。\n")
    assert d.issuer == "中共青川县委、青川县人民政府"
    assert d.title == "关于加快推进乡村全面振兴的实施意见"
    assert d.region_level == "county" and d.region_name == "青川" and d.region_code == "510822"


def test_red_head_of_an_office_document():
    d = meta("德阳市人民政府办公室文件\n"
             "德办发〔2022〕15号\n"
             "关于进一步稳定和扩大就业的若干措施\n"
             "各县（市、区）人民政府，市级各部门：\n")
    assert d.issuer == "德阳市人民政府办公室"


def test_title_wrapped_mid_phrase_is_joined():
    d = meta("关于印发《泸州市推进新型工业化\n"
             "三年行动计划（2023—2025年）》的通知\n"
             "各区县人民政府，市级有关部门：\n"
             "现将《泸州市推进新型工业化三年行动计划（2023—2025年）》印发给你们，请认真贯彻执行。\n"
             "泸州市人民政府\n"
             "2023年6月2日\n")
    assert d.title == "泸州市推进新型工业化三年行动计划（2023—2025年）"
    assert d.issuer == "泸州市人民政府"
    assert d.year == 2023  # a plan period in the title: the year it was issued


def test_labelled_issuer_field_and_a_newspaper_source_is_not_one():
    d = meta("标题：关于做好2024年春耕生产工作的通知\n发布机构：河南省农业农村厅\n来源：河南日报\n"
             "各省辖市农业农村局：\n")
    assert d.issuer == "河南省农业农村厅" and d.year == 2024
    d = meta("关于做好春耕生产工作的几点意见\n来源：河南日报\n各省辖市农业农村局：\n")
    assert d.issuer is None


def test_generic_speaker_expanded_from_the_region():
    d = meta("政府工作报告\n"
             "——2023年1月5日在凉山彝族自治州第十一届人民代表大会第二次会议上\n"
             "州长 张三\n"
             "各位代表：\n"
             "现在，我代表州人民政府，向大会报告工作，请予审议。\n"
             "过去一年，凉山经济持续回升。\n")
    assert d.issuer == "凉山彝族自治州人民政府"
    assert d.year == 2023
    assert d.region_level == "prefecture" and d.region_code == "513400"
    assert expand_generic("自治区第十二届人民政府", "广西壮族自治区") == "广西壮族自治区人民政府"
    assert expand_generic("省政府", "吉林省") == "吉林省政府"
    assert expand_generic("绵阳市人民政府", "四川省绵阳市") == "绵阳市人民政府"


def test_region_keys_of_a_national_and_an_unknown_document():
    assert region_keys(None, "国务院") == ("100000", "national", "全国")
    assert region_keys(None, None) == (None, None, None)
    assert region_keys("北京市", "北京市人民政府") == ("110000", "province", "北京")


def test_source_url_from_front_matter_and_from_a_link_line():
    d = meta("---\nsource: https://www.yn.gov.cn/zwgk/zfgzbg/t1.html\ntitle: 2019年政府工作报告\n---\n"
             "各位代表：\n现在，我代表省人民政府，向大会报告工作。\n")
    assert d.source_url == "https://www.yn.gov.cn/zwgk/zfgzbg/t1.html"
    assert d.title == "2019年政府工作报告" and d.year == 2019
    d = meta("原文链接：https://www.pkulaw.com/lar/abc.html\n关于推进数字乡村建设的实施意见\n")
    assert d.source_url == "https://www.pkulaw.com/lar/abc.html"


@pytest.mark.parametrize("name, issuer, year", [
    ("2019_shandong_shuzishandong_xingdongfangan.txt", "山东省人民政府办公厅", 2019),
    ("2021_jinangongxinju_fuwuziyuan_gongjibanfa.txt", "济南市工业和信息化局", 2021),
    ("2022_anhui_rcep_shishiyijian.txt", "安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室", 2022),
    ("2022_baotou_shuzizhengfu_kaopingbanfa.txt", "包头市人民政府办公室", 2022),
    ("2019_liuhexian_lvyou_jiangliyijian.txt", None, 2019),  # names no issuer: none invented
])
def test_real_documents(name, issuer, year):
    d = meta_file(name)  # doc_id 'doc': the year comes from the text, not the file name
    assert d.issuer == issuer and d.year == year


def test_evaluate_counts_no_issuer_right_when_gold_names_none(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.json").write_text(json.dumps({"doc_id": "a", "title": None, "issuer": None,
                                             "region": None, "year": 2019}), encoding="utf-8")
    (gold / "b.json").write_text(json.dumps({"doc_id": "b", "title": None, "issuer": "团市委",
                                             "region": None, "year": 2019}), encoding="utf-8")
    pred = tmp_path / "pred"
    pred.mkdir()
    for issuer_a, issuer_b, expected in ((None, "团市委", 1.0), ("县政府", "团市委", 0.5), (None, None, 0.5)):
        pd.DataFrame([{"doc_id": "a", "title": None, "issuer": issuer_a, "region": None, "year": 2019},
                      {"doc_id": "b", "title": None, "issuer": issuer_b, "region": None, "year": 2019}]
                     ).to_parquet(pred / "documents.parquet", index=False)
        assert evaluate(gold, pred)["overall"]["issuer_accuracy"] == pytest.approx(expected)


def test_joint_issuers_signing_on_consecutive_lines():
    d = meta("各乡镇党委、政府，县属各单位：\n"
             "《2022年岳池县乡村振兴重点工作任务》已经县委、县政府同意，现印发给你们，请认真贯彻落实。\n"
             "中共岳池县委办公室\n"
             "岳池县人民政府办公室\n"
             "2022年3月10日\n"
             "一、巩固拓展脱贫攻坚成果\n")
    assert d.issuer == "中共岳池县委办公室、岳池县人民政府办公室"
    assert d.title == "2022年岳池县乡村振兴重点工作任务" and d.year == 2022


def test_wrapper_issuer_wins_over_a_government_named_in_the_inner_title():
    d = meta("宜宾市人民政府办公室关于印发《宜宾市人民政府2023年重点工作任务分工方案》的通知\n"
             "各区县人民政府，市级各部门：\n")
    assert d.issuer == "宜宾市人民政府办公室"
    assert d.title == "宜宾市人民政府2023年重点工作任务分工方案"


def test_a_table_row_with_a_unit_and_a_date_is_no_signature():
    d = meta("为推进重点项目建设，制定本清单。\n"
             "一、重点项目\n序号\n项目名称\n责任单位\n完成时限\n"
             "1\n城南污水处理厂\n县住房城乡建设局\n2022年6月30日\n"
             "2\n县城供水管网改造\n县水利局\n2022年9月30日\n"
             "3\n乡村道路提升\n县交通运输局\n2022年11月30日\n"
             "4\n农贸市场改造\n县商务局\n2022年12月31日\n"
             "5\n老旧小区改造\n县住房城乡建设局\n2022年12月31日\n"
             "6\n体育公园\n县文旅局\n2022年12月31日\n")
    assert d.issuer is None


def test_a_horizon_year_in_the_title_is_not_the_plan_year():
    d = meta("关于印发《南充市推进农业现代化2035年远景目标纲要》的通知\n"
             "各县（市、区）人民政府：\n"
             "现将《南充市推进农业现代化2035年远景目标纲要》印发给你们，请认真贯彻执行。\n"
             "南充市人民政府\n"
             "2021年8月3日\n")
    assert d.year == 2021 and d.issuer == "南充市人民政府"


def test_year_from_a_document_number_and_a_numbered_heading_is_no_title():
    d = meta("（遂府办发〔2022〕12号）\n"
             "各县（市、区）人民政府，市直有关部门：\n"
             "一、主要任务\n"
             "1.实施产业提升行动，新增规上工业企业50户以上。\n")
    assert d.year == 2022
    assert d.title is None


def test_issuer_in_a_web_table_cell_completed_from_the_title():
    # a government site's metadata table copied as text: label and value in cells of one row
    d = meta("索引号: | 11330100002494/2023-00123 | 成文日期: | 2023-03-02 |\n"
             "文件编号: | 桐政办发〔2023〕8号 | 组配分类: | 计划总结 |\n"
             "发布机构: | 县政府办公室 | 有效性: |\n"
             "桐庐县人民政府办公室关于印发桐庐县2023年数字经济工作要点的通知 |\n"
             "||\n"
             "各乡镇人民政府、街道办事处，县政府各部门：\n"
             "现将《桐庐县2023年数字经济工作要点》印发给你们，请认真贯彻执行。\n")
    assert d.issuer == "桐庐县人民政府办公室"  # not '| 县政府办公室 | 有效性: |', not the short form
    assert d.title == "桐庐县2023年数字经济工作要点"
    assert d.region_code == "330122"
    # an empty field is no value: the next cell is the next label
    d = meta("发布机构: | 有效性: | 有效 |\n关于做好春耕生产工作的几点意见\n")
    assert d.issuer is None


def test_short_labelled_issuer_completed_from_the_region():
    d = meta("发布机构：市政府办公室\n绍兴市2023年数字经济工作要点\n一、总体要求\n")
    assert d.issuer == "绍兴市政府办公室"
    assert d.region_name == "绍兴"


def test_cover_letter_transmitting_two_documents_carries_the_first():
    d = meta("各镇人民政府，县政府各部门：\n"
             "《政府工作报告2022年重点工作责任分解》和《2022年县政府民生实事项目责任分解》已经县政府"
             "讨论确定，现印发给你们，请认真贯彻执行。\n")
    assert d.title == "政府工作报告2022年重点工作责任分解"


def test_a_cited_higher_level_notice_is_not_the_issuer_and_the_own_place_is_the_region():
    text = ("为加快推进供给侧结构性改革，着力促进全区经济平稳较快发展，根据《成都市人民政府关于印发"
            "成都市稳增长若干政策措施的通知》，结合武侯区实际，特制定如下政策措施。\n"
            "一、提高投资项目审批效率\n"
            "1.精简项目审批手续。5月底前实现我区中介超市上线运行。（区政务服务局牵头）\n")
    d = meta(text)
    assert d.issuer is None  # an excerpt of a district's policy names no issuer of its own
    assert (d.region, d.region_code) == ("四川省成都市武侯区", "510107")


def test_a_cited_decision_of_the_texts_own_authority_names_its_issuer():
    d = meta("关于推进人才集聚工程的实施意见\n"
             "根据《中共成都市委、成都市人民政府关于全面推进新型城市化发展的决定》，提出以下实施意见。\n"
             "一、总体目标\n1.目标。全市人才总量达到300万人，我市人才竞争力明显提升。\n")
    assert d.issuer == "中共成都市委、成都市人民政府"


def test_a_provincial_commission_is_not_a_national_organ():
    d = meta("各市（州）人民政府、省级有关部门：\n"
             "经省政府同意，现将《四川省“十四五”现代流通体系建设实施方案》印发给你们，请认真贯彻实施。\n"
             "四川省发展和改革委员会\n2022年10月18日\n")
    assert d.issuer == "四川省发展和改革委员会"
    assert (d.region, d.region_code, d.region_level) == ("四川省", "510000", "province")
    d = meta("国家发展和改革委员会关于印发《“十四五”现代流通体系建设规划》的通知\n")
    assert d.region is None and d.region_code == "100000"


@pytest.mark.parametrize("name, issuer, region_code", [
    ("2022_haiyanxian_zhengfugongzuobaogao_zerenfenjie_excerpt.txt", "海盐县人民政府办公室", "330424"),
    ("2016_guanduqu_wenzengzhang_zhengcecuoshi_excerpt.txt", None, "530111"),
    ("2022_sichuan_xiandailiutong_shishifangan_excerpt.txt", "四川省发展和改革委员会", "510000"),
    ("2012_guangzhou_rencaijijugongcheng_shishiyijian.txt", "中共广州市委、广州市人民政府", "440100"),
])
def test_real_excerpts(name, issuer, region_code):
    d = meta_file(name)
    assert (d.issuer, d.region_code) == (issuer, region_code)


def test_evaluate_matches_two_names_of_one_region(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    gold.mkdir()
    pred.mkdir()
    rows = [("a", "湘西自治州", "湖南省湘西土家族苗族自治州"), ("b", "四川", "四川省"),
            ("c", "官渡区", "云南省昆明市"), ("d", "凉山州", "四川省凉山彝族自治州")]
    for doc_id, g, _ in rows:
        (gold / f"{doc_id}.json").write_text(json.dumps(
            {"doc_id": doc_id, "title": None, "issuer": None, "region": g, "year": 2020}), encoding="utf-8")
    pd.DataFrame([{"doc_id": d, "title": None, "issuer": None, "region": p, "year": 2020}
                  for d, _, p in rows]).to_parquet(pred / "documents.parquet", index=False)
    docs = evaluate(gold, pred)["documents"]
    # the city is not the district inside it
    assert {d: docs[d]["region"]["correct"] for d in "abcd"} == {"a": True, "b": True, "c": False, "d": True}


def test_law_database_fields_above_the_title_are_not_part_of_it():
    doc = meta("【法宝引证码】CLI.12.345678\n【时效性】现行有效\n"
               "某市人民政府办公室关于印发某市养老服务体系建设实施方案的通知\n"
               "各县(区)人民政府,市直各有关单位:\n现将《某市养老服务体系建设实施方案》印发给你们,请认真贯彻执行。\n"
               "某市人民政府办公室\n2021年5月6日\n一、总体要求\n（一）到2025年,新建养老机构10家。\n")
    assert doc.issuer == "某市人民政府办公室"
    assert "法宝" not in (doc.title or "")


def test_a_generic_issuer_in_the_title_is_completed_from_the_cover_notice_signature():
    doc = meta("区人民政府办公室关于印发2023年重点工作责任分解方案的通知\n"
               "各街道办事处,区人民政府各部门:\n《2023年重点工作责任分解方案》已经区人民政府同意,现印发给你们。\n"
               "一、各责任单位要高度重视。\n二、各责任单位要按季度报送进展情况。\n"
               "江夏区人民政府办公室\n2023年1月5日\n"
               "2023年重点工作责任分解方案\n一、主要预期目标\n（一）地区生产总值增长7%以上\n责任单位:区发展和改革局\n")
    assert doc.issuer == "江夏区人民政府办公室"
    assert doc.region == "湖北省武汉市江夏区"


def test_a_news_report_of_a_document_names_its_issuer_in_the_lead():
    doc = meta("本报讯据省政府网消息,近日,江西省人民政府办公厅印发《江西省数字经济发展三年行动方案》。\n"
               "方案提出,到2025年,全省数字经济增加值突破1.6万亿元。\n一、主要任务\n1.建设5G基站3万个。\n")
    assert doc.issuer == "江西省人民政府办公厅"
    assert doc.title == "江西省数字经济发展三年行动方案"
    assert doc.region.startswith("江西")


def test_a_page_header_with_several_fields_on_a_line():
    # data/raw's 南昌县 page: 发布机构 and 生成日期 share a line (cleaning joins the space between them)
    d = meta("索引号: l379250--2024-0213 主题分类: 综合政务\n发布机构: 南昌县人民政府 生成日期: 2024-03-16\n"
             "文件编号: 有效性: 有效\n关于下达2024年南昌县政府民生实事人大代表票决项目任务的通知\n"
             "各乡镇人民政府，县政府各部门：\n现将项目任务下达给你们，请认真组织实施。\n")
    assert d.issuer == "南昌县人民政府"


def test_a_sites_category_line_is_no_part_of_the_title():
    # data/raw's 重庆市 page: '行政规范性文件' above the title it files
    d = meta("行政规范性文件\n重庆市人民政府办公厅关于\n印发《重庆市促进个体工商户高质量发展实施方案》的通知\n"
             "渝府办发〔2024〕77号\n各区县(自治县)人民政府,市政府各部门:\n现将方案印发给你们,请认真贯彻执行。\n")
    assert d.issuer == "重庆市人民政府办公厅"


def test_a_notice_signed_before_its_attachments():
    # data/raw's 沁县 notice: the signature, the date, '（此件公开发布）', then 附件1 and its title
    d = meta("经县政府同意,现将任务清单印发给你们,请认真贯彻落实。\n一、责任到人,闭环管理。各单位要狠抓落实。\n"
             "沁县人民政府办公室\n2025年5月18日\n(此件公开发布)\n附件1\n2025年县政府工作报告任务清单\n"
             "一、县示范区管委会牵头工作(8项)\n1.建设3个劳动密集型产业园。\n")
    assert d.issuer == "沁县人民政府办公室"


def test_a_sites_toolbar_and_breadcrumbs_are_no_title():
    d = meta("无障碍辅助浏览工具条\n首页 > 政务公开 > 政府文件 > 沈河政发文件\n沈河政发文件\n"
             "沈河区人民政府关于印发2024年政府工作报告主要工作任务分解表的通知\n区政府各部门,各街道办事处:\n"
             "现将分解表印发给你们,请认真贯彻落实。\n")
    assert d.issuer == "沈河区人民政府"
