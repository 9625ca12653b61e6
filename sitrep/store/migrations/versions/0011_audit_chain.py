"""audit log hash-chained and append-only

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 13:30:00

Adds ``seq``, ``prev_hash`` and ``hash`` to the audit log, chains the entries already
there (in the order they were written, by id), then makes the database refuse UPDATE
and DELETE of entries: SQLite triggers that raise, a PostgreSQL trigger that holds even
for the table's owner (TRUNCATE included). See :mod:`sitrep.store.audit_chain`.

Columns are added with plain ALTER TABLE (no batch copy of the table): a batch copy on
SQLite would drop the triggers. A later migration that batch-alters ``audit_log`` must
create them again (``create_guards``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sitrep.store.audit_chain import entry_hash

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSED = "the audit log is append-only: entries cannot be changed or deleted"

SQLITE_GUARDS = (
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
)
POSTGRES_GUARDS = (
    f"""CREATE OR REPLACE FUNCTION sitrep_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = '{REFUSED} (' || TG_OP || ' refused)';
    END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION sitrep_audit_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION sitrep_audit_append_only()""",
)

AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user", sa.String()),
    sa.column("table_name", sa.String()),
    sa.column("record_id", sa.String()),
    sa.column("action", sa.String()),
    sa.column("changes", sa.JSON()),
    sa.column("sensitivity", sa.String()),
    sa.column("seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def create_guards(conn: sa.Connection) -> None:
    for statement in SQLITE_GUARDS if conn.dialect.name == "sqlite" else POSTGRES_GUARDS:
        conn.exec_driver_sql(statement)


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_log_seq", "audit_log", ["seq"], unique=True)
    conn = op.get_bind()
    prev, batch = "", []
    rows = conn.execute(sa.select(AUDIT).order_by(AUDIT.c.id)).mappings()
    for seq, row in enumerate(rows, start=1):
        digest = entry_hash(row, seq, prev)
        batch.append({"row_id": row["id"], "s": seq, "p": prev, "h": digest})
        prev = digest
        if len(batch) >= 1000:
            _write(conn, batch)
            batch = []
    _write(conn, batch)
    create_guards(conn)


def _write(conn: sa.Connection, batch: list[dict[str, object]]) -> None:
    if batch:
        conn.execute(
            AUDIT.update()
            .where(AUDIT.c.id == sa.bindparam("row_id"))
            .values(seq=sa.bindparam("s"), prev_hash=sa.bindparam("p"), hash=sa.bindparam("h")),
            batch,
        )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS sitrep_audit_append_only()")
    op.drop_index("ix_audit_log_seq", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
