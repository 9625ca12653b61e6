"""covering index for the map's per-viewport grid counts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_incident_date_geo", "incident", ["date_start", "event_type", "lat", "lon"])


def downgrade() -> None:
    op.drop_index("ix_incident_date_geo", table_name="incident")
