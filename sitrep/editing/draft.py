"""An incident as the form holds it: what the user typed, before it is valid.

A draft keeps coordinates and dates as text so that a half-typed latitude survives an
autosave and a crash exactly as the user left it. :func:`check_draft` lists every
problem with the field (and row) it belongs to, so the form can mark each one.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sitrep.editing.dates import DateOrder, read_date
from sitrep.editing.location import precision_problem
from sitrep.errors import ValidationError
from sitrep.model import Incident
from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    AgeGroup,
    Credibility,
    DatePrecision,
    LocationPrecision,
    Outcome,
    Reliability,
    ReviewStatus,
    Sensitivity,
    Sex,
    SourceType,
    Verification,
)
from sitrep.model.validation import (
    check_dates,
    check_estimate,
    check_event_type,
    check_latitude,
    check_longitude,
    check_time,
)

DRAFT_FORMAT = "sitrep-incident-draft"
DRAFT_VERSION = 1


@dataclass
class ActorDraft:
    name: str = ""
    role: str = ActorRole.SIDE_A.value
    denies_involvement: bool = False  # the actor denies it: reports must not say it did


@dataclass
class CasualtyDraft:
    outcome: str = Outcome.KILLED.value
    affiliation: str = Affiliation.CIVILIAN.value
    sex: str = Sex.UNKNOWN.value
    age_group: str = AgeGroup.UNKNOWN.value
    low: int = 0
    best: int = 0
    high: int = 0
    is_party_claim: bool = False
    at_least: bool = False  # the figure is a lower bound ("at least 10")
    note: str = ""


@dataclass
class SourceDraft:
    name: str = ""
    source_type: str = SourceType.OTHER.value
    published: str = ""  # ISO date or empty
    url: str = ""
    excerpt: str = ""
    reliability: str = Reliability.F.value
    credibility: int = int(Credibility.CANNOT_BE_JUDGED)
    graded: bool = True  # False: came with an imported dataset, nobody graded it


@dataclass
class AttachmentDraft:
    """A stored attachment (``sha256`` set) or a file chosen but not yet saved (``path``)."""

    filename: str = ""
    sha256: str = ""
    path: str = ""
    media_type: str = ""
    caption: str = ""


@dataclass
class IncidentDraft:
    incident_id: str | None = None  # None: a new incident
    base_version: int | None = None  # the version the user started editing from
    reference: str = ""
    title: str = ""
    narrative: str = ""
    victim_names: str = ""  # who was harmed, by name: sensitive, never in the narrative
    date_start: str = ""
    date_end: str = ""
    time_local: str = ""
    date_precision: int = int(DatePrecision.DAY)
    place_id: str | None = None
    place_name: str = ""
    lat: str = ""
    lon: str = ""
    # None: follow what was given (see sitrep.editing.location); the form always sets it
    location_precision: int | None = None
    country_iso: str = ""
    area_id: str | None = None  # the deepest admin area; its parents follow
    event_type: str = ""
    sub_event_type: str = ""
    local_type: str = ""
    weapons: list[str] = field(default_factory=list)
    impacts: list[str] = field(default_factory=list)
    civilian_targeting: bool = False
    verification: str = Verification.UNVERIFIED.value
    sensitivity: str = Sensitivity.INTERNAL.value
    sensitive_fields: list[str] = field(default_factory=list)
    review_status: str = ReviewStatus.DRAFT.value
    author: str = ""
    actors: list[ActorDraft] = field(default_factory=list)
    casualties: list[CasualtyDraft] = field(default_factory=list)
    sources: list[SourceDraft] = field(default_factory=list)
    attachments: list[AttachmentDraft] = field(default_factory=list)

    def describe(self) -> str:
        """A short line naming the draft in a recovery prompt."""
        what = self.title or self.place_name or "untitled incident"
        when = f" of {self.date_start}" if self.date_start else ""
        ref = f"{self.reference}: " if self.reference else ""
        return f"{ref}{what}{when}"


_CHILDREN: dict[str, type] = {
    "actors": ActorDraft,
    "casualties": CasualtyDraft,
    "sources": SourceDraft,
    "attachments": AttachmentDraft,
}


# --------------------------------------------------------------------------- JSON


def draft_to_json(draft: IncidentDraft, **meta: Any) -> str:
    """The draft as a JSON document (with format marker and any metadata given)."""
    doc = {"format": DRAFT_FORMAT, "version": DRAFT_VERSION, **meta, "draft": asdict(draft)}
    return json.dumps(doc, ensure_ascii=False, indent=1)


def _build(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"expected an object for {cls.__name__}")
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in known})


def draft_from_dict(data: dict[str, Any]) -> IncidentDraft:
    values = {k: v for k, v in data.items() if k not in _CHILDREN}
    draft: IncidentDraft = _build(IncidentDraft, values)
    for name, cls in _CHILDREN.items():
        setattr(draft, name, [_build(cls, item) for item in data.get(name, []) or []])
    return draft


def draft_from_json(text: str) -> tuple[IncidentDraft, dict[str, Any]]:
    """Read a draft document; returns the draft and its metadata.

    Raises :class:`ValueError` when the text is not a draft this version understands.
    """
    doc = json.loads(text)
    if not isinstance(doc, dict) or doc.get("format") != DRAFT_FORMAT:
        raise ValueError("not a Sitrep incident draft")
    if int(doc.get("version", 0)) > DRAFT_VERSION:
        raise ValueError("draft written by a newer Sitrep")
    meta = {k: v for k, v in doc.items() if k not in {"format", "version", "draft"}}
    return draft_from_dict(doc["draft"]), meta


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a draft, where the form should show it."""

    field: str
    message: str
    row: int | None = None


