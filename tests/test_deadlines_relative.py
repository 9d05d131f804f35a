"""Deadlines counted from the plan year (docs/GOLD.md "Conventions for hard cases" → Deadlines):
periods of years however they are framed (`3年内`, `用三年时间`, `经过三年左右的努力`,
`通过5年的努力`) end with year plan-year + N − 1, and the plan year heading a task's sentence
(`2024年，抓好…，完成…`) is read like `今年`, with the same completion-verb condition. Through
the whole pipeline (`process_text`), so a review part, the status and the clause split count too."""
from __future__ import annotations

import pytest

from pipeline.language import process_text


def deadlines(text: str, year: int) -> list[tuple]:
    doc = process_text(text, year=year, extractors=["status", "commitments", "targets", "deadlines"])
    return [(d.raw, d.date, d.kind) for c in doc.commitments for d in c.deadlines]


@pytest.mark.parametrize("text,year,want", [
    # one mechanism for every framing of a period of N years, Arabic or Chinese numerals
    ("经过三年左右的努力，全面完成城镇老旧小区改造任务。", 2021, [("三年左右的努力", "2023-12-31", "within_years")]),
    ("经过5年的努力，全省常住人口城镇化率提升至66%左右。", 2024, [("5年的努力", "2028-12-31", "within_years")]),
    ("通过3年左右努力，基本消除城市建成区黑臭水体。", 2022, [("3年左右努力", "2024-12-31", "within_years")]),
    ("通过两年的不懈努力，实现乡镇污水处理设施全覆盖。", 2023, [("两年的不懈努力", "2024-12-31", "within_years")]),
    ("力争用3年左右时间，培育10家产值超百亿元的龙头企业。", 2021, [("3年左右时间", "2023-12-31", "within_years")]),
    ("用五年时间，建成100个美丽乡村示范村。", 2018, [("五年时间", "2022-12-31", "within_years")]),
    ("3年内建成10个现代农业产业园。", 2021, [("3年内", "2023-12-31", "within_years")]),
    # the plan year heading a task's sentence: a limit once a clause opens with a completion verb
    ("2024年，抓好重大项目120个左右，完成投资800亿元以上。", 2024, [("2024年", "2024-12-31", "this_year")]),
    ("今年，抓好重大项目120个左右，完成投资800亿元以上。", 2024, [("今年", "2024-12-31", "this_year")]),
    ("2023年，确保完成农村危房改造5000户。", 2023, [("2023年，", "2023-12-31", "by")]),
])
def test_periods_from_the_plan_year(text, year, want):
    assert deadlines(text, year) == want


@pytest.mark.parametrize("text,year", [
    # a target paragraph names the year, it sets no completion limit (neither form)
    ("2024年，全市地区生产总值增长6%左右，城镇新增就业5万人以上。", 2024),
    ("今年，全市地区生产总值增长6%左右，城镇新增就业5万人以上。", 2024),
    ("2024年，全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，完成省下达的节能减排目标。", 2024),
    # the year as a subject ('是…') or with no completion verb in any clause
    ("2024年，是实施“十四五”规划的关键一年，做好今年工作意义重大。", 2024),
    ("2024年，我们要坚持稳中求进，推动高质量发展。", 2024),
    # another year than the plan year heading a clause is no plan-year limit
    ("2023年，抓好重大项目100个，完成投资700亿元。", 2024),
    # a period of years that is no limit: a range, a past span, a restriction
    ("经过5—10年左右时间，职业教育基本完成由政府举办为主向社会多元办学的格局转变。", 2019),
    ("获得奖励的企业，3年内不得重复申报同类项目。", 2021),
    ("经过70年的艰苦奋斗，中华民族迎来了伟大飞跃。", 2019),
    ("经过五年的艰苦奋斗，湖北发展基础更加坚实，发展动力更加充足。", 2018),
])
def test_not_limits(text, year):
    assert deadlines(text, year) == []


def test_a_review_part_counts_nothing_from_the_plan_year():
    """'经过五年努力' and '2019年，…完成…' in a work report's review look back; the same words in its
    plan part are limits."""
    text = ("一、过去五年工作回顾\n"
            "经过五年努力，全省经济社会发展迈上新台阶，全面完成脱贫攻坚任务。\n"
            "二、2019年工作安排\n"
            "经过三年努力，全面完成城镇老旧小区改造任务。\n"
            "2019年，抓好省重点项目200个，完成投资1500亿元以上。\n")
    assert deadlines(text, 2019) == [("三年努力", "2021-12-31", "within_years"),
                                     ("2019年", "2019-12-31", "this_year")]
