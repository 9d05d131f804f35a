"""A document's cleaned text as HTML, its targets, deadlines and owners highlighted in place.

The look is spaCy displacy's "ent" style (a coloured ``<mark>`` with a small label after the
words), but the markup is written here rather than by ``displacy.render(manual=True)``: the
report needs an ``id`` on every highlight (the index links to it), sentences wrapped around
their highlights (``<span class="s" id="c0003">``), section anchors, nested highlights, and CSS
classes instead of displacy's inline style repeated on each of 40,000 marks. Labels are drawn
by CSS (``::after`` of ``data-l``), so a mark's text is exactly the document's words.

Spans come from the tables' document-absolute offsets (``raw_start``/``raw_end`` of a target,
``start``/``end`` of a deadline, owner, commitment, section), never from searching the text. A
highlight whose offsets do not hold its words (an older extract, a bug) is not drawn; its id
stays as an empty anchor so links still land at the right place.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Union

import pandas as pd

Rows = Union[pd.DataFrame, Iterable[dict], None]  # a table's rows of one document

# Which of two crossing spans is kept (lower first), and, for equal extents, which is outer.
PRIORITY = {"target": 0, "achievement": 0, "deadline": 1, "owner": 2, "sent": 3, "anchor": 4}
NESTING = {"sent": 0, "target": 1, "achievement": 1, "deadline": 2, "owner": 3, "anchor": 4}
ROLE_LABELS = {"lead": "牵头", "support": "配合", "responsible": "责任"}
STATUS_LABELS = {"target": "目标", "achievement": "成效"}


@dataclass(frozen=True)
class Span:
    """A piece of markup over ``text[start:end]``: a sentence (``sent``), a highlight
    (``target``, ``achievement``, ``deadline``, ``owner``) or an empty ``anchor``."""
    start: int
    end: int
    kind: str
    ident: str = ""
    label: str = ""
    title: str = ""


def local_id(full_id: str) -> str:
    """The part of a table id after the doc_id (``doc:t0001`` → ``t0001``; ``doc:c0003:d1`` →
    ``c0003-d1``): unique within the document's page, and a valid fragment."""
    tail = str(full_id).split(":", 1)[-1]
    return tail.replace(":", "-")


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and pd.isna(x)) and x is not pd.NA


def _int(x) -> Optional[int]:
    return int(x) if _ok(x) else None


def _checked(text: str, start, end, words, kind: str, ident: str, label: str, title: str) -> Optional[Span]:
    """The highlight if ``text[start:end]`` is ``words``; else an empty anchor at ``start`` (if it
    is inside the text), so that a link to ``ident`` still resolves; else None."""
    a, b = _int(start), _int(end)
    if a is None or not 0 <= a <= len(text):
        return Span(0, 0, "anchor", ident) if ident else None
    if b is not None and a < b <= len(text) and (words is None or text[a:b] == words):
        return Span(a, b, kind, ident, label, title)
    return Span(a, a, "anchor", ident) if ident else None


def _records(rows: Rows) -> list[dict]:
    if rows is None:
        return []
    return rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)


def _title(*parts) -> str:
    return " · ".join(str(p) for p in parts if _ok(p) and str(p) != "")


def document_spans(text: str, targets: Rows, commitments: Rows = None, deadlines: Rows = None,
                   owners: Rows = None, sections: Rows = None) -> list[Span]:
    """Every span of one document's page, from its rows of the output tables (a DataFrame or
    row dicts; any may be None)."""
    spans: list[Span] = []
    for r in _records(targets):
        kind = "achievement" if r.get("status") == "achievement" else "target"
        value = r.get("value")
        shown = "" if not _ok(value) else f"{value:g}" + (f"–{r['value_max']:g}" if _ok(r.get("value_max")) else "")
        title = _title(r.get("metric_name") or r.get("metric"), r.get("entity"), r.get("comparator"),
                       f"{shown} {r.get('unit') or ''}".strip())
        span = _checked(text, r.get("raw_start"), r.get("raw_end"), r.get("raw"), kind,
                        local_id(r["target_id"]), STATUS_LABELS[kind], title)
        if span is not None:
            spans.append(span)
    for r in _records(deadlines):
        span = _checked(text, r.get("start"), r.get("end"), r.get("raw"), "deadline",
                        local_id(r["deadline_id"]), "期限", _title(r.get("date"), r.get("kind")))
        if span is not None:
            spans.append(span)
    seen: set[tuple[int, int]] = set()
    for r in _records(owners):
        a, b = _int(r.get("start")), _int(r.get("end"))
        if a is None or b is None or (a, b) in seen:
            continue  # one unit named once is the owner of many commitments: one highlight
        seen.add((a, b))
        role = r.get("role") if _ok(r.get("role")) else ""
        span = _checked(text, a, b, r.get("name"), "owner", f"o{a}-{b}", ROLE_LABELS.get(role, role or "单位"),
                        _title(role, r.get("source")))
        if span is not None and span.kind == "owner":  # an owner without its words: no anchor needed
            spans.append(span)
    for r in _records(commitments):
        a, b = _int(r.get("start")), _int(r.get("end"))
        if a is not None and b is not None and 0 <= a < b <= len(text):
            spans.append(Span(a, b, "sent", local_id(r["commitment_id"])))
    for r in _records(sections):
        a = _int(r.get("start"))
        if a is not None and 0 <= a <= len(text):
            spans.append(Span(a, a, "anchor", str(r["section_id"])))
    return spans


