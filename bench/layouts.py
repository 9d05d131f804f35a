"""Owners, deadlines and rows of task tables, however the table is laid out: a layout stress test.

    .venv/bin/python bench/layouts.py            # owners, deadlines, sections F1 per layout (~15 s)

The task documents of the development gold (genre task_lists) give, per line that gold owners
quote, a task, its units and its limit (a gold deadline quoted on that line). Each document is
rewritten as one task table (序号 / 重点任务 / 责任单位 / 完成时限: the gold names as the unit cell,
the limit as 'YYYY年M月底前' or '持续推进' where there is none; each row a numbered item, a
section titled by its task up to the first 。) in the layouts real pages and files have: one cell per
line, a '|' line between cells (web tables as page extraction leaves them), each cell ending in
' |', a row a line with '|' (markdown), a row a line with tabs (a spreadsheet pasted), an HTML
<table>. The same rows in every layout: a layout that scores lower is one the readers do not
hold. Names are the gold's, so the figure measures reading a table, not reading a name; the
task texts are the development documents', so it is a training-side figure, not a blind one.
"""
from __future__ import annotations

import html
import json
import re
import sys
import tempfile
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extractors import CHAINS  # noqa: E402
from pipeline.runtime.batch import run_batch  # noqa: E402
from pipeline.tools.evaluate import evaluate  # noqa: E402

LAYOUTS = ("cells", "pipe_lines", "cell_bar", "pipe_rows", "tabs", "html", "wide", "wrapped",
           "note_labels", "note_roles", "label_lines", "bracket_labels", "short_labels", "lead_verbs")
# the same rows as numbered tasks with their owners in the notations of task divisions (first
# name the lead, the others support; the limit as its own clause):
# note_labels '1.任务。（牵头单位：A；配合单位：B、C）'; note_roles '（A牵头，B、C配合）';
# label_lines '牵头单位：A' / '配合单位：B、C' on lines of their own; bracket_labels '【牵头单位】A【配合单位】B、C';
# short_labels '（牵头：A；配合：B、C）'; lead_verbs 'A牵头，B、C配合，…完成。' after the task
_NOTATION = {
    "note_labels": lambda lead, rest: f"（牵头单位：{lead}" + (f"；配合单位：{rest}" if rest else "") + "）",
    "note_roles": lambda lead, rest: f"（{lead}牵头" + (f"，{rest}配合" if rest else "") + "）",
    "label_lines": lambda lead, rest: f"\n牵头单位：{lead}" + (f"\n配合单位：{rest}" if rest else ""),
    "bracket_labels": lambda lead, rest: f"【牵头单位】{lead}" + (f"【配合单位】{rest}" if rest else ""),
    "short_labels": lambda lead, rest: f"（牵头：{lead}" + (f"；配合：{rest}" if rest else "") + "）",
    "lead_verbs": lambda lead, rest: f"{lead}牵头" + (f"，{rest}配合" if rest else "") + "。",
}
# wide: 序号 / 重点任务 / 责任领导 (a person) / 牵头单位 (the first name) / 配合单位 (the others, '—' if
# none) / 完成时限, one cell per line; wrapped: one cell per line, a task over 40 characters broken
# over two lines as a PDF's narrow column breaks it
_WIDE = ["序号", "重点任务", "责任领导", "牵头单位", "配合单位", "完成时限"]
_PEOPLE = ["王建国", "李明", "张 伟", "刘晓燕"]
HEAD = ["序号", "重点任务", "责任单位", "完成时限"]
_TITLE_END = re.compile(r"[。！？]")
_NOTE = re.compile(r"[（(][^（）()]*[）)]$")
_NUMBER = re.compile(r"^(?:[\u2474-\u249b]|\d{1,3}[.、．]|[（(]\d{1,3}[）)]|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])\s*")


def _limit(date: str) -> str | None:
    """'2023-06-30' → '2023年6月底前' (a month's last day only)."""
    import calendar
    y, m, d = (int(x) for x in date.split("-"))
    return f"{y}年{m}月底前" if d == calendar.monthrange(y, m)[1] else None


