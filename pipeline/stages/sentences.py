"""Stage 4a: sentences (or table rows) with offsets, each tied to its deepest section.

Sentences end at 。！？； or a line break. A note in brackets standing after a sentence
('……公布。（牵头单位：市发展改革委）', '……建设。（1分）（10月底完成，牵头考核单位：市工信局）') is
joined to it, so that owners and deadlines stay with their task. Sentences are made in the main
body and in every attachment, not in a glossary (``annotated_spans``).
A web table flattened to one cell per line becomes one sentence per table row.
"""
from __future__ import annotations

import bisect
import re

from pipeline.records import Document, Sentence
from pipeline.stages.grid import grid_rows
from pipeline.stages.structure import match_heading

_END = re.compile(r"[。！？；!?;]+[”’」』）)]*")
# A note in brackets, or several ('（1分）（10月底完成，牵头考核单位：市工信局）').
_NOTE = re.compile(r"^(?:[（(][^（）()]*[）)])+$")
_CELL_MAX = 30
_ROW_NUMBER = re.compile(r"^\d{1,3}$")
_TABLE_MIN_LINES = 8
# a row of a table written a row a line, as cleaning leaves it ('1 | 任务。 | 县发改局 | 6月底前 |'):
# a row number or a task cell, then at least two more cells
_PIPE_ROW = re.compile(r"^[^|｜\n]{1,600}[|｜][^|｜\n]+[|｜]")
# Longest sentence kept whole (the longest in 249 real documents has 568 characters). A longer
# one — a line without 。；！？, as hostile or broken input has — is cut at a comma: every target
# row repeats its sentence, so a 1 MB sentence with 30 000 quantities made 30 GB of rows.
_MAX_SENTENCE = 1000
_CUT_AT = "，,、：:；;"


def _is_cell(line: str) -> bool:
    return len(line) <= _CELL_MAX and not re.search(r"[。；]", line)


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    offset = 0
    for line in text.split("\n"):
        if line:
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def _table_rows(text: str, lines: list[tuple[int, int]], i: int) -> tuple[list[tuple[int, int]], int]:
    """From line i, a run of short cell lines grouped into rows at each row number (1, 2, …).
    Returns (rows, the line after them); with no rows, (no rows, the end of the run of cells):
    no table starts inside that run either, so the caller need not look there again."""
    j = i
    while j < len(lines) and _is_cell(text[lines[j][0]:lines[j][1]]):
        j += 1
    numbers = []  # row numbers count 1, 2, 3…; a cell holding '0' or '42' is a value, not a row
    for k in range(i, j):
        cell = text[lines[k][0]:lines[k][1]]
        if _ROW_NUMBER.match(cell) and int(cell) == len(numbers) + 1:
            numbers.append(k)
    if j - i < _TABLE_MIN_LINES or len(numbers) < 2:
        return [], j
    rows = []
    bounds = [i] + numbers + [j]
    for a, b in zip(bounds, bounds[1:]):
        if a < b:
            rows.append((lines[a][0], lines[b - 1][1]))
    return rows, j


def split_sentences(text: str, limit: int | None = None, begin: int = 0) -> list[tuple[int, int, bool]]:
    """(start, end, is_table_row) of every sentence in the lines of text[begin:limit]."""
    limit = len(text) if limit is None or limit < 0 else limit
    lines = [span for span in _line_spans(text) if begin <= span[0] < limit]
    out: list[tuple[int, int, bool]] = []
    grid = grid_rows(text)  # a task table read as a grid: each row one sentence (stages/grid.py)
    i = 0
    no_table_before = 0  # a run of cells already found to hold no table ends here
    while i < len(lines):
        row = grid.get(lines[i][0]) if grid else None
        if row is not None:
            out.append((row[1].start, row[1].end, False))
            while i < len(lines) and lines[i][0] < row[1].end:
                i += 1
            continue
        if i >= no_table_before:  # (checking every line of a long run again was quadratic)
            rows, j = _table_rows(text, lines, i)
            if rows:
                out.extend((a, b, True) for a, b in rows)
                i = j
                continue
            no_table_before = j
        start, end = lines[i]
        line = text[start:end]
        if _PIPE_ROW.match(line):  # a table row written on one line: its cells are one commitment
            out.extend(_capped(text, start, end))
            i += 1
            continue
        pos = 0
        for m in _END.finditer(line):
            if _inside_brackets(line, pos, m.end()):
                continue
            out.extend(_capped(text, start + pos, start + m.end()))
            pos = m.end()
        if pos < len(line):
            out.extend(_capped(text, start + pos, end))
        i += 1
    return _join_notes(text, out)


