"""Cleaning and structure for every genre: PDF/web spacing, page furniture, broken lines,
attachments, glossaries, headings that are tasks, and the section/quote rules of evaluate."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.stages.clean import clean_text, is_page_furniture, normalise_chars, tidy_spacing
from pipeline.tools.evaluate import evaluate
from pipeline.language import process_text
from pipeline.stages.structure import appendix_spans, find_sections

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
JINAN = RAW / "2021_jinangongxinju_fuwuziyuan_gongjibanfa.txt"  # extracted from a PDF
BAOTOU = RAW / "2022_baotou_shuzizhengfu_kaopingbanfa.txt"  # its 90 tasks are in the attachment
MIANYANG = RAW / "2023_mianyang_zhengfugongzuobaogao.txt"  # a work report with a glossary
RULES = ["status", "commitments", "targets", "deadlines", "owners"]


def run(text: str, year: int = 2022):
    return process_text(text, year=year, extractors=RULES)


# --------------------------------------------------------------------------- spacing


@pytest.mark.parametrize("raw,clean", [
    ("新建 300 套保障性住房", "新建300套保障性住房"),
    ("产值突破 5 亿元", "产值突破5亿元"),
    ("覆盖率达到 90% 以上", "覆盖率达到90%以上"),
    ("覆盖率达到 90 % 以上", "覆盖率达到90%以上"),
    ("依照第 1 0 条执行", "依照第10条执行"),
    ("2 0 2 1 年 3 月 9 日", "2021年3月9日"),
    ("包括 X86 资源类 、 EI 产品服务类", "包括X86资源类、EI产品服务类"),
    ("（一） 加强组织领导", "（一）加强组织领导"),
])
def test_extraction_spaces_removed(raw, clean):
    assert tidy_spacing(raw) == clean


@pytest.mark.parametrize("text", ["Open Data", "发布时间：2021-01-01 10:00", "2020 2021"])
def test_meaningful_spaces_kept(text):
    assert tidy_spacing(text) == text
    assert tidy_spacing("推进 " + text) == "推进" + text  # the space before it goes, not inside


@pytest.mark.parametrize("text", ["# 标题", "- 列表项", "| 指标 |"])
def test_markdown_markers_keep_their_space(text):
    assert tidy_spacing(text) == text


@pytest.mark.parametrize("line,furniture", [
    ("— 12 —", True), ("- 3 -", True), ("第 3 页 共 10 页", True), ("第3页/共10页", True),
    ("3", False), ("（三）", False), ("2021年3月9日", False), ("— 新增就业3万人 —", False),
])
def test_page_furniture(line, furniture):
    assert is_page_furniture(line) is furniture


def test_pdf_text_is_joined_into_sentences():
    """The PDF-extracted 办法: page numbers gone, lines broken at the page width joined, so a
    sentence that ran over a page break is one line again."""
    text, _ = clean_text(JINAN.read_text(encoding="utf-8"))
    lines = text.split("\n")
    assert not any(is_page_furniture(line) for line in lines)
    assert ("第二条本办法所指的三个创新中心服务资源包括X86资源类、EI产品服务类、鲲鹏产品服务类、"
            "软件开发产品类和能力培训类。") in text
    assert "（二）开具证明。服务资源使用单位到所在区县工业和信息化主管部门开具营业收入和荣誉资格审核意见函（高校、科研机构除外）。" in lines
    assert "第一章总则" in lines and "第二章支持对象和条件" in lines  # short lines stay lines
    assert "运营公司3个工作日内完成对合格单位的服务券发放" in text


@pytest.mark.parametrize("path", sorted(p for p in RAW.glob("*.txt") if p != JINAN))
def test_paragraph_texts_keep_their_lines(path):
    """Web and word-processor texts (one paragraph a line) are not taken for broken PDF lines:
    every long cleaned line is one raw line (a table row's cells with ' | ' between them; a table
    header that wrapped, or a row written one cell a line: a few raw lines)."""
    raw = path.read_text(encoding="utf-8")
    text, _ = clean_text(raw)
    squeezed = ["".join(normalise_chars(line).split()).replace("**", "") for line in raw.split("\n")]
    raw_lines = set(squeezed)
    for line in text.split("\n"):
        if len(line) > 30:
            whole, cells = "".join(line.split()), "".join(line.replace("|", "").split())
            header = " | " in line and any(  # (a row whose cells were a line each, led by '|')
                cells in "".join(squeezed[i:i + 8]).replace("|", "") for i in range(len(squeezed)))
            assert header or any(whole in r or cells in r for r in raw_lines), line


# --------------------------------------------------------------------------- headings


def test_number_alone_on_its_line_is_one_heading():
    doc = run("一、重点任务\n（一）\n加强组织领导\n成立工作专班。\n（二）\n强化督促检查\n每季度通报一次。\n")
    assert [(s.level, s.number, s.title) for s in doc.sections] == [
        (1, "一", "重点任务"), (2, "一", "加强组织领导"), (2, "二", "强化督促检查")]


def test_chapter_and_article_numbers_drop_di_zhang_tiao():
    doc = run("第三章 申请和使用流程\n第 1 0 条 服务券由服务资源使用单位直接申请。\n")
    assert [(s.level, s.number, s.title) for s in doc.sections] == [
        (1, "三", "申请和使用流程"), (2, "10", "服务券由服务资源使用单位直接申请")]


def test_heading_lines_that_are_tasks_are_commitments():
    doc = run("一、加强组织领导\n（1）资助困难学生450余名。\n（2）组织不少于1000名大学生参与政务见习\n"
              "二、完善政策\n（一）健全国家职业教育制度框架。\n完善制度，推进改革。\n", year=2023)
    texts = [c.text for c in doc.commitments]
    assert "（1）资助困难学生450余名。" in texts
    assert "（2）组织不少于1000名大学生参与政务见习" in texts
    assert "一、加强组织领导" not in texts and "二、完善政策" not in texts
    assert "（一）健全国家职业教育制度框架。" not in texts  # a title above its paragraph
    assert [(t.value, t.unit) for t in doc.targets] == [(450, "名"), (1000, "名")]


def test_article_sentence_is_a_commitment():
    doc = run("第一章 总则\n第五条 本规定由济南市工业和信息化局、济南市历下区政府负责解释。\n", year=2021)
    assert [c.text for c in doc.commitments] == ["第五条本规定由济南市工业和信息化局、济南市历下区政府负责解释。"]


def test_item_with_notes_only_is_a_task():
    """An indicator item: its sentence, a score and a note with deadline and owner."""
    doc = run("一、数据共享（3分）\n（一）推进基础数据库建设（2分）\n"
              "1.完成经济运行领域云图等模块建设。（1分）（10月底完成，牵头考核单位：市工信局）\n"
              "2.新增5G基站1000座。（持续推进，牵头考核单位：市工信局）\n")
    by_text = {c.text: c for c in doc.commitments}
    c = by_text["1.完成经济运行领域云图等模块建设。（1分）（10月底完成，牵头考核单位：市工信局）"]
    assert c.deadline is not None and c.deadline.date == "2022-10-31"
    assert [o.name for o in c.owners if o.source == "explicit"] == ["市工信局"]
    assert "一、数据共享（3分）" not in by_text and "（一）推进基础数据库建设（2分）" not in by_text


# --------------------------------------------------------------------------- attachments


@pytest.fixture(scope="module")
def baotou():
    return run(BAOTOU.read_text(encoding="utf-8"))


def test_attachment_is_annotated_like_the_body(baotou):
    doc = baotou
    assert doc.attachments and doc.body_end == doc.attachments[0][0]
    start = doc.attachments[-1][0]
    inside = [s for s in doc.sections if s.start >= start]
    # the attachment's own numbering, starting again at level 1
    assert (inside[0].level, inside[0].number, inside[0].title) == (1, "一", '政务服务"一网通办"（25分）')
    assert {s.level for s in inside} == {1, 2, 3}
    assert sum(s.kind == "arabic" for s in inside) == 90
    # the body's sections end where the attachment starts
    assert all(s.end <= doc.body_end for s in doc.sections if s.start < doc.body_end)
    flagged = [s for s in doc.sentences if s.in_attachment]
    assert flagged and all(s.start >= doc.body_end for s in flagged)
    assert not any(s.in_attachment for s in doc.sentences if s.start < doc.body_end)
    raws = {t.raw for t in doc.targets if t.status == "target"}
    assert {"不少于100场", "90%以上", "不低于90%"} <= raws


def test_attachment_title_line_is_not_a_commitment(baotou):
    assert "包头市数字政府建设考评指标" not in {c.text for c in baotou.commitments}


def test_glossary_after_a_work_report_is_left_out():
    text, _ = clean_text(MIANYANG.read_text(encoding="utf-8"))
    body_end, attachments, glossaries = appendix_spans(text)
    assert attachments == [] and glossaries and text[body_end:].startswith("名词解释")
    assert all(s.start < body_end for s in find_sections(text))
    doc = run(MIANYANG.read_text(encoding="utf-8"), year=2023)
    assert doc.sentences and all(s.end <= doc.body_end for s in doc.sentences)


def test_attachments_and_glossary_of_a_report():
    text = ("一、2024年工作安排\n新增城镇就业5万人以上。\n"
            "附件1\n2024年十件民生实事\n1.新建保障性住房3000套。\n2.改造老旧小区200个。\n"
            "附件2：\n名词解释\n1.三品一标：无公害农产品、绿色食品、有机农产品和农产品地理标志。\n")
    doc = run(text, year=2024)
    assert [(s.level, s.number) for s in doc.sections] == [(1, "一"), (1, "1"), (1, "2")]
    assert [(t.value, t.unit, t.status) for t in doc.targets] == [
        (50000, "人", "target"), (3000, "套", "target"), (200, "个", "target")]
    assert [s.in_attachment for s in doc.sentences if "套" in s.text] == [True]
    assert not any("三品一标" in s.text for s in doc.sentences)


# --------------------------------------------------------------------------- evaluate


def _write_gold(tmp_path: Path, gold: dict) -> Path:
    d = tmp_path / "gold"
    d.mkdir()
    (d / f"{gold['doc_id']}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return d


def _write_pred(tmp_path: Path, sections: list[dict], text: str) -> Path:
    d = tmp_path / "pred"
    d.mkdir()
    doc = "d"
    pd.DataFrame([{"doc_id": doc, "title": "t", "issuer": None, "region": None, "year": 2021}]).to_parquet(
        d / "documents.parquet")
    pd.DataFrame([{"doc_id": doc, "section_id": f"s{i}", "parent_id": None, "start": 0, "end": 1, **s}
                  for i, s in enumerate(sections)]).to_parquet(d / "sections.parquet")
    pd.DataFrame([{"doc_id": doc, "commitment_id": "c1", "section_id": "s0", "text": text,
                   "start": 0, "end": len(text), "deadline_date": None, "owner_source": "issuer"}]
                 ).to_parquet(d / "commitments.parquet")
    pd.DataFrame([{"doc_id": doc, "target_id": "t1", "commitment_id": "c1", "raw": "300套",
                   "value": 300.0, "value_max": None, "unit": "套", "comparator": "=",
                   "entity": "保障性住房", "action": "新建", "text": text, "start": 0, "end": len(text),
                   "status": "target"}]).to_parquet(d / "targets.parquet")
    return d


def test_evaluate_quotes_and_section_numbers_ignore_raw_spacing(tmp_path):
    gold = {"doc_id": "d", "title": "t", "issuer": None, "region": None, "year": 2021,
            "targets": [{"quote": "新建 300 套保障性住房", "raw": "300 套", "value": 300, "value_max": None,
                         "unit": "套", "comparator": "=", "entity": "保障性住房", "action": "新建",
                         "status": "target"}],
            "deadlines": [], "owners": [],
            "sections": [{"level": 2, "number": "1 0", "title": "总 则"}]}
    pred = _write_pred(tmp_path, [{"level": 2, "number": "10", "title": "总则"}], "第10条新建300套保障性住房。")
    o = evaluate(_write_gold(tmp_path, gold), pred)["overall"]
    assert o["targets_lenient"]["f1"] == 1.0
    assert o["sections"]["f1"] == 1.0


def test_evaluate_requires_the_section_level(tmp_path):
    gold = {"doc_id": "d", "title": "t", "issuer": None, "region": None, "year": 2021,
            "targets": [], "deadlines": [], "owners": [],
            "sections": [{"level": 1, "number": "一", "title": "总则"}]}
    pred = _write_pred(tmp_path, [{"level": 2, "number": "一", "title": "总则"}], "新建300套保障性住房。")
    s = evaluate(_write_gold(tmp_path, gold), pred)["overall"]["sections"]
    assert (s["tp"], s["fp"], s["fn"]) == (0, 1, 1)


def test_a_part_heading_on_its_own_line_opens_where_it_stands():
    """An excerpt or a lost line: '（二）…' with no '（一）' before it is still a heading when it
    stands alone on its line; in running text a list that starts at （二） is not."""
    from pipeline.stages.structure import find_sections
    text = ("二、2017年目标任务\n\n（二）狠抓实体经济，打好产业做强升级攻坚战\n\n加快建设智能工厂。\n\n"
            "（三）狠抓项目建设，打好基础设施攻坚战\n\n实施重点项目850项。\n")
    assert [(s.level, s.number) for s in find_sections(text)] == [(1, "二"), (2, "二"), (2, "三")]
    text = "二、目标任务\n（二）是加快建设智能工厂，推进技术改造。实施重点项目850项。\n"
    assert [(s.level, s.number) for s in find_sections(text)] == [(1, "二")]


def test_a_bare_row_number_heads_a_part_when_numbered_items_follow_its_title():
    from pipeline.stages.structure import find_sections
    text = ("序号\n目标名称\n牵头单位\n1\n全区经济社会发展的主要预期目标\n(1)地区生产总值增长6%左右。\n发改局\n"
            "(2)一般公共预算收入增长3%以上。\n财政局\n2\n聚焦产业强区不动摇\n聚力攻坚\n(3)新增入库重大项目7个以上。\n")
    assert [(s.level, s.number, s.title) for s in find_sections(text)] == [
        (1, "1", "全区经济社会发展的主要预期目标"), (2, "1", "地区生产总值增长6%左右"),
        (2, "2", "一般公共预算收入增长3%以上"), (1, "2", "聚焦产业强区不动摇"), (2, "3", "新增入库重大项目7个以上")]
    # in a table with a 序号 column every counted row is a numbered item, titled by its first cell
    # (the annotators of data/raw's 大竹县 and 吉水县 tables and of three blind ones read it so)
    rows = "序号\n任务\n责任单位\n1\n完成农村公路改造。\n县交通局\n2\n建成美丽乡村。\n县农业农村局\n"
    assert [(s.level, s.number, s.title) for s in find_sections(rows)] == [(1, "1", "完成农村公路改造"),
                                                                          (1, "2", "建成美丽乡村")]
    # rows of indicators (a name, no sentence) are no items (../shared/gold's 嵊泗 table)
    indicators = "序号\n指标\n单位\n目标值\n1\n粮食播种面积\n万亩\n0.07\n2\n油菜面积\n万亩\n0.1\n"
    assert find_sections(indicators) == []
    # a bare number outside such a table, with no numbered items under its title, is no heading
    assert find_sections("指标\n1\n完成农村公路改造\n县交通局\n2\n建成美丽乡村\n") == []
    # a table written a row a line: '1 | 任务。 | 单位 |'
    pipe = "序号 | 任务 | 责任单位 |\n1 | 完成农村公路改造，新建公路10公里。 | 县交通局 |\n2 | 建成美丽乡村。 | 县农业农村局 |\n"
    assert [(s.number, s.title) for s in find_sections(pipe)] == [("1", "完成农村公路改造，新建公路10公里"),
                                                                 ("2", "建成美丽乡村")]


# ---- a page flattened to one line (web copies: data/raw's 河南省 notice; the synthetic flattening
# of every development plan measured in the sixth round's note)

FLAT_PAGE = ("索引号: | 000014349/2023-91150 | 信息分类: | | 文号: | 六盘水府办发〔2022〕10号 | "
             "各市、特区、区人民政府,市人民政府各部门: 经市人民政府同意,现将《六盘水市新型基础设施建设三年行动方案》"
             "印发给你们,请认真抓好贯彻落实。 (此件公开发布) 为加快构建高层次高水平新型基础设施体系,结合实际,制定本行动方案。"
             " 一、主要目标 2022年,全市新建5G基站2600个以上,新建市级及以上创新平台15个以上。 二、重点任务"
             " (一)推进大数据基础设施建设。 深入开展新型数字基础设施建设攻坚行动,推广升级千兆光纤网络。"
             " 1.加强算力基础设施建设。依托全国一体化算力网络国家枢纽节点,建设数据中心集群。"
             " 三、2024年保障措施 加强组织领导。\n")


def test_a_page_flattened_to_one_line_gets_its_headings_back():
    doc = run(FLAT_PAGE)
    got = [(s.level, s.number, s.title) for s in doc.sections]
    assert got == [(1, "一", "主要目标"), (1, "二", "重点任务"), (2, "一", "推进大数据基础设施建设"),
                   (3, "1", "加强算力基础设施建设"), (1, "三", "2024年保障措施")]
    assert [t.raw for t in doc.targets] == ["2600个以上", "15个以上"]


def test_a_table_row_on_one_line_stays_one_row_and_pdf_spaced_headings_stay_whole():
    row = "1 | 推动义务教育优质均衡发展,增加义务教育学位5000个。 | 毛晓青 | 县教体局 各相关乡镇政府 | 已完成。 |"
    assert clean_text(row + "\n")[0].count("\n") == 1
    assert clean_text("一、2021 年工作回顾\n")[0].strip() == "一、2021年工作回顾"
