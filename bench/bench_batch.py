"""End-to-end benchmark of `extract`: every figure is a fresh process run as a user runs it.

    .venv/bin/python bench/bench_batch.py                    # what `make bench` runs
    .venv/bin/python bench/bench_batch.py --repeat 1 --scales 1   # quicker: the 20 M corpus once
    .venv/bin/python bench/bench_batch.py --profile-chars 2e6     # + cProfile of a 1-worker run
    .venv/bin/python bench/bench_batch.py --no-bench --hostile-kb 16 128 1024   # hostile input

Corpus. The archive of 2,897 government work reports (`--archive`, default
../shared/corpus/reports.tar.xz beside the repository) is unpacked once OUTSIDE the repository
into `--corpus-dir` (default ~/.cache/policy-commitments/bench/) and reused. Its documents are
sorted by name and put in a stride order (every 8th from the first, then every 8th from the
second, ...), so that any prefix of that order spreads over every region, city and year. A
corpus of C characters is the shortest prefix holding C raw characters (file text) plus a margin
for cleaning (front matter, markup); the bench then checks C against the cleaned characters the
pipeline reports (documents.n_chars). Scales (`--scales`, multiples of `--chars`, default 20 M)
are growing prefixes of that order: different documents, each scale containing the smaller ones.
The archive holds about 50 M characters, so the default scales are ½×, 1× and 2× (10 M, 20 M,
40 M: a 4× range of different documents); a scale beyond the archive is padded with renamed
copies of its documents and says so (`copies` in the results).

Measurements, each a fresh process timed from outside (a monotonic clock read just before the
start and after the process is reaped; user + system CPU from wait4, which includes the worker
processes the command waited for; peak memory as VmHWM of every process of the tree, sampled
from /proc every 0.2 s, and the peak of the tree's summed RSS):
- `python -m pipeline extract --from-list LIST --out TMP --workers N --quiet` (models loaded,
  tables written; default extractors unless `--extractors`), 1 and 2 workers;
- bare `jieba.lcut` (HMM on, jieba's default dictionary, its load included) in its own process
  over the cleaned texts that the pipeline wrote to texts/, one call per document; run in turn
  with the 1-worker pipeline (A B A B ...), the ratio taken pair by pair;
- start-up: the time from process start to the first document finished (its cache file written
  in <out>/.cache), on a 1-document run of the shortest document of the archive.
Each runs `--repeat` times (best and median are reported; the bars use medians); the scales
other than 1× run `--scale-repeat` times. Results: a table on stdout and bench/results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "corpus" / "reports.tar.xz"
DEFAULT_CORPUS_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) \
    / "policy-commitments" / "bench"
STRIDE = 8  # the stride order: a prefix of any length spreads over the whole sorted list
CLEANING_MARGIN = 1.03  # raw characters per cleaned character, with room (measured: 1.013)
SAMPLE_EVERY = 0.2  # seconds between two reads of /proc

BARS = {
    "ratio_to_lcut": ("<=", 1.0),  # pipeline wall ÷ jieba.lcut wall, 1 worker, 1× corpus
    "speedup_2w": (">=", 1.8),  # 1-worker wall ÷ 2-worker wall, 1× corpus
    "peak_mb_per_process": ("<=", 500.0),  # the largest VmHWM of a pipeline process (main or worker)
    "startup_s": ("<=", 1.5),  # process start → first document finished
    "per_char_spread": ("<=", 1.10),  # time per character: largest scale ÷ smallest
    "corpus_chars": (">=", 20_000_000),  # cleaned characters of the 1× corpus
}


# --------------------------------------------------------------------------- corpus


def unpack(archive: Path, corpus_dir: Path) -> Path:
    """``corpus_dir/reports`` from the archive, unpacked once (into a temporary folder renamed
    when complete, so an interrupted unpack is never taken for a corpus)."""
    reports = corpus_dir / "reports"
    if (corpus_dir / ".unpacked").is_file() and reports.is_dir():
        return reports
    if not archive.is_file():
        raise SystemExit(
            f"no corpus: the archive {archive} is missing and {corpus_dir} holds no unpacked "
            "copy. Give --archive PATH/reports.tar.xz (the 2,897 government work reports of "
            "../shared/corpus/) or --corpus-dir DIR (a folder with reports/ inside).")
    corpus_dir.mkdir(parents=True, exist_ok=True)
    print(f"… unpacking {archive} into {corpus_dir}", file=sys.stderr, flush=True)
    tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=corpus_dir))
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(tmp)
    found = next((p for p in tmp.rglob("*") if p.is_dir() and any(p.glob("*.md"))), tmp)
    shutil.rmtree(reports, ignore_errors=True)
    found.rename(reports)
    shutil.rmtree(tmp, ignore_errors=True)
    (corpus_dir / ".unpacked").write_text(f"{archive}\n", encoding="utf-8")
    return reports


def corpus_index(reports: Path) -> list[tuple[str, int]]:
    """(file name, raw characters) of every document, sorted by name; cached beside them."""
    cache = reports.parent / "index.json"
    names = sorted(p.name for p in reports.iterdir() if p.is_file() and not p.name.startswith("."))
    if cache.is_file():
        index = json.loads(cache.read_text(encoding="utf-8"))
        if [n for n, _ in index] == names:
            return [(n, c) for n, c in index]
    index = [(n, len((reports / n).read_text(encoding="utf-8", errors="replace"))) for n in names]
    cache.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return index


def stride_order(index: list[tuple[str, int]], stride: int = STRIDE) -> list[tuple[str, int]]:
    """Every ``stride``-th document from the first, then from the second, ...: deterministic,
    and every prefix takes documents from all over the name order (all regions and years)."""
    return [index[i] for start in range(stride) for i in range(start, len(index), stride)]


@dataclass
class Subset:
    scale: float
    target_chars: int
    paths: list[Path]
    raw_chars: int
    copies: int = 0  # documents that are renamed copies (the archive held too few)


def subset(order: list[tuple[str, int]], reports: Path, target_chars: int, scale: float,
           copy_dir: Path) -> Subset:
    """The shortest prefix of ``order`` with ``target_chars`` cleaned characters (estimated from
    raw ones with CLEANING_MARGIN); past the end of the archive, renamed copies in ``copy_dir``."""
    want = target_chars * CLEANING_MARGIN
    paths, raw, copies, round_ = [], 0, 0, 0
    while raw < want:
        for name, chars in order:
            if raw >= want:
                break
            src = reports / name
            if round_:
                dst = copy_dir / f"copy{round_}~{name}"
                if not dst.exists():
                    copy_dir.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dst)
                src, copies = dst, copies + 1
            paths.append(src)
            raw += chars
        round_ += 1
    return Subset(scale, target_chars, paths, raw, copies)


def write_list(paths: Sequence[Path], dest: Path) -> Path:
    dest.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    return dest


# --------------------------------------------------------------------------- timing


@dataclass
class Run:
    """One whole process, measured from outside."""
    cmd: list[str]
    wall_s: float = 0.0
    user_s: float = 0.0
    sys_s: float = 0.0
    returncode: int = 0
    maxrss_mb: float = 0.0  # wait4: the largest single process among those waited for
    tree_peak_mb: float = 0.0  # the peak of the summed RSS of the process tree (sampled)
    processes: list[dict] = field(default_factory=list)  # pid, role, peak_mb (VmHWM), cpu_s
    first_doc_s: Optional[float] = None  # start → first cache file written
    last_doc_s: Optional[float] = None  # start → last cache file written
    load_before: float = 0.0

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    def peak_mb(self, role: str) -> float:
        return max((p["peak_mb"] for p in self.processes if p["role"] == role), default=0.0)

    def summary(self) -> dict:
        d = asdict(self)
        d["cpu_s"] = self.cpu_s
        d["cmd"] = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(self.cmd))
        return d


def _children(pid: int) -> list[int]:
    """Child pids, from /proc/<pid>/task/*/children (or a scan of /proc when it is missing)."""
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(x) for x in f.read().split()]
        return kids
    except OSError:
        pass
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return kids


def _status_kb(pid: int) -> tuple[int, int]:
    """(VmHWM, VmRSS) of a process in KiB: its own peak resident set so far, and its current."""
    hwm = rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return hwm, rss


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TreeSampler(threading.Thread):
    """Reads the memory of every process of a tree every SAMPLE_EVERY seconds. VmHWM only grows,
    so a process's peak is exact up to its last sample (at most one interval before it exits)."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root, self.stop = root, threading.Event()
        self.procs: dict[int, dict] = {}
        self.tree_peak_kb = 0

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(SAMPLE_EVERY)

    def sample(self) -> None:
        total, todo = 0, [(self.root, 0)]
        while todo:
            pid, depth = todo.pop()
            try:
                hwm, rss = _status_kb(pid)
                cpu = _cpu_s(pid)
            except (OSError, ValueError, IndexError):
                continue
            p = self.procs.setdefault(pid, dict(pid=pid, depth=depth, peak_kb=0, cpu_s=0.0))
            p["peak_kb"], p["cpu_s"] = max(p["peak_kb"], hwm), max(p["cpu_s"], cpu)
            total += rss
            todo += [(kid, depth + 1) for kid in _children(pid)]
        self.tree_peak_kb = max(self.tree_peak_kb, total)


def timed(cmd: Sequence[str], out_dir: Optional[Path] = None, ok: Sequence[int] = (0,)) -> Run:
    """Runs ``cmd`` (cwd: the repository) to its end and measures it from outside. With
    ``out_dir`` (an extract's --out), also when its first and last documents were finished.
    Its output goes to a temporary file, shown when it exits with a status not in ``ok``."""
    run = Run(list(cmd), load_before=os.getloadavg()[0])
    log = tempfile.TemporaryFile()
    wall0 = time.time()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    run.wall_s = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    sampler.stop.set()
    sampler.join()
    run.returncode = proc.returncode
    if run.returncode not in ok:
        log.seek(0)
        raise SystemExit(f"failed (exit {run.returncode}): {' '.join(cmd)}\n"
                         + log.read().decode("utf-8", "replace")[-3000:])
    log.close()
    run.user_s, run.sys_s = usage.ru_utime, usage.ru_stime
    run.maxrss_mb = usage.ru_maxrss / 1024
    run.tree_peak_mb = sampler.tree_peak_kb / 1024
    for p in sorted(sampler.procs.values(), key=lambda p: (p["depth"], p["pid"])):
        role = "main" if p["depth"] == 0 else "worker" if p["peak_kb"] > 100 * 1024 else "helper"
        run.processes.append(dict(pid=p["pid"], role=role, peak_mb=p["peak_kb"] / 1024,
                                  cpu_s=p["cpu_s"]))
    if out_dir is not None:
        stamps = [p.stat().st_mtime for p in (out_dir / ".cache").glob("*.arrow")]
        if stamps:
            run.first_doc_s, run.last_doc_s = min(stamps) - wall0, max(stamps) - wall0
    return run


def _say(run: Run, what: str) -> Run:
    """One line per run on stderr as it ends (a long bench shows its figures as it goes)."""
    workers = ", ".join(f"{p['role']} {p['peak_mb']:.0f}" for p in run.processes if p["role"] != "helper")
    first = f", first doc {run.first_doc_s:.2f} s" if run.first_doc_s is not None else ""
    print(f"    {what}: wall {run.wall_s:.1f} s, cpu {run.cpu_s:.1f} s, peak MB {workers}, tree "
          f"{run.tree_peak_mb:.0f}{first}, load {run.load_before:.1f}", file=sys.stderr, flush=True)
    return run


def extract_cmd(list_file: Path, out_dir: Path, workers: int, extra: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "pipeline", "extract", "--from-list", str(list_file),
            "--out", str(out_dir), "--workers", str(workers), "--quiet", *extra]


def lcut_cmd(list_file: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--lcut-child", str(list_file)]


def lcut_child(list_file: Path) -> None:
    """Bare jieba: import, default dictionary (loaded at the first call), jieba.lcut (HMM on)
    over every text of the list, one call per document."""
    import jieba

    jieba.setLogLevel(60)
    words = 0
    for line in list_file.read_text(encoding="utf-8").splitlines():
        words += len(jieba.lcut(Path(line).read_text(encoding="utf-8")))
    print(words)


def dataset_chars(out_dir: Path) -> tuple[int, int, int]:
    """(documents, cleaned characters, errors rows) that a finished extract reports."""
    import pyarrow.parquet as pq

    docs = pq.read_table(out_dir / "documents.parquet", columns=["n_chars"])
    errors = pq.read_metadata(out_dir / "errors.parquet").num_rows
    return docs.num_rows, sum(docs.column("n_chars").to_pylist()), errors


# --------------------------------------------------------------------------- the bench


def stats(values: Sequence[float]) -> dict:
    return dict(best=min(values), median=statistics.median(values), max=max(values),
                all=list(values))


def run_extract(sub: Subset, work: Path, workers: int, extra: Sequence[str], keep_texts: Optional[Path] = None) -> tuple[Run, tuple[int, int, int]]:
    """One extract of ``sub`` into a fresh --out, removed afterwards (texts copied first to
    ``keep_texts`` when given)."""
    tag = f"{sub.scale:g}x_{workers}w"
    list_file = write_list(sub.paths, work / f"list_{sub.scale:g}x.txt")
    out_dir = work / f"out_{tag}"
    shutil.rmtree(out_dir, ignore_errors=True)
    print(f"… extract {sub.scale:g}× ({len(sub.paths)} documents), {workers} worker(s)",
          file=sys.stderr, flush=True)
    run = timed(extract_cmd(list_file, out_dir, workers, extra), out_dir, ok=(0, 1))  # 1: errors rows
    counts = dataset_chars(out_dir)
    _say(run, f"{counts[0]} documents, {counts[1]:,} cleaned chars")
    if keep_texts is not None and not keep_texts.exists():
        shutil.copytree((out_dir / "texts").resolve(), keep_texts)
    shutil.rmtree(out_dir, ignore_errors=True)
    return run, counts


def bench(args: argparse.Namespace, work: Path) -> dict:
    reports = unpack(args.archive, args.corpus_dir)
    index = corpus_index(reports)
    order = stride_order(index)
    extra = ["--extractors", args.extractors] if args.extractors else []
    subsets = {s: subset(order, reports, int(args.chars * s), s, args.corpus_dir / "copies")
               for s in sorted(set(args.scales) | {1.0})}
    one = subsets[1.0]
    texts_dir = work / "texts_1x"
    result: dict = dict(scales={}, archive_documents=len(index),
                        archive_raw_chars=sum(c for _, c in index))

    # 1× corpus: 1-worker pipeline and lcut in turn, then 2 workers; R times
    pipe1, lcut, pipe2, counts1 = [], [], [], None
    for r in range(args.repeat):
        run, counts1 = run_extract(one, work, 1, extra, keep_texts=texts_dir)
        pipe1.append(run)
        texts_list = write_list(sorted(texts_dir.glob("*.txt")), work / "texts_1x.txt")
        print("… jieba.lcut over the same cleaned texts", file=sys.stderr, flush=True)
        lcut.append(_say(timed(lcut_cmd(texts_list)), "jieba.lcut"))
        if args.workers2:
            pipe2.append(run_extract(one, work, 2, extra)[0])
    lcut_chars = sum(len(p.read_text(encoding="utf-8")) for p in texts_dir.glob("*.txt"))

    # the other scales, 1 worker
    per_scale: dict[float, tuple[list[Run], tuple[int, int, int]]] = {1.0: (pipe1, counts1)}
    for s, sub in subsets.items():
        if s != 1.0 and s in args.scales:
            runs = [run_extract(sub, work, 1, extra) for _ in range(args.scale_repeat)]
            per_scale[s] = ([r for r, _ in runs], runs[-1][1])

    # start-up: the shortest document of the archive, alone
    shortest = min(index, key=lambda nc: nc[1])
    small = Subset(0.0, shortest[1], [reports / shortest[0]], shortest[1])
    startup = [run_extract(small, work, 1, extra)[0] for _ in range(args.repeat)]
    small_lcut = write_list([reports / shortest[0]], work / "small.txt")
    startup_lcut = [timed(lcut_cmd(small_lcut)) for _ in range(args.repeat)]

    for s, (runs, (docs, chars, errors)) in sorted(per_scale.items()):
        sub = subsets[s]
        walls = [r.wall_s for r in runs]
        cpus = [r.cpu_s for r in runs]
        result["scales"][f"{s:g}"] = dict(
            documents=docs, errors=errors, raw_chars=sub.raw_chars, cleaned_chars=chars,
            copies=sub.copies, wall_s=stats(walls), cpu_s=stats(cpus),
            us_per_char_wall=1e6 * statistics.median(walls) / chars,
            us_per_char_cpu=1e6 * statistics.median(cpus) / chars,
            peak_mb_main=max(r.peak_mb("main") for r in runs),
            peak_mb_worker=max(r.peak_mb("worker") for r in runs),
            tree_peak_mb=max(r.tree_peak_mb for r in runs),
            runs=[r.summary() for r in runs])
    result["lcut_1x"] = dict(chars=lcut_chars, wall_s=stats([r.wall_s for r in lcut]),
                             cpu_s=stats([r.cpu_s for r in lcut]),
                             peak_mb=max(r.maxrss_mb for r in lcut),
                             runs=[r.summary() for r in lcut])
    result["ratio_to_lcut_pairs"] = [p.wall_s / q.wall_s for p, q in zip(pipe1, lcut)]
    result["ratio_to_lcut_cpu_pairs"] = [p.cpu_s / q.cpu_s for p, q in zip(pipe1, lcut)]
    if pipe2:
        result["workers_2_1x"] = dict(
            wall_s=stats([r.wall_s for r in pipe2]), cpu_s=stats([r.cpu_s for r in pipe2]),
            peak_mb_main=max(r.peak_mb("main") for r in pipe2),
            peak_mb_worker=max(r.peak_mb("worker") for r in pipe2),
            tree_peak_mb=max(r.tree_peak_mb for r in pipe2),
            runs=[r.summary() for r in pipe2])
        result["speedup_2w_pairs"] = [p.wall_s / q.wall_s for p, q in zip(pipe1, pipe2)]
    result["startup"] = dict(
        document=shortest[0], raw_chars=shortest[1],
        first_doc_s=stats([r.first_doc_s for r in startup if r.first_doc_s is not None] or [0]),
        wall_s=stats([r.wall_s for r in startup]),
        lcut_wall_s=stats([r.wall_s for r in startup_lcut]),
        first_doc_s_in_1x_runs=[r.first_doc_s for r in pipe1],
        runs=[r.summary() for r in startup])
    result["bars"] = bars(result)
    return result


def _bar(name: str, value: float) -> dict:
    op, target = BARS[name]
    met = value <= target if op == "<=" else value >= target
    return dict(value=value, bar=f"{op} {target:g}", met=met)


def bars(r: dict) -> dict:
    one = r["scales"]["1"]
    out = {
        "corpus_chars": _bar("corpus_chars", one["cleaned_chars"]),
        "ratio_to_lcut": _bar("ratio_to_lcut", statistics.median(r["ratio_to_lcut_pairs"])),
        # the main process counts too: with --workers 1 it and its worker are both resident
        "peak_mb_per_process": _bar("peak_mb_per_process", max(
            max(s["peak_mb_worker"], s["peak_mb_main"]) for s in r["scales"].values())),
        "startup_s": _bar("startup_s", r["startup"]["first_doc_s"]["median"]),
    }
    if "speedup_2w_pairs" in r:
        out["speedup_2w"] = _bar("speedup_2w", statistics.median(r["speedup_2w_pairs"]))
        out["peak_mb_per_process"] = _bar("peak_mb_per_process", max(
            out["peak_mb_per_process"]["value"], r["workers_2_1x"]["peak_mb_worker"],
            r["workers_2_1x"]["peak_mb_main"]))
    per_char = [s["us_per_char_wall"] for _, s in sorted(r["scales"].items(), key=lambda kv: float(kv[0]))]
    if len(per_char) > 1:
        out["per_char_spread"] = _bar("per_char_spread", per_char[-1] / per_char[0])
    return out


# --------------------------------------------------------------------------- report


def print_report(r: dict) -> None:
    print(f"\ncorpus: {r['archive_documents']:,} reports of the archive ({r['archive_raw_chars']:,} "
          "raw characters); subsets in stride order, different documents")
    print(f"\n{'scale':>5} {'docs':>5} {'cleaned chars':>13} {'copies':>6} {'wall best/med s':>16} "
          f"{'cpu med s':>9} {'µs/char':>7} {'cpu µs/ch':>9} {'main MB':>7} {'worker MB':>9} {'tree MB':>7}")
    for s, v in sorted(r["scales"].items(), key=lambda kv: float(kv[0])):
        print(f"{s + '×':>5} {v['documents']:>5} {v['cleaned_chars']:>13,} {v['copies']:>6} "
              f"{v['wall_s']['best']:>7.1f}/{v['wall_s']['median']:<8.1f} {v['cpu_s']['median']:>9.1f} "
              f"{v['us_per_char_wall']:>7.2f} {v['us_per_char_cpu']:>9.2f} {v['peak_mb_main']:>7.0f} "
              f"{v['peak_mb_worker']:>9.0f} {v['tree_peak_mb']:>7.0f}")
    w2 = r.get("workers_2_1x")
    if w2:
        print(f"{'1×':>5} 2 workers: wall best/median {w2['wall_s']['best']:.1f}/{w2['wall_s']['median']:.1f} s, "
              f"cpu median {w2['cpu_s']['median']:.1f} s, main {w2['peak_mb_main']:.0f} MB, "
              f"worker {w2['peak_mb_worker']:.0f} MB each at most, tree {w2['tree_peak_mb']:.0f} MB")
    lc = r["lcut_1x"]
    print(f"{'1×':>5} jieba.lcut ({lc['chars']:,} cleaned chars): wall best/median "
          f"{lc['wall_s']['best']:.1f}/{lc['wall_s']['median']:.1f} s, cpu median "
          f"{lc['cpu_s']['median']:.1f} s, peak {lc['peak_mb']:.0f} MB")
    st = r["startup"]
    print(f"start-up ({st['document']}, {st['raw_chars']:,} chars): first document finished at "
          f"best/median {st['first_doc_s']['best']:.2f}/{st['first_doc_s']['median']:.2f} s; whole "
          f"process {st['wall_s']['median']:.2f} s; jieba.lcut of it, whole process "
          f"{st['lcut_wall_s']['median']:.2f} s")
    print("\npairs (pipeline 1 worker ÷ lcut), wall: "
          + ", ".join(f"{x:.2f}" for x in r["ratio_to_lcut_pairs"])
          + "; cpu: " + ", ".join(f"{x:.2f}" for x in r["ratio_to_lcut_cpu_pairs"]))
    if "speedup_2w_pairs" in r:
        print("pairs (1 worker ÷ 2 workers), wall: " + ", ".join(f"{x:.2f}" for x in r["speedup_2w_pairs"]))
    print()
    for name, b in r["bars"].items():
        value = f"{b['value']:,.0f}" if name == "corpus_chars" else f"{b['value']:.2f}"
        print(f"{name:<20} {value:>12}  (bar {b['bar']})  {'met' if b['met'] else 'NOT MET'}")
    if "hostile_us_per_kb" in r:
        print("\nhostile input, µs per KB (" + " / ".join(
            f"{kb} KB" for kb in next(iter(r["hostile_us_per_kb"].values()))) + "):")
        for name, per_kb in r["hostile_us_per_kb"].items():
            print(f"  {name:<20} " + " / ".join(f"{v:,.0f}" for v in per_kb.values()))
    cpu = [v["us_per_char_cpu"] for _, v in sorted(r["scales"].items(), key=lambda kv: float(kv[0]))]
    if len(cpu) > 1:
        print(f"(cpu time per character, largest scale ÷ smallest: {cpu[-1] / cpu[0]:.2f})")
    print(f"\nload average (1 min) before/after: {r['load_average_before_after'][0]:.2f} / "
          f"{r['load_average_before_after'][1]:.2f} on {r['machine']['cpus']} cores")
    loads = [run["load_before"] for v in r["scales"].values() for run in v["runs"]]
    if max(loads, default=0) > r["machine"]["cpus"]:
        print(f"WARNING: the machine was busy (load up to {max(loads):.1f} on "
              f"{r['machine']['cpus']} cores when runs started): wall times, the ratio to lcut "
              "and the speed-up are inflated by other work; compare the cpu figures, and rerun "
              "on a quiet machine for the bars.")


# --------------------------------------------------------------------------- profile


def profile(args: argparse.Namespace, work: Path) -> str:
    """cProfile of one whole 1-worker extract run in a single process (--doc-timeout 0
    --doc-memory 0: no worker process, so the profile sees every stage) over a prefix of the
    stride order of ``--profile-chars`` characters."""
    reports = unpack(args.archive, args.corpus_dir)
    sub = subset(stride_order(corpus_index(reports)), reports, int(args.profile_chars), 0, work)
    list_file = write_list(sub.paths, work / "profile_list.txt")
    prof = work / "profile.out"
    extra = ["--extractors", args.extractors] if args.extractors else []
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "pipeline", "extract",
           "--from-list", str(list_file), "--out", str(work / "out_profile"), "--workers", "1",
           "--doc-timeout", "0", "--doc-memory", "0", "--quiet", *extra]
    print(f"… profile: {len(sub.paths)} documents, {sub.raw_chars:,} raw characters",
          file=sys.stderr, flush=True)
    subprocess.run(cmd, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
    return profile_report(prof, len(sub.paths), sub.raw_chars, args.profile_top)


def profile_report(prof: Path, documents: int, raw_chars: int, top: int = 15) -> str:
    """The text of bench/profile.txt from a cProfile file: own time by module, time by stage,
    the top functions by own time and by cumulative time."""
    import io
    import pstats

    st = pstats.Stats(str(prof))
    total = st.total_tt
    by_module: dict[str, float] = {}
    for (file, _, _), (_, _, tt, _, _) in st.stats.items():
        key = _module_of(file)
        by_module[key] = by_module.get(key, 0.0) + tt
    out = io.StringIO()
    out.write(f"cProfile of `extract --workers 1` (in one process), {documents} documents, "
              f"{raw_chars:,} raw characters: {total:.1f} s under the profiler\n\n"
              "own time by module:\n")
    for key, tt in sorted(by_module.items(), key=lambda kv: -kv[1])[:25]:
        out.write(f"  {100 * tt / total:5.1f}%  {tt:7.2f} s  {key}\n")
    out.write("\nby stage (cumulative time of the stage's function, every document; the warm-up "
              "document included):\n")
    for stage, tt in stage_times(st):
        out.write(f"  {100 * tt / total:5.1f}%  {tt:7.2f} s  {stage}\n")
    out.write("\n")
    st.stream = out
    st.sort_stats("tottime").print_stats(top)
    st.sort_stats("cumulative").print_stats(r"/pipeline/", top)  # the pipeline's own functions
    site = next((str(Path(p)) + "/" for p in sys.path if p.endswith("site-packages")), None)
    text = out.getvalue().replace(str(ROOT) + "/", "")
    return text.replace(site, "") if site else text


STAGE_FUNCTIONS = [  # (file, function) of each stage, as process_document calls them
    ("ingest.py", "ingest"), ("clean.py", "clean"), ("metadata.py", "metadata"),
    ("structure.py", "structure"), ("sentences.py", "sentences"),
    ("status.py", "mark_review"), ("commitments.py", "find_commitments"),
    ("targets.py", "extract_targets"), ("ml_targets.py", "both_targets"),
    ("ml_targets.py", "ml_targets"), ("deadlines.py", "extract_deadlines"),
    ("owners.py", "extract_owners"), ("tables.py", "document_rows"), ("state.py", "encode"),
]


def stage_times(st) -> list[tuple[str, float]]:
    """Cumulative seconds of each stage function found in the profile, all stages together, the
    warm-up's share of them, and the rest (imports, reading, the tables written at the end, the
    cache, the batch's own bookkeeping): where a run's time goes, stage by stage."""
    found: dict[str, float] = {}
    doc_total = warm = 0.0
    for (file, _, func), (_, _, _, ct, _) in st.stats.items():
        name = Path(file).name
        if (name, func) in STAGE_FUNCTIONS:
            found[f"{name[:-3]}.{func}"] = found.get(f"{name[:-3]}.{func}", 0.0) + ct
        elif (name, func) == ("worker.py", "process_document"):
            doc_total += ct
        elif (name, func) == ("worker.py", "warm_up"):
            warm += ct
    rows = sorted(found.items(), key=lambda kv: -kv[1])
    rows.append(("(all stages: worker.process_document)", doc_total))
    rows.append(("(of which the warm-up document, models loaded: worker.warm_up)", warm))
    rows.append(("(the rest: imports, reading, tables written at the end, cache)",
                 st.total_tt - doc_total))
    return rows


def _module_of(file: str) -> str:
    """A short name for where a function lives: a pipeline file, a package, or a builtin."""
    if file.startswith("~") or file.startswith("<"):
        return "builtins / C (re, str, dict, ...)"
    path = Path(file)
    if ROOT in path.parents and "site-packages" not in file:
        return str(path.relative_to(ROOT))
    if "site-packages" in path.parts:
        return "site-packages/" + path.parts[path.parts.index("site-packages") + 1]
    return "stdlib/" + path.name


# --------------------------------------------------------------------------- hostile input


def hostile_texts(kb: int) -> dict[str, str]:
    """Inputs built to find super-linear behaviour, each about ``kb`` KB of UTF-8."""
    n = kb * 1024 // 3  # CJK characters are 3 bytes
    unit = "组织不少于1000名大学生参与政务见习，力争3年内完成。"
    return {
        "one_line": (unit.replace("。", "，") * (n // len(unit) + 1))[:n],
        "nested_numbering": "\n".join(
            f"{'（' * (i % 7)}{i % 99 + 1}{'）' * (i % 7)}、第{i}条 新增{i}个项目（市发展改革委牵头）"
            for i in range(n // 30)),
        "digits": "".join(str(i % 10) + ("万" if i % 7 == 0 else "") for i in range(n)),
        "brackets_quotes": ("（“《【" * (n // 8)) + ("】》”）" * (n // 8)),
        "control_zero_width": ("\u200b\x01组织\u200d\ufeff100名\x7f，" * (n // 12)),
        "short_lines": "\n".join(("1", "市", "万元", "3", "局")[i % 5] for i in range(n // 2)),
        "owners_one_line": "（市发展改革委牵头，市财政局配合）由市教育局负责新增100所，" * (n // 33),
        "deadlines_one_line": "2025年底前完成5年内新增3个，上半年、三季度末前达到6月底前" * (n // 30),
        "plain": (unit * (n // len(unit) + 1))[:n].replace("。", "。\n"),
    }


def hostile_child(sizes: list[int]) -> None:
    """µs per KB of ``process_text`` on each hostile input at each size (printed as JSON): a
    figure that grows with the size is a super-linear case."""
    sys.path.insert(0, str(ROOT))
    from pipeline.language import process_text

    process_text("组织不少于1000名大学生参与政务见习。")
    out: dict[str, dict[str, float]] = {}
    for kb in sizes:
        for name, text in hostile_texts(kb).items():
            t0 = time.perf_counter()
            process_text(text, year=2023)
            seconds = time.perf_counter() - t0
            out.setdefault(name, {})[str(kb)] = 1e6 * seconds / max(1, len(text.encode()) / 1024)
    print(json.dumps(out))


def hostile(sizes: list[int]) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--hostile-child",
                           *map(str, sizes)], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"hostile-input child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- main


def _git(*args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return proc.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE,
                    help="the reports archive (default: ../shared/corpus/reports.tar.xz)")
    ap.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS_DIR,
                    help="where the archive is unpacked and kept (outside the repository)")
    ap.add_argument("--chars", type=float, default=20e6,
                    help="cleaned characters of the 1× corpus [20e6]")
    ap.add_argument("--scales", type=float, nargs="+", default=[0.5, 1, 2],
                    help="corpus sizes as multiples of --chars [0.5 1 2]")
    ap.add_argument("--repeat", type=int, default=3, metavar="R",
                    help="runs of each 1× figure (pipeline 1 and 2 workers, lcut, start-up) [3]")
    ap.add_argument("--scale-repeat", type=int, default=1, metavar="R",
                    help="runs of each scale other than 1× [1]")
    ap.add_argument("--no-workers2", dest="workers2", action="store_false",
                    help="skip the 2-worker runs")
    ap.add_argument("--extractors", choices=["rules", "ml", "both"], default=None,
                    help="passed to extract (default: extract's own default)")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    ap.add_argument("--no-bench", dest="run_bench", action="store_false",
                    help="no corpus runs: only the profile and/or the hostile inputs")
    ap.add_argument("--profile-chars", type=float, default=0,
                    help="also profile a 1-worker run of this many characters into "
                         "bench/profile.txt (0: no profile)")
    ap.add_argument("--profile-top", type=int, default=15)
    ap.add_argument("--work-dir", type=Path, default=None,
                    help="temporary files (default: a new folder under the system's temp)")
    ap.add_argument("--hostile-kb", type=int, nargs="*", default=[], metavar="KB",
                    help="also time hostile inputs (one line, nested numbering, ...) of these "
                         "sizes, µs per KB, in-process (e.g. 16 128 1024)")
    ap.add_argument("--lcut-child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--hostile-child", type=int, nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.lcut_child:
        lcut_child(args.lcut_child)
        return
    if args.hostile_child:
        hostile_child(args.hostile_child)
        return
    if args.repeat < 1 or args.scale_repeat < 1:
        ap.error("--repeat and --scale-repeat are at least 1")
    args.scales = [float(s) for s in args.scales]
    args.corpus_dir = args.corpus_dir.expanduser().resolve()
    if ROOT in args.corpus_dir.parents or args.corpus_dir == ROOT:
        ap.error("--corpus-dir must be outside the repository")
    with tempfile.TemporaryDirectory(prefix="bench-batch-", dir=args.work_dir) as tmp:
        work = Path(tmp)
        if args.run_bench:
            load_before = os.getloadavg()[0]
            t0 = time.monotonic()
            result = bench(args, work)
            result.update(
                load_average_before_after=[load_before, os.getloadavg()[0]],
                bench_minutes=(time.monotonic() - t0) / 60,
                settings=dict(chars=args.chars, scales=args.scales, repeat=args.repeat,
                              scale_repeat=args.scale_repeat, extractors=args.extractors or "default",
                              stride=STRIDE, cleaning_margin=CLEANING_MARGIN),
                machine=dict(python=platform.python_version(), cpus=os.cpu_count(),
                             platform=platform.platform()),
                code=dict(commit=_git("rev-parse", "HEAD"),
                          uncommitted=_git("diff", "--shortstat")),
                notes=("every figure a fresh process timed from outside; wall and cpu (user + "
                       "sys of the process and the workers it waited for); peak_mb_* are VmHWM "
                       "(RSS high-water mark, shared pages counted in each process) sampled every "
                       f"{SAMPLE_EVERY} s; tree_peak_mb the peak of the summed RSS; lcut over the "
                       "cleaned texts (texts/) of the 1x corpus, its own process, HMM on, default "
                       "dictionary; bars on medians; ratios pair by pair"))
            if args.hostile_kb:
                print("… hostile inputs", file=sys.stderr, flush=True)
                result["hostile_us_per_kb"] = hostile(args.hostile_kb)
            print_report(result)
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
            print(f"\nwritten: {args.json} ({result['bench_minutes']:.1f} minutes)")
        if args.hostile_kb and not args.run_bench:
            for name, per_kb in hostile(args.hostile_kb).items():
                print(f"{name:<20} µs per KB at {' / '.join(map(str, args.hostile_kb))} KB: "
                      + " / ".join(f"{v:,.0f}" for v in per_kb.values()))
        if args.profile_chars:
            text = profile(args, work)
            (ROOT / "bench" / "profile.txt").write_text(text, encoding="utf-8")
            print(text[:8000])


if __name__ == "__main__":
    main()
