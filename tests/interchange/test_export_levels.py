"""Every way incidents leave honours the level: flat formats and the HTML map.

The default is *internal*, so restricted incidents never leave by accident; below it
the one redaction policy withholds what an incident marks sensitive.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import pytest

from sitrep.interchange.exporters import EXPORT_FORMATS, export_incidents
from sitrep.model.enums import Sensitivity
from sitrep.store import Project
from tests.conftest import make_incident

SECRET = "Ko Aung Naing"


@pytest.fixture
def levels_project(project: Project) -> Project:
    for level in Sensitivity:
        make_incident(
            project,
            title=f"{level.value} incident",
            narrative=f"{SECRET} was taken ({level.value})",
            sensitivity=level,
            sensitive_fields=["narrative", "exact_location", "source_names"],
            sources=[{"name": f"{SECRET}'s neighbour"}],
            lat=25.61234,
            lon=96.31234,
        )
    return project


def text_of(path: Path) -> str:
    """What a file holds as text (the XML parts of a workbook)."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_flat_exports_default_to_internal_and_redact_below(
    levels_project: Project, tmp_path: Path, fmt: str
) -> None:
    internal = tmp_path / f"internal.{fmt}"
    assert export_incidents(levels_project, internal, fmt) == 3
    text = text_of(internal)
    assert "restricted incident" not in text and SECRET in text
    partner = tmp_path / f"partner.{fmt}"
    assert export_incidents(levels_project, partner, fmt, level=Sensitivity.PARTNER) == 2
    text = text_of(partner)
    assert SECRET not in text
    assert "25.61234" not in text and "96.31234" not in text
    assert "internal incident" not in text
    if fmt != "acled":  # ACLED has no title column
        assert "public incident" in text and "partner incident" in text


def test_cli_export_and_map_take_the_level(
    levels_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sitrep.cli import main

    location = levels_project.location
    levels_project.close()
    out = tmp_path / "x.csv"
    assert main(["export", location, str(out)]) == 0
    assert "level internal" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 3
    assert main(["export", location, str(out), "--level", "public"]) == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["narrative"].startswith("[withheld]") and SECRET not in row["sources"]
    assert main(["export", location, str(out), "--level", "secret"]) == 2

    page = tmp_path / "map.html"
    assert main(["map", location, "--output", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "internal incident" in html and "restricted incident" not in html
    assert main(["map", location, "--output", str(page), "--level", "partner"]) == 0
    html = page.read_text(encoding="utf-8")
    assert "partner incident" in html and "internal incident" not in html
    assert SECRET not in html and "25.61234" not in html and "96.31234" not in html
    points = re.findall(r'"coordinates": ?\[([-0-9.]+), ?([-0-9.]+)\]', html)
    assert points and all(json.loads(f"[{a},{b}]") == [96.3, 25.6] for a, b in points)
