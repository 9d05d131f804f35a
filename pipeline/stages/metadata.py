"""Document metadata: title, issuer, region (with its division code), plan year, source URL.

Evidence is taken in order of reliability: labelled fields (标题：, 发文机关：, 成文日期：, markdown
front matter), the title, the speaker line of a work report (我代表…; XX市人民政府市长), the
document head (an issuer line above the title, a cover letter 《…》现印发给你们 signed by its
issuer over a date), the colophon (XX办公厅2019年3月15日印发), and last the body. Places and
their 6-digit administrative division codes come from jionlp's gazetteer (shipped with the
package, no network).
"""
from __future__ import annotations

import contextlib
import io
import os
import re
from collections import Counter
from functools import lru_cache
from typing import Iterable, Optional

from pipeline.records import Document

Place = tuple[str, Optional[str], Optional[str]]  # (province, city, county)

# the kinds of 公文 (党政机关公文处理工作条例) and of plans a title ends with
_DOC_TYPE = (r"(要点|计划|方案|报告|意见|通知|规划|清单|办法|纲要|决定|细则|总结|规定|条例|指南|措施|任务"
             r"|公报|公告|通告|通报|批复|决议|议案|纪要|指引)")
_TITLE_LINE = re.compile(rf"^[^，。；：:！？]{{4,120}}{_DOC_TYPE}(?:[（(][^）)]*[）)])?$")
_LABEL = {"title": r"标\s*题|[Tt]itle", "issuer": r"发文机关|发布机关|发布机构|发布部门|发文单位|来源单位|制发机关",
          "date": r"成文日期|发文日期|印发日期", "url": r"原文链接|原文地址|原文网址|来源链接|链接地址",
          "source": r"(?:信息|文章|稿件)?来源"}
_NATIONAL = re.compile(r"^(国务院|中共中央|全国人民代表大会|全国人大|中央|国家|.{1,10}部$|.{1,10}总局$|.{1,10}委员会$)")
_ORG_END = r"(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|市委|省委|县委|区委|党委|政府|团市委|团省委|团县委|国务院|部|局|厅|委)"
# one organisation as printed on an issuer or signature line: Chinese characters, quotes and
# brackets (安徽省推进“三地一区”建设领导小组…办公室), ending in a unit word
_ORG_NAME = re.compile(rf"^[\u4e00-\u9fff“”\"（）()]{{1,60}}{_ORG_END}$")
_SPEAKER = re.compile(r"我代表(?P<org>[\u4e00-\u9fff]{2,20}?)(?:，|,|向)")
# the title of a work report names whose report it is: '桂林市政府工作报告' is 桂林市人民政府's
_REPORT_TITLE = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,20}?(?:省|市|县|区|自治区|自治州|州|盟|旗|地区))"
                           r"(?:人民)?政府工作报告")
_MAYOR = re.compile(r"(?P<org>[\u4e00-\u9fff]{2,12}?(?:省|市|县|区|自治区|自治州|州|盟|旗))人民政府(?:代理)?(?:省长|市长|县长|区长|主席|州长|盟长|旗长)")
# the title that every `_MAYOR` match ends with, at most 15 characters after the match's start
# (12 + 自治区): `_mayor` searches from there, not with a character class tried at every position
_MAYOR_TITLE = re.compile(r"人民政府(?:代理)?(?:省长|市长|县长|区长|主席|州长|盟长|旗长)")
# a speaker that names its government by level only: 省人民政府, 自治州人民政府, 市政府
_GENERIC_GOV = re.compile(r"^(?P<level>省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|自治旗)"
                          r"(?P<suffix>(?:人民政府|政府)(?:办公厅|办公室)?)$")
_LEVEL_OF = {"省": 1, "自治区": 1, "市": 2, "自治州": 2, "州": 2, "盟": 2, "地区": 2,
             "县": 3, "自治县": 3, "区": 3, "旗": 3, "自治旗": 3}
_TERM = re.compile(r"第[一二三四五六七八九十]+届")  # 自治区第十二届人民政府: the term is not the name
_CITED = re.compile(r"根据《(?P<org>[^《》]{2,40}?)关于[^《》]{2,60}》")
# how a text names its own jurisdiction: 全市, 我区, 本县 (the level it works at)
_SELF_LEVEL = re.compile(r"(?:全|我|本)(?P<l>省|自治区|市|自治州|州|县|区|旗)")
_SELF_LEVELS = {"省": {1}, "自治区": {1}, "市": {2}, "自治州": {2}, "州": {2}, "县": {3}, "旗": {3},
                "区": {1, 3}}  # 全区: a district, or an autonomous region
