"""Notes with sentences of their own, named levels sharing one head, and the issuer a work
report's title names (issue 10, fifth round: mechanisms seen failing on documents annotated blind)."""
from __future__ import annotations

from pipeline.config import Settings
from pipeline.extractors.owners import split_units
from pipeline.language import process_text

RULES = Settings(chain="rules")


def owners_of(doc, start: str) -> list[tuple[str, str]]:
    c = next(c for c in doc.commitments if c.text.startswith(start))
    return [(o.name, o.role) for o in c.owners if o.source != "issuer"]


PLAN = ("湖南省行动方案\n一、重点任务\n"
        "1.健全常住地提供基本公共服务制度。修订《湖南省户口登记管理办法》。(责任单位:省公安厅、省发展改革委,"
        "各市州、县市区人民政府按职责分工负责,下同。以下各项任务均需各市州、县市区人民政府落实,不再单独列出)\n"
        "2.促进农业转移人口在城镇稳定就业。实施先进制造业促进就业行动。(责任单位:省委统战部、省人力资源社会保障厅)\n")


def test_a_note_with_a_full_stop_inside_stays_one_note_of_its_task():
    doc = process_text(PLAN, extractors=RULES, year=2024)
    task = next(c for c in doc.commitments if c.text.startswith("修订"))
    assert task.text.endswith("不再单独列出)")  # not cut at '下同。'
    assert owners_of(doc, "修订") == [("省公安厅", "responsible"), ("省发展改革委", "responsible"),
                                    ("各市州、县市区人民政府", "responsible")]


def test_a_standing_owner_reaches_the_later_items_besides_their_own_units():
    doc = process_text(PLAN, extractors=RULES, year=2024)
    assert owners_of(doc, "实施先进制造业") == [("省委统战部", "responsible"),
                                          ("省人力资源社会保障厅", "responsible"),
                                          ("各市州、县市区人民政府", "responsible")]


def test_levels_sharing_a_government_head_are_one_owner():
    assert [u[0] for u in split_units("各市州、县市区人民政府")] == ["各市州、县市区人民政府"]
    assert [u[0] for u in split_units("省公安厅、各市、县人民政府")] == ["省公安厅", "各市、县人民政府"]
    # without a selecting 各 the first name is read on its own, as before
    assert [u[0] for u in split_units("市州、县市区人民政府")] == ["市州", "县市区人民政府"]


def test_the_title_of_a_work_report_names_its_government():
    doc = process_text("桂林市政府工作报告 （2017年1月6日 周家斌）\n\n一、2016年工作回顾\n\n"
                       "全市生产总值增长7%。\n\n二、2017年目标任务\n\n全市生产总值增长7%左右。\n",
                       extractors=RULES)
    assert doc.issuer == "桂林市人民政府"
    doc = process_text("十堰市人民政府工作报告\n\n一、目标任务\n\n生产总值增长7%左右。\n", extractors=RULES)
    assert doc.issuer == "十堰市人民政府"


def test_a_district_is_known_by_the_branch_of_a_city_bureau_named_after_it():
    text = ("2023年区《政府工作报告》确定的重点工作任务责任分解方案\n一、主要预期目标\n"
            "1.全区地区生产总值增长6.5%。(牵头单位:区发改局、市生态环境局咸安分局)\n")
    doc = process_text(text, extractors=RULES, year=2023)
    assert doc.region.endswith("咸安区")
    # a branch named after no single district names no region
    doc = process_text(text.replace("咸安分局", "城南分局"), extractors=RULES, year=2023)
    assert doc.region is None


def test_a_speaker_naming_its_level_only_is_completed_to_the_formal_name():
    doc = process_text("七台河市政府工作报告（2021年1月14日 李兵）\n\n现在，我代表市政府，向大会报告政府工作。\n\n"
                       "一、2021年主要目标\n\n地区生产总值增长6%左右。\n", extractors=RULES)
    assert doc.issuer == "七台河市人民政府"


def test_a_report_delivered_in_december_plans_the_next_year():
    text = ("中卫市政府工作报告（2022年12月16日 马洪海）\n\n——2022年12月16日在中卫市第五届人民代表大会第二次会议上\n\n"
            "一、2022年工作回顾\n\n地区生产总值增长4%。\n\n二、2023年主要目标和重点任务\n\n地区生产总值增长6.5%左右。\n")
    assert process_text(text, extractors=RULES).year == 2023
    # delivered in January, it is that year's report
    assert process_text(text.replace("12月16日", "1月16日").replace("2023年", "2022年"), extractors=RULES).year == 2022


def test_parks_named_in_an_owner_note_are_owners():
    from pipeline.extractors.owners import note_owners
    got = note_owners("修编规划。(牵头单位:县政府园区发展服务中心;责任单位:新材料产业园、高端装备产业园、商贸物流园等)")
    assert [(o.name, o.role) for o in got] == [("县政府园区发展服务中心", "lead"), ("新材料产业园", "responsible"),
                                             ("高端装备产业园", "responsible"), ("商贸物流园", "responsible")]
