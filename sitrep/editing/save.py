"""Writing a checked draft into the project, through the one incident write path."""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from pathlib import Path

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from sitrep.editing.conflict import differs
from sitrep.editing.draft import (
    IncidentDraft,
    check_draft,
    draft_from_incident,
    parse_date,
    parse_where_when,
)
from sitrep.editing.location import suggested_precision
from sitrep.errors import ConflictError, ValidationError
from sitrep.model import (
    Actor,
    Attachment,
    Blob,
    Casualty,
    Incident,
    IncidentActor,
    LocalType,
    Source,
)
from sitrep.model.base import new_uuid, utcnow
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
from sitrep.places.search import area_chain
from sitrep.store.incidents import known_sub_event_types, save_incident

MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024


def _uuid(text: str | None) -> uuid.UUID | None:
    return uuid.UUID(text) if text else None


def find_or_create_actor(session: Session, name: str) -> Actor:
    """The actor of that name (or alias), created when the user typed a new one."""
    clean = " ".join(name.split())
    actor = session.scalar(select(Actor).where(func.lower(Actor.name) == clean.lower()))
    if actor is None:
        with_aliases = select(Actor).where(cast(Actor.aliases, String) != "[]")
        for candidate in session.scalars(with_aliases):
            if any(a.casefold() == clean.casefold() for a in candidate.aliases or []):
                return candidate
        actor = Actor(name=clean)
        session.add(actor)
        session.flush()
    return actor


def store_blob(session: Session, path: Path) -> tuple[str, int]:
    """Put a file's content in the project once (content-addressed by SHA-256)."""
    try:
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                f"{path.name} is {size // 2**20} MB; attachments may be at most "
                f"{MAX_ATTACHMENT_BYTES // 2**20} MB.",
                field="attachments",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"The attachment {path} cannot be read: {exc.strerror}.", field="attachments"
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    if session.get(Blob, digest) is None:
        session.add(Blob(sha256=digest, size=len(data), data=data))
    return digest, len(data)


def save_draft(session: Session, draft: IncidentDraft) -> Incident:
    """Check the draft and write it as a new or changed incident.

    Raises the first problem as a :class:`ValidationError` (the form checks beforehand
    and marks all of them), or :class:`ConflictError` when someone else saved the
    incident since the user opened it.
    """
    chain = area_chain(session, _uuid(draft.area_id))
    area_level = max(chain) if chain else None
    problems = check_draft(draft, known_sub_event_types(session), area_level=area_level)
    if problems:
        first = problems[0]
        raise ValidationError(first.message, field=first.field)
    parsed = parse_where_when(draft)
    if draft.incident_id is None:
        # The id is set here, not by the column default at INSERT time, so the audit
        # entry written before the flush already names the incident.
        incident = Incident(id=new_uuid())
        incident.author = draft.author or session.info.get("user", "")
    else:
        found = session.get(Incident, uuid.UUID(draft.incident_id))
        if found is None:
            raise ConflictError(
                "This incident was deleted after you opened it. Save it as a new incident "
                "with Duplicate, or discard your changes."
            )
        if draft.base_version is not None and found.version != draft.base_version:
            raise ConflictError(
                f"Someone else changed {found.reference} after you opened it; "
                "compare their change with yours before saving."
            )
        incident = found
        # A save that changes anything is one new version, even one that changes only
        # a source or a casualty row: so that a concurrent save of those rows is refused
        # too (the UPDATE checks the version the user started from). A save of what is
        # already stored changes nothing, not even the version.
        if differs(draft_from_incident(found), draft):
            incident.updated_at = utcnow()
        incident.author = draft.author or incident.author
    incident.title = draft.title.strip()
    incident.narrative = draft.narrative
    incident.victim_names = draft.victim_names.strip()
    incident.date_start = parsed.date_start
    incident.date_end = parsed.date_end
    incident.time_local = draft.time_local.strip() or None
    incident.date_precision = DatePrecision(int(draft.date_precision))
    incident.place_id = _uuid(draft.place_id)
    incident.place_name = draft.place_name.strip()
    incident.lat, incident.lon = parsed.lat, parsed.lon
    has_coordinates = parsed.lat is not None and parsed.lon is not None
    incident.location_precision = (
        suggested_precision(has_coordinates, area_level)
        if draft.location_precision is None
        else LocationPrecision(int(draft.location_precision))
    )
    for level in (1, 2, 3, 4):
        setattr(incident, f"admin{level}_id", chain[level].id if level in chain else None)
    country = draft.country_iso.strip().upper()
    if not country:
        country = next((a.country_iso for a in chain.values() if a.country_iso), "")
    incident.country_iso = country
    incident.event_type = draft.event_type
    incident.sub_event_type = draft.sub_event_type
    local = draft.local_type.strip()
    if local and session.get(LocalType, local) is None:
        raise ValidationError(f"'{local}' is not a local type of this project.", "local_type")
    incident.local_type = local or None
    incident.weapons = [w.strip() for w in draft.weapons if w.strip()]
    incident.impacts = [w.strip() for w in draft.impacts if w.strip()]
    incident.civilian_targeting = bool(draft.civilian_targeting)
    incident.verification = Verification(draft.verification)
    incident.sensitivity = Sensitivity(draft.sensitivity)
    incident.sensitive_fields = list(draft.sensitive_fields)
    incident.review_status = ReviewStatus(draft.review_status)
    _apply_actors(session, incident, draft)
    _apply_casualties(incident, draft)
    _apply_sources(incident, draft)
    _apply_attachments(session, incident, draft)
    save_incident(session, incident)
    return incident