_NOTE_REACH = 200  # how far on a line a bracket opened before a 。 may close


def _inside_brackets(line: str, pos: int, end: int) -> bool:
    """Whether line[pos:end] ends inside a bracket that closes later on the line: a note with
    sentences of its own ('（责任单位：省公安厅，…负责，下同。以下各项任务均需…落实，不再单独列出）')
    is one note, not the end of its task and a fragment."""
    piece = line[pos:end]
    opened = piece.count("（") + piece.count("(") - piece.count("）") - piece.count(")")
    if opened <= 0:
        return False
    closes = line.find("）", end, end + _NOTE_REACH)
    if closes < 0:
        closes = line.find(")", end, end + _NOTE_REACH)
    return closes >= 0


def _capped(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(start, end) as one sentence, or cut into pieces of at most _MAX_SENTENCE characters,
    each ending after the last comma (else at the limit)."""
    out = []
    while end - start > _MAX_SENTENCE:
        limit = start + _MAX_SENTENCE
        cut = max(text.rfind(c, start + 1, limit) for c in _CUT_AT) + 1
        if cut <= start + 1:
            cut = limit
        out.append((start, cut, False))
        start = cut
    out.append((start, end, False))
    return out


# an owner label going on on its task's line after a '；' or '。' ('主办单位：A；协办单位：B'): the task's
_OWNER_LABEL = re.compile(r"^(?:牵头|责任|配合|协办|主办|参与|协同|承办|分管|主管|责任)[^\s，,。；;：:]{0,4}[:：]")


def _join_notes(text: str, spans: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    out: list[tuple[int, int, bool]] = []
    for start, end, row in spans:
        piece = text[start:end].strip()
        if out and _NOTE.match(piece) and text.count("\n", out[-1][1], start) <= 1 \
                and not match_heading(piece) \
                or out and _OWNER_LABEL.match(piece) and "\n" not in text[out[-1][1]:start] and not out[-1][2]:
            out[-1] = (out[-1][0], end, out[-1][2])
        else:
            out.append((start, end, row))
    return out


def annotated_spans(doc: Document) -> list[tuple[int, int, bool]]:
    """(start, end, in_attachment) of the text that holds commitments: the main body and every
    attachment (GOLD.md: attachments are annotated like the body), not a glossary."""
    body_end = len(doc.text) if doc.body_end < 0 else doc.body_end
    return [(0, body_end, False)] + [(a, b, True) for a, b in doc.attachments]


def sentences(doc: Document) -> Document:
    """Fills doc.sentences; each knows its deepest section and whether it is in an attachment."""
    starts = [s.start for s in doc.sections]
    index_of = {s.section_id: i for i, s in enumerate(doc.sections)}
    result = []
    spans = [(start, end, row, attached) for begin, limit, attached in annotated_spans(doc)
             for start, end, row in split_sentences(doc.text, limit, begin)]
    for start, end, row, attached in spans:
        idx = bisect.bisect_right(starts, start) - 1
        section_id = None
        while idx >= 0:  # the nearest heading before, or the ancestor that still holds us
            sec = doc.sections[idx]
            if sec.start <= start < sec.end:
                section_id = sec.section_id
                break
            idx = index_of[sec.parent_id] if sec.parent_id else -1
        result.append(Sentence(start=start, end=end, text=doc.text[start:end],
                               section_id=section_id, table_row=row, in_attachment=attached))
    doc.sentences = result
    return doc
