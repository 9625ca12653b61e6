"""Reading tabular files as users receive them: any encoding, any CSV dialect, XLSX.

Excel saves "Unicode text" as UTF-16 and "CSV" as cp1252; other tools write UTF-8 with
or without a byte-order mark. The encoding is taken from a BOM when there is one and
otherwise detected with charset-normalizer; the dialect (comma, semicolon, tab) is
sniffed from the first lines. Rows keep the number a spreadsheet would show (header =
row 1), so a validation report points at the right line even when a quoted cell spans
several physical lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.errors import SitrepError
from sitrep.interchange.cells import unguard
from sitrep.interchange.encoding import MARK, Decoded, decode
from sitrep.interchange.parsed_rows import RowProblem

MAX_CELL = 131_072
"""The longest cell read, in characters (Python's csv default limit): a longer cell
(a 10 MB field) refuses its row, naming the column, instead of the whole file."""

csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))


class ReadError(SitrepError):
    """A file cannot be read as a table."""


def detect_encoding(data: bytes) -> str:
    """The text encoding of ``data`` by the rule of :mod:`sitrep.interchange.encoding`."""
    return decode(data).encoding


def read_text(path: Path, encoding: str | None = None) -> Decoded:
    """The text of a file, decoded by the rule of :mod:`~sitrep.interchange.encoding`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"Cannot read {path}: {exc.strerror}.") from exc
    return decode(data, encoding)


