"""The pipeline object (pipeline/language.py) and its settings (pipeline/config.py), in-process,
on real documents of data/raw."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.extractors import register, unregister
from pipeline.language import Pipeline, pipeline_for
from pipeline.records import Document, PipelineError
from pipeline.stages.tables import document_rows

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "data" / "raw" / "2023_tuanshiwei_gongzuoyaodian.txt"
REPORT = ROOT / "data" / "raw" / "2023_mianyang_zhengfugongzuobaogao.txt"


def rows(doc: Document) -> dict[str, list[dict]]:
    return document_rows(doc, "test")


def test_the_chain_is_a_spacy_language_of_declared_components():
    nlp = Pipeline()
    assert nlp.pipe_names == ["metadata", "structure", "sentences", "warn_if_empty", "status",
                              "commitments", "both_targets", "deadlines", "owners", "metrics"]
    assert type(nlp.nlp).__name__ == "Language"
    assert nlp.nlp.get_pipe("both_targets").settings == {"override": 0.98}
    assert Pipeline("rules").pipe_names[-6:] == ["status", "commitments", "targets", "deadlines",
                                                 "owners", "metrics"]


def test_pickled_pipeline_gives_the_same_rows():
    nlp = pipeline_for(Settings(chain="rules"))
    again = pickle.loads(pickle.dumps(nlp))
    assert again.settings == nlp.settings
    assert rows(again(PLAN)) == rows(nlp(PLAN))


def test_spacy_doc_spans_have_document_offsets():
    nlp = pipeline_for(Settings(chain="rules"))
    doc = nlp.doc(PLAN)
    record = doc._.record
    targets = doc.spans["targets"]
    assert len(targets) == len(record.targets) > 0
    for span, t in zip(targets, record.targets):
        assert span.text == t.raw == record.text[t.raw_start:t.raw_end]
        assert span.start_char == t.raw_start
    owners = doc.spans["owners"]
    assert owners and all(s.text == record.text[s.start_char:s.end_char] for s in owners)
    assert {s.label_ for s in owners} <= {"lead", "support", "responsible"}


def test_a_component_setting_changes_what_the_model_may_overrule():
    strict = Pipeline(Settings(components={"both_targets": {"override": 1.01}}))  # never overrules
    rules = rows(pipeline_for(Settings(chain="rules"))(REPORT))["targets"]
    kept = rows(strict(REPORT))["targets"]
    assert [(r["raw"], r["status"]) for r in kept] == [(r["raw"], r["status"]) for r in rules]
    with pytest.raises(ValueError, match="no setting 'threshold'"):
        Pipeline(Settings(components={"both_targets": {"threshold": 0.5}}))


def test_min_confidence_leaves_out_less_certain_target_rows():
    every = rows(pipeline_for(Settings())(REPORT))["targets"]
    low = [r for r in every if r["confidence"] < 0.99]
    assert low, "the default chain gives some rows below 0.99 on a work report"
    sure = rows(Pipeline(Settings(min_confidence=0.99))(REPORT))["targets"]
    assert len(sure) == len(every) - len(low)
    assert all(r["confidence"] >= 0.99 for r in sure)
    with pytest.raises(ValueError):
        Settings(min_confidence=1.5)


def test_settings_never_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PIPELINE_BACKEND", "hanlp")
    monkeypatch.setenv("PIPELINE_HANLP_MODEL", "/nonexistent")
    assert Settings().backend == "jieba"
    assert Pipeline(Settings(chain="rules"))._tagger is None
    with pytest.raises(ValueError, match="needs hanlp_model"):
        Settings(backend="hanlp")


def test_a_taken_name_raises_unless_replacement_is_asked_for():
    def mine(doc: Document) -> Document:
        doc.warnings.append("mine ran")
        return doc

    with pytest.raises(ValueError, match="registered already"):
        register("targets")(mine)
    try:
        register("targets", replace=True)(mine)
        doc = Pipeline(Settings(chain=("status", "commitments", "targets")))(PLAN)
        assert "mine ran" in doc.warnings and not doc.targets
    finally:
        unregister("targets")
    assert Pipeline(Settings(chain=("status", "commitments", "targets")))(PLAN).targets


def test_bad_input_is_an_error_naming_its_stage(tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip archive")
    result = pipeline_for(Settings(chain="rules")).process(Document(doc_id="broken", source_path=str(bad)))
    assert isinstance(result, PipelineError) and result.stage == "ingest"
    with pytest.raises(PipelineError):
        pipeline_for(Settings(chain="rules"))(bad)


def test_a_failing_component_is_reported_under_its_name():
    def boom(doc: Document) -> Document:
        raise KeyError("missing")

    register("boom")(boom)
    try:
        result = Pipeline(Settings(chain=("status", "boom"))).process(
            Document(doc_id="x", source_path=str(PLAN)))
    finally:
        unregister("boom")
    assert isinstance(result, PipelineError)
    assert result.stage == "boom" and "KeyError" in result.message


def test_to_disk_and_back(tmp_path):
    nlp = Pipeline(Settings(min_confidence=0.5))
    nlp.to_disk(tmp_path / "p")
    assert (tmp_path / "p" / "models" / "mention_corrector.joblib").is_file()
    again = Pipeline.from_disk(tmp_path / "p")
    assert again.settings.min_confidence == 0.5
    assert again.settings.models_dir == str((tmp_path / "p" / "models").resolve())
    assert rows(again(REPORT)) == rows(nlp(REPORT))


def test_year_of_a_text_is_set_after_metadata():
    doc = pipeline_for(Settings())("一、重点任务\n新建保障性住房300套，力争年底前完成。", year=2024)
    assert doc.year == 2024
    assert [(t.raw, t.status) for t in doc.targets] == [("300套", "target")]
    assert doc.commitments[0].deadline.date == "2024-12-31"


def test_a_string_naming_a_file_is_read_as_the_file():
    nlp = pipeline_for(Settings(chain="rules"))
    assert rows(nlp(str(PLAN))) == rows(nlp(PLAN))
    assert nlp("新建保障性住房300套。").source_path == "<text>"