_DATE = r"(?P<y>(?:19|20)\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
_DATE_LINE = re.compile(rf"^(?:——)?{_DATE}")
_DATE_ONLY = re.compile(rf"^{_DATE}$")
# the colophon (版记) of an official document: 山东省人民政府办公厅2019年3月15日印发
_ISSUED_LINE = re.compile(rf"^(?P<org>[\u4e00-\u9fff“”（）()\s]{{2,60}}?)\s*{_DATE}\s*印发$")
# a cover letter transmitting the document: 现将《X》印发给你们 / 《X》已经…通过，现印发给你们
_MORE_NAMES = r"(?:(?:和|及|以及|、)《[^《》]{4,150}》)*"
_TRANSMITTED = re.compile(
    rf"将《(?P<a>[^《》]{{4,150}})》{_MORE_NAMES}印发给你们"
    rf"|《(?P<b>[^《》]{{4,150}})》{_MORE_NAMES}(?:已经[^。《》]{{0,60}}?)?[，,]?现(?:予)?印发给你们")
_WRAPPER = re.compile(rf"^(?P<org>.*?)关于(?:印发|发布|公布)(?P<inner>.+?)的通知$")
_RANGE = re.compile(r"(?P<a>(?:19|20)\d\d)\s*(?:年)?\s*[-—–~～至到]\s*(?:19|20)?\d\d\s*年")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
_SENTENCE_PUNCT = re.compile(r"[，,。；;！!？?：:]")
_URL = re.compile(r"https?://\S+")
# the first numbered heading: the body has started (一、 / 第一章 / （一）)
_BODY_START = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+章|[（(][一二三四五六七八九十]+[）)])")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节条]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")
# a document number on its own line: 皖开放办〔2022〕6号, （包府办发〔2022〕43号）
_DOC_NUMBER = re.compile(r"^[（(]?[\u4e00-\u9fff]{1,12}[〔\[［](?P<y>(?:19|20)\d\d)[〕\]］]\s*\d+\s*号[）)]?$")

NATIONAL_CODE = "100000"  # the whole country, as in the usual map datasets (GB/T 2260 has none)
LEVELS = {1: "province", 2: "prefecture", 3: "county"}


@lru_cache(maxsize=1)
def _location_data() -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        from jionlp.dictionary.dictionary_loader import china_location_loader
    return china_location_loader()


def _aliases(node: dict) -> list[str]:
    alias = node.get("_alias") or []
    return [alias] if isinstance(alias, str) else list(alias)


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    """Place name (full or alias) → (province, city, county), from jionlp's location data."""
    return _gazetteer_tables()[0]


@lru_cache(maxsize=1)
def _places_by_name() -> dict[str, tuple[Place, str, str]]:
    """Full region name ('四川省绵阳市') → (place, 6-digit code, short name '绵阳')."""
    return _gazetteer_tables()[1]


@lru_cache(maxsize=1)
def _gazetteer_tables() -> tuple[dict, dict]:
    """Both tables, kept in the cache directory (keyed by jionlp's version): importing jionlp
    and walking its location data took a quarter of a second at every start."""
    import marshal
    from importlib.metadata import version

    from pipeline.stages.tokens import user_cache_dir

    path = user_cache_dir() / f"gazetteer-{_GAZETTEER_FORMAT}-{version('jionlp')}.marshal"
    try:
        with open(path, "rb") as f:
            names, places = marshal.load(f)
        return names, places
    except (OSError, EOFError, ValueError, TypeError):
        pass
    names, places = _build_gazetteer(), _build_places_by_name()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            marshal.dump((names, places), f)
        os.replace(tmp, path)
    except OSError:  # a read-only cache directory: built again next time
        with contextlib.suppress(OSError):
            tmp.unlink()
    return names, places


_GAZETTEER_FORMAT = "1"


def _build_gazetteer() -> dict[str, Place]:
    names: dict[str, Place] = {}
    for prov, pnode in _location_data().items():
        names.setdefault(prov, (prov, None, None))
        for a in _aliases(pnode):
            if len(a) >= 2:
                names.setdefault(a, (prov, None, None))
        for city, cnode in pnode.items():
            if city.startswith("_"):
                continue
            if city != prov:  # municipalities list themselves as their own city
                names.setdefault(city, (prov, city, None))
                for a in _aliases(cnode):
                    if len(a) >= 2:
                        names.setdefault(a, (prov, city, None))
            for county, knode in cnode.items():
                if county.startswith("_"):
                    continue
                names.setdefault(county, (prov, city if city != prov else None, county))
    return names


def _build_places_by_name() -> dict[str, tuple[Place, str, str]]:
    out: dict[str, tuple[Place, str, str]] = {}

    def add(place: Place, node: dict) -> None:
        short = next((a for a in _aliases(node) if len(a) >= 2), None) or (place[2] or place[1] or place[0])
        out.setdefault(_region_name(place), (place, str(node.get("_admin_code") or ""), short))

    for prov, pnode in _location_data().items():
        add((prov, None, None), pnode)
        for city, cnode in pnode.items():
            if city.startswith("_"):
                continue
            if city != prov:
                add((prov, city, None), cnode)
            for county, knode in cnode.items():
                if not county.startswith("_"):
                    add((prov, city if city != prov else None, county), knode)
    return out


