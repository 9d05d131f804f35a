"""Tests for pipeline.stages.ingest on real documents from data/raw and tests/fixtures/formats."""
from __future__ import annotations

import hashlib
import os
import random
import re
import struct
import zlib
from pathlib import Path

import pytest

from pipeline.stages.ingest import MARKUP_WARNING, SUPPORTED_SUFFIXES, TRADITIONAL_WARNING, ingest
from pipeline.records import Document, PipelineError

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
FORMATS = ROOT / "tests" / "fixtures" / "formats"
TUANSHIWEI = RAW / "2023_tuanshiwei_gongzuoyaodian.txt"
NONGJI = "2018_guowuyuan_nongyejixiehua_zhidaoyijian"
ZHIJIAO = "2019_guowuyuan_zhiyejiaoyugaige_shishifangan"


def run(path: Path) -> Document:
    return ingest(Document(doc_id=path.stem, source_path=str(path)))


def expect_error(path: Path, *words: str) -> PipelineError:
    with pytest.raises(PipelineError) as info:
        run(path)
    err = info.value
    assert err.stage == "ingest"
    for word in words:
        assert word in err.message, (word, err.message)
    return err


@pytest.fixture(scope="module")
def original() -> str:
    return TUANSHIWEI.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def paragraphs(original: str) -> list[str]:
    return [line for line in original.split("\n") if line.strip()]


# --------------------------------------------------------------------------- encodings


def test_utf8_original(original: str) -> None:
    doc = run(TUANSHIWEI)
    assert doc.raw_text == original
    assert (doc.format, doc.encoding) == ("txt", "utf_8")
    assert doc.sha256 == hashlib.sha256(TUANSHIWEI.read_bytes()).hexdigest()
    assert doc.warnings == []


@pytest.mark.parametrize(
    "codec, expected",
    [("gbk", "gb18030"), ("utf-16", "utf_16"), ("utf-8-sig", "utf_8")],
)
def test_other_encodings_give_identical_text(tmp_path, original, codec, expected) -> None:
    path = tmp_path / "tuanshiwei.txt"
    path.write_bytes(original.encode(codec))
    doc = run(path)
    assert doc.raw_text == original
    assert doc.encoding == expected
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not doc.raw_text.startswith("\ufeff")


def test_crlf_and_cr_normalised(tmp_path, original) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(original.replace("\n", "\r\n").encode("gbk"))
    doc = run(path)
    assert doc.raw_text == original
    assert doc.format == "md"
    path.write_bytes(original.replace("\n", "\r").encode("utf-8"))
    assert run(path).raw_text == original


TRADITIONAL_DOCS = {"2020_xiangxizhou_fangguanfu_gongzuojihua_excerpt",  # pages in traditional characters
                    "2018_hubei_yingshanghuanjing_ruoganyijian_excerpt",
                    "2019_huhehaote_hubaoe_xietongfazhan_shishiyijian_excerpt",
                    "2019_ningxia_yinchuandushiquan_gongzuojihua_excerpt",
                    "2021_hunan_changzhutan_yitihua_xingdongjihua_excerpt",
                    "2024_yangxian_minshengshishi_xiangmuqingdan_excerpt",
                    "2022_ninghaixian_minshengshishi_xiangmujindu_excerpt",
                    "2025_huoqiuxian_zhongdiangongzuo_yijidu_excerpt",
                    "2009_shenzhen_guotuju_gonggongfuwubaipishu_excerpt",
                    "2020_jiangxi_chongdianjichusheshi_sannianxingdong_excerpt",
                    "2020_gaochunqu_minshengshishi_jindubiao_excerpt",
                    "2021_dongguan_wendingkuodajiuye_shishiyijian_excerpt",
                    "2023_cangnan_shengminshengshishi_excerpt",
                    "2023_shaoguan_shuzizhengfu_gongzuoyaodian_excerpt"}
MARKUP_DOCS = {"2023_liuhexian_zhongdianchanye_shishiyijian"}  # a page's markup saved as text


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")), ids=lambda p: p.stem)
def test_simplified_corpus_not_flagged_traditional(path: Path) -> None:
    doc = run(path)
    assert (TRADITIONAL_WARNING in doc.warnings) == (path.stem in TRADITIONAL_DOCS)
    assert (MARKUP_WARNING in doc.warnings) == (path.stem in MARKUP_DOCS)
    if path.stem not in TRADITIONAL_DOCS | MARKUP_DOCS:
        assert doc.raw_text == path.read_text(encoding="utf-8").replace("\r\n", "\n")


