"""The HanLP backend (--backend hanlp, pipeline/stages/taggers.py), tested without network.

No pretrained HanLP model can be downloaded here (nor should the backend ever try), so the tests
train a tiny HanLP ``RNNTagger`` (crf=False) on local data: sentences of the project's own
documents in data/raw/, with the words and POS tags that jieba (``pipeline.stages.tokens.tag_jieba``)
gives them. The tagger is saved to a folder, loaded through the backend, and the real command is
run with it. This tests the plumbing (loading from a folder, tags from HanLP reaching the
extractors, worker processes, errors), not HanLP's accuracy: the tagger has seen these sentences.

Every HanLP run happens with the network refused: in this process by patching ``socket``, in the
command's processes by a ``sitecustomize`` on PYTHONPATH; HANLP_HOME points into a temp folder.

The tests that need HanLP are skipped when it is not installed (``make install-hanlp`` installs
it), except in CI (CI=true), where they fail instead: .ci/run installs it.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import socket
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import RAW, ROOT, SEED, run_cli
from pipeline.stages import taggers as backends, tokens
from pipeline.stages.taggers import BackendError

HAVE_HANLP = backends.hanlp_available()
if not HAVE_HANLP and os.environ.get("CI"):
    raise RuntimeError("HanLP is not installed, but CI must run tests/test_hanlp_backend.py: "
                       ".ci/run should have run `make install-hanlp`")
needs_hanlp = pytest.mark.skipif(
    not HAVE_HANLP, reason="HanLP is not installed (optional extra): make install-hanlp, or "
                           "pip install torch==2.13.0 && pip install -e '.[hanlp]'")

_GUARD = '''
import socket
_LOCAL = ("127.", "::1", "localhost", "0.0.0.0", "")
def _check(host):
    if isinstance(host, bytes):
        host = host.decode()
    if host is not None and not str(host).startswith(_LOCAL):
        raise OSError("network access refused by the test: " + str(host))
_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address[0])
    return _connect(self, address)
def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address[0])
    return _connect_ex(self, address)
def getaddrinfo(host, *args, **kwargs):
    _check(host)
    return _getaddrinfo(host, *args, **kwargs)
socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
'''


@pytest.fixture(scope="module")
def guard_dir(tmp_path_factory) -> Path:
    """A folder with a sitecustomize.py that refuses non-loopback connections and DNS."""
    d = tmp_path_factory.mktemp("netguard")
    (d / "sitecustomize.py").write_text(_GUARD, encoding="utf-8")
    return d


@pytest.fixture
def no_network(monkeypatch):
    """The same refusal in this process."""
    namespace: dict = {}
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)
    exec(_GUARD, namespace)
    yield
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = saved


@pytest.fixture(autouse=True)
def _restore_backend():
    """Every test leaves the process on jieba."""
    yield
    tokens.set_backend(None)


# --------------------------------------------------------------------------- training data


def training_sentences(n: int = 400) -> list[str]:
    """Sentences of data/raw/: all of the seed plan's, then others, ``n`` in all."""
    from pipeline.language import process_text

    seed, other = [], []
    for path in sorted(RAW.glob("*.txt")):
        doc = process_text(path.read_text(encoding="utf-8"), extractors=())
        sents = [s.text.strip() for s in doc.sentences if 4 <= len(s.text.strip()) <= 150]
        (seed if path.stem == SEED else other).extend(sents)
    random.Random(0).shuffle(other)
    return (seed + other)[:n]


def write_tsv(path: Path, sentences: list[str]) -> None:
    """HanLP's tagging TSV: one 'word<TAB>tag' line per word, a blank line after a sentence."""
    with path.open("w", encoding="utf-8") as f:
        for s in sentences:
            words, tags = tokens.tag_jieba(s)
            for w, t in zip(words, tags):
                if w.strip():
                    f.write(f"{w}\t{t}\n")
            f.write("\n")


@pytest.fixture(scope="module")
def hanlp_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("hanlp_home")
    saved = os.environ.get("HANLP_HOME")
    os.environ["HANLP_HOME"] = str(home)
    yield home
    if saved is None:
        os.environ.pop("HANLP_HOME", None)
    else:
        os.environ["HANLP_HOME"] = saved


