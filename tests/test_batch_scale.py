"""Batch runs at scale: the tables are byte-identical whether a run is serial, parallel, on Dask,
killed and resumed, or a rerun that reuses unchanged documents."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import RAW, ROOT, SEED, run_cli
from pipeline.runtime.batch import run_batch

TABLES = ["documents", "sections", "commitments", "targets", "owners", "errors"]


def csv_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.csv").read_bytes() for name in TABLES}


def texts(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "texts").glob("*.txt"))}


def assert_same_tables(out: Path, reference: Path) -> None:
    got, want = csv_bytes(out), csv_bytes(reference)
    for name in TABLES:
        assert got[name] == want[name], f"{name}.csv differs"
    assert texts(out) == texts(reference)
    assert not list(out.glob(".*.tmp")), "no temporary file may be left behind"


RAW_TEXTS = sorted(p for p in RAW.iterdir() if p.suffix in (".txt", ".md"))  # the development texts
N_RAW = len(RAW_TEXTS)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """3 × N_RAW documents: those of data/raw, three times under distinct names."""
    folder = tmp_path_factory.mktemp("corpus")
    for src in RAW_TEXTS:
        for k in range(3):
            name = src.name if k == 0 else f"{src.stem}__copy{k}{src.suffix}"
            shutil.copyfile(src, folder / name)
    return folder


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory) -> Path:
    """The reference: every document processed one after the other in this process."""
    out = tmp_path_factory.mktemp("serial")
    summary = run_batch([str(corpus)], out, quiet=True, workers=1)
    assert summary.documents == 3 * N_RAW and not summary.errors
    return out


def test_two_workers_give_byte_identical_tables(corpus, serial, tmp_path):
    result = run_cli("extract", str(corpus), "--out", str(tmp_path), "--workers", "2", "-q")
    assert result.returncode == 0, result.stderr
    assert_same_tables(tmp_path, serial)
    parquet = pd.read_parquet(tmp_path / "targets.parquet")
    assert list(parquet.doc_id.drop_duplicates()) == sorted(set(parquet.doc_id))  # input order


def test_dask_cluster_gives_the_same_tables(corpus, serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        summary = run_batch([str(corpus)], tmp_path, quiet=True, engine="dask",
                            scheduler=cluster.scheduler_address)
    assert summary.documents == 3 * N_RAW and not summary.errors
    assert_same_tables(tmp_path, serial)


def _start(corpus: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(corpus), "--out",
                             str(out), *extra], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for_cached(proc: subprocess.Popen, out: Path, n: int) -> int:
    """Waits until ``n`` documents are in the cache (the run is then halfway)."""
    deadline = time.monotonic() + 120
    cache = out / ".cache"
    while time.monotonic() < deadline:
        done = len(list(cache.glob("*.arrow"))) if cache.is_dir() else 0
        if done >= n:
            return done
        assert proc.poll() is None, f"the run ended before it could be interrupted: {proc.stderr.read()}"
        time.sleep(0.02)
    raise AssertionError("no progress")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_killed_run_resumes_to_the_uninterrupted_tables(corpus, serial, tmp_path, sig):
    out = tmp_path / "out"
    proc = _start(corpus, out, "--workers", "1")
    cached = _wait_for_cached(proc, out, 4)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130, stderr
        assert "interrupted" in stderr and "resume" in stderr
    else:
        assert proc.returncode == -signal.SIGKILL
    assert not (out / "targets.csv").exists(), "an interrupted run publishes no partial tables"
    assert cached < 3 * N_RAW
    result = run_cli("extract", str(corpus), "--out", str(out), "--workers", "2")
    assert result.returncode == 0, result.stderr
    skipped = int(result.stderr.split("unchanged (skipped) :")[1].split()[0])
    assert skipped >= cached  # finished documents were not done again
    assert_same_tables(out, serial)
    assert not list((out / ".cache").glob(".*.tmp"))


def test_rerun_skips_unchanged_documents_and_replace_forgets_vanished_ones(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(RAW, src)
    out = tmp_path / "out"
    first = run_batch([str(src)], out, quiet=True, workers=1)
    before = csv_bytes(out)
    again = run_batch([str(src)], out, quiet=True, workers=1)
    assert (again.skipped, again.processed, again.documents) == (N_RAW, 0, N_RAW)
    assert csv_bytes(out) == before
    assert (again.commitments, again.targets) == (first.commitments, first.targets)

    # one document edited, one deleted, --replace: only the edited one is processed again, and
    # the deleted one leaves the dataset (without --replace it is kept: test_dataset_robust.py)
    edited = src / f"{SEED}.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n组织不少于20名志愿者参与活动。\n",
                      encoding="utf-8")
    gone = sorted(src.glob("*.txt"))[0]
    gone.unlink()
    third = run_batch([str(src)], out, quiet=True, workers=1, replace=True)
    assert (third.skipped, third.processed, third.documents) == (N_RAW - 2, 1, N_RAW - 1)
    fresh = tmp_path / "fresh"
    run_batch([str(src)], fresh, quiet=True, workers=1)
    assert_same_tables(out, fresh)
    docs = pd.read_parquet(out / "documents.parquet")
    assert gone.stem not in set(docs.doc_id)
    assert not (out / "texts" / f"{gone.stem}.txt").exists()
    assert len(list((out / ".cache").glob("*.arrow"))) == N_RAW - 1, "the cache forgets vanished documents"


def test_cli_rerun_says_how_many_were_skipped(tmp_path):
    args = ("extract", str(RAW / f"{SEED}.txt"), "--out", str(tmp_path))
    assert run_cli(*args).returncode == 0
    result = run_cli(*args)
    assert result.returncode == 0
    assert "unchanged (skipped) : 1" in result.stderr
    assert "documents processed : 1" in result.stderr
    assert "targets             : 3" in result.stderr


def test_damaged_cache_file_is_processed_again(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(RAW / f"{SEED}.txt", src)
    out = tmp_path / "out"
    run_batch([str(src)], out, quiet=True, workers=1)
    before = csv_bytes(out)
    (cached,) = (out / ".cache").glob("*.arrow")
    cached.write_bytes(cached.read_bytes()[:100])  # e.g. a disk that filled up
    summary = run_batch([str(src)], out, quiet=True, workers=1)
    assert summary.documents == 1 and not summary.errors
    assert csv_bytes(out) == before


def test_changed_pipeline_code_invalidates_the_cache(tmp_path, monkeypatch):
    from pipeline.runtime import cache as state

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(RAW / f"{SEED}.txt", src)
    out = tmp_path / "out"
    run_batch([str(src)], out, quiet=True, workers=1)
    assert run_batch([str(src)], out, quiet=True, workers=1).skipped == 1
    monkeypatch.setattr(state, "_fingerprint", lambda *a: "another version of the code")
    assert run_batch([str(src)], out, quiet=True, workers=1).skipped == 0


def test_a_second_run_on_the_same_out_is_refused_while_one_is_running(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run_cli("extract", str(RAW / f"{SEED}.txt"), "--out", str(out), "-q")
    assert result.returncode == 2
    assert "another extract" in result.stderr


def test_progress_bar_and_log_lines_go_to_stderr(tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    shutil.copy(RAW / f"{SEED}.txt", bad)
    (bad / "empty.txt").write_bytes(b"")
    result = run_cli("extract", str(bad), "--out", str(tmp_path / "out"), "--progress", "-j", "1")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "doc/s" in result.stderr  # tqdm: documents per second and ETA
    assert "empty.txt: [ingest]" in result.stderr and "empty" in result.stderr
    quiet = run_cli("extract", str(bad), "--out", str(tmp_path / "q"), "-q", "-j", "1")
    assert quiet.returncode == 1
    assert "doc/s" not in quiet.stderr and "documents processed" not in quiet.stderr
    assert "empty.txt" in quiet.stderr  # failures are still named


def _pandas_csv(table) -> bytes:
    """What the CSV writer used to be (pandas ``to_csv``): the format DuckDB's export must keep."""
    import codecs
    import io

    from pipeline.runtime.writers import _append_csv

    buf = io.BytesIO()
    buf.write(codecs.BOM_UTF8)
    _append_csv(buf, table, header=True)
    return buf.getvalue()


