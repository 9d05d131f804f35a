"""`metrics`: the metric lexicon, and with --data how often an extract folder names each."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # (pandas is imported by the command when it runs: `extract` never needs it)
    import pandas as pd

from pipeline.tools.cli.options import debug, info, set_verbosity, verbosity


def _counts(table: pd.DataFrame, data_dir: Path, show_all: bool,
            known: set[str]) -> tuple[pd.DataFrame, tuple[int, int, float]]:
    """The lexicon table with the rows of the folder's targets table naming each metric, and
    (target/achievement rows naming a metric, all of them, share)."""
    from pipeline.runtime.publish import dataset_dir

    path = dataset_dir(data_dir) / "targets.parquet"
    if not path.exists():
        raise click.ClickException(f"{data_dir}: no targets.parquet — is it an `extract --out` folder?")
    debug(f"reading {path}")
    import pandas as pd

    t = pd.read_parquet(path, columns=["metric", "status"])
    counts = t.groupby(["metric", "status"]).size().unstack(fill_value=0)
    for col in ("target", "achievement"):
        table[f"n_{col}s"] = table["id"].map(counts[col] if col in counts else {}).fillna(0).astype(int)
    table.insert(6, "n_rows", table["id"].map(t["metric"].value_counts()).fillna(0).astype(int))
    table = table.sort_values(["n_rows", "id"], ascending=[False, True])
    if not show_all:
        table = table[table["n_rows"] > 0]
    ta = t[t["status"].isin(["target", "achievement"])]
    named = ta["metric"].isin(known)
    return table, (int(named.sum()), len(ta), named.mean())


@click.command("metrics")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="An `extract --out` folder: also count the targets and achievements of each metric.")
@click.option("--all", "show_all", is_flag=True, help="With --data: list metrics without rows too.")
@verbosity()
def metrics_command(data_dir: Path | None, show_all: bool, verbose: bool = False,
                    quiet: bool = False) -> None:
    """List the metric lexicon: id, Chinese name, unit class, unit, better (higher/lower).

    \b
    With --data OUT_DIR, the rows of its targets table each metric names (n_rows; n_targets,
    n_achievements), most frequent first, and the share of target and achievement rows named:
      python -m pipeline metrics --data out/provinces
    """
    from pipeline.stages.indicators import lexicon

    set_verbosity(verbose, quiet)
    lex = lexicon()
    import pandas as pd

    table = pd.DataFrame([{"id": m.id, "name": m.zh, "en": m.en, "unit_class": m.unit_class,
                           "unit": m.unit, "better": m.better} for m in lex.metrics.values()])
    if data_dir is not None:
        table, (n_named, n_rows, share) = _counts(table, data_dir, show_all, set(lex.metrics))
        info(f"lexicon {lex.version}: {len(lex.metrics)} metrics; {n_named} of {n_rows} "
             f"target/achievement rows ({share:.1%}) name one")
    else:
        info(f"lexicon {lex.version}: {len(lex.metrics)} metrics")
    click.echo(table.to_csv(sep="\t", index=False, lineterminator="\n"), nl=False)
