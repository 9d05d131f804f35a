"""Stage 1: read a source file into ``Document.raw_text``.

Every format ends up as plain text with ``\\n`` line endings and simplified Chinese, so the
later stages never need to know where the text came from. Anything we cannot read becomes a
``PipelineError(stage='ingest')`` whose message tells the user what to do about it.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Optional

from pipeline.records import Document, PipelineError

SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}

STAGE = "ingest"
TRADITIONAL_WARNING = "converted from traditional to simplified Chinese (OpenCC t2s)"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
# CJK ideographs plus CJK/full-width punctuation: a line break between two of these is layout,
# not a word boundary, so HTML source wrapping must not leave a space there.
_CJK_WRAP_RE = re.compile(
    f"(?<=[{_CJK}\u3000-\u303f\uff00-\uffef])[ \\t\\r\\f\\v]*\\n[ \\t\\r\\n\\f\\v]*"
    f"(?=[{_CJK}\u3000-\u303f\uff00-\uffef])"
)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "euc_cn"}
_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (b"\xff\xfe\x00\x00", "utf_32"),
    (b"\x00\x00\xfe\xff", "utf_32"),
    (b"\xff\xfe", "utf_16"),
    (b"\xfe\xff", "utf_16"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 container: legacy .doc or encrypted OOXML
_CID_RE = re.compile(r"\(cid:\d+\)")


def _err(message: str) -> PipelineError:
    return PipelineError(stage=STAGE, message=message)


@dataclass
class _Extracted:
    text: str
    format: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- plain text


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _canonical_codec(name: str) -> str:
    """'GB2312' / 'gbk' -> 'gb18030' etc.: the superset decodes every file its subsets can,
    and Chinese sites routinely label GB18030/GBK text as gb2312."""
    try:
        codec = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return name
    return "gb18030" if codec in _GB_FAMILY else codec


def _looks_binary(text: str) -> bool:
    """Decoded 'text' full of control characters is really a binary file in a text codec."""
    if not text:
        return False
    bad = sum(1 for c in text if (c < " " and c not in "\t\n\r\f\v\x1a") or c == "\ufffd")
    return bad / len(text) > 0.01


def _decode_text(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    """Decode bytes of a text file: strict UTF-8 (fast path), a UTF-16/32 BOM, else the best
    guess of charset-normalizer. Returns (text, encoding, warnings)."""
    binary = _err(f"{path} looks like a binary file, not text; check that it is the right file")
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM):].decode("utf_8"), "utf_8", []
        except UnicodeDecodeError:
            pass  # a lying BOM: let detection decide
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)  # the codec consumes the BOM itself
            except UnicodeDecodeError:
                break
            if _looks_binary(text):
                raise binary
            return text, codec, []
    if b"\x00" not in data:
        try:
            return data.decode("utf_8"), "utf_8", []
        except UnicodeDecodeError:
            pass
    return _decode_detected(data, binary)


def _decode_detected(data: bytes, binary: PipelineError) -> tuple[str, str, list[str]]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise binary
    codec = _canonical_codec(best.encoding)
    if b"\x00" in data and not codec.startswith(("utf_16", "utf_32")):
        raise binary  # NUL bytes only occur in text as part of UTF-16/32 code units
    warnings: list[str] = []
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        text = data.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        warnings.append(f"{bad} undecodable byte sequence(s) replaced while decoding as {codec}")
    if _looks_binary(text):
        raise binary
    return text, codec, warnings


def _read_text(data: bytes, path: Path) -> _Extracted:
    """.txt / .md: the text as written, only decoded."""
    text, encoding, warnings = _decode_text(data, path)
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    return _Extracted(text, fmt, encoding, warnings)


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = ["script", "style", "nav", "header", "footer", "noscript", "iframe", "form",
              "template", "svg", "canvas", "object", "embed", "select", "button"]
_NOISE_ATTR_RE = re.compile(
    r"nav|menu|share|footer|breadcrumb|crumb|sidebar|toolbar|copyright|qr_?code|qr_container"
)
# Known article containers, most specific first (gov.cn uses the first three).
_CONTAINERS: list[tuple[str, str]] = [
    ("id", "UCAP-CONTENT"), ("class", "pages_content"), ("class", "TRS_Editor"),
    ("id", "zoom"), ("class", "article"), ("id", "article"), ("class", "content"),
    ("id", "content"), ("tag", "article"), ("tag", "main"),
]
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "div", "dl",
    "dt", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol",
    "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "body",
}
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜| - | — |——|--)\s*")
_INLINE_WS_RE = re.compile("[ \\t\\n\\r\\f\\v\u00a0\u200b\ufeff]+")


def _decode_html(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    """HTML declares its charset in a <meta> more reliably than detection can guess it;
    fall back to detection when it is missing or wrong."""
    if data.startswith(_UTF8_BOM) or any(data.startswith(b) for b, _ in _BOMS):
        return _decode_text(data, path)
    match = _META_CHARSET_RE.search(data[:4096])
    if not match:
        return _decode_text(data, path)
    declared = match.group(1).decode("ascii", "ignore")
    codec = _canonical_codec(declared)
    if codec != "utf_8" and not data.isascii():
        # Re-saved pages keep a stale gb2312 label; non-ASCII bytes that are valid UTF-8
        # are practically never GB text, while they may well "decode" as GB18030 mojibake.
        try:
            text = data.decode("utf_8")
        except UnicodeDecodeError:
            pass
        else:
            return text, "utf_8", [f"HTML declares charset {declared!r} but is UTF-8; "
                                   "decoded as utf_8"]
    try:
        return data.decode(codec), codec, []
    except (UnicodeDecodeError, LookupError):
        text, detected, warnings = _decode_text(data, path)
        note = f"HTML declares charset {declared!r} but does not decode with it; " \
               f"decoded as detected {detected}"
        return text, detected, [note, *warnings]


def _cjk_stats(el) -> tuple[int, int]:
    """(CJK chars in el, CJK chars inside its links): content has much text and few links."""
    total = len(_CJK_RE.findall(el.get_text()))
    in_links = sum(len(_CJK_RE.findall(a.get_text())) for a in el.find_all("a"))
    return total, in_links


def _content_cjk(el) -> int:
    total, in_links = _cjk_stats(el)
    return total - in_links


def _page_title(soup) -> Optional[str]:
    """h1 if present (usually clean), else the longest part of <title> (drops '_site name')."""
    h1 = soup.find("h1")
    if h1 is not None:
        text = _INLINE_WS_RE.sub(" ", h1.get_text()).strip()
        if text:
            return text
    if soup.title is not None:
        parts = [p.strip() for p in _TITLE_SPLIT_RE.split(soup.title.get_text()) if p.strip()]
        if parts:
            return _INLINE_WS_RE.sub(" ", max(parts, key=len))
    return None


def _drop_noise(root, page_cjk: int) -> None:
    """Remove chrome: script/style/nav... tags and elements whose id/class says navigation,
    sharing, footer or breadcrumb -- unless they hold most of the page's text (a body with
    class 'has-nav' must survive)."""
    for el in root.find_all(_DROP_TAGS):
        if not el.decomposed:
            el.decompose()
    for el in root.find_all(lambda t: t.has_attr("id") or t.has_attr("class")):
        if el.decomposed or el.name in ("html", "body"):
            continue
        attrs = " ".join([el.get("id") or "", *(el.get("class") or [])]).lower()
        if _NOISE_ATTR_RE.search(attrs) and _content_cjk(el) <= 0.5 * page_cjk:
            el.decompose()


def _find_container(root, page_cjk: int):
    """The element holding the article: a known container if it has a good share of the
    text, else the deepest element that still holds >= 75% of the non-link CJK text."""
    for kind, value in _CONTAINERS:
        if kind == "tag":
            found = root.find_all(value)
        elif kind == "id":
            found = root.find_all(id=value)
        else:
            found = root.find_all(class_=value)
        scored = [(_content_cjk(el), el) for el in found]
        if scored:
            score, el = max(scored, key=lambda s: s[0])
            if score >= 20 and score >= 0.3 * page_cjk:
                return el
    node = root.body or root
    while page_cjk:
        children = node.find_all(True, recursive=False)
        best = next((c for c in children if _content_cjk(c) >= 0.75 * page_cjk), None)
        if best is None:
            break
        node = best
    return node


def _block_lines(root) -> list[str]:
    """Walk the tree (iteratively: deep pages exceed the recursion limit) and break lines at
    block elements, so each paragraph / list item / table cell becomes one line."""
    from bs4 import NavigableString, Tag

    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = _CJK_WRAP_RE.sub("", "".join(buf))
        line = _INLINE_WS_RE.sub(" ", line).strip()
        if line:
            lines.append(line)
        buf.clear()

    stack: list[tuple[object, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        if isinstance(node, Tag):
            block = node.name in _BLOCK_TAGS
            if not entering:
                if block:
                    flush()
                continue
            if block:
                flush()
            stack.append((node, False))
            stack.extend((child, True) for child in reversed(node.contents))
        elif type(node) is NavigableString:  # skips comments, CDATA, doctype, script strings
            buf.append(str(node))
    flush()
    return lines


def _starts_with(lines: list[str], title: str) -> bool:
    head = re.sub(r"\s+", "", "".join(lines[:5]))
    return re.sub(r"\s+", "", title) in head


def _read_html(data: bytes, path: Path) -> _Extracted:
    """.html / .htm: the main content block as one line per block element."""
    from bs4 import BeautifulSoup

    text, encoding, warnings = _decode_html(data, path)
    soup = BeautifulSoup(text, "lxml")
    title = _page_title(soup)
    page_cjk = _content_cjk(soup)
    _drop_noise(soup, page_cjk)
    page_cjk = _content_cjk(soup)
    container = _find_container(soup, page_cjk)
    lines = _block_lines(container)
    if title and not _starts_with(lines, title):
        lines.insert(0, title)
    return _Extracted("\n".join(lines), "html", encoding, warnings)


# --------------------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_lines(parent, doc) -> Iterator[str]:
    """Paragraphs and table cells in document order; recurses into tables-in-cells and
    content controls (w:sdt), which python-docx's ``paragraphs``/``tables`` skip."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        if child.tag == f"{_W}p":
            yield Paragraph(child, doc).text
        elif child.tag == f"{_W}tbl":
            seen = set()  # merged cells come back once per grid column / row they span
            for row in Table(child, doc).rows:
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    yield from _docx_lines(cell._tc, doc)
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _docx_lines(content, doc)


