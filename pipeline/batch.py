"""A batch run: expand inputs, process every document (in parallel, resumably), write all
tables, summarise.

1. Inputs (files, folders, globs, file lists, zip archives) become ``Source``s in a stable order
   and get their doc_ids (``pipeline.inputs``).
2. Each document is hashed; one whose cache file in ``<out>/.cache`` matches (same bytes, same
   doc_id, same pipeline code and models) is skipped (``pipeline.state``).
3. The others go through ``process_document`` — in this process, in a pool of worker processes
   (``--workers``) or on a Dask cluster (``--engine dask``) — and each result is written to the
   cache the moment it arrives, so a killed run loses at most the documents in flight.
4. The tables are assembled from the cache in input order, streamed into Parquet, and CSV,
   DuckDB (and xlsx) made from the Parquet files; every file is renamed into place at the end.

A bad file becomes a row of `errors` and the batch goes on.
"""
from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from .extractors import DEFAULT_EXTRACTORS, get
from .ingest import _read_bytes, ingest
from .inputs import Source, expand, sha256_of, unique_ids
from .records import Document, PipelineError
from .run import PIPELINE_VERSION, STAGES
from .state import Cache, decode, doc_key, encode, fingerprint
from .tables import TABLES, TableWriter, document_rows, staged_dir

logger = logging.getLogger("pipeline.batch")


@dataclass
class Summary:
    documents: int = 0
    commitments: int = 0
    targets: int = 0
    achievements: int = 0
    deadlines: int = 0
    owners: int = 0
    skipped: int = 0  # documents whose cached rows were reused
    processed: int = 0  # documents run through the pipeline in this run
    chars: int = 0  # characters of cleaned text of the documents processed in this run
    seconds: float = 0.0
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def render(self, out_dir: Path) -> str:
        lines = [
            f"documents processed : {self.documents}",
            f"unchanged (skipped) : {self.skipped}",
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
                     extractors: Sequence[str], key: Optional[str]) -> Outcome:
    """One document through every stage into the bytes of its cache file. The same function
    runs in this process, in pool workers and on Dask workers; it never raises for bad input."""
    doc = Document(doc_id=doc_id, source_path=source_path)
    stage = "ingest"
    try:
        for stage, func in STAGES:
            doc = func(doc, data) if func is ingest else func(doc)
        for stage in extractors:
            doc = get(stage)(doc)
        stage = "tables"
        payload = encode(doc_id, key or "", doc.text, document_rows(doc, PIPELINE_VERSION))
    except PipelineError as err:
        return Outcome(index, doc_id, key, stage=err.stage, message=err.message)
    except Exception as err:  # a bug or an input we did not foresee: report, never crash the batch
        return Outcome(index, doc_id, key, stage=stage, message=f"{type(err).__name__}: {err}")
    return Outcome(index, doc_id, key, payload=payload, n_chars=len(doc.text))


_WARM_UP_TEXT = ("团市委2023年工作要点\n一、聚焦青年就业\n（一）组织不少于1000名大学生参与政务见习，"
                 "力争3年内完成，确保年底前完成（市教育局牵头，市财政局配合）。\n"
                 "1.资助困难学生450余名，增长5.2%。\n")


def warm_up(extractors: Sequence[str] = tuple(DEFAULT_EXTRACTORS)) -> None:
    """Loads every lazily built resource (jieba dictionary, gazetteer, OpenCC, models) once, so
    that no document pays for it. Only caches are filled: outputs do not depend on it."""
    process_document(-1, "warm_up", "warm_up.txt", _WARM_UP_TEXT.encode("utf-8"), tuple(extractors), None)


def _freeze_loaded() -> None:
    """What is loaded now lives as long as the process: keep the cyclic garbage collector from
    walking it again at every full collection (measured: 5–10 % of a batch), and keep forked
    workers from touching (and so copying) its pages."""
    gc.collect()
    gc.freeze()


