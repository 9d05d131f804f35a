"""Commands for comparing plans across documents (compare, report): registered on `main`."""
from __future__ import annotations

import warnings
from pathlib import Path

import click

from .cli import main

DEFAULT_CHART_METRICS = ("gdp_growth", "urban_new_jobs", "surveyed_unemployment_rate")


def _metrics_option(value: tuple[str, ...]) -> list[str] | None:
    from .metrics import lexicon

    ids = [m.strip() for v in value for m in v.split(",") if m.strip()]
    known = lexicon().metrics
    for m in ids:
        if m not in known and not m.startswith("cluster:"):
            raise click.BadParameter(f"unknown metric {m!r}; known: {', '.join(sorted(known))} "
                                     "(or a cluster:NNNN id)", param_hint="--metric")
    return ids or None


def _echo_font_warnings(caught: list) -> None:
    """Say once that Chinese labels cannot be drawn (the CJKFontWarning, or matplotlib's own
    'Glyph … missing' when a chosen font still lacks a character)."""
    from .charts import CJKFontWarning

    font = [w for w in caught if issubclass(w.category, CJKFontWarning)]
    glyphs = [w for w in caught if "missing from font" in str(w.message)]
    for w in font:
        click.echo(f"warning: {w.message}", err=True)
    if glyphs:
        click.echo(f"warning: {len(glyphs)} characters could not be drawn in the charts, e.g. "
                   f"{glyphs[0].message}", err=True)


@main.command()
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
def compare(out_dirs: tuple[Path, ...], metric_opt: tuple[str, ...], by: str, out_dir: Path | None,
            year: int | None, region: str | None, charts: bool) -> None:
    """Compare normalised metrics (GDP growth, new jobs, …) across regions and years.

    \b
    Reads the tables of one or more `extract --out` folders and writes, in --out:
      comparison_long.csv/.parquet   every target and achievement of the metrics, with its source row
      comparison_wide.csv/.parquet   region × year × metric: the year's target beside the result
                                     reported the next year (result_reported_year), gap, met
      comparison_pivot.csv/.parquet  region × year of target and result values per metric
      comparison.xlsx                the three tables as sheets
      charts/*.png                   targets by region (bar), one region over the years (line)
    CSV files are UTF-8 with a byte-order mark (Excel on Chinese Windows opens them).
    """
    from .compare import compare as run, parse_by, write_outputs

    metrics = _metrics_option(metric_opt)
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
    written = write_outputs(out_dir, tables)
    n_charts = 0
    if charts and not tables["wide"].empty:
        from .charts import default_charts, save

        present = list(dict.fromkeys(tables["wide"]["metric"]))
        chart_metrics = metrics or [m for m in DEFAULT_CHART_METRICS if m in present]
        for stale in list((out_dir / "charts").glob("bar_*.png")) + list((out_dir / "charts").glob("line_*.png")):
            stale.unlink()  # charts of an earlier run, which this one may not redraw
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for name, fig in default_charts(tables["wide"], chart_metrics, year, region):
                save(fig, out_dir / "charts" / name)
                n_charts += 1
        _echo_font_warnings(caught)
    long, wide = tables["long"], tables["wide"]
    click.echo(f"metrics compared   : {long['metric'].nunique()}", err=True)
    click.echo(f"rows (long)        : {len(long)}  ({(long['status'] == 'target').sum()} targets, "
               f"{(long['status'] == 'achievement').sum()} achievements)", err=True)
    click.echo(f"region-years (wide): {len(wide)}  ({wide['target_value'].notna().sum()} with a target, "
               f"{wide['result_value'].notna().sum()} with a result)", err=True)
    click.echo(f"charts             : {n_charts}", err=True)
    click.echo(f"written to         : {out_dir}  ({len(written)} table files)", err=True)


@main.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (one self-contained page: charts embedded).")
@click.option("--metric", "metric_opt", multiple=True, metavar="ID",
              help="Metrics to show tables and charts for (default: gdp_growth, urban_new_jobs, "
                   "surveyed_unemployment_rate, cpi).")
@click.option("--title", default=None, help="Page title (default: the folder name).")
def report(out_dir: Path, html_path: Path, metric_opt: tuple[str, ...], title: str | None) -> None:
    """Write a static HTML report of an extract folder for analysts.

    \b
    Corpus summary, per-document counts, metric coverage, comparison tables (target vs result
    reported the next year) and charts, and the list of inputs that failed. One file, no server:
      python -m pipeline report data/processed_provinces --html report.html
    """
    from .report import build_report

    metrics = _metrics_option(metric_opt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            path = build_report(out_dir, html_path, metrics=metrics, title=title)
        except FileNotFoundError as err:
            raise click.ClickException(str(err))
    _echo_font_warnings(caught)
    click.echo(f"report written to {path} ({path.stat().st_size // 1024} KB)", err=True)
