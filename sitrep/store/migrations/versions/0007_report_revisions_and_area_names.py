"""report revisions, comparison and flash incidents; admin area spellings

Revision ID: 0007
Revises: 0006

Repairs stored data: an admin area named by an import takes the name the naming rule
gives from the spellings known so far (its name and aliases), so "Kachin state" reads
"Kachin State" and a state/region is no longer called a "district"; areas from a
boundary pack (with a boundary or P-code) keep their names. Generated files are
numbered as revisions of their report, the last one carrying the report's status.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("admin_area", schema=None) as batch_op:
        batch_op.add_column(sa.Column("spellings", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(
            sa.Column("name_source", sa.String(length=20), server_default="", nullable=False)
        )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("comparison", sa.String(length=20), server_default="auto", nullable=False)
        )
        batch_op.add_column(
            sa.Column("incident_ids", sa.JSON(), server_default="[]", nullable=False)
        )
    with op.batch_alter_table("report_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="draft", nullable=False)
        )
        batch_op.add_column(sa.Column("json_path", sa.Text(), nullable=True))
    _repair_area_names()
    _number_revisions()


def _repair_area_names() -> None:
    from sitrep.places.canonical import canonical_name
    from sitrep.places.names import area_key

    conn = op.get_bind()
    areas = sa.table(
        "admin_area",
        sa.column("id", sa.Uuid()),
        sa.column("level", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("name_norm", sa.String()),
        sa.column("aliases", sa.JSON()),
        sa.column("pcode", sa.String()),
        sa.column("geometry", sa.Text()),
        sa.column("spellings", sa.JSON()),
        sa.column("name_source", sa.String()),
    )
    conn.execute(
        sa.update(areas)
        .where(sa.or_(areas.c.geometry.is_not(None), areas.c.pcode.is_not(None)))
        .values(name_source="pack")
    )
    rows = conn.execute(
        sa.select(areas.c.id, areas.c.level, areas.c.name, areas.c.aliases).where(
            areas.c.geometry.is_(None), areas.c.pcode.is_(None)
        )
    ).all()
    for area_id, level, name, aliases in rows:
        aliases = list(aliases or [])
        spellings = {name: 1, **{a: 1 for a in aliases if a != name}}
        new = canonical_name(level, spellings, current=name) or name
        if new != name and area_key(new) != area_key(name) and name not in aliases:
            aliases.append(name)
        conn.execute(
            sa.update(areas)
            .where(areas.c.id == area_id)
            .values(name=new, name_norm=area_key(new), aliases=aliases, spellings=spellings)
        )


def _number_revisions() -> None:
    conn = op.get_bind()
    files = sa.table(
        "report_file",
        sa.column("id", sa.Integer()),
        sa.column("report_id", sa.Uuid()),
        sa.column("created_at", sa.DateTime()),
        sa.column("revision", sa.Integer()),
        sa.column("status", sa.String()),
    )
    reports = sa.table("report", sa.column("id", sa.Uuid()), sa.column("status", sa.String()))
    status = dict(conn.execute(sa.select(reports.c.id, reports.c.status)).all())
    rows = conn.execute(
        sa.select(files.c.id, files.c.report_id).order_by(
            files.c.report_id, files.c.created_at, files.c.id
        )
    ).all()
    counts: dict[object, int] = {}
    last: dict[object, int] = {}
    for file_id, report_id in rows:
        counts[report_id] = counts.get(report_id, 0) + 1
        last[report_id] = file_id
        conn.execute(
            sa.update(files).where(files.c.id == file_id).values(revision=counts[report_id])
        )
    for report_id, file_id in last.items():
        conn.execute(
            sa.update(files)
            .where(files.c.id == file_id)
            .values(status=str(status.get(report_id) or "draft"))
        )


def downgrade() -> None:
    with op.batch_alter_table("report_file", schema=None) as batch_op:
        batch_op.drop_column("json_path")
        batch_op.drop_column("status")
        batch_op.drop_column("revision")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("incident_ids")
        batch_op.drop_column("comparison")
    with op.batch_alter_table("admin_area", schema=None) as batch_op:
        batch_op.drop_column("name_source")
        batch_op.drop_column("spellings")
