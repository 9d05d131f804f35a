"""Owners in a table flattened to one cell per line (a 责任分解表 copied from a page or a PDF)."""
from __future__ import annotations

from pipeline.config import Settings
from pipeline.language import process_text

TABLE = """2024年主要目标任务责任分解表
序号
目标名称
工作标准
分管领导
牵头单位
配合单位
1
全区经济社会发展的主要预期目标
(1)地区生产总值增长6%左右。
王旭锋
发改局
经开区
高新园
(邹区镇)
统计局
(2)一般公共预算收入增长3%以上。
财政局
(3)主要污染物减排、单位GDP能耗下降,完成市下达任务。
谢志诚
工信局
生态环境局
"""


def owners(doc, start):
    c = next(c for c in doc.commitments if c.text.startswith(start))
    return [(o.name, o.role) for o in c.owners if o.source != "issuer"]


def test_unit_cells_under_a_task_are_its_owners_and_people_are_not():
    doc = process_text(TABLE, extractors=Settings(chain="rules"), year=2024)
    assert owners(doc, "(1)") == [("发改局", "lead"), ("经开区", "support"), ("高新园(邹区镇)", "support"),
                                  ("统计局", "support")]
    assert owners(doc, "(2)") == [("财政局", "lead")]
    assert owners(doc, "(3)") == [("工信局", "lead"), ("生态环境局", "support")]
    assert not any(c.text.strip() in ("发改局", "王旭锋", "生态环境局") for c in doc.commitments)


def test_a_unit_alone_on_a_line_without_an_owner_column_is_no_owner():
    text = TABLE.replace("牵头单位\n", "").replace("配合单位\n", "")
    doc = process_text(text, extractors=Settings(chain="rules"), year=2024)
    assert owners(doc, "(2)") == []