# --------------------------------------------------------------------------- docx


def test_docx_paragraphs_and_table_in_order(tmp_path, paragraphs) -> None:
    import docx

    d = docx.Document()
    half = len(paragraphs) // 2
    for p in paragraphs[:half]:
        d.add_paragraph(p)
    table = d.add_table(rows=3, cols=3)
    cells = [["任务", "牵头单位", "完成时限"],
             ["组织大学生政务见习", "团市委", "2023年12月底前"],
             ["青年发展型城市建设", "市发展改革委", "持续推进"]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    merged = d.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "牵头单位：团市委"
    merged.cell(0, 2).text = "配合单位：市教体局"
    for p in paragraphs[half:]:
        d.add_paragraph(p)
    path = tmp_path / "tuanshiwei.docx"
    d.save(path)

    doc = run(path)
    assert (doc.format, doc.encoding) == ("docx", "binary")
    flat = [text for row in cells for text in row]
    expected = paragraphs[:half] + flat + ["牵头单位：团市委", "配合单位：市教体局"] + paragraphs[half:]
    assert doc.raw_text.split("\n") == expected  # merged cell appears once


# --------------------------------------------------------------------------- pdf


def _reportlab_pdf(path: Path, pages: list[list[str]], encrypt: str | None = None) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 20 * i, line)
        c.showPage()
    c.save()
    return path


PDF_LINES = ["团市委2023年工作要点", "组织不少于1000名大学生参与政务见习", "一、聚焦学习贯彻党的二十大精神"]


def test_pdf_text_layer(tmp_path) -> None:
    # pdfminer ships the Adobe-GB1 CMaps, so STSong-Light (a non-embedded CID font) maps
    # back to Unicode here; no (cid:) garbage.
    doc = run(_reportlab_pdf(tmp_path / "a.pdf", [PDF_LINES, ["二、第二页"]]))
    assert (doc.format, doc.encoding) == ("pdf", "binary")
    assert doc.raw_text.split("\n") == PDF_LINES + ["二、第二页"]
    assert doc.warnings == []


def test_pdf_blank_page_warns(tmp_path) -> None:
    doc = run(_reportlab_pdf(tmp_path / "b.pdf", [PDF_LINES, [], ["第三页"]]))
    assert "组织不少于1000名大学生参与政务见习" in doc.raw_text
    assert "pdf page 2 has no text layer (scanned?)" in doc.warnings
    assert len(doc.warnings) == 1


def test_pdf_without_any_text_needs_ocr(tmp_path) -> None:
    expect_error(_reportlab_pdf(tmp_path / "scan.pdf", [[], []]), "no usable text layer", "OCR")


def test_pdf_encrypted(tmp_path) -> None:
    expect_error(_reportlab_pdf(tmp_path / "e.pdf", [PDF_LINES], encrypt="secret"),
                 "password-protected", "remove the password")


def test_pdf_truncated(tmp_path) -> None:
    full = _reportlab_pdf(tmp_path / "full.pdf", [PDF_LINES, PDF_LINES])
    cut = tmp_path / "cut.pdf"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    expect_error(cut, "not a readable PDF", "truncated")


