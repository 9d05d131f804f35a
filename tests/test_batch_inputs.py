"""Inputs analysts have: folders, file lists and zip archives give the same targets; a corrupt
archive or a missing list entry becomes an errors row; tables stream to every format."""
from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd

from conftest import RAW, SEED, run_cli
from pipeline.runtime.batch import run_batch
from pipeline.runtime.inputs import MEMBER_SEP, expand, read_list


def _extract(out: Path, *args: str, ok: bool = True) -> str:
    result = run_cli("extract", *args, "--out", str(out))
    assert (result.returncode == 0) == ok, result.stderr
    return result.stderr


def test_zip_archive_gives_the_same_targets_as_the_folder(extracted, tmp_path):
    archive = tmp_path / "plans.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(RAW.glob("*.txt")):
            zf.write(p, f"2024/raw/{p.name}")
        zf.writestr("2024/raw/readme.pdf.orig", b"not a document")  # unsupported: skipped
        zf.writestr("__MACOSX/2024/raw/._x.txt", b"resource fork")
    stderr = _extract(tmp_path / "out", str(archive))
    assert f"({'local'}, {min(os.cpu_count() or 1, 7)} workers)" in stderr
    out = tmp_path / "out"
    assert (out / "targets.csv").read_bytes() == (extracted / "targets.csv").read_bytes()
    assert (out / "commitments.csv").read_bytes() == (extracted / "commitments.csv").read_bytes()
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs.doc_id) == sorted(p.stem for p in RAW.glob("*.txt"))
    assert docs.source_path.iloc[0] == f"{archive}{MEMBER_SEP}2024/raw/{docs.doc_id.iloc[0]}.txt"
    assert (out / "texts" / f"{SEED}.txt").read_bytes() == (extracted / "texts" / f"{SEED}.txt").read_bytes()


def test_file_list_gives_the_same_targets_as_the_folder(extracted, tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    rel = os.path.relpath(RAW, lists)
    lines = ["# the development documents", ""]
    lines += [f"{rel}/{p.name}" for p in sorted(RAW.glob("*.txt"))[:4]]  # relative to the list
    lines += [f"  {p}  " for p in sorted(RAW.glob("*.txt"))[4:]]  # absolute, with spaces
    (lists / "docs.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _extract(tmp_path / "out", "--from-list", str(lists / "docs.txt"), "-q")
    out = tmp_path / "out"
    assert (out / "targets.csv").read_bytes() == (extracted / "targets.csv").read_bytes()


def test_corrupt_zip_and_missing_list_entries_become_error_rows(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 truncated")
    shutil.copy(RAW / f"{SEED}.txt", tmp_path / f"{SEED}.txt")
    (tmp_path / "list.txt").write_text(f"{SEED}.txt\nbroken.zip\nnot-there.txt\n", encoding="utf-8")
    stderr = _extract(tmp_path / "out", "--from-list", str(tmp_path / "list.txt"), ok=False)
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    by_name = {Path(p).name: (stage, msg) for p, stage, msg in zip(errors.source_path, errors.stage, errors.error)}
    assert "zip" in by_name["broken.zip"][1] and "corrupt" in by_name["broken.zip"][1]
    assert "not-there.txt" in by_name
    assert "broken.zip" in stderr and "not-there.txt" in stderr
    assert list(pd.read_parquet(tmp_path / "out" / "documents.parquet").doc_id) == [SEED]


def test_expand_orders_inputs_and_reads_each_file_once(tmp_path):
    for name in ("b.txt", "a.md", "c.html", ".hidden.txt", "notes.xyz"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as zf:
        zf.writestr("inner/b.txt", "组织")
        zf.writestr("inner/a.txt", "组织")
    sources, problems = expand([str(tmp_path), str(tmp_path / "b.txt"), str(tmp_path / "*.md")])
    assert problems == []
    names = [s.source_path.replace(str(tmp_path), "") for s in sources]
    assert names == ["/a.md", "/b.txt", "/c.html", f"/z.zip{MEMBER_SEP}inner/a.txt",
                     f"/z.zip{MEMBER_SEP}inner/b.txt"]
    assert sources[3].read_bytes() == "组织".encode()
    assert [s.stem for s in sources] == ["a", "b", "c", "a", "b"]


def test_list_comments_blank_lines_and_relative_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    lst = tmp_path / "sub" / "list.txt"
    lst.write_text("\ufeff# comment\n\n  ../a.txt\n/abs/b.txt\n   # indented comment\n", encoding="utf-8")
    assert read_list(lst) == [str(tmp_path / "a.txt"), "/abs/b.txt"]


def test_gbk_member_names_in_a_zip_are_decoded(tmp_path):
    """Archives made on Chinese Windows store member names in GBK without the UTF-8 flag."""

    class GBKName(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):
            return "2023团市委工作要点.txt".encode("gbk"), self.flag_bits

    archive = tmp_path / "win.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(GBKName("placeholder.txt"), (RAW / f"{SEED}.txt").read_bytes())
    out = tmp_path / "out"
    summary = run_batch([str(archive)], out, quiet=True, workers=1)
    assert summary.documents == 1 and summary.targets == 3
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs.doc_id) == ["2023团市委工作要点"]
    assert docs.source_path.iloc[0].endswith("win.zip!/2023团市委工作要点.txt")


def test_tables_stream_in_chunks_to_identical_csv(tmp_path, monkeypatch):
    """Whatever the chunk size, CSV, Parquet and DuckDB hold the same rows in the same order."""
    from pipeline.runtime import writers as tables

    big = tmp_path / "big"
    run_batch([str(RAW)], big, quiet=True, workers=1, formats=("xlsx",))
    monkeypatch.setattr(tables, "FLUSH_ROWS", 7)
    small = tmp_path / "small"
    run_batch([str(RAW)], small, quiet=True, workers=1, rebuild=True)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(small / "owners.parquet").num_row_groups >= 20  # flushed document by document
    assert pq.ParquetFile(big / "owners.parquet").num_row_groups == 1
    for name in ("documents", "sections", "commitments", "targets", "owners", "errors"):
        assert (big / f"{name}.csv").read_bytes() == (small / f"{name}.csv").read_bytes(), name
        assert pd.read_parquet(big / f"{name}.parquet").equals(pd.read_parquet(small / f"{name}.parquet"))
    import duckdb

    con = duckdb.connect(str(small / "commitments.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT commitment_id FROM commitments").fetchall()
    finally:
        con.close()
    assert [r[0] for r in rows] == list(pd.read_parquet(small / "commitments.parquet").commitment_id)
    sheets = pd.read_excel(big / "commitments.xlsx", sheet_name=None)
    assert len(sheets["targets"]) == len(pd.read_parquet(big / "targets.parquet"))


def test_nullable_integers_stay_integers_in_csv(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "noyear.txt").write_text("一、总体要求\n组织不少于1000名大学生参与政务见习。\n", encoding="utf-8")
    shutil.copy(RAW / f"{SEED}.txt", src)
    out = tmp_path / "out"
    run_batch([str(src)], out, quiet=True, workers=1)
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    years = dict(zip(docs.doc_id, docs.year))
    assert years[SEED] == "2023"  # not '2023.0' although another document has no year
    assert years["noyear"] == ""
