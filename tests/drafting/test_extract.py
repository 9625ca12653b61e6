"""Drafting from paragraphs written for these tests, against the demo's Kachin project."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sitrep.cli import main
from sitrep.demo.scenario import INCIDENTS, REPORTED, IncidentSpec
from sitrep.drafting.cli_io import plain_document
from sitrep.drafting.extract import draft_incidents
from sitrep.drafting.proposal import DATE, PLACE, Proposal
from sitrep.errors import SitrepError
from sitrep.model.enums import ActorRole, DatePrecision, LocationPrecision
from sitrep.model.taxonomy import SUB_TO_TYPE
from sitrep.store import Project
from tests.conftest import shared_data

MIL = "Military Forces of Myanmar (2021-)"
KIA = "KIA: Kachin Independence Army"
REPORT = dt.date(2025, 7, 16)  # a Wednesday

TWO_EVENTS = (
    "On Monday, regime troops shelled Mogaung, wounding three villagers.\n"
    "In a separate incident yesterday, the military council's soldiers arrested "
    "two teachers in Shwegu township."
)


def _draft(project: Project, text: str, report: dt.date = REPORT) -> list[Proposal]:
    with project.session() as s:
        return draft_incidents(s, plain_document(text), report)


def test_one_proposal_per_event_with_date_place_type_actors(kachin: Project) -> None:
    first, second = _draft(kachin, TWO_EVENTS)
    assert first.draft.date_start == "2025-07-14"
    assert first.draft.place_name == "Mogaung"
    assert first.draft.sub_event_type == "Shelling/artillery/missile attack"
    assert [(a.name, a.role) for a in first.draft.actors] == [
        (MIL, ActorRole.SIDE_A.value),
        ("Civilians (Myanmar)", ActorRole.TARGET.value),  # "villagers"
    ]
    (row,) = first.draft.casualties
    assert (row.outcome, row.affiliation, row.best) == ("injured", "civilian", 3)
    assert second.draft.date_start == "2025-07-15"
    assert second.draft.sub_event_type == "Arrests"
    assert second.draft.event_type == "Strategic developments"
    assert second.draft.location_precision == int(LocationPrecision.ADMIN2)
    assert second.draft.actors[0].name == MIL  # "military council"
    # every field points at the words it came from
    assert "Monday" in first.evidence[DATE][0].text
    assert second.evidence[PLACE][0].text == "Shwegu"
    assert first.draft.review_status == "draft"
    assert first.draft.verification == "unverified"


def test_two_days_in_one_sentence_are_two_incidents_with_the_figure_split(
    kachin: Project,
) -> None:
    text = "Air strikes on Tanai on July 2 and 4 killed about a dozen civilians."
    a, b = _draft(kachin, text)
    assert (a.draft.date_start, b.draft.date_start) == ("2025-07-02", "2025-07-04")
    assert {p.draft.sub_event_type for p in (a, b)} == {"Air/drone strike"}
    assert a.draft.casualties[0].best + b.draft.casualties[0].best == 12
    assert "split" in a.draft.casualties[0].note


def test_a_party_claim_is_stored_as_a_claim(kachin: Project) -> None:
    text = (
        "KIA spokesman Colonel Zau Tawng said its fighters ambushed a junta convoy near "
        "Myitkyina on 12 July, killing at least 15 soldiers. The claim could not be "
        "independently verified."
    )
    (p,) = _draft(kachin, text)
    assert p.draft.date_start == "2025-07-12"
    assert p.draft.sub_event_type == "Armed clash"
    (row,) = p.draft.casualties
    assert row.is_party_claim and row.at_least and (row.low, row.best) == (15, 15)
    assert row.affiliation == "side B"  # the junta's soldiers, the side ambushed
    assert (KIA, ActorRole.CLAIMANT.value) in [(a.name, a.role) for a in p.draft.actors]
    assert p.draft.verification == "unverified"
    assert "claim" in p.notes["sources.0"]
    assert p.draft.sources[0].graded is False


def test_no_report_date_is_a_clear_error(kachin: Project) -> None:
    with kachin.session() as s, pytest.raises(SitrepError, match="report-date"):
        draft_incidents(s, plain_document("Shelling hit Bhamo on Tuesday."))


def test_likely_duplicate_of_a_hand_entered_incident_is_flagged(kachin: Project) -> None:
    text = "On May 20, KIA fighters attacked three junta helicopters over Bhamo."
    (p,) = _draft(kachin, text, REPORTED)
    assert p.draft.sub_event_type == "Armed clash"
    assert p.duplicates, "the hand-entered helicopter attack of 20 May is the same event"


def test_cli_json_batch_and_save(
    kachin: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(TWO_EVENTS, encoding="utf-8")
    out = tmp_path / "out.json"
    project = str(kachin.location)
    assert main(["draft", project, str(report), "--json", str(out)]) == 1
    assert "--report-date" in capsys.readouterr().err
    assert (
        main(["draft", project, str(report), "--report-date", "2025-07-16", "--json", str(out)])
        == 0
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [i["date_start"] for i in data["incidents"]] == ["2025-07-14", "2025-07-15"]
    first = data["incidents"][0]
    for key in ("place_name", "lat", "lon", "event_type", "sub_event_type", "killed",
                "killed_claimed", "actors", "evidence", "date_precision"):  # fmt: skip
        assert key in first
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        json.dumps(
            {
                "id": "n1",
                "text": "On 2 July 2025, a landmine killed two farmers near Hopin.",
                "date": "2025-07-03",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    lines_out = tmp_path / "out.jsonl"
    assert main(["draft", project, "--batch", str(batch), "--output", str(lines_out)]) == 0
    (line,) = lines_out.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["id"] == "n1"
    (inc,) = record["incidents"]
    assert (inc["date_start"], inc["killed"], inc["sub_event_type"]) == (
        "2025-07-02", 2, "Remote explosive/landmine/IED",
    )  # fmt: skip
    assert inc["place_name"] == "Hopin" and inc["lat"] is not None
    from sqlalchemy import func, select

    from sitrep.model import Incident

    with kachin.session() as s:
        before = s.scalar(select(func.count()).select_from(Incident))
    assert main(["draft", project, str(report), "--report-date", "2025-07-16", "--save"]) == 0
    with kachin.session() as s:
        saved = s.scalars(select(Incident).where(Incident.review_status == "draft")).all()
        assert s.scalar(select(func.count()).select_from(Incident)) == (before or 0) + 2
        assert {i.place_name for i in saved} >= {"Mogaung", "Shwegu"}


# --------------------------------------------------------------------------- seed report


def _period(spec: IncidentSpec) -> tuple[dt.date, dt.date]:
    days = {DatePrecision.DAY: 0, DatePrecision.WEEK: 6, DatePrecision.MONTH: 30}
    return spec.date, spec.date + dt.timedelta(days=days.get(spec.date_precision, 0))


def _covers(p: Proposal, spec: IncidentSpec, township_of: dict[str, str]) -> bool:
    """Right date (the draft's period contains the hand-entered date, or overlaps the
    week/month it was entered with), right place (same place or same township) and
    right type (same sub-event type as the local type maps to)."""
    d = p.draft
    start = dt.date.fromisoformat(d.date_start)
    end = dt.date.fromisoformat(d.date_end) if d.date_end else start
    lo, hi = _period(spec)
    date_ok = start <= spec.date <= end or (lo <= end and start <= hi and lo != hi)
    place_ok = d.place_name == spec.place or (
        township_of.get(d.place_name) is not None
        and township_of.get(d.place_name) == township_of.get(spec.place)
    )
    from sitrep.model.taxonomy import DEFAULT_LOCAL_TYPES

    sub = {lt.name: lt.sub_event_type for lt in DEFAULT_LOCAL_TYPES}[spec.local_type]
    return date_ok and place_ok and d.sub_event_type == sub and SUB_TO_TYPE[sub] == d.event_type


def test_seed_report_drafts_cover_the_hand_entered_incidents(tmp_path: Path) -> None:
    seed = shared_data("..", "seed", "kachin-report.txt")
    from sitrep.demo import build_demo
    from sitrep.demo import geography as geo

    township_of = {t.town: t.pcode for t in geo.TOWNSHIPS}
    township_of.update({p.name: p.township for p in geo.EXTRA_PLACES})
    project = build_demo(tmp_path / "demo.sitrep")  # with its synthetic incidents
    try:
        proposals = _draft(project, seed.read_text(encoding="utf-8"), REPORTED)
    finally:
        project.close()
    covered = [s.title for s in INCIDENTS if any(_covers(p, s, township_of) for p in proposals)]
    assert len(covered) >= 12, covered
    ambush = [p for p in proposals if "ambush" in p.passage.text]
    assert ambush
    (row,) = ambush[0].draft.casualties
    assert row.is_party_claim and row.at_least and row.best == 10
    assert ambush[0].draft.date_start == "2025-06-07"


def test_a_place_named_with_its_district_and_state_is_one_incident(kachin: Project) -> None:
    # the village is unknown; the town and its state named after it are one place
    text = "On 3 July, regime troops shelled Namti village (Myitkyina, Kachin), wounding two."
    (p,) = _draft(kachin, text)
    assert p.draft.place_name == "Myitkyina"
    # a list of places of the same rank is still one incident each
    text = "On 3 July, regime troops shelled Mogaung, Bhamo and Tanai, wounding two men."
    assert [p.draft.place_name for p in _draft(kachin, text)] == ["Mogaung", "Bhamo", "Tanai"]


def test_a_sentence_about_the_same_clash_and_a_background_date_add_no_incident(
    kachin: Project,
) -> None:
    text = (
        "On 3 July, KIA fighters clashed with junta troops near Mogaung, demanding "
        "justice for the killing of a teacher on 16 June. Two houses in Namti were "
        "also burned in the clash."
    )
    (p,) = _draft(kachin, text)
    assert (p.draft.date_start, p.draft.place_name) == ("2025-07-03", "Mogaung")
    assert p.draft.sub_event_type == "Armed clash"
    # a new day and place in the next sentence is still a new incident
    text = "On 3 July, KIA fighters clashed with junta troops near Mogaung. On 5 July, "
    text += "junta troops shelled Bhamo."
    assert [p.draft.place_name for p in _draft(kachin, text)] == ["Mogaung", "Bhamo"]


def test_cli_reads_a_word_report_with_its_own_dateline(kachin: Project, tmp_path: Path) -> None:
    from tests.drafting.report_files import write_docx

    report = write_docx(
        tmp_path / "update.docx", ["MYITKYINA, 16 July 2025", *TWO_EVENTS.split("\n")]
    )
    out = tmp_path / "out.json"
    assert main(["draft", str(kachin.location), str(report), "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["report_date"] == "2025-07-16"  # from the document, not --report-date
    assert [i["date_start"] for i in data["incidents"]] == ["2025-07-14", "2025-07-15"]
    assert data["incidents"][0]["place_name"] == "Mogaung"
