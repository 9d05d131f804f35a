"""Quarter entries of a schedule (第一季度：…；第二季度：…), validity periods of a policy (实施至…,
X至Y实施) that are no deadlines, a day of a year that is not the year's end, a unit's other kind
in brackets (各县（市、区）政府（管委会）) that is part of its name — on
sentences and on real development documents."""
from pathlib import Path

from pipeline.config import Settings
from pipeline.language import pipeline_for, process_text

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
RULES = Settings(chain="rules")


def _doc(stem: str):
    return pipeline_for(RULES)(RAW / f"{stem}.txt")


def _dates(text: str, year: int = 2023) -> list[tuple[str, str]]:
    doc = process_text(text, year=year, extractors=RULES)
    return [(d.raw, d.date) for c in doc.commitments for d in c.deadlines]


def _owners(text: str) -> list[str]:
    doc = process_text(text, year=2020, extractors=RULES)
    return sorted({o.name for c in doc.commitments for o in c.owners if o.source == "explicit"})


def test_quarter_entries_of_a_schedule_are_their_quarters_ends():
    got = _dates("1.完成结对帮扶。第一季度：举行结对仪式；第二季度：组织教师建立师徒关系；"
                 "第三季度：开展同步课堂示范课。")
    assert [d for _r, d in got] == ["2023-03-31", "2023-06-30", "2023-09-30"]
    assert _dates("上半年：完成选址。") == [("上半年", "2023-06-30")]


def test_quarter_entries_on_a_real_progress_table():
    doc = _doc("2023_cangnan_shengminshengshishi_excerpt")
    dates = sorted({d.date for c in doc.commitments for d in c.deadlines})
    assert {"2023-03-31", "2023-06-30", "2023-09-30"} <= set(dates)


def test_validity_periods_of_a_policy_are_no_deadlines():
    assert _dates("原阶段性下调工伤保险费率政策实施至2023年4月30日，2023年5月1日起按照规定执行。") == []
    assert _dates("失业保险稳岗返还政策实施期限至2023年12月31日。") == []
    doc = _doc("2021_dongguan_wendingkuodajiuye_shishiyijian_excerpt")
    assert [d.raw for c in doc.commitments for d in c.deadlines] == []


def test_a_day_of_a_year_is_not_the_years_end():
    assert all(d != "2024-12-31" for _r, d in _dates("政策执行期为2023年1月1日至2024年4月30日。"))
    assert _dates("到2024年底前完成改造。") == [("到2024年底前", "2024-12-31")]


def test_a_units_other_kind_in_brackets_is_part_of_its_name():
    text = ("一、重点工作\n1.坚持必要的人员管控和健康监测措施。\n"
            "责任单位：市卫生健康委等，各县（市、区）政府（管委会）\n")
    assert _owners(text) == ["各县（市、区）政府（管委会）", "市卫生健康委"]
    assert _owners("一、重点工作\n1.推进示范区道路建设（区管委会）。\n") == ["区管委会"]


def test_a_units_other_kind_on_a_real_task_division():
    doc = _doc("2020_xuchang_zhongdiangongzuo_fenjie_excerpt")
    names = {o.name for c in doc.commitments for o in c.owners if o.source == "explicit"}
    assert "管委会" not in names
    assert {"各县(市、区)政府(管委会)", "市疫情防控指挥部办公室", "市卫生健康委"} <= names
