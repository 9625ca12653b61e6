"""What report figures and sentences claim is exactly what the data says (issue 9).

Each test builds a small project with one case: a claim whose casualty rows are not
flagged, a withheld incident, UCDP/ACLED data that does not record a figure, imported
data to credit, demo data; then reads the generated DOCX and JSON back as data.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn

from sitrep.cli import main
from sitrep.errors import ValidationError
from sitrep.interchange.importer import DatasetCredit, import_file
from sitrep.model import Incident
from sitrep.model.enums import (
    Affiliation,
    Outcome,
    Sensitivity,
    Verification,
)
from sitrep.model.harm import harm_totals
from sitrep.places.regions import resolve_region
from sitrep.reporting.figures import COUNT_WITHHELD_SETTING, collect
from sitrep.store import Project, open_project
from tests.conftest import make_area, make_incident
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, ucdp_row, write_acled, write_ucdp
from tests.reporting import docx_read

DATA = Path(__file__).resolve().parents[1] / "data"
PERIOD = ("2025-06-02", "2025-06-08")


def _report(project: Project, tmp_path: Path, *extra: str, name: str = "r") -> tuple[Any, dict]:
    out, figures = tmp_path / f"{name}.docx", tmp_path / f"{name}.json"
    args = ["report", project.location, "--region", "Kachin", "--from", PERIOD[0]]
    args += ["--to", PERIOD[1], "--output", str(out), "--json", str(figures), *extra]
    assert main(args) == 0
    return docx_read.open_docx(out), json.loads(figures.read_text(encoding="utf-8"))


def _text(doc: Any) -> str:
    return " ".join(docx_read.body_text(doc).split())


@pytest.fixture
def kachin(project: Project) -> Project:
    project.set_setting("organisation", "Test NGO")
    make_area(project, "Kachin", 1, "MMR001")
    return project


def _in_kachin(project: Project, **fields: Any) -> Incident:
    with project.session() as s:
        kachin = resolve_region(s, "Kachin").areas[0]
    fields.setdefault("admin1_id", kachin.id)
    return make_incident(project, **fields)


# --------------------------------------------------------------------------- 1. claims


def test_the_claim_rule_keeps_every_figure_of_a_claim_out_of_the_totals() -> None:
    class Row:
        outcome = Outcome.KILLED
        affiliation = Affiliation.SIDE_B
        best = 7
        is_party_claim = False

    fact = harm_totals([Row()], Verification.CORROBORATED)
    claim = harm_totals([Row()], Verification.CLAIM_UNVERIFIABLE)
    assert (fact.killed, fact.killed_claimed) == (7, 0)
    assert (claim.killed, claim.killed_claimed) == (0, 7)


def test_a_claim_with_factual_casualty_rows_is_refused(kachin: Project) -> None:
    with pytest.raises(ValidationError) as caught:
        _in_kachin(
            kachin,
            verification=Verification.CLAIM_UNVERIFIABLE,
            casualties=[{"best": 4, "affiliation": Affiliation.SIDE_B}],
        )
    assert caught.value.field == "casualty_claim"
    assert "party's claim" in str(caught.value)


def test_stored_projects_are_repaired_by_the_migration(tmp_path: Path) -> None:
    """Release 0005 saved claims whose casualty rows were not flagged, counted as fact
    (the demo's KCN-2025-0290 and -0295); opening the file repairs them."""
    path = tmp_path / "old.sitrep"
    shutil.copy(DATA / "project-schema-0005.sitrep", path)
    claim = Verification.CLAIM_UNVERIFIABLE.value
    old = sqlite3.connect(path)
    (target, counted) = old.execute(
        "SELECT id, killed FROM incident WHERE killed > 0 AND killed_claimed = 0 "
        "ORDER BY reference LIMIT 1"
    ).fetchone()
    old.execute("UPDATE incident SET verification = ? WHERE id = ?", (claim, target))
    old.commit()
    old.close()
    open_project(path).close()
    con = sqlite3.connect(path)
    try:
        killed, claimed = con.execute(
            "SELECT killed, killed_claimed FROM incident WHERE id = ?", (target,)
        ).fetchone()
        unflagged = con.execute(
            "SELECT count(*) FROM casualty c JOIN incident i ON i.id = c.incident_id "
            "WHERE i.verification = ? AND NOT c.is_party_claim",
            (claim,),
        ).fetchone()[0]
        lower_bounds = con.execute(
            "SELECT count(*) FROM casualty WHERE at_least AND note LIKE '%at least 10%'"
        ).fetchone()[0]
        # every incident's stored totals equal its rows, claims apart (independent SQL)
        mismatched = con.execute(
            "SELECT count(*) FROM incident i WHERE i.killed != (SELECT coalesce(sum(c.best), 0) "
            "FROM casualty c WHERE c.incident_id = i.id AND c.outcome = 'killed' "
            "AND NOT c.is_party_claim AND i.verification != ?)",
            (claim,),
        ).fetchone()[0]
    finally:
        con.close()
    assert (killed, claimed) == (0, counted)
    assert (unflagged, mismatched) == (0, 0)
    assert lower_bounds == 1  # the KIA's "at least 10 soldiers"


def test_claims_are_worded_as_claims_with_their_lower_bound(
    kachin: Project, tmp_path: Path
) -> None:
    _in_kachin(kachin, title="Patrol clash", casualties=[{"best": 2}])
    _in_kachin(
        kachin,
        title="Claimed ambush",
        verification=Verification.CLAIM_UNVERIFIABLE,
        casualties=[
            {"best": 10, "affiliation": Affiliation.SIDE_B, "is_party_claim": True},
            {
                "best": 3,
                "outcome": Outcome.INJURED,
                "affiliation": Affiliation.SIDE_B,
                "is_party_claim": True,
                "at_least": True,
            },
        ],
    )
    doc, data = _report(kachin, tmp_path)
    assert data["figures"]["killed"] == 2 and data["figures"]["injured"] == 0
    assert data["killed_claimed"] == 10
    text = _text(doc)
    assert "said 10 people were killed and at least 3 people were injured; this could not" in (
        text
    )
    assert "Claim (A party to the conflict): 10 killed, at least 3 injured; not verified" in (text)


# --------------------------------------------------------------------------- 2. withheld


def _withheld_project(project: Project) -> None:
    _in_kachin(project, title="Shelling of market", sensitivity=Sensitivity.PUBLIC,
               casualties=[{"best": 1}])  # fmt: skip
    _in_kachin(project, title="Drone strike on school", sensitivity=Sensitivity.PARTNER,
               casualties=[{"best": 1}])  # fmt: skip
    _in_kachin(project, title="Detention of Ko Aung at checkpoint",
               sensitivity=Sensitivity.RESTRICTED, casualties=[{"best": 5}])  # fmt: skip


def test_withheld_incidents_are_counted_without_their_details(
    kachin: Project, tmp_path: Path
) -> None:
    _withheld_project(kachin)
    doc, data = _report(kachin, tmp_path, "--classification", "partner")
    assert data["figures"]["incidents"] == 3 and data["figures"]["killed"] == 7
    assert data["withheld"] == {
        "incidents": 1,
        "counted_in_figures": True,
        "classification": "partner",
    }
    assert docx_read.key_figures(doc)["killed"] == 7
    annex = docx_read.tables_by_first_header(doc)["Reference"]
    assert len(annex) == 1 + 2
    text = _text(doc)
    assert "Ko Aung" not in text and "checkpoint" not in text
    assert "1 incident more sensitive than this report's classification (PARTNER)" in text
    assert "counted in the key figures" in text
    # the tables add up to the key figures: one row for what is not described
    by_type = docx_read.tables_by_first_header(doc)["Type"]
    withheld_row = next(r for r in by_type if r[0].startswith("Not described"))
    assert withheld_row[1] == "1" and by_type[-1][1] == "3"
    assert len(data["references"]["incidents"]) == 2


def test_the_organisation_may_leave_withheld_incidents_out_of_the_totals(
    kachin: Project, tmp_path: Path
) -> None:
    _withheld_project(kachin)
    assert main(["settings", kachin.location, COUNT_WITHHELD_SETTING, "maybe"]) == 1
    assert main(["settings", kachin.location, COUNT_WITHHELD_SETTING, "no"]) == 0
    doc, data = _report(kachin, tmp_path, "--classification", "partner")
    assert data["figures"]["incidents"] == 2 and data["figures"]["killed"] == 2
    assert data["withheld"]["incidents"] == 1
    assert data["withheld"]["counted_in_figures"] is False
    assert "not described and not counted in the figures" in _text(doc)


def test_a_restricted_report_withholds_nothing(kachin: Project, tmp_path: Path) -> None:
    _withheld_project(kachin)
    doc, data = _report(kachin, tmp_path, "--classification", "restricted")
    assert data["withheld"]["incidents"] == 0 and data["figures"]["incidents"] == 3
    assert "Ko Aung" in _text(doc)


def test_an_unknown_classification_is_bad_usage(kachin: Project, tmp_path: Path) -> None:
    code = main(["report", kachin.location, "--region", "Kachin", "--from", PERIOD[0],
                 "--to", PERIOD[1], "--output", str(tmp_path / "x.docx"),
                 "--classification", "secret"])  # fmt: skip
    assert code == 2
    assert not (tmp_path / "x.docx").exists()


# --------------------------------------------------------------------------- 3-4. datasets


def _ucdp_rows() -> list[dict[str, str]]:
    return [
        ucdp_row("9001", date_start="2025-06-03", date_end="2025-06-03"),
        ucdp_row(
            "9002",
            date_start="2025-06-05",
            date_end="2025-06-05",
            deaths_a="0",
            deaths_b="0",
            deaths_civilians="0",
            deaths_unknown="2",
            best="2",
            low="2",
            high="2",
        ),
    ]


def test_ucdp_data_says_not_recorded_and_is_credited(kachin: Project, tmp_path: Path) -> None:
    import_file(kachin, write_ucdp(tmp_path / "ged.csv", _ucdp_rows()))
    doc, data = _report(kachin, tmp_path)
    figures = data["figures"]
    assert figures["incidents"] == 2 and figures["killed"] == 8
    assert figures["civilians_killed"] == 1  # UCDP records civilian deaths
    assert figures["injured"] is None and figures["abducted_detained"] is None
    assert docx_read.key_figures(doc)["injured"] is None
    text = _text(doc)
    assert "0 injured" not in text and "and 0 injured" not in text
    assert "does not record injuries" in text
    assert "Data: 2 incidents from UCDP GED (CC BY 4.0)" in text
    assert "Sundberg, Ralph and Erik Melander (2013)" in text
    assert data["datasets"][0]["licence"] == "CC BY 4.0"
    annex = docx_read.tables_by_first_header(doc)["Reference"]
    sources = [row[6] for row in annex[1:]]
    assert all("not graded" in s and "F6" not in s for s in sources)
    assert "Single source" not in text  # GED events have two sources here
    assert "recorded by Test NGO from its own staff" not in text


def test_own_and_imported_data_together(kachin: Project, tmp_path: Path) -> None:
    import_file(kachin, write_ucdp(tmp_path / "ged.csv", _ucdp_rows()))
    _in_kachin(
        kachin,
        title="Mortar hits village",
        casualties=[{"best": 1}, {"best": 4, "outcome": Outcome.INJURED}],
    )
    doc, data = _report(kachin, tmp_path)
    assert data["figures"]["injured"] == 4  # recorded by our own incident only
    assert data["not_recorded"]["injured"] == 2
    assert data["own_incidents"] == 1
    text = _text(doc)
    assert "Injuries: not recorded for 2 of the 3 incidents" in text
    assert "1 incident recorded by Test NGO and 2 incidents from UCDP GED" in text


def test_acled_does_not_record_the_civilian_share(kachin: Project, tmp_path: Path) -> None:
    rows = [dict(r, event_date="2025-06-04") for r in ACLED_CURRENT_ROWS]
    import_file(kachin, write_acled(tmp_path / "acled.csv", rows), credit=DatasetCredit())
    with kachin.session() as s:
        data = collect(s, resolve_region(s, "Kachin"), dt.date(2025, 6, 2), dt.date(2025, 6, 8))
    f = data.figures
    assert f.killed > 0 and f.value("civilians_killed") is None
    assert f.value("injured") is None
    doc, _ = _report(kachin, tmp_path)
    text = _text(doc)
    assert "including 0 civilians" not in text
    assert "whether they were civilians is not recorded in ACLED" in text


# --------------------------------------------------------------------------- 9. demo data


def test_demo_data_is_marked_on_every_page_and_every_row(
    demo_project: Project, tmp_path: Path
) -> None:
    doc, data = _report(demo_project, tmp_path)
    con = sqlite3.connect(demo_project.location)
    try:
        (synthetic,) = con.execute(
            "SELECT count(*) FROM incident JOIN admin_area a ON a.id = incident.admin1_id "
            "WHERE a.name = 'Kachin' AND is_synthetic AND verification != 'retracted' "
            "AND date_start BETWEEN ? AND ?",
            PERIOD,
        ).fetchone()
    finally:
        con.close()
    assert synthetic > 1  # the demo's synthetic rows are there: the check means something
    assert data["synthetic_incidents"] == synthetic
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header):
            if part.is_linked_to_previous:
                continue
            assert "DEMO DATA" in "".join(t.text or "" for t in part._element.iter(qn("w:t")))
    annex = docx_read.tables_by_first_header(doc)["Reference"]
    marked = [row for row in annex[1:] if "[Synthetic]" in row[0]]
    with demo_project.session() as s:
        synthetic_refs = {
            r for (r,) in s.query(Incident.reference).filter(Incident.is_synthetic.is_(True))
        }
    assert marked
    assert {row[0].split()[0] for row in marked} == {
        row[0].split()[0] for row in annex[1:] if row[0].split()[0] in synthetic_refs
    }
    assert "were generated for demonstration" in _text(doc)


