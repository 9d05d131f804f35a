"""Command line: `python -m pipeline extract|evaluate|compare|report|metrics …`.

The group lives here and names its commands, one module per command family; a command's module
is imported only when that command runs (or when help lists them all): `extract` does not pay
for the evaluator's, the comparison's and the report's imports at start-up. No command module
imports this one (options.py holds what they share: --verbose/--quiet, --metric).
"""
from __future__ import annotations

import importlib

import click

from pipeline import __version__

# command name → "module:attribute" of its click command
COMMANDS = {
    "extract": "pipeline.tools.cli.extract:extract",
    "evaluate": "pipeline.tools.cli.evaluate:evaluate",
    "compare": "pipeline.tools.cli.compare:compare",
    "report": "pipeline.tools.cli.report:report",
    "metrics": "pipeline.tools.cli.metrics:metrics_command",
}


class _LazyGroup(click.Group):
    """A group whose commands are imported when looked up (click's documented lazy-loading
    pattern: `list_commands` names them, `get_command` imports the one asked for)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attr = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(module), attr)
        self.add_command(command, cmd_name)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pipeline")
def main() -> None:
    """Turn Chinese policy documents (工作要点, 政府工作报告, 任务分工, 行动方案) into tables of
    commitments: what will be done, how much, by whom and by when, each row traceable to its words.

    \b
    Typical use:
      python -m pipeline extract data/raw --out data/processed
      python -m pipeline evaluate --gold data/gold --pred data/processed
    """
