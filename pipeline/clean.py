"""Stage 2: one normalised text per document. Every offset in the tables refers to it."""
from __future__ import annotations

import re

from .records import Document

# Full-width ASCII (digits, letters, %, +, -, ., <, >, =, ~) to half-width. Chinese punctuation
# such as ，。；：（）“” is kept: it is the documents' own typography and carries structure.
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({"％": "%", "＋": "+", "－": "-", "．": ".", "＜": "<", "＞": ">", "＝": "=", "／": "/",
                   "～": "~", "＃": "#", "＊": "*", "\u00a0": " ", "\u3000": " ", "\u2002": " ",
                   "\u2003": " ", "\u2009": " ", "\ufeff": "", "\u200b": "", "\u200c": "",
                   "\u200d": "", "\u2060": "", "\r": ""})
_TRANS = str.maketrans(_FULLWIDTH)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_CJK = r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’、。，；：？！（）《》【】—…·]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK})[ \t]+(?={_CJK})")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_BOLD = re.compile(r"\*\*|__")
# Lines a document-sharing site wraps around an uploaded file.
_BOILERPLATE_START = re.compile(r"^(温馨提示|【?免责声明|下载说明|本文档由用户上传|原创力文档|文档下载)")
_BOILERPLATE_LINE = re.compile(
    r"(下载|预览|客服|版权|本站|上传|文档|付费|侵权|投诉|网站|会员|VIP|积分|举报)", re.I)


def normalise_chars(text: str) -> str:
    """Character-level normalisation shared with `evaluate`, so gold quotes match cleaned text."""
    text = text.translate(_TRANS)
    return _CONTROL.sub("", text)


def _front_matter(text: str) -> tuple[dict, str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip().strip("'\"")
    return meta, text[m.end():]


def _drop_boilerplate(lines: list[str]) -> list[str]:
    """Drops a download-site notice block (温馨提示 … 网站客服) near the top of the file."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i < 40 and _BOILERPLATE_START.match(lines[i]):
            i += 1
            while i < len(lines) and i < 60 and (
                    _BOILERPLATE_LINE.search(lines[i]) and len(lines[i]) < 120):
                i += 1
            continue
        out.append(lines[i])
        i += 1
    return out


_SHORT = re.compile(r"^[\u4e00-\u9fff0-9A-Za-z]{1,6}$")
_DOC_TYPE_END = re.compile(r"(要点|计划|方案|报告|意见|通知|规划|清单|办法|纲要|决定|细则|总结)$")


def _join_broken_title(lines: list[str]) -> list[str]:
    """Joins a title set one word per line ('团市委' / '2023' / '工作' / '要点') near the top."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while i < 12 and j < len(lines) and _SHORT.match(lines[j]):
            j += 1
        joined = "".join(lines[i:j])
        if 3 <= j - i <= 8 and _DOC_TYPE_END.search(joined):
            out.append(joined)
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def clean_text(raw: str) -> tuple[str, dict]:
    """Returns the cleaned text and the markdown front matter (empty when none)."""
    text = normalise_chars(raw.replace("\r\n", "\n"))
    meta, text = _front_matter(text)
    text = _BOLD.sub("", text)
    lines = []
    for line in text.split("\n"):
        line = _SPACE_BETWEEN_CJK.sub("", line.strip())
        if line:
            lines.append(line)
    lines = _join_broken_title(_drop_boilerplate(lines))
    return "\n".join(lines) + ("\n" if lines else ""), meta


def clean(doc: Document) -> Document:
    doc.text, doc.front_matter = clean_text(doc.raw_text)
    return doc
