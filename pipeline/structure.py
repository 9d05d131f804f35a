"""Stage 3: the numbered hierarchy of headings (一、 / （一） / 1. / （1） / ① / 第X章 / 第X条 / #).

Levels follow the document's own nesting: a numbering style seen for the first time opens a
level below the current one; a style already open closes everything beneath it.
"""
from __future__ import annotations

import re
from typing import Optional

import cn2an

from .records import Document, Section

_CN = "零〇一二三四五六七八九十百"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (kind, pattern). The pattern is matched at the start of a line (after any markdown '#'s);
# group 'num' is the number as written.
_STYLES: list[tuple[str, re.Pattern]] = [
    ("chapter", re.compile(rf"第(?P<num>[{_CN}\d]{{1,4}})(?P<unit>章|编|部分)[ 　:：]?")),
    ("article", re.compile(rf"第(?P<num>[{_CN}\d]{{1,4}})条[ 　:：]?")),
    ("cn", re.compile(rf"(?P<num>[{_CN}]{{1,3}})(?:、|\.(?![{_CN}\d]))")),
    ("cn_paren", re.compile(rf"[（(](?P<num>[{_CN}]{{1,3}})[）)][、.]?")),
    ("arabic", re.compile(r"(?P<num>\d{1,3})(?:、|\.(?!\d))(?![%])")),
    # '11.121人才梯队项目': only taken where it continues the arabic numbering (see find_sections)
    ("arabic_loose", re.compile(r"(?P<num>\d{1,3})\.(?=\d)")),
    ("arabic_paren", re.compile(r"[（(](?P<num>\d{1,3})[）)][、.]?")),
    ("circled", re.compile(rf"(?P<num>[{_CIRCLED}])")),
]
# A glossary or attachment after the body: no more headings are read from there on.
APPENDIX = re.compile(r"^(#{1,6}\s*)?(附件\s*\d*|附[:：]?|附表\s*\d*|.{0,12}名词解释.{0,6}|注释|注[:：])$")
_MD = re.compile(r"(?P<hashes>#{1,6})\s*")
_TITLE_END = re.compile(r"[。！？]")
_MAX_TITLE = 60


def _number_value(kind: str, num: str) -> Optional[int]:
    if kind == "circled":
        return _CIRCLED.index(num) + 1
    if num.isdigit():
        return int(num)
    try:
        return int(cn2an.cn2an(num, "smart"))
    except (ValueError, KeyError):
        return None


def match_heading(line: str) -> Optional[tuple[str, str, int, str]]:
    """(kind, number, offset of the title within the line, title) for a heading line, else None."""
    pos = 0
    md = _MD.match(line)
    if md:
        pos = md.end()
    for kind, pattern in _STYLES:
        m = pattern.match(line, pos)
        if not m:
            continue
        num = m.group("num")
        if _number_value(kind, num) is None:
            continue
        rest = line[m.end():]
        end = _TITLE_END.search(rest)
        title = (rest[: end.start()] if end else rest).strip()
        if not title or (len(title) > _MAX_TITLE and not end and not md):
            continue  # a long unpunctuated paragraph that happens to start with a numeral
        if kind == "chapter":
            kind = "chapter_" + m.group("unit")
        return kind, num, m.end(), title[:_MAX_TITLE * 2]
    if md:
        title = line[md.end():].strip()
        if title:
            return "md" + str(len(md.group("hashes"))), "", md.end(), title
    return None


def find_sections(text: str) -> list[Section]:
    """Headings as sections with parents, levels and ends."""
    sections: list[Section] = []
    stack: list[tuple[str, Section]] = []  # (kind, section) per open level
    last_value: dict[str, int] = {}
    offset = 0
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        if APPENDIX.match(line) and sections:
            break
        found = match_heading(line)
        if not found:
            continue
        kind, num, _, title = found
        value = _number_value(kind, num) if num else None
        if kind == "arabic_loose":
            if value != last_value.get("arabic", -1) + 1:
                continue
            kind = "arabic"
        kinds = [k for k, _ in stack]
        if kind in kinds:
            depth = kinds.index(kind)
            prev = last_value.get(kind)
            # a restart at 1 of an open style under a new parent is fine; a jump backwards is not
            if value is not None and prev is not None and value != prev + 1 and value != 1:
                if value <= prev:
                    continue
            for closed_kind, closed in stack[depth:]:
                closed.end = start
            stack = stack[:depth]
        elif (value not in (None, 1) and value != last_value.get(kind, 0) + 1
              and kind != "article" and not kind.startswith("chapter")):
            continue  # a style opens at 1 or continues its last number (else: a list in a sentence)
        parent = stack[-1][1] if stack else None
        level = len(stack) + 1
        sec = Section(section_id="", parent_id=parent.section_id if parent else None,
                      level=level, number=num, title=title, start=start, end=len(text), kind=kind)
        sec.section_id = f"s{len(sections) + 1:04d}"
        sec.path = (parent.path + " > " if parent else "") + (f"{num} {title}" if num else title)
        sections.append(sec)
        stack.append((kind, sec))
        if value is not None:
            last_value[kind] = value
    return sections


def section_at(sections: list[Section], pos: int) -> Optional[Section]:
    """The deepest section whose span holds ``pos``."""
    best = None
    for sec in sections:
        if sec.start <= pos < sec.end and (best is None or sec.level > best.level):
            best = sec
        elif sec.start > pos:
            break
    return best


def appendix_start(text: str) -> int:
    """Offset where a trailing glossary/attachment begins (len(text) when there is none)."""
    offset = 0
    seen_heading = False
    for line in text.split("\n"):
        if seen_heading and APPENDIX.match(line):
            return offset
        seen_heading = seen_heading or match_heading(line) is not None
        offset += len(line) + 1
    return len(text)


def structure(doc: Document) -> Document:
    doc.sections = find_sections(doc.text)
    doc.body_end = appendix_start(doc.text)
    return doc
