"""The HTML report and the charts: self-contained, Chinese rendered, opened in real headless Chromium."""
from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import extract_texts, work_report
from pipeline.tools.cli import main

REPORTS = {
    "江苏省_2023.md": work_report(
        "江苏省", 2023, "2022年，全省地区生产总值增长2.8%，城镇新增就业136万人，城镇调查失业率4.7%。",
        "今年经济社会发展主要预期目标是：地区生产总值增长5%左右，城镇新增就业120万人以上，"
        "城镇调查失业率5.5%左右。"),
    "江苏省_2024.md": work_report(
        "江苏省", 2024, "2023年，全省地区生产总值增长5.8%，城镇新增就业140万人，城镇调查失业率4.5%。",
        "今年经济社会发展主要预期目标是：地区生产总值增长5%以上，城镇新增就业120万人以上。"),
    "浙江省_2024.md": work_report(
        "浙江省", 2024, "全省生产总值增长6%，城镇新增就业112万人。",
        "今年经济社会发展主要预期目标为：全省生产总值增长5.5%左右，城镇新增就业100万人以上。",
        issuer=False),
    "broken.pdf": "not a pdf",
}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    return extract_texts(tmp_path_factory, REPORTS)


@pytest.fixture(scope="module")
def report_html(extracted, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(main, ["report", str(extracted), "--html", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_report_is_one_self_contained_page(report_html):
    page = report_html.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert not re.search(r'(?:src|href)="(?:https?:|//|file:)', page)  # nothing fetched from outside
    assert "<script>" in page and "<script src" not in page  # the inline sort/filter script only
    assert page.count("data:image/png;base64,") >= 2  # charts embedded
    assert "@font-face" in page and "data:font/" in page  # Chinese glyphs embedded too
    for ident in ("coverage", "grid-gdp_growth", "grid-urban_new_jobs", "documents", "errors"):
        assert f'id="{ident}"' in page
    # the 2023 target beside the result reported in 2024, each a link to its sentence
    assert re.search(r'<a href="report_docs/江苏省_2023\.html#t\d+">5%左右</a> → '
                     r'<a href="report_docs/江苏省_2024\.html#t\d+">5\.8%</a>', page)
    assert "broken.pdf" in page  # the error list


def test_charts_find_a_cjk_font_and_render_chinese():
    from pipeline.analysis.charts import _has_chinese, cjk_font, cjk_font_path

    path = cjk_font_path()
    assert path is not None, "no CJK font: install mplfonts (a dependency) or fonts-noto-cjk"
    assert _has_chinese(path) and cjk_font()


def test_bar_chart_has_no_missing_glyphs(extracted):
    from pipeline.analysis.charts import bar_by_region, png_bytes
    from pipeline.analysis.compare import compare

    wide = compare([extracted], ["gdp_growth"])["wide"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = png_bytes(bar_by_region(wide, "gdp_growth", 2024))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [w for w in caught if "missing from font" in str(w.message)]  # no tofu


def test_missing_font_gives_a_clear_warning(monkeypatch):
    import pipeline.analysis.charts as charts

    charts.cjk_font.cache_clear()
    monkeypatch.setattr(charts, "cjk_font_path", lambda: None)
    try:
        with pytest.warns(charts.CJKFontWarning, match="No CJK font found"):
            assert charts.cjk_font() is None
    finally:
        charts.cjk_font.cache_clear()


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.mark.slow
def test_report_opens_in_headless_chromium(report_html, tmp_path):
    chromium = _chromium()
    if chromium is None:
        pytest.skip("chromium not found (Debian package `chromium`; .ci/run installs it)")
    from PIL import Image

    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--enable-logging=stderr", "--v=0"]
    url = report_html.resolve().as_uri()
    shot = tmp_path / "shot.png"
    run = subprocess.run(common + [f"--user-data-dir={tmp_path / 'profile1'}", f"--screenshot={shot}",
                                   "--window-size=1280,2000", url],
                         capture_output=True, text=True, timeout=120)
    assert shot.exists(), run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console

    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 2000)
    small = img.resize((320, 500))
    colours = small.getcolors(maxcolors=320 * 500)
    assert colours is not None and len(colours) > 20  # not a blank page
    non_white = sum(n for n, c in colours if sum(c) < 720) / (320 * 500)
    assert non_white > 0.05

    dom = subprocess.run(common + [f"--user-data-dir={tmp_path / 'profile2'}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for ident in ("coverage", "grid-gdp_growth", "documents", "errors"):
        assert f'id="{ident}"' in dom.stdout
    assert dom.stdout.count("<img") >= 2


def test_grid_says_when_no_target_was_set():
    """A region-year whose report sets no target shows '未设定'; a qualitative one its wording."""
    import pandas as pd

    from pipeline.analysis.report import comparison_grid

    wide = pd.DataFrame([
        {"region": "全国", "year": 2020, "metric": "gdp_growth", "target_raw": None, "result_raw": "2.3%",
         "met": None, "target_status": "not_set"},
        {"region": "云南省", "year": 2020, "metric": "gdp_growth", "target_raw": "全省地区生产总值增速高于全国平均水平",
         "result_raw": "4%", "met": None, "target_status": "qualitative"},
        {"region": "江苏省", "year": 2020, "metric": "gdp_growth", "target_raw": None, "result_raw": None,
         "met": None, "target_status": "not_found"}])
    grid, _ = comparison_grid(wide, "gdp_growth")
    cells = dict(zip(grid["地区"], grid["2020"]))
    assert cells == {"全国": "未设定 → 2.3%", "云南省": "全省地区生产总值增速高于全国平均水平 → 4%", "江苏省": "— → —"}
