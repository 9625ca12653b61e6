"""The typed ORM model of a project: incidents and everything hanging off them.

One incident is one event on one day at one place (ACLED's rule). Harm totals used by
tables, maps and reports are kept on the incident row (``killed`` …) by
:func:`sitrep.model.harm.refresh_harm_totals`, so that region/period aggregates over a
million incidents read one covering index instead of joining casualty rows.

Why one long module: the tables reference each other (relationships, foreign keys,
indexes), and one file keeps the schema readable beside its Alembic migrations.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sitrep.model.base import Base, IntEnumType, Record, utcnow
from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    AgeGroup,
    Credibility,
    DatePrecision,
    LinkKind,
    LocationPrecision,
    Outcome,
    Reliability,
    ReportKind,
    ReportStatus,
    ReviewStatus,
    Sensitivity,
    Sex,
    SourceType,
    Verification,
)


def _enum(cls: type) -> Enum:
    """Enums are stored as their readable values, portable across SQLite and PostgreSQL."""
    return Enum(
        cls,
        native_enum=False,
        length=40,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        create_constraint=False,
    )


NOT_GRADED = "not graded"


def source_grading(reliability: Any, credibility: Any, graded: Any = True) -> str:
    """ "B2" (Admiralty grading), or "not graded" for a dataset's sources nobody graded."""
    if graded is False or graded == 0:
        return NOT_GRADED
    return f"{Reliability(reliability).value}{int(credibility)}"


class ProjectSetting(Base):
    """Key/value settings stored in the project (name, organisation, reference prefix)."""

    __tablename__ = "project_setting"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- taxonomy


class EventType(Base):
    __tablename__ = "event_type"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)


class SubEventType(Base):
    __tablename__ = "sub_event_type"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    event_type: Mapped[str] = mapped_column(ForeignKey("event_type.name"))
    position: Mapped[int] = mapped_column(default=0)


class LocalType(Base):
    """An organisation's own incident type, mapped onto one ACLED sub-event type."""

    __tablename__ = "local_type"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    sub_event_type: Mapped[str] = mapped_column(ForeignKey("sub_event_type.name"))
    hint: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- places


class AdminArea(Record, Base):
    """An administrative area: country (0), state/region (1) … village tract (4)."""

    __tablename__ = "admin_area"
    __table_args__ = (
        CheckConstraint("level BETWEEN 0 AND 4", name="level_range"),
        Index("ix_admin_area_name_norm", "name_norm"),
    )
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    name_norm: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    pcode: Mapped[str | None] = mapped_column(String(40), unique=True)
    country_iso: Mapped[str] = mapped_column(String(3), default="")
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admin_area.id"))
    # Boundary as GeoJSON geometry text (from a boundary pack); bbox for quick rejects.
    geometry: Mapped[str | None] = mapped_column(Text)
    # How often each spelling was read from imported files ({"Sagaing region": 1594});
    # the name is the most common one unless a boundary or gazetteer pack named the area.
    spellings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    name_source: Mapped[str] = mapped_column(String(20), default="")  # "pack" or ""
    min_lon: Mapped[float | None]
    min_lat: Mapped[float | None]
    max_lon: Mapped[float | None]
    max_lat: Mapped[float | None]

    parent: Mapped[AdminArea | None] = relationship(remote_side="AdminArea.id")


class CustomRegion(Record, Base):
    """A saved region made of several admin areas (e.g. "Special Region 1")."""

    __tablename__ = "custom_region"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    area_ids: Mapped[list[str]] = mapped_column(default=list)


