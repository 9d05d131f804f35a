"""An output folder is a dataset that is never lost, and a batch never hangs or dies (issue 12).

Every input here is generated in tmp_path: realistic short policy texts, and hostile files (a zip
bomb disguised as .docx, 100,000 nested <div>s, a FIFO, a GBK file name, a lying byte-order
mark, a flipped bit in the cache…)."""
from __future__ import annotations

import errno
import io
import logging
import os
import shutil
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from conftest import RAW, SEED, run_cli
from pipeline.runtime import batch, worker
from pipeline.runtime.batch import OutputError, run_batch
from pipeline.stages.ingest import Limits, ingest
from pipeline.records import Document

TABLES = ["documents", "sections", "commitments", "targets", "owners", "errors"]

PLAN_A = ("团市委2023年工作要点\n一、聚焦青年就业\n（一）组织不少于1000名大学生参与政务见习，"
          "确保年底前完成（市教育局牵头，市财政局配合）。\n")
PLAN_B = ("区商务局2024年工作要点\n一、扩大有效投资\n（一）全年新签约项目30个以上，"
          "力争6月底前开工建设（区发改局牵头）。\n")
PLAN_C = ("县农业农村局2024年工作要点\n一、粮食安全\n（一）完成高标准农田建设2万亩，"
          "年底前全部通过验收（县财政局配合）。\n")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / f"{name}.parquet")


def csv_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.csv").read_bytes() for name in TABLES}


def fork_only() -> None:
    """Tests that patch a function for the workers need them forked from this process."""
    if threading.active_count() > 1:
        pytest.skip("workers would not be forked from this process (other threads: "
                    f"{[t.name for t in threading.enumerate()]})")


# --------------------------------------------------------------------------- dataset semantics


def test_a_run_adds_documents_and_keeps_the_others(tmp_path):
    out = tmp_path / "out"
    write(tmp_path / "first" / "a.txt", PLAN_A)
    write(tmp_path / "first" / "b.txt", PLAN_B)
    write(tmp_path / "second" / "c.txt", PLAN_C)
    run_batch([str(tmp_path / "first")], out, quiet=True, workers=1)
    summary = run_batch([str(tmp_path / "second")], out, quiet=True, workers=1)
    assert (summary.documents, summary.kept, summary.processed) == (3, 2, 1)
    assert list(read(out, "documents").doc_id) == ["a", "b", "c"]
    assert sorted(p.name for p in (out / "texts").iterdir()) == ["a.txt", "b.txt", "c.txt"]
    assert len(list((out / ".cache").glob("*.arrow"))) == 3
    # the kept documents' rows are exactly those of a run over all three
    fresh = tmp_path / "fresh"
    run_batch([str(tmp_path / "first"), str(tmp_path / "second")], fresh, quiet=True, workers=1)
    for name in TABLES:
        assert (out / f"{name}.csv").read_bytes() == (fresh / f"{name}.csv").read_bytes(), name


def test_a_changed_source_is_updated_in_place(tmp_path):
    out = tmp_path / "out"
    a = write(tmp_path / "in" / "a.txt", PLAN_A)
    write(tmp_path / "in" / "b.txt", PLAN_B)
    run_batch([str(tmp_path / "in")], out, quiet=True, workers=1)
    write(a, PLAN_A + "（二）新建青年驿站5个，6月底前投入使用。\n")
    summary = run_batch([str(a)], out, quiet=True, workers=1)  # only the edited file, given alone
    assert (summary.documents, summary.processed, summary.kept) == (2, 1, 1)
    docs = read(out, "documents")
    assert list(docs.doc_id) == ["a", "b"]  # same path = same document, same place, same id
    assert 5.0 in set(read(out, "targets").query("doc_id == 'a'").value)


