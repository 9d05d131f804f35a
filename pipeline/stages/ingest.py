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


LIMIT_STAGE = "limit"
MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Caps on one document, so that a hostile or accidental file (a zip bomb disguised as
    .docx, a 50 MB one-line text) becomes an ``errors`` row naming the cap instead of taking
    the machine's memory. The defaults are far above real policy documents (the longest of 249
    has ~80,000 characters). Time and memory are capped by the batch (``--doc-timeout``,
    ``--doc-memory``), which can stop a worker."""

    max_bytes: int = 64 * MB  # --max-doc-mb: the file, and its content once unzipped (.docx)
    max_chars: int = 1_000_000  # --max-chars: characters of text
    memory_mb: int = 0  # --doc-memory, as the batch enforces it (0: none): named in messages


def limit_error(what: str, option: str) -> PipelineError:
    """The errors row of a cap: which limit, and how to raise it."""
    return PipelineError(LIMIT_STAGE, f"{what}; skipped (raise the limit with {option} if this "
                                      "is a real document)")


def _check_bytes(path: Path, size: int, limits: Limits, what: str = "") -> None:
    if size > limits.max_bytes:
        raise limit_error(f"{path} is {size / MB:.1f} MB{what}, over the limit of "
                          f"{limits.max_bytes / MB:g} MB per document", "--max-doc-mb MB")


def _check_chars(path: Path, n: int, limits: Limits, what: str = "characters of text") -> None:
    if n > limits.max_chars:
        raise limit_error(f"{path} has {n:,} {what}, over the limit of {limits.max_chars:,} "
                          "per document", "--max-chars N")


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
    """Decode bytes of a text file: strict UTF-8 (fast path), a UTF-16/32 BOM, lines mixing
    UTF-8 and GB18030, else the best guess of charset-normalizer. Before calling a file binary
    it tries harder: a UTF-8 BOM that lies is dropped, a stray NUL byte or two removed; each
    repair is a warning. Returns (text, encoding, warnings)."""
    binary = _err(f"{path} looks like a binary file, not text; check that it is the right file")
    if data.startswith(_UTF8_BOM):
        body = data[len(_UTF8_BOM):]
        try:
            return body.decode("utf_8"), "utf_8", []
        except UnicodeDecodeError:  # a lying BOM (an editor added it to GBK text): decide without it
            text, codec, warnings = _decode_text(body, path)
            return text, codec, [f"a UTF-8 byte-order mark on text that is not UTF-8 was ignored; "
                                 f"decoded as {codec}", *warnings]
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)  # the codec consumes the BOM itself
            except UnicodeDecodeError:
                break
            if _looks_binary(text):
                raise binary
            return text, codec, []
    repairs: list[str] = []
    if b"\x00" in data:
        stripped = data.replace(b"\x00", b"")
        n_nul = len(data) - len(stripped)
        if n_nul <= max(2, len(data) // 1000):  # a stray NUL, not UTF-16's one per ASCII char
            data = stripped
            repairs.append(f"removed {n_nul} NUL byte(s), which text cannot hold (a damaged or "
                           "concatenated file?)")
    if b"\x00" not in data:
        try:
            return data.decode("utf_8"), "utf_8", repairs
        except UnicodeDecodeError:
            pass
        mixed = _decode_mixed_lines(data)
        if mixed is not None:
            text, n_utf8, n_gb = mixed
            return text, "utf_8+gb18030", [*repairs, f"mixed encodings: decoded line by line, {n_utf8} "
                                             f"line(s) as UTF-8 and {n_gb} as GB18030"]
    text, codec, warnings = _decode_detected(data, binary)
    return text, codec, [*repairs, *warnings]


def _decode_mixed_lines(data: bytes) -> Optional[tuple[str, int, int]]:
    """(text, UTF-8 lines, GB18030 lines) when the lines of ``data`` are each valid in one of
    the two and both occur (files concatenated from sources saved on different systems);
    None otherwise. A UTF-8 reading counts only when it gives Chinese: GBK bytes that happen
    to be valid UTF-8 give Latin/Cyrillic letters, not CJK."""
    out: list[str] = []
    n_utf8 = n_gb = 0
    for line in data.split(b"\n"):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            decoded = line.decode("utf_8")
        except UnicodeDecodeError:
            decoded = None
        if decoded is not None and _mostly_cjk(decoded):
            out.append(decoded)
            n_utf8 += 1
            continue
        try:
            out.append(line.decode("gb18030"))
        except UnicodeDecodeError:
            return None
        n_gb += 1
    if not (n_utf8 and n_gb):
        return None
    return "\n".join(out), n_utf8, n_gb


def _mostly_cjk(text: str) -> bool:
    non_ascii = sum(1 for c in text if ord(c) > 127)
    return non_ascii > 0 and len(_CJK_RE.findall(text)) >= 0.5 * non_ascii


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


def _read_text(data: bytes, path: Path, limits: Limits = Limits()) -> _Extracted:
    """.txt / .md: the text as written, only decoded; a text that is a page's markup (saved from
    a browser or a site's source: '<p>…</p>', '&nbsp;') is read as HTML is, one line a block."""
    text, encoding, warnings = _decode_text(data, path)
    _check_chars(path, len(text), limits)
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    if _is_markup(text):
        from bs4 import BeautifulSoup

        text = "\n".join(_block_lines(BeautifulSoup(text, "lxml")))
        warnings = warnings + [MARKUP_WARNING]
    return _Extracted(text, fmt, encoding, warnings)


