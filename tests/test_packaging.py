"""A non-editable install works from any folder: code, resources and trained models inside it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from conftest import RAW, ROOT


# What a build reads: the files an sdist would carry (a copy, so that no build/ folder of the
# checkout, stale or not, takes part).
BUILD_INPUTS = ["pyproject.toml", "setup.py", "README.md", "LICENSE", "pipeline", "models"]


def _source_copy(dest):
    dest.mkdir()
    for name in BUILD_INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dest / name)
    return dest


@pytest.mark.slow
def test_installed_copy_extracts_with_the_default_chain_from_another_folder(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", str(target), str(_source_copy(tmp_path / "src"))],
                   check=True, capture_output=True, timeout=600)
    assert (target / "pipeline" / "trained" / "mention_corrector.joblib").exists()
    assert (target / "pipeline" / "trained" / "mention_corrector.npz").exists()  # applied without scikit-learn
    # every package of the checkout is installed (found by setup.py, none listed by hand)
    packages = {p.parent.relative_to(ROOT) for p in (ROOT / "pipeline").rglob("__init__.py")}
    assert len(packages) >= 8
    for package in packages:
        assert (target / package / "__init__.py").exists(), f"{package} is not in the installed copy"
    assert {p.name for p in (target / "pipeline" / "resources").iterdir()} == \
        {p.name for p in (ROOT / "pipeline" / "resources").iterdir() if p.is_file()}
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