def test_colliding_names_get_ids_unique_across_runs(tmp_path):
    out = tmp_path / "out"
    write(tmp_path / "a" / "plan.txt", PLAN_A)
    write(tmp_path / "b" / "plan.txt", PLAN_B)
    write(tmp_path / "c" / "plan__2.txt", PLAN_C)
    run_batch([str(tmp_path / "a")], out, quiet=True, workers=1)
    run_batch([str(tmp_path / "b")], out, quiet=True, workers=1)
    run_batch([str(tmp_path / "c"), str(tmp_path / "a")], out, quiet=True, workers=1)
    docs = read(out, "documents")
    assert list(docs.doc_id) == ["plan", "plan__2", "plan__2__2"]
    assert docs.doc_id.is_unique
    assert [Path(p).parent.name for p in docs.source_path] == ["a", "b", "c"]
    commitments = read(out, "commitments")
    assert commitments.commitment_id.is_unique
    # and within one run too
    one = tmp_path / "one"
    run_batch([str(tmp_path / d) for d in "abc"], one, quiet=True, workers=1)
    assert read(one, "commitments").commitment_id.is_unique
    assert read(one, "documents").doc_id.is_unique


def test_replace_rebuilds_from_this_runs_inputs_alone(tmp_path):
    out = tmp_path / "out"
    write(tmp_path / "first" / "a.txt", PLAN_A)
    write(tmp_path / "second" / "c.txt", PLAN_C)
    run_batch([str(tmp_path / "first")], out, quiet=True, workers=1)
    summary = run_batch([str(tmp_path / "second")], out, quiet=True, workers=1, replace=True)
    assert summary.kept == 0
    assert list(read(out, "documents").doc_id) == ["c"]
    assert [p.name for p in (out / "texts").iterdir()] == ["c.txt"]
    assert len(list((out / ".cache").glob("*.arrow"))) == 1
    result = run_cli("extract", "--help")
    assert "--replace" in result.stdout


@pytest.mark.parametrize("case", ["glob matching nothing", "empty folder", "only a bad file"])
def test_a_run_with_no_readable_input_changes_nothing_and_exits_3(tmp_path, case):
    out = tmp_path / "out"
    write(tmp_path / "in" / "a.txt", PLAN_A)
    assert run_cli("extract", str(tmp_path / "in"), "--out", str(out), "-q").returncode == 0
    before = csv_bytes(out)
    cache_before = sorted(p.name for p in (out / ".cache").iterdir())
    if case == "glob matching nothing":
        arg = str(tmp_path / "nothing" / "*.txt")
    elif case == "empty folder":
        (tmp_path / "empty").mkdir()
        arg = str(tmp_path / "empty")
    else:
        arg = str(write(tmp_path / "bad" / "x.txt", "").parent)
    result = run_cli("extract", arg, "--out", str(out), "-q")
    assert result.returncode == 3, result.stderr
    assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert csv_bytes(out) == before
    assert sorted(p.name for p in (out / ".cache").iterdir()) == cache_before
    assert (out / "texts" / "a.txt").is_file()


def test_the_workbook_is_rebuilt_or_removed_never_stale(tmp_path):
    out = tmp_path / "out"
    write(tmp_path / "first" / "a.txt", PLAN_A)
    write(tmp_path / "second" / "b.txt", PLAN_B)
    run_batch([str(tmp_path / "first")], out, quiet=True, workers=1, formats=("xlsx",))
    assert set(pd.read_excel(out / "commitments.xlsx", sheet_name="documents").doc_id) == {"a"}
    run_batch([str(tmp_path / "second")], out, quiet=True, workers=1, formats=("xlsx",))
    assert set(pd.read_excel(out / "commitments.xlsx", sheet_name="documents").doc_id) == {"a", "b"}
    run_batch([str(tmp_path / "second")], out, quiet=True, workers=1)  # no --format xlsx
    assert not (out / "commitments.xlsx").exists() and not (out / "commitments.xlsx").is_symlink()


def test_the_manifest_lists_documents_sources_and_ids(tmp_path):
    import json

    out = tmp_path / "out"
    write(tmp_path / "in" / "a.txt", PLAN_A)
    write(tmp_path / "in" / "bad.txt", "")
    run_batch([str(tmp_path / "in")], out, quiet=True, workers=1)
    manifest = json.loads((out / "dataset.json").read_text(encoding="utf-8"))
    ok = [e for e in manifest["entries"] if e["status"] == "ok"]
    failed = [e for e in manifest["entries"] if e["status"] == "failed"]
    assert [e["doc_id"] for e in ok] == ["a"] and manifest["documents"] == 1
    assert ok[0]["identity"] == str((tmp_path / "in" / "a.txt").resolve())
    assert failed[0]["source_path"].endswith("bad.txt") and "empty" in failed[0]["error"]


