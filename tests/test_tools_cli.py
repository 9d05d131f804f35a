"""The command line: one group that imports its commands when they run (no cycle), --verbose/--quiet on every
command, and the exit status of evaluate when a gold document has no predicted one."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.extractors import CHAINS
from pipeline.runtime.batch import run_batch
from pipeline.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "pipeline" / "tools" / "cli"
PLAN = "2023_tuanshiwei_gongzuoyaodian"
EXCERPT = "2017_weifang_zhengwugongkai_gongzuoyaodian_excerpt"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_no_command_module_imports_the_group():
    modules = [p for p in CLI.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert {p.stem for p in modules} >= {"extract", "evaluate", "compare", "report", "metrics", "options"}
    for p in modules:
        imported = _imports(p)
        assert "pipeline.tools.cli" not in imported and "pipeline.tools.cli.main" not in imported, p
        assert not any(m.startswith("pipeline.tools.cli.") and m.split(".")[3] != "options"
                       for m in imported if m.count(".") >= 3), p
    assert not (ROOT / "pipeline" / "tools" / "cli.py").exists()
    assert not (ROOT / "pipeline" / "tools" / "cli_compare.py").exists()


def _command(name: str):
    import click
    return main.get_command(click.Context(main), name)


def test_the_group_has_every_command():
    import click
    assert set(main.list_commands(click.Context(main))) == {"extract", "evaluate", "compare", "report", "metrics"}
    assert all(_command(n) is not None for n in ("extract", "evaluate", "compare", "report", "metrics"))


def test_a_command_module_is_imported_only_when_its_command_runs():
    """Start-up: `extract` does not import the evaluator's, the comparison's or the report's modules."""
    code = ("import sys, pipeline.tools.cli as c, click; c.main.get_command(click.Context(c.main), 'extract'); "
            "print(sorted(m for m in sys.modules if m.startswith('pipeline.tools.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "pipeline.tools.cli.extract" in out
    assert not any(f"pipeline.tools.cli.{m}'" in out for m in ("evaluate", "compare", "report", "metrics"))


@pytest.mark.parametrize("name", ["extract", "evaluate", "compare", "report", "metrics"])
def test_every_command_has_verbose_and_quiet(name):
    opts = {o for p in _command(name).params for o in getattr(p, "opts", [])}
    assert {"--verbose", "-v", "--quiet", "-q"} <= opts


def test_verbose_and_quiet_together_is_a_usage_error():
    result = CliRunner().invoke(main, ["metrics", "-v", "-q"])
    assert result.exit_code == 2 and "exclude each other" in result.output


def test_metrics_quiet_keeps_the_table_and_drops_the_summary():
    normal = CliRunner().invoke(main, ["metrics"])
    quiet = CliRunner().invoke(main, ["metrics", "--quiet"])
    assert normal.exit_code == quiet.exit_code == 0
    assert normal.stderr.startswith("lexicon ") and quiet.stderr == ""
    assert quiet.stdout == normal.stdout and "gdp_growth" in quiet.stdout


@pytest.fixture(scope="module")
def pred(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pred")
    run_batch([str(ROOT / "data" / "raw" / f"{PLAN}.txt")], out, extractors=CHAINS["rules"],
              workers=1, quiet=True)
    return out


@pytest.fixture(scope="module")
def gold_two(tmp_path_factory) -> Path:
    """Gold of the plan, which was extracted, and of the excerpt, which was not."""
    d = tmp_path_factory.mktemp("gold")
    for doc in (PLAN, EXCERPT):
        (d / f"{doc}.json").write_bytes((ROOT / "data" / "gold" / f"{doc}.json").read_bytes())
    return d


def test_evaluate_exits_1_and_names_the_gold_document_without_predictions(pred, gold_two, tmp_path):
    js = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(gold_two), "--pred", str(pred),
                                       "--json", str(js)])
    assert result.exit_code == 1
    assert EXCERPT in result.stderr and "without a predicted document" in result.stderr
    assert PLAN not in result.stderr.split("error:")[-1]
    assert "Overall (2 documents)" in result.stdout  # the report is still printed
    assert json.loads(js.read_text(encoding="utf-8"))["overall"]["documents_without_predictions"] == [EXCERPT]


def test_evaluate_exits_0_when_every_gold_document_has_predictions(pred, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / f"{PLAN}.json").write_bytes((ROOT / "data" / "gold" / f"{PLAN}.json").read_bytes())
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(gold), "--pred", str(pred)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_evaluate_of_an_empty_gold_folder_is_an_error(pred, tmp_path):
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(tmp_path), "--pred", str(pred)])
    assert result.exit_code == 1 and "no gold files" in result.stderr


def test_evaluate_verbose_prints_each_document_as_it_is_scored(pred, gold_two):
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(gold_two), "--pred", str(pred), "-v"])
    lines = [line for line in result.stderr.splitlines() if line.startswith("DEBUG ")]
    assert any(line.startswith(f"DEBUG {PLAN}: targets_lenient ") for line in lines)
    assert any(EXCERPT in line and "no predictions" in line for line in lines)


def test_evaluate_quiet_writes_json_without_saying_so(pred, gold_two, tmp_path):
    args = ["evaluate", "--gold", str(gold_two), "--pred", str(pred), "--json", str(tmp_path / "r.json")]
    assert "report written to" in CliRunner().invoke(main, args).stderr
    quiet = CliRunner().invoke(main, [*args, "-q"])
    assert "report written to" not in quiet.stderr and EXCERPT in quiet.stderr  # the error stays


def test_python_m_pipeline_tools_evaluate_is_the_command(pred, gold_two):
    args = ["--gold", str(gold_two), "--pred", str(pred)]
    module = subprocess.run([sys.executable, "-m", "pipeline.tools.evaluate", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    command = subprocess.run([sys.executable, "-m", "pipeline", "evaluate", *args], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert module.returncode == command.returncode == 1
    assert module.stdout == command.stdout and "targets (lenient)" in module.stdout


def test_extract_verbose_lists_every_document_and_quiet_says_nothing(tmp_path):
    src = str(ROOT / "data" / "raw" / f"{EXCERPT}.txt")
    verbose = CliRunner().invoke(main, ["extract", src, "--out", str(tmp_path / "v"), "-j", "1",
                                        "--extractors", "rules", "--verbose"])
    assert verbose.exit_code == 0, verbose.output
    assert any(line.startswith(f"{EXCERPT}: ") and " chars, " in line and " commitments, " in line
               for line in verbose.stderr.splitlines())
    quiet = CliRunner().invoke(main, ["extract", src, "--out", str(tmp_path / "q"), "-j", "1",
                                      "--extractors", "rules", "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_compare_quiet_and_verbose(tmp_path):
    report = "2023_mianyang_zhengfugongzuobaogao"  # a work report: metrics to compare
    run_batch([str(ROOT / "data" / "raw" / f"{report}.txt")], tmp_path / "x",
              extractors=CHAINS["rules"], workers=1, quiet=True)
    base = ["compare", str(tmp_path / "x"), "--out", str(tmp_path / "cmp"), "--no-charts"]
    normal, quiet, verbose = (CliRunner().invoke(main, base + flag) for flag in ([], ["-q"], ["-v"]))
    assert normal.exit_code == quiet.exit_code == verbose.exit_code == 0
    assert "written to" in normal.stderr and quiet.stderr == ""
    assert "table written: " in verbose.stderr and "table written: " not in normal.stderr
