"""Scoring: predictions built from the gold files themselves score 1.0; perturbations move it."""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import pandas as pd
import pytest

from pipeline.tools.evaluate import evaluate, format_errors, format_report, load_predictions

GOLD_DIR = Path(__file__).resolve().parents[1] / "data" / "gold"
GOLDS = {g["doc_id"]: g for g in (json.loads(p.read_text(encoding="utf-8"))
                                  for p in sorted(GOLD_DIR.glob("*.json")))}
PRF_FIELDS = ("targets_lenient", "targets_strict", "achievements", "deadlines", "owners", "sections")


def _fake_section(doc_id: str, quote: str, n_sections: int) -> str:
    """A deterministic, arbitrary section for a quote (the scorer must not care which); a
    document without sections has all its text in one (a quote inside another one's sentence
    is then in the same section, as it would be)."""
    return f"{doc_id}-s{zlib.crc32(quote.encode()) % max(n_sections, 3) if n_sections else 0}"


def build_predictions() -> dict[str, pd.DataFrame]:
    docs, sections, commitments, targets, owners = [], [], [], [], []
    for doc_id, g in GOLDS.items():
        docs.append({"doc_id": doc_id, "title": g["title"], "issuer": g.get("issuer"),
                     "region": g["region"], "year": g["year"]})
        for i, s in enumerate(g["sections"]):
            sections.append({"doc_id": doc_id, "section_id": f"{doc_id}-s{i}", "parent_id": None,
                             "level": s["level"], "number": s["number"], "title": s["title"],
                             "start": i, "end": i + 1})
        n = len(g["sections"])

        def commitment(quote: str, **extra) -> str:
            cid = f"{doc_id}-c{len(commitments)}"
            commitments.append({"doc_id": doc_id, "commitment_id": cid,
                                "section_id": _fake_section(doc_id, quote, n), "text": quote,
                                "start": 0, "end": len(quote), "deadline_raw": None,
                                "deadline_date": None, "owner_source": "issuer", **extra})
            return cid

        for j, t in enumerate(g["targets"]):
            cid = commitment(t["quote"])
            targets.append({"doc_id": doc_id, "target_id": f"{cid}-t{j}", "commitment_id": cid,
                            **{k: t.get(k) for k in ("raw", "value", "value_max", "unit", "comparator",
                                                     "entity", "action", "status")},
                            "text": t["quote"], "start": 0, "end": len(t["quote"])})
        for d in g.get("deadlines") or []:  # (a key may be absent: not annotated, GOLD.md)
            commitment(d["quote"], deadline_raw=d["raw"], deadline_date=d["date"])
        for o in g.get("owners") or []:
            cid = commitment(o["quote"], owner_source="explicit")
            owners.append({"doc_id": doc_id, "commitment_id": cid, "name": o["name"],
                           "role": o["role"], "source": "explicit"})
        # the issuer as default owner: must be left out of the owner score
        cid = commitment("某项没有明确责任单位的任务")
        owners.append({"doc_id": doc_id, "commitment_id": cid, "name": g.get("issuer") or "某县人民政府",
                       "role": "responsible", "source": "issuer"})
    frames = {"documents": docs, "sections": sections, "commitments": commitments,
              "targets": targets, "owners": owners}
    return {k: pd.DataFrame(v) for k, v in frames.items()}


@pytest.fixture(scope="module")
def base() -> dict[str, pd.DataFrame]:
    return build_predictions()


def write(frames: dict[str, pd.DataFrame], out: Path, fmt: str = "parquet") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        if fmt == "parquet":
            df.to_parquet(out / f"{name}.parquet", index=False)
        else:
            df.to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig")
    return out


def score(frames, tmp_path, fmt="parquet") -> dict:
    return evaluate(GOLD_DIR, write(frames, tmp_path / "pred", fmt))


def copy(frames):
    return {k: v.copy() for k, v in frames.items()}


def n_gold_targets() -> int:
    return sum(t["status"] == "target" for g in GOLDS.values() for t in g["targets"])


def first_target_row(targets: pd.DataFrame, unit: str | None = None, status: str = "target") -> int:
    mask = targets["status"] == status
    if unit is not None:
        mask &= targets["unit"] == unit
    return targets.index[mask][0]


