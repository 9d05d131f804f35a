"""Owners and deadlines in a table flattened to one cell per line (tasks too long for a
cell-run table).

A 责任分解表 copied from a web page or a PDF often comes out as one cell per line: the header
(`序号` / `目标名称` / `工作标准` / `分管领导` / `牵头单位` / `配合单位`), then per row the task, the
leader's name and the units, a merged cell written only once. The task lines are sentences of
their own; the unit lines under them are its owner cells. Read only where the header names an
owner column on a line of its own, so a unit named alone on a line elsewhere is never an owner.
Likewise a `完成时限` column: the time cell under a task (`12月底前`, `9月投入使用`, `2016年12月`)
is its deadline, though alone it would be no sentence of any commitment.
"""
from __future__ import annotations

import calendar
import re
from functools import lru_cache
from typing import Callable, Optional

from pipeline.records import Commitment, Deadline, Document, Owner
from pipeline.stages.grid import Column, Grid, Row, is_text_cell

_OWNER_COLUMN = re.compile(r"^\s*(牵头|责任|配合|协办|主办|参与)\s*(?:单位|部门|处室|科室|股室)(?:[（(](?:单位|部门)[）)])?\s*$",
                           re.M)
_PERSON = re.compile(r"^[\u4e00-\u9fff](?:\s?[\u4e00-\u9fff]){1,3}$")  # '王旭锋', '吴 伟'
_CONTINUED = re.compile(r"^[（(][^（）()]{1,12}[）)]$")  # '高新园' / '(邹区镇)': one cell over two lines
_MAX_CELLS = 12


# In an owner column every name is a unit, one the name grammar leaves to context included: the
# zone of the place itself ('经开区', '高新园'), written by its kind.
_CELL_UNIT = re.compile(r"^[\u4e00-\u9fff]{1,10}[局委办区园镇街厅部会司院所队站馆股科处室]$")


def cell_units(line: str, start: int, split_units: Callable) -> list | None:
    """The units of an owner cell (`A、B`, `统计局`, `经开区`), else None."""
    found = split_units(line, start, "list")
    if found and all(k in ("org", "place", "generic") for *_x, k in found):
        return found
    if _CELL_UNIT.match(line):
        return [(line, start, start + len(line), "typed")]
    return None


# a table's legend marks its lead unit ('★区发改委、统计局' under '责任单位', '注：标★的为牵头单位')
_LEAD_MARKS = "★☆▲△*＊"


def _unmarked(line: str) -> tuple[str, int]:
    """The cell without its lead mark, and how many characters the mark took (0: none)."""
    rest = line.lstrip(_LEAD_MARKS)
    if len(rest) == len(line):
        return line, 0
    body = rest.lstrip()
    return body, len(line) - len(body)


def is_cell_line(line: str, split_units: Callable) -> bool:
    """A line that is only an owner cell, a person's name or the second line of a cell."""
    line = _unmarked(line.strip())[0]
    return bool(line) and (_PERSON.match(line) is not None and cell_units(line, 0, split_units) is None
                           or _CONTINUED.match(line) is not None or cell_units(line, 0, split_units) is not None)


def _lines_after(text: str, end: int) -> list[tuple[int, int]]:
    """(start, end) of the lines after the line that holds `end`."""
    out = []
    pos = text.find("\n", end)
    while pos >= 0 and len(out) < _MAX_CELLS * 2:
        nxt = text.find("\n", pos + 1)
        stop = len(text) if nxt < 0 else nxt
        if stop > pos + 1:
            out.append((pos + 1, stop))
        pos = nxt
    return out


def owner_table(doc: Document) -> Optional[tuple[int, list[str]]]:
    """(where the header's first owner column stands, the owner columns in order: '牵头', '配合')
    of a cell-per-line table, or None when the text has no such header."""
    if "单位" not in doc.text and "部门" not in doc.text and "室" not in doc.text:
        return None
    cols = list(_OWNER_COLUMN.finditer(doc.text))
    return (cols[0].start(), [m.group(1) for m in cols]) if cols else None


