"""Attribute thresholds inside the noun phrase of a counted class (GOLD.md "Conventions for hard
cases"): a bounded amount of money that sorts the class ('年销售收入超亿元的龙头企业') is not a
target, the count of the class is; an amount with no class head after it, an exact total of a
set and an amount of the noun that follows stay targets. Sentences in the style of work reports,
work plans and incentive policies, run through the whole rules chain."""
import pytest

from pipeline.extractors import CHAINS
from pipeline.language import process_text


def target_raws(text: str) -> list[str]:
    """The raw quantities kept as targets (or achievements) of a short plan text."""
    doc = process_text("二、重点任务\n" + text, doc_id="t", year=2024, extractors=CHAINS["rules"])
    return [t.raw for c in doc.commitments for t in c.targets]


@pytest.mark.parametrize("text, kept, dropped", [
    # quantity + 的 + class: the threshold defines which firms are meant
    ("重点培育年经营收入超10亿元的大型农业龙头企业，引导一批农民专业合作组织发展。", [], ["超10亿元"]),
    ("力争年销售收入超过1亿元的龙头企业新增100户以上。", ["100户以上"], ["超过1亿元"]),
    # money threshold + class noun + its count: only the count is a target; an alternative
    # currency shares the bound ('超30亿元或3亿美元')
    ("全年招引落户总投资超30亿元或3亿美元产业项目2个、总投资超10亿元或1亿美元产业项目5个。",
     ["2个", "5个"], ["超30亿元", "3亿美元", "超10亿元", "1亿美元"]),
    ("力争主营收入超10亿元企业达57家。", ["57家"], ["超10亿元"]),
    ("新增营业收入超亿元旅游企业5家以上。", ["5家以上"], ["超亿元"]),
    # a list of thresholds by level shares one head
    ("针对市本级10亿元以上、区县(市)1亿元以上重大产业和基础设施项目，加大招引力度。",
     [], ["10亿元以上", "1亿元以上"]),
    # an upper bound sorts the class as well: villages, taxpayers, households
    ("基本消除集体经营性收入5万元以下的村。", [], ["5万元以下"]),
    ("认真落实月销售额15万元以下的小规模纳税人免征增值税政策。", [], ["15万元以下"]),
    # the total investment of a set counted right after it describes the set
    ("突出抓好总投资3830亿元的218个市重点项目。", ["218个"], ["3830亿元"]),
    # the investment that sizes a named project names it (GOLD.md: capacities and sizes)
    ("实施投资10亿元的新中心医院、投资5.8亿元的丹东垃圾焚烧发电等一批项目。", [], ["10亿元", "5.8亿元"]),
    # a capacity between a name and a product, in a list of named projects, names a project
    ("开工建设宝武碳业10万吨负极材料、海亮集团15万吨高性能铜箔材料等重大产业项目。", [], ["10万吨", "15万吨"]),
    # the measures of a package a task applies are what a text contains
    ("落实好全省创新驱动高质量发展29条措施，建成充电桩2460枪。", ["2460枪"], ["29条"]),
    # an area threshold before a counted class of bases
    ("建成5000亩以上的现代农业示范基地10个。", ["10个"], ["5000亩以上"]),
])
def test_a_threshold_of_a_counted_class_is_not_a_target(text, kept, dropped):
    raws = target_raws(text)
    for raw in kept:
        assert raw in raws, (raw, raws)
    for raw in dropped:
        assert raw not in raws, (raw, raws)


@pytest.mark.parametrize("text, kept", [
    # a measure of the subject: no class head after the amount
    ("完成投资800亿元以上，主营业务收入超过1000亿元。", ["800亿元以上", "超过1000亿元"]),
    ("地区生产总值突破3万亿元大关。", ["突破3万亿元"]),
    # the amount as the goal itself
    ("确保完成新增贷款500亿元以上的目标。", ["500亿元以上"]),
    # a count of the noun that follows, an area of the noun that follows: delivered
    ("建成100个以上的示范村，建设3万亩以上的高标准农田。", ["100个以上", "3万亩以上"]),
    ("新建3万亩以上高标准农田。", ["3万亩以上"]),
    # an amount of money set up; the count of a set whose total is given (the total describes it)
    ("抓好总投资2万亿元的389个省重点项目。", ["389个"]),
    ("设立200亿元中小微企业纾困专项资金。", ["200亿元"]),
    ("设立规模20亿元的科创母基金。", ["20亿元"]),
    # a capacity delivered: a measure before it, a verb before it, or no product list after it
    ("新增光伏装机100万千瓦，形成100万吨产能，落实415万吨粮食储备。", ["100万千瓦", "100万吨", "415万吨"]),
    ("完成燃煤电厂1290万千瓦机组超低排放改造。", ["1290万千瓦"]),
    # a bound on the total of a set, with no attribute of its members and no count of them
    ("谋划超过7600亿元的电源电网项目。", ["超过7600亿元"]),
    # an approximate amount of a fund is not a bound, and a fund is money delivered
    ("组建14支总规模达1700多亿元的产业基金支持企业发展。", ["1700多亿元"]),
    # a class noun that only modifies a noun of money: the amount is delivered
    ("新增超过500亿元企业贷款，安排超过10亿元项目资金。", ["超过500亿元", "超过10亿元"]),
    # the clause goes on with its own verb: the amount is what is invested
    ("投资超100亿元建设新能源产业园区。", ["超100亿元"]),
])
def test_an_amount_delivered_stays_a_target(text, kept):
    raws = target_raws(text)
    for raw in kept:
        assert raw in raws, (raw, raws)
