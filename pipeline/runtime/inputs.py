"""What a batch reads: files, folders, globs, file lists and zip archives → one ``Source`` per
document, in a stable order.

Order: the inputs in the order given; inside a folder, a glob or an archive, sorted by path.
A path met twice is read once. Inputs that cannot be used (no such file, a corrupt zip, an
unreadable list, an unreadable folder, a symbolic-link loop) come back as problems, each
becoming a row of `errors`. The output folder is never read as input (``exclude``). File names
that are not valid UTF-8 (GBK names from a Windows zip unpacked on Linux) are kept as they are
for reading and shown with their bytes escaped (``\\xc4\\xe3.txt``) in tables and logs.
"""
from __future__ import annotations

import glob
import os
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional, Sequence

from pipeline.stages.ingest import SUPPORTED_SUFFIXES

ARCHIVE_SUFFIXES = {".zip"}
MEMBER_SEP = "!/"  # 'plans.zip!/2023/要点.txt', as Java and GDAL name archive members


@dataclass(frozen=True)
class Source:
    """One document to process: a file, or a member of a zip archive."""

    source_path: str  # as written in the tables: the path as given, or 'archive.zip!/inner/x.txt'
    path: str  # the file on disk (the archive, for a member)
    member: Optional[str] = None  # the member's name as stored in the archive

    @property
    def identity(self) -> str:
        """What makes two runs' inputs the same document of a dataset: the absolute path of
        the file (symbolic links resolved), and the member for an archive's member."""
        where = shown(os.path.realpath(self.path))
        return where if self.member is None else f"{where}{MEMBER_SEP}{self.member}"

    @property
    def name(self) -> str:
        """The document's file name: doc_id is its stem."""
        if self.member is not None:
            return PurePosixPath(self.source_path.split(MEMBER_SEP, 1)[1]).name
        return shown(Path(self.path).name)

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


def shown(path: str) -> str:
    """``path`` as it can be written to a table or a log: the bytes of a name that is not
    valid UTF-8 (kept by Python as lone surrogates) escaped as ``\\xNN``."""
    if not any("\udc80" <= c <= "\udcff" for c in path):
        return path
    return os.fsencode(path).decode("utf-8", "backslashreplace")


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


def _inside(path: str, folders: Sequence[str]) -> bool:
    real = os.path.realpath(path)
    return any(real == f or real.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def _walk(folder: Path, problems: list[tuple[str, str]], exclude: Sequence[str]) -> list[Path]:
    """Every file under ``folder`` (symbolic links to folders followed once), sorted by path;
    an unreadable folder and a link back into a folder already read are problems, not silence."""
    found: list[Path] = []
    visited: set[tuple[int, int]] = set()

    def unreadable(err: OSError) -> None:
        where = shown(str(err.filename or folder))
        problems.append((where, f"cannot read the folder {where}: {err.strerror or err}; the "
                                "files in it were skipped (check its permissions)"))

    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=True):
        try:
            info = os.stat(root)
        except OSError as exc:
            unreadable(exc)
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in visited:
            where = shown(root)
            problems.append((where, f"{where} leads back to a folder already read (a symbolic-"
                                    "link loop); not followed again"))
            dirs[:] = []
            continue
        visited.add((info.st_dev, info.st_ino))
        dirs[:] = [d for d in dirs if not _inside(os.path.join(root, d), exclude)]
        for name in files:
            path = os.path.join(root, name)
            if os.path.islink(path) and not os.path.exists(path) and _wanted(name):
                found.append(Path(path))  # a broken link or loop: reading it says which
            elif _wanted(name) and not _inside(path, exclude):
                found.append(Path(path))
    return sorted(found)


def _wanted(name: str) -> bool:
    suffix = Path(name).suffix.lower()
    return not name.startswith(".") and (suffix in SUPPORTED_SUFFIXES or suffix in ARCHIVE_SUFFIXES)


def expand(inputs: Sequence[str], lists: Sequence[str] = (),
           exclude: Sequence[Path] = ()) -> tuple[list[Source], list[tuple[str, str]]]:
    """Inputs and list files → (documents in a stable order, [(input, problem)]).
    ``exclude``: folders never read (the output folder, wherever the inputs point)."""
    problems: list[tuple[str, str]] = []
    items: list[str] = list(inputs)
    skip = [os.path.realpath(p) for p in exclude]
    for lst in lists:
        try:
            items.extend(read_list(Path(lst)))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append((shown(lst), f"cannot read the file list {shown(lst)}: "
                                         f"{getattr(exc, 'strerror', None) or exc}"))
    found: list[Source] = []

    def add_file(p: Path, given: str) -> None:
        if _inside(str(p), skip):
            problems.append((shown(given), f"{shown(given)} is inside the output folder; "
                                           "not read as input"))
        elif p.suffix.lower() in ARCHIVE_SUFFIXES:
            try:
                found.extend(archive_members(p, shown(given)))
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                problems.append((shown(given), f"{shown(given)} is not a readable zip archive "
                                               f"(corrupt or truncated: {exc}); re-create or "
                                               "re-download it"))
        else:
            found.append(Source(shown(given), str(p)))

    for item in items:
        p = Path(item)
        if p.is_dir():
            if _inside(item, skip):
                problems.append((shown(item), f"{shown(item)} is the output folder or inside it; "
                                              "not read as input"))
                continue
            for q in _walk(p, problems, skip):
                add_file(q, str(q))
        elif p.exists() or p.is_symlink():
            add_file(p, item)
        else:
            matches = sorted(m for m in glob.glob(item, recursive=True)
                             if Path(m).is_file() and not _inside(m, skip))
            if matches:
                for m in matches:
                    add_file(Path(m), m)
            else:
                problems.append((shown(item), f"no such file, folder or glob match: {shown(item)}"))
    return dedupe(found), problems


def dedupe(sources: Iterable[Source]) -> list[Source]:
    unique, seen = [], set()
    for s in sources:
        key = (os.path.realpath(s.path), s.member)
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


MAX_ID_BYTES = 200  # doc_id + '.txt' must stay a valid file name (255 bytes) in texts/


def _base_id(stem: str) -> str:
    raw = stem.encode("utf-8")
    if len(raw) <= MAX_ID_BYTES:
        return stem or "document"
    return raw[:MAX_ID_BYTES].decode("utf-8", "ignore")


def assign_ids(sources: Iterable[Source], known: Optional[dict[str, str]] = None,
               taken: Iterable[str] = ()) -> list[tuple[Source, str]]:
    """doc_id = file name without extension; a source the dataset knows already (``known``:
    identity → doc_id) keeps its id; any other id that collides with one in ``taken`` (the
    dataset's ids) or given earlier in this run gets __2, __3… — compared without case, so
    that texts/<doc_id>.txt stay distinct on case-insensitive file systems too."""
    known = known or {}
    used = {t.casefold() for t in taken} | {v.casefold() for v in known.values()}
    out: list[tuple[Source, str]] = []
    for s in sources:
        doc_id = known.get(s.identity)
        if doc_id is None:
            base = _base_id(s.stem)
            doc_id, n = base, 1
            while doc_id.casefold() in used:
                n += 1
                doc_id = f"{base}__{n}"
        used.add(doc_id.casefold())
        out.append((s, doc_id))
    return out


def unique_ids(sources: Iterable[Source]) -> list[tuple[Source, str]]:
    """doc_ids of a fresh dataset: ``assign_ids`` with nothing known."""
    return assign_ids(sources)
