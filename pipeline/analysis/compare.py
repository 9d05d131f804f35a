"""Comparing plans across regions and years: long, wide and pivot tables of normalised metrics.

Input: one or more folders written by ``extract`` (targets with ``metric``, documents with region
and year). Output:

* ``long``: one row per metric-matched quantity — a ``target`` (promised in the plan year) or an
  ``achievement`` (a result reported in the review of past work), as the extract's status stage
  decided it (``status`` = ``status_extracted``: compare never re-decides it) — with its period
  (``annual``, ``multi-year`` for 年均/累计/十四五…, ``sub-annual`` for 一季度/上半年…), the year it is
  about (``period_year``: the plan year for a target, the year before for an annual achievement,
  since a report given in year Y reviews year Y−1), and ``headline``: the one row per
  region × period_year × metric × status that the wide table uses.
* ``wide``: one row per region × year × metric: the year's headline target next to the result
  for that year reported the next year (``result_*``, ``result_reported_year`` = year + 1),
  ``gap`` and ``met``. Targets and achievements never share a column.
* ``pivot``: region × year (or year × region) of the target and result values per metric.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Optional, Sequence

import pandas as pd

from pipeline.stages.indicators import WHOLE, annotate, lexicon, period_of, scope_of

LONG_COLUMNS = ["region", "year", "period_year", "period", "scope", "status", "status_extracted", "headline", "metric", "metric_name",
                "value", "value_max", "unit", "comparator", "raw", "value_std", "unit_std", "note",
                "doc_id", "target_id", "commitment_id", "text", "source_dir"]
SIDE = ["value", "value_max", "unit", "comparator", "raw", "doc_id", "target_id", "text"]
BY_KEYS = ("region", "year")

# Where a government work report states this year's targets.
_TARGET_SENTENCE = re.compile(r"预期目标|预期指标|主要目标是|主要目标为|目标建议|增长目标|目标设定|目标定在|目标为|"
                              r"主要目标：|目标是：|主要指标是|主要指标为")
# '主要预期目标是：' before a quantity: it is one of the targets listed.
_STATED_TARGET = re.compile(r"(?:目标|指标)[^。；;]{0,30}[：:]|(?:目标|指标)(?:建议)?(?:是|为)|目标建议|目标设定|目标定在|今年")
# A review of past results, where a quantity labelled 'target' is most likely a result.
_REVIEW_SENTENCE = re.compile(r"去年|上年|过去一年|过去五年|初步核算|圆满完成|胜利完成|预计全年")
_MASS_TO_TON = {"吨": 1.0, "斤": 0.0005, "公斤": 0.001, "千克": 0.001}
_RANGE_HEAD = re.compile(r"(\d+(?:\.\d+)?)%?\s*[－]\s*$")


def load(out_dirs: Sequence[Path]) -> dict[str, pd.DataFrame]:
    """documents, targets (with metric columns, filled in when an older extract lacks them) and
    errors of one or more extract output folders, with a ``source_dir`` column."""
    docs, targets, errors, sections = [], [], [], []
    for d in out_dirs:
        from pipeline.runtime.publish import dataset_dir

        d = dataset_dir(Path(d))  # one published set, even if a run publishes another meanwhile
        if not (d / "targets.parquet").exists() or not (d / "documents.parquet").exists():
            raise FileNotFoundError(f"{d}: no targets.parquet/documents.parquet — is it an `extract --out` folder?")
        doc = pd.read_parquet(d / "documents.parquet")
        tgt = pd.read_parquet(d / "targets.parquet")
        if "metric" not in tgt.columns or "metric_name" not in tgt.columns:
            rows = annotate(tgt.to_dict("records"))
            tgt = pd.DataFrame(rows, columns=list(tgt.columns) + ["metric", "metric_name"]) if rows else \
                tgt.assign(metric=pd.Series(dtype="object"), metric_name=pd.Series(dtype="object"))
        err = pd.read_parquet(d / "errors.parquet") if (d / "errors.parquet").exists() else \
            pd.DataFrame(columns=["source_path", "stage", "error"])
        sec = pd.read_parquet(d / "sections.parquet", columns=["doc_id", "section_id", "level", "title", "path"]) \
            if (d / "sections.parquet").exists() else pd.DataFrame(columns=["doc_id", "section_id", "level", "title", "path"])
        for frame in (doc, tgt, err, sec):
            frame["source_dir"] = str(d)
        sections.append(sec)
        docs.append(doc)
        targets.append(tgt)
        errors.append(err)
    return {"documents": pd.concat(docs, ignore_index=True), "targets": pd.concat(targets, ignore_index=True),
            "errors": pd.concat(errors, ignore_index=True), "sections": pd.concat(sections, ignore_index=True)}


def _period(text: str, a: int, b: int, year: Optional[int], deadline: Optional[str],
            section_path: str = "", in_review: bool = False, unit_class: str = "") -> str:
    """The period of a quantity of an older extract, whose targets lack the ``period`` column
    (the ``metrics`` component's reading, pipeline/stages/indicators.py ``period_of``)."""
    return period_of(text, a, b, year, deadline, section_path, in_review, unit_class)


def long_table(data: dict[str, pd.DataFrame], metrics: Optional[Iterable[str]] = None) -> pd.DataFrame:
    """One row per metric-matched target or achievement (see the module docstring)."""
    t, d = data["targets"], data["documents"]
    wanted = set(metrics) if metrics else None
    if wanted is None:
        t = t[t["metric"].notna() & ~t["metric"].fillna("").str.startswith("cluster:")]
    else:
        t = t[t["metric"].isin(wanted)]
    reviewed = review_sections(data.get("sections", pd.DataFrame()), d)
    planned = plan_years(data.get("sections", pd.DataFrame()), d)
    secs = data.get("sections", pd.DataFrame())
    paths = {(r.source_dir, r.doc_id, r.section_id): r.path or "" for r in secs.itertuples()} if not secs.empty else {}
    d = d[["source_dir", "doc_id", "region", "year"]].copy()
    d["region"] = d["region"].fillna("").replace("", "全国")
    df = t.merge(d, on=["source_dir", "doc_id"], how="left")
    if df.empty:
        return pd.DataFrame(columns=LONG_COLUMNS)
    lex = lexicon()
    rows = []
    for r in df.to_dict("records"):
        text, start = r["text"] or "", int(r["start"] or 0)
        a, b = int(r["raw_start"]) - start, int(r["raw_end"]) - start
        year = int(r["year"]) if pd.notna(r["year"]) else None
        period = r.get("period") if isinstance(r.get("period"), str) else _period(
            text, a, b, year, r.get("deadline_date"),
            paths.get((r["source_dir"], r["doc_id"], r.get("section_id")), ""),
            (r["source_dir"], r["doc_id"], r.get("section_id")) in reviewed,
            lex.metrics[r["metric"]].unit_class if r["metric"] in lex.metrics else "")
        scope = r.get("scope") if isinstance(r.get("scope"), str) else scope_of(text, a, r["metric"])
        status = r["status"]
        value, value_max, comparator, note = r["value"], r["value_max"], r["comparator"], ""
        head = _RANGE_HEAD.search(text[:max(a, 0)])
        if head and comparator != "range" and pd.notna(value) and float(head.group(1)) < float(value):
            # '增长5－6%' was read as '6%' (full-width dash): recover the range from the text
            value, value_max, comparator = float(head.group(1)), float(value), "range"
            note = f"range start recovered from the text: {head.group(0).strip()}{r['raw']}"
        metric = r["metric"]
        info = lex.metrics.get(metric)
        value_std, unit_std = value, r["unit"]
        if info is not None and info.unit_class == "mass" and r["unit"] in _MASS_TO_TON:
            value_std = value * _MASS_TO_TON[r["unit"]] if pd.notna(value) else value
            unit_std = "吨"
        rows.append(dict(
            region=r["region"], year=year, period_year=year, period=period, scope=scope, status=status,
            status_extracted=status,
            headline=False, metric=metric, metric_name=r["metric_name"], value=value, value_max=value_max,
            unit=r["unit"], comparator=comparator, raw=r["raw"], value_std=value_std, unit_std=unit_std,
            note=note, doc_id=r["doc_id"], target_id=r["target_id"], commitment_id=r["commitment_id"],
            text=text, source_dir=r["source_dir"], _pos=int(r["raw_start"]),
            _target_sentence=bool(_TARGET_SENTENCE.search(text)),
            _review_sentence=bool(_REVIEW_SENTENCE.search(text)),
            _stated_target=bool(_STATED_TARGET.search(text[:max(a, 0)])),
            _review_year=reviewed.get((r["source_dir"], r["doc_id"], r.get("section_id"))),
            _plan_year=planned.get((r["source_dir"], r["doc_id"]))))
    out = pd.DataFrame(rows)  # status is the extract's own (the status stage): never re-decided here
    out["period_year"] = out["period_year"].astype("Float64")
    last_year = (out["status"] == "achievement") & (out["period"] == "annual") & out["year"].notna()
    if last_year.any():
        out.loc[last_year, "period_year"] = out.loc[last_year, "year"].astype(float) - 1
    named = last_year & out["_review_year"].notna()  # '关于2019年工作': the year the section reviews
    if named.any():
        out.loc[named, "period_year"] = out.loc[named, "_review_year"].astype(float)
    shifted = (out["status"] == "target") & (out["period"] == "annual") & out["_plan_year"].notna()
    if shifted.any():
        out.loc[shifted, "period_year"] = out.loc[shifted, "_plan_year"].astype(float)
        out.loc[shifted, "note"] = (out.loc[shifted, "note"] + "; ").str.lstrip("; ") + \
            "plan year from the report's headings (documents.year is one less)"
    out["headline"] = _headlines(out)
    out = out.sort_values(["metric", "region", "period_year", "status", "_pos"], kind="stable")
    return out[LONG_COLUMNS].reset_index(drop=True).astype({"year": "Int64", "period_year": "Int64"})


_PLAN_TITLE = re.compile(r"安排|目标|任务|重点工作|建议|打算|总体要求|部署|思路")
_REVIEW_TITLE = re.compile(r"回顾|过去|成就|总结")
_TITLE_YEAR = re.compile(r"(20\d\d)年")
_PLAN_YEAR_TITLE = re.compile(r"(20\d\d)年(?:的)?(?:工作安排|重点工作|主要工作|总体要求|目标任务|工作总体要求|政府工作|经济社会发展)")


def plan_years(sections: pd.DataFrame, documents: pd.DataFrame) -> dict[tuple, int]:
    """(source_dir, doc_id) → the year a report plans when its top-level headings say so and it is
    the year after documents.year ('2019年总体要求和目标任务' in a report filed as 2018): a
    report whose metadata year is off by one."""
    out: dict[tuple, int] = {}
    if sections.empty:
        return out
    years = {(r.source_dir, r.doc_id): r.year for r in documents.itertuples()}
    for (src, doc), g in sections.groupby(["source_dir", "doc_id"], sort=False):
        year = years.get((src, doc))
        if year is None or pd.isna(year):
            continue
        top = g[g["level"] == g["level"].min()]
        found = {int(y) for t in top["title"].fillna("") for y in _PLAN_YEAR_TITLE.findall(t)}
        if int(year) + 1 in found and int(year) not in found:
            out[(src, doc)] = int(year) + 1
    return out


def review_sections(sections: pd.DataFrame, documents: pd.DataFrame) -> dict[tuple, Optional[int]]:
    """(source_dir, doc_id, section_id) → the year reviewed (None when the title names none), for
    every section under a top-level heading that reviews past work: '2023年工作回顾', '过去五年…',
    or '关于2019年工作' when another top-level heading plans a later year ('关于2020年目标任务')."""
    out: dict[tuple, Optional[int]] = {}
    if sections.empty:
        return out
    years = {(r.source_dir, r.doc_id): r.year for r in documents.itertuples()}
    for (src, doc), g in sections.groupby(["source_dir", "doc_id"], sort=False):
        top = g[g["level"] == g["level"].min()]
        plan_years = [int(y) for t in top["title"].fillna("") if _PLAN_TITLE.search(t) for y in _TITLE_YEAR.findall(t)]
        plan_year = max(plan_years) if plan_years else years.get((src, doc))
        review: dict[str, Optional[int]] = {}
        for r in top.itertuples():
            title = r.title or ""
            ys = [int(y) for y in _TITLE_YEAR.findall(title)]
            if _REVIEW_TITLE.search(title) or (ys and not _PLAN_TITLE.search(title) and plan_year
                                               and pd.notna(plan_year) and max(ys) < int(plan_year)):
                review[(r.path or "").split(" > ")[0]] = max(ys) if ys else None
        if not review:
            continue
        for r in g.itertuples():
            root = (r.path or "").split(" > ")[0]
            if root in review:
                out[(src, doc, r.section_id)] = review[root]
    return out


def _headlines(df: pd.DataFrame) -> pd.Series:
    """The row that speaks for each region × period_year × metric × status: always a figure
    of the whole region (``scope`` 'whole', never a 新区's or a 开发区's) for the full year.

    Targets: annual, in a sentence stating this year's targets (主要预期目标…) if there is one,
    never one in a review sentence (去年…, 初步核算…) that does not name targets,
    then a hedged comparator (左右/以上/range) over a bare '=' (often a result mislabelled),
    then the first in the document. Achievements: annual, the first in the document."""
    flag = pd.Series(False, index=df.index)
    annual = df[(df["period"] == "annual") & (df["scope"] == WHOLE) & df["period_year"].notna()]
    for _, g in annual.groupby(["source_dir", "doc_id", "metric", "status"], sort=False):
        if g["status"].iloc[0] == "target":
            # never a 'target' in a review sentence without a word for targets: a mislabelled result
            g = g[g["_target_sentence"] | g["_stated_target"] | ~g["_review_sentence"]]
            if g.empty:
                continue
            key = g.assign(_k1=~g["_target_sentence"], _k2=g["comparator"].eq("="))
            best = key.sort_values(["_k1", "_k2", "_pos"], kind="stable").index[0]
        else:
            info = lexicon().metrics.get(g["metric"].iloc[0])
            if info is not None and info.unit_class == "persons":
                # a review of several years gives the year's figure and the years' total
                # ('城镇新增就业52万人' … '五年城镇新增就业261.6万人'): the year's is the smaller
                best = g.sort_values(["value", "_pos"], kind="stable").index[0]
            else:
                best = g.sort_values("_pos", kind="stable").index[0]
        flag.loc[best] = True
    # two documents for one region-year (rare: a re-issued report): keep the later doc_id
    chosen = df[flag]
    dup = chosen.duplicated(["region", "period_year", "metric", "status"], keep="last")
    flag.loc[chosen.index[dup]] = False
    return flag


def _met(metric: str, t: dict, r: dict) -> Optional[bool]:
    """Did the result reach the target? Higher-is-better metrics: result ≥ the target's lower
    bound; caps (unemployment, CPI): result ≤ its upper bound. 左右 counts as the value itself."""
    info = lexicon().metrics.get(metric)
    if info is None or pd.isna(t["value"]) or pd.isna(r["value"]) or t["unit"] != r["unit"]:
        return None
    lo = t["value"]
    hi = t["value_max"] if pd.notna(t["value_max"]) else t["value"]
    if info.better == "lower":
        return bool(r["value"] < hi) if t["comparator"] == "<" else bool(r["value"] <= hi)
    return bool(r["value"] > lo) if t["comparator"] == ">" else bool(r["value"] >= lo)


def wide_table(long: pd.DataFrame) -> pd.DataFrame:
    """Region × year × metric: the year's target beside its result, reported the next year."""
    head = long[long["headline"].astype(bool)]  # (an empty object column would select columns)
    tg = head[head["status"] == "target"].set_index(["region", "period_year", "metric"])
    ach = head[head["status"] == "achievement"].set_index(["region", "period_year", "metric"])
    keys = sorted(set(tg.index) | set(ach.index), key=lambda k: (k[2], k[0], k[1]))
    rows = []
    names = dict(zip(long["metric"], long["metric_name"]))
    for region, year, metric in keys:
        t = tg.loc[(region, year, metric)].to_dict() if (region, year, metric) in tg.index else None
        r = ach.loc[(region, year, metric)].to_dict() if (region, year, metric) in ach.index else None
        row = {"region": region, "year": year, "metric": metric, "metric_name": names.get(metric)}
        for side, src in (("target", t), ("result", r)):
            for col in SIDE:
                row[f"{side}_{col}"] = src[col] if src else None
        row["result_reported_year"] = r["year"] if r else None
        row["gap"] = (r["value"] - t["value"]) if t and r and t["unit"] == r["unit"] else None
        row["met"] = _met(metric, t, r) if t and r else None
        rows.append(row)
    cols = (["region", "year", "metric", "metric_name"] + [f"target_{c}" for c in SIDE]
            + [f"result_{c}" for c in SIDE] + ["result_reported_year", "gap", "met"])
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"year": "Int64", "result_reported_year": "Int64", "met": "boolean",
                       "target_value": "float64", "target_value_max": "float64",
                       "result_value": "float64", "result_value_max": "float64", "gap": "float64"})


