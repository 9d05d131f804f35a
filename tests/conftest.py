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