def _read_docx(data: bytes, path: Path) -> _Extracted:
    """.docx: body paragraphs and table cells (headers/footers are page chrome)."""
    import docx

    if data.startswith(_CFB_MAGIC):
        raise _err(f"{path} is encrypted or an old .doc file; "
                   "save it as an unprotected .docx and rerun")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _err(f"{path} is not a valid .docx (corrupt or truncated zip)")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [line for line in _docx_lines(document.element.body, document) if line.strip()]
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as exc:
        raise _err(f"{path} is not a valid .docx (corrupt or truncated zip: {exc})") from exc
    except Exception as exc:  # python-docx/lxml raise assorted types for broken packages
        raise _err(f"{path} is not a valid .docx ({type(exc).__name__}: {exc})") from exc
    return _Extracted("\n".join(lines), "docx", "binary")


# --------------------------------------------------------------------------- PDF


def _pdf_open_error(exc: Exception, path: Path) -> PipelineError:
    """Translate pdfminer's exceptions (wrapped by pdfplumber) into something actionable."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
        return _err(f"{path} is password-protected; remove the password and rerun")
    return _err(f"{path} is not a readable PDF (corrupt or truncated: "
                f"{type(inner).__name__}: {inner})")


def _read_pdf(data: bytes, path: Path) -> _Extracted:
    """.pdf: the text layer page by page; warns about scanned pages and unmapped glyphs."""
    import pdfplumber

    if b"%PDF-" not in data[:1024]:
        raise _err(f"{path} is not a valid PDF (no %PDF header; corrupt or not a PDF)")
    warnings: list[str] = []
    pages: list[str] = []
    cid_pages = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                text = page.extract_text() or ""
                cids = len(_CID_RE.findall(text))
                if cids:
                    cid_pages += 1
                    text = _CID_RE.sub("", text)
                    warnings.append(f"pdf page {number}: removed {cids} '(cid:NNN)' glyphs "
                                    "(font has no Unicode mapping; text may be incomplete)")
                elif not text.strip():
                    warnings.append(f"pdf page {number} has no text layer (scanned?)")
                pages.append(text)
    except Exception as exc:  # pdfminer raises many types; all mean "cannot read this file"
        raise _pdf_open_error(exc, path) from exc
    if not any(p.strip() for p in pages):
        reason = "fonts without a Unicode mapping" if cid_pages else "scanned images?"
        raise _err(f"{path} has no usable text layer on any of its {len(pages)} page(s) "
                   f"({reason}); run OCR on it first (e.g. ocrmypdf) and ingest the result")
    return _Extracted("\n".join(pages), "pdf", "binary", warnings)


# --------------------------------------------------------------------------- traditional Chinese


@lru_cache(maxsize=1)
def _t2s():
    """Building the converter loads its dictionaries; do it once per process."""
    from opencc import OpenCC

    return OpenCC("t2s")


# Frequent characters that exist only in traditional writing (their simplified forms differ).
_COMMON_TRADITIONAL = frozenset("們這個為國發會說經與對實現開關時來進區產業務動際設當說體機點還"
                                "應將過關讓們質從覺學長場種義導黨見費總計劃導裡變辦員頭難"
                                "報農車歲際權項結構東傳專")


def _looks_traditional(text: str, sample_size: int = 5000) -> bool:
    """True when > 3% (and > 10) of the CJK characters in a sample change under t2s.
    Simplified text changes by ~0 characters; a few legitimate ones (e.g. 著) stay below both."""
    sample = text[:sample_size]
    if len(_COMMON_TRADITIONAL.intersection(sample)) < 3:
        return False  # cheap pre-check: traditional text is full of these; saves OpenCC's pass
    cjk = len(_CJK_RE.findall(sample))
    if cjk == 0:
        return False
    converted = _t2s().convert(sample)
    if len(converted) == len(sample):
        changed = sum(1 for a, b in zip(sample, converted) if a != b)
    else:  # a phrase mapping changed the length: fall back to per-character counts
        counts = Counter(c for c in sample if _CJK_RE.match(c))
        changed = sum(n for c, n in counts.items() if _t2s().convert(c) != c)
    return changed > 10 and changed / cjk > 0.03


# --------------------------------------------------------------------------- entry point

_READERS: dict[str, Callable[[bytes, Path], _Extracted]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}
assert set(_READERS) == SUPPORTED_SUFFIXES


def _check_suffix(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"'{suffix}'" if suffix else "(no suffix)"
        raise _err(f"unsupported file type {shown} for {path} "
                   f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise _err(f"file not found: {path}")
    if path.is_dir():
        raise _err(f"{path} is a directory, not a file")
    _check_suffix(path)
    try:
        data = path.read_bytes()
    except PermissionError as exc:
        reason = exc.strerror or exc
        raise _err(f"cannot read {path}: {reason} (check the file permissions)") from exc
    except OSError as exc:
        raise _err(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not data:
        raise _err(f"{path} is an empty file (0 bytes)")
    return data


def ingest(doc: Document, data: Optional[bytes] = None) -> Document:
    """Reads doc.source_path; fills doc.raw_text, doc.format ('txt','md','html','docx','pdf'),
    doc.encoding (detected charset for text/html, e.g. 'utf_8', 'gb18030', 'utf_16'; 'binary'
    for docx/pdf), doc.sha256 (hex of the file bytes) and appends human-readable strings to
    doc.warnings. Raises PipelineError(stage='ingest', message=...) with a clear reason.

    ``data``: the file's bytes when the caller already holds them (a member of a zip archive,
    a document sent to a worker process or a Dask worker); doc.source_path then only names the
    document (its suffix chooses the reader) and is not read."""
    path = Path(doc.source_path)
    if data is None:
        data = _read_bytes(path)
    else:
        _check_suffix(path)
        if not data:
            raise _err(f"{path} is an empty file (0 bytes)")
    extracted = _READERS[path.suffix.lower()](data, path)
    text = _normalise_newlines(extracted.text)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _err(f"{path} is an empty file (no text after decoding)")
    warnings = list(extracted.warnings)
    if _looks_traditional(text):
        text = _t2s().convert(text)
        warnings.append(TRADITIONAL_WARNING)
    doc.raw_text = text
    doc.format = extracted.format
    doc.encoding = extracted.encoding
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.warnings.extend(warnings)
    return doc
