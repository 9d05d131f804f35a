"""Stage 3: the numbered hierarchy of headings (一、 / （一） / 1. / （1） / ① / 第X章 / 第X节 /
第X条 / #).

Levels follow the document's own nesting: a numbering style seen for the first time opens a
level below the current one; a style already open closes everything beneath it. Chapter and
article numbers drop 第/章/条 (`第三章` → `三`).

Attachments are part of the document (GOLD.md): a '附件' / '附件1' line closes every open
section and the attachment numbers its headings afresh, from level 1. A glossary after a work
report ('名词解释', '注释') has no sections and holds no commitments. `Document.body_end` is the
end of the main body, `Document.attachments` the spans of the attachments.
"""
from __future__ import annotations

import re
from typing import Optional

from pipeline.records import Document, Section
from pipeline.stages.cn_numerals import cn_int
from pipeline.stages.grid import column, grid_rows

_CN = "零〇一二三四五六七八九十百"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN_DIGITS = "".join(chr(c) for c in range(0x2474, 0x2488))  # ⑴ … ⒇
_PAREN_IDEOGRAPHS = "".join(chr(c) for c in range(0x3220, 0x322A))  # ㈠ … ㈩
_STOP_DIGITS = "".join(chr(c) for c in range(0x2488, 0x249C))  # ⒈ … ⒛

# (kind, pattern). The pattern is matched at the start of a line (after any markdown '#'s);
# group 'num' is the number as written.
_STYLES: list[tuple[str, re.Pattern]] = [
    ("chapter", re.compile(rf"第(?P<num>[{_CN}\d]{{1,4}})(?P<unit>章|节|编|部分)[ 　:：]?")),
    ("article", re.compile(rf"第(?P<num>[{_CN}\d]{{1,4}})条[ 　:：]?")),
    # '第一，大力实施产业攻坚行动。以…': an ordinal opening a paragraph with a heading phrase that
    # its 。 ends (not '第一，围绕…，': a sentence's first clause)
    ("ordinal", re.compile(rf"第(?P<num>[{_CN}]{{1,3}})[，,](?=[^，,。；;：:]{{2,24}}。)")),
    ("cn", re.compile(rf"(?P<num>[{_CN}]{{1,3}})(?:、|\.(?![{_CN}\d]))")),
    ("cn_paren", re.compile(rf"[（(](?P<num>[{_CN}]{{1,3}})[）)][、.]?")),
    ("arabic", re.compile(r"(?P<num>\d{1,3})(?:、|\.(?!\d))(?![%])")),
    # '11.121人才梯队项目': only taken where it continues the arabic numbering (see find_sections)
    ("arabic_loose", re.compile(r"(?P<num>\d{1,3})\.(?=\d)")),
    ("arabic_paren", re.compile(r"[（(](?P<num>\d{1,3})[）)][、.]?")),
    # '1)' / '1）' with a closing bracket only: a style of its own (it nests like '（1）')
    ("arabic_half", re.compile(r"(?P<num>\d{1,3})[）)](?![%）)])")),
    ("circled", re.compile(rf"(?P<num>[{_CIRCLED}])")),
    # '⑴' and '⒈', one character each: the same styles as '(1)' and '1.' (a font's glyphs)
    ("arabic_paren", re.compile(rf"(?P<num>[{_PAREN_DIGITS}])")),
    # '㈠' … '㈩', one character each: the style of '（一）'
    ("cn_paren", re.compile(rf"(?P<num>[{_PAREN_IDEOGRAPHS}])")),
    ("arabic", re.compile(rf"(?P<num>[{_STOP_DIGITS}])")),
]
# An attachment or glossary line after the body ('附件', '附件2：', '名词解释', '注释').
APPENDIX = re.compile(r"^(#{1,6}\s*)?(附件\s*\d*|附[:：]?|附表\s*\d*|.{0,12}名词解释.{0,6}|注释|注[:：])$")
# The line that opens an attachment: '附件', '附件2：', '附表1', '附：', optionally with its title
# ('附件1：2022年十件民生实事'). The attachment is part of the document (GOLD.md): its headings are
# sections whose levels start again at 1.
ATTACHMENT = re.compile(r"^(?:#{1,6}\s*)?(?:附件|附表)\s*[\d一二三四五六七八九十]{0,3}\s*(?:[:：]\s*[^。；]{0,40})?$"
                        r"|^(?:#{1,6}\s*)?附[:：]?$")