def report_years(data: dict[str, pd.DataFrame]) -> dict[tuple[str, int], tuple[str, str]]:
    """(region, plan year) → (source_dir, doc_id) of the report that sets that year's targets
    (the later doc_id when two do, as for the headlines)."""
    docs = data["documents"]
    planned = plan_years(data.get("sections", pd.DataFrame()), docs)
    out: dict[tuple[str, int], tuple[str, str]] = {}
    for r in docs.sort_values("doc_id", kind="stable").itertuples():
        year = planned.get((r.source_dir, r.doc_id), r.year)
        if year is None or pd.isna(year):
            continue
        region = r.region if isinstance(r.region, str) and r.region else "全国"
        out[(region, int(year))] = (r.source_dir, r.doc_id)
    return out


# A metric is among the main targets researchers expect a report to state when this share of
# the lists of main targets read names it: only those get a row for a report that omits them.
MAIN_TARGET_SHARE = 0.2


def add_target_status(wide: pd.DataFrame, data: dict[str, pd.DataFrame],
                      metrics: Optional[Iterable[str]] = None) -> pd.DataFrame:
    """``wide`` with ``target_status`` (stated / qualitative / not_set / not_found, see
    pipeline/analysis/existence.py) and a row for each report × metric it has no row for: the metrics
    asked for, or else those the lists of main targets of at least MAIN_TARGET_SHARE of the
    reports name. A qualitative target's wording, or the words saying none is set, go in
    ``target_raw``; the list of main targets in ``target_text``."""
    from collections import Counter

    from pipeline.analysis.existence import document_text, read_list, status_of

    reports = report_years(data)
    lists = {}
    for key, (src, doc) in reports.items():
        text = document_text(src, doc)
        lists[key] = read_list(text) if text else None
    if metrics:
        universe = list(dict.fromkeys(metrics))
    else:
        named = Counter(m for tl in lists.values() if tl is not None for m in tl.named)
        n_lists = sum(1 for tl in lists.values() if tl is not None)
        universe = sorted(m for m, n in named.items() if n_lists and n / n_lists >= MAIN_TARGET_SHARE
                          and not m.startswith("cluster:"))
    names = {m: lexicon().name(m) for m in universe}
    out = wide.copy()
    status, raws, texts, docs = [], [], [], []
    for r in out.itertuples():
        key = (r.region, int(r.year)) if pd.notna(r.year) else None
        tl = lists.get(key) if key else None
        st, words = status_of(tl, r.metric, pd.notna(r.target_value) or isinstance(r.target_raw, str))
        if key not in reports:
            st = "stated" if st == "stated" else "not_found"  # no report of that region-year was read
        status.append(st)
        raws.append(words if st in ("qualitative", "not_set") else r.target_raw)
        texts.append(tl.text if st in ("qualitative", "not_set") and tl is not None else r.target_text)
        docs.append(reports[key][1] if st in ("qualitative", "not_set") and key in reports else r.target_doc_id)
    out["target_status"] = status
    if len(out):
        displaced = (out["target_status"] == "not_set") & out["target_value"].notna()
        # the report says it sets none: a number read for it is not its target
        for col in [c for c in out.columns if c.startswith("target_") and c not in ("target_status",)] + ["gap"]:
            out.loc[displaced, col] = None
        out["met"] = out["met"].mask(displaced)
        out["target_raw"], out["target_text"], out["target_doc_id"] = raws, texts, docs
    have = set(zip(out["region"], out["year"].astype("Int64"), out["metric"])) if len(out) else set()
    extra = []
    for (region, year), (src, doc) in reports.items():
        tl = lists.get((region, year))
        for m in universe:
            if (region, year, m) in have:
                continue
            st, words = status_of(tl, m, False)
            extra.append({"region": region, "year": year, "metric": m, "metric_name": names.get(m),
                          "target_raw": words, "target_doc_id": doc,
                          "target_text": tl.text if tl is not None and st != "not_found" else None,
                          "target_status": st})
    if extra:
        out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    cols = list(wide.columns) + ["target_status"]
    out = out.reindex(columns=cols)
    out = out.sort_values(["metric", "region", "year"], kind="stable").reset_index(drop=True)
    return out.astype({"year": "Int64", "result_reported_year": "Int64", "met": "boolean",
                       "target_value": "float64", "target_value_max": "float64",
                       "result_value": "float64", "result_value_max": "float64", "gap": "float64"})