def cell_owners(doc: Document, c: Commitment, split_units: Callable, table: tuple[int, list[str]]) -> list[Owner]:
    """The unit cells under task `c` (up to the next line that is neither a unit, a person's
    name, nor the second line of a cell); the first unit leads where the header has a 牵头 column,
    the others support where it has a 配合 one. ``table``: `owner_table(doc)`, read once."""
    text = doc.text
    header_start, columns = table
    if c.start < header_start or text[c.end:c.end + 1] not in ("\n", ""):
        return []  # before the table (a notice, its signature) or not ending its line: not a cell
    units: list[Owner] = []
    marked: list[Owner] = []  # the first unit of each cell the table marks as lead
    for a, b in _lines_after(text, c.end):
        line = text[a:b].strip()
        if _CONTINUED.match(line) and units and units[-1].end == a - 1:
            last = units[-1]
            units[-1] = Owner(last.name + line, last.role, last.source, last.start, b)
            continue
        line, mark = _unmarked(line)
        found = cell_units(line, a + text[a:b].index(line[:1]), split_units) if line else None
        if found:
            new = [Owner(n, "responsible", "explicit", s, e) for n, s, e, k in found if k != "generic"]
            marked += new[:1] if mark else []
            units += new
            continue
        if _PERSON.match(line) or is_time_cell(line):
            continue  # the leader in charge (a person is never an owner), the 完成时限 cell
        break
    if not units:
        return []
    if marked:  # the legend's mark names the lead; the other units of the row support it
        _marked_lead(units, marked)
    elif "牵头" in columns:
        units[0].role = "lead"
        if "配合" in columns or "协办" in columns:
            for o in units[1:]:
                o.role = "support"
    return units


_DEADLINE_COLUMN = re.compile(r"^\s*(?:完成|办结)?(?:时限|时间|期限)(?:要求|节点)?\s*$|^\s*时间节点\s*$", re.M)
# a time cell alone: in a 完成时限 column a bare month, a month range, a half or quarter of the year,
# or the year's end is the limit ('2016年12月', '6月份', '3—10月', '下半年', '第三季度', '全年')
_BARE_TIME = re.compile(r"^(?:(?P<y>(?:19|20)\d\d)\s*年\s*)?(?:(?:\d{1,2}\s*月?\s*[-—–~～至到]\s*)?"
                        r"(?P<m>1[0-2]|0?[1-9])\s*月(?:份)?(?:底|末|下旬)?"
                        r"|(?P<half>上半年|下半年)|(?:第)?(?P<q>[一二三四1-4])季度(?:末)?|(?P<ye>年底|年末|年内|全年|底))"
                        r"\s*(?:前|之前|以前)?$")
_QUARTER = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_ROW_NUMBER = re.compile(r"^\d{1,3}$")


def deadline_table(doc: Document) -> Optional[int]:
    """Where the header's deadline column stands in a cell-per-line table, else None. Only a
    table that has an owner or task column too: a line `完成时间` alone elsewhere is no header."""
    if "时" not in doc.text and "期限" not in doc.text:
        return None
    m = _DEADLINE_COLUMN.search(doc.text)
    if m is None or owner_table(doc) is None and "序号" not in doc.text[max(0, m.start() - 200):m.start()]:
        return None
    return m.start()


def _bare_time(line: str, plan_year: int) -> Optional[str]:
    m = _BARE_TIME.match(line)
    if m is None:
        return None
    year = int(m.group("y") or plan_year)
    month = int(m.group("m")) if m.group("m") else _QUARTER[m.group("q")] if m.group("q") \
        else 6 if m.group("half") == "上半年" else 12
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


_TIME_CELL = re.compile(r"^(?:(?:19|20)\d\d\s*年\s*)?(?:\d{1,2}\s*月(?:份)?(?:底|末|上旬|中旬|下旬)?|年底|年末|年内|全年|长期|持续推进|"
                        r"(?:上|下)半年|(?:第)?[一二三四1-4]季度(?:末)?)(?:前|之前)?"
                        r"(?:完成|动工|开工|投入使用|建成|竣工|启动|投用|实施)?$")


def is_time_cell(line: str) -> bool:
    """A cell of a 完成时限 column: a time ('12月底前', '9月投入使用', '长期'). (It stays a
    commitment of its own, the deadline of its row: annotators quote the cell.)"""
    return _TIME_CELL.match(line.strip()) is not None


def cell_deadlines(doc: Document, c: Commitment, header_start: int, starts: frozenset[int],
                   find: Callable) -> list[Deadline]:
    """The time cell under task `c`: the first line after it that reads as a limit, passing over
    its unit and person cells; none past the next task (a commitment's line, a row number, a
    line ending a sentence). ``find``: deadlines.find_deadlines bound to the plan year."""
    text = doc.text
    if c.start < header_start or text[c.end:c.end + 1] not in ("\n", "") or doc.year is None:
        return []
    for a, b in _lines_after(text, c.end):
        line = text[a:b].strip()
        if not line:
            continue
        at = a + text[a:b].index(line[:1])
        found = find(line)
        if found:
            for d in found:
                d.start, d.end = d.start + at, d.end + at
            return found
        date = _bare_time(line, doc.year)
        if date:
            return [Deadline(raw=line, date=date, start=at, end=at + len(line), kind="by")]
        if at in starts or _ROW_NUMBER.match(line) or line[-1] in "。；;" or len(line) > 40:
            return []
    return []


