"""Victim names never leave the organisation below internal, by any way out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sitrep.editing.draft import IncidentDraft
from sitrep.editing.save import save_draft
from sitrep.interchange.exporters import EXPORT_FORMATS, SUFFIXES, export_incidents
from sitrep.model import Incident
from sitrep.model.enums import Sensitivity
from sitrep.sharing.export import export_project
from sitrep.sharing.redaction import WITHHELD
from sitrep.store import Project, open_project

NAMES = "Daw Lu Ra (52), Ma Seng Nu"


@pytest.fixture
def named(project: Project) -> Project:
    with project.session() as s:
        for sensitivity in ("public", "partner"):
            save_draft(
                s,
                IncidentDraft(
                    title=f"Arrest of two women ({sensitivity})",
                    date_start="2025-06-05",
                    event_type="Strategic developments",
                    sub_event_type="Arrests",
                    sensitivity=sensitivity,
                    victim_names=NAMES,
                    narrative="Soldiers took two women from the market.",
                ),
            )
    return project


def _victims(path: Path) -> list[str]:
    shared = open_project(path)
    try:
        with shared.session() as s:
            return sorted(i.victim_names for i in s.query(Incident))
    finally:
        shared.close()


@pytest.mark.parametrize("level", [Sensitivity.PUBLIC, Sensitivity.PARTNER])
def test_shared_exports_below_internal_withhold_victim_names(
    named: Project, tmp_path: Path, level: Sensitivity
) -> None:
    out = tmp_path / f"{level.value}.sitrep"
    result = export_project(named, out, level=level)
    assert result.incidents >= 1
    assert set(_victims(out)) == {WITHHELD}  # said to be withheld, not silently empty
    assert NAMES.encode() not in out.read_bytes()


def test_internal_exports_keep_them(named: Project, tmp_path: Path) -> None:
    out = tmp_path / "internal.sitrep"
    export_project(named, out, level=Sensitivity.INTERNAL)
    assert _victims(out) == [NAMES, NAMES]


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_flat_exports_never_carry_victim_names(named: Project, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"incidents{SUFFIXES[fmt]}"
    assert export_incidents(named, out, fmt) == 2
    if fmt == "xlsx":
        from openpyxl import load_workbook

        cells = [
            str(c) for row in load_workbook(out).active.iter_rows(values_only=True) for c in row
        ]
        text = "\n".join(cells)
    else:
        text = out.read_text(encoding="utf-8-sig")
    assert "took two women" in text  # the incidents are there
    assert "Daw Lu Ra" not in text and "Ma Seng Nu" not in text


def test_an_upgrade_alone_does_not_change_what_merges_compare() -> None:
    """Merge bases stored before victim names and denials existed still match."""
    from sitrep.sharing.documents import fingerprint, fingerprint_hash

    def content_hash(doc: dict) -> str:
        return fingerprint_hash(fingerprint({"casualty": [], **doc}))

    before: dict[str, Any] = {
        "incident": {"title": "Blast", "narrative": "x"},
        "incident_actor": [{"actor_id": "a", "role": "side A"}],
    }
    after: dict[str, Any] = {
        "incident": {"title": "Blast", "narrative": "x", "victim_names": ""},
        "incident_actor": [{"actor_id": "a", "role": "side A", "denies_involvement": False}],
    }
    assert content_hash(before) == content_hash(after)
    after["incident"]["victim_names"] = "Ma Hla"
    assert content_hash(before) != content_hash(after)
