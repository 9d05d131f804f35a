"""Deadlines of every genre (docs/GOLD.md "Deadlines" and "Conventions for hard cases"): several
per commitment, recurring limits, the most specific of overlapping matches, month limits in a
task's note, 今年/年内, N年内, holidays, plan periods, limits relative to the issue date, and what
is not a deadline (validity periods, baselines, frequencies). Plus the `deadlines` table and how
`evaluate` scores it."""
from __future__ import annotations

from datetime import date

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.tools.evaluate import evaluate
from pipeline.extractors.deadlines import find_deadlines, issue_date

from conftest import RAW, extract_texts


def found(text: str, year: int, issued: dt.date | None = None, heading: bool = False) -> list[tuple]:
    return [(d.raw, d.date, d.kind) for d in find_deadlines(text, year, issued, heading)]


@pytest.mark.parametrize("text,year,want", [
    # several deadlines in one commitment: each is an item
    ("6月底前完成摸底调查，年底前完成全部改造任务。", 2023,
     [("6月底前", "2023-06-30", "by"), ("年底前", "2023-12-31", "by")]),
    ("上半年完成招标，三季度开工建设，年底前建成投用。", 2023,
     [("上半年", "2023-06-30", "by"), ("三季度", "2023-09-30", "by"), ("年底前", "2023-12-31", "by")]),
    # the most specific of overlapping matches wins; a bare 底前 is not read inside 6月底前
    ("在2023年6月底前完成摸底。", 2022, [("2023年6月底前", "2023-06-30", "by")]),
    ("2024年底前全面建成。", 2023, [("2024年底前", "2024-12-31", "by")]),
    ("6月中旬前报送方案。", 2023, [("6月中旬前", "2023-06-20", "by")]),
    # PDF text keeps spaces inside dates
    ("2021 年 6 月底前完成平台部署。", 2021, [("2021 年 6 月底前", "2021-06-30", "by")]),
    # month limits in a task's note, without 前
    ("加快适老化改造。（5月底取得明显成效并持续推进，牵头考核单位：市审批服务局）", 2022,
     [("5月底", "2022-05-31", "by")]),
    ("推进大厅智能化设备应用。（6月底完成，牵头考核单位：市审批服务局）", 2022, [("6月底", "2022-06-30", "by")]),
    ("（12月取得明显成效并持续推进，牵头考核单位：市文旅局）", 2022, [("12月", "2022-12-31", "by")]),
    ("（6月份取得明显成效，牵头考核单位：市工信局）", 2022, [("6月份", "2022-06-30", "by")]),
    ("10月底完善平台各项功能。", 2022, [("10月底", "2022-10-31", "by")]),
    # recurring: the first occurrence, from the stated start year (else the plan year)
    ("自2020年起，每年6月底前完成年度评估。", 2019, [("6月底前", "2020-06-30", "recurring")]),
    ("每年年底前报送工作总结。", 2023, [("年底前", "2023-12-31", "recurring")]),
    # 力争 + year, 今年/年内 with a completion verb
    ("力争2025年数字经济核心产业增加值占比达到10%。", 2021, [("力争2025年", "2025-12-31", "by")]),
    ("今年完成100个老旧小区改造。", 2023, [("今年", "2023-12-31", "this_year")]),
    ("年内培育50家左右智能制造示范企业。", 2019, [("年内", "2019-12-31", "this_year")]),
    # N年内 / 用N年时间 counted from the plan year (or the stated start year)
    ("3年内建成10个现代农业产业园。", 2021, [("3年内", "2023-12-31", "within_years")]),
    ("用三年时间，基本完成城镇老旧小区改造。", 2021, [("三年时间", "2023-12-31", "within_years")]),
    ("2012年起5年内，大力实施六大人才行动计划。", 2012, [("2012年起5年内", "2016-12-31", "within_years")]),
    # holidays: the day before (元旦 is the next one, a lunar holiday that year's)
    ("“五一”前完成景区提升改造。", 2023, [("“五一”前", "2023-04-30", "holiday")]),
    ("国庆节前全线通车。", 2023, [("国庆节前", "2023-09-30", "holiday")]),
    ("元旦前完成供暖设施检修。", 2023, [("元旦前", "2023-12-31", "holiday")]),
    ("春节前将工资足额发放到位。", 2023, [("春节前", "2023-01-21", "holiday")]),
    # a plan period in a task
    ("到“十四五”末，全市森林覆盖率达到60%。", 2021, [("到“十四五”末", "2025-12-31", "plan_period")]),
    ("“十四五”期间完成1000公里农村公路改造。", 2021, [("“十四五”期间", "2025-12-31", "plan_period")]),
    ("到2025年，农机装备品类基本齐全。", 2018, [("到2025年", "2025-12-31", "by")]),
])
def test_deadline_forms(text, year, want):
    assert found(text, year) == want


