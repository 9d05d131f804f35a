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
    table_row: bool = False  # a row of a table flattened one cell per line


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
    date: Optional[str]  # ISO date
    start: int
    end: int


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
    deadline: Optional[Deadline] = None
    status: str = "planned"  # 'planned' | 'achieved'
    targets: list[Target] = field(default_factory=list)
    method: str = "rule"
    confidence: float = 1.0
    sentence: Optional[Sentence] = field(default=None, repr=False)  # where it came from


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
    warnings: list[str] = field(default_factory=list)
    body_end: int = -1  # where a trailing glossary/attachment starts; -1 until structure ran
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)

    @property
    def targets(self) -> list[Target]:
        return [t for c in self.commitments for t in c.targets]