LEVELS = ("national", "province", "prefecture", "county")
CASCADE_COLUMNS = ["year", "metric", "metric_name", "level", "region", "region_name", "region_code",
                   "parent_region", "parent_code", "target_status", "target_value", "target_value_max",
                   "target_unit", "target_comparator", "target_raw", "parent_target_value",
                   "parent_target_raw", "ratio_to_parent", "gap_to_parent", "target_doc_id"]


def _parent_code(code: str, level: str, known: set[str]) -> Optional[str]:
    """The administrative parent of a 6-digit code: a county's prefecture (when read, else its
    province), a prefecture's province, a province's nation ('100000'); None for the nation."""
    from pipeline.stages.metadata import NATIONAL_CODE

    if level == "national" or not isinstance(code, str) or len(code) != 6:
        return None
    if level == "province":
        return NATIONAL_CODE
    if level == "county" and code[:4] + "00" in known:
        return code[:4] + "00"
    return code[:2] + "0000"


def cascade(wide: pd.DataFrame, documents: pd.DataFrame, metric: str, year: int) -> pd.DataFrame:
    """For one metric and year, the targets of every level side by side — the nation, its
    provinces, their prefectures (and counties) — each with its parent's target (the parent
    from ``region_code``: a city → its province → the nation), the ratio of the two
    (``ratio_to_parent``: a province aiming at 6% under a national 5% has 1.2) and their
    difference (``gap_to_parent``, in the metric's unit: percentage points for a growth rate).
    A range counts by its lower bound, as in the pivot. Ordered nation first, then each
    province followed by its cities."""
    keys = documents[["region", "region_code", "region_level", "region_name"]].copy()
    keys["region"] = keys["region"].fillna("").replace("", "全国")
    keys = keys.dropna(subset=["region_code"]).drop_duplicates("region", keep="last").set_index("region")
    g = wide[(wide["metric"] == metric) & (wide["year"] == year)]
    g = g[g["region"].isin(keys.index)]
    if g.empty:
        return pd.DataFrame(columns=CASCADE_COLUMNS)
    by_code = {keys.loc[r, "region_code"]: row for r, row in g.set_index("region").iterrows()}
    known = set(by_code)
    names = {keys.loc[r, "region_code"]: r for r in g["region"]}
    rows = []
    for region, r in g.set_index("region").iterrows():
        code, level = keys.loc[region, "region_code"], keys.loc[region, "region_level"]
        parent = _parent_code(code, level, known)
        p = by_code.get(parent) if parent else None
        t_val = r["target_value"] if r["target_status"] == "stated" else float("nan")
        p_val = p["target_value"] if p is not None and p["target_status"] == "stated" else float("nan")
        rows.append({"year": year, "metric": metric, "metric_name": r["metric_name"], "level": level,
                     "region": region, "region_name": keys.loc[region, "region_name"], "region_code": code,
                     "parent_region": names.get(parent), "parent_code": parent,
                     "target_status": r["target_status"], "target_value": t_val,
                     "target_value_max": r["target_value_max"], "target_unit": r["target_unit"],
                     "target_comparator": r["target_comparator"], "target_raw": r["target_raw"],
                     "parent_target_value": p_val, "parent_target_raw": p["target_raw"] if p is not None else None,
                     "ratio_to_parent": t_val / p_val if pd.notna(t_val) and pd.notna(p_val) and p_val else float("nan"),
                     "gap_to_parent": t_val - p_val if pd.notna(t_val) and pd.notna(p_val) else float("nan"),
                     "target_doc_id": r["target_doc_id"]})
    out = pd.DataFrame(rows, columns=CASCADE_COLUMNS)
    rank = out["level"].map({lv: i for i, lv in enumerate(LEVELS)}).fillna(len(LEVELS))
    branch = out["region_code"].str[:2].where(out["level"] != "national", "")
    out = out.assign(_b=branch, _r=rank).sort_values(["_b", "_r", "region_code"], kind="stable")
    return out.drop(columns=["_b", "_r"]).reset_index(drop=True).astype(
        {"year": "Int64", "target_value": "float64", "target_value_max": "float64",
         "parent_target_value": "float64", "ratio_to_parent": "float64", "gap_to_parent": "float64"})