MARKUP_WARNING = "the text file holds HTML markup: read as an HTML page (tags dropped, entities decoded)"
_BLOCK_MARKUP = re.compile(r"<(?:p|div|br|td|li|h[1-6])\b[^<>]{0,300}>|</(?:p|div|td|li)>", re.I)


def _is_markup(text: str) -> bool:
    """Whether block tags carry the text's paragraphs: at least 5, and one a line or more for
    every 4 lines (a text that only mentions '<p>' here and there is text)."""
    n = sum(1 for _ in zip(range(5), _BLOCK_MARKUP.finditer(text)))
    if n < 5:
        return False
    return len(_BLOCK_MARKUP.findall(text)) * 4 >= text.count("\n") + 1


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
_TAG_RE = re.compile(r"<[^<>]*>")  # (no '<' inside: a stray '<' cannot make it rescan the page)


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


def _cjk_counts(root) -> dict[int, int]:
    """id(tag) -> CJK characters of its text outside links, for every tag under ``root``
    (and ``root``), in one pass from the leaves up: the text of a page nested 100,000 levels
    deep is counted once, not once per level. Strings count as ``get_text()`` counts them
    (NavigableString and CData: no comments, scripts or styles); link text is the text of
    every <a> inside a tag (not the tag itself)."""
    from bs4 import CData, NavigableString, Tag

    text_types = (NavigableString, CData)
    total: dict[int, int] = {}
    linked: dict[int, int] = {}
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if not children_done:
            stack.append((node, True))
            stack.extend((c, False) for c in node.contents if isinstance(c, Tag))
            continue
        t = in_links = 0
        for child in node.contents:
            if isinstance(child, Tag):
                t += total[id(child)]
                in_links += linked[id(child)] + (total[id(child)] if child.name == "a" else 0)
            elif type(child) in text_types:
                t += len(_CJK_RE.findall(child))
        total[id(node)], linked[id(node)] = t, in_links
    return {k: total[k] - linked[k] for k in total}


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
    content = _cjk_counts(root)  # nothing inside an element is removed before it is judged
    for el in root.find_all(lambda t: t.has_attr("id") or t.has_attr("class")):
        if el.decomposed or el.name in ("html", "body"):
            continue
        attrs = " ".join([el.get("id") or "", *(el.get("class") or [])]).lower()
        if _NOISE_ATTR_RE.search(attrs) and content[id(el)] <= 0.5 * page_cjk:
            el.decompose()


def _find_container(root, page_cjk: int, content: Optional[dict[int, int]] = None):
    """The element holding the article: a known container if it has a good share of the
    text, else the deepest element that still holds >= 75% of the non-link CJK text.
    ``content``: ``_cjk_counts(root)`` (computed here when not given)."""
    content = _cjk_counts(root) if content is None else content
    for kind, value in _CONTAINERS:
        if kind == "tag":
            found = root.find_all(value)
        elif kind == "id":
            found = root.find_all(id=value)
        else:
            found = root.find_all(class_=value)
        scored = [(content[id(el)], el) for el in found]
        if scored:
            score, el = max(scored, key=lambda s: s[0])
            if score >= 20 and score >= 0.3 * page_cjk:
                return el
    node = root.body or root
    while page_cjk:
        children = node.find_all(True, recursive=False)
        best = next((c for c in children if content[id(c)] >= 0.75 * page_cjk), None)
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


def _read_html(data: bytes, path: Path, limits: Limits = Limits()) -> _Extracted:
    """.html / .htm: the main content block as one line per block element."""
    from bs4 import BeautifulSoup

    text, encoding, warnings = _decode_html(data, path)
    if len(text) > limits.max_chars:  # tags aside, is there more text than the cap allows?
        _check_chars(path, len(text) - sum(map(len, _TAG_RE.findall(text))), limits,
                     "characters of text outside tags")
    soup = BeautifulSoup(text, "lxml")
    title = _page_title(soup)
    page_cjk = _cjk_counts(soup)[id(soup)]
    _drop_noise(soup, page_cjk)
    content = _cjk_counts(soup)
    page_cjk = content[id(soup)]
    container = _find_container(soup, page_cjk, content)
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


