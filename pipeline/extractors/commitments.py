"""Which sentences are commitments: every sentence of the body and its attachments that does
something (has a verb or a quantity), minus bare headings and page furniture ('发布时间:',
'各位代表：').

A numbered item is often one task written on its heading line ('（3）资助困难学生450余名。',
'第五条 对…给予…。', '1.组织不少于1000名大学生参与政务见习'): such a line is a commitment. Only a
bare heading title ('一、加强组织领导', '（一）健全国家职业教育制度框架。' above its paragraph) is not.
"""
from __future__ import annotations

import re

from pipeline.stages.numbers import find_quantities
from pipeline.records import Commitment, Document, Section, Sentence
from pipeline.stages.structure import match_heading
from pipeline.stages.tokens import tag
from pipeline.extractors import register
from pipeline.extractors.table_cells import is_cell_line, owner_table
from pipeline.extractors.owners import cell_split, is_owner_line

# Page furniture: labelled metadata lines, salutations, and addressee lines ending in a colon.
_FURNITURE = re.compile(
    r"^(发布时间|发布日期|信息来源|来源|访问次数|浏览次数|字体大小|作者|索引号|主题分类|发文机关|成文日期|"
    r"标题|发文字号|主题词|责任编辑|编辑|打印|关闭|分享到?)\s*[:：]|^(各位代表|同志们)|^[^。；]{0,60}[:：]$")
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万]")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
_SENTENCE_END = re.compile(r"[。！？；!?;][”’」』）)]*$")
_CLAUSE = re.compile(r"[，,；;]")
# Units that do not make a heading a task: '2024年工作安排', '第3次', a score '（3分）' is bracketed.
_NOT_DELIVERABLE = {"年", "届", "岁", "周", "天", "小时", "个月"}
_TITLE_MAX = 20  # a title written as a sentence ('健全国家职业教育制度框架。') is short
# The two top numbering styles of Chinese official writing (一、 （一）) head parts and sub-parts:
# a sentence run into their line ('（二）培育壮大实体经济，构建…体系。坚持…') is the title. Items
# numbered 1. （1） ① are where a task is written on its number's line.
_TITLE_STYLES = {"cn", "cn_paren", "chapter_章", "chapter_节", "chapter_编", "chapter_部分"}


_TRAILING_NOTES = re.compile(r"(?:[（(][^（）()]*[）)])+$")
_LABEL = re.compile(r"^[^，,。；;：:]{2,10}[:：]|^[【〖\[][^】〗\]]{2,10}[】〗\]]")  # '责任单位：…', '【牵头单位】…'

_ATTACHMENT_TITLE_MAX = 40
# a stage heading with its period ('集中整治阶段（2023年5月—10月）', '动员部署阶段（3月15日前）')
_HEADING_LIMIT = re.compile(r"阶段\s*[（(:：]\s*(?:(?:19|20)\d\d\s*年\s*)?\d{1,2}\s*月[^）)]{0,20}(?:[）)]|$)")


def _has_quantity(text: str) -> bool:
    """A quantity in Arabic numerals outside brackets that can be delivered ('450余名', '5.5万人',
    '90%'). Counts in Chinese numerals in a heading are its fixed phrases ('坚决做到“两个维护”',
    '打好污染防治“五场战役”'), not what it delivers."""
    bare = _BRACKETED.sub("", text)
    return any(q.unit and q.unit not in _NOT_DELIVERABLE and not q.chinese for q in find_quantities(bare))


def _is_bare_heading(sent: Sentence, sec: Section, body: bool, leaf: bool, own_line: bool) -> bool:
    """Whether a sentence starting at a heading is only its title, not a task.

    A task: a whole item (a heading with no text of its own and no sub-items:
    '（3）资助困难学生450余名。', '41.完成…模块建设。（1分）（10月底完成，…）'), a line that says what
    is delivered (a verb and a quantity: '1.组织不少于1000名大学生参与政务见习。' above its details),
    an article ('第五条 …。'), or the first sentence of an item (1. （1） ①) that goes on on the same
    line and is more than a title (a clause with commas '1.除…外，各级…全部开通全程网办。完成…', or a
    long one). A title: what remains — a heading line of its own above its paragraphs or sub-items
    ('一、加强组织领导', '（四）深入推进改革开放，大力营造良好发展环境。'), the run-in title of a part
    ('（二）培育壮大实体经济，构建…体系。坚持…'), or a short title sentence the item's text follows
    ('16.服务青年大学生就业。实施…', '11.121人才梯队项目。重点培养…').
    """
    if _HEADING_LIMIT.search(sent.text):
        return False  # '（一）动员部署阶段（2015年6月~7月）': a stage with its limit is a task
    text = _TRAILING_NOTES.sub("", sent.text.strip()).strip()  # notes: owners, deadlines, scores
    found = match_heading(text)
    rest = text[found[2]:] if found else text  # not the number: '第五条', '（3）'
    if leaf and not body:
        return False
    if _has_quantity(rest):
        words, tags = tag(rest)
        if any(t.startswith("v") for t in tags):
            return False
    if sec.kind == "article" and _SENTENCE_END.search(text):
        return False
    if _SENTENCE_END.search(text) and not own_line and sec.kind not in _TITLE_STYLES:
        if leaf:
            return False
        inner = _SENTENCE_END.sub("", rest)
        return not (_CLAUSE.search(inner) or len(inner) > _TITLE_MAX)
    return True  # a heading line of its own above its paragraphs: '（四）深入推进改革开放，大力…。'


