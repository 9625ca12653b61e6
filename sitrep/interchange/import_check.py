"""Import, step 2: check every record with the model's own validation.

A record the model would refuse (dates, coordinates, types, casualty figures) and a
second row with an id already used in the same file become row problems,
named by the file's column when the field came from one.
"""

from __future__ import annotations

from types import SimpleNamespace

from sitrep.errors import ValidationError
from sitrep.interchange.columns import ColumnMapping
from sitrep.interchange.parsed_rows import IncidentRecord, RowProblem
from sitrep.model.validation import validate_incident

_FIELD_COLUMNS = {
    "acled": {
        "date_start": "event_date",
        "date_end": "event_date",
        "latitude": "latitude",
        "longitude": "longitude",
        "event_type": "event_type",
        "sub_event_type": "sub_event_type",
        "title": "location",
    },
    "ucdp": {"date_start": "date_start", "date_end": "date_end", "title": "where_coordinates"},
}


def check_records(
    records: list[IncidentRecord],
    subs: set[str],
    fmt: str,
    mapping: ColumnMapping | None,
) -> tuple[list[IncidentRecord], list[RowProblem]]:
    good: list[IncidentRecord] = []
    problems: list[RowProblem] = []
    columns = dict(_FIELD_COLUMNS.get(fmt, {}))
    if mapping is not None:
        columns.update(mapping.columns)
    seen: dict[tuple[str, str], int] = {}
    for rec in records:
        probe = SimpleNamespace(
            date_start=rec.date_start,
            date_end=rec.date_end,
            time_local=None,
            lat=rec.lat,
            lon=rec.lon,
            event_type=rec.event_type,
            sub_event_type=rec.sub_event_type,
            title=rec.title,
            place_name=rec.place_name,
            casualties=[
                SimpleNamespace(outcome=c.outcome, low=c.low, best=c.best, high=c.high)
                for c in rec.casualties
            ],
        )
        try:
            validate_incident(probe, subs)
        except ValidationError as exc:
            fld = exc.field or ""
            problems.append(RowProblem(rec.row, columns.get(fld, fld), str(exc)))
            continue
        if rec.external_id:
            key = (rec.scheme, rec.external_id)
            if key in seen:
                problems.append(
                    RowProblem(
                        rec.row,
                        columns.get("external_id", "id"),
                        f"the id {rec.external_id} was already used by row {seen[key]}",
                    )
                )
                continue
            seen[key] = rec.row
        good.append(rec)
    return good, problems