# A glossary or notes after a work report ('名词解释', '《政府工作报告》有关名词解释', '注释'):
# explanations of terms, not commitments; it runs to the next attachment or the end.
GLOSSARY = re.compile(r"^(?:#{1,6}\s*)?(?:.{0,12}(?:名词解释|名词注释|词语解释).{0,6}|注释|注[:：])$")
_MD = re.compile(r"(?P<hashes>#{1,6})\s*")
_TITLE_END = re.compile(r"[。！？]")
_CLAUSE_END = re.compile(r"[；;]$")
_MAX_TITLE = 60


def _number_value(kind: str, num: str) -> Optional[int]:
    if kind == "circled":
        return _CIRCLED.index(num) + 1
    return cn_int(num)


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
        if len(num) == 1 and ("\u2474" <= num <= "\u249b"):
            num = str((ord(num) - 0x2474) % 20 + 1)  # '⑴' / '⒈' → '1'
        elif len(num) == 1 and "\u3220" <= num <= "\u3229":
            num = "一二三四五六七八九十"[ord(num) - 0x3220]  # '㈠' → '一'
        if _number_value(kind, num) is None:
            continue
        rest = line[m.end():]
        end = _TITLE_END.search(rest)
        title = (rest[: end.start()] if end else rest).strip()
        if not title or (len(title) > _MAX_TITLE and not end and not md
                         and not _CLAUSE_END.search(title)):
            continue  # a long unpunctuated paragraph that happens to start with a numeral
        title = title.rstrip("；;，,：:") or title  # '（二）企业营业执照复印件；' is a list item
        if kind == "chapter":
            kind = "chapter_" + m.group("unit")
        return kind, num, m.end(), title[:_MAX_TITLE * 2]
    if md:
        title = line[md.end():].strip()
        if title:
            return "md" + str(len(md.group("hashes"))), "", md.end(), title
    return None


def appendix_spans(text: str) -> tuple[int, list[tuple[int, int]], list[tuple[int, int]]]:
    """(end of the main body, attachment spans, glossary spans) of the text.

    An attachment runs from its '附件' line to the next attachment or glossary line, a glossary
    from its line to the next attachment. A glossary line before any content (a title page
    '注释') does not end the body."""
    marks: list[tuple[int, str]] = []
    offset = 0
    seen_content = False
    for line in text.split("\n"):
        if seen_content and GLOSSARY.match(line):
            marks.append((offset, "glossary"))
        elif seen_content and ATTACHMENT.match(line):
            marks.append((offset, "attachment"))
        seen_content = seen_content or bool(line.strip())
        offset += len(line) + 1
    end = len(text)
    # a glossary goes on until an attachment line: consecutive glossary lines are one glossary
    spans: dict[str, list[tuple[int, int]]] = {"attachment": [], "glossary": []}
    for i, (start, kind) in enumerate(marks):
        if kind == "glossary" and i and marks[i - 1][1] == "glossary":
            continue
        nxt = next((s for s, k in marks[i + 1:] if kind == "attachment" or k == "attachment"), end)
        spans[kind].append((start, nxt))
    body_end = marks[0][0] if marks else end
    return body_end, spans["attachment"], spans["glossary"]


_PART_STYLES = {"cn", "cn_paren"}  # 一、 （一）: the part headings of official writing


def _heading_line(line: str, title: str) -> bool:
    """A heading alone on its line: a short title and no sentence of text after it."""
    return bool(title) and len(line.strip()) <= 40 and not re.search(r"[。；;！？]", line)


_ROW_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
_PIPE_ROW = re.compile(r"^\s*(\d{1,3})\s*[|｜]\s*(?P<title>[^|｜]+?)\s*[|｜]")
_ITEM_KINDS = {"arabic", "arabic_paren", "arabic_half", "circled"}
_ROW_REACH = 6  # lines after a part's title within which its first numbered item stands
_TABLE_HEADER = re.compile(r"^\s*序\s*号\s*(?:[|｜]|$)", re.M)
# a row whose first cell is a task written as a sentence ('启动建设…工程。'); an indicator's name
# ('粮食播种面积', '油菜面积': ../shared/gold's 嵊泗 table) heads no item
_TASK_CELL = re.compile(r"[。；;]\s*$")