def _apply_actors(session: Session, incident: Incident, draft: IncidentDraft) -> None:
    wanted: dict[tuple[uuid.UUID, ActorRole], bool] = {}
    for row in draft.actors:
        actor = find_or_create_actor(session, row.name)
        key = (actor.id, ActorRole(row.role))
        wanted[key] = wanted.get(key, False) or bool(row.denies_involvement)
    existing = {(link.actor_id, ActorRole(link.role)): link for link in incident.actors}
    for key, link in existing.items():
        if key not in wanted:
            incident.actors.remove(link)
    for (actor_id, role), denies in wanted.items():
        kept = existing.get((actor_id, role))
        if kept is None:
            incident.actors.append(
                IncidentActor(actor_id=actor_id, role=role, denies_involvement=denies)
            )
        elif bool(kept.denies_involvement) != denies:
            kept.denies_involvement = denies


def _apply_casualties(incident: Incident, draft: IncidentDraft) -> None:
    rows = list(incident.casualties)
    for i, row in enumerate(draft.casualties):
        target = rows[i] if i < len(rows) else Casualty()
        target.outcome = Outcome(row.outcome)
        target.affiliation = Affiliation(row.affiliation)
        target.sex = Sex(row.sex)
        target.age_group = AgeGroup(row.age_group)
        target.low, target.best, target.high = int(row.low), int(row.best), int(row.high)
        target.is_party_claim = bool(row.is_party_claim)
        target.at_least = bool(row.at_least)
        target.note = row.note
        if i >= len(rows):
            incident.casualties.append(target)
    for extra in rows[len(draft.casualties) :]:
        incident.casualties.remove(extra)


def _apply_sources(incident: Incident, draft: IncidentDraft) -> None:
    rows = list(incident.sources)
    for i, row in enumerate(draft.sources):
        target = rows[i] if i < len(rows) else Source()
        target.name = row.name.strip()
        target.source_type = SourceType(row.source_type)
        target.published = parse_date(row.published, "Published date", "source_published")
        target.url = row.url.strip()
        target.excerpt = row.excerpt
        target.reliability = Reliability(row.reliability)
        target.credibility = Credibility(int(row.credibility))
        target.graded = bool(row.graded)
        if i >= len(rows):
            incident.sources.append(target)
    for extra in rows[len(draft.sources) :]:
        incident.sources.remove(extra)


def _apply_attachments(session: Session, incident: Incident, draft: IncidentDraft) -> None:
    keep: list[tuple[str, str]] = []
    for row in draft.attachments:
        if row.sha256:
            digest = row.sha256
        elif row.path:
            digest, _size = store_blob(session, Path(row.path))
            row.sha256 = digest
        else:
            continue
        keep.append((digest, row.filename))
        current = next(
            (a for a in incident.attachments if (a.sha256, a.filename) == (digest, row.filename)),
            None,
        )
        if current is None:
            media = row.media_type or mimetypes.guess_type(row.filename)[0]
            incident.attachments.append(
                Attachment(
                    sha256=digest,
                    filename=row.filename,
                    media_type=media or "application/octet-stream",
                    caption=row.caption,
                )
            )
        else:
            current.caption = row.caption
    for att in list(incident.attachments):
        if (att.sha256, att.filename) not in keep:
            incident.attachments.remove(att)


def load_draft(session: Session, incident_id: uuid.UUID) -> IncidentDraft:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise ConflictError("This incident no longer exists; it may have been deleted.")
    return draft_from_incident(incident)
