"""PNG charts of the comparison tables (matplotlib, no pyplot global state), Chinese labels included.

Chinese needs a CJK font. ``cjk_font()`` looks, in order, at the font file given with
``prefer_font(path)`` (``--font FILE`` of ``compare`` and ``report``),
the fonts matplotlib already knows (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei, …: e.g.
Debian's fonts-noto-cjk or fonts-wqy-microhei), then the Noto Sans CJK SC file shipped by the
``mplfonts`` package (a dependency of this project, so a fresh ``make`` has it). When none is
found, charts are still drawn but a ``CJKFontWarning`` says that Chinese would show as boxes.
"""
from __future__ import annotations

import importlib.util
import io
import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Optional

import pandas as pd

from pipeline.stages.indicators import lexicon

CJK_FAMILIES = ["Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
                "Heiti SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "AR PL UMing CN"]
MPLFONTS_FILES = ["NotoSansCJKsc-Regular.otf", "SourceHanSansSC-Regular.otf", "SimHei.ttf"]
TARGET_COLOR, RANGE_COLOR, RESULT_COLOR = "#3b6ea8", "#a9c4e4", "#d1495b"


class CJKFontWarning(UserWarning):
    """No font with Chinese glyphs was found: Chinese labels would render as empty boxes."""


def _has_chinese(path: str) -> bool:
    try:
        from matplotlib.ft2font import FT2Font

        font = FT2Font(path)
        return all(font.get_char_index(ord(ch)) for ch in "中国增长目标")
    except Exception:  # unreadable or unsupported font file
        return False


@lru_cache(maxsize=1)
def cjk_font() -> Optional[str]:
    """The family name of a font with Chinese glyphs, registered with matplotlib; None (and a
    CJKFontWarning) when there is none."""
    from matplotlib import font_manager

    path = cjk_font_path()
    if path is None:
        warnings.warn("No CJK font found: Chinese labels in the charts will render as empty boxes. "
                      "Install one (`pip install mplfonts`, which ships Noto Sans CJK SC, or "
                      "`apt-get install fonts-noto-cjk`), or give one with --font /path/to/font.otf.",
                      CJKFontWarning, stacklevel=2)
        return None
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


_PREFERRED: list[str] = []  # set by prefer_font (the --font option), read by cjk_font_path


def prefer_font(path: Optional[str | os.PathLike]) -> None:
    """Charts of this process use the font file ``path`` when it has Chinese glyphs."""
    _PREFERRED[:] = [str(path)] if path else []
    cjk_font_path.cache_clear()


@lru_cache(maxsize=1)
def cjk_font_path() -> Optional[str]:
    """The file of the first font with Chinese glyphs (see the module docstring), or None."""
    from matplotlib import font_manager

    candidates: list[str] = []
    for given in _PREFERRED:
        if Path(given).is_file():
            candidates.append(given)
        else:
            warnings.warn(f"--font {given} is not a file; looking for other CJK fonts", CJKFontWarning)
    known = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    candidates += [known[name] for name in CJK_FAMILIES if name in known]
    spec = importlib.util.find_spec("mplfonts")
    if spec and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            candidates += [str(Path(loc) / "fonts" / f) for f in MPLFONTS_FILES if (Path(loc) / "fonts" / f).is_file()]
    for path in candidates:
        if _has_chinese(path):
            return path
    return None


def _rc() -> dict:
    family = cjk_font()
    return {"font.family": "sans-serif",
            "font.sans-serif": ([family] if family else []) + ["DejaVu Sans"],
            "axes.unicode_minus": False, "axes.spines.top": False, "axes.spines.right": False}


_SHORT = [("维吾尔自治区", ""), ("壮族自治区", ""), ("回族自治区", ""), ("自治区", ""), ("特别行政区", ""),
          ("省", ""), ("市", "")]


def short_region(region: str) -> str:
    """'广西壮族自治区' → '广西', '四川省' → '四川' (for axis labels; cities keep their province)."""
    if not isinstance(region, str):
        return str(region)
    for long, short in _SHORT:
        if region.endswith(long) and len(region) > len(long) + 1:
            return region[: -len(long)] + short
    return region


def _unit_label(metric: str) -> str:
    info = lexicon().metrics.get(metric)
    return info.unit if info else ""


def _metric_name(metric: str, fallback: Optional[str] = None) -> str:
    info = lexicon().metrics.get(metric)
    return info.zh if info else (fallback or metric)


def _scale(metric: str, values: pd.Series) -> tuple[pd.Series, str]:
    """Large counts in 万 (persons 1,100,000 → 110 万人), tons in 万吨, yuan in 亿元."""
    unit = _unit_label(metric)
    if unit in ("人", "吨", "个") and values.dropna().abs().max() >= 1e5:
        return values / 1e4, f"万{unit}"
    if unit == "元" and values.dropna().abs().max() >= 1e8:
        return values / 1e8, "亿元"
    return values, unit


def _std(df: pd.DataFrame, side: str) -> tuple[pd.Series, pd.Series]:
    """Values of one side in the metric's standard unit (斤 → 吨 for grain)."""
    from pipeline.analysis.compare import _MASS_TO_TON

    f = df[f"{side}_unit"].map(lambda u: _MASS_TO_TON.get(u, 1.0) if isinstance(u, str) else 1.0)
    return df[f"{side}_value"] * f, df[f"{side}_value_max"] * f


def bar_by_region(wide: pd.DataFrame, metric: str, year: int):
    """Targets of one year by region (bars; a range drawn to its top), with the result reported
    the next year as a dot. Returns a matplotlib Figure, or None when there is nothing to draw."""
    import matplotlib
    from matplotlib.figure import Figure

    g = wide[(wide["metric"] == metric) & (wide["year"] == year) & wide["target_value"].notna()].copy()
    if g.empty:
        return None
    g["t"], g["tmax"] = _std(g, "target")
    g["r"], _ = _std(g, "result")
    g = g.sort_values(["t", "region"], ascending=[False, True])
    t, unit = _scale(metric, g["t"])
    tmax, _ = _scale(metric, g["tmax"].fillna(g["t"]))
    r, _ = _scale(metric, g["r"])
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(max(6.0, 0.42 * len(g) + 2), 4.8), dpi=110)
        ax = fig.add_subplot()
        x = range(len(g))
        ax.bar(x, t, color=TARGET_COLOR, label="目标（下限）")
        extra = (tmax - t).clip(lower=0)
        if extra.gt(0).any():
            ax.bar(x, extra, bottom=t, color=RANGE_COLOR, label="目标区间上限")
        if r.notna().any():
            ax.scatter(x, r, color=RESULT_COLOR, zorder=3, s=22, label=f"实际（{year + 1}年报告）")
        for xi, (raw, top) in enumerate(zip(g["target_raw"], tmax)):
            ax.annotate(str(raw), (xi, top), textcoords="offset points", xytext=(0, 3), ha="center",
                        fontsize=6.5, rotation=90, va="bottom")
        ax.set_xticks(list(x), [short_region(s) for s in g["region"]], rotation=60, fontsize=8)
        ax.set_ylabel(unit)
        ax.set_ylim(0, max(float(tmax.max()), float(r.max()) if r.notna().any() else 0) * 1.25)
        ax.set_title(f"{year}年{_metric_name(metric)}目标：按地区（{unit}）", fontsize=11)
        ax.legend(fontsize=8, frameon=False, loc="upper right")
        fig.tight_layout()
    return fig


