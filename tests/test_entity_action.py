"""Entity and action read from the clause's grammar (pipeline/extractors/entity.py), on sentences
of the provincial work reports (data/provinces) and the development documents (data/raw)."""
import pytest

from pipeline.extractors.entity import entity_and_action
from pipeline.extractors.targets import candidates, is_target_quantity, quoted_spans
from pipeline.extractors import CHAINS
from pipeline.language import process_text
from pipeline.records import Sentence
from pipeline.stages.tokens import tag


def read(text: str) -> list[tuple[str, str, str]]:
    """(raw, entity, action) of every target quantity of a sentence, left to right, each
    reading the previous one as the targets extractor does."""
    words, tags = tag(text)
    sent = Sentence(0, len(text), text, words=words, tags=tags)
    out, prev = [], None
    for q in candidates(sent):
        if not is_target_quantity(q, text, quoted_spans(text)):
            continue
        entity, action = entity_and_action(sent, q, (None, None), prev)
        prev = (entity, action, q.end)
        out.append((q.raw, entity, action))
    return out


@pytest.mark.parametrize("text, expected", [
    # number first: the noun phrase after the quantity, modifiers and size classes kept
    ("建设300个惠民回收服务点。", [("300个", "惠民回收服务点", "建设")]),
    ("培育3个省级以上产业集群。", [("3个", "省级以上产业集群", "培育")]),
    ("确保新建400万亩高标准农田。", [("400万亩", "高标准农田", "新建")]),
    # number last: the noun phrase before it, the governing verb
    ("力争新增现代服务业项目600个以上。", [("600个以上", "现代服务业项目", "新增")]),
    # a nominal predicate has no verb; the scope word of 城镇新增就业 stays with the measure
    ("城镇新增就业45万人以上，城镇调查失业率5.5%左右。",
     [("45万人以上", "城镇就业", "新增"), ("5.5%左右", "城镇调查失业率", None)]),
    # a list of subjects over a list of quantities, the head written once is shared
    ("城镇和农村居民人均可支配收入分别增长7.5%和8%，居民消费价格涨幅控制在3%左右。",
     [("7.5%", "城镇居民人均可支配收入", "增长"), ("8%", "农村居民人均可支配收入", "增长"),
      ("控制在3%左右", "居民消费价格涨幅", "控制在")]),
    ("到2024年，全省与其他RCEP国家货物贸易、对外投资和实际利用外资分别占比达30%、20%和10%。",
     [("30%", "RCEP国家货物贸易", "占比达"), ("20%", "对外投资", "占比达"), ("10%", "实际利用外资", "占比达")]),
    # a clause without a subject of its own continues the previous one
    ("全省一般公共预算收入1200亿元，比上年增加100亿元。",
     [("1200亿元", "全省一般公共预算收入", None), ("100亿元", "全省一般公共预算收入", "增加")]),
    ("新增国家级专精特新“小巨人”企业12家、总数达到35家。",
     [("12家", "国家级专精特新“小巨人”企业", "新增"), ("35家", "国家级专精特新“小巨人”企业", "达到")]),
    # a list of objects keeps the verb of its first member, each its own noun
    ("新增贷款500亿元、存款600亿元。", [("500亿元", "贷款", "新增"), ("600亿元", "存款", "新增")]),
    ("选拔100名正职后备人才、200名副职后备人才，培养100名优秀企业家。",
     [("100名", "正职后备人才", "选拔"), ("200名", "副职后备人才", "选拔"), ("100名", "优秀企业家", "培养")]),
    # the verb after a number-first subject: '3家企业入选'
    ("惠科光电等3家企业入选。", [("3家", "企业", "入选")]),
])
def test_entity_and_action(text, expected):
    assert read(text) == expected


def test_measure_takes_its_modifying_verbs():
    # data/raw 2023_mianyang: '进出口总额' and '综合保税区交易额' are measures; 超过 commits
    got = read("力争跨境电商综合试验区交易额超过20亿元，综合保税区交易额超过50亿元。")
    assert [(e, a) for _, e, a in got] == [("跨境电商综合试验区交易额", "超过"), ("综合保税区交易额", "超过")]


def test_relative_clause_before_the_head():
    # data/raw 2012_guangzhou: the head after the relative clause ending in 的
    got = read("5年内重点培训15万名紧跟科技发展前沿、创新能力强的中高级紧缺专业技术人才。")
    assert got == [("15万名", "中高级紧缺专业技术人才", "培训")]


def test_no_stray_quotes_or_function_words_at_the_edges():
    for text in ("力争新增省新赛道“赛手企业”7家以上。", "各市县各新建标准厂房100万平方米。"):
        for _, entity, _ in read(text):
            assert entity and entity[0] not in "”、，的各" and entity[-1] not in "“、，的各"