def test_an_output_folder_of_the_older_layout_keeps_its_documents(tmp_path):
    """Tables as plain files and no manifest (before datasets): the first run keeps them."""
    out = tmp_path / "out"
    write(tmp_path / "first" / "a.txt", PLAN_A)
    write(tmp_path / "second" / "b.txt", PLAN_B)
    run_batch([str(tmp_path / "first")], out, quiet=True, workers=1)
    gen = (out / ".current").resolve()
    for link in list(out.iterdir()):  # back to the old layout: plain files, no manifest
        if link.is_symlink() and link.name != ".current":
            target = link.resolve()
            link.unlink()
            if target.is_dir():
                shutil.copytree(target, link)
            elif target.name != "dataset.json":
                shutil.copyfile(target, link)
    (out / ".current").unlink()
    shutil.rmtree(gen)
    summary = run_batch([str(tmp_path / "second")], out, quiet=True, workers=1)
    assert (summary.documents, summary.kept) == (2, 1)
    assert list(read(out, "documents").doc_id) == ["a", "b"]
    assert (out / "texts").is_symlink() and (out / "texts" / "a.txt").is_file()


# --------------------------------------------------------------------------- atomic publication


def test_the_whole_set_is_published_by_one_switch(tmp_path):
    from pipeline.runtime.publish import CURRENT, dataset_dir

    out = tmp_path / "out"
    write(tmp_path / "in" / "a.txt", PLAN_A)
    run_batch([str(tmp_path / "in")], out, quiet=True, workers=1)
    for name in TABLES:
        for ext in ("parquet", "csv"):
            link = out / f"{name}.{ext}"
            assert link.is_symlink() and os.readlink(link) == f"{CURRENT}/{name}.{ext}"
    assert (out / "commitments.duckdb").is_symlink() and (out / "texts").is_symlink()
    snapshot = dataset_dir(out)
    assert snapshot.parent.name == ".generations"
    write(tmp_path / "in" / "b.txt", PLAN_B)
    run_batch([str(tmp_path / "in")], out, quiet=True, workers=1)
    # a reader that resolved the set before the switch still reads the whole old set
    assert list(pd.read_parquet(snapshot / "documents.parquet").doc_id) == ["a"]
    assert list(read(out, "documents").doc_id) == ["a", "b"]
    import duckdb

    con = duckdb.connect(str(out / "commitments.duckdb"), read_only=True)
    assert con.execute("select count(*) from documents").fetchone()[0] == 2
    con.close()


def test_a_failure_before_the_switch_leaves_the_old_set_and_no_debris(tmp_path, monkeypatch):
    from pipeline.runtime import writers as tables

    out = tmp_path / "out"
    write(tmp_path / "in" / "a.txt", PLAN_A)
    run_batch([str(tmp_path / "in")], out, quiet=True, workers=1)
    before = csv_bytes(out)
    write(tmp_path / "in" / "b.txt", PLAN_B)

    real = tables.duckdb_from_parquet

    def disk_full(parquets, db, csvs=None):
        real(parquets, db, None)  # the database is half made (its .wal exists) when…
        raise OSError(errno.ENOSPC, "No space left on device", str(db))

    monkeypatch.setattr(tables, "duckdb_from_parquet", disk_full)
    with pytest.raises(OutputError, match="No space left on device.*nothing was published"):
        run_batch([str(tmp_path / "in")], out, quiet=True, workers=1)
    assert csv_bytes(out) == before
    assert len(list((out / ".generations").iterdir())) == 1, "the unfinished set is removed"
    leftovers = [p for p in out.rglob("*") if ".tmp" in p.name or p.name.endswith(".wal")]
    assert leftovers == []


def test_a_generation_left_by_a_killed_run_is_removed_at_the_next_start(tmp_path):
    out = tmp_path / "out"
    write(tmp_path / "in" / "a.txt", PLAN_A)
    run_batch([str(tmp_path / "in")], out, quiet=True, workers=1)
    stale = out / ".generations" / "20000101T000000-killed"
    (stale / "texts").mkdir(parents=True)
    (stale / "targets.parquet").write_bytes(b"half written")
    (out / ".current.123.link.tmp").symlink_to(".generations/20000101T000000-killed")
    run_batch([str(tmp_path / "in")], out, quiet=True, workers=1)
    assert not stale.exists() and not (out / ".current.123.link.tmp").is_symlink()