def _unzipped_size(data: bytes) -> int:
    """What the members of a zip package declare as their size once inflated (zipfile never
    inflates a member beyond it, so the cap holds even when a header lies)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return sum(info.file_size for info in zf.infolist())


def _read_docx(data: bytes, path: Path, limits: Limits = Limits()) -> _Extracted:
    """.docx: body paragraphs and table cells (headers/footers are page chrome). A package
    that inflates beyond the size cap (a zip bomb) is refused before anything is inflated."""
    import docx

    if data.startswith(_CFB_MAGIC):
        raise _err(f"{path} is encrypted or an old .doc file; "
                   "save it as an unprotected .docx and rerun")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _err(f"{path} is not a valid .docx (corrupt or truncated zip)")
    try:
        unzipped = _unzipped_size(data)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
        raise _err(f"{path} is not a valid .docx (corrupt or truncated zip: {exc})") from exc
    _check_bytes(path, unzipped, limits, " once unzipped")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [line for line in _docx_lines(document.element.body, document) if line.strip()]
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as exc:
        raise _err(f"{path} is not a valid .docx (corrupt or truncated zip: {exc})") from exc
    except Exception as exc:  # python-docx/lxml raise assorted types for broken packages
        raise _err(f"{path} is not a valid .docx ({type(exc).__name__}: {exc})") from exc
    _check_chars(path, sum(map(len, lines)), limits)
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


def _pdfium_pages(data: bytes) -> list[str]:
    """The text layer by pdfium (pdfplumber's own renderer): it decrypts what pdfminer
    cannot (owner-password PDFs whose fonts' strings are encrypted too); [] when it fails."""
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            return [_normalise_newlines(page.get_textpage().get_text_range()) for page in pdf]
        finally:
            pdf.close()
    except Exception:  # pdfium's own errors: the pdfminer verdict stands
        return []


def _read_pdf(data: bytes, path: Path, limits: Limits = Limits()) -> _Extracted:
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
    encrypted = b"/Encrypt" in data
    if not any(p.strip() for p in pages) or (encrypted and cid_pages):
        other = _pdfium_pages(data)
        if any(p.strip() for p in other) and not any(_CID_RE.search(p) for p in other):
            note = "encrypted (an owner password restricts it): " if encrypted else ""
            _check_chars(path, sum(map(len, other)), limits)
            return _Extracted("\n".join(other), "pdf", "binary",
                              [f"{note}text read by pdfium, pdfminer could not map its glyphs"])
    if not any(p.strip() for p in pages) and encrypted:
        raise _err(f"{path} is encrypted (an owner password restricts copying) and its text "
                   "cannot be decrypted here; remove the protection (e.g. qpdf --decrypt "
                   "in.pdf out.pdf) and rerun")
    if not any(p.strip() for p in pages):
        reason = "fonts without a Unicode mapping" if cid_pages else "scanned images?"
        raise _err(f"{path} has no usable text layer on any of its {len(pages)} page(s) "
                   f"({reason}); run OCR on it first (e.g. ocrmypdf) and ingest the result")
    _check_chars(path, sum(map(len, pages)), limits)
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

_READERS: dict[str, Callable[[bytes, Path, Limits], _Extracted]] = {
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


def _read_bytes(path: Path, limits: Limits = Limits()) -> bytes:
    """The file's bytes. Checked to be a regular file first, so a FIFO, a device or a socket
    named as input is refused instead of waiting forever, and a file over the size cap is
    refused before it is read."""
    import os
    import stat

    if path.is_symlink() and not path.exists():
        raise _err(f"{path} is a broken symbolic link or a symbolic-link loop")
    if not path.exists():
        raise _err(f"file not found: {path}")
    if path.is_dir():
        raise _err(f"{path} is a directory, not a file")
    _check_suffix(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # (stat never blocks; opening a FIFO would)
            raise _err(f"{path} is not a regular file (a FIFO, device or socket); skipped")
        _check_bytes(path, info.st_size, limits)
        data = path.read_bytes()
    except PermissionError as exc:
        raise _err(f"cannot read {path}: {exc.strerror or exc} (check the file permissions)") from exc
    except OSError as exc:
        raise _err(f"cannot read {path}: {exc.strerror or exc}") from exc
    _check_bytes(path, len(data), limits)
    if not data:
        raise _err(f"{path} is an empty file (0 bytes)")
    return data


def ingest(doc: Document, data: Optional[bytes] = None, limits: Optional[Limits] = None) -> Document:
    """Reads doc.source_path; fills doc.raw_text, doc.format ('txt','md','html','docx','pdf'),
    doc.encoding (detected charset for text/html, e.g. 'utf_8', 'gb18030', 'utf_16'; 'binary'
    for docx/pdf), doc.sha256 (hex of the file bytes) and appends human-readable strings to
    doc.warnings. Raises PipelineError(stage='ingest', message=...) with a clear reason.

    ``data``: the file's bytes when the caller already holds them (a member of a zip archive,
    a document sent to a worker process or a Dask worker); doc.source_path then only names the
    document (its suffix chooses the reader) and is not read. ``limits``: the caps on size and
    text length (a cap that is hit raises PipelineError(stage='limit') saying how to raise it)."""
    limits = limits or Limits()
    path = Path(doc.source_path)
    if data is None:
        data = _read_bytes(path, limits)
    else:
        _check_suffix(path)
        if not data:
            raise _err(f"{path} is an empty file (0 bytes)")
        _check_bytes(path, len(data), limits)
    extracted = _READERS[path.suffix.lower()](data, path, limits)
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