def task_rows(min_rows: int = 5) -> list[tuple[str, list[tuple[str, list[str], str | None]]]]:
    """(doc_id, [(task, unit names, date or None)]) of every development task document with enough
    owner lines."""
    genre = dict(line.rstrip("\n").split("\t") for line in (ROOT / "data/genres.tsv").open(encoding="utf-8")
                 if "\t" in line)
    docs = []
    for path in sorted((ROOT / "data/gold").glob("*.json")):
        if genre.get(path.stem) != "task_lists":
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        lines = (ROOT / "data/raw" / f"{path.stem}.txt").read_text(encoding="utf-8").split("\n")
        by_line: dict[int, list[str]] = OrderedDict()
        for o in gold.get("owners") or []:
            at = next((i for i, line in enumerate(lines) if o["quote"] in line), None)
            if at is not None:
                by_line.setdefault(at, []).append(o["name"])
        dates: dict[int, str] = {}
        for d in gold.get("deadlines") or []:
            at = next((i for i, line in enumerate(lines) if d["quote"] in line), None)
            if at in by_line and d.get("date") and _limit(d["date"]):
                dates.setdefault(at, d["date"])
        tasks = []
        for i, names in by_line.items():
            task = _NUMBER.sub("", _NOTE.sub("", lines[i].strip()).strip())
            if len(task) >= 8 and "|" not in task and not re.search(r"\d{4}年\d{1,2}月", task):
                tasks.append((task, list(OrderedDict.fromkeys(names)), dates.get(i)))
        if len(tasks) >= min_rows:
            docs.append((path.stem, tasks))
    return docs


def render(layout: str, tasks: list[tuple[str, list[str]]]) -> str:
    limit = [_limit(date) if date else "持续推进" for _t, _n, date in tasks]
    if layout in _NOTATION:
        note = _NOTATION[layout]
        items = []
        for i, (task, names, date) in enumerate(tasks):
            body = task if task.endswith(("。", "；")) else task + "。"
            when = f"{_limit(date)}完成。" if date else ""
            items.append(f"{i + 1}.{body}{when}{note(names[0], '、'.join(names[1:]))}")
        return "重点工作任务分解\n" + "\n".join(items) + "\n"
    if layout == "wide":
        rows = [_WIDE] + [[str(i + 1), task, _PEOPLE[i % len(_PEOPLE)], names[0], "、".join(names[1:]) or "—",
                           limit[i]] for i, (task, names, _d) in enumerate(tasks)]
        return "重点工作任务分解表\n" + "\n".join(c for r in rows for c in r) + "\n"
    rows = [HEAD] + [[str(i + 1), task, "、".join(names), limit[i]] for i, (task, names, _d) in enumerate(tasks)]
    if layout == "wrapped":
        cells = [c for r in rows for c in r]
        return "重点工作任务分解表\n" + "\n".join(c if len(c) <= 40 else c[:40] + "\n" + c[40:] for c in cells) + "\n"
    if layout == "html":
        return "<html><body><table>" + "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table></body></html>"
    body = {"cells": lambda: "\n".join(c for r in rows for c in r),
            "pipe_lines": lambda: "\n|\n".join(c for r in rows for c in r),
            "cell_bar": lambda: "\n".join(c + " |" for r in rows for c in r),
            "pipe_rows": lambda: "\n".join("| " + " | ".join(r) + " |" for r in rows),
            "tabs": lambda: "\n".join("\t".join(r) for r in rows)}[layout]()
    return "重点工作任务分解表\n" + body + "\n"


def _quote(task: str) -> str:
    """What a gold quote of the task is: a piece of its first sentence."""
    return _TITLE_END.split(task, 1)[0][:14]


def gold_of(doc_id: str, tasks: list[tuple[str, list[str], str | None]]) -> dict:
    """The gold of a rewritten table: each row's owners, its limit and its number as a section."""
    return {"doc_id": doc_id, "title": None, "issuer": None, "region": None, "year": None, "targets": None,
            "owners": [{"quote": _quote(task), "name": n, "role": "responsible"} for task, names, _d in tasks for n in names],
            "deadlines": [{"quote": _quote(task), "date": d} for task, _n, d in tasks if d],
            "sections": [{"level": 1, "number": str(i + 1), "title": _TITLE_END.split(task, 1)[0]}
                         for i, (task, _n, _d) in enumerate(tasks)]}


def main() -> int:
    docs = task_rows()
    rows = [t for _d, tasks in docs for t in tasks]
    print(f"{len(docs)} development task documents, {len(rows)} task rows, {sum(1 for t in rows if t[2])} with a limit")
    print(f"{'layout':12} {'owners':>7} {'deadlines':>9} {'sections':>8}   (F1)")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in LAYOUTS:
            raw, gold, out = (Path(tmp) / layout / d for d in ("raw", "gold", "out"))
            raw.mkdir(parents=True)
            gold.mkdir()
            for doc_id, tasks in docs:
                ext = "html" if layout == "html" else "txt"
                (raw / f"{doc_id}.{ext}").write_text(render(layout, tasks), encoding="utf-8")
                (gold / f"{doc_id}.json").write_text(json.dumps(gold_of(doc_id, tasks), ensure_ascii=False),
                                                     encoding="utf-8")
            run_batch([str(p) for p in sorted(raw.iterdir())], out, extractors=CHAINS["rules"], workers=1, quiet=True)
            s = evaluate(gold, out)["overall"]
            print(f"{layout:12} {s['owners']['f1']:7.3f} {s['deadlines']['f1']:9.3f} {s['sections']['f1']:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
