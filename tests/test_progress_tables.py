"""Progress reports on task tables (推进情况, 进展情况, 落实进展情况 columns): the year's task is the
target, what the progress cell reports is a result; a table copied with spaces whose unit cells
wrap over lines; a group column before 序号; a unit cell that names its head (负责人); owner
notes with 主办/协办 and 数据提供单位. Each test reads a real development document."""
from pathlib import Path

from pipeline.config import Settings
from pipeline.language import pipeline_for, process_text
from pipeline.stages.clean import clean_text
from pipeline.stages.grid import column, find_grids

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
RULES = Settings(chain="rules")


def _doc(stem: str):
    return pipeline_for(RULES)(RAW / f"{stem}.txt")


def _by_raw(doc, raw: str):
    return [t for t in doc.targets if t.raw == raw]


def test_progress_column_names_are_read_as_progress():
    for name in ("上半年推进情况", "一季度进展情况", "落实进展情况", "上半年进展", "完成情况"):
        assert column(name).kind == "progress", name
    assert column("完成时限").kind == "deadline"
    assert column("工作任务").kind == "task"


def test_space_table_with_wrapped_unit_cells_reads_every_row():
    """铜梁: '2 第一产业增加值增长5%。 区农业农村委' then three more units a line, then the progress cell."""
    stem = "2025_tongliangqu_zhengfugongzuobaogao_tuijinqingkuang_excerpt"
    text, _ = clean_text((RAW / f"{stem}.txt").read_text(encoding="utf-8"))
    grid = find_grids(text)[0]
    assert [c.kind for c in grid.columns] == ["number", "task", "owner", "progress"]
    row2 = next(r for r in grid.rows if r.number == "2")
    assert [c.text for c, _ in grid.cells_of(row2, "owner")] == ["区农业农村委", "区林业局", "区供销联社", "区畜牧业发展中心"]
    doc = _doc(stem)
    c2 = next(c for c in doc.commitments if "第一产业增加值增长5%" in c.text)
    assert {o.name for o in c2.owners} == {"区农业农村委", "区林业局", "区供销联社", "区畜牧业发展中心"}
    assert [t.status for t in _by_raw(doc, "5%")] == ["target"]
    assert [t.status for t in _by_raw(doc, "3.4%")] == ["achievement"]  # 同比增长3.4% in the progress cell
    assert len(doc.sections) >= 12  # the rows under 一、 and (一) are items


def test_progress_cell_results_and_task_cell_targets_of_one_row():
    """青岛: the year's task '全年实现…增长10.5%左右' is a target although it says 全年实现; the
    上半年进展 cell's 7.7% is a result."""
    doc = _doc("2017_qingdao_zhengfugongzuobaogao_guapaiduban_excerpt")
    assert {t.status for t in _by_raw(doc, "10.5%左右")} == {"target"}
    assert [t.status for t in _by_raw(doc, "1044亿美元")] == ["target"]
    assert [t.status for t in _by_raw(doc, "7.7%")] == ["achievement"]
    assert [t.status for t in _by_raw(doc, "9.3%")] == ["achievement"]


def test_group_column_before_the_row_number_and_a_unit_with_its_head():
    """肇庆: '大类 | 序号 | 工作任务 | 分管市领导 | 牵头单位及主要负责人 | 落实进展情况'; the 大类 cell
    '一、继续提高底线民生保障水平' is a part over rows 1-4; '市民政局 伍泽国' is the unit and its head."""
    doc = _doc("2020_zhaoqing_minshengshishi_luoshijinzhan_excerpt")
    levels = [(s.level, s.number) for s in doc.sections]
    assert levels[:5] == [(1, "一"), (2, "1"), (2, "2"), (2, "3"), (2, "4")]
    rows = [c for c in doc.commitments if c.text[:2] in ("一、", "2 ", "3 ", "4 ")]
    assert rows and all([(o.name, o.role) for o in c.owners] == [("市民政局", "lead")] for c in rows)
    raised = [t for t in doc.targets if t.raw == "2200元" and t.status == "target"]
    assert raised and raised[0].entity == "全市集中供养孤儿养育标准"  # not '每人每月'
    assert all("|" not in (t.entity or "") for t in doc.targets)


def test_benefit_standard_raised_per_head_is_a_target_a_per_case_grant_is_not():
    raised = process_text("城乡居民基础养老金最低标准提高到每人每月200元。", year=2024, extractors=RULES)
    assert [(t.raw, t.entity) for t in raised.targets] == [("200元", "城乡居民基础养老金最低标准")]
    grant = process_text("对新招用的人员，每人给予1000元奖励。", year=2024, extractors=RULES)
    assert grant.targets == []


def test_owner_notes_with_zhuban_xieban_and_data_providers():
    gulou = _doc("2021_gulouqu_zhuyaogongzuo_mubiaorenwu_excerpt")
    first = next(c for c in gulou.commitments if "从0到1" in c.text)
    assert [(o.name, o.role) for o in first.owners] == [("区科技局", "lead"), ("高新区管委会", "lead")]
    last = next(c for c in gulou.commitments if "科技金融服务体系" in c.text)
    assert [(o.name, o.role) for o in last.owners] == [("区金融监管局", "lead"), ("区科技局", "support")]
    chengdu = _doc("2022_chengdu_zhengfugongzuobaogao_zerenfenjie_excerpt")
    gdp = next(c for c in chengdu.commitments if "地区生产总值增长7%左右" in c.text)
    assert [(o.name, o.role) for o in gdp.owners] == [("市发改委", "lead"), ("市统计局", "support")]


def test_owner_cell_groups_between_commas_all_read():
    """临安: '发改局、住建局、…、科投集团,锦城街道、…、天目山镇' and '…、民政局、妇联、各镇(街道)'."""
    doc = _doc("2022_linanqu_minshengshishi_shishijihua_excerpt")
    first = next(c for c in doc.commitments if "幼儿园7所" in c.text)
    names = [o.name for o in first.owners]
    assert names[0] == "教育局" and {"科投集团", "锦城街道", "天目山镇"} <= set(names)
    second = next(c for c in doc.commitments if "成长驿站7家" in c.text)
    assert {"妇联", "各镇(街道)"} <= {o.name for o in second.owners}
