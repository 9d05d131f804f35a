"""The Excel workbook as an analyst expects it: bold frozen header, autofilter, widths, wrapping."""
from __future__ import annotations

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.stages.tables import SCHEMAS

from pipeline.runtime.writers import xlsx_from_parquet


def test_workbook_sheets_are_formatted(tmp_path):
    rows = [dict(doc_id="d", commitment_id=f"d:c{i:04d}", text="组织不少于1000名大学生参与政务见习。" * 5,
                 start=i, end=i + 1, status="planned", n_targets=1, method="rule", confidence=1.0)
            for i in range(3)]
    path = tmp_path / "commitments.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS["commitments"]), path)
    xlsx_from_parquet({"commitments": path}, tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx")["commitments"]
    names = SCHEMAS["commitments"].names
    text_col = openpyxl.utils.get_column_letter(names.index("text") + 1)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(names))}4"
    assert ws["A1"].font.b and ws["A1"].value == "doc_id"
    assert ws.column_dimensions[text_col].width == 80
    assert ws[f"{text_col}2"].alignment.wrap_text and ws[f"{text_col}2"].value.startswith("组织不少于1000名")
    assert ws.max_row == 4
