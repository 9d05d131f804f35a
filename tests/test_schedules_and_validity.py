"""Quarter entries of a schedule (第一季度：…；第二季度：…), validity periods of a policy (实施至…,
X至Y实施) that are no deadlines, a day of a year that is not the year's end, a unit's other kind
in brackets (各县（市、区）政府（管委会）) that is part of its name — on
sentences and on real development documents."""
from conftest import rules_dates, rules_doc as _doc
from pipeline.config import Settings
from pipeline.language import process_text

RULES = Settings(chain="rules")


def _dates(text: str, year: int = 2023) -> list[tuple[str, str]]:
    return rules_dates(text, year)


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


def test_a_space_table_whose_header_wrapped_is_read_as_a_grid():
    """'序号 项目名称 责任单位 目标任务  1-7月' / '实际完成情况' / '任务完成率 备注', then rows with
    spaces between cells and some empty last cells: each row a section, its owner from the column,
    its completion cells achievements."""
    doc = _doc("2019_yueyanglouqu_minshengshishi_wanchengqingkuang_excerpt")
    rows = [s for s in doc.sections if s.level == 1]
    assert [s.number for s in rows][:13] == [str(i) for i in range(1, 14)]
    assert rows[0].title == "新增城镇就业"
    first = next(c for c in doc.commitments if c.section_id == rows[0].section_id)
    assert [o.name for o in first.owners if o.source == "explicit"] == ["区人社局"]
    got = {(t.raw, t.status) for c in doc.commitments for t in c.targets}
    assert ("8950人", "target") in got and ("6453人", "achievement") in got


def test_a_heading_that_is_a_limit_is_the_limit_of_its_tasks():
    """'三、时间节点' / '（一）2023年4月底前' / tasks: each task under it is due then; '实施部门：' is a
    label; a markdown title over the document is its title, not a part."""
    doc = _doc("2023_shanghai_andian_shiyonglv_shishifangan")
    assert doc.issuer == "上海市交通委员会、上海海事局"
    assert [(s.level, s.number, s.title) for s in doc.sections[:2]] == [(1, "一", "发展目标"), (1, "二", "主要任务")]
    sec = next(s for s in doc.sections if s.title == "2023年4月底前")
    due = {d.date for c in doc.commitments if c.section_id == sec.section_id for d in c.deadlines}
    assert due == {"2023-04-30"}
    names = {(o.name, o.role) for c in doc.commitments for o in c.owners if o.source == "explicit"}
    assert ("市港航中心", "responsible") in names and ("市交通委科技信息处", "lead") in names
    assert not any(c.text.startswith("#") for c in doc.commitments)  # (the title is no commitment)


def test_a_text_file_of_page_markup_is_read_as_a_page():
    """A .txt that holds a page's markup ('<p>…</p>', '&nbsp;'): its paragraphs, no tags; the per-case
    shares of a reward list ('参照其…的70%、80%和90%给予'), a split between parties ('按50%比例进行
    分配') and a procedure's stages ('3个阶段') are no targets; the funds the county sets up are."""
    doc = _doc("2023_liuhexian_zhongdianchanye_shishiyijian")
    assert "<p" not in doc.text and "&nbsp;" not in doc.text
    assert any("markup" in w for w in doc.warnings)
    assert len([s for s in doc.sections if s.kind == "article"]) == 26
    raws = sorted(t.raw for c in doc.commitments for t in c.targets if t.status == "target")
    assert "不低于1亿元" in raws and "不低于1000万元" in raws
    assert not {"70%", "80%", "90%", "50%", "3个"} & set(raws)


def test_a_web_table_of_pipe_led_cells_is_read_under_its_header_of_names():
    """'工作要点' / '| 工作任务' / '| 牵头单位' / '| 参与单位', then each row's first cell and its other
    cells led by '|' (no row numbers; rows missing their merged first cell): every row's owners
    from its columns, no row a section."""
    doc = _doc("nd_zhuzhou_zhengfugongzuo_renwufenjie_excerpt")
    assert [(s.number, s.title) for s in doc.sections] == [("一", "不断提高新型工业化水平")]
    by_task = {c.text[:6]: {(o.name, o.role) for o in c.owners if o.source == "explicit"} for c in doc.commitments}
    assert by_task["优化产业布局"] >= {("市发改委", "lead"), ("市招商局", "support")}
    assert by_task["毫不动摇地巩"] >= {("市企业发展促进局", "lead"), ("市工商联", "support")}


def test_figures_take_their_unit_from_a_unit_column():
    """'序号 考核指标 单 位 工作目标 已完成数 …' (a name spaced out in its header cell), then
    '1 城镇新增就业 万人 5.2 7.23 139.1% 人力资源社会保障局': 5.2 万人 the target, 7.23 万人 done;
    '责任' + '单位' is still one owner column elsewhere."""
    from pipeline.stages.grid import _header

    doc = _doc("2019_yueyang_zhongdianminshengshishi_luoshi_excerpt")
    got = {(t.raw, t.value, t.unit, t.status) for c in doc.commitments for t in c.targets}
    assert ("5.2", 52000.0, "人", "target") in got and ("7.23", 72300.0, "人", "achievement") in got
    assert _header(["项目名称", "责任", "单位"]) == ["项目名称", "责任单位"]
    assert _header(["考核指标", "单位", "工作目标"]) == ["考核指标", "单位", "工作目标"]


def test_a_space_table_row_with_spaces_inside_its_text_keeps_its_owner_cells():
    """'1 加强水资源保 护 严守… 市水利局 市发展改革委、…等 各县(市、区)党委和人民政府,…' (a PDF-like row:
    more cells than the header): the number first, the
    cells under 牵头单位/参与单位/责任单位 from the right, the text in one cell."""
    doc = _doc("2018_pingdingshan_hezhangzhi_renwufenjie_excerpt")
    owners = {(c.text.split("|")[0].strip(), o.name, o.role) for c in doc.commitments for o in c.owners
              if o.source == "explicit"}
    assert ("1", "市水利局", "lead") in owners and ("2", "市发展改革委", "support") in owners
