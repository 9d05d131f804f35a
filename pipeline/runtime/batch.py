"""A batch run: expand inputs, process every document (in parallel, resumably, each within its
limits), publish the whole dataset at once, summarise.

1. Inputs (files, folders, globs, file lists, zip archives) become ``Source``s in a stable order
   (``pipeline.runtime.inputs``). The output folder is a dataset (``dataset.json``, ``pipeline.runtime.cache``):
   a source it knows (same absolute path) keeps its doc_id; a new one gets an id unique against
   every id of the dataset; documents not among this run's inputs are kept (``replace``: not).
2. Each document is hashed; one whose cache file in ``<out>/.cache`` matches (same bytes, same
   doc_id, same pipeline code and models) is skipped (``pipeline.runtime.cache``).
3. The others go through ``process_document`` — in supervised worker processes (``--workers``;
   a worker is stopped when its document passes ``--doc-timeout`` or ``--doc-memory``), or on a
   Dask cluster (``--engine dask``) — and each result is written to the cache the moment it
   arrives, so a killed run loses at most the documents in flight.
4. The tables of the whole dataset are assembled from the cache in dataset order, streamed
   into a new generation folder (Parquet, CSV, DuckDB, xlsx, texts/, dataset.json), which is
   published by one rename (``pipeline.runtime.publish.publish_generation``): readers see the old set
   or the new one, never a mix.

A bad file becomes a row of `errors` and the batch goes on. A run in which no input could be
read changes nothing (``NothingToWrite``); an output folder that cannot be written raises
``OutputError`` (one line, no traceback, in the CLI).
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import signal
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.config import Settings
from pipeline.stages.ingest import Limits, _read_bytes, limit_error
from pipeline.runtime.inputs import Source, assign_ids, expand, sha256_of
from pipeline.records import PipelineError
from pipeline.runtime.cache import MANIFEST, Cache, Dataset, Entry, decode, doc_key, encode, fingerprint
from pipeline.stages.tables import SCHEMAS, TABLES
from pipeline.runtime.writers import TableWriter
from pipeline.runtime.publish import current_generation, new_generation, publish_generation, remove_unpublished
from pipeline.runtime.engines import DEFAULT_DOC_MEMORY, DEFAULT_DOC_TIMEOUT, Job, Supervisor, run_dask, run_serial
from pipeline.runtime.worker import PIPELINE_VERSION, Outcome, process_document

logger = logging.getLogger("pipeline.runtime.batch")



class OutputBusy(PipelineError):
    """Another run holds the output folder's lock (exit status 2)."""


class OutputError(Exception):
    """The output folder cannot be written (read-only, disk full, not a folder): nothing was
    published and the dataset is as it was (exit status 3)."""


class NothingToWrite(Exception):
    """No input of this run could be read: nothing was changed (exit status 3)."""


