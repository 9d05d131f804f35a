"""`extract`: documents in, tables out (pipeline/runtime/batch.py does the work)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.extractors import DEFAULT_CHAIN
from pipeline.tools.cli.options import debug, log_level, verbosity


def _document_details(out_dir: Path) -> None:
    """One line per document of the dataset, for --verbose: what each input gave."""
    import pandas as pd

    from pipeline.runtime.publish import dataset_dir

    path = dataset_dir(out_dir) / "documents.parquet"
    if not path.exists():
        return
    cols = ["doc_id", "n_chars", "n_sections", "n_commitments", "n_targets", "warnings", "source_path"]
    docs = pd.read_parquet(path)
    for r in docs.reindex(columns=cols).to_dict("records"):
        warn = f"  warnings: {r['warnings']}" if isinstance(r["warnings"], str) and r["warnings"] else ""
        debug(f"{r['doc_id']}: {r['n_chars']} chars, {r['n_sections']} sections, "
              f"{r['n_commitments']} commitments, {r['n_targets']} targets  ({r['source_path']}){warn}")


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Output folder: a dataset, created if missing. A run adds new documents, "
                   "updates changed ones and keeps the others (see --replace).")
@click.option("--replace", is_flag=True,
              help="Rebuild the dataset from this run's inputs alone (documents not among them "
                   "leave it). Without it, documents of earlier runs are kept.")
@click.option("--from-list", "lists", multiple=True, type=click.Path(dir_okay=False),
              help="A text file naming inputs, one per line ('#' starts a comment line; relative "
                   "paths are relative to the list file). May be repeated.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["xlsx"]),
              help="Also write commitments.xlsx, one sheet per table (Parquet, CSV and DuckDB "
                   "are always written).")
@click.option("--extractors", "extractor_set", default=DEFAULT_CHAIN, show_default=True,
              type=click.Choice(["rules", "ml", "both"]),
              help="rules: hand-written rules only; ml: the trained models in models/; both: the "
                   "rules, overruled where the gold-trained model is confident (the best in "
                   "cross-validation). Rows say which made them (method).")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: the number of CPU cores]. 1 processes everything "
                   "in this process. The tables are identical whatever the number.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: worker processes on this machine; dask: the workers of a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: the scheduler's address (tcp://host:8786). Without it a "
                   "local Dask cluster of --workers processes is started.")
@click.option("--rebuild", is_flag=True,
              help="Process every document again instead of reusing unchanged results cached "
                   "in --out/.cache.")
@click.option("--doc-timeout", type=click.FloatRange(min=0), default=300, show_default=True,
              metavar="SECONDS",
              help="Time limit per document: its worker process is stopped and the document "
                   "becomes an errors row. 0: no limit (with -j 1 and --doc-memory 0 everything "
                   "then runs in this process).")
@click.option("--doc-memory", type=click.IntRange(min=0), default=1024, show_default=True,
              metavar="MB", help="Memory a worker may grow by on one document before it is "
                                 "stopped (an errors row). 0: no limit.")
@click.option("--max-doc-mb", type=click.FloatRange(min=0, min_open=True), default=64,
              show_default=True, metavar="MB",
              help="Size limit per document: the file, and its content once unzipped (.docx, "
                   "zip members). A larger file is an errors row.")
@click.option("--max-chars", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              metavar="N", help="Limit on the characters of text of one document (the longest "
                                "real policy documents have ~100,000).")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (documents/s, ETA) on stderr [default: when stderr is a "
                   "terminal].")
@verbosity(quiet_help="No progress bar, no summary, no log lines except failures (for scripts).",
           verbose_help="Debug log lines, and after the run one line per document of the "
                        "dataset (characters, sections, commitments, targets, warnings).")
@click.option("--backend", type=click.Choice(["jieba", "hanlp"]), default="jieba", show_default=True,
              help="Word segmenter and POS tagger. hanlp: POS tags from the HanLP model in "
                   "--hanlp-model (words from jieba, or from a HanLP tokenizer in DIR/tok/); needs "
                   "the extra: pip install torch==2.13.0 && pip install -e '.[hanlp]'.")
@click.option("--hanlp-model", "hanlp_model", metavar="DIR",
              type=click.Path(file_okay=True, path_type=Path),
              help="With --backend hanlp: a local folder holding a HanLP POS model (config.json, "
                   "model.pt), or pos/ and tok/ subfolders. Nothing is ever downloaded.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              metavar="P", help="Leave out target rows whose confidence is below P (rules give "
                                "1.0; see the README, 'method and confidence').")
def extract(inputs: tuple[str, ...], out_dir: Path, lists: tuple[str, ...], formats: tuple[str, ...],
            extractor_set: str, workers: int | None, engine: str, scheduler: str | None,
            rebuild: bool, progress: bool | None, quiet: bool, verbose: bool = False,
            backend: str = "jieba",
            hanlp_model: Path | None = None, replace: bool = False, doc_timeout: float = 300,
            doc_memory: int = 1024, max_doc_mb: float = 64, max_chars: int = 1_000_000,
            min_confidence: float = 0.0) -> None:
    """Extract commitments from INPUTS (files, folders, globs, .zip archives) into tables in --out.

    \b
    Reads .txt/.md (UTF-8, GBK/GB18030, UTF-16), .html, .docx and .pdf, also inside .zip archives
    (source_path 'archive.zip!/inner/file.txt'). Writes, in --out:
      documents, sections, commitments, targets, owners, errors   as .parquet and .csv (UTF-8 BOM)
      commitments.duckdb   all tables in one DuckDB database
      texts/<doc_id>.txt   the cleaned text that every start/end offset refers to
      .cache/              one file per processed document: a rerun skips unchanged documents,
                           and a run that was interrupted (Ctrl-C, kill) resumes where it stopped
      dataset.json         the dataset: its documents, their source paths and ids
    Each table name is a link into .generations/<run>/, switched at once when a run ends:
    readers see the previous set or the new one, never a mix.
    A file that cannot be read, or over a limit, becomes a row of `errors`; the others are
    still processed.

    \b
    Exit status:
      0    all inputs read, tables written
      1    some inputs failed (rows of errors), tables written
      2    the output folder is busy (another extract is writing to it)
      3    nothing written: the output folder cannot be written (read-only, disk full, not a
           folder) or no input could be read; the dataset is as it was
      130  interrupted (Ctrl-C, SIGTERM): finished documents are cached; rerun to resume
    """
    import logging

    from pipeline.runtime.batch import NothingToWrite, OutputBusy, OutputError, log_to_stderr, run_batch
    from pipeline.stages.ingest import MB, Limits
    from pipeline.records import PipelineError

    if not inputs and not lists:
        raise click.UsageError("give INPUTS (files, folders, globs, .zip) or --from-list FILE")
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    log_to_stderr(log_level(verbose, quiet))
    from pipeline.config import Settings
    from pipeline.stages.taggers import BackendError, check

    try:  # loads a HanLP model now: a bad one is reported once, before any document
        check(backend, hanlp_model)
        settings = Settings(chain=extractor_set, backend=backend, hanlp_model=hanlp_model,
                            min_confidence=min_confidence)
    except (BackendError, ValueError) as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    if backend != "jieba":
        logging.getLogger("pipeline").info("backend %s: POS tags from the HanLP model in %s",
                                           backend, hanlp_model)
    try:
        summary = run_batch(inputs, out_dir, formats=formats, settings=settings,
                            quiet=quiet, lists=lists, workers=workers, engine=engine,
                            scheduler=scheduler, progress=progress, rebuild=rebuild,
                            replace=replace, doc_timeout=doc_timeout, doc_memory=doc_memory,
                            limits=Limits(max_bytes=int(max_doc_mb * MB), max_chars=max_chars))
    except KeyboardInterrupt:  # (BatchInterrupted: finished documents are cached, it said so)
        sys.exit(130)
    except (OutputBusy, PipelineError) as err:  # another run holds --out
        click.echo(f"error: {err.message}", err=True)
        sys.exit(2)
    except (OutputError, NothingToWrite) as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(3)
    if verbose:
        _document_details(out_dir)
    if not quiet:
        click.echo(summary.render(out_dir), err=True)
    sys.exit(1 if summary.errors else 0)
