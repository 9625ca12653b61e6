"""Shared fixtures: real project files built through the real creation code.

Qt is *not* imported here: pure-core tests must run without it (STYLE.md). UI tests
live in tests/ui and get their own conftest.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sitrep.model import AdminArea, Casualty, Incident, Source
from sitrep.model.enums import Affiliation, Outcome
from sitrep.places.names import area_key
from sitrep.store import Project, create_project, open_project
from sitrep.store.incidents import save_incident

# ../shared/data beside the checkout; SITREP_SHARED_DATA points elsewhere (git worktrees).
SHARED_DATA = Path(
    os.environ.get("SITREP_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures or "qtmodeltester" in fixtures:
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A fresh, empty project file."""
    proj = create_project(tmp_path / "test.sitrep", name="Test project", user="tester")
    proj.set_setting("reference_prefix", "TST")
    yield proj
    proj.close()


PG_URL = os.environ.get("SITREP_TEST_PG_URL")


def require_postgres() -> bool:
    """In CI (``CI=1``, or ``SITREP_REQUIRE_PG=1`` from scripts/test.sh) a missing
    PostgreSQL server fails the tests that need it instead of skipping them quietly."""
    return any(os.environ.get(name, "") not in ("", "0") for name in ("CI", "SITREP_REQUIRE_PG"))


def no_postgres() -> None:
    """Skip (or, in CI, fail) a test that needs the server scripts/with-postgres.sh starts."""
    message = "no PostgreSQL server: run through scripts/with-postgres.sh"
    if require_postgres():
        pytest.fail(message + " (required here: CI or SITREP_REQUIRE_PG is set)", pytrace=False)
    pytest.skip(message)


@contextmanager
def fresh_pg_database(template: str | None = None) -> Iterator[str]:
    """A new database on the test server (empty, or a copy of ``template``), dropped
    afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not PG_URL:
        no_postgres()
    assert PG_URL is not None
    name = f"sitrep_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_project_template() -> Iterator[str]:
    """A new project's database, made once: each test's database is copied from it
    (``CREATE DATABASE … TEMPLATE``), which is much faster than running every migration."""
    from sqlalchemy.engine import make_url

    with fresh_pg_database() as url:
        proj = create_project(url, name="Test project", user="tester")
        proj.set_setting("reference_prefix", "TST")
        proj.close()  # a template database must have no connections
        yield str(make_url(url).database)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def project_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    """A fresh, empty project on each kind of database: a file, then a PostgreSQL
    database (skipped without a server, failed in CI). Suites that must give the same
    answers on both take this instead of ``project``."""
    if request.param == "sqlite":
        proj = create_project(tmp_path / "test.sitrep", name="Test project", user="tester")
        proj.set_setting("reference_prefix", "TST")
        yield proj
        proj.close()
        return
    template = request.getfixturevalue("pg_project_template")
    with fresh_pg_database(template) as url:
        proj = open_project(url, user="tester")
        try:
            yield proj
        finally:
            proj.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per test run (copy it before changing it)."""
    from sitrep.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sitrep"
    build_demo(path, synthetic=300).close()
    return path


@pytest.fixture
def demo_project(demo_file: Path, tmp_path: Path) -> Iterator[Project]:
    """A private copy of the demo project, free to modify."""
    import sqlite3

    target = tmp_path / "demo.sitrep"
    src = sqlite3.connect(demo_file)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()
    proj = open_project(target, user="tester")
    yield proj
    proj.close()


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test when the folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path}")
    return path


# --------------------------------------------------------------------------- factories


def make_area(
    project: Project, name: str, level: int, pcode: str | None = None, parent: Any = None
) -> AdminArea:
    with project.session() as s:
        area = AdminArea(
            name=name,
            name_norm=area_key(name),
            level=level,
            pcode=pcode,
            country_iso="MMR",
            parent_id=parent.id if parent is not None else None,
        )
        s.add(area)
    return area


def make_incident(project: Project, **fields: Any) -> Incident:
    """Save an incident through the real write path; sensible defaults for the rest."""
    casualties = fields.pop("casualties", [])
    sources = fields.pop("sources", [])
    defaults: dict[str, Any] = {
        "title": "Clash",
        "date_start": dt.date(2025, 6, 3),
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "place_name": "Hpakant",
        "lat": 25.6128,
        "lon": 96.3121,
        "country_iso": "MMR",
    }
    defaults.update(fields)
    with project.session() as s:
        inc = Incident(**defaults)
        for c in casualties:
            c.setdefault("outcome", Outcome.KILLED)
            c.setdefault("affiliation", Affiliation.CIVILIAN)
            best = c.setdefault("best", 0)
            c.setdefault("low", best)
            c.setdefault("high", best)
            inc.casualties.append(Casualty(**c))
        for src in sources:
            inc.sources.append(Source(**src))
        save_incident(s, inc)
        s.flush()
        s.refresh(inc)
        _ = inc.casualties, inc.sources
    return inc


@pytest.fixture(autouse=True)
def _fail_on_logged_errors(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """A test fails when the app logs an error (qutebrowser's "log-fail"): an error the
    code only logs (a failed background count, a pane that could not be made, a crash)
    is otherwise invisible to the test that caused it. Tests that provoke one on purpose
    say so with ``@pytest.mark.allow_logged_errors``."""
    yield
    if request.node.get_closest_marker("allow_logged_errors"):
        return
    errors = [
        record
        for record in caplog.get_records("setup") + caplog.get_records("call")
        if record.levelno >= logging.ERROR and record.name.split(".")[0] == "sitrep"
    ]
    if errors:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in errors)
        pytest.fail(f"the app logged {len(errors)} error(s):\n{lines}", pytrace=False)


@pytest.fixture(autouse=True)
def _no_sandbox_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never depend on a user's Sitrep settings or log folder."""
    monkeypatch.setenv("SITREP_CONFIG_DIR", os.environ.get("SITREP_TEST_CONFIG", ""))