class Place(Record, Base):
    """A named location of the project: from a gazetteer pack or added by a user."""

    __tablename__ = "place"
    __table_args__ = (
        Index("ix_place_name_norm", "name_norm"),
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180)", name="lon_range"),
    )
    name: Mapped[str] = mapped_column(String(200))
    name_norm: Mapped[str] = mapped_column(String(200))
    alt_names: Mapped[list[str]] = mapped_column(default=list)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    country_iso: Mapped[str] = mapped_column(String(3), default="")
    kind: Mapped[str] = mapped_column(String(40), default="")
    origin: Mapped[str] = mapped_column(String(40), default="user")
    pcode: Mapped[str | None] = mapped_column(String(40))
    admin1_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admin_area.id"))
    admin2_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admin_area.id"))
    admin3_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admin_area.id"))
    admin4_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admin_area.id"))


class Dataset(Base):
    """A dataset incidents were imported from, credited in every report that uses it.

    Keyed by a readable natural key (``ucdp-ged``, ``acled``, ``file:partner.csv``) so
    that shared project files and merges unite the same dataset without id mapping.
    """

    __tablename__ = "dataset"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    citation: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    # sitrep.model.harm.Unrecorded flags of the figures this dataset does not record
    unrecorded: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --------------------------------------------------------------------------- actors


class Actor(Record, Base):
    """An armed group, force, militia or other party (ACLED inter codes 1–8)."""

    __tablename__ = "actor"
    __table_args__ = (CheckConstraint("inter_code BETWEEN 0 AND 8", name="inter_range"),)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[list[str]] = mapped_column(default=list)
    inter_code: Mapped[int] = mapped_column(default=0)
    country_iso: Mapped[str] = mapped_column(String(3), default="")
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("actor.id"))

    parent: Mapped[Actor | None] = relationship(remote_side="Actor.id")


# --------------------------------------------------------------------------- incidents


