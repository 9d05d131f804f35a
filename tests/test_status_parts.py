"""Parts of a report (review / outlook / plan / other) and the one status decision made from them
(issue 11): short realistic report texts, and compare reading the status, never changing it."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import extract_texts
from pipeline.analysis.compare import compare
from pipeline.stages.parts import OTHER, OUTLOOK, PLAN, REVIEW
from pipeline.language import process_text


def _status(doc) -> list[tuple[str, str, str]]:
    """(raw, status, part) of every target of a processed document, in text order."""
    part = {c.commitment_id: c.sentence.part for c in doc.commitments}
    return [(t.raw, t.status, part[c.commitment_id]) for c in doc.commitments for t in c.targets]


def test_unnumbered_bold_part_headings_make_a_review():
    # '**2023年工作回顾**' loses its '**' in cleaning: a plain short line heads the part
    text = ("各位代表：\n\n**2023年工作回顾**\n\n全市地区生产总值增长5.2%，新增城镇就业4.1万人。\n\n"
            "**2024年工作安排**\n\n地区生产总值增长6%左右，城镇新增就业4万人以上。\n")
    doc = process_text(text, year=2024)
    assert [(p.kind, p.title) for p in doc.parts] == [(REVIEW, "2023年工作回顾"), (PLAN, "2024年工作安排")]
    assert _status(doc) == [("5.2%", "achievement", REVIEW), ("4.1万人", "achievement", REVIEW),
                            ("6%左右", "target", PLAN), ("4万人以上", "target", PLAN)]


def test_five_year_outlook_between_review_and_plan_is_planned():
    text = ("一、过去五年工作回顾\n\n五年来，全省生产总值年均增长6.5%，累计新增城镇就业260万人。\n\n"
            "二、“十四五”时期主要目标任务\n\n“十四五”时期，全省生产总值年均增长6%左右，粮食产量稳定在700亿斤以上。\n\n"
            "三、2021年工作安排\n\n全省生产总值增长7%以上。\n")
    doc = process_text(text, year=2021)
    assert [p.kind for p in doc.parts] == [REVIEW, OUTLOOK, PLAN]
    assert [(raw, s) for raw, s, part in _status(doc) if part == OUTLOOK] == [
        ("6%左右", "target"), ("700亿斤以上", "target")]
    assert [s for _, s, part in _status(doc) if part == REVIEW] == ["achievement", "achievement"]


def test_review_goal_words_do_not_make_a_plan():
    # a national review opening with the past year; '年初确定的主要目标' is a goal reached
    text = ("一、2023年工作回顾\n\n2023年，在复杂严峻的国际环境下，我们坚持稳中求进，全面实现年初确定的主要目标，"
            "国内生产总值增长5.2%，城镇新增就业1244万人。\n\n二、2024年政府工作任务\n\n城镇新增就业1200万人以上。\n")
    assert [(raw, s) for raw, s, _ in _status(process_text(text, year=2024))] == [
        ("5.2%", "achievement"), ("1244万人", "achievement"), ("1200万人以上", "target")]


def test_estimate_is_an_achievement_flagged_estimated(tmp_path_factory):
    text = ("---\ntitle: 2024年某省政府工作报告\n---\n\n一、2023年工作回顾\n\n"
            "全省规模以上工业增加值增长6.1%，预计全年地区生产总值增长5%左右。\n\n"
            "二、2024年工作安排\n\n地区生产总值增长5.5%左右。\n")
    out = extract_texts(tmp_path_factory, {"某省_2024.md": text})
    t = pd.read_parquet(out / "targets.parquet").set_index("raw")
    assert t.loc["5%左右", "status"] == "achievement" and bool(t.loc["5%左右", "estimated"])
    assert t.loc["6.1%", "status"] == "achievement" and not bool(t.loc["6.1%", "estimated"])
    assert t.loc["5.5%左右", "status"] == "target" and not bool(t.loc["5.5%左右", "estimated"])
    assert list(t["part"]) == [REVIEW, REVIEW, PLAN]
    c = pd.read_parquet(out / "commitments.parquet")
    assert set(c["part"]) <= {REVIEW, PLAN, OTHER, OUTLOOK, ""}


def test_already_inside_a_conditional_noun_phrase_stays_planned():
    text = ("一、2023年工作回顾\n\n全年完成投资120亿元。\n\n二、2024年工作安排\n\n"
            "对于已经建成但未达标的120座污水处理厂，原则上于2025年6月底前完成改造。\n")
    assert [(raw, s) for raw, s, _ in _status(process_text(text, year=2024))] == [
        ("120亿元", "achievement"), ("120座", "target")]
    # and without any parts (a work plan), too
    assert process_text("对于已经建成但未达标的120座污水处理厂，原则上于2025年6月底前完成改造。", year=2024).targets[0].status == "target"


def test_a_year_without_a_growth_target_yields_no_growth_target():
    # a report that sets no number for growth: last year's growth, in its review, is a result
    text = ("一、2019年工作回顾\n\n2019年，国内生产总值增长6.1%，城镇新增就业1352万人。\n\n"
            "二、2020年工作总体部署\n\n今年没有提出全年经济增速具体目标。城镇新增就业900万人以上。\n")
    targets = process_text(text, year=2020).targets
    assert [t.raw for t in targets if t.status == "target"] == ["900万人以上"]
    assert [t.raw for t in targets if t.status == "achievement"] == ["6.1%", "1352万人"]


def test_plan_year_from_headings_when_the_file_year_is_off_by_one():
    # a 2019 report filed as 2018: '2018年工作回顾' is its review, not a plan
    text = "一、2018年工作回顾\n\n全省地区生产总值增长8%。\n\n二、2019年重点工作\n\n地区生产总值增长7.5%左右。\n"
    assert [(raw, s) for raw, s, _ in _status(process_text(text, year=2018))] == [
        ("8%", "achievement"), ("7.5%左右", "target")]


def test_slogan_titled_review_is_recognised_by_its_opening():
    text = ("一、攻坚克难，奋发作为，“十四五”实现良好开局\n\n2021年是极不平凡的一年。全省生产总值增长7.3%。\n\n"
            "二、以强大自信奋进新征程\n\n今年全省生产总值增长7%以上。\n")
    doc = process_text(text, year=2022)
    assert [p.kind for p in doc.parts] == [REVIEW, PLAN]
    assert [(raw, s) for raw, s, _ in _status(doc)] == [("7.3%", "achievement"), ("7%以上", "target")]


def test_work_plan_without_parts_keeps_the_sentence_cues():
    doc = process_text("一、重点任务\n\n组织不少于1000名大学生参与政务见习。\n去年全市新增城镇就业5.2万人。\n", year=2023)
    assert doc.parts == []
    assert [(t.raw, t.status) for t in doc.targets] == [("不少于1000名", "target"), ("5.2万人", "achievement")]


REPORTS = {
    "甲省_2024.md": ("---\ntitle: 2024年甲省政府工作报告\n---\n\n甲省人民政府\n\n一、2023年工作回顾\n\n"
                    "全省地区生产总值增长5.8%，城镇新增就业140万人，确保粮食产量稳定在700亿斤以上。\n\n"
                    "二、2024年工作安排\n\n今年经济社会发展主要预期目标是：地区生产总值增长5%以上，城镇新增就业120万人以上。\n"),
    "甲省_2025.md": ("---\ntitle: 2025年甲省政府工作报告\n---\n\n甲省人民政府\n\n**2024年工作回顾**\n\n"
                    "预计全省地区生产总值增长5.1%，城镇新增就业125万人，高于5%的预期目标。\n\n"
                    "**2025年工作安排**\n\n地区生产总值增长5%左右，城镇新增就业120万人以上。\n"),
}


def test_compare_changes_no_status(tmp_path_factory):
    out = extract_texts(tmp_path_factory, REPORTS)
    targets = pd.read_parquet(out / "targets.parquet").set_index("target_id")
    long = compare([out])["long"]
    assert len(long) > 0
    assert (long["status"] == long["status_extracted"]).all()
    assert (long.set_index("target_id")["status"] == targets.loc[long["target_id"], "status"]).all()
    # the review's results are achievements in the extract itself, so compare has nothing to fix
    review = targets[targets["part"] == REVIEW]
    assert len(review) >= 5 and set(review["status"]) == {"achievement"}


@pytest.mark.parametrize("name,kinds", [
    ("2024_guowuyuan_zhengfugongzuobaogao", [REVIEW, PLAN, PLAN]),
    ("2023_mianyang_zhengfugongzuobaogao", [REVIEW, PLAN, OTHER, OTHER]),  # bold numbered headings, 名词解释
    ("2023_tuanshiwei_gongzuoyaodian", []),  # a work plan: no parts
])
def test_parts_of_real_documents(name, kinds):
    from conftest import RAW
    from pipeline.language import process

    doc = process(RAW / f"{name}.txt", extractors=["status"])
    assert [p.kind for p in doc.parts] == kinds
    if kinds:  # every sentence of the review part is a review, every one of the plan a plan
        review = [s for s in doc.sentences if s.part == REVIEW]
        assert review and sum(s.review for s in review) / len(review) > 0.95
        assert not any(s.review for s in doc.sentences if s.part == PLAN and any(ch.isdigit() for ch in s.text)
                       and s.text.startswith(("今年", "全年")))