@dataclass
class Summary:
    documents: int = 0
    commitments: int = 0
    targets: int = 0
    achievements: int = 0
    deadlines: int = 0
    owners: int = 0
    kept: int = 0  # documents of the dataset not among this run's inputs, kept as they were
    skipped: int = 0  # documents whose cached rows were reused
    processed: int = 0  # documents run through the pipeline in this run
    chars: int = 0  # characters of cleaned text of the documents processed in this run
    seconds: float = 0.0
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def render(self, out_dir: Path) -> str:
        lines = [
            f"documents processed : {self.documents - self.kept}",
            f"unchanged (skipped) : {self.skipped}",
            f"kept from earlier   : {self.kept}  (dataset: {self.documents} documents)",
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


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) during a batch: finished documents are cached; rerun to resume."""


def log_to_stderr(level: int = logging.INFO) -> None:
    """Log lines of the batch on stderr, printed above the progress bar rather than through it."""
    from tqdm import tqdm

    class TqdmHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                tqdm.write(self.format(record), file=sys.stderr)
            except Exception:
                self.handleError(record)

    log = logging.getLogger("pipeline")
    for h in list(log.handlers):
        if isinstance(h, TqdmHandler) or getattr(h, "_pipeline_cli", False):
            log.removeHandler(h)
    handler = TqdmHandler()
    handler._pipeline_cli = True
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False


# --------------------------------------------------------------------------- the batch


def _read(source: Source, archives: dict, limits: Limits = Limits()) -> bytes:
    """The document's bytes, or a PipelineError worded like ingest's. A member of an archive
    larger than the size cap once inflated is refused before it is inflated."""
    if source.member is None:
        return _read_bytes(Path(source.path), limits)
    try:
        import zipfile

        zf = archives.get(source.path) or archives.setdefault(source.path, zipfile.ZipFile(source.path))
        size = zf.getinfo(source.member).file_size
    except Exception as exc:
        raise PipelineError("ingest", f"cannot read {source.source_path} from its archive "
                                      f"({type(exc).__name__}: {exc})") from exc
    if size > limits.max_bytes:
        raise limit_error(f"{source.source_path} is {size / (1 << 20):.1f} MB once unzipped, over "
                          f"the limit of {limits.max_bytes / (1 << 20):g} MB per document",
                          "--max-doc-mb MB")
    try:
        return source.read_bytes(archives)
    except Exception as exc:  # encrypted member (RuntimeError), bad CRC, zlib.error…
        raise PipelineError("ingest", f"cannot read {source.source_path} from its archive "
                                      f"({type(exc).__name__}: {exc})") from exc


@contextlib.contextmanager
def _lock(out_dir: Path) -> Iterator[None]:
    """One run at a time per output folder (released by the OS even after SIGKILL)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here
        yield
        return
    with open(out_dir / ".lock", "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputBusy("input", f"another extract is writing to {out_dir}; wait for it "
                                      "to finish or use another --out") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _remove_stale_temporaries(out_dir: Path) -> None:
    """What a run that was killed left (SIGKILL cannot clean up): temporary files and links,
    and generation folders that were never published."""
    for folder in (out_dir, out_dir / ".cache"):
        if folder.is_dir():
            for p in folder.glob(".*.tmp*"):
                with contextlib.suppress(OSError):
                    shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    remove_unpublished(out_dir)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _count(table: pa.Table, column: str, value: str) -> int:
    if table.num_rows == 0:
        return 0
    return int(pc.sum(pc.equal(table.column(column), value)).as_py() or 0)


def _environment_fault(out_dir: Path, exc: BaseException) -> OutputError:
    """One line for a fault of the machine, not of an input."""
    if isinstance(exc, MemoryError):
        what = "the batch process ran out of memory"
    else:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        what = f"cannot write to {out_dir}: {getattr(exc, 'strerror', None) or exc}{where}"
    return OutputError(f"{what}; nothing was published, the dataset in {out_dir} is as it was")


