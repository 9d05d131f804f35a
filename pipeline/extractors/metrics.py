"""The `metrics` component: each target's own reading of what it counts, where and over when.

After the targets are found (and their status decided), every target gets, from its sentence:
``metric``/``metric_name`` (the canonical indicator, pipeline/stages/indicators.py: lexicon first, then
the nearest cluster of recurring entities), ``scope`` ('whole', or the named sub-area it is the
figure of: 滇中新区, 山区26县, 县域…) and ``period`` ('annual', 'sub-annual' for 一季度/上半年/
前三季度, 'multi-year' for 年均/累计/十四五). The tables and ``compare`` only read these.
"""
from __future__ import annotations

from pipeline.stages.indicators import annotate, lexicon, period_of, scope_of
from pipeline.records import Document
from pipeline.extractors import register


@register("metrics")
def name_metrics(doc: Document) -> Document:
    pairs = [(c, t) for c in doc.commitments for t in c.targets]
    rows = [dict(text=c.text, start=c.start, raw=t.raw, raw_start=t.raw_start, raw_end=t.raw_end,
                 unit=t.unit, entity=t.entity, action=t.action) for c, t in pairs]
    annotate(rows)  # one batch per document: the cluster model is applied to all at once
    lex = lexicon()
    for (c, t), r in zip(pairs, rows):
        t.metric, t.metric_name = r["metric"], r["metric_name"]
        a, b = t.raw_start - c.start, t.raw_end - c.start
        info = lex.metrics.get(t.metric or "")
        t.scope = scope_of(c.text, a, t.metric)
        t.period = period_of(c.text, a, b, doc.year, c.deadline.date if c.deadline else None,
                             c.section_path or "", in_review=t.status == "achievement",
                             unit_class=info.unit_class if info else "")
    return doc
