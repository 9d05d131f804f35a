"""notebooks/provinces.ipynb runs, on a 3-province subset, so that it never rots."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "provinces.ipynb"


@pytest.mark.slow
def test_provinces_notebook_runs(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    corpora = [ROOT / "data" / "provinces", ROOT.parent / "shared" / "corpus" / "provinces"]
    if not any(p.is_dir() and any(p.glob("*.md")) for p in corpora):
        pytest.skip("province corpus not found in data/provinces or ../shared/corpus/provinces")
    monkeypatch.setenv("PROVINCES_SUBSET", "3")
    monkeypatch.setenv("PROVINCES_OUT", str(tmp_path / "out"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "reports with an annual GDP growth target" in text
    assert text.rstrip().endswith("ok")
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert len(images) >= 3
    assert (tmp_path / "out" / "targets.parquet").exists()
