"""Stage 2: one normalised text per document. Every offset in the tables refers to it.

Besides characters (full-width → ASCII) and download-site boilerplate, cleaning undoes what
PDF and web extraction do to Chinese text: spaces between a number and its unit or the next
character (`新建 300 套`, `2 0 2 1 年`), page furniture lines (`— 3 —`, `第 3 页 共 10 页`), lines
broken at the page width in the middle of a sentence, and a heading number standing alone on
its line with the title on the next (`（三）` / `加强组织领导`). Offsets refer to the result, so
it may change the text freely; gold quotes keep the raw spacing and `evaluate` compares with all
whitespace removed.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from collections import Counter

from pipeline.records import Document
from pipeline.stages.grid import PART_HEADING, column

# Full-width ASCII (digits, letters, %, +, -, ., <, >, =, ~) to half-width. Chinese punctuation
# such as ，。；：（）“” is kept: it is the documents' own typography and carries structure.
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({"％": "%", "＋": "+", "－": "-", "．": ".", "＜": "<", "＞": ">", "＝": "=", "／": "/",
                   "～": "~", "＃": "#", "＊": "*", "\u00a0": " ", "\u3000": " ", "\u2002": " ",
                   "\u2003": " ", "\u2009": " ", "\ufeff": "", "\u200b": "", "\u200c": "",
                   "\u200d": "", "\u2060": "", "\r": ""})
# Small form variants of punctuation (U+FE50–FE5E) in web copies ('﹙牵头单位﹕A﹚', 'A﹑B', '1﹒'):
# the ordinary marks, so notes, lists and numbered items read as such. ('1﹒' items as sections
# once lowered unseen owners, until the run-in title of a leaf item became a task of its own:
# extractors/commitments.py.)
_FULLWIDTH.update({"﹐": "，", "﹑": "、", "﹔": "；", "﹕": "：", "﹖": "？", "﹗": "！",
                   "﹙": "（", "﹚": "）", "﹒": ".", "﹝": "〔", "﹞": "〕"})
# every character `normalise_chars` replaces: found by one scan of the text (str.translate looks
# up every character, Chinese text has few of them: 0.12 s against 0.01 s on 60 province reports)
_FULLWIDTH_CHAR = re.compile("[" + re.escape("".join(sorted(_FULLWIDTH))) + "]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Han characters and Chinese punctuation.
_CJK = (r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\u3000-\u303f\uff00-\uffef"
        r"“”‘’、。，；：？！（）《》【】—…·]")
# A space next to a Chinese character carries nothing (Chinese is written without spaces; PDF
# and web extraction put them around numbers, Latin words and at layout gaps), unless the other
# side is a markdown/list marker ('# 标题', '- 项', '| 单元格 |').
_SPACE_NEAR_CJK = re.compile(rf"(?<={_CJK})[ \t]+(?=[^\s#*>|\-])|(?<=[^\s#*>|\-])[ \t]+(?={_CJK})")
# A number set one digit at a time ('2 0 2 1 年', '第 1 0 条'): PDF glyph spacing. Groups of
# several digits ('2020 2021', a row of table cells) are separate numbers and stay apart.
_SPACED_DIGITS = re.compile(r"(?<![\d.])\d(?:[ \t]+\d)+(?![\d.])")
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d)[ \t]+(?=[%‰])")
_SPACES = re.compile(r"[ \t]+")

# Page numbers and running footers of a PDF: '- 3 -', '— 12 —', '第 3 页 共 10 页', '第3页/共10页'.
_PAGE_FURNITURE = re.compile(
    r"^(?:[-—–~－]{1,3}\s*\d{1,4}\s*[-—–~－]{1,3}"
    r"|第\s*\d{1,4}\s*页\s*[,，/]?\s*(?:共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/]?\s*第\s*\d{1,4}\s*页"
    r"|(?i:page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?))$")

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_BOLD = re.compile(r"\*\*|__")
# A run-in heading set in bold at the start of its paragraph ('**（三）科学精准施策，保持经济在合理
# 区间运行。**抓住关键环节…'): the bold is all that marks its end, so it becomes a line of its own.
_RUN_IN_HEADING = re.compile(r"^(\s*)\*\*([^*\n]{2,80}?)\*\*(?=[^\s*])", re.M)
# Lines a document-sharing site wraps around an uploaded file.
_BOILERPLATE_START = re.compile(r"^(温馨提示|【?免责声明|下载说明|本文档由用户上传|原创力文档|文档下载)")
_BOILERPLATE_LINE = re.compile(
    r"(下载|预览|客服|版权|本站|上传|文档|付费|侵权|投诉|网站|会员|VIP|积分|举报)", re.I)

_CN_NUM = "零〇一二三四五六七八九十百"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# The number of a heading at the start of a line (the styles of structure.py).
_HEADING_NUMBER = (rf"(?:#{{1,6}}\s*)?(?:第[{_CN_NUM}\d]{{1,4}}[章节条编]|第[{_CN_NUM}\d]{{1,4}}部分"
                   rf"|[{_CN_NUM}]{{1,3}}[、.]|[（(][{_CN_NUM}\d]{{1,3}}[）)][、.]?|\d{{1,3}}[、.](?!\d)|\d{{1,3}}[）)]"
                   rf"|[{_CIRCLED}])")
_HEADING_START = re.compile(rf"^(?:{_HEADING_NUMBER}|附件|附表)")
# Paragraphs flattened into one line by web extraction, with a space where each one ended:
# after a sentence end ('…执行。 2022年是…'), or before a heading number that follows a word or a
# colon ('…责任分解 一、王丹县长牵头重点工作 1.全县生产总值…', '…负责以下工作: （一）…'). Chinese puts no
# space between sentences.
_SPACE_AFTER_SENTENCE = re.compile(r"(?:(?<=[。！？；])|(?<=[。！？；][”’」』）)]))[ \t]+(?=\S)")
_SPACE_BEFORE_HEADING = re.compile(
    rf"(?<=[\u4e00-\u9fff”’」』）):：])(?<![第按和及与至到、])[ \t]+(?=(?:{_HEADING_NUMBER})[:：]?[\u4e00-\u9fff“《（(])")
# '…分解方案 一、2023年全区…': a Chinese-numbered heading opening with a year or a figure
_SPACE_BEFORE_CN_HEADING = re.compile(
    rf"(?<=[\u4e00-\u9fff”’」』）)])(?<![第按和及与至到、])[ \t]+(?=(?:[{_CN_NUM}]{{1,3}}、|[（(][{_CN_NUM}]{{1,3}}[）)])\d)")
_BARE_NUMBER = re.compile(rf"^{_HEADING_NUMBER}$")
# A line ends a sentence or introduces a list: it is not the first half of a broken line.
_LINE_END = re.compile(r"[。！？；：!?;:]['\"”’）)]*$")


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A pinyin gloss a web converter wrote after a character ('重点(diǎn)', '个(gè)'): no part of the text
_PINYIN_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])[(（][a-zü]*[{_TONED}][a-zü{_TONED}]*[)）]")


_WORD_MARKS = re.compile(r"@{2,}")


def normalise_chars(text: str) -> str:
    """Character-level normalisation shared with `evaluate`, so gold quotes match cleaned text."""
    text = _FULLWIDTH_CHAR.sub(_half_width, text)  # (``text.translate(str.maketrans(_FULLWIDTH))``)
    if "(" in text:  # (glosses are half-width by now)
        text = _PINYIN_GLOSS.sub("", text)
    if "@@" in text:  # the word-boundary marks some copies keep ('就业促进规划@@》')
        text = _WORD_MARKS.sub("", text)
    return _CONTROL.sub("", text)


def _half_width(m: re.Match) -> str:
    return _FULLWIDTH[m.group()]


# An item number run into the line after a sentence or a note (`…增长7%以上。牵头责任单位：省发展改革委。2.固定
# 资产投资…`, `…（牵头单位：市科委）2.加快…`): web copies that drop the line breaks between numbered
# items. Groups: the number of each style (`1.`/`1、`, `（1）`, `一、`, `（一）`).
_RUN_IN_ITEM = re.compile(
    rf"(?P<end>[。；;！？!?][”’」』]?|[）)])"
    rf"(?=(?:(?P<ar>\d{{1,3}})[.、](?![\d%])|[（(](?P<arp>\d{{1,3}})[）)]|(?P<cn>[{_CN_NUM}]{{1,3}})、"
    rf"|[（(](?P<cnp>[{_CN_NUM}]{{1,3}})[）)])(?![{_CN_NUM}\d])[\u4e00-\u9fff“《（(])")
_LINE_ITEM = re.compile(rf"(?:(?P<ar>\d{{1,3}})[.、](?!\d)|[（(](?P<arp>\d{{1,3}})[）)]|(?P<cn>[{_CN_NUM}]{{1,3}})、"
                        rf"|[（(](?P<cnp>[{_CN_NUM}]{{1,3}})[）)])")
_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _item_value(m: re.Match) -> tuple[str, int] | None:
    """(style, value) of a matched item number; None for a Chinese numeral beyond 十九."""
    for style in ("ar", "arp", "cn", "cnp"):
        num = m.group(style)
        if num is None:
            continue
        if num.isdigit():
            return style, int(num)
        if num in _CN_VALUE:
            return style, _CN_VALUE[num]
        if len(num) == 2 and num[0] == "十" and num[1] in _CN_VALUE:
            return style, 10 + _CN_VALUE[num[1]]
        if len(num) == 2 and num[1] == "十" and num[0] in _CN_VALUE:
            return style, 10 * _CN_VALUE[num[0]]
        return None
    return None


def split_run_in_items(line: str) -> list[str]:
    """A line holding several numbered items run together, split before each one.

    An item number is taken where it follows a sentence end (or the bracket closing a note) and
    continues the numbering the line opens with: the next number after the line's own opening
    number or the last split (`1.…。2.…。3.…`). A list that opens inside a paragraph
    (`扎实办好“十件民生实事”。（1）…（2）…`) is the paragraph's, and a number that continues nothing
    (`…“十四五”）3个项目`) or runs into another numeral (`。二、三产业增加值…`) stays in its sentence."""
    last: dict[str, int] = {}
    opening = _LINE_ITEM.match(line)
    if opening:
        got = _item_value(opening)
        if got:
            last[got[0]] = got[1]
    cuts = []
    for m in _RUN_IN_ITEM.finditer(line):
        got = _item_value(m)
        if got is None:
            continue
        style, value = got
        if value == last.get(style, -1) + 1:
            cuts.append(m.end("end"))
            last[style] = value
    if not cuts:
        return [line]
    return [line[a:b] for a, b in zip([0] + cuts, cuts + [len(line)])]


# A page flattened to one line ('一、主要目标 2022年，全市新建…'): on such a line (not on a short
# line of PDF text, where spaces fall anywhere: '一、2021 年工作回顾') a numbered heading's title
# ends at the first space, if that comes before any punctuation
_FLATTENED_PAGE = 300
_SPACE_AFTER_TITLE = re.compile(rf"((?:^|(?<=\n))(?:{_HEADING_NUMBER})[^，。；：,;:！？!?\s]{{2,30}}?)[ \t]+(?=\S)")
_MAX_CELL = 300  # longer than any cell: a flattened page holding a few '|' of its header is no row
_MAX_TAB_CELL = 1000  # a tab never stands in running text, nor a row number before '|': a long task is a cell


def _is_table_row(line: str) -> bool:
    """A row of a table written on one line: two or more '|' (or tabs) up to its end (a short last
    cell at most) and no cell longer than a cell can be. A page flattened to one line holds its
    header's '|' near the start only."""
    for sep in ("|", "｜", "\t"):
        if line.count(sep) >= 2:
            cells = line.split(sep)
            ends_as_row = len(cells[-1].strip()) <= _LAST_CELL or _ROW_NUMBER_CELL.match(cells[0]) is not None
            first = cells[1] if not cells[0].strip() and len(cells) > 1 else cells[0]  # ('| 4 | …': markdown)
            numbered = _ROW_NUMBER_CELL.match(first) is not None  # '4 | a long task | 市政府办公室'
            limit = _MAX_TAB_CELL if sep == "\t" or numbered else _MAX_CELL
            return ends_as_row and max(len(cell) for cell in cells) <= limit
    return False


