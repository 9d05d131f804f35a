"""Document metadata: title, issuer, region and plan year.

Evidence is taken in order of reliability: labelled fields (标题：, 发文机关：, 成文日期：, markdown
front matter), the title, the speaker line of a work report (我代表…; XX市人民政府市长), signature
lines, and last the body. Places come from jionlp's gazetteer of Chinese administrative areas.
"""
from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from functools import lru_cache
from typing import Optional

from .records import Document

_DOC_TYPE = r"(要点|计划|方案|报告|意见|通知|规划|清单|办法|纲要|决定|细则|总结|规定|条例|指南|措施|任务|公报)"
_TITLE_LINE = re.compile(rf"^[^，。；：:！？]{{4,80}}{_DOC_TYPE}(?:[（(][^）)]*[）)])?$")
_LABEL = {"title": r"标\s*题", "issuer": r"发文机关|发布机关|发文单位|来源单位", "date": r"成文日期|发文日期|印发日期"}
_NATIONAL = re.compile(r"^(国务院|中共中央|全国人民代表大会|全国人大|中央|国家|.{1,10}部$|.{1,10}总局$|.{1,10}委员会$)")
_ORG_END = r"(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|市委|省委|县委|区委|党委|政府|团市委|团省委|团县委|国务院|部|局|厅|委)"
_ORG = re.compile(rf"(?:中共|中国共产党)?[\u4e00-\u9fff]{{0,16}}?{_ORG_END}")
_SPEAKER = re.compile(r"我代表(?P<org>[\u4e00-\u9fff]{2,20}?)(?:，|,|向)")
_MAYOR = re.compile(r"(?P<org>[\u4e00-\u9fff]{2,12}?(?:省|市|县|区|自治区|自治州))人民政府(?:代理)?(?:省长|市长|县长|区长|主席|州长)")
_GENERIC_GOV = {"省人民政府", "市人民政府", "县人民政府", "区人民政府", "自治区人民政府",
                "省政府", "市政府", "县政府", "区政府", "自治区政府"}
