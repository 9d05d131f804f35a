"""Owners: the units a text names as responsible for a task, with their role.

Notations: '牵头单位：A，配合单位：B、C' / '责任单位：A' labels; '（A牵头，B、C配合）' and
'（A负责）' notes; '由A牵头/负责'; 'A会同B…' and 'A牵头组织…' in running text; table rows whose
cells are units. The issuer is the default owner of every other commitment (source 'issuer').
"""
from __future__ import annotations

import bisect
import re

from ..records import Commitment, Document, Owner
from ..tokens import tag
from . import register

# What a unit's name ends with.
_ORG_SUFFIX = (r"(?:部门|部|委员会|委|局|厅|办公室|办|院|署|总局|行|会|联|协|中心|集团|公司|政府|"
               r"机关|单位|团委|团|队|站|所|处|科|室|街道|镇|乡|县|区|市|县级市|组|馆|台|社|校)")
# '列第一位者为牵头单位，下同': the first unit of every later note leads.
FIRST_IS_LEAD = re.compile(r"(列|排)(在)?第一位(者|的)?(单位)?(为|是)牵头")
_LABELS = {"牵头单位": "lead", "牵头部门": "lead", "牵头领导": None, "责任单位": "responsible",
           "责任部门": "responsible", "主责单位": "responsible", "负责单位": "responsible",
           "实施单位": "responsible", "承办单位": "responsible", "主办单位": "responsible",
           "配合单位": "support", "配合部门": "support", "协办单位": "support",
           "参与单位": "support", "协同单位": "support"}
_LABEL_RE = re.compile(r"(" + "|".join(_LABELS) + r")\s*[:：]\s*")
_NOTE_RE = re.compile(r"[（(]([^（）()]{2,160})[）)]")
_SEGMENT_ROLE = re.compile(r"^(?P<names>.+?)(?:等(?:有关|相关)?(?:部门|单位)?)?(?:按职责分工|按职责|依职责|分别)?"
                           r"(?P<role>牵头负责|负责牵头|牵头|负责|配合|参与|协同|协助|落实)(?:实施|落实)?$")
_ROLE_AT = re.compile(r"(牵头负责|负责牵头|牵头|会同|负责)(?!制|同志|人|的同志|任)")
_GAP = re.compile(r"((依照|按照|根据)[^，。；、]{0,10}|等(有关|相关)?(部门|单位)?|按职责分工|按职责|分别|要|应|统一|共同)$")
_GENERIC = re.compile(r"(组织|职能|有关|相关|各级|各类|用人|主管|行业主管|业务主管)(部门|单位)$")
_SPLIT = re.compile(r"[、，,；;/]|\s+")
_ADMIN_LEVEL = re.compile(r"^(县级市|县|市|区|乡镇|街道|县（市、区）|县\(市、区\))$")
_BAD_NAME = re.compile(r"^(各地|有关|相关|各级|地方|我们|政府工作|其他)")
_ROLE_WORDS = {"牵头负责": "lead", "负责牵头": "lead", "牵头": "lead", "会同": "lead", "负责": "responsible", "配合": "support",
               "参与": "support", "协同": "support", "协助": "support", "落实": "responsible"}


def _names(text: str) -> list[str]:
    """Split a list of units, keeping '各区、县级市' whole."""
    parts = [p.strip(" 。.：:等") for p in _SPLIT.split(text) if p.strip(" 。.：:等")]
    out: list[str] = []
    for p in parts:
        if out and out[-1].startswith("各") and _ADMIN_LEVEL.match(p):
            out[-1] = out[-1] + "、" + p
        else:
            out.append(p)
    return [p for p in out if 2 <= len(p) <= 30 and not _BAD_NAME.match(p)]


def _is_org(name: str) -> bool:
    return bool(re.search(_ORG_SUFFIX + r"$", name)) or name.startswith("各")


def labelled_owners(text: str) -> list[Owner]:
    """'牵头单位：A，配合单位：B、C' (inside or outside brackets)."""
    out = []
    labels = list(_LABEL_RE.finditer(text))
    for i, m in enumerate(labels):
        role = _LABELS[m.group(1)]
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        chunk = text[m.end():end]
        chunk = re.split(r"[）)。；\n]", chunk, maxsplit=1)[0]
        if role:
            out.extend(Owner(n, role, "explicit") for n in _names(chunk) if _is_org(n))
    return out