# --------------------------------------------------------------------------- limits


def _slow_or_greedy(real):
    def process(index, doc_id, source_path, data, extractors, key, limits=None):
        if doc_id == "slow":
            time.sleep(60)
        if doc_id == "greedy":
            hog = bytearray(600 << 20)  # 600 MB, touched page by page
            for i in range(0, len(hog), 4096):
                hog[i] = 1
            time.sleep(60)
        return real(index, doc_id, source_path, data, extractors, key, limits)
    return process


@pytest.mark.parametrize("workers", [1, 2])
def test_time_and_memory_limits_stop_the_worker_and_the_batch_goes_on(tmp_path, monkeypatch, workers):
    fork_only()
    monkeypatch.setattr(worker, "process_document", _slow_or_greedy(worker.process_document))
    write(tmp_path / "in" / "a.txt", PLAN_A)
    write(tmp_path / "in" / "greedy.txt", PLAN_B)
    write(tmp_path / "in" / "slow.txt", PLAN_B)
    write(tmp_path / "in" / "z.txt", PLAN_C)
    started = time.monotonic()
    summary = run_batch([str(tmp_path / "in")], tmp_path / "out", quiet=True, workers=workers,
                        doc_timeout=3, doc_memory=200)
    assert time.monotonic() - started < 50
    assert list(read(tmp_path / "out", "documents").doc_id) == ["a", "z"]
    errors = read(tmp_path / "out", "errors").set_index("source_path")
    slow = errors.loc[str(tmp_path / "in" / "slow.txt")]
    greedy = errors.loc[str(tmp_path / "in" / "greedy.txt")]
    assert slow.stage == "limit" and "time limit of 3 s" in slow.error and "--doc-timeout" in slow.error
    assert greedy.stage == "limit" and "memory limit of 200 MB per document" in greedy.error \
        and "--doc-memory" in greedy.error
    assert len(summary.errors) == 2


def _docx_bomb(path: Path, inflated_mb: int) -> Path:
    """A real .docx with one more member of zeros: a few KB on disk, ``inflated_mb`` unzipped."""
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph(PLAN_A)
    d.save(buf)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("word/media/padding.bin", "w") as member:
            block = bytes(1 << 20)
            for _ in range(inflated_mb):
                member.write(block)
    path.write_bytes(buf.getvalue())
    return path


def test_size_and_length_caps_are_errors_rows_that_say_how_to_raise_them(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _docx_bomb(src / "bomb.docx", 80)
    assert (src / "bomb.docx").stat().st_size < 1 << 20
    write(src / "long.txt", "组织不少于1000名大学生参与政务见习，" * 70_000)  # 1.3 M characters
    write(src / "long.html", "<html><body><p>" + "组织不少于1000名大学生参与政务见习。" * 60_000
          + "</p></body></html>")
    write(src / "ok.txt", PLAN_A)
    summary = run_batch([str(src)], tmp_path / "out", quiet=True, workers=1)
    errors = {Path(p).name: (s, e) for p, s, e in summary.errors}
    assert errors["bomb.docx"][0] == "limit" and "once unzipped" in errors["bomb.docx"][1] \
        and "--max-doc-mb" in errors["bomb.docx"][1]
    for name in ("long.txt", "long.html"):
        assert errors[name][0] == "limit" and "--max-chars" in errors[name][1]
    assert summary.documents == 1
    # raised, the same files go through
    summary = run_batch([str(src / "bomb.docx")], tmp_path / "out2", quiet=True, workers=1,
                        limits=Limits(max_bytes=100 << 20))
    assert summary.documents == 1 and not summary.errors


def test_a_zip_member_over_the_size_cap_is_refused_before_it_is_inflated(tmp_path):
    archive = tmp_path / "plans.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", PLAN_A)
        zf.writestr("huge.txt", "一" * (4 << 20))
    summary = run_batch([str(archive)], tmp_path / "out", quiet=True, workers=1,
                        limits=Limits(max_bytes=8 << 20))
    assert summary.documents == 1
    (path, stage, message), = summary.errors
    assert path.endswith("huge.txt") and stage == "limit" and "once unzipped" in message


