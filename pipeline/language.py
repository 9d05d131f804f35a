"""The pipeline object: one document in, the same document with every field filled out.

Built on spaCy's ``Language`` (as the mission asks): every stage after cleaning and every
extractor is a component of a ``spacy.Language`` made by a registered factory with declared
settings; a document is a spaCy ``Doc`` of its cleaned text, and the record the stages fill in
(``pipeline.records.Document``) travels in ``doc._.record``. ``Pipeline.doc`` gives the Doc
with one token per character, so that every span (``doc.spans["targets"]``, ``["owners"]``,
``["deadlines"]``, ``["commitments"]``) has document-absolute character offsets and
``spacy.displacy`` can show them. Runs that only want the tables (``__call__``, ``pipe``, the
batch) carry the text as one token: the components read the record, not the tokens, and
the character tokens cost 6 % of a run (measured on 60 province reports; README).

    from pipeline.language import Pipeline
    nlp = Pipeline()                        # Settings(): the default chain
    doc = nlp("一、重点任务\\n新建保障性住房300套。", year=2024)   # a Document record
    for d in nlp.pipe(paths): ...           # Documents, or PipelineError for a bad file
    nlp.doc(path).spans["targets"]          # the spaCy Doc, for displacy

Ingest (bytes → text) and clean (the text the offsets refer to) run before the Doc exists.
A bad input never raises out of ``pipe``/``process``: it comes back as a ``PipelineError``
naming its stage.
"""
from __future__ import annotations

import contextlib
import json
import shutil
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence, Union


