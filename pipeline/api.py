"""The library entry points: documents in, the contract's tables out as pandas DataFrames.

    import pipeline
    t = pipeline.extract(["plan.docx", "data/raw/"])       # files, folders, or texts
    t.targets[t.targets.status == "target"]
    t = pipeline.load("data/processed")                    # a dataset written by `extract --out`

No output folder is written by `extract`; for batches of thousands of documents, with workers,
caching and resumable runs, use the command line (`python -m pipeline extract`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Union

import pandas as pd

PathOrText = Union[str, Path]


@dataclass
class Tables:
    """The output tables of docs/OUTPUT.md, one DataFrame each (``tables["targets"]`` works too)."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(f"no table {name!r}; tables: {', '.join(frames)}")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def __iter__(self):
        return iter(self.frames)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}: {len(v)} rows" for k, v in self.frames.items())
        return f"Tables({sizes})"


def _files(item: Path) -> list[Path]:
    from pipeline.stages.ingest import SUPPORTED_SUFFIXES

    if item.is_dir():
        return sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                      and not p.name.startswith("."))
    return [item]


def _is_path(item: PathOrText) -> bool:
    if isinstance(item, Path):
        return True
    if "\n" in item or len(item) > 1024:
        return False
    try:
        return Path(item).exists()
    except OSError:
        return False


def extract(inputs: Union[PathOrText, Iterable[PathOrText]], *, extractors: Union[str, Sequence[str]] = "both",
            year: Optional[int] = None, **settings: Any) -> Tables:
    """Runs the pipeline over files, folders (recursively) or texts and returns the tables.

    A string that names no existing file is taken as the text of a document (`doc_id`
    ``text1``, ``text2``…). ``year`` sets the plan year of texts (files read it from their
    words). A file that cannot be read becomes a row of ``errors``, as in a batch.
    ``settings``: those of ``pipeline.config.Settings`` (``min_confidence=0.9``,
    ``backend="hanlp", hanlp_model=DIR``, ``components={...}``)."""
    from pipeline import __version__
    from pipeline.config import Settings
    from pipeline.language import pipeline_for
    from pipeline.records import Document, PipelineError
    from pipeline.stages.tables import TABLES, document_rows, error_rows, frame

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    nlp = pipeline_for(Settings.of(extractors, **settings))
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    seen: dict[str, int] = {}
    n_texts = 0
    for item in inputs:
        if _is_path(item):
            docs = [(p, None) for p in _files(Path(item))]
        else:
            n_texts += 1
            docs = [(None, str(item))]
        for path, text in docs:
            stem = path.stem if path is not None else f"text{n_texts}"
            seen[stem] = seen.get(stem, 0) + 1
            doc_id = stem if seen[stem] == 1 else f"{stem}__{seen[stem]}"
            if path is None:
                result = nlp.process(Document(doc_id=doc_id, source_path="<text>", format="txt",
                                              encoding="utf_8", raw_text=text), year=year)
            else:
                result = nlp.process(Document(doc_id=doc_id, source_path=str(path)))
            if isinstance(result, PipelineError):
                part = error_rows(result, str(path))
            else:
                part = document_rows(result, __version__)
            for name, r in part.items():
                rows[name].extend(r)
    return Tables({name: frame(name, rows[name]) for name in TABLES})


def load(out_dir: PathOrText) -> Tables:
    """Reads a dataset written by ``python -m pipeline extract --out OUT_DIR`` (date columns as
    ``datetime64``, as ``extract`` returns them)."""
    import pyarrow.parquet as pq

    from pipeline.stages.tables import TABLES, to_frame

    out = Path(out_dir)
    if not (out / "documents.parquet").exists():
        raise FileNotFoundError(f"{out} holds no tables (documents.parquet): write them with "
                                f"`python -m pipeline extract INPUT... --out {out}`")
    return Tables({name: to_frame(pq.read_table(out / f"{name}.parquet")) for name in TABLES
                   if (out / f"{name}.parquet").exists()})
