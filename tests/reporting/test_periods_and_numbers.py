"""Previous periods, numbering and revisions, finalising, and how changes are worded."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sitrep.cli import main
from sitrep.errors import ValidationError
from sitrep.model.enums import ReviewStatus
from sitrep.reporting.periods import previous_period
from sitrep.reporting.schedule import next_report_date
from sitrep.reporting.wording import change_amount, change_text
from sitrep.store import Project
from tests.conftest import make_incident
from tests.reporting import docx_read, scenario

D = dt.date


@pytest.mark.parametrize(
    ("period", "mode", "expected", "basis"),
    [
        ((D(2025, 6, 1), D(2025, 6, 30)), "auto", (D(2025, 5, 1), D(2025, 5, 31)), "month"),
        (
            (D(2025, 6, 1), D(2025, 6, 30)),
            "equal",
            (D(2025, 5, 2), D(2025, 5, 31)),
            "equal length",
        ),
        ((D(2025, 3, 1), D(2025, 3, 31)), "auto", (D(2025, 2, 1), D(2025, 2, 28)), "month"),
        ((D(2025, 4, 1), D(2025, 6, 30)), "auto", (D(2025, 1, 1), D(2025, 3, 31)), "quarter"),
        ((D(2025, 1, 1), D(2025, 12, 31)), "calendar", (D(2024, 1, 1), D(2024, 12, 31)), "year"),
        ((D(2025, 6, 2), D(2025, 6, 8)), "auto", (D(2025, 5, 26), D(2025, 6, 1)), "week"),
        ((D(2025, 6, 2), D(2025, 6, 15)), "calendar", (D(2025, 5, 19), D(2025, 6, 1)), "2 weeks"),
        ((D(2025, 6, 3), D(2025, 6, 12)), "auto", (D(2025, 5, 24), D(2025, 6, 2)), "equal length"),
    ],
)
def test_previous_period(
    period: tuple[dt.date, dt.date], mode: str, expected: tuple[dt.date, dt.date], basis: str
) -> None:
    prev = previous_period(*period, mode)
    assert (prev.date_from, prev.date_to, prev.basis) == (*expected, basis)


def test_calendar_comparison_refuses_a_broken_period() -> None:
    with pytest.raises(ValidationError, match="not whole calendar"):
        previous_period(D(2025, 6, 3), D(2025, 6, 12), "calendar")
    assert previous_period(D(2025, 6, 1), D(2025, 6, 30)).describe() == (
        "the previous calendar month (May 2025)"
    )


def test_small_counts_change_by_numbers_large_ones_by_percent_too() -> None:
    assert change_amount(7, 1) == "+6"  # not "+600%"
    assert change_text(0, 3) == "−3 vs previous period"
    assert change_amount(5, 0) == "+5"
    assert change_amount(120, 100) == "+20 (+20%)"
    assert change_amount(80, 100) == "−20 (−20%)"
    assert change_text(4, 4) == "no change"


def _week(project: Project, out: Path, start: str, end: str, *extra: str) -> int:
    return main(
        [
            "report",
            project.location,
            "--region",
            "Kachin",
            "--from",
            start,
            "--to",
            end,
            "-o",
            str(out),
            *extra,
        ]
    )


def test_month_report_compares_with_the_previous_calendar_month_unless_told(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    project, _ = kachin
    figures = tmp_path / "june.json"
    args = ("--json", str(figures))
    assert _week(project, tmp_path / "june.docx", "2025-06-01", "2025-06-30", *args) == 0
    data = json.loads(figures.read_text())
    assert data["previous_period"] == {"from": "2025-05-01", "to": "2025-05-31", "basis": "month"}
    may = [s for s in scenario.INCIDENTS if scenario.in_period(s, (D(2025, 5, 1), D(2025, 5, 31)))]
    assert data["previous"]["incidents"] == len(may)
    text = docx_read.body_text(docx_read.open_docx(tmp_path / "june.docx"))
    assert "Change compared with the previous calendar month (May 2025)" in text
    # --compare equal: the 30 days before; the same report gets a revision that remembers it
    assert (
        _week(
            project, tmp_path / "j2.docx", "2025-06-01", "2025-06-30", *args, "--compare", "equal"
        )
        == 0
    )
    data = json.loads(figures.read_text())
    assert data["previous_period"]["from"] == "2025-05-02" and data["revision"] == 2


def test_final_reports_are_what_the_next_report_compares_with(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, areas = kachin
    # a draft for week 1: week 2 has nothing to compare with, and says so without
    # calling anything "the first final report"
    assert _week(project, tmp_path / "w1.docx", "2025-06-02", "2025-06-08") == 0
    assert _week(project, tmp_path / "w2.docx", "2025-06-09", "2025-06-15") == 0
    text = docx_read.body_text(docx_read.open_docx(tmp_path / "w2.docx"))
    assert "has been issued as final in this project, so there is nothing to compare" in text
    assert "first final report" not in text
    assert "DRAFT" in text
    # week 1 finalised from the command line: a new revision, no DRAFT mark
    assert _week(project, tmp_path / "w1f.docx", "2025-06-02", "2025-06-08", "--final") == 0
    assert "No. 1 (revision 2), final" in capsys.readouterr().out
    final_text = docx_read.body_text(docx_read.open_docx(tmp_path / "w1f.docx"))
    assert "DRAFT" not in final_text
    late = make_incident(
        project,
        title="Late report of shelling",
        date_start=D(2025, 6, 4),
        admin1_id=areas["state"].id,
        admin3_id=areas["townships"]["Bhamo"].id,
    )
    assert _week(project, tmp_path / "w2b.docx", "2025-06-09", "2025-06-15") == 0
    text = docx_read.body_text(docx_read.open_docx(tmp_path / "w2b.docx"))
    assert "Compared with Myanmar: Kachin State – Situation Report No. 1" in text
    assert late.reference in text
    assert "No. 2 (revision 2)" in capsys.readouterr().out


def test_incidents_in_review_are_marked(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    project, areas = kachin
    pending = make_incident(
        project,
        title="Shelling reported by a partner",
        date_start=D(2025, 6, 5),
        admin1_id=areas["state"].id,
        admin3_id=areas["townships"]["Bhamo"].id,
        review_status=ReviewStatus.IN_REVIEW,
        casualties=[{"best": 2}],
    )
    figures = tmp_path / "f.json"
    assert _week(project, tmp_path / "r.docx", *scenario.PERIOD_TEXT, "--json", str(figures)) == 0
    doc = docx_read.open_docx(tmp_path / "r.docx")
    annex = docx_read.tables_by_first_header(doc)["Reference"]
    row = next(r for r in annex if r[0] == pending.reference)
    assert row[-1].endswith("in review")
    assert sum("in review" in r[-1] for r in annex[1:]) == 1
    text = docx_read.body_text(doc)
    assert "1 incident in this report is still in review" in text
    assert json.loads(figures.read_text())["in_review"] == [pending.reference]


def test_contact_block_and_next_report_from_settings(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    project, _ = kachin
    assert (
        main(
            [
                "settings",
                project.location,
                "report_contact",
                "Daw Hnin Aye, Information officer\\ninfo@krn.example | +95 9 000 000",
            ]
        )
        == 0
    )
    assert main(["settings", project.location, "next_report", "weekly"]) == 0
    out = tmp_path / "r.docx"
    assert _week(project, out, *scenario.PERIOD_TEXT) == 0
    doc = docx_read.open_docx(out)
    assert "Contact" in docx_read.headings(doc)
    text = docx_read.body_text(doc)
    issued = dt.date.today()
    due = issued + dt.timedelta(days=7)
    assert f"The next report will be issued on or around {due.day} {due:%B %Y}." in text
    assert "For further information, please contact:\nDaw Hnin Aye, Information officer\n" in text
    assert "info@krn.example | +95 9 000 000" in text


def test_next_report_setting() -> None:
    issued = D(2025, 1, 31)
    assert next_report_date("monthly", issued) == D(2025, 2, 28)
    assert next_report_date("fortnightly", issued) == D(2025, 2, 14)
    assert next_report_date("10", issued) == D(2025, 2, 10)
    assert next_report_date("2025-02-03", issued) == D(2025, 2, 3)
    assert next_report_date("", issued) is None
    with pytest.raises(ValidationError, match="next_report"):
        next_report_date("soon", issued)