_LAST_CELL = 60
_ROW_NUMBER_CELL = re.compile(r"^\s*\d{1,3}\s*$")  # a row cut off at its end still opens with its number


_CELL_RULE = re.compile(r"^[|｜\s]+$|^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


def is_cell_rule(line: str) -> bool:
    """A line of a table that holds no cell: the '|' a web page's table leaves between cells
    written one per line (empty cells: '||'), or a markdown separator row ('|---|---|')."""
    return bool(line) and _CELL_RULE.match(line) is not None


_CELL_END = re.compile(r"\s*[|｜]\s*$")


def cell_line(line: str) -> str:
    """A cell a web table wrote on its own line followed by its separator ('教體局 |'): the cell.
    Only a line whose one '|' ends it; a row's cells ('a | b |') stay."""
    if line.endswith(("|", "｜")) and line.count("|") + line.count("｜") == 1:
        return _CELL_END.sub("", line)
    return line


# (a header cell may name a period: '1-7月', then wrapped onto the next line: '实际完成情况')
_SPACE_HEADER = re.compile(r"^\s*序\s?号(?:[ \t\u3000]+[\u4e00-\u9fff（）()]{2,12}){2,}"
                           r"(?:[ \t\u3000]+[\u4e00-\u9fff（）()%\d\-—~～]{2,12})*\s*$")
# a line of header names only, the header's continuation when it wrapped
_HEADER_MORE = re.compile(r"^[\u4e00-\u9fff（）()%]{2,12}(?:[ \t\u3000]+[\u4e00-\u9fff（）()%]{2,12})*$")
_BARE_PERIOD = re.compile(r"^\d{1,2}\s*[-—~～至]\s*\d{1,2}月$|^\d{1,2}月$|^(?:19|20)\d\d年$")
_SPACE_ROW = re.compile(r"^\s*\d{1,3}[ \t\u3000]+\S")
_SPACED_NAME = re.compile(r"(?<=[ \t\u3000])([\u4e00-\u9fff])[ \t\u3000]+([\u4e00-\u9fff])(?=[ \t\u3000]|$)")
_CELL_GAP = re.compile(r"[ \t\u3000]+")


_PIPE_LED = re.compile(r"^[|｜]\s*(?P<cell>[^|｜]+?)\s*$")
_OWNER_HEADER_CELL = re.compile(r"(?:牵头|责任|配合|参与|协办|主办|负责)(?:单位|部门)")


def pipe_led_rows(lines: list[str]) -> list[str]:
    """A web table written one cell a line, every cell after a row's first led by '|' ('工作要点',
    '| 工作任务', '| 牵头单位', '| 参与单位', then '打造产业旗舰。', '| 全面实施…', '| 市发改委'):
    each row on one line, 'a | b | c', as `grid` reads pipe rows. Only under a header of names
    of this shape with an owner column: elsewhere a line led by '|' is left as it is."""
    if not any(line.startswith(("|", "｜")) for line in lines):
        return lines
    led = [_PIPE_LED.match(line) for line in lines]
    out, i, in_table = [], 0, False
    while i < len(lines):
        j = i + 1
        while j < len(lines) and led[j]:
            j += 1
        if j - i >= 2 and not led[i] and "|" not in lines[i]:
            cells = [lines[i].strip()] + [m.group("cell") for m in led[i + 1:j]]
            if not in_table and all(len(c) <= 12 for c in cells) and any(_OWNER_HEADER_CELL.search(c) for c in cells):
                in_table = True  # the header row
            if in_table:
                out.append(" | ".join(cells))
                i = j
                continue
        out.append(lines[i])
        i += 1
    return out


_PART_CELL = re.compile(rf"^[{_CN_NUM}]{{1,3}}、")
_ITEM_CELL = re.compile(r"^\d{1,3}[.、．](?!\d)")


def split_heading_cells(lines: list[str]) -> list[str]:
    """A row whose first cell is a part heading merged over the rows below it ('一、做好财政信息
    公开。 | 7.积极推进… | 市财政局牵头 |'): the heading on a line of its own, the row after it."""
    out = []
    for line in lines:
        if " | " in line and _PART_CELL.match(line):
            head, rest = line.split(" | ", 1)
            if _ITEM_CELL.match(rest.lstrip()):
                out += [head.strip(), rest.strip()]
                continue
        out.append(line)
    return out


def space_table_rows(lines: list[str]) -> list[str]:
    """A table copied as text with spaces between its cells ('序号 工作任务 责任单位 完成时限', then
    '1 推进…工程。 县发改局 6月底前'): its header and the rows under it with as many cells as the
    header has columns (or up to two fewer: empty last cells) become 'a | b | c' rows (cleaning
    would join the cells); a header that wrapped onto lines of names is joined first. A row with
    more cells (a space inside a cell, as PDF text has) is kept only when owner or limit columns
    end the header (they are read from the right); else it is left alone. A table whose rows wrap (a
    cell of several units, one a line, then the row's last cell) is written one cell a line
    instead, the layout `grid` reads with cells that wrap; part headings between rows stay."""
    out, i = [], 0
    while i < len(lines):
        head = lines[i]
        if head.lstrip().startswith("序"):  # '单 位', '备  注': a name spaced out in its cell
            head = _SPACED_NAME.sub(r"\1\2", head)
        if not _SPACE_HEADER.match(head):
            out.append(lines[i])
            i += 1
            continue
        header = _CELL_GAP.split(head.strip())
        j = i + 1
        more = []  # a wrapped header: its names on up to 3 lines, then a row
        while j < len(lines) and len(more) < 3 and _HEADER_MORE.match(lines[j].strip()):
            more.append(lines[j].strip())
            j += 1
        if more and j < len(lines) and _SPACE_ROW.match(lines[j]):
            names = [c for line in more for c in _CELL_GAP.split(line)]
            if _BARE_PERIOD.match(header[-1]):  # '1-7月' + '实际完成情况': one column
                header[-1] += names.pop(0)
            header += names
        else:
            j = i + 1
        width = len(header)
        block, wrapped = [], False  # (line, its cells or None for a line kept as is)
        while j < len(lines):
            line = lines[j].strip()
            if _SPACE_ROW.match(line):
                cells = _CELL_GAP.split(line)
                block.append((lines[j], cells))
                j += 1
                if len(cells) < width:  # the row wraps: its last cells on the lines after it
                    count = len(cells)
                    while j < len(lines) and count < 2 * width and lines[j].strip() \
                            and not _SPACE_ROW.match(lines[j]) and not PART_HEADING.match(lines[j].strip()) \
                            and "|" not in lines[j] and not (count >= width and _ROW_END.search(block[-1][0])):
                        block.append((lines[j], None))
                        count += 1
                        j += 1
                    wrapped = wrapped or count >= width
                continue
            cells = _CELL_GAP.split(line) if line else []
            if max(3, width - 3) <= len(cells) < width and "|" not in line and not _ROW_END.search(line) \
                    and block and not PART_HEADING.match(line):
                block.append((lines[j], cells))  # a row's sub-item without a number of its own
                j += 1
                continue
            if line and len(line) > 2 and not PART_HEADING.match(line) or "|" in line:
                break  # the table is over
            block.append((lines[j], None))
            j += 1
        if wrapped:
            out.extend(header)
            for line, cells in block:
                out.extend(cells if cells is not None else [line])
        else:
            # a row short of cells at its end (an empty 备注) is still a row of the table; a row
            # with more (spaces inside its text, as PDF text has) keeps its number and its last
            # cells under the owner and limit columns that end the header, its text in one cell
            out.append(" | ".join(header))
            tail = _trailing_short_columns(header)
            for line, cells in block:
                if cells is not None and len(cells) > width and tail and _SPACE_ROW.match(line):
                    middle = width - 1 - tail
                    cells = [cells[0], " ".join(cells[1:len(cells) - tail])] + [""] * (middle - 1) + cells[-tail:]
                elif cells is not None and len(cells) > width and not tail and _SPACE_ROW.match(line) \
                        and _FREE_TEXT_COLUMN.search(header[-1]) and _ROW_END.search(cells[1]) \
                        and not any(_ROW_END.search(c) for c in cells[2:width - 1]):
                    # the row's task closes its sentence where the header says, the spaces are in
                    # its last cell, written as text ('一季度完成情况': '…增加值增长 11.9%')
                    cells = cells[:width - 1] + [" ".join(cells[width - 1:])]
                elif cells is not None and tail and max(3, width - 2) <= len(cells) < width \
                        and _SPACE_ROW.match(line) and _UNITISH.search(cells[-1]):
                    # short of its first text cells (merged over the rows above), not of its last
                    cells = cells[:1] + [""] * (width - len(cells)) + cells[1:]
                out.append(" | ".join(cells) if cells is not None and max(3, width - 2) <= len(cells) <= width
                           else line)
        i = j
    return out


_ROW_END = re.compile(r"[。；;]\s*$")


_UNITISH = re.compile(r"(?:局|委|办|厅|政府|管委会|中心|公司|集团|单位|部门|等)$")


# a last column of free text ('完成情况', '进展情况', '备注', '说明')
_FREE_TEXT_COLUMN = re.compile(r"(?:情况|进展|进度|备注|说明|成效)$")


def _trailing_short_columns(header: list[str]) -> int:
    """How many columns of owners, people or limits end the header ('牵头单位 参与单位 责任单位')."""
    n = 0
    for name in reversed(header):
        if column(name).kind not in ("owner", "person", "deadline"):
            break
        n += 1
    return n if n < len(header) - 1 else 0


def table_row(line: str) -> str:
    """A table row in one form, 'cell | cell | …': markdown's outer pipes go and tab separators
    become ' | ', so that cleaning a row's spacing never glues two cells together."""
    if "\t" in line.strip() and line.count("\t") >= 2 and "|" not in line:
        line = " | ".join(cell.strip() for cell in line.split("\t"))
    stripped = line.strip()
    if stripped.startswith(("|", "｜")):
        stripped = stripped[1:].lstrip()
    return stripped


_DOC_NUMBER_SPACES = re.compile(r"[ \t]+([\u4e00-\u9fff]{1,8}[〔\[［](?:19|20)\d\d[〕\]］]\d{1,4}号)[ \t]+")


def split_flattened(line: str) -> list[str]:
    """The paragraphs of a line that web extraction flattened, split where a space ends one or
    where a numbered item runs in after a sentence (`split_run_in_items`)."""
    parts = [line]
    if _is_table_row(line):
        return [table_row(line)]  # a table row written on one line ('1 | 任务。 | 毛晓青 | 县教体局 |'): its cells stay a row
    if " " in line or "\t" in line:
        flattened = len(line) > _FLATTENED_PAGE
        line = _SPACE_AFTER_SENTENCE.sub("\n", line)
        line = _SPACE_BEFORE_HEADING.sub("\n", line)
        line = _SPACE_BEFORE_CN_HEADING.sub("\n", line)
        if flattened:  # a whole page on one line: a heading's title ends at the space after it,
            # a document number stands on a line of its own ('…的通知 晋政发〔2006〕10号 各市…')
            line = _SPACE_AFTER_TITLE.sub(lambda m: m.group(1) + "\n", line)
            line = _DOC_NUMBER_SPACES.sub(lambda m: "\n" + m.group(1) + "\n", line)
        parts = line.split("\n")
    if not _RUN_IN_ITEM.search(line):  # (most lines: no number after a sentence end)
        return parts
    return [piece for part in parts for piece in split_run_in_items(part)]


def tidy_spacing(line: str) -> str:
    """Removes the spaces of PDF/web extraction from one line: next to Chinese characters and
    punctuation, inside a number set digit by digit, before %; spaces between Latin words and
    between numbers ('Open Data', '2021-01-01 10:00', '2020 2021') stay (runs become one)."""
    if " " not in line and "\t" not in line:  # (every pattern here needs one: most lines)
        return line
    line = _SPACED_DIGITS.sub(lambda m: _SPACES.sub("", m.group()), line)
    line = _SPACE_NEAR_CJK.sub("", line)
    line = _SPACE_BEFORE_PERCENT.sub("", line)
    return _SPACES.sub(" ", line)


def is_page_furniture(line: str) -> bool:
    """A page number or running footer line of a PDF ('- 3 -', '第 3 页 共 10 页')."""
    return bool(_PAGE_FURNITURE.match(line.strip()))


def _width(line: str) -> int:
    """Printed width: a Chinese character or punctuation mark (“” … — included) counts two,
    ASCII one, as a Chinese page lays them out."""
    if line.isascii():
        return len(line)
    if max(line) > "\uffff":  # (rare: characters beyond the BMP, counted one by one)
        return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in line)
    return 2 * len(line) - len(_narrow_bmp().findall(line))  # len + the wide ones


