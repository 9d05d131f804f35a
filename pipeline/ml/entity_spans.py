"""A learned scorer over candidate entity spans: an experiment to see whether it beats the
grammar of ``pipeline/extractors/entity.py`` where that grammar fails.

Candidates of one target are the contiguous token spans of its clause near the quantity (left of
it, ending at most a few tokens before it, or right of it, starting right after it), plus the
rules' own entity. Features: tags and words at the edges and around the span, side, distance in
tokens, punctuation crossed between span and quantity, length, listed-verb classes, and whether
the span is (or contains, or lies inside) the rules' entity. Label: the span overlaps the gold
entity as GOLD.md scores it (either contains the other). Training examples: matched gold targets
and achievements of data/gold and data/gold_heldout (never data/gold_blind).

``leave_one_document_out`` compares, per held-out document, the accuracy of the best-scored
candidate with the accuracy of the rules on the same targets. The scorer is shipped only when it
wins (see the report of issue 14); otherwise the rules stay and this module is the record of the
experiment.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

from ..extractors import entity as E
from ..records import Sentence

MAX_TOKENS = 8
GAP = 4  # tokens allowed between a left span and the quantity (a verb group)


@dataclass
class Group:
    doc_id: str
    candidates: list[tuple[int, int, dict]]  # (start, end, features) offsets in the sentence
    labels: list[int] = field(default_factory=list)
    rule_ok: bool = False


def _cls(t: E.Tok) -> str:
    g = E._grammar()
    w = t.word
    for c in ("change_verbs", "comparator_verbs", "framing", "nouny_verbs", "metric_heads"):
        if w in g[c]:
            return c
    if w in g["action"] or w in g["extra_verbs"]:
        return "verb"
    if w in E._CLAUSE_END:
        return "end"
    if w in E._LIST_SEPS:
        return "sep"
    if E._is_num(t):
        return "num"
    return t.tag


def span_candidates(sent: Sentence, q_start: int, q_end: int, rule: Optional[str]) -> list[tuple[int, int, dict]]:
    """Candidate entity spans of the quantity at [q_start, q_end) with their features."""
    text = sent.text
    toks = list(E.tokens(sent))
    cs = E._clause_start(text, q_start)
    ce = q_end
    while ce < len(text) and text[ce] not in E._CLAUSE_END:
        ce += 1
    L = [i for i, t in enumerate(toks) if t.start >= cs and t.end <= q_start]
    R = [i for i, t in enumerate(toks) if t.start >= q_end and t.end <= ce]
    spans: set[tuple[int, int]] = set()
    for e_i in range(len(L) - 1, max(-1, len(L) - 1 - GAP - 1), -1):
        for n in range(1, MAX_TOKENS + 1):
            s_i = e_i - n + 1
            if s_i < 0:
                break
            spans.add((L[s_i], L[e_i]))
    for n in range(1, MAX_TOKENS + 1):
        if n <= len(R):
            spans.add((R[0], R[n - 1]))
        if len(R) > 1 and n + 1 <= len(R):
            spans.add((R[1], R[n]))
    out = []
    rule_span = None
    if rule:
        p = text.rfind(rule, cs, q_start)
        if p == -1:
            p = text.find(rule, q_end, ce)
        if p != -1:
            rule_span = (p, p + len(rule))
    seen = set()
    for a, b in sorted(spans):
        ta, tb = toks[a], toks[b]
        s, e = ta.start, tb.end
        if not any("\u4e00" <= ch <= "\u9fff" or ch.isalpha() for ch in text[s:e]):
            continue
        seen.add((s, e))
        out.append((s, e, _features(toks, a, b, q_start, q_end, text, rule, rule_span)))
    if rule_span and rule_span not in seen:
        a = next((i for i, t in enumerate(toks) if t.start <= rule_span[0] < t.end), None)
        b = next((i for i, t in enumerate(toks) if t.start < rule_span[1] <= t.end), None)
        if a is not None and b is not None:
            out.append((rule_span[0], rule_span[1], _features(toks, a, b, q_start, q_end, text, rule, rule_span)))
    return out


def _features(toks, a: int, b: int, q_start: int, q_end: int, text: str, rule, rule_span) -> dict:
    s, e = toks[a].start, toks[b].end
    left = e <= q_start
    between = text[e:q_start] if left else text[q_end:s]
    n_between = sum(1 for t in toks if (t.start >= e and t.end <= q_start) if left) if left else \
        sum(1 for t in toks if t.start >= q_end and t.end <= s)
    f = {
        "side": "L" if left else "R",
        f"dist={min(n_between, 5)}": 1,
        f"len={min(b - a + 1, 8)}": 1,
        f"chars={min((e - s) // 2, 8)}": 1,
        f"first={_cls(toks[a])}": 1,
        f"last={_cls(toks[b])}": 1,
        f"lastw={toks[b].word}": 1,
        f"firstw={toks[a].word}": 1,
        f"before={_cls(toks[a - 1]) if a > 0 else 'BOS'}": 1,
        f"beforew={toks[a - 1].word if a > 0 else 'BOS'}": 1,
        f"after={_cls(toks[b + 1]) if b + 1 < len(toks) else 'EOS'}": 1,
        f"afterw={toks[b + 1].word if b + 1 < len(toks) else 'EOS'}": 1,
        "seps_crossed": between.count("、") + between.count("和"),
        "inner_seps": text[s:e].count("、"),
        "inner_verbs": sum(1 for t in toks[a:b + 1] if E._listed_verb(t)),
        "inner_stop": sum(1 for t in toks[a:b + 1] if t.tag in E._STOP_TAGS or t.word in ("的", "等")),
        "metric_head": int(E._metric(text[s:e])),
        "between_verb": int(any(E._verbish(t) for t in toks if (t.start >= e and t.end <= q_start) or
                                (not left and t.start >= q_end and t.end <= s))),
        "cleaned_same": int(E._clean(text[s:e]) == text[s:e]),
    }
    for k in range(a, b + 1):
        f[f"w={toks[k].word}"] = 1
    f[f"side_dist={f['side']}{min(n_between, 5)}"] = 1
    if rule_span:
        f["is_rule"] = int((s, e) == rule_span)
        f["in_rule"] = int(rule_span[0] <= s and e <= rule_span[1])
        f["has_rule"] = int(s <= rule_span[0] and rule_span[1] <= e)
    elif rule:
        f["rule_not_span"] = 1
    else:
        f["no_rule"] = 1
    return f


# ---------------------------------------------------------------------------------------------
# training examples from matched gold targets


def groups_from(pred_dir: Path, gold_dir: Path) -> list[Group]:
    """One group per matched gold target or achievement of ``gold_dir``, from the predictions
    in ``pred_dir`` (an ``extract --out`` folder whose entities are the rules')."""
    from .. import evaluate as ev
    from ..extractors.targets import candidates

    tx = ev._Text(ev._default_normalise())
    preds = ev.load_predictions(Path(pred_dir))["targets"]
    out: list[Group] = []
    cache: dict[str, Sentence] = {}
    for gf in sorted(Path(gold_dir).glob("*.json")):
        g = json.loads(gf.read_text("utf-8"))
        doc = g.get("doc_id") or gf.stem
        rows = ev._target_rows(preds[preds["doc_id"].astype(str) == doc], tx)
        for status in ("target", "achievement"):
            gs = [dict(t) for t in g["targets"] if (t.get("status") or "target") == status]
            ps = [r for r in rows if r["status"] == status]
            pairs, _, _ = ev._match_targets(gs, ps, tx, strict=False, text=None)
            for gg, p in pairs:
                text = p["text"]
                if not text or "\n" in text or not gg.get("entity"):
                    continue
                r = preds.iloc[p["i"]] if False else None
                sent = cache.get(text)
                if sent is None:
                    from ..tokens import tag
                    w, t = tag(text)
                    sent = cache[text] = Sentence(0, len(text), text, words=w, tags=t)
                row = preds[preds["doc_id"].astype(str) == doc].iloc[p["i"]]
                off = int(row["raw_start"]) - int(row["start"])
                qs = [q for q in candidates(sent) if q.start == off]
                if not qs:
                    continue
                q = qs[0]
                rule = p["entity"]
                cands = span_candidates(sent, q.start, q.end, rule)
                if not cands:
                    continue
                labels = [int(tx.overlap(text[s:e], gg["entity"])) for s, e, _ in cands]
                out.append(Group(doc, cands, labels, bool(tx.overlap(rule, gg["entity"])) if rule else False))
    return out


def make_scorer():
    from .models import make_classifier
    return make_classifier(n_features=2 ** 16, C=0.5)


def fit(groups: list[Group]):
    X = [f for g in groups for _, _, f in g.candidates]
    y = [l for g in groups for l in g.labels]
    m = make_scorer()
    m.fit(X, y)
    return m


def choose(model, cands: list[tuple[int, int, dict]]) -> int:
    p = model.predict_proba([f for _, _, f in cands])[:, 1]
    return int(np.argmax(p))


def leave_one_document_out(groups: list[Group]) -> dict[str, tuple[int, int, int]]:
    """{doc: (n, rules right, model right)} with the model trained on the other documents."""
    docs = sorted({g.doc_id for g in groups})
    res = {}
    for d in docs:
        train = [g for g in groups if g.doc_id != d and any(g.labels)]
        test = [g for g in groups if g.doc_id == d]
        if not test:
            continue
        m = fit(train)
        ok = sum(g.labels[choose(m, g.candidates)] for g in test)
        res[d] = (len(test), sum(g.rule_ok for g in test), ok)
    return res


def choose_over_rules(model, cands: list[tuple[int, int, dict]], low: float = 0.3, high: float = 0.7) -> Optional[int]:
    """The candidate to take instead of the rules' entity, or None to keep the rules: only when
    the rules' span scores below ``low`` and another above ``high``."""
    p = model.predict_proba([f for _, _, f in cands])[:, 1]
    rule = [i for i, (_, _, f) in enumerate(cands) if f.get("is_rule")]
    best = int(np.argmax(p))
    if rule and p[rule[0]] >= low or p[best] < high:
        return rule[0] if rule else None
    return best


def leave_one_document_out_hybrid(groups: list[Group], thresholds=((0.3, 0.7), (0.2, 0.8), (0.1, 0.9))) -> dict:
    """{doc: (n, rules right, model right, {threshold: hybrid right})}."""
    docs = sorted({g.doc_id for g in groups})
    res = {}
    for d in docs:
        train = [g for g in groups if g.doc_id != d and any(g.labels)]
        test = [g for g in groups if g.doc_id == d]
        if not test:
            continue
        m = fit(train)
        ok = sum(g.labels[choose(m, g.candidates)] for g in test)
        hyb = {}
        for lo, hi in thresholds:
            n_ok = 0
            for g in test:
                i = choose_over_rules(m, g.candidates, lo, hi)
                n_ok += g.labels[i] if i is not None and not (i is not None and g.candidates[i][2].get("is_rule")) \
                    else g.rule_ok
            hyb[(lo, hi)] = n_ok
        res[d] = (len(test), sum(g.rule_ok for g in test), ok, hyb)
    return res
