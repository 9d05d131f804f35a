"""A task table flattened one cell per line, read as a grid: its header's columns, its rows
(each from its row number to the next) and each row's cells under their columns.

Web pages and PDFs turn a 民生实事项目表 or a 任务分解表 into one cell per line: `序号`, the column
names (a long name wrapped over lines: `建设起` / `止年限`, `总投资` / `(万元)`), then per row its
number, its name, its task (a sentence), its time, value and unit cells. Read as a grid, a row is
one commitment whose cells are known by their column: the owners under 责任单位, the limit under
建设时间 / 完成时限, the amount under 年度投资(万元). A table written a row a line with '|' (a
`序号 | …` header, rows `1 | …`) is read the same way (`_pipe_grids`). Only tables whose rows hold
a task written as a sentence are read here; a table of short cells (indicators) is
`sentences._table_rows`' part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

_HEADER_START = re.compile(r"^序\s*号$")
_ROW_NUMBER = re.compile(r"^\d{1,3}$")
_HEADER_CELL_MAX = 16
# a cell that is a figure alone ('1022', '117.6%'): a result, a rate or a goal of a row
BARE_FIGURE = re.compile(r"^\d+(?:\.\d+)?\s*(?:%|％)?$")
# a part heading between rows ('（二）…', '二、…') ends the row before it; an item number inside a
# row ('(1)地区生产总值…') makes its cells several tasks, no grid row
PART_HEADING = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)")
_ITEM = re.compile(r"^(?:[（(]\d{1,2}[）)]|\d{1,2}[.、](?!\d))")
_TASK_MIN = 30  # a cell this long is text, not a name or a value
_SENTENCE_END = re.compile(r"[。；;]$")
# a column name's last word: a fragment without one goes on on the next line ('建设起' / '止年限')
_NAME_END = re.compile(r"(?:单位|部门|处室|科室|股室|来源|年限|时限|时间|期限|节点|内容|名称|计划|目标|领导|责任人|负责人"
                       r"|进度|地点|规模|投资|金额|序号|备注|措施|任务|标准|要求|事项|分值|项目|指标|目标值|类别|性质|方式|工程)$")
_UNIT_NOTE = re.compile(r"[（(]\s*(?P<unit>万元|亿元|元|千元|公里|万平方米|平方米|亩|万亩|个|人|%)\s*[）)]")
_MULT = {"万元": (1e4, "元"), "亿元": (1e8, "元"), "千元": (1e3, "元"), "元": (1.0, "元"),
         "万平方米": (1e4, "平方米"), "万亩": (1e4, "亩")}
_UNIT_COLUMN = re.compile(r"(?:计量|数量)?单\s*位")
_OWNER_COLUMN = re.compile(r"(?P<role>牵头|主办|配合|协办|参与|责任|实施|承办|负责)\s*(?:责任|负责)?\s*(?:单位|部门|处室|科室|股室)")
_ROLE = {"牵头": "lead", "主办": "lead", "配合": "support", "协办": "support", "参与": "support"}
_PERSON_COLUMN = re.compile(r"领导|责任人|负责人|联系人")
_DEADLINE_COLUMN = re.compile(r"时限|完成时间|时间节点|建设时间|实施时间|起止年限|建设年限|建设期限|完成期限|办结时间")
# what has been done so far ('上半年推进情况', '一季度进展情况', '落实进展情况', '完成情况'): results
PROGRESS_COLUMN = re.compile(r"(?:推进|进展|完成|落实|执行|办理)情况$|进展$|^(?:累计|实际|已)完成|完成率|(?:累计|完成)进度$"
                             r"|^(?:落实|完成|进展|推进|进度|执行)(?:情况|进度|进展)$")
_TASK_COLUMN = re.compile(r"内容|任务|措施|目标|标准|要求|事项|工作")
_NAME_COLUMN = re.compile(r"名称|项目")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # 'number', 'name', 'task', 'owner', 'person', 'deadline', 'progress', 'value', 'size', 'unit', 'other'
    role: str = ""  # an owner column's role: 'lead', 'support', 'responsible'
    unit: Optional[str] = None  # a value column's unit ('元' for '(万元)') and its multiplier
    mult: float = 1.0


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str
    column: Optional[int]  # index into Grid.columns; None where the row does not line up


@dataclass(frozen=True)
class Row:
    number: str  # '' in a table without row numbers
    start: int  # the row number's line
    end: int
    cells: tuple[Cell, ...]  # the lines after the number (the cells after the first, a row a line)


@dataclass(frozen=True)
class Grid:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def cells_of(self, row: Row, kind: str) -> list[tuple[Cell, Column]]:
        """The cells of `row` under columns of `kind`."""
        return [(c, self.columns[c.column]) for c in row.cells
                if c.column is not None and self.columns[c.column].kind == kind]

    def task_cells(self, row: Row) -> list[Cell]:
        """The cells of `row` written as text (a task), not a name or a value."""
        return [c for c in row.cells if is_text_cell(c.text)]


def is_text_cell(cell: str) -> bool:
    """A cell written as text (a task sentence, or too long for a name or a value)."""
    return len(cell) > _TASK_MIN or _SENTENCE_END.search(cell) is not None


def column(name: str) -> Column:
    unit = _UNIT_NOTE.search(name)
    bare = _UNIT_NOTE.sub("", name).strip()
    if _HEADER_START.match(bare):
        return Column(bare, "number")
    if _UNIT_COLUMN.fullmatch(bare):  # '单位' alone: the unit of the row's figures ('万人', '公里')
        return Column(bare, "unit")
    owner = _OWNER_COLUMN.search(bare)
    if owner:
        return Column(bare, "owner", role=_ROLE.get(owner.group("role"), "responsible"))
    if _PERSON_COLUMN.search(bare):
        return Column(bare, "person")
    if _DEADLINE_COLUMN.search(bare):
        return Column(bare, "deadline")
    if PROGRESS_COLUMN.search(bare):
        return Column(bare, "progress")
    if unit:
        mult, base = _MULT.get(unit.group("unit"), (1.0, unit.group("unit")))
        # a project's total size ('总投资', '总规模') describes it; the year's amount is delivered
        return Column(bare, "size" if bare.startswith("总") else "value", unit=base, mult=mult)
    if _TASK_COLUMN.search(bare):
        return Column(bare, "task")
    if _NAME_COLUMN.search(bare):
        return Column(bare, "name")
    return Column(bare, "other")


_WHOLE_NAMES = frozenset({"备注", "备 注", "说明", "序号"})


def _header(names: list[str]) -> list[str]:
    """Column names with their wrapped pieces joined: a bracket alone ('(万元)') and a fragment
    whose join ends a column name ('建设起' + '止年限', '责任' + '单位')."""
    out: list[str] = []
    for name in names:
        ended = bool(out) and (out[-1][-1:] in "）)" or _NAME_END.search(out[-1]) is not None)
        # '责任单位' after '民生实事' is a column of its own; after '区政府' it ends that one
        whole = column(name).kind not in ("other", "number", "unit") and len(out[-1] if out else "") > 3 \
            or name in _WHOLE_NAMES  # ('占年任务之比' + '备注': two columns)
        if name == "单位":  # '责任' + '单位' one owner column; '考核指标', '单位' two columns
            whole = not (out and _OWNER_COLUMN.search(out[-1] + name))
        if out and (name[:1] in "（(" or not ended and not whole and _NAME_END.search(out[-1] + name)):
            out[-1] += name
        else:
            out.append(name)
    return out


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append((pos + lead, pos + lead + len(stripped), stripped))
        pos += len(line) + 1
    return out


def _align(cells: list[tuple[int, int, str]], columns: list[Column]) -> tuple[Cell, ...]:
    """The row's lines under the columns after 序号: one to one when they count the same; else
    around the task cell (lines before it under the columns before the task column, one name
    column taking them all; lines after it one to one when they count the same), the rest None."""
    rest = columns[1:]
    if len(cells) == len(rest):
        return tuple(Cell(a, b, t, i + 1) for i, (a, b, t) in enumerate(cells))
    if len(rest) < len(cells) <= 2 * len(rest) and not any(is_text_cell(t) for _a, _b, t in cells) \
            and not BARE_FIGURE.match(cells[len(rest)][2]):
        # a row of figures and its sub-item without a number ('提质改造农村公路 | 公里 | 168 | …'):
        # each under the columns one to one, the sub-item short of its last cells
        return tuple(Cell(a, b, t, i % len(rest) + 1) for i, (a, b, t) in enumerate(cells))
    task_col = next((i for i, c in enumerate(rest) if c.kind == "task"), None)
    task_at = next((i for i, (_a, _b, t) in enumerate(cells) if is_text_cell(t)), None)
    if task_col is None or task_at is None:
        return tuple(Cell(a, b, t, None) for a, b, t in cells)
    out: list[Cell] = []
    before, after = cells[:task_at], cells[task_at + 1:]
    cols_before, cols_after = list(range(1, task_col + 1)), list(range(task_col + 2, len(columns)))
    if len(before) == len(cols_before):
        out += [Cell(a, b, t, k) for (a, b, t), k in zip(before, cols_before)]
    elif len(cols_before) == 1:
        out += [Cell(a, b, t, cols_before[0]) for a, b, t in before]
    else:
        out += [Cell(a, b, t, None) for a, b, t in before]
    a, b, t = cells[task_at]
    out.append(Cell(a, b, t, task_col + 1))
    owners = [k for k in cols_after if columns[k].kind == "owner"]
    if len(after) == len(cols_after):
        out += [Cell(a, b, t, k) for (a, b, t), k in zip(after, cols_after)]
    elif len(after) > len(cols_after) and len(owners) == 1:
        # a cell of several units, one a line ('区林业局' / '区供销联社'): the lines the columns
        # before and after the owner column do not take are that cell's
        o = cols_after.index(owners[0])
        tail = len(cols_after) - o - 1
        spread = [k for k in cols_after[:o]] + [owners[0]] * (len(after) - len(cols_after) + 1) \
            + cols_after[o + 1:]
        units = after[o:len(after) - tail]
        rest = after[:o] + after[len(after) - tail:]
        # (only where the owner column follows the task and text cells follow it: a page that
        # leaves an empty cell out would shift a unit into another column)
        if o == 0 and all(not is_text_cell(t) for _a, _b, t in units) and all(is_text_cell(t) for _a, _b, t in rest):
            out += [Cell(a, b, t, k) for (a, b, t), k in zip(after, spread)]
        else:
            out += [Cell(a, b, t, None) for a, b, t in after]
    else:
        out += [Cell(a, b, t, None) for a, b, t in after]
    return tuple(out)


@lru_cache(maxsize=32)
def find_grids(text: str) -> tuple[Grid, ...]:
    """Every grid of the text: a `序号` line, column names, then rows numbered 1, 2, 3…, of which
    at least one holds a task sentence; pipe rows under a header (`_pipe_grids`)."""
    piped = "|" in text or "｜" in text
    if "序" not in text and not piped:
        return ()
    lines = _lines(text)
    grids: list[Grid] = []
    i = 0 if "序" in text else len(lines)
    while i < len(lines):
        if not _HEADER_START.match(lines[i][2]):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not _ROW_NUMBER.match(lines[j][2]) and len(lines[j][2]) <= _HEADER_CELL_MAX \
                and not _SENTENCE_END.search(lines[j][2]) and "，" not in lines[j][2] \
                and not PART_HEADING.match(lines[j][2]):
            j += 1
        names = [t for _a, _b, t in lines[i:j]]
        while j < len(lines) and PART_HEADING.match(lines[j][2]):
            j += 1  # '一、主要预期目标' between the header and the first row
        if j >= len(lines) or lines[j][2] != "1" or len(names) < 3:
            i += 1
            continue
        columns = [column(n) for n in _header(names)]
        rows, k, n = [], j, 1
        while k < len(lines) and lines[k][2] == str(n):
            shortest = max(2, len(columns) // 2)
            nxt = next((m for m in range(k + 1 + shortest, min(len(lines), k + 1 + 2 * len(columns)))
                        if lines[m][2] == str(n + 1)), None)
            stop = nxt if nxt is not None else min(len(lines), k + len(columns))
            stop = next((m for m in range(k + 2, stop) if PART_HEADING.match(lines[m][2])), stop)
            cells = lines[k + 1:stop]
            if not cells or any(_ITEM.match(t) for _a, _b, t in cells[1:]):
                rows = []  # rows holding numbered items ('(1)…', '(2)…' under a row's name): no one task
                break
            rows.append(Row(str(n), lines[k][0], cells[-1][1], _align(cells, columns)))
            k, n = stop, n + 1
            if nxt is None:
                break
        if rows and (any(is_text_cell(c.text) for r in rows for c in r.cells) or _progress_of_figures(columns)):
            grids.append(Grid(tuple(columns), tuple(rows)))
        i = max(k, i + 1)
    if piped:
        grids.extend(_pipe_grids(lines))
    return tuple(grids)


_PIPE = re.compile(r"[|｜]")


def _progress_of_figures(columns: list[Column]) -> bool:
    """A table of figures and their progress ('考核指标 | 单位 | 工作目标 | 已完成数'): a grid even
    when no cell is a sentence, as its rows are the year's tasks."""
    kinds = {c.kind for c in columns}
    return "progress" in kinds and "unit" in kinds