@pytest.mark.slow  # 100,000 nested elements: seconds
def test_deeply_nested_html_is_parsed_in_linear_time(tmp_path):
    page = tmp_path / "deep.html"
    n = 100_000
    write(page, "<html><head><meta charset='utf-8'><title>测试</title></head><body>" + "<div>" * n
          + PLAN_A.replace("\n", "<br>") + "</div>" * n + "</body></html>")
    started = time.monotonic()
    doc = ingest(Document(doc_id="deep", source_path=str(page)))
    assert time.monotonic() - started < 60  # was over 20 minutes (3.7 s on an idle 2-core VM)
    assert "组织不少于1000名大学生参与政务见习" in doc.raw_text


def test_a_fifo_named_as_input_is_an_errors_row_not_a_hang(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    ok = write(tmp_path / "a.txt", PLAN_A)
    result = run_cli("extract", str(fifo), str(ok), "--out", str(tmp_path / "out"), "-q", "-j", "1")
    assert result.returncode == 1, result.stderr
    errors = read(tmp_path / "out", "errors")
    assert "not a regular file" in errors.error.iloc[0]
    assert list(read(tmp_path / "out", "documents").doc_id) == ["a"]


# --------------------------------------------------------------------------- robust inputs


def test_a_file_name_that_is_not_utf8_is_kept_and_shown_escaped(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    raw_name = "你好".encode("gbk") + b".txt"  # a GBK name from a Windows zip, unpacked on Linux
    with open(os.path.join(os.fsencode(src), raw_name), "wb") as f:
        f.write(PLAN_A.encode("utf-8"))
    write(src / "b.txt", PLAN_B)
    result = run_cli("extract", str(src), "--out", str(tmp_path / "out"), "-j", "1")
    assert result.returncode == 0, result.stderr
    docs = read(tmp_path / "out", "documents")
    assert list(docs.doc_id) == ["b", "\\xc4\\xe3\\xba\\xc3"]
    assert docs.source_path.iloc[1].endswith("\\xc4\\xe3\\xba\\xc3.txt")
    assert (tmp_path / "out" / "texts" / "\\xc4\\xe3\\xba\\xc3.txt").is_file()


def test_an_output_folder_inside_an_input_folder_is_never_read(tmp_path):
    src = tmp_path / "in"
    write(src / "a.txt", PLAN_A)
    for _ in range(3):
        summary = run_batch([str(src)], src / "out", quiet=True, workers=1)
        assert summary.documents == 1 and not summary.errors
    assert list(read(src / "out", "documents").doc_id) == ["a"]


def test_a_damaged_cache_entry_fails_its_checksum_and_is_recomputed(tmp_path, caplog):
    src = tmp_path / "in"
    write(src / "a.txt", PLAN_A)
    out = tmp_path / "out"
    run_batch([str(src)], out, quiet=True, workers=1)
    before = csv_bytes(out)
    (entry,) = (out / ".cache").glob("*.arrow")
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit
    entry.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="pipeline"):
        summary = run_batch([str(src)], out, quiet=True, workers=1)
    assert "fails its checksum" in caplog.text
    assert summary.documents == 1 and not summary.errors
    assert csv_bytes(out) == before


def test_a_damaged_cache_entry_of_a_kept_document_is_restored_from_the_tables(tmp_path, caplog):
    out = tmp_path / "out"
    write(tmp_path / "first" / "a.txt", PLAN_A)
    write(tmp_path / "second" / "b.txt", PLAN_B)
    run_batch([str(tmp_path / "first")], out, quiet=True, workers=1)
    (entry,) = (out / ".cache").glob("a.*.arrow")
    entry.write_bytes(entry.read_bytes()[:-1] + b"\0")
    (tmp_path / "first" / "a.txt").unlink()  # and its source is gone
    with caplog.at_level(logging.WARNING, logger="pipeline"):
        summary = run_batch([str(tmp_path / "second")], out, quiet=True, workers=1)
    assert "kept its rows from the published tables" in caplog.text
    assert summary.kept == 1 and list(read(out, "documents").doc_id) == ["a", "b"]
    assert 1000.0 in set(read(out, "targets").value)


@pytest.mark.parametrize("name, data, warning", [
    ("bom_gb.txt", b"\xef\xbb\xbf" + PLAN_A.encode("gb18030"), "byte-order mark"),
    ("mixed.txt", PLAN_A.encode("utf-8") + PLAN_B.encode("gbk") + PLAN_C.encode("utf-8"),
     "mixed encodings"),
    ("nul.txt", PLAN_A.encode("utf-8").replace("组织".encode(), "组\0织".encode()), "NUL byte"),
])
def test_decoding_tries_harder_before_calling_a_file_binary(tmp_path, name, data, warning):
    path = tmp_path / name
    path.write_bytes(data)
    doc = ingest(Document(doc_id="x", source_path=str(path)))
    assert "组织不少于1000名大学生参与政务见习" in doc.raw_text
    if name == "mixed.txt":
        assert "新签约项目30个以上" in doc.raw_text and "高标准农田建设2万亩" in doc.raw_text
    assert any(warning in w for w in doc.warnings), doc.warnings


def test_an_owner_password_pdf_is_read_not_sent_to_ocr(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "owner.pdf"
    enc = pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0, canModify=0,
                                        strength=128)
    c = canvas.Canvas(str(path), encrypt=enc)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, "（一）组织不少于1000名大学生参与政务见习。")
    c.save()
    doc = ingest(Document(doc_id="owner", source_path=str(path)))
    assert "组织不少于1000名大学生参与政务见习" in doc.raw_text
    assert any("owner password" in w for w in doc.warnings)


