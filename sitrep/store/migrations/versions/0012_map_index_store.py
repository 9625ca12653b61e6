"""the map's point index saved with the project, and a change counter that says when
it is stale

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:30:00

Reading the index of a million incidents takes seconds; reading it back as one blob
takes a fraction of that. ``map_change.counter`` counts every change the index depends
on. It is kept by triggers (SQLite), so a writer that knows nothing of the index — an
import, a merge, another process, a later migration repairing data — still makes a saved
index stale. PostgreSQL gets the tables but no triggers: there the index is not saved
(a counter row every writer updates would serialise a team's saves), and the map reads
it from the database as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = "UPDATE map_change SET counter = counter + 1 WHERE id = 1;"
# what the index holds: every incident's date, type and position, and the type codes
TRIGGERS = {
    "map_change_incident_insert": "AFTER INSERT ON incident",
    "map_change_incident_delete": "AFTER DELETE ON incident",
    "map_change_incident_update": "AFTER UPDATE OF date_start, event_type, lat, lon ON incident",
    "map_change_type_insert": "AFTER INSERT ON event_type",
    "map_change_type_delete": "AFTER DELETE ON event_type",
    "map_change_type_update": "AFTER UPDATE OF name, position ON event_type",
}


def upgrade() -> None:
    op.create_table(
        "map_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_change")),
    )
    op.create_table(
        "map_index",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.Column("schema", sa.String(length=32), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("types", sa.JSON(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_index")),
    )
    op.execute("INSERT INTO map_change (id, counter) VALUES (1, 0)")
    if op.get_bind().dialect.name == "sqlite":
        for name, when in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {_BUMP} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("map_index")
    op.drop_table("map_change")