def run_batch(inputs: Sequence[str], out_dir: Path, formats: Sequence[str] = (),
              extractors: Optional[Sequence[str]] = None, quiet: bool = False, *,
              settings: Optional[Settings] = None,
              lists: Sequence[str] = (), workers: Optional[int] = None, engine: str = "local",
              scheduler: Optional[str] = None, progress: Optional[bool] = None,
              rebuild: bool = False, replace: bool = False,
              doc_timeout: float = DEFAULT_DOC_TIMEOUT, doc_memory: int = DEFAULT_DOC_MEMORY,
              limits: Optional[Limits] = None) -> Summary:
    """Processes ``inputs`` (and the file lists ``lists``) into the dataset in ``out_dir``.

    The dataset keeps its documents that are not among the inputs; ``replace``: it is rebuilt
    from these inputs alone. ``workers``: processes (default: the machine's cores);
    ``engine``: 'local' or 'dask' (``scheduler``: the cluster's address, or a local cluster);
    ``progress``: show the bar (default: when stderr is a terminal and not ``quiet``);
    ``rebuild``: ignore cached results; ``doc_timeout`` (s), ``doc_memory`` (MB): a document
    over either has its worker stopped (0 and 0 with one worker: all in this process);
    ``limits``: caps on size and text length. Raises ``BatchInterrupted`` on Ctrl-C / SIGTERM,
    ``OutputBusy``, ``OutputError``, ``NothingToWrite``."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    settings = Settings.of(settings if settings is not None else extractors)
    workers = max(1, workers or os.cpu_count() or 1)
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise OutputError(f"--out {out_dir} is a file, not a folder; nothing was written")
        out_dir.mkdir(parents=True, exist_ok=True)
        with _lock(out_dir), _sigterm_as_interrupt():
            _remove_stale_temporaries(out_dir)
            summary = _run(inputs, out_dir, formats, settings, quiet, lists, workers, engine,
                           scheduler, progress, rebuild, replace, doc_timeout, doc_memory,
                           limits or Limits())
    except (OSError, MemoryError) as exc:
        raise _environment_fault(out_dir, exc) from exc
    summary.seconds = time.perf_counter() - started
    logger.info("done in %.1f s: %d documents (%d processed, %d unchanged, %d kept), %d errors",
                summary.seconds, summary.documents, summary.processed, summary.skipped,
                summary.kept, len(summary.errors))
    return summary


@dataclass
class _Item:
    """One document of the dataset being built: from this run's inputs (``source``), or kept
    from the dataset as it was (``source`` None); ``old``: its entry in the dataset, if any."""

    doc_id: Optional[str]
    source: Optional[Source]
    old: Optional[Entry] = None

    @property
    def source_path(self) -> str:
        return self.source.source_path if self.source is not None else self.old.source_path


def _previous(out_dir: Path, cache: Cache, replace: bool) -> tuple[Dataset, Optional[Path]]:
    """The dataset as published (its manifest; or rebuilt from an older version's plain
    tables), and the folder holding its tables (a fallback when a cache entry is damaged)."""
    gen = current_generation(out_dir)
    if gen is not None:
        dataset = Dataset.load(gen)
        if dataset is None:
            raise OutputError(f"{out_dir} has published tables but no {MANIFEST}; refusing to "
                              "overwrite a dataset it cannot read (use another --out)")
        tables_dir: Optional[Path] = gen
    else:
        dataset = Dataset.from_legacy_tables(out_dir, cache) or Dataset([])
        tables_dir = out_dir if (out_dir / "documents.parquet").is_file() else None
    return (Dataset([]) if replace else dataset), tables_dir


def _plan(dataset: Dataset, run_docs: list[tuple[Source, str]]) -> list[_Item]:
    """The dataset's documents in its order, each replaced by this run's source of the same
    identity; then this run's new sources in input order."""
    by_identity = {src.identity: (src, doc_id) for src, doc_id in run_docs}
    plan: list[_Item] = []
    placed: set[str] = set()
    for entry in dataset.entries:
        hit = by_identity.get(entry.identity)
        if hit is not None and entry.identity not in placed:
            plan.append(_Item(hit[1], hit[0], entry))
            placed.add(entry.identity)
        elif hit is None:
            plan.append(_Item(entry.doc_id, None, entry))
    plan.extend(_Item(doc_id, src) for src, doc_id in run_docs if src.identity not in placed)
    return plan


def _run(inputs, out_dir: Path, formats, settings: Settings, quiet: bool, lists,
         workers: int, engine: str, scheduler: Optional[str], progress: Optional[bool],
         rebuild: bool, replace: bool, doc_timeout: float, doc_memory: int,
         limits: Limits) -> Summary:
    cache = Cache(out_dir)
    try:
        dataset, tables_dir = _previous(out_dir, cache, replace)
    except ValueError as exc:  # a manifest that cannot be read: never overwrite what we cannot read
        raise OutputError(f"{exc}; nothing was changed") from exc
    sources, problems = expand(inputs, lists, exclude=[out_dir])
    for item, message in problems:
        logger.warning("%s: [input] %s", item, message)
    known = {e.identity: e.doc_id for e in dataset.entries if e.ok and e.doc_id}
    plan = _plan(dataset, assign_ids(sources, known, dataset.ids))
    run_items = [i for i, it in enumerate(plan) if it.source is not None]
    # the workers load the pipeline (~1.5 s) while this process hashes the inputs; those the
    # documents to process do not need are stopped then (no thread is running yet: fork)
    early = _start_workers(len(run_items), workers, engine, settings, doc_timeout, doc_memory)
    try:
        return _run_planned(out_dir, formats, settings, quiet, workers, engine, scheduler, progress,
                            rebuild, doc_timeout, doc_memory, limits, cache, tables_dir, problems,
                            plan, run_items, early)
    finally:
        if early is not None:
            early.discard()  # (workers the batch took are its own to stop; these are the rest)