@lru_cache(maxsize=1)
def _narrow_bmp() -> re.Pattern:
    """One character of the BMP that is not wide: a Chinese line holds few (digits, Latin), so
    finding them is one C scan (a translation table deleting the wide ones looked every
    character up, and built a new line)."""
    wide = [i for i in range(0x10000) if unicodedata.east_asian_width(chr(i)) in "WFA"]
    ranges, lo = [], wide[0]
    for prev, i in zip(wide, wide[1:] + [None]):
        if i != prev + 1:
            ranges.append(f"{re.escape(chr(lo))}-{re.escape(chr(prev))}" if prev > lo else re.escape(chr(lo)))
            lo = i
    return re.compile("[^" + "".join(ranges) + "]")


def _layout_width(lines: list[str]) -> int | None:
    """The page width of a hard-wrapped (PDF) text, or None when its lines are paragraphs.

    Broken at the page width, most long lines have the same printed width (0.71 of them in a
    PDF-extracted policy; at most 0.25 in 250 web and word-processor texts, whose paragraphs vary
    in length), and many of them stop in mid-sentence. A line repeated word for word is no
    evidence: a page breaks different text at its width, while a recurring field of a task list
    (`牵头领导：省政府分管领导同志` under every item) has one width and no full stop each time.
    """
    counts = Counter(lines)
    lines = [line for line in lines if counts[line] == 1]
    widths = [_width(line) for line in lines if len(line) >= 15]
    if len(widths) < 10:
        return None
    width, _ = Counter(widths).most_common(1)[0]
    if sum(1 for w in widths if _full_width(w, width)) < 0.4 * len(widths):
        return None
    broken = sum(1 for line, nxt in zip(lines, lines[1:])
                 if _full(line, width) and not _LINE_END.search(line)
                 and not _HEADING_START.match(line) and not _HEADING_START.match(nxt))
    return width if broken >= 5 and broken >= 0.2 * len(widths) else None


