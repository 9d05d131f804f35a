"""One document in a worker: the pipeline object's result as the bytes of its cache file, and
what a worker process does before its first document (warm up, freeze what is loaded, watch
its parent).

The pipeline object (spaCy, dictionaries, models) is imported when the first document is
processed, not with this module: the batch process imports this module but never runs the
pipeline itself (its workers do), and so stays a few hundred MB smaller."""
from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import time
from dataclasses import dataclass
from typing import Optional

from pipeline import __version__ as PIPELINE_VERSION  # (pipeline.language.PIPELINE_VERSION)
from pipeline.config import Settings
from pipeline.records import Document, PipelineError
from pipeline.runtime.cache import encode
from pipeline.stages.ingest import Limits, limit_error
from pipeline.stages.tables import document_rows


@dataclass
class Outcome:
    """What a worker sends back: the document's cache payload, or why it failed."""

    index: int
    doc_id: str
    key: Optional[str]
    payload: Optional[bytes] = None
    stage: Optional[str] = None
    message: Optional[str] = None
    n_chars: int = 0


def process_document(index: int, doc_id: str, source_path: str, data: Optional[bytes],
                     settings: Settings, key: Optional[str],
                     limits: Optional[Limits] = None) -> Outcome:
    """One document through the pipeline object into the bytes of its cache file. The same
    function runs in this process, in workers and on Dask workers; it never raises for bad
    input. ``limits``: caps on size and text length (a cap hit is an Outcome of stage 'limit')."""
    from pipeline.language import pipeline_for

    doc = Document(doc_id=doc_id, source_path=source_path)
    stage = "pipeline"
    try:
        result = pipeline_for(settings).process(doc, data, limits)
        if isinstance(result, PipelineError):
            return Outcome(index, doc_id, key, stage=result.stage, message=result.message)
        doc = result
        stage = "tables"
        payload = encode(doc_id, key or "", doc.text, document_rows(doc, PIPELINE_VERSION))
    except MemoryError as err:
        stage = getattr(err, "stage", stage)
        doc = result = None  # (frees what it can before the outcome is built)
        return _out_of_memory(index, doc_id, key, limits, stage)
    except Exception as err:  # a bug or an input we did not foresee: report, never crash the batch
        return Outcome(index, doc_id, key, stage=stage, message=f"{type(err).__name__}: {err}")
    return Outcome(index, doc_id, key, payload=payload, n_chars=len(doc.text))


def _out_of_memory(index: int, doc_id: str, key: Optional[str], limits: Optional[Limits],
                   stage: str) -> Outcome:
    cap = getattr(limits, "memory_mb", 0)
    err = limit_error(f"processing needed more than the memory limit of {cap} MB per document "
                      f"(at stage {stage})" if cap else f"processing ran out of memory at stage {stage}",
                      "--doc-memory MB (0: no limit)")
    return Outcome(index, doc_id, key, stage=err.stage, message=err.message)


_WARM_UP_TEXT = ("团市委2023年工作要点\n一、聚焦青年就业\n（一）组织不少于1000名大学生参与政务见习，"
                 "力争3年内完成，确保年底前完成（市教育局牵头，市财政局配合）。\n"
                 "1.资助困难学生450余名，增长5.2%。\n")


def warm_up(settings: Settings = Settings()) -> None:
    """Loads every lazily built resource (jieba dictionary, gazetteer, OpenCC, models) once, so
    that no document pays for it. Only caches are filled: outputs do not depend on it."""
    process_document(-1, "warm_up", "warm_up.txt", _WARM_UP_TEXT.encode("utf-8"), settings, None)


def _freeze_loaded() -> None:
    """What is loaded now lives as long as the process: keep the cyclic garbage collector from
    walking it again at every full collection (measured: 5–10 % of a batch). No collection
    first: loading leaves no cyclic garbage to free (measured: a full collection after warm-up
    frees 0 objects) and walking the loaded dictionaries took 0.05 s of every start. A document
    makes hundreds of thousands of short-lived objects (words, spans, rows) and few cycles:
    the youngest generation is collected every 50,000 allocations instead of 700 (measured:
    −17 % of a batch's time)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _exit_with(parent: int) -> None:
    """A worker whose batch process was killed (SIGKILL leaves no chance to stop it) would wait
    for work forever, holding the batch's stderr open: poll and exit when the parent is gone.
    A killed parent stays a zombie (it still "exists") until its own parent reaps it, so what
    is watched is this process being re-parented; the pid is checked too."""
    import threading

    first_parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != first_parent:
                os._exit(1)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except OSError:
                pass

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _no_implicit_pandas() -> None:
    """pyarrow asks of every Python value it converts whether it is a pandas object, importing
    pandas to find out (0.15 s of a worker's start, for nothing: a worker converts only the
    lists of dicts of its own rows, in ``encode``, which take the same path either way). In a
    worker process, pyarrow is told once that pandas is absent; whatever asks pyarrow for
    pandas explicitly (``to_pandas``, ``from_pandas``) still imports it then as usual."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    class NoPandas:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name == "pandas":
                raise ModuleNotFoundError("No module named 'pandas'", name=name)
            return None

    finder = NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([], pa.null())  # (pyarrow's pandas shim: tried once, absent)
    finally:
        sys.meta_path.remove(finder)


def _import_pipeline_without_spacy_cli() -> None:
    """Imports the pipeline object, keeping spaCy from importing its command line: ``import
    spacy`` imports ``spacy.cli`` (typer, weasel, httpx, every CLI command; 0.15–0.2 s of a
    worker's start) for its ``spacy.info`` alone, which a worker never calls. Only while the
    pipeline is imported do stand-ins answer for ``spacy.cli`` and ``spacy.cli.info``; the
    real ones load as usual for whoever imports them afterwards (the stand-in ``spacy.info``
    forwards to the real one). If spaCy would not import that way, it is imported as usual."""
    import types

    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        import pipeline.language  # noqa: F401
        return

    def info(*args, **kwargs):
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # (a package: ``spacy.cli.info`` below is its submodule)
    cli_info = types.ModuleType("spacy.cli.info")
    cli_info.info = info
    stand_ins = {"spacy.cli": cli, "spacy.cli.info": cli_info}
    sys.modules.update(stand_ins)
    try:
        import pipeline.language  # noqa: F401
    except Exception:
        for name in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
            del sys.modules[name]
        for name in [m for m in sys.modules if m == "pipeline.language"]:
            del sys.modules[name]
        stand_ins = {}
        import pipeline.language  # noqa: F401, F811
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        spacy = sys.modules.get("spacy")
        if spacy is not None and getattr(spacy, "cli", None) is cli:
            del spacy.cli  # (``spacy.cli`` is imported for real when it is next asked for)


def _worker_init(settings: Settings, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (a forked worker inherits the parent's)
    _exit_with(parent)
    _no_implicit_pandas()
    _import_pipeline_without_spacy_cli()
    with contextlib.redirect_stdout(sys.stderr):
        warm_up(settings)
    _freeze_loaded()
