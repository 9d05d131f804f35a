"""Gold quotes the raw text; a traditional-character document is cleaned to simplified. The
scorer compares the two scripts as one (OpenCC t2s character by character)."""
from __future__ import annotations

import json

from pipeline.runtime.batch import run_batch
from pipeline.tools.evaluate import evaluate

TEXT = ("某市2022年工作要點\n一、堅持系統集成\n1.全面實施行政許可事項清單管理。2022年10月底前編制並公布"
        "市、縣兩級行政許可事項清單，新建政務服務站300個。（市政府辦公室牽頭，各縣市區政府按職責分工負責）\n")


def test_traditional_quotes_match_simplified_predictions(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "trad.txt").write_text(TEXT, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "trad.json").write_text(json.dumps({
        "doc_id": "trad", "title": None, "issuer": None, "region": None, "year": 2022,
        "targets": [{"quote": "新建政務服務站300個", "raw": "300個", "value": 300, "value_max": None,
                     "unit": "個", "comparator": "=", "entity": "政務服務站", "action": "新建",
                     "status": "target"}],
        "deadlines": [], "owners": [{"quote": "兩級行政許可事項清單", "name": "市政府辦公室", "role": "lead"}],
        "sections": [{"level": 1, "number": "一", "title": "堅持系統集成"}],
    }, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    run_batch([str(src / "trad.txt")], out, extractors=["status", "commitments", "targets", "deadlines", "owners"],
              quiet=True, workers=1)
    assert "traditional" in (out / "documents.csv").read_text(encoding="utf-8-sig")
    report = evaluate(gold, out)["overall"]
    assert report["targets_lenient"]["tp"] == 1 and report["targets_lenient"]["fn"] == 0
    assert report["sections"]["tp"] == 1
    assert report["owners"]["tp"] == 1