# ---------------------------------------------------------------- a table read as a grid

_CONTENT_SHARE = 0.6  # of a column's cells that must be units for the column to name owners


@lru_cache(maxsize=64)  # (grids are immutable; every row of a grid asks)
def _content_owner_columns(grid: Grid, unit_list: Callable) -> frozenset[int]:
    """Columns named for nothing in particular (`备注`, `说明`) whose cells are units in most rows
    (`人力资源社会保障局`, `交通局`, …): in a table with no owner column they name each row's
    owner."""
    found = set()
    for k, col in enumerate(grid.columns):
        if col.kind != "other":
            continue
        cells = [c for r in grid.rows for c in r.cells if c.column == k and c.text.strip()]
        units = sum(bool(unit_list(c.text.strip(), c.start)) for c in cells)
        if len(cells) >= 2 and units >= _CONTENT_SHARE * len(cells):
            found.add(k)
    return frozenset(found)


def grid_owners(grid: Grid, row: Row, unit_list: Callable) -> list[Owner]:
    """The units under a grid row's owner columns, each with its column's role (牵头 leads, 配合
    supports, 责任 is responsible); a ★ names the lead of its cell. A row that does not line up
    with its header reads the unit cells after its task (`_unaligned_owners`). A table with no
    owner column may hold its units in a column of notes (`_content_owner_columns`)."""
    cells = grid.cells_of(row, "owner")
    if not cells and not any(c.kind == "owner" for c in grid.columns):
        content = _content_owner_columns(grid, unit_list)
        col = lambda k: Column(grid.columns[k].name, "owner", role="responsible")  # noqa: E731
        cells = [(c, col(c.column)) for c in row.cells if c.column in content]
        last = len(grid.columns) - 1
        if not cells and last in content and row.cells and row.cells[-1].column is None:
            cells = [(row.cells[-1], col(last))]  # a row that does not line up: its last cell
    if not cells and any(c.column is None for c in row.cells):
        return _unaligned_owners(grid, row, unit_list)
    out: list[Owner] = []
    marked = []
    for cell, column in cells:
        text, mark = _unmarked(cell.text)
        units = unit_list(text, cell.start + mark) if text else None
        if not units and text and " " in text.strip():
            units = _without_persons(text, cell.start + mark, unit_list)  # '市民政局 伍泽国'
        if not units and text and _HEADS_TOO.search(column.name):
            units = _before_person(text, cell.start + mark, unit_list)  # '市民政局伍泽国'
        if not units:
            continue
        new = [Owner(n, column.role, "explicit", a, b) for n, a, b, k in units
               if k != "generic" and all(n != o.name for o in out)]
        marked += new[:1] if mark else []
        out += new
    return _marked_lead(out, marked)


def _without_persons(text: str, offset: int, unit_list: Callable) -> Optional[list]:
    """The units of a cell that names each unit's head after it ('牵头单位及主要负责人':
    '市民政局 伍泽国'): the pieces that are not a person's name, read as units."""
    out = []
    for m in re.finditer(r"\S+", text):
        units = unit_list(m.group(0), offset + m.start())
        if units:
            out += units
        elif not _PERSON.match(m.group(0)):
            return None
    return out or None


_HEADS_TOO = re.compile(r"负责人|责任人")


def _before_person(text: str, offset: int, unit_list: Callable) -> Optional[list]:
    """A unit and its head's name joined ('市民政局伍泽国', spaces lost): the unit, when the
    column names both ('牵头单位及主要负责人') and the last two or three characters are no unit."""
    for k in (3, 2):
        head, person = text[:-k], text[-k:]
        if len(head) >= 3 and _PERSON.match(person) and not unit_list(person, 0):
            units = unit_list(head, offset)
            if units:
                return units
    return None


def _marked_lead(units: list[Owner], marked: list[Owner]) -> list[Owner]:
    """The units a table's legend marks (★) lead; the others of the row support them."""
    for o in units if marked else ():
        o.role = "lead" if any(o is m for m in marked) else "support"
    return units


