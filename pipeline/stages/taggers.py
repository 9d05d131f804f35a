"""Tokenizer/tagger backends: what turns a sentence into the words and POS tags that the
extractors read (``pipeline.stages.tokens.tag``).

``jieba`` (the default) is ``pipeline.stages.tokens``' own jieba code and needs nothing here.

``hanlp`` tags with a HanLP model that the user keeps in a local folder (``--hanlp-model DIR``;
``pip install -e ".[hanlp]"``). It never downloads anything: the folder must exist and hold a
saved HanLP component, checked before HanLP is imported, HanLP's downloader is switched off while
a model loads, and Hugging Face libraries are put in offline mode. Layouts of DIR:

* DIR is a HanLP POS tagger (``config.json`` + ``model.pt``, as ``component.save``/``fit`` write
  them, or an unpacked HanLP POS model). Words come from jieba (the same words as the default
  backend, with the government-unit dictionary); HanLP tags them.
* DIR holds ``pos/`` (the tagger, required) and ``tok/`` (a HanLP tokenizer, optional): with
  ``tok/`` HanLP segments too. Its words are aligned back onto the sentence (offsets must stay
  exact); a sentence whose words cannot be aligned is segmented by jieba instead.

Tags in the CTB tag set (``VV``, ``NN``, ``CD``…) are mapped to jieba's (``v``, ``n``, ``m``…),
because the extractors' rules are written for jieba's tags; PKU-style tags (``v``, ``vn``,
``nt``…) and any other tags pass through unchanged.

Each process runs torch on one thread (documents run in parallel with ``--workers``);
``OMP_NUM_THREADS`` overrides that. Models run on the CPU.

The choice is part of the run's settings (``pipeline.config.Settings(backend="hanlp",
hanlp_model=DIR)``, ``--backend``/``--hanlp-model``), which travel to worker processes with the
pipeline object; each process loads the model once. Workers of a remote Dask cluster need the
model folder at the same path.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Optional

from pipeline.config import BACKENDS

INSTALL_HINT = ('pip install torch==2.13.0 && pip install -e ".[hanlp]"   '
                "(or: make install-hanlp; install torch first, pinned, or pip fetches a "
                "multi-GB CUDA build)")
MODEL_HINT = ("HanLP models are not shipped with this program and are never downloaded by it. "
              "Download a HanLP POS model yourself (a HanLP 2.x PyTorch POS tagger such as "
              "hanlp.pretrained.pos.PKU_POS_ELECTRA_SMALL: the .zip named in that constant, from "
              "the HanLP file server), unzip it, and pass the folder that holds config.json and "
              "model.pt as --hanlp-model DIR; or train one with HanLP (RNNTagger.fit(..., "
              "save_dir=DIR)). For HanLP segmentation as well, use DIR/pos/ and DIR/tok/.")

Tagger = Callable[[str], "tuple[list[str], list[str]]"]


class BackendError(Exception):
    """The backend cannot be used: not installed, no model, or a model HanLP cannot load."""


# --------------------------------------------------------------------------- choosing


def check(name: str = "jieba", model_dir: Optional[str | os.PathLike] = None) -> None:
    """Loads the backend's model now, so that a bad model is reported once, before any document
    is read. Raises ``BackendError``."""
    if name not in BACKENDS:
        raise BackendError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name == "jieba":
        if model_dir:
            raise BackendError("--hanlp-model needs --backend hanlp")
        return
    if not model_dir:
        raise BackendError("--backend hanlp needs --hanlp-model DIR, a local HanLP model folder. "
                           + MODEL_HINT)
    load_hanlp(str(Path(model_dir).expanduser().resolve()))


def cache_tag(name: str = "jieba", model_dir: Optional[str] = None) -> str:
    """What the batch cache key must include about the backend: '' for jieba (keys unchanged),
    else the backend, the model folder and a digest of the model's files."""
    if name == "jieba":
        return ""
    model_dir = model_dir or ""
    h = hashlib.sha256(f"{name}\0{model_dir}\0".encode())
    root = Path(model_dir)
    if root.is_dir():
        for p in sorted(q for q in root.rglob("*") if q.is_file()):
            st = p.stat()
            h.update(f"{p.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
            if p.suffix == ".json":
                h.update(p.read_bytes())
    return h.hexdigest()


# --------------------------------------------------------------------------- HanLP


def hanlp_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("hanlp") is not None


def _component_dir(path: Path, what: str) -> Path:
    """Checks that ``path`` holds a saved HanLP component before HanLP sees it (HanLP would
    take a missing folder for a name to download, and report a missing weight file as
    ``ModuleNotFoundError: pkg_resources``)."""
    config = path / "config.json"
    if not config.is_file():
        raise BackendError(f"{what} {path} holds no config.json, so it is not a saved HanLP "
                           "component. " + MODEL_HINT)
    try:
        meta = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackendError(f"{config} is not readable JSON ({exc}); the model folder is damaged: "
                           "download or train it again.") from None
    classpath = meta.get("classpath") or meta.get("class_path") if isinstance(meta, dict) else None
    if not classpath:
        raise BackendError(f"{config} names no HanLP classpath: not a HanLP 2.x component. "
                           + MODEL_HINT)
    if "_tf" in classpath or classpath.endswith("TF"):
        raise BackendError(f"{path} is a TensorFlow HanLP component ({classpath}); only the "
                           "PyTorch components of HanLP 2.x are supported. " + MODEL_HINT)
    if not (path / "model.pt").is_file():
        raise BackendError(f"{what} {path} has config.json but no model.pt (the weights): the "
                           "download or unzip is incomplete. " + MODEL_HINT)
    return path


def _locate(model_dir: str | os.PathLike) -> tuple[Path, Optional[Path]]:
    """(tagger folder, tokenizer folder or None) of a --hanlp-model folder."""
    root = Path(model_dir).expanduser()
    if not root.exists():
        raise BackendError(f"HanLP model folder {root} does not exist. " + MODEL_HINT)
    if not root.is_dir():
        raise BackendError(f"--hanlp-model {root} is a file; give the folder that holds the "
                           "model's config.json (unzip a downloaded .zip first). " + MODEL_HINT)
    if (root / "config.json").is_file():
        return _component_dir(root, "HanLP model folder"), None
    if (root / "pos").is_dir():
        tok = root / "tok"
        return (_component_dir(root / "pos", "HanLP POS model folder"),
                _component_dir(tok, "HanLP tokenizer folder") if tok.is_dir() else None)
    raise BackendError(f"HanLP model folder {root} holds neither config.json nor pos/config.json. "
                       + MODEL_HINT)


@contextlib.contextmanager
def _offline():
    """No downloads while HanLP loads: Hugging Face offline, HanLP's downloader refusing."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from hanlp.utils import io_util

    def refuse(url, *args, **kwargs):
        raise BackendError(f"the HanLP model asked to download {url}; this program never "
                           "downloads. Put every file the model needs into its folder. "
                           + MODEL_HINT)

    saved = io_util.download
    io_util.download = refuse
    try:
        yield
    finally:
        io_util.download = saved


def _import_hanlp():
    os.environ.setdefault("HANLP_VERBOSE", "0")
    try:
        import hanlp
    except ImportError as exc:
        raise BackendError(f"--backend hanlp needs HanLP, which is not installed ({exc}). "
                           f"Install it with: {INSTALL_HINT}") from None
    return hanlp


def _load_component(hanlp, path: Path):
    try:
        with _offline():
            return hanlp.load(str(path), verbose=False, devices=-1)
    except BackendError:
        raise
    except ModuleNotFoundError as exc:
        # HanLP's own error report imports pkg_resources, gone from setuptools >= 81: the real
        # cause is the exception it was reporting.
        cause = exc.__context__ if exc.name == "pkg_resources" and exc.__context__ else exc
        raise BackendError(f"HanLP could not load the model in {path}: "
                           f"{type(cause).__name__}: {cause}. The folder may be incomplete or "
                           "made by another HanLP version. " + MODEL_HINT) from None
    except Exception as exc:
        raise BackendError(f"HanLP could not load the model in {path}: {type(exc).__name__}: "
                           f"{exc}. " + MODEL_HINT) from None


# CTB part-of-speech tags (HanLP's CTB models) → the jieba/ICTCLAS tags the extractors expect.
CTB_TO_JIEBA = {
    "VV": "v", "VC": "v", "VE": "v", "VA": "a", "NN": "n", "NR": "nr", "NT": "t", "CD": "m",
    "OD": "m", "M": "q", "AD": "d", "P": "p", "CC": "c", "CS": "c", "DEC": "uj", "DEG": "uj",
    "DER": "ud", "DEV": "uv", "AS": "ul", "SP": "y", "ETC": "u", "MSP": "u", "LC": "f", "PN": "r",
    "DT": "r", "JJ": "a", "PU": "x", "FW": "eng", "IJ": "e", "ON": "o", "LB": "p", "SB": "p",
    "BA": "p", "URL": "x", "EM": "x", "IC": "x", "NOI": "x", "X": "x",
}


def to_jieba_tags(tags: list[str]) -> list[str]:
    """CTB tags mapped to jieba's; every other tag unchanged."""
    return [CTB_TO_JIEBA.get(t, t) for t in tags]


def align(words: list[str], text: str) -> Optional[list[str]]:
    """``words`` laid back onto ``text`` so that they join to it exactly: whitespace that the
    tokenizer dropped becomes tokens of its own. None when the words are not ``text``'s
    characters in order (a tokenizer that normalises characters)."""
    out: list[str] = []
    i = 0
    n = len(text)
    for w in words:
        if not w:
            continue
        start = i
        while i < n and text[i].isspace() and not text.startswith(w, i):
            i += 1
        if i > start:
            out.append(text[start:i])
        if not text.startswith(w, i):
            return None
        out.append(w)
        i += len(w)
    if i < n:
        if text[i:].strip():
            return None
        out.append(text[i:])
    return out


class HanLPTagger:
    """``tag(text) -> (words, tags)`` with a HanLP POS model (and optionally a HanLP tokenizer);
    otherwise words from jieba."""

    def __init__(self, model_dir: str | os.PathLike):
        pos_dir, tok_dir = _locate(model_dir)  # before importing HanLP: fast, clear errors
        hanlp = _import_hanlp()
        if not os.environ.get("OMP_NUM_THREADS"):
            import torch

            # One sentence at a time through a small model: torch's thread pool costs more than
            # it gives (measured 4.5x faster with 1 thread); --workers parallelises documents.
            torch.set_num_threads(1)
        self.model_dir = str(model_dir)
        self.pos = _load_component(hanlp, pos_dir)
        self.tok = _load_component(hanlp, tok_dir) if tok_dir is not None else None
        self.segmenter = "hanlp" if self.tok is not None else "jieba"
        try:  # one sentence through it now, so that a model of the wrong kind fails here
            self("组织不少于1000名大学生参与政务见习。")
        except BackendError:
            raise
        except Exception as exc:
            raise BackendError(f"the HanLP model in {model_dir} loaded but failed on a test "
                               f"sentence ({type(exc).__name__}: {exc}); it must be a POS tagger "
                               "taking a list of words. " + MODEL_HINT) from None

    def words(self, text: str) -> list[str]:
        from pipeline.stages.tokens import tag_jieba

        if self.tok is not None:
            got = align(list(self.tok(text)), text)
            if got is not None:
                return got
        return tag_jieba(text)[0]

    def __call__(self, text: str) -> tuple[list[str], list[str]]:
        words = self.words(text)
        if not words:
            return [], []
        # Whitespace tokens mean nothing to a tagger (and HanLP models never saw them): jieba's 'x'.
        idx = [i for i, w in enumerate(words) if w.strip()]
        tags = ["x"] * len(words)
        if idx:
            got = self.pos([words[i] for i in idx])
            if not isinstance(got, list) or len(got) != len(idx) or \
                    not all(isinstance(t, str) for t in got):
                raise BackendError(f"the HanLP model in {self.model_dir} returned "
                                   f"{type(got).__name__} for a list of {len(idx)} words, not one "
                                   "tag per word: use a POS tagger. " + MODEL_HINT)
            for i, t in zip(idx, to_jieba_tags(got)):
                tags[i] = t
        return words, tags


def load_hanlp(model_dir: str | os.PathLike) -> HanLPTagger:
    """The HanLP backend over the model folder ``model_dir``. Raises ``BackendError``.
    (The pipeline object keeps the one it loaded: ``pipeline.language``.)"""
    return HanLPTagger(model_dir)
