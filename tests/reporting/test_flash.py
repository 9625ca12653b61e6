"""A flash update is about one event: chosen incidents, their facts and their context."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sitrep.cli import main
from sitrep.model import Incident
from sitrep.store import Project
from tests.reporting import docx_read


def _refs(project: Project, *titles: str) -> list[str]:
    with project.session() as s:
        return [
            s.scalars(select(Incident.reference).where(Incident.title == t)).one() for t in titles
        ]


def _flash(project: Project, out: Path, refs: list[str], *extra: str) -> list[str]:
    args = ["report", project.location, "-o", str(out)]
    for ref in refs:
        args += ["--incident", ref]
    return args + list(extra)


def test_flash_update_from_chosen_incidents(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = kachin
    blasts = _refs(project, "Blast at a jade-mining site", "Second blast at a mining site")
    (earlier,) = _refs(project, "Clash near Kamaing")  # Hpakant, 30 May: context
    (far,) = _refs(project, "Clash on the Bhamo road")  # 27 May, 150 km away: not context
    (later,) = _refs(project, "KIA ambush on a junta column")  # after the event: not context
    out, figures = tmp_path / "flash.docx", tmp_path / "flash.json"
    assert main(_flash(project, out, blasts, "--json", str(figures))) == 0
    assert "Myanmar: Hpakant Township – Flash Update No. 1, draft" in capsys.readouterr().out
    doc = docx_read.open_docx(out)
    heads = docx_read.headings(doc)
    assert heads == [
        "Highlights",
        "What happened",
        "Context",
        "Annex 1. Incidents",
        "Annex 2. Methodology, definitions and caveats",
    ]
    assert "Key figures" not in heads and "Incidents by type and area" not in heads
    events = docx_read.headings(doc, 3)
    assert len(events) == 2 and events[0].startswith("3 June 2025 — Lone Khin (Hpakant)")
    facts = [
        [c.text for c in row.cells]
        for t in doc.tables
        for row in t.rows
        if t.style.name == "Sitrep Table"
    ]
    assert ["Harm (best estimates)", "7 civilians killed; 4 injured"] in facts
    assert ["Sources (grading)", "own staff (B2)"] in facts
    text = docx_read.body_text(doc)
    assert "Incidents recorded within 25 km in the 30 days before" in text
    assert earlier in text and far not in text and later not in text
    annex = docx_read.tables_by_first_header(doc)["Reference"]
    assert [r[0] for r in annex[1:]] == [*blasts, earlier]  # the event, then its context
    data = json.loads(figures.read_text())
    assert data["figures"]["incidents"] == 2 and data["figures"]["killed"] == 12
    # the same incidents again: a revision; other incidents: the next flash number
    assert main(_flash(project, tmp_path / "again.docx", blasts)) == 0
    assert "Flash Update No. 1 (revision 2)" in capsys.readouterr().out
    assert main(_flash(project, tmp_path / "other.docx", blasts[:1])) == 0
    assert "Flash Update No. 2," in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--incident", "TST-1999-0001"), "No incident with the reference TST-1999-0001"),
        (("--kind", "flash"), "give them with --incident REF"),
    ],
)
def test_flash_input_errors(
    kachin: tuple[Project, dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    message: str,
) -> None:
    project, _ = kachin
    out = tmp_path / "f.docx"
    assert main(["report", project.location, "-o", str(out), *extra]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()
