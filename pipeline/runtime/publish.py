"""Publishing a dataset folder: one complete generation of the tables, switched in by one rename."""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Optional

from pipeline.runtime.writers import _UMASK

# --------------------------------------------------------------------------- publishing a dataset
#
# Layout of an output folder (see README, "Batch runs at scale"):
#   .generations/<G>/   one complete set: every table, commitments.duckdb (.xlsx), texts/,
#                       dataset.json — written in full before it is published
#   .current            symbolic link to .generations/<G>: publishing is one rename of it
#   .previous           the set it replaced, kept one run longer for readers still on it
#   <table>.parquet …   symbolic links .current/<name>: what readers open, never a mix

GENERATIONS = ".generations"
CURRENT = ".current"
PREVIOUS = ".previous"


def current_generation(out_dir: Path) -> Optional[Path]:
    """The published generation folder of ``out_dir``, or None (nothing published yet, or a
    folder written before generations: its tables are plain files in ``out_dir``)."""
    return _generation(Path(out_dir) / CURRENT)


def _generation(link: Path) -> Optional[Path]:
    if not link.is_symlink():
        return None
    target = link.parent / os.readlink(link)
    return target if target.is_dir() else None


def dataset_dir(out_dir: Path) -> Path:
    """Where a reader finds one consistent set of tables: the current generation resolved
    once (so files opened one after the other all belong to the same run), else ``out_dir``."""
    gen = current_generation(Path(out_dir))
    return gen.resolve() if gen is not None else Path(out_dir)


def new_generation(out_dir: Path) -> Path:
    """An empty, unpublished generation folder (removed at the next start if never published)."""
    import time

    base = Path(out_dir) / GENERATIONS
    base.mkdir(parents=True, exist_ok=True)
    gen = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=base))
    os.chmod(gen, 0o777 & ~_UMASK)
    return gen


def _swap_link(link: Path, target: str) -> None:
    """Points the symbolic link ``link`` at ``target`` in one rename (readers see the old
    target or the new one). A plain file or folder in its place (an output folder of an older
    version) is replaced."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    tmp = link.with_name(f".{link.name}.{os.getpid()}.link.tmp")
    with suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    if link.is_dir() and not link.is_symlink():  # texts/ of an older version: a real folder
        old = link.with_name(f".{link.name}.{os.getpid()}.old.tmp")
        os.replace(link, old)
        os.replace(tmp, link)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, link)


def publish_generation(out_dir: Path, gen: Path) -> None:
    """Makes the complete generation ``gen`` the dataset of ``out_dir``: one rename of
    ``.current`` switches every table at once; ``<name>`` links to it are made the first
    time; a link to a file the new set lacks (commitments.xlsx not asked for) is removed, so
    no stale file is left beside the tables; generations older than the one replaced go."""
    out_dir = Path(out_dir)
    old = current_generation(out_dir)
    _swap_link(out_dir / CURRENT, os.path.join(GENERATIONS, gen.name))  # ← the switch
    if old is not None and old.name != gen.name:
        _swap_link(out_dir / PREVIOUS, os.path.join(GENERATIONS, old.name))
    for p in sorted(gen.iterdir()):
        if not p.name.startswith("."):
            _swap_link(out_dir / p.name, os.path.join(CURRENT, p.name))
    for p in out_dir.iterdir():
        if p.is_symlink() and os.readlink(p).startswith(CURRENT + os.sep) and not p.exists():
            p.unlink()
    remove_unpublished(out_dir)


def remove_unpublished(out_dir: Path) -> None:
    """Removes generations that are neither current nor previous (a run killed before it
    published, or sets two runs old) and temporary links: recovery at every start."""
    out_dir = Path(out_dir)
    keep = {g.name for g in (current_generation(out_dir), _generation(out_dir / PREVIOUS)) if g}
    base = out_dir / GENERATIONS
    if base.is_dir():
        for g in base.iterdir():
            if g.name not in keep:
                shutil.rmtree(g, ignore_errors=True) if g.is_dir() else g.unlink()
    for p in out_dir.glob(".*.tmp"):
        with suppress(OSError):
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
