"""The per-document cache that makes batch runs incremental and resumable.

Every processed document leaves one file in ``<out>/.cache/``: ``<doc_id>.<key>.arrow``, an
Arrow IPC file (LZ4) of a single row holding the cleaned text and the document's rows of every
table (one list column per table): it is written and read back far faster than Parquet. It is written under a temporary name and renamed, so a run killed at any moment
leaves only whole files. ``key`` hashes everything the rows depend on: the file's bytes
(sha256), its doc_id and file name, the extractor chain and the pipeline's own code, resources
and models (``fingerprint``). A rerun reuses a file whose key still matches, and the final
tables are always assembled from these files in input order, so an interrupted run that is
started again ends with exactly the tables of an uninterrupted one.

Each cache file ends with a checksum (sha256 of the record): a file damaged on disk (a flipped
bit, a truncated write) is found, reported and processed again instead of silently changing
published values.

The output folder is a *dataset*: ``dataset.json`` (``Dataset``) lists its documents in table
order with their doc_id, source path, identity (the absolute path of the source) and cache key,
and the inputs that failed. A run adds and updates documents and keeps the others.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import pyarrow as pa
import pyarrow.ipc  # noqa: F401  (pa.ipc)

from pipeline import __version__
from pipeline.stages.tables import SCHEMAS, TABLES
from pipeline.runtime.writers import atomic_path

CACHE_DIR = ".cache"
MANIFEST = "dataset.json"
_CHECKSUM_MAGIC = b"PCSUM1"  # trailer: magic + sha256 of the record before it
_TRAILER = len(_CHECKSUM_MAGIC) + 32
logger = logging.getLogger("pipeline.runtime.batch")
_PACKAGE = Path(__file__).resolve().parents[1]
from pipeline.config import Settings  # noqa: E402


def fingerprint(settings: Settings) -> str:
    """Changes whenever the pipeline could produce different rows: its version, the extractor
    chain, the bytes of its code, resources and trained models, the tagger backend
    (``--backend``; nothing for the default jieba) and any other setting."""
    from pipeline.stages.taggers import cache_tag

    extra = ""
    if settings.min_confidence or settings.components or settings.models_dir:
        extra = repr((settings.min_confidence, settings.components, settings.models_dir))
    return _fingerprint(settings.extractors, cache_tag(settings.backend, settings.hanlp_model) + extra)


@lru_cache(maxsize=8)
def _fingerprint(extractors: tuple[str, ...], backend: str) -> str:
    from pipeline.ml.models import MODELS_DIR as _MODELS  # (the repository's, or the installed copy;
    # imported here: it brings joblib and numpy, which the batch process needs for nothing else)

    h = hashlib.sha256()
    h.update(f"{__version__}\0{','.join(extractors)}\0".encode())
    if backend:
        h.update(f"backend\0{backend}\0".encode())
    files = sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and p.suffix not in (".pyc",)
                   and "__pycache__" not in p.parts)
    if _MODELS.is_dir():
        files += sorted(p for p in _MODELS.iterdir() if p.is_file())
    for p in files:
        h.update(str(p.relative_to(_PACKAGE.parent)).encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


def doc_key(fp: str, doc_id: str, file_name: str, content_sha256: str) -> str:
    return hashlib.sha256(f"{fp}\0{doc_id}\0{file_name}\0{content_sha256}".encode()).hexdigest()[:24]


def cache_name(doc_id: str, key: str) -> str:
    """File name in the cache; doc_ids too long for a file name are hashed."""
    safe = doc_id if len(doc_id.encode()) <= 150 and "/" not in doc_id and not doc_id.startswith(".") \
        else hashlib.sha256(doc_id.encode()).hexdigest()[:32]
    return f"{safe}.{key}.arrow"


_RECORD_SCHEMA = pa.schema(
    [("doc_id", pa.string()), ("key", pa.string()), ("text", pa.large_string())]
    + [(name, pa.list_(pa.struct(list(SCHEMAS[name])))) for name in TABLES if name != "errors"])


_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")


def encode(doc_id: str, key: str, text: str, rows: dict[str, list[dict]]) -> bytes:
    """One document's text and rows → the bytes of its cache file."""
    columns = {"doc_id": [doc_id], "key": [key], "text": [text]}
    for name in TABLES:
        if name != "errors":
            columns[name] = [rows[name]]
    table = pa.Table.from_pydict(columns, schema=_RECORD_SCHEMA)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, _RECORD_SCHEMA, options=_IPC_OPTIONS) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def decode(data_or_path) -> tuple[str, str, str, dict[str, pa.Table]]:
    """(doc_id, key, text, {table: rows as a pa.Table with the table's schema})."""
    if isinstance(data_or_path, (bytes, bytearray)):
        record = pa.ipc.open_file(pa.BufferReader(data_or_path)).read_all()
    else:
        with pa.OSFile(str(data_or_path)) as f:
            record = pa.ipc.open_file(f).read_all()
    if record.schema != _RECORD_SCHEMA or record.num_rows != 1:
        raise ValueError("not a cache record of this pipeline version")
    tables = {}
    for name in TABLES:
        if name == "errors":
            tables[name] = SCHEMAS[name].empty_table()
            continue
        values = record.column(name).combine_chunks().flatten()
        tables[name] = pa.Table.from_struct_array(values)
    return (record.column("doc_id")[0].as_py(), record.column("key")[0].as_py(),
            record.column("text")[0].as_py(), tables)


