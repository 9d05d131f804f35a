"""The scores of docs/GOLD.md may not fall below their bars.

Three kinds of figure, because a learned model's memory of the gold must not keep a test green:
- the rules alone on the development gold (data/raw + data/gold): the model plays no part, so
  switching a rule off shows here;
- the default chain on the same documents (a training score for its corrector: same bars);
- the blind split (data/blind + data/gold_blind: annotated before anybody looked at the output,
  no rule written on it) and the leave-one-document-out figures of `make train`
  (models/manifest.json, written by cross-validation folds that never saw the scored document).
"""
from __future__ import annotations

import json

import pytest

from conftest import GOLD, ROOT
from pipeline.tools.evaluate import evaluate
from pipeline.extractors import CHAINS
from pipeline.ml.models import MODELS_DIR, models_version

# Issue 10: all must hold at once, for the rules alone and for the default chain. Bars a little
# under today's figures: they catch a rule switched off. The eighth round added 26 documents of
# genres the rules had not met (progress tables with value columns, staged plans, garbled copies):
# targets 0.975 → 0.956 and sections 0.993 → 0.967 on the grown set came from the new documents
# (the 93 earlier ones score as before), so the bars moved with the data, not with the code. The
# ninth round's 14 (progress tables with a unit column, a pinyin-annotated mirror, a policy saved
# as page markup) score targets 0.50 on arrival-and-after; the 125 before them rose to 0.960
# (owners 0.960, sections 0.973): the whole set's 0.949 moved the targets bars again. The tenth
# round's 21 (flattened notices, pipe and space tables with notes or progress columns, dated
# plans) score targets 0.87, deadlines 0.83 after its fixes; the whole set 0.952 / 0.955. The
# eleventh round's 7 (short openings of task lists, a 若干意见) targets 0.82, deadlines 0.90 after
# its fixes; the whole set 0.951 / 0.952.
BARS = {
    ("targets_lenient", "f1"): 0.94,
    ("targets_strict", "f1"): 0.935,
    ("deadlines", "f1"): 0.95,
    ("owners", "f1"): 0.93,
    ("sections", "f1"): 0.96,
}
# The blind split (97 documents, mostly page excerpts of task lists and plans since the eighth
# round): bars a little under today's figures (eleventh round, 111 documents: targets 0.931,
# deadlines 0.844, owners 0.764, sections 0.947), to catch a rule that fits the development
# documents only.
BLIND_BARS = {("targets_lenient", "f1"): 0.92, ("deadlines", "f1"): 0.83, ("owners", "f1"): 0.75,
              ("sections", "f1"): 0.93}
BLIND = ROOT / "data" / "blind"
BLIND_GOLD = ROOT / "data" / "gold_blind"


def _run(tmp_path_factory, inputs, chain: str):
    from pipeline.runtime.batch import run_batch

    out = tmp_path_factory.mktemp(f"scores-{chain}")
    run_batch([str(p) for p in inputs], out, extractors=CHAINS[chain], quiet=True, workers=1)
    return out


@pytest.fixture(scope="module")
def rules_report(tmp_path_factory):
    return evaluate(GOLD, _run(tmp_path_factory, sorted((ROOT / "data" / "raw").glob("*.txt")), "rules"))


@pytest.fixture(scope="module")
def default_report(extracted):
    return evaluate(GOLD, extracted)


@pytest.fixture(scope="module")
def blind_report(tmp_path_factory):
    stems = {p.stem for p in BLIND_GOLD.glob("*.json")}
    return evaluate(BLIND_GOLD, _run(tmp_path_factory, [p for p in sorted(BLIND.iterdir()) if p.stem in stems],
                                     "rules"))


@pytest.mark.parametrize("field,stat", list(BARS))
def test_rules_alone_at_or_above_bar(rules_report, field, stat):
    assert rules_report["overall"][field][stat] >= BARS[(field, stat)], rules_report["overall"][field]


@pytest.mark.parametrize("field,stat", list(BARS))
def test_default_chain_at_or_above_bar(default_report, field, stat):
    assert default_report["overall"][field][stat] >= BARS[(field, stat)], default_report["overall"][field]


def test_rules_within_003_of_the_default_chain_on_targets(rules_report, default_report):
    for field in ("targets_lenient", "targets_strict"):
        assert default_report["overall"][field]["f1"] - rules_report["overall"][field]["f1"] <= 0.03


@pytest.mark.parametrize("field,stat", list(BLIND_BARS))
def test_blind_split_at_or_above_bar(blind_report, field, stat):
    assert blind_report["overall"][field][stat] >= BLIND_BARS[(field, stat)], blind_report["overall"][field]


def test_entity_and_action_accuracy(rules_report, default_report):
    for report in (rules_report, default_report):
        assert report["overall"]["entity_accuracy"] >= 0.90
        assert report["overall"]["action_accuracy"] >= 0.88


def test_few_achievements_reported_as_targets(rules_report, default_report):
    """Results read as targets: none on the documents of the first seven rounds; the progress
    tables of the eighth and ninth (a row's goal and its progress in cells the grid cannot align)
    leave about 1 % of the gold targets."""
    for report in (rules_report, default_report):
        assert report["overall"]["achievements_as_targets"]["share"] <= 0.02


def test_metadata_on_the_development_documents(default_report):
    """Every year right; issuers and regions of the page excerpts added blind since the fifth
    round are not all printed (a news lead's 许昌市政府, a joint 盟委、行署, a 县人民政府办公室 known
    by its document number only; in the seventh round eight excerpts whose place or issuer the
    annotators inferred from the site's address or the era: 天津 2006, 抚顺 2008, 寧海縣, 湖南省):
    0.90 / 0.93 then; the eighth round's excerpts print fewer (progress tables under a site's
    banner, news reports, 区政府 as the only issuer): 0.82 / 0.87 then; the ninth round's (a
    county's progress table under its site's name only, a policy inside a script's page markup,
    an excerpt that starts at its preamble) 8 of 14; the tenth round's 21 (issuers inferred by the
    annotators from 经市政府同意 or the site) 16 of 21: 0.81 / 0.84 today, bars a little under. One
    year is wrong by the gold's own choice (株洲: no year printed; '2012年…比重超过60%' reads as
    2012)."""
    overall = default_report["overall"]
    assert overall["year_accuracy"] >= 0.99
    assert overall["issuer_accuracy"] >= 0.78
    assert overall["region_accuracy"] >= 0.83


def test_cross_validated_targets_f1_at_least_095():
    """Leave-one-document-out over every gold document (make train): no fold saw its document."""
    manifest = json.loads((MODELS_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == models_version(MODELS_DIR), "manifest is stale: run `make train`"
    cv = manifest["cross_validation"]["all"]
    for chain in ("rules", "both"):
        assert cv[chain]["targets_lenient_f1"] >= 0.95, cv[chain]
