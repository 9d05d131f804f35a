"""The committing verb of a target when the entity reading left it out or swallowed it: a verb the
entity opens with ('转移农村劳动力52万人次'), the verb right before the entity or the number
('扩充公办幼儿园学位至1800个', '继续抓好12个…乡镇'), a verb read as the entity before a number whose
noun follows ('启动8个新建接续煤矿项目'), a verbal noun or a verb inside one noun opening the entity
('发展农业产业化联合体', '筹集资金'). GOLD.md: the entity is what is counted, the action the verb."""
import pytest

from pipeline.config import Settings
from pipeline.extractors.targets import leading_verb
from pipeline.language import process_text

RULES = Settings(chain="rules")


@pytest.mark.parametrize("sentence, raw, entity, action", [
    ("转移农村劳动力52万人次。", "52万人次", "农村劳动力", "转移"),
    ("开复工亿元以上项目126个。", "126个", "亿元以上项目", "开复工"),
    ("扩充公办幼儿园学位至1800个。", "1800个", "公办幼儿园学位", "扩充"),
    ("保障全社会电量供给35亿千瓦时左右。", "35亿千瓦时左右", "全社会电量供给", "保障"),
    ("继续抓好12个省级乡村振兴特色乡镇。", "12个", "省级乡村振兴特色乡镇", "抓好"),
    ("启动8个新建接续煤矿项目。", "8个", "新建接续煤矿项目", "启动"),
    # a delivery verb the tagger reads as a verbal noun, or one noun with its object
    ("引导新型农业经营主体开展合作，发展农业产业化联合体5家以上。", "5家以上", "农业产业化联合体", "发展"),
    ("坚持民生优先，筹集资金65亿元。", "65亿元", "资金", "筹集"),
])
def test_the_verb_left_out_is_the_action(sentence, raw, entity, action):
    doc = process_text(sentence, year=2024, extractors=RULES)
    assert [(t.raw, t.entity, t.action) for t in doc.targets] == [(raw, entity, action)]


@pytest.mark.parametrize("entity", ["达标天数比例", "招生计划", "打掉黑恶团伙", "补助和债务转贷资金", "建设用地", "投资"])
def test_a_verb_that_belongs_to_the_noun_stays(entity):
    """A measure's own noun, a one-character verb, a verb heading a list, a compound noun."""
    assert leading_verb(entity) == (entity, None)


# ------------------------------------------------------------------ deadlines of a clause's head

@pytest.mark.parametrize("sentence, dates", [
    ("年底通过创新型城市建设验收，成为国家级创新型城市。", ["2024-12-31"]),
    ("2024年,全市新建5G基站2600个以上,新建市级及以上创新平台15个以上。", ["2024-12-31"]),
    ("2024年,粮食种植面积稳定在1000万亩。", []),  # a level held for the year: a period
    ("2024年，我们将坚持稳字当头、稳中求进，继续做好“六稳”“六保”工作。", []),
])
def test_a_year_or_its_end_heading_a_clause_that_delivers(sentence, dates):
    doc = process_text(sentence, year=2024, extractors=RULES)
    assert [d.date for c in doc.commitments for d in c.deadlines] == dates


def test_a_verbless_clause_goes_on_with_a_framing_verb_before_it():
    from pipeline.config import Settings
    from pipeline.language import process_text
    doc = process_text("严格执行责任制，确保粮食播种面积68万亩、产量26万吨以上，生猪存栏40万头以上。",
                       year=2023, extractors=Settings(chain="rules"))
    got = {t.raw: (t.entity, t.action) for c in doc.commitments for t in c.targets}
    assert got["40万头以上"] == ("生猪存栏", "确保")
    # a clause with a change verb of its own keeps it
    doc = process_text("确保粮食播种面积68万亩，农民收入增长7%。", year=2023, extractors=Settings(chain="rules"))
    assert {t.raw: t.action for c in doc.commitments for t in c.targets}["7%"] == "增长"