@pytest.mark.parametrize("text,year", [
    ("本办法有效期至2025年12月31日。", 2023),                        # validity period
    ("本意见自2019年1月1日起执行，暂定三年。", 2019),
    ("本办法自印发之日起施行，有效期5年。", 2021),
    ("到2025年经济总量在2020年基础上翻一番。", 2021),                # only the 到2025年 is one
    ("年度考评分值=（上半年考评分值+下半年考评分值）÷2", 2022),       # 上半年 as a modifier
    ("针对首年关税为零的2034种、5年内关税减让显著的2725种出口商品，加大市场开拓力度；", 2022),
    ("具有独立法人资格，且近 2 年内无违法失信记录。", 2021),
    ("获得奖励的企业，3年内不得重复申报同类项目。", 2021),
    ("以毕业一年内未找到工作的大学生为重点。", 2023),
    ("今年是全面贯彻党的二十大精神的开局之年。", 2023),
    ("加快实施“十四五”规划重大工程项目。", 2024),
    ("截至2022年底，全市已建成5G基站1万个。", 2023),                 # a past date
    ("每季度召开一次调度会，每月通报进展。", 2023),                   # frequencies
    ("山东省人民政府办公厅2019年3月15日印发", 2019),                   # the imprint
    ("确保按期完成改革任务。", 2023),
])
def test_not_deadlines(text, year):
    got = found(text, year)
    if text.startswith("到2025年"):
        assert got == [("到2025年", "2025-12-31", "by")]
    else:
        assert got == []


def test_plan_period_in_a_heading_is_no_deadline():
    text = "“十四五”期间累计完成农村公路改造1000公里"
    assert found(text, 2021, heading=True) == []
    assert found(text, 2021) == [("“十四五”期间", "2025-12-31", "plan_period")]


def test_relative_to_the_issue_date():
    text = "各县区要自本通知印发之日起30日内完成自查。"
    assert found(text, 2023, dt.date(2023, 3, 1)) == [("自本通知印发之日起30日内", "2023-03-31", "relative")]
    assert found(text, 2023, None) == [("自本通知印发之日起30日内", None, "relative")]
    assert found("自本办法印发之日起3个月内完成清理。", 2023, dt.date(2023, 1, 31)) == [
        ("自本办法印发之日起3个月内", "2023-04-30", "relative")]
    # working days skip weekends: Friday 2023-03-03 + 5 working days → Friday 2023-03-10
    assert found("印发后5个工作日内报送名单。", 2023, dt.date(2023, 3, 3))[0][1] == "2023-03-10"


@pytest.mark.parametrize("text,date", [
    ("发文机关：\n国务院\n成文日期：\n2018年12月21日\n标　　题：\n国务院关于…的指导意见\n正文。", "2018-12-21"),
    ("正文。\n国务院\n2019年1月24日\n（此件公开发布）", "2019-01-24"),
    ("正文。\n抄送：省委各部门。\n山东省人民政府办公厅2019年3月15日印发", "2019-03-15"),
    ("通知\n济南市工业和信息化局 \n2021 年 3 月 9 日 \n正文。", "2021-03-09"),
    ("没有日期的正文。\n第二段。", None),
])
def test_issue_date(text, date):
    got = issue_date(text)
    assert (got.isoformat() if got else None) == date


def test_real_attachment_notes_of_baotou():
    """Every task note of the real baotou attachment that starts with a month limit gives it."""
    text = (RAW / "2022_baotou_shuzizhengfu_kaopingbanfa.txt").read_text(encoding="utf-8")
    import re

    notes = re.findall(r"（(\d{1,2})月(?:底|份)?(?:完成|取得)[^（）]*牵头考核单位[^（）]*）", text)
    assert len(notes) >= 50
    for note in re.finditer(r"（(\d{1,2})月(?:底|份)?(?:完成|取得)[^（）]*牵头考核单位[^（）]*）", text):
        got = find_deadlines(note.group(0), 2022)
        month = int(note.group(1))
        assert len(got) == 1 and got[0].date.startswith(f"2022-{month:02d}-"), note.group(0)


@pytest.fixture(scope="module")
def plan_out(tmp_path_factory) -> Path:
    text = ("---\ntitle: 某市2023年数字政府建设工作要点\n---\n\n"
            "一、政务服务\n"
            "1.推进一网通办。6月底前完成平台升级，年底前实现高频事项全覆盖（市政务服务局牵头）。\n"
            "2.完善热线。自2020年起，每年6月底前完成热线服务评估。\n"
            "3.加强保障。各区县要自本通知印发之日起30日内制定实施方案。\n"
            "某市人民政府办公室\n2023年3月1日\n")
    return extract_texts(tmp_path_factory, {"2023_plan.md": text})