@pytest.fixture(scope="module")
def trained(tmp_path_factory, hanlp_home) -> dict:
    """A HanLP RNNTagger trained here on jieba's tags of 400 project sentences, saved to a folder."""
    import torch
    from hanlp.components.taggers.rnn_tagger import RNNTagger

    torch.set_num_threads(1)  # a tiny model: threads only add overhead (and suffer most from load)
    work = tmp_path_factory.mktemp("hanlp_tagger")
    sentences = training_sentences(400)
    write_tsv(work / "train.tsv", sentences)
    # dev: a part of the training set (a dev tag unseen in training crashes HanLP 2.1.5)
    write_tsv(work / "dev.tsv", sentences[:100])
    model = work / "model"
    started = time.perf_counter()
    tagger = RNNTagger()
    tagger.fit(str(work / "train.tsv"), str(work / "dev.tsv"), str(model), epochs=25, crf=False,
               embed=64, rnn_hidden=128, batch_size=32, lr=0.01, devices=-1, seed=1,
               verbose=False)
    seconds = time.perf_counter() - started
    return {"dir": model, "seconds": seconds, "sentences": sentences}


def relabelled_copy(src: Path, dst: Path, mapping: dict[str, str]) -> Path:
    """The same trained model with some tag names changed in vocabs.json: it predicts the same
    ids, so the new names wherever it predicted the old ones (names must stay distinct)."""
    shutil.copytree(src, dst)
    vocabs = json.loads((dst / "vocabs.json").read_text(encoding="utf-8"))
    vocabs["tag"]["idx_to_token"] = [mapping.get(t, t) for t in vocabs["tag"]["idx_to_token"]]
    (dst / "vocabs.json").write_text(json.dumps(vocabs, ensure_ascii=False), encoding="utf-8")
    return dst


def run_hanlp_cli(guard_dir: Path, hanlp_home: Path, *args: str):
    env = dict(os.environ, PYTHONPATH=str(guard_dir), HANLP_HOME=str(hanlp_home))
    import subprocess

    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def seed_targets(out: Path) -> dict:
    t = pd.read_parquet(out / "targets.parquet")
    t = t[(t.doc_id == SEED) & (t.status == "target")]
    return {r.value: r for r in t.itertuples()}


# --------------------------------------------------------------------------- without HanLP


def test_missing_model_folder_is_a_clear_error_before_hanlp_is_imported(tmp_path):
    with pytest.raises(BackendError) as err:
        backends.load_hanlp(tmp_path / "nowhere")
    msg = str(err.value)
    assert "does not exist" in msg and "never downloaded" in msg and "--hanlp-model" in msg
    assert "PKU_POS_ELECTRA_SMALL" in msg  # tells what to download


def test_incomplete_model_folders_are_explained(tmp_path):
    with pytest.raises(BackendError, match="holds neither config.json"):
        backends.load_hanlp(tmp_path)
    (tmp_path / "config.json").write_text('{"classpath": "hanlp.components.taggers.rnn_tagger.RNNTagger"}')
    with pytest.raises(BackendError, match="no model.pt"):
        backends.load_hanlp(tmp_path)
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(BackendError, match="not readable JSON"):
        backends.load_hanlp(tmp_path)
    (tmp_path / "config.json").write_text('{"classpath": "hanlp.components.taggers.pos_tf.CNNPartOfSpeechTaggerTF"}')
    with pytest.raises(BackendError, match="TensorFlow"):
        backends.load_hanlp(tmp_path)


def test_cli_without_a_model_exits_2_with_the_reason(tmp_path):
    r = run_cli("extract", str(RAW / f"{SEED}.txt"), "--out", str(tmp_path / "out"),
                "--backend", "hanlp", "--hanlp-model", str(tmp_path / "missing"))
    assert r.returncode == 2, r.stderr
    assert "does not exist" in r.stderr and "HanLP" in r.stderr
    r = run_cli("extract", str(RAW / f"{SEED}.txt"), "--out", str(tmp_path / "out"), "--backend", "hanlp")
    assert r.returncode == 2 and "needs --hanlp-model" in r.stderr
    assert not (tmp_path / "out" / "targets.parquet").exists()


def test_the_cli_flag_decides_not_a_stray_environment(tmp_path):
    """Settings are never read from the environment: the variables of earlier versions do nothing."""
    import subprocess

    env = dict(os.environ, PIPELINE_BACKEND="hanlp", PIPELINE_HANLP_MODEL=str(tmp_path / "none"))
    r = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(RAW / f"{SEED}.txt"),
                        "--out", str(tmp_path / "out"), "--workers", "1"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr  # --backend jieba (the default) is used
    assert len(seed_targets(tmp_path / "out")) == 3


def test_default_backend_is_jieba_and_unchanged():
    text = "组织不少于1000名大学生参与政务见习，资助困难学生450余名。"
    assert tokens._backend is None
    assert tokens.tag(text) == tokens.tag_jieba(text) == tokens.tag_posseg(text)


def test_ctb_tags_are_mapped_to_jieba_tags():
    assert backends.to_jieba_tags(["VV", "NN", "CD", "M", "PU", "vn", "nt"]) == \
        ["v", "n", "m", "q", "x", "vn", "nt"]