def test_perfect_predictions_score_one(base, tmp_path):
    report = score(base, tmp_path)
    o = report["overall"]
    for field in PRF_FIELDS:
        assert (o[field]["p"], o[field]["r"], o[field]["f1"]) == (1.0, 1.0, 1.0), field
        assert o[field]["fp"] == o[field]["fn"] == 0, field
    assert o["targets_lenient"]["tp"] == n_gold_targets()
    assert o["sections"]["tp"] == sum(len(g["sections"]) for g in GOLDS.values())
    for k in ("entity_accuracy", "action_accuracy", "issuer_accuracy", "region_accuracy", "year_accuracy"):
        assert o[k] == 1.0, k
    assert o["achievements_as_targets"] == {"count": 0, "share": 0.0}
    assert set(o["region_not_knowable"]) == {d for d, g in GOLDS.items() if g["region"] is None}
    assert report["warnings"] == []
    for doc_id, d in report["documents"].items():
        for field in ("targets_lenient", "owners", "deadlines"):  # (None: not annotated in that file)
            assert d[field]["f1"] in (1.0, None), (doc_id, field)
        assert d["targets_lenient"]["f1"] == 1.0, doc_id
    json.dumps(report, ensure_ascii=False)  # JSON-serialisable
    text = format_report(report)
    assert "targets (lenient)" in text and all(d in text for d in GOLDS)
    assert format_errors(report) == "no errors\n"


def test_csv_fallback_and_whitespace_punctuation(base, tmp_path):
    frames = copy(base)
    # predictions come from cleaned text: whitespace gone, Chinese comma as ASCII, full-width digits
    for t in ("targets", "commitments"):
        frames[t]["text"] = (frames[t]["text"].str.replace(r"\s+", "", regex=True)
                             .str.replace("，", ",").str.replace("5", "５"))
    frames["sections"]["title"] = frames["sections"]["title"].str.replace(",", "，")
    frames["documents"]["region"] = frames["documents"]["region"].map(
        lambda r: r + "市" if isinstance(r, str) and not r.endswith("县") else r)
    report = score(frames, tmp_path, fmt="csv")
    assert set(load_predictions(tmp_path / "pred")) == {"documents", "sections", "commitments",
                                                        "targets", "owners"}
    o = report["overall"]
    for field in PRF_FIELDS:
        assert o[field]["f1"] == 1.0, field
    assert o["region_accuracy"] == 1.0


def test_dropping_one_target_lowers_recall_by_one_over_n(base, tmp_path):
    frames = copy(base)
    frames["targets"] = frames["targets"].drop(index=first_target_row(frames["targets"]))
    o = score(frames, tmp_path)["overall"]["targets_lenient"]
    n = n_gold_targets()
    assert o["r"] == pytest.approx(1 - 1 / n)
    assert o["p"] == 1.0 and o["fn"] == 1 and o["tp"] == n - 1


def test_comparator_counts_only_in_strict(base, tmp_path):
    frames = copy(base)
    i = first_target_row(frames["targets"])
    frames["targets"].loc[i, "comparator"] = "<" if frames["targets"].loc[i, "comparator"] != "<" else "="
    report = score(frames, tmp_path)
    o = report["overall"]
    assert o["targets_lenient"]["f1"] == 1.0
    assert o["targets_strict"]["tp"] == n_gold_targets() - 1
    assert o["targets_strict"]["fp"] == o["targets_strict"]["fn"] == 1
    doc = frames["targets"].loc[i, "doc_id"]
    assert report["errors"][doc]["targets_mismatch"]


def test_achievement_reported_as_target(base, tmp_path):
    frames = copy(base)
    i = first_target_row(frames["targets"], status="achievement")
    row = frames["targets"].loc[[i]].assign(status="target", target_id="extra")
    frames["targets"] = pd.concat([frames["targets"], row], ignore_index=True)
    report = score(frames, tmp_path)
    o = report["overall"]
    assert o["achievements_as_targets"]["count"] == 1
    assert o["achievements_as_targets"]["share"] == pytest.approx(1 / n_gold_targets())
    assert o["targets_lenient"]["fp"] == 1 and o["targets_lenient"]["r"] == 1.0
    assert o["achievements"]["f1"] == 1.0  # the achievement row itself is still there
    doc = row["doc_id"].iloc[0]
    assert report["errors"][doc]["achievements_as_targets"][0]["gold_quote"]


def test_achievement_status_rows_left_out_of_targets(base, tmp_path):
    frames = copy(base)
    i = first_target_row(frames["targets"])
    frames["targets"].loc[i, "status"] = "achievement"
    o = score(frames, tmp_path)["overall"]
    assert o["targets_lenient"]["fn"] == 1 and o["targets_lenient"]["fp"] == 0
    assert o["achievements"]["fp"] == 1


def test_units_ming_ren_wei_are_one(base, tmp_path):
    frames = copy(base)
    i = first_target_row(frames["targets"], unit="名")
    j = frames["targets"].index[(frames["targets"]["unit"] == "名")][1]
    frames["targets"].loc[i, "unit"] = "人"
    frames["targets"].loc[j, "unit"] = "位"
    assert score(frames, tmp_path)["overall"]["targets_lenient"]["f1"] == 1.0


