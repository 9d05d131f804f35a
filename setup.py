"""The package list, found: every package under pipeline/ (so that a new sub-package needs no
edit), plus ``pipeline.trained``, which is the folder models/ (``package-dir`` in pyproject.toml,
where everything else about the build is). pyproject.toml alone cannot add a renamed folder to
a found list."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent

setup(packages=find_packages(where=str(HERE), include=["pipeline", "pipeline.*"]) + ["pipeline.trained"])
