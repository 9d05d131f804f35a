"""Command line: `python -m pipeline extract|evaluate|compare|report|metrics …`.

The group lives here and imports its commands, one module per command family; no command module
imports this one (options.py holds what they share: --verbose/--quiet, --metric).
"""
from __future__ import annotations

import click

from pipeline import __version__
from pipeline.tools.cli.compare import compare
from pipeline.tools.cli.evaluate import evaluate
from pipeline.tools.cli.extract import extract
from pipeline.tools.cli.metrics import metrics_command
from pipeline.tools.cli.report import report


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pipeline")
def main() -> None:
    """Turn Chinese policy documents (工作要点, 政府工作报告, 任务分工, 行动方案) into tables of
    commitments: what will be done, how much, by whom and by when, each row traceable to its words.

    \b
    Typical use:
      python -m pipeline extract data/raw --out data/processed
      python -m pipeline evaluate --gold data/gold --pred data/processed
    """


for _command in (extract, evaluate, compare, report, metrics_command):
    main.add_command(_command)
