"""What a batch reads: files, folders, globs, file lists and zip archives → one ``Source`` per
document, in a stable order.

Order: the inputs in the order given; inside a folder, a glob or an archive, sorted by path.
A path met twice is read once. Inputs that cannot be used (no such file, a corrupt zip, an
unreadable list) come back as problems, each becoming a row of `errors`.
"""
from __future__ import annotations

import glob
import os
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional, Sequence

from .ingest import SUPPORTED_SUFFIXES

ARCHIVE_SUFFIXES = {".zip"}
MEMBER_SEP = "!/"  # 'plans.zip!/2023/要点.txt', as Java and GDAL name archive members


@dataclass(frozen=True)
class Source:
    """One document to process: a file, or a member of a zip archive."""

    source_path: str  # as written in the tables: the path as given, or 'archive.zip!/inner/x.txt'
    path: str  # the file on disk (the archive, for a member)
    member: Optional[str] = None  # the member's name as stored in the archive

    @property
    def name(self) -> str:
        """The document's file name: doc_id is its stem."""
        if self.member is not None:
            return PurePosixPath(self.source_path.split(MEMBER_SEP, 1)[1]).name
        return Path(self.path).name

    @property
    def stem(self) -> str:
        name = self.name
        suffix = Path(name).suffix
        return name[: -len(suffix)] if suffix else name

    def read_bytes(self, archives: Optional[dict] = None) -> bytes:
        """The document's bytes. ``archives`` caches open ZipFile objects across calls."""
        if self.member is None:
            return Path(self.path).read_bytes()
        if archives is None:
            with zipfile.ZipFile(self.path) as zf:
                return zf.read(self.member)
        zf = archives.get(self.path)
        if zf is None:
            zf = archives[self.path] = zipfile.ZipFile(self.path)
        return zf.read(self.member)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_document(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES and not Path(name).name.startswith(".")


def _member_display_name(info: zipfile.ZipInfo) -> str:
    """Member names without the UTF-8 flag are cp437 to zipfile; archives made on Chinese
    Windows store GBK there, so try that before showing mojibake."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for codec in ("utf_8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


def archive_members(path: Path, shown: str) -> list[Source]:
    """The documents of a zip archive, sorted by member name. Raises zipfile.BadZipFile
    (or OSError) for an archive that cannot be read."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    out = []
    for info in infos:
        if info.is_dir():
            continue
        display = _member_display_name(info)
        parts = PurePosixPath(display).parts
        if "__MACOSX" in parts or not _is_document(display):
            continue
        out.append(Source(f"{shown}{MEMBER_SEP}{display}", str(path), info.filename))
    return sorted(out, key=lambda s: s.source_path)


def read_list(list_file: Path) -> list[str]:
    """A file list: one path (or folder, glob, archive) per line; blank lines and lines
    starting with '#' are skipped; relative paths are relative to the list's own folder."""
    out = []
    base = list_file.parent
    for line in list_file.read_text(encoding="utf-8-sig").splitlines():
        item = line.strip()
        if not item or item.startswith("#"):
            continue
        p = Path(item).expanduser()
        out.append(os.path.normpath(p if p.is_absolute() else base / p))
    return out


def expand(inputs: Sequence[str], lists: Sequence[str] = ()) -> tuple[list[Source], list[tuple[str, str]]]:
    """Inputs and list files → (documents in a stable order, [(input, problem)])."""
    problems: list[tuple[str, str]] = []
    items: list[str] = list(inputs)
    for lst in lists:
        try:
            items.extend(read_list(Path(lst)))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append((lst, f"cannot read the file list {lst}: {getattr(exc, 'strerror', None) or exc}"))
    found: list[Source] = []

    def add_file(p: Path, shown: str) -> None:
        if p.suffix.lower() in ARCHIVE_SUFFIXES:
            try:
                found.extend(archive_members(p, shown))
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                problems.append((shown, f"{shown} is not a readable zip archive (corrupt or "
                                        f"truncated: {exc}); re-create or re-download it"))
        else:
            found.append(Source(shown, str(p)))

    for item in items:
        p = Path(item)
        if p.is_dir():
            for q in sorted(p.rglob("*")):
                if q.is_file() and not q.name.startswith(".") and (
                        q.suffix.lower() in SUPPORTED_SUFFIXES or q.suffix.lower() in ARCHIVE_SUFFIXES):
                    add_file(q, str(q))
        elif p.exists():
            add_file(p, item)
        else:
            matches = sorted(m for m in glob.glob(item, recursive=True) if Path(m).is_file())
            if matches:
                for m in matches:
                    add_file(Path(m), m)
            else:
                problems.append((item, f"no such file, folder or glob match: {item}"))
    return dedupe(found), problems


def dedupe(sources: Iterable[Source]) -> list[Source]:
    unique, seen = [], set()
    for s in sources:
        key = (str(Path(s.path).resolve()), s.member)
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def unique_ids(sources: Iterable[Source]) -> list[tuple[Source, str]]:
    """doc_id = file name without extension, made unique with __2, __3… when two collide."""
    seen: dict[str, int] = {}
    out = []
    for s in sources:
        base = s.stem
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append((s, base if n == 0 else f"{base}__{n + 1}"))
    return out
