"""A batch run: expand inputs, process every document, write all tables, summarise.

A bad file becomes a row of `errors` and the batch goes on.
"""
from __future__ import annotations

import glob
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from tqdm import tqdm

from .extractors import RULE_EXTRACTORS
from .ingest import SUPPORTED_SUFFIXES
from .records import PipelineError
from .run import PIPELINE_VERSION, process, unique_ids
from .tables import concat, document_rows, error_rows, write_duckdb, write_table, write_text, write_xlsx


@dataclass
class Summary:
    documents: int = 0
    commitments: int = 0
    targets: int = 0
    achievements: int = 0
    deadlines: int = 0
    owners: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def render(self, out_dir: Path) -> str:
        lines = [
            f"documents processed : {self.documents}",
            f"commitments         : {self.commitments}",
            f"targets             : {self.targets}  (+ {self.achievements} achievements)",
            f"with a deadline     : {self.deadlines}",
            f"with named owners   : {self.owners}",
            f"errors              : {len(self.errors)}",
        ]
        for path, stage, message in self.errors[:20]:
            lines.append(f"  ✗ {path} [{stage}] {message}")
        if len(self.errors) > 20:
            lines.append(f"  … and {len(self.errors) - 20} more (see errors.csv)")
        lines.append(f"tables written to   : {out_dir}")
        return "\n".join(lines)


def expand_inputs(inputs: Sequence[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files, folders (recursively) and globs → document paths, sorted; and inputs not found."""
    found: list[Path] = []
    missing: list[tuple[str, str]] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found.extend(q for q in sorted(p.rglob("*"))
                         if q.is_file() and q.suffix.lower() in SUPPORTED_SUFFIXES
                         and not q.name.startswith("."))
        elif p.exists():
            found.append(p)
        else:
            matches = sorted(glob.glob(item, recursive=True))
            if matches:
                found.extend(Path(m) for m in matches if Path(m).is_file())
            else:
                missing.append((item, f"no such file, folder or glob match: {item}"))
    unique, seen = [], set()
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique, missing


def run_batch(inputs: Sequence[str], out_dir: Path, formats: Sequence[str] = (),
              extractors: Sequence[str] = tuple(RULE_EXTRACTORS), quiet: bool = False) -> Summary:
    paths, missing = expand_inputs(inputs)
    summary = Summary()
    parts = []
    for item, message in missing:
        parts.append(error_rows(PipelineError("input", message), item))
        summary.errors.append((item, "input", message))
    bar = tqdm(unique_ids(paths), unit="doc", disable=quiet or not sys.stderr.isatty(),
               desc="extracting")
    for path, doc_id in bar:
        result = process(path, doc_id, extractors)
        if isinstance(result, PipelineError):
            parts.append(error_rows(result, str(path)))
            summary.errors.append((str(path), result.stage, result.message))
            continue
        write_text(out_dir / "texts" / f"{result.doc_id}.txt", result.text)
        parts.append(document_rows(result, PIPELINE_VERSION))
        summary.documents += 1
        summary.commitments += len(result.commitments)
        summary.targets += sum(1 for t in result.targets if t.status == "target")
        summary.achievements += sum(1 for t in result.targets if t.status == "achievement")
        summary.deadlines += sum(1 for c in result.commitments if c.deadline)
        summary.owners += sum(1 for c in result.commitments if c.owner_source == "explicit")
    tables = concat(parts)
    for name, table in tables.items():
        write_table(out_dir, name, table)
    write_duckdb(out_dir, tables)
    if "xlsx" in formats:
        write_xlsx(out_dir, tables)
    return summary
