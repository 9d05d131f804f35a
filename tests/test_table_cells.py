"""Owners and deadlines in a table flattened to one cell per line (a 责任分解表 copied from a page or a PDF)."""
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


def _holding(doc, start):
    """The commitment a task opens, or the table row (stages/grid.py) that holds it."""
    return next(c for c in doc.commitments if c.text.startswith(start) or "\n" + start in c.text)


def owners(doc, start):
    return [(o.name, o.role) for o in _holding(doc, start).owners if o.source != "issuer"]


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


# ---- deadline cells: the 完成时限 column of a flattened table (the layout of data/raw's 大竹县 table)

DEADLINE_TABLE = """2016年民生实事目标任务分解表

序号

民生实事

责任单位

完成时限

1

启动建设东柳河城区段综合治理工程和东湖湿地公园。

县水务局

县住建局

12月底前

2

新建2座人行天桥。

县住建局

9月投入使用

3

开工建设县老年养护楼。

县民政局

5月底前动工

开工建设老年大学。

12月底前

4

建成县残疾人综合服务中心。

县残联

第三季度
"""


def deadlines(doc, start):
    return sorted(d.date for d in _holding(doc, start).deadlines)


def test_the_time_cell_under_a_task_is_its_deadline():
    """Each row one commitment (a grid, stages/grid.py): its time cells are its deadlines."""
    doc = process_text(DEADLINE_TABLE, extractors=Settings(chain="rules"), year=2016)
    assert deadlines(doc, "启动建设东柳河") == ["2016-12-31"]
    assert deadlines(doc, "新建2座") == ["2016-09-30"]
    # two tasks in one row: the row holds both limits
    assert deadlines(doc, "开工建设县老年养护楼") == ["2016-05-31", "2016-12-31"]
    assert deadlines(doc, "建成县残疾人") == ["2016-09-30"]  # a quarter alone in the column
    assert owners(doc, "开工建设县老年养护楼") == [("县民政局", "responsible")]


def test_no_deadline_column_no_deadline_cells():
    """A bare quarter is a limit only under a time column; a limit written out ('12月底前') is one
    wherever it stands in its row."""
    text = DEADLINE_TABLE.replace("完成时限", "备注")
    doc = process_text(text, extractors=Settings(chain="rules"), year=2016)
    assert deadlines(doc, "建成县残疾人") == []
    assert deadlines(doc, "启动建设东柳河") == ["2016-12-31"]


def test_the_dazhu_table_of_the_development_data():
    from pathlib import Path

    from pipeline.language import Pipeline

    doc = Pipeline(Settings(chain="rules"))(Path(__file__).parents[1] / "data/raw/2016_dazhuxian_minshengshishi_renwufenjie_excerpt.txt")
    assert deadlines(doc, "完成棚户区改造2836户") == ["2016-12-31"]
    assert deadlines(doc, "迁建县政务服务中心") == ["2016-12-31"]
    # every row of the table, and of the notice above it only its quarterly report (每季度末月20日前)
    dated = [c for c in doc.commitments if c.deadlines]
    assert len(dated) == 11 and [[d.date for d in c.deadlines] for c in dated if "每季度" in c.text] == [["2016-03-20"]]
    # each row a section titled by its task; the time cells are no commitments of their own
    assert [s.title for s in doc.sections][:2] == ["启动建设东柳河城区段综合治理工程和东湖湿地公园", "新建2座人行天桥"]
    assert not any(c.text.strip().endswith("月底前") and "\n" not in c.text.strip() for c in doc.commitments)
    # the owner cells after a time cell are the task's too
    assert [o for o, _r in owners(doc, "启动建设东柳河")] == ["县水务局", "县住建局", "县护城河指挥部"]


def test_bare_time_cells():
    from pipeline.extractors.table_cells import _bare_time

    assert _bare_time("3—10月", 2019) == "2019-10-31"
    assert _bare_time("上半年", 2019) == "2019-06-30"
    assert _bare_time("四季度末", 2019) == "2019-12-31"
    assert _bare_time("2020年6月", 2019) == "2020-06-30"
    assert _bare_time("长期坚持", 2019) is None
    assert _bare_time("2018年", 2019) is None


# ---- a table written a row a line with `|` (data/raw's 吉水县 list): owners and progress cells

PIPE_TABLE = """一、10件民生实事任务分解表
序号 | 具体工作任务和要求 | 责任领导 | 责任单位 | 落实情况 |
1 | 完成吉水二中迁建项目，增加义务教育学位5000个。 | 毛晓青 | 县教体局 各相关乡镇政府 | 吉水二中完成项目建设，新增义务教育学位5500个。 |
2 | 实现县域内就诊率91%以上。 | 毛晓青 | 县卫健委县住建局 | 4所卫生院改扩建项目已基本完工。 |
"""


def test_a_pipe_table_row_keeps_its_cells_and_its_owners():
    doc = process_text(PIPE_TABLE, extractors=Settings(chain="rules"), year=2021)
    assert owners(doc, "1 | 完成") == [("县教体局", "responsible"), ("各相关乡镇政府", "responsible")]
    # two names written one after the other in a cell (or joined by cleaning) are two units
    assert owners(doc, "2 | 实现") == [("县卫健委", "responsible"), ("县住建局", "responsible")]


def test_quantities_of_a_progress_column_are_results():
    doc = process_text(PIPE_TABLE, extractors=Settings(chain="rules"), year=2021)
    status = {t.raw: t.status for t in doc.targets}
    assert status["5000个"] == "target" and status["91%以上"] == "target"
    assert status["5500个"] == "achievement" and status["4所"] == "achievement"


def test_glued_unit_names_in_cells():
    from pipeline.extractors.owners import cell_unit_list

    names = lambda cell: [u[0] for u in cell_unit_list(cell, 0) or []]
    assert names("区发改局区统计局") == ["区发改局", "区统计局"]
    assert names("县委县政府") == ["县委", "县政府"]
    assert names("市发展和改革委员会") == ["市发展和改革委员会"]  # one name, though 委 ends a unit too
    assert names("市政府办公室") == ["市政府办公室"]
    assert names("中国银行股份有限公司") == ["中国银行股份有限公司"]


def test_a_division_column_of_a_flattened_table():
    table = TABLE.replace("牵头单位\n配合单位\n", "责任股室（单位）\n").replace("发改局\n经开区", "规划股\n经开区")
    doc = process_text(table, extractors=Settings(chain="rules"), year=2024)
    assert owners(doc, "(1)")[:2] == [("规划股", "responsible"), ("经开区", "responsible")]


def test_owner_cells_after_the_time_cell():
    text = ("序号\n指标\n工作任务\n完成时限\n责任领导\n责任股室(单位)\n1\n旅游综合收入6.8亿元\n"
            "全年接待游客450万人次。\n12月底前\n张三\n旅游股\n2\n文化惠民演出\n开展送戏下乡演出120场。\n10月底前\n李四\n"
            "文化宣传股\n文化馆\n")
    doc = process_text(text, extractors=Settings(chain="rules"), year=2019)
    assert owners(doc, "全年接待") == [("旅游股", "responsible")]
    assert owners(doc, "开展送戏") == [("文化宣传股", "responsible"), ("文化馆", "responsible")]
    assert deadlines(doc, "开展送戏") == ["2019-10-31"]
