"""A static HTML report of an extract folder, for analysts: an index page and one page per document.

The index (the ``--html`` file): corpus summary, metric coverage, comparison grids (each year's
target beside the result reported the next year) and charts (PNG embedded as base64), cascades,
every target of the corpus in one table, per-document counts and the error list. Every number in
a table links to the page of its document, at its highlight inside its sentence, and the row
shows the section path (a link to the section's heading).

The document pages (``<stem>_docs/<doc_id>.html`` beside the index): the cleaned text of
``texts/<doc_id>.txt`` with targets, achievements, deadlines and owners highlighted in place from
the tables' offsets (``highlight.py``), and the document's own table of targets.

Tables sort on a click on their header (numbers numerically) and filter with a search box: a
small inline script written here, nothing fetched. The pages open from disk in any browser, with
no server and no network; the Chinese font is embedded in the index and one subset font file is
shared by the document pages. Apart from the date line of the index, the bytes depend only on the
extract folder.
"""
from __future__ import annotations

import base64
import datetime as _dt
import html
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence
from urllib.parse import quote

import pandas as pd

from pipeline import __version__
from pipeline.analysis.compare import compare, coverage
from pipeline.analysis.highlight import STATUS_LABELS, highlight, local_id
from pipeline.stages.indicators import lexicon

REPORT_METRICS = ("gdp_growth", "urban_new_jobs", "surveyed_unemployment_rate", "cpi")
UNICODE_RANGE = "U+2000-206F,U+2E80-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF"

CSS = """
body{font-family:"ReportCJK","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",
"PingFang SC",sans-serif;margin:24px auto;max-width:1200px;color:#222;line-height:1.45;padding:0 16px}
h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #3b6ea8;padding-bottom:4px;margin-top:2em}
.sub{color:#666;font-size:.9em}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#f2f6fb;border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:1.5em;color:#3b6ea8}
table{border-collapse:collapse;font-size:.85em;margin:8px 0 16px}
th,td{border:1px solid #d5dbe3;padding:3px 7px;text-align:right;white-space:nowrap}
th{background:#e8eef6;position:sticky;top:0;cursor:pointer;user-select:none}td.l,th.l{text-align:left}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.met{background:#e3f4e1}td.miss{background:#fbe3e4}td.t{background:#fff}
.scroll{overflow-x:auto;max-height:640px;overflow-y:auto}
img{max-width:100%;border:1px solid #eee;margin:6px 0}.note{color:#555;font-size:.85em}
a{color:#2a5d9f;text-decoration:none}a:hover{text-decoration:underline}
table.tg td,table.tg th{text-align:left}table.tg td.n{text-align:right}
input.flt{font:inherit;font-size:.9em;margin:6px 8px 0 0;padding:3px 6px;min-width:18em}.cnt{color:#666;font-size:.85em}
"""

DOC_CSS = """
.doc{white-space:pre-wrap;line-height:2.4;font-size:1.02em;max-width:62em}
mark.e{padding:.15em .35em;margin:0 .1em;border-radius:.35em;color:inherit;
-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.e::after{content:attr(data-l);display:inline-block;font-size:.62em;font-weight:bold;margin-left:.35em;vertical-align:middle;opacity:.7}
mark.tar{background:#feca74}mark.ach{background:#c9e7a7}mark.dea{background:#bfe1d9}mark.own{background:#d3cbfd}
.s:target,.s:has(:target){background:#fff4b8}:target{outline:2px solid #d1495b;outline-offset:1px}
.legend mark{margin-right:.6em}
"""

