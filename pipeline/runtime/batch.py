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
import gc
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.config import Settings
from pipeline.stages.ingest import Limits, _read_bytes, limit_error
from pipeline.runtime.inputs import Source, assign_ids, expand, sha256_of
from pipeline.records import Document, PipelineError
from pipeline.language import PIPELINE_VERSION, pipeline_for
from pipeline.runtime.cache import MANIFEST, Cache, Dataset, Entry, decode, doc_key, encode, fingerprint
from pipeline.stages.tables import SCHEMAS, TABLES, document_rows
from pipeline.runtime.writers import TableWriter
from pipeline.runtime.publish import current_generation, new_generation, publish_generation, remove_unpublished

logger = logging.getLogger("pipeline.runtime.batch")

DEFAULT_DOC_TIMEOUT = 300  # seconds per document (--doc-timeout); 0: no limit
DEFAULT_DOC_MEMORY = 1024  # MB a worker may grow by on one document (--doc-memory); 0: no limit


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


# --------------------------------------------------------------------------- one document


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
    walking it again at every full collection (measured: 5–10 % of a batch), and keep forked
    workers from touching (and so copying) its pages."""
    gc.collect()
    gc.freeze()


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


def _worker_init(settings: Settings, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (a forked worker inherits the parent's)
    _exit_with(parent)
    with contextlib.redirect_stdout(sys.stderr):
        warm_up(settings)
    _freeze_loaded()


# --------------------------------------------------------------------------- engines


@dataclass
class Job:
    index: int
    doc_id: str
    source_path: str
    data: Optional[bytes]
    key: Optional[str]
    limits: Optional[Limits] = None

    def args(self, settings: Settings) -> tuple:
        return (self.index, self.doc_id, self.source_path, self.data, settings, self.key,
                self.limits)


Handle = Callable[[Outcome], None]


def run_serial(jobs: Iterable[Job], settings: Settings, handle: Handle) -> None:
    """Every document in this process (no time or memory limit can be enforced here)."""
    warm_up(settings)
    _freeze_loaded()
    try:
        for job in jobs:
            handle(process_document(*job.args(settings)))
    finally:
        gc.unfreeze()  # this process goes on (a library caller's): collect as usual again


def _mp_context():
    """fork while this process has no other thread: workers start at once with everything this
    process has loaded (shared copy-on-write). Else a fork server (a clean single-threaded
    process to fork from), else spawn."""
    import threading

    methods = multiprocessing.get_all_start_methods()
    fork_unsafe = any(m in sys.modules for m in ("torch", "tensorflow"))  # native thread pools
    if "fork" in methods and sys.platform.startswith("linux") and threading.active_count() == 1 \
            and not fork_unsafe:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.runtime.batch"])
        return ctx
    return multiprocessing.get_context("spawn")


def _rss(pid: int) -> Optional[int]:
    """Resident memory of a process in bytes (Linux /proc; None where it cannot be read)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _cap_address_space(memory_mb: int) -> None:
    """A hard backstop to the parent's polling of memory: allocations far beyond the limit
    fail at once (MemoryError, reported as the memory limit) instead of growing between two
    polls. Set generously (twice the limit above what is mapped now)."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = mapped + 2 * memory_mb * (1 << 20)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > cap:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        pass


def _worker_main(conn, settings: Settings, parent: int, memory_mb: int) -> None:
    """A worker: warms up, says so (with its memory), then processes one job at a time."""
    _worker_init(settings, parent)
    if memory_mb:
        _cap_address_space(memory_mb)
    conn.send(("ready", _rss(os.getpid())))
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return
        if args is None:
            return
        try:
            outcome = process_document(*args)
        except MemoryError:  # (outside the document's own stages: the limit all the same)
            outcome = _out_of_memory(args[0], args[1], args[5], args[6], "worker")
        conn.send(outcome)


class _Worker:
    """One supervised worker process and the job it is running."""

    def __init__(self, ctx, settings: Settings, memory_mb: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, daemon=True, name="pipeline-worker",
                                args=(child, settings, os.getpid(), memory_mb))
        self.proc.start()
        child.close()
        self.ready = False
        self.baseline = 0
        self.job: Optional[Job] = None
        self.started = 0.0

    def send(self, job: Job, settings: Settings) -> None:
        self.job, self.started = job, time.monotonic()
        self.conn.send(job.args(settings))

    def stop(self, kill: bool = False) -> None:
        with contextlib.suppress(Exception):
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        self.proc.join(0 if kill else 2)
        if self.proc.is_alive():
            with contextlib.suppress(Exception):
                self.proc.kill()
            self.proc.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


def _describe_death(proc) -> str:
    code = proc.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the worker process was killed by {name}" + (
            " (the system's out-of-memory killer?)" if -code == signal.SIGKILL else "")
    return f"the worker process died (exit status {code})"


class Supervisor:
    """``workers`` processes that each run one document at a time. The batch process watches
    them: a document running longer than ``timeout`` seconds, or whose worker grows by more
    than ``memory_mb`` over its size after warm-up, has its worker killed and becomes an
    ``errors`` row naming the limit; a worker that dies takes only its own document with it.
    A new worker replaces the stopped one and the batch goes on. Start it before this process
    starts threads (progress bar, DuckDB) so that workers can be forked."""

    POLL = 0.2  # seconds between checks of the running documents

    def __init__(self, workers: int, settings: Settings, timeout: float = DEFAULT_DOC_TIMEOUT,
                 memory_mb: int = DEFAULT_DOC_MEMORY):
        self.settings = settings
        self.timeout, self.memory_mb = timeout, memory_mb
        self.failed_starts = 0
        self.frozen = False
        if _mp_context().get_start_method() == "fork":
            # load the models here once: every worker, and every worker that replaces a stopped
            # one, is then forked ready (pages shared copy-on-write) instead of loading them
            warm_up(self.settings)
            _freeze_loaded()
            self.frozen = True
        self.workers = [self._start() for _ in range(workers)]

    def _start(self) -> _Worker:
        return _Worker(_mp_context(), self.settings, self.memory_mb)

    def _replace(self, w: _Worker, kill: bool) -> None:
        w.stop(kill=kill)
        self.workers[self.workers.index(w)] = self._start()

    def close(self) -> None:
        for w in self.workers:
            w.stop(kill=w.job is not None)
        if self.frozen:
            gc.unfreeze()  # this process goes on (a library caller's): collect as usual again
            self.frozen = False

    def run(self, jobs: Iterable[Job], handle: Handle) -> None:
        source = iter(jobs)
        exhausted = False
        try:
            while True:
                for w in list(self.workers):
                    if w.ready and w.job is None and not exhausted:
                        job = next(source, None)
                        if job is None:
                            exhausted = True
                        else:
                            w.send(job, self.settings)
                if exhausted and all(w.job is None for w in self.workers):
                    return
                self._collect(handle)
                self._enforce(handle)
        finally:
            self.close()

    def _collect(self, handle: Handle) -> None:
        from multiprocessing.connection import wait as wait_for

        by_conn = {w.conn: w for w in self.workers}
        for conn in wait_for(list(by_conn), timeout=self.POLL):
            w = by_conn[conn]
            try:
                message = conn.recv()
            except (EOFError, OSError):
                w.proc.join(5)
                job, why = w.job, _describe_death(w.proc)
                if job is None:
                    self.failed_starts += 1
                    if self.failed_starts > 3:
                        raise RuntimeError(f"worker processes keep dying before any document "
                                           f"({why}); try --workers 1 --doc-timeout 0") from None
                self._replace(w, kill=True)
                if job is not None:
                    handle(Outcome(job.index, job.doc_id, job.key, stage="worker",
                                   message=f"{why} while processing this file; the batch went "
                                           "on without it"))
                continue
            if isinstance(message, tuple) and message and message[0] == "ready":
                w.ready, w.baseline = True, message[1] or 0
                continue
            w.job = None
            handle(message)

    def _enforce(self, handle: Handle) -> None:
        now = time.monotonic()
        for w in list(self.workers):
            job = w.job
            if job is None:
                continue
            if self.timeout and now - w.started > self.timeout:
                err = limit_error(f"processing took longer than the time limit of "
                                  f"{self.timeout:g} s per document, so its worker was stopped",
                                  "--doc-timeout SECONDS (0: no limit)")
            elif self.memory_mb and (rss := _rss(w.proc.pid)) is not None \
                    and rss - w.baseline > self.memory_mb * (1 << 20):
                err = limit_error(f"processing needed more than the memory limit of "
                                  f"{self.memory_mb} MB per document, so its worker was stopped",
                                  "--doc-memory MB (0: no limit)")
            else:
                continue
            self._replace(w, kill=True)
            handle(Outcome(job.index, job.doc_id, job.key, stage=err.stage, message=err.message))


def run_dask(jobs: Iterable[Job], scheduler: Optional[str], workers: int,
             settings: Settings, handle: Handle) -> None:
    """The same ``process_document`` on a Dask cluster: ``scheduler`` is its address
    (tcp://host:8786), or None for a local cluster of ``workers`` processes. Documents travel
    as bytes, so workers need not see this machine's files."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        slots = max(1, sum(client.nthreads().values()))
        window = 2 * slots
        source = iter(jobs)
        futures = as_completed()
        by_key: dict[str, Job] = {}

        def submit() -> bool:
            job = next(source, None)
            if job is None:
                return False
            fut = client.submit(process_document, *job.args(settings), pure=False)
            by_key[fut.key] = job
            futures.add(fut)
            return True

        for _ in range(window):
            if not submit():
                break
        for fut in futures:
            job = by_key.pop(fut.key)
            try:
                outcome = fut.result()
            except Exception as exc:  # KilledWorker, a lost connection…
                outcome = Outcome(job.index, job.doc_id, job.key, stage="worker",
                                  message=f"{type(exc).__name__} on the Dask cluster: {exc}")
            fut.release()
            handle(outcome)
            submit()
    except BaseException:
        with contextlib.suppress(Exception):
            client.cancel(list(client.futures.values()) if hasattr(client, "futures") else [])
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


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
    from tqdm import tqdm

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
    fp = fingerprint(settings)
    failures: dict[int, tuple[str, str]] = {}

    def fail(i: int, stage: str, message: str) -> None:
        failures[i] = (stage, message)
        logger.warning("%s: [%s] %s", plan[i].source_path, stage, message)

    # 1. hash every document of this run; the unchanged ones are done already
    keys: list[Optional[str]] = [it.old.key if it.source is None and it.old.ok else None
                                 for it in plan]
    run_items = [i for i, it in enumerate(plan) if it.source is not None]
    todo: list[int] = []
    archives: dict = {}
    try:
        for i in run_items:
            src, doc_id = plan[i].source, plan[i].doc_id
            try:
                data = _read(src, archives, limits)
            except PipelineError as err:
                fail(i, err.stage, err.message)
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

    supervisor = Supervisor(n_workers, settings, doc_timeout, doc_memory) \
        if todo and supervised else None  # before the progress bar starts a thread
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
                        try:
                            data = _read(src, archives, limits)
                        except PipelineError as err:
                            fail(i, err.stage, err.message)
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