def _exit_with(parent: int) -> None:
    """A worker whose batch process was killed (SIGKILL leaves no chance to stop it) would wait
    for work forever: poll the parent and exit when it is gone."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except OSError:
                pass

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _worker_init(extractors: Sequence[str], parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (a forked worker inherits the parent's)
    _exit_with(parent)
    with contextlib.redirect_stdout(sys.stderr):
        warm_up(extractors)
    _freeze_loaded()


# --------------------------------------------------------------------------- engines


@dataclass
class Job:
    index: int
    doc_id: str
    source_path: str
    data: Optional[bytes]
    key: Optional[str]

    def args(self, extractors: Sequence[str]) -> tuple:
        return (self.index, self.doc_id, self.source_path, self.data, tuple(extractors), self.key)


Handle = Callable[[Outcome], None]


def _crashed(job: Job, what: str) -> Outcome:
    return Outcome(job.index, job.doc_id, job.key, stage="worker",
                   message=f"{what} while processing this file (out of memory or a crash); "
                           "try it alone with --workers 1")


def run_serial(jobs: Iterable[Job], extractors: Sequence[str], handle: Handle) -> None:
    warm_up(extractors)
    _freeze_loaded()
    try:
        for job in jobs:
            handle(process_document(*job.args(extractors)))
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
        ctx.set_forkserver_preload(["pipeline.batch"])
        return ctx
    return multiprocessing.get_context("spawn")


def _ready() -> None:
    """A first task: makes the pool start its workers now."""


def start_pool(workers: int, extractors: Sequence[str]) -> ProcessPoolExecutor:
    """``workers`` processes, started (and warming up) now: call it before this process starts
    threads (progress bar, DuckDB) so that they can be forked."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context(),
                               initializer=_worker_init, initargs=(tuple(extractors), os.getpid()))
    pool.submit(_ready)
    return pool


def _terminate(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in processes:
        with contextlib.suppress(Exception):
            p.join(5)


def run_pool(jobs: Iterable[Job], workers: int, extractors: Sequence[str], handle: Handle,
             pool: Optional[ProcessPoolExecutor] = None) -> None:
    """Worker processes, each warmed up once; at most 2 documents per worker in flight, so
    memory does not grow with the corpus. A document whose worker dies is retried alone once,
    then reported. ``pool``: one from ``start_pool``, else one is started here."""
    pool = pool or start_pool(workers, extractors)
    window = 2 * workers
    pending: dict = {}
    retry: deque[Job] = deque()
    retried: set[int] = set()
    source = iter(jobs)
    exhausted = False
    try:
        while True:
            while (retry and not pending) or (not retry and not exhausted and len(pending) < window):
                if retry:
                    job = retry.popleft()
                else:
                    job = next(source, None)
                    if job is None:
                        exhausted = True
                        break
                pending[pool.submit(process_document, *job.args(extractors))] = job
            if not pending:
                if retry:
                    continue
                break
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                job = pending.pop(fut)
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    broken = True
                    if job.index in retried:
                        handle(_crashed(job, "the worker process died"))
                    else:
                        retried.add(job.index)
                        retry.append(job)
                    continue
                except Exception as exc:  # e.g. a result that cannot be sent back
                    outcome = Outcome(job.index, job.doc_id, job.key, stage="worker",
                                      message=f"{type(exc).__name__}: {exc}")
                handle(outcome)
            if broken:
                for fut, job in pending.items():
                    if job.index in retried:
                        handle(_crashed(job, "the worker process died"))
                    else:
                        retried.add(job.index)
                        retry.append(job)
                pending.clear()
                _terminate(pool)
                logger.warning("a worker process died; retrying its documents one at a time")
                pool = start_pool(workers, extractors)
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)


def run_dask(jobs: Iterable[Job], scheduler: Optional[str], workers: int,
             extractors: Sequence[str], handle: Handle) -> None:
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
            fut = client.submit(process_document, *job.args(extractors), pure=False)
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


