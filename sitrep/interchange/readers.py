"""Reading tabular files as users receive them: any encoding, any CSV dialect, XLSX.

Excel saves "Unicode text" as UTF-16 and "CSV" as cp1252; other tools write UTF-8 with
or without a byte-order mark. The encoding is taken from a BOM when there is one and
otherwise detected with charset-normalizer; the dialect (comma, semicolon, tab) is
sniffed from the first lines. Rows keep the number a spreadsheet would show (header =
row 1), so a validation report points at the right line even when a quoted cell spans
several physical lines.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.errors import SitrepError
from sitrep.interchange.cells import unguard

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class ReadError(SitrepError):
    """A file cannot be read as a table."""


def detect_encoding(data: bytes) -> str:
    """The text encoding of ``data``: from its BOM, else UTF-8 if valid, else detected."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-16 without BOM: every other byte of ASCII text is zero.
    sample = data[:4000]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    cp1252_ok = _decodes(data, "cp1252")
    if best is None:
        return "cp1252" if cp1252_ok else "latin_1"
    # Short Western text is ambiguous between cp1252, cp850, mac_roman…; what users
    # have is Excel's "CSV" on Windows, i.e. cp1252. Other scripts (Cyrillic, Arabic,
    # Thai…) keep the detected code page.
    latin = all("Latin" in a or a in _NEUTRAL for a in best.alphabets)
    if cp1252_ok and latin:
        return "cp1252"
    return best.encoding


_NEUTRAL = {"General Punctuation", "Currency Symbols", "Control character", "Letterlike Symbols"}


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def read_text(path: Path) -> tuple[str, str]:
    """The text of a file and the encoding it was read with."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"Cannot read {path}: {exc.strerror}.") from exc
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding = "cp1252"
        text = data.decode(encoding, errors="replace")
    return text.lstrip("\ufeff"), encoding


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


def read_csv_text(text: str, source: str = "", encoding: str = "") -> Table:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ReadError(f"{source or 'The file'} is empty.") from None
    except csv.Error as exc:
        raise ReadError(f"{source or 'The file'} is not a readable CSV file: {exc}.") from exc
    rows: list[tuple[int, list[str]]] = []
    number = 1
    try:
        for cells in reader:
            number += 1
            rows.append((number, [unguard(c) for c in cells]))
    except csv.Error as exc:
        raise ReadError(f"{source}: row {number + 1} cannot be read as CSV: {exc}.") from exc
    columns, rows, hxl = _finish(header, rows)
    if not any(columns):
        raise ReadError(f"{source or 'The file'} has no column names in its first row.")
    return Table(columns, rows, encoding, delimiter, hxl, source)


def read_csv(path: Path) -> Table:
    text, encoding = read_text(path)
    return read_csv_text(text, str(path), encoding)


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
        rows = [(i, [_cell(v) for v in cells]) for i, cells in enumerate(raw, start=2)]
    finally:
        wb.close()
    columns, rows, hxl = _finish([_cell(v) for v in header], rows)
    # Trailing empty header cells (formatting only) are dropped.
    while columns and not columns[-1] and not (hxl and hxl[len(columns) - 1]):
        columns.pop()
    return Table(columns, rows, "xlsx", "", hxl, str(path))


def read_table(path: Path) -> Table:
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_xlsx(path)
    return read_csv(path)
