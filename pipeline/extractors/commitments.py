"""Which sentences are commitments: every body sentence that does something (has a verb or a
quantity), minus bare headings and page furniture ('发布时间:', '各位代表：')."""
from __future__ import annotations

import re

from ..records import Commitment, Document
from ..tokens import tag
from . import register

# Page furniture: labelled metadata lines, salutations, and addressee lines ending in a colon.
_FURNITURE = re.compile(
    r"^(发布时间|发布日期|信息来源|来源|访问次数|浏览次数|字体大小|作者|索引号|主题分类|发文机关|成文日期|"
    r"标题|发文字号|主题词|责任编辑|编辑|打印|关闭|分享到?)\s*[:：]|^(各位代表|同志们)|^[^。；]{0,60}[:：]$")
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万]")


@register("commitments")
def find_commitments(doc: Document) -> Document:
    heading_ends = {sec.start: sec for sec in doc.sections}
    paths = {sec.section_id: sec.path for sec in doc.sections}
    out = []
    for sent in doc.sentences:
        text = sent.text.strip()
        if len(text) < 4 or (_FURNITURE.match(text) and not sent.table_row):
            continue
        sec = heading_ends.get(sent.start)
        if sec is not None and len(text.rstrip("。")) <= len(sec.title) + len(sec.number) + 8:
            continue  # the heading line itself
        sent.words, sent.tags = tag(sent.text)
        if not _HAS_NUMBER.search(text) and not any(t.startswith("v") for t in sent.tags):
            continue
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