class _PlaceScanner:
    """Leftmost-longest place names, as an alternation of the names longest first would find
    them, without compiling one (a 3,700-name alternation took 0.17 s of every start): the
    names are indexed by their first two characters (every name has at least two)."""

    def __init__(self, names: Iterable[str]):
        self._by_head: dict[str, list[str]] = {}
        for name in sorted(names, key=len, reverse=True):
            self._by_head.setdefault(name[:2], []).append(name)

    def match(self, text: str, pos: int = 0) -> Optional[str]:
        for name in self._by_head.get(text[pos:pos + 2], ()):
            if text.startswith(name, pos):
                return name
        return None

    def findall(self, text: str) -> list[str]:
        out, i, n, heads = [], 0, len(text) - 1, self._by_head
        while i < n:
            if text[i:i + 2] in heads:
                name = self.match(text, i)
                if name is not None:
                    out.append(name)
                    i += len(name)
                    continue
            i += 1
        return out


@lru_cache(maxsize=1)
def _place_pattern() -> _PlaceScanner:
    return _PlaceScanner(gazetteer())


def _region_name(place: Place) -> str:
    return "".join(p for p in place if p)


def find_places(text: str) -> list[Place]:
    return [gazetteer()[name] for name in _place_pattern().findall(text)]


def _cells(line: str) -> list[str]:
    """The cells of a row of a web page's metadata table ('发布机构: | 县政府办公室 | 有效性: |');
    [] for a line that is not one."""
    if "|" not in line:
        return []
    return [c.strip() for c in line.split("|") if c.strip()]


def _table_labelled(lines: list[str], pat: re.Pattern) -> Optional[str]:
    """A label in a cell of a table row, its value in the same cell or the next one (unless
    that cell is itself a label: an empty field)."""
    for line in lines[:40]:
        cells = _cells(line)
        for j, cell in enumerate(cells):
            m = pat.match(cell)
            if not m:
                continue
            value = m.group(1).strip()
            if not value and j + 1 < len(cells) and not re.search(r"[:：]$", cells[j + 1]):
                value = cells[j + 1]
            if value:
                return value
    return None


def _labelled(lines: list[str], label: str) -> Optional[str]:
    pat = re.compile(rf"^(?:{_LABEL[label]})\s*[:：]\s*(.*)$")
    table = _table_labelled(lines, pat)
    if table:
        return table
    for i, line in enumerate(lines[:40]):
        if _cells(line):
            continue  # a table row: read cell by cell above
        m = pat.match(line)
        if m:
            # '发布机构: 南昌县人民政府 生成日期: 2024-03-16': fields of a page's header on one line
            value = _NEXT_FIELD.split(m.group(1).strip(), 1)[0].strip()
            if not value and i + 1 < len(lines) and not re.search(r"[:：]\s*$", lines[i + 1]):
                value = lines[i + 1].strip()  # the value on the next line; not another label
            return value or None
    return None


# (cleaning joins the spaces between Chinese characters: the field names a page header uses)
_NEXT_FIELD = re.compile(r"\s*(?=(?:生成日期|发布日期|成文日期|印发日期|发文日期|文件编号|发文字号|文号|有效性|主题分类"
                         r"|索引号|公开范围|公开方式|公开形式|时效|体裁分类|组配分类"
                         r"|浏览量|浏览次数|阅读次数|点击数|发表时间|发布时间|责任编辑|作者|字体)\s*[:：])")


# ---------------------------------------------------------------- title

def _looks_like_title_piece(line: str) -> bool:
    """A line that can be part of a title broken over lines: no sentence punctuation, not a
    page number, date, document number or an organisation line of its own."""
    return (0 < len(line) <= 60 and not _SENTENCE_PUNCT.search(line)
            and not re.fullmatch(r"[—\-\s\d]+", line) and not _DATE_LINE.match(line)
            and "〔" not in line and "[" not in line and not _DATABASE_FIELD.match(line)
            and not _CATEGORY_LINE.match(line) and not _ATTACHMENT_LINE.match(line)
            and not _BRACKETED_NOTE.match(line) and _org_line(line) is None)


# A field of a law database's record printed above the text ('【法宝引证码】CLI.1.304262',
# '【时效性】尚未施行', '【发布部门】…'): never a piece of the title.
_DATABASE_FIELD = re.compile(r"^【[^【】]{2,8}】")
# the category a site files a document under, printed above its title ('行政规范性文件')
_CATEGORY_LINE = re.compile(r"^(?:行政)?规范性文件$|^(?:政府|政策|部门|其他)文件$|^政策解读$|^通知公告$"
                            r"|^[\u4e00-\u9fff]{2,6}[发办]文件$|^无障碍|首页\s*[>＞»]|[>＞»].*[>＞»]"  # (and a site's toolbar, breadcrumbs)
                            r"|^[\u4e00-\u9fff]{1,10}网\s*(?:--|—|-|_|\|)\s*[\u4e00-\u9fff]{2,20}$")  # '法搜网--中国法律信息搜索网': a site's banner


