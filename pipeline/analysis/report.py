"""One static, self-contained HTML page about an extract folder, for analysts.

Corpus summary, metric coverage, comparison tables (each year's target beside the result reported
the next year) and charts (PNG embedded as base64), per-document counts and the error list.
No JavaScript, no external file: it opens from disk in any browser.
"""
from __future__ import annotations

import base64
import datetime as _dt
import html
from pathlib import Path
from typing import Optional, Sequence

import pandas as pd

from pipeline import __version__
from pipeline.analysis.compare import compare, coverage
from pipeline.stages.indicators import lexicon

REPORT_METRICS = ("gdp_growth", "urban_new_jobs", "surveyed_unemployment_rate", "cpi")

CSS = """
body{font-family:"ReportCJK","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",
"PingFang SC",sans-serif;margin:24px auto;max-width:1200px;color:#222;line-height:1.45;padding:0 16px}
h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #3b6ea8;padding-bottom:4px;margin-top:2em}
.sub{color:#666;font-size:.9em}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#f2f6fb;border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:1.5em;color:#3b6ea8}
table{border-collapse:collapse;font-size:.85em;margin:8px 0 16px}
th,td{border:1px solid #d5dbe3;padding:3px 7px;text-align:right;white-space:nowrap}
th{background:#e8eef6;position:sticky;top:0}td.l,th.l{text-align:left}
td.met{background:#e3f4e1}td.miss{background:#fbe3e4}td.t{background:#fff}
.scroll{overflow-x:auto;max-height:640px;overflow-y:auto}
img{max-width:100%;border:1px solid #eee;margin:6px 0}.note{color:#555;font-size:.85em}
"""


def _e(x) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)) or x is pd.NA:
        return ""
    return html.escape(str(x))


def _table(df: pd.DataFrame, left: Sequence[str] = (), cls: Optional[dict] = None, id_: str = "") -> str:
    """An HTML table; ``left`` columns left-aligned; ``cls[(row, col)]`` a CSS class per cell."""
    cls = cls or {}
    head = "".join(f'<th class="{"l" if c in left else ""}">{_e(c)}</th>' for c in df.columns)
    rows = []
    for i, (_, r) in enumerate(df.iterrows()):
        cells = []
        for c in df.columns:
            klass = " ".join(k for k in ("l" if c in left else "", cls.get((i, c), "")) if k)
            cells.append(f'<td class="{klass}">{_e(r[c])}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    ident = f' id="{id_}"' if id_ else ""
    return f'<div class="scroll"><table{ident}><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def font_face(text: str) -> str:
    """@font-face with the CJK font subset to the characters of ``text``, embedded as base64, so
    that the page shows Chinese on a machine without Chinese fonts; '' when no font is found or
    fontTools cannot subset it (the browser's own fonts are used then)."""
    import io
    import warnings

    from pipeline.analysis.charts import cjk_font_path

    chars = {ch for ch in text if ord(ch) > 0x2000}
    path = cjk_font_path()
    if not chars or path is None:
        return ""
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
            buf = io.BytesIO()
            font.save(buf)
        fmt, mime = ("opentype", "font/otf") if "CFF " in font else ("truetype", "font/ttf")
    except Exception:  # an exotic font file: fall back to the reader's fonts
        return ""
    b64 = base64.b64encode(buf.getvalue()).decode("ascii")
    return ("@font-face{font-family:'ReportCJK';"
            f"src:url(data:{mime};base64,{b64}) format('{fmt}');"
            "unicode-range:U+2000-206F,U+2E80-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF;}")


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def comparison_grid(wide: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, dict]:
    """Region × year cells 'target → result' for one metric, and the met/missed cell classes."""
    g = wide[wide["metric"] == metric]
    years = sorted(int(y) for y in g["year"].dropna().unique())
    regions = sorted(g["region"].unique())
    rows, cls = [], {}
    for i, region in enumerate(regions):
        row = {"地区": region}
        for y in years:
            hit = g[(g["region"] == region) & (g["year"] == y)]
            if hit.empty:
                row[str(y)] = ""
                continue
            h = hit.iloc[0]
            status = h.get("target_status")
            t = h["target_raw"] if isinstance(h["target_raw"], str) else "未设定" if status == "not_set" else "—"
            r = h["result_raw"] if isinstance(h["result_raw"], str) else "—"
            row[str(y)] = f"{t} → {r}"
            if not pd.isna(h["met"]):
                cls[(i, str(y))] = "met" if bool(h["met"]) else "miss"
        rows.append(row)
    return pd.DataFrame(rows, columns=["地区"] + [str(y) for y in years]), cls


def _cascade_section(wide: pd.DataFrame, docs: pd.DataFrame, metrics: Sequence[str]) -> list[str]:
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
                                   gap_to_parent=table["gap_to_parent"].round(2))
        out.append(_table(shown, left=("level", "region", "target_status", "target_raw", "parent_region",
                                       "parent_target_raw"), id_=f"cascade-{m}"))
    return out


def build_report(out_dir: Path, html_path: Path, metrics: Optional[Sequence[str]] = None,
                 title: Optional[str] = None) -> Path:
    """Write the report for ``out_dir`` (an ``extract --out`` folder) to ``html_path``."""
    from pipeline.analysis.charts import default_charts, png_bytes
    from pipeline.runtime.writers import atomic_path

    res = compare([Path(out_dir)])
    data, long, wide = res["_data"], res["long"], res["wide"]
    docs, targets, errors = data["documents"], data["targets"], data["errors"]
    lex = lexicon()
    present = set(wide["metric"]) if not wide.empty else set()
    show = list(metrics) if metrics else [m for m in REPORT_METRICS if m in present]
    title = title or f"政策目标对比报告：{Path(out_dir).name}"

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
             f"{int(clustered.sum())} more to a cluster of recurring indicators (cluster:NNNN).</p>"]

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
              _table(pd.DataFrame(cov_rows), left=("metric", "指标"), id_="coverage")]

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
                     "(next year's report). Green: met; red: missed.</p>")
        parts.append(_table(grid, left=("地区",), cls=cls, id_=f"grid-{m}"))

    parts += _cascade_section(wide, docs, show)

    # per document
    ach = targets[targets["status"] == "achievement"].groupby("doc_id").size()
    norm = targets[matched].groupby("doc_id").size()
    per_doc = docs[["doc_id", "region", "year", "title", "n_commitments", "n_targets"]].copy()
    per_doc["n_achievements"] = per_doc["doc_id"].map(ach).fillna(0).astype(int)
    per_doc["n_normalised"] = per_doc["doc_id"].map(norm).fillna(0).astype(int)
    per_doc = per_doc.sort_values(["region", "year", "doc_id"])
    parts += ["<h2>文件 Documents</h2>", _table(per_doc, left=("doc_id", "region", "title"), id_="documents")]

    # errors
    parts.append("<h2>错误 Errors</h2>")
    if errors.empty:
        parts.append("<p>No input failed.</p>")
    else:
        parts.append(_table(errors[["source_path", "stage", "error"]], left=("source_path", "stage", "error"),
                            id_="errors"))

    body = "\n".join(parts)
    page = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{font_face(title + body)}{CSS}</style></head><body>"
            + body + "</body></html>")
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(html_path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return html_path
