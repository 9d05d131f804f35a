"""A document gives the same targets whatever its format; bad files become `errors` rows.

The format tests run the pipeline in-process (`pipeline.extract`, unit tier); the bad-input batch
runs the command (e2e: its exit status and stderr are part of what it tests)."""
from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pandas as pd
import pytest

import pipeline
from conftest import RAW, ROOT, SEED, run_cli

FORMATS = ROOT / "tests" / "fixtures" / "formats"


def _targets(tables: pipeline.Tables, doc_id: str) -> set[tuple]:
    t = tables.targets
    t = t[(t.doc_id == doc_id)]
    return {(r.value, r.value_max if pd.notna(r.value_max) else None, r.unit, r.comparator, r.status)
            for r in t.itertuples()}


def _extract(inputs: list[Path]) -> pipeline.Tables:
    """The default chain in-process, as `extract` runs it; every input must be read."""
    tables = pipeline.extract(inputs)
    assert tables.errors.empty, tables.errors.to_dict("records")
    return tables


def test_gbk_and_docx_copies_give_the_same_targets(tmp_path):
    text = (RAW / f"{SEED}.txt").read_text(encoding="utf-8")
    src = tmp_path / "in"
    (src / "gbk").mkdir(parents=True)
    (src / "docx").mkdir()
    (src / "gbk" / f"{SEED}.txt").write_bytes(text.encode("gbk"))
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(src / "docx" / f"{SEED}.docx")
    utf8 = _extract([RAW / f"{SEED}.txt"])
    gbk = _extract([src / "gbk"])
    docx_ = _extract([src / "docx"])
    expected = _targets(utf8, SEED)
    assert len(expected) == 3
    assert _targets(gbk, SEED) == expected
    assert _targets(docx_, SEED) == expected
    docs = gbk.documents
    assert len(docs) == 1 and docs.iloc[0].encoding == "gb18030" and docs.iloc[0].format == "txt"
    assert docx_.documents.format.tolist() == ["docx"]


@pytest.mark.parametrize("doc_id", ["2018_guowuyuan_nongyejixiehua_zhidaoyijian",
                                    "2019_guowuyuan_zhiyejiaoyugaige_shishifangan"])
def test_html_original_gives_the_same_targets_as_its_txt(doc_id):
    txt = _extract([RAW / f"{doc_id}.txt"])
    html = _extract([FORMATS / f"{doc_id}.html"])
    expected = _targets(txt, doc_id)
    assert len(expected) >= 10
    assert _targets(html, doc_id) == expected
    assert len(html.sections) == len(txt.sections) > 0


def _bad_inputs(folder: Path) -> dict[str, str]:
    """file name → words its error must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    good_pdf = _pdf(folder / "ok.pdf")
    (folder / "truncated.pdf").write_bytes(good_pdf.read_bytes()[: len(good_pdf.read_bytes()) // 2])
    good_pdf.unlink()
    _pdf(folder / "locked.pdf", password="secret")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "notes.xyz").write_text("组织不少于1000名大学生", encoding="utf-8")
    return {"empty.txt": "empty", "binary.txt": "binary", "truncated.pdf": "PDF",
            "locked.pdf": "password", "broken.docx": "docx", "notes.xyz": "unsupported"}


def _pdf(path: Path, password: str | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=password)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "团市委2023年工作要点")
    c.drawString(72, 740, "组织不少于1000名大学生参与政务见习。")
    c.save()
    return path


def test_bad_inputs_become_error_rows_and_the_batch_goes_on(tmp_path):
    bad = tmp_path / "in"
    expected = _bad_inputs(bad)
    shutil.copy(RAW / f"{SEED}.txt", bad / f"{SEED}.txt")
    out = tmp_path / "out"
    result = run_cli("extract", str(bad), str(bad / "notes.xyz"), str(tmp_path / "missing.txt"),
                     "--out", str(out))
    assert result.returncode == 1, "a failed input must give a non-zero exit status"
    errors = pd.read_parquet(out / "errors.parquet")
    by_file = {Path(p).name: msg for p, msg in zip(errors.source_path, errors.error)}
    for name, words in expected.items():
        assert name in by_file, f"{name} has no errors row"
        assert words.lower() in by_file[name].lower(), (name, by_file[name])
    assert "missing.txt" in by_file
    assert "✗" in result.stderr and "locked.pdf" in result.stderr
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs.doc_id) == [SEED]
    t = pd.read_parquet(out / "targets.parquet")
    assert (t.status == "target").sum() == 3
    assert not list(out.glob(".*.tmp")), "no temporary file may be left behind"


def test_text_pdf_is_extracted(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _pdf(src / "plan.pdf")
    t = _extract([src]).targets
    assert list(zip(t.value, t.unit, t.comparator)) == [(1000.0, "名", ">=")]
