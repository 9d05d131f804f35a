"""Which quantities are targets, across genres (GOLD.md "Not targets" and "Conventions for hard
cases"): incentive rules, indicator tables, counts that deliver nothing, ratios and indexes.

The rules are asserted through the rule chain (the learned corrector of the default chain is
retrained on top of them)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extractors import CHAINS
from pipeline.language import process_text

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def targets(text: str, year: int = 2023, status: str = "target") -> list[tuple]:
    doc = process_text(text, year=year, extractors=CHAINS["rules"])
    return [(t.raw, t.value, t.unit, t.comparator) for t in doc.targets if t.status == status]


@pytest.mark.parametrize("text", [
    # a condition ending in 的 before the reward; its thresholds say who qualifies
    "对一个行政村发展标准化民宿达20家以上、床位100张以上，总投入在1000万元以上且被认定的，给予投资方奖励100万元。",
    "对一个行政村建设标准化民宿5家以上的每间奖励2000元。",
    "对新发展100—500亩（含500亩）的观赏花卉基地，连续种植3年以上的，一次性奖励100元/亩。",
    "县内外旅行社在旅游节庆活动期间对组团达1000人次以上的，给予5元/人/夜的奖励。",
    # a beneficiary phrase 对…的 holding the threshold, the reward in the same clause
    "对年组织游客来景区人数达到1万人次以上的旅行社、户外团队进行奖励。",
    # a bare bound right before a reward clause
    "项目资金投入500万元—5000万元，奖励投资额度的5%—20%；投资5000万元以上，实行“一事一议”。",
    "单次会议人数规模在300人以上、且营业额达到80万元以上的特大型会议、赛事，一次性给予15万元奖励。",
    # per-case amounts: every item of a list governed by one reward verb
    "对新建高级雪道、中级雪道、初级雪道分别奖励100万元、50万元、5万元。",
    "每满一万人奖励一万元。",
    # shares of a base and brackets of a rule
    "三星级按60%奖励返还，四星级按80%奖励返还。",
    "对引进的大型会议，分别按其营业额的15%、10%对引进企业进行奖励。",
    "对上一年度营业收入10亿元到50亿元之间的企业，补贴上限为每年150万元；",
    "X86资源类占比超过50%的解决方案按照不高于30%补贴额度使用服务券；",
    # scoring rules of an indicator table
    "网上可办率达到90%得满分，每降低1个百分点扣1分。",
    # cross-references and stages of the rules
    "符合条件的，按第3、4条执行。",
    "分3批组织实施。",
])
def test_incentive_rules_are_not_targets(text):
    assert targets(text) == []


@pytest.mark.parametrize("text,expected", [
    # the issuer's own fund inside an incentive policy is a target
    ("县财政每年安排旅游引导资金1000万元，并视财力状况逐年增加。", [("1000万元", 10_000_000, "元", "=")]),
    ("设立奖励资金1000万元，支持企业技术改造。", [("1000万元", 10_000_000, "元", "=")]),
    # a goal before a rule keeps its target; the rule's own amount goes
    ("力争新增高新技术企业100家，对新认定的给予30万元奖励。", [("100家", 100, "家", "=")]),
    # counts of beneficiaries are deliverables
    ("资助困难学生450余名。", [("450余名", 450, "名", ">")]),
    # totals paid out in a report are amounts, not per-case rates
    ("为2.04万户企业返还失业保险费33.42亿元。",
     [("2.04万户", 20_400, "户", "="), ("33.42亿元", 3_342_000_000, "元", "=")]),
    ("精选20个左右产业领军团队，给予每个团队每年最高5000万元支持。", [("20个左右", 20, "个", "~")]),
    # a share of a base without a reward stays a target
    ("赤字率拟按3%安排。", [("3%", 3, "%", "=")]),
    ("全省50%以上的文化馆具备数字服务能力。", [("50%以上", 50, "%", ">=")]),
    # the comparator written before the base of a share
    ("X86资源类占比不超过服务资源总量的30%。", [("30%", 30, "%", "<=")]),
    ("原则上至少建设一所中等职业学校。", [("一所", 1, "所", ">=")]),
    # a comparator written once after a list of values of one unit after 分别
    ("力争投资分别达到180亿元、220亿元以上。",
     [("180亿元", 18_000_000_000, "元", ">="), ("220亿元以上", 22_000_000_000, "元", ">=")]),
    ("新增就业5万人、培训3万人以上。", [("5万人", 50_000, "人", "="), ("3万人以上", 30_000, "人", ">=")]),
])
def test_what_stays_a_target(text, expected):
    assert targets(text) == [(r, float(v), u, c) for r, v, u, c in expected]


@pytest.mark.parametrize("text", [
    "严格团员发展等6方面规范举措。",                      # what a text contains
    "今年要重点抓好以下10个方面工作。",
    "深入落实安全生产15条硬措施。",                      # an existing policy package
    "针对首年关税为零的2034种、5年内关税减让显著的2725种出口商品，加大市场开拓力度。",  # a set defined elsewhere
    "推进100万千瓦光伏项目建设。",                        # capacities naming a project
    "加快实施兰州石化年产120万吨乙烯改造。",
    "组织高校毕业生参加3—6个月的见习。",                  # a duration describing an activity
    "实施十万青年技能培训计划。",                          # a magnitude in a programme's name
    "坚决打好防范化解重大风险、精准脱贫、污染防治三大攻坚战。",  # a fixed phrase
    "打造一支高素质人才队伍。",                            # one team, one batch: no amount
    "集中力量突破一批关键核心技术。",
    "在现有新生入学、教师招聘等62项便民服务的基础上，继续扩大范围。",  # the stock a task starts from
    "三次产业比重调整为4.1∶40.1∶55.8。",                 # a structure, not one quantity
    # a plan counting its own contents (data/raw's 沁县 notice; the province reports' 《纲要》)
    "《2025年县<政府工作报告>任务分解》明确133项具体任务,涉及34个牵头单位;",
    "《纲要》贯彻落实自治区党委《建议》明确的主要目标，细化提出25项主要指标。",
    "本方案共梳理12项重点任务。",
    "紧盯“十三五”规划确定的24项经济社会发展指标，加强监测预判。",
    # a bound on households or people sorting settlements (the province reports' 自然村)
    "启动实施深度贫困地区30户以上自然村道路及主巷道硬化工程。",
    "支持三县建设50万以上人口规模中等城市。",
    # ordinals, not numbers: side-by-side digits and a session's number
    "抓好隆基一二期项目生产，加快推动一二三产业融合发展。",
    "全面贯彻省委十一届十次全会精神。",
])
def test_counts_that_deliver_nothing(text):
    assert targets(text) == []


@pytest.mark.parametrize("text,expected", [
    # what a plan states is its target, though the plan is the sentence's subject
    ("《纲要》提出，“十四五”时期地区生产总值年均增长6.5%以上。", [("6.5%以上", 6.5, "%", ">=")]),
    ("《方案》明确，到2025年新建5G基站1万个。", [("1万个", 10_000, "个", "=")]),
    # a level measured in years; units of tobacco and poultry; a unit's alternative in brackets
    ("人均预期寿命达75岁以上，平均受教育年限达8.5年。", [("75岁以上", 75, "岁", ">="), ("8.5年", 8.5, "年", "=")]),
    ("完成烟叶生产收购65.91万担，家禽出栏1340万羽。", [("65.91万担", 659100, "担", "="), ("1340万羽", 13_400_000, "羽", "=")]),
    ("完成存量棚改5000户（套）。", [("5000户（套）", 5000, "户", "=")]),
    # households as the count of enterprises delivered, and the level a change goes to (not from)
    ("支持1000户以上企业开展技术改造。", [("1000户以上", 1000, "户", ">=")]),
    ("城镇职工大病保险年度限额由13万元提高至60万元。", [("60万元", 600_000, "元", "=")]),
    ("新增光伏装机100万千瓦。", [("100万千瓦", 1_000_000, "千瓦", "=")]),
    ("新增城市生活污水日处理能力30万吨。", [("30万吨", 300_000, "吨", "=")]),
    ("建设两个产业园。", [("两个", 2, "个", "=")]),
    ("涵盖话务、业务和可视化3大平台、19类功能模块。", [("3大", 3, None, "="), ("19类", 19, "类", "=")]),
    ("建设城市基本体征、重大事件、常态风险等三大类实时感知。", [("三大类", 3, "类", "=")]),
    # ratio and index conventions
    ("力争经济总量翻一番。", [("一番", 1, "番", "=")]),
    ("研发投入强度提高到0.8:1。", [("0.8:1", 0.8, None, "=")]),
    ("城乡居民收入比缩小至2.36∶1。", [("2.36∶1", 2.36, None, "=")]),
    ("居民消费价格指数控制在103以内。", [("控制在103以内", 103, None, "<=")]),
    # bandwidth as a level to reach, not a technology's name
    ("达到万兆到旗县区、千兆到苏木乡镇、20兆进牧户的带宽要求。",
     [("万兆", 10_000, "兆", "="), ("千兆", 1000, "兆", "="), ("20兆", 20, "兆", "=")]),
    ("推进IPV6互联网出口扩容至5G。", [("5G", 5, "G", "=")]),
    ("新增5G基站1000座，建设千兆光网。", [("1000座", 1000, "座", "=")]),
    ("出省带宽超过1.2万Gbps。", [("超过1.2万Gbps", 12_000, "Gbps", ">")]),
])
def test_deliverables_ratios_and_units(text, expected):
    assert targets(text) == [(r, float(v), u, c) for r, v, u, c in expected]


def test_incentive_policy_document_keeps_only_the_fund():
    """A county's tourism incentive policy: dozens of thresholds and rewards, one fund."""
    text = (RAW / "2019_liuhexian_lvyou_jiangliyijian.txt").read_text("utf-8")
    assert targets(text, year=2019) == [("1000万元", 10_000_000.0, "元", "=")]