def _title_candidates(head: list[str]) -> list[tuple[int, int, str]]:
    """(first line, number of lines, text) of the title lines in the head, a title wrapped
    over up to 4 lines (关于印发《… / …的通知》, a long name broken mid-phrase) joined."""
    out = []
    i = 0
    while i < len(head):
        for k in range(1, 5):
            pieces = head[i:i + k]
            if len(pieces) < k or (k > 1 and not all(_looks_like_title_piece(p) for p in pieces)):
                break
            joined = "".join(pieces)
            if _NUMBERED.match(joined):  # a numbered heading of the body ('二、重点任务')
                break
            if _TITLE_LINE.match(joined) and joined.count("《") == joined.count("》"):
                out.append((i, k, joined))
                i += k - 1
                break
        i += 1
    return out


def _transmitted_title(lines: list[str]) -> Optional[str]:
    """The document a cover letter transmits: 现将《X》印发给你们 → X (lines joined: a PDF
    breaks the name anywhere; 〈〉 inside it are the nested 《》)."""
    m = _TRANSMITTED.search("".join(lines[:40]))
    if not m:
        return None
    title = re.sub(r"\s+", "", m.group("a") or m.group("b"))
    return title.replace("〈", "《").replace("〉", "》")


def _unwrap(title: str) -> str:
    """'X关于印发《Y》的通知' → 'Y': the notice only transmits the document named inside."""
    m = _WRAPPER.match(title)
    if not m:
        return title
    inner = m.group("inner").strip()
    if inner.startswith("《") and inner.endswith("》") and inner.count("《") == 1:
        inner = inner[1:-1]
    return inner or title


def find_title(doc: Document, lines: list[str]) -> Optional[str]:
    """The labelled or front-matter title; else the document a cover letter transmits; else the
    title line(s) near the top, the inner document of a 关于印发《…》的通知; None when the text
    starts straight with its body."""
    title = _labelled(lines, "title") or doc.front_matter.get("title")
    if title:
        return re.sub(r"[（(][^）)]*\d{4}年[^）)]*[）)]$", "", title).strip()
    transmitted = _transmitted_title(lines)
    if transmitted:
        return transmitted
    head = lines[:15]
    candidates = _title_candidates(head)
    if not candidates:
        first = lines[0] if lines else ""
        if _looks_like_title_piece(first) and not _NUMBERED.match(first):
            return first
        lead = _news_lead(lines)
        return lead[1] if lead else None
    i, k, title = candidates[0]
    # a title printed twice (a broken one joined, then the real one): take the fuller
    nxt = next((c for c in candidates[1:] if c[0] == i + k), None)
    if nxt and len(nxt[2]) > len(title):
        title = nxt[2]
    return _unwrap(title)


# ---------------------------------------------------------------- issuer

def _org_line(line: str) -> Optional[str]:
    """'中共X县委  X县人民政府' → '中共X县委、X县人民政府' when the line is nothing but
    organisation names (an issuer line above the title, a signature); 'X市人民政府办公室文件'
    (the red head of a document) → 'X市人民政府办公室'. None for any other line."""
    line = re.sub(r"文件$", "", line.strip())
    parts = line.split()
    if not parts or len(parts) > 4 or len(line) > 80:
        return None
    if not all(_ORG_NAME.match(p) for p in parts):
        return None
    return "、".join(_split_orgs(p) for p in parts)


def _split_orgs(text: str) -> str:
    """'中共嵊泗县委办公室嵊泗县人民政府办公室' → '中共嵊泗县委办公室、嵊泗县人民政府办公室';
    '中共青川县委青川县人民政府' → '中共青川县委、青川县人民政府' (cleaning drops the space between
    joint issuers). A party committee or government is followed by a second issuer when a
    place name or 中共 starts right after it (not in '市委组织部', '省人民政府办公厅')."""
    text = re.sub(r"(办公室|办公厅)(?=[\u4e00-\u9fff]{4,})", r"\1、", text)
    out, last = [], 0
    for m in re.finditer(r"(?:县委|市委|省委|区委|州委|旗委|人民政府|政府)(?=[\u4e00-\u9fff]{4,})", text):
        if text.startswith("中共", m.end()) or _place_pattern().match(text, m.end()):
            out.append(text[last:m.end()] + "、")
            last = m.end()
    return "".join(out) + text[last:]


def _from_title(text: str) -> Optional[str]:
    """'X市人民政府办公室关于印发…', '团市委2023年工作要点' → the organisation before 关于/the year."""
    m = re.match(rf"^(?P<org>.+?)(?:关于|(?:19|20)\d\d年|印发)", text)
    if m and re.search(_ORG_END + "$", m.group("org")) and not _SENTENCE_PUNCT.search(m.group("org")):
        org = m.group("org").strip()
        return _org_line(org) or _split_orgs(org)
    return None