def test_synthetic_points_are_drawn_apart_on_the_map(demo_project: Project) -> None:
    from sitrep.reporting.build import map_inputs

    with demo_project.session() as s:
        data = collect(s, resolve_region(s, "Kachin"), dt.date(2025, 6, 2), dt.date(2025, 6, 8))
        points, _areas, _labels = map_inputs(s, data)
    synthetic = {r.reference for r in data.incidents if r.is_synthetic}
    assert synthetic and sum(p.synthetic for p in points) == len(
        [r for r in data.incidents if r.is_synthetic and r.lat is not None]
    )


def test_a_partly_recorded_civilian_count_is_a_lower_bound(
    kachin: Project, tmp_path: Path
) -> None:
    rows = [dict(r, event_date="2025-06-04") for r in ACLED_CURRENT_ROWS]
    import_file(kachin, write_acled(tmp_path / "acled.csv", rows))
    _in_kachin(kachin, title="Shell hits house", casualties=[{"best": 1}])
    doc, data = _report(kachin, tmp_path)
    assert data["figures"]["civilians_killed"] == 1
    assert data["not_recorded"]["civilians_killed"] >= 1
    text = _text(doc)
    assert "including at least 1 civilian" in text
    assert "Whether those killed were civilians: not recorded for" in text


def test_a_report_below_internal_shows_what_the_policy_lets_travel(
    kachin: Project, tmp_path: Path
) -> None:
    """The report follows the one redaction policy: a sensitive title, an exact location
    and victims named as actors do not appear in a partner report (issue 11, leak 4)."""
    from sitrep.model import Actor, IncidentActor
    from sitrep.model.enums import ActorRole

    with kachin.session() as s:
        township = make_area_in(s, "Hpakant", 3, "MMR001009")
        victim = Actor(name="Ko Aung Naing", inter_code=7)
        s.add(victim)
        s.flush()
        victim_id, township_id = victim.id, township.id
    inc = _in_kachin(
        kachin,
        title="Ko Aung Naing shot at the Seng Taung jade pit",
        place_name="Seng Taung jade pit",
        lat=25.61234,
        lon=96.31234,
        admin3_id=township_id,
        sensitivity=Sensitivity.PARTNER,
        sensitive_fields=["title", "exact_location", "victim_names"],
        casualties=[{"best": 1}],
    )
    with kachin.session() as s:
        s.add(IncidentActor(incident_id=inc.id, actor_id=victim_id, role=ActorRole.TARGET))
    doc, _ = _report(kachin, tmp_path, "--classification", "partner")
    text = _text(doc)
    assert "Seng Taung" not in text and "Ko Aung" not in text
    annex = docx_read.tables_by_first_header(doc)["Reference"]
    assert "Hpakant" in annex[1][2]
    with kachin.session() as s:
        data = collect(
            s,
            resolve_region(s, "Kachin"),
            dt.date(2025, 6, 2),
            dt.date(2025, 6, 8),
            classification="partner",
        )
    (row,) = data.incidents
    assert (row.lat, row.lon) == (25.6, 96.3)  # the map is drawn from these
    # an internal report shows them all
    doc, _ = _report(kachin, tmp_path, "--classification", "internal", name="internal")
    assert "Seng Taung" in _text(doc) and "Ko Aung Naing" in _text(doc)


def make_area_in(session: Any, name: str, level: int, pcode: str) -> Any:
    from sitrep.model import AdminArea
    from sitrep.places.names import area_key

    area = AdminArea(name=name, name_norm=area_key(name), level=level, pcode=pcode)
    session.add(area)
    session.flush()
    return area
