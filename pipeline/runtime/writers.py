"""The tables written so that nothing is ever half-written.

Every file is written under a temporary name in the output directory and renamed into place,
so a reader (or a rerun after a crash) sees either the old file or the new one.

Batches stream: ``TableWriter`` appends each document's rows to one Parquet file per table
(a row group every ``FLUSH_ROWS`` rows), and CSV, DuckDB and Excel are then made from those
Parquet files batch by batch (``publish``), so memory stays flat however large the corpus.
"""
from __future__ import annotations

import codecs
import os
import shutil
import tempfile
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Iterator, Optional

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.stages.tables import SCHEMAS, TABLES

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """A temporary path beside ``final``, renamed onto it only if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private; the result is an ordinary file
    try:
        yield Path(tmp)
        os.replace(tmp, final)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# --------------------------------------------------------------------------- streaming

FLUSH_ROWS = 20_000  # rows buffered per table before they are written out
CSV_BATCH = 20_000
EXCEL_MAX_ROWS = 1_048_576


def _int_as_nullable(t: pa.DataType):
    import pandas as pd  # (the CSV fallback only: batches write CSV with DuckDB)

    return pd.Int64Dtype() if t == pa.int64() else None


def _append_csv(f, table: pa.Table, header: bool) -> None:
    """Rows as CSV, the way pandas writes them; integer columns stay integers even with empty
    cells, so the bytes do not depend on how rows are split into chunks."""
    frame_ = table.to_pandas(types_mapper=_int_as_nullable)
    frame_.to_csv(f, index=False, header=header, lineterminator="\n", encoding="utf-8")


@contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """A temporary folder beside ``final`` whose files are moved into ``final`` (replacing
    same-named ones, removing the others) only if the block succeeds."""
    import shutil

    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        yield tmp
        final.mkdir(exist_ok=True)
        keep = set()
        for p in tmp.iterdir():
            os.replace(p, final / p.name)
            keep.add(p.name)
        for p in final.iterdir():
            if p.is_file() and p.name not in keep and not p.name.startswith("."):
                p.unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class TableWriter:
    """Appends rows of every table, as they come, to ``<table>.parquet`` (a row group per
    ``flush_rows`` rows); ``close`` then streams, with DuckDB, ``<table>.csv`` (UTF-8 with BOM,
    so Excel on Chinese Windows reads it) and ``commitments.duckdb`` from the Parquet files
    and, with ``formats=('xlsx',)``, writes ``commitments.xlsx`` from them. Everything is under
    temporary names registered on ``stack``, renamed into place when it closes without an error
    (and removed when it does not)."""

    def __init__(self, out_dir: Path, stack: ExitStack, formats=(), flush_rows: Optional[int] = None):
        out_dir = Path(out_dir)
        self.out_dir, self.formats = out_dir, tuple(formats)
        self.flush_rows = flush_rows or FLUSH_ROWS  # (read now: a test sets the module's value)
        self.parquet = {n: stack.enter_context(atomic_path(out_dir / f"{n}.parquet")) for n in TABLES}
        self.csv = {n: stack.enter_context(atomic_path(out_dir / f"{n}.csv")) for n in TABLES}
        self.db = stack.enter_context(atomic_path(out_dir / "commitments.duckdb"))
        self.xlsx = stack.enter_context(atomic_path(out_dir / "commitments.xlsx")) \
            if "xlsx" in self.formats else None
        stack.callback(self._abort)
        self._pq = {n: pq.ParquetWriter(self.parquet[n], SCHEMAS[n]) for n in TABLES}
        self._buffer: dict[str, list[pa.Table]] = {n: [] for n in TABLES}
        self._rows = {n: 0 for n in TABLES}
        self.rows_written = {n: 0 for n in TABLES}

    def add(self, name: str, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self._buffer[name].append(table)
        self._rows[name] += table.num_rows
        if self._rows[name] >= self.flush_rows:
            self._flush(name)

    def add_rows(self, name: str, rows: list[dict]) -> None:
        if rows:
            self.add(name, pa.Table.from_pylist(rows, schema=SCHEMAS[name]))

    def _flush(self, name: str) -> None:
        if not self._buffer[name]:
            return
        table = pa.concat_tables(self._buffer[name]).combine_chunks()
        self._buffer[name], self._rows[name] = [], 0
        self._pq[name].write_table(table, row_group_size=max(table.num_rows, 1))
        self.rows_written[name] += table.num_rows

    def close(self) -> None:
        for name in TABLES:
            self._flush(name)
        for name in TABLES:
            self._pq.pop(name).close()
        duckdb_from_parquet(self.parquet, self.db, self.csv)
        if self.xlsx is not None:
            xlsx_from_parquet(self.parquet, self.xlsx)

    def _abort(self) -> None:
        """On an error: close what is open (the temporary files are removed anyway)."""
        for closer in self._pq.values():
            with suppress(Exception):
                closer.close()


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def csv_from_parquet(con, parquet: Path, csv: Path) -> None:
    """``csv`` (UTF-8 with BOM) from ``parquet``, streamed by DuckDB in row order: minimal
    quoting, floats as their shortest repr, null and empty string both an empty cell (so the
    bytes are those pandas' ``to_csv`` wrote, except that DuckDB also quotes a cell holding a
    CR or starting with '#', which keeps CSV readers from splitting or skipping it).
    tests/test_batch_scale.py checks both on real output and on hostile cells."""
    schema = pq.read_schema(parquet)
    cols = ", ".join(_csv_column(f) for f in schema)
    import duckdb

    body = csv.with_name(csv.name + ".body")
    try:
        try:
            con.execute(f"COPY (SELECT {cols} FROM read_parquet({_sql_path(parquet)})) TO {_sql_path(body)} "
                        "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"')")
        except duckdb.Error:  # e.g. out of its memory limit on huge cells: the slower, sure way
            _csv_with_pandas(parquet, body)
        with open(csv, "wb") as out, open(body, "rb") as src:
            out.write(codecs.BOM_UTF8)
            shutil.copyfileobj(src, out, 1 << 20)
    finally:
        body.unlink(missing_ok=True)


def _csv_column(f: pa.Field) -> str:
    """The SQL that writes one column as pandas would: '' for null strings, True/False for
    booleans (DuckDB writes true/false)."""
    if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
        return f'NULLIF("{f.name}", \'\') AS "{f.name}"'
    if pa.types.is_boolean(f.type):
        return f'CASE WHEN "{f.name}" THEN \'True\' WHEN NOT "{f.name}" THEN \'False\' END AS "{f.name}"'
    return f'"{f.name}"'


def _csv_with_pandas(parquet: Path, body: Path) -> None:
    """The CSV (no BOM) of ``parquet`` by pandas, one row group at a time."""
    pf = pq.ParquetFile(parquet)
    with open(body, "wb") as f:
        _append_csv(f, pf.schema_arrow.empty_table(), header=True)
        for i in range(pf.num_row_groups):
            _append_csv(f, pf.read_row_group(i), header=False)


def duckdb_from_parquet(parquets: dict[str, Path], db: Path, csvs: Optional[dict[str, Path]] = None) -> None:
    """One DuckDB file with every table, streamed from the Parquet files in their row order,
    with a small buffer pool (so memory does not grow with the corpus); and, with ``csvs``,
    each table's CSV from its Parquet file (DuckDB's writer is multi-threaded C++: ~10× faster
    than pandas, which took a third of the batch process's time)."""
    import duckdb

    db.unlink(missing_ok=True)  # duckdb wants to create the file itself
    con = duckdb.connect(str(db), config={"memory_limit": "64MB", "preserve_insertion_order": True})
    try:
        for name, path in parquets.items():
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [str(path)])
        if csvs is not None:
            # one thread: rows leave in order without being buffered, so huge cells (a 1 MB
            # sentence) stay within the memory limit
            con.execute("SET threads = 1")
            for name, path in parquets.items():
                csv_from_parquet(con, path, csvs[name])
    finally:
        con.close()
        Path(str(db) + ".wal").unlink(missing_ok=True)  # (also after a failure: no .tmp.wal left)