def parse_number(text: str, what: str, field_name: str) -> float | None:
    clean = text.strip().replace(",", ".") if text else ""
    if not clean:
        return None
    try:
        value = float(clean)
    except ValueError:
        raise ValidationError(
            f"{what} '{text.strip()}' is not a number; write it in decimal degrees, e.g. 25.6128.",
            field=field_name,
        ) from None
    if math.isnan(value) or math.isinf(value):
        raise ValidationError(f"{what} must be a number of degrees.", field=field_name)
    return value


def parse_date(
    text: str, what: str, field_name: str, order: DateOrder | None = None
) -> dt.date | None:
    """A date as the date fields read it (``order``: this computer's, for 12/06/2025)."""
    try:
        return read_date(text, order, what=what)
    except ValidationError as exc:
        raise ValidationError(str(exc), field=field_name) from None


@dataclass(frozen=True)
class ParsedWhereWhen:
    date_start: dt.date
    date_end: dt.date
    lat: float | None
    lon: float | None


def check_draft(
    draft: IncidentDraft,
    known_subs: set[str] | None = None,
    *,
    date_order: DateOrder | None = None,
    area_level: int | None = None,
) -> list[Problem]:
    """Every problem of the draft (empty when it can be saved).

    ``date_order`` is how the computer the dates were typed on writes them (for
    ``12/06/2025``); ``area_level`` the level of the draft's admin area.
    """
    problems: list[Problem] = []
    order = date_order

    def run(check: Any, *args: Any, row: int | None = None) -> Any:
        try:
            return check(*args)
        except ValidationError as exc:
            problems.append(Problem(exc.field or "", str(exc), row))
            return None

    start = run(parse_date, draft.date_start, "Start date", "date_start", order)
    end = run(parse_date, draft.date_end, "End date", "date_end", order)
    if not any(p.field.startswith("date") for p in problems):
        run(check_dates, start, end)
    run(check_time, draft.time_local.strip() or None)
    lat = run(parse_number, draft.lat, "Latitude", "latitude")
    lon = run(parse_number, draft.lon, "Longitude", "longitude")
    if not problems_for(problems, "latitude"):
        run(check_latitude, lat)
    if not problems_for(problems, "longitude"):
        run(check_longitude, lon)
    if (lat is None) != (lon is None) and not problems_for(problems, "latitude", "longitude"):
        missing = "latitude" if lat is None else "longitude"
        problems.append(Problem(missing, "Give both latitude and longitude, or leave both empty."))
    if draft.location_precision is not None and not problems_for(
        problems, "latitude", "longitude"
    ):
        if draft.location_precision not in {int(p) for p in LocationPrecision}:
            problems.append(
                Problem("location_precision", f"{draft.location_precision} is not a precision.")
            )
        else:
            # an area whose level the caller does not know is given the benefit of the doubt
            level = area_level if area_level is not None or not draft.area_id else 4
            message = precision_problem(
                LocationPrecision(int(draft.location_precision)),
                lat is not None and lon is not None,
                level,
            )
            if message:
                problems.append(Problem("location_precision", message))
    if not draft.event_type:
        problems.append(Problem("event_type", "Choose the event type."))
    elif not draft.sub_event_type:
        problems.append(Problem("sub_event_type", "Choose the sub-event type."))
    else:
        run(check_event_type, draft.event_type, draft.sub_event_type, known_subs)
    if not (draft.title.strip() or draft.place_name.strip()):
        problems.append(Problem("title", "Give the incident a title or a place."))
    for i, actor in enumerate(draft.actors):
        if not actor.name.strip():
            problems.append(Problem("actor_name", "Name the actor or remove the row.", i))
        if actor.role not in {r.value for r in ActorRole}:
            problems.append(Problem("actor_role", f"'{actor.role}' is not an actor role.", i))
    for i, row in enumerate(draft.casualties):
        what = f"people {row.outcome}" if row.outcome in set(Outcome) else "people"
        run(check_estimate, row.low, row.best, row.high, what, row=i)
    for i, src in enumerate(draft.sources):
        if not src.name.strip():
            problems.append(Problem("source_name", "Name the source or remove the row.", i))
        run(parse_date, src.published, "Published date", "source_published", order, row=i)
    _check_choice(problems, "verification", draft.verification, Verification)
    _check_choice(problems, "sensitivity", draft.sensitivity, Sensitivity)
    _check_choice(problems, "review_status", draft.review_status, ReviewStatus)
    return problems