@dataclass
class Table:
    """A file as a header and rows of text cells, each with its spreadsheet row number."""

    columns: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str = ""
    delimiter: str = ","
    hxl_tags: list[str] | None = None
    source: str = ""
    notes: list[str] = field(default_factory=list)
    encoding_note: str = ""  # how the encoding was decided, for previews ("" = plain)
    problems: list[RowProblem] = field(default_factory=list)
    """Cells that cannot be read (bytes not valid in the encoding, a cell too long):
    their rows are refused, or skipped with ``skip_invalid``."""

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.row is not None}

    def non_ascii_sample(self, count: int = 4) -> str:
        """A few cells with letters beyond ASCII, as decoded: names garbled by a wrong
        encoding show here before anything is saved."""
        found: list[str] = []
        for _, cells in self.rows[:2000]:
            for cell in cells:
                if not cell.isascii() and len(cell) <= 60 and cell not in found:
                    found.append(cell)
                    if len(found) == count:
                        return "; ".join(found)
        return "; ".join(found)

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Rows as dicts keyed by column name (missing trailing cells are empty)."""
        cols = self.columns
        width = len(cols)
        for number, cells in self.rows:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield number, dict(zip(cols, cells, strict=False))


def sniff_delimiter(text: str) -> str:
    """The delimiter, judged from the header line (cells of data rows may hold any
    punctuation, e.g. ACLED's ``source`` lists are separated by semicolons)."""
    first = text[:20_000].split("\n", 1)[0]
    counts = {d: first.count(d) for d in ",;\t|"}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] and sorted(counts.values())[-2] < counts[best]:
        return best
    sample = "\n".join(text[:20_000].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return best if counts[best] else ","


def is_hxl_row(cells: list[str]) -> bool:
    """An HXL hashtag row: every non-empty cell starts with '#', and there is one."""
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def _finish(
    columns: list[str], rows: list[tuple[int, list[str]]]
) -> tuple[list[str], list[tuple[int, list[str]]], list[str] | None]:
    columns = [c.strip() for c in columns]
    hxl: list[str] | None = None
    if is_hxl_row(columns):
        # A file with only the hashtag row: use the tags as the header.
        hxl = columns
    elif rows and is_hxl_row(rows[0][1]):
        hxl = [c.strip() for c in rows[0][1]]
        hxl += [""] * (len(columns) - len(hxl))
        rows = rows[1:]
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    return columns, rows, hxl


class _CellCheck:
    """Finds the cells a file cannot give: bad bytes (by :data:`MARK`) and huge cells."""

    def __init__(self, decoded: Decoded | None) -> None:
        self.decoded = decoded
        self.next_bad = 0  # index of the next bad byte range, in file order
        self.found: list[tuple[int, int, str]] = []  # (row, cell index, reason)

    def row(self, number: int, cells: list[str]) -> list[str]:
        clean = self.decoded is None or not self.decoded.bad
        if clean and max(map(len, cells), default=0) <= MAX_CELL:
            return cells  # the common case, checked without a loop in Python
        for i, cell in enumerate(cells):
            if MARK in cell:
                count = cell.count(MARK)
                reason = (
                    self.decoded.bad_place(self.next_bad)
                    if self.decoded and self.next_bad < len(self.decoded.bad)
                    else "holds bytes that are not text"
                )
                self.next_bad += count
                self.found.append((number, i, reason))
                cells[i] = cell.replace(MARK, "\ufffd")
            elif len(cell) > MAX_CELL:
                size = f"the cell is {len(cell):,} characters long (at most {MAX_CELL:,})"
                self.found.append((number, i, size))
                cells[i] = ""
        return cells

    def problems(self, columns: list[str], kept: set[int]) -> list[RowProblem]:
        out = []
        for number, i, reason in self.found:
            if number in kept:
                column = columns[i] if i < len(columns) and columns[i] else f"column {i + 1}"
                out.append(RowProblem(number, column, reason))
        return out


def read_csv_text(text: str, source: str = "", decoded: Decoded | None = None) -> Table:
    """``text`` as a table; ``decoded`` (when the text came from a file) lets bad bytes
    be named by byte offset."""
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    check = _CellCheck(decoded)
    name = source or "The file"
    try:
        header = check.row(1, next(reader))
    except StopIteration:
        raise ReadError(f"{name} is empty.") from None
    except csv.Error as exc:
        raise ReadError(f"{name} is not a readable CSV file: {exc}.") from exc
    if check.found:
        _, i, reason = check.found[0]
        raise ReadError(
            f"{name}: the column names (row 1, column {i + 1}) cannot be read: {reason}. "
            "Fix the file, or choose its encoding."
        )
    rows: list[tuple[int, list[str]]] = []
    number = 1
    try:
        for cells in reader:
            number += 1
            cells = check.row(number, cells)
            if any(c.startswith("'") for c in cells):
                cells = [unguard(c) for c in cells]
            rows.append((number, cells))
    except csv.Error as exc:
        raise ReadError(f"{source}: row {number + 1} cannot be read as CSV: {exc}.") from exc
    columns, rows, hxl = _finish(header, rows)
    if not any(columns):
        raise ReadError(f"{name} has no column names in its first row.")
    encoding = decoded.encoding if decoded else ""
    table = Table(columns, rows, encoding, delimiter, hxl, source)
    table.problems = check.problems(columns, {n for n, _ in rows})
    if decoded is not None and (decoded.how != "UTF-8" or decoded.bad):
        table.encoding_note = decoded.describe()
    return table


def read_csv(path: Path, encoding: str | None = None) -> Table:
    decoded = read_text(path, encoding)
    return read_csv_text(decoded.text, str(path), decoded)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, sheet: str | None = None) -> Table:
    """The first (or named) sheet of a workbook; dates come back as ISO text."""
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"{path} is not a readable Excel workbook: {exc}.") from exc
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        raw = ws.iter_rows(values_only=True)
        header = next(raw, None)
        if header is None:
            raise ReadError(f"{path}: the sheet '{ws.title}' is empty.")
        check = _CellCheck(None)
        rows = [
            (i, check.row(i, [_cell(v) for v in cells])) for i, cells in enumerate(raw, start=2)
        ]
    finally:
        wb.close()
    columns, rows, hxl = _finish([_cell(v) for v in header], rows)
    # Trailing empty header cells (formatting only) are dropped.
    while columns and not columns[-1] and not (hxl and hxl[len(columns) - 1]):
        columns.pop()
    table = Table(columns, rows, "xlsx", "", hxl, str(path))
    table.problems = check.problems(columns, {n for n, _ in rows})
    return table


def read_table(path: Path, encoding: str | None = None) -> Table:
    """A CSV/TSV (``encoding`` overrides the detected one) or XLSX file as a table."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_xlsx(path)
    return read_csv(path, encoding)
