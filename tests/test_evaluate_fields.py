"""The evaluate package field by field, and what it does with a field the gold does not annotate
(GOLD.md, "File format"): real documents of data/raw, their gold files altered one key at a time."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extractors import CHAINS
from pipeline.runtime.batch import run_batch
from pipeline.tools.evaluate import evaluate, format_errors, format_report
from pipeline.tools.evaluate.metadata import same_region
from pipeline.tools.evaluate.pairs import score_pairs
from pipeline.tools.evaluate.sections import match_sections
from pipeline.tools.evaluate.text import Text, default_normalise

ROOT = Path(__file__).resolve().parents[1]
PLAN = "2023_tuanshiwei_gongzuoyaodian"  # a work plan: targets, a deadline, sections
EXCERPT = "2017_weifang_zhengwugongkai_gongzuoyaodian_excerpt"  # owners, no targets, no deadline


def gold(doc_id: str) -> dict:
    return json.loads((ROOT / "data" / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))


def write_gold(folder: Path, *files: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for g in files:
        (folder / f"{g['doc_id']}.json").write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pred(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pred")
    run_batch([str(ROOT / "data" / "raw" / f"{d}.txt") for d in (PLAN, EXCERPT)], out,
              extractors=CHAINS["rules"], workers=1, quiet=True)
    return out


@pytest.fixture(scope="module")
def full(pred, tmp_path_factory) -> dict:
    return evaluate(write_gold(tmp_path_factory.mktemp("gold"), gold(PLAN), gold(EXCERPT)), pred)


def test_the_complete_gold_annotates_everything(full):
    assert full["overall"]["not_annotated"] == []
    assert all(d["not_annotated"] == [] for d in full["documents"].values())
    assert full["overall"]["targets_lenient"]["tp"] == len(gold(PLAN)["targets"])
    assert "not annotated" not in format_report(full) and "n/a" not in format_report(full)


def test_a_set_annotated_for_targets_only_scores_only_targets(pred, tmp_path, full):
    g = {**gold(PLAN), "deadlines": [], "owners": [], "sections": []}
    report = evaluate(write_gold(tmp_path / "gold", g), pred)
    o = report["overall"]
    assert o["not_annotated"] == ["deadlines", "owners", "sections"]
    for field in ("deadlines", "owners", "sections"):
        assert o[field]["f1"] is None and o[field]["fp"] == 0
        assert report["documents"][PLAN][field]["f1"] is None
    assert o["sections"]["predicted"] == full["documents"][PLAN]["sections"]["tp"] + \
        full["documents"][PLAN]["sections"]["fp"] > 0
    assert report["errors"][PLAN]["sections_fp"] == [] and report["errors"][PLAN]["deadlines_fp"] == []
    assert o["targets_lenient"] == full["documents"][PLAN]["targets_lenient"]
    text = format_report(report)
    assert "not annotated in this gold (not scored): deadlines" in text
    assert not any(line.startswith("sections ") for line in text.splitlines())
    assert "n/a" in text


def test_a_list_left_out_of_one_file_is_not_scored_there_only(pred, tmp_path, full):
    g = gold(PLAN)
    del g["owners"]
    report = evaluate(write_gold(tmp_path / "gold", g, gold(EXCERPT)), pred)
    plan, excerpt = report["documents"][PLAN], report["documents"][EXCERPT]
    assert plan["not_annotated"] == ["owners"] and plan["owners"]["f1"] is None
    assert excerpt["owners"] == full["documents"][EXCERPT]["owners"]
    o = report["overall"]["owners"]
    assert (o["tp"], o["fp"], o["fn"]) == tuple(excerpt["owners"][k] for k in ("tp", "fp", "fn"))
    assert "owners" not in report["overall"]["not_annotated"]


def test_an_empty_list_beside_annotated_ones_means_none_in_the_text(pred, tmp_path, full):
    # the excerpt's gold has `targets: []` while the plan's has targets: its targets are scored
    assert gold(EXCERPT)["targets"] == []
    excerpt = full["documents"][EXCERPT]
    assert "targets" not in excerpt["not_annotated"] and excerpt["targets_lenient"]["f1"] is not None


def test_entity_left_out_of_the_gold_is_not_scored(pred, tmp_path, full):
    wrong = gold(PLAN)
    wrong["targets"][0]["entity"] = "青少年宫"  # an entity the sentence does not name
    report = evaluate(write_gold(tmp_path / "wrong", wrong), pred)
    assert report["overall"]["entity_accuracy"] < 1.0
    assert [m["quote"] for m in report["errors"][PLAN]["targets_mismatch"]] == [wrong["targets"][0]["quote"]]

    left_out = gold(PLAN)
    left_out["targets"] = [{k: v for k, v in t.items() if k != "entity"} for t in left_out["targets"]]
    report = evaluate(write_gold(tmp_path / "left_out", left_out), pred)
    o = report["overall"]
    assert o["entity_accuracy"] is None and "entity" in o["not_annotated"]
    assert o["action_accuracy"] == full["documents"][PLAN]["action_accuracy"] == 1.0
    assert report["errors"][PLAN]["targets_mismatch"] == []
    assert "entity accuracy not annotated" in format_report(report)


def test_year_left_out_is_not_annotated_but_null_issuer_still_means_none(pred, tmp_path):
    g = gold(PLAN)
    del g["year"]
    e = {**gold(EXCERPT)}
    assert e["issuer"] is None  # the excerpt names no issuer
    report = evaluate(write_gold(tmp_path / "gold", g, e), pred)
    assert report["documents"][PLAN]["year"]["correct"] is None
    assert report["overall"]["year_accuracy"] == 1.0  # the excerpt's year alone
    assert report["documents"][EXCERPT]["issuer"]["correct"] is not None
    row = next(line for line in format_report(report).splitlines() if line.startswith(PLAN))
    assert "n/a" in row


def test_errors_list_only_annotated_fields(pred, tmp_path):
    g = {**gold(PLAN), "sections": None}
    text = format_errors(evaluate(write_gold(tmp_path / "gold", g), pred))
    assert "sections FP" not in text


# ------------------------------------------------------------------------- field modules

TX = Text(default_normalise())


def test_sections_need_level_and_number_and_one_title_inside_the_other():
    preds = [{"i": 0, "level": 1, "nkey": "一", "tkey": TX.key("坚持系统集成，深化改革")},
             {"i": 1, "level": 2, "nkey": "一", "tkey": TX.key("总则")}]
    gold_sections = [{"level": 1, "number": "一", "title": "坚持系统集成"},
                     {"level": 1, "number": "一", "title": "总则"}]
    tp, fn, fp = match_sections(gold_sections, preds, TX)
    assert tp == 1 and [g["title"] for g in fn] == ["总则"] and [p["i"] for p in fp] == [1]


def test_a_deadline_stated_once_for_an_item_counts_once():
    commitments = [{"section_id": "s1", "tkey": TX.key("年底前完成全市老旧小区改造"), "text": "年底前完成全市老旧小区改造"},
                   {"section_id": "s1", "tkey": TX.key("年底前建成口袋公园10个"), "text": "年底前建成口袋公园10个"}]
    predicted = {("s1", "2023-12-31"): [commitments[0], commitments[1]]}
    golds = [{"quote": "完成全市老旧小区改造", "date": "2023-12-31"},
             {"quote": "建成口袋公园10个", "date": "2023-12-31"}]
    scores, fn, fp = score_pairs(golds, lambda g: g["date"], commitments, predicted, TX)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 0, 0)


def test_two_names_of_one_place_are_one_region():
    assert same_region(TX, "四川省", "四川")
    assert not same_region(TX, "云南省昆明市", "官渡区")
