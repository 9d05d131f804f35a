"""The report's document pages and links, on two real work reports of data/raw (绵阳 2023, 国务院 2024):
every number of the index lands on a highlight of its page whose words are the target's ``raw``,
section paths link to headings, the text is the document's own, tables sort and filter, nothing
is fetched from the network, and the bytes are the same on a second run."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import RAW
from pipeline.tools.cli import main

DOCS = ("2023_mianyang_zhengfugongzuobaogao", "2024_guowuyuan_zhengfugongzuobaogao")


class Ids(HTMLParser):
    """For every element with an id: its tag, class and text (descendants' text included, CSS
    labels are not text); the hrefs of the page; the text inside ``div.doc``."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, dict] = {}
        self.hrefs: list[str] = []
        self.stack: list[tuple[str, str | None]] = []
        self.doc_text: list[str] = []
        self.in_doc = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag in self.VOID:
            return
        ident = a.get("id")
        if ident is not None:
            assert ident not in self.ids, f"duplicate id {ident}"
            self.ids[ident] = {"tag": tag, "class": a.get("class", ""), "text": "", "label": a.get("data-l")}
        if tag == "div" and "doc" in (a.get("class") or "").split():
            self.in_doc = len(self.stack) + 1
        self.stack.append((tag, ident))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        if self.in_doc == len(self.stack):
            self.in_doc = 0
        self.stack.pop()

    def handle_data(self, data):
        for _, ident in self.stack:
            if ident is not None:
                self.ids[ident]["text"] += data
        if self.in_doc:
            self.doc_text.append(data)


def parse(path: Path) -> Ids:
    p = Ids()
    p.feed(path.read_text("utf-8"))
    p.close()
    assert not p.stack, "unclosed elements"
    return p


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    from pipeline.runtime.batch import run_batch
    from pipeline.runtime.publish import dataset_dir

    src = tmp_path_factory.mktemp("raw2")
    for d in DOCS:
        shutil.copy(RAW / f"{d}.txt", src / f"{d}.txt")
    out = tmp_path_factory.mktemp("extracted2")
    run_batch([str(src)], out, extractors="rules", quiet=True, workers=1)
    return dataset_dir(out)