def test_deadlines_table_end_to_end(plan_out):
    dl = pd.read_parquet(plan_out / "deadlines.parquet")
    assert list(dl.columns) == ["doc_id", "deadline_id", "commitment_id", "raw", "date", "start", "end",
                                "kind", "section_id"]
    rows = [(r.raw, r.date, r.kind) for r in dl.itertuples()]  # dates typed (Parquet date32)
    assert rows == [("6月底前", date(2023, 6, 30), "by"), ("年底前", date(2023, 12, 31), "by"),
                    ("6月底前", date(2020, 6, 30), "recurring"),
                    ("自本通知印发之日起30日内", date(2023, 3, 31), "relative")]
    text = (plan_out / "texts" / "2023_plan.txt").read_text(encoding="utf-8")
    assert all(text[r.start:r.end] == r.raw for r in dl.itertuples())
    c = pd.read_parquet(plan_out / "commitments.parquet").set_index("commitment_id")
    first = c.loc[dl.commitment_id.iloc[0]]
    assert (first.deadline_raw, first.deadline_date) == ("6月底前", date(2023, 6, 30))  # the first one
    assert (dl.section_id.values == c.loc[dl.commitment_id, "section_id"].values).all()
    assert (plan_out / "deadlines.csv").exists()
    import duckdb

    con = duckdb.connect(str(plan_out / "commitments.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM deadlines").fetchall()[0][0] == 4
    con.close()


def _gold_dir(tmp_path: Path, deadlines: list[dict]) -> Path:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "2023_plan.json").write_text(json.dumps({
        "doc_id": "2023_plan", "title": "某市2023年数字政府建设工作要点", "issuer": None, "region": None,
        "year": 2023, "targets": [], "owners": [], "sections": [], "deadlines": deadlines},
        ensure_ascii=False), encoding="utf-8")
    return gold


def test_evaluate_scores_every_deadline_of_the_table(plan_out, tmp_path):
    gold = _gold_dir(tmp_path, [
        {"quote": "6月底前完成平台升级", "raw": "6月底前", "date": "2023-06-30"},
        {"quote": "年底前实现高频事项全覆盖", "raw": "年底前", "date": "2023-12-31"},
        {"quote": "每年6月底前完成热线服务评估", "raw": "6月底前", "date": "2020-06-30"},
        {"quote": "自本通知印发之日起30日内", "raw": "自本通知印发之日起30日内", "date": "2023-03-31"}])
    d = evaluate(gold, plan_out)["documents"]["2023_plan"]["deadlines"]
    assert (d["tp"], d["fp"], d["fn"]) == (4, 0, 0)
    # an old output without the table: only the first deadline of each commitment counts
    old = tmp_path / "old"
    old.mkdir()
    for name in ("documents", "sections", "commitments", "targets", "owners"):
        (old / f"{name}.parquet").write_bytes((plan_out / f"{name}.parquet").read_bytes())
    d = evaluate(gold, old)["documents"]["2023_plan"]["deadlines"]
    assert (d["tp"], d["fp"], d["fn"]) == (3, 0, 1)


def test_yu_of_guanyu_is_no_limit_word():
    """'关于2023年重点工作部署' names a year, sets no limit; '于2023年底前完成' does."""
    from pipeline.config import Settings
    from pipeline.language import Pipeline

    nlp = Pipeline(Settings(chain="rules"))
    found = lambda text: [(d.raw, d.date) for c in nlp(text, year=2023).commitments for d in c.deadlines]
    assert found("一、总体要求\n认真贯彻国家、省、市关于2023年重点工作部署，制定分工方案如下。") == []
    assert found("一、任务\n于2023年底前完成老旧小区改造。") == [("于2023年底前", "2023-12-31")]


def test_every_date_of_a_list_closed_by_one_before():
    found = find_deadlines("并于2023年3月25日、6月25日、9月25日前向省政府报告各项重点工作的进展情况", 2023)
    assert [d.date for d in found] == ["2023-03-25", "2023-06-25", "2023-09-25"]
    assert find_deadlines("3月25日召开全省推进会议", 2023) == []  # a day alone is an event, no limit


def test_the_plan_year_of_a_plan_with_a_completion_verb():
    assert [d.date for d in find_deadlines("任务目标：2024年计划改造完成莲塘镇莲水巷等住宅小区", 2024)] == ["2024-12-31"]
    assert find_deadlines("2024年计划投资100亿元", 2024) == []  # no completion verb: an amount of the year


def test_quarterly_limits_and_the_next_years():
    # data/raw's 大竹县 and 蔡甸区 notices: reported every quarter, first in the plan year's first
    assert [d.date for d in find_deadlines("请各责任单位于每季度末月20日前将完成情况书面报县政府督查室", 2016)] == ["2016-03-20"]
    assert [d.date for d in find_deadlines("各责任单位要在每季度最后一个月的30日前报送进展情况", 2023)] == ["2023-03-30"]
    assert [d.date for d in find_deadlines("未来5年全市投入不少于50亿元", 2022)] == ["2026-12-31"]
    # the next years as the frame of a plan or a speech are no limit
    assert find_deadlines("未来五年，是全面建设社会主义现代化开局起步的关键时期", 2022) == []
    assert find_deadlines("未来五年经济社会发展的主要目标任务是：", 2022) == []
    assert [d.date for d in find_deadlines("力争今年一举创成国家森林城市", 2021)] == ["2021-12-31"]
