"""What every command shares: --verbose / --quiet, and the stderr lines they govern.

Results go to stdout or to files; stderr carries the rest: INFO lines (summaries, where files
were written) unless --quiet, DEBUG lines (per-document details) with --verbose, warnings and
errors always. One logger, `pipeline`, so that the library's own log lines follow the same flags.
"""
from __future__ import annotations

import logging
from typing import Callable

import click

LOGGER = "pipeline"


def verbosity(quiet_help: str = "Only warnings and errors on stderr (for scripts).",
              verbose_help: str = "Debug log lines and per-document details on stderr."
              ) -> Callable[[Callable], Callable]:
    """Adds --verbose/-v and --quiet/-q (parameters `verbose`, `quiet`) to a command."""
    def add(command: Callable) -> Callable:
        command = click.option("--quiet", "-q", is_flag=True, help=quiet_help)(command)
        return click.option("--verbose", "-v", is_flag=True, help=verbose_help)(command)
    return add


def log_level(verbose: bool, quiet: bool) -> int:
    """The `pipeline` logger's level for the two flags (both at once is a usage error)."""
    if verbose and quiet:
        raise click.UsageError("--verbose and --quiet exclude each other")
    return logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO


def set_verbosity(verbose: bool, quiet: bool) -> int:
    """Log lines of the `pipeline` logger on stderr at the flags' level; returns the level.
    (`extract` uses the batch's handler instead, which prints above its progress bar.)"""
    level = log_level(verbose, quiet)
    log = logging.getLogger(LOGGER)
    for h in list(log.handlers):
        if getattr(h, "_pipeline_cli", False):
            log.removeHandler(h)
    handler = logging.StreamHandler()  # sys.stderr as it is now (click's test runner swaps it)
    handler._pipeline_cli = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False
    return level


def info(message: str) -> None:
    """A summary line on stderr, left out with --quiet."""
    if logging.getLogger(LOGGER).isEnabledFor(logging.INFO):
        click.echo(message, err=True)


def debug(message: str) -> None:
    """A detail line on stderr, shown with --verbose only."""
    if logging.getLogger(LOGGER).isEnabledFor(logging.DEBUG):
        click.echo(message, err=True)


def metrics_option(value: tuple[str, ...]) -> list[str] | None:
    """--metric values (repeated or comma-separated) checked against the lexicon."""
    from pipeline.stages.indicators import lexicon

    ids = [m.strip() for v in value for m in v.split(",") if m.strip()]
    known = lexicon().metrics
    for m in ids:
        if m not in known and not m.startswith("cluster:"):
            raise click.BadParameter(f"unknown metric {m!r}; known: {', '.join(sorted(known))} "
                                     "(or a cluster:NNNN id)", param_hint="--metric")
    return ids or None


def echo_font_warnings(caught: list) -> None:
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


def font_option(command: Callable) -> Callable:
    """Adds --font FILE (parameter `font`): the CJK font file of the charts."""
    return click.option("--font", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                        help="A font file with Chinese glyphs for the charts (default: the first "
                             "CJK font found: Noto Sans CJK, WenQuanYi, mplfonts' Noto Sans CJK SC)."
                        )(command)


def use_font(font: str | None) -> None:
    if font:
        from pipeline.analysis.charts import prefer_font

        prefer_font(font)
