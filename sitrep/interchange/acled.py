"""ACLED CSV exports, current and old, to incidents and back.

Current exports have lower-case columns (``event_id_cnty``, ``sub_event_type``,
``civilian_targeting``, ``inter1`` as a code or a name); exports before 2019 have
upper-case columns, ``ALLY_ACTOR_1`` for today's ``assoc_actor_1``, no sub-event types
and other event types. Old types are mapped onto today's taxonomy (the sub-type is
chosen from words of the notes when it can be, and every such guess is counted in the
import notes). Fatalities become people killed (best = low = high; civilians when the
event targeted civilians); ``geo_precision``/``time_precision`` are converted to the
UCDP-style codes the model keeps.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from sitrep.interchange.common import (
    blank,
    match_event_type,
    match_sub_event_type,
    parse_coordinate,
    parse_count,
    split_list,
)
from sitrep.interchange.datasets import ACLED
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

SCHEME = "acled"

# Columns of a current ACLED export, in ACLED's order (also what the exporter writes).
EXPORT_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

OLD_NAMES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
REQUIRED = ("event_id_cnty", "event_date", "event_type", "latitude", "longitude", "fatalities")

INTER_NAMES = {
    "state forces": 1,
    "rebel group": 2,
    "rebel groups": 2,
    "political militia": 3,
    "political militias": 3,
    "identity militia": 4,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
    "other forces": 8,
}
INTER_LABELS = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}

SCALE_TYPES = {
    "local": SourceType.LOCAL_MEDIA,
    "subnational": SourceType.LOCAL_MEDIA,
    "national": SourceType.NATIONAL_MEDIA,
    "regional": SourceType.INTERNATIONAL_MEDIA,
    "international": SourceType.INTERNATIONAL_MEDIA,
    "new media": SourceType.SOCIAL_MEDIA,
    "local partner": SourceType.PARTNER,
    "other": SourceType.OTHER,
}

# Old (pre-2019) event types -> today's type and a default sub-type.
OLD_TYPES: dict[str, tuple[str, str]] = {
    "battle-no change of territory": ("Battles", "Armed clash"),
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "battle-non-state actors overtake territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "remote violence": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "violence against civilians": ("Violence against civilians", "Attack"),
    "strategic development": ("Strategic developments", "Other"),
    "non-violent transfer of territory": (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    "headquarters or base established": (
        "Strategic developments",
        "Headquarters or base established",
    ),
    "riots/protests": ("Protests", "Peaceful protest"),
}

# Words of the notes that decide the sub-type of an old event, first match wins.
_KEYWORDS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "remote violence": (
        ("Suicide bomb", re.compile(r"suicide", re.I)),
        (
            "Air/drone strike",
            re.compile(r"air ?strike|air raid|drone|bombed from|aircraft|jet", re.I),
        ),
        ("Grenade", re.compile(r"grenade", re.I)),
        ("Chemical weapon", re.compile(r"chemical|gas attack", re.I)),
        (
            "Remote explosive/landmine/IED",
            re.compile(r"\bIED\b|land ?mine|\bmine\b|explosive device|bomb|blast|explo", re.I),
        ),
        (
            "Shelling/artillery/missile attack",
            re.compile(r"shell|artillery|mortar|rocket|missile", re.I),
        ),
    ),
    "violence against civilians": (
        ("Sexual violence", re.compile(r"\brape|sexual", re.I)),
        ("Abduction/forced disappearance", re.compile(r"abduct|kidnap|disappear", re.I)),
    ),
    "strategic development": (
        ("Arrests", re.compile(r"arrest|detain", re.I)),
        ("Agreement", re.compile(r"agreement|ceasefire|cease-fire|peace talk|accord", re.I)),
        ("Looting/property destruction", re.compile(r"loot|burn|torch|destroy|vandal", re.I)),
        ("Headquarters or base established", re.compile(r"headquarter|\bbase\b", re.I)),
        ("Change to group/activity", re.compile(r"recruit|merge|split|train", re.I)),
    ),
}


@dataclass
class AcledStats:
    """What the old-format mapping did, for the import notes."""

    mapped: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    guessed: Counter[tuple[str, str]] = field(default_factory=Counter)
    defaulted: Counter[tuple[str, str]] = field(default_factory=Counter)

    def notes(self) -> list[str]:
        out = []
        for (old, etype, sub), n in sorted(self.mapped.items()):
            out.append(f"{n} rows of old ACLED type '{old}' imported as {etype} / {sub}")
        for (old, sub), n in sorted(self.defaulted.items()):
            out.append(
                f"{n} rows of old ACLED type '{old}' had no sub-event type and no telling "
                f"words in the notes: given '{sub}' (check them)"
            )
        return out


def normalise_columns(columns: list[str]) -> dict[str, str]:
    """file column -> canonical lower-case ACLED name."""
    out = {}
    for col in columns:
        key = col.strip().lower()
        out[col] = OLD_NAMES.get(key, key)
    return out


def looks_like_acled(columns: list[str]) -> bool:
    keys = set(normalise_columns(columns).values())
    return {"event_id_cnty", "event_date", "event_type", "fatalities"} <= keys


_ACLED_ONLY = {
    "actor1", "inter1", "interaction", "sub_event_type", "geo_precision", "source_scale"
}  # fmt: skip


def looks_like_acled_without_ids(columns: list[str]) -> bool:
    """ACLED's columns (dates, types, fatalities and at least three columns only ACLED
    has) but no ``event_id_cnty``: an ACLED export someone cut the id column from."""
    keys = set(normalise_columns(columns).values())
    return (
        "event_id_cnty" not in keys
        and {"event_date", "event_type", "fatalities"} <= keys
        and len(_ACLED_ONLY & keys) >= 3
    )


@lru_cache(maxsize=256)
def inter_code(value: str) -> int:
    text = value.strip()
    if not text:
        return 0
    if text.isdigit():
        code = int(text)
        return code if 0 <= code <= 8 else 0
    return INTER_NAMES.get(text.lower(), 0)


@lru_cache(maxsize=256)
def source_type(scale: str) -> SourceType:
    first = scale.split("-")[0].strip().lower() if scale else ""
    if scale.strip().lower().startswith("local partner"):
        return SourceType.PARTNER
    return SCALE_TYPES.get(first, SourceType.OTHER)


def _truthy_targeting(value: str) -> bool:
    text = value.strip().lower()
    return text in {"civilian targeting", "yes", "true", "1", "y"}


def _event_types(row: dict[str, str], cols: dict[str, str], stats: AcledStats) -> tuple[str, str]:
    raw_type = row.get("event_type", "").strip()
    raw_sub = row.get("sub_event_type", "").strip()
    etype = match_event_type(raw_type)
    if etype and not blank(raw_sub):
        sub = match_sub_event_type(raw_sub)
        if sub is None:
            raise RowError(cols["sub_event_type"], f"unknown ACLED sub-event type '{raw_sub}'")
        return etype, sub
    old = raw_type.lower()
    if old in OLD_TYPES:
        etype, sub = OLD_TYPES[old]
        if old == "riots/protests":
            actors = (row.get("actor1", "") + " " + row.get("actor2", "")).lower()
            etype, sub = ("Riots", "Violent demonstration") if "rioter" in actors else (etype, sub)
        elif old in _KEYWORDS:
            notes = row.get("notes", "")
            for candidate, pattern in _KEYWORDS[old]:
                if pattern.search(notes):
                    sub = candidate
                    break
            else:
                if old in {"remote violence", "strategic development"}:
                    stats.defaulted[(raw_type, sub)] += 1
        stats.mapped[(raw_type, etype, sub)] += 1
        return etype, sub
    if etype:
        raise RowError(
            cols.get("sub_event_type", "sub_event_type"), "the sub-event type is missing"
        )
    raise RowError(cols["event_type"], f"unknown ACLED event type '{raw_type}'")


def parse_row(
    number: int, raw: dict[str, str], cols: dict[str, str], stats: AcledStats
) -> IncidentRecord:
    """One ACLED row -> record. ``cols`` maps canonical names back to file columns."""
    row = raw if "__identity__" in cols else {key: raw.get(col, "") for key, col in cols.items()}
    event_id = row.get("event_id_cnty", "").strip()
    if not event_id and "__without_ids__" not in cols:
        raise RowError(cols["event_id_cnty"], "the ACLED event id is missing")
    try:
        date = parse_date(row.get("event_date", ""))
    except DateFormatError as exc:
        raise RowError(cols["event_date"], str(exc)) from None
    lat = parse_coordinate(row.get("latitude", ""), cols["latitude"], latitude=True)
    lon = parse_coordinate(row.get("longitude", ""), cols["longitude"], latitude=False)
    fatalities = parse_count(
        row.get("fatalities", ""), cols["fatalities"], "fatalities", required=True
    )
    etype, sub = _event_types(row, cols, stats)
    try:
        time_prec = int(row.get("time_precision", "") or 1)
        date_precision = DatePrecision.from_acled(time_prec)
    except ValueError:
        raise RowError(
            cols.get("time_precision", "time_precision"), "time_precision is not 1, 2 or 3"
        ) from None
    try:
        geo_prec = int(row.get("geo_precision", "") or 1)
        location_precision = LocationPrecision.from_acled(geo_prec)
    except ValueError:
        raise RowError(
            cols.get("geo_precision", "geo_precision"), "geo_precision is not 1, 2 or 3"
        ) from None
    targeting = _truthy_targeting(row.get("civilian_targeting", "")) or (
        etype == "Violence against civilians"
    )
    actors: list[ActorRecord] = []
    seen: set[tuple[str, ActorRole]] = set()

    def add(name: str, role: ActorRole, code: int) -> None:
        if blank(name) or (name, role) in seen:
            return
        seen.add((name, role))
        actors.append(ActorRecord(name.strip(), role, code))

    inter1 = inter_code(row.get("inter1", ""))
    inter2 = inter_code(row.get("inter2", ""))
    add(row.get("actor1", ""), ActorRole.SIDE_A, inter1)
    add(row.get("actor2", ""), ActorRole.SIDE_B, inter2)
    for name in split_list(row.get("assoc_actor_1", "")):
        add(name, ActorRole.ASSOCIATED_A, 0)
    for name in split_list(row.get("assoc_actor_2", "")):
        add(name, ActorRole.ASSOCIATED_B, 0)
    casualties = []
    if fatalities:
        # ACLED counts fatalities without saying who they were, even in events targeting
        # civilians: the civilian share is not recorded (datasets.ACLED), not guessed
        casualties.append(
            CasualtyRecord(Outcome.KILLED, Affiliation.UNKNOWN, fatalities, fatalities, fatalities)
        )
    stype = source_type(row.get("source_scale", ""))
    sources = [SourceRecord(name[:200], stype) for name in split_list(row.get("source", ""))]
    location = row.get("location", "").strip()
    country_iso = row.get("iso3", "").strip().upper()
    if len(country_iso) != 3:
        country_iso = country_iso_for(row.get("iso", ""), row.get("country", ""))
    return IncidentRecord(
        row=number,
        scheme=SCHEME,
        external_id=event_id,
        date_start=date,
        date_end=date,
        event_type=etype,
        sub_event_type=sub,
        date_precision=date_precision,
        place_name=location,
        lat=lat,
        lon=lon,
        location_precision=location_precision,
        country_iso=country_iso,
        admin_names=(
            row.get("admin1", "").strip(),
            row.get("admin2", "").strip(),
            row.get("admin3", "").strip(),
        ),
        admin_pcodes=("", "", row.get("admin3_pcode", "").strip()),
        title=f"{sub} – {location}" if location else sub,
        narrative=row.get("notes", "").strip(),
        civilian_targeting=targeting,
        actors=actors,
        casualties=casualties,
        sources=sources,
        unrecorded=int(ACLED.unrecorded),
    )