class Incident(Record, Base):
    __tablename__ = "incident"
    __table_args__ = (
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180)", name="lon_range"),
        CheckConstraint("date_end >= date_start", name="date_order"),
        # Covering indexes for the queries table, map, timeline and reports run:
        # region (any admin level) + period, reading type and harm totals from the index.
        Index(
            "ix_incident_admin1_date",
            "admin1_id",
            "date_start",
            "event_type",
            "killed",
            "civilians_killed",
            "injured",
            "abducted_detained",
            "killed_claimed",
            "admin2_id",
            "admin3_id",
            "harm_unrecorded",
            "sensitivity",  # row-level security on a team database filters by it
        ),
        Index("ix_incident_admin2_date", "admin2_id", "date_start", "event_type"),
        Index("ix_incident_admin3_date", "admin3_id", "date_start", "event_type"),
        Index("ix_incident_date", "date_start", "event_type"),
        # the map: per-viewport grid counts read position and type from the index
        Index("ix_incident_date_geo", "date_start", "event_type", "lat", "lon"),
    )

    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    narrative: Mapped[str] = mapped_column(Text, default="")
    # Victims by name, kept out of the narrative: withheld below internal wherever the
    # incident leaves the app (shared projects, flat exports, reports never show it).
    victim_names: Mapped[str] = mapped_column(Text, default="")

    # when
    date_start: Mapped[dt.date]
    date_end: Mapped[dt.date]
    time_local: Mapped[str | None] = mapped_column(String(5))
    date_precision: Mapped[DatePrecision] = mapped_column(
        IntEnumType(DatePrecision), default=DatePrecision.DAY
    )

    # where
    place_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("place.id"))
    place_name: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    location_precision: Mapped[LocationPrecision] = mapped_column(
        IntEnumType(LocationPrecision), default=LocationPrecision.EXACT
    )
    country_iso: Mapped[str] = mapped_column(String(3), default="")
    admin1_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admin_area.id"))
    admin2_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admin_area.id"))
    admin3_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admin_area.id"))
    admin4_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admin_area.id"))

    # what
    event_type: Mapped[str] = mapped_column(String(60), ForeignKey("event_type.name"))
    sub_event_type: Mapped[str] = mapped_column(String(60), ForeignKey("sub_event_type.name"))
    local_type: Mapped[str | None] = mapped_column(String(80), ForeignKey("local_type.name"))
    weapons: Mapped[list[str]] = mapped_column(default=list)
    impacts: Mapped[list[str]] = mapped_column(default=list)
    civilian_targeting: Mapped[bool] = mapped_column(default=False)

    # trust and workflow
    verification: Mapped[Verification] = mapped_column(
        _enum(Verification), default=Verification.UNVERIFIED
    )
    sensitivity: Mapped[Sensitivity] = mapped_column(
        _enum(Sensitivity), default=Sensitivity.INTERNAL
    )
    sensitive_fields: Mapped[list[str]] = mapped_column(default=list)
    review_status: Mapped[ReviewStatus] = mapped_column(
        _enum(ReviewStatus), default=ReviewStatus.DRAFT
    )
    author: Mapped[str] = mapped_column(String(120), default="")
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    # where the incident came from: None for the organisation's own records, else the
    # key of a Dataset (UCDP GED, ACLED, a partner's file) credited in reports
    dataset_key: Mapped[str | None] = mapped_column(String(120))

    # harm totals kept from casualty rows (best estimates, party claims excluded)
    killed: Mapped[int] = mapped_column(default=0)
    civilians_killed: Mapped[int] = mapped_column(default=0)
    injured: Mapped[int] = mapped_column(default=0)
    abducted_detained: Mapped[int] = mapped_column(default=0)
    killed_claimed: Mapped[int] = mapped_column(default=0)
    # sitrep.model.harm.Unrecorded flags: figures this incident's data does not record
    harm_unrecorded: Mapped[int] = mapped_column(default=0, server_default="0")

    place: Mapped[Place | None] = relationship()
    admin1: Mapped[AdminArea | None] = relationship(foreign_keys=[admin1_id])
    admin2: Mapped[AdminArea | None] = relationship(foreign_keys=[admin2_id])
    admin3: Mapped[AdminArea | None] = relationship(foreign_keys=[admin3_id])
    admin4: Mapped[AdminArea | None] = relationship(foreign_keys=[admin4_id])
    actors: Mapped[list[IncidentActor]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    casualties: Mapped[list[Casualty]] = relationship(
        back_populates="incident",
        cascade="all, delete-orphan",
        order_by="Casualty.position",
    )
    sources: Mapped[list[Source]] = relationship(
        back_populates="incident",
        cascade="all, delete-orphan",
        order_by="Source.position",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    external_ids: Mapped[list[ExternalId]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Incident {self.reference} {self.date_start} {self.place_name!r}>"


class ExternalId(Base):
    """An identifier of the same incident in another dataset (ACLED, UCDP, partner)."""

    __tablename__ = "external_id"
    __table_args__ = (UniqueConstraint("scheme", "value", name="uq_external_id_scheme_value"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    scheme: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(120))
    incident: Mapped[Incident] = relationship(back_populates="external_ids")


class IncidentActor(Base):
    __tablename__ = "incident_actor"
    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actor.id"), primary_key=True)
    role: Mapped[ActorRole] = mapped_column(_enum(ActorRole), primary_key=True)
    # the actor denies involvement: reports say so instead of stating who did it
    denies_involvement: Mapped[bool] = mapped_column(default=False)
    incident: Mapped[Incident] = relationship(back_populates="actors")
    actor: Mapped[Actor] = relationship()


class Source(Record, Base):
    """Where a piece of information came from, graded with the Admiralty system."""

    __tablename__ = "source"
    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    source_type: Mapped[SourceType] = mapped_column(_enum(SourceType), default=SourceType.OTHER)
    published: Mapped[dt.date | None]
    url: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")
    reliability: Mapped[Reliability] = mapped_column(_enum(Reliability), default=Reliability.F)
    credibility: Mapped[Credibility] = mapped_column(
        IntEnumType(Credibility), default=Credibility.CANNOT_BE_JUDGED
    )
    # False for sources that came with an imported dataset: nobody here graded them, and
    # "F6" would claim a judgement that was never made
    graded: Mapped[bool] = mapped_column(default=True, server_default="1")
    incident: Mapped[Incident] = relationship(back_populates="sources")

    @property
    def grading(self) -> str:
        return source_grading(self.reliability, self.credibility, self.graded)


class Casualty(Record, Base):
    """People harmed, as one source reported them: an outcome × affiliation estimate."""

    __tablename__ = "casualty"
    __table_args__ = (
        CheckConstraint("low <= best AND best <= high", name="estimate_order"),
        CheckConstraint("low >= 0", name="non_negative"),
    )
    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome))
    affiliation: Mapped[Affiliation] = mapped_column(
        _enum(Affiliation), default=Affiliation.UNKNOWN
    )
    sex: Mapped[Sex] = mapped_column(_enum(Sex), default=Sex.UNKNOWN)
    age_group: Mapped[AgeGroup] = mapped_column(_enum(AgeGroup), default=AgeGroup.UNKNOWN)
    low: Mapped[int] = mapped_column(default=0)
    best: Mapped[int] = mapped_column(default=0)
    high: Mapped[int] = mapped_column(default=0)
    source_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("source.id", ondelete="SET NULL")
    )
    is_party_claim: Mapped[bool] = mapped_column(default=False)
    # the figure is a lower bound ("at least 10 soldiers"): reports keep the "at least"
    at_least: Mapped[bool] = mapped_column(default=False, server_default="0")
    note: Mapped[str] = mapped_column(Text, default="")
    incident: Mapped[Incident] = relationship(back_populates="casualties")
    source: Mapped[Source | None] = relationship()


class Blob(Base):
    """Attachment content, stored once per SHA-256 however many incidents use it."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Record, Base):
    __tablename__ = "attachment"
    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    caption: Mapped[str] = mapped_column(Text, default="")
    incident: Mapped[Incident] = relationship(back_populates="attachments")
    blob: Mapped[Blob] = relationship()


class IncidentLink(Base):
    """Links between incidents: the days of one battle, or suspected duplicates."""

    __tablename__ = "incident_link"
    from_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    to_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[LinkKind] = mapped_column(_enum(LinkKind), primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- reports


class Report(Record, Base):
    """A situation report being written: its region, period, narrative and status."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("region_key", "kind", "number", name="uq_report_region_number"),
    )
    title: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[ReportKind] = mapped_column(_enum(ReportKind), default=ReportKind.PERIODIC)
    number: Mapped[int]
    region_key: Mapped[str] = mapped_column(String(400))
    region_name: Mapped[str] = mapped_column(String(200))
    region_area_ids: Mapped[list[str]] = mapped_column(default=list)
    period_from: Mapped[dt.date]
    period_to: Mapped[dt.date]
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), default=ReportStatus.DRAFT)
    classification: Mapped[str] = mapped_column(String(60), default="INTERNAL")
    # [{"title": str, "body": str (light markup: **bold**, *italic*, "- " bullets)}]
    sections: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # previous period to compare with: "auto" (calendar for whole weeks/months/quarters,
    # else equal length), "calendar" or "equal"
    comparison: Mapped[str] = mapped_column(String(20), default="auto")
    # a flash update is about chosen incidents (their ids); empty for periodic reports
    incident_ids: Mapped[list[str]] = mapped_column(default=list)
    files: Mapped[list[ReportFile]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        order_by="ReportFile.created_at",
    )


