"""Column defaults of the ORM models as one row, for inserts that bypass the ORM."""

from __future__ import annotations

from typing import Any


def insert_defaults(model: Any, *, user: str = "") -> dict[str, Any]:
    """A row of ``model``'s column defaults, as the ORM would fill them, for bulk loads.

    Every column but the primary key ``id`` that has a default gets it (callables such
    as ``utcnow`` are called once, so a batch shares one timestamp), nullable columns
    without one get None, and ``updated_by`` is ``user``. Columns with neither (the
    incident's date, a casualty's outcome…) are the caller's to give. One place for
    the defaults: the model (issue 13).
    """
    row: dict[str, Any] = {}
    for column in model.__table__.columns:
        if column.key == "id" and column.primary_key:
            continue
        default = column.default
        if default is not None and getattr(default, "is_callable", False):
            row[column.key] = default.arg(None)
        elif default is not None and getattr(default, "is_scalar", False):
            row[column.key] = default.arg
        elif column.nullable:
            row[column.key] = None
    if "updated_by" in row:
        row["updated_by"] = user
    return row
