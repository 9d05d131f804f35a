"""The printed report: overall and per-document scores, and the list of every error."""
from __future__ import annotations

from typing import Any

# (label, report key) of the P/R/F1 rows of the overall table, in print order.
_PRF_ROWS = (("targets (lenient)", "targets_lenient"), ("targets (strict)", "targets_strict"),
             ("achievements", "achievements"), ("deadlines", "deadlines"),
             ("owners", "owners"), ("sections", "sections"))
# (title, errors key, fields shown) of the error list, in print order.
_ERROR_LISTS = (
    ("targets FN", "targets_fn", ("quote", "raw", "value", "unit", "comparator")),
    ("targets FP", "targets_fp", ("raw", "value", "unit", "comparator", "status")),
    ("achievements reported as targets", "achievements_as_targets", ("raw", "value", "unit", "gold_quote")),
    ("targets matched with wrong comparator/entity/action", "targets_mismatch",
     ("quote", "comparator", "entity", "action")),
    ("deadlines FN", "deadlines_fn", ("quote", "date", "section_id", "located")),
    ("deadlines FP", "deadlines_fp", ("section_id", "date", "deadline_raw")),
    ("owners FN", "owners_fn", ("quote", "name", "role", "section_id", "located")),
    ("owners FP", "owners_fp", ("section_id", "name", "role")),
    ("sections FN", "sections_fn", ("level", "number", "title")),
    ("sections FP", "sections_fp", ("section_id", "level", "number", "title")),
)
_META = ("issuer", "region", "year")


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = []
    for j, r in enumerate([header] + rows):
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _mark(c: Any) -> str:
    return "-" if c is None else ("✓" if c else "✗")


def _accuracy(o: dict, field: str) -> str:
    return f"{field} accuracy " + ("not annotated" if field in o.get("not_annotated", ())
                                   else _fmt(o[f"{field}_accuracy"]))


def _not_annotated_line(o: dict) -> list[str]:
    """The P/R/F1 fields left out of the table, with the rows predicted for them."""
    fields = [(label, o[key]) for label, key in _PRF_ROWS if o[key]["f1"] is None]
    if not fields:
        return []
    return ["not annotated in this gold (not scored): " + ", ".join(
        f"{label} ({s.get('predicted', 0)} predicted)" for label, s in fields)]


def _overall_table(o: dict) -> list[str]:
    rows = []
    for label, key in _PRF_ROWS:
        s = o[key]
        if s["f1"] is not None:
            rows.append([label, _fmt(s["p"]), _fmt(s["r"]), _fmt(s["f1"]), s["tp"], s["fp"], s["fn"]])
    aat = o["achievements_as_targets"]
    if aat["count"] is not None:
        rows.insert(2, ["achievements→targets", "", "", "", "", aat["count"], ""])
    out = [f"Overall ({o['n_documents']} documents)",
           _table(["field", "P", "R", "F1", "TP", "FP", "FN"], rows), *_not_annotated_line(o)]
    if aat["count"] is not None:
        out.append(f"achievements→targets: predicted status=target rows that are gold achievements "
                   f"({_fmt(aat['share'])} of the gold targets)")
    out += ["", f"{_accuracy(o, 'entity')}   {_accuracy(o, 'action')}   (share of lenient-matched targets)",
            "   ".join(_accuracy(o, f) for f in _META)]
    if o.get("region_not_knowable"):
        out.append(f"region not knowable (gold null, skipped): {', '.join(o['region_not_knowable'])}")
    return out


_NA = "n/a"


def _document_row(doc_id: str, d: dict) -> list[str]:
    na = set(d.get("not_annotated", ()))

    def f1(key: str) -> str:
        return _NA if d[key]["f1"] is None else _fmt(d[key]["f1"])

    aat = d["achievements_as_targets"]["count"]
    return [doc_id + ("" if d["has_predictions"] else " (no predictions)"),
            f1("targets_lenient"), f1("targets_strict"), _NA if aat is None else aat,
            f1("deadlines"), f1("owners"), f1("sections"),
            *(_NA if f in na else _mark(d[f]["correct"]) for f in ("year", "issuer", "region"))]


def _document_table(documents: dict) -> list[str]:
    rows = [_document_row(doc_id, d) for doc_id, d in documents.items()]
    out = ["Per document (F1)",
           _table(["document", "targets", "strict", "ach→tgt", "deadlines", "owners", "sections",
                   "year", "issuer", "region"], rows)]
    if any(_NA in r for r in rows):
        out.append(f"{_NA}: not annotated in the gold (see GOLD.md, 'File format'), not scored")
    return out


def format_report(report: dict) -> str:
    """The scores as text: warnings, the overall table, the per-document table."""
    out = [f"WARNING: {w}" for w in report.get("warnings", [])]
    if out:
        out.append("")
    out += _overall_table(report["overall"])
    out.append("")
    out += _document_table(report["documents"])
    return "\n".join(out) + "\n"


def _line(item: dict, keys: tuple[str, ...]) -> str:
    return "  ".join(f"{k}={item[k]!r}" for k in keys if item.get(k) is not None)


def _document_errors(doc_id: str, d: dict, e: dict) -> list[str]:
    out = [f"=== {doc_id}" + ("" if d.get("has_predictions", True) else " (no predictions)")]
    for field in _META:
        if d[field]["correct"] is False:
            out.append(f"  {field}: predicted {d[field]['predicted']!r}, gold {d[field]['gold']!r}")
    for title, key, keys in _ERROR_LISTS:
        items = e.get(key, [])
        if not items:
            continue
        out.append(f"  -- {title} ({len(items)})")
        for it in items:
            out.append("    " + _line(it, keys))
            sent = it.get("sentence") if "sentence" in it else it.get("text")
            if sent:
                out.append("        | " + " ".join(str(sent).split()))
            for nm in it.get("near_misses") or []:
                out.append("        ~ predicted " + _line(nm, ("raw", "value", "unit", "comparator", "status")))
    return out


def format_errors(report: dict) -> str:
    """Every false positive and false negative, with its sentence."""
    out = []
    for doc_id, e in report["errors"].items():
        d = report["documents"][doc_id]
        meta_wrong = any(d[f]["correct"] is False for f in _META)
        if meta_wrong or any(e.values()):
            out += _document_errors(doc_id, d, e)
    return "\n".join(out) + "\n" if out else "no errors\n"