class ReportFile(Base):
    """One generated document: what it was built from, so it can be rebuilt identically."""

    __tablename__ = "report_file"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    path: Mapped[str] = mapped_column(Text)
    filter_json: Mapped[dict[str, Any]] = mapped_column(default=dict)
    data_hash: Mapped[str] = mapped_column(String(64))
    figures_json: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # incident id -> version at generation time, for "what changed since" sections
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    revision: Mapped[int] = mapped_column(default=1)  # 1, 2, … per report
    status: Mapped[str] = mapped_column(String(20), default="draft")  # as generated
    json_path: Mapped[str | None] = mapped_column(Text)
    report: Mapped[Report] = relationship(back_populates="files")


# --------------------------------------------------------------------------- audit


class AuditEntry(Base):
    """Who changed what and when. Written automatically on every flush.

    Append-only (the database refuses UPDATE and DELETE) and hash-chained: ``seq``,
    ``prev_hash`` and ``hash`` are written by :mod:`sitrep.store.audit_chain`, never by
    hand; entries are appended with :func:`sitrep.store.audit_chain.append`.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_record", "record_id"),
        Index("ix_audit_log_seq", "seq", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(120), default="")
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seq: Mapped[int | None] = mapped_column(default=None)
    prev_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    hash: Mapped[str | None] = mapped_column(String(64), default=None)
    # the level of what the entry reveals (its incident's sensitivity): on a team database
    # row-level security shows an entry only to members cleared for it; an entry written
    # without one is taken as restricted
    sensitivity: Mapped[str] = mapped_column(
        String(20), default="restricted", server_default="restricted"
    )


# --------------------------------------------------------------------------- sharing


class ShareExchange(Base):
    """One exchange of a project file with a colleague: what was sent to whom, or received.

    Exported files carry ``exchange_id``; merging a file back finds what *that*
    colleague received (at which level, with which fields withheld) and compares with
    it, never with whatever was exported last to someone else.
    """

    __tablename__ = "share_exchange"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    exchange_id: Mapped[str] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(20))  # "sent" | "received"
    peer: Mapped[str] = mapped_column(Text, default="")  # the file's name
    peer_project: Mapped[str] = mapped_column(String(64), default="")
    level: Mapped[str] = mapped_column(String(20), default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(120), default="")
    # a merge's audit entries (ids from .. to), so the last merge can be undone
    audit_from: Mapped[int | None]
    audit_to: Mapped[int | None]
    undone: Mapped[bool] = mapped_column(default=False)


class ExchangeBase(Base):
    """A record as the other side held it after one exchange (the merge base)."""

    __tablename__ = "exchange_base"
    exchange: Mapped[int] = mapped_column(
        ForeignKey("share_exchange.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))


class MergeFingerprint(Base):
    """Per-field hashes of a record (and what was withheld from it), stored once.

    Hashes, not values: the bases never hold a second plain copy of sensitive text.
    """

    __tablename__ = "merge_fingerprint"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)


class MapChange(Base):
    """How many times the data the map index holds has changed (one row, id 1).

    Bumped by triggers on ``incident`` (insert, delete, a change of date, type or
    position) and ``event_type`` (the taxonomy's codes), written by the migration that
    made this table, so every writer counts: this app, another process, a merge, an
    import (SQLite only; see :mod:`sitrep.mapping.indexstore`).
    """

    __tablename__ = "map_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(default=0)


class MapIndexBlob(Base):
    """The map's in-memory point index, saved so a large project opens fast.

    Used only while ``change`` equals :class:`MapChange`'s counter, ``schema`` the
    project's revision and ``format`` the code's: never stale. Our own bookkeeping,
    never in a shared copy.
    """

    __tablename__ = "map_index"
    id: Mapped[int] = mapped_column(primary_key=True)
    change: Mapped[int]
    schema: Mapped[str] = mapped_column(String(32))
    format: Mapped[int]
    count: Mapped[int]
    types: Mapped[list[str]]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class MergeConflict(Base):
    """Their version of a record both sides changed; ours stays in place until resolved."""

    __tablename__ = "merge_conflict"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(String(300), default="")
    theirs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    their_user: Mapped[str] = mapped_column(String(120), default="")
    their_source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved: Mapped[bool] = mapped_column(default=False)