def cascade_year(wide: pd.DataFrame, documents: pd.DataFrame, metric: str) -> Optional[int]:
    """The year whose targets span the most levels (then the most regions; the latest on ties)."""
    levels = documents.assign(region=documents["region"].fillna("").replace("", "全国")) \
        .drop_duplicates("region", keep="last").set_index("region")["region_level"]
    g = wide[(wide["metric"] == metric) & (wide["target_status"] == "stated")].copy()
    g["level"] = g["region"].map(levels)
    g = g.dropna(subset=["level", "year"])
    if g.empty:
        return None
    score = g.groupby("year").agg(n_levels=("level", "nunique"), n=("region", "size"))
    return int(max(score.index, key=lambda y: (score.loc[y, "n_levels"], score.loc[y, "n"], y)))


def parse_by(by: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in by.split(",") if k.strip())
    if not keys or len(keys) > 2 or any(k not in BY_KEYS for k in keys) or len(set(keys)) != len(keys):
        raise ValueError(f"--by takes one or two of {', '.join(BY_KEYS)} (comma-separated), not {by!r}")
    return keys


def pivot_table(wide: pd.DataFrame, by: Sequence[str] = BY_KEYS) -> pd.DataFrame:
    """Per metric and side (target/result): rows by[0], columns by[1], the value (the lower
    bound of a range). With one key, a summary per key: count, median, min, max, share met."""
    frames = []
    for metric, g in wide.groupby("metric", sort=True):
        for side in ("target", "result"):
            vals = g.dropna(subset=[f"{side}_value"])
            if vals.empty:
                continue
            if len(by) == 2:
                p = vals.pivot_table(index=by[0], columns=by[1], values=f"{side}_value", aggfunc="first")
                p.columns = [str(c) for c in p.columns]
                p = p.reset_index()
            else:
                p = vals.groupby(by[0]).agg(n=(f"{side}_value", "size"), median=(f"{side}_value", "median"),
                                            min=(f"{side}_value", "min"), max=(f"{side}_value", "max"))
                if side == "result":
                    p["share_met"] = vals.groupby(by[0])["met"].mean()
                p = p.reset_index()
            p.insert(0, "side", side)
            p.insert(0, "metric", metric)
            frames.append(p)
    if not frames:
        return pd.DataFrame(columns=["metric", "side", by[0]])
    out = pd.concat(frames, ignore_index=True)
    fixed = ["metric", "side", by[0]]
    rest = sorted((c for c in out.columns if c not in fixed), key=str)
    return out[fixed + rest]


