"""``sitrep report``: success, --json matching the document, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sitrep.cli import main
from sitrep.store import Project
from tests.reporting import docx_read, scenario


def _args(project: Project, out: Path, *extra: str, region: str = "Kachin") -> list[str]:
    return [
        "report",
        project.location,
        "--region",
        region,
        "--from",
        "2025-06-02",
        "--to",
        "2025-06-08",
        "--output",
        str(out),
        *extra,
    ]


def test_report_and_json_match_the_document(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = kachin
    out, figures = tmp_path / "sitrep.docx", tmp_path / "figures.json"
    assert main(_args(project, out, "--json", str(figures))) == 0
    assert "Myanmar: Kachin State – Situation Report No. 1, draft" in capsys.readouterr().out
    data = json.loads(figures.read_text(encoding="utf-8"))
    assert data["region"] == "Kachin"
    assert (data["number"], data["revision"], data["status"]) == (1, 1, "draft")
    assert (data["from"], data["to"]) == ("2025-06-02", "2025-06-08")
    assert data["figures"] == scenario.expected(scenario.PERIOD)
    assert data["previous"] == scenario.expected(scenario.PREVIOUS)
    doc = docx_read.open_docx(out)
    assert docx_read.key_figures(doc) == data["figures"]
    text = docx_read.body_text(doc)
    for ref in data["references"]["killed"]:
        assert ref in text
    # the same region, kind and period again: a revision of No. 1, not a new number
    assert main(_args(project, tmp_path / "two.docx")) == 0
    assert "Situation Report No. 1 (revision 2)" in capsys.readouterr().out
    # another period: the next number; --number of an existing report rebuilds that one
    later = _args(project, tmp_path / "three.docx")
    later[later.index("--from") + 1 : later.index("--to") + 2] = [
        "2025-06-09",
        "--to",
        "2025-06-15",
    ]
    assert main(later) == 0
    assert "Situation Report No. 2," in capsys.readouterr().out
    assert main(_args(project, tmp_path / "again.docx", "--number", "1")) == 0
    assert "Situation Report No. 1 (revision 3)" in capsys.readouterr().out


def test_custom_region_keeps_its_name(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = kachin
    out = tmp_path / "special.docx"
    assert main(_args(project, out, region="special region 1")) == 0
    assert "Myanmar: Special Region 1 – Situation Report No. 1" in capsys.readouterr().out
    assert docx_read.key_figures(docx_read.open_docx(out))["incidents"] == sum(
        1
        for s in scenario.INCIDENTS
        if scenario.in_period(s) and s.township in ("Waingmaw", "Myitkyina")
    )


@pytest.mark.parametrize(
    ("region", "dates", "extra", "message"),
    [
        ("Atlantis", ("2025-06-02", "2025-06-08"), (), "No region called 'Atlantis'"),
        ("Bhamo", ("2025-06-02", "2025-06-08"), (), "'Bhamo' is ambiguous"),
        ("Kachin", ("2025-06-02", "2025-06-08"), ("--kind", "flash"), "--incident REF"),
        ("Kachin", ("2025-06-03", "2025-06-08"), ("--compare", "calendar"), "not whole calendar"),
        ("Kachin", ("2025-06-08", "2025-06-02"), (), "The period is empty"),
        ("Kachin", ("2025-06-02", "2025-06-08"), ("--template", "/nowhere/t.docx"), "missing"),
    ],
)
def test_bad_input_exits_1_and_leaves_nothing(
    kachin: tuple[Project, dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    region: str,
    dates: tuple[str, str],
    extra: tuple[str, ...],
    message: str,
) -> None:
    project, _ = kachin
    out, figures = tmp_path / "out.docx", tmp_path / "f.json"
    args = [
        "report",
        project.location,
        "--region",
        region,
        "--from",
        dates[0],
        "--to",
        dates[1],
        "--output",
        str(out),
        "--json",
        str(figures),
        *extra,
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() and not figures.exists()
    assert not list(tmp_path.glob("*.part"))


def test_failure_keeps_the_previous_file_intact(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = kachin
    out = tmp_path / "sitrep.docx"
    out.write_bytes(b"last week's report")
    project.set_setting("report_template.periodic", str(tmp_path / "deleted.docx"))
    assert main(_args(project, out)) == 1
    assert "deleted.docx is missing" in capsys.readouterr().err
    assert out.read_bytes() == b"last week's report"
    assert not list(tmp_path.glob("*.part"))
