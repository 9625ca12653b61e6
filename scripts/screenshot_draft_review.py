"""Screenshot of the draft review window (docs/screenshots/draft-review.png).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_draft_review.py [OUT_DIR]

On the demo project, with a short field report written for it. The proposals come from
``sitrep.drafting.extract`` when that module is present; otherwise from
:func:`example_proposals`, which codes the report by hand as an officer would (the script
says which it used), so the window can be looked at before the extractor lands.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitrep.demo import build_demo  # noqa: E402
from sitrep.drafting.documents import text_document  # noqa: E402
from sitrep.drafting.proposal import (  # noqa: E402
    DATE,
    EVENT_TYPE,
    PLACE,
    SUB_EVENT_TYPE,
    Proposal,
    SourceDocument,
    Span,
    row_key,
)
from sitrep.editing.draft import ActorDraft, CasualtyDraft, IncidentDraft, SourceDraft  # noqa: E402
from sitrep.model import Incident, Place  # noqa: E402
from sitrep.store import Project  # noqa: E402
from sitrep.ui.app import make_application  # noqa: E402
from sitrep.ui.draft_review import DraftReviewWindow  # noqa: E402
from sitrep.ui.main_window import MainWindow  # noqa: E402
from sitrep.ui.settings import AppSettings  # noqa: E402

REPORT = (
    "HPAKANT, 9 June 2025 — Field update from the Hpakant team.\n\n"
    "A second explosion hit a jade mining site in Lone Khin on Friday during renewed "
    "fighting between the military and the KIA. About a dozen miners were killed, "
    "residents told our staff; houses near the site were destroyed.\n\n"
    "On Saturday the KIA said its fighters had ambushed a military column on the road "
    "to Hpakant, killing at least 10 soldiers. This could not be independently verified."
)


def _span(text: str, words: str, after: int = 0) -> Span:
    start = text.index(words, after)
    return Span(start, start + len(words), words)


def example_proposals(project: Project, doc: SourceDocument) -> list[Proposal]:
    """REPORT coded by hand (what the extractor should propose for it)."""
    text = doc.text
    with project.session() as s:
        lone_khin = s.scalar(select(Place).where(Place.name == "Lone Khin"))
        blast = s.scalar(
            select(Incident.reference).where(
                Incident.place_name == "Lone Khin", Incident.date_start == dt.date(2025, 6, 6)
            )
        )
        place_id = str(lone_khin.id) if lone_khin else None
        area = (
            next(
                (
                    a
                    for a in (
                        lone_khin.admin4_id,
                        lone_khin.admin3_id,
                        lone_khin.admin2_id,
                        lone_khin.admin1_id,
                    )
                    if a is not None
                ),
                None,
            )
            if lone_khin
            else None
        )
        lat = f"{lone_khin.lat:.4f}" if lone_khin and lone_khin.lat is not None else ""
        lon = f"{lone_khin.lon:.4f}" if lone_khin and lone_khin.lon is not None else ""
    first = text.index("A second explosion")
    second = text.index("On Saturday")
    blast_draft = IncidentDraft(
        title="Second blast at a Lone Khin mining site",
        date_start="2025-06-06",
        place_id=place_id,
        place_name="Lone Khin",
        area_id=str(area) if area else None,
        lat=lat,
        lon=lon,
        location_precision=2,
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        local_type="Mine-site blast",
        actors=[
            ActorDraft("Military Forces of Myanmar (2021-)"),
            ActorDraft("KIA: Kachin Independence Army", "side B"),
        ],
        casualties=[CasualtyDraft(low=10, best=12, high=14, note="about a dozen")],
        sources=[SourceDraft(name="Hpakant field team", source_type="own staff")],
        impacts=["houses", "mine sites"],
    )
    ambush_draft = IncidentDraft(
        title="KIA claims ambush on a military column",
        date_start="2025-06-07",
        place_name="Hpakant",
        event_type="Battles",
        sub_event_type="Armed clash",
        local_type="Ambush",
        verification="claim not independently verifiable",
        actors=[
            ActorDraft("KIA: Kachin Independence Army"),
            ActorDraft("Military Forces of Myanmar (2021-)", "side B"),
        ],
        casualties=[
            CasualtyDraft(
                affiliation="side B",
                low=10,
                best=10,
                high=10,
                at_least=True,
                is_party_claim=True,
                note="'at least 10', KIA claim",
            ),
        ],
    )
    return [
        Proposal(
            blast_draft,
            Span(first, second - 2, text[first : second - 2]),
            {
                DATE: [_span(text, "on Friday")],
                PLACE: [_span(text, "jade mining site in Lone Khin")],
                EVENT_TYPE: [_span(text, "A second explosion")],
                SUB_EVENT_TYPE: [_span(text, "explosion hit")],
                row_key("actors", 0): [_span(text, "the military")],
                row_key("actors", 1): [_span(text, "the KIA", text.index("military and"))],
                row_key("casualties", 0): [_span(text, "About a dozen miners were killed")],
                row_key("sources", 0): [_span(text, "residents told our staff")],
            },
            {
                DATE: "drawn from 'on Friday': the Friday before the report (9 June 2025)",
                row_key("casualties", 0): "drawn from 'About a dozen': 10–14, best 12",
            },
            duplicates=[blast] if blast else [],
            confidence=0.9,
        ),
        Proposal(
            ambush_draft,
            Span(second, len(text), text[second:]),
            {
                DATE: [_span(text, "On Saturday")],
                PLACE: [_span(text, "the road to Hpakant")],
                SUB_EVENT_TYPE: [_span(text, "ambushed")],
                row_key("casualties", 0): [_span(text, "killing at least 10 soldiers")],
                "verification": [_span(text, "could not be independently verified")],
            },
            {"verification": "drawn from 'could not be independently verified': a claim"},
            confidence=0.8,
        ),
    ]


def settle(app: QApplication, ms: int = 400) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    work = Path(tempfile.mkdtemp())
    project = build_demo(work / "demo.sitrep")
    settings = AppSettings(QSettings(str(work / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(project, settings)
    doc = text_document(REPORT)
    assert doc.report_date is not None
    try:
        from sitrep.drafting.extract import draft_incidents

        with project.session() as s:
            proposals = draft_incidents(s, doc, doc.report_date)
        print("proposals from sitrep.drafting.extract")
    except ImportError:
        proposals = example_proposals(project, doc)
        print("proposals coded by hand (sitrep.drafting.extract is not on this branch)")
    review = DraftReviewWindow(
        project,
        window.catalogue,
        doc,
        doc.report_date,
        proposals,
        save=window._save_draft,
        prompts=window.prompts,
        report_error=lambda _p, exc: print(exc),
    )
    review.resize(1600, 940)
    review.show()
    settle(app)
    review.grab().save(str(out / "draft-review.png"))
    for item in review.items:
        item.state = type(item.state).REJECTED
    review.close()
    window.close()
    project.close()
    print(out / "draft-review.png")


if __name__ == "__main__":
    main()
