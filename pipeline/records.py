"""The one record type that flows through every stage, and the spans it carries.

Each stage is a function ``Document -> Document`` that fills in more fields; offsets
(``start``/``end``) always refer to ``Document.text``, the cleaned text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


class PipelineError(Exception):
    """An input that cannot be processed; becomes a row of the ``errors`` table."""

    def __init__(self, stage: str, message: str):
        super().__init__(message)
        self.stage = stage
        self.message = message


@dataclass
class Section:
    section_id: str
    parent_id: Optional[str]
    level: int
    number: str
    title: str
    start: int  # start of the heading line
    end: int  # end of the section's body (start of the next section at its level or above)
    kind: str = ""  # numbering style: 'cn', 'cn_paren', 'arabic', 'arabic_paren', 'circled', 'chapter', 'article', 'md'
    path: str = ""  # 'number title > number title' from the root


@dataclass
class Sentence:
    """A sentence (or table row) with offsets, tokens and POS tags."""

    start: int
    end: int
    text: str
    section_id: Optional[str] = None
    words: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    review: bool = False  # lies in a review of past work
    part: str = ""  # kind of the document part holding it: 'review', 'outlook', 'plan', 'other' (pipeline/stages/parts.py)
    estimate_from: int = -1  # offset in ``text`` from which results are stated as estimates (预计全年…)
    table_row: bool = False  # a row of a table flattened one cell per line
    in_attachment: bool = False  # lies in an attachment (附件…), not in the main body


@dataclass
class Target:
    target_id: str
    raw: str
    value: float
    value_max: Optional[float]
    unit: Optional[str]
    comparator: str
    raw_start: int  # offsets of ``raw`` in the cleaned text
    raw_end: int
    entity: Optional[str] = None
    action: Optional[str] = None
    status: str = "target"  # 'target' | 'achievement'
    method: str = "rule"
    confidence: float = 1.0
    # its own reading (the `metrics` component, pipeline/extractors/metrics.py); None until it ran
    metric: Optional[str] = None  # canonical indicator ('gdp_growth') or a cluster id
    metric_name: Optional[str] = None
    scope: Optional[str] = None  # 'whole' (the document's region) or a named sub-area ('滇中新区')
    period: Optional[str] = None  # 'annual' | 'sub-annual' | 'multi-year'


@dataclass
class Owner:
    name: str
    role: str  # 'lead' | 'support' | 'responsible'
    source: str  # 'explicit' | 'issuer'
    start: int = -1
    end: int = -1


@dataclass
class Deadline:
    raw: str
    date: Optional[str]  # ISO date; None when it cannot be resolved (no issue date printed)
    start: int
    end: int
    kind: str = "by"  # 'by', 'recurring', 'relative', 'within_years', 'this_year', 'holiday', 'plan_period'


@dataclass
class Commitment:
    commitment_id: str
    section_id: Optional[str]
    section_path: str
    text: str
    start: int
    end: int
    action: Optional[str] = None
    owners: list[Owner] = field(default_factory=list)
    owner_source: str = "issuer"
    deadlines: list[Deadline] = field(default_factory=list)  # in text order
    status: str = "planned"  # 'planned' | 'achieved'
    targets: list[Target] = field(default_factory=list)
    method: str = "rule"
    confidence: float = 1.0
    sentence: Optional[Sentence] = field(default=None, repr=False)  # where it came from

    @property
    def deadline(self) -> Optional[Deadline]:
        """The first deadline (the one of ``commitments.deadline_raw``/``deadline_date``)."""
        return self.deadlines[0] if self.deadlines else None

    @deadline.setter
    def deadline(self, value: Optional[Deadline]) -> None:
        self.deadlines = [value] if value is not None else []


@dataclass
class Document:
    doc_id: str
    source_path: str
    format: str = ""
    encoding: str = ""
    sha256: str = ""
    raw_text: str = ""
    text: str = ""  # cleaned text: all offsets refer to it
    front_matter: dict = field(default_factory=dict)
    title: Optional[str] = None
    issuer: Optional[str] = None
    region: Optional[str] = None
    year: Optional[int] = None
    region_code: Optional[str] = None  # 6-digit administrative division code ('510700'); '100000' national
    region_level: Optional[str] = None  # 'national' | 'province' | 'prefecture' | 'county'
    region_name: Optional[str] = None  # short form: '绵阳', '四川', '全国'
    source_url: Optional[str] = None  # the page the text was taken from (front matter, 原文链接)
    warnings: list[str] = field(default_factory=list)
    body_end: int = -1  # end of the main body: where the first attachment/glossary starts; -1 until structure ran
    attachments: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each 附件, from its line
    parts: list = field(default_factory=list)  # pipeline.stages.parts.Part: review, outlook, plan, other
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)

    @property
    def targets(self) -> list[Target]:
        return [t for c in self.commitments for t in c.targets]