# Sorting and filtering of every table.sortable: self-written, no dependency. A click on a header
# sorts by that column (again: reversed); cells compare by their data-v, else their text, numbers
# (a leading number: '5%左右', '136万人') numerically and before words, words by the Chinese
# collation, empty cells last either way; ties keep the previous order. The box above a table
# keeps the rows holding every word typed.
SCRIPT = r"""(function(){
var C=new Intl.Collator('zh-CN',{numeric:true}),N=/^[-+]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?/i;
function key(c){var v=c?c.getAttribute('data-v'):'';if(v===null)v=c.textContent.trim();
var m=N.exec(v);return m?[0,parseFloat(m[0].replace(/,/g,''))]:[v?1:2,v];}
function cmp(a,b){return a[0]-b[0]||(a[0]?C.compare(a[1],b[1]):a[1]-b[1]);}
[].forEach.call(document.querySelectorAll('table.sortable'),function(t){
var tb=t.tBodies[0],rows=[].slice.call(tb.rows),hs=t.tHead.rows[0].cells,w=t.parentNode,timer;
var box=document.createElement('input'),cnt=document.createElement('span');
box.type='search';box.className='flt';box.placeholder='\u7b5b\u9009 filter';cnt.className='cnt';
w.parentNode.insertBefore(box,w);w.parentNode.insertBefore(cnt,w);
function shown(k){cnt.textContent=k+' / '+rows.length;}shown(rows.length);
box.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(function(){
var q=box.value.trim().toLowerCase().split(/\s+/).filter(Boolean),k=0;
rows.forEach(function(r){var s=r.textContent.toLowerCase(),ok=q.every(function(x){return s.indexOf(x)>=0;});
r.hidden=!ok;k+=ok;});shown(k);},120);});
[].forEach.call(hs,function(h,i){h.title='sort';h.addEventListener('click',function(){
var d=h.getAttribute('aria-sort')==='ascending'?-1:1;
[].forEach.call(hs,function(x){x.removeAttribute('aria-sort');});
h.setAttribute('aria-sort',d>0?'ascending':'descending');
var ks=rows.map(function(r,j){return[key(r.cells[i]),j,r];});
ks.sort(function(a,b){return (a[0][0]>1)-(b[0][0]>1)||d*cmp(a[0],b[0])||a[1]-b[1];});
rows=ks.map(function(x){return x[2];});var f=document.createDocumentFragment();
rows.forEach(function(r){f.appendChild(r);});tb.appendChild(f);});});});})();"""


def _e(x) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)) or x is pd.NA:
        return ""
    return html.escape(str(x))


def _ok(x) -> bool:
    return x is not None and x is not pd.NA and not (isinstance(x, float) and pd.isna(x)) and str(x) != ""


def _num(x) -> str:
    """A number as a table shows it: 5, 5.5, 360000000000 (no trailing .0, no exponent)."""
    if not _ok(x):
        return ""
    return f"{x:.12f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def _td(inner: str, left: bool = False, klass: str = "", v=None) -> str:
    """One cell; ``inner`` is HTML already; ``v`` the value it sorts by (default: its text)."""
    k = " ".join(c for c in ("l" if left else "", klass) if c)
    attrs = (f' class="{k}"' if k else "") + (f' data-v="{_num(v)}"' if _ok(v) else "")
    return f"<td{attrs}>{inner}</td>"