def _names_its_rows(header_line: str) -> bool:
    """A header row '序号 | 项目名称 | …' whose second column names each row's project or task:
    its rows are items whatever their first cell looks like."""
    cells = [c.strip() for c in re.split(r"[|｜]", header_line) if c.strip()]
    return len(cells) >= 3 and column(cells[1]).kind in ("name", "task")


_CELL_NOTES = re.compile(r"(?:\s*[（(][^（）()]{1,20}[）)])+\s*$")


def _is_task_cell(cell: str) -> bool:
    """A task written as a sentence ('…工程。', '…建设。（2分）'), or text too long for a name."""
    return bool(_TASK_CELL.search(_CELL_NOTES.sub("", cell))) or len(cell.strip()) > 30


def _row_part_headings(text: str, lines: list[str]) -> dict[int, tuple[str, str, int, str]]:
    """The row numbers of a task table as headings (GOLD.md: a number alone on its line is one
    heading; annotators of task tables read a `序号` row whose first cell is a task as a numbered
    item, not a row of indicators): '1' alone on its line with its task on the next, or
    '1 | 任务。 | 单位 |' of a table written a row a line. The numbers must count 1, 2, 3; the
    title is the task up to its first 。. Otherwise a bare number heads a part only when numbered
    items ('(1)…') follow its title."""
    found: dict[int, tuple[str, str, int, str]] = {}
    header = _TABLE_HEADER.search(text)
    table = header is not None
    named = table and _names_its_rows(text[header.start():text.find("\n", header.start())])
    expected = 1
    for i, line in enumerate(lines):
        pipe = _PIPE_ROW.match(line) if table else None
        if pipe and int(pipe.group(1)) == expected:
            title = _TITLE_END.split(pipe.group("title"), 1)[0].strip()
            if title and len(title) <= _MAX_TITLE * 2 and (named or _is_task_cell(pipe.group("title"))):
                found[i] = ("row_part", pipe.group(1), 0, title)
            expected += 1  # (a row of indicators counts too: the next row is the next number)
            continue
        m = _ROW_NUMBER.match(line)
        restart = m is not None and m.group(1) == "1" and expected > 1  # a next group's rows
        if not m or int(m.group(1)) != expected and not restart:
            continue
        title_at = next((j for j in range(i + 1, min(i + 3, len(lines))) if lines[j].strip()), None)
        if title_at is None:
            continue
        title = lines[title_at].strip()
        if match_heading(title) or _ROW_NUMBER.match(title):
            continue
        if table and _TASK_CELL.search(title) and not restart:
            title = _TITLE_END.split(title, 1)[0].strip()  # the first cell up to its first 。
            if not title or len(title) > _MAX_TITLE * 2:
                continue
        else:
            if len(title) > _MAX_TITLE or _TITLE_END.search(title):
                continue
            items = [match_heading(lines[j]) for j in range(title_at + 1, min(title_at + 1 + _ROW_REACH, len(lines)))]
            if not any(h and h[0] in _ITEM_KINDS for h in items):
                continue
        found[i] = ("row_part", m.group(1), 0, title)
        expected = int(m.group(1)) + 1
    found.update(_grid_row_headings(text, lines))
    return found


def _grid_row_headings(text: str, lines: list[str]) -> dict[int, tuple[str, str, int, str]]:
    """The rows of a task table read as a grid (stages/grid.py) that hold a task: their number
    heads a numbered item titled by the row's first cell, a project's name (项目名称) or a task
    sentence (up to its first 。), as `_row_part_headings` reads rows."""
    rows = grid_rows(text)
    if not rows:
        return {}
    found = {}
    offset = 0
    for i, line in enumerate(lines):
        hit = rows.get(offset + len(line) - len(line.lstrip()))
        offset += len(line) + 1
        if hit is None or not hit[1].number or not hit[0].task_cells(hit[1]) or not hit[1].cells:
            continue  # (a row of a table without row numbers heads no item)
        grid, first = hit[0], hit[1].cells[0]
        named = first.column is not None and grid.columns[first.column].kind in ("name", "task")
        if not named and not _is_task_cell(first.text):
            continue  # an indicator's name ('旅游接待人次') heads no item, a project's name does
        title = _TITLE_END.split(first.text, 1)[0].strip()
        if title:
            found[i] = ("row_part", hit[1].number, 0, title[:_MAX_TITLE * 2])
    return found