def _pipe_cells(line: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    """The cells of a row written on one line ('1 | 任务。 | 县发改局 | 6月底前 |'), with offsets;
    the empty ends of a markdown row dropped."""
    start, _end, text = line
    out, pos = [], 0
    for part in _PIPE.split(text):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        out.append((start + pos + lead, start + pos + lead + len(stripped), stripped))
        pos += len(part) + 1
    while out and not out[-1][2]:
        out.pop()
    while out and not out[0][2]:
        out.pop(0)
    return out


def _pipe_grids(lines: list[tuple[int, int, str]]) -> list[Grid]:
    """Tables written a row a line with '|': a header row opening with 序号, then rows whose first
    cell counts 1, 2, 3…; a row lines up with the header when it has as many cells, or fewer (its
    empty last cells)."""
    grids: list[Grid] = []
    i = 0
    while i < len(lines):
        head = _pipe_cells(lines[i]) if _PIPE.search(lines[i][2]) else []
        h = next((j for j, (_a, _b, t) in enumerate(head[:2]) if _HEADER_START.match(t)), None)
        if len(head) >= 3 and h is None and _names_with_owner_column(head):
            grid, k = _unnumbered_grid(lines, i, head)
            if grid is not None:
                grids.append(grid)
            i = max(k, i + 1)
            continue
        if len(head) < 3 or h is None:
            i += 1
            continue
        # ('大类 | 序号 | …': a group column before the numbers, its cell merged over its rows)
        columns = [column(t) for _a, _b, t in head]
        found, k, n = [], i + 1, 1
        while k < len(lines):
            cells = _pipe_cells(lines[k]) if _PIPE.search(lines[k][2]) else []
            if not cells:
                break
            at = h if len(cells) > h and cells[h][2] == str(n) else 0 if cells[0][2] == str(n) else None
            if at is not None and len(cells) - at >= 3:
                found.append((str(n), lines[k], cells[at + 1:]))
                n += 1
            k += 1
        width = len(columns) - h - 1  # the columns after the number
        excess = {len(rest) - width for _n, _line, rest in found if len(rest) > width}
        # every longer row longer by the same cells: a column the header does not name (a merged
        # '项目' over '序号 | 年度任务 | …'): the rows line up with the header from the right
        # (one column: a header of two lines names sub-columns in the middle, not one on the left)
        shift = excess.pop() if excess == {1} and found and found[0][1] is lines[i + 1] \
            and 2 * sum(len(r) > width for *_x, r in found) >= len(found) else None
        rows = []
        for num, line, rest in found:
            if len(rest) < width and _merged_left(rest, columns, h):
                cols = [j + h + 1 + width - len(rest) for j in range(len(rest))]
            elif len(rest) <= width:  # (a short row: its empty last cells dropped)
                cols = [j + h + 1 for j in range(len(rest))]
            elif shift is not None and len(rest) - width == shift:
                cols = [j - shift + h + 1 if j >= shift else None for j in range(len(rest))]
            else:
                cols = [None] * len(rest)
            rows.append(Row(num, line[0], line[1], tuple(Cell(a, b, t, c) for (a, b, t), c in zip(rest, cols))))
        if rows and any(is_text_cell(c.text) for r in rows for c in r.cells):
            grids.append(Grid(tuple(columns), tuple(rows)))
        i = max(k, i + 1)
    return grids


def _merged_left(rest: list[tuple[int, int, str]], columns: list[Column], h: int) -> bool:
    """A short row whose cells end under the owner columns: its missing cells are group cells
    merged over the rows above ('类别 | 主要任务' written once), not empty last ones: its first cell
    is a task's text, the others (no sentence) fill the owner columns only when aligned from the
    right."""
    n, first = len(rest), len(columns) - len(rest)
    last = rest[-1][2].strip()
    if n < 2 or not is_text_cell(rest[0][2]) or not last or "。" in last or len(last) > 80:
        return False
    right = [columns[first + j].kind for j in range(n)]
    left = [columns[h + 1 + j].kind for j in range(n)]
    return right[0] != "owner" and all(k == "owner" for k in right[1:]) \
        and any(k != "owner" for k in left[1:])


def _names_with_owner_column(head: list[tuple[int, int, str]]) -> bool:
    """A header row without 序号: short column names, a task column and an owner column."""
    kinds = [column(t).kind for _a, _b, t in head]
    return all(len(t) <= _HEADER_CELL_MAX and not is_text_cell(t) for _a, _b, t in head) \
        and "owner" in kinds and "task" in kinds


def _unnumbered_grid(lines: list[tuple[int, int, str]], i: int,
                     head: list[tuple[int, int, str]]) -> tuple[Optional[Grid], int]:
    """The rows under a header of names (a row a pipe line, no row numbers). A row short of
    cells lost its first ones (a group cell merged over the rows below it): its cells line up
    with the last columns. Rows have no number (no section of their own)."""
    columns = [column(t) for _a, _b, t in head]
    rows, k = [], i + 1
    while k < len(lines):
        cells = _pipe_cells(lines[k]) if _PIPE.search(lines[k][2]) else []
        if not cells and k + 1 < len(lines) and 2 <= len(_pipe_cells(lines[k + 1])) <= len(columns) \
                and _PIPE.search(lines[k + 1][2]):
            k += 1  # a row of one cell (its others merged with a row's around it): not read
            continue
        if len(cells) < 2 or len(cells) > len(columns):
            break
        shift = len(columns) - len(cells)
        rows.append(Row("", lines[k][0], lines[k][1],
                        tuple(Cell(a, b, t, j + shift) for j, (a, b, t) in enumerate(cells))))
        k += 1
    if not rows or not any(is_text_cell(c.text) for r in rows for c in r.cells):
        return None, k
    return Grid(tuple(columns), tuple(rows)), k


def grid_rows(text: str) -> dict[int, tuple[Grid, Row]]:
    """Row start → (its grid, the row), for every row of every grid of the text."""
    return {row.start: (g, row) for g in find_grids(text) for row in g.rows}