def _start_workers(n_inputs: int, workers: int, engine: str, settings: Settings,
                   doc_timeout: float, doc_memory: int) -> Optional[Supervisor]:
    """Supervised workers for up to ``n_inputs`` documents, started before the inputs are
    hashed, or None where the batch may not use them (another engine, or one document in this
    process)."""
    n = min(workers, n_inputs)
    if engine != "local" or not n or not (n > 1 or doc_timeout or doc_memory):
        return None
    return Supervisor(n, settings, doc_timeout, doc_memory)


def _run_planned(out_dir: Path, formats, settings: Settings, quiet: bool, workers: int,
                 engine: str, scheduler: Optional[str], progress: Optional[bool], rebuild: bool,
                 doc_timeout: float, doc_memory: int, limits: Limits, cache: Cache,
                 tables_dir: Optional[Path], problems: list, plan: list[_Item],
                 run_items: list[int], early: Optional[Supervisor]) -> Summary:
    from tqdm import tqdm

    fp = fingerprint(settings)
    failures: dict[int, tuple[str, str]] = {}

    def fail(i: int, stage: str, message: str) -> None:
        failures[i] = (stage, message)
        logger.warning("%s: [%s] %s", plan[i].source_path, stage, message)

    def read(i: int) -> Optional[bytes]:
        """The bytes of item ``i``, or None once its failure is recorded."""
        try:
            return _read(plan[i].source, archives, limits)
        except PipelineError as err:
            fail(i, err.stage, err.message)
            return None

    # 1. hash every document of this run; the unchanged ones are done already
    keys: list[Optional[str]] = [it.old.key if it.source is None and it.old.ok else None
                                 for it in plan]
    todo: list[int] = []
    archives: dict = {}
    try:
        for i in run_items:
            src, doc_id = plan[i].source, plan[i].doc_id
            data = read(i)
            if data is None:
                continue
            keys[i] = doc_key(fp, doc_id, src.name, sha256_of(data))
            if rebuild or not cache.has(doc_id, keys[i]):
                todo.append(i)
    finally:
        for zf in archives.values():
            zf.close()
        archives.clear()
    summary = Summary(skipped=len(run_items) - len(todo) - len(failures))
    n_workers = min(workers, len(todo)) if engine == "local" else workers
    supervised = engine == "local" and (n_workers > 1 or doc_timeout or doc_memory)
    logger.info("%d documents: %d to process, %d unchanged, %d kept from the dataset%s",
                len(run_items), len(todo), summary.skipped, len(plan) - len(run_items),
                f" ({engine}, {n_workers} workers)" if todo else "")

    supervisor = None
    if todo and supervised:  # (before the progress bar starts a thread)
        supervisor = early.take(n_workers) if early is not None \
            else Supervisor(n_workers, settings, doc_timeout, doc_memory)
    elif early is not None:
        early.discard()  # (nothing to process, or all of it in this process)
    show = not quiet and (sys.stderr.isatty() if progress is None else progress)

    class Bar(tqdm):
        monitor_interval = 0  # no monitor thread: a worker that replaces a stopped one can fork

    bar = Bar(total=len(todo), unit="doc", desc="extracting", disable=not show, file=sys.stderr,
               smoothing=0.05, dynamic_ncols=True)
    job_limits = dataclasses.replace(limits, memory_mb=doc_memory if supervisor else 0)
    gen = new_generation(out_dir)
    published = False
    try:
        with ExitStack() as stack:
            if supervisor is not None:
                stack.callback(supervisor.close)
            # 3. (as results come) the tables, assembled in dataset order from results and the cache
            assembler = _Assembler(gen, plan, keys, failures, problems, cache, settings,
                                   formats, summary, stack, tables_dir, limits)

            # 2. process the others; each result is cached the moment it arrives
            def jobs() -> Iterator[Job]:
                try:
                    for i in todo:
                        src, doc_id = plan[i].source, plan[i].doc_id
                        data = read(i)
                        if data is None:
                            bar.update(1)
                            assembler.ready(i)
                            continue
                        key = doc_key(fp, doc_id, src.name, sha256_of(data))  # it may have changed
                        yield Job(i, doc_id, src.source_path, data, key, job_limits)
                finally:
                    for zf in archives.values():
                        zf.close()

            def handle(outcome: Outcome) -> None:
                i = outcome.index
                if outcome.payload is not None:
                    cache.put(outcome.doc_id, outcome.key, outcome.payload)
                    keys[i] = outcome.key
                    summary.processed += 1
                    summary.chars += outcome.n_chars
                    failures.pop(i, None)
                else:
                    fail(i, outcome.stage, outcome.message)
                bar.update(1)
                assembler.ready(i, outcome.payload)

            try:
                todo_set = set(todo)
                for i in range(len(plan)):
                    if i not in todo_set:
                        assembler.ready(i)  # cached, kept or failed already: straight in
                if not todo:
                    pass
                elif engine == "dask":
                    run_dask(jobs(), scheduler, workers, settings, handle)
                elif supervisor is not None:
                    supervisor.run(jobs(), handle)
                else:
                    run_serial(jobs(), settings, handle)
                bar.close()
                if assembler.readable == 0:
                    raise NothingToWrite(_nothing_message(run_items, problems, out_dir))
                assembler.finish()
            except KeyboardInterrupt:
                bar.close()
                logger.warning("interrupted: %d of %d documents processed and cached in %s; run "
                               "the same command again to resume", summary.processed, len(todo),
                               cache.dir)
                raise BatchInterrupted() from None
        # 4. the whole set at once
        publish_generation(out_dir, gen)
        published = True
    finally:
        if not published:
            shutil.rmtree(gen, ignore_errors=True)
    # everything is in place: forget cache entries of documents no longer in the dataset
    cache.prune(assembler.used)
    return summary


