"""Any CSV/XLSX (or GeoJSON properties) through a column mapping.

A :class:`ColumnMapping` says which column holds which incident field, or gives a fixed
value for a field the file lacks ("all rows are Strategic developments / Other"). It is
guessed from column names and from an HXL hashtag row when there is one, shown to the
user to correct, and saved in the project (``ProjectSetting`` ``import_mapping:<name>``,
JSON) so the next file of the same layout maps itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.interchange.common import (
    blank,
    match_event_type,
    match_sub_event_type,
    parse_coordinate,
    parse_count,
    split_list,
)
from sitrep.interchange.datasets import unrecorded_by_mapping
from sitrep.interchange.dates import DateFormatError, parse_date
from sitrep.interchange.parsed_rows import (
    ActorRecord,
    CasualtyRecord,
    IncidentRecord,
    RowError,
    SourceRecord,
)
from sitrep.model import LocalType, ProjectSetting
from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    DatePrecision,
    LocationPrecision,
    Outcome,
)
from sitrep.model.taxonomy import SUB_TO_TYPE
from sitrep.places.countries import country_iso_for
from sitrep.places.names import fold

E = TypeVar("E", bound=IntEnum)

# field -> what the user sees in the mapping step
FIELDS: dict[str, str] = {
    "external_id": "Identifier in the source (for re-imports)",
    "date_start": "Date (or start date)",
    "date_end": "End date",
    "place_name": "Place name",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "country": "Country (name or ISO code)",
    "admin1": "State/region (admin 1)",
    "admin2": "District (admin 2)",
    "admin3": "Township (admin 3)",
    "admin1_pcode": "Admin 1 P-code",
    "admin2_pcode": "Admin 2 P-code",
    "admin3_pcode": "Admin 3 P-code",
    "event_type": "Event type",
    "sub_event_type": "Sub-event type (or local type)",
    "title": "Title",
    "narrative": "Description / notes",
    "killed": "People killed",
    "civilians_killed": "Civilians killed",
    "injured": "People injured",
    "abducted": "People abducted",
    "displaced": "People displaced",
    "actor1": "Actor (side A / perpetrator)",
    "actor2": "Actor (side B / target)",
    "source": "Source(s), separated by ;",
    "date_precision": "Date precision (UCDP code 1–5)",
    "location_precision": "Location precision (UCDP code 1–7)",
}

# Column-name synonyms (folded) for the first guess.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "event id", "event_id_cnty", "incident id", "uuid", "code"),
    "date_start": (
        "date",
        "event date",
        "date start",
        "start date",
        "date_start",
        "event_date",
        "incident date",
    ),
    "date_end": ("date end", "end date", "date_end"),
    "place_name": ("location", "place", "place name", "village", "town", "place_name"),
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "long", "lng", "x"),
    "country": ("country", "iso3", "country iso", "country_iso"),
    "admin1": ("admin1", "state", "region", "state region", "adm1", "province", "admin1 name"),
    "admin2": ("admin2", "district", "adm2", "admin2 name"),
    "admin3": ("admin3", "township", "adm3", "admin3 name"),
    "admin1_pcode": ("admin1 pcode", "admin1_pcode", "sr pcode", "adm1 pcode"),
    "admin2_pcode": ("admin2 pcode", "admin2_pcode", "adm2 pcode"),
    "admin3_pcode": ("admin3 pcode", "admin3_pcode", "tsp pcode", "adm3 pcode"),
    "event_type": ("event type", "event_type", "type", "category"),
    "sub_event_type": ("sub event type", "sub_event_type", "subtype", "sub type", "local type"),
    "title": ("title", "headline", "summary"),
    "narrative": ("notes", "description", "narrative", "details"),
    "killed": ("killed", "fatalities", "deaths", "dead"),
    "civilians_killed": ("civilians killed", "civilian deaths", "civilians_killed"),
    "injured": ("injured", "wounded", "injuries"),
    "abducted": ("abducted", "abducted detained", "abducted_detained", "detained"),
    "displaced": ("displaced", "idps"),
    "actor1": ("actor1", "actor 1", "perpetrator", "side a", "actors side a"),
    "actor2": ("actor2", "actor 2", "target", "side b", "actors side b"),
    "source": ("source", "sources"),
    "date_precision": ("date precision", "date_precision", "date prec"),
    "location_precision": ("location precision", "location_precision", "where prec"),
}

# HXL hashtags (tag, attributes that must be present) -> field; first match wins.
HXL_RULES: tuple[tuple[str, frozenset[str], str], ...] = (
    ("#event", frozenset({"id"}), "external_id"),
    ("#event", frozenset({"code"}), "external_id"),
    ("#meta", frozenset({"id"}), "external_id"),
    ("#date", frozenset({"end"}), "date_end"),
    ("#date", frozenset({"start"}), "date_start"),
    ("#date", frozenset({"occurred"}), "date_start"),
    ("#date", frozenset(), "date_start"),
    ("#geo", frozenset({"lat"}), "latitude"),
    ("#geo", frozenset({"lon"}), "longitude"),
    ("#loc", frozenset({"name"}), "place_name"),
    ("#country", frozenset({"code"}), "country"),
    ("#country", frozenset({"iso3"}), "country"),
    ("#country", frozenset(), "country"),
    ("#adm1", frozenset({"code"}), "admin1_pcode"),
    ("#adm2", frozenset({"code"}), "admin2_pcode"),
    ("#adm3", frozenset({"code"}), "admin3_pcode"),
    ("#adm1", frozenset(), "admin1"),
    ("#adm2", frozenset(), "admin2"),
    ("#adm3", frozenset(), "admin3"),
    ("#event", frozenset({"type", "sub"}), "sub_event_type"),
    ("#event", frozenset({"subtype"}), "sub_event_type"),
    ("#event", frozenset({"type"}), "event_type"),
    ("#event", frozenset({"title"}), "title"),
    ("#description", frozenset(), "narrative"),
    ("#affected", frozenset({"killed", "civilians"}), "civilians_killed"),
    ("#affected", frozenset({"killed"}), "killed"),
    ("#affected", frozenset({"injured"}), "injured"),
    ("#affected", frozenset({"abducted"}), "abducted"),
    ("#affected", frozenset({"displaced"}), "displaced"),
    ("#group", frozenset({"first"}), "actor1"),
    ("#group", frozenset({"second"}), "actor2"),
    ("#meta", frozenset({"source"}), "source"),
)


def parse_hashtag(tag: str) -> tuple[str, frozenset[str]]:
    parts = [p.strip().lower() for p in tag.replace(" ", "").split("+")]
    return parts[0], frozenset(p for p in parts[1:] if p)


@dataclass
class ColumnMapping:
    """Which source column feeds which incident field (or a fixed value for all rows)."""

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    scheme: str = "import"
    month_first: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        data = json.loads(text)
        return cls(
            columns=dict(data.get("columns", {})),
            constants=dict(data.get("constants", {})),
            scheme=str(data.get("scheme", "import")),
            month_first=bool(data.get("month_first", False)),
        )

    def problems(self, columns: Sequence[str]) -> list[str]:
        """What is missing or wrong before any row is read."""
        out = []
        for fld, col in self.columns.items():
            if fld not in FIELDS:
                out.append(f"'{fld}' is not a field an incident has")
            elif col not in columns:
                out.append(f"the column '{col}' chosen for {FIELDS[fld]} is not in the file")
        have = set(self.columns) | set(self.constants)
        if "date_start" not in have:
            out.append("choose the column holding the date")
        if not have & {"event_type", "sub_event_type"}:
            out.append("choose the column holding the event type, or give one for all rows")
        if not have & {"place_name", "title", "latitude"}:
            out.append("choose a place, title or coordinates column")
        if ("latitude" in have) != ("longitude" in have):
            out.append("choose both the latitude and the longitude column")
        return out


def guess_mapping(columns: Sequence[str], hxl_tags: Sequence[str] | None = None) -> ColumnMapping:
    """A first mapping from HXL hashtags (when present) and column names."""
    mapping = ColumnMapping()
    taken: set[str] = set()
    if hxl_tags:
        parsed = [
            (col, *parse_hashtag(tag)) for col, tag in zip(columns, hxl_tags, strict=False) if tag
        ]
        for tag, attrs, fld in HXL_RULES:
            if fld in mapping.columns:
                continue
            for col, ctag, cattrs in parsed:
                if col in taken or ctag != tag or not attrs <= cattrs:
                    continue
                if fld == "date_start" and cattrs & {"end", "year", "created", "reported"}:
                    continue
                mapping.columns[fld] = col
                taken.add(col)
                break
    folded = {fold(c).replace("_", " "): c for c in columns}
    for fld, names in SYNONYMS.items():
        if fld in mapping.columns:
            continue
        for name in names:
            found = folded.get(fold(name).replace("_", " "))
            if found is not None and found not in taken:
                mapping.columns[fld] = found
                taken.add(found)
                break
    return mapping


# --------------------------------------------------------------------------- saved mappings

_PREFIX = "import_mapping:"


def layout_key(columns: Sequence[str]) -> str:
    """A name for a file layout: the same columns in the same order."""
    return "layout-" + hashlib.sha256("\x1f".join(columns).encode()).hexdigest()[:16]


def save_mapping(session: Session, name: str, mapping: ColumnMapping) -> None:
    session.merge(ProjectSetting(key=_PREFIX + name, value=mapping.to_json()))


def saved_mappings(session: Session) -> dict[str, ColumnMapping]:
    rows = session.scalars(select(ProjectSetting).where(ProjectSetting.key.startswith(_PREFIX)))
    return {row.key[len(_PREFIX) :]: ColumnMapping.from_json(row.value) for row in rows}


def mapping_for_layout(session: Session, columns: Sequence[str]) -> ColumnMapping | None:
    row = session.get(ProjectSetting, _PREFIX + layout_key(columns))
    return ColumnMapping.from_json(row.value) if row else None


def local_types(session: Session) -> dict[str, tuple[str, str]]:
    """Folded local type name -> (local type name, ACLED sub-event type)."""
    return {
        fold(lt.name): (lt.name, lt.sub_event_type) for lt in session.scalars(select(LocalType))
    }


# --------------------------------------------------------------------------- row parsing


class MappedRowParser:
    """Turns one row (dict of column -> text) into an :class:`IncidentRecord`."""

    def __init__(
        self, mapping: ColumnMapping, local: Mapping[str, tuple[str, str]] | None = None
    ) -> None:
        self.mapping = mapping
        self.local = dict(local or {})
        self._unrecorded = unrecorded_by_mapping([*mapping.columns, *mapping.constants])

    def column(self, fld: str) -> str:
        return self.mapping.columns.get(fld, fld)

    def value(self, row: Mapping[str, str], fld: str) -> str:
        col = self.mapping.columns.get(fld)
        if col is not None:
            text = row.get(col, "")
            if not blank(text):
                return text.strip()
        return self.mapping.constants.get(fld, "").strip()

    def _date(self, row: Mapping[str, str], fld: str, required: bool) -> object:
        text = self.value(row, fld)
        if not text:
            if required:
                raise RowError(self.column(fld), "the date is missing")
            return None
        try:
            return parse_date(text, month_first=self.mapping.month_first)
        except DateFormatError as exc:
            raise RowError(self.column(fld), str(exc)) from None

    def _types(self, row: Mapping[str, str]) -> tuple[str, str, str | None]:
        raw_type = self.value(row, "event_type")
        raw_sub = self.value(row, "sub_event_type")
        local: str | None = None
        sub = match_sub_event_type(raw_sub) if raw_sub else None
        if raw_sub and sub is None and fold(raw_sub) in self.local:
            local, sub = self.local[fold(raw_sub)]
        if raw_sub and sub is None:
            raise RowError(
                self.column("sub_event_type"),
                f"'{raw_sub}' is neither an ACLED sub-event type nor a local type of this project",
            )
        etype = match_event_type(raw_type) if raw_type else None
        if raw_type and etype is None and sub is None:
            # a sub-type or local type in the type column
            if match_sub_event_type(raw_type):
                sub = match_sub_event_type(raw_type)
            elif fold(raw_type) in self.local:
                local, sub = self.local[fold(raw_type)]
            else:
                raise RowError(self.column("event_type"), f"unknown event type '{raw_type}'")
        if sub is None:
            raise RowError(
                self.column("sub_event_type"),
                "the sub-event type is missing" if raw_type else "the event type is missing",
            )
        parent = SUB_TO_TYPE[sub]
        if etype is not None and etype != parent:
            raise RowError(
                self.column("sub_event_type"),
                f"sub-event type '{sub}' belongs to '{parent}', not to '{etype}'",
            )
        return parent, sub, local

    def _code(self, row: Mapping[str, str], fld: str, enum: type[E]) -> E:
        text = self.value(row, fld)
        try:
            return enum(int(text)) if text else enum(1)
        except ValueError:
            raise RowError(self.column(fld), f"'{text}' is not a precision code") from None

    def parse(self, number: int, row: Mapping[str, str]) -> IncidentRecord:
        date_start = self._date(row, "date_start", True)
        date_end = self._date(row, "date_end", False) or date_start
        lat_text, lon_text = self.value(row, "latitude"), self.value(row, "longitude")
        lat = lon = None
        if lat_text or lon_text:
            if not lat_text:
                raise RowError(self.column("latitude"), "the latitude is missing")
            if not lon_text:
                raise RowError(self.column("longitude"), "the longitude is missing")
            lat = parse_coordinate(lat_text, self.column("latitude"), latitude=True)
            lon = parse_coordinate(lon_text, self.column("longitude"), latitude=False)
        etype, sub, local = self._types(row)
        counts = {
            fld: parse_count(self.value(row, fld), self.column(fld), FIELDS[fld].lower())
            for fld in ("killed", "civilians_killed", "injured", "abducted", "displaced")
        }
        if counts["civilians_killed"] > counts["killed"] and "killed" in self.mapping.columns:
            raise RowError(
                self.column("civilians_killed"),
                f"more civilians killed ({counts['civilians_killed']}) than people killed "
                f"({counts['killed']})",
            )
        casualties = []
        civ = counts["civilians_killed"]
        other = max(counts["killed"] - civ, 0)
        for outcome, aff, n in (
            (Outcome.KILLED, Affiliation.CIVILIAN, civ),
            (Outcome.KILLED, Affiliation.UNKNOWN, other),
            (Outcome.INJURED, Affiliation.UNKNOWN, counts["injured"]),
            (Outcome.ABDUCTED, Affiliation.UNKNOWN, counts["abducted"]),
            (Outcome.DISPLACED, Affiliation.UNKNOWN, counts["displaced"]),
        ):
            if n:
                casualties.append(CasualtyRecord(outcome, aff, n, n, n))
        actors: list[ActorRecord] = []
        for fld, role in (("actor1", ActorRole.SIDE_A), ("actor2", ActorRole.SIDE_B)):
            for name in split_list(self.value(row, fld)):
                if all(a.name != name or a.role != role for a in actors):
                    actors.append(ActorRecord(name[:200], role))
        date_prec = self._code(row, "date_precision", DatePrecision)
        where_prec = self._code(row, "location_precision", LocationPrecision)
        country_text = self.value(row, "country")
        country = ""
        if country_text:
            country = country_iso_for(country_text, country_text) or (
                country_text.upper() if len(country_text) == 3 else ""
            )
        place = self.value(row, "place_name")
        external_id = (
            self.value(row, "external_id") if "external_id" in self.mapping.columns else ""
        )
        return IncidentRecord(
            row=number,
            scheme=self.mapping.scheme or "import",
            external_id=external_id,
            date_start=date_start,  # type: ignore[arg-type]
            date_end=date_end,  # type: ignore[arg-type]
            event_type=etype,
            sub_event_type=sub,
            local_type=local,
            date_precision=date_prec,
            place_name=place[:200],
            lat=lat,
            lon=lon,
            location_precision=where_prec,
            country_iso=country,
            admin_names=(
                self.value(row, "admin1"),
                self.value(row, "admin2"),
                self.value(row, "admin3"),
            ),
            admin_pcodes=(
                self.value(row, "admin1_pcode"),
                self.value(row, "admin2_pcode"),
                self.value(row, "admin3_pcode"),
            ),
            title=(
                self.value(row, "title")
                or (f"{local or sub} – {place}" if place else local or sub)
            )[:300],
            narrative=self.value(row, "narrative"),
            civilian_targeting=civ > 0 or etype == "Violence against civilians",
            actors=actors,
            casualties=casualties,
            sources=[SourceRecord(s[:200]) for s in split_list(self.value(row, "source"))],
            unrecorded=int(self._unrecorded),
        )