def test_wrong_unit_or_value_does_not_match(base, tmp_path):
    frames = copy(base)
    i = first_target_row(frames["targets"], unit="名")
    j = first_target_row(frames["targets"], unit="%")
    frames["targets"].loc[i, "unit"] = "个"
    frames["targets"].loc[j, "value"] = frames["targets"].loc[j, "value"] * 1.01
    o = score(frames, tmp_path)["overall"]["targets_lenient"]
    assert o["tp"] == n_gold_targets() - 2 and o["fp"] == 2 and o["fn"] == 2


def test_value_tolerance_and_sentence_containing_quote(base, tmp_path):
    frames = copy(base)
    i = first_target_row(frames["targets"])
    frames["targets"].loc[i, "value"] = frames["targets"].loc[i, "value"] * (1 + 1e-9)
    frames["targets"].loc[i, "text"] = "前文，" + frames["targets"].loc[i, "text"] + "，后文。"
    assert score(frames, tmp_path)["overall"]["targets_lenient"]["f1"] == 1.0


def test_deadline_and_owner_errors(base, tmp_path):
    frames = copy(base)
    c = frames["commitments"]
    # the only deadline of its document (pairs are distinct, so others could stand in for it)
    k = c.index[c["deadline_date"].notna() & (c["doc_id"] == "2023_tuanshiwei_gongzuoyaodian")][0]
    c.loc[k, "deadline_date"] = "1999-12-31"
    frames["owners"].loc[0, "name"] = "不存在的单位"
    frames["owners"] = frames["owners"][frames["owners"]["source"] != "issuer"]  # no effect
    report = score(frames, tmp_path)
    o = report["overall"]
    assert o["deadlines"]["fp"] == 1 and o["deadlines"]["fn"] == 1
    assert o["owners"]["fp"] == 1 and o["owners"]["fn"] >= 1
    doc = c.loc[k, "doc_id"]
    assert report["errors"][doc]["deadlines_fp"][0]["date"] == "1999-12-31"
    assert "deadlines FN" in format_errors(report)


def test_owner_names_ignore_spaces_and_punctuation(base, tmp_path):
    frames = copy(base)
    frames["owners"]["name"] = frames["owners"]["name"].map(lambda s: " " + " ".join(s) + "。")
    assert score(frames, tmp_path)["overall"]["owners"]["f1"] == 1.0


def test_sections_and_metadata(base, tmp_path):
    frames = copy(base)
    frames["sections"].loc[0, "level"] = 9
    frames["sections"].loc[1, "title"] = frames["sections"].loc[1, "title"][:3]  # contained: ok
    frames["documents"].loc[0, "year"] = 1999
    with_issuer = [d for d, g in GOLDS.items() if "issuer" in g]  # (absent: not annotated)
    frames["documents"].loc[frames["documents"].doc_id == with_issuer[0], "issuer"] = "别的单位"
    o = score(frames, tmp_path)["overall"]
    n = len(GOLDS)
    assert o["sections"]["fp"] == 1 and o["sections"]["fn"] == 1
    assert o["year_accuracy"] == pytest.approx(1 - 1 / n)
    assert o["issuer_accuracy"] == pytest.approx(1 - 1 / len(with_issuer))


def test_document_without_predictions_is_all_false_negatives(base, tmp_path):
    frames = copy(base)
    doc = "2023_tuanshiwei_gongzuoyaodian"
    frames = {k: v[v["doc_id"] != doc] for k, v in frames.items()}
    extra = pd.DataFrame([{"doc_id": "no_gold_doc", "title": "x", "issuer": "x", "region": None,
                           "year": 2020}])
    frames["documents"] = pd.concat([frames["documents"], extra], ignore_index=True)
    report = score(frames, tmp_path)
    assert report["overall"]["documents_without_predictions"] == [doc]
    assert any(doc in w for w in report["warnings"])
    assert report["ignored_documents"] == ["no_gold_doc"]
    g = GOLDS[doc]
    assert report["documents"][doc]["targets_lenient"]["fn"] == len(g["targets"])
    assert report["overall"]["sections"]["fn"] == len(g["sections"])
    assert "no predictions" in format_report(report)


def test_ties_go_to_the_closest_position(base, tmp_path):
    doc = "2023_tuanshiwei_gongzuoyaodian"
    text = (GOLD_DIR.parent / "raw" / f"{doc}.txt").read_text(encoding="utf-8")
    frames = copy(base)
    t = frames["targets"]
    i = t.index[t["doc_id"] == doc][0]
    pos = text.find(t.loc[i, "text"])
    assert pos >= 0
    far = t.loc[[i]].assign(target_id="far", start=pos + 5000)
    near = t.loc[[i]].assign(target_id="near", start=pos)
    frames["targets"] = pd.concat([t.drop(index=i), far, near], ignore_index=True)
    out = write(frames, tmp_path / "pred")
    (out / "texts").mkdir()
    (out / "texts" / f"{doc}.txt").write_text(text, encoding="utf-8")
    report = evaluate(GOLD_DIR, out)
    assert [e["target_id"] for e in report["errors"][doc]["targets_fp"]] == ["far"]