def coverage(long: pd.DataFrame, documents: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Per document: whether it states an annual target for ``metric`` (headline), for measuring
    how many region-years have one."""
    d = documents[["doc_id", "region", "year"]].copy()
    hits = long[(long["metric"] == metric) & (long["status"] == "target") & long["headline"]]
    d["has_target"] = d["doc_id"].isin(set(hits["doc_id"]))
    d = d.merge(hits[["doc_id", "raw"]].rename(columns={"raw": "target_raw"}), on="doc_id", how="left")
    return d.sort_values(["region", "year"]).reset_index(drop=True)


def default_year(wide: pd.DataFrame, metric: str) -> Optional[int]:
    """The year with the most regions' targets and results (the latest among ties)."""
    g = wide[(wide["metric"] == metric) & wide["target_value"].notna()]
    if g.empty:
        return None
    counts = g.groupby("year").size() + g.groupby("year")["result_value"].count()
    return int(max(counts.index, key=lambda y: (counts[y], y)))


def default_region(wide: pd.DataFrame, metric: str) -> Optional[str]:
    """The region with the most years that have both a target and a result."""
    g = wide[wide["metric"] == metric]
    if g.empty:
        return None
    both = g.assign(n=g["target_value"].notna().astype(int) + g["result_value"].notna().astype(int))
    score = both.groupby("region")["n"].sum()
    return max(sorted(score.index), key=lambda r: score[r])


def write_outputs(out_dir: Path, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """comparison_<name>.csv (UTF-8 BOM) and .parquet per table, and comparison.xlsx."""
    from pipeline.runtime.writers import atomic_path

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        with atomic_path(out_dir / f"comparison_{name}.csv") as tmp:
            df.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
        with atomic_path(out_dir / f"comparison_{name}.parquet") as tmp:
            df.to_parquet(tmp, index=False)
        written += [out_dir / f"comparison_{name}.csv", out_dir / f"comparison_{name}.parquet"]
    with atomic_path(out_dir / "comparison.xlsx") as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, df in tables.items():
                df.to_excel(xl, sheet_name=name[:31], index=False)
    written.append(out_dir / "comparison.xlsx")
    return written


def compare(out_dirs: Sequence[Path], metrics: Optional[Sequence[str]] = None,
            by: Sequence[str] = BY_KEYS) -> dict[str, pd.DataFrame]:
    """Everything in memory: {'long', 'wide', 'pivot'} plus the loaded inputs under '_data'."""
    data = load(out_dirs)
    long = long_table(data, metrics)
    wide = add_target_status(wide_table(long), data, metrics)
    return {"long": long, "wide": wide, "pivot": pivot_table(wide, by), "_data": data}  # type: ignore[dict-item]
