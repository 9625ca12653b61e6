"""In CI a missing PostgreSQL server fails the tests that need it; elsewhere they skip."""

from __future__ import annotations

import pytest

from tests.conftest import no_postgres


def test_missing_postgres_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("SITREP_REQUIRE_PG", "1")
    with pytest.raises(pytest.fail.Exception, match="required here"):
        no_postgres()
    monkeypatch.delenv("SITREP_REQUIRE_PG")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required here"):
        no_postgres()


def test_missing_postgres_skips_on_a_laptop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("SITREP_REQUIRE_PG", "0")
    with pytest.raises(pytest.skip.Exception, match=r"scripts/with-postgres\.sh"):
        no_postgres()