def _full_width(w: int, width: int) -> bool:
    # give or take a paragraph indent (two characters), a character pushed to the next line and
    # a wide gap extraction made one space; ASCII a little wider than half a character
    return width - 7 <= w <= width + 4


def _full(line: str, width: int) -> bool:
    """The line fills the page width."""
    return _full_width(_width(line), width)


def _join_lines(lines: list[str]) -> list[str]:
    """Joins a line broken at the page width to the next, and a heading number standing alone
    to its title on the next line. Lines are stripped, with their raw spacing."""
    width = _layout_width(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = last = lines[i]
        while i + 1 < len(lines) and not _HEADING_START.match(lines[i + 1]) and (
                _BARE_NUMBER.match(last)
                or (width is not None and _full(last, width) and not _LINE_END.search(last)
                    and not _is_table_row(last) and not _is_table_row(lines[i + 1]))):  # (rows keep their lines)
            last = lines[i + 1]
            # a Latin word broken at the line end is the one place a space is needed
            latin = line[-1].isascii() and line[-1].isalpha() and last[0].isascii() and last[0].isalpha()
            line += (" " if latin else "") + last
            i += 1
        out.append(line)
        i += 1
    return out


def _split_run_in_heading(m: re.Match) -> str:
    """'**（三）标题。**正文' → '（三）标题。' and '正文' on two lines, for a numbered heading only."""
    if not re.match(_HEADING_NUMBER, m.group(2)) or re.search(r"[，,、；;]$", m.group(2)):
        return m.group()  # not a heading, or bold running into the middle of a sentence
    return m.group(1) + m.group(2) + "\n"


def _front_matter(text: str) -> tuple[dict, str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip().strip("'\"")
    return meta, text[m.end():]


def _drop_boilerplate(lines: list[str]) -> list[str]:
    """Drops a download-site notice block (温馨提示 … 网站客服) near the top of the file."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i < 40 and _BOILERPLATE_START.match(lines[i]):
            i += 1
            while i < len(lines) and i < 60 and (
                    _BOILERPLATE_LINE.search(lines[i]) and len(lines[i]) < 120):
                i += 1
            continue
        out.append(lines[i])
        i += 1
    return out


_SHORT = re.compile(r"^[\u4e00-\u9fff0-9A-Za-z]{1,6}$")
_DOC_TYPE_END = re.compile(r"(要点|计划|方案|报告|意见|通知|规划|清单|办法|纲要|决定|细则|总结)$")


def _join_broken_title(lines: list[str]) -> list[str]:
    """Joins a title set one word per line ('团市委' / '2023' / '工作' / '要点') near the top."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while i < 12 and j < len(lines) and _SHORT.match(lines[j]):
            j += 1
        joined = "".join(lines[i:j])
        if 3 <= j - i <= 8 and _DOC_TYPE_END.search(joined):
            out.append(joined)
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def clean_text(raw: str) -> tuple[str, dict]:
    """Returns the cleaned text and the markdown front matter (empty when none)."""
    text = normalise_chars(raw.replace("\r\n", "\n"))
    meta, text = _front_matter(text)
    text = _RUN_IN_HEADING.sub(_split_run_in_heading, text)
    text = _BOLD.sub("", text)
    if "序" in text:
        text = "\n".join(space_table_rows(text.split("\n")))
    lines = [part.strip() for line in text.split("\n") for part in split_flattened(line.strip())]
    lines = [cell_line(line) for line in lines if line and not is_page_furniture(line) and not is_cell_rule(line)]
    lines = split_heading_cells(pipe_led_rows(lines))
    lines = [tidy_spacing(line) for line in _join_lines(lines)]
    lines = _join_broken_title(_drop_boilerplate([line for line in lines if line]))
    return "\n".join(lines) + ("\n" if lines else ""), meta


def clean(doc: Document) -> Document:
    doc.text, doc.front_matter = clean_text(doc.raw_text)
    return doc
