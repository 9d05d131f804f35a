"""A hostile input set in one batch (issue 12): every case a user pointing the tool at "whatever
they downloaded" can produce, generated in a temporary folder (nothing large is stored).

    .venv/bin/python bench/hostile.py              # builds the set, runs it, prints the table
    .venv/bin/python bench/hostile.py --keep DIR   # builds it in DIR and leaves it there

It runs `extract HOSTILE --out HOSTILE/out -j 1` (the output folder inside the input folder on
purpose) as a user does, samples the memory of the batch process and its workers every 0.1 s,
then checks: the run ends within its limits, under 2 GB, every bad file has an `errors` row or
a warning, and the good documents' rows are identical to a clean run over them alone. A second
run with one flipped bit in a cache entry must give the same tables (the entry fails its
checksum and is recomputed). Prints one line per case: behaviour, and the batch's exit status
and peak memory.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOOD = ["2023_tuanshiwei_gongzuoyaodian", "2024_guowuyuan_zhengfugongzuobaogao",
        "2019_guowuyuan_zhiyejiaoyugaige_shishifangan"]
PLAN = "一、组织不少于1000名大学生参与政务见习，确保年底前完成（市教育局牵头）。\n"
TABLES = ["documents", "sections", "commitments", "targets", "owners"]


def build(root: Path) -> dict[str, str]:
    """Writes the set into ``root``; returns {case: what the file is}."""
    cases: dict[str, str] = {}
    good = root / "good"
    good.mkdir(parents=True)
    for stem in GOOD:
        shutil.copy(RAW / f"{stem}.txt", good)
    cases["good"] = f"{len(GOOD)} real documents of data/raw"

    def put(name: str, data: bytes, what: str) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        cases[name] = what
        return path

    n = 100_000
    put("deep.html", ("<html><head><meta charset='utf-8'><title>深层嵌套</title></head><body>"
                      + "<div>" * n + PLAN + "</div>" * n + "</body></html>").encode(),
        "HTML, 100,000 nested <div>s (1.1 MB)")
    put("tagsoup.html", b"<html><body>" + b"<i></i>" * 3_000_000 + b"</body></html>",
        "HTML, 21 MB of 3 million empty tags (no text: passes the caps; parser memory)")
    put("big.html", ("<html><body>" + ("<p>" + PLAN * 40 + "</p>") * 9000
                     + "</body></html>").encode(), "HTML, 53 MB page")
    put("oneline.txt", ("组织不少于1000名大学生参与政务见习，" * 380_000).encode(),
        "text, 20 MB on one line")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/content-types"/>')
        with zf.open("word/document.xml", "w") as member:
            member.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats'
                         b'.org/wordprocessingml/2006/main"><w:body>')
            para = f"<w:p><w:r><w:t>{PLAN.strip()}</w:t></w:r></w:p>".encode() * 1000
            for _ in range(200 * 1024 * 1024 // len(para)):
                member.write(para)
            member.write(b"</w:body></w:document>")
    put("bomb.docx", bomb.getvalue(), f"docx of {len(bomb.getvalue()) // 1024} KB, 200 MB unzipped")
    zbomb = io.BytesIO()
    with zipfile.ZipFile(zbomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inner/ok.txt", PLAN)
        with zf.open("inner/huge.txt", "w") as member:
            for _ in range(300):
                member.write(("一" * 349_525).encode())
    put("archive.zip", zbomb.getvalue(), "zip: one good member, one of 300 MB unzipped")
    put("a/plan.txt", PLAN.encode(), "name collision 1 of 3")
    put("b/plan.txt", ("二、" + PLAN).encode(), "name collision 2 of 3")
    put("c/plan__2.txt", ("三、" + PLAN).encode(), "name collision 3 of 3 (looks like an id)")
    put("bom_gb.txt", b"\xef\xbb\xbf" + PLAN.encode("gb18030"), "GB18030 with a UTF-8 BOM")
    put("mixed.txt", PLAN.encode() + ("二、" + PLAN).encode("gbk") + PLAN.encode(),
        "lines in UTF-8 and GBK")
    put("nul.txt", PLAN.encode().replace("组织".encode(), "组\0织".encode()), "UTF-8, one NUL byte")
    put("frontmatter.md", "---\ntitle: 工作要点\n---\n".encode(), "Markdown, front matter only")
    put("empty.txt", b"", "empty file")
    put("random.txt", os.urandom(50_000), "random bytes named .txt")
    put("image.pdf", b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "PNG renamed .pdf")
    put("truncated.docx", bomb.getvalue()[:3000], "truncated docx")
    put("broken.zip", b"PK\x03\x04 not really", "corrupt zip")
    gbk_name = os.path.join(os.fsencode(root), "你好".encode("gbk") + b".txt")
    with open(gbk_name, "wb") as f:
        f.write(PLAN.encode())
    cases["\\xc4\\xe3\\xba\\xc3.txt"] = "file name in GBK bytes (not UTF-8)"
    os.symlink(".", root / "loop", target_is_directory=True)
    cases["loop"] = "symbolic link to its own folder"
    os.symlink(root / "gone.txt", root / "dangling.txt")
    cases["dangling.txt"] = "broken symbolic link"
    os.mkfifo(root / "fifo.txt")
    cases["fifo.txt"] = "FIFO (named on the command line too)"
    try:
        from reportlab.lib import pdfencrypt
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        c = canvas.Canvas(str(root / "owner.pdf"), encrypt=pdfencrypt.StandardEncryption(
            "", ownerPassword="o", canCopy=0, strength=128))
        c.setFont("STSong-Light", 12)
        c.drawString(72, 720, PLAN.strip())
        c.save()
        cases["owner.pdf"] = "PDF with an owner password only"
    except ImportError:
        pass
    return cases


class Peak:
    """Samples the RSS of a process and its children (psutil) every 0.1 s."""

    def __init__(self, pid: int):
        import psutil

        self.proc, self.total, self.largest, self.pss = psutil.Process(pid), 0, 0, 0
        self.done = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil

        while not self.done:
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss, pss = [], []
                for p in procs:
                    try:
                        info = p.memory_full_info()  # pss: shared pages counted once
                        rss.append(info.rss)
                        pss.append(info.pss)
                    except psutil.Error:
                        pass
                self.total = max(self.total, sum(rss))
                self.pss = max(self.pss, sum(pss))
                self.largest = max(self.largest, max(rss, default=0))
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> tuple[int, int, int]:
        self.done = True
        self.thread.join()
        return self.total, self.largest, self.pss


def extract(*args: str) -> tuple[subprocess.CompletedProcess, float, int, int, int]:
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = Peak(proc.pid)
    out, err = proc.communicate(timeout=3600)
    total, largest, pss = peak.stop()
    return (subprocess.CompletedProcess(proc.args, proc.returncode, out, err),
            time.monotonic() - started, total, largest, pss)


def good_rows(out: Path) -> dict[str, pd.DataFrame]:
    rows = {}
    for name in TABLES:
        df = pd.read_parquet(out / f"{name}.parquet")
        df = df[df.doc_id.isin(GOOD)].drop(columns=["source_path"], errors="ignore")
        rows[name] = df.sort_values(list(df.columns[:2])).reset_index(drop=True)
    return rows


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Same rows and values (an integer column with nulls elsewhere in the set reads as float)."""
    try:
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    except AssertionError:
        return False
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", type=Path, help="build the set here and keep it")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    root = base / "hostile"
    if root.exists():
        shutil.rmtree(root)
    cases = build(root)
    out = root / "out"  # inside the input folder, on purpose

    clean, *_ = extract(str(root / "good"), "--out", str(base / "clean"), "-j", "1", "-q")
    assert clean.returncode == 0, clean.stderr
    run, seconds, total, largest, pss = extract(str(root), str(root / "fifo.txt"), "--out", str(out),
                                           "-j", "1", "--no-progress")
    errors = pd.read_parquet(out / "errors.parquet")
    docs = pd.read_parquet(out / "documents.parquet")
    same = all(_same(good_rows(out)[n], good_rows(base / "clean")[n]) for n in TABLES)
    texts = all((out / "texts" / f"{s}.txt").read_bytes() == (base / "clean" / "texts" / f"{s}.txt").read_bytes()
                for s in GOOD)

    # a second run: one flipped bit in a cache entry is found, the tables do not change
    entry = sorted((out / ".cache").glob(f"{GOOD[0]}.*.arrow"))[0]
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 1
    entry.write_bytes(bytes(data))
    before = {n: (out / f"{n}.csv").read_bytes() for n in TABLES}
    again, seconds2, total2, _, pss2 = extract(str(root), "--out", str(out), "-j", "1", "--no-progress")
    after = {n: (out / f"{n}.csv").read_bytes() for n in TABLES}

    def behaviour(case: str) -> str:
        hits = errors[errors.source_path.str.contains(case, regex=False)]
        if len(hits):
            return "; ".join(f"errors [{s}] {e[:110]}" for s, e in zip(hits.stage, hits.error))
        rows = docs[docs.source_path.str.contains(case, regex=False)]
        if len(rows):
            return "; ".join(f"document {d}" + (f", warning: {w[:100]}" if w else "")
                             for d, w in zip(rows.doc_id, rows.warnings))
        return "(no row)"

    print(f"hostile set: {len(cases)} cases; run 1: exit {run.returncode}, {seconds:.0f} s, peak "
          f"memory {pss / 2**20:.0f} MB (PSS, all processes; RSS summed: {total / 2**20:.0f} MB, "
          f"largest process {largest / 2**20:.0f} MB)")
    print(f"good documents identical to a clean run: {same and texts}")
    print(f"run 2 (one flipped bit in {entry.name}): exit {again.returncode}, {seconds2:.0f} s, "
          f"peak {pss2 / 2**20:.0f} MB (PSS); checksum warning: {'fails its checksum' in again.stderr}; "
          f"tables unchanged: {before == after}; documents {len(docs)} → "
          f"{len(pd.read_parquet(out / 'documents.parquet'))} (out/ inside the input is not read)")
    print()
    print("| case | file | behaviour |")
    print("| --- | --- | --- |")
    for case, what in cases.items():
        key = case if case != "good" else "good/"
        print(f"| {case} | {what} | {behaviour(key) if case != 'good' else f'{len(GOOD)} documents'} |")
    ok = (run.returncode == 1 and same and texts and pss < 2 << 30 and before == after
          and "fails its checksum" in again.stderr)
    if "Traceback" in run.stderr or "Traceback" in again.stderr:
        print(run.stderr[-3000:], again.stderr[-3000:])
        ok = False
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