def note_owners(text: str) -> list[Owner]:
    """'（A牵头，B、C按职责分工负责）', '（A负责）', '（A牵头，B配合）'."""
    out = []
    for note in _NOTE_RE.finditer(text):
        body = note.group(1)
        if _LABEL_RE.search(body):
            continue
        found: list[Owner] = []
        has_lead = False
        for segment in re.split(r"[，,；;。]", body):
            if not segment.strip() or FIRST_IS_LEAD.search(segment) or segment.strip() == "下同":
                continue
            m = _SEGMENT_ROLE.match(segment.strip())
            if not m:
                found = []
                break
            role = _ROLE_WORDS[m.group("role")]
            if role == "responsible" and has_lead:
                role = "responsible"
            has_lead = has_lead or role == "lead"
            names = [n for n in _names(m.group("names").split("由")[-1]) if _is_org(n)]
            if not names:
                found = []
                break
            found.extend(Owner(n, role, "explicit") for n in names)
        out.extend(found)
    return out


def _plain_org(name: str) -> bool:
    """A unit's name: ends like one, is not a generic class, and holds no verb ('贯彻军委')."""
    if not re.fullmatch(rf"[\u4e00-\u9fff（）()]{{2,24}}{_ORG_SUFFIX}", name) or _GENERIC.search(name) \
            or _BAD_NAME.match(name):
        return False
    _words, tags = tag(name)
    return not any(t.startswith("v") and t != "vn" for t in tags)


def running_owners(text: str) -> list[Owner]:
    """'由市委组织部负责', 'A、B牵头的…', 'A会同有关部门…', 'A依照职业标准牵头组织开发'."""
    out = []
    for m in _ROLE_AT.finditer(text):
        left = text[:m.start()]
        prev = None
        while prev != left:
            prev = left
            left = _GAP.sub("", left)
        segment = re.split(r"[，。；（(：:\n]", left)[-1].split("由")[-1]
        names = [n for n in segment.split("、") if n]
        if not names or not _plain_org(names[-1]):
            continue
        for name in names:
            if _plain_org(name):
                out.append(Owner(name, _ROLE_WORDS[m.group(1)], "explicit"))
    return out


_SCORING_COLUMN = re.compile(r"(评分|考核|督查|督办|监测)(部门|单位)$")
_RESPONSIBLE_COLUMN = re.compile(r"(责任|牵头|主责|负责)(部门|单位)$")


def _table_owners(c: Commitment, header: list[str]) -> list[Owner]:
    """Table rows: cells that are units, in a 责任部门 column; a trailing 评分部门 column is not."""
    cells = [x.strip() for x in c.text.split("\n")]
    orgs = [cell for cell in cells[2:]
            if re.fullmatch(rf"[\u4e00-\u9fff（）()]{{2,30}}{_ORG_SUFFIX}", cell)]
    responsible = [i for i, h in enumerate(header) if _RESPONSIBLE_COLUMN.search(h.strip())]
    scoring = [i for i, h in enumerate(header) if _SCORING_COLUMN.search(h.strip())]
    if not responsible or not cells[0].isdigit():
        return []  # not a task table, or its header row
    if scoring and scoring[-1] > responsible[0] and len(orgs) > 1:
        orgs = orgs[:-1]  # the last unit cell fills the scoring column
    return [Owner(name, "responsible", "explicit") for name in orgs]


def find_owners(c: Commitment, table_header: list[str] | None = None) -> list[Owner]:
    if c.sentence is not None and c.sentence.table_row:
        return _table_owners(c, table_header or [])
    owners = labelled_owners(c.text) or note_owners(c.text) or running_owners(c.text)
    seen, out = set(), []
    for o in owners:
        if o.name not in seen:
            seen.add(o.name)
            out.append(o)
    return out


@register("owners")
def extract_owners(doc: Document) -> Document:
    line_starts = [m.end() for m in re.finditer("\n", doc.text)]

    def line_of(pos: int) -> int:
        return bisect.bisect_right(line_starts, pos)

    headers: dict[int, list[str]] = {}  # table row start → that table's header cells
    header: list[str] = []
    for sent in doc.sentences:
        if sent.table_row:
            cells = sent.text.split("\n")
            if not cells[0].strip().isdigit():
                header = cells
            headers[sent.start] = header
        else:
            header = []
    first_leads = FIRST_IS_LEAD.search(doc.text) is not None
    # a note at the end of a paragraph names the owners of the whole paragraph
    by_line: dict[int, list[Owner]] = {}
    for c in doc.commitments:
        c.owners = find_owners(c, headers.get(c.start))
        if first_leads and c.owners and not any(o.role == "lead" for o in c.owners):
            c.owners[0].role = "lead"
        if c.owners:
            bucket = by_line.setdefault(line_of(c.start), [])
            bucket.extend(o for o in c.owners if o not in bucket)
    for c in doc.commitments:
        if not c.owners:
            inherited = by_line.get(line_of(c.start))
            if inherited:
                c.owners = [Owner(o.name, o.role, o.source) for o in inherited]
        if c.owners:
            c.owner_source = "explicit"
        else:
            c.owner_source = "issuer"
            if doc.issuer:
                c.owners = [Owner(doc.issuer, "responsible", "issuer")]
    return doc
