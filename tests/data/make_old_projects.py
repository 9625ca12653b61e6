"""Write a project file at every released schema revision, for migration tests.

Run once per release (``python tests/data/make_old_projects.py``) and commit the files:
they must be what that release actually wrote, so never regenerate an old one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine

from sitrep.store import schema
from sitrep.store.engine import APPLICATION_ID

HERE = Path(__file__).parent


def make_0001(path: Path) -> None:
    path.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        schema.upgrade(conn, "0001")
    engine.dispose()
    db = sqlite3.connect(path)
    db.executescript(
        """
        INSERT INTO event_type(name, position) VALUES ('Battles', 0);
        INSERT INTO sub_event_type(name, event_type, position) VALUES ('Armed clash', 'Battles', 0);
        INSERT INTO project_setting(key, value) VALUES ('name', 'Schema 0001 project');
        INSERT INTO incident(id, created_at, updated_at, updated_by, version, reference, title,
            narrative, date_start, date_end, date_precision, place_name, lat, lon,
            location_precision, country_iso, event_type, sub_event_type, weapons, impacts,
            civilian_targeting, verification, sensitivity, sensitive_fields, review_status,
            author, is_synthetic, killed, civilians_killed, injured, abducted_detained,
            killed_claimed)
        VALUES ('0197a0c0aa0070008000000000000001', '2025-06-08 10:00:00', '2025-06-08 10:00:00',
            'old', 1, 'OLD-2025-0001', 'Clash near Hpakant', 'Saved by schema 0001.',
            '2025-06-03', '2025-06-03', 1, 'Hpakant', 25.6128, 96.3121, 2, 'MMR', 'Battles',
            'Armed clash', '[]', '[]', 0, 'unverified', 'internal', '[]', 'draft', 'old', 0,
            3, 1, 0, 0, 0);
        """
    )
    db.commit()
    db.close()


def make_release(path: Path) -> None:
    """The demo project as this release writes it (schema at head), in one file."""
    from sitrep.demo import build_demo

    path.unlink(missing_ok=True)
    project = build_demo(path, synthetic=10)
    with project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode = DELETE")
        conn.exec_driver_sql("VACUUM")
    project.close()


if __name__ == "__main__":
    from sitrep.store import schema

    targets = {
        HERE / "project-schema-0001.sitrep": make_0001,
        HERE / f"project-schema-{schema.head_revision()}.sitrep": make_release,
    }
    for target, make in targets.items():
        if target.exists():
            print(f"kept {target} (old-version files are never regenerated)")
            continue
        make(target)
        print(f"wrote {target}")