_CITED = re.compile(r"根据《(?P<org>[^《》]{2,40}?)关于[^《》]{2,60}》")
_DATE_LINE = re.compile(r"^(?:——)?(?P<y>(?:19|20)\d\d)年\d{1,2}月\d{1,2}日")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年")


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple[str, Optional[str], Optional[str]]]:
    """Place name (full or alias) → (province, city, county), from jionlp's location data."""
    with contextlib.redirect_stdout(io.StringIO()):
        from jionlp.dictionary.dictionary_loader import china_location_loader
    data = china_location_loader()
    names: dict[str, tuple[str, Optional[str], Optional[str]]] = {}

    def aliases(node: dict) -> list[str]:
        alias = node.get("_alias") or []
        return [alias] if isinstance(alias, str) else list(alias)

    for prov, pnode in data.items():
        names.setdefault(prov, (prov, None, None))
        for a in aliases(pnode):
            if len(a) >= 2:
                names.setdefault(a, (prov, None, None))
        for city, cnode in pnode.items():
            if city.startswith("_"):
                continue
            if city != prov:  # municipalities list themselves as their own city
                names.setdefault(city, (prov, city, None))
                for a in aliases(cnode):
                    if len(a) >= 2:
                        names.setdefault(a, (prov, city, None))
            for county, knode in cnode.items():
                if county.startswith("_"):
                    continue
                names.setdefault(county, (prov, city if city != prov else None, county))
    return names


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern:
    names = sorted(gazetteer(), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


def _region_name(place: tuple[str, Optional[str], Optional[str]]) -> str:
    return "".join(p for p in place if p)


def find_places(text: str) -> list[tuple[str, Optional[str], Optional[str]]]:
    return [gazetteer()[m.group(0)] for m in _place_pattern().finditer(text)]


def _labelled(lines: list[str], label: str) -> Optional[str]:
    pat = re.compile(rf"^(?:{_LABEL[label]})\s*[:：]\s*(.*)$")
    for i, line in enumerate(lines[:40]):
        m = pat.match(line)
        if m:
            value = m.group(1).strip() or (lines[i + 1].strip() if i + 1 < len(lines) else "")
            return value or None
    return None


def find_title(doc: Document, lines: list[str]) -> Optional[str]:
    title = _labelled(lines, "title") or doc.front_matter.get("title")
    if title:
        return re.sub(r"[（(][^）)]*\d{4}年[^）)]*[）)]$", "", title).strip()
    candidates = [ln for ln in lines[:15] if _TITLE_LINE.match(ln)]
    if not candidates:
        return lines[0][:80] if lines else None
    first = lines.index(candidates[0])
    # a title printed twice (a broken one joined, then the real one): take the fuller
    if first + 1 < len(lines) and lines[first + 1] in candidates and len(lines[first + 1]) > len(candidates[0]):
        return lines[first + 1]
    return candidates[0]


def _split_orgs(text: str) -> str:
    """'中共嵊泗县委办公室嵊泗县人民政府办公室' → '中共嵊泗县委办公室、嵊泗县人民政府办公室'."""
    text = re.sub(r"(办公室|办公厅)(?=[\u4e00-\u9fff]{4,})", r"\1、", text)
    return text


def find_issuer(doc: Document, lines: list[str], title: Optional[str]) -> Optional[str]:
    labelled = _labelled(lines, "issuer")
    if labelled:
        return labelled
    head = "\n".join(lines[:60])
    m = _MAYOR.search(head)
    if m:
        return m.group("org") + "人民政府"
    m = _SPEAKER.search(head)
    if m:
        org = m.group("org")
        if org in _GENERIC_GOV and doc.region:  # '我代表省人民政府' → '云南省人民政府'
            level = "省" if org.startswith(("省", "自治区")) else org[0]
            suffix = org[3:] if org.startswith("自治区") else org[1:]
            return _short_region(doc.region, level) + suffix
        return org
    if title:
        m = re.match(rf"^(?P<org>.+?)(?:关于|(?:19|20)\d\d年|印发)", title)
        if m and re.search(_ORG_END + "$", m.group("org")):
            return _split_orgs(m.group("org"))
    m = _CITED.search(head)
    if m and re.search(_ORG_END + "$", m.group("org")):
        return m.group("org")
    return None


def _short_region(region: str, level: str) -> str:
    """The part of a full region name down to a level: ('云南省', '省') → '云南省'."""
    for place in gazetteer().values():
        if _region_name(place) == region:
            prov, city, county = place
            if level == "省":
                return prov
            if level == "市" and city:
                return city
            if level in ("县", "区") and county:
                return county
    return region


def find_year(doc: Document, lines: list[str], title: Optional[str]) -> Optional[int]:
    for source in (title, doc.front_matter.get("title"), _labelled(lines, "date")):
        if source:
            m = _YEAR.search(source)
            if m:
                return int(m.group(1))
    for line in lines[:30] + lines[-10:]:
        m = _DATE_LINE.match(line)
        if m:
            return int(m.group("y"))
    m = re.search(r"(?:19|20)\d\d", doc.doc_id)
    if m:
        return int(m.group(0))
    body = re.sub(r"《[^《》]*》|[（(][^）)]*[）)]", "", doc.text[:3000])
    m = _YEAR.search(body)
    return int(m.group(1)) if m else None


_SHORT_NAME = re.compile(r"(?:在|来|驻|留|赴|援|到|落户)(?P<c>[\u4e00-\u9fff])(?:举办|发展|工作|创业|就业|投资|落户|高校)|(?P<c2>[\u4e00-\u9fff])品出")


def _city_by_short_name(text: str) -> Optional[tuple[str, Optional[str], Optional[str]]]:
    """'在绵举办', '来绵发展': a one-character city name, when exactly one city starts with it."""
    counts = Counter(m.group("c") or m.group("c2") for m in _SHORT_NAME.finditer(text))
    for char, n in counts.most_common():
        if n < 2:
            break
        cities = {(p, c, None) for p, c, k in gazetteer().values() if c and c.startswith(char) and k is None}
        if len(cities) == 1:
            return cities.pop()
    return None


def _depth(place: tuple[str, Optional[str], Optional[str]]) -> int:
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


def find_region(doc: Document, title: Optional[str], issuer: Optional[str]) -> Optional[str]:
    if issuer and _NATIONAL.match(issuer):
        return None
    for source in (doc.front_matter.get("region"), title, issuer, doc.doc_id, doc.source_path.split("/")[-1]):
        if source:
            places = find_places(source)
            if places:
                return _region_name(max(places, key=lambda p: sum(1 for x in p if x)))
    head = doc.text[:5000]
    places = Counter(find_places(head))
    level = _issuer_level(issuer)
    if level is not None:  # a 团市委 plan is about a city: Hong Kong named in passing is not its region
        places = Counter({p: n for p, n in places.items() if _depth(p) == level})
    if places:
        place, n = places.most_common(1)[0]
        # prefer a county or city that lies inside the most mentioned province
        if n >= 2:
            deeper = [(p, k) for p, k in places.items() if p[0] == place[0] and sum(1 for x in p if x) > sum(1 for x in place if x) and k >= 2]
            if deeper:
                place = max(deeper, key=lambda pk: pk[1])[0]
            return _region_name(place)
    short = _city_by_short_name(doc.text)
    return _region_name(short) if short else None


def metadata(doc: Document) -> Document:
    lines = doc.text.split("\n")
    doc.title = find_title(doc, lines)
    doc.year = find_year(doc, lines, doc.title)
    provisional = find_issuer(doc, lines, doc.title)
    doc.region = find_region(doc, doc.title, provisional)
    doc.issuer = find_issuer(doc, lines, doc.title)
    return doc
