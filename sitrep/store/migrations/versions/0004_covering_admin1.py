"""make the state/region + period index cover every key figure

Key figures read killed_claimed and admin2_id too; without them in the index SQLite
visits the table for each row (60 ms instead of 9 ms for a busy state-year at 1M).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 09:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = [
    "admin1_id",
    "date_start",
    "event_type",
    "killed",
    "civilians_killed",
    "injured",
    "abducted_detained",
    "admin3_id",
]
NEW = [
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
]


def upgrade() -> None:
    op.drop_index("ix_incident_admin1_date", table_name="incident")
    op.create_index("ix_incident_admin1_date", "incident", NEW)


def downgrade() -> None:
    op.drop_index("ix_incident_admin1_date", table_name="incident")
    op.create_index("ix_incident_admin1_date", "incident", OLD)
