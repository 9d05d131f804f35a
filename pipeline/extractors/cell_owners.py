"""Owners in a table flattened to one cell per line, with tasks too long for a cell-run table.

A 责任分解表 copied from a web page or a PDF often comes out as one cell per line: the header
(`序号` / `目标名称` / `工作标准` / `分管领导` / `牵头单位` / `配合单位`), then per row the task, the
leader's name and the units, a merged cell written only once. The task lines are sentences of
their own; the unit lines under them are its owner cells. Read only where the header names an
owner column on a line of its own, so a unit named alone on a line elsewhere is never an owner.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from pipeline.records import Commitment, Document, Owner

_OWNER_COLUMN = re.compile(r"^\s*(牵头|责任|配合|协办|主办|参与)\s*(?:单位|部门)\s*$", re.M)
_PERSON = re.compile(r"^[\u4e00-\u9fff](?:\s?[\u4e00-\u9fff]){1,3}$")  # '王旭锋', '吴 伟'
_CONTINUED = re.compile(r"^[（(][^（）()]{1,12}[）)]$")  # '高新园' / '(邹区镇)': one cell over two lines
_MAX_CELLS = 12


# In an owner column every name is a unit, one the name grammar leaves to context included: the
# zone of the place itself ('经开区', '高新园'), written by its kind.
_CELL_UNIT = re.compile(r"^[\u4e00-\u9fff]{1,10}[局委办区园镇街厅部会司院所队站]$")


def cell_units(line: str, start: int, split_units: Callable) -> list | None:
    """The units of an owner cell (`A、B`, `统计局`, `经开区`), else None."""
    found = split_units(line, start, "list")
    if found and all(k in ("org", "place", "generic") for *_x, k in found):
        return found
    if _CELL_UNIT.match(line):
        return [(line, start, start + len(line), "typed")]
    return None


def is_cell_line(line: str, split_units: Callable) -> bool:
    """A line that is only an owner cell, a person's name or the second line of a cell."""
    line = line.strip()
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
    if "单位" not in doc.text and "部门" not in doc.text:
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
    for a, b in _lines_after(text, c.end):
        line = text[a:b].strip()
        if _CONTINUED.match(line) and units and units[-1].end == a - 1:
            last = units[-1]
            units[-1] = Owner(last.name + line, last.role, last.source, last.start, b)
            continue
        found = cell_units(line, a + text[a:b].index(line[:1]), split_units) if line else None
        if found:
            units += [Owner(n, "responsible", "explicit", s, e) for n, s, e, k in found if k != "generic"]
            continue
        if _PERSON.match(line):
            continue  # the leader in charge: a person is never an owner
        break
    if not units:
        return []
    if "牵头" in columns:
        units[0].role = "lead"
        if "配合" in columns or "协办" in columns:
            for o in units[1:]:
                o.role = "support"
    return units
