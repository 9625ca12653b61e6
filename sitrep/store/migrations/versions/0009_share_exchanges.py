"""merge bases per exchange: what was sent to whom, at which level

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:00:00

The single ``merge_base`` table held one hash per record, overwritten by every export:
merging back a partner's redacted copy after a later full export took their withheld
markers as their newer version (issue 11). Its hashes cannot say which exchange they
belong to, so they are dropped; the first merge of a file shared before this version
lists differing records as conflicts instead of guessing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "share_exchange",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exchange_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("peer", sa.Text(), nullable=False),
        sa.Column("peer_project", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=120), nullable=False),
        sa.Column("audit_from", sa.Integer(), nullable=True),
        sa.Column("audit_to", sa.Integer(), nullable=True),
        sa.Column("undone", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_exchange")),
    )
    with op.batch_alter_table("share_exchange", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_exchange_exchange_id"), ["exchange_id"], unique=False
        )
    op.create_table(
        "exchange_base",
        sa.Column("exchange", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["exchange"],
            ["share_exchange.id"],
            name=op.f("fk_exchange_base_exchange_share_exchange"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("exchange", "record_id", name=op.f("pk_exchange_base")),
    )
    with op.batch_alter_table("exchange_base", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_base_record_id"), ["record_id"], unique=False
        )
    op.create_table(
        "merge_fingerprint",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_merge_fingerprint")),
    )
    op.drop_table("merge_base")


def downgrade() -> None:
    op.create_table(
        "merge_base",
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("unit", "record_id", name=op.f("pk_merge_base")),
    )
    op.drop_table("merge_fingerprint")
    with op.batch_alter_table("exchange_base", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_base_record_id"))
    op.drop_table("exchange_base")
    with op.batch_alter_table("share_exchange", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_exchange_exchange_id"))
    op.drop_table("share_exchange")