def test_align_keeps_offsets_exact():
    assert backends.align(["组织", "大学生"], "组织 大学生") == ["组织", " ", "大学生"]
    assert backends.align(["a", "b"], "ab ") == ["a", "b", " "]
    assert backends.align(["组织", "學生"], "组织学生") is None  # a normalising tokenizer


def test_cache_key_depends_on_backend_and_model(tmp_path):
    from pipeline.config import Settings
    from pipeline.runtime.cache import _fingerprint, fingerprint

    jieba_fp = fingerprint(Settings(chain=("status",)))
    assert backends.cache_tag() == ""
    (tmp_path / "config.json").write_text("{}")
    hanlp = Settings(chain=("status",), backend="hanlp", hanlp_model=str(tmp_path))
    hanlp_fp = fingerprint(hanlp)
    assert hanlp_fp != jieba_fp
    (tmp_path / "config.json").write_text('{"changed": 1}')
    _fingerprint.cache_clear()
    assert fingerprint(hanlp) != hanlp_fp
    assert fingerprint(Settings(chain=("status",), min_confidence=0.5)) != jieba_fp


# --------------------------------------------------------------------------- with HanLP


@needs_hanlp
@pytest.mark.slow
def test_tiny_tagger_trains_offline_in_seconds(trained):
    d = trained["dir"]
    assert (d / "config.json").is_file() and (d / "model.pt").is_file()
    print(f"\ntrained a HanLP RNNTagger on {len(trained['sentences'])} sentences "
          f"in {trained['seconds']:.1f} s")


@needs_hanlp
@pytest.mark.slow
def test_backend_tags_come_from_the_hanlp_model(trained, no_network):
    backend = backends.load_hanlp(trained["dir"])
    assert backend.segmenter == "jieba"
    text = "组织不少于1000名大学生参与政务见习。"
    words, tags = backend(text)
    assert words == tokens.tag_jieba(text)[0]  # jieba's words
    assert tags == backend.pos(words)  # HanLP's tags
    calls = []
    real = backend.pos
    backend.pos = lambda ws: calls.append(ws) or real(ws)
    tokens.set_backend(backend)
    assert tokens.tag(text) == (words, tags)
    assert calls == [words]
    # the tiny tagger learnt jieba's tags: nearly all of them come back
    same = total = 0
    for s in trained["sentences"][:150]:
        jw, jt = tokens.tag_jieba(s)
        _, ht = backend(s)
        same += sum(a == b for a, b in zip(jt, ht))
        total += len(jt)
    assert same / total > 0.9, same / total


@needs_hanlp
@pytest.mark.slow
def test_worker_processes_load_the_backend_from_the_settings(trained, no_network):
    """The pipeline object travels to workers pickled as its settings and loads the model there."""
    import pickle

    from pipeline.config import Settings
    from pipeline.language import Pipeline

    nlp = pickle.loads(pickle.dumps(Pipeline(Settings(chain=("status", "commitments"), backend="hanlp",
                                                      hanlp_model=str(trained["dir"])))))
    assert isinstance(nlp._tagger, backends.HanLPTagger)
    seen = []
    real = nlp._tagger.pos
    nlp._tagger.pos = lambda ws: seen.append(ws) or real(ws)
    try:
        nlp("一、重点任务\n资助困难学生450余名。", year=2024)
    finally:
        nlp._tagger.pos = real
    assert seen  # the commitments stage tagged with HanLP
    assert tokens._backend is None  # only for the length of the document



@needs_hanlp
@pytest.mark.slow
def test_hanlp_tokenizer_words_are_aligned_onto_the_text(trained, no_network):
    backend = backends.load_hanlp(trained["dir"])
    # a HanLP tokenizer that drops spaces (stands in for DIR/tok/: HanLP 2.1.5's trainable
    # RNNTokenizer cannot build its dataset, so none can be made here without downloads)
    backend.tok = lambda text: [w for w in tokens.tag_jieba(text)[0] if w.strip()]
    words, tags = backend("组织 不少于1000名大学生。")
    assert "".join(words) == "组织 不少于1000名大学生。"
    assert tags[words.index(" ")] == "x"


@needs_hanlp
@pytest.mark.slow
def test_layout_with_pos_and_tok_folders(trained, tmp_path, no_network):
    shutil.copytree(trained["dir"], tmp_path / "pos")
    backend = backends.load_hanlp(tmp_path)
    assert backend.tok is None and backend.segmenter == "jieba"
    (tmp_path / "tok").mkdir()
    with pytest.raises(BackendError, match="tokenizer folder .* holds no config.json"):
        backends.load_hanlp(tmp_path)