def _html_table(columns: Sequence[str], rows: Iterable[str], left: Sequence[str] = (), id_: str = "") -> str:
    """A sortable, filterable table from its header names and its rendered ``<tr>`` rows."""
    head = "".join(f'<th class="l">{_e(c)}</th>' if c in left else f"<th>{_e(c)}</th>" for c in columns)
    ident = f' id="{id_}"' if id_ else ""
    return (f'<div class="scroll"><table class="sortable"{ident}><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></div>")


def _table(df: pd.DataFrame, left: Sequence[str] = (), cls: Optional[dict] = None, id_: str = "",
           cells: Optional[dict] = None) -> str:
    """An HTML table of ``df``; ``left`` columns left-aligned; ``cls[(row, col)]`` a CSS class per
    cell; ``cells[(row, col)]`` HTML shown instead of the escaped value (a link)."""
    cls, cells = cls or {}, cells or {}
    cols = list(df.columns)
    rows = []
    for i, values in enumerate(df.itertuples(index=False, name=None)):
        rows.append("<tr>" + "".join(_td(cells.get((i, c), _e(v)), c in left, cls.get((i, c), ""))
                                     for c, v in zip(cols, values)) + "</tr>")
    return _html_table(cols, rows, left, id_)


def _subset_font(chars: set[str]) -> Optional[tuple[bytes, str, str]]:
    """The CJK font (charts.cjk_font_path) cut down to ``chars``: (bytes, CSS format, extension);
    None without a font or when fontTools cannot subset it. The font's timestamp is kept, so the
    same characters give the same bytes."""
    import io
    import warnings

    from pipeline.analysis.charts import cjk_font_path

    chars = {ch for ch in chars if ord(ch) > 0x2000}
    path = cjk_font_path()
    if not chars or path is None:
        return None
    try:
        from fontTools import subset

        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            font = subset.load_font(path, options, lazy=True, dontLoadGlyphNames=True)
            sub = subset.Subsetter(options)
            sub.populate(text="".join(sorted(chars)))
            sub.subset(font)
            font.recalcTimestamp = False
            buf = io.BytesIO()
            font.save(buf)
    except Exception:  # an exotic font file: fall back to the reader's fonts
        return None
    return (buf.getvalue(), "opentype", "otf") if "CFF " in font else (buf.getvalue(), "truetype", "ttf")


def _face(src: str, fmt: str) -> str:
    return f"@font-face{{font-family:'ReportCJK';src:url({src}) format('{fmt}');unicode-range:{UNICODE_RANGE};}}"


def font_face(text: str) -> str:
    """@font-face with the CJK font subset to the characters of ``text``, embedded as base64, so
    that the page shows Chinese on a machine without Chinese fonts; '' when no font is found or
    fontTools cannot subset it (the browser's own fonts are used then)."""
    found = _subset_font(set(text))
    if found is None:
        return ""
    data, fmt, ext = found
    mime = "font/otf" if ext == "otf" else "font/ttf"
    return _face(f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", fmt)


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def _grid_cells(wide: pd.DataFrame, metric: str):
    """(regions, years, {(region, year): row of wide}) of one metric."""
    g = wide[wide["metric"] == metric]
    years = sorted(int(y) for y in g["year"].dropna().unique())
    regions = sorted(g["region"].unique())
    first = {}
    for r in g.to_dict("records"):
        if pd.notna(r["year"]):
            first.setdefault((r["region"], int(r["year"])), r)
    return regions, years, first


def _grid_words(h: dict) -> tuple[str, str]:
    status = h.get("target_status")
    t = h["target_raw"] if isinstance(h["target_raw"], str) else "未设定" if status == "not_set" else "—"
    r = h["result_raw"] if isinstance(h["result_raw"], str) else "—"
    return t, r


def comparison_grid(wide: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, dict]:
    """Region × year cells 'target → result' for one metric, and the met/missed cell classes."""
    regions, years, cells = _grid_cells(wide, metric)
    rows, cls = [], {}
    for i, region in enumerate(regions):
        row = {"地区": region}
        for y in years:
            h = cells.get((region, y))
            if h is None:
                row[str(y)] = ""
                continue
            t, r = _grid_words(h)
            row[str(y)] = f"{t} → {r}"
            if not pd.isna(h["met"]):
                cls[(i, str(y))] = "met" if bool(h["met"]) else "miss"
        rows.append(row)
    return pd.DataFrame(rows, columns=["地区"] + [str(y) for y in years]), cls


def grid_links(wide: pd.DataFrame, metric: str, link: Callable) -> dict:
    """The cells of ``comparison_grid`` as HTML: target and result each a link to its sentence
    (``link(doc_id, target_id)`` → href or None)."""
    regions, years, cells = _grid_cells(wide, metric)
    out = {}
    for i, region in enumerate(regions):
        for y in years:
            h = cells.get((region, y))
            if h is not None:
                t, r = _grid_words(h)
                out[(i, str(y))] = (_a(link(h["target_doc_id"], h["target_target_id"]), t) + " → "
                                    + _a(link(h["result_doc_id"], h["result_target_id"]), r))
    return out


def _a(href: Optional[str], words) -> str:
    return f'<a href="{html.escape(href)}">{_e(words)}</a>' if href else _e(words)


def _href_part(s: str) -> str:
    """``s`` as part of a relative URL: ASCII punctuation percent-encoded, Chinese kept as it is
    (HTML allows it; the browser encodes it as UTF-8), which keeps the index a third smaller."""
    return "".join(c if ord(c) > 127 or c.isalnum() or c in "-_.~" else quote(c) for c in s)


class Links:
    """Relative links from the index to the document pages (``<stem>_docs/<doc_id>.html``)."""

    def __init__(self, folder: str, known: Iterable[str]):
        self.folder = folder
        self.known = set(known)

    def page(self, doc_id, fragment: str = "") -> Optional[str]:
        if not _ok(doc_id) or doc_id not in self.known:
            return None
        href = f"{_href_part(self.folder)}/{_href_part(str(doc_id))}.html"
        return href + f"#{_href_part(fragment)}" if fragment else href

    def target(self, doc_id, target_id) -> Optional[str]:
        """The link to a target's highlight; None without a target (a cell that shows '—')."""
        return self.page(doc_id, local_id(target_id)) if _ok(target_id) else None


def _cascade_section(wide: pd.DataFrame, docs: pd.DataFrame, metrics: Sequence[str], links: Links) -> list[str]:
    """For each metric whose targets span two levels or more in one year (national, provincial,
    prefecture): the chart and table of ``compare.cascade`` for the year spanning the most."""
    from pipeline.analysis.charts import cascade_chart, png_bytes
    from pipeline.analysis.compare import cascade, cascade_year

    if wide.empty or "region_level" not in docs.columns:
        return []
    out: list[str] = []
    for m in metrics:
        year = cascade_year(wide, docs, m)
        if year is None:
            continue
        table = cascade(wide, docs, m, year)
        if table["level"][table["target_value"].notna()].nunique() < 2:
            continue
        name = lexicon().metrics[m].zh if m in lexicon().metrics else m
        out.append(f"<h2>逐级目标 Cascade: {_e(name)} {year} <span class=\"sub\">{_e(m)}</span></h2>")
        out.append('<p class="note">Each region\'s target beside its parent\'s (a city → its province → '
                   "the nation, from region_code) and their ratio: how targets are raised level by level. "
                   "A range counts by its lower bound.</p>")
        fig = cascade_chart(table)
        if fig is not None:
            out.append(_img(png_bytes(fig), f"cascade_{m}_{year}"))
        cols = ["level", "region", "region_code", "target_status", "target_raw", "parent_region",
                "parent_target_raw", "ratio_to_parent", "gap_to_parent"]
        shown = table[cols].assign(ratio_to_parent=table["ratio_to_parent"].round(3),
                                   gap_to_parent=table["gap_to_parent"].round(2)).reset_index(drop=True)
        g = wide[(wide["metric"] == m) & (wide["year"] == year)].drop_duplicates("region").set_index("region")
        cells = {}
        for i, r in shown.iterrows():
            for col, region in (("target_raw", r["region"]), ("parent_target_raw", r["parent_region"])):
                if _ok(region) and region in g.index and _ok(r[col]):
                    h = g.loc[region]
                    cells[(i, col)] = _a(links.target(h["target_doc_id"], h["target_target_id"]), r[col])
        out.append(_table(shown, left=("level", "region", "target_status", "target_raw", "parent_region",
                                       "parent_target_raw"), id_=f"cascade-{m}", cells=cells))
    return out


def _section_paths(sections: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(doc_id, section_id) → the section's path (its headings joined by ' > ')."""
    if sections.empty or "path" not in sections.columns:
        return {}
    return {(d, s): p for d, s, p in zip(sections["doc_id"], sections["section_id"], sections["path"]) if _ok(p)}


def _target_rows(targets: Iterable[dict], paths: dict, link: Callable[[str, str], Optional[str]],
                 corpus: bool) -> list[str]:
    """The ``<tr>`` of each target: its number a link to its highlight, its section path a link
    to the section's heading; ``corpus`` adds the region (a link to the document's page) and the
    year. Cells are left-aligned by the table's class, numbers (``class="n"``) right-aligned."""
    def td(inner: str, v=None) -> str:
        return f'<td data-v="{_num(v)}">{inner}</td>' if _ok(v) else f"<td>{inner}</td>"

    rows = []
    for r in targets:
        doc, sid = r["doc_id"], r.get("section_id")
        path = paths.get((doc, sid), "") if _ok(sid) else ""
        metric = r.get("metric_name") if _ok(r.get("metric_name")) else r.get("metric")
        cells = []
        if corpus:
            region = r.get("region") if _ok(r.get("region")) else "全国"
            cells += [td(_a(link(doc, ""), region)), f'<td class="n">{_num(r.get("year"))}</td>']
        cells += [td(_a(link(doc, local_id(r["target_id"])), r["raw"]), r.get("value")),
                  td(_e(STATUS_LABELS.get(r.get("status"), r.get("status")))), td(_e(metric)),
                  f'<td class="n">{_num(r.get("value"))}</td><td class="n">{_num(r.get("value_max"))}</td>',
                  td(_e(r.get("unit"))), td(_e(r.get("comparator"))), td(_e(r.get("entity"))),
                  td(_e(r.get("action"))), td(_a(link(doc, sid) if path else None, path))]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return rows


TARGET_COLUMNS = ["数值 number", "状态 status", "指标 metric", "value", "value_max", "unit", "comparator",
                  "entity", "action", "章节 section"]


def _targets_table(rows: list[str], corpus: bool) -> str:
    cols = (["地区 region", "年份 year"] if corpus else []) + TARGET_COLUMNS
    head = "".join(f"<th>{_e(c)}</th>" for c in cols)
    return (f'<div class="scroll"><table class="sortable tg" id="targets"><thead><tr>{head}</tr></thead>'
            "<tbody>" + "".join(rows) + "</tbody></table></div>")


def _read(folder: Path, name: str, columns: Sequence[str]) -> pd.DataFrame:
    """The columns of ``name``.parquet the pages need (those present; an empty table when absent)."""
    import pyarrow.parquet as pq

    path = folder / f"{name}.parquet"
    if not path.exists():
        return pd.DataFrame(columns=["doc_id"])
    present = [c for c in columns if c in pq.read_schema(path).names]
    return pd.read_parquet(path, columns=present)


def _by_doc(df: pd.DataFrame) -> dict[str, list[dict]]:
    """The rows of ``df`` as dicts, grouped by document (one conversion: per-group ``to_dict``
    costs seconds over 242 documents)."""
    out: dict[str, list[dict]] = {}
    for r in df.to_dict("records"):
        out.setdefault(r["doc_id"], []).append(r)
    return out


def document_page(doc: dict, text: str, targets: list[dict], parts: dict, paths: dict, index_href: str,
                  font_css: str) -> str:
    """One document's page: header, legend, its targets table and its highlighted text."""
    name = doc.get("title") if _ok(doc.get("title")) else doc["doc_id"]

    def link(_doc, fragment):
        return f"#{_href_part(str(fragment))}" if _ok(fragment) else None

    body = highlight(text, targets, parts.get("commitments"), parts.get("deadlines"), parts.get("owners"),
                     parts.get("sections"))
    facts = [("doc_id", doc["doc_id"]), ("地区 region", doc["region"] if _ok(doc.get("region")) else "全国"),
             ("年份 year", _num(doc.get("year"))),
             ("发文 issuer", doc.get("issuer")), ("来源 source", doc.get("source_path")),
             ("来源网址 url", doc.get("source_url")), ("字数 characters", doc.get("n_chars"))]
    legend = ('<p class="legend note"><mark class="e tar" data-l="目标">target</mark>'
              '<mark class="e ach" data-l="成效">achievement</mark><mark class="e dea" data-l="期限">deadline</mark>'
              '<mark class="e own" data-l="牵头/配合/责任">owner</mark> Each highlight is the text of the '
              "tables' offsets; a link from the index lands on it, its sentence shaded.</p>")
    order = sorted(targets, key=lambda r: r["raw_start"] if _ok(r.get("raw_start")) else -1)
    parts_html = [f'<p class="sub"><a href="{html.escape(index_href)}">← 报告 report</a></p>',
                  f"<h1>{_e(name)}</h1>",
                  '<p class="sub">' + " · ".join(f"{_e(k)}: {_e(v)}" for k, v in facts if _ok(v)) + "</p>",
                  legend, f"<h2>目标 Targets ({len(targets)})</h2>",
                  _targets_table(_target_rows(order, paths, link, corpus=False), corpus=False),
                  "<h2>正文 Text</h2>", f'<div class="doc" id="text">{body}</div>']
    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(name)}</title><style>{font_css}{CSS}{DOC_CSS}</style></head><body>"
            + "\n".join(parts_html) + f"<script>{SCRIPT}</script></body></html>")


FONT_SLOT = "\x00font\x00"  # where a page's @font-face goes once the font is cut to all the pages


def write_document_pages(src: Path, docs: pd.DataFrame, targets: pd.DataFrame, sections: pd.DataFrame,
                         folder: Path, index_href: str) -> int:
    """Write ``folder/<doc_id>.html`` for every document whose text is in ``src/texts`` (and the
    font the pages share); pages of documents no longer in the set are removed. Returns how many."""
    from pipeline.runtime.writers import atomic_path

    parts = {"commitments": _by_doc(_read(src, "commitments", ["doc_id", "commitment_id", "start", "end"])),
             "deadlines": _by_doc(_read(src, "deadlines", ["doc_id", "deadline_id", "raw", "date", "kind",
                                                           "start", "end"])),
             "owners": _by_doc(_read(src, "owners", ["doc_id", "name", "role", "source", "start", "end"])),
             "sections": _by_doc(_read(src, "sections", ["doc_id", "section_id", "start"]))}
    by_doc = _by_doc(targets)
    paths = _section_paths(sections)
    texts = {}
    for d in docs["doc_id"]:
        p = src / "texts" / f"{d}.txt"
        if p.is_file():
            texts[d] = p.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    pages = {}
    for doc in docs.to_dict("records"):
        d = doc["doc_id"]
        if d in texts:
            pages[d] = document_page(doc, texts[d], by_doc.get(d, []), {k: v.get(d) for k, v in parts.items()},
                                     paths, index_href, FONT_SLOT)
    # one font for every page, cut to the characters they show (text, tables, labels)
    font = _subset_font(set().union(*map(set, pages.values())) | set("筛选")) if pages else None
    font_css = ""
    if font is not None:
        data, fmt, ext = font
        with atomic_path(folder / f"ReportCJK.{ext}") as tmp:
            tmp.write_bytes(data)
        font_css = _face(f"ReportCJK.{ext}", fmt)
    for d, page in pages.items():
        with atomic_path(folder / f"{d}.html") as tmp:
            tmp.write_text(page.replace(FONT_SLOT, font_css, 1), encoding="utf-8")
    for old in folder.glob("*.html"):
        if old.stem not in texts:
            old.unlink()
    return len(texts)


def docs_folder(html_path: Path) -> Path:
    """Where the document pages of the report ``html_path`` go: ``<stem>_docs`` beside it."""
    html_path = Path(html_path)
    return html_path.parent / f"{html_path.stem}_docs"


def build_report(out_dir: Path, html_path: Path, metrics: Optional[Sequence[str]] = None,
                 title: Optional[str] = None) -> Path:
    """Write the report for ``out_dir`` (an ``extract --out`` folder) to ``html_path`` and its
    document pages to ``docs_folder(html_path)``."""
    from pipeline.analysis.charts import default_charts, png_bytes
    from pipeline.runtime.publish import dataset_dir
    from pipeline.runtime.writers import atomic_path

    src = dataset_dir(Path(out_dir))  # one published set for the index and the pages
    res = compare([src])
    data, long, wide = res["_data"], res["long"], res["wide"]
    docs, targets, errors = data["documents"], data["targets"], data["errors"]
    html_path = Path(html_path)
    folder = docs_folder(html_path)
    lex = lexicon()
    present = set(wide["metric"]) if not wide.empty else set()
    show = list(metrics) if metrics else [m for m in REPORT_METRICS if m in present]
    title = title or f"政策目标对比报告：{Path(out_dir).name}"
    n_pages = write_document_pages(src, docs, targets, data["sections"], folder, "../" + _href_part(html_path.name))
    links = Links(folder.name, [d for d in docs["doc_id"] if (src / "texts" / f"{d}.txt").is_file()])

    n_t = int((targets["status"] == "target").sum())
    n_a = int((targets["status"] == "achievement").sum())
    matched = targets["metric"].notna() & ~targets["metric"].fillna("").str.startswith("cluster:")
    clustered = targets["metric"].fillna("").str.startswith("cluster:")
    years = docs["year"].dropna()
    cards = [("文件 documents", len(docs)), ("地区 regions", docs["region"].fillna("").replace("", "全国").nunique()),
             ("年份 years", f"{int(years.min())}–{int(years.max())}" if len(years) else "—"),
             ("承诺 commitments", int(docs["n_commitments"].sum())), ("目标 targets", n_t),
             ("成效 achievements", n_a),
             ("归一指标 normalised", f"{matched.mean():.0%}" if len(targets) else "—"),
             ("错误 errors", len(errors))]
    parts = [f"<h1>{_e(title)}</h1>",
             f'<p class="sub">Generated {_dt.date.today().isoformat()} by pipeline {__version__} '
             f"(metric lexicon {lex.version}) from <code>{_e(out_dir)}</code>.</p>",
             '<div class="cards">' + "".join(f"<div class=\"card\"><b>{_e(v)}</b>{_e(k)}</div>" for k, v in cards)
             + "</div>",
             f'<p class="note">{int(matched.sum())} quantities map to a canonical metric (lexicon), '
             f"{int(clustered.sum())} more to a cluster of recurring indicators (cluster:NNNN). "
             f"Every number links to its sentence on the page of its document ({n_pages} pages in "
             f"<code>{_e(folder.name)}/</code>); click a column header to sort, type in the box to filter.</p>"]

    # coverage
    cov_rows = []
    for m in show:
        c = coverage(long, docs, m)
        with_result = wide[(wide["metric"] == m) & wide["result_value"].notna()]
        cov_rows.append({"metric": m, "指标": lex.metrics[m].zh if m in lex.metrics else m,
                         "documents with a target": f"{int(c['has_target'].sum())} / {len(c)}",
                         "region-years with a result": len(with_result),
                         "targets met": f"{int(wide[(wide['metric'] == m)]['met'].fillna(False).sum())} / "
                                        f"{int(wide[(wide['metric'] == m)]['met'].notna().sum())}"})
    parts += ["<h2>指标覆盖 Coverage</h2>",
              '<p class="note">A document has a target when it states an annual one for the metric; '
              "a result is the value reported the next year. Targets met: result reached the target's "
              "lower bound (or stayed under its cap for unemployment and CPI).</p>",
              _table(pd.DataFrame(cov_rows, columns=["metric", "指标", "documents with a target",
                                                     "region-years with a result", "targets met"]),
                     left=("metric", "指标"), id_="coverage")]

    # charts and comparison grids
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*missing from font.*")
        figures = default_charts(wide, show) if not wide.empty else []
        pngs = [(name, png_bytes(fig)) for name, fig in figures]
    for m in show:
        name = lex.metrics[m].zh if m in lex.metrics else m
        parts.append(f"<h2>{_e(name)} <span class=\"sub\">{_e(m)}</span></h2>")
        for fname, png in pngs:
            if fname.startswith(f"bar_{m}_") or fname.startswith(f"line_{m}_"):
                parts.append(_img(png, fname))
        grid, cls = comparison_grid(wide, m)
        parts.append('<p class="note">Each cell: the year\'s target (that year\'s report) → the result '
                     "(next year's report), each a link to its sentence. Green: met; red: missed.</p>")
        parts.append(_table(grid, left=("地区",), cls=cls, id_=f"grid-{m}",
                            cells=grid_links(wide, m, links.target)))

    parts += _cascade_section(wide, docs, show, links)

    # the targets with a canonical metric (every other number is on its document's page)
    meta = docs.drop_duplicates("doc_id").set_index("doc_id")
    every = targets[matched]
    every = every.assign(region=every["doc_id"].map(meta["region"]), year=every["doc_id"].map(meta["year"]))
    every = every.sort_values(["metric", "region", "year", "doc_id", "target_id"], kind="stable", na_position="first")
    parts += ["<h2>目标 Targets</h2>",
              f'<p class="note">The {len(every)} targets and achievements with a canonical metric: each number '
              "links to its sentence, each section path to the section's heading. Every other number "
              "of a document is in the table of its page.</p>",
              _targets_table(_target_rows(every.to_dict("records"), _section_paths(data["sections"]),
                                          links.page, corpus=True), corpus=True)]

    # per document
    ach = targets[targets["status"] == "achievement"].groupby("doc_id").size()
    norm = targets[matched].groupby("doc_id").size()
    per_doc = docs[["doc_id", "region", "year", "title", "n_commitments", "n_targets"]].copy()
    per_doc["n_achievements"] = per_doc["doc_id"].map(ach).fillna(0).astype(int)
    per_doc["n_normalised"] = per_doc["doc_id"].map(norm).fillna(0).astype(int)
    per_doc = per_doc.sort_values(["region", "year", "doc_id"]).reset_index(drop=True)
    doc_cells = {(i, "doc_id"): _a(links.page(d), d) for i, d in enumerate(per_doc["doc_id"])}
    parts += ["<h2>文件 Documents</h2>", _table(per_doc, left=("doc_id", "region", "title"), id_="documents",
                                               cells=doc_cells)]

    # errors
    parts.append("<h2>错误 Errors</h2>")
    if errors.empty:
        parts.append("<p>No input failed.</p>")
    else:
        parts.append(_table(errors[["source_path", "stage", "error"]], left=("source_path", "stage", "error"),
                            id_="errors"))

    body = "\n".join(parts)
    page = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{font_face(title + body + '筛选')}{CSS}</style></head><body>"
            + body + f"<script>{SCRIPT}</script></body></html>")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(html_path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return html_path