def _report(extracted: Path, folder: Path) -> Path:
    path = folder / "report.html"
    result = CliRunner().invoke(main, ["report", str(extracted), "--html", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def report(extracted, tmp_path_factory) -> Path:
    return _report(extracted, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def tables(extracted) -> dict[str, pd.DataFrame]:
    return {n: pd.read_parquet(extracted / f"{n}.parquet") for n in ("targets", "sections", "deadlines")}


@pytest.fixture(scope="module")
def pages(report) -> dict[str, Ids]:
    folder = report.parent / "report_docs"
    return {d: parse(folder / f"{d}.html") for d in DOCS}


def test_one_page_per_document_linked_from_the_index(report, pages):
    index = parse(report)
    linked = {unquote(h).split("#")[0] for h in index.hrefs if h.startswith("report_docs/")}
    assert linked == {f"report_docs/{d}.html" for d in DOCS}
    for d in DOCS:  # each page links back to the index
        assert "../report.html" in pages[d].hrefs


def test_every_number_of_the_index_lands_on_its_highlight(report, pages, tables):
    index = parse(report)
    raw = dict(zip(tables["targets"]["target_id"], tables["targets"]["raw"]))
    links = [m for h in index.hrefs if (m := re.match(r"report_docs/(.+)\.html#(t\d+)$", unquote(h)))]
    assert len(links) >= 20  # the targets table and the grids of GDP, jobs, unemployment, CPI
    for m in links:
        href, page, frag = m.group(0), m.group(1), m.group(2)
        hit = pages[page].ids.get(frag)
        assert hit is not None, href
        assert hit["tag"] == "mark" and hit["text"] == raw[f"{page}:{frag}"], (href, hit)


def test_the_2024_gdp_target_row_shows_number_sentence_and_section(report, pages, tables):
    """The national 2024 report's '5%左右' (GDP growth): its row in the index links to its mark
    on the page, inside its sentence, and shows the section path of the targets' section."""
    t, s = tables["targets"], tables["sections"]
    row = t[(t["doc_id"] == DOCS[1]) & (t["metric"] == "gdp_growth") & (t["status"] == "target")].iloc[0]
    assert row["raw"] == "5%左右"
    local = row["target_id"].split(":")[1]
    page = report.read_text("utf-8")
    table = page[page.index('id="targets"'):]
    tr = next(r for r in table.split("<tr>") if f'{DOCS[1]}.html#{local}"' in r)
    path = s[(s["doc_id"] == DOCS[1]) & (s["section_id"] == row["section_id"])]["path"].iloc[0]
    assert html.escape(path) in tr and f'{DOCS[1]}.html#{row["section_id"]}"' in tr
    doc = pages[DOCS[1]]
    assert doc.ids[local]["text"] == "5%左右" and doc.ids[local]["label"] == "目标"
    assert row["section_id"] in doc.ids  # the section path's link lands on the heading
    sentence = row["commitment_id"].split(":")[1]
    assert doc.ids[sentence]["class"] == "s" and "5%左右" in doc.ids[sentence]["text"]
    assert doc.ids[sentence]["text"] in row["text"] or row["text"] in doc.ids[sentence]["text"]


def test_every_target_and_deadline_is_highlighted_from_its_offsets(pages, tables, extracted):
    for d in DOCS:
        ids = pages[d].ids
        t = tables["targets"][tables["targets"]["doc_id"] == d]
        assert len(t) > 30
        for tid, raw, status in zip(t["target_id"], t["raw"], t["status"]):
            hit = ids[tid.split(":")[1]]
            assert (hit["tag"], hit["text"]) == ("mark", raw)
            assert ("ach" if status == "achievement" else "tar") in hit["class"].split()
        for did, raw in zip(*tables["deadlines"].query("doc_id == @d")[["deadline_id", "raw"]].T.values):
            hit = ids[did.split(":", 1)[1].replace(":", "-")]
            assert hit["text"] == raw and hit["label"] == "期限"


def test_page_text_is_the_documents_text_escaped(pages, extracted):
    """Markup added, no character lost, moved or doubled: the page's text is texts/<doc>.txt."""
    for d in DOCS:
        assert "".join(pages[d].doc_text) == (extracted / "texts" / f"{d}.txt").read_text("utf-8")


def test_tables_sort_and_filter_with_an_inline_script_and_nothing_is_fetched(report, pages):
    for path in [report] + [report.parent / "report_docs" / f"{d}.html" for d in DOCS]:
        page = path.read_text("utf-8")
        assert 'class="sortable' in page and "<script>" in page and "aria-sort" in page
        assert not re.search(r'(?:src|href)\s*=\s*"?(?:https?:|//|file:)', page, re.I)
        assert not re.search(r"url\((?!data:|ReportCJK\.)", page)  # fonts and images: embedded or beside
        assert "<link" not in page and "@import" not in page and "<script src" not in page
        assert "http" not in page[page.index("<script>"):]  # the script fetches nothing
    assert (report.parent / "report_docs" / "ReportCJK.otf").stat().st_size > 10_000


def test_same_dataset_same_bytes(report, extracted, tmp_path):
    again = _report(extracted, tmp_path)
    assert again.read_bytes() == report.read_bytes()  # the date line aside (same day)
    for d in list(DOCS) + ["ReportCJK"]:
        name = f"{d}.otf" if d == "ReportCJK" else f"{d}.html"
        assert (tmp_path / "report_docs" / name).read_bytes() == (report.parent / "report_docs" / name).read_bytes()


def test_crossing_spans_keep_the_target_and_an_anchor_for_the_other():
    """HTML cannot nest crossing spans: the target keeps its mark, a deadline crossing it
    becomes an empty anchor (its link still lands), the sentence stays around both."""
    from pipeline.analysis.highlight import Span, render, resolve

    text = "到2025年底，全市建成5G基站1万个以上。"
    a, b = text.index("5G"), text.index("以上") + 2
    d = text.index("2025年底")
    spans = resolve([Span(0, len(text), "sent", "c0001"), Span(d, d + 6, "deadline", "c0001-d1", "期限"),
                     Span(a, b, "target", "t0001", "目标"), Span(5, a + 2, "owner", "o5-14", "责任")])
    out = render(text, spans)
    assert '<mark class="e tar" id="t0001" data-l="目标">5G基站1万个以上</mark>' in out
    # the owner crossed both: dropped, its id kept as an empty anchor where it began
    assert '<mark class="e dea" id="c0001-d1" data-l="期限">2025<span id="o5-14"></span>年底</mark>' in out
    assert out.startswith('<span class="s" id="c0001">') and re.sub(r"<[^>]+>", "", out) == text


def test_markup_characters_of_the_text_are_escaped():
    from pipeline.analysis.highlight import Span, render

    text = "细颗粒物（PM2.5）浓度<35微克/立方米&优良天数比率>85%"
    out = render(text, [Span(text.index("<35"), text.index("&"), "target", "t0001", "目标")])
    assert "&lt;35微克/立方米</mark>&amp;" in out and "&gt;85%" in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.mark.slow
def test_clicking_a_header_sorts_numerically_and_the_box_filters(report, tmp_path):
    """In headless Chromium: the index's targets table sorted by value (twice: descending), then
    filtered to the rows holding two words."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("chromium not found")
    probe = """<script>
var t=document.getElementById('targets'),h=t.tHead.rows[0].cells,col=[].map.call(h,function(x){return x.textContent}).indexOf('value');
function vals(){return [].map.call(t.tBodies[0].rows,function(r){return parseFloat(r.cells[col].textContent)});}
h[col].click();var asc=vals();h[col].click();var desc=vals();
var box=t.parentNode.previousElementSibling.previousElementSibling;box.value='全国 目标';box.dispatchEvent(new Event('input'));
setTimeout(function(){var vis=[].filter.call(t.tBodies[0].rows,function(r){return !r.hidden}).map(function(r){return r.textContent});
document.title='RESULT'+JSON.stringify({asc:asc,desc:desc,vis:vis,n:t.tBodies[0].rows.length});},400);
</script>"""
    page = tmp_path / "probe.html"
    page.write_text(report.read_text("utf-8").replace("</body>", probe + "</body>"), encoding="utf-8")
    shutil.copytree(report.parent / "report_docs", tmp_path / "report_docs")
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=120)
    import json

    found = re.search(r"<title>RESULT(.*?)</title>", dom.stdout)
    assert found, dom.stderr[-2000:]
    res = json.loads(html.unescape(found.group(1)))
    asc = [v for v in res["asc"] if v is not None]
    assert len(asc) > 10 and asc == sorted(asc) and res["asc"][:len(asc)] == asc  # empty cells last
    assert res["desc"][:len(asc)] == sorted(asc, reverse=True)
    assert 0 < len(res["vis"]) < res["n"] and all("全国" in r and "目标" in r for r in res["vis"])
