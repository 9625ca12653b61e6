"""Import, step 1: read the file, settle its format, turn rows into records.

Every row becomes an :class:`IncidentRecord` or a :class:`RowProblem` (row, column,
reason); rows the reader could not give whole (bytes not valid in the file's encoding,
a cell longer than :data:`~sitrep.interchange.readers.MAX_CELL`) are problems too.
Nothing here touches the project's data (it reads saved mappings and local types).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from sitrep.errors import Cancelled, SitrepError
from sitrep.interchange import acled, ucdp
from sitrep.interchange.columns import (
    ColumnMapping,
    MappedRowParser,
    guess_mapping,
    mapping_for_layout,
)
from sitrep.interchange.geojson_io import GEOMETRY_ERROR, read_geojson
from sitrep.interchange.parsed_rows import IncidentRecord, RowError, RowProblem
from sitrep.interchange.readers import Table, read_table

FORMATS = ("auto", "acled", "ucdp", "csv", "xlsx", "geojson")

Progress = Callable[[int, int, str], bool | None]
"""``progress(done, total, phase)``; return False to cancel (everything is rolled back)."""

WITHOUT_IDS_NOTE = (
    "the file has no event_id_cnty column: importing it again will add every event "
    "again (duplicates)"
)


class ImportCancelled(Cancelled):
    """The user cancelled an import; the project is unchanged."""


@dataclass
class ParsedFile:
    format: str
    table: Table
    records: list[IncidentRecord]
    problems: list[RowProblem]
    notes: list[str]


def detect_format(path: Path, table: Table | None = None) -> str:
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        return "geojson"
    if table is not None:
        if acled.looks_like_acled(table.columns) or acled.looks_like_acled_without_ids(
            table.columns
        ):
            return "acled"
        if ucdp.looks_like_ucdp(table.columns):
            return "ucdp"
    return "xlsx" if suffix in {".xlsx", ".xlsm"} else "csv"


def load_table(
    path: Path, fmt: str = "auto", *, encoding: str | None = None, without_ids: bool = False
) -> tuple[str, Table]:
    """Read the file and settle its format (``encoding`` overrides the detected one).

    An ACLED export without its ``event_id_cnty`` column is refused unless
    ``without_ids`` is given, since its re-import could not match the events it added.
    """
    if not path.exists():
        raise SitrepError(f"There is no file {path}.")
    if fmt not in FORMATS:
        raise SitrepError(f"Unknown import format '{fmt}'; use one of {', '.join(FORMATS)}.")
    if fmt == "geojson" or (fmt == "auto" and path.suffix.lower() in {".geojson", ".json"}):
        return "geojson", read_geojson(path)
    table = read_table(path, encoding)
    if fmt == "auto":
        fmt = detect_format(path, table)
    if fmt == "acled" and acled.looks_like_acled_without_ids(table.columns):
        if not without_ids:
            raise SitrepError(
                f"{path.name} is an ACLED export without its event_id_cnty column: without "
                "ACLED's ids a second import would add every event again. Import the file "
                "with its ids, or import it anyway with --without-ids."
            )
    elif fmt == "acled" and not acled.looks_like_acled(table.columns):
        raise SitrepError(
            f"{path.name} is not an ACLED export: it lacks the columns event_id_cnty, "
            "event_date, event_type and fatalities."
        )
    if fmt == "ucdp" and not ucdp.looks_like_ucdp(table.columns):
        raise SitrepError(f"{path.name} is not a UCDP GED file (no type_of_violence/side_a/…).")
    return fmt, table


def default_mapping(session: Session, table: Table) -> ColumnMapping:
    """The saved mapping for this layout, or a guess from names and HXL tags."""
    return mapping_for_layout(session, table.columns) or guess_mapping(
        table.columns, table.hxl_tags
    )


def parse_table(
    fmt: str,
    table: Table,
    mapping: ColumnMapping | None = None,
    local: dict[str, tuple[str, str]] | None = None,
    progress: Progress | None = None,
) -> ParsedFile:
    records: list[IncidentRecord] = []
    problems: list[RowProblem] = list(table.problems)
    unreadable = table.bad_rows
    notes: list[str] = []
    parse: Callable[[int, dict[str, str]], IncidentRecord]
    if table.encoding_note:
        notes.append(f"read as {table.encoding_note}")
    elif table.encoding and table.encoding not in {"utf-8", "xlsx"}:
        notes.append(f"read as {table.encoding}")
    if fmt == "acled":
        canon = acled.normalise_columns(table.columns)
        cols = {v: k for k, v in canon.items()}
        if "event_id_cnty" not in cols:
            cols["__without_ids__"] = "1"
            notes.append(WITHOUT_IDS_NOTE)
        for name in acled.EXPORT_COLUMNS:
            cols.setdefault(name, name)
        if all(k == v for k, v in canon.items()):
            cols["__identity__"] = "1"  # current export: read the row dicts as they are
        stats = acled.AcledStats()

        def parse(number: int, row: dict[str, str]) -> IncidentRecord:
            return acled.parse_row(number, row, cols, stats)
    elif fmt == "ucdp":
        notes.extend(ucdp.NOTES)
        parse = ucdp.parse_row
    else:
        if mapping is None:
            raise SitrepError("Choose which columns hold which fields (a column mapping).")
        wrong = mapping.problems(table.columns)
        if wrong:
            raise SitrepError("The column mapping is incomplete: " + "; ".join(wrong) + ".")
        parser = MappedRowParser(mapping, local)
        parse = parser.parse
    total = len(table.rows)
    for i, (number, row) in enumerate(table.records()):
        if progress is not None and i % 2000 == 0 and progress(i, total, "reading") is False:
            raise ImportCancelled("The import was cancelled; the project is unchanged.")
        if number in unreadable:
            continue
        if fmt == "geojson" and row.get(GEOMETRY_ERROR):
            problems.append(RowProblem(number, "geometry", row[GEOMETRY_ERROR]))
            continue
        try:
            record = parse(number, row)
        except RowError as exc:
            problems.append(RowProblem(number, exc.column, exc.reason))
            continue
        for column, note in record.remarks:
            problems.append(RowProblem(number, column, note, "note"))
        records.append(record)
    if fmt == "acled":
        notes.extend(stats.notes())
    if fmt == "geojson" and not table.rows:
        notes.append("the file has no features")
    return ParsedFile(fmt, table, records, problems, notes)