def _import_spacy() -> None:
    """spaCy's thinc imports torch whenever it is installed (the ``[hanlp]`` extra brings it):
    seconds of start-up for nothing, as these components hold no neural network. torch is
    hidden while spaCy loads; HanLP imports it later as usual (thinc then does not use it)."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  (an import of it fails: ImportError)
    try:
        import spacy.language  # noqa: F401
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


_import_spacy()
from spacy.language import Language  # noqa: E402
from spacy.tokenizer import Tokenizer  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402

from pipeline import __version__
from pipeline.config import Settings
from pipeline.extractors import DEFAULT_EXTRACTORS, get, settings_of
from pipeline.records import Document, PipelineError
from pipeline.stages.clean import clean
from pipeline.stages.ingest import Limits, ingest
from pipeline.stages.metadata import metadata
from pipeline.stages.sentences import sentences
from pipeline.stages.structure import structure

PIPELINE_VERSION = __version__

STAGES = [("ingest", ingest), ("clean", clean), ("metadata", metadata),
          ("structure", structure), ("sentences", sentences)]
_DOC_STAGES = {"metadata": metadata, "structure": structure, "sentences": sentences}
MODEL_COMPONENTS = ("ml_targets", "both_targets", "ml_clauses", "both_clauses")  # read models/

for _name in ("record", "stage"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

Input = Union[str, Path, Document]  # a path (str or Path), a text, or a Document


# --------------------------------------------------------------------------- components


class Stage:
    """A stage or extractor as a spaCy component: runs on the record in ``doc._.record``."""

    def __init__(self, name: str, func, settings: dict[str, Any]):
        self.name, self.func, self.settings = name, func, settings

    def __call__(self, doc: Doc, **call_settings: Any) -> Doc:
        doc._.stage = self.name
        try:
            record = self.func(doc._.record, **self.settings)
        except MemoryError as err:
            err.stage = self.name  # (the batch names it in the errors table)
            raise
        except PipelineError:
            raise
        except Exception as err:  # (spaCy would turn a KeyError into "component not initialised")
            raise _Failed(self.name, err) from err
        if self.name == "metadata" and call_settings.get("year") is not None:
            record.year = call_settings["year"]
        doc._.record = record
        return doc


@Language.factory("policy_stage", default_config={"stage": ""})
def make_stage(nlp: Language, name: str, stage: str) -> Stage:
    return Stage(name, _DOC_STAGES[stage], {})


@Language.factory("policy_extractor", default_config={"extractor": "", "settings": {}})
def make_extractor(nlp: Language, name: str, extractor: str, settings: dict[str, Any]) -> Stage:
    declared = settings_of(extractor)
    unknown = sorted(set(settings) - set(declared))
    if unknown:
        raise ValueError(f"extractor {extractor!r} has no setting {', '.join(map(repr, unknown))}; "
                         f"its settings: {', '.join(declared) or 'none'}")
    return Stage(name, get(extractor), {**declared, **settings})


@Language.factory("policy_warn_if_empty")
def make_warn_if_empty(nlp: Language, name: str) -> Stage:
    return Stage(name, _warn_if_empty, {})


@Language.factory("policy_min_confidence", default_config={"threshold": 0.0})
def make_min_confidence(nlp: Language, name: str, threshold: float) -> Stage:
    return Stage(name, _min_confidence, {"threshold": threshold})


def _warn_if_empty(doc: Document) -> Document:
    """A document with no text left once cleaned gives no rows: say why in its warnings."""
    if doc.text.strip():
        return doc
    if getattr(doc, "front_matter", None):
        doc.warnings.append("the Markdown file holds only front matter (between '---' lines) "
                            "and no body text: no commitments can come from it")
    else:
        doc.warnings.append("no text is left once cleaned: no commitments can come from it")
    return doc


def _min_confidence(doc: Document, threshold: float) -> Document:
    """Leaves out the target rows the pipeline was less sure of than ``threshold``."""
    if threshold <= 0:
        return doc
    for c in doc.commitments:
        c.targets = [t for t in c.targets if t.confidence >= threshold]
    return doc


# --------------------------------------------------------------------------- the object


class Pipeline:
    """The stages and extractors that ``settings`` name, as a ``spacy.Language`` (``.nlp``).

    Picklable (it travels as its settings and is rebuilt where it lands), so batch workers and
    Dask workers run exactly what the caller built."""

    def __init__(self, settings: Union[Settings, str, Sequence[str], None] = None, **changes: Any):
        self.settings = Settings.of(settings, **changes)
        self.nlp = _language(self.settings)
        self._tagger = _tagger(self.settings.backend, self.settings.hanlp_model)

    def __reduce__(self):
        return (Pipeline, (self.settings,))

    def __repr__(self) -> str:
        return f"Pipeline({', '.join(self.nlp.pipe_names)})"

    @property
    def pipe_names(self) -> list[str]:
        return list(self.nlp.pipe_names)

    # ---- one document

    def __call__(self, item: Input, *, doc_id: Optional[str] = None, year: Optional[int] = None) -> Document:
        """A file path, a text or an un-ingested Document through every stage. Raises
        ``PipelineError`` for an input that cannot be processed."""
        result = self.process(_record(item, doc_id), year=year)
        if isinstance(result, PipelineError):
            raise result
        return result

    def process(self, record: Document, data: Optional[bytes] = None, limits: Optional[Limits] = None,
                year: Optional[int] = None) -> Union[Document, PipelineError]:
        """``record`` through every stage (``data``: its bytes, if not to be read from its path).
        Never raises for bad input: the failure comes back as a ``PipelineError``."""
        try:
            doc = self._run(record, data, limits, year)
        except PipelineError as err:
            return err
        except _Failed as failed:  # a bug or an input we did not foresee: report, never crash the batch
            return PipelineError(failed.stage, f"{type(failed.error).__name__}: {failed.error}")
        return doc._.record

    def doc(self, item: Input, *, doc_id: Optional[str] = None, year: Optional[int] = None) -> Doc:
        """The spaCy Doc of a document, one token per character, with its spans (for
        ``spacy.displacy`` and span work)."""
        record = self._run(_record(item, doc_id), None, None, year)._.record
        return with_spans(make_doc(self.nlp.vocab, record))

    def pipe(self, items: Iterable[Input]) -> Iterator[Union[Document, PipelineError]]:
        """Documents one after another; a bad one is a ``PipelineError`` in its place."""
        for item in items:
            yield self.process(_record(item, None))

    def _run(self, record: Document, data: Optional[bytes], limits: Optional[Limits],
             year: Optional[int]) -> Doc:
        stage = "ingest"
        try:
            if not record.format:  # (a text given as such is ingested already)
                record = ingest(record, data, limits)
            stage = "clean"
            record = clean(record)
            doc = make_doc(self.nlp.vocab, record, per_character=False)
        except MemoryError as err:
            err.stage = stage
            raise
        except PipelineError:
            raise
        except Exception as err:
            raise _Failed(stage, err) from err
        with self._context():
            return self.nlp(doc, component_cfg={"metadata": {"year": year}})

    @contextlib.contextmanager
    def _context(self) -> Iterator[None]:
        """This pipeline's tagger and models for the length of one document."""
        from pipeline.ml.models import models_dir_override
        from pipeline.stages import tokens

        previous = tokens.get_backend()
        tokens.set_backend(self._tagger)
        try:
            with (models_dir_override(Path(self.settings.models_dir)) if self.settings.models_dir
                  else contextlib.nullcontext()):
                yield
        finally:
            tokens.set_backend(previous)

    # ---- saving

    def to_disk(self, path: Union[str, Path]) -> None:
        """The settings and the trained models the chain reads, in one folder."""
        from pipeline.ml.models import current_models_dir

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        models = None
        if any(name in MODEL_COMPONENTS for name in self.settings.extractors):
            models = path / "models"
            shutil.copytree(self.settings.models_dir or current_models_dir(),
                            models, dirs_exist_ok=True)
        settings = {"chain": self.settings.chain if isinstance(self.settings.chain, str) else list(self.settings.chain),
                    "backend": self.settings.backend, "hanlp_model": self.settings.hanlp_model,
                    "min_confidence": self.settings.min_confidence,
                    "components": {n: dict(c) for n, c in self.settings.components},
                    "models_dir": "models" if models else None, "pipeline_version": PIPELINE_VERSION}
        (path / "settings.json").write_text(json.dumps(settings, ensure_ascii=False, indent=1), "utf-8")

    @classmethod
    def from_disk(cls, path: Union[str, Path]) -> "Pipeline":
        path = Path(path)
        data = json.loads((path / "settings.json").read_text("utf-8"))
        data.pop("pipeline_version", None)
        if data.get("models_dir"):
            data["models_dir"] = str(path / data["models_dir"])
        chain = data.pop("chain")
        return cls(Settings(chain=chain if isinstance(chain, str) else tuple(chain), **data))


