"""Commands for comparing plans across documents (compare, report): registered on `main`."""
from __future__ import annotations

import warnings
from pathlib import Path

import click

from pipeline.tools.cli import main

DEFAULT_CHART_METRICS = ("gdp_growth", "urban_new_jobs", "surveyed_unemployment_rate")


def _metrics_option(value: tuple[str, ...]) -> list[str] | None:
    from pipeline.stages.indicators import lexicon

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
    from pipeline.analysis.charts import CJKFontWarning

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
@click.option("--cascade", is_flag=True,
              help="Also put, for one --metric and --year (default: the year spanning the most "
                   "levels), the national, provincial and prefecture targets side by side with "
                   "the ratio of each to its parent's (comparison_cascade, charts/cascade_*.png).")
def compare(out_dirs: tuple[Path, ...], metric_opt: tuple[str, ...], by: str, out_dir: Path | None,
            year: int | None, region: str | None, charts: bool, cascade: bool = False) -> None:
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

    metrics = _metrics_option(metric_opt)
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
        from pipeline.analysis.compare import cascade as levels, cascade_year

        docs = res["_data"]["documents"]
        c_year = year if year is not None else cascade_year(tables["wide"], docs, metrics[0])
        if c_year is None:
            raise click.ClickException(f"no {metrics[0]} target to compare across levels")
        cascade_table = tables["cascade"] = levels(tables["wide"], docs, metrics[0], c_year)
    written = write_outputs(out_dir, tables)
    n_charts = 0
    if charts and not tables["wide"].empty:
        from pipeline.analysis.charts import default_charts, save

        present = list(dict.fromkeys(tables["wide"]["metric"]))
        chart_metrics = metrics or [m for m in DEFAULT_CHART_METRICS if m in present]
        for stale in [p for pat in ("bar_*.png", "line_*.png", "cascade_*.png")
                      for p in (out_dir / "charts").glob(pat)]:
            stale.unlink()  # charts of an earlier run, which this one may not redraw
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for name, fig in default_charts(tables["wide"], chart_metrics, year, region):
                save(fig, out_dir / "charts" / name)
                n_charts += 1
            if cascade_table is not None and not cascade_table.empty:
                from pipeline.analysis.charts import cascade_chart

                fig = cascade_chart(cascade_table)
                if fig is not None:
                    save(fig, out_dir / "charts" / f"cascade_{metrics[0]}_{int(cascade_table['year'].iloc[0])}.png")
                    n_charts += 1
        _echo_font_warnings(caught)
    long, wide = tables["long"], tables["wide"]
    click.echo(f"metrics compared   : {long['metric'].nunique()}", err=True)
    click.echo(f"rows (long)        : {len(long)}  ({(long['status'] == 'target').sum()} targets, "
               f"{(long['status'] == 'achievement').sum()} achievements)", err=True)
    click.echo(f"region-years (wide): {len(wide)}  ({wide['target_value'].notna().sum()} with a target, "
               f"{wide['result_value'].notna().sum()} with a result)", err=True)
    if cascade_table is not None:
        by_level = cascade_table.groupby("level")["target_value"].count().to_dict()
        click.echo(f"cascade            : {metrics[0]} {int(cascade_table['year'].iloc[0]) if len(cascade_table) else ''}"
                   f"  {len(cascade_table)} regions, targets by level {by_level}, "
                   f"{cascade_table['ratio_to_parent'].notna().sum()} with a parent's target", err=True)
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
    from pipeline.analysis.report import build_report

    metrics = _metrics_option(metric_opt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            path = build_report(out_dir, html_path, metrics=metrics, title=title)
        except FileNotFoundError as err:
            raise click.ClickException(str(err))
    _echo_font_warnings(caught)
    click.echo(f"report written to {path} ({path.stat().st_size // 1024} KB)", err=True)


@main.command("metrics")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="An `extract --out` folder: also count the targets and achievements of each metric.")
@click.option("--all", "show_all", is_flag=True, help="With --data: list metrics without rows too.")
def metrics_command(data_dir: Path | None, show_all: bool) -> None:
    """List the metric lexicon: id, Chinese name, unit class, unit, better (higher/lower).

    \b
    With --data OUT_DIR, the rows of its targets table each metric names (n_rows; n_targets,
    n_achievements), most frequent first, and the share of target and achievement rows named:
      python -m pipeline metrics --data out/provinces
    """
    import pandas as pd

    from pipeline.stages.indicators import lexicon
    from pipeline.runtime.publish import dataset_dir

    lex = lexicon()
    rows = [{"id": m.id, "name": m.zh, "en": m.en, "unit_class": m.unit_class, "unit": m.unit,
             "better": m.better} for m in lex.metrics.values()]
    table = pd.DataFrame(rows)
    if data_dir is not None:
        path = dataset_dir(data_dir) / "targets.parquet"
        if not path.exists():
            raise click.ClickException(f"{data_dir}: no targets.parquet — is it an `extract --out` folder?")
        t = pd.read_parquet(path, columns=["metric", "status"])
        counts = t.groupby(["metric", "status"]).size().unstack(fill_value=0)
        for col in ("target", "achievement"):
            table[f"n_{col}s"] = table["id"].map(counts[col] if col in counts else {}).fillna(0).astype(int)
        table.insert(6, "n_rows", table["id"].map(t["metric"].value_counts()).fillna(0).astype(int))
        table = table.sort_values(["n_rows", "id"], ascending=[False, True])
        if not show_all:
            table = table[table["n_rows"] > 0]
        ta = t[t["status"].isin(["target", "achievement"])]
        named = ta["metric"].isin(set(lex.metrics))
        click.echo(f"lexicon {lex.version}: {len(lex.metrics)} metrics; {int(named.sum())} of {len(ta)} "
                   f"target/achievement rows ({named.mean():.1%}) name one", err=True)
    else:
        click.echo(f"lexicon {lex.version}: {len(lex.metrics)} metrics", err=True)
    click.echo(table.to_csv(sep="\t", index=False, lineterminator="\n"), nl=False)
