"""The neutral form every importer produces, and the validation report.

An :class:`IncidentRecord` is one incident read from one row, before it touches the
database; a :class:`RowProblem` is one reason a row was refused (or a note about it).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    DatePrecision,
    LocationPrecision,
    Outcome,
    SourceType,
)
from sitrep.store.targets import atomic_write, check_output_target


@dataclass
class ActorRecord:
    name: str
    role: ActorRole
    inter_code: int = 0


@dataclass
class CasualtyRecord:
    outcome: Outcome
    affiliation: Affiliation
    low: int
    best: int
    high: int


@dataclass
class SourceRecord:
    name: str
    source_type: SourceType = SourceType.OTHER
    published: dt.date | None = None
    url: str = ""
    excerpt: str = ""


@dataclass
class IncidentRecord:
    """One incident as read from a file (row number kept for the report)."""

    row: int
    scheme: str
    external_id: str
    date_start: dt.date
    date_end: dt.date
    event_type: str
    sub_event_type: str
    date_precision: DatePrecision = DatePrecision.DAY
    place_name: str = ""
    lat: float | None = None
    lon: float | None = None
    location_precision: LocationPrecision = LocationPrecision.EXACT
    country_iso: str = ""
    admin_names: tuple[str, str, str] = ("", "", "")
    admin_pcodes: tuple[str, str, str] = ("", "", "")
    title: str = ""
    narrative: str = ""
    civilian_targeting: bool = False
    local_type: str | None = None
    actors: list[ActorRecord] = field(default_factory=list)
    casualties: list[CasualtyRecord] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)
    remarks: list[tuple[str, str]] = field(default_factory=list)  # (column, note)
    unrecorded: int = 0  # sitrep.model.harm.Unrecorded: figures the file does not record


@dataclass(frozen=True)
class RowProblem:
    """A reason a row could not be imported (``severity="error"``) or a remark."""

    row: int | None
    column: str
    reason: str
    severity: str = "error"


class RowError(ValueError):
    """Raised by a row parser: which column of the row is wrong, and why."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


REPORT_COLUMNS = ("row", "column", "severity", "reason")


def write_report(path: Path, problems: list[RowProblem]) -> None:
    """The validation report as CSV (UTF-8 with BOM so Excel shows non-Latin text)."""
    check_output_target(path, what="validation report")
    with atomic_write(path) as temp, temp.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(REPORT_COLUMNS)
        for p in problems:
            writer.writerow(["" if p.row is None else p.row, p.column, p.severity, p.reason])
