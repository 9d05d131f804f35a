"""`compare`: normalised metrics across the regions and years of extract folders
(pipeline/analysis/compare.py and charts.py do the work)."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import click

if TYPE_CHECKING:  # (pandas is imported by the command when it runs: `extract` never needs it)
    import pandas as pd

from pipeline.tools.cli.options import font_option, use_font, debug, echo_font_warnings, info, metrics_option, set_verbosity, verbosity

DEFAULT_CHART_METRICS = ("gdp_growth", "urban_new_jobs", "surveyed_unemployment_rate")


def _cascade(res: dict, tables: dict, metric: str, year: int | None) -> pd.DataFrame:
    """National → provincial → prefecture targets of one metric and year (default: the year
    spanning the most levels)."""
    from pipeline.analysis.compare import cascade as levels, cascade_year

    docs = res["_data"]["documents"]
    c_year = year if year is not None else cascade_year(tables["wide"], docs, metric)
    if c_year is None:
        raise click.ClickException(f"no {metric} target to compare across levels")
    return levels(tables["wide"], docs, metric, c_year)


def _charts(out_dir: Path, wide: pd.DataFrame, metrics: list[str] | None, year: int | None,
            region: str | None, cascade_table: pd.DataFrame | None) -> int:
    """Draws the charts into OUT/charts/ (removing those of an earlier run); their number."""
    from pipeline.analysis.charts import cascade_chart, default_charts, save

    present = list(dict.fromkeys(wide["metric"]))
    chart_metrics = metrics or [m for m in DEFAULT_CHART_METRICS if m in present]
    for stale in [p for pat in ("bar_*.png", "line_*.png", "cascade_*.png")
                  for p in (out_dir / "charts").glob(pat)]:
        stale.unlink()  # charts of an earlier run, which this one may not redraw
    n = 0
    for name, fig in default_charts(wide, chart_metrics, year, region):
        n += _save(save, fig, out_dir / "charts" / name)
    if cascade_table is not None and not cascade_table.empty:
        fig = cascade_chart(cascade_table)
        if fig is not None:
            name = f"cascade_{metrics[0]}_{int(cascade_table['year'].iloc[0])}.png"
            n += _save(save, fig, out_dir / "charts" / name)
    return n


def _save(save: Callable, fig: object, path: Path) -> int:
    save(fig, path)
    debug(f"chart written: {path}")
    return 1


def _summary(tables: dict, cascade_table: pd.DataFrame | None, metric: str | None) -> None:
    long, wide = tables["long"], tables["wide"]
    info(f"metrics compared   : {long['metric'].nunique()}")
    info(f"rows (long)        : {len(long)}  ({(long['status'] == 'target').sum()} targets, "
         f"{(long['status'] == 'achievement').sum()} achievements)")
    info(f"region-years (wide): {len(wide)}  ({wide['target_value'].notna().sum()} with a target, "
         f"{wide['result_value'].notna().sum()} with a result)")
    if cascade_table is not None:
        by_level = cascade_table.groupby("level")["target_value"].count().to_dict()
        info(f"cascade            : {metric} {int(cascade_table['year'].iloc[0]) if len(cascade_table) else ''}"
             f"  {len(cascade_table)} regions, targets by level {by_level}, "
             f"{cascade_table['ratio_to_parent'].notna().sum()} with a parent's target")


@click.command()
@click.argument("out_dirs", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--metric", "metric_opt", multiple=True, metavar="ID",
              help="Metric id(s) to compare (repeat or comma-separate): gdp_growth, urban_new_jobs, "
                   "surveyed_unemployment_rate, cpi, … or cluster:NNNN. Default: every lexicon metric.")
@click.option("--by", default="region,year", show_default=True,
              help="Layout of the pivot table: rows,columns from region and year ('year,region' "
                   "transposes; one key gives a summary per key).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: OUT_DIR/comparison of the first OUT_DIR).")
@click.option("--year", type=int, help="Year of the bar chart of targets by region (default: the year "
                                       "with targets for the most regions).")
@click.option("--region", help="Region of the line chart over years (default: the one with most data).")
@click.option("--charts/--no-charts", default=True, show_default=True, help="Write PNG charts in OUT/charts/.")
@click.option("--cascade", is_flag=True,
              help="Also put, for one --metric and --year (default: the year spanning the most "
                   "levels), the national, provincial and prefecture targets side by side with "
                   "the ratio of each to its parent's (comparison_cascade, charts/cascade_*.png).")
@font_option
@verbosity(verbose_help="Debug log lines and every file written, on stderr.")
def compare(out_dirs: tuple[Path, ...], metric_opt: tuple[str, ...], by: str, out_dir: Path | None,
            year: int | None, region: str | None, charts: bool, cascade: bool = False,
            verbose: bool = False, quiet: bool = False, font: str | None = None) -> None:
    """Compare normalised metrics (GDP growth, new jobs, …) across regions and years.

    \b
    Reads the tables of one or more `extract --out` folders and writes, in --out:
      comparison_long.csv/.parquet   every target and achievement of the metrics, with its source row
      comparison_wide.csv/.parquet   region × year × metric: the year's target beside the result
                                     reported the next year (result_reported_year), gap, met
      comparison_pivot.csv/.parquet  region × year of target and result values per metric
      comparison_cascade.csv/.parquet  with --cascade: national → provincial → prefecture
                                     targets of one metric and year, ratio to the parent's
      comparison.xlsx                the tables as sheets
      charts/*.png                   targets by region (bar), one region over the years (line)
    CSV files are UTF-8 with a byte-order mark (Excel on Chinese Windows opens them).
    """
    from pipeline.analysis.compare import compare as run, parse_by, write_outputs

    set_verbosity(verbose, quiet)
    use_font(font)
    metrics = metrics_option(metric_opt)
    if cascade and (not metrics or len(metrics) != 1):
        raise click.BadParameter("--cascade compares one metric: give exactly one --metric",
                                 param_hint="--metric")
    try:
        keys = parse_by(by)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--by")
    out_dir = out_dir or (out_dirs[0] / "comparison")
    try:
        res = run(out_dirs, metrics, keys)
    except FileNotFoundError as err:
        raise click.ClickException(str(err))
    tables = {k: v for k, v in res.items() if not k.startswith("_")}
    cascade_table = None
    if cascade:
        cascade_table = tables["cascade"] = _cascade(res, tables, metrics[0], year)
    written = write_outputs(out_dir, tables)
    for path in written:
        debug(f"table written: {path}")
    n_charts = 0
    if charts and not tables["wide"].empty:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            n_charts = _charts(out_dir, tables["wide"], metrics, year, region, cascade_table)
        echo_font_warnings(caught)
    _summary(tables, cascade_table, metrics[0] if metrics else None)
    info(f"charts             : {n_charts}")
    info(f"written to         : {out_dir}  ({len(written)} table files)")