_WIDE_COLUMNS = {"text": 80, "section_path": 40, "path": 40, "title": 40, "error": 60, "source_path": 40,
                 "warnings": 30, "entity": 20, "owners": 30}
_WRAPPED = {"text", "error"}
_DATE_FORMAT = "yyyy-mm-dd"  # as the CSV writes them; Excel's default would follow the locale
_DATE_WIDTH = 12  # a date cell too narrow for its digits shows '########'


def xlsx_from_parquet(parquets: dict[str, Path], xlsx: Path) -> None:
    """commitments.xlsx, one sheet per table (a table longer than Excel's 1,048,576 rows goes on
    into '<table> (2)', …), written row by row with openpyxl's write-only mode. Each sheet as an
    analyst expects it: bold header row frozen, an autofilter over the data, column widths that
    fit, the sentence columns wrapped, and date columns real date cells shown as yyyy-mm-dd
    (so they sort and filter as dates)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    def clean(value):
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def new_sheet(title: str, names: list[str], n_rows: int, dates: set[int]):
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        last = get_column_letter(max(len(names), 1))
        ws.auto_filter.ref = f"A1:{last}{max(n_rows, 1) + 1}"
        for i, col in enumerate(names, 1):
            width = _WIDE_COLUMNS.get(col, max(10, len(col) + 2))
            ws.column_dimensions[get_column_letter(i)].width = max(width, _DATE_WIDTH) if i - 1 in dates else width
        header = []
        for col in names:
            cell = WriteOnlyCell(ws, value=col)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        return ws

    wb = Workbook(write_only=True)
    for name, path in parquets.items():
        pf = pq.ParquetFile(path)
        names = pf.schema_arrow.names
        total = pf.metadata.num_rows
        wrapped = [i for i, col in enumerate(names) if col in _WRAPPED]
        dates = {i for i, f in enumerate(pf.schema_arrow) if pa.types.is_date(f.type)}
        part, rows_in_sheet = 1, 0
        ws = new_sheet(name, names, min(total, EXCEL_MAX_ROWS - 1), dates)
        done = 0
        for batch in pf.iter_batches(batch_size=CSV_BATCH):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for row in zip(*columns):
                if rows_in_sheet + 1 >= EXCEL_MAX_ROWS:
                    part += 1
                    ws = new_sheet(f"{name} ({part})", names, min(total - done, EXCEL_MAX_ROWS - 1), dates)
                    rows_in_sheet = 0
                values = [clean(v) for v in row]
                for i in wrapped:
                    cell = WriteOnlyCell(ws, value=values[i])
                    cell.alignment = wrap
                    values[i] = cell
                for i in dates:
                    if values[i] is not None:
                        cell = WriteOnlyCell(ws, value=values[i])
                        cell.number_format = _DATE_FORMAT
                        values[i] = cell
                ws.append(values)
                rows_in_sheet += 1
                done += 1
    wb.save(xlsx)