def _signature(lines: list[str]) -> Optional[str]:
    """The organisation(s) signing over a date: 'X市工业和信息化局' / '2021年3月1日' (or both on
    one line; joint issuers on consecutive lines), in the cover letter before the body starts,
    or closing the text (at most a few lines such as （此件公开发布） after the date)."""
    def signed(i: int) -> Optional[str]:
        m = re.match(rf"^(?P<org>.+?)\s+{_DATE}$", lines[i])
        if m and _org_line(m.group("org")):
            return _org_line(m.group("org"))
        if i + 1 < len(lines) and _DATE_ONLY.match(lines[i + 1]) and _org_line(lines[i]):
            orgs = [_org_line(lines[i])]
            while len(orgs) < 3 and i - len(orgs) >= 0 and _org_line(lines[i - len(orgs)]):
                orgs.insert(0, _org_line(lines[i - len(orgs)]))
            return "、".join(orgs)
        return None

    def single(window: range) -> Optional[str]:
        """A signature is printed once: units over dates row after row are a table."""
        found = [s for s in map(signed, window) if s]
        return found[0] if len(found) == 1 else None

    n = len(lines)
    body = next((i for i, line in enumerate(lines[:60]) if _BODY_START.match(line)), min(n, 60))
    head = single(range(body))
    if head:
        return head
    tail = range(max(body, n - 15), n)
    found = single(tail)
    if found and any(n - i <= 6 and signed(i) for i in tail):  # at most 4 lines after the date
        return found
    # a cover notice signed over its date, the title of the document it transmits right after
    cover = [i for i in range(body, min(n - 2, body + 25)) if signed(i)]
    if len(cover) == 1 and any(_TITLE_LINE.match(line) or _ATTACHMENT_LINE.match(line)
                               for line in lines[cover[0] + 2:cover[0] + 5]):
        return signed(cover[0])  # (its attachments may come first: '（此件公开发布）' / '附件1')
    return None


_ATTACHMENT_LINE = re.compile(r"^附件\s*\d{0,2}\s*[:：]?$")
_BRACKETED_NOTE = re.compile(r"^[（(][^（）()]{2,20}[）)]$")  # '（此件公开发布）


def _colophon(lines: list[str]) -> Optional[str]:
    """'山东省人民政府办公厅2019年3月15日印发' in the last lines: the office that printed it."""
    for line in reversed(lines[-10:]):
        m = _ISSUED_LINE.match(line)
        if m and _org_line(m.group("org").strip()):
            return _org_line(m.group("org").strip())
    return None


def _head_issuer_line(lines: list[str]) -> Optional[str]:
    """An issuer line above the title: '中共X县委 X县人民政府' / 'X市人民政府办公室文件'."""
    for line in lines[:8]:
        if _TITLE_LINE.match(line) or _SENTENCE_PUNCT.search(line):
            return None  # reached the title or the body
        org = _org_line(line)
        if org:
            return org
    return None


def expand_generic(org: str, region: Optional[str], formal: bool = False) -> str:
    """'省人民政府' → '云南省人民政府', '州人民政府' → '凉山彝族自治州人民政府': a speaker that
    names its government by level alone, completed from the document's region. The term
    ('自治区第十二届人民政府') is not part of the name. ``formal``: 政府 written as 人民政府."""
    org = _TERM.sub("", org)
    m = _GENERIC_GOV.match(org)
    if not m or not region:
        return org
    entry = _places_by_name().get(region)
    if entry is None:
        return org
    prov, city, county = entry[0]
    level = _LEVEL_OF[m.group("level")]
    if level == 2 and county and county.endswith("市") and m.group("level") == "市":
        level = 3  # a county-level city's 市政府 (江山市 of 衢州市): the region is the county-level city
    name = {1: prov, 2: city or (prov if prov.endswith("市") else None), 3: county}[level]
    suffix = m.group("suffix")
    if formal and not suffix.startswith("人民"):
        suffix = "人民" + suffix  # '我代表市政府' speaks for 七台河市人民政府
    return name + suffix if name else org


# '日期:2025-04-11 来源:重庆市万州区发展和改革委员会': a page header's source field after another one
_LATER_SOURCE = re.compile(r"(?<=[\s\d])(?:信息|文章|稿件)?来源\s*[:：]\s*(?P<v>[\u4e00-\u9fff（）()]{4,40})")


def _source_field(lines: list[str]) -> Optional[str]:
    """'来源：X市工业和信息化局' when it names an organisation (not a newspaper or a site)."""
    value = _labelled(lines, "source")
    if not value:
        m = next((m for line in lines[:20] for m in [_LATER_SOURCE.search(line)] if m), None)
        value = _NEXT_FIELD.split(m.group("v"), 1)[0] if m else None
    if value:
        value = re.sub(r"[（(][^）)]*[）)]$", "", value).strip()
        return _org_line(value)
    return None


def _same_unit(generic: str, named: str) -> bool:
    """'县政府办公室' and '海盐县人民政府办公室' are one office: the named one, its place dropped,
    ends like the generic one (人民政府 and 政府 are one word)."""
    def fold(org: str) -> str:
        return org.replace("人民政府", "政府")
    m = _GENERIC_GOV.match(generic)
    return bool(m) and fold(named).endswith(fold(generic)) and len(named) > len(generic)