def test_work_report_targets_survive():
    """The mechanisms must not take real targets of a work report."""
    text = ("今年主要预期目标是：地区生产总值增长6%左右，城镇新增就业5.5万人以上，居民消费价格涨幅3%左右。"
            "发放创业担保贷款10亿元，新建改建公办幼儿园289所，资助家庭困难学生150万余人。"
            "全省性会议和省级发文压减三分之一，一般性支出压减55亿元。")
    assert [t[0] for t in targets(text)] == ["6%左右", "5.5万人以上", "3%左右", "10亿元", "289所",
                                              "150万余人", "三分之一", "55亿元"]


def test_a_rate_keeps_its_time_unit_as_written():
    from pipeline.stages.numbers import find_quantities
    q = find_quantities("新增污水处理能力30万吨/日")[0]
    assert (q.raw, q.unit, q.unit_kind, q.value) == ("30万吨/日", "吨/日", "mass", 300000.0)
    q = find_quantities("补助标准提高到1000元/头")[0]  # a price per head is no rate: its unit stays 元
    assert (q.raw, q.unit) == ("1000元/头", "元")
    q = find_quantities("污水处理能力2600吨/日以上")[0]  # a comparator after the rate is the quantity's
    assert (q.raw, q.unit, q.comparator) == ("2600吨/日以上", "吨/日", ">=")