def _is_attachment_title(sent: Sentence) -> bool:
    """The title line of an attachment ('附件' / '包头市数字政府建设考评指标'): a short line of its
    own, before the attachment's first heading, that is not a sentence."""
    text = sent.text.strip()
    return (sent.in_attachment and sent.section_id is None and len(text) <= _ATTACHMENT_TITLE_MAX
            and not re.search(r"[。；！？，,;!?]", text))


def _owner_cells(doc: Document) -> set[int]:
    """Starts of the sentences that are owner cells of a table flattened to one cell per line
    (units, the leader's name: `cell_owners`), neither tasks nor text of their section."""
    table = owner_table(doc)
    if table is None:
        return set()
    start = table[0]
    return {sent.start for sent in doc.sentences if sent.start > start and not sent.table_row
            and all(is_cell_line(line, cell_split) for line in sent.text.split("\n"))}


def _row_part_titles(doc: Document, parents: set) -> set[int]:
    """Starts of the title lines of parts headed by a bare row number ('1' / '全区…主要预期目标')
    over numbered items of their own: the heading's title, not a task. The first cell of a row
    with no items under it is the row's task (GOLD.md: the first sentence of an item)."""
    out = set()
    for sec in doc.sections:
        if sec.kind != "row_part" or sec.section_id not in parents:
            continue
        at = doc.text.find(sec.title, sec.start)
        if 0 <= at <= sec.start + 8:
            out.add(at)
    return out


_MARKDOWN_TITLE = re.compile(r"#{1,6}\s")
# a line reporting an item's progress, under the item ('贯彻落实情况：已完成并长期坚持。…')
_PROGRESS_LINE = re.compile(r"^(?:贯彻落实情况|落实情况|完成情况|进展情况|推进情况|工作进展|进度情况|目前进展|实施情况"
                            r"|进展|进度)\s*[:：]", re.M)


@register("commitments")
def find_commitments(doc: Document) -> Document:
    heading_ends = {sec.start: sec for sec in doc.sections}
    paths = {sec.section_id: sec.path for sec in doc.sections}
    parents = {sec.parent_id for sec in doc.sections}
    # sections holding text of their own besides the heading's (labels and notes are not text:
    # '责任单位：县财政局', '（牵头单位：市发展改革委）', nor is a line naming the owners: '由A、B负责落实')
    cells = _owner_cells(doc) | _row_part_titles(doc, parents)
    # (nor is the progress an item reports: '贯彻落实情况：已完成…' under '1.严格落实…。')
    progress = [(m.start(), doc.text.find("\n", m.start())) for m in _PROGRESS_LINE.finditer(doc.text)] \
        if "情况" in doc.text or "进展" in doc.text else []
    with_body = {sent.section_id for sent in doc.sentences
                 if sent.section_id and sent.start not in heading_ends and sent.start not in cells
                 and not _LABEL.match(sent.text.strip()) and not _TRAILING_NOTES.fullmatch(sent.text.strip())
                 and not (sent.text.lstrip().startswith("由") and is_owner_line(sent.text.strip()))
                 and not any(a <= sent.start and (b < 0 or sent.start < b) for a, b in progress)}
    out = []
    for sent in doc.sentences:
        text = sent.text.strip()
        if len(text) < 4 or (_FURNITURE.match(text) and not sent.table_row) or _is_attachment_title(sent) \
                or sent.start in cells or _MARKDOWN_TITLE.match(text) and sent.start not in heading_ends:
            continue  # ('# 关于印发…的通知': a markdown heading no section took is the title)
        sec = heading_ends.get(sent.start)
        own_line = doc.text[sent.end:sent.end + 1] in ("\n", "")
        if sec is not None and _is_bare_heading(sent, sec, sec.section_id in with_body,
                                                sec.section_id not in parents, own_line):
            continue  # the heading line itself
        sent.words, sent.tags = tag(sent.text)
        if not _HAS_NUMBER.search(text) and not any(t.startswith("v") for t in sent.tags) \
                and not (_LABEL.match(text) and is_owner_line(text)):
            continue  # (an owner line, '责任部门：市卫生健康委', stays: annotators quote it)
        out.append(Commitment(
            commitment_id=f"{doc.doc_id}:c{len(out) + 1:04d}",
            section_id=sent.section_id,
            section_path=paths.get(sent.section_id, ""),
            text=sent.text, start=sent.start, end=sent.end,
            status="achieved" if sent.review else "planned",
            sentence=sent,
        ))
    doc.commitments = out
    return doc
