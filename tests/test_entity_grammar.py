"""Entity and action as spans of the clause's grammar (issue 14): the constructions that failed on
unseen city reports and on the development gold, each on a short sentence in the style of the
work reports (pipeline/extractors/entity.py, resources/entity_grammar.json)."""
import pytest

from test_entity_action import read  # (raw, entity, action) as the targets extractor reads them


@pytest.mark.parametrize("text, expected", [
    # a verb with its goal marker before the number: 提高|至, 扩容|至, 发展|到
    ("森林覆盖率提高至65%。", [("65%", "森林覆盖率", "提高至")]),
    ("推进IPV6互联网出口扩容至5G。", [("5G", "IPV6互联网出口", "扩容至")]),
    ("省级以上龙头企业发展到59户。", [("59户", "省级以上龙头企业", "发展到")]),
    # a verb before 前/后 names a time, not the action
    ("完成信息平台上线前15项业务编码贯标。", [("15项", "业务编码", "完成")]),
    # jieba joins an adverb or a second verb to a verb ('大力开展/nt', '建成投产/j')
    ("推动职业院校在10个左右技术技能人才紧缺领域大力开展职业培训。",
     [("10个左右", "技术技能人才紧缺领域", "开展")]),
    ("力争建成投产项目20个。", [("20个", "项目", "建成投产")]),
    # an adverb between the subject and its verb
    ("设施农业、畜牧养殖和农产品初加工机械化率总体达到50%左右。",
     [("50%左右", "设施农业、畜牧养殖和农产品初加工机械化率", "达到")]),
    # X占Y…: the part is counted, the whole is the base
    ("职业院校实践性教学课时原则上占总课时一半以上。", [("一半以上", "职业院校实践性教学课时", "占")]),
    # 占比 right before the number is a share measure, the framing word commits
    ("确保财政民生支出占比65%以上。", [("65%以上", "财政民生支出占比", "确保")]),
    # the increment verb wins over a comparator
    ("城镇新增就业超过4.7万人。", [("超过4.7万人", "城镇就业", "新增")]),
    # a target word names no thing; a copula after it commits to nothing
    ("经济增长预期目标为5%左右。", [("5%左右", "经济增长", None)]),
    # a verb between the subject and a change verb names the measure with it
    ("力争全社会研发经费投入增长10%以上。", [("10%以上", "全社会研发经费投入", "增长")]),
])
def test_verbs_and_measures(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the head after 等 when the examples are a list jieba tags partly as verbs
    ("重点引进和培养500名法院、检察院、公安以及综治、维稳等高层次民主法治专门人才。",
     [("500名", "高层次民主法治专门人才", "引进和培养")]),
    # a relative clause after an adjective: the head follows the last 的
    ("建设1到2个大型的具有产学研合作功能的文化创意产业人才培养基地。",
     [("1到2个", "文化创意产业人才培养基地", "建设")]),
    # a place word inside the phrase after the number
    ("遴选扶持500家以上在穗初创型海外人才企业。", [("500家以上", "在穗初创型海外人才企业", "遴选扶持")]),
    # a framing noun (重点) and a time noun (年度) modify the head; the predicate follows
    ("全市90%的重点领域市场主体纳入智慧监管平台。", [("90%", "重点领域市场主体", "纳入")]),
    ("全市95%以上农村卫生服务中心按国家最新标准完成升级。",
     [("95%以上", "农村卫生服务中心", "完成升级")]),
    # the second number-first member counts its own noun, jieba's tags inside it notwithstanding
    ("重点扶持50个市级示范性高级研修班和50场次知识更新名家讲座。",
     [("50个", "市级示范性高级研修班", "扶持"), ("50场次", "知识更新名家讲座", "扶持")]),
    # examples before 等 with no verb before them: the phrase is the subject of the verb after
    ("春申里商业街、市档案馆等62个项目开工建设。", [("62个", "项目", "开工建设")]),
    ("引进卧龙等30户永磁电机企业入驻。", [("30户", "永磁电机企业", "引进")]),
    # the verb before a list of examples governs the head after 等
    ("新增工业设计中心、共享制造等企业平台70家以上。", [("70家以上", "企业平台", "新增")]),
    # a serial verb stays with the verb: 培植壮大
    ("培植壮大预制菜经营企业1000家以上。", [("1000家以上", "预制菜经营企业", "培植壮大")]),
    # 过亿元 is a size class of the phrase, not part of the verb
    ("力争引进落地过亿元项目300个以上。", [("300个以上", "项目", "引进落地")]),
])
def test_noun_phrase_spans(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a list of objects: a comparator of a later member does not replace the list's verb
    ("力争新引进行业知名企业超过120家、5亿元及以上项目超过150个。",
     [("超过120家", "行业知名企业", "引进"), ("超过150个", "项目", "引进")]),
    # ... but a total of its own keeps its own (regression guard)
    ("新增国家级专精特新“小巨人”企业12家、总数达到35家。",
     [("12家", "国家级专精特新“小巨人”企业", "新增"), ("35家", "国家级专精特新“小巨人”企业", "达到")]),
    # a clause of a subject and a number alone goes on with the previous verb-first clause's verb
    ("5年内选拔资助高层次医疗卫生专家不少于100名，高层次医疗卫生人才不少于500名。",
     [("不少于100名", "高层次医疗卫生专家", "选拔资助"), ("不少于500名", "高层次医疗卫生人才", "选拔资助")]),
    # ... not a measure, which is a nominal predicate of its own
    ("城镇新增就业45万人以上，城镇调查失业率5.5%左右。",
     [("45万人以上", "城镇就业", "新增"), ("5.5%左右", "城镇调查失业率", None)]),
    # ... also after a number-first object of that verb
    ("打造高端装备、绿色石化等4个万亿级先进产业群，智能光伏、智能电气等15个千亿级特色产业群。",
     [("4个", "万亿级先进产业群", "打造"), ("15个", "千亿级特色产业群", "打造")]),
    # the object of a preposition, then the verb jieba does not know and what is counted
    ("全年向民间资本推介重大项目100个以上。", [("100个以上", "重大项目", "推介")]),
    # a comparison: the phrase before 高于 is measured, the baseline after it is not
    ("实现县域生产总值增速高于全省1个百分点。", [("1个百分点", "县域生产总值增速", "高于")]),
    # a later member with a nominalised verb of its own
    ("确保“一次办”事项占比100%、承诺提速90%以上。",
     [("100%", "“一次办”事项占比", "确保"), ("90%以上", "承诺", "提速")]),
    # 增存 / 增贷 each name their own measure, never the other's
    ("全年增存300亿元、增贷200亿元。", [("300亿元", "增存", "增存"), ("200亿元", "增贷", "增贷")]),
    ("实现增贷200亿元、增存300亿元。", [("200亿元", "增贷", "增贷"), ("300亿元", "增存", "增存")]),
    # the increment of an activity: the activity is counted
    ("全年新增减税降费近110亿元。", [("近110亿元", "减税降费", "新增")]),
])
def test_lists_and_continuations(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a head written once after members alike in length is shared
    ("城镇居民和农村居民人均可支配收入分别增长6%和7%。",
     [("6%", "城镇居民人均可支配收入", "增长"), ("7%", "农村居民人均可支配收入", "增长")]),
    # members that are measures themselves share nothing
    ("工业投资、民间投资和基础设施投资分别增长6%、7%和8%。",
     [("6%", "工业投资", "增长"), ("7%", "民间投资", "增长"), ("8%", "基础设施投资", "增长")]),
])
def test_distributed_heads(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("text, entity", [
    ("惠及各类经营主体20余万户。", "各类经营主体"),          # 各类 is a word, not 各 + 类
    ("20项民生工程和10件民生实事全部完成年度任务。", "民生实事"),  # the predicate's adverb
    ("研发经费首次突破30亿元。", "研发经费"),
    ("签约现代服务业项目600个以上。", "现代服务业项目"),       # no cut inside 服务业
    ("布局300个惠民回收服务点。", "惠民回收服务点"),
    ("争创3个省级以上产业集群。", "省级以上产业集群"),
    ("特困人员救助供养标准农村分散供养年人均提高150元。", "特困人员救助供养标准农村分散供养年人均"),  # 人均 keeps 均
    ("推动14家县域医共体一体化运行。", "县域医共体一体化"),  # one-character pieces of an unknown word
    ("“一断一策”推进111个国控断面全面达标。", "国控断面"),
    ("所有地州市和近87%的县市区迈入高速公路时代。", "县市区"),  # 迈入 takes an object: no compound
    ("卫生院配备2名全科医生全覆盖。", "全科医生"),
    ("组团式帮扶60个县（市、区）。", "县（市、区）"),  # brackets stay whole
])
def test_edges(text, entity):
    got = read(text)
    assert got[-1][1] == entity


def test_slogan_verbs_commit_to_nothing():
    # the verb inside a quoted slogan is not the action
    assert read("“一断一策”推进111个国控断面全面达标。")[0][2] != "断"


@pytest.mark.parametrize("text, expected", [
    # the per-unit tail of the previous number is not the next one's subject
    ("能繁母猪由1000元/头提高至1500元/头。", [("1000元/头", "能繁母猪", "提高至"), ("1500元/头", "能繁母猪", "提高至")]),
    # a verb with a goal marker ('用于') predicates of the counted phrase
    ("74.3%的财政支出用于民生。", [("74.3%", "财政支出", "用于")]),
    ("自治区849名医护人员驰援湖北。", [("849名", "医护人员", "驰援")]),
    # members alike in length that do not end alike share no head
    ("家庭农场、农民专业合作社分别发展到14.6万户、8.1万个。",
     [("14.6万户", "家庭农场", "发展到"), ("8.1万个", "农民专业合作社", "发展到")]),
    ("新能源汽车、智能手机零售额分别增长36.9%、58%。",
     [("36.9%", "新能源汽车", "增长"), ("58%", "智能手机零售额", "增长")]),
])
def test_province_regressions(text, expected):
    assert read(text) == expected
