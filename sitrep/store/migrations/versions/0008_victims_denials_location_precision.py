"""victim names, denials of involvement; location precision repaired

Adds ``incident.victim_names`` (victims by name, out of the narrative, withheld below
internal) and ``incident_actor.denies_involvement``. Repairs the location precision of
incidents saved with a precision their data cannot support: the form used to default
to "exact location" even with no coordinates, so such incidents now say what they do
know — the district (ADM2 code) when they have an area of level 2 or deeper, the
state/region when they have only that, the country otherwise.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# UCDP where_prec codes, as sitrep.model.enums.LocationPrecision (not imported: a
# migration must keep meaning what it meant when it was written)
EXACT, NEAR, ADMIN2, ADMIN1, COUNTRY = 1, 2, 3, 4, 6

REPAIR = f"""
UPDATE incident SET location_precision = CASE
    WHEN admin2_id IS NOT NULL OR admin3_id IS NOT NULL OR admin4_id IS NOT NULL
        THEN {ADMIN2}
    WHEN admin1_id IS NOT NULL THEN {ADMIN1}
    ELSE {COUNTRY} END
WHERE (lat IS NULL OR lon IS NULL) AND (
    location_precision IN ({EXACT}, {NEAR})
    OR (location_precision = {ADMIN2}
        AND admin2_id IS NULL AND admin3_id IS NULL AND admin4_id IS NULL)
    OR (location_precision = {ADMIN1} AND admin1_id IS NULL
        AND admin2_id IS NULL AND admin3_id IS NULL AND admin4_id IS NULL)
)
"""


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("victim_names", sa.Text(), server_default="", nullable=False)
        )
    with op.batch_alter_table("incident_actor", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "denies_involvement", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.execute(REPAIR)


def downgrade() -> None:
    with op.batch_alter_table("incident_actor", schema=None) as batch_op:
        batch_op.drop_column("denies_involvement")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("victim_names")