def _complete_labelled(labelled: str, doc: Document, lines: list[str],
                       title: Optional[str]) -> str:
    """A labelled issuer that names its level only (发布机构: 县政府办公室), completed from the
    same office named in full by the title, the head or the signature; else from the region."""
    if not _GENERIC_GOV.match(_TERM.sub("", labelled)):
        return labelled
    for named in _named_issuers(lines, title):
        if not _GENERIC_GOV.match(_TERM.sub("", named)) and _same_unit(labelled, named):
            return named  # (a title that repeats the generic name completes nothing)
    return expand_generic(labelled, doc.region)


def _named_issuers(lines: list[str], title: Optional[str]) -> list[str]:
    """Issuers the title lines, the head or the signature name (in that order)."""
    head_titles = [c[2] for c in _title_candidates(lines[:15])]
    titles = [t for t in head_titles if _WRAPPER.match(t)] + ([title] if title else []) + head_titles
    found = [_from_title(t) for t in titles]
    found += [_head_issuer_line(lines), _signature(lines), _colophon(lines)]
    return [f for f in found if f]


def _mayor(head: str) -> Optional[re.Match]:
    """``_MAYOR.search(head)``: no match starts more than 15 characters before the first
    title (`_MAYOR_TITLE`), and a head without one (most documents) has none."""
    title = _MAYOR_TITLE.search(head)
    return _MAYOR.search(head, max(0, title.start() - 15)) if title else None


def find_issuer(doc: Document, lines: list[str], title: Optional[str]) -> Optional[str]:
    """The labelled issuer (completed when it names a level only); the speaker of a work report;
    the organisation a title line opens with; the issuer line of the head, the signature, the
    colophon; a 来源： field naming an organisation. Never the issuer of a document the text
    cites (根据《昆明市人民政府关于…》): an excerpt of a district's policy is not the city's."""
    labelled = _labelled(lines, "issuer")
    if labelled:
        return _complete_labelled(labelled, doc, lines, title)
    head = "\n".join(lines[:60])
    m = _mayor(head)
    if m:
        return expand_generic(m.group("org") + "人民政府", doc.region)
    m = _SPEAKER.search(head)
    if m:  # the government that delivers a work report, by its formal name
        return expand_generic(m.group("org"), doc.region, formal=True)
    m = _REPORT_TITLE.match(title or "")
    if m:
        return m.group("place") + "人民政府"
    # the notice that transmits the document names its issuer first, the document's own
    # title next ('团市委2023年工作要点'), then other title lines of the head
    head_titles = [c[2] for c in _title_candidates(lines[:15])]
    titles = [t for t in head_titles if _WRAPPER.match(t)] + ([title] if title else []) + head_titles
    for text in titles:
        org = _from_title(text)
        if org:  # ('区人民政府办公室关于印发…': completed from the signature, else the region)
            return _complete_labelled(org, doc, lines, title)
    found = _head_issuer_line(lines) or _signature(lines) or _colophon(lines)
    if found:
        return expand_generic(found, doc.region)
    lead = _news_lead(lines)
    return _cited_own_issuer(doc.text[:5000]) or _source_field(lines) or (lead[0] if lead else None)


# A news report that reprints a document opens with who issued what: '据X网消息，近日，
# 安徽省人民政府发布关于…的通知' / '日前，市政府办公室印发《…》'.
_NEWS_LEAD = re.compile(
    r"(?:近日|日前|近期|\d{1,2}月\d{1,2}日)[，,]\s*(?P<org>[\u4e00-\u9fff]{2,30}?(?:人民政府(?:办公厅|办公室)?|"
    r"办公厅|办公室|委员会|厅|局|部))(?:正式)?(?:印发|发布|出台|下发)了?"
    r"(?:《(?P<t1>[^》]{4,80})》|关于(?P<t2>[^，,。；;《》]{2,80}?)的(?:通知|意见|决定))")


def _news_lead(lines: list[str]) -> Optional[tuple[str, str]]:
    """(issuer, title) that the first paragraph of a news report names, or None."""
    m = _NEWS_LEAD.search("".join(lines[:2]))
    if not m or not _org_line(m.group("org")):
        return None
    return _org_line(m.group("org")), m.group("t1") or m.group("t2")


def _cited_own_issuer(text: str) -> Optional[str]:
    """A text that names no issuer but implements a decision of its own authority
    (根据《中共广州市委、广州市人民政府关于…的决定》, its body speaking of 全市, 我市): that
    authority. Not when the body works at another level (全区, 我区 under a 昆明市 notice) or
    adapts it to another place (结合官渡区实际): that is a higher-level document it cites."""
    m = _CITED.search(text)
    if not m or not re.search(_ORG_END + "$", m.group("org")):
        return None
    org = m.group("org")
    level = _issuer_level(org)
    selves = Counter(m.group("l") for m in _SELF_LEVEL.finditer(text))
    if level is None or not selves or level not in _SELF_LEVELS[selves.most_common(1)[0][0]]:
        return None
    own, cited = _own_place(text), find_places(org)
    if own and cited and own not in cited:
        return None
    return org