def test_pdf_not_a_pdf(tmp_path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("<html>not a pdf</html>")
    expect_error(path, "not a valid PDF")


def _cid_pdf() -> bytes:
    """A hand-made PDF whose text uses a Type0/Identity-H font with no ToUnicode map (which
    reportlab never produces), plus one Helvetica line; pdfminer yields (cid:N) for the former."""
    content = (b"BT /F2 12 Tf 72 760 Td (Plan 2023) Tj ET\n"
               b"BT /F1 12 Tf 72 700 Td <0123045607890ABC> Tj ET")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R /F2 7 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoSuch /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoSuch /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_cid_glyphs_stripped_with_warning(tmp_path) -> None:
    path = tmp_path / "cid.pdf"
    path.write_bytes(_cid_pdf())
    doc = run(path)
    assert "(cid:" not in doc.raw_text
    assert "Plan 2023" in doc.raw_text
    assert any(w.startswith("pdf page 1: removed 4 '(cid:NNN)' glyphs") for w in doc.warnings)


# --------------------------------------------------------------------------- html


def _numbered_headings(text: str) -> list[str]:
    return [line for line in text.split("\n") if re.match(r"^[一二三四五六七八九十]+、", line)]


@pytest.mark.parametrize(
    "stem, sentences",
    [
        (NONGJI, ["全国农机总动力稳定在11亿千瓦左右",
                  "全国农作物耕种收综合机械化率达到75%",
                  "（十八）健全组织实施机制。",
                  "（农业农村部、工业和信息化部等负责）"]),
        (ZHIJIAO, ["国家职业教育改革实施方案",
                   "一、完善国家职业教育制度体系",
                   "（一）健全国家职业教育制度框架。"]),
    ],
)
def test_html_fixture_matches_txt(stem, sentences) -> None:
    doc = run(FORMATS / f"{stem}.html")
    txt = (RAW / f"{stem}.txt").read_text(encoding="utf-8")
    assert (doc.format, doc.encoding) == ("html", "utf_8")
    got = doc.raw_text.split("\n")
    headings = _numbered_headings(txt)
    assert len(headings) >= 5
    assert _numbered_headings(doc.raw_text) == headings
    for s in sentences:
        assert s in doc.raw_text
    # every content line of the .txt (it also holds the page's metadata table and QR-code
    # caption, which are outside the main content block) appears as a whole line
    body_start = txt.split("\n").index(got[0])
    missing = [line for line in txt.split("\n")[body_start:] if line and line not in got]
    assert missing == ["扫一扫在手机打开当前页"]
    assert "扫一扫" not in doc.raw_text and "索 引 号" not in doc.raw_text
    assert "\n\n" not in doc.raw_text and "  " not in doc.raw_text and "\xa0" not in doc.raw_text


def _noisy_page() -> bytes:
    """The nongji article wrapped in typical portal chrome, GB-encoded with a gb2312 label,
    with no known container id/class (exercises the text-density fallback)."""
    html = (FORMATS / f"{NONGJI}.html").read_text(encoding="utf-8")
    start = html.index('<td class="b12c" id="UCAP-CONTENT">')
    body = html[start:html.index("</td>", start)].replace('<td class="b12c" id="UCAP-CONTENT">', "")
    page = f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>国务院关于加快推进农业机械化和农机装备产业转型升级的指导意见_政府信息公开专栏</title>
<style>.x {{ color: red; }}</style>
<script>function track() {{ var a = "首页"; }}</script></head><body>
<header><a href="/">首页</a> <a href="/zc">政策</a></header>
<div class="topNav"><ul><li><a href="/">首页</a></li><li><a href="/x">国务院</a></li></ul></div>
<div class="BreadcrumbNav">当前位置：<a href="/">首页</a> &gt; <a href="/zc">政策</a></div>
<div class="main"><div class="left"><!-- 正文开始 -->
<div>{body}</div>
<div class="bdsharebuttonbox">分享到：微信 微博</div></div>
<div class="right"><a href="/1">相关文件一</a><a href="/2">相关文件二</a></div></div>
<noscript>请开启脚本</noscript>
<footer>版权所有：中国政府网 | 网站地图</footer><form><input value="搜索"></form>
</body></html>"""
    return page.encode("gb18030")


def test_html_chrome_removed_by_fallback_container(tmp_path) -> None:
    path = tmp_path / "noisy.htm"
    path.write_bytes(_noisy_page())
    doc = run(path)
    ref = run(FORMATS / f"{NONGJI}.html").raw_text
    assert doc.encoding == "gb18030"
    lines = doc.raw_text.split("\n")
    # the content starts with the title split over two lines, so the <title> is not re-added
    assert doc.raw_text == ref
    for junk in ["function", "{", "首页", "当前位置", "分享", "版权所有", "相关文件", "搜索",
                 "请开启脚本", "正文开始", "政府信息公开专栏"]:
        assert junk not in doc.raw_text, junk
    assert lines[0] == "国务院关于加快推进农业机械化和"


def test_html_meta_charset_wrong(tmp_path) -> None:
    data = (FORMATS / f"{ZHIJIAO}.html").read_bytes()
    path = tmp_path / "mislabelled.html"
    path.write_bytes(b'<meta charset="gb2312">' + data)
    doc = run(path)
    assert doc.encoding == "utf_8"
    assert doc.raw_text == run(FORMATS / f"{ZHIJIAO}.html").raw_text
    assert doc.warnings == ["HTML declares charset 'gb2312' but is UTF-8; decoded as utf_8"]


def test_html_title_prepended_when_missing(tmp_path) -> None:
    page = ("<html><head><meta charset='utf-8'><title>关于做好2023年青年就业工作的通知 - 团市委</title>"
            "</head><body><div class='nav'>首页</div><div id='content'><p>各区县团委：</p>"
            "<p>一、组织不少于1000名大学生<br>参与政务见习。</p><table><tr><td>牵头单位</td>"
            "<td>团市委</td></tr></table></div></body></html>")
    path = tmp_path / "notice.html"
    path.write_text(page, encoding="utf-8")
    doc = run(path)
    assert doc.raw_text.split("\n") == [
        "关于做好2023年青年就业工作的通知", "各区县团委：", "一、组织不少于1000名大学生",
        "参与政务见习。", "牵头单位", "团市委"]


# --------------------------------------------------------------------------- traditional


def test_traditional_converted(tmp_path, paragraphs) -> None:
    from opencc import OpenCC

    simplified = "\n".join(paragraphs[29:34])
    traditional = OpenCC("s2t").convert(simplified)
    assert traditional != simplified
    path = tmp_path / "trad.txt"
    path.write_text(traditional, encoding="utf-8")
    doc = run(path)
    assert doc.raw_text == simplified
    assert TRADITIONAL_WARNING in doc.warnings


def test_traditional_big5(tmp_path, paragraphs) -> None:
    from opencc import OpenCC

    simplified = "\n".join(paragraphs[30:34])
    # Taiwan standard (為, 著...): plain s2t writes variants such as 爲 that Big5 lacks
    traditional = OpenCC("s2tw").convert(simplified)
    path = tmp_path / "trad_big5.txt"
    path.write_bytes(traditional.encode("big5"))
    doc = run(path)
    assert doc.encoding in {"big5", "cp950", "big5hkscs"}
    assert TRADITIONAL_WARNING in doc.warnings
    assert doc.raw_text == simplified


# --------------------------------------------------------------------------- bad input


def test_missing_file(tmp_path) -> None:
    expect_error(tmp_path / "nope.txt", "file not found")


def test_directory(tmp_path) -> None:
    d = tmp_path / "dir.txt"
    d.mkdir()
    expect_error(d, "is a directory")


@pytest.mark.parametrize("content", [b"", b"   \r\n\t\n", "\u3000\n".encode("utf-8"),
                                     "\ufeff".encode("utf-8")])
def test_empty_file(tmp_path, content) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    expect_error(path, "empty file")


def test_random_bytes(tmp_path) -> None:
    path = tmp_path / "random.txt"
    path.write_bytes(random.Random(0).randbytes(4096))
    expect_error(path, "looks like a binary file, not text")


def test_random_bytes_without_nul(tmp_path) -> None:
    rng = random.Random(1)
    path = tmp_path / "random.md"
    path.write_bytes(bytes(rng.randrange(1, 256) for _ in range(4096)))
    expect_error(path, "looks like a binary file, not text")


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(range(30)) for _ in range(10))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 10, 10, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_png_renamed(tmp_path, suffix) -> None:
    path = tmp_path / f"image{suffix}"
    path.write_bytes(_png())
    expect_error(path, "looks like a binary file, not text")


def test_unsupported_suffix(tmp_path) -> None:
    path = tmp_path / "table.xyz"
    path.write_text("一、总体要求")
    err = expect_error(path, "unsupported file type '.xyz'", "supported:")
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in err.message


def test_docx_truncated(tmp_path, paragraphs) -> None:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    full = tmp_path / "full.docx"
    d.save(full)
    cut = tmp_path / "cut.docx"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    expect_error(cut, "is not a valid .docx (corrupt or truncated zip)")


def test_docx_encrypted_ole(tmp_path) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + os.urandom(1024))
    expect_error(path, "is encrypted or an old .doc file", "save it as an unprotected .docx")


def test_permission_denied(tmp_path, monkeypatch, original) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(original, encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:  # root ignores file modes: simulate what open() would raise
        def deny(self):
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_bytes", deny)
    try:
        expect_error(path, "cannot read", "Permission denied")
    finally:
        path.chmod(0o644)