@pytest.mark.parametrize("text, expected", [
    # a listed verb inside an object whose own verb stands further left modifies the head
    # (province reports: 吉林 2024, 甘肃 2023 style)
    ("推动能耗双控向碳排放双控全面转型，实施200个节能降碳改造项目。",
     [("200个", "节能降碳改造项目", "实施")]),
    ("实施“三化”改造重点项目300个以上。", [("300个以上", "“三化”改造重点项目", "实施")]),
    # 'N V 数' after a verb of its own: the activity is what is counted
    ("开展职业技能培训40万人次。", [("40万人次", "职业技能培训", "开展")]),
    ("力争获得国省支持6项以上。", [("6项以上", "国省支持", "获得")]),
    # ... also for later members of a list of that verb's objects
    ("完成造林100万亩、草原生态修复治理105万亩、沙化土地治理400万亩。",
     [("100万亩", "造林", "完成"), ("105万亩", "草原生态修复治理", "完成"), ("400万亩", "沙化土地治理", "完成")]),
    # a share of a total names one measure; per-unit prefixes belong to the measure
    ("年内研发经费支出占生产总值比重提高到1.43%左右。",
     [("1.43%左右", "研发经费支出占生产总值比重", "提高到")]),
    ("实行标准地供应，园区亩均产值增长9%以上。", [("9%以上", "园区亩均产值", "增长")]),
    # number first, a bracket and a one-character noun jieba tags zg
    ("新建4000个村（社区）综合性文化服务中心。", [("4000个", "村（社区）综合性文化服务中心", "新建")]),
    # the second number of a number-first list counts its own noun, verbs modifying it included
    ("完成1714个城镇老旧小区、23.15万户改造任务。",
     [("1714个", "城镇老旧小区", "完成"), ("23.15万户", "改造任务", "完成")]),
    # a verb predicating of the counted subject is not part of it
    ("再推进5万家企业上云。", [("5万家", "企业", "上云")]),
    ("组织1000名大学生参与政务见习。", [("1000名", "大学生", "组织")]),
])
def test_verbs_inside_noun_compounds(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("text,raw,entity,action", [
    # one verb written with its variants in a bracket (the province reports' 新（改）建)
    ("新（续）建中小学校47所，进一步解决入学难问题。", "47所", "中小学校", "新（续）建"),
    ("新（改、扩）建农村公路300公里。", "300公里", "农村公路", "新（改、扩）建"),
    # verbs that deliver an amount by drawing it in
    ("开展系列促消费活动，拉动消费75亿元。", "75亿元", "消费", "拉动"),
    ("撬动社会资本投入50亿元。", "50亿元", "社会资本投入", "撬动"),
    # a second measure right after the first one's object keeps its verb
    ("改造桃东小区、新富小区等4个片区112栋住宅楼。", "112栋", "住宅楼", "改造"),
])
def test_round6_entity_and_action(text, raw, entity, action):
    got = {t.raw: (t.entity, t.action) for t in process_text(text, year=2024, extractors=CHAINS["rules"]).targets}
    assert got[raw] == (entity, action)


def test_a_measure_after_a_modifier_count_takes_no_verb_of_the_list():
    got = {t.raw: t.action for t in process_text("新增医疗床位800多张，600多种药品集采价格平均降幅50%以上。",
                                                 year=2024, extractors=CHAINS["rules"]).targets}
    assert got["50%以上"] is None


def test_what_changes_is_named_before_the_level_it_starts_from():
    got = {t.raw: t.entity for t in process_text("粮食产量由500万吨提高到520万吨，城镇职工由13万元提高至60万元。",
                                                 year=2024, extractors=CHAINS["rules"]).targets}
    assert got == {"520万吨": "粮食产量", "60万元": "城镇职工"}


def test_in_a_review_both_levels_of_a_change_are_results():
    doc = process_text("2023年工作回顾\n过去一年，全市居民人均可支配收入从25056元增加到33720元。\n", year=2024,
                       extractors=CHAINS["rules"])
    assert sorted(t.raw for t in doc.targets if t.status == "achievement") == ["25056元", "33720元"]


@pytest.mark.parametrize("text,expected", [
    # a predicate after the noun commits to the count (上市, which jieba tags a place, included)
    ("力争年内5家企业上市。", [("5家", "企业", "上市")]),
    ("力争2家企业成功上市。", [("2家", "企业", "上市")]),
    ("确保15个国考断面全部稳定达到优良以上。", [("15个", "国考断面", "达到")]),  # reaching a standard
    # each member of a list with its own predicate after its noun keeps it
    ("预计9个贫困县摘帽、64个贫困村出列、40万贫困人口脱贫。",
     [("9个", "贫困县", "摘帽"), ("64个", "贫困村", "出列"), ("40万", "贫困人口", "脱贫")]),
    # members without a verb of their own go on with the list's verb
    ("新建学校5所、幼儿园10所。", [("5所", "学校", "新建"), ("10所", "幼儿园", "新建")]),
    ("选拔100名正职后备人才、200名副职后备人才。", [("100名", "正职后备人才", "选拔"), ("200名", "副职后备人才", "选拔")]),
])
def test_predicates_after_the_noun(text, expected):
    doc = process_text(text, year=2024, extractors=CHAINS["rules"])
    assert [(t.raw, t.entity, t.action) for t in doc.targets] == expected
