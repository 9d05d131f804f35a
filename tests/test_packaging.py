"""A non-editable install works from any folder: code, resources and trained models inside it."""
from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from conftest import RAW, ROOT


@pytest.mark.slow
def test_installed_copy_extracts_with_the_default_chain_from_another_folder(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True, timeout=600)
    assert (target / "pipeline" / "trained" / "mention_corrector.joblib").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import pipeline, pipeline.ml.models as m; "
                            "print(pipeline.__file__); print(m.MODELS_DIR)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert all(line.startswith(str(target)) for line in where.stdout.split()), where.stdout
    out = tmp_path / "out"
    report = RAW / "2023_mianyang_zhengfugongzuobaogao.txt"  # a work report: the corrector reviews it
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(report),
                          "--out", str(out), "--quiet"], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    targets = pd.read_parquet(out / "targets.parquet")
    assert "rule+ml" in set(targets.method) and len(targets) > 100
