"""Declarative base, shared column types and the record mixin every entity uses."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import IntEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    Uuid,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from uuid6 import uuid7

# Stable constraint names so Alembic migrations work on SQLite batch mode and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class IntEnumType(TypeDecorator[IntEnum]):
    """Stores an IntEnum as its integer code (UCDP/ACLED codes stay readable in SQL)."""

    impl = Integer
    cache_ok = True

    def __init__(self, enum_cls: type[IntEnum]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(self.enum_cls(int(value)))

    def process_result_value(self, value: Any, dialect: Any) -> IntEnum | None:
        return None if value is None else self.enum_cls(value)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_uuid() -> uuid.UUID:
    """UUID v7: unique across projects (merges) and sortable by creation time."""
    return uuid.UUID(str(uuid7()))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        uuid.UUID: Uuid(),
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[int]: JSON(),
        str: String(),
    }


class Record:
    """Columns every shared record carries.

    The UUID is the identity that survives export, import and merge; ``version`` is the
    optimistic-locking counter (SQLAlchemy refuses a stale update); ``updated_by`` names
    the person for the audit trail and for merge conflicts.
    """

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )
    updated_by: Mapped[str] = mapped_column(String(120), default="", server_default="")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
