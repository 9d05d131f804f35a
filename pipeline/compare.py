"""Comparing plans across regions and years: long, wide and pivot tables of normalised metrics.

Input: one or more folders written by ``extract`` (targets with ``metric``, documents with region
and year). Output:

* ``long``: one row per metric-matched quantity — a ``target`` (promised in the plan year) or an
  ``achievement`` (a result reported in the review of past work) — with its period
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

from .metrics import annotate, lexicon

LONG_COLUMNS = ["region", "year", "period_year", "period", "status", "status_extracted", "headline", "metric", "metric_name",
                "value", "value_max", "unit", "comparator", "raw", "value_std", "unit_std", "note",
                "doc_id", "target_id", "commitment_id", "text", "source_dir"]
SIDE = ["value", "value_max", "unit", "comparator", "raw", "doc_id", "target_id", "text"]
BY_KEYS = ("region", "year")

# A clause about more than one year, or about part of one.
_MULTI_CLAUSE = re.compile(r"年均|累计|五年|每年|平均每年|三年|两年")
_MULTI_SENTENCE = re.compile(r"过去五年|五年来|五年间|五年累计|十[一二三四五六]五(?:时期|期间|以来|规划)|"
                             r"(?:到|至)20\d\d年|20\d\d[-—至到]20\d\d年")
_ANNUAL_SENTENCE = re.compile(r"今年|本年|明年|去年|全年|开局之年|预期目标|主要目标是|主要目标为|预期指标")
_SUB_ANNUAL = re.compile(r"[一二三四]季度|上半年|下半年|前三季度|\d+[-—至到]\d+月|一至[二三四五六七八九十]+月|\d+月份")
# Where a government work report states this year's targets.
_TARGET_SENTENCE = re.compile(r"预期目标|预期指标|主要目标是|主要目标为|目标建议|增长目标|目标设定|目标定在|目标为|"
                              r"主要目标：|目标是：|主要指标是|主要指标为")
# '主要预期目标是：' before a quantity: it is one of the targets listed.
_STATED_TARGET = re.compile(r"(?:目标|指标)[^。；;]{0,30}[：:]|(?:目标|指标)(?:建议)?(?:是|为)|目标建议|目标设定|目标定在|今年")
# A review of past results, where a quantity labelled 'target' is most likely a result.
_REVIEW_SENTENCE = re.compile(r"去年|上年|过去一年|过去五年|初步核算|圆满完成|胜利完成|预计全年")
_CLAUSE_SEP = "，,；;。：:\n"
_MASS_TO_TON = {"吨": 1.0, "斤": 0.0005, "公斤": 0.001, "千克": 0.001}
_RANGE_HEAD = re.compile(r"(\d+(?:\.\d+)?)%?\s*[－]\s*$")


def load(out_dirs: Sequence[Path]) -> dict[str, pd.DataFrame]:
    """documents, targets (with metric columns, filled in when an older extract lacks them) and
    errors of one or more extract output folders, with a ``source_dir`` column."""
    docs, targets, errors, sections = [], [], [], []
    for d in out_dirs:
        d = Path(d)
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


def _clause(text: str, a: int, b: int) -> str:
    """The clause holding text[a:b]: back to the previous clause boundary, through the quantity."""
    left = text[:max(a, 0)]
    cut = max(left.rfind(ch) for ch in _CLAUSE_SEP)
    return text[cut + 1:b]


_MULTI_SECTION = re.compile(r"五年|十[一二三四五六]五")
_ANNUAL_MARK = re.compile(r"20\d\d年|去年|全年|今年|过去一年|一年来|本年")


def _period(text: str, a: int, b: int, year: Optional[int], deadline: Optional[str],
            section_path: str = "", in_review: bool = False, unit_class: str = "") -> str:
    clause = _clause(text, a, b)
    if _SUB_ANNUAL.search(clause) or _SUB_ANNUAL.search(text[:max(a, 0)][-12:]):
        return "sub-annual"
    if _MULTI_CLAUSE.search(clause) or re.search(r"(?<![\d.])[2-9]年(?:来|间|累计|共)?", clause):
        return "multi-year"
    parts = section_path.split(" > ") if section_path else []
    if in_review and unit_class not in ("rate", "pp") and parts and _MULTI_SECTION.search(parts[0]) \
            and not any(_TITLE_YEAR.search(p) or "一年" in p for p in parts) and not _ANNUAL_MARK.search(text):
        # a total in '过去五年工作回顾' without a word for one year is most likely the five
        # years' total ('城镇新增就业690万人'); growth rates there say 年均 when they mean it
        return "multi-year"
    if _MULTI_SENTENCE.search(text) and not _ANNUAL_SENTENCE.search(text):
        return "multi-year"
    if deadline and year and str(deadline)[:4].isdigit() and int(str(deadline)[:4]) > year:
        return "multi-year"
    return "annual"


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
        period = _period(text, a, b, year, r.get("deadline_date"),
                         paths.get((r["source_dir"], r["doc_id"], r.get("section_id")), ""),
                         (r["source_dir"], r["doc_id"], r.get("section_id")) in reviewed,
                         lex.metrics[r["metric"]].unit_class if r["metric"] in lex.metrics else "")
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
            region=r["region"], year=year, period_year=year, period=period, status=status,
            status_extracted=status, _clause=_clause(text, a, b),
            headline=False, metric=metric, metric_name=r["metric_name"], value=value, value_max=value_max,
            unit=r["unit"], comparator=comparator, raw=r["raw"], value_std=value_std, unit_std=unit_std,
            note=note, doc_id=r["doc_id"], target_id=r["target_id"], commitment_id=r["commitment_id"],
            text=text, source_dir=r["source_dir"], _pos=int(r["raw_start"]),
            _target_sentence=bool(_TARGET_SENTENCE.search(text)),
            _review_sentence=bool(_REVIEW_SENTENCE.search(text)),
            _stated_target=bool(_STATED_TARGET.search(text[:max(a, 0)])),
            _future=_about_future(text[:max(a, 0)], year, r.get("deadline_date")),
            _review=(r["source_dir"], r["doc_id"], r.get("section_id")) in reviewed,
            _review_year=reviewed.get((r["source_dir"], r["doc_id"], r.get("section_id"))),
            _plan_year=planned.get((r["source_dir"], r["doc_id"]))))
    out = pd.DataFrame(rows)
    _correct_review_results(out)
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


_BY_YEAR = re.compile(r"(?:到|至|在)(20\d\d)年")


def _about_future(prefix: str, year: Optional[int], deadline: Optional[str]) -> bool:
    """'到2025年，…' or a deadline after the plan year: a target for later, not a past result."""
    if year is None:
        return False
    if isinstance(deadline, str) and deadline[:4].isdigit() and int(deadline[:4]) > year:
        return True
    return any(int(y) >= year for y in _BY_YEAR.findall(prefix))


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


_ESTIMATE = re.compile(r"预计|初步核算|实现|完成")


def _correct_review_results(df: pd.DataFrame) -> None:
    """A government work report reviews last year before it states this year's targets
    (主要预期目标是：…). A quantity the extractor called a target in a review section (see
    ``review_sections``) is a result unless its sentence lists targets. Likewise, a quantity the extractor called a target that comes before that statement,
    is stated exactly (or as an estimate, 预计/初步核算) and is not itself called a target is a
    result of last year: its status becomes 'achievement' (status_extracted keeps the original),
    so that targets and achievements are never mixed in the comparison."""
    note = "status corrected: a result stated in the review, before this year's targets"
    in_review = ((df["status"] == "target") & df["_review"] & ~df["_stated_target"] & ~df["_future"]
                 & ~df["_clause"].str.contains("目标"))
    df.loc[in_review, "status"] = "achievement"
    df.loc[in_review, "note"] = (df.loc[in_review, "note"] + "; ").str.lstrip("; ") + note
    stated = df[(df["status"] == "target") & df["_target_sentence"] & (df["comparator"] != "=")
                & (df["period"] == "annual")]
    split = stated.groupby(["source_dir", "doc_id"])["_pos"].min()
    for (src, doc), pos in split.items():
        m = ((df["source_dir"] == src) & (df["doc_id"] == doc) & (df["status"] == "target")
             & (df["_pos"] < pos) & ~df["_clause"].str.contains("目标") & ~df["_stated_target"] & ~df["_future"]
             & ((df["comparator"] == "=") | df["_clause"].str.contains(_ESTIMATE)))
        if m.any():
            df.loc[m, "status"] = "achievement"
            df.loc[m, "note"] = (df.loc[m, "note"] + "; ").str.lstrip("; ") + note


def _headlines(df: pd.DataFrame) -> pd.Series:
    """The row that speaks for each region × period_year × metric × status.

    Targets: annual, in a sentence stating this year's targets (主要预期目标…) if there is one,
    never one in a review sentence (去年…, 初步核算…) that does not name targets,
    then a hedged comparator (左右/以上/range) over a bare '=' (often a result mislabelled),
    then the first in the document. Achievements: annual, the first in the document."""
    flag = pd.Series(False, index=df.index)
    annual = df[(df["period"] == "annual") & df["period_year"].notna()]
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
    head = long[long["headline"]]
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
    from .tables import atomic_path

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
    wide = wide_table(long)
    return {"long": long, "wide": wide, "pivot": pivot_table(wide, by), "_data": data}  # type: ignore[dict-item]