def find_sections(text: str) -> list[Section]:
    """Headings as sections with parents, levels and ends. An attachment numbers its headings
    afresh (levels from 1); a glossary has none."""
    _, attachments, glossaries = appendix_spans(text)
    breaks = {start: "attachment" for start, _ in attachments}
    breaks.update({start: "glossary" for start, _ in glossaries})
    sections: list[Section] = []
    stack: list[tuple[str, Section]] = []  # (kind, section) per open level
    last_value: dict[str, int] = {}
    in_glossary = False
    offset = 0
    lines = text.split("\n")
    row_parts = _row_part_headings(text, lines)
    title_line = _markdown_title_line(lines)
    for i, line in enumerate(lines):
        start = offset
        offset += len(line) + 1
        if start in breaks:  # everything open ends here; numbering starts again
            for _, closed in stack:
                closed.end = start
            stack, last_value = [], {}
            in_glossary = breaks[start] == "glossary"
            continue
        if in_glossary:
            continue
        heading = match_heading(line) if i != title_line else None
        if heading and i in row_parts and "|" in heading[3]:
            # '一、…保障水平 | 1 | 任务… |': a group cell merged over its rows, then the first row
            found_all = [heading[:3] + (heading[3].split("|", 1)[0].strip(),), row_parts[i]]
        else:
            found_all = [heading or row_parts.get(i)]
        for found in found_all:
            if found:
                stack = _open_section(found, line, start, text, sections, stack, last_value)
    return sections


def _markdown_title_line(lines: list[str]) -> Optional[int]:
    """The first line when it is a markdown heading of its own level that no other line shares
    ('# 关于印发…的通知' over a document kept as markdown): the document's title, not a part."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    found = match_heading(lines[first])
    if not found or not found[0].startswith("md") or found[1]:
        return None
    kind = found[0]
    for line in lines[first + 1:]:
        if line.startswith("#"):
            other = match_heading(line)
            if other and other[0] == kind:
                return None
    return first


# the conventional rank of the numbering styles (一、 over （一） over 1. over （1） over ①)
_RANK = {"cn": 0, "cn_paren": 1, "arabic": 2, "arabic_paren": 3, "arabic_half": 3, "circled": 4}


def _open_section(found: tuple, line: str, start: int, text: str, sections: list[Section],
                  stack: list, last_value: dict[str, int]) -> list:
    """The stack of open sections after the heading ``found`` on ``line`` (appended to
    ``sections`` when it opens one)."""
    kind, num, _, title = found
    value = _number_value(kind, num) if num else None
    if kind == "arabic_loose":
        if value != last_value.get("arabic", -1) + 1:
            return stack
        kind = "arabic"
    kinds = [k for k, _ in stack]
    if kind in kinds:
        depth = kinds.index(kind)
        prev = last_value.get(kind)
        # a restart at 1 of an open style under a new parent is fine; a jump backwards is not
        if value is not None and prev is not None and value != prev + 1 and value != 1:
            if value <= prev:
                return stack
        for closed_kind, closed in stack[depth:]:
            closed.end = start
        stack = stack[:depth]
    elif (value not in (None, 1) and value != last_value.get(kind, 0) + 1
          and kind != "article" and not kind.startswith("chapter")
          and not (kind in _PART_STYLES and _heading_line(line, title))):
        # a style opens at 1 or continues its last number (else: a list in a sentence); a
        # part heading on a line of its own opens where it stands (an excerpt, a lost line)
        return stack
    if stack and kind not in kinds and kind in _RANK and _RANK[kind] < _RANK.get(stack[0][0], -1):
        # '（一）…（三）' and then '四、保障措施': an excerpt that opens inside a part; the style that
        # ranks above the one it opened with ('一、' over '（一）' over '1.') is a part of its own
        for _closed_kind, closed in stack:
            closed.end = start
        stack = []
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
    return stack


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
    """Offset where the main body ends: the first attachment or glossary line (len(text) when
    there is none)."""
    return appendix_spans(text)[0]


def structure(doc: Document) -> Document:
    doc.sections = find_sections(doc.text)
    doc.body_end, doc.attachments, _ = appendix_spans(doc.text)
    return doc