class Cache:
    """``<out>/.cache``: which documents are done, and their rows."""

    def __init__(self, out_dir: Path):
        self.dir = Path(out_dir) / CACHE_DIR

    def path(self, doc_id: str, key: str) -> Path:
        return self.dir / cache_name(doc_id, key)

    def has(self, doc_id: str, key: str) -> bool:
        return self.path(doc_id, key).is_file()

    def put(self, doc_id: str, key: str, payload: bytes) -> None:
        """Writes the record with its checksum trailer (under a temporary name, renamed)."""
        with atomic_path(self.path(doc_id, key)) as tmp:
            with open(tmp, "wb") as f:
                f.write(payload)
                f.write(_CHECKSUM_MAGIC + hashlib.sha256(payload).digest())

    def get(self, doc_id: str, key: str) -> Optional[tuple[str, dict[str, pa.Table]]]:
        """(text, tables), or None when the file is missing, fails its checksum or cannot be
        read (the caller processes the document again); a damaged file is logged."""
        path = self.path(doc_id, key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        payload, trailer = data[:-_TRAILER], data[-_TRAILER:]
        if len(data) < _TRAILER or not trailer.startswith(_CHECKSUM_MAGIC) \
                or hashlib.sha256(payload).digest() != trailer[len(_CHECKSUM_MAGIC):]:
            logger.warning("cache entry %s fails its checksum (damaged on disk?); it is not "
                           "used and the document is processed again", path.name)
            return None
        try:
            got_id, got_key, text, tables = decode(payload)
        except (pa.ArrowException, ValueError):
            return None
        if got_id != doc_id or got_key != key:
            return None
        return text, tables

    def prune(self, keep: Sequence[Path]) -> int:
        """Removes cache files of documents no longer among the inputs (and stray temporary
        files of killed runs); returns how many were removed."""
        if not self.dir.is_dir():
            return 0
        wanted = {p.name for p in keep}
        removed = 0
        for p in self.dir.iterdir():
            if p.is_file() and p.name not in wanted and p.suffix in (".arrow", ".parquet", ".tmp"):
                try:
                    os.unlink(p)
                    removed += 1
                except OSError:
                    pass
        return removed


# --------------------------------------------------------------------------- the dataset


@dataclass
class Entry:
    """One input of the dataset: a published document (``status`` 'ok': doc_id, key) or an
    input whose last attempt failed ('failed': stage, error)."""

    identity: str
    source_path: str
    status: str = "ok"
    doc_id: Optional[str] = None
    name: Optional[str] = None
    key: Optional[str] = None
    stage: Optional[str] = None
    error: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class Dataset:
    """The manifest of an output folder: its entries in table order."""

    entries: list[Entry]

    @property
    def ids(self) -> list[str]:
        return [e.doc_id for e in self.entries if e.ok and e.doc_id]

    def to_json(self, version: str) -> str:
        return json.dumps({"format": 1, "pipeline_version": version,
                           "documents": sum(1 for e in self.entries if e.ok),
                           "entries": [{k: v for k, v in asdict(e).items() if v is not None}
                                       for e in self.entries]},
                          ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def load(cls, folder: Path) -> Optional["Dataset"]:
        """The manifest in ``folder`` (a published generation); None when there is none. A
        manifest that cannot be read raises ValueError: the caller must not overwrite a dataset
        it cannot read."""
        path = Path(folder) / MANIFEST
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            fields = set(Entry.__dataclass_fields__)
            return cls([Entry(**{k: v for k, v in e.items() if k in fields})
                        for e in data["entries"]])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"cannot read the dataset manifest {path}: {exc}") from exc

    @classmethod
    def from_legacy_tables(cls, out_dir: Path, cache: "Cache") -> Optional["Dataset"]:
        """An output folder written before datasets had a manifest: its documents table and
        cache give the entries (their cache keys are found by file name), so a first run with
        this version keeps them instead of dropping them."""
        import pyarrow.parquet as pq

        from pipeline.runtime.inputs import MEMBER_SEP, shown

        table = Path(out_dir) / "documents.parquet"
        if not table.is_file() or table.is_symlink():
            return None
        try:
            docs = pq.read_table(table, columns=["doc_id", "source_path"]).to_pylist()
        except (OSError, pa.ArrowException):
            return None
        entries = []
        for row in docs:
            doc_id, source = row["doc_id"], row["source_path"] or ""
            path, sep, member = source.partition(MEMBER_SEP)
            identity = shown(os.path.realpath(path)) + (sep + member if sep else "")
            prefix = cache_name(doc_id, "").rsplit(".", 2)[0] + "."
            found = sorted(cache.dir.glob(f"{_glob_escape(prefix)}*.arrow")) if cache.dir.is_dir() else []
            if not found:
                continue
            key = found[0].name[len(prefix):-len(".arrow")]
            entries.append(Entry(identity, source, doc_id=doc_id, name=Path(member or path).name,
                                 key=key))
        return cls(entries)


def _glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)