class _Failed(Exception):
    def __init__(self, stage: str, error: BaseException):
        super().__init__(str(error))
        self.stage, self.error = stage, error


def _record(item: Input, doc_id: Optional[str]) -> Document:
    """A Document for a path, or for a text (a string that names no existing file)."""
    if isinstance(item, Document):
        return item
    if isinstance(item, Path) or _names_a_file(item):
        return Document(doc_id=doc_id or Path(item).stem, source_path=str(item))
    return Document(doc_id=doc_id or "inline", source_path="<text>", format="txt", encoding="utf_8",
                    raw_text=item)


def _names_a_file(text: str) -> bool:
    if "\n" in text or len(text) > 1024:
        return False
    try:
        return Path(text).is_file()
    except OSError:
        return False


def make_doc(vocab: Vocab, record: Document, per_character: bool = True) -> Doc:
    """The spaCy Doc of a cleaned record: one token per character, so that token and character
    offsets coincide (measured: spaCy's own Chinese character tokenizer takes 4× longer), or
    the whole text as one token."""
    words = list(record.text) if per_character else ([record.text] if record.text else [])
    doc = Doc(vocab, words=words, spaces=[False] * len(words))
    doc._.record = record
    return doc


def with_spans(doc: Doc) -> Doc:
    """``doc.spans``: targets (labelled by status), owners (by role), deadlines, commitments."""
    record: Document = doc._.record
    groups: dict[str, list[Span]] = {"commitments": [], "targets": [], "owners": [], "deadlines": []}
    for c in record.commitments:
        groups["commitments"].append(Span(doc, c.start, c.end, label=c.status or "commitment"))
        for t in c.targets:
            groups["targets"].append(Span(doc, t.raw_start, t.raw_end, label=t.status or "target"))
        for o in c.owners:
            if 0 <= o.start < o.end:
                groups["owners"].append(Span(doc, o.start, o.end, label=o.role or "owner"))
        for d in c.deadlines:
            if 0 <= d.start < d.end:
                groups["deadlines"].append(Span(doc, d.start, d.end, label="deadline"))
    for key, spans in groups.items():
        doc.spans[key] = spans
    return doc


def _language(settings: Settings) -> Language:
    """The spaCy Language of ``settings``, built once per process, settings and registered
    components (a component registered since is a new chain)."""
    return _build(settings, tuple(get(name) for name in settings.extractors))


@lru_cache(maxsize=8)
def _build(settings: Settings, components: tuple) -> Language:
    # Docs are made from records (make_doc), never by the tokenizer: a bare one instead of the
    # default's prefix/suffix/URL patterns (0.09 s of every start to compile)
    nlp = Language(Vocab(), create_tokenizer=lambda nlp: Tokenizer(nlp.vocab))
    for stage in ("metadata", "structure", "sentences"):
        nlp.add_pipe("policy_stage", name=stage, config={"stage": stage})
    nlp.add_pipe("policy_warn_if_empty", name="warn_if_empty")
    for name in settings.extractors:
        nlp.add_pipe("policy_extractor", name=name,
                     config={"extractor": name, "settings": settings.component_settings(name)})
    if settings.min_confidence > 0:
        nlp.add_pipe("policy_min_confidence", name="min_confidence",
                     config={"threshold": settings.min_confidence})
    return nlp


@lru_cache(maxsize=4)
def _tagger(backend: str, hanlp_model: Optional[str]):
    """The POS tagger of a backend: None is jieba (the default); HanLP's from its local folder."""
    if backend == "jieba":
        return None
    from pipeline.stages.taggers import load_hanlp

    return load_hanlp(hanlp_model)


def pipeline_for(settings: Settings) -> Pipeline:
    """One Pipeline per settings and process (workers build theirs once)."""
    return _pipeline(settings, tuple(get(name) for name in settings.extractors))


@lru_cache(maxsize=8)
def _pipeline(settings: Settings, components: tuple) -> Pipeline:
    return Pipeline(settings)


# --------------------------------------------------------------------------- shorthands


def process(path: Path, doc_id: Optional[str] = None,
            extractors: Union[Settings, Sequence[str]] = tuple(DEFAULT_EXTRACTORS)) -> Union[Document, PipelineError]:
    """One file through every stage; a failure becomes a PipelineError naming its stage."""
    return pipeline_for(Settings.of(extractors)).process(_record(Path(path), doc_id))


def process_text(text: str, doc_id: str = "inline", year: Optional[int] = None,
                 extractors: Union[Settings, Sequence[str]] = tuple(DEFAULT_EXTRACTORS)) -> Document:
    """Runs the pipeline on a string (for notebooks and tests); ``year`` overrides the plan year."""
    return pipeline_for(Settings.of(extractors))(text, doc_id=doc_id, year=year)
