"""Shared fixtures, and the two tiers of the suite.

Tiers (markers registered in pyproject.toml; `make test` runs both):
- unit: everything not marked otherwise. The pipeline in-process (`pipeline.extract`,
  `process_text`, the extractors' functions) on sentences, short texts and single documents;
  `make test-unit` (`-m "not e2e and not slow"`) runs it in well under a minute.
- e2e: the command line, the batch and the files it writes. A test is marked e2e here, without
  a decorator, when it — its own code, a helper of the test files it calls, or any fixture it
  uses — starts a process (`run_cli`, `subprocess`, the `cli` fixture), runs the batch
  (`run_batch`, `extract_texts`) or invokes the command line in-process (click's `CliRunner`),
  so it also holds for test files added later. `@pytest.mark.e2e` marks any other by hand.
- slow (orthogonal): long tests (hanlp training, the province corpus, 1 M-character inputs).
"""
from __future__ import annotations

import inspect
import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "data" / "gold"
SEED = "2023_tuanshiwei_gongzuoyaodian"

# Names whose use in a test's code means the test runs the command, the batch or a process.
E2E_NAMES = frozenset({"run_cli", "subprocess", "Popen", "run_batch", "extract_texts", "CliRunner"})
E2E_FIXTURES = frozenset({"cli"})


def _code_names(code: types.CodeType) -> set[str]:
    """Every global, attribute and imported name a code object (and the functions nested in it)
    refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _test_function(obj) -> types.FunctionType | None:
    """The plain function behind a test or fixture (hypothesis and decorators unwrapped)."""
    if not callable(obj):
        return None
    try:
        inner = getattr(getattr(obj, "hypothesis", None), "inner_test", None)
        obj = inspect.unwrap(inner or obj)
    except Exception:  # an object whose attributes cannot be read is no test code
        return None
    return obj if isinstance(obj, types.FunctionType) else None


def _in_tests(func: types.FunctionType) -> bool:
    return Path(func.__code__.co_filename).resolve().is_relative_to(TESTS)


def _is_e2e_code(obj, seen: set) -> bool:
    """True when ``obj`` or a function of the test files that it calls names one of E2E_NAMES
    (functions of pytest and of the pipeline are not followed: only the tests' own code)."""
    func = _test_function(obj)
    if func is None or not _in_tests(func) or func.__code__ in seen:
        return False
    seen.add(func.__code__)
    names = _code_names(func.__code__)
    if names & E2E_NAMES:
        return True
    return any(_is_e2e_code(func.__globals__.get(name), seen) for name in names)


def is_e2e(item: pytest.Item) -> bool:
    """The tier rule of the module docstring, for one collected test."""
    if item.get_closest_marker("e2e") is not None:
        return True
    if E2E_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    seen: set = set()
    if _is_e2e_code(getattr(item, "function", None), seen):
        return True
    info = getattr(item, "_fixtureinfo", None)
    for defs in (info.name2fixturedefs.values() if info else ()):
        if any(_is_e2e_code(d.func, seen) for d in defs):
            return True
    return False


def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_e2e(item):
            item.add_marker(pytest.mark.e2e)


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m pipeline …` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def cli():
    """`run_cli` as a fixture: a test that takes it is e2e."""
    return run_cli


@pytest.fixture(scope="session")
def extracted(tmp_path_factory) -> Path:
    """The real command run once over the real documents of data/raw/ (e2e)."""
    out = tmp_path_factory.mktemp("processed")
    result = run_cli("extract", str(RAW), "--out", str(out), "--format", "xlsx")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def tables(extracted) -> dict[str, pd.DataFrame]:
    names = ["documents", "sections", "commitments", "targets", "owners", "errors"]
    return {n: pd.read_parquet(extracted / f"{n}.parquet") for n in names}


def rules_doc(stem: str):
    """A development document (``data/raw/<stem>.txt``) through the rules alone, in-process."""
    from pipeline.config import Settings
    from pipeline.language import pipeline_for

    return pipeline_for(Settings(chain="rules"))(RAW / f"{stem}.txt")


def rules_dates(text: str, year: int) -> list[tuple[str, str]]:
    """(raw, date) of every deadline the rules find in ``text`` of plan year ``year``."""
    from pipeline.config import Settings
    from pipeline.language import process_text

    doc = process_text(text, year=year, extractors=Settings(chain="rules"))
    return [(d.raw, d.date) for c in doc.commitments for d in c.deadlines]


def work_report(province: str, year: int, review: str, plan: str, issuer: bool = True) -> str:
    """A minimal provincial government work report: a review of last year, this year's goals."""
    head = f"---\ntitle: {year}年{province}政府工作报告\n---\n\n" + (f"{province}人民政府\n\n" if issuer else "")
    return head + f"一、{year - 1}年工作回顾\n\n{review}\n\n二、{year}年工作安排\n\n{plan}\n"


def extract_texts(tmp_path_factory, texts: dict[str, str]) -> Path:
    """``texts`` (file name → content) written to a folder and run through the batch: its --out."""
    from pipeline.runtime.batch import run_batch

    src = tmp_path_factory.mktemp("reports")
    for name, text in texts.items():
        (src / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("extracted")
    run_batch([str(src)], out, quiet=True)
    return out