def problems_for(problems: list[Problem], *names: str) -> list[Problem]:
    return [p for p in problems if p.field in names]


def _check_choice(problems: list[Problem], name: str, value: str, enum: Any) -> None:
    if value not in {m.value for m in enum}:
        problems.append(Problem(name, f"'{value}' is not a valid {name.replace('_', ' ')}."))


def parse_where_when(draft: IncidentDraft) -> ParsedWhereWhen:
    """Dates and coordinates as values (call after :func:`check_draft` found nothing)."""
    start = parse_date(draft.date_start, "Start date", "date_start")
    if start is None:
        raise ValidationError("The incident needs a start date.", field="date_start")
    end = parse_date(draft.date_end, "End date", "date_end") or start
    return ParsedWhereWhen(
        start,
        end,
        parse_number(draft.lat, "Latitude", "latitude"),
        parse_number(draft.lon, "Longitude", "longitude"),
    )


# --------------------------------------------------------------------------- from incident


def _fmt_coord(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


def draft_from_incident(incident: Incident) -> IncidentDraft:
    """The draft the form shows when a saved incident is opened."""
    area = next(
        (
            a
            for a in (
                incident.admin4_id,
                incident.admin3_id,
                incident.admin2_id,
                incident.admin1_id,
            )
            if a is not None
        ),
        None,
    )
    return IncidentDraft(
        incident_id=str(incident.id),
        base_version=incident.version,
        reference=incident.reference,
        title=incident.title,
        narrative=incident.narrative,
        date_start=incident.date_start.isoformat(),
        date_end=incident.date_end.isoformat() if incident.date_end else "",
        time_local=incident.time_local or "",
        date_precision=int(incident.date_precision),
        place_id=str(incident.place_id) if incident.place_id else None,
        place_name=incident.place_name,
        lat=_fmt_coord(incident.lat),
        lon=_fmt_coord(incident.lon),
        location_precision=int(incident.location_precision),
        country_iso=incident.country_iso,
        area_id=str(area) if area else None,
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        local_type=incident.local_type or "",
        weapons=list(incident.weapons or []),
        impacts=list(incident.impacts or []),
        civilian_targeting=bool(incident.civilian_targeting),
        verification=Verification(incident.verification).value,
        sensitivity=Sensitivity(incident.sensitivity).value,
        sensitive_fields=list(incident.sensitive_fields or []),
        review_status=ReviewStatus(incident.review_status).value,
        author=incident.author,
        victim_names=incident.victim_names or "",
        actors=[
            ActorDraft(
                name=link.actor.name,
                role=ActorRole(link.role).value,
                denies_involvement=bool(link.denies_involvement),
            )
            for link in incident.actors
        ],
        casualties=[
            CasualtyDraft(
                outcome=Outcome(c.outcome).value,
                affiliation=Affiliation(c.affiliation).value,
                sex=Sex(c.sex).value,
                age_group=AgeGroup(c.age_group).value,
                low=c.low,
                best=c.best,
                high=c.high,
                is_party_claim=c.is_party_claim,
                at_least=bool(c.at_least),
                note=c.note,
            )
            for c in incident.casualties
        ],
        sources=[
            SourceDraft(
                name=s.name,
                source_type=SourceType(s.source_type).value,
                published=s.published.isoformat() if s.published else "",
                url=s.url,
                excerpt=s.excerpt,
                reliability=Reliability(s.reliability).value,
                credibility=int(s.credibility),
                graded=bool(s.graded),
            )
            for s in incident.sources
        ],
        attachments=[
            AttachmentDraft(
                filename=a.filename, sha256=a.sha256, media_type=a.media_type, caption=a.caption
            )
            for a in incident.attachments
        ],
    )


def duplicate_draft(draft: IncidentDraft) -> IncidentDraft:
    """A new incident like this one (the 6 June blast entered from the 3 June one).

    What repeats stays: the place (and its coordinates, area, precision), the types,
    the actors, the sources, the sensitivity. What belongs to the one event does not:
    its title, narrative, victims, casualty figures, time and attachments are left
    empty, and verification and review start afresh — so a duplicate saved in a hurry
    can never count the first incident's dead a second time.
    """
    copy = draft_from_dict(asdict(draft))
    copy.incident_id = None
    copy.base_version = None
    copy.reference = ""
    copy.title = ""
    copy.narrative = ""
    copy.victim_names = ""
    copy.time_local = ""
    copy.casualties = []
    copy.attachments = []
    copy.verification = Verification.UNVERIFIED.value
    copy.review_status = ReviewStatus.DRAFT.value
    return copy