def line_over_years(wide: pd.DataFrame, metric: str, region: str):
    """One region's target (line; band for a range) and result (reported the next year) by year."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    g = wide[(wide["metric"] == metric) & (wide["region"] == region)].sort_values("year").copy()
    g = g[g["target_value"].notna() | g["result_value"].notna()]
    if g.empty:
        return None
    g["t"], g["tmax"] = _std(g, "target")
    g["r"], _ = _std(g, "result")
    t, unit = _scale(metric, g["t"])
    tmax, _ = _scale(metric, g["tmax"].fillna(g["t"]))
    r, _ = _scale(metric, g["r"])
    years = g["year"].astype(int).tolist()
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7.0, 4.2), dpi=110)
        ax = fig.add_subplot()
        ax.plot(years, t, marker="o", color=TARGET_COLOR, label="目标（当年政府工作报告）")
        if (tmax > t).any():
            ax.fill_between(years, t, tmax, color=RANGE_COLOR, alpha=0.6, label="目标区间")
        ax.plot(years, r, marker="s", color=RESULT_COLOR, label="实际（次年报告）")
        for y, v, raw in zip(years, t, g["target_raw"]):
            if pd.notna(v):
                ax.annotate(str(raw), (y, v), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)
        for y, v in zip(years, r):
            if pd.notna(v):
                ax.annotate(f"{v:g}", (y, v), textcoords="offset points", xytext=(0, -12), ha="center",
                            fontsize=7, color=RESULT_COLOR)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("年份")
        ax.set_ylabel(unit)
        ax.set_title(f"{region} {_metric_name(metric)}：目标与实际（{unit}）", fontsize=11)
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
    return fig


LEVEL_COLORS = {"national": "#1f3b63", "province": TARGET_COLOR, "prefecture": "#7fa7d6", "county": "#c3d6ee"}
LEVEL_NAMES = {"national": "全国", "province": "省级", "prefecture": "地市级", "county": "县级"}


def cascade_chart(table: pd.DataFrame):
    """The targets of one metric and year level by level (``compare.cascade``): a bar per region
    in the table's order (the nation, then each province followed by its cities), coloured by
    level, with the parent's target as a black tick and the ratio to it written above.
    None when no region states a number."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    g = table[table["target_value"].notna()].reset_index(drop=True)
    if g.empty:
        return None
    metric, year = g["metric"].iloc[0], int(g["year"].iloc[0])
    unit = _unit_label(metric)
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(max(6.0, 0.45 * len(g) + 2), 4.8), dpi=110)
        ax = fig.add_subplot()
        x = list(range(len(g)))
        ax.bar(x, g["target_value"], color=[LEVEL_COLORS.get(lv, "#999999") for lv in g["level"]])
        has_parent = g["parent_target_value"].notna()
        ax.scatter([xi for xi, h in zip(x, has_parent) if h], g.loc[has_parent, "parent_target_value"],
                   marker="_", s=260, color="black", zorder=3, linewidths=2)
        for xi, (v, ratio) in enumerate(zip(g["target_value"], g["ratio_to_parent"])):
            label = f"{v:g}" + (f"\n×{ratio:.2f}" if pd.notna(ratio) else "")
            ax.annotate(label, (xi, v), textcoords="offset points", xytext=(0, 3), ha="center",
                        fontsize=6.5, va="bottom")
        labels = [n if isinstance(n, str) and n else short_region(r) for n, r in zip(g["region_name"], g["region"])]
        ax.set_xticks(x, labels, rotation=60, fontsize=8)
        ax.set_ylabel(unit)
        top = max(float(g["target_value"].max()), float(g["parent_target_value"].max())
                  if has_parent.any() else 0.0)
        ax.set_ylim(0, top * 1.3)
        handles = [Patch(color=LEVEL_COLORS[lv], label=LEVEL_NAMES[lv]) for lv in LEVEL_COLORS
                   if lv in set(g["level"])]
        from matplotlib.lines import Line2D
        handles.append(Line2D([], [], color="black", marker="_", linestyle="None", markersize=12,
                              label="上级目标"))
        ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper right")
        ax.set_title(f"{year}年{_metric_name(metric)}目标：逐级对比（{unit}，×为与上级之比）", fontsize=11)
        fig.tight_layout()
    return fig


def png_bytes(fig) -> bytes:
    """The figure as PNG (drawn with the CJK font: matplotlib resolves fonts when drawing)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context(_rc()):
        fig.savefig(buf, format="png")
    return buf.getvalue()


def save(fig, path: Path) -> Path:
    from pipeline.runtime.writers import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_bytes(png_bytes(fig))
    return path


def default_charts(wide: pd.DataFrame, metrics: list[str], year: Optional[int] = None,
                   region: Optional[str] = None) -> list[tuple[str, object]]:
    """(file name, Figure) for each metric: targets by region for ``year`` (default: the year
    with the most targets) and ``region``'s targets and results over the years (default: the
    region with the most of them)."""
    from pipeline.analysis.compare import default_region, default_year

    out = []
    for metric in metrics:
        y = year if year is not None else default_year(wide, metric)
        if y is not None:
            fig = bar_by_region(wide, metric, y)
            if fig is not None:
                out.append((f"bar_{metric}_{y}.png", fig))
        reg = region if region is not None else default_region(wide, metric)
        if reg is not None:
            fig = line_over_years(wide, metric, reg)
            if fig is not None:
                out.append((f"line_{metric}_{reg}.png", fig))
    return out