# ---------------------------------------------------------------- year

def _year_in(text: Optional[str]) -> tuple[Optional[int], Optional[int]]:
    """(the year a title names, the first year of a plan period it names): '2022年工作要点' →
    (2022, None); '行动计划（2021—2023年）' → (None, 2021)."""
    if not text:
        return None, None
    m = _RANGE.search(text)
    start = int(m.group("a")) if m else None
    m = _YEAR.search(_RANGE.sub("", text))
    return (int(m.group(1)) if m else None), start


def _signed_year(lines: list[str]) -> Optional[int]:
    """The year the text was signed, delivered or numbered: a date line at the top or the end
    ('2021年9月16日', '——2023年1月3日在…会议上', 'X办公厅2019年3月15日印发'), else a document
    number on its own line in the head ('皖开放办〔2022〕6号')."""
    for line in lines[:30] + lines[-10:]:
        m = _DATE_LINE.match(line) or _ISSUED_LINE.match(line)
        if m:
            return int(m.group("y"))
    for line in lines[:15]:
        m = _DOC_NUMBER.match(line)
        if m:
            return int(m.group("y"))
    return None


_LATE_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*1[12]\s*月\s*\d{1,2}\s*日")


def _next_if_delivered_for_it(year: int, source: Optional[str], text: str) -> int:
    """A report delivered in November or December (`中卫市政府工作报告（2022年12月16日…）`) is the
    next year's when its body speaks of that year as the one it plans (`2023年是…`,
    `2023年政府工作的总体要求`, `2023年…主要预期目标`)."""
    m = next((m for m in _LATE_DATE.finditer(source or "") if int(m.group("y")) == year), None)
    if m is None or "工作报告" not in text[:200]:
        return year
    nxt = year + 1
    plan = re.search(rf"{nxt}\s*年(?:是|，|,|的?(?:政府)?工作|全?[市省区县州]?经济社会发展|主要(?:预期)?目标|重点(?:工作|任务))", text)
    return nxt if plan else year


def find_year(doc: Document, lines: list[str], title: Optional[str]) -> Optional[int]:
    """The plan year: named in the title ('2022年工作要点', also when issued in late 2021), else
    the date the text was signed or delivered, else the start of the plan period the title
    names, else the file name, else the first year the body names. A title year more than one
    year after the signing is a horizon ('2035年远景目标'), not the plan year."""
    signed = _signed_year(lines)
    period = None
    for source in (title, doc.front_matter.get("title"), _labelled(lines, "date")):
        year, start = _year_in(source)
        if year and (signed is None or year <= signed + 1):
            return _next_if_delivered_for_it(year, source, doc.text)
        period = period or start
    if signed:
        head = "\n".join(lines[:8])  # the date a work report was delivered, under its title
        return _next_if_delivered_for_it(signed, head, doc.text)
    if period:
        return period
    m = re.search(r"(?:19|20)\d\d", doc.doc_id)
    if m:
        return int(m.group(0))
    body = re.sub(r"《[^《》]*》|[（(][^）)]*[）)]", "", doc.text[:3000])
    m = _YEAR.search(body)
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- region

_SHORT_NAME = re.compile(r"(?:在|来|驻|留|赴|援|到|落户)(?P<c>[\u4e00-\u9fff])(?:举办|发展|工作|创业|就业|投资|落户|高校)|(?P<c2>[\u4e00-\u9fff])品出")


def _city_by_short_name(text: str) -> Optional[Place]:
    """'在绵举办', '来绵发展': a one-character city name, when exactly one city starts with it."""
    counts = Counter(m.group("c") or m.group("c2") for m in _SHORT_NAME.finditer(text))
    for char, n in counts.most_common():
        if n < 2:
            break
        cities = {(p, c, None) for p, c, k in gazetteer().values() if c and c.startswith(char) and k is None}
        if len(cities) == 1:
            return cities.pop()
    return None


# the place a document adapts a higher-level policy to: 结合官渡区实际 (not 结合我省实际)
_OWN_PLACE = re.compile(r"结合(?P<p>[\u4e00-\u9fff]{2,15}?)(?:的)?实际")


def _own_place(text: str) -> Optional[Place]:
    """'根据《昆明市…》，结合官渡区实际，制定…' → 官渡区: the body's own place, named where it
    adapts the cited documents to itself; None unless all such phrases name one place."""
    found = {p for m in _OWN_PLACE.finditer(text) for p in find_places(m.group("p"))}
    return found.pop() if len(found) == 1 else None


def _depth(place: Place) -> int:
    return sum(1 for x in place if x)


def _issuer_level(issuer: Optional[str]) -> Optional[int]:
    """1 province, 2 city, 3 county, from how the issuer names itself ('团市委' → 2)."""
    if not issuer:
        return None
    if re.search(r"(市委|市人民政府|市政府|团市委|市[^，。]{0,6}(局|委|办))", issuer):
        return 2
    if re.search(r"(县委|县人民政府|县政府|团县委|区委|区人民政府)", issuer):
        return 3
    if re.search(r"(省委|省人民政府|省政府|团省委|自治区)", issuer):
        return 1
    return None


