"""Shared fixtures: the real command run once over the real documents of data/raw/."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "data" / "gold"
SEED = "2023_tuanshiwei_gongzuoyaodian"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m pipeline …` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def extracted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("processed")
    result = run_cli("extract", str(RAW), "--out", str(out), "--format", "xlsx")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def tables(extracted) -> dict[str, pd.DataFrame]:
    names = ["documents", "sections", "commitments", "targets", "owners", "errors"]
    return {n: pd.read_parquet(extracted / f"{n}.parquet") for n in names}


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
