"""UCDP Georeferenced Event Dataset (GED) CSV to incidents.

GED counts deaths per side (``deaths_a``, ``deaths_b``), civilians and unknown, plus a
low/best/high range for the total. Each group becomes a casualty row (best estimates,
so report totals equal GED's ``best``); the low–high range of the total is spread over
the groups (largest first), so the casualty rows add up to GED's low, best and high.
``date_prec`` and ``where_prec`` are the model's own codes. Sides become actors; each
source article becomes a source.
"""

from __future__ import annotations

import datetime as dt

from sitrep.interchange.common import blank, parse_coordinate, parse_count
from sitrep.interchange.datasets import UCDP_GED
from sitrep.interchange.dates import DateFormatError, parse_date
from sitrep.interchange.parsed_rows import (
    ActorRecord,
    CasualtyRecord,
    IncidentRecord,
    RowError,
    SourceRecord,
)
from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    DatePrecision,
    LocationPrecision,
    Outcome,
    SourceType,
)
from sitrep.places.countries import country_iso_for

SCHEME = "ucdp"
COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id",
    "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
    "best", "high", "low", "gwnoa", "gwnob",
)  # fmt: skip

# UCDP type of violence -> ACLED type / sub-type (GED has no finer split).
VIOLENCE_TYPES = {
    "1": ("Battles", "Armed clash"),
    "2": ("Battles", "Armed clash"),
    "3": ("Violence against civilians", "Attack"),
}
NOTES = [
    "UCDP types of violence 1 (state-based) and 2 (non-state) imported as Battles / "
    "Armed clash, 3 (one-sided) as Violence against civilians / Attack",
]


def looks_like_ucdp(columns: list[str]) -> bool:
    keys = {c.strip().lower() for c in columns}
    return {"id", "type_of_violence", "side_a", "side_b", "where_prec", "date_prec"} <= keys


def _code(value: str, column: str, enum: type, what: str) -> object:
    try:
        return enum(int(value))
    except ValueError:
        raise RowError(column, f"{what} '{value}' is not a UCDP code") from None


def _inter(name: str, side: str, violence: str) -> int:
    lowered = name.lower()
    if lowered == "civilians":
        return 7
    if lowered.startswith("government of"):
        return 1
    if violence == "1" and side == "b":
        return 2
    return 0


def _sources(row: dict[str, str]) -> list[SourceRecord]:
    articles = [a.strip() for a in row.get("source_article", "").split(";") if a.strip()]
    dates = [d.strip() for d in row.get("source_date", "").split(";")]
    headlines = [h.strip() for h in row.get("source_headline", "").split(";")]
    original = row.get("source_original", "").strip()
    out = []
    for i, article in enumerate(articles):
        published: dt.date | None = None
        if i < len(dates) and dates[i]:
            try:
                published = parse_date(dates[i])
            except DateFormatError:
                published = None
        excerpt = headlines[i] if i < len(headlines) else ""
        if original:
            excerpt = f"{excerpt} (original source: {original})".strip()
        out.append(SourceRecord(article[:200], SourceType.OTHER, published, "", excerpt))
    return out


