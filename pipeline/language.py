"""The per-document pipeline: ingest → clean → metadata → structure → sentences → extractors.

`process` never raises for bad input: it returns the error as a `PipelineError` so that a
batch goes on with the next file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from pipeline import __version__
from pipeline.stages.clean import clean
from pipeline.extractors import DEFAULT_EXTRACTORS, get
from pipeline.stages.ingest import ingest
from pipeline.stages.metadata import metadata
from pipeline.records import Document, PipelineError
from pipeline.stages.sentences import sentences
from pipeline.stages.structure import structure

PIPELINE_VERSION = __version__

STAGES = [("ingest", ingest), ("clean", clean), ("metadata", metadata),
          ("structure", structure), ("sentences", sentences)]


def process(path: Path, doc_id: str | None = None,
            extractors: Sequence[str] = tuple(DEFAULT_EXTRACTORS)) -> Document | PipelineError:
    """One document through every stage; a failure becomes a PipelineError naming its stage."""
    doc = Document(doc_id=doc_id or path.stem, source_path=str(path))
    stage = "ingest"
    try:
        for stage, func in STAGES:
            doc = func(doc)
        for stage in extractors:
            doc = get(stage)(doc)
    except PipelineError as err:
        return err
    except Exception as err:  # a bug or an input we did not foresee: report, never crash the batch
        return PipelineError(stage, f"{type(err).__name__}: {err}")
    return doc


def process_text(text: str, doc_id: str = "inline", year: int | None = None,
                 extractors: Sequence[str] = tuple(DEFAULT_EXTRACTORS)) -> Document:
    """Runs the pipeline on a string (for notebooks and tests); ``year`` overrides the plan year."""
    doc = Document(doc_id=doc_id, source_path="<text>", format="txt", encoding="utf_8", raw_text=text)
    for name, func in STAGES[1:]:
        doc = func(doc)
        if name == "metadata" and year is not None:
            doc.year = year
    for name in extractors:
        doc = get(name)(doc)
    return doc
