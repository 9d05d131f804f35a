"""Hostile text through `process_text` and through a batch: never an exception, every offset
valid. (Time per KB on such input is measured by bench/bench_batch.py, not asserted here.)"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.runtime.batch import NothingToWrite, run_batch
from pipeline.records import Document
from pipeline.language import process_text

# Characters the rules care about, and characters that break naive code.
DOMAIN = ("组织不少于名大学生参与政务见习力争年内完成市发展改革委牵头配合负责单位新增个项目万亿元千百十"
          "一二三四五六七八九零〇两的了和及与或等达到超过以上以下左右约近余底前月日季度上半年第章条款"
          "附件名词解释过去今年回顾主要目标任务增长下降提高百分点亩公里户人次所家")
DIGITS = "0123456789０１２３４５６７８９.．%％‰~～-—+＋<>≥≤="
BRACKETS = "（）()【】[]{}《》〈〉「」『』“”‘’\"'、，,。；;：:！？!?…·"
NASTY = "\x00\x01\x08\x0b\x0c\x1a\x1b\x7f\u200b\u200c\u200d\u2060\ufeff\u00a0\u3000\u2028\u2029\r\t #*_\\"
ALPHABET = DOMAIN + DIGITS + BRACKETS + NASTY + "\n" * 8 + "abcXYZé𠀀😀"

NUMBERING = ["一、", "二、", "十一、", "（一）", "(二)", "1.", "2、", "11.", "（1）", "(3)", "①", "②",
             "第一章", "第二条", "# ", "## ", "### ", "1.1", "一.", "（十）", "99.", "100、"]
PHRASES = ["组织不少于1000名大学生参与政务见习", "资助困难学生450余名", "确保年底前完成改革任务",
           "（市发展改革委牵头，市财政局配合）", "牵头单位：市教育局", "增长5.2%", "新增3个",
           "到2025年", "5年内", "“十四五”末", "过去一年", "今年主要预期目标", "300万元以上",
           "1-2个", "提高0.5个百分点", "第3次", "12355", "《关于印发2023年工作要点的通知》"]


def check_offsets(doc: Document) -> None:
    text = doc.text
    n = len(text)
    for s in doc.sections:
        assert 0 <= s.start < s.end <= n, s
    for s in doc.sentences:
        assert 0 <= s.start <= s.end <= n and text[s.start:s.end] == s.text
    for c in doc.commitments:
        assert 0 <= c.start <= c.end <= n and text[c.start:c.end] == c.text, c.commitment_id
        if c.deadline is not None:
            assert text[c.deadline.start:c.deadline.end] == c.deadline.raw
        for t in c.targets:
            assert c.start <= t.raw_start <= t.raw_end <= c.end, t
            assert text[t.raw_start:t.raw_end] == t.raw, t


lines = st.lists(
    st.tuples(st.sampled_from(NUMBERING + [""] * 4),
              st.lists(st.one_of(st.sampled_from(PHRASES), st.text(alphabet=ALPHABET, max_size=12)),
                       max_size=5),
              st.sampled_from(["。", "；", "", "：", "，", "！"])),
    max_size=30,
).map(lambda ls: "\n".join(num + "，".join(parts) + end for num, parts, end in ls))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(alphabet=ALPHABET, max_size=1500), lines))
@example("")
@example("\x00" * 100)
@example("\u200b\ufeff" * 50 + "组织不少于1000名大学生")
@example("（" * 300 + "1" + "）" * 300)
@example("一、\n（一）\n1.\n（1）\n①\n" * 40)
@example("---\ntitle: x\n---\n")
@example("第一章\n第一条 组织不少于1000名大学生。\n附件\n一、名词解释")
def test_process_text_never_raises_and_offsets_are_valid(text):
    doc = process_text(text, year=2023)
    check_offsets(doc)
    doc = process_text(text)  # the year as the text gives it (or none)
    check_offsets(doc)


@pytest.mark.slow  # a million characters through the whole pipeline: seconds, not milliseconds
def test_very_long_single_line():
    unit = "组织不少于1000名大学生参与政务见习，资助困难学生450余名、新增3个（市教育局牵头），"
    doc = process_text(unit * (1_000_000 // len(unit)), year=2023)  # 1 M characters, one line
    check_offsets(doc)
    assert len(doc.targets) > 10_000


@pytest.mark.slow  # 100,000-character hostile texts through the whole pipeline: seconds
def test_deeply_nested_numbering_and_digits_everywhere():
    nested = "\n".join(f"{'（' * (i % 9)}{i % 50 + 1}{'）' * (i % 9)}、新增{i}个项目" for i in range(5000))
    check_offsets(process_text(nested, year=2023))
    digits = "".join(f"{i % 10}{'万' if i % 7 == 0 else ''}{'%' if i % 11 == 0 else ''}" for i in range(100_000))
    check_offsets(process_text(digits, year=2023))
    short_lines = "\n".join(("1", "市", "万元", "3", "局", "指标")[i % 6] for i in range(50_000))
    check_offsets(process_text(short_lines, year=2023))


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "big5"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.text(alphabet=ALPHABET, max_size=400), lines),
                          st.sampled_from(ENCODINGS), st.sampled_from([".txt", ".md", ".html"])),
                min_size=1, max_size=4))
def test_batch_never_raises_and_every_input_is_a_document_or_an_error(files):
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        src.mkdir()
        for i, (text, encoding, suffix) in enumerate(files):
            data = text.encode(encoding, errors="replace")
            if suffix == ".html":
                data = b"<html><body><p>" + data + b"</p></body></html>"
            (src / f"doc{i}{suffix}").write_bytes(data)
        try:
            summary = run_batch([str(src)], out, quiet=True, workers=1)
        except NothingToWrite:  # every input unreadable (all empty): nothing is published
            assert not (out / "documents.parquet").exists()
            return
        assert summary.documents + len(summary.errors) == len(files)
        docs = pd.read_parquet(out / "documents.parquet")
        texts = {d: (out / "texts" / f"{d}.txt").read_text(encoding="utf-8") for d in docs.doc_id}
        for row in pd.read_parquet(out / "commitments.parquet").itertuples():
            assert texts[row.doc_id][row.start:row.end] == row.text
        for row in pd.read_parquet(out / "targets.parquet").itertuples():
            assert texts[row.doc_id][row.raw_start:row.raw_end] == row.raw
        for row in pd.read_parquet(out / "sections.parquet").itertuples():
            assert 0 <= row.start < row.end <= len(texts[row.doc_id])