@needs_hanlp
@pytest.mark.slow
def test_a_missing_weight_file_is_explained_not_pkg_resources(trained, tmp_path, no_network):
    broken = tmp_path / "broken"
    shutil.copytree(trained["dir"], broken)
    (broken / "vocabs.json").unlink()  # passes our checks; HanLP itself fails to load it
    with pytest.raises(BackendError) as err:
        backends.load_hanlp(broken)
    assert "pkg_resources" not in str(err.value)
    assert "HanLP could not load the model" in str(err.value)


@needs_hanlp
@pytest.mark.slow
def test_extract_with_hanlp_backend_gives_the_seed_targets(trained, guard_dir, hanlp_home, tmp_path):
    started = time.perf_counter()
    r = run_hanlp_cli(guard_dir, hanlp_home, str(RAW / f"{SEED}.txt"), "--out", str(tmp_path / "out"),
                      "--backend", "hanlp", "--hanlp-model", str(trained["dir"]))
    seconds = time.perf_counter() - started
    assert r.returncode == 0, r.stderr
    assert "backend hanlp" in r.stderr
    assert "network access refused" not in r.stderr
    got = seed_targets(tmp_path / "out")
    assert {(v, t.unit, t.comparator) for v, t in got.items()} == \
        {(300.0, "名", "="), (1000.0, "名", ">="), (450.0, "名", ">")}
    assert got[1000.0].action == "组织" and got[1000.0].entity == "大学生"
    assert got[450.0].action == "资助"
    assert pd.read_parquet(tmp_path / "out" / "errors.parquet").empty
    print(f"\nextract --backend hanlp on the seed plan: {seconds:.1f} s")


@needs_hanlp
@pytest.mark.slow
def test_worker_processes_tag_with_the_named_model(trained, guard_dir, hanlp_home, tmp_path):
    """Two documents, two worker processes: the tags come from the model folder given. With a
    copy of the model whose verb tags are renamed to non-verbs, commitments are lost; with one
    whose tags are renamed to CTB's (VV, NN, CD, M), mapped back, the rows are the same."""
    inputs = [str(RAW / f"{SEED}.txt"), str(RAW / "2021_shengsixian_xiangcunzhenxing_renwuqingdan_excerpt.txt")]
    noverbs = relabelled_copy(trained["dir"], tmp_path / "noverbs",
                              {"v": "n_v", "vn": "n_vn", "vd": "n_vd", "vg": "n_vg"})
    ctb = relabelled_copy(trained["dir"], tmp_path / "ctb", {"v": "VV", "n": "NN", "m": "CD", "q": "M"})
    outs = {}
    for name, model in (("hanlp", trained["dir"]), ("noverbs", noverbs), ("ctb", ctb)):
        out = tmp_path / f"out_{name}"
        r = run_hanlp_cli(guard_dir, hanlp_home, *inputs, "--out", str(out), "--workers", "2",
                          "--backend", "hanlp", "--hanlp-model", str(model))
        assert r.returncode == 0, r.stderr
        assert "2 workers" in r.stderr
        outs[name] = out
    commitments = {n: pd.read_parquet(outs[n] / "commitments.parquet") for n in outs}
    # a sentence is a commitment when it has a verb tag or a number: without verb tags, the
    # sentences with a verb and no number are gone
    assert len(commitments["noverbs"]) < len(commitments["hanlp"]) - 10
    assert set(commitments["noverbs"].doc_id) == set(commitments["hanlp"].doc_id)
    pd.testing.assert_frame_equal(commitments["ctb"][["commitment_id", "text", "action"]],
                                  commitments["hanlp"][["commitment_id", "text", "action"]])
    cols = ["raw", "value", "unit", "comparator", "entity", "action"]
    a = pd.read_parquet(outs["hanlp"] / "targets.parquet")[cols]
    b = pd.read_parquet(outs["ctb"] / "targets.parquet")[cols]
    pd.testing.assert_frame_equal(a, b)
    assert seed_targets(outs["hanlp"])[1000.0].action == "组织"


@needs_hanlp
@pytest.mark.slow
def test_switching_backend_does_not_reuse_the_other_backends_cache(trained, guard_dir, hanlp_home, tmp_path):
    out = tmp_path / "out"
    args = (str(RAW / f"{SEED}.txt"), "--out", str(out), "--workers", "1")
    assert run_cli("extract", *args).returncode == 0
    r = run_hanlp_cli(guard_dir, hanlp_home, *args, "--backend", "hanlp", "--hanlp-model", str(trained["dir"]))
    assert r.returncode == 0, r.stderr
    assert "1 to process, 0 unchanged" in r.stderr