def _unaligned_owners(grid: Grid, row: Row, unit_list: Callable) -> list[Owner]:
    """A row whose cells do not line up with the header (merged cells, two units on two lines):
    the cells after its task that are units, as `cell_owners` reads them under a task."""
    roles = {c.role for c in grid.columns if c.kind == "owner"}
    if not roles:
        return []
    out: list[Owner] = []
    marked: list[Owner] = []
    seen_task = False
    no_task = not any(is_text_cell(c.text) for c in row.cells)
    for i, cell in enumerate(row.cells):
        if not seen_task:  # (the row's task, or without one its name, comes first: no owner cell)
            seen_task = is_text_cell(cell.text) or no_task and i >= 1
            if not seen_task or is_text_cell(cell.text):
                continue
        text, mark = _unmarked(cell.text)
        if not text or _PERSON.match(text) and cell_units(text, 0, unit_list_mode(unit_list)) is None:
            continue
        units = cell_units(text, cell.start + mark, unit_list_mode(unit_list))
        if units and no_task and any(k not in ("org", "generic") for *_x, k in units):
            continue  # a row without a task sentence: a place's cell is where, not who
        new = [Owner(n, "responsible", "explicit", a, b) for n, a, b, k in units or ()
               if k != "generic" and all(n != o.name for o in out)]
        marked += new[:1] if mark else []
        out += new
    if marked:
        return _marked_lead(out, marked)
    if out and "lead" in roles:
        out[0].role = "lead"
        for o in out[1:]:
            o.role = "support" if "support" in roles else "responsible"
    return out


def unit_list_mode(unit_list: Callable) -> Callable:
    """`cell_units` calls its reader with a mode; a cell-list reader takes none."""
    return lambda text, start, _mode="list": unit_list(text, start)


_YEAR_CELL = re.compile(r"^(?:(?:19|20)\d\d\s*年?\s*[-—–~～至到]\s*)?(?P<y>(?:19|20)\d\d)\s*年?$")  # '2024', '2022-2023年'
# the end of a period: '2023.01-2023.12', '2023年1月—12月', '2023.3-2023.10'
_PERIOD_END = re.compile(r"[-—–~～至到]\s*(?:(?P<y>(?:19|20)\d\d)\s*[.．/年])?\s*(?P<m>1[0-2]|0?[1-9])\s*月?(?:底|末)?$")


def grid_deadlines(grid: Grid, row: Row, plan_year: Optional[int], find: Callable) -> list[Deadline]:
    """The limit in a grid row's deadline column: a limit as written ('2023年12月底前'), a bare
    month or quarter (`_bare_time`), a year alone (its end: a 建设时间 of '2024'), the end of a
    period ('2023.01-2023.12')."""
    out: list[Deadline] = []
    cells = [c for c, _column in grid.cells_of(row, "deadline")]
    if not cells and any(c.kind == "deadline" for c in grid.columns):  # not lined up: any time cell
        cells = [c for c in row.cells if c.column is None and not is_text_cell(c.text)
                 and (is_time_cell(c.text) or _YEAR_CELL.match(c.text) or _PERIOD_END.search(c.text))]
    for cell in cells:
        out += limit_value(cell.text, cell.start, plan_year, find)
    return out


_RANGE_START = re.compile(r"^(?:(?:19|20)\d\d\s*[.．/年]\s*)?(?:1[0-2]|0?[1-9])\s*月?\s*(?:份|初|上旬|中旬)?\s*[-—–~～至到]")
# a date written with dots or dashes: '2023.10', '2023-12', '2023.6.30'
_DOTTED = re.compile(r"^(?P<y>(?:19|20)\d\d)\s*[.．/\-]\s*(?P<m>1[0-2]|0?[1-9])(?:\s*[.．/\-]\s*(?P<d>[1-3]?\d))?(?:前|之前)?$")


def limit_value(line: str, start: int, plan_year: Optional[int], find: Callable) -> list[Deadline]:
    """The limits of the text a deadline column's cell or a time-limit label (`完成时限：`) holds:
    a limit as written ('2023年12月底前'), a bare month, quarter or half (`_bare_time`), a year
    alone (its end), the end of a period ('2023.01-2023.12'), a date with dots ('2023.10')."""
    period = _PERIOD_END.search(line)
    found = [] if period and _RANGE_START.match(line) else find(line)  # ('2023年6月至12月': its end)
    if found:
        for d in found:
            d.start, d.end = d.start + start, d.end + start
        return found
    date = None
    year = _YEAR_CELL.match(line)
    dotted = _DOTTED.match(line)
    if year:
        date = f"{year.group('y')}-12-31"
    elif dotted:
        y, m = int(dotted.group("y")), int(dotted.group("m"))
        day = int(dotted.group("d")) if dotted.group("d") else calendar.monthrange(y, m)[1]
        date = f"{y:04d}-{m:02d}-{day:02d}" if day <= calendar.monthrange(y, m)[1] else None
    elif period and (period.group("y") or plan_year):
        y, m = int(period.group("y") or plan_year), int(period.group("m"))
        date = f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
    elif plan_year is not None:
        date = _bare_time(line, plan_year)
    return [Deadline(raw=line, date=date, start=start, end=start + len(line), kind="by")] if date else []