def _nothing_message(run_items: list[int], problems: list, out_dir: Path) -> str:
    what = f"none of the {len(run_items)} input document(s) could be read" if run_items \
        else "the inputs hold no document" + (" (see the problems above)" if problems else "")
    return f"{what}; nothing was changed in {out_dir}"


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Rows of an older set of tables in today's schema (a column added since is null)."""
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names
               else pa.nulls(table.num_rows, f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


class _Assembler:
    """Writes each document's rows to the tables as soon as it and every document before it
    are done, so the tables are in dataset order whatever order results arrive in, and the
    tables are built while the workers are still busy. Also builds the new manifest."""

    def __init__(self, gen: Path, plan: list[_Item], keys: list[Optional[str]],
                 failures: dict[int, tuple[str, str]], problems: list[tuple[str, str]],
                 cache: Cache, settings: Settings, formats, summary: Summary,
                 stack: ExitStack, tables_dir: Optional[Path], limits: Limits):
        self.gen, self.plan, self.keys, self.failures, self.cache = gen, plan, keys, failures, cache
        self.settings, self.summary, self.tables_dir, self.limits = settings, summary, tables_dir, limits
        self.writer = TableWriter(gen, stack, formats)
        self.texts = gen / "texts"
        self.texts.mkdir()
        self.error_rows = [dict(source_path=item, stage="input", error=message)
                           for item, message in problems]
        summary.errors.extend((item, "input", message) for item, message in problems)
        self.entries: list[Entry] = []
        self.used: list[Path] = []
        self.readable = 0  # documents of this run's inputs that are in the tables
        self.next = 0
        self.waiting: dict[int, Optional[bytes]] = {}

    def ready(self, i: int, payload: Optional[bytes] = None) -> None:
        """Document ``i`` is done: ``payload`` its fresh cache record (None: read the cache)."""
        self.waiting[i] = payload
        while self.next in self.waiting:
            self._emit(self.next, self.waiting.pop(self.next))
            self.next += 1

    def finish(self) -> None:
        if self.next != len(self.plan):
            raise RuntimeError(f"only {self.next} of {len(self.plan)} documents were assembled")
        self.writer.add_rows("errors", self.error_rows)
        self.writer.close()
        manifest = Dataset(self.entries).to_json(PIPELINE_VERSION)
        (self.gen / MANIFEST).write_text(manifest, encoding="utf-8")

    def _load(self, i: int, payload: Optional[bytes]):
        item = self.plan[i]
        if payload is not None:
            _, _, text, tables = decode(payload)
            return text, tables
        got = self.cache.get(item.doc_id, self.keys[i])
        if got is not None:
            return got
        src = item.source
        logger.warning("%s: cached result missing or unreadable; processing it again", src.source_path)
        try:
            data = _read(src, {}, self.limits)
            outcome = process_document(i, item.doc_id, src.source_path, data, self.settings,
                                       doc_key(fingerprint(self.settings), item.doc_id, src.name,
                                               sha256_of(data)), self.limits)
        except PipelineError as err:
            outcome = Outcome(i, item.doc_id, None, stage=err.stage, message=err.message)
        if outcome.payload is None:
            self.failures[i] = (outcome.stage, outcome.message)
            return None
        self.cache.put(item.doc_id, outcome.key, outcome.payload)
        self.keys[i] = outcome.key
        _, _, text, tables = decode(outcome.payload)
        return text, tables

    def _load_kept(self, entry: Entry):
        """A document kept from the dataset as it was: from the cache, else (a damaged or
        missing cache entry) from the published tables, else None (it cannot be kept)."""
        got = self.cache.get(entry.doc_id, entry.key)
        if got is not None:
            return got
        got = self._from_tables(entry.doc_id)
        if got is not None:
            text, tables = got
            rows = {name: tables[name].to_pylist() for name in TABLES if name != "errors"}
            rows["errors"] = []
            self.cache.put(entry.doc_id, entry.key, encode(entry.doc_id, entry.key, text, rows))
            logger.warning("%s: cached result missing or unreadable; kept its rows from the "
                           "published tables", entry.source_path)
        return got

    def _from_tables(self, doc_id: str):
        folder = self.tables_dir
        if folder is None or not (folder / "texts" / f"{doc_id}.txt").is_file():
            return None
        try:
            text = (folder / "texts" / f"{doc_id}.txt").read_text(encoding="utf-8")
            tables = {"errors": SCHEMAS["errors"].empty_table()}
            for name in TABLES:
                if name != "errors":
                    t = pq.read_table(folder / f"{name}.parquet", filters=[("doc_id", "=", doc_id)])
                    tables[name] = _conform(t, SCHEMAS[name])
        except (OSError, pa.ArrowException, ValueError):
            return None
        return text, tables

    def _error(self, item: _Item, stage: str, message: str, this_run: bool) -> None:
        self.error_rows.append(dict(source_path=item.source_path, stage=stage, error=message))
        if this_run:
            self.summary.errors.append((item.source_path, stage, message))

    def _emit(self, i: int, payload: Optional[bytes]) -> None:
        item = self.plan[i]
        old = item.old
        if item.source is None:  # kept from the dataset as it was
            if not old.ok:
                self._error(item, old.stage, old.error, this_run=False)
                self.entries.append(old)
                return
            got = self._load_kept(old)
            if got is None:
                self._error(item, "dataset", f"document {old.doc_id} could not be kept: its cache "
                                              "entry and its published rows are both unreadable",
                            this_run=False)
                return
            self.summary.kept += 1
            self._write(item.doc_id, old.source_path, old.key, got)
            self.entries.append(old)
            return
        got = None if i in self.failures else self._load(i, payload)
        if got is None:
            stage, message = self.failures[i]
            if old is not None and old.ok and (kept := self._load_kept(old)) is not None:
                self._error(item, stage, f"{message} (the version from an earlier run is kept)",
                            this_run=True)
                self._write(old.doc_id, old.source_path, old.key, kept)
                self.entries.append(old)
                return
            self._error(item, stage, message, this_run=True)
            self.entries.append(Entry(item.source.identity, item.source_path, status="failed",
                                      stage=stage, error=message))
            return
        self.readable += 1
        self._write(item.doc_id, item.source_path, self.keys[i], got)
        self.entries.append(Entry(item.source.identity, item.source_path, doc_id=item.doc_id,
                                  name=item.source.name, key=self.keys[i]))

    def _write(self, doc_id: str, source_path: str, key: str, got) -> None:
        text, tables = got
        documents = tables["documents"]
        col = documents.schema.get_field_index("source_path")
        tables["documents"] = documents.set_column(  # the path as given when it was read
            col, "source_path", pa.array([source_path] * documents.num_rows, pa.string()))
        for name in TABLES:
            self.writer.add(name, tables[name])
        (self.texts / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        self.used.append(self.cache.path(doc_id, key))
        c, t = tables["commitments"], tables["targets"]
        summary = self.summary
        summary.documents += 1
        summary.commitments += c.num_rows
        summary.targets += _count(t, "status", "target")
        summary.achievements += _count(t, "status", "achievement")
        summary.deadlines += (c.num_rows - c.column("deadline_raw").null_count) if c.num_rows else 0
        summary.owners += _count(c, "owner_source", "explicit")