def is_national(issuer: Optional[str]) -> bool:
    """国务院, 国家发展改革委, 教育部: a central organ, one that names no place
    (四川省发展和改革委员会, 中共四川省委组织部 are provincial)."""
    return bool(issuer and _NATIONAL.match(issuer) and not find_places(issuer))


def find_region(doc: Document, title: Optional[str], issuer: Optional[str]) -> Optional[str]:
    if is_national(issuer):
        return None
    for source in (doc.front_matter.get("region"), title, issuer, doc.doc_id, doc.source_path.split("/")[-1]):
        if source:
            places = find_places(source)
            if places:
                return _region_name(max(places, key=lambda p: sum(1 for x in p if x)))
    head = doc.text[:5000]
    own = _own_place(head)
    if own:
        return _region_name(own)
    places = Counter(find_places(head))
    level = _issuer_level(issuer)
    if level is not None:  # a 团市委 plan is about a city: Hong Kong named in passing is not its region
        # ('市政府办公室' may be a county-level city's: 江山市 of 衢州)
        places = Counter({p: n for p, n in places.items()
                          if _depth(p) == level or level == 2 and _depth(p) == 3 and (p[2] or "").endswith("市")})
    if places:
        place, n = places.most_common(1)[0]
        # prefer a county or city that lies inside the most mentioned province
        if n >= 2:
            deeper = [(p, k) for p, k in places.items() if p[0] == place[0] and sum(1 for x in p if x) > sum(1 for x in place if x) and k >= 2]
            if deeper:
                place = max(deeper, key=lambda pk: pk[1])[0]
            return _region_name(place)
    short = _city_by_short_name(doc.text) or _county_by_branch(doc.text)
    return _region_name(short) if short else None


# a city bureau's branch is named after the district it serves: 市生态环境局咸安分局
_BRANCH = re.compile(r"[市州](?:[\u4e00-\u9fff]{1,10}?)(?:局|委)(?P<c>[\u4e00-\u9fff]{2,3}?)分局")


def _county_by_branch(text: str) -> Optional[Place]:
    """The county or district of a text that speaks of itself as one (全区, 全县) and names the
    branch of a city bureau after it ('市公安局咸安分局' → 咸安区), when one place of the
    gazetteer has that name."""
    if not re.search(r"全(?:区|县)|本(?:区|县)|我(?:区|县)", text):
        return None
    names = Counter(m.group("c") for m in _BRANCH.finditer(text))
    for short, _n in names.most_common():
        counties = {(p, c, k) for p, c, k in gazetteer().values()
                    if k and k[:-1] == short and k[-1] in "区县"}
        if len(counties) == 1:
            return counties.pop()
    return None


def region_keys(region: Optional[str], issuer: Optional[str]) -> tuple[Optional[str], Optional[str], Optional[str]]:
    """(region_code, region_level, region_name) for joining documents across regions:
    '四川省绵阳市' → ('510700', 'prefecture', '绵阳'); a national document (国务院) →
    ('100000', 'national', '全国'); unknown → (None, None, None)."""
    if not region:
        if is_national(issuer):
            return NATIONAL_CODE, "national", "全国"
        return None, None, None
    entry = _places_by_name().get(region)
    if entry is None:
        return None, None, None
    place, code, short = entry
    level = 3 if place[2] else 2 if place[1] else 1
    return code or None, LEVELS[level], short


def find_source_url(doc: Document, lines: list[str]) -> Optional[str]:
    """The page the text was taken from: front matter (source:, url:) or a 原文链接： line."""
    for key in ("source_url", "source", "url", "link", "原文链接"):
        m = _URL.search(str(doc.front_matter.get(key) or ""))
        if m:
            return m.group(0)
    m = _URL.search(_labelled(lines, "url") or "")
    return m.group(0) if m else None


def _metadata_lines(text: str) -> list[str]:
    """The text's lines with a web table's outer cell borders stripped ('…的通知 |' → '…的通知';
    '||' → ''), and a markdown heading's marks ('# 关于印发…的通知' → '关于印发…的通知'): a title or a
    signature copied from a page table or kept as markdown is still one."""
    return [re.sub(r"^(?:#{1,6}\s+)?[|\s]+|^#{1,6}\s+|[|\s]+$", "", line) for line in text.split("\n")]


def metadata(doc: Document) -> Document:
    lines = _metadata_lines(doc.text)
    doc.title = find_title(doc, lines)
    doc.year = find_year(doc, lines, doc.title)
    provisional = find_issuer(doc, lines, doc.title)
    doc.region = find_region(doc, doc.title, provisional)
    doc.issuer = find_issuer(doc, lines, doc.title)
    doc.region_code, doc.region_level, doc.region_name = region_keys(doc.region, doc.issuer)
    doc.source_url = find_source_url(doc, lines)
    return doc
