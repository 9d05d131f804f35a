"""The action of a part counted after 其中, and framing verbs that are the only verb (issue 14)."""
from __future__ import annotations

from pipeline.config import Settings
from pipeline.language import process_text

RULES = Settings(chain="rules")


def readings(sentence: str) -> list[tuple[str, str, str]]:
    doc = process_text("2024年工作安排\n" + sentence, extractors=RULES, year=2024)
    return [(t.raw, t.entity, t.action) for c in doc.commitments for t in c.targets]


def test_parts_after_qizhong_take_the_verb_of_the_whole_they_divide():
    got = readings("实施市级统筹推进重点项目850项以上，完成投资790亿元以上，"
                   "其中重中之重项目10项、市领导跟踪服务推进的重大项目58项。")
    assert [(r, a) for r, _e, a in got] == [("850项以上", "实施"), ("790亿元以上", "完成"),
                                            ("10项", "实施"), ("58项", "实施")]


def test_a_part_with_a_verb_of_its_own_keeps_it():
    got = readings("全国农机总动力稳定在11亿千瓦左右，其中灌排机械动力达到1.3亿千瓦。")
    assert got[1][2] == "达到"


def test_a_framing_verb_that_is_the_only_verb_is_the_action():
    assert readings("推进市重点项目800个左右。")[0][1:] == ("市重点项目", "推进")
    # a content verb after it still wins
    assert readings("推进建设保障性住房5000套。")[0][2] == "建设"


def test_the_verb_before_the_number_beats_a_framing_word():
    got = readings("确保脱贫人口转移就业不低于30万人、公益岗位安置不低于3万人。")
    assert [a for _r, _e, a in got] == ["转移就业", "安置"]
    got = readings("实现城镇失业人口再就业4.5万人以上、农村劳动力转移就业5.5万人次。")
    assert [a for _r, _e, a in got] == ["再就业", "转移就业"]
    # a framing word with no verb after it stays; a content or change verb was never framing
    assert readings("力争实际利用外资2.5亿美元以上。")[0][2] == "力争"
    assert readings("确保建成保障房1000套。")[0][2] == "建成"


def test_verbs_inside_the_examples_before_deng_are_not_the_action():
    assert readings("实施利安隆自动化改造等重点技改项目15个。")[0][2] == "实施"
    assert readings("推进清水河河道治理等6个项目。")[0][2] == "推进"
    assert readings("建成投产闽粤联网、粤澳联网220千伏第三通道等21项重点电网工程。")[0][2] == "建成投产"
    assert readings("新建和改造提升高速公路服务区等交通厕所103座。")[0][2] == "新建和改造提升"
    # the verb before the examples governs them even after a manner word
    assert readings("精心打造“神农架—武当山—三峡”等10条精品旅游线路。")[0][2] == "打造"
    # a clause that opens with the examples takes no verb from inside them
    assert readings("现代物流、文化旅游、健康养老等12个重点产业。")[0][2] is None


def test_the_governing_verb_stands_left_of_a_modifier_with_numbers():
    got = readings("全年招引落户总投资超30亿元或3亿美元产业项目2个、数字经济项目50个。")
    assert [(r, a) for r, _e, a in got] == [("2个", "招引落户"), ("50个", "招引落户")]
    assert readings("突出抓好总投资3830亿元的218个市重点项目。") == [("218个", "市重点项目", "突出抓好")]


def test_a_period_word_is_not_part_of_what_is_counted():
    got = readings("重点项目上半年时序进度达到50%以上、三季度达到85%以上、四季度达到100%。")
    assert all(e.startswith("重点项目") and "季度" not in e and "上半年" not in e for _r, e, _a in got), got


def test_an_enumerator_is_no_verb_and_a_subject_may_carry_the_verb():
    assert readings("三是更新市区公交车61辆。")[0][2] == "更新"
    assert readings("一是改造提升锦山大街、山上街等39条城市街路。")[0][2] == "改造提升"
    assert readings("脱贫劳动力转移就业15万人以上。")[0][2] == "转移就业"
    # a measure's head after a verb is no action; a nominal predicate has none
    assert readings("空气质量达标天数280天以上。")[0][2] is None
    assert readings("城镇调查失业率5.5%左右。")[0][2] is None


def test_a_rate_takes_in_the_verb_it_measures_and_zhi_marks_the_change():
    got = readings("农村生活污水治理率提高至55%以上。")
    assert got == [("55%以上", "农村生活污水治理率", "提高至")]


def test_a_place_opening_a_list_member_is_its_scope_not_what_is_counted():
    got = readings("地区生产总值增长7.6%（州直增长7.5%、塔城地区增长8.5%、阿勒泰地区增长7%）。")
    assert [e for _r, e, _a in got] == ["地区生产总值"] * 4
    got = readings("新建高标准农田100万亩、塔城地区32万亩、阿勒泰地区20.4万亩。")
    assert [e for _r, e, _a in got] == ["高标准农田"] * 3
    # a member that names a measure of its own keeps it; a place counted is counted
    got = readings("铁岭市到位内资增长20%，朝阳市一般公共预算收入增长21.7%。")
    assert got[1][1] == "朝阳市一般公共预算收入"
    assert readings("建成高速公路100公里，通高速县市区达到80个。")[1][1] == "县市区"


def test_verbs_jieba_tags_as_names_or_nouns_still_govern():
    assert readings("续建东二环、北三环等12条道路。")[0][2] == "续建"
    assert readings("绿化村屯240个、公路216公里。") == [("240个", "村屯", "绿化"), ("216公里", "公路", "绿化")]
    assert readings("铺设天然气管线15公里。")[0][1:] == ("天然气管线", "铺设")
