"""audit entries carry the sensitivity of what they reveal; the covering index, too

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:30:00

On a team database (PostgreSQL) row-level security must hide the audit entries of an
incident from members not cleared for it: an entry's ``changes`` hold the narrative,
victims' names and source excerpts before and after. The entry keeps the incident's
level in its own column so the policy needs no lookup (the record may be deleted since).
Existing entries get their incident's level now; entries whose record is gone, or that
cannot be traced to one, are taken as restricted.

The state/region + period index also holds the incident's sensitivity: on a team
database every query filters by it (row-level security), and without it in the index
PostgreSQL reads each incident's row instead of the index alone.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS = ("public", "partner", "internal", "restricted")
REFERENCE = ("admin_area", "place", "actor", "custom_region")  # readable by every member
CHILDREN = ("source", "casualty", "attachment")
COVERING = [
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
]


def _level(text: Any) -> str:
    value = str(text or "").strip().lower()
    return value if value in LEVELS else "restricted"


def upgrade() -> None:
    op.drop_index("ix_incident_admin1_date", table_name="incident")
    op.create_index("ix_incident_admin1_date", "incident", [*COVERING, "sensitivity"])
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sensitivity",
                sa.String(length=20),
                server_default="restricted",
                nullable=False,
            )
        )
    conn = op.get_bind()
    meta = sa.MetaData()
    incident = sa.Table(
        "incident", meta, sa.Column("id", sa.Uuid()), sa.Column("sensitivity", sa.String())
    )
    levels: dict[str, str] = {
        str(row.id): _level(row.sensitivity) for row in conn.execute(sa.select(incident))
    }
    for name in CHILDREN:
        child = sa.Table(
            name, meta, sa.Column("id", sa.Uuid()), sa.Column("incident_id", sa.Uuid())
        )
        for row in conn.execute(sa.select(child)):
            levels[str(row.id)] = levels.get(str(row.incident_id), "restricted")
    report = sa.Table(
        "report", meta, sa.Column("id", sa.Uuid()), sa.Column("classification", sa.String())
    )
    for row in conn.execute(sa.select(report)):
        levels[str(row.id)] = _level(row.classification)
    audit = sa.Table(
        "audit_log",
        meta,
        sa.Column("id", sa.Integer()),
        sa.Column("table_name", sa.String()),
        sa.Column("record_id", sa.String()),
        sa.Column("sensitivity", sa.String()),
    )
    updates: dict[str, list[int]] = {level: [] for level in LEVELS}
    for row in conn.execute(sa.select(audit.c.id, audit.c.table_name, audit.c.record_id)):
        if row.table_name in REFERENCE:
            level = "public"
        else:
            level = levels.get(row.record_id, "restricted")
        updates[level].append(row.id)
    for level, ids in updates.items():
        if level == "restricted":
            continue  # the server default
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            conn.execute(audit.update().where(audit.c.id.in_(chunk)).values(sensitivity=level))


def downgrade() -> None:
    op.drop_index("ix_incident_admin1_date", table_name="incident")
    op.create_index("ix_incident_admin1_date", "incident", COVERING)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("sensitivity")
