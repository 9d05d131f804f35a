"""Engines that run ``process_document`` over jobs: this process (``run_serial``), supervised
worker processes with time and memory limits (``Supervisor``), or a Dask cluster (``run_dask``)."""
from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from pipeline.config import Settings
from pipeline.runtime import worker
from pipeline.runtime.worker import Outcome, _freeze_loaded, _out_of_memory, _worker_init, warm_up
from pipeline.stages.ingest import Limits, limit_error

logger = logging.getLogger("pipeline.runtime.batch")

DEFAULT_DOC_TIMEOUT = 300  # seconds per document (--doc-timeout); 0: no limit
DEFAULT_DOC_MEMORY = 1024  # MB a worker may grow by on one document (--doc-memory); 0: no limit


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
            handle(worker.process_document(*job.args(settings)))
    finally:
        gc.unfreeze()  # this process goes on (a library caller's): collect as usual again


def _mp_context():
    """fork while this process has no other thread (a worker starts at once, from this
    process's imports, and loads the pipeline itself). Else a fork server (a clean
    single-threaded process to fork from, with the pipeline's modules imported), else spawn."""
    import threading

    methods = multiprocessing.get_all_start_methods()
    fork_unsafe = any(m in sys.modules for m in ("torch", "tensorflow"))  # native thread pools
    if "fork" in methods and sys.platform.startswith("linux") and threading.active_count() == 1 \
            and not fork_unsafe:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.runtime.batch", "pipeline.language"])
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
            outcome = worker.process_document(*args)
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
        # Each worker loads the pipeline itself (``_worker_init``); this process never does.
        # Loading it here once to fork workers ready cost this process ~280 MB for its whole
        # run (the batch process was the largest of all; bench: peak memory per process) and
        # saved no start-up (the first worker waited for it all the same); a worker that
        # replaces a stopped one now loads for ~1 s, which only stopped documents cost.
        self.workers = [self._start() for _ in range(workers)]

    def _start(self) -> _Worker:
        return _Worker(_mp_context(), self.settings, self.memory_mb)

    def _replace(self, w: _Worker, kill: bool) -> None:
        w.stop(kill=kill)
        self.workers[self.workers.index(w)] = self._start()

    def take(self, n: int) -> "Supervisor":
        """This supervisor with ``n`` of its workers, for the batch to run and close; the
        others (started ahead of knowing how many documents need processing) are killed, and
        ``discard`` then stops nothing."""
        taken = Supervisor.__new__(Supervisor)
        taken.__dict__.update(self.__dict__)
        taken.workers, self.workers = self.workers[:n], self.workers[n:]
        self.discard()
        return taken

    def discard(self) -> None:
        """Kills the workers at once (none has a job: they were started ahead of the batch)."""
        for w in self.workers:
            w.stop(kill=True)
        self.workers = []

    def close(self) -> None:
        for w in self.workers:
            w.stop(kill=w.job is not None)

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
            fut = client.submit(worker.process_document, *job.args(settings), pure=False)
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
