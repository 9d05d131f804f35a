"""`report`: one static HTML page of an extract folder (pipeline/analysis/report.py does the work)."""
from __future__ import annotations

import warnings
from pathlib import Path

import click

from pipeline.tools.cli.options import font_option, use_font, echo_font_warnings, info, metrics_option, set_verbosity, verbosity


@click.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The index page to write (charts and font embedded); the document pages go "
                   "to <stem>_docs/ beside it.")
@click.option("--metric", "metric_opt", multiple=True, metavar="ID",
              help="Metrics to show tables and charts for (default: gdp_growth, urban_new_jobs, "
                   "surveyed_unemployment_rate, cpi).")
@click.option("--title", default=None, help="Page title (default: the folder name).")
@font_option
@verbosity()
def report(out_dir: Path, html_path: Path, metric_opt: tuple[str, ...], title: str | None,
           verbose: bool = False, quiet: bool = False, font: str | None = None) -> None:
    """Write a static HTML report of an extract folder for analysts.

    \b
    Corpus summary, per-document counts, metric coverage, comparison tables (target vs result
    reported the next year) and charts, every target with a canonical metric, and the list of
    inputs that failed; one page per document (report_docs/<doc_id>.html) with its text, its
    targets, deadlines and owners highlighted. Every number links to its sentence; tables sort
    and filter. Static files, no server, no network:
      python -m pipeline report data/processed_provinces --html report.html
    """
    from pipeline.analysis.report import build_report

    set_verbosity(verbose, quiet)
    use_font(font)
    metrics = metrics_option(metric_opt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            path = build_report(out_dir, html_path, metrics=metrics, title=title)
        except FileNotFoundError as err:
            raise click.ClickException(str(err))
    echo_font_warnings(caught)
    info(f"report written to {path} ({path.stat().st_size // 1024} KB)")
