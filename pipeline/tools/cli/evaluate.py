"""`evaluate`: the scores of docs/GOLD.md (pipeline/tools/evaluate/ does the work)."""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import click

from pipeline.tools.cli.options import info, set_verbosity, verbosity


def _predictions(pred_dir: Path | None, inputs: tuple[str, ...]) -> Path:
    """--pred, or a temporary folder the INPUTS are extracted into first."""
    if pred_dir is not None:
        return pred_dir
    if not inputs:
        raise click.UsageError("give --pred DIR, or INPUT files/folders to extract first")
    from pipeline.runtime.batch import run_batch

    tmp = Path(tempfile.mkdtemp(prefix="pipeline-eval-"))
    info(f"extracting {len(inputs)} input(s) into {tmp}")
    run_batch(inputs, tmp, quiet=True)
    return tmp


@click.command()
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of gold files (<doc_id>.json, see GOLD.md).")
@click.option("--pred", "pred_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of tables written by `extract`. Omit it to extract INPUTS first.")
@click.option("--errors", "show_errors", is_flag=True,
              help="List every false positive and false negative with its sentence.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the full report as JSON here.")
@verbosity(verbose_help="Debug log lines and each document's counts as it is scored, on stderr.")
@click.argument("inputs", nargs=-1)
def evaluate(gold_dir: Path, pred_dir: Path | None, show_errors: bool, json_path: Path | None,
             inputs: tuple[str, ...], verbose: bool = False, quiet: bool = False) -> None:
    """Score extracted tables against gold annotations (precision, recall, F1 per field).

    \b
    python -m pipeline evaluate --gold data/gold --pred data/processed
    python -m pipeline evaluate --gold data/gold data/raw      # extracts first, into a temp folder
    A field the gold does not annotate (GOLD.md, 'File format') says "not annotated".

    \b
    Exit status:
      0    scored
      1    some gold document has no predicted document (named on stderr), or no gold file
    """
    from pipeline.tools.evaluate import evaluate as score, format_errors, format_report

    set_verbosity(verbose, quiet)
    pred_dir = _predictions(pred_dir, inputs)
    report = score(gold_dir, pred_dir)
    if not report["overall"]["n_documents"]:
        raise click.ClickException(f"no gold files (*.json) in {gold_dir}")
    click.echo(format_report(report))
    if show_errors:
        click.echo(format_errors(report))
    if json_path:
        json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        info(f"report written to {json_path}")
    missing = report["overall"]["documents_without_predictions"]
    if missing:
        click.echo(f"error: {len(missing)} gold document(s) without a predicted document in "
                   f"{pred_dir}: {', '.join(missing)}", err=True)
        sys.exit(1)