def test_csv_export_reads_back_exactly_with_any_cell_content(tmp_path):
    """The CSVs are exported from the Parquet files by DuckDB; nulls and empty strings, quotes,
    commas, CR/LF inside cells, '#' and floats small and huge must read back as the values
    (floats as Python's repr, null and empty string as an empty cell), split across flushes."""
    import csv
    import datetime as dt
    import io
    from contextlib import ExitStack

    import pyarrow as pa

    from pipeline.stages.tables import SCHEMAS

    from pipeline.runtime.writers import TableWriter

    tricky = ["", None, 'say "yes", then', "line\nbreak", "cr\rhere", "逗号，中文", " lead", "trail ",
              "#", "-", "1,000", "\t", "emoji 🙂", "None", "nan"]
    floats = [0.1, 1e20, 126000000000000.0, 5.5, 1 / 3, 1e-7, None, 0.0, -2.5, 2000.0, 123456789.123,
              float(2 ** 53), 3.0, 6.5, 99.99]
    dates = [None, dt.date(2023, 12, 31), dt.date(2024, 2, 29), dt.date(1, 1, 1), dt.date(9999, 12, 31)]
    schema = SCHEMAS["targets"]
    rows = []
    for i in range(3 * len(tricky)):
        row = {}
        for f in schema:
            if pa.types.is_string(f.type):
                row[f.name] = tricky[(i + len(f.name)) % len(tricky)]
            elif pa.types.is_floating(f.type):
                row[f.name] = floats[(i + len(f.name)) % len(floats)]
            elif pa.types.is_boolean(f.type):
                row[f.name] = None if i % 3 == 0 else bool(i % 2)
            elif pa.types.is_date(f.type):  # written as ISO YYYY-MM-DD, as before it was a date
                row[f.name] = dates[i % len(dates)]
            else:
                row[f.name] = None if i % 4 == 0 else i * 1000
        rows.append(row)
    out = tmp_path / "out"
    with ExitStack() as stack:
        writer = TableWriter(out, stack, flush_rows=4)
        for k in range(0, len(rows), 5):
            writer.add_rows("targets", rows[k:k + 5])
        writer.close()
    raw = (out / "targets.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    got = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    assert got[0] == schema.names
    want = [["" if v is None else repr(v) if isinstance(v, float) else str(v) for v in r.values()] for r in rows]
    assert got[1:] == want


def test_csv_export_matches_pandas_on_real_output(extracted):
    import pyarrow.parquet as pq

    from pipeline.stages.tables import TABLES

    for name in TABLES:
        assert (extracted / f"{name}.csv").read_bytes() == _pandas_csv(pq.read_table(extracted / f"{name}.parquet")), name


def test_csv_export_falls_back_to_pandas_when_duckdb_fails(extracted, tmp_path):
    """DuckDB can run out of its memory limit (huge cells); the CSV then comes from pandas, with
    the same bytes, instead of the whole batch failing at its last step."""
    import duckdb

    from pipeline.runtime.writers import csv_from_parquet

    class Failing:
        def execute(self, *args, **kwargs):
            raise duckdb.OutOfMemoryException("Out of Memory Error: simulated")

    csv_from_parquet(Failing(), extracted / "targets.parquet", tmp_path / "targets.csv")
    assert (tmp_path / "targets.csv").read_bytes() == (extracted / "targets.csv").read_bytes()
    assert not list(tmp_path.glob("*.body"))