def _read(source: Source, archives: dict) -> bytes:
    """The document's bytes, or a PipelineError worded like ingest's."""
    if source.member is None:
        return _read_bytes(Path(source.path))
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
            raise PipelineError("input", f"another extract is writing to {out_dir}; wait for it "
                                         "to finish or use another --out") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files and folders left by a run that was killed (SIGKILL cannot clean up)."""
    import shutil

    for folder in (out_dir, out_dir / "texts", out_dir / ".cache"):
        if folder.is_dir():
            for p in folder.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    shutil.rmtree(p) if p.is_dir() else p.unlink()


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


def run_batch(inputs: Sequence[str], out_dir: Path, formats: Sequence[str] = (),
              extractors: Sequence[str] = tuple(DEFAULT_EXTRACTORS), quiet: bool = False, *,
              lists: Sequence[str] = (), workers: Optional[int] = None, engine: str = "local",
              scheduler: Optional[str] = None, progress: Optional[bool] = None,
              rebuild: bool = False) -> Summary:
    """Processes ``inputs`` (and the file lists ``lists``) into the tables in ``out_dir``.

    ``workers``: processes (default: the machine's cores; 1 runs everything in this process);
    ``engine``: 'local' or 'dask' (``scheduler``: the cluster's address, or a local cluster);
    ``progress``: show the bar (default: when stderr is a terminal and not ``quiet``);
    ``rebuild``: ignore cached results. Raises ``BatchInterrupted`` on Ctrl-C / SIGTERM."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    extractors = tuple(extractors)
    workers = max(1, workers or os.cpu_count() or 1)
    with _lock(out_dir), _sigterm_as_interrupt():
        _remove_stale_temporaries(out_dir)
        summary = _run(inputs, out_dir, formats, extractors, quiet, lists, workers, engine,
                       scheduler, progress, rebuild)
    summary.seconds = time.perf_counter() - started
    logger.info("done in %.1f s: %d documents (%d processed, %d unchanged), %d errors",
                summary.seconds, summary.documents, summary.processed, summary.skipped,
                len(summary.errors))
    return summary


def _run(inputs, out_dir: Path, formats, extractors: tuple[str, ...], quiet: bool, lists,
         workers: int, engine: str, scheduler: Optional[str], progress: Optional[bool],
         rebuild: bool) -> Summary:
    from tqdm import tqdm

    sources, problems = expand(inputs, lists)
    for item, message in problems:
        logger.warning("%s: [input] %s", item, message)
    docs = unique_ids(sources)
    cache = Cache(out_dir)
    fp = fingerprint(extractors)
    failures: dict[int, tuple[str, str]] = {}

    def fail(i: int, stage: str, message: str) -> None:
        failures[i] = (stage, message)
        logger.warning("%s: [%s] %s", docs[i][0].source_path, stage, message)

    # 1. hash every document; the unchanged ones are done already
    keys: list[Optional[str]] = [None] * len(docs)
    todo: list[int] = []
    archives: dict = {}
    try:
        for i, (src, doc_id) in enumerate(docs):
            try:
                data = _read(src, archives)
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
    summary = Summary(skipped=len(docs) - len(todo) - len(failures))
    n_workers = min(workers, len(todo)) if engine == "local" else workers
    logger.info("%d documents: %d to process, %d unchanged%s", len(docs), len(todo),
                summary.skipped, f" ({engine}, {n_workers} workers)" if todo else "")

    pool = None
    if todo and engine == "local" and n_workers > 1:
        pool = start_pool(n_workers, extractors)  # before the progress bar starts a thread
    show = not quiet and (sys.stderr.isatty() if progress is None else progress)
    bar = tqdm(total=len(todo), unit="doc", desc="extracting", disable=not show, file=sys.stderr,
               smoothing=0.05, dynamic_ncols=True)
    with ExitStack() as stack:
        if pool is not None:
            stack.callback(_terminate, pool)  # (a no-op once run_pool shut it down)
        # 3. (as results come) the tables, assembled in input order from results and the cache
        assembler = _Assembler(out_dir, docs, keys, failures, problems, cache, extractors,
                               formats, summary, stack)

        # 2. process the others; each result is cached the moment it arrives
        def jobs() -> Iterator[Job]:
            try:
                for i in todo:
                    src, doc_id = docs[i]
                    try:
                        data = _read(src, archives)
                    except PipelineError as err:
                        fail(i, err.stage, err.message)
                        bar.update(1)
                        assembler.ready(i)
                        continue
                    key = doc_key(fp, doc_id, src.name, sha256_of(data))  # it may have changed
                    yield Job(i, doc_id, src.source_path, data, key)
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
            for i in range(len(docs)):
                if i not in todo_set:
                    assembler.ready(i)  # cached or failed already: straight into the tables
            if not todo:
                pass
            elif engine == "dask":
                run_dask(jobs(), scheduler, workers, extractors, handle)
            elif n_workers <= 1:
                run_serial(jobs(), extractors, handle)
            else:
                run_pool(jobs(), n_workers, extractors, handle, pool)
            bar.close()
            assembler.finish()
        except KeyboardInterrupt:
            bar.close()
            logger.warning("interrupted: %d of %d documents processed and cached in %s; run the "
                           "same command again to resume", summary.processed, len(todo), cache.dir)
            raise BatchInterrupted() from None
    # everything is in place: forget documents that are no longer among the inputs
    cache.prune(assembler.used)
    return summary


class _Assembler:
    """Writes each document's rows to the tables as soon as it and every document before it
    are done, so the tables are in input order whatever order results arrive in, and the
    tables are built while the workers are still busy."""

    def __init__(self, out_dir: Path, docs: list[tuple[Source, str]], keys: list[Optional[str]],
                 failures: dict[int, tuple[str, str]], problems: list[tuple[str, str]],
                 cache: Cache, extractors: tuple[str, ...], formats, summary: Summary,
                 stack: ExitStack):
        self.docs, self.keys, self.failures, self.cache = docs, keys, failures, cache
        self.extractors, self.summary = extractors, summary
        self.writer = TableWriter(out_dir, stack, formats)
        self.texts = stack.enter_context(staged_dir(out_dir / "texts"))
        self.error_rows = [dict(source_path=item, stage="input", error=message)
                           for item, message in problems]
        summary.errors.extend((item, "input", message) for item, message in problems)
        self.used: list[Path] = []
        self.next = 0
        self.waiting: dict[int, Optional[bytes]] = {}

    def ready(self, i: int, payload: Optional[bytes] = None) -> None:
        """Document ``i`` is done: ``payload`` its fresh cache record (None: read the cache)."""
        self.waiting[i] = payload
        while self.next in self.waiting:
            self._emit(self.next, self.waiting.pop(self.next))
            self.next += 1

    def finish(self) -> None:
        if self.next != len(self.docs):
            raise RuntimeError(f"only {self.next} of {len(self.docs)} documents were assembled")
        self.writer.add_rows("errors", self.error_rows)
        self.writer.close()

    def _load(self, i: int, payload: Optional[bytes]):
        src, doc_id = self.docs[i]
        if i in self.failures:
            return None
        if payload is not None:
            _, _, text, tables = decode(payload)
            return text, tables
        got = self.cache.get(doc_id, self.keys[i])
        if got is not None:
            return got
        logger.warning("%s: cached result missing or unreadable; processing it again", src.source_path)
        try:
            data = _read(src, {})
            outcome = process_document(i, doc_id, src.source_path, data, self.extractors,
                                       doc_key(fingerprint(self.extractors), doc_id, src.name,
                                               sha256_of(data)))
        except PipelineError as err:
            outcome = Outcome(i, doc_id, None, stage=err.stage, message=err.message)
        if outcome.payload is None:
            self.failures[i] = (outcome.stage, outcome.message)
            return None
        self.cache.put(doc_id, outcome.key, outcome.payload)
        self.keys[i] = outcome.key
        _, _, text, tables = decode(outcome.payload)
        return text, tables

    def _emit(self, i: int, payload: Optional[bytes]) -> None:
        src, doc_id = self.docs[i]
        got = self._load(i, payload)
        summary = self.summary
        if got is None:
            stage, message = self.failures[i]
            self.error_rows.append(dict(source_path=src.source_path, stage=stage, error=message))
            summary.errors.append((src.source_path, stage, message))
            return
        text, tables = got
        documents = tables["documents"]
        col = documents.schema.get_field_index("source_path")
        tables["documents"] = documents.set_column(  # the path as given in this run
            col, "source_path", pa.array([src.source_path] * documents.num_rows, pa.string()))
        for name in TABLES:
            self.writer.add(name, tables[name])
        (self.texts / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        self.used.append(self.cache.path(doc_id, self.keys[i]))
        c, t = tables["commitments"], tables["targets"]
        summary.documents += 1
        summary.commitments += c.num_rows
        summary.targets += _count(t, "status", "target")
        summary.achievements += _count(t, "status", "achievement")
        summary.deadlines += (c.num_rows - c.column("deadline_raw").null_count) if c.num_rows else 0
        summary.owners += _count(c, "owner_source", "explicit")