def parse_row(number: int, raw: dict[str, str]) -> IncidentRecord:
    row = {k.strip().lower(): v for k, v in raw.items()}
    event_id = row.get("id", "").strip()
    if not event_id:
        raise RowError("id", "the UCDP event id is missing")
    dates = []
    for col in ("date_start", "date_end"):
        try:
            dates.append(parse_date(row.get(col, "")))
        except DateFormatError as exc:
            raise RowError(col, str(exc)) from None
    if dates[1] < dates[0]:
        raise RowError("date_end", f"date_end {dates[1]} is before date_start {dates[0]}")
    lat = parse_coordinate(row.get("latitude", ""), "latitude", latitude=True)
    lon = parse_coordinate(row.get("longitude", ""), "longitude", latitude=False)
    violence = row.get("type_of_violence", "").strip()
    if violence not in VIOLENCE_TYPES:
        raise RowError("type_of_violence", f"type of violence '{violence}' is not 1, 2 or 3")
    etype, sub = VIOLENCE_TYPES[violence]
    date_prec = _code(row.get("date_prec", "1") or "1", "date_prec", DatePrecision, "date_prec")
    where_prec = _code(
        row.get("where_prec", "1") or "1", "where_prec", LocationPrecision, "where_prec"
    )
    groups = [
        (Affiliation.SIDE_A, parse_count(row.get("deaths_a", ""), "deaths_a", "deaths of side A")),
        (Affiliation.SIDE_B, parse_count(row.get("deaths_b", ""), "deaths_b", "deaths of side B")),
        (
            Affiliation.CIVILIAN,
            parse_count(row.get("deaths_civilians", ""), "deaths_civilians", "civilian deaths"),
        ),
        (
            Affiliation.UNKNOWN,
            parse_count(row.get("deaths_unknown", ""), "deaths_unknown", "deaths (unknown)"),
        ),
    ]
    best = parse_count(row.get("best", ""), "best", "deaths (best)", required=True)
    low = (
        parse_count(row.get("low", ""), "low", "deaths (low)")
        if not blank(row.get("low"))
        else best
    )
    high = (
        parse_count(row.get("high", ""), "high", "deaths (high)")
        if not blank(row.get("high"))
        else best
    )
    if sum(n for _, n in groups) != best:
        raise RowError(
            "best",
            f"best ({best}) is not the sum of deaths_a, deaths_b, deaths_civilians and "
            f"deaths_unknown ({sum(n for _, n in groups)})",
        )
    remarks = []
    if not low <= best <= high:
        remarks.append(
            (
                "low",
                f"low/best/high out of order ({low}, {best}, {high}); "
                f"range widened to ({min(low, best)}, {best}, {max(high, best)})",
            )
        )
        low, high = min(low, best), max(high, best)
    casualties = [CasualtyRecord(Outcome.KILLED, aff, n, n, n) for aff, n in groups if n > 0]
    if (low, high) != (best, best):
        if not casualties:
            casualties.append(CasualtyRecord(Outcome.KILLED, Affiliation.UNKNOWN, 0, 0, 0))
        ranked = sorted(casualties, key=lambda c: -c.best)
        ranked[0].high = ranked[0].best + (high - best)
        deficit = best - low  # taken from the largest groups first; sums to GED's low
        for group in ranked:
            cut = min(group.best, deficit)
            group.low = group.best - cut
            deficit -= cut
    actors = []
    side_a, side_b = row.get("side_a", "").strip(), row.get("side_b", "").strip()
    if side_a:
        actors.append(ActorRecord(side_a, ActorRole.SIDE_A, _inter(side_a, "a", violence)))
    if side_b and side_b != side_a:
        actors.append(ActorRecord(side_b, ActorRole.SIDE_B, _inter(side_b, "b", violence)))
    place = row.get("where_coordinates", "").strip()
    description = row.get("where_description", "").strip()
    dyad = row.get("dyad_name", "").strip()
    narrative = "\n".join(
        part
        for part in (
            f"{dyad}." if dyad else "",
            f"Location: {description}." if description and description != place else "",
            f"Source: {row.get('source_original', '').strip()}."
            if row.get("source_original", "").strip()
            else "",
        )
        if part
    )
    return IncidentRecord(
        row=number,
        scheme=SCHEME,
        external_id=event_id,
        date_start=dates[0],
        date_end=dates[1],
        event_type=etype,
        sub_event_type=sub,
        date_precision=date_prec,  # type: ignore[arg-type]
        place_name=place,
        lat=lat,
        lon=lon,
        location_precision=where_prec,  # type: ignore[arg-type]
        country_iso=country_iso_for("", row.get("country", "")),
        admin_names=(row.get("adm_1", "").strip(), row.get("adm_2", "").strip(), ""),
        title=dyad or place,
        narrative=narrative,
        civilian_targeting=violence == "3",
        actors=actors,
        casualties=casualties,
        sources=_sources(row),
        unrecorded=int(UCDP_GED.unrecorded),
        remarks=remarks,
    )