def _crossing(spans: Sequence[Span]) -> dict[int, set[int]]:
    """Index pairs of spans that overlap without one containing the other (HTML cannot nest them)."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i].start, -spans[i].end))
    active: list[int] = []
    pairs: dict[int, set[int]] = {}
    for i in order:
        s = spans[i]
        active = [j for j in active if spans[j].end > s.start]
        for j in active:
            if spans[j].end < s.end:
                pairs.setdefault(i, set()).add(j)
                pairs.setdefault(j, set()).add(i)
        active.append(i)
    return pairs


def resolve(spans: Iterable[Span]) -> list[Span]:
    """Spans that nest (a laminar family): of two crossing spans the lower-priority one (a
    sentence before an owner before a deadline before a target) is dropped, and so is a second
    highlight of the same kind over the same words; a dropped span that has an id leaves an empty
    anchor at its start."""
    spans = list(spans)
    out: list[Span] = []
    seen: set[tuple[int, int, str]] = set()
    unique: list[Span] = []
    for s in spans:
        key = (s.start, s.end, s.kind)
        if s.kind != "anchor" and key in seen:
            out.append(Span(s.start, s.start, "anchor", s.ident))
        else:
            seen.add(key)
            unique.append(s)
    pairs = _crossing([s for s in unique if s.kind != "anchor"])
    marked = [s for s in unique if s.kind != "anchor"]
    kept: set[int] = set()
    for i in sorted(range(len(marked)), key=lambda i: (PRIORITY[marked[i].kind], marked[i].start, i)):
        if not pairs.get(i, set()) & kept:
            kept.add(i)
        elif marked[i].ident:
            out.append(Span(marked[i].start, marked[i].start, "anchor", marked[i].ident))
    out += [marked[i] for i in sorted(kept)]
    out += [s for s in unique if s.kind == "anchor"]
    return out


def _open(s: Span) -> str:
    ident = f' id="{html.escape(s.ident)}"' if s.ident else ""
    if s.kind == "sent":
        return f'<span class="s"{ident}>'
    if s.kind == "anchor":
        return f"<span{ident}>"
    title = f' title="{html.escape(s.title)}"' if s.title else ""
    return f'<mark class="e {s.kind[:3]}"{ident} data-l="{html.escape(s.label)}"{title}>'


def _close(s: Span) -> str:
    return "</mark>" if s.kind not in ("sent", "anchor") else "</span>"


def render(text: str, spans: Iterable[Span]) -> str:
    """``text`` escaped, with the markup of ``spans`` (which must nest: see ``resolve``)."""
    order = sorted(spans, key=lambda s: (s.start, -s.end, NESTING[s.kind], s.ident))
    out: list[str] = []
    stack: list[Span] = []
    pos = 0

    def upto(p: int) -> None:
        nonlocal pos
        if p > pos:
            out.append(html.escape(text[pos:p], quote=False))
            pos = p

    for s in order:
        while stack and stack[-1].end <= s.start:
            upto(stack[-1].end)
            out.append(_close(stack.pop()))
        upto(s.start)
        out.append(_open(s))
        if s.end > s.start:
            stack.append(s)
        else:
            out.append(_close(s))
    while stack:
        upto(stack[-1].end)
        out.append(_close(stack.pop()))
    upto(len(text))
    return "".join(out)


def highlight(text: str, targets: Rows, commitments: Rows = None, deadlines: Rows = None,
              owners: Rows = None, sections: Rows = None) -> str:
    """The document's text as HTML with its highlights, sentences and section anchors."""
    return render(text, resolve(document_spans(text, targets, commitments, deadlines, owners, sections)))