def test_front_matter_only_markdown_and_skipped_files_say_so(tmp_path, monkeypatch):
    src = tmp_path / "in"
    write(src / "a.txt", PLAN_A)
    write(src / "meta.md", "---\ntitle: 2024年工作要点\ndate: 2024-01-05\n---\n")
    (src / "loop").symlink_to(".", target_is_directory=True)  # a folder link back to itself
    (src / "broken.txt").symlink_to(src / "gone.txt")
    (src / "self.txt").symlink_to(src / "self.txt")
    write(src / "locked" / "x.txt", PLAN_B)
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(os.fsdecode(path)).name == "locked":  # (root ignores modes: simulate EACCES)
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = run_batch([str(src)], tmp_path / "out", quiet=True, workers=1)
    docs = read(tmp_path / "out", "documents").set_index("doc_id")
    assert "only front matter" in docs.loc["meta"].warnings
    errors = {Path(p).name: e for p, _, e in summary.errors}
    assert "symbolic-link loop" in errors["loop"]
    assert "broken symbolic link" in errors["broken.txt"]
    assert "broken symbolic link" in errors["self.txt"]
    assert "Permission denied" in errors["locked"]
    assert list(docs.index) == ["a", "meta"]


# --------------------------------------------------------------------------- exit statuses


def test_exit_statuses_are_documented():
    result = run_cli("extract", "--help")
    for line in ("0    all inputs read", "1    some inputs failed", "2    the output folder is busy",
                 "3    nothing written", "130  interrupted"):
        assert line in result.stdout
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "| 3 |" in readme and "| 130 |" in readme


@pytest.mark.parametrize("where", ["read-only", "a file"])
def test_an_output_folder_that_cannot_be_written_is_one_line_and_exit_3(tmp_path, where):
    out = "/proc/pipeline-out" if where == "read-only" else str(write(tmp_path / "f.txt", "x"))
    result = run_cli("extract", str(RAW / f"{SEED}.txt"), "--out", out, "-q")
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_disk_full_during_a_run_is_exit_3_in_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipeline.tools.cli import main

    write(tmp_path / "in" / "a.txt", PLAN_A)

    def full(self, doc_id, key, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(batch.Cache, "put", full)
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "in"), "--out",
                                       str(tmp_path / "out"), "-q", "-j", "1"])
    assert result.exit_code == 3
    assert "No space left on device" in result.output and "nothing was published" in result.output
    assert not (tmp_path / "out" / "documents.parquet").exists()
    assert not [p for p in (tmp_path / "out").rglob("*") if ".tmp" in p.name]
